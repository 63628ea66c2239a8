"""The detail pane's references: every uuid the shown resource points at, as a door.

`links_of` lists the references of a resource (the resource table's `references`, resolved
by `references_of`) with the target's label when the session already knows it — nothing is
fetched to draw the list. `ReferenceList` shows them between the summary and the JSON:
`tab` into the detail pane lands on it, `↑` / `↓` choose, `enter` (or a click) posts
`Followed`, and the app asks the tree to `reveal` the target.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import on
from textual.binding import BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from divio_tui.api.models import ApiModel
from divio_tui.api.resources import KINDS, Reference, references_of
from divio_tui.state.nodes import ResourceData
from divio_tui.ui.keys import REFERENCE_BINDINGS
from divio_tui.ui.text.labels import plain_label
from divio_tui.untrusted import visible

ARROW = "↗"
"""The marker of a followable reference, here and in the JSON."""


@dataclass(frozen=True)
class Link:
    """One reference of the shown resource, with its target's label when already known."""

    reference: Reference
    label: str | None = None

    @property
    def kind(self) -> str:
        return self.reference.kind

    @property
    def uuid(self) -> str:
        return self.reference.uuid

    @property
    def field(self) -> str:
        """The JSON key it sits under (`last_finished_deployment`, not `….uuid`)."""
        return self.reference.field.split(".")[0].removesuffix("[*]")


FIELD_WIDTH = 26
"""The field column is as wide as the longest field name, up to this many cells."""


def link_cells(link: Link) -> tuple[Text, Text]:
    """(`↗ environment`, `live · main`): the field, and the target's label when known, else
    its kind and uuid. Spans carry roles (see roles.py); API text is cleaned and literal."""
    head = Text.assemble((f"{ARROW} ", "accent"), (visible(link.field), "muted"))
    if link.label:
        return head, Text(link.label)
    kind = KINDS.get(link.kind)
    return head, Text.assemble((f"{kind.singular if kind else link.kind} ", "muted"),
                               (visible(link.uuid), "reference"))


def link_prompt(head: Text, target: Text, width: int) -> Table:
    """One option: the field in a column `width` wide, the target wrapping beside it."""
    grid = Table.grid(padding=(0, 2), expand=True)
    grid.add_column(width=width, no_wrap=True, overflow="ellipsis")
    grid.add_column(ratio=1, overflow="fold")
    grid.add_row(head, target)
    return grid


def field_width(links: Sequence[Link]) -> int:
    """The width of the field column for `links` (arrow included)."""
    return min(max((len(link.field) for link in links), default=0) + 2, FIELD_WIDTH)


def links_of(data: ResourceData,
             lookup: Callable[[str, str], ApiModel | None]) -> list[Link]:
    """Every reference of `data`, in the resource table's order, labelled when known."""
    links: list[Link] = []
    for reference in references_of(data.model):
        target = lookup(reference.kind, reference.uuid)
        links.append(Link(reference, plain_label(reference.kind, target)
                          if target is not None else None))
    return links


class ReferenceList(OptionList):
    """The references of the resource in the detail pane; `enter` or a click follows one."""

    BINDINGS: ClassVar[list[BindingType]] = list(REFERENCE_BINDINGS)

    class Followed(Message):
        """The user chose to follow `link` (the app reveals its target in the tree)."""

        def __init__(self, link: Link) -> None:
            super().__init__()
            self.link = link

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, compact=True, markup=False)
        self._links: list[Link] = []

    @property
    def links(self) -> list[Link]:
        return list(self._links)

    @property
    def selected_link(self) -> Link | None:
        """The highlighted reference, if any."""
        index = self.highlighted
        return self._links[index] if index is not None and index < len(self._links) else None

    def show_links(self, links: Sequence[Link], prompts: Sequence[Table]) -> None:
        """Show `links` (drawn as `prompts`), keeping the highlight when they are the same
        references as before (a refreshed label, not another resource)."""
        same = [link.reference for link in links] == [link.reference for link in self._links]
        highlighted = self.highlighted if same else None
        self._links = list(links)
        self.set_options(Option(prompt) for prompt in prompts)
        self.display = bool(links)
        if links:
            self.highlighted = highlighted if highlighted is not None else 0

    @on(OptionList.OptionSelected)
    def _follow(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self._links):
            self.post_message(self.Followed(self._links[event.option_index]))
