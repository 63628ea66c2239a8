"""Reveal any resource in the tree by kind and uuid: `ResourceTree.reveal("backup", uuid)`.

`Revealer` is the tree's collaborator that does it.

The tree only knows what has been expanded, so revealing a resource it has never shown works
in two halves, in one exclusive worker (a new reveal cancels the one in flight):

1. Up: fetch the resource by uuid (through the session cache), then its parent by the kind's
   `parent_kind` / `parent_field`, and so on up to a root kind (organisation, region) — or
   only until an ancestor whose node is already in the tree, which is usually very soon.
   A service instance backup costs at most four requests (SIB, backup, environment,
   application, then the organisation); every one of them is cached for the labels later.
2. Down: from that node, expand each ancestor in turn with the tree's own loader (the same
   workers a key press starts), wait for its children, and keep asking for `load more` until
   the next node appears or the list is exhausted. Then the cursor moves there and the
   previous position goes on the navigation history.

Where things hang: everything under an organisation as the tree shows it; regions under the
Regions root group and services under their region (the resource table's region -> service
link). An application's repository is found through the applications that name it.

A resource that does not exist, or that the token may not see (the API says 404 for both, or
403), is reported with `RevealFailed` and the cursor stays where it was.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from textual.worker import Worker

from divio_tui.api.errors import ApiError, Forbidden, NotFound, Unauthorised
from divio_tui.api.models import ApiModel
from divio_tui.api.resources import KINDS, ROOT_KINDS
from divio_tui.state.history import NavigationHistory, Position, position_of
from divio_tui.state.nodes import GroupData, NodeData, ResourceData
from divio_tui.ui._textual import FastTree
from divio_tui.ui.tree.filter import TreeFilter
from divio_tui.ui.tree.lines import listing_of
from divio_tui.ui.tree.loader import TreeLoader
from divio_tui.ui.tree.messages import FilterCleared, Node, RevealFailed

log = logging.getLogger(__name__)

MAX_DEPTH = 8
"""Ancestors followed at most (the deepest chain, a SIB, has five levels): a guard against a
server whose parent fields loop."""


class RevealError(Exception):
    """Why a resource could not be revealed; `message` is one plain sentence for a toast."""

    def __init__(self, message: str, *, error: BaseException | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.error = error


class Revealer:
    """`reveal(kind, uuid)`, `show_node(node)` and going back; see the module docstring."""

    def __init__(self, tree: FastTree[NodeData], loader: TreeLoader,
                 tree_filter: TreeFilter) -> None:
        self.tree = tree
        self.loader = loader
        self.session = loader.session
        self.filter = tree_filter
        self.history = NavigationHistory()
        """Where the cursor was before each jump."""

    # -- the public API -----------------------------------------------------------------

    def reveal(self, kind: str, uuid: str, *, remember: bool = True) -> Worker[Node | None]:
        """Show the resource `kind` `uuid` in the tree, loading whatever leads to it, and put
        the cursor on it; the previous position goes on the history unless `remember` is
        False. Runs in an exclusive worker whose result is the node (None on failure, after
        a `RevealFailed` message). Returns at once; `await worker.wait()` to follow it.
        """
        return self.tree.run_worker(self._reveal(kind, uuid, remember), group="reveal",
                                    exclusive=True, exit_on_error=False,
                                    description=f"reveal {kind} {uuid}")

    def show_node(self, node: Node, *, remember: bool = False, center: bool = False) -> None:
        """Expand the ancestors of a loaded `node` and put the cursor on it; `remember` the
        previous position on the history; `center` the line (a jump: show what surrounds
        it, not the edge of the pane)."""
        tree = self.tree
        cursor = tree.cursor_node
        if remember and node is not cursor:
            self.history.push(position_of(cursor.data if cursor else None))
        parent = node.parent
        while parent is not None and parent is not tree.root:
            if not parent.is_expanded:
                parent.expand()
            parent = parent.parent
        if self.filter.active:
            self.filter.set_text("")
            tree.post_message(FilterCleared())
        tree.relayout()  # lay the lines out now so the node has its line
        tree.move_cursor(node)
        if center and node.line >= 0:
            half = tree.scrollable_content_region.height // 2
            tree.scroll_to(y=max(node.line - half, 0), animate=False, force=True)
        # Once more after the refresh: a label that changed width may have moved it.
        tree.call_after_refresh(self._cursor_if_alive, node)

    def go_back(self) -> bool:
        """Back to where the cursor was before the last jump. False when there is none."""
        position = self.history.pop()
        if position is None:
            return False
        self.tree.run_worker(self._go_back(position), group="reveal", exclusive=True,
                             exit_on_error=False, description="history back")
        return True

    def find_loaded(self, kind: str, uuid: str) -> Node | None:
        """The node of `kind` `uuid` if the tree has loaded it (expanded or not)."""
        for node in self.tree.all_nodes():
            data = node.data
            if isinstance(data, ResourceData) and data.kind == kind and data.model.key == uuid:
                return node
        return None

    # -- workers --------------------------------------------------------------------------

    async def _reveal(self, kind: str, uuid: str, remember: bool) -> Node | None:
        try:
            node = await self.reveal_now(kind, uuid)
        except RevealError as failure:
            self.tree.post_message(RevealFailed(kind, uuid, failure.message, failure.error))
            return None
        except Exception as error:  # a bug: say so, never take the app down
            log.exception("revealing %s %s failed", kind, uuid)
            self.tree.post_message(RevealFailed(kind, uuid, f"Could not show it: {error}",
                                                error))
            return None
        self.show_node(node, remember=remember, center=True)
        return node

    async def _go_back(self, position: Position) -> Node | None:
        node = self._find_key(position.key)
        if node is None and position.kind is not None and position.uuid is not None:
            try:
                node = await self.reveal_now(position.kind, position.uuid)
            except RevealError as failure:
                self.tree.post_message(RevealFailed(position.kind, position.uuid,
                                                    failure.message, failure.error))
                return None
            if position.key[0] == "group":  # a group: it hangs under the revealed owner
                node = next((child for child in node.children
                             if child.data is not None and child.data.key == position.key),
                            node)
        if node is None:
            return None
        self.show_node(node, center=True)
        return node

    # -- the two halves -----------------------------------------------------------------

    async def reveal_now(self, kind: str, uuid: str) -> Node:
        """Load whatever leads to `kind` `uuid` and return its node (ancestors expanded, the
        cursor not moved). Raises `RevealError` when it cannot be shown."""
        if kind not in KINDS:
            raise RevealError(f"Unknown kind of resource: {kind}")
        node = self.find_loaded(kind, uuid)
        if node is not None:
            return node
        chain, start = await self._chain_to_tree(kind, uuid)
        for step_kind, model in chain:
            child = await self._child_of(start, step_kind, model.key)
            if child is None:
                raise RevealError(self._not_listed(step_kind, model, start))
            start = child
        return start

    async def _chain_to_tree(self, kind: str, uuid: str) -> tuple[list[tuple[str, ApiModel]],
                                                                  Node]:
        """(kind, model) from just below a node already in the tree down to the target, and
        that node (a loaded ancestor, or a root group)."""
        chain: list[tuple[str, ApiModel]] = []
        current_kind, current_uuid = kind, uuid
        for _depth in range(MAX_DEPTH):
            model = await self._fetch(current_kind, current_uuid, target=not chain)
            chain.append((current_kind, model))
            kind_info = KINDS[current_kind]
            if kind_info.parent_kind is None:
                group = self._root_group(current_kind)
                if group is None:
                    raise RevealError(f"The tree has no place for a {kind_info.singular}.")
                return chain[::-1], group
            parent_uuid = await self._parent_uuid(current_kind, model)
            if parent_uuid is None:
                raise RevealError(f"Cannot tell which {KINDS[kind_info.parent_kind].singular} "
                                  f"the {kind_info.singular} belongs to.")
            current_kind, current_uuid = kind_info.parent_kind, parent_uuid
            loaded = self.find_loaded(current_kind, current_uuid)
            if loaded is not None:
                return chain[::-1], loaded
        raise RevealError("Its chain of parents is too long to follow.")

    async def _fetch(self, kind: str, uuid: str, *, target: bool) -> ApiModel:
        try:
            return await self.session.get(kind, uuid)
        except Unauthorised as error:
            raise RevealError(f"The API refused the token looking up the "
                              f"{KINDS[kind].singular}.", error=error) from error
        except (NotFound, Forbidden) as error:
            noun = KINDS[kind].singular
            what = f"No {noun} {uuid}" if target else f"Its {noun} {uuid} is missing"
            raise RevealError(f"{what}: not found, or this token has no access to it.",
                              error=error) from error
        except ApiError as error:
            raise RevealError(f"Could not look up the {KINDS[kind].singular}: {error.message}",
                              error=error) from error

    async def _parent_uuid(self, kind: str, model: ApiModel) -> str | None:
        info = KINDS[kind]
        if info.parent_field is not None:
            value = getattr(model, info.parent_field, None)
            return value if isinstance(value, str) and value else None
        if info.parent_kind is None:
            return None
        # The parent names the child instead (application.repository): look among the
        # parents this session knows, then among the organisation's.
        parent_kind = KINDS[info.parent_kind]
        link = next((link for link in parent_kind.child_links if link.kind == kind), None)
        if link is None:
            return None

        def names_it(parent: ApiModel) -> bool:
            return model.key in (link.member_uuids(parent) or [])

        for parent in list(self.session.known_of_kind(parent_kind.name).values()):
            if names_it(parent):
                return parent.key
        organisation = getattr(model, "organisation", None)
        if parent_kind.parent_param and isinstance(organisation, str):
            params = {parent_kind.parent_param: organisation}
            try:
                async for parent in self.session.client.iter_items(parent_kind, params):
                    if names_it(parent):
                        self.session.remember(parent_kind.name, [parent])
                        return str(parent.key)
            except ApiError as error:
                raise RevealError(f"Could not look up its {parent_kind.singular}: "
                                  f"{error.message}", error=error) from error
        return None

    def _root_group(self, kind: str) -> Node | None:
        if kind not in ROOT_KINDS:
            return None
        return next((node for node in self.tree.root.children
                     if isinstance(node.data, GroupData)
                     and node.data.owner is None and node.data.kind == kind), None)

    def _find_key(self, key: tuple[str, ...]) -> Node | None:
        root = self.tree.root
        for node in self.tree.all_nodes():
            if node is not root and node.data is not None and node.data.key == key:
                return node
        return None

    async def _child_of(self, parent: Node, kind: str, uuid: str) -> Node | None:
        """The node of `kind` `uuid` right under `parent` (or under its group of that kind),
        loading (and loading more) until it appears. None when the list ends without it."""
        holder = parent
        if isinstance(parent.data, ResourceData):
            await self._open(parent)
            found = _resource_child(parent, kind, uuid)
            if found is not None:
                return found  # inline (a repository), or in the resource's own list
            group = next((child for child in parent.children
                          if isinstance(child.data, GroupData) and child.data.kind == kind), None)
            if group is not None:
                holder = group
            elif listing_of(parent.data) is None:
                return None
        progress = (-1, -1)
        while self.tree.registered(holder):
            await self._open(holder)
            found = _resource_child(holder, kind, uuid)
            if found is not None:
                return found
            listing = listing_of(holder.data)
            if listing is None or listing.error is not None or listing.exhausted:
                return None
            if (listing.scanned, listing.shown) == progress:
                return None  # `load more` brought nothing new: do not spin
            progress = (listing.scanned, listing.shown)
            self.loader.start_listing(holder, more=True)
        return None

    async def _open(self, node: Node) -> None:
        """Expand `node`, start its loads if they have not started, wait for them."""
        if not node.is_expanded:
            node.expand()
        self.loader.load_children(node)
        await self._loads_done(node)

    async def _loads_done(self, node: Node) -> None:
        """Wait for the workers loading `node`'s children (its list, its inline children)."""
        groups = {f"load-{node.id}", f"singles-{node.id}"}
        while True:
            running = [worker for worker in self.tree.workers
                       if worker.group in groups and not worker.is_finished]
            if not running:
                return
            await asyncio.wait([asyncio.ensure_future(_quietly(worker)) for worker in running])

    def _not_listed(self, kind: str, model: ApiModel, under: Node) -> str:
        noun = KINDS[kind].singular
        listing = listing_of(under.data)
        if listing is not None and listing.error is not None:
            reason = getattr(listing.error, "message", "") or str(listing.error)
            return f"Could not load the list that holds the {noun}: {reason}"
        return f"The {noun} {model.key} is not listed where it should be."

    def _cursor_if_alive(self, node: Node) -> None:
        if self.tree.registered(node) and self.tree.cursor_node is not node:
            self.tree.move_cursor(node)


def _resource_child(node: Node, kind: str, uuid: str) -> Node | None:
    for child in node.children:
        data = child.data
        if isinstance(data, ResourceData) and data.kind == kind and data.model.key == uuid:
            return child
    return None


async def _quietly(worker: Worker[Any]) -> None:
    """Wait for a worker whatever its outcome (a failed load leaves an error line)."""
    with contextlib.suppress(Exception):
        await worker.wait()

