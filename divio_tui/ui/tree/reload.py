"""Reloading the resource tree while keeping the user's place: what was open, and the cursor.

`TreeReloader` captures which nodes are expanded under the node being reloaded (and whether
the cursor is among them), hands that to the loader's `restore`, and starts the loads again;
as nodes come back the loader re-opens them and puts the cursor back. `reload_all` does the
same from the roots with the session's caches forgotten; an error or `load more` line is
retried by continuing its list where it stopped when it can, else by reloading its owner.
"""

from __future__ import annotations

import logging

from divio_tui.api.errors import ApiError
from divio_tui.api.resources import KINDS
from divio_tui.state.nodes import (
    ExpandedState,
    GroupData,
    NodeData,
    ResourceData,
    StatusData,
)
from divio_tui.ui._textual import FastTree
from divio_tui.ui.tree.lines import is_under, listing_of
from divio_tui.ui.tree.loader import TreeLoader
from divio_tui.ui.tree.messages import Node, describe

log = logging.getLogger(__name__)


class TreeReloader:
    """Reload a node or the whole tree, keeping what is open and the cursor."""

    def __init__(self, tree: FastTree[NodeData], loader: TreeLoader) -> None:
        self.tree = tree
        self.loader = loader
        self.session = loader.session

    def capture(self, node: Node) -> ExpandedState:
        """The expanded nodes under `node` (itself included) and the cursor if it is there."""
        state = ExpandedState()
        root = self.tree.root
        stack = [node]
        while stack:
            current = stack.pop()
            if current is not root and current.is_expanded and current.data is not None:
                state.expanded.add(current.data.key)
            stack.extend(current.children)
        cursor = self.tree.cursor_node
        if cursor is not None and cursor.data is not None and (
            node is root or cursor is node or is_under(cursor, node)
        ):
            state.cursor = cursor.data.key
        return state

    def reload_node(self, node: Node) -> None:
        """Fetch `node` again, keeping what is expanded below it and the cursor."""
        data = node.data
        if isinstance(data, StatusData):
            self.retry(node)
            return
        restore = self.loader.restore
        state = self.capture(node)
        restore.expanded |= state.expanded - {data.key if data else ()}
        if state.cursor is not None and self.tree.cursor_node is not node:
            restore.cursor = state.cursor
        if isinstance(data, GroupData):
            for field, parent in data.listing.params.items():
                self.session.forget_children(data.listing.kind, field, parent)
            if data.listing.loaded or data.listing.loading or node.is_expanded:
                self.loader.start_listing(node)
            return
        if isinstance(data, ResourceData):
            self.tree.run_worker(self._reload_resource(node, data), group=f"record-{node.id}",
                                 exclusive=True, exit_on_error=False,
                                 description=f"reload {describe(node, last=2)}")

    async def _reload_resource(self, node: Node, data: ResourceData) -> None:
        uuid = data.uuid
        if uuid is not None:
            try:
                data.model = await self.session.client.get(KINDS[data.kind], uuid)
                self.session.remember(data.kind, [data.model])
            except ApiError as error:
                # The children reload anyway; the record keeps its previous value.
                self.loader.report_failure(error, node)
        if not self.tree.registered(node):
            return
        node.set_label(self.loader.resource_text(data))
        if data.expanded_once:
            self.loader.drop_children(node)
            data.listing = None
            data.expanded_once = False
            if node.is_expanded:
                data.expanded_once = True
                self.loader.open_resource(node, data)
        self.loader.node_changed(node)

    def retry(self, status_node: Node) -> None:
        """Enter / r on an error or `load more` line: continue or redo its parent's load."""
        owner = status_node.parent
        if owner is None:
            return
        data = status_node.data
        listing = listing_of(owner.data)
        resumable = (listing is not None and listing.loaded and not listing.exhausted
                     and listing.member_uuids is None)
        if isinstance(data, StatusData) and data.kind in {"error", "load-more"} and resumable:
            if data.kind == "error":
                self.tree.move_cursor(owner)
            self.loader.start_listing(owner, more=True)
            return
        self.tree.move_cursor(owner)
        if owner is not self.tree.root:
            self.reload_node(owner)

    def reload_all(self, *, keep_open: bool = True) -> None:
        """Forget everything and rebuild from the roots, re-opening what was open, or (not
        `keep_open`: another account) only the first root, as at start."""
        state = self.capture(self.tree.root) if keep_open else ExpandedState()
        self.tree.workers.cancel_node(self.tree)
        self.session.clear()
        self.loader.restore = state
        self.tree.forget_all()
        self.loader.build_roots(open_first=not keep_open)
