"""The backup health table's cells: what each column shows for one environment, how it sorts.

Columns: the verdict, the organisation, application and environment (the first two only when
the scope holds more than one), one column per service (type and prefix: `database`,
`storage`, `storage UPLOADS`…) and the number of backups. A service cell reads at a glance:
`✔ 9 h · 1.1 GB` (its latest good backup's age and size), `◷ 3 d · 25.9 MB` (stale),
`✘ 3 failed · ✔ 3 d` (failing), `✘ never · 60 failed`, `✘ no backups`, with `⟳` when a newer
attempt is running. Every cell sorts worst first ascending; ties fall back to the row's own
worst-first order, so a sort never shuffles equal rows.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from divio_tui.state.health import HealthRow, ServiceHealth, Verdict
from divio_tui.ui.text.humanize import format_size, relative_time
from divio_tui.ui.text.labels import SEP, service_name
from divio_tui.ui.text.roles import component_classes, resolve
from divio_tui.untrusted import shorten, visible

NAME_WIDTH = 32
"""Organisation, application and environment names are cut to this many characters."""

SERVICE_PREFIX = "service:"
"""Column keys of service columns: the prefix, then `TYPE/PREFIX`."""

VERDICTS: dict[Verdict, tuple[str, str]] = {
    Verdict.UNKNOWN: ("⚠ unknown", "bad"),
    Verdict.NEVER: ("✘ never", "bad"),
    Verdict.NO_BACKUPS: ("✘ no backups", "bad"),
    Verdict.FAILING: ("✘ failing", "bad"),
    Verdict.STALE: ("◷ stale", "warn"),
    Verdict.OK: ("✔ ok", "ok"),
}
"""A verdict as the table shows it, and its role."""

SortKey = tuple[Any, ...]


class Cell(Text):
    """A table cell: literal text (never markup) and the value it sorts by."""

    def __init__(self, text: Text, sort_key: SortKey, lookup: Callable[[str], Style]) -> None:
        # The roles are resolved here, in the one copy (building Rich Text is what costs
        # when thousands of rows come in at once).
        resolved = resolve(text, lookup)
        super().__init__(resolved.plain, style=resolved.style, spans=resolved.spans,
                         no_wrap=True, overflow="ellipsis")
        self.sort_key = sort_key


class HealthText(Static):
    """A line of the view built with roles (the status, the lines under the table), its
    colours resolved from the theme and again when the theme changes."""

    COMPONENT_CLASSES: ClassVar[set[str]] = component_classes("health-text")

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = Text("")

    def show(self, text: Text) -> None:
        self._text = text
        self.update(resolve(text, self._role))

    def _role(self, role: str) -> Style:
        return self.get_component_rich_style(f"health-text--{role}", partial=True)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self.is_mounted:
            self.call_later(lambda: self.show(self._text))


def service_key(service: ServiceHealth) -> str:
    """The column a service goes in: its type and prefix (`DATABASE/DEFAULT`)."""
    return f"{service.service_type or '?'}/{service.prefix or '?'}"


def service_header(key: str) -> str:
    """`database`, `storage UPLOADS`: the header of a service column."""
    kind, _, prefix = key.partition("/")
    name = visible(kind if kind != "?" else "service").lower()
    return name if prefix in {"DEFAULT", "?", ""} else f"{name} {visible(prefix)}"


def column_order(key: str) -> tuple[bool, int, str, str]:
    """The DEFAULT services first (most environments have them), databases before storage
    before other types, then other prefixes alike."""
    kind, _, prefix = key.partition("/")
    return (prefix != "DEFAULT", {"DATABASE": 0, "STORAGE": 1}.get(kind, 2), kind, prefix)


def age_text(when: object, now: datetime) -> str:
    """`9 h`, `3 d`, `just now`: how old a backup is, for a cell."""
    return relative_time(when, now).removesuffix(" ago")


def verdict_cell(row: HealthRow) -> Text:
    text, role = VERDICTS[row.verdict]
    return Text(text, role)


def service_cell(service: ServiceHealth | None, now: datetime) -> Text:
    """One service of one environment (see the module docstring); `·` when the environment
    has no such service."""
    if service is None:
        return Text("·", "muted")
    latest, verdict = service.latest, service.verdict
    if verdict == Verdict.NO_BACKUPS:
        return Text("✘ no backups", "bad")
    if latest is None:
        text = Text("✘ never", "bad")
        if service.failures:
            text.append(f"{SEP}{service.failures:,} failed", "bad")
    elif verdict == Verdict.FAILING:
        text = Text(f"✘ {service.failures:,} failed", "bad")
        text.append(SEP, "muted")
        text.append(f"✔ {age_text(latest.when, now)}", "muted")
    else:
        mark, role = ("◷", "warn") if verdict == Verdict.STALE else ("✔", "ok")
        text = Text(f"{mark} {age_text(latest.when, now)}", role)
        text.append(SEP, "muted")
        text.append(format_size(latest.sib.size))
        if service.failures:
            text.append(f"{SEP}✘ {service.failures:,}", "bad")
    if service.problem is not None and service.problem.outcome == "running":
        text.append(" ⟳", "running")
    return text


def service_sort(service: ServiceHealth | None) -> tuple[int, float]:
    if service is None:
        return (len(Verdict) + 1, 0.0)
    age = service.age.total_seconds() if service.age is not None else float("inf")
    return (service.verdict.rank, -age)


def row_cells(row: HealthRow, columns: list[str], services: list[str], now: datetime,
              lookup: Callable[[str], Style]) -> list[Cell]:
    """The cells of one row, in the order of `columns` (fixed keys and service keys)."""
    by_key = {service_key(service): service for service in row.services}
    organisation = row.organisation
    names = {
        "organisation": visible((organisation.name or organisation.uuid) if organisation
                                else "—"),
        "application": visible((row.application.slug or row.application.uuid)
                               if row.application else "—"),
        "environment": visible(row.environment.slug or row.uuid),
    }
    cells: list[tuple[Text, SortKey]] = []
    for column in columns:
        if column == "verdict":
            cells.append((verdict_cell(row), (row.sort_key,)))
        elif column in names:
            name = names[column]
            cells.append((Text(shorten(name, NAME_WIDTH)), (name.casefold(), row.sort_key)))
        elif column == "backups":
            cells.append((Text(f"{row.backups:,}", "muted" if row.backups else "bad"),
                          (row.backups, row.sort_key)))
        elif column.startswith(SERVICE_PREFIX):
            service = by_key.get(column.removeprefix(SERVICE_PREFIX))
            if row.verdict == Verdict.UNKNOWN:
                cells.append((Text("⚠", "bad"), (-1, row.sort_key)))
            else:
                cells.append((service_cell(service, now), (service_sort(service), row.sort_key)))
    return [Cell(text, key, lookup) for text, key in cells]


def service_of(row: HealthRow, column: str) -> ServiceHealth | None:
    """The service of `row` a column shows (None: not a service column, or not there)."""
    if not column.startswith(SERVICE_PREFIX):
        return None
    key = column.removeprefix(SERVICE_PREFIX)
    return next((service for service in row.services if service_key(service) == key), None)


def service_label(service: ServiceHealth) -> str:
    return service_name(service.instance, service.service_type)
