"""What the lines around the health table say: the stage, the counts, the cursor's row.

Pure functions from the scan's progress and rows to role-coloured `Text` (the screen resolves
the roles against the theme); API values go through `untrusted.visible`.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from divio_tui.state.health import HealthRow, ServiceHealth, Verdict
from divio_tui.state.health_plan import Plan
from divio_tui.state.health_scan import ScanProgress
from divio_tui.ui.health.cells import VERDICTS, service_label, verdict_cell
from divio_tui.ui.text.humanize import format_size, format_time, time_with_relative
from divio_tui.ui.text.labels import SEP, error_summary, status_role, trigger_text
from divio_tui.untrusted import shorten, visible

ERROR_WIDTH = 160
"""A failed attempt's first error is cut to this many characters under the table."""

_VERDICT_ROLES = {verdict: role for verdict, (_text, role) in VERDICTS.items()}

_KIND_NAMES = {"backup": "backups", "service_instance": "service instances",
               "service_instance_backup": "service-instance backups"}


def stage_text(progress: ScanProgress) -> str:
    """What the scan is doing: the whole lists' pages while they are read, else its stage."""
    pages = progress.pages
    if progress.plan is Plan.COLLECTIONS and pages and any(
            read < (total or read + 1) for read, total in pages.values()):
        parts = []
        for kind, (read, total) in pages.items():
            # The SIB list is read only as far as it pays: no "of" for it.
            of = f" of {total:,}" if total is not None and kind != "service_instance_backup" \
                else ""
            parts.append(f"{_KIND_NAMES.get(kind, kind)} {read:,}{of}")
        return "reading whole lists (pages): " + ", ".join(parts)
    return progress.stage


def summary_text(rows: list[HealthRow], plan: Plan | None) -> Text:
    """`45 environments · 1 never · … · 38 ok · read whole collections`."""
    text = Text(f"{len(rows):,} environments")
    for verdict in Verdict:
        count = sum(row.verdict == verdict for row in rows)
        if count:
            text.append(SEP)
            text.append(f"{count:,} {verdict}", _VERDICT_ROLES[verdict])
    if plan is not None:
        text.append(f"{SEP}read {plan}")
    return text


def crumbs(row: HealthRow) -> list[str]:
    """Organisation, application, environment: where a row is."""
    organisation, application = row.organisation, row.application
    parts = []
    if organisation is not None:
        parts.append(visible(organisation.name or organisation.uuid))
    if application is not None:
        parts.append(visible(application.slug or application.uuid))
    parts.append(visible(row.environment.slug or row.uuid))
    return parts


def worst(row: HealthRow) -> ServiceHealth | None:
    """The service that decides the row's verdict (the first, if they all are fine)."""
    if not row.services:
        return None
    return min(row.services, key=lambda service: service.verdict.rank)


def describe(row: HealthRow, service: ServiceHealth | None, now: datetime) -> Text:
    """Three lines for the cursor: where and the verdict (and what failed to be read); the
    service's latest good backup; the newer attempt that failed (its first error) or runs.
    `service` None: the row's worst service."""
    text = Text(" › ".join(crumbs(row)), "heading")
    text.append(SEP, "muted")
    text.append_text(verdict_cell(row))
    if row.error is not None:
        what = ("could not read the backups" if row.verdict == Verdict.UNKNOWN
                else f"{row.unreadable:,} service-instance backups could not be read")
        text.append(f"{SEP}⚠ {what}: {error_summary(row.error)} — r retries", "bad")
    service = service or worst(row)
    if service is None:
        if row.verdict != Verdict.UNKNOWN:
            text.append("\nno service instance and no backup")
        return text
    text.append(f"\n{service_label(service)}: ")
    latest = service.latest
    if latest is None:
        text.append("✘ no good backup", "bad")
    else:
        text.append(f"✔ {time_with_relative(latest.when, now)}",
                    "warn" if service.verdict == Verdict.STALE else "ok")
        text.append(f"{SEP}{format_size(latest.sib.size)}{SEP}"
                    f"{trigger_text(latest.backup.trigger)}")
        state = "backup running" if latest.backup.is_running else (
            latest.backup.success or latest.backup.state)
        if state:
            text.append(SEP)
            text.append(visible(state), "running" if latest.backup.is_running
                        else status_role(state))
    problem = service.problem
    if problem is not None:
        text.append("\n")
        if problem.outcome == "running":
            text.append("⟳ newer: running since "
                        f"{format_time(problem.sib.started_at or problem.when)}", "running")
        else:
            text.append(f"✘ newer: failed {time_with_relative(problem.when, now)}", "bad")
            if service.failures > 1:
                text.append(f" ({service.failures:,} in a row)", "bad")
            if problem.sib.errors:
                text.append(": " + shorten(visible(problem.sib.errors[0]), ERROR_WIDTH), "bad")
    return text
