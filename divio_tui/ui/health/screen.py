"""The backup health view: one row per environment of a scope, worst first, as they come in.

`HealthScreen` is opened with `H` on an organisation, an application or the Organisations
group (or from the palette, "Backup health"). A `HealthScan` (state/health_scan.py) runs in one
worker of this screen; its rows stream into the table a few times a second, with a progress
bar ("312 of 2,801 environments") and the stage it is at. The table can be read, sorted,
filtered and left while it loads: `x` stops the scan, `r` goes on (retrying what failed;
what is known is not fetched again), closing the view cancels it.

Keys (ids in keys.py): a cell cursor, so that the column says what a key acts on. `enter`
closes the view and reveals the environment in the tree; `b` opens its backups table (through
the host: the backups table is a sibling feature); `c` copies the UUID of the latest good
backup — on a service column, that service's service-instance backup; `s` sorts by the
cursor's column (again: the other way round; a header click too), `S` reverses; `/` filters
the rows by text like the tree's filter; `e` exports the rows shown as CSV or JSON. The three
lines under the table tell the cursor's row and service in full: the latest good backup, and
the newer attempt that failed (with its first error) or is running.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar, Protocol

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Footer, ProgressBar, Static
from textual.worker import Worker, WorkerState

from divio_tui.api.errors import ApiError, Unauthorised
from divio_tui.api.models import Application, Organisation
from divio_tui.state.backups import BackupBook
from divio_tui.state.health import HealthRow, ServiceHealth, Verdict
from divio_tui.state.health_scan import HealthScan, Plan, Scope, health_document
from divio_tui.state.nodes import GroupData, ResourceData, StatusData
from divio_tui.ui.health.cells import (
    SERVICE_PREFIX,
    VERDICTS,
    HealthTable,
    HealthText,
    column_order,
    row_cells,
    service_header,
    service_key,
    service_label,
    service_of,
    verdict_cell,
)
from divio_tui.ui.health.export import ExportScreen, default_path, write_export
from divio_tui.ui.keys import HEALTH_VIEW_BINDINGS
from divio_tui.ui.text.humanize import format_size, format_time, time_with_relative
from divio_tui.ui.text.labels import SEP, error_summary, status_role, trigger_text
from divio_tui.ui.widgets.filter_bar import FilterBar
from divio_tui.untrusted import shorten, visible

log = logging.getLogger(__name__)

Target = tuple[str, str]
"""What `enter` asks the tree to show: (kind, uuid)."""

FIXED_HEADERS = {"verdict": "verdict", "organisation": "organisation",
                 "application": "application", "environment": "environment",
                 "backups": "backups"}

REFRESH = 0.25
"""Seconds between two updates of the table while rows stream in."""

FILTER_DELAY = 0.15
"""Seconds after the last key before the filter is applied (typing a word rebuilds the
table once, not once a letter: thousands of rows take a moment to lay out)."""

FLUSH_ROWS = 400
"""Rows added to the table per update at most: a whole account's rows land in a few steps
and the screen stays live meanwhile."""

ERROR_WIDTH = 160
"""A failed attempt's first error is cut to this many characters under the table."""


class HealthHost(Protocol):
    """What the view asks of the screen that opened it (the explorer)."""

    def open_backups(self, environment: str, crumbs: list[str]) -> None:
        """Show the backups table of `environment` on top of this view."""
        ...

    def tell_refused(self, error: ApiError) -> None:
        """The API refused the token: say so once (the sign-in screen comes back)."""
        ...


