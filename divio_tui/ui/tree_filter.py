"""Filtering the resource tree by text (`/`): a rebuild of the visible lines that skips the rest.

Textual's `Tree` has no notion of hidden nodes, so `FilterMixin._build` repeats `Tree._build`
(Textual is pinned at 8.2.8) with one addition: under a filter, only matching lines, their
ancestors and what is open under a match are laid out. Nodes stay in the tree, loads keep
running, and clearing the filter shows everything again.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.widgets._tree import Tree, _TreeLine

from divio_tui.ui.loading import Node, TreeBase
from divio_tui.ui.nodes import NodeData


class FilterMixin(TreeBase):
    """The filter half of `ResourceTree` (see tree.py)."""

    _filter: str
    _filter_matches: int

    @property
    def filter_text(self) -> str:
        return self._filter

    def set_filter(self, text: str) -> int:
        """Show only lines (of the expanded tree) matching `text`, with their ancestors and
        what is open under them. Returns how many lines match; "" shows everything again."""
        self._filter = text.strip().casefold()
        self._invalidate()
        self._tree_lines  # noqa: B018 — rebuild now so the cursor can be checked
        cursor = self.cursor_node
        if self._filter and (cursor is None or not self._matches(cursor)
                             or self._get_node(cursor._line) is not cursor):
            # Onto the first match, so that enter / c / y act on what the user looked for.
            first = next((line.node for line in self._tree_lines
                          if self._matches(line.node)), None)
            if first is not None:
                self.move_cursor(first)
        elif cursor is not None:
            self.call_after_refresh(self.move_cursor, cursor)
        return self._filter_matches if self._filter else 0

    def _matches(self, node: Node) -> bool:
        return bool(self._filter) and self._filter in node.label.plain.casefold()  # type: ignore[union-attr]

    def _visible_under_filter(self) -> set[int]:
        visible: set[int] = set()
        matches = 0

        def visit(node: Node, inherited: bool) -> bool:
            nonlocal matches
            hit = self._matches(node)
            matches += hit
            shown = inherited or hit
            below = False
            if node._expanded:
                for child in node._children:
                    below = visit(child, shown) or below
            if shown or below:
                visible.add(node._id)
                return True
            return False

        for top in self.root._children:
            visit(top, False)
        self._filter_matches = matches
        return visible

    def _build(self) -> None:
        # Tree._build plus the filter (see the module docstring).
        if not self._filter:
            Tree._build(self)
            return
        for node in self._tree_nodes.values():
            node._line = -1
        visible = self._visible_under_filter()
        lines: list[_TreeLine[NodeData]] = []

        def add_node(path: list[Node], node: Node, last: bool) -> None:
            child_path = [*path, node]
            node._line = len(lines)
            lines.append(_TreeLine(child_path, last))
            if node._expanded:
                shown = [child for child in node._children if child._id in visible]
                for index, child in enumerate(shown):
                    add_node(child_path, child, index == len(shown) - 1)

        tops = [node for node in self.root._children if node._id in visible]
        for top in tops:
            add_node([], top, True)
        self._tree_lines_cached = lines
        width = max((self.get_label_width(line.node)
                     + line._get_guide_width(self.guide_depth, self.show_root)
                     for line in lines), default=self.size.width)
        self.virtual_size = Size(width, len(lines))
        if self.cursor_line != -1 and self.cursor_node is not None:
            self.cursor_line = self.cursor_node._line
        if self.cursor_line >= len(lines):
            self.cursor_line = -1
