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
    Listing,
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
            self._reload_list(node, data.listing)
            return
        if isinstance(data, ResourceData):
            self.tree.run_worker(self._reload_resource(node, data), group=f"record-{node.id}",
                                 exclusive=True, exit_on_error=False,
                                 description=f"reload {describe(node, last=2)}")

    def _reload_list(self, node: Node, listing: Listing) -> None:
        """Read a list again, keeping what it shows until the first new page lands."""
        for field, parent in listing.params.items():
            self.session.forget_children(listing.kind, field, parent)
        if listing.loaded or listing.loading or node.is_expanded:
            self.loader.start_listing(node, keep=True)

    async def _reload_resource(self, node: Node, data: ResourceData) -> None:
        uuid = data.uuid
        if uuid is not None:
            try:
                data.model = await self.session.client.get(KINDS[data.kind], uuid)
                self.session.remember(data.kind, [data.model])
            except ApiError as error:
                # Nothing is dropped: the record and everything under it stay as they were,
                # and an error line says the reload failed (r on it tries again).
                if self.tree.registered(node):
                    self.loader.remove_status_children(node, {"error"})
                    self.loader.show_error(node, error, before=0, stale=True)
                return
        if not self.tree.registered(node):
            return
        node.set_label(self.loader.resource_text(data))
        self.loader.remove_status_children(node, {"error"})
        if data.expanded_once:
            self._reload_children(node, data)
        self.loader.node_changed(node)

    def _reload_children(self, node: Node, data: ResourceData) -> None:
        """The lists under a reloaded resource, read again in place (what they show stays
        until their new pages land); its inline children are fetched again."""
        kind = KINDS[data.kind]
        singles = {link.kind for link in kind.child_links if link.single}
        inline = [child for child in node.children if isinstance(child.data, ResourceData)
                  and child.data.kind in singles]
        if inline:
            if any(self.tree.cursor_node is child for child in inline):
                self.tree.move_cursor(node)
            self.tree.drop_some(node, inline)
        if data.listing is not None:
            data.listing.parent = data.model
            self._reload_list(node, data.listing)
        for child in list(node.children):
            if isinstance(child.data, GroupData):
                child.data.listing.parent = data.model
                self.loader.restore.expanded.discard(child.data.key)  # it never left
                self._reload_list(child, child.data.listing)
        if self.loader.on_resource_opened is not None:
            self.loader.on_resource_opened(node)

    def retry(self, status_node: Node) -> None:
        """Enter / r on an error or `load more` line: continue or redo its parent's load
        (after a failed reload, the reload)."""
        owner = status_node.parent
        if owner is None:
            return
        data = status_node.data
        listing = listing_of(owner.data)
        resumable = (listing is not None and listing.loaded and not listing.exhausted
                     and listing.member_uuids is None
                     and not (isinstance(data, StatusData) and data.stale))
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
        self.loader.forget()
        self.tree.forget_all()
        self.loader.build_roots(open_first=not keep_open)
