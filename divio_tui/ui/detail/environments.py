"""An application at a glance: all its environments in one table, in its detail pane.

One line per environment, in the server's order (test, live, then the others): its slug, its
backup health verdict, per service its latest good backup's age, its last deployment (✔ or ✘,
how long ago) and its branch — the Control Panel's overview, one keypress away. The columns
that matter most come first, so that a narrow pane cuts the branch, not the verdict. The rows are
the backup health view's (`HealthRow`, computed by a `HealthScan` of the application, so that
both always agree); until an environment's backups are answered its cells read `…`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from rich.text import Text

from divio_tui.api.models import Environment
from divio_tui.state.health import HealthRow, ServiceHealth, Verdict
from divio_tui.ui.text.humanize import relative_time
from divio_tui.ui.text.labels import error_summary
from divio_tui.untrusted import shorten, visible

BRANCH_WIDTH = 24
"""Branch names are cut to this many characters in the table."""

VERDICT_ROLES = {Verdict.OK: "ok", Verdict.STALE: "warn"}
"""Every other verdict reads `bad`."""


@dataclass
class EnvironmentsOverview:
    """What is known of an application's environments (what the table is built from)."""

    environments: list[Environment] | None
    """In the server's order; None until listed."""
    rows: Mapping[str, HealthRow] = field(default_factory=dict)
    """Backup health by environment uuid, as it is answered."""
    loading: bool = False
    error: BaseException | None = None
    """Why the environments could not be listed."""


@dataclass
class DetailTable:
    """A small table for the detail pane: headers and rows of role-coloured `Text`."""

    title: str
    headers: list[str]
    rows: list[list[Text]]
    note: Text | None = None
    """One line under the table (loading, a failure and its retry key)."""
    keep: int = 0
    """The first `keep` columns keep their width on a narrow pane; the others shrink."""


def _key(service: ServiceHealth) -> tuple[str, str]:
    return (service.service_type or "?", service.prefix or "?")


def _order(key: tuple[str, str]) -> tuple[bool, int, str, str]:
    kind, prefix = key
    return (prefix != "DEFAULT", {"DATABASE": 0, "STORAGE": 1}.get(kind, 2), kind, prefix)


def _header(key: tuple[str, str]) -> str:
    kind, prefix = key
    name = visible(kind if kind != "?" else "service").lower()
    return name if prefix in {"DEFAULT", "?"} else f"{name} {visible(prefix)}"


def _deployment(environment: Environment, now: datetime) -> Text:
    last = environment.last_finished_deployment
    if last is None:
        return Text("never", "muted")
    when = relative_time(last.ended_at, now).removesuffix(" ago") if last.ended_at else ""
    if last.success is False:
        return Text(f"✘ {when}".strip(), "bad")
    if last.success is True:
        return Text(f"✔ {when}".strip(), "ok")
    return Text(visible(last.status or "finished") + (f" {when}" if when else ""), "muted")


def _service(service: ServiceHealth | None, now: datetime) -> Text:
    if service is None:
        return Text("·", "muted")
    if service.latest is None:
        return Text("✘ none" if service.verdict == Verdict.NO_BACKUPS else "✘ never", "bad")
    age = relative_time(service.latest.when, now).removesuffix(" ago")
    if service.verdict == Verdict.FAILING:
        return Text(f"✘ {age}", "bad")
    return Text(f"{'◷' if service.verdict == Verdict.STALE else '✔'} {age}",
                VERDICT_ROLES.get(service.verdict, "bad"))


def environments_table(overview: EnvironmentsOverview | None, now: datetime,
                       reload_key: str = "r") -> DetailTable | None:
    """The table of an application's environments, or None before anything is known."""
    if overview is None:
        return None
    title = "environments"
    if overview.environments is None:
        if overview.error is not None:
            waiting = Text(f"⚠ could not list them: {error_summary(overview.error)} — press "
                        f"{reload_key} to retry", "bad")
        else:
            waiting = Text("loading…", "running")
        return DetailTable(title, [], [], waiting)
    if not overview.environments:
        return DetailTable(title, [], [], Text("none", "muted"))
    services = sorted({_key(service) for row in overview.rows.values()
                       for service in row.services}, key=_order)
    headers = ["env", "health", *(_header(key) for key in services), "deployed", "branch"]
    rows: list[list[Text]] = []
    pending = 0
    for environment in overview.environments:
        row = overview.rows.get(environment.uuid)
        cells = [Text(visible(environment.slug or environment.uuid), "heading")]
        if row is None:
            pending += 1
            cells += [Text("…", "muted")] + [Text("…", "muted") for _ in services]
        elif row.verdict == Verdict.UNKNOWN:
            cells += [Text("⚠ unknown", "bad")] + [Text("⚠", "bad") for _ in services]
        else:
            by_key = {_key(service): service for service in row.services}
            cells.append(Text(str(row.verdict), VERDICT_ROLES.get(row.verdict, "bad")))
            cells += [_service(by_key.get(key), now) for key in services]
        cells += [_deployment(environment, now),
                  Text(shorten(visible(environment.branch or "—"), BRANCH_WIDTH), "muted")]
        rows.append(cells)
    note: Text | None = None
    failed = [row for row in overview.rows.values() if row.verdict == Verdict.UNKNOWN]
    if failed and failed[0].error is not None:
        noun = "environment" if len(failed) == 1 else "environments"
        note = Text(f"⚠ the backups of {len(failed)} {noun} could not be read: "
                    f"{error_summary(failed[0].error)} — press {reload_key} to retry", "bad")
    elif pending and overview.loading:
        note = Text(f"reading the backups of {pending} environment"
                    f"{'s' if pending != 1 else ''}…", "running")
    # The branch shrinks first: everything before it keeps its width.
    return DetailTable(title, headers, rows, note, keep=len(headers) - 1)
