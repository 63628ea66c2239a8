"""The backup section of an environment's summary: per service, the latest good backup.

Built from a `BackupReport` (see state/backups.py) as (field, `Text`) rows for the detail
pane: how many backups, the oldest, the total size (when every service-instance backup is
known; else what reading them would cost and the key that does, and "so far" while it
loads), then one
row per service instance with its latest successful backup — when it was taken (UTC and how
long ago), its size, trigger and state — and, below it, a newer attempt that failed or is
still running. A service's good part of a backup that is still running, or that partly
failed, is its latest backup all the same (`backup_summary`'s rule): its state then reads
"backup running" or PARTIAL. Every API value goes through `untrusted.visible`; colours are
roles.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from rich.text import Text

from divio_tui.api.backup_summary import BackupAttempt, ServiceBackupStatus
from divio_tui.state.backups import BackupReport
from divio_tui.ui.text.humanize import format_size, relative_time, time_with_relative
from divio_tui.ui.text.labels import (
    SEP,
    error_summary,
    service_name,
    status_role,
    trigger_text,
)
from divio_tui.untrusted import shorten, visible

BackupRow = tuple[str, Text]

ERROR_WIDTH = 100
"""A failed backup's first error is cut to this many characters in the summary."""

def backup_rows(report: BackupReport | None, now: datetime, reload_key: str = "r",
                total_key: str = "T") -> list[BackupRow]:
    """The rows for one environment (a `loading…` row until the list is in)."""
    if report is None or (report.backups is None and report.error is None):
        return [("backups", Text("loading…", "running"))]
    if report.backups is None:
        assert report.error is not None
        return [("backups", Text(f"⚠ could not load them: {error_summary(report.error)} — "
                                 f"press {reload_key} to retry", "bad"))]
    if not report.backups:
        return [("backups", Text("none", "muted"))]
    rows: list[BackupRow] = [("backups", _overview(report, now, total_key))]
    rows.extend(_service_rows(report, now))
    if report.error is not None or report.sib_errors:
        rows.append(("⚠", _failures(report, reload_key)))
    if report.filter_ignored:
        rows.append(("note", Text("the server ignored the environment filter: every backup "
                                  "was read once and sorted by environment", "muted")))
    return rows


def _overview(report: BackupReport, now: datetime, total_key: str) -> Text:
    assert report.summary is not None
    totals = report.summary.totals
    text = Text(f"{totals.count:,}")
    text.append(SEP, "muted")
    pending = report.pending
    if totals.sized_backups == totals.count:
        text.append("total ", "muted")
        text.append(format_size(totals.total_size))
    elif report.totalling:
        text.append("total ", "muted")
        text.append(format_size(totals.total_size))
        text.append(f" (so far {totals.sized_backups:,} of {totals.count:,} backups, "
                    f"{pending:,} service-instance {_noun(pending)} to read…)", "running")
        text.append(f" {total_key} stops", "muted")
    elif pending:
        text.append("total size: ", "muted")
        text.append(f"press {total_key}", "accent")
        text.append(f" (reads {pending:,} service-instance {_noun(pending)})", "muted")
    else:  # every SIB read or failed: the failures are listed below
        text.append("total ", "muted")
        text.append(format_size(totals.total_size))
        text.append(f" (so far {totals.sized_backups:,} of {totals.count:,} backups)", "warn")
    if totals.oldest is not None:
        text.append("\noldest ", "muted")
        text.append(f"{totals.oldest:%Y-%m-%d} ({relative_time(totals.oldest, now)})")
    return text


def _noun(count: int) -> str:
    return "backup" if count == 1 else "backups"


def _service_rows(report: BackupReport, now: datetime) -> list[BackupRow]:
    assert report.summary is not None
    statuses = report.summary.services
    listed = {status.service_instance for status in statuses}
    rows: list[tuple[str, Text]] = [
        (service_name(status.instance, _service_type(status)), _service_text(status, report, now))
        for status in statuses
    ]
    # Service instances of the environment that no backup seen so far includes.
    for instance in sorted(report.instances, key=lambda i: (i.type or "", i.prefix or "", i.key)):
        if instance.key not in listed:
            text = (Text("no backup includes it", "warn") if report.answered
                    else Text("looking through older backups…", "running"))
            rows.append((service_name(instance), text))
    # Two services that read alike (two DEFAULT databases?) are told apart by their uuid.
    counts = Counter(name for name, _ in rows)
    keys = [status.service_instance for status in statuses] + [
        instance.key for instance in report.instances if instance.key not in listed]
    return [(f"{name} {visible(key)[:6]}" if counts[name] > 1 else name, text)
            for (name, text), key in zip(rows, keys, strict=False)]


def _service_type(status: ServiceBackupStatus) -> object:
    attempt = status.latest_success or status.latest_problem
    return attempt.sib.service_type if attempt is not None else None


def _service_text(status: ServiceBackupStatus, report: BackupReport, now: datetime) -> Text:
    text = Text()
    success = status.latest_success
    if success is not None:
        text.append("✔ ", "ok")
        text.append(time_with_relative(success.when, now))
        text.append("\n")
        text.append_text(_facts(success))
    elif report.answered:
        text.append("✘ no successful backup", "bad")
    else:
        text.append("looking through older backups…", "running")
    problem = status.latest_problem
    if problem is not None:
        text.append("\n")
        text.append_text(_problem(problem, now))
    return text


def _facts(attempt: BackupAttempt) -> Text:
    """`1.2 GB · scheduled · SUCCESS` (`· backup running` while the rest of it runs)."""
    sib, backup = attempt.sib, attempt.backup
    text = Text(format_size(sib.size))
    text.append(SEP, "muted")
    text.append(trigger_text(backup.trigger))
    if backup.is_running:
        text.append(SEP, "muted")
        text.append("backup running", "running")
        return text
    state = backup.success or backup.state
    if state:
        text.append(SEP, "muted")
        text.append(visible(state), status_role(state))
    return text


def _problem(attempt: BackupAttempt, now: datetime) -> Text:
    """A newer attempt that did not succeed: still running, or failed (with its first error)."""
    if attempt.outcome == "running":
        text = Text("⟳ newer: running since ", "running")
        text.append(time_with_relative(attempt.sib.started_at or attempt.when, now), "running")
        return text
    text = Text("✘ newer: failed ", "bad")
    text.append(time_with_relative(attempt.when, now))
    text.append(SEP, "muted")
    text.append(trigger_text(attempt.backup.trigger), "muted")
    if attempt.sib.errors:
        text.append("\n")
        text.append(shorten(visible(attempt.sib.errors[0]), ERROR_WIDTH), "bad")
    return text


def _failures(report: BackupReport, reload_key: str) -> Text:
    errors = list(report.sib_errors.values())
    if report.error is not None:
        text = Text(f"stopped: {error_summary(report.error)}", "bad")
    else:
        noun = "backup" if len(errors) == 1 else "backups"
        text = Text(f"{len(errors):,} service-instance {noun} could not be read "
                    f"({error_summary(errors[0])}): the answer may be older than the truth",
                    "bad")
    text.append(f" — press {reload_key} to retry", "muted")
    return text
