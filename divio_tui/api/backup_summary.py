"""Answer "when was the last good backup of each service of this environment?" from data.

Pure functions over models already fetched (no I/O): the UI decides what to fetch and feeds
what it has; the same code answers the how-to page's question in tests and benchmarks.

What counts (the one rule, shared by the environment summary, the backup health view and the
command line): per service instance, a service-instance backup (SIB) that has *ended without
errors* is a good backup of its service, whatever the state of the backup around it. A PARTIAL
backup therefore holds good backups of the services whose SIB succeeded, and a backup still
WORKING whose database part has finished already holds the latest database backup. A SIB that
never ended inside a backup that did (COMPLETED) did not finish: it counts as failed.

The *latest problem* is reported beside the latest success only when it is newer and did not
succeed (failed, or still running), which is what a person checking on backups needs to know;
`failures_since_success` counts the finished attempts that failed since the latest success
(all of them when there is none), for the health verdicts (`failing`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from .models import Backup, ServiceInstance, ServiceInstanceBackup

__all__ = [
    "BackupTotals",
    "EnvironmentBackupSummary",
    "ServiceBackupStatus",
    "sib_succeeded",
    "summarise",
]


@dataclass(frozen=True, slots=True)
class BackupAttempt:
    """One backup as it concerns one service: the backup and that service's SIB."""

    backup: Backup
    sib: ServiceInstanceBackup

    @property
    def when(self) -> datetime | None:
        """When this service's data was taken (falling back to the backup's own time)."""
        return self.sib.when or self.backup.when

    @property
    def succeeded(self) -> bool:
        return sib_succeeded(self.backup, self.sib)

    @property
    def outcome(self) -> str:
        """`running`, `failed` or `success`: the word the summary shows (this service's part
        only: the rest of the backup may still run or have failed)."""
        if self.succeeded:
            return "success"
        if self.sib.is_running and self.backup.is_running:
            return "running"
        return "failed"


@dataclass(frozen=True, slots=True)
class ServiceBackupStatus:
    """The backup state of one service instance of an environment."""

    service_instance: str
    """Service instance uuid."""
    instance: ServiceInstance | None
    """The service instance, when known (type and prefix for the label)."""
    latest_success: BackupAttempt | None
    latest_problem: BackupAttempt | None
    """The newest attempt, when it is newer than `latest_success` and did not succeed."""
    failures_since_success: int = 0
    """Finished attempts newer than `latest_success` that failed (all of them without one)."""
    attempts: int = 0
    """SIBs of this service seen in the environment's backups."""
    settled: bool = True
    """No SIB still unknown could change this answer: every backup newer than the latest
    success has all its SIBs known (without a success: every SIB of every backup is)."""

    @property
    def label(self) -> str:
        """`DATABASE · DEFAULT`, or the uuid when the instance is unknown."""
        if self.instance is None:
            return self.service_instance
        parts = [p for p in (self.instance.type, self.instance.prefix) if p]
        return " · ".join(parts) or self.service_instance


@dataclass(frozen=True, slots=True)
class BackupTotals:
    """Counts over the environment's backups (sizes only from SIBs already known)."""

    count: int
    oldest: datetime | None
    newest: datetime | None
    total_size: int
    sized_backups: int
    """How many backups contributed to `total_size` (all their SIBs known)."""


@dataclass(frozen=True, slots=True)
class EnvironmentBackupSummary:
    services: list[ServiceBackupStatus]
    totals: BackupTotals
    missing_sibs: set[str] = field(default_factory=set)
    """SIB uuids named by backups but not (yet) known: the summary may still change."""
    complete: bool = True
    """Every SIB the backups name is known or could not be read: nothing is left to fetch."""
    complete_services: frozenset[str] = frozenset()
    """Service instances whose every SIB is known (their own list was read to the end)."""

    def answers(self, instances: Iterable[str]) -> bool:
        """Every service seen, and every one of `instances` (service instance uuids), has
        its final answer: nothing left to fetch, or no unknown SIB can change the answer
        (a service no known SIB names could still be in any unknown one, unless its own
        list was read)."""
        if self.complete:
            return True
        seen = {status.service_instance for status in self.services}
        return (bool(self.services) and all(status.settled for status in self.services)
                and all(uuid in seen or uuid in self.complete_services for uuid in instances))

    def open_services(self, instances: Iterable[str]) -> list[str]:
        """The service instances (seen, or among `instances`) whose answer may still change."""
        if self.complete:
            return []
        found = [status.service_instance for status in self.services if not status.settled]
        seen = {status.service_instance for status in self.services}
        found += [uuid for uuid in instances
                  if uuid not in seen and uuid not in self.complete_services]
        return list(dict.fromkeys(found))


