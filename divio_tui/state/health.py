"""Backup health: one verdict per environment, from the same answer the environment summary has.

A `HealthRow` is an environment (with its application and organisation) and, per service
instance, its latest good backup, the newest attempt when that is newer and not good, and a
verdict. Rows are built by `assess` from a `BackupReport` (state/backups.py), which summarises
with `backup_summary.summarise`: the health view, the command line and the environment summary
therefore count backups the same way, always.

Verdicts, per service instance, then per environment the worst of its services:

- `never`: backups include the service, but not one of its parts ever ended without errors;
- `no backups`: no backup includes the service (or the environment has no backup at all);
- `failing`: the newest `FAILING_AFTER` (or more) finished attempts failed in a row;
- `stale`: the latest good backup is older than the threshold (`[backups] max_age_hours`,
  default `DEFAULT_MAX_AGE_HOURS`);
- `ok`: otherwise.
- `unknown` (rows only): the backups could not be read; the row carries the error.

Worst first is that order, then the oldest latest good backup, then organisation, application
and environment. `row_json` and `csv_rows` are the one serialisation, shared by the command
line (`backups health --json`) and the view's export: times ISO-8601 UTC with `Z`, sizes in
bytes. Nothing here imports Textual or fetches anything; the planner is health_scan.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from divio_tui.api.backup_summary import BackupAttempt, ServiceBackupStatus
from divio_tui.api.models import Application, Environment, Organisation, ServiceInstance
from divio_tui.saving import csv_text as saving_csv_text
from divio_tui.state.backups import BackupReport

__all__ = [
    "DEFAULT_MAX_AGE_HOURS",
    "FAILING_AFTER",
    "HealthRow",
    "ServiceHealth",
    "Verdict",
    "assess",
    "csv_rows",
    "csv_text",
    "iso",
    "row_json",
    "unknown_row",
]

DEFAULT_MAX_AGE_HOURS = 26.0
"""A daily backup plus two hours' slack: older than this, the latest good backup is stale."""

FAILING_AFTER = 2
"""Failed attempts in a row (since the latest good backup) that make a service `failing`.
One failure beside a fresh good backup is shown, but is not yet a verdict."""


class Verdict(StrEnum):
    """How an environment's (or a service's) backups stand; see the module docstring."""

    UNKNOWN = "unknown"
    NEVER = "never"
    NO_BACKUPS = "no backups"
    FAILING = "failing"
    STALE = "stale"
    OK = "ok"

    @property
    def rank(self) -> int:
        """0 for the worst; `ok` is the highest."""
        return _RANK[self]


_RANK = {verdict: rank for rank, verdict in enumerate(Verdict)}


@dataclass(frozen=True, slots=True)
class ServiceHealth:
    """One service instance of an environment, as the health view shows it."""

    service_instance: str
    instance: ServiceInstance | None
    service_type: str | None
    """`DATABASE`, `STORAGE`… (from the instance, else from its SIBs)."""
    verdict: Verdict
    latest: BackupAttempt | None
    """The latest good backup of this service."""
    problem: BackupAttempt | None
    """The newest attempt, when it is newer than `latest` and not good (failed, running)."""
    failures: int
    """Finished attempts that failed since `latest` (all of them without one)."""
    age: timedelta | None
    """How old `latest` is at the time of the assessment."""

    @property
    def prefix(self) -> str | None:
        return self.instance.prefix if self.instance is not None else None


@dataclass(frozen=True, slots=True)
class HealthRow:
    """One environment's backup health (see the module docstring)."""

    environment: Environment
    application: Application | None
    organisation: Organisation | None
    verdict: Verdict
    services: tuple[ServiceHealth, ...] = ()
    backups: int = 0
    """How many backups the environment has."""
    error: BaseException | None = None
    """Why the row is `unknown`, or why part of it may be older than the truth."""
    unreadable: int = 0
    """Service-instance backups that could not be read (the answer may be older)."""
    assessed_at: datetime | None = None
    sort_key: tuple[Any, ...] = field(default=(), compare=False)

    @property
    def uuid(self) -> str:
        return self.environment.uuid

    @property
    def oldest_age(self) -> timedelta | None:
        """The age of the oldest latest-good backup among the services (None: none good)."""
        ages = [service.age for service in self.services if service.age is not None]
        return max(ages) if ages else None

    @property
    def newest_good(self) -> BackupAttempt | None:
        """The most recent good backup of any service (the row's backup, for a copy)."""
        good = [service.latest for service in self.services if service.latest is not None]
        return max(good, key=lambda attempt: attempt.when or _EPOCH) if good else None


