"""Command palette (ctrl+p or :): the commands of the screen it was opened on.

The screen (a `PaletteHost`, the explorer) says which commands make sense now (no "copy UUID"
on a group line); jumps to resources (loaded, by slug, by name, by UUID) are
`jump.JumpCommands`'. Providers type against `PaletteHost`, never against the app or a
concrete screen. Resource names are untrusted, and Textual's `Matcher.highlight` and
`Hit.help` parse markup, so prompts are built as Rich `Text` (which the palette takes
literally) and help lines are escaped.

Every provider ranks its hits in the same tiers (`rank`): a name that is the query, then one
that starts with it, then fuzzy matches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol, cast

from rich.style import Style
from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.fuzzy import Matcher
from textual.markup import escape

from divio_tui.state.nodes import ResourceData
from divio_tui.state.session import Session

EXACT = 1000.0
"""Score of an exact slug, name or UUID hit: above any other, so it comes first."""

PREFIX = EXACT / 2
"""Score of a name, slug or UUID that starts with the query: above any fuzzy score."""


def rank(query: str, names: list[str], fuzzy: float) -> float:
    """The tiers: a name that is the query, one that starts with it, then the fuzzy score
    (`fuzzy`, kept below `PREFIX`; within a tier it orders the hits)."""
    folded = query.strip().casefold()
    within = min(fuzzy, PREFIX - 1) / PREFIX
    folded_names = [name.casefold() for name in names]
    if folded in folded_names:
        return EXACT + within
    if any(name.startswith(folded) for name in folded_names):
        return PREFIX + within
    return min(fuzzy, PREFIX - 1)


@dataclass(frozen=True)
class PaletteCommand:
    """One command: what the palette shows, a line of help, and what it runs."""

    name: str
    help: str
    run: Callable[[], object]


class PaletteHost(Protocol):
    """What the palette's providers need of the screen it was opened on (the explorer)."""

    @property
    def session(self) -> Session: ...

    def palette_commands(self) -> Iterable[PaletteCommand]:
        """The commands that make sense right now."""
        ...

    def loaded_resources(self) -> Iterator[ResourceData]:
        """Every resource the screen has loaded, for jumps by fuzzy match."""
        ...

    def jump_to(self, kind: str, uuid: str) -> None:
        """Show `kind` `uuid` (loading whatever leads to it)."""
        ...


def host_of(provider: Provider) -> PaletteHost:
    """The screen the palette was opened on, as the protocol it implements (the providers
    are only registered on screens that do)."""
    return cast(PaletteHost, provider.screen)


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

    async def discover(self) -> Hits:
        for command in host_of(self).palette_commands():
            yield DiscoveryHit(Text(command.name), command.run, help=escape(command.help))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        style = match_style(self)
        for command in host_of(self).palette_commands():
            score = matcher.match(command.name)
            if score > 0:
                score = rank(query, [command.name], score)
                yield Hit(score, highlighted_text(matcher, command.name, style),
                          command.run, text=command.name, help=escape(command.help))