def sib_succeeded(backup: Backup, sib: ServiceInstanceBackup) -> bool:
    """This service's part of `backup` ended without errors (whatever the backup's state:
    see the module docstring)."""
    return not sib.is_running and not sib.errors


def _newest_first(attempt: BackupAttempt) -> tuple[bool, datetime | str]:
    when = attempt.when
    # Unknown times sort last; ties broken by uuid so the answer never depends on input order.
    return (when is not None, when if when is not None else attempt.sib.key)


def _backup_order(backup: Backup) -> tuple[bool, datetime | str, str]:
    when = backup.when
    return (when is not None, when if when is not None else "", backup.key)


def summarise(
    environment: str,
    backups: Iterable[Backup],
    sibs: Mapping[str, ServiceInstanceBackup],
    instances: Mapping[str, ServiceInstance] | None = None,
    unreadable: Collection[str] = (),
    complete_services: Collection[str] = (),
) -> EnvironmentBackupSummary:
    """Summarise the backups of `environment` from what is known.

    `backups` may include other environments' backups (a server that ignored the filter):
    they are skipped. `sibs` maps SIB uuid -> SIB; `instances` maps service instance uuid ->
    instance; `unreadable` names SIBs that could not be fetched (they stay missing but no
    longer hold the answer back); `complete_services` names service instances whose every
    SIB is in `sibs` (an unknown SIB cannot be theirs). Services appear in a stable order: by
    instance type and prefix, then uuid.
    """
    # Newest first, so that "settled" can be read off the position of the first backup
    # with a SIB still unknown.
    mine = sorted((b for b in backups if b.environment == environment), key=_backup_order,
                  reverse=True)
    attempts: dict[str, list[BackupAttempt]] = {}
    missing: set[str] = set()
    first_gap: int | None = None
    """Position of the newest backup with a SIB neither known nor unreadable."""
    position: dict[str, int] = {}
    total = 0
    sized = 0
    for index, backup in enumerate(mine):
        position[backup.key] = index
        complete = True
        size = 0
        for sib_uuid in backup.service_instance_backups:
            sib = sibs.get(sib_uuid)
            if sib is None:
                missing.add(sib_uuid)
                complete = False
                if first_gap is None and sib_uuid not in unreadable:
                    first_gap = index
                continue
            if sib.service_instance:
                attempts.setdefault(sib.service_instance, []).append(BackupAttempt(backup, sib))
            size += sib.size or 0
        if complete:
            total += size
            sized += 1
    instances = instances or {}
    services: list[ServiceBackupStatus] = []
    for si_uuid, found in attempts.items():
        found.sort(key=_newest_first, reverse=True)
        success = next((a for a in found if a.succeeded), None)
        newest = found[0]
        problem = None if newest.succeeded else newest
        if problem is not None and success is not None and _newest_first(problem) < _newest_first(success):
            problem = None
        failures = 0
        for attempt in found:
            if attempt is success:
                break
            failures += attempt.outcome == "failed"
        # A gap in the very backup of the success is another service's part: it cannot be
        # newer than this one (a backup holds one SIB per service).
        settled = first_gap is None or si_uuid in complete_services or (
            success is not None and position[success.backup.key] <= first_gap)
        services.append(ServiceBackupStatus(si_uuid, instances.get(si_uuid), success, problem,
                                            failures, len(found), settled))
    services.sort(key=lambda s: (s.instance is None, s.label, s.service_instance))
    times = [t for t in (b.when for b in mine) if t is not None]
    totals = BackupTotals(
        count=len(mine),
        oldest=min(times) if times else None,
        newest=max(times) if times else None,
        total_size=total,
        sized_backups=sized,
    )
    return EnvironmentBackupSummary(services, totals, missing, first_gap is None,
                                    frozenset(complete_services))
