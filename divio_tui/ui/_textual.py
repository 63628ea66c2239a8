"""Every use of a private Textual name, in one place, for the Textual version we pin.

The explorer needs a few things Textual's public API does not offer: a tree that can hide
lines (the `/` filter) and drop tens of thousands of nodes at once, a command palette that
shows hits while slow providers are still searching, a table that tints the cursor's row.
Each is built here on Textual's internals, behind a small public face; nothing else in
`divio_tui` touches a name that starts with an underscore on a Textual object.

`TEXTUAL_VERSION` is the version this module was written against; a test compares it with
`textual.__version__`, so an upgrade fails loudly here, in one place, and the list below is
what to re-read in Textual's source:

- `Tree._build`, `Tree._tree_lines`, `Tree._tree_lines_cached`, `Tree._tree_nodes`,
  `Tree._invalidate`, `Tree._get_node`, `_TreeLine`, `_TreeLine._get_guide_width`,
  `TreeNode._children`, `TreeNode._updates`, `TreeNode._id`, `TreeNode._line`,
  `TreeNode._expanded`, `TOGGLE_STYLE` (textual.widgets._tree);
- `CommandPalette._search_for`, `CommandPalette._refresh_command_list`, `Command`
  (textual.command);
- `DataTable._get_row_style`, `DataTable._update_dimensions` (and Rich's `Console._width`,
  `Console._height`, which that override pins for the length of one call),
  `DataTable._update_column_widths`, `DataTable._update_count` (the render caches' key).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from time import monotonic
from typing import Any, ClassVar, Generic, TypeVar, overload

from rich.style import Style as RichStyle
from rich.text import Text
from textual.command import Command, CommandList, CommandPalette, DiscoveryHit, Hit
from textual.content import Content
from textual.coordinate import Coordinate
from textual.geometry import Size
from textual.style import Style as VisualStyle
from textual.widgets import DataTable, Tree
from textual.widgets._tree import TOGGLE_STYLE, _TreeLine
from textual.widgets.tree import TreeNode

__all__ = [
    "TEXTUAL_VERSION",
    "TOGGLE_STYLE",
    "FastTree",
    "LineNodes",
    "RowTintedTable",
    "StreamingCommandPalette",
]

TEXTUAL_VERSION = "8.2.8"
"""The Textual release every name above was checked against (pyproject.toml pins it)."""

T = TypeVar("T")
CellT = TypeVar("CellT")


class LineNodes(Sequence[TreeNode[T]], Generic[T]):
    """The nodes of a tree's lines, read from its line list when asked (see `visible_lines`)."""

    def __init__(self, lines: list[_TreeLine[T]]) -> None:
        self._lines = lines

    def __len__(self) -> int:
        return len(self._lines)

    @overload
    def __getitem__(self, index: int) -> TreeNode[T]: ...

    @overload
    def __getitem__(self, index: slice) -> list[TreeNode[T]]: ...

    def __getitem__(self, index: int | slice) -> TreeNode[T] | list[TreeNode[T]]:
        if isinstance(index, slice):
            return [line.path[-1] for line in self._lines[index]]
        return self._lines[index].path[-1]

    def __iter__(self) -> Iterator[TreeNode[T]]:
        return (line.path[-1] for line in self._lines)


