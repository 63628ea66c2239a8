"""The detail pane: a summary of the highlighted node, its references, its full JSON.

`DetailPane` only displays a `DetailView`; `build_view` turns node data into one. The app
routes the tree's highlight messages here, so the pane never reaches into the tree. The
references are a `ReferenceList` (see references.py): when there are some, `tab` lands on
the list rather than on the pane (so ↑ ↓ choose one and enter follows it; j k still scroll).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any, ClassVar

from rich.console import Group, RenderableType
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from divio_tui.api.resources import KINDS
from divio_tui.state.nodes import GroupData, NodeData, ResourceData, StatusData
from divio_tui.state.secrets import secret_fields
from divio_tui.ui.detail.environments import DetailTable, environments_table
from divio_tui.ui.detail.json_view import json_view
from divio_tui.ui.detail.references import (
    Link,
    ReferenceList,
    field_width,
    link_cells,
    link_prompt,
    links_of,
)
from divio_tui.ui.detail.summary import (
    Row,
    SummaryContext,
    group_summary,
    resource_summary,
    status_summary,
)
from divio_tui.ui.keys import DETAIL_BINDINGS, KeyDisplay, keys_for
from divio_tui.ui.text.labels import MASK, plain_label
from divio_tui.ui.text.roles import component_classes, resolve, role_style
from divio_tui.untrusted import clip, visible

NAME_MAX = 60
"""Field names in the summary are cut here (they may come from the server)."""


@dataclass
class DetailView:
    """Everything the pane shows for one node."""

    title: Text
    rows: list[Row] = field(default_factory=list)
    json: Any = None
    """The JSON value to print below the summary (None: no JSON section)."""
    references: Collection[str] = ()
    """Field paths marked as references in the JSON."""
    links: list[Link] = field(default_factory=list)
    """The references to offer as doors (followable), in the resource table's order."""
    masked: Collection[str] = ()
    hint: str = ""
    """One muted line under the JSON heading (e.g. that secrets are masked)."""
    table: DetailTable | None = None
    """A table under the summary (an application's environments)."""


def masked_fields(data: ResourceData) -> set[str]:
    """Fields of `data` that hold a secret right now (empty when nothing is sensitive)."""
    return secret_fields(data.kind, data.raw)


def build_view(
    data: NodeData | None,
    ctx: SummaryContext,
    *,
    children: list[ResourceData] | None = None,
    reveal: bool = False,
    label: Text | None = None,
    session_rows: list[Row] | None = None,
) -> DetailView:
    """The view of one node; `children` are a group's loaded resources (for newest/oldest),
    `label` the node's tree label (the title repeats it), `session_rows` facts about the
    connection shown under the top-level groups."""
    if data is None:
        return DetailView(Text("Nothing highlighted", "muted"),
                          [("", Text("Move the cursor onto a resource to see it here.", "muted"))])
    if isinstance(data, ResourceData):
        kind = KINDS.get(data.kind)
        noun = kind.singular if kind else data.kind
        name = label.copy() if label is not None else Text(plain_label(data.kind, data.model),
                                                           "heading")
        if name.plain.startswith(noun + " "):  # "repository git@…" under its application
            name = name[len(noun) + 1:]
        title = Text.assemble((noun.capitalize() + "  ", "muted"), name)
        masked = set() if reveal else masked_fields(data)
        hint = ""
        if masked_fields(data):
            hint = "revealed — v masks again" if reveal else f"sensitive value masked as {MASK} — v reveals"
        table = (environments_table(ctx.environments, ctx.now, ctx.reload_key)
                 if data.kind == "application" else None)
        return DetailView(
            title, resource_summary(data, ctx), data.raw,
            references=list(kind.references) if kind else [],
            links=links_of(data, ctx.lookup), masked=masked, hint=hint, table=table,
        )
    if isinstance(data, GroupData):
        rows = group_summary(data, children or [], ctx)
        if data.owner is None and session_rows:
            rows = [*rows, ("", Text("")), *session_rows]
        return DetailView(Text(data.title, "heading"), rows)
    assert isinstance(data, StatusData)
    heading = {"error": "Error", "invalid": "Unreadable record", "load-more": "More to load",
               "empty": "Empty", "placeholder": "Loading"}.get(data.kind, data.kind)
    raw = data.invalid.raw if data.kind == "invalid" and data.invalid is not None else None
    return DetailView(Text(heading, "bad" if data.kind == "error" else "heading"),
                      status_summary(data), raw)


