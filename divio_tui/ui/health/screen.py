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
from typing import ClassVar, Protocol

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
from divio_tui.state.backups import BackupBook
from divio_tui.state.health import HealthRow
from divio_tui.state.health_scan import HealthScan, health_document
from divio_tui.state.health_targets import Scope
from divio_tui.ui.health.cells import HealthText, service_label, service_of
from divio_tui.ui.health.export import default_name, write_export
from divio_tui.ui.health.lines import crumbs, describe, stage_text, summary_text
from divio_tui.ui.health.table import HealthTable
from divio_tui.ui.keys import HEALTH_VIEW_BINDINGS
from divio_tui.ui.text.humanize import format_time
from divio_tui.ui.text.labels import SEP, error_summary
from divio_tui.ui.widgets.filter_bar import FilterBar
from divio_tui.ui.widgets.save_prompt import SavePrompt
from divio_tui.untrusted import visible

log = logging.getLogger(__name__)

Target = tuple[str, str]
"""What `enter` asks the tree to show: (kind, uuid)."""

REFRESH = 0.25
"""Seconds between two updates of the table while rows stream in."""

FILTER_DELAY = 0.15
"""Seconds after the last key before the filter is applied (typing a word rebuilds the
table once, not once a letter: thousands of rows take a moment to lay out)."""


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
        self.scan = self._new_scan()
        self._worker: Worker[None] | None = None
        self._dirty = False
        self._filter_timer: Timer | None = None
        self._stopped = False
        self._told_refused = False

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="health-title")
        with Horizontal(id="health-progress"):
            yield ProgressBar(show_eta=False, show_percentage=False, id="health-bar")
            yield HealthText(id="health-status")
        filter_bar = FilterBar(id="health-filter")
        filter_bar.placeholder = "filter the rows…  (enter: keep, esc: clear)"
        yield filter_bar
        yield HealthTable(self.scope.kind, self.now, focus_environment=self.focus_environment,
                          id="health-table")
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
        self.table.rebuild()
        self.start()
        self.set_interval(REFRESH, self._flush_if_dirty)

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
        if self._dirty or self.table.pending:
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
        new = self.table.take(self.scan.take_new())
        self._update_status()
        self._update_detail()
        self._tell_refused(new)

    def _tell_refused(self, new: list[HealthRow]) -> None:
        errors = [self.scan.progress.error, *(row.error for row in new)]
        refused = next((error for error in errors if isinstance(error, Unauthorised)), None)
        if refused is not None and not self._told_refused:
            self._told_refused = True
            self.host.tell_refused(refused)

    # -- filter ---------------------------------------------------------------------------

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
        self.table.set_filter(self.query_one(FilterBar).value)
        self._update_status()
        self._update_detail()

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
        self.table.set_filter("")
        self._update_status()
        self._update_detail()

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
            status.append(stage_text(self.scan.progress))
            status.append(f"{SEP}x stops")
        elif self._stopped or (not progress.finished and self._worker is not None):
            total = f" of {progress.total:,}" if listed else ""
            status.append(f"stopped at {progress.done:,}{total} environments — r goes on")
        else:
            status.append_text(summary_text(list(self.table.rows_by_uuid.values()),
                                            self.scan.progress.plan))
        table = self.table
        if table.filter_text:
            status.append(f"{SEP}filter “{visible(table.filter_text)}”: "
                          f"{table.shown_count:,} shown")
        self.query_one("#health-status", HealthText).show(status)

    def _update_detail(self) -> None:
        detail = self.query_one("#health-detail", HealthText)
        found = self.table.row_under_cursor()
        if found is None:
            detail.show(Text("no environment yet" if self.scanning else "no environment",
                             "muted"))
            return
        row, column = found
        detail.show(describe(row, service_of(row, column), self.now()))

    @on(DataTable.CellHighlighted)
    def _cell_highlighted(self) -> None:
        self._update_detail()

    # -- actions ----------------------------------------------------------------------------

    @on(DataTable.CellSelected)
    def _cell_selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        found = self.table.row_under_cursor()
        if found is not None:
            self.dismiss(("environment", found[0].uuid))

    @on(DataTable.HeaderSelected)
    def _header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        self.sort_by(str(event.column_key.value))

    def action_sort(self) -> None:
        _row, column = self.table.cursor_keys()
        if column is not None:
            self.sort_by(column)

    def sort_by(self, column: str) -> None:
        """Sort by `column`; by the same column again: the other way round."""
        self.table.sort_by(column)
        self._update_status()

    def action_reverse(self) -> None:
        self.table.reverse()

    def action_backups(self) -> None:
        found = self.table.row_under_cursor()
        if found is not None:
            self.host.open_backups(found[0].uuid, crumbs(found[0]))

    def action_copy_uuid(self) -> None:
        found = self.table.row_under_cursor()
        if found is None:
            return
        row, column = found
        where = " › ".join(crumbs(row))
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
        for row in list(self.table.rows_by_uuid.values()):
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
        document = health_document(rows, self.scope, generated_at=self.now(),
                                   max_age=self.max_age, plan=self.scan.progress.plan)
        noun = "environment" if len(rows) == 1 else "environments"
        self.app.push_screen(
            SavePrompt(f"the {len(rows):,} {noun} shown",
                       default_name(self.scope.title, self.now()),
                       lambda path, overwrite: write_export(path, rows, document,
                                                            overwrite=overwrite),
                       note="A name ending in .json writes JSON, any other CSV."),
            callback=lambda path: self._exported(path, len(rows)))

    def shown_rows(self) -> list[HealthRow]:
        """The rows the table shows, in its order (what an export writes)."""
        return self.table.shown_rows()

    @property
    def filter_text(self) -> str:
        return self.table.filter_text

    def _exported(self, path: Path | None, count: int) -> None:
        if path is not None:
            self.notify(f"Wrote {count:,} environments to\n{visible(str(path))}", markup=False)

    def action_close(self) -> None:
        if self.table.filter_text or self.query_one(FilterBar).display:
            self._clear_filter()
            self.table.focus()
            return
        self.dismiss(None)