class FastTree(Tree[T], Generic[T]):
    """A `Tree` that can hide lines, drop or reorder children in one pass, and find nodes.

    `visible_ids()` returns the ids of the nodes to lay out (None: every expanded line, as
    `Tree` does); the widget calls `relayout()` when that set changes. The node-list helpers
    replace `TreeNode.remove_children`, which removes nodes one by one (a list search each:
    quadratic, seconds at 10k children).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._fast_lines: list[_TreeLine[T]] = []
        """The last layout's lines (a node's old line is at its old line number)."""
        self._fast_widths: list[tuple[object, bool, int]] = []
        """Per line of the last layout: (the label measured, its expand arrow, its width)."""
        super().__init__(*args, **kwargs)

    def visible_ids(self) -> set[int] | None:
        """Ids of the nodes to show, or None for all (override to hide lines)."""
        return None

    # -- nodes ----------------------------------------------------------------------------

    @staticmethod
    def children_of(node: TreeNode[T]) -> list[TreeNode[T]]:
        """The live list of `node`'s children (do not keep it across awaits)."""
        return node._children

    def registered(self, node: TreeNode[T]) -> bool:
        """Still part of this tree (not dropped by a reload while a worker ran)?"""
        return node is self.root or self._tree_nodes.get(node.id) is node

    def all_nodes(self) -> Iterator[TreeNode[T]]:
        """Every node of the tree, expanded or not, the root included."""
        return iter(list(self._tree_nodes.values()))

    def drop_descendants(self, node: TreeNode[T]) -> None:
        """Remove every descendant of `node` at once (the cursor must not be among them)."""
        stack = list(node._children)
        while stack:
            child = stack.pop()
            stack.extend(child._children)
            self._tree_nodes.pop(child._id, None)
        node._children.clear()
        node._updates += 1
        self._invalidate()

    def drop_some(self, node: TreeNode[T], children: list[TreeNode[T]]) -> None:
        """Remove these children of `node` and their descendants at once (the cursor must
        not be among them); the other children stay, in their order."""
        doomed = {id(child) for child in children}
        stack = [child for child in node._children if id(child) in doomed]
        while stack:
            child = stack.pop()
            stack.extend(child._children)
            self._tree_nodes.pop(child._id, None)
        node._children[:] = [child for child in node._children if id(child) not in doomed]
        node._updates += 1
        self._invalidate()

    def reorder_children(self, node: TreeNode[T], children: list[TreeNode[T]]) -> None:
        """Put `node`'s children in the order of `children` (the same nodes)."""
        node._children[:] = children
        node._updates += 1
        self._invalidate()

    def forget_all(self) -> None:
        """Forget every node but the root, at once."""
        self._tree_nodes.clear()
        self.clear()
        self._tree_nodes[self.root.id] = self.root

    def relayout(self) -> None:
        """Lay the lines out again now (after `visible_ids` changed)."""
        self._invalidate()
        self._tree_lines  # noqa: B018 — the property rebuilds the lines

    def visible_lines(self) -> LineNodes[T]:
        """The nodes on the lines as laid out now, top to bottom (a view: slicing it costs
        what the slice holds, not the whole tree)."""
        return LineNodes(self._tree_lines)

    def node_on_line(self, line: int) -> TreeNode[T] | None:
        return self._get_node(line)

    # -- layout -----------------------------------------------------------------------------

    def _build(self) -> None:
        # Tree._build, laying out only the visible nodes when some are hidden, and cheaper:
        # a node's line in the last layout (found at its old line number) is reused when its
        # parent's line was and it is still last or not last, and a label is measured once
        # (again only when the node gets a new label or arrow), so streaming a batch into a
        # big tree does not rebuild and measure 20,000 lines each time. Still one pass over
        # the expanded nodes, a tight loop per list of children.
        visible = self.visible_ids()
        old_lines = self._fast_lines
        old_widths = self._fast_widths
        old_count = len(old_lines)
        lines: list[_TreeLine[T]] = []
        widths: list[tuple[object, bool, int]] = []
        add_line = lines.append
        add_width = widths.append
        depth = self.guide_depth
        show_root = self.show_root
        get_label_width = self.get_label_width
        widest = 0
        TreeLine = _TreeLine

        def add_children(path: list[TreeNode[T]], children: list[TreeNode[T]],
                         same: bool) -> None:
            nonlocal widest
            if visible is not None:
                children = [child for child in children if child._id in visible]
            final = len(children) - 1
            guide = TreeLine([*path, children[0]], False)._get_guide_width(depth, show_root) \
                if children else 0
            for index, child in enumerate(children):
                last = index == final
                old = child._line
                line: _TreeLine[T] | None = None
                width: tuple[object, bool, int] | None = None
                if 0 <= old < old_count:
                    line = old_lines[old]
                    if line.path[-1] is child:
                        width = old_widths[old]
                        if not same or line.last is not last:
                            line = None
                    else:
                        line = None
                if line is None:
                    line = TreeLine([*path, child], last)
                    reused = False
                else:
                    reused = True
                if width is None or width[0] is not child._label \
                        or width[1] is not child._allow_expand:
                    width = (child._label, child._allow_expand, get_label_width(child))
                child._line = len(lines)
                add_line(line)
                add_width(width)
                if width[2] + guide > widest:
                    widest = width[2] + guide
                if child._expanded and child._children:
                    add_children(line.path, child._children, reused)

        if show_root and visible is None:
            add_children([], [self.root], True)
        else:
            add_children([], self.root._children, True)
        if visible is not None:  # hidden nodes have no line
            for node in self._tree_nodes.values():
                if not (0 <= node._line < len(lines) and lines[node._line].path[-1] is node):
                    node._line = -1
        self._fast_lines = lines
        self._fast_widths = widths
        self._tree_lines_cached = lines
        self.virtual_size = Size(widest if lines else self.size.width, len(lines))
        if self.cursor_line != -1:
            if self.cursor_node is not None:
                self.cursor_line = self.cursor_node._line
            if self.cursor_line >= len(lines):
                self.cursor_line = -1


