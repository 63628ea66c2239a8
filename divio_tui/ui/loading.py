"""How the resource tree fills itself: pages streamed into nodes, in batches, in workers.

`LoadingMixin` is the half of `ResourceTree` that talks to the API. Every fetch runs in a
worker (`exit_on_error=False`, and every failure caught inside anyway) that is exclusive per
node, so reloading a node cancels its load in flight. Children arrive page by page: the first
page replaces the `loading…` placeholder as soon as it lands, the other pages of the batch are
fetched concurrently (bounded by the client) and added in order, a few hundred nodes at a time
with a yield to the event loop between, so a 5,000-item list never freezes the screen. After
`LOAD_BATCH` items a `load more (n left)` line stops the stream until the user asks.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

import httpx
from rich.text import Text
from textual.widgets._tree import TreeNode

from divio_tui.api.errors import ApiError
from divio_tui.api.models import ApiModel, Page, parse_page
from divio_tui.api.paging import ordered_concurrently
from divio_tui.api.resources import KINDS
from divio_tui.ui.labels import (
    LabelContext,
    error_label,
    group_label,
    load_more_label,
    placeholder_label,
    resource_label,
)
from divio_tui.ui.nodes import (
    LOAD_BATCH,
    GroupData,
    Listing,
    NodeData,
    ResourceData,
    StatusData,
)
from divio_tui.ui.session import Session
from divio_tui.ui.untrusted import clean

if TYPE_CHECKING:
    from textual.widgets import Tree

    TreeBase = Tree[NodeData]
    """For the type checker the mixins are trees; at run time `ResourceTree` adds `Tree`."""
else:
    TreeBase = object

log = logging.getLogger(__name__)

NODES_PER_BATCH = 100
"""Nodes added between two yields to the event loop while a page is inserted."""


Node = TreeNode[NodeData]


class _RawView(Mapping[str, Mapping[str, Any]]):
    """A live, read-only view uuid -> wire-format record over the session's models (labels
    read records; the session keeps models)."""

    def __init__(self, models: dict[str, ApiModel]) -> None:
        self._models = models

    def __getitem__(self, key: str) -> Mapping[str, Any]:
        return self._models[key].raw

    def __iter__(self) -> Iterator[str]:
        return iter(self._models)

    def __len__(self) -> int:
        return len(self._models)


def listing_of(data: NodeData | None) -> Listing | None:
    """The listing a node loads into: a group's, or a single-child-kind resource's."""
    if isinstance(data, GroupData):
        return data.listing
    if isinstance(data, ResourceData):
        return data.listing
    return None


class LoadingMixin(TreeBase):
    """Fetching and inserting children. Mixed into `ResourceTree` (see tree.py)."""

    session: Session
    _clock: Callable[[], datetime]
    reload_key: str

    if TYPE_CHECKING:  # provided by ResourceTree and ExtrasMixin

        def node_changed(self, node: Node) -> None: ...
        def is_alive(self, node: Node) -> bool: ...
        def drop_children(self, node: Node) -> None: ...
        def restore_node(self, node: Node) -> bool: ...
        def sort_newest_first(self, node: Node, kind_name: str) -> None: ...
        def fill_backup_sizes(self, node: Node, backups: list[Node]) -> None: ...
        def report_failure(self, error: BaseException, node: Node) -> None: ...

    # -- labels -------------------------------------------------------------------------

    def label_context(self) -> LabelContext:
        return LabelContext(
            now=self._clock(),
            sibs=_RawView(self.session.known_of_kind("service_instance_backup")),
            service_instances=_RawView(self.session.known_of_kind("service_instance")),
        )

    def resource_text(self, data: ResourceData, ctx: LabelContext | None = None) -> Text:
        kind = KINDS.get(data.kind)
        fallback = ""
        if kind is not None:
            try:
                fallback = kind.label(data.model)
            except Exception:  # noqa: BLE001 — a label must never take the tree down
                fallback = data.model.key
        return resource_label(data.kind, data.raw, ctx or self.label_context(), fallback)

    def listing_text(self, node: Node) -> Text:
        data = node.data
        if isinstance(data, GroupData):
            listing = data.listing
            return group_label(data.title, listing.count, listing.shown, listing.loading)
        assert isinstance(data, ResourceData)
        return self.resource_text(data)

    def refresh_listing_label(self, node: Node) -> None:
        node.set_label(self.listing_text(node))
        self.node_changed(node)

    # -- starting loads -----------------------------------------------------------------

    def start_listing(self, node: Node, *, more: bool = False) -> None:
        """Load (or continue loading) the children of `node` in an exclusive worker."""
        listing = listing_of(node.data)
        if listing is None:
            return
        if not more:
            self.drop_children(node)
            listing.reset()
        self._remove_status_children(node, {"load-more", "error", "empty"})
        node.add_leaf(placeholder_label("loading…"), StatusData("placeholder", "loading…",
                                                                owner=node.data))
        listing.loading = True
        listing.error = None
        listing.generation += 1
        self.refresh_listing_label(node)
        self.run_worker(
            self._load_listing(node, listing, listing.generation),
            group=f"load-{node.id}",
            exclusive=True,
            exit_on_error=False,
            description=f"load {listing.kind}",
        )

    async def _load_listing(self, node: Node, listing: Listing, generation: int) -> None:
        try:
            uuids = listing.member_uuids
            if uuids is not None:
                await self._load_members(node, listing, uuids)
            elif listing.pending:
                await self._load_pending(node, listing)
            elif listing.next_page == 1 and listing.next_url is None:
                await self._load_first_batch(node, listing)
            else:
                await self._load_next_batch(node, listing)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # ApiError, and anything unexpected: never kill the app
            if not isinstance(error, ApiError):
                log.exception("loading %s failed", listing.kind)
            if self.is_alive(node):
                self.show_error(node, error)
        finally:
            # A newer load of this list (a reload while this one ran) owns the state now.
            if listing.generation == generation:
                self._finish_listing(node, listing)

    def _finish_listing(self, node: Node, listing: Listing) -> None:
        """The load is over (done, failed or cancelled): settle placeholder and label."""
        listing.loading = False
        if not self.is_alive(node):
            return
        self._remove_status_children(node, {"placeholder"})
        if listing.loaded and listing.shown == 0 and not self._has_status(node, "error"):
            kind = KINDS.get(listing.kind)
            noun = kind.title.lower() if kind else listing.kind
            node.add_leaf(placeholder_label(f"no {noun}"),
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
        first = await self.session.client.get_page(kind, listing.params)
        if listing.params and any(not listing.belongs(model) for model in first.results):
            # The server ignored our filter (DRF drops unknown params silently): read the
            # whole collection once for the session and pick this parent's items from it,
            # instead of scanning every page again for each parent.
            self.session.note_ignored_filter(kind.name)
            await self._load_from_index(node, listing)
            return
        listing.count = first.count
        await self._add_page(node, listing, first)
        if first.next is None:
            listing.next_page = None
            return
        listing.page_size = first.size or None
        if _is_page_number_link(first.next, 2) and listing.count is not None and listing.page_size:
            listing.next_page = 2
        else:
            listing.next_page = None
            listing.next_url = first.next
        await self._load_next_batch(node, listing, budget=LOAD_BATCH - first.size)

    async def _load_next_batch(
        self, node: Node, listing: Listing, budget: int = LOAD_BATCH
    ) -> None:
        """Pages after the first: numbered pages concurrently, opaque `next` links in turn."""
        kind = KINDS[listing.kind]
        client = self.session.client
        if listing.next_page is not None and listing.page_size and listing.count is not None:
            total_pages = max(math.ceil(listing.count / listing.page_size), 1)
            start = listing.next_page
            stop = min(total_pages, start + max(math.ceil(budget / listing.page_size), 1) - 1)

            def job(number: int) -> Callable[[], Any]:
                return lambda: client.get_page(kind, listing.params, page=number)

            pages = ordered_concurrently([job(n) for n in range(start, stop + 1)],
                                         window=getattr(client, "concurrency", 6))
            try:
                async for page in pages:
                    listing.next_page = page.number + 1 if page.number < total_pages else None
                    await self._add_page(node, listing, page)
            finally:
                await pages.aclose()
        else:
            while listing.next_url is not None and budget > 0:
                url = listing.next_url
                page = parse_page(kind.model, await client.get_json(url), url=url)
                listing.next_url = page.next
                budget -= page.size
                await self._add_page(node, listing, page)
        if not listing.exhausted:
            remaining = listing.remaining or (listing.count or 0) - listing.scanned
            node.add_leaf(load_more_label(max(remaining, 0), LOAD_BATCH),
                          StatusData("load-more", f"{max(remaining, 0)} left", owner=node.data))

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
        listing.next_page = None
        listing.pending = list(mine)
        await self._load_pending(node, listing)

    async def _load_pending(self, node: Node, listing: Listing) -> None:
        """The next batch of an already-read list (from the session's collection index)."""
        pending = listing.pending or []
        batch, listing.pending = pending[:LOAD_BATCH], pending[LOAD_BATCH:]
        self._remove_status_children(node, {"placeholder"})
        created = await self._add_resources(node, listing, batch)
        listing.loaded = True
        if listing.kind == "backup":
            self.fill_backup_sizes(node, created)
        if listing.pending:
            remaining = len(listing.pending)
            node.add_leaf(load_more_label(remaining, LOAD_BATCH),
                          StatusData("load-more", f"{remaining} left", owner=node.data))

    async def _load_members(
        self, node: Node, listing: Listing, uuids: list[str]
    ) -> None:
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
        listing.next_page = None
        self._remove_status_children(node, {"placeholder"})
        await self._add_resources(node, listing, models)
        listing.loaded = True
        if errors:
            self.show_error(node, errors[0])

    async def _add_page(self, node: Node, listing: Listing, page: Page[Any]) -> None:
        if not self.is_alive(node):
            raise asyncio.CancelledError  # the node was dropped by a reload: stop quietly
        listing.scanned += page.size
        if listing.count is None:
            listing.count = page.count
        models = [model for model in page.results if listing.belongs(model)]
        listing.dropped += len(page.results) - len(models)
        self.session.remember(listing.kind, models)
        self._remove_status_children(node, {"placeholder"})
        created = await self._add_resources(node, listing, models)
        for record in page.invalid:
            node.add_leaf(
                Text.assemble(("⚠ unreadable record: ", "warn"),
                              (clean(record.error.message)[:80], "muted")),
                StatusData("invalid", record.error.message, invalid=record, owner=node.data),
            )
        listing.loaded = True
        self.refresh_listing_label(node)
        if listing.kind == "backup":
            self.fill_backup_sizes(node, created)

    async def _add_resources(
        self, node: Node, listing: Listing, models: Iterable[ApiModel]
    ) -> list[Node]:
        """Add resource children before any status line; returns the new nodes."""
        parent = node.data if isinstance(node.data, ResourceData) else None
        if isinstance(node.data, GroupData):
            parent = node.data.owner
        ctx = self.label_context()
        # Insert before any status line (load more / error) so those stay last.
        before = next((child for child in node.children if isinstance(child.data, StatusData)),
                      None)
        created: list[Node] = []
        for index, model in enumerate(models):
            data = ResourceData(listing.kind, model, parent=parent)
            child = node.add(self.resource_text(data, ctx), data, before=before,
                             allow_expand=has_children(listing.kind, model))
            created.append(child)
            listing.shown += 1
            self.restore_node(child)
            if index % NODES_PER_BATCH == NODES_PER_BATCH - 1:
                await asyncio.sleep(0)
                if not self.is_alive(node):
                    raise asyncio.CancelledError
        if listing.member_uuids is None:
            # A parent's own list (a backup's SIBs) keeps the parent's order.
            self.sort_newest_first(node, listing.kind)
        return created

    # -- status lines -------------------------------------------------------------------

    def show_error(self, node: Node, error: BaseException,
                    before: int | None = None) -> None:
        self._remove_status_children(node, {"placeholder", "load-more"})
        status = StatusData("error", getattr(error, "message", "") or str(error), error=error,
                            owner=node.data)
        listing = listing_of(node.data)
        if listing is not None:
            listing.error = error
        child = node.add_leaf(error_label(error, self.reload_key), status, before=before)
        self.report_failure(error, node)
        if self.cursor_node is node or self.cursor_node is None:
            self.node_changed(child)

    def _has_status(self, node: Node, kind: str) -> bool:
        return any(isinstance(c.data, StatusData) and c.data.kind == kind for c in node.children)

    def _remove_status_children(self, node: Node, kinds: set[str]) -> None:
        for child in list(node.children):
            if isinstance(child.data, StatusData) and child.data.kind in kinds:
                if self.cursor_node is child:
                    self.move_cursor(node)
                child.remove()


def has_children(kind_name: str, model: ApiModel) -> bool:
    """Whether a resource node gets an expand arrow: it has a child kind to list, or a
    referenced child (a backup with no SIBs, an app with no repository… have none of those)."""
    kind = KINDS.get(kind_name)
    if kind is None:
        return False
    for link in kind.child_links:
        uuids = link.member_uuids(model)
        if link.single:
            if uuids:
                return True
        elif uuids is None or uuids:
            return True
    return False


def _is_page_number_link(url: str, number: int) -> bool:
    try:
        return bool(httpx.URL(url).params.get("page") == str(number))
    except (httpx.InvalidURL, ValueError, TypeError):
        return False