_EPOCH = datetime.min.replace(tzinfo=UTC)


def _service_verdict(status: ServiceBackupStatus | None, age: timedelta | None,
                     max_age: timedelta) -> Verdict:
    if status is None or status.attempts == 0:
        return Verdict.NO_BACKUPS
    if status.latest_success is None:
        return Verdict.NEVER
    if status.failures_since_success >= FAILING_AFTER:
        return Verdict.FAILING
    if age is not None and age > max_age:
        return Verdict.STALE
    return Verdict.OK


def _service_type(status: ServiceBackupStatus) -> str | None:
    if status.instance is not None and status.instance.type:
        return status.instance.type
    attempt = status.latest_success or status.latest_problem
    return attempt.sib.service_type if attempt is not None else None


def assess(environment: Environment, application: Application | None,
           organisation: Organisation | None, report: BackupReport, *, now: datetime,
           max_age: timedelta) -> HealthRow:
    """The health of one environment from its backup report (which should be `answered`:
    otherwise older backups could still change it)."""
    if report.summary is None:
        error = report.error or RuntimeError("the backups have not been read")
        return unknown_row(environment, application, organisation, error, now=now)
    summary = report.summary
    services: list[ServiceHealth] = []
    seen = set()
    for status in summary.services:
        seen.add(status.service_instance)
        latest = status.latest_success
        when = latest.when if latest is not None else None
        age = max(now - when, timedelta(0)) if when is not None else None
        services.append(ServiceHealth(
            status.service_instance, status.instance, _service_type(status),
            _service_verdict(status, age, max_age), latest, status.latest_problem,
            status.failures_since_success, age))
    for instance in sorted(report.instances, key=lambda i: (i.type or "", i.prefix or "", i.key)):
        if instance.key not in seen:
            services.append(ServiceHealth(instance.key, instance, instance.type,
                                          Verdict.NO_BACKUPS, None, None, 0, None))
    if services:
        verdict = min((service.verdict for service in services), key=lambda v: v.rank)
    else:
        # Nothing is backed up: no service known, and no backup that names one.
        verdict = Verdict.NEVER if summary.totals.count else Verdict.NO_BACKUPS
    problem = report.error or (next(iter(report.sib_errors.values())) if report.sib_errors
                               else None)
    return _with_key(HealthRow(environment, application, organisation, verdict,
                               tuple(services), summary.totals.count, problem,
                               len(report.sib_errors), now))


def unknown_row(environment: Environment, application: Application | None,
                organisation: Organisation | None, error: BaseException, *,
                now: datetime) -> HealthRow:
    """A row whose backups could not be read."""
    return _with_key(HealthRow(environment, application, organisation, Verdict.UNKNOWN,
                               error=error, assessed_at=now))


def _with_key(row: HealthRow) -> HealthRow:
    age = row.oldest_age
    key = (row.verdict.rank, -(age.total_seconds()) if age is not None else 0.0,
           _name(row.organisation).casefold(), (row.application.slug or "").casefold()
           if row.application else "", (row.environment.slug or "").casefold(), row.uuid)
    object.__setattr__(row, "sort_key", key)
    return row


def _name(organisation: Organisation | None) -> str:
    if organisation is None:
        return ""
    return organisation.name or organisation.uuid


# -- serialisation ------------------------------------------------------------------------


def iso(moment: datetime | None) -> str | None:
    """`2026-11-25T02:36:37Z` (microseconds only when there are some, as DRF renders)."""
    if moment is None:
        return None
    text = moment.astimezone(UTC).replace(tzinfo=None).isoformat()
    return text + "Z"


