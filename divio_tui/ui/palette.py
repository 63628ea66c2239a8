"""Command palette (ctrl+p or :): commands for the highlighted node, and the app's own.

The commands offered depend on what is highlighted (no "copy UUID" on a group line). Jumps to
resources (loaded, by slug, by name, by UUID) are `jump.JumpCommands`'. Resource names are
untrusted, and Textual's `Matcher.highlight` and `Hit.help` parse markup, so prompts are built
as Rich `Text` (which the palette takes literally) and help lines are escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.fuzzy import Matcher
from textual.markup import escape

from divio_tui.ui.actions import describe_resource
from divio_tui.ui.keys import APP_BINDINGS
from divio_tui.ui.nodes import GroupData, ResourceData

if TYPE_CHECKING:
    from divio_tui.ui.app import DivioApp


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


def match_style(provider: Provider) -> Style:
    """The theme's accent, underlined: Textual's own highlight style is built for its markup
    path, which untrusted names must not take."""
    variables = provider.app.theme_variables
    accent = variables.get("accent") or variables.get("primary")
    return Style(color=accent, bold=True, underline=True) if accent else Style(underline=True)


class ExplorerCommands(Provider):
    """The explorer's commands (resources to jump to are `JumpCommands`')."""

    @property
    def _app(self) -> DivioApp:
        return self.app  # type: ignore[return-value]

    async def discover(self) -> Hits:
        for command in self._app.palette_commands():
            yield DiscoveryHit(Text(command.name), command.run, help=escape(command.help))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        style = match_style(self)
        for command in self._app.palette_commands():
            score = matcher.match(command.name)
            if score > 0:
                yield Hit(score, highlighted_text(matcher, command.name, style),
                          command.run, text=command.name, help=escape(command.help))


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
    yield PaletteCommand("Toggle dark / light theme", "Switch between the light and the dark "
                         "theme", app.action_toggle_dark)
    if len(app.resource_tree.history):
        yield PaletteCommand("Back", "Back to where you were before the last jump",
                             app.action_history_back)
    backups = _backups_view_binding()
    open_backups = getattr(app, f"action_{backups.action}", None) if backups else None
    if backups is not None and callable(open_backups) and app.check_action(
            backups.action, ()) is not False:
        yield PaletteCommand("Backups view", "The backups of the highlighted environment "
                             "as a table", open_backups)
    yield PaletteCommand("Keys", "Show every key binding", app.action_help)


def _backups_view_binding() -> Binding | None:
    """The backups view's binding (`b`), once there is one."""
    return next((binding for binding in APP_BINDINGS
                 if binding.id is not None and binding.id.startswith("backups")), None)
