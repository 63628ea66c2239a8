"""Answer "when was the last good backup of each service of this environment?" from data.

Pure functions over models already fetched (no I/O): the UI decides what to fetch and feeds
what it has; the same code answers the how-to page's question in tests and benchmarks.

Per service instance, a backup counts as *successful* when its service-instance backup (SIB)
ended without errors and the backup as a whole did not fail. A PARTIAL backup therefore counts
for the services whose SIB succeeded and not for the one that failed. The *latest attempt* is
reported beside the latest success only when it is newer and did not succeed (failed, or still
running), which is what a person checking on backups needs to know.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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
        """`running`, `failed` or `success`: the word the summary shows."""
        if self.sib.is_running or self.backup.is_running:
            return "running"
        return "success" if self.succeeded else "failed"


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


def sib_succeeded(backup: Backup, sib: ServiceInstanceBackup) -> bool:
    """This service's part of `backup` finished without errors and the backup did not fail."""
    if sib.is_running or sib.errors:
        return False
    if backup.success == "FAILURE":
        return False
    return backup.success is not None or backup.state == "COMPLETED"


def _newest_first(attempt: BackupAttempt) -> tuple[bool, datetime | str]:
    when = attempt.when
    # Unknown times sort last; ties broken by uuid so the answer never depends on input order.
    return (when is not None, when if when is not None else attempt.sib.key)


def summarise(
    environment: str,
    backups: Iterable[Backup],
    sibs: Mapping[str, ServiceInstanceBackup],
    instances: Mapping[str, ServiceInstance] | None = None,
) -> EnvironmentBackupSummary:
    """Summarise the backups of `environment` from what is known.

    `backups` may include other environments' backups (a server that ignored the filter):
    they are skipped. `sibs` maps SIB uuid -> SIB; `instances` maps service instance uuid ->
    instance. Services appear in a stable order: by instance type and prefix, then uuid.
    """
    mine = [b for b in backups if b.environment == environment]
    attempts: dict[str, list[BackupAttempt]] = {}
    missing: set[str] = set()
    total = 0
    sized = 0
    for backup in mine:
        complete = True
        size = 0
        for sib_uuid in backup.service_instance_backups:
            sib = sibs.get(sib_uuid)
            if sib is None:
                missing.add(sib_uuid)
                complete = False
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
        services.append(ServiceBackupStatus(si_uuid, instances.get(si_uuid), success, problem))
    services.sort(key=lambda s: (s.instance is None, s.label, s.service_instance))
    times = [t for t in (b.when for b in mine) if t is not None]
    totals = BackupTotals(
        count=len(mine),
        oldest=min(times) if times else None,
        newest=max(times) if times else None,
        total_size=total,
        sized_backups=sized,
    )
    return EnvironmentBackupSummary(services, totals, missing)
