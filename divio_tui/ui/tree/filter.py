"""Filtering the resource tree by text (`/`): which lines stay visible.

Textual's `Tree` has no notion of hidden nodes; `FastTree` (see `_textual.py`) lays out only
the ids `visible_ids()` names. Under a filter these are the matching lines, their ancestors
and what is open under a match. Nodes stay in the tree, loads keep running, and clearing the
filter shows everything again.
"""

from __future__ import annotations

from divio_tui.ui.tree.messages import Node


class TreeFilter:
    """The text filter of one tree: the text, and how many lines matched last time."""

    def __init__(self) -> None:
        self.text = ""
        """The filter, folded for comparison ("" = no filter)."""
        self.matches = 0

    def set_text(self, text: str) -> None:
        self.text = text.strip().casefold()

    @property
    def active(self) -> bool:
        return bool(self.text)

    def matches_node(self, node: Node) -> bool:
        label = node.label
        plain = label.plain if hasattr(label, "plain") else str(label)
        return bool(self.text) and self.text in plain.casefold()

    def visible_ids(self, top_nodes: list[Node]) -> set[int] | None:
        """Ids of the nodes to lay out under the filter (None: no filter, show all); counts
        the matches among the expanded lines."""
        if not self.text:
            return None
        visible: set[int] = set()
        matches = 0

        def visit(node: Node, inherited: bool) -> bool:
            nonlocal matches
            hit = self.matches_node(node)
            matches += hit
            shown = inherited or hit
            below = False
            if node.is_expanded:
                for child in node.children:
                    below = visit(child, shown) or below
            if shown or below:
                visible.add(node.id)
                return True
            return False

        for top in top_nodes:
            visit(top, False)
        self.matches = matches
        return visible

