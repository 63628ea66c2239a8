"""The backup health of many environments: which reads to make, chosen from the counts.

`HealthScan(book, scope, ...)` lists the environments of a scope (the whole account, an
organisation, an application), then answers each one's backup question through the session's
`BackupBook`, so that what the environment summary fetched is reused and what the scan fetches
serves the summary later. Two plans:

- **per environment** (few environments): each environment's backups (the `environment`
  filter, checked item by item; when the server ignores it, the whole list once, indexed) and
  its service-instance backups (SIBs) by uuid, newest first, until every service has its
  answer: `BackupBook.answer`, a handful of environments at a time.
- **whole collections** (many): every backup and every service instance, each collection read
  once with its pages fetched concurrently, and the SIB collection read page by page beside
  them; everything is joined in memory (`Session.adopt_collection`: every environment then
  takes its backups and instances from there). The SIB list is read only as long as its pages
  pay for themselves — while each batch settles more environments than the same requests
  would by uuid; the few environments still open then go on by uuid, newest first. The list
  order is only a matter of speed: an answer is final only when no unknown SIB of a newer
  backup could change it (`EnvironmentBackupSummary.answers`).

`choose_plan` (health_plan.py) compares the two from the counts the first pages report (a
`page_size=1` probe of backups, SIBs, service instances and environments) with a cost model
whose weights were measured by `bench/health.py`. For the whole account the plan is known
from the probes alone, so the whole collections start while the environments are listed
(health_targets.py). The scan never raises an `ApiError`: a listing that fails ends it with
`progress.error`, a backup read that fails makes that environment's row `unknown` with the
reason.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable, Iterable
from contextlib import aclosing
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from divio_tui.api.errors import ApiError
from divio_tui.api.models import ApiModel, Page
from divio_tui.api.resources import KINDS
from divio_tui.state.backups import BackupBook
from divio_tui.state.health import HealthRow, Verdict, assess, iso, row_json, unknown_row
from divio_tui.state.health_plan import (
    PAGE_WEIGHT,
    SIB_LOOKAHEAD,
    Counts,
    Plan,
    choose_plan,
    pages,
)
from divio_tui.state.health_targets import Scope, Target, list_targets

log = logging.getLogger(__name__)

__all__ = ["HealthScan", "ScanProgress", "health_document"]

SETTLE_CHUNK = 200
"""Environments assessed between two yields to the event loop (the screen stays live and
requests in flight are read meanwhile)."""


@dataclass
class ScanProgress:
    """Where a scan stands, for a progress bar and a status line."""

    stage: str = "listing the environments…"
    total: int | None = None
    """Environments in the scope, once listed."""
    done: int = 0
    plan: Plan | None = None
    counts: Counts | None = None
    pages: dict[str, tuple[int, int | None]] = field(default_factory=dict)
    """Whole collections being read: kind -> (pages read, pages in all when known)."""
    error: BaseException | None = None
    """The scan could not list the environments: nothing else was done."""
    finished: bool = False


Listener = Callable[[], None]


class HealthScan:
    """One backup-health computation over a scope (see the module docstring).

    `now` is the clock the verdicts are judged by; `on_change` is called (on the event loop)
    whenever rows or progress changed; `plan` forces a plan (tests and benchmarks). Rows are
    in `rows` (by environment uuid); `take_new()` hands out those added since the last call.
    """

    def __init__(self, book: BackupBook, scope: Scope, *, now: Callable[[], datetime],
                 max_age: timedelta, on_change: Listener | None = None,
                 plan: Plan | None = None) -> None:
        self.book = book
        self.session = book.session
        self.scope = scope
        self.now = now
        self.max_age = max_age
        self.on_change = on_change
        self.forced_plan = plan
        self.progress = ScanProgress()
        self.targets: list[Target] = []
        self.rows: dict[str, HealthRow] = {}
        self._new: list[HealthRow] = []
        self._whole: dict[str, asyncio.Future[list[ApiModel]]] = {}
        """Whole collections being read by this scan, by kind (started once)."""

    # -- results --------------------------------------------------------------------------

    def take_new(self) -> list[HealthRow]:
        """Rows computed since the last call."""
        new, self._new = self._new, []
        return new

    def ordered_rows(self) -> list[HealthRow]:
        """Every row computed so far, worst first."""
        return sorted(self.rows.values(), key=lambda row: row.sort_key)

    # -- the scan -------------------------------------------------------------------------

    async def run(self) -> list[HealthRow]:
        """List the scope's environments, then answer them all; returns the rows worst first.

        For the whole account the scope's size is the account's, so the plan is known from
        the probes alone: the whole collections start while the environments are listed."""
        early = (asyncio.ensure_future(self._prefetch())
                 if self.scope.kind == "account" and self.forced_plan is not Plan.PER_ENVIRONMENT
                 else None)
        try:
            try:
                self.targets = await list_targets(self.session, self.scope)
            except ApiError as error:
                self.progress.error = error
                self.progress.stage = "could not list the environments"
                self.progress.finished = True
                self._changed()
                return []
            if early is not None:
                await early
            self.progress.total = len(self.targets)
            self._changed()
            await self.answer(self.targets)
            return self.ordered_rows()
        finally:
            for future in [early, *self._whole.values()]:
                if future is not None:
                    future.cancel()

    async def _prefetch(self) -> None:
        """The probes, and the whole collections if they are the plan (account scope)."""
        if all(self.session.collection_read(kind) for kind in ("backup", "service_instance")):
            return  # read already: nothing to start early, and maybe nothing to answer
        try:
            counts = await self._counts()
        except ApiError as error:
            log.info("health probe: %s", error.message)
            return
        self.progress.counts = counts
        client = self.session.client
        if self.forced_plan is Plan.COLLECTIONS or choose_plan(
                counts.environments, counts, getattr(client, "page_size", 100),
                filter_ignored=self.session.ignores_filter("backup"),
                concurrency=getattr(client, "concurrency", 6)) is Plan.COLLECTIONS:
            for kind in ("backup", "service_instance"):
                self._start_whole(kind)

    def _start_whole(self, kind: str) -> asyncio.Future[list[ApiModel]]:
        future = self._whole.get(kind)
        if future is None:
            future = asyncio.ensure_future(self._read_whole(kind))
            self._whole[kind] = future
        return future

    async def answer(self, targets: list[Target], plan: Plan | None = None) -> None:
        """Answer `targets` (the scan's own, or any: the benchmark measures the plans on
        samples); `plan` forces one (else `forced_plan`, else `choose_plan`)."""
        progress = self.progress
        todo = await self._settle_all(targets)
        self._changed()
        if todo:
            plan = plan or self.forced_plan or await self._choose(len(todo))
            progress.plan = plan
            if plan is Plan.COLLECTIONS:
                if progress.counts is None:  # forced: the read-ahead still wants the counts
                    try:
                        progress.counts = await self._counts()
                    except ApiError as error:
                        log.info("health probe: %s", error.message)
                todo = await self._collections(todo)
            progress.stage = f"reading the backups of {len(todo):,} environments…"
            self._changed()
            await self._one_by_one(todo)
        progress.stage = "done"
        progress.finished = True
        self._changed()

    def _changed(self) -> None:
        if self.on_change is None:
            return
        try:
            self.on_change()
        except Exception:  # a listener's bug must not stop the scan
            log.exception("health listener failed")

    # -- choosing -------------------------------------------------------------------------

    async def _choose(self, environments: int) -> Plan:
        """The plan for `environments` still to answer, from the counts the first pages
        report (a probe only when there is a choice to make)."""
        client = self.session.client
        concurrency = getattr(client, "concurrency", 6)
        if environments <= concurrency:
            return Plan.PER_ENVIRONMENT  # one round of each: nothing can beat it
        counts = self.progress.counts
        if counts is None:
            try:
                counts = await self._counts()
            except ApiError as error:
                log.info("health probe: %s", error.message)
                return Plan.PER_ENVIRONMENT
            self.progress.counts = counts
        return choose_plan(environments, counts, getattr(client, "page_size", 100),
                           filter_ignored=self.session.ignores_filter("backup"),
                           concurrency=concurrency)

    async def _counts(self) -> Counts:
        session = self.session

        async def count(kind: str) -> int:
            if session.collection_read(kind):
                return len(await session.collection(kind))
            page = await session.client.get_page(KINDS[kind], {"page_size": 1})
            return int(page.count if page.count is not None else page.size)

        backups, sibs, instances, environments = await asyncio.gather(
            count("backup"), count("service_instance_backup"), count("service_instance"),
            count("environment"))
        return Counts(backups, sibs, instances, environments)

    # -- answering ------------------------------------------------------------------------

    def _settle(self, target: Target) -> bool:
        """Record the target's row if its answer is known without a fetch; True if so."""
        report = self.book.report(target.environment.uuid)
        if report.error is None and not report.answered:
            return False
        self._record(target, report)
        return True

    def _record(self, target: Target, report: Any) -> None:
        now = self.now()
        if report.backups is None and report.error is not None:
            row = unknown_row(target.environment, target.application, target.organisation,
                              report.error, now=now)
        else:
            row = assess(target.environment, target.application, target.organisation, report,
                         now=now, max_age=self.max_age)
        fresh = target.environment.uuid not in self.rows
        self.rows[target.environment.uuid] = row
        self._new.append(row)
        if fresh:
            self.progress.done += 1

    async def _one_by_one(self, targets: Iterable[Target]) -> None:
        """`BackupBook.answer` for each target, a few at a time (each needs two lists and a
        batch of SIBs: about the client's concurrency keeps its slots busy)."""
        queue = deque(targets)
        parallel = max(2, getattr(self.session.client, "concurrency", 6))

        async def worker() -> None:
            while queue:
                target = queue.popleft()
                await self.book.answer(target.environment.uuid)
                self._record(target, self.book.report(target.environment.uuid))
                self._changed()

        await asyncio.gather(*(worker() for _ in range(min(parallel, len(queue)))))

    async def _collections(self, targets: list[Target]) -> list[Target]:
        """The whole-collections plan; returns the targets it left for `_one_by_one`."""
        progress = self.progress
        progress.stage = "reading every backup and service instance…"
        self._changed()
        open_targets = {target.environment.uuid: target for target in targets}
        reads = [self._start_whole(kind) for kind in ("backup", "service_instance")]
        await self._read_sibs(open_targets, reads)
        results = await asyncio.gather(*reads, return_exceptions=True)
        failures = [result for result in results if isinstance(result, BaseException)]
        for failure in failures:
            if not isinstance(failure, ApiError):
                raise failure
            log.info("health collections: %s", failure.message)
        return await self._settle_all(list(open_targets.values()))

    async def _read_whole(self, kind: str) -> list[ApiModel]:
        """One whole collection, read here (so that cancelling the scan stops it) and then
        handed to the session, unless the session has it already."""
        session = self.session
        if session.collection_read(kind):
            return await session.collection(kind)
        generation = session.generation
        models: list[ApiModel] = []
        async with aclosing(session.client.iter_pages(KINDS[kind])) as stream:
            async for page in stream:
                models.extend(page.results)
                session.remember(kind, page.results)
                self._page_read(kind, page)
        if session.generation == generation:  # not after a reload-all meanwhile
            session.adopt_collection(kind, models)
        return models

    def _page_read(self, kind: str, page: Page[Any]) -> None:
        read, total = self.progress.pages.get(kind, (0, None))
        if total is None and page.count is not None and page.size:
            total = pages(page.count, page.size)
        self.progress.pages[kind] = (read + 1, total)
        self._changed()

    async def _read_sibs(self, open_targets: dict[str, Target],
                         reads: list[asyncio.Future[list[ApiModel]]]) -> None:
        """The SIB list, newest first as far as it pays (see the module docstring)."""
        session = self.session
        client = session.client
        page_size = getattr(client, "page_size", 100)
        counts = self.progress.counts
        ahead = (round(counts.service_instances * SIB_LOOKAHEAD) if counts is not None
                 else page_size * getattr(client, "concurrency", 6))
        concurrency = max(1, getattr(client, "concurrency", 6))
        # What settling one environment here saves: its first batch of SIBs by uuid.
        saving = (min(concurrency, counts.service_instance_backups / max(1, counts.environments))
                  if counts is not None else 2.0)
        batch = page_size * concurrency
        cursor = client.cursor(KINDS["service_instance_backup"])
        generation = session.generation
        everything: list[ApiModel] = []
        read = 0
        try:
            while not cursor.exhausted and open_targets:
                joined = all(future.done() for future in reads)
                budget = batch if joined or read + batch <= ahead else 0
                if not budget:
                    # Read ahead far enough: wait for the backups before going on.
                    await asyncio.wait(reads)
                    continue
                read_pages = 0
                async with aclosing(cursor.next_batch(budget)) as batches:
                    async for page in batches:
                        everything.extend(page.results)
                        session.remember("service_instance_backup", page.results)
                        read += page.size
                        read_pages += 1
                        self._page_read("service_instance_backup", page)
                if not joined or not all(future.done() for future in reads):
                    continue
                if any(future.exception() is not None for future in reads
                       if not future.cancelled()):
                    return  # no backups to join with: one by one will say why
                settled = await self._settle_open(open_targets)
                # Go on while a batch of pages saves more by-uuid requests than it costs.
                if settled * saving < read_pages * PAGE_WEIGHT:
                    return
        except ApiError as error:
            log.info("service-instance backups list: %s", error.message)
            return
        if cursor.exhausted and session.generation == generation:
            session.adopt_collection("service_instance_backup", everything)

    async def _settle_open(self, open_targets: dict[str, Target]) -> int:
        """Record the open targets whose answer is now known; returns how many."""
        left = await self._settle_all(list(open_targets.values()))
        settled = len(open_targets) - len(left)
        open_targets.clear()
        open_targets.update((target.environment.uuid, target) for target in left)
        return settled

    async def _settle_all(self, targets: list[Target]) -> list[Target]:
        """Record the rows known without a fetch, a chunk at a time; returns the others."""
        left: list[Target] = []
        for start in range(0, len(targets), SETTLE_CHUNK):
            if start:
                await asyncio.sleep(0)
            chunk = targets[start:start + SETTLE_CHUNK]
            left.extend(target for target in chunk if not self._settle(target))
            if len(left) < start + len(chunk):
                self._changed()
        return left


def health_document(rows: list[HealthRow], scope: Scope, *, generated_at: datetime,
                    max_age: timedelta, plan: Plan | None) -> dict[str, Any]:
    """The JSON document of `backups health --json` and of the view's JSON export."""
    counts = {str(verdict): sum(row.verdict == verdict for row in rows) for verdict in Verdict}
    return {
        "scope": {"kind": scope.kind, "uuid": scope.uuid, "title": scope.title},
        "generated_at": iso(generated_at),
        "max_age_hours": max_age.total_seconds() / 3600,
        "plan": str(plan) if plan is not None else None,
        "verdicts": {verdict: count for verdict, count in counts.items() if count},
        "environments": [row_json(row) for row in rows],
    }
