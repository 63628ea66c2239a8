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
  `Tree._invalidate`, `Tree._get_node`, `Tree._line_cache` (its keys start with the line
  number), `Tree._new_id`, `Tree._refresh_line`, `Tree.watch_cursor_line`, the reactives
  `Tree.cursor_line`, `Tree.hover_line` and `Widget.virtual_size` set without their watchers,
  `Widget._scroll_update`, `_TreeLine`, `_TreeLine._get_guide_width`,
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
from rich.text import Text, TextType
from textual.command import Command, CommandList, CommandPalette, DiscoveryHit, Hit
from textual.content import Content
from textual.coordinate import Coordinate
from textual.geometry import Region, Size
from textual.style import Style as VisualStyle
from textual.widget import Widget
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
        self._fast_extents: list[int] = []
        """Per line of the last layout: its width with the guides."""
        self._fast_widest = 0
        """The widest of `_fast_extents` (the tree's virtual width)."""
        self.cursor_moved_at = -1.0
        """When the cursor last moved (`time.monotonic`): background work gives keys way."""
        super().__init__(*args, **kwargs)

    def visible_ids(self) -> set[int] | None:
        """Ids of the nodes to show, or None for all (override to hide lines)."""
        return None

    def watch_cursor_line(self, previous_line: int, line: int) -> None:
        super().watch_cursor_line(previous_line, line)
        if previous_line != line:
            self.cursor_moved_at = monotonic()

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

    # -- adding and removing without laying the whole tree out again -------------------------
    #
    # `TreeNode.add` and `TreeNode.remove` invalidate the whole tree: the next frame lays out
    # every expanded node again and redraws every line on screen (each line's cache key holds
    # the tree's and the root's update counters, which `_invalidate` bumps). Streaming 20,000
    # backups into a group that way costs a layout of 20,000 lines and a full redraw per
    # batch. `add_nodes` and `remove_node` splice the lines in and out of the current layout
    # instead, renumber the lines below, and repaint only the lines on screen that moved;
    # whenever the layout is not current or the change is not a simple one (the filter is on,
    # a node with open children would change), they fall back to Textual's invalidation.

    def add_nodes(self, parent: TreeNode[T],
                  items: Sequence[tuple[TextType, T | None, bool]], *,
                  before: int | None = None) -> list[TreeNode[T]]:
        """Add collapsed children to `parent`, each `(label, data, allow_expand)`, at index
        `before` (0 to the number of children; None: after the others), in one step;
        returns the new nodes in order."""
        children = parent._children
        index = len(children) if before is None else max(0, min(before, len(children)))
        nodes: list[TreeNode[T]] = []
        for label, data, allow_expand in items:
            node = TreeNode(self, parent, self._new_id(), self.process_label(label), data,
                            expanded=False, allow_expand=allow_expand)
            self._tree_nodes[node._id] = node
            nodes.append(node)
        if not nodes:
            return nodes
        at = self._lines_at(parent, index)
        children[index:index] = nodes
        if at is None:
            self._invalidate()
        elif at >= 0:
            self._splice_lines(parent, at, index, nodes)
        return nodes

    def relabel(self, node: TreeNode[T], label: TextType) -> None:
        """`node.set_label(label)`, redrawing only `node`'s own line: `set_label` counts as
        an update of the node, and every line under it keys its cache on that (a group's
        new count would redraw all its children on screen)."""
        lines = self._tree_lines_cached
        line = node._line
        if lines is None or lines is not self._fast_lines or self.visible_ids() is not None \
                or not (0 <= line < len(lines) and lines[line].path[-1] is node):
            node.set_label(label)
            return
        node._label = self.process_label(label)
        self._forget_drawn(line, line + 1)
        width = (node._label, node._allow_expand, self.get_label_width(node))
        extent = width[2] + lines[line]._get_guide_width(self.guide_depth, self.show_root)
        before = self._fast_extents[line]
        self._fast_widths[line] = width
        self._fast_extents[line] = extent
        if extent > self._fast_widest or (before >= self._fast_widest > extent):
            self._fast_widest = max(self._fast_extents)
            self._resize_quietly(Size(self._fast_widest, len(lines)))
        self._refresh_line(line)

    def add_leaf(self, parent: TreeNode[T], label: TextType, data: T | None = None, *,
                 before: int | None = None) -> TreeNode[T]:
        """`parent.add_leaf(label, data, before=before)`, the way `add_nodes` adds."""
        return self.add_nodes(parent, [(label, data, False)], before=before)[0]

    def remove_node(self, node: TreeNode[T]) -> None:
        """`node.remove()`, without a layout of the whole tree when `node` has no lines
        under it (a leaf, a collapsed node) and the cursor is not on it."""
        parent = node._parent
        if parent is None:
            raise ValueError("the root cannot be removed")
        children = parent._children
        index = next(i for i in range(len(children) - 1, -1, -1) if children[i] is node)
        shown = self._lines_at(parent, index)
        lines = self._fast_lines
        line = node._line
        simple = (shown is not None and (shown < 0 or (
            0 <= line < len(lines) and lines[line].path[-1] is node
            and not (node._expanded and node._children)
            and self.cursor_line != line
            and (index < len(children) - 1 or index == 0
                 or not self._has_open_children(children[index - 1])))))
        stack = [node]
        while stack:
            gone = stack.pop()
            stack.extend(gone._children)
            self._tree_nodes.pop(gone._id, None)
        del children[index]
        if not simple:
            self._invalidate()
            return
        if shown is not None and shown < 0:
            return  # under a collapsed node: no line changes
        node._line = -1
        del lines[line]
        del self._fast_widths[line]
        extent = self._fast_extents.pop(line)
        if index == len(children) and index > 0:  # its previous sibling is last now
            self._set_last(children[index - 1], True)
        self._renumber(line, -1, extent)

    @staticmethod
    def _has_open_children(node: TreeNode[T]) -> bool:
        return node._expanded and bool(node._children)

    def _lines_at(self, parent: TreeNode[T], index: int) -> int | None:
        """Where the lines of `parent`'s children from `index` on start in the current layout
        (before they change); -1: they have no lines (`parent` or an ancestor is collapsed);
        None: the layout is not current, or changing it is not simple (relay it out)."""
        lines = self._tree_lines_cached
        if lines is None or lines is not self._fast_lines or self.visible_ids() is not None:
            return None
        if parent is self.root and not self.show_root:
            start = 0
        else:
            line = parent._line
            if not (0 <= line < len(lines) and lines[line].path[-1] is parent):
                return -1 if self._collapsed_above(parent) else None
            if not parent._expanded:
                return -1
            start = line + 1
        children = parent._children
        if index < len(children):
            child = children[index]
            line = child._line
            return line if 0 <= line < len(lines) and lines[line].path[-1] is child else None
        if not children:
            return start
        last = children[-1]
        line = last._line
        if not (0 <= line < len(lines) and lines[line].path[-1] is last) \
                or self._has_open_children(last):
            return None
        return line + 1

    def _collapsed_above(self, node: TreeNode[T]) -> bool:
        """Is `node` under a collapsed node (so it has no line)?"""
        parent = node._parent
        while parent is not None:
            if not parent._expanded:
                return True
            parent = parent._parent
        return False

    def _splice_lines(self, parent: TreeNode[T], at: int, index: int,
                      nodes: list[TreeNode[T]]) -> None:
        """Lines for `nodes` (just put at `index` among `parent`'s children, all collapsed)
        at line `at`."""
        lines = self._fast_lines
        children = parent._children
        path = [] if parent is self.root and not self.show_root else lines[parent._line].path
        at_end = index + len(nodes) == len(children)
        if at_end and index > 0:  # the previous last child is not last any more
            self._set_last(children[index - 1], False)
        TreeLine = _TreeLine
        final = len(nodes) - 1
        new_lines = [TreeLine([*path, node], at_end and position == final)
                     for position, node in enumerate(nodes)]
        guide = new_lines[0]._get_guide_width(self.guide_depth, self.show_root)
        get_label_width = self.get_label_width
        widths = [(node._label, node._allow_expand, get_label_width(node)) for node in nodes]
        extents = [width[2] + guide for width in widths]
        lines[at:at] = new_lines
        self._fast_widths[at:at] = widths
        self._fast_extents[at:at] = extents
        self._renumber(at, len(nodes), max(extents))

    def _resize_quietly(self, size: Size) -> None:
        """A new virtual size without a layout of the whole screen: setting `virtual_size`
        (a layout reactive) reflows every widget, at each batch streamed in. The scrollbars
        follow here; one appearing or going still asks for a layout."""
        if size == self.virtual_size:
            return
        self.set_reactive(Widget.virtual_size, size)
        self._scroll_update(size)

    def _forget_drawn(self, first: int, end: int | None = None) -> None:
        """Drop the drawn lines cached for line numbers `first` to `end` (None: all below)."""
        cache = self._line_cache
        for key in list(cache.keys()):
            number = key[0]
            if isinstance(number, int) and number >= first and (end is None or number < end):
                cache.discard(key)

    def _set_last(self, node: TreeNode[T], last: bool) -> None:
        """`node` (with no lines under it) became or stopped being its parent's last child."""
        line = node._line
        old = self._fast_lines[line]
        if old.last is not last:
            self._fast_lines[line] = _TreeLine(old.path, last)
            node._updates += 1  # its guide changes: └ or ├
            self._refresh_line(line)

    def _renumber(self, start: int, moved: int, extent: int) -> None:
        """The lines from `start` on moved by `moved` (added: `extent` is the widest added;
        removed: the width of what went): line numbers, size, cursor and repaint follow."""
        lines = self._fast_lines
        for number in range(start, len(lines)):
            lines[number].path[-1]._line = number
        if moved > 0 and extent > self._fast_widest:
            self._fast_widest = extent
        elif moved < 0 and extent >= self._fast_widest:
            self._fast_widest = max(self._fast_extents, default=0)
        self._resize_quietly(Size(self._fast_widest if lines else self.size.width, len(lines)))
        # The cursor and the hover stay on their nodes (whose lines moved); set quietly, as
        # the node highlighted is the same.
        for name in ("cursor_line", "hover_line"):
            value = getattr(self, name)
            if value >= start:
                value = max(start, value + moved) if moved < 0 else value + moved
                self.set_reactive(getattr(Tree, name), value)
        # Drawn lines are cached by line number and the update counts of the nodes on their
        # path, not by node: forget those from `start` down (other nodes are there now).
        self._forget_drawn(start)
        # Repaint the lines on screen from `start` down.
        top = self.scroll_offset.y
        bottom = top + self.size.height
        first = max(start, top)
        if first < bottom:
            self.refresh(Region(0, first - top, self.size.width, bottom - first))

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
        extents: list[int] = []
        add_line = lines.append
        add_width = widths.append
        add_extent = extents.append
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
                extent = width[2] + guide
                add_extent(extent)
                if extent > widest:
                    widest = extent
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
        self._fast_extents = extents
        self._fast_widest = widest
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