class HealthScreen(Screen[Target | None]):
    """The backup health of one scope as a sortable, filterable table (module docstring)."""

    BINDINGS: ClassVar[list[BindingType]] = list(HEALTH_VIEW_BINDINGS)

    def __init__(self, book: BackupBook, scope: Scope, *, host: HealthHost,
                 now: Callable[[], datetime], max_age: timedelta,
                 focus_environment: str | None = None) -> None:
        super().__init__()
        self.book = book
        self.scope = scope
        self.host = host
        self.now = now
        self.max_age = max_age
        self.focus_environment = focus_environment
        self.sort_column = "verdict"
        self.sort_reverse = False
        self.filter_text = ""
        self.scan = self._new_scan()
        self._worker: Worker[None] | None = None
        self._rows: dict[str, HealthRow] = {}
        self._haystacks: dict[str, str] = {}
        self._services: list[str] = []
        self._shown: set[str] = set()
        self._dirty = False
        self._queue: list[HealthRow] = []
        """Rows computed but not in the table yet (`FLUSH_ROWS` go in per update)."""
        self._cells_cache: dict[str, tuple[HealthRow, tuple[str, ...], int, list[Any]]] = {}
        """Per environment: the row, the columns and the theme its cells were built for."""
        self._theme_epoch = 0
        self._filter_timer: Timer | None = None
        self._stopped = False
        self._told_refused = False
        self._placed: str | None = None
        """The row the view put the cursor on (while it is still there, it follows)."""

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="health-title")
        with Horizontal(id="health-progress"):
            yield ProgressBar(show_eta=False, show_percentage=False, id="health-bar")
            yield HealthText(id="health-status")
        filter_bar = FilterBar(id="health-filter")
        filter_bar.placeholder = "filter the rows…  (enter: keep, esc: clear)"
        yield filter_bar
        yield HealthTable(id="health-table", cursor_type="cell", zebra_stripes=True)
        yield HealthText(id="health-detail")
        yield Footer(compact=True)

    @property
    def table(self) -> HealthTable:
        return self.query_one("#health-table", HealthTable)

    def on_mount(self) -> None:
        title = Text("Backup health", "bold")
        scope = ("every organisation" if self.scope.kind == "account"
                 else visible(self.scope.title))
        title.append(f"  {scope}")
        title.append(f"  ·  stale after {self.max_age.total_seconds() / 3600:g} h")
        self.query_one("#health-title", Static).update(title)
        self.table.focus()
        self._rebuild()
        self.start()
        self.set_interval(REFRESH, self._flush_if_dirty)

    def notify_style_update(self) -> None:
        # Cells hold resolved colours: rebuild them when the theme changes.
        super().notify_style_update()
        self._theme_epoch += 1
        if self.is_mounted:
            self.call_later(self._rebuild)

    # -- the scan -------------------------------------------------------------------------

    def _new_scan(self) -> HealthScan:
        return HealthScan(self.book, self.scope, now=self.now, max_age=self.max_age,
                          on_change=self._changed)

    def start(self) -> None:
        """Run the scan (again: what is known comes from the caches at once)."""
        self._stopped = False
        self._worker = self.run_worker(self._run_scan(), group="health-scan", exclusive=True,
                                       exit_on_error=False, description="backup health")

    async def _run_scan(self) -> None:
        try:
            await self.scan.run()
        finally:
            self._flush()

    def _changed(self) -> None:
        self._dirty = True

    def _flush_if_dirty(self) -> None:
        if self._dirty or self._queue:
            self._flush()

    @property
    def scanning(self) -> bool:
        return self._worker is not None and self._worker.is_running

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "stop":
            return self.scanning
        if action == "reload":
            return not self.scanning
        return True

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker is not self._worker:
            return
        if event.state == WorkerState.ERROR:
            log.error("backup health stopped", exc_info=event.worker.error)
        if event.state in (WorkerState.ERROR, WorkerState.CANCELLED, WorkerState.SUCCESS):
            self._flush()
        self.refresh_bindings()

    # -- filling the table ----------------------------------------------------------------

    def _columns(self) -> list[str]:
        # The services come before the organisation: on a narrow terminal the verdict, the
        # environment and its database are what must fit (the detail line names the rest).
        columns = ["verdict"]
        if self.scope.kind != "application":
            columns.append("application")
        columns.append("environment")
        columns += [SERVICE_PREFIX + key for key in self._services]
        if self.scope.kind == "account":
            columns.append("organisation")
        columns.append("backups")
        return columns

    def _flush(self) -> None:
        """Bring the table up to what the scan knows (only new rows are touched)."""
        self._dirty = False
        if not self.is_mounted:
            return
        try:
            self._flush_rows()
        except Exception:  # a bug here must not close the app: the table stays as it was
            log.exception("backup health table")

    def _flush_rows(self) -> None:
        self._queue.extend(self.scan.take_new())
        new, self._queue = self._queue[:FLUSH_ROWS], self._queue[FLUSH_ROWS:]
        for row in new:
            self._rows[row.uuid] = row
            self._haystacks.pop(row.uuid, None)
        services = sorted({service_key(service) for row in self._rows.values()
                           for service in row.services}, key=column_order)
        if services != self._services:
            self._services = services
            self._rebuild()
        elif new:
            table = self.table
            columns = self._columns()
            changed = False
            for row in new:
                if not self._matches(row):
                    if row.uuid in self._shown:
                        table.remove_row(row.uuid)
                        self._shown.discard(row.uuid)
                        changed = True
                    continue
                cells = self._cells(row)
                if row.uuid in self._shown:
                    for column, cell in zip(columns, cells, strict=True):
                        table.update_cell(row.uuid, column, cell, update_width=True)
                else:
                    table.add_row(*cells, key=row.uuid)
                    self._shown.add(row.uuid)
                changed = True
            if changed:
                self._apply_sort()
        self._update_status()
        self._update_detail()
        self._tell_refused(new)

    def _tell_refused(self, new: list[HealthRow]) -> None:
        errors = [self.scan.progress.error, *(row.error for row in new)]
        refused = next((error for error in errors if isinstance(error, Unauthorised)), None)
        if refused is not None and not self._told_refused:
            self._told_refused = True
            self.host.tell_refused(refused)

    def _cells(self, row: HealthRow) -> list[Any]:
        columns = tuple(self._columns())
        cached = self._cells_cache.get(row.uuid)
        if (cached is not None and cached[0] is row and cached[1] == columns
                and cached[2] == self._theme_epoch):
            return cached[3]
        cells = row_cells(row, list(columns), self._services, self.now(),
                          self.table.role_style)
        self._cells_cache[row.uuid] = (row, columns, self._theme_epoch, cells)
        return cells

    def _rebuild(self) -> None:
        """Every column and every row the filter keeps, from scratch."""
        table = self.table
        cursor = self._cursor_keys()
        table.clear(columns=True)
        for column in self._columns():
            table.add_column(self._header(column), key=column)
        rows = [row for row in self._rows.values() if self._matches(row)]
        for row in rows:
            table.add_row(*self._cells(row), key=row.uuid)
        self._shown = {row.uuid for row in rows}
        self._apply_sort(cursor)
        self._update_status()
        self._update_detail()

    def _header(self, column: str) -> Text:
        text = FIXED_HEADERS.get(column) or service_header(column.removeprefix(SERVICE_PREFIX))
        arrow = "  "
        if column == self.sort_column:
            arrow = " ▼" if self.sort_reverse else " ▲"
        return Text(text + arrow)

    def _cursor_keys(self) -> tuple[str | None, str | None]:
        table = self.table
        if not table.row_count or not table.is_valid_coordinate(table.cursor_coordinate):
            return None, None
        keys = table.coordinate_to_cell_key(table.cursor_coordinate)
        return str(keys.row_key.value), str(keys.column_key.value)

    def _apply_sort(self, cursor: tuple[str | None, str | None] | None = None) -> None:
        """Sort the table; the cursor stays on its row, unless it is where the view put it
        (the top, or the environment it was opened from) and the user has not moved it:
        then it follows that place as rows stream in."""
        table = self.table
        row_key, column_key = cursor if cursor is not None else self._cursor_keys()
        if not table.row_count or self.sort_column not in table.columns:
            return
        for key, column in table.columns.items():
            column.label = self._header(str(key.value))
        table.sort(self.sort_column, key=lambda cell: cell.sort_key, reverse=self.sort_reverse)
        keys = [str(key.value) for key in table.columns]
        at = keys.index(column_key) if column_key in keys else table.cursor_column
        if row_key is None or row_key == self._placed:
            focus = self.focus_environment
            target = focus if focus is not None and focus in self._shown else None
            index = table.get_row_index(target) if target is not None else 0
            table.move_cursor(row=index, column=at, animate=False)
            self._placed = self._cursor_keys()[0]
        elif row_key in self._shown:
            table.move_cursor(row=table.get_row_index(row_key), column=at, animate=False)

    # -- filter ---------------------------------------------------------------------------

    def _haystack(self, row: HealthRow) -> str:
        text = self._haystacks.get(row.uuid)
        if text is None:
            organisation, application = row.organisation, row.application
            parts = [
                organisation.name if organisation else "", organisation.uuid if organisation
                else "", application.slug if application else "",
                application.name if application else "", row.environment.slug, row.uuid,
                str(row.verdict),
                *(f"{service_label(service)} {service.verdict}" for service in row.services),
            ]
            text = visible(" ".join(part or "" for part in parts)).casefold()
            self._haystacks[row.uuid] = text
        return text

    def _matches(self, row: HealthRow) -> bool:
        return not self.filter_text or self.filter_text in self._haystack(row)

    def action_filter(self) -> None:
        bar = self.query_one(FilterBar)
        bar.display = True
        bar.focus()

    @on(FilterBar.Changed, "#health-filter")
    def _filter_changed(self, event: FilterBar.Changed) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._filter_timer = self.set_timer(FILTER_DELAY, self._apply_filter)

    def _apply_filter(self) -> None:
        self._filter_timer = None
        text = self.query_one(FilterBar).value.strip().casefold()
        if text != self.filter_text:
            self.filter_text = text
            self._rebuild()

    @on(FilterBar.Done)
    def _filter_done(self, event: FilterBar.Done) -> None:
        if event.cleared:
            self._clear_filter()
        elif self._filter_timer is not None:  # enter before the delay: apply it now
            self._filter_timer.stop()
            self._apply_filter()
        self.table.focus()

    def _clear_filter(self) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
            self._filter_timer = None
        bar = self.query_one(FilterBar)
        bar.value = ""
        bar.display = False
        if self.filter_text:
            self.filter_text = ""
            self._rebuild()

    # -- status and detail ----------------------------------------------------------------

    def _update_status(self) -> None:
        progress = self.scan.progress
        bar = self.query_one("#health-bar", ProgressBar)
        status = Text()
        listed = progress.total is not None
        running = self.scanning and not progress.finished
        bar.display = running
        if running:
            bar.update(total=progress.total if listed else None, progress=progress.done)
        if progress.error is not None:
            status.append(f"⚠ could not list the environments: "
                          f"{error_summary(progress.error)} — r retries", "bold")
        elif running:
            if listed:
                status.append(f"{progress.done:,} of {progress.total:,} environments{SEP}")
            status.append(self._stage())
            status.append(f"{SEP}x stops")
        elif self._stopped or (not progress.finished and self._worker is not None):
            total = f" of {progress.total:,}" if listed else ""
            status.append(f"stopped at {progress.done:,}{total} environments — r goes on")
        else:
            status.append_text(self._summary())
        if self.filter_text:
            status.append(f"{SEP}filter “{visible(self.filter_text)}”: "
                          f"{len(self._shown):,} shown")
        self.query_one("#health-status", HealthText).show(status)

    def _stage(self) -> str:
        progress = self.scan.progress
        pages = progress.pages
        if progress.plan is Plan.COLLECTIONS and pages and any(
                read < (total or read + 1) for read, total in pages.values()):
            names = {"backup": "backups", "service_instance": "service instances",
                     "service_instance_backup": "service-instance backups"}
            parts = []
            for kind, (read, total) in pages.items():
                of = f" of {total:,}" if total is not None and kind != "service_instance_backup" \
                    else ""
                parts.append(f"{names.get(kind, kind)} {read:,}{of}")
            return "reading whole lists (pages): " + ", ".join(parts)
        return progress.stage

    def _summary(self) -> Text:
        rows = list(self._rows.values())
        text = Text(f"{len(rows):,} environments")
        for verdict in Verdict:
            count = sum(row.verdict == verdict for row in rows)
            if count:
                text.append(SEP)
                text.append(f"{count:,} {verdict}", _VERDICT_ROLES[verdict] if count else "")
        plan = self.scan.progress.plan
        if plan is not None:
            text.append(f"{SEP}read {plan}")
        return text

    def _cursor_row(self) -> tuple[HealthRow, str] | None:
        row_key, column_key = self._cursor_keys()
        if row_key is None or column_key is None:
            return None
        row = self._rows.get(row_key)
        return (row, column_key) if row is not None else None

    def _update_detail(self) -> None:
        detail = self.query_one("#health-detail", HealthText)
        found = self._cursor_row()
        if found is None:
            detail.show(Text("no environment yet" if self.scanning else "no environment",
                             "muted"))
            return
        row, column = found
        detail.show(self._describe(row, column))

    def _describe(self, row: HealthRow, column: str) -> Text:
        now = self.now()
        text = Text(" › ".join(_crumbs(row)), "heading")
        text.append(SEP, "muted")
        text.append_text(verdict_cell(row))
        if row.error is not None:
            what = ("could not read the backups" if row.verdict == Verdict.UNKNOWN
                    else f"{row.unreadable:,} service-instance backups could not be read")
            text.append(f"{SEP}⚠ {what}: {error_summary(row.error)} — r retries", "bad")
        service = service_of(row, column) or _worst(row)
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
                    text.append(": " + shorten(visible(problem.sib.errors[0]), ERROR_WIDTH),
                                "bad")
        return text

    @on(DataTable.CellHighlighted)
    def _cell_highlighted(self) -> None:
        self._update_detail()

    # -- actions ----------------------------------------------------------------------------

    @on(DataTable.CellSelected)
    def _cell_selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        found = self._cursor_row()
        if found is not None:
            self.dismiss(("environment", found[0].uuid))

    @on(DataTable.HeaderSelected)
    def _header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        self.sort_by(str(event.column_key.value))

    def action_sort(self) -> None:
        _row, column = self._cursor_keys()
        if column is not None:
            self.sort_by(column)

    def sort_by(self, column: str) -> None:
        """Sort by `column`; by the same column again: the other way round. Every column's
        first sort is worst (or A) first."""
        if column == self.sort_column:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_column = column
            self.sort_reverse = column == "backups"
        self._apply_sort()
        self._update_status()

    def action_reverse(self) -> None:
        self.sort_reverse = not self.sort_reverse
        self._apply_sort()

    def action_backups(self) -> None:
        found = self._cursor_row()
        if found is not None:
            self.host.open_backups(found[0].uuid, _crumbs(found[0]))

    def action_copy_uuid(self) -> None:
        found = self._cursor_row()
        if found is None:
            return
        row, column = found
        where = " › ".join(_crumbs(row))
        service = service_of(row, column)
        if service is not None:
            attempt = service.latest or service.problem
            if attempt is None:
                self.notify(f"{service_label(service)} of {where} has no backup to copy",
                            markup=False)
                return
            what = "latest good" if service.latest is not None else "newest (failed)"
            self._copy(attempt.sib.uuid, f"Copied the UUID of the {what} "
                       f"{service_label(service)} backup of {where} "
                       f"({format_time(attempt.when)})")
            return
        newest = row.newest_good
        if newest is None:
            self.notify(f"{where} has no good backup to copy", markup=False)
            return
        self._copy(newest.backup.uuid, f"Copied the UUID of the latest good backup of {where} "
                   f"({format_time(newest.when)})")

    def _copy(self, uuid: str, message: str) -> None:
        self.app.copy_to_clipboard(uuid)
        self.notify(f"{visible(message)}\n{visible(uuid)}", markup=False)

    def action_stop(self) -> None:
        if self.scanning and self._worker is not None:
            self._stopped = True
            self._worker.cancel()
            self._update_status()

    def action_reload(self) -> None:
        if self.scanning:
            self.notify("Still loading: x stops it first", markup=False, timeout=3)
            return
        for row in list(self._rows.values()):
            if row.error is not None:
                self.book.retry(row.uuid)
        self.scan = self._new_scan()
        self.start()
        self._update_status()

    def action_export(self) -> None:
        rows = self.shown_rows()
        if not rows:
            self.notify("Nothing to export yet", markup=False, timeout=3)
            return
        self.app.push_screen(ExportScreen(default_path(self.scope.title, self.now()),
                                          len(rows)), callback=self._export)

    def shown_rows(self) -> list[HealthRow]:
        """The rows the table shows, in its order (what an export writes)."""
        table = self.table
        return [self._rows[str(row.key.value)] for row in table.ordered_rows
                if str(row.key.value) in self._rows] if table.row_count else []

    def _export(self, path: Path | None) -> None:
        if path is None:
            return
        rows = self.shown_rows()
        document = health_document(rows, self.scope, generated_at=self.now(),
                                   max_age=self.max_age, plan=self.scan.progress.plan)
        try:
            write_export(path, rows, document)
        except OSError as error:
            self.notify(f"Could not write {path}: {error.strerror or error}",
                        title="Export failed", severity="error", markup=False, timeout=8)
            return
        self.notify(f"Wrote {len(rows):,} environments to\n{path}", markup=False)

    def action_close(self) -> None:
        if self.filter_text or self.query_one(FilterBar).display:
            self._clear_filter()
            self.table.focus()
            return
        self.dismiss(None)


