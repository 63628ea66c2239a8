"""Command palette (ctrl+p): jump to any loaded resource, or run a command on the highlighted one.

The commands offered depend on what is highlighted (no "copy UUID" on a group line). Resource
names are untrusted, and Textual's `Matcher.highlight` and `Hit.help` parse markup, so prompts
are built here as Rich `Text` (which the palette takes literally) and help lines are escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.fuzzy import Matcher
from textual.markup import escape

from divio_tui.api.resources import KINDS
from divio_tui.ui.actions import describe_resource
from divio_tui.ui.nodes import GroupData, ResourceData
from divio_tui.ui.summary import breadcrumb
from divio_tui.ui.untrusted import clean

if TYPE_CHECKING:
    from divio_tui.ui.app import DivioApp

MAX_RESOURCE_HITS = 5000
"""Loaded resources offered to the fuzzy matcher per search (the rest are not scanned)."""


@dataclass(frozen=True)
class PaletteCommand:
    """One command: what the palette shows, a line of help, and what it runs."""

    name: str
    help: str
    run: Callable[[], object]


def highlighted_text(matcher: Matcher, candidate: str, style: Style) -> Text:
    """`candidate` as literal Text with the fuzzy-matched characters styled."""
    text = Text(candidate)
    _score, offsets = matcher.fuzzy_search.match(matcher.query, candidate)
    for offset in offsets:
        if not candidate[offset].isspace():
            text.stylize(style, offset, offset + 1)
    return text


class ExplorerCommands(Provider):
    """The explorer's commands and every resource loaded so far."""

    @property
    def _app(self) -> DivioApp:
        return self.app  # type: ignore[return-value]

    def _resources(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = self._app
        tree = app.resource_tree
        found: list[tuple[str, str, Callable[[], object]]] = []
        for node in tree.iter_resource_nodes():
            data = node.data
            assert isinstance(data, ResourceData)
            kind = KINDS.get(data.kind)
            noun = kind.singular if kind else data.kind
            path = " › ".join(breadcrumb(data))
            found.append((f"Go to {noun}: {path}", escape(clean(data.uuid or "")),
                          partial(tree.reveal, node)))
            if len(found) >= MAX_RESOURCE_HITS:
                break
        return found

    async def discover(self) -> Hits:
        for command in self._app.palette_commands():
            yield DiscoveryHit(Text(command.name), command.run, help=escape(command.help))

    def _match_style(self) -> Style:
        # The theme's accent, underlined: Textual's own highlight style is built for its
        # markup path, which untrusted names must not take.
        accent = self.app.theme_variables.get("accent") or self.app.theme_variables.get("primary")
        return Style(color=accent, bold=True, underline=True) if accent else Style(underline=True)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        style = self._match_style()
        for command in self._app.palette_commands():
            score = matcher.match(command.name)
            if score > 0:
                yield Hit(score, highlighted_text(matcher, command.name, style),
                          command.run, text=command.name, help=escape(command.help))
        for name, help_text, run in self._resources():
            score = matcher.match(name)
            if score > 0:
                # Slightly below commands of equal score: commands are fewer and named by us.
                yield Hit(score * 0.95, highlighted_text(matcher, name, style), run,
                          text=name, help=help_text)


def commands_for(app: DivioApp) -> Iterator[PaletteCommand]:
    """The commands that make sense for the highlighted node right now."""
    data = app.highlighted
    if isinstance(data, ResourceData):
        noun = describe_resource(data)
        if data.uuid:
            yield PaletteCommand("Copy UUID", f"Copy the UUID of the {noun}",
                                 app.action_copy_uuid)
            yield PaletteCommand("Copy API URL", "Copy the API URL of the highlighted "
                                 "resource", app.action_copy_url)
        yield PaletteCommand("Copy JSON", f"Copy the JSON of the {noun}",
                             app.action_copy_json)
    elif isinstance(data, GroupData):
        yield PaletteCommand("Copy API URL", f"Copy the API URL of {data.title}",
                             app.action_copy_url)
    if app.check_action("open_control_panel", ()):
        yield PaletteCommand("Open in the Control Panel", "Open the highlighted resource "
                             "in the Divio Control Panel", app.action_open_control_panel)
    yield PaletteCommand("Reload", "Reload the highlighted node, keeping what is open",
                         app.action_reload)
    yield PaletteCommand("Reload everything", "Forget everything and reload from the top",
                         app.action_reload_all)
    yield PaletteCommand("Filter the tree", "Show only lines matching a text",
                         app.action_filter)
    yield PaletteCommand("Reveal sensitive values" if not app.reveal_secrets
                         else "Mask sensitive values",
                         "Toggle masking of sensitive environment variables",
                         app.action_reveal_secrets)
    yield PaletteCommand("Keys", "Show every key binding", app.action_help)