def summary_table(rows: list[Row], style: Callable[[str], Style], width: int) -> Group:
    """The summary: field names in a column as wide as the longest (a name never wraps),
    values beside them, wrapping under themselves. A value holding a word too long for its
    column (a UUID on a narrow pane) goes whole on the line below its name instead, so it is
    never broken."""
    names = [clip(name, NAME_MAX) for name, _ in rows]
    label_width = max((len(name) for name in names), default=0)
    if width:
        label_width = min(label_width, max(width // 2, 8))
    value_width = width - label_width - 1 if width else 0
    parts: list[RenderableType] = []
    table: Table | None = None
    for name, (_, value) in zip(names, rows, strict=True):
        text = resolve(value, style)
        if value_width and _longest_word(text.plain) > value_width:
            table = None
            if name:
                parts.append(Text(name, style("field"), no_wrap=True, overflow="ellipsis"))
            parts.append(Text("  ").append_text(text))
            continue
        if table is None:
            table = Table.grid(padding=(0, 1), expand=True)
            table.add_column(style=style("field"), width=label_width, no_wrap=True,
                             overflow="ellipsis")
            table.add_column(ratio=1, overflow="fold")
            parts.append(table)
        table.add_row(name, text)
    return Group(*parts)


def _longest_word(text: str) -> int:
    return max((len(word) for word in text.split()), default=0)


class DetailPane(VerticalScroll, can_focus=True):
    """Summary and JSON of one node; scrolls with the arrows / j k once focused (tab)."""

    BINDINGS: ClassVar[list[BindingType]] = list(DETAIL_BINDINGS)
    COMPONENT_CLASSES = component_classes("detail") | {"detail--field"}

    def __init__(self, keys: KeyDisplay, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._keys = keys
        self._view: DetailView = DetailView(Text("Loading…", "muted"))

    def compose(self) -> ComposeResult:
        yield Static(id="detail-title")
        yield Static(id="detail-summary")
        yield Static(id="detail-table")
        yield Static(id="detail-references-heading")
        yield ReferenceList(id="detail-references")
        yield Static(id="detail-json")

    def on_mount(self) -> None:
        self._render_view()

    def on_resize(self) -> None:
        # The summary's layout depends on the width (side by side, or stacked).
        self._render_view()

    @property
    def view(self) -> DetailView:
        """What the pane shows now (tests read it)."""
        return self._view

    @property
    def reference_list(self) -> ReferenceList:
        return self.query_one("#detail-references", ReferenceList)

    def show(self, view: DetailView, *, keep_scroll: bool = False) -> None:
        """Display `view`; scroll back to the top unless it is the same node refreshed."""
        self._view = view
        self._render_view()
        if not keep_scroll:
            self.scroll_home(animate=False)

    def _place_focus(self) -> None:
        """Tab lands on the references when there are some, else on the pane itself; focus
        inside the pane follows when the references come or go."""
        references = self.reference_list
        has_links = bool(self._view.links)
        focused = self.app.focused
        self.can_focus = not has_links
        if has_links and focused is self:
            references.focus(scroll_visible=False)
        elif not has_links and focused is references:
            self.focus(scroll_visible=False)

    def notify_style_update(self) -> None:
        # Roles are resolved against the current theme: re-render when the styles change.
        super().notify_style_update()
        if self.is_mounted:
            self.call_later(self._render_view)

    def _style(self, role: str) -> Style:
        return role_style(self, f"detail--{role}")

    def _render_links(self, links: list[Link]) -> None:
        heading = Text()
        if links:
            heading.append("References", self._style("heading"))
            follow = keys_for(self._keys, "follow-reference")[0]
            back = keys_for(self._keys, "history-back")[0]
            heading.append(f"  {follow} follows · {back} goes back", self._style("muted"))
        title = self.query_one("#detail-references-heading", Static)
        title.update(heading)
        title.display = bool(links)
        width = field_width(links)
        prompts = [link_prompt(resolve(head, self._style), resolve(target, self._style), width)
                   for head, target in map(link_cells, links)]
        self.reference_list.show_links(links, prompts)
        self._place_focus()

    def _render_table(self, spec: DetailTable | None) -> None:
        widget = self.query_one("#detail-table", Static)
        widget.display = spec is not None
        if spec is None:
            return
        parts: list[RenderableType] = [Text(spec.title.capitalize(), self._style("heading"))]
        if spec.headers:
            table = Table(box=None, padding=(0, 1), show_edge=False, expand=False,
                          header_style=self._style("field"), pad_edge=False)
            for index, header in enumerate(spec.headers):
                widest = max([len(header), *(row[index].cell_len for row in spec.rows
                                             if index < len(row))])
                table.add_column(visible(header), no_wrap=True, overflow="ellipsis",
                                 min_width=widest if index < spec.keep else None)
            for row in spec.rows:
                table.add_row(*(resolve(cell, self._style) for cell in row))
            parts.append(table)
        if spec.note is not None:
            parts.append(resolve(spec.note, self._style))
        widget.update(Group(*parts))

    def _render_view(self) -> None:
        if not self.is_mounted:
            return
        view = self._view
        self.query_one("#detail-title", Static).update(resolve(view.title, self._style))
        self.query_one("#detail-summary", Static).update(
            summary_table(view.rows, self._style, self.scrollable_content_region.width))
        self._render_table(view.table)
        self._render_links(view.links)
        json_part: RenderableType = Text("")
        if view.json is not None:
            heading = Text()
            heading.append("JSON", self._style("heading"))
            if view.hint:
                heading.append(f"  {view.hint}", self._style("muted"))
            body = json_view(view.json, references=view.references, masked=view.masked,
                             mask=MASK)
            if body.cut:
                full = keys_for(self._keys, "full-values")[0]
                heading.append(f"  long values cut — {full} shows them whole",
                               self._style("warn"))
            json_part = Group(heading, resolve(body.text, self._style))
        self.query_one("#detail-json", Static).update(json_part)
