"""The backups of one environment, fetched newest first and only as far as the answer needs.

`BackupBook` (one per session) runs the fetches behind the environment summary and the backups
table; `report(environment)` turns what is known into a `BackupReport` to render, and never
fetches. Everything goes through the `Session` caches, so the tree, the summary and the table
never fetch the same thing twice:

1. The environment's backups with `Session.children` (the filtered list, checked item by item;
   when the server ignores the filter, the whole collection once per session, indexed by
   environment), and at the same time its service instances (once per environment). When
   the whole collections were read already (the backup health of a large account does),
   both come from them: `report` then has the answer of every environment without a fetch.
2. `answer`: the service-instance backups (SIBs) the backups name, fetched by uuid, newest
   backup first, in batches of one round trip (the client's concurrency), until every service
   instance of the environment has its latest success. Usually that is the first batch. When
   it is not (a service that never succeeded, or that no backup includes: the answer would
   take every SIB), each service still open has its own SIBs listed once
   (`service-instance-backups/?service_instance=`, checked item by item; a server that
   ignores the filter is noted and the SIBs are fetched by uuid as before).
3. `complete`: the remaining SIBs, for the total size (and the table's cells). Only what the
   user asked for reads them: the backups table, or the total size key on the summary (which
   shows the total without a request when everything it needs is known: the table read it,
   the health view's whole collections hold it, or it was asked for before). Resting on an
   environment costs the answer's requests, not one per backup.

Neither ever raises: failures are recorded per environment and shown by whoever renders the
report; `retry` forgets them, the list and the SIBs that were still running. Nothing here
imports Textual: the app's workers drive the book, and the benchmark drives it without a screen.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from contextlib import aclosing
from dataclasses import dataclass, field
from typing import cast

from divio_tui.api.backup_summary import EnvironmentBackupSummary, summarise
from divio_tui.api.errors import ApiError
from divio_tui.api.models import Backup, ServiceInstance, ServiceInstanceBackup
from divio_tui.api.resources import KINDS
from divio_tui.state.session import Session

log = logging.getLogger(__name__)

SERVICE_FILTER = "service_instance_backup:service_instance"
"""The session's key for "the server ignores `service-instance-backups/?service_instance=`"."""

TOTALS_BATCH = 16
"""SIBs fetched between two progress reports once the answer is known."""

Listener = Callable[[], None]
"""Called (synchronously, on the event loop) whenever more of an environment is known."""


@dataclass
class _Progress:
    """What the book knows about one environment beyond the session's caches."""

    generation: int
    """The session's `generation` when this was started: a reload-all makes it stale."""
    backups: list[Backup] | None = None
    """The environment's backups, newest first, once read."""
    error: BaseException | None = None
    """Why the backups (or something unexpected) failed; nothing more is fetched until retry."""
    sib_errors: dict[str, ApiError] = field(default_factory=dict)
    """SIBs that could not be fetched, by uuid (not asked for again until retry)."""
    active: int = 0
    """Fetch loops running for this environment."""
    totalling: int = 0
    """`complete` loops among them (reading every SIB, for the total size)."""
    complete_services: set[str] = field(default_factory=set)
    """Service instances whose own SIB list was read to the end."""


@dataclass(frozen=True)
class BackupReport:
    """Everything known about one environment's backups, ready to render."""

    environment: str
    backups: list[Backup] | None
    """Newest first; None until the list has been read."""
    summary: EnvironmentBackupSummary | None
    """Per service, the latest success and the latest problem (None without the list)."""
    instances: list[ServiceInstance]
    """The environment's service instances known so far."""
    answered: bool
    """Every service instance has its latest success, or every SIB that could be read is."""
    loading: bool
    error: BaseException | None
    sib_errors: dict[str, ApiError]
    filter_ignored: bool
    """The server ignored the environment filter: the backups came from the whole list."""
    totalling: bool = False
    """Every SIB is being read (`complete`: the total size, the table's cells)."""

    @property
    def pending(self) -> int:
        """SIBs neither known nor failed: what the total size still waits for."""
        if self.summary is None:
            return 0
        return len(self.summary.missing_sibs - set(self.sib_errors))

    @property
    def sized(self) -> bool:
        """The total size covers every backup (every SIB is known)."""
        return self.summary is not None and (
            self.summary.totals.sized_backups == self.summary.totals.count)

    @property
    def answer_settled(self) -> bool:
        """The answer is known (or failed): resting on the environment reads no more."""
        return self.error is not None or (self.backups is not None and self.answered)

    @property
    def settled(self) -> bool:
        """Nothing is left to fetch (everything known, or failed and waiting for a retry)."""
        return self.error is not None or (self.backups is not None and self.pending == 0)