_VERDICT_ROLES = {verdict: role for verdict, (_text, role) in VERDICTS.items()}


def _crumbs(row: HealthRow) -> list[str]:
    organisation, application = row.organisation, row.application
    parts = []
    if organisation is not None:
        parts.append(visible(organisation.name or organisation.uuid))
    if application is not None:
        parts.append(visible(application.slug or application.uuid))
    parts.append(visible(row.environment.slug or row.uuid))
    return parts


def _worst(row: HealthRow) -> ServiceHealth | None:
    """The service that decides the row's verdict (the first, if they all are fine)."""
    if not row.services:
        return None
    return min(row.services, key=lambda service: service.verdict.rank)


def health_scope(data: Any) -> tuple[Scope, str | None]:
    """The scope `H` opens from a tree node, and the environment to start on: an
    organisation or an application is its own scope; anything under an application (an
    environment, a backup…) opens that application, on that environment; the Organisations
    group, and what belongs to no application, open every organisation."""
    if isinstance(data, StatusData):
        data = data.owner
    if isinstance(data, GroupData):
        data = data.owner
    if not isinstance(data, ResourceData):
        return Scope.account(), None
    environment = data.ancestor("environment")
    application = data.ancestor("application")
    if application is not None and isinstance(application.model, Application):
        return (Scope.application(application.model),
                environment.uuid if environment is not None else None)
    organisation = data.ancestor("organisation")
    if organisation is not None and isinstance(organisation.model, Organisation):
        return Scope.organisation(organisation.model), None
    return Scope.account(), None
