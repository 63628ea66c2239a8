"""Per-session caches of resources fetched one by one, with in-flight requests shared.

A backup's size is the sum of its service-instance backups; a service-instance backup is named
after its service instance. Both are fetched by uuid, concurrently (the client bounds how many
requests are in flight), and remembered for the session so nothing is fetched twice: expanding
a backup after its size was shown costs no request. Service instances are read once per
environment with a single filtered list. `children` reads every item under one parent (an
environment's backups) once per session, from the filtered list or, when the server ignores
the filter, from the whole collection read once and indexed by parent.

Both reads have a budget, like the tree's `load more`: `children` reads at most
`CHILDREN_MAX_PAGES` pages for one parent and `collection` at most `COLLECTION_MAX_PAGES`,
whatever `count` the server claims (a billion backups, two a page). Past the budget the read
stops and says so (`partial_children`, `partial_collection`: what was read of how many), so
the environment summary can tell "the newest 5,000 of 200,000" instead of reading for ever.

Once a whole collection has been read (the backup health of a large account reads
backups and service instances whole), every parent's children come from it without a request.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Iterable
from contextlib import aclosing
from dataclasses import dataclass
from typing import Any

from divio_tui.api.errors import ApiError, Refused
from divio_tui.api.models import ApiModel, User
from divio_tui.api.resources import KINDS

CHILDREN_MAX_PAGES = 50
"""Pages `children` reads for one parent (5,000 backups of one environment at 100 a page)."""

COLLECTION_MAX_PAGES = 1_000
"""Pages `collection` reads of one whole kind (100,000 records at 100 a page)."""


@dataclass(frozen=True)
class PartialRead:
    """A list read only as far as its budget: `read` records of the `count` the server gave
    (None when it gave none), in `pages` pages."""

    read: int
    count: int | None
    pages: int


class Session:
    """The client plus what this session already knows, keyed by kind and uuid."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self._known: dict[str, dict[str, ApiModel]] = {}
        self._in_flight: dict[tuple[str, str], asyncio.Task[ApiModel]] = {}
        self._environments_read: dict[str, asyncio.Task[None]] = {}
        self._collections: dict[str, asyncio.Future[list[ApiModel]]] = {}
        self._ignored_filters: set[str] = set()
        self._children: dict[tuple[str, str, str], asyncio.Task[list[ApiModel]]] = {}
        self._indexes: dict[tuple[str, str], tuple[list[ApiModel], dict[str, list[ApiModel]]]] = {}
        self._partial: dict[tuple[str, ...], PartialRead] = {}
        self._newest_deployments: dict[str, ApiModel] = {}
        self._refreshed: set[tuple[str, str, str]] = set()
        """Parents whose children were forgotten: read again, not taken from a collection."""
        self.generation = 0
        """Counts `clear` calls: state kept elsewhere about this session's data compares it."""
        self.me: User | None = None
        # Speculative fetches (backup sizes) take at most half the client's slots, so a node
        # the user expands meanwhile still gets requests through: the client's own semaphore
        # is first come, first served.
        concurrency = getattr(client, "concurrency", 6)
        self._background = asyncio.Semaphore(max(1, concurrency // 2))

    def clear(self) -> None:
        """Forget everything (reload all). Requests in flight finish into the void."""
        self._known.clear()
        self._in_flight.clear()
        self._environments_read.clear()
        self._collections.clear()
        self._ignored_filters.clear()
        self._children.clear()
        self._indexes.clear()
        self._partial.clear()
        self._newest_deployments.clear()
        self._refreshed.clear()
        self.generation += 1

    def use(self, client: Any) -> None:
        """Talk through `client` from now on (another token or account): forget everything,
        who we are included."""
        self.client = client
        self.me = None
        self.clear()

    def known(self, kind: str, uuid: str) -> ApiModel | None:
        """The resource if this session has seen it, else None. Never fetches."""
        return self._known.get(kind, {}).get(uuid)

    def known_of_kind(self, kind: str) -> dict[str, ApiModel]:
        """Everything known of one kind, by uuid (a live view; do not mutate)."""
        return self._known.setdefault(kind, {})

    def remember(self, kind: str, models: Iterable[ApiModel]) -> None:
        """Record resources that arrived some other way (list pages)."""
        known = self._known.setdefault(kind, {})
        for model in models:
            known[model.key] = model
        if kind == "deployment":
            self._note_deployments(models)

    def _note_deployments(self, models: Iterable[ApiModel]) -> None:
        """Keep, per environment, the newest deployment seen (the live state reads it)."""
        newest = self._newest_deployments
        for model in models:
            environment = getattr(model, "environment", None)
            when = getattr(model, "when", None)
            if not isinstance(environment, str) or when is None:
                continue
            current = newest.get(environment)
            if (current is None or current.key == model.key
                    or when >= getattr(current, "when", when)):
                newest[environment] = model

    def newest_deployments(self) -> dict[str, ApiModel]:
        """Environment uuid -> its newest deployment seen (a live view; do not mutate)."""
        return self._newest_deployments

    def newest_deployment(self, environment: str) -> Any:
        """The newest deployment of `environment` this session has seen (a `Deployment`),
        or None. Never fetches."""
        return self._newest_deployments.get(environment)

    def forget(self, kind: str, uuids: Iterable[str]) -> None:
        """Drop resources so that the next `get` fetches them again (a backup that was
        running when it was read)."""
        known = self._known.get(kind, {})
        for uuid in uuids:
            known.pop(uuid, None)

    async def get(self, kind: str, uuid: str) -> ApiModel:
        """One resource by uuid, from the cache or the API (one request however many ask)."""
        cached = self.known(kind, uuid)
        if cached is not None:
            return cached
        key = (kind, uuid)
        task = self._in_flight.get(key)
        if task is None:
            task = asyncio.create_task(self._fetch(kind, uuid))
            self._in_flight[key] = task
        # Shielded: one caller giving up (its worker cancelled) must not cancel the request
        # other callers are waiting on.
        return await asyncio.shield(task)

    async def _fetch(self, kind: str, uuid: str) -> ApiModel:
        try:
            model: ApiModel = await self.client.get(KINDS[kind], uuid)
            self.remember(kind, [model])
            return model
        finally:
            self._in_flight.pop((kind, uuid), None)

    async def get_many(
        self, kind: str, uuids: list[str], *, background: bool = False
    ) -> list[ApiModel | ApiError]:
        """Several by uuid, concurrently; each result is the model or the error it raised.

        `background` marks speculative work (sizes for labels): it runs under a smaller
        limit so that it never crowds out what the user asked for.
        """

        async def one(uuid: str) -> ApiModel:
            if not background or self.known(kind, uuid) is not None:
                return await self.get(kind, uuid)
            async with self._background:
                return await self.get(kind, uuid)

        results = await asyncio.gather(*(one(uuid) for uuid in uuids), return_exceptions=True)
        out: list[ApiModel | ApiError] = []
        for result in results:
            if isinstance(result, ApiModel | ApiError):
                out.append(result)
            elif isinstance(result, BaseException):
                raise result  # cancellation, or a bug: not an API failure to show per item
        return out

    def ignores_filter(self, kind: str) -> bool:
        """The server was seen ignoring the parent filter of `kind` this session."""
        return kind in self._ignored_filters

    def note_ignored_filter(self, kind: str) -> None:
        self._ignored_filters.add(kind)

    async def collection(self, kind: str) -> list[ApiModel]:
        """Every item of a kind, read once per session (pages fetched concurrently).

        Used when the server ignores a filter: one full read, then every parent picks its
        children from memory.
        """
        task = self._collections.get(kind)
        if task is None or _failed(task):
            task = asyncio.create_task(self._read_collection(kind))
            self._collections[kind] = task
        return await asyncio.shield(task)

    def adopt_collection(self, kind: str, models: list[ApiModel]) -> None:
        """Record a whole collection read elsewhere (the backup health reads its own, so
        that closing it stops the requests): from now on it serves like `collection`."""
        future: asyncio.Future[list[ApiModel]] = asyncio.get_running_loop().create_future()
        future.set_result(models)
        self._collections[kind] = future
        self.remember(kind, models)

    def collection_read(self, kind: str) -> bool:
        """The whole collection of `kind` has been read this session (no request needed)."""
        task = self._collections.get(kind)
        return task is not None and task.done() and not _failed(task)

    def _complete_index(self, kind: str, field: str) -> dict[str, list[ApiModel]] | None:
        """The read collection of `kind` grouped by `field`, or None if it was not read."""
        if not self.collection_read(kind):
            return None
        return self._grouped(kind, field, self._collections[kind].result())

    def _grouped(self, kind: str, field: str, models: list[ApiModel]) -> dict[str, list[ApiModel]]:
        cached = self._indexes.get((kind, field))
        if cached is not None and cached[0] is models:
            return cached[1]
        index: dict[str, list[ApiModel]] = {}
        for model in models:
            value = getattr(model, field, None)
            if isinstance(value, str):
                index.setdefault(value, []).append(model)
        self._indexes[(kind, field)] = (models, index)
        return index

    async def _read_collection(self, kind: str, cursor: Any = None,
                               read: list[ApiModel] | None = None) -> list[ApiModel]:
        """Every item of `kind`; `cursor` (with the records of the pages it `read` already)
        goes on from where a filtered read found the filter ignored: its pages are the whole
        collection's, so page 1 is not asked for twice."""
        models: list[ApiModel] = list(read or [])
        if cursor is None:
            cursor = self.client.cursor(KINDS[kind], {})
        pages = self._read_pages(kind, cursor, COLLECTION_MAX_PAGES, (kind,))
        async with aclosing(pages):
            async for page in pages:
                models.extend(page.results)
        self.remember(kind, models)
        return models

    def _pages(self, kind: str, params: dict[str, str], budget: int,
               key: tuple[str, ...]) -> AsyncGenerator[Any, None]:
        """`_read_pages` over a new cursor of `kind` with `params`."""
        return self._read_pages(kind, self.client.cursor(KINDS[kind], params), budget, key)

    async def _read_pages(self, kind: str, cursor: Any, budget: int,
                          key: tuple[str, ...]) -> AsyncGenerator[Any, None]:
        """The pages of one list that `cursor` has not read yet, at most `budget` pages in all
        (those it read already count); a read the budget stopped is recorded under `key` as a
        `PartialRead`."""
        self._partial.pop(key, None)
        # The cursor's own page cap is the budget: it never even starts a page past it.
        cursor.max_pages = min(cursor.max_pages, budget)
        try:
            async with aclosing(cursor.pages()) as pages:
                async for page in pages:
                    yield page
        except Refused:
            if not cursor.capped:
                raise  # a loop, another origin: not the budget
            self._partial[key] = PartialRead(cursor.scanned, cursor.count, cursor.pages_read)

    def partial_collection(self, kind: str) -> PartialRead | None:
        """How far `collection(kind)` got if its budget stopped it, else None."""
        return self._partial.get((kind,))

    def partial_children(self, kind: str, field: str, parent: str) -> PartialRead | None:
        """How far `children(kind, field, parent)` got if a budget stopped it (its own, or the
        whole collection's it was picked from), else None."""
        partial = self._partial.get((kind, field, parent))
        if partial is None and self.ignores_filter(kind):
            return self.partial_collection(kind)
        return partial

    async def children(self, kind: str, field: str, parent: str) -> list[ApiModel]:
        """Every `kind` item whose `field` is `parent` (an environment's backups), read once
        per session; `field` is also the query parameter that filters by it.

        The filter is a hint: every item is checked. Once the server is seen ignoring it (a
        page holds another parent's items), the whole collection is read once for the session
        (`collection`) and indexed by `field`, and every parent picks its items from there.
        """
        key = (kind, field, parent)
        task = self._children.get(key)
        if task is None or _failed(task):
            task = asyncio.create_task(self._read_children(kind, field, parent))
            self._children[key] = task
        return await asyncio.shield(task)

    def known_children(self, kind: str, params: dict[str, str]) -> list[ApiModel] | None:
        """What `children(kind, field, parent)` already read in full for the one filter in
        `params` (`{field: parent}`), or None: the tree shows it instead of fetching again."""
        if len(params) != 1:
            return None
        ((field, parent),) = params.items()
        task = self._children.get((kind, field, parent))
        if task is None or not task.done() or _failed(task):
            if (kind, field, parent) in self._refreshed:
                return None
            if self.partial_collection(kind) is not None:
                return None
            index = self._complete_index(kind, field)
            return list(index.get(parent, [])) if index is not None else None
        if self.partial_children(kind, field, parent) is not None:
            return None  # only part of it: the tree reads the list itself, batch by batch
        return task.result()

    def forget_children(self, kind: str, field: str, parent: str) -> None:
        """Read `children(kind, field, parent)` again next time (a reload), from the server
        even when the whole collection was read."""
        self._children.pop((kind, field, parent), None)
        self._partial.pop((kind, field, parent), None)
        self._refreshed.add((kind, field, parent))

    async def _read_children(self, kind: str, field: str, parent: str) -> list[ApiModel]:
        whole = self.collection_read(kind) and (kind, field, parent) not in self._refreshed
        if not self.ignores_filter(kind) and not whole:
            found: list[ApiModel] = []
            read: list[ApiModel] = []
            """Every record of the pages read, the foreign ones too."""
            cursor = self.client.cursor(KINDS[kind], {field: parent})
            limit = cursor.max_pages
            pages = self._read_pages(kind, cursor, CHILDREN_MAX_PAGES, (kind, field, parent))
            async with aclosing(pages):
                async for page in pages:
                    read.extend(page.results)
                    if any(getattr(model, field, None) != parent for model in page.results):
                        self.note_ignored_filter(kind)
                        break
                    found.extend(page.results)
                else:
                    self.remember(kind, found)
                    return found
            # The server ignored the filter: the pages read so far are the whole collection's
            # first ones. Unless someone is reading that already, go on with the same cursor.
            task = self._collections.get(kind)
            if task is None or _failed(task):
                cursor.max_pages = limit  # the collection's own budget applies from here
                task = asyncio.create_task(self._read_collection(kind, cursor, read))
                self._collections[kind] = task
            # Awaited here, not through `collection`: a failure is this read's, not retried
            # at once from page 1.
            models = await asyncio.shield(task)
            return list(self._grouped(kind, field, models).get(parent, []))
        index = await self._index(kind, field)
        return list(index.get(parent, []))

    async def _index(self, kind: str, field: str) -> dict[str, list[ApiModel]]:
        """The session's copy of a whole collection, grouped by `field` (built once)."""
        return self._grouped(kind, field, await self.collection(kind))

    async def read_service_instances(self, environment: str) -> None:
        """Cache the service instances of one environment (once per session)."""
        if self.collection_read("service_instance"):
            return  # every one is known already
        task = self._environments_read.get(environment)
        if task is None or _failed(task):
            task = asyncio.create_task(self._read_instances(environment))
            self._environments_read[environment] = task
        await asyncio.shield(task)

    async def _read_instances(self, environment: str) -> None:
        kind = KINDS["service_instance"]
        found: list[ApiModel] = []
        pages = self._pages(kind.name, {"environment": environment}, CHILDREN_MAX_PAGES,
                            (kind.name, "environment", environment))
        async with aclosing(pages):
            async for page in pages:
                # The filter is a hint: keep only this environment's instances.
                found.extend(model for model in page.results
                             if getattr(model, "environment", None) == environment)
        self.remember("service_instance", found)


def _failed(task: asyncio.Future[Any]) -> bool:
    """A finished task that did not succeed (so the next caller tries again)."""
    return task.done() and (task.cancelled() or task.exception() is not None)