class BackupBook:
    """The backup fetches and reports of one session (see the module docstring)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._progress: dict[str, _Progress] = {}
        self._by_environment: tuple[int, int, dict[str, list[ServiceInstance]]] = (-1, -1, {})
        """Known service instances by environment: (generation, how many, the index)."""

    # -- reading ------------------------------------------------------------------------

    def report(self, environment: str) -> BackupReport:
        """What is known now; never fetches."""
        state = self._state(environment)
        self._adopt_known_list(environment, state)
        instances = self._instances(environment)
        summary = None
        answered = False
        if state.backups is not None:
            summary = summarise(environment, state.backups, self._sibs(), self._instance_map(),
                                unreadable=state.sib_errors,
                                complete_services=state.complete_services)
            answered = summary.answers(instance.key for instance in instances)
        return BackupReport(
            environment=environment,
            backups=state.backups,
            summary=summary,
            instances=instances,
            answered=answered,
            loading=state.active > 0,
            error=state.error,
            sib_errors=dict(state.sib_errors),
            filter_ignored=self.session.ignores_filter("backup"),
            totalling=state.totalling > 0,
        )

    def sib(self, uuid: str) -> ServiceInstanceBackup | None:
        """A SIB if this session has it."""
        return cast(ServiceInstanceBackup | None,
                    self.session.known("service_instance_backup", uuid))

    def instance(self, uuid: str) -> ServiceInstance | None:
        """A service instance if this session has it."""
        return cast(ServiceInstance | None, self.session.known("service_instance", uuid))

    # -- fetching -------------------------------------------------------------------------

    async def answer(self, environment: str, on_change: Listener | None = None) -> None:
        """Fetch until every service instance has its latest success (or nothing is left)."""
        await self._run(environment, on_change, totals=False, background=False)

    async def complete(self, environment: str, on_change: Listener | None = None, *,
                       background: bool = True) -> None:
        """Fetch the answer, then every remaining SIB (for the total size and the table):
        as many requests as SIBs not known yet, `TOTALS_BATCH` at a time, the listener told
        after each batch; cancelling the caller stops it between two requests."""
        await self._run(environment, on_change, totals=True, background=background)

    def retry(self, environment: str) -> None:
        """Forget the failures, the list and the SIBs still running: the next fetch is fresh."""
        state = self._progress.pop(environment, None)
        self.session.forget_children("backup", "environment", environment)
        if state is None or state.backups is None:
            return
        running = [uuid for backup in state.backups
                   for uuid in backup.service_instance_backups
                   if (sib := self.sib(uuid)) is not None and sib.is_running]
        self.session.forget("service_instance_backup", running)

    # -- internals ----------------------------------------------------------------------

    def _state(self, environment: str) -> _Progress:
        state = self._progress.get(environment)
        if state is None or state.generation != self.session.generation:
            state = _Progress(self.session.generation)
            self._progress[environment] = state
        return state

    def _current(self, state: _Progress) -> bool:
        """Whether `state` belongs to the session as it is: after a reload of everything
        (`Session.clear`), a read started before stops between two requests."""
        return state.generation == self.session.generation

    def _sibs(self) -> Mapping[str, ServiceInstanceBackup]:
        return cast(Mapping[str, ServiceInstanceBackup],
                    self.session.known_of_kind("service_instance_backup"))

    def _instance_map(self) -> Mapping[str, ServiceInstance]:
        return cast(Mapping[str, ServiceInstance],
                    self.session.known_of_kind("service_instance"))

    def _instances(self, environment: str) -> list[ServiceInstance]:
        known = self._instance_map()
        generation, size, index = self._by_environment
        if generation != self.session.generation or size != len(known):
            index = {}
            for instance in known.values():
                if instance.environment is not None:
                    index.setdefault(instance.environment, []).append(instance)
            self._by_environment = (self.session.generation, len(known), index)
        return list(index.get(environment, []))

    def _adopt_known_list(self, environment: str, state: _Progress) -> None:
        """Take the environment's backups from what the session read in full already (a
        whole collection, or the tree's list), so that `report` needs no fetch."""
        if state.backups is not None:
            return
        known = self.session.known_children("backup", {"environment": environment})
        if known is not None:
            state.backups = _newest_first(cast(list[Backup], known))

    async def _run(self, environment: str, on_change: Listener | None, *, totals: bool,
                   background: bool) -> None:
        state = self._state(environment)
        if state.error is not None:
            return  # shown with a retry hint; fetching again is the user's call
        state.active += 1
        state.totalling += totals
        _notify(on_change)
        try:
            backups = await self._read_list(environment, state, on_change)
            sibs = self._sibs()
            pending = [uuid for backup in backups for uuid in backup.service_instance_backups
                       if uuid not in sibs and uuid not in state.sib_errors]
            batch = max(1, getattr(self.session.client, "concurrency", 6))
            rounds = 0
            while pending and not self.report(environment).answered and self._current(state):
                if rounds == 1 and await self._read_open_services(environment, state):
                    sibs = self._sibs()
                    pending = [uuid for uuid in pending if uuid not in sibs]
                    _notify(on_change)
                    rounds += 1
                    continue
                await self._fetch(pending[:batch], state, background=False)
                pending = pending[batch:]
                rounds += 1
                _notify(on_change)
            while totals and pending and self._current(state):
                await self._fetch(pending[:TOTALS_BATCH], state, background=background)
                pending = pending[TOTALS_BATCH:]
                _notify(on_change)
        except ApiError as error:
            state.error = error
        except Exception as error:  # a bug: recorded and shown, never raised into the app
            log.exception("backups of %s", environment)
            state.error = error
        finally:
            state.active -= 1
            state.totalling -= totals
            _notify(on_change)

    async def _read_list(self, environment: str, state: _Progress,
                         on_change: Listener | None) -> list[Backup]:
        if state.backups is not None:
            return state.backups
        models, _ = await asyncio.gather(
            self.session.children("backup", "environment", environment),
            self._read_instances(environment),
        )
        state.backups = _newest_first(cast(list[Backup], models))
        _notify(on_change)
        return state.backups

    async def _read_instances(self, environment: str) -> None:
        try:
            await self.session.read_service_instances(environment)
        except ApiError as error:
            # Only names are lost: services are then told apart by their SIBs' service type.
            log.info("service instances of %s: %s", environment, error.message)

    async def _read_open_services(self, environment: str, state: _Progress) -> bool:
        """List the SIBs of each service whose answer is still open (see the module
        docstring); False when the server ignores that filter (nothing was learnt)."""
        if self.session.ignores_filter(SERVICE_FILTER):
            return False
        report = self.report(environment)
        if report.summary is None:
            return False
        services = report.summary.open_services(instance.key for instance in report.instances)
        if not services:
            return False
        results = await asyncio.gather(*(self._read_service(uuid) for uuid in services))
        for uuid, complete in zip(services, results, strict=True):
            if complete:
                state.complete_services.add(uuid)
        return any(results)

    async def _read_service(self, service_instance: str) -> bool:
        """Every SIB of one service instance, from the filtered list; False if the server
        ignored the filter (then noted for the session)."""
        kind = KINDS["service_instance_backup"]
        found: list[ServiceInstanceBackup] = []
        try:
            async with aclosing(self.session.client.iter_pages(
                    kind, {"service_instance": service_instance})) as pages:
                async for page in pages:
                    if any(sib.service_instance != service_instance for sib in page.results):
                        self.session.note_ignored_filter(SERVICE_FILTER)
                        return False
                    found.extend(page.results)
        except ApiError as error:
            # Only a shortcut is lost: the SIBs are fetched by uuid instead.
            log.info("SIBs of service instance %s: %s", service_instance, error.message)
            return False
        self.session.remember("service_instance_backup", found)
        return True

    async def _fetch(self, uuids: list[str], state: _Progress, *, background: bool) -> None:
        results = await self.session.get_many("service_instance_backup", uuids,
                                              background=background)
        for uuid, result in zip(uuids, results, strict=True):
            if isinstance(result, ApiError):
                state.sib_errors[uuid] = result


def _newest_first(backups: list[Backup]) -> list[Backup]:
    # Whatever order the server used: the answer is read from the top.
    return sorted(backups, key=KINDS["backup"].sort_key, reverse=True)


def _notify(listener: Listener | None) -> None:
    if listener is None:
        return
    try:
        listener()
    except Exception:  # a listener's bug must not stop the fetch
        log.exception("backup listener failed")