def _attempt_json(attempt: BackupAttempt | None) -> dict[str, Any] | None:
    if attempt is None:
        return None
    sib, backup = attempt.sib, attempt.backup
    return {
        "backup": backup.uuid,
        "service_instance_backup": sib.uuid,
        "taken_at": iso(sib.taken_at),
        "started_at": iso(sib.started_at),
        "ended_at": iso(sib.ended_at),
        "size": sib.size,
        "trigger": backup.trigger,
        "backup_state": backup.state,
        "backup_success": backup.success,
    }


def _problem_json(attempt: BackupAttempt | None) -> dict[str, Any] | None:
    body = _attempt_json(attempt)
    if attempt is None or body is None:
        return None
    body = {"outcome": attempt.outcome, **body, "queued_at": iso(attempt.sib.queued_at),
            "errors": list(attempt.sib.errors)}
    return body


def service_json(service: ServiceHealth) -> dict[str, Any]:
    """One service of a row, as `backups health --json` and the JSON export print it."""
    return {
        "service_instance": service.service_instance,
        "type": service.service_type,
        "prefix": service.prefix,
        "verdict": str(service.verdict),
        "latest": _attempt_json(service.latest),
        "age_hours": round(service.age.total_seconds() / 3600, 2) if service.age is not None
        else None,
        "failures_since_latest": service.failures,
        "newer_attempt": _problem_json(service.problem),
    }


def row_json(row: HealthRow) -> dict[str, Any]:
    """One environment, as `backups health --json` and the JSON export print it."""
    organisation, application, environment = row.organisation, row.application, row.environment
    return {
        "organisation": {"uuid": organisation.uuid, "name": organisation.name}
        if organisation is not None else None,
        "application": {"uuid": application.uuid, "slug": application.slug,
                        "name": application.name} if application is not None else None,
        "environment": {"uuid": environment.uuid, "slug": environment.slug,
                        "branch": environment.branch},
        "verdict": str(row.verdict),
        "backups": row.backups,
        "services": [service_json(service) for service in row.services],
        "unreadable_service_instance_backups": row.unreadable,
        "error": _error_text(row.error),
    }


def _error_text(error: BaseException | None) -> str | None:
    if error is None:
        return None
    return getattr(error, "message", None) or str(error) or type(error).__name__


CSV_COLUMNS: tuple[str, ...] = (
    "organisation", "application", "environment", "environment_verdict", "service_type",
    "service_prefix", "service_verdict", "latest_taken_at", "latest_age_hours",
    "latest_size_bytes", "latest_trigger", "latest_backup", "latest_service_instance_backup",
    "newer_outcome", "newer_at", "newer_error", "failures_since_latest", "service_instance",
    "environment_uuid", "error",
)
"""One line per environment and service instance (an environment without one: one line)."""

def csv_rows(rows: Iterable[HealthRow]) -> Iterable[list[object]]:
    """The CSV lines (without the header, `CSV_COLUMNS`) of `rows`, in their order."""
    for row in rows:
        base = [
            _name(row.organisation),
            row.application.slug if row.application else "",
            row.environment.slug,
            str(row.verdict),
        ]
        tail = [row.uuid, _error_text(row.error)]
        if not row.services:
            yield [*base, *([None] * 14), *tail]
            continue
        for service in row.services:
            latest, problem = service.latest, service.problem
            yield [
                *base, service.service_type, service.prefix, str(service.verdict),
                iso(latest.sib.taken_at) if latest else None,
                round(service.age.total_seconds() / 3600, 2) if service.age is not None else None,
                latest.sib.size if latest else None,
                latest.backup.trigger if latest else None,
                latest.backup.uuid if latest else None,
                latest.sib.uuid if latest else None,
                problem.outcome if problem else None,
                iso(problem.when) if problem else None,
                problem.sib.errors[0] if problem and problem.sib.errors else None,
                service.failures, service.service_instance, *tail]


def csv_text(rows: Sequence[HealthRow]) -> str:
    """The whole CSV file (header first), as written by the view's export: `saving.csv_text`,
    which also keeps a spreadsheet from running untrusted API text as a formula."""
    return saving_csv_text(CSV_COLUMNS, csv_rows(rows))