class StreamingCommandPalette(CommandPalette):
    """Textual's command palette, showing hits while slow providers are still searching.

    The stock palette adds hits to its list only when another hit arrives a quarter of a
    second after the last refresh, or when every provider is done: hits found at once would
    wait for the slowest API request. This one records the hits of the current search and
    refreshes the list on a timer too.
    """

    FLUSH_EVERY: ClassVar[float] = 0.2
    """Seconds between refreshes of the list while a search is still running."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._streamed: list[DiscoveryHit | Hit] = []
        self._shown = 0
        self._searching = False
        self._search_started = 0.0

    def on_mount(self) -> None:
        # Beside CommandPalette._on_mount, which Textual calls as well (one per class).
        self.set_interval(self.FLUSH_EVERY, self._flush)

    async def _search_for(self, search_value: str) -> Any:
        streamed: list[DiscoveryHit | Hit] = []
        self._streamed, self._shown = streamed, 0
        self._searching, self._search_started = True, monotonic()
        inner = super()._search_for(search_value)
        try:
            hit = await inner.__anext__()
            while True:
                streamed.append(hit)
                aborted = yield hit
                hit = await inner.asend(aborted)
        except StopAsyncIteration:
            pass
        finally:
            if self._streamed is streamed:
                self._searching = False
            with contextlib.suppress(RuntimeError):
                await inner.aclose()

    def _flush(self) -> None:
        """Show the hits found so far if the search is still running and some are unseen."""
        hits = self._streamed
        if not self._searching or len(hits) == self._shown:
            return
        if monotonic() - self._search_started < self.FLUSH_EVERY:
            return
        self._shown = len(hits)
        commands = [Command(self._prompt_of(hit), hit, id=f"flush-{index}")
                    for index, hit in enumerate(hits)]
        command_list = self.query_one(CommandList)
        highlighted = command_list.highlighted
        self._refresh_command_list(command_list, commands, False)
        if highlighted is not None and highlighted < command_list.option_count:
            command_list.highlighted = highlighted

    def _prompt_of(self, hit: DiscoveryHit | Hit) -> Content:
        # As CommandPalette._gather_commands builds it.
        parts = [Content.from_rich_text(hit.prompt) if isinstance(hit.prompt, Text)
                 else Content.from_markup(str(hit.prompt))]
        if hit.help:
            help_style = VisualStyle.from_styles(
                self.get_component_styles("command-palette--help-text"))
            parts.append(Content.from_markup(hit.help).stylize_before(help_style))
        return Content("\n").join(parts)


class RowTintedTable(DataTable[CellT], Generic[CellT]):
    """A `DataTable` with a cell cursor whose whole row is tinted with `row_tint()`."""

    def row_tint(self) -> RichStyle | None:
        """The style added to the cursor's row (override; None: no tint)."""
        return None

    def _get_row_style(self, row_index: int, base_style: RichStyle) -> RichStyle:
        # Tinting the cursor's row here keeps DataTable's own rendering and caches (the row
        # style is part of every cell's cache key).
        style = super()._get_row_style(row_index, base_style)
        if row_index == self.cursor_row and row_index >= 0 and self.show_cursor:
            tint = self.row_tint()
            if tint is not None:
                style += tint
        return style

    def watch_cursor_coordinate(self, old: Coordinate, new: Coordinate) -> None:
        super().watch_cursor_coordinate(old, new)
        if old.row != new.row:
            self.refresh_row(old.row)
            self.refresh_row(new.row)

    def _update_dimensions(self, new_rows: Any) -> None:
        # DataTable measures every new cell, and each measurement asks the console for its
        # size: three get_terminal_size system calls per cell, most of the time it takes to
        # show thousands of rows (the backup health of a large account). The size cannot
        # change during the loop, so it is read once and pinned while it runs.
        console = self.app.console
        saved = (console._width, console._height)
        console.size = console.size
        widths = self._content_widths()
        try:
            super()._update_dimensions(new_rows)
        finally:
            console._width, console._height = saved
        self._widths_changed(widths)

    def _update_column_widths(self, updated_cells: Any) -> None:
        widths = self._content_widths()
        super()._update_column_widths(updated_cells)
        self._widths_changed(widths)

    def _content_widths(self) -> list[int]:
        return [column.content_width for column in self.columns.values()]

    def _widths_changed(self, before: list[int]) -> None:
        # Columns are measured when the table is idle, after rows were added or cells updated;
        # a line drawn in between is cached under the same key and would keep the old widths
        # (cells cut short, which run showed it depended on timing). A new key redraws them.
        if self._content_widths() != before:
            self._update_count += 1
            self.refresh()
