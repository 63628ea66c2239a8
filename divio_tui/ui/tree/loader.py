"""How the resource tree fills itself: pages streamed into nodes, in batches, in workers.

`TreeLoader` is the part of `ResourceTree` that talks to the API. The tree's shape comes from
the resource table (`api/resources.py`): the roots are its `ROOT_KINDS`; a resource with one
child kind lists those children directly under itself (organisation > applications), one with
several gets a group node per kind (environment > Backups, Deployments, …); `single` links
(an application's repository) appear inline. Nothing is fetched before a node is expanded.

Every fetch runs in a worker (`exit_on_error=False`, and every failure caught inside anyway)
that is exclusive per node, so reloading a node cancels its load in flight. Paging is the API
layer's: each list keeps a `ListCursor` and asks it for the next batch; the first page
replaces the `loading…` placeholder as soon as it lands, the other pages of the batch are
fetched concurrently and added in order, a few milliseconds' worth of nodes at a time
(`CHUNK_SECONDS`, a hundred at most) with a yield to the event loop between, so a key
pressed while a 20,000-item list streams in is not queued behind the list. After `LOAD_BATCH` items a
`load more (n left)` line stops the stream until the user asks.

The loader also keeps what a reload asked to restore (`restore`): nodes to open again and the
cursor, applied as the nodes come back. A reload keeps what was shown until the first new page
lands (`start_listing(keep=True)`): if the reload fails before that, the old children and
counts stay, the list says `stale` and its error line says the reload failed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from contextlib import aclosing
from dataclasses import fields, replace
from datetime import datetime
from time import monotonic, perf_counter
from typing import Any

from rich.text import Text

from divio_tui.api.errors import ApiError
from divio_tui.api.models import ApiModel, Page
from divio_tui.api.resources import KINDS, ROOT_KINDS
from divio_tui.state.nodes import (
    LOAD_BATCH,
    ExpandedState,
    GroupData,
    Listing,
    NodeData,
    ResourceData,
    StatusData,
)
from divio_tui.state.session import Session
from divio_tui.ui._textual import FastTree
from divio_tui.ui.text.labels import (
    LabelContext,
    error_label,
    group_label,
    load_more_label,
    placeholder_label,
)
from divio_tui.ui.tree.lines import TreeText, has_children, is_under, listing_of
from divio_tui.ui.tree.messages import Highlighted, LoadFailed, Node, describe
from divio_tui.untrusted import clip

log = logging.getLogger(__name__)

NODES_PER_BATCH = 100
"""Nodes added between two yields to the event loop while a page is inserted, at most."""

CHUNK_SECONDS = 0.003
"""Seconds of labelling nodes before they are added and the event loop gets a turn."""

KEYS_ACTIVE = 0.5
"""Seconds after a cursor move during which streaming gives way to keys (`give_way`)."""

KEY_PAUSE = 0.01
"""Seconds a list streaming in pauses between two chunks while keys are being pressed."""

STREAMING_REFRESH = 0.5
"""Seconds between two updates of the detail pane while the list under the cursor streams."""

INVALID_SHOWN = 20
"""Unreadable records of one page shown as lines (the rest are counted in one more)."""

TRANSIENT = ("placeholder", "load-more", "error", "empty")
"""Status lines a new load replaces at once (the rest of a list waits for its first page)."""


class TreeLoader:
    """Fetches and inserts the children of the nodes of one tree (see the module docstring).

    `tree` is the widget (its workers run the fetches), `session` what the account is read
    through, `clock` the app's, `reload_key` the key named in error lines.
    """

    def __init__(self, tree: FastTree[NodeData], session: Session,
                 clock: Callable[[], datetime], *,
                 reload_key: str = "r") -> None:
        self.tree = tree
        self.session = session
        self.text = TreeText(session, clock)
        self.reload_key = reload_key
        self.restore = ExpandedState()
        """What a reload asked to open again, and where the cursor goes back."""
        self.on_resource_opened: Callable[[Node], None] | None = None
        """Called with a resource node opened for the first time (inline children load)."""
        self.on_backups_shown: Callable[[Node, list[Node]], None] | None = None
        """Called with (list node, new backup nodes) when backups land (sizes fill in)."""
        self._told: dict[int, float] = {}
        """Node id -> when the screen was last told its list changed (`_node_changed_soon`)."""
        self._due: set[int] = set()
        """Ids of the nodes whose change the screen will be told of shortly."""
        self._status: dict[int, list[Node]] = {}
        """Node id -> the status lines added under it (some may be gone: `status_children`)."""
        self._stale: dict[int, tuple[list[Node], Listing]] = {}
        """Node id -> the children and the listing a reload keeps on screen until its first
        page lands (see `start_listing`)."""

    def label_context(self) -> LabelContext:
        return self.text.label_context()

    def resource_text(self, data: ResourceData, ctx: LabelContext | None = None) -> Text:
        return self.text.resource_text(data, ctx)

    def refresh_listing_label(self, node: Node) -> None:
        # Only the node's own line is drawn again (`relabel`), not every line under it.
        self.tree.relabel(node, self.text.listing_text(node))
        listing = listing_of(node.data)
        if listing is not None and listing.loading:
            self._node_changed_soon(node)
        else:
            self.node_changed(node)

    def _node_changed_soon(self, node: Node) -> None:
        """`node_changed`, at most every `STREAMING_REFRESH` seconds while `node`'s list
        streams in: the screen redraws the detail pane each time (a group's summary reads all
        its children), and pages land faster than that. The last change is never dropped,
        and the end of the load tells at once (`_finish_listing`)."""
        if self.tree.cursor_node is not node:
            return
        now = monotonic()
        wait = self._told.get(node.id, -STREAMING_REFRESH) + STREAMING_REFRESH - now
        if wait <= 0:
            self._told[node.id] = now
            self.node_changed(node)
        elif node.id not in self._due:
            self._due.add(node.id)
            self.tree.set_timer(wait, lambda: self._tell_due(node))

    def _tell_due(self, node: Node) -> None:
        self._due.discard(node.id)
        if self.tree.registered(node):
            self._told[node.id] = monotonic()
            self.node_changed(node)

    def node_changed(self, node: Node) -> None:
        """Tell the screen the node under the cursor has new data (label, count, children)."""
        if self.tree.cursor_node is node:
            self.tree.post_message(Highlighted(node, refreshed=True))

    def report_failure(self, error: BaseException, node: Node) -> None:
        """Tell the screen a load under `node` failed (it shows a notification)."""
        self.tree.post_message(LoadFailed(error, describe(node)))

    # -- structure ----------------------------------------------------------------------

    def build_roots(self, *, open_first: bool) -> None:
        """Add one group per root kind (Organisations, Regions); open the first one."""
        tree = self.tree
        for index, name in enumerate(ROOT_KINDS):
            kind = KINDS[name]
            data = GroupData(kind.title, Listing(kind=name))
            node = tree.root.add(group_label(kind.title, None, 0, False), data)
            restoring = self.restore_node(node)
            if index == 0 and open_first and not restoring:
                node.expand()
        if tree.cursor_line < 0 and self.restore.cursor is None:
            tree.call_after_refresh(self._cursor_to_first_line)

    def _cursor_to_first_line(self) -> None:
        if self.tree.cursor_line < 0 and self.tree.last_line >= 0:
            self.tree.cursor_line = 0

    def load_children(self, node: Node) -> None:
        """Start loading what `node` holds unless that has started already (on expand)."""
        data = node.data
        if isinstance(data, GroupData):
            if not data.listing.loaded and not data.listing.loading:
                self.start_listing(node)
        elif isinstance(data, ResourceData) and not data.expanded_once:
            data.expanded_once = True
            self.open_resource(node, data)

    def open_resource(self, node: Node, data: ResourceData) -> None:
        """A resource opened for the first time: its list, or one group per child kind."""
        kind = KINDS.get(data.kind)
        if kind is None:
            return
        lists = [link for link in kind.child_links if not link.single]
        if len(lists) == 1:
            link = lists[0]
            data.listing = Listing(kind=link.kind, link=link, parent=data.model)
            self.start_listing(node)
        else:
            for link in lists:
                child_kind = KINDS[link.kind]
                group = GroupData(child_kind.title,
                                  Listing(kind=link.kind, link=link, parent=data.model),
                                  owner=data)
                child = node.add(group_label(child_kind.title, None, 0, False), group)
                self.restore_node(child)
        if self.on_resource_opened is not None:
            self.on_resource_opened(node)

    def restore_node(self, node: Node) -> bool:
        """Re-open `node` / put the cursor back on it if a reload asked to. True if opened."""
        data = node.data
        if data is None or isinstance(data, StatusData):
            return False
        key = data.key
        if key == self.restore.cursor:
            self.restore.cursor = None
            self.tree.call_after_refresh(self.tree.move_cursor, node)
        if key in self.restore.expanded:
            self.restore.expanded.discard(key)
            node.expand()
            return True
        return False

    def drop_children(self, node: Node) -> None:
        """Remove every descendant of `node` at once (the cursor moves up to `node` first)."""
        cursor = self.tree.cursor_node
        if cursor is not None and cursor is not node and is_under(cursor, node):
            self.tree.move_cursor(node)
        self.tree.drop_descendants(node)

    def sort_newest_first(self, node: Node, kind_name: str,
                          added: list[Node] | None = None) -> None:
        """Keep time-ordered kinds newest first even if the server sends another order.

        `added`: the children just added, after the others of their kind, which are in order
        already; when the batch is in order and no newer than what precedes it (the usual
        case: the server sends newest first) nothing else is looked at."""
        kind = KINDS.get(kind_name)
        if kind is None or kind.newest_first is None:
            return
        if added is not None and self._in_order_after(node, kind_name, added):
            return
        children = list(self.tree.children_of(node))
        resources = [child for child in children if isinstance(child.data, ResourceData)
                     and child.data.kind == kind_name]
        keys = [kind.sort_key(_model(child)) for child in resources]
        if all(keys[i] >= keys[i + 1] for i in range(len(keys) - 1)):
            return
        chosen = set(map(id, resources))
        others = [child for child in children if id(child) not in chosen]
        head = [child for child in others if not isinstance(child.data, StatusData)]
        tail = [child for child in others if isinstance(child.data, StatusData)]
        ordered = [child for _key, child in sorted(zip(keys, resources, strict=True),
                                                   key=lambda pair: pair[0], reverse=True)]
        self.tree.reorder_children(node, [*head, *ordered, *tail])

    def _in_order_after(self, node: Node, kind_name: str, added: list[Node]) -> bool:
        """Are `added` (the last resources of `node`) newest first, and none newer than the
        resource of their kind just before them?"""
        kind = KINDS[kind_name]
        if not added or not all(isinstance(child.data, ResourceData)
                                and child.data.kind == kind_name for child in added):
            return False
        keys = [kind.sort_key(_model(child)) for child in added]
        if not all(keys[i] >= keys[i + 1] for i in range(len(keys) - 1)):
            return False
        children = self.tree.children_of(node)
        position = len(children) - 1
        first = added[0]
        while position >= 0 and children[position] is not first:
            position -= 1
        if position < 0:
            return False
        # What lies between the batch's nodes must be the batch itself (in its order).
        if children[position:position + len(added)] != added:
            return False
        for child in reversed(children[:position]):
            data = child.data
            if isinstance(data, ResourceData) and data.kind == kind_name:
                return kind.sort_key(data.model) >= keys[0]
        return True

    # -- lists --------------------------------------------------------------------------

    def start_listing(self, node: Node, *, more: bool = False, keep: bool = False) -> None:
        """Load (or continue loading) the children of `node` in an exclusive worker.

        With `keep` (a reload), what is shown stays until the first new page lands, and comes
        back as it was if the reload fails first."""
        listing = listing_of(node.data)
        if listing is None:
            return
        reloading = False
        if not more:
            if keep and (node.id in self._stale or (listing.loaded and any(
                    isinstance(child.data, ResourceData) for child in node.children))):
                reloading = True
                if node.id not in self._stale:  # a reload of a reload keeps the first's
                    shown = [child for child in node.children if not (
                        isinstance(child.data, StatusData) and child.data.kind in TRANSIENT)]
                    self._stale[node.id] = (shown, replace(listing))
            else:
                self._stale.pop(node.id, None)
                self.drop_children(node)
            listing.reset()
        self.remove_status_children(node, set(TRANSIENT))
        text = "reloading…" if reloading else "loading…"
        self._add_status(node, placeholder_label(text),
                         StatusData("placeholder", text, owner=node.data))
        listing.loading = True
        listing.error = None
        listing.generation += 1
        self.refresh_listing_label(node)
        self.tree.run_worker(
            self._load_listing(node, listing, listing.generation),
            group=f"load-{node.id}",
            exclusive=True,
            exit_on_error=False,
            description=describe(node, last=2),  # the request log says who asked with it
        )

    async def _load_listing(self, node: Node, listing: Listing, generation: int) -> None:
        try:
            uuids = listing.member_uuids
            if uuids is not None:
                await self._load_members(node, listing, uuids)
            elif listing.pending:
                await self._load_pending(node, listing)
            elif not listing.started:
                await self._load_first_batch(node, listing)
            else:
                await self._load_next_batch(node, listing)
        except ApiError as error:
            if self.tree.registered(node):
                self.show_error(node, error, stale=self._keep_stale(node, listing))
        except Exception as error:  # a bug: say so on the node, never kill the app
            log.exception("loading %s failed", listing.kind)
            if self.tree.registered(node):
                self.show_error(node, error, stale=self._keep_stale(node, listing))
        finally:
            # A newer load of this list (a reload while this one ran) owns the state now.
            if listing.generation == generation:
                self._finish_listing(node, listing)

    def forget(self) -> None:
        """Forget the children kept for reloads in flight (the tree is being rebuilt)."""
        self._stale.clear()
        self._status.clear()

    def _keep_stale(self, node: Node, listing: Listing) -> bool:
        """A reload failed: if nothing new was shown yet, put the previous load back (its
        children never left the screen) and say it is stale. True if it did."""
        kept = self._stale.pop(node.id, None)
        if kept is None:
            return False
        _children, previous = kept
        for field in fields(Listing):
            if field.name not in ("generation", "loading", "error"):
                setattr(listing, field.name, getattr(previous, field.name))
        listing.stale = True
        return True

    def _drop_stale(self, node: Node) -> None:
        """The first new page of a reload is here: the children kept on screen go."""
        kept = self._stale.pop(node.id, None)
        if kept is None:
            return
        old = [child for child in kept[0] if self.tree.registered(child)]
        cursor = self.tree.cursor_node
        if cursor is not None and any(cursor is child or is_under(cursor, child) for child in old):
            self.tree.move_cursor(node)
        self.tree.drop_some(node, old)

    def _finish_listing(self, node: Node, listing: Listing) -> None:
        """The load is over (done, failed or cancelled): settle placeholder and label."""
        listing.loading = False
        if not self.tree.registered(node):
            return
        self.remove_status_children(node, {"placeholder"})
        if listing.loaded and listing.shown == 0 and not self.has_status(node, "error"):
            kind = KINDS.get(listing.kind)
            noun = kind.title.lower() if kind else listing.kind
            self._add_status(node, placeholder_label(f"no {noun}"),
                             StatusData("empty", f"no {noun}", owner=node.data))
        self.refresh_listing_label(node)

    async def _load_first_batch(self, node: Node, listing: Listing) -> None:
        kind = KINDS[listing.kind]
        if listing.params and self.session.ignores_filter(kind.name):
            await self._load_from_index(node, listing)
            return
        known = self.session.known_children(kind.name, listing.params)
        if known is not None:
            # Another view (an environment's backup summary) read this very list already.
            await self._load_known(node, listing, known, scanned=len(known))
            return
        listing.cursor = self.session.client.cursor(kind, listing.params)
        await self._load_next_batch(node, listing, first=True)

    async def _load_next_batch(self, node: Node, listing: Listing, *,
                               first: bool = False) -> None:
        """The next batch of the list's cursor, page by page as they arrive."""
        cursor = listing.cursor
        assert cursor is not None
        async with aclosing(cursor.next_batch(LOAD_BATCH)) as pages:
            async for page in pages:
                if first and listing.params and any(
                        not listing.belongs(model) for model in page.results):
                    # The server ignored our filter (DRF drops unknown params silently): read
                    # the whole collection once for the session and pick this parent's items
                    # from it, instead of scanning every page again for each parent.
                    self.session.note_ignored_filter(listing.kind)
                    listing.cursor = None
                    await self._load_from_index(node, listing)
                    return
                first = False
                await self._add_page(node, listing, page)
        self._add_load_more(node, listing)

    def _add_load_more(self, node: Node, listing: Listing) -> None:
        if not listing.exhausted:
            remaining = listing.remaining
            self._add_status(node, load_more_label(remaining, LOAD_BATCH),
                             StatusData("load-more", f"{remaining} left", owner=node.data))

    async def _load_from_index(self, node: Node, listing: Listing) -> None:
        models = await self.session.collection(listing.kind)
        mine = [model for model in models if listing.belongs(model)]
        await self._load_known(node, listing, mine, scanned=len(models))

    async def _load_known(
        self, node: Node, listing: Listing, mine: list[ApiModel], *, scanned: int
    ) -> None:
        """Show a list already read whole (out of `scanned` items), a batch at a time."""
        listing.count = len(mine)
        listing.scanned = scanned
        listing.dropped = scanned - len(mine)
        listing.read_whole = True
        listing.pending = list(mine)
        await self._load_pending(node, listing)

    async def _load_pending(self, node: Node, listing: Listing) -> None:
        """The next batch of an already-read list (from the session's collection index)."""
        pending = listing.pending or []
        batch, listing.pending = pending[:LOAD_BATCH], pending[LOAD_BATCH:]
        self.remove_status_children(node, {"placeholder"})
        created = await self._add_resources(node, listing, batch)
        listing.loaded = True
        self._backups_shown(node, listing, created)
        self._add_load_more(node, listing)

    async def _load_members(self, node: Node, listing: Listing, uuids: list[str]) -> None:
        """Children the parent names by uuid (a backup's SIBs): fetched one by one, cached."""
        listing.count = len(uuids)
        owner = node.data if isinstance(node.data, ResourceData) else None
        environment = owner.raw.get("environment") if owner is not None else None
        if listing.kind == "service_instance_backup" and isinstance(environment, str):
            # SIB labels name their service instance: read the environment's once.
            try:
                await self.session.read_service_instances(environment)
            except ApiError as error:
                log.info("service instances of %s: %s", environment, error.message)
        results = await self.session.get_many(listing.kind, uuids)
        models = [result for result in results if not isinstance(result, ApiError)]
        errors = [result for result in results if isinstance(result, ApiError)]
        listing.scanned = len(uuids)
        listing.read_whole = True
        self.remove_status_children(node, {"placeholder"})
        await self._add_resources(node, listing, models)
        listing.loaded = True
        if errors:
            self.show_error(node, errors[0])

    async def _add_page(self, node: Node, listing: Listing, page: Page[Any]) -> None:
        if not self.tree.registered(node):
            raise asyncio.CancelledError  # the node was dropped by a reload: stop quietly
        cursor = listing.cursor
        listing.scanned = cursor.scanned if cursor is not None else listing.scanned + page.size
        if listing.count is None:
            listing.count = page.count
        models = [model for model in page.results if listing.belongs(model)]
        listing.dropped += len(page.results) - len(models)
        self.session.remember(listing.kind, models)
        if len(models) > LOAD_BATCH:
            # A server that ignores page_size (10,000 records on one page): one batch now,
            # the rest behind `load more`, so one page never costs more than one batch does.
            models, listing.pending = models[:LOAD_BATCH], models[LOAD_BATCH:]
        self.remove_status_children(node, {"placeholder"})
        created = await self._add_resources(node, listing, models)
        for record in page.invalid[:INVALID_SHOWN]:
            self._add_status(
                node,
                Text.assemble(("⚠ unreadable record: ", "warn"),
                              (clip(record.error.message, 80), "muted")),
                StatusData("invalid", record.error.message, invalid=record, owner=node.data),
            )
        if len(page.invalid) > INVALID_SHOWN:
            more = f"… {len(page.invalid) - INVALID_SHOWN:,} more unreadable records on this page"
            self._add_status(node, Text(more, "warn"),
                             StatusData("invalid", more, owner=node.data))
        listing.loaded = True
        self.refresh_listing_label(node)
        self._backups_shown(node, listing, created)

    def _backups_shown(self, node: Node, listing: Listing, created: list[Node]) -> None:
        if listing.kind == "backup" and created and self.on_backups_shown is not None:
            self.on_backups_shown(node, created)

    async def _add_resources(
        self, node: Node, listing: Listing, models: Iterable[ApiModel]
    ) -> list[Node]:
        """Add resource children before any status line; returns the new nodes."""
        self._drop_stale(node)
        parent = node.data if isinstance(node.data, ResourceData) else None
        if isinstance(node.data, GroupData):
            parent = node.data.owner
        ctx = self.label_context()
        # Insert before the status lines (load more / error) so those stay last; by index:
        # `before=node` makes Textual search the children list for each node added.
        children = self.tree.children_of(node)  # live: other code may change it in a yield
        status = self.status_children(node)
        anchor = status[0] if status else None
        position = len(children)
        created: list[Node] = []
        batch = list(models)
        kind = listing.kind
        start = 0
        while start < len(batch):
            if anchor is None:
                position = len(children)
            elif position >= len(children) or children[position] is not anchor:
                position = children.index(anchor) if anchor in children else len(children)
            # A chunk is what can be labelled in `CHUNK_SECONDS` (NODES_PER_BATCH at most):
            # a key pressed meanwhile waits for one chunk per hop to the tree, not more.
            began = perf_counter()
            items = []
            for model in batch[start:start + NODES_PER_BATCH]:
                data = ResourceData(kind, model, parent=parent)
                items.append((self.resource_text(data, ctx), data, has_children(kind, model)))
                if perf_counter() - began >= CHUNK_SECONDS:
                    break
            start += len(items)
            added = self.tree.add_nodes(node, items, before=position)
            position += len(added)
            created.extend(added)
            listing.shown += len(added)
            for child in added:
                self.restore_node(child)
            if start < len(batch) or len(added) == NODES_PER_BATCH:
                await self.give_way()
                if not self.tree.registered(node):
                    raise asyncio.CancelledError
        if listing.member_uuids is None:
            # A parent's own list (a backup's SIBs) keeps the parent's order.
            self.sort_newest_first(node, listing.kind, created)
        return created

    async def give_way(self) -> None:
        """A turn for the event loop between two chunks of work; a longer one while the user
        is moving the cursor, so that the keys and their frames come before the list."""
        if monotonic() - self.tree.cursor_moved_at < KEYS_ACTIVE:
            await asyncio.sleep(KEY_PAUSE)
        else:
            await asyncio.sleep(0)

    # -- status lines -------------------------------------------------------------------

    def show_error(self, node: Node, error: BaseException, before: int | None = None, *,
                   stale: bool = False) -> None:
        """An error line under `node` (`stale`: a reload failed and the previous load is
        still shown) and a notification."""
        self.remove_status_children(node, {"placeholder", "load-more"})
        listing = listing_of(node.data)
        if listing is not None:
            listing.error = error
            stale = stale or listing.stale
        status = StatusData("error", getattr(error, "message", "") or str(error), error=error,
                            owner=node.data, stale=stale)
        child = self._add_status(node, error_label(error, self.reload_key, stale=stale),
                                 status, before=before)
        self.report_failure(error, node)
        if self.tree.cursor_node is node or self.tree.cursor_node is None:
            self.node_changed(child)

    def _add_status(self, node: Node, label: Text, status: StatusData, *,
                    before: int | None = None) -> Node:
        """A status line under `node` (every one is added here, so that they can be found
        without looking at every child: see `status_children`)."""
        child = self.tree.add_leaf(node, label, status, before=before)
        self._status.setdefault(node.id, []).append(child)
        return child

    def status_children(self, node: Node) -> list[Node]:
        """The status lines under `node`, in order. They are usually the last children (new
        resources go before the first status line), so only those are looked at when the
        status lines added and still there are all among them."""
        known = [child for child in self._status.get(node.id, ())
                 if child.parent is node and self.tree.registered(child)]
        if not known:
            self._status.pop(node.id, None)
            return []
        self._status[node.id] = known
        children = self.tree.children_of(node)
        tail: list[Node] = []
        for child in reversed(children):
            if not isinstance(child.data, StatusData):
                break
            tail.append(child)
        if len(tail) == len(known):
            return tail[::-1]
        return [child for child in children if isinstance(child.data, StatusData)]

    def has_status(self, node: Node, kind: str) -> bool:
        return any(isinstance(child.data, StatusData) and child.data.kind == kind
                   for child in self.status_children(node))

    def remove_status_children(self, node: Node, kinds: set[str]) -> None:
        doomed = [child for child in self.status_children(node)
                  if isinstance(child.data, StatusData) and child.data.kind in kinds]
        for child in doomed:
            if self.tree.cursor_node is child:
                self.tree.move_cursor(node)
            self.tree.remove_node(child)


def _model(node: Node) -> ApiModel:
    data = node.data
    assert isinstance(data, ResourceData)
    return data.model
