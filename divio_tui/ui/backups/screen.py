"""The backups table of one environment: one row per backup, newest first.

`BackupsScreen` is opened with `b` on an environment, its Backups group, a backup or a
service-instance backup (the cursor then starts on that backup). Columns: time (UTC), trigger,
outcome, one column per service instance (that service's part of the backup: `✔ 1.2 GB`,
`✘ failed`, `running`, `—` when the backup does not include it), total size and notes.

The rows come from the session's caches through `BackupBook.complete`, at full speed since
the user asked for the table; cells fill in as the service-instance backups (SIBs) arrive,
and what the summary or the tree already fetched is not fetched again.

Keys (ids in keys.py): a cell cursor, so that the column says what a key acts on. `enter`
closes the table and shows the backup in the tree — or, on a service column, that service's
backup; `c` copies the backup's UUID, or on a service column the SIB's; `y` its JSON, `u` its
API URL and `o` opens its Control Panel page, on the same row and column (the tree's keys,
meaning the same); `s` sorts by the
cursor's column (pressed again: the other way round), `S` reverses; clicking a column header
sorts by it too; `r` reads the backups again; `w` saves the table as CSV (`export.py`);
`escape` / `q` close. The row under the cursor is tinted so the whole backup stays in view
while the cursor moves along it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import ClassVar, Protocol, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from divio_tui.api.errors import ApiError
from divio_tui.api.models import ApiModel, Backup, ServiceInstance, ServiceInstanceBackup
from divio_tui.saving import csv_text, file_name
from divio_tui.settings import Settings
from divio_tui.state import links
from divio_tui.state.backups import BackupBook, BackupReport
from divio_tui.ui.backups import export
from divio_tui.ui.backups.cells import (
    DESCENDING_FIRST,
    FIXED_COLUMNS,
    SERVICE_PREFIX,
    TAIL_COLUMNS,
    BackupsTable,
    Cell,
    backup_cells,
    header_text,
)
from divio_tui.ui.backups.scope import BackupsScope
from divio_tui.ui.keys import BACKUPS_VIEW_BINDINGS
from divio_tui.ui.text.humanize import format_time
from divio_tui.ui.text.labels import (
    SEP,
    error_summary,
    service_name,
)
from divio_tui.ui.widgets.save_prompt import SavePrompt, writes
from divio_tui.untrusted import json_escaped, visible

log = logging.getLogger(__name__)

Target = tuple[str, str]
"""What `enter` asks the tree to show: (kind, uuid)."""

class BackupsHost(Protocol):
    """What the table needs of the app: where the Control Panel is (the zone; the demo has
    none)."""

    @property
    def settings(self) -> Settings: ...


class BackupsScreen(Screen[Target | None]):
    """The backups of one environment as a sortable table; dismissed with what to show."""

    BINDINGS: ClassVar[list[BindingType]] = list(BACKUPS_VIEW_BINDINGS)

    def __init__(self, book: BackupBook, scope: BackupsScope) -> None:
        super().__init__()
        self.book = book
        self.scope = scope
        self.sort_column = "time"
        self.sort_reverse = True
        self._services: list[str] = []
        self._shown: dict[str, tuple[object, ...] | None] = {}
        """Per backup in the table, what its row was built from (rebuilt when that changes;
        None: rebuild it)."""
        self._backups: dict[str, Backup] = {}
        self._cursor_placed = False

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="backups-title")
        yield BackupsTable(id="backups-table", cursor_type="cell", zebra_stripes=True)
        yield Static(id="backups-status")
        yield Footer(compact=True)

    @property
    def table(self) -> BackupsTable:
        return self.query_one("#backups-table", BackupsTable)

    def on_mount(self) -> None:
        title = Text("Backups", "bold")
        title.append("  " + " › ".join(visible(crumb) for crumb in self.scope.crumbs))
        self.query_one("#backups-title", Static).update(title)
        self.table.focus()
        self._sync()
        self.load()

    def load(self) -> None:
        """Read the backups and their SIBs (what the caches lack), refreshing as they land."""
        self.run_worker(self.book.complete(self.scope.environment, self._sync, background=False),
                        group="backups-view", exclusive=True, exit_on_error=False,
                        description="backups table")

    def notify_style_update(self) -> None:
        # Cells hold resolved colours: rebuild them when the theme changes.
        super().notify_style_update()
        if self.is_mounted and self._shown:
            self._shown = dict.fromkeys(self._shown)
            self.call_later(self._sync)

    # -- filling the table ----------------------------------------------------------------

    @property
    def report(self) -> BackupReport:
        return self.book.report(self.scope.environment)

    def _sync(self) -> None:
        """Bring the table up to what the book knows (only changed rows are rebuilt)."""
        if not self.is_mounted:
            return
        try:
            self._sync_rows()
        except Exception:  # a bug here must not close the app: the table stays as it was
            log.exception("backups table")

    def _sync_rows(self) -> None:
        report = self.report
        self._update_status(report)
        if report.backups is None:
            return
        services = self._service_columns(report)
        table = self.table
        if services != self._services or not table.columns:
            self._services = services
            self._shown.clear()
            table.clear(columns=True)
            for key, header in self._column_headers():
                table.add_column(header, key=key)
        changed = False
        for backup in report.backups:
            signature = self._signature(backup, report.sib_errors)
            if self._shown.get(backup.key) == signature:
                continue
            self._backups[backup.key] = backup
            cells = self._cells(backup, report.sib_errors)
            if backup.key in self._shown:
                for key, cell in zip(self._column_keys(), cells, strict=True):
                    table.update_cell(backup.key, key, cell, update_width=True)
            else:
                table.add_row(*cells, key=backup.key)
            self._shown[backup.key] = signature
            changed = True
        if changed:
            self._apply_sort()
        if not self._cursor_placed and table.row_count:
            self._cursor_placed = True
            if self.scope.backup is not None and self.scope.backup in self._shown:
                table.move_cursor(row=table.get_row_index(self.scope.backup), column=0)

    def _service_columns(self, report: BackupReport) -> list[str]:
        """Service instance uuids, one column each: the environment's, then any other a
        backup includes (a service removed since), in a stable order."""
        found: dict[str, ServiceInstance | None] = {i.key: i for i in report.instances}
        for backup in report.backups or []:
            for uuid in backup.service_instance_backups:
                sib = self.book.sib(uuid)
                if sib is not None and sib.service_instance and sib.service_instance not in found:
                    found[sib.service_instance] = self.book.instance(sib.service_instance)
        return sorted(found, key=lambda uuid: (
            found[uuid] is None, self._service_header(uuid), uuid))

    def _service_header(self, uuid: str) -> str:
        instance = self.book.instance(uuid)
        if instance is not None:
            return service_name(instance)
        sib_type = next((sib.service_type for sib in self._sibs_of_service(uuid)), None)
        return service_name(None, sib_type)

    def _sibs_of_service(self, uuid: str) -> Iterable[ServiceInstanceBackup]:
        for backup in self.report.backups or []:
            for sib_uuid in backup.service_instance_backups:
                sib = self.book.sib(sib_uuid)
                if sib is not None and sib.service_instance == uuid:
                    yield sib

    def _column_keys(self) -> list[str]:
        return [key for key, _ in FIXED_COLUMNS] + [
            SERVICE_PREFIX + uuid for uuid in self._services] + [key for key, _ in TAIL_COLUMNS]

    def _column_headers(self) -> list[tuple[str, Text]]:
        names = [self._service_header(uuid) for uuid in self._services]
        # Two services that read alike are told apart by the start of their uuid.
        names = [f"{name} {uuid[:6]}" if names.count(name) > 1 else name
                 for name, uuid in zip(names, self._services, strict=True)]
        headers = [(key, header) for key, header in FIXED_COLUMNS]
        headers += [(SERVICE_PREFIX + uuid, name) for uuid, name in
                    zip(self._services, names, strict=True)]
        headers += list(TAIL_COLUMNS)
        return [(key, self._header(key, text)) for key, text in headers]

    def _header(self, key: str, text: str) -> Text:
        # Every header keeps two cells for the sort arrow so the widths never change.
        arrow = "  "
        if key == self.sort_column:
            arrow = " ▼" if self.sort_reverse else " ▲"
        return Text(visible(text) + arrow)

    def _signature(self, backup: Backup, errors: Mapping[str, ApiError]) -> tuple[object, ...]:
        sibs = tuple(self.book.sib(uuid) for uuid in backup.service_instance_backups)
        failed = tuple(uuid in errors for uuid in backup.service_instance_backups)
        return (backup, sibs, failed)

    def _cells(self, backup: Backup, errors: Mapping[str, ApiError]) -> list[Cell]:
        sibs = {uuid: self.book.sib(uuid) for uuid in backup.service_instance_backups}
        return backup_cells(backup, sibs, self._services, errors, self.table.role_style)

    def _apply_sort(self) -> None:
        table = self.table
        if not table.row_count or self.sort_column not in table.columns:
            return
        cursor = table.cursor_coordinate
        row_key = table.coordinate_to_cell_key(cursor).row_key if table.is_valid_coordinate(
            cursor) else None
        for key, column in table.columns.items():
            column.label = self._header(str(key.value), header_text(column.label))
        table.sort(self.sort_column, key=lambda cell: cell.sort_key, reverse=self.sort_reverse)
        if row_key is not None:
            table.move_cursor(row=table.get_row_index(row_key), column=cursor.column,
                              animate=False)
        self._update_status(self.report)

    def _update_status(self, report: BackupReport) -> None:
        status = Text()
        if report.backups is None:
            if report.error is not None:
                status.append(f"⚠ could not load the backups: {error_summary(report.error)} — "
                              "r retries", "bold")
            else:
                status.append("loading the backups…")
        else:
            total = sum(len(b.service_instance_backups) for b in report.backups)
            status.append(f"{len(report.backups):,} backups")
            if report.pending:
                status.append(f"{SEP}service backups read: {total - report.pending:,} of "
                              f"{total:,}…")
            if report.sib_errors:
                status.append(f"{SEP}⚠ {len(report.sib_errors):,} could not be read "
                              f"({error_summary(next(iter(report.sib_errors.values())))}) — "
                              "r retries")
            column = dict(FIXED_COLUMNS + TAIL_COLUMNS).get(self.sort_column)
            if column is None:
                column = self._service_header(self.sort_column.removeprefix(SERVICE_PREFIX))
            order = "descending" if self.sort_reverse else "ascending"
            status.append(f"{SEP}sorted by {visible(column)}, {order}")
        self.query_one("#backups-status", Static).update(status)

    # -- what the cursor is on --------------------------------------------------------------

    def _cursor_target(self) -> tuple[Backup, ServiceInstanceBackup | None, str | None] | None:
        """The backup under the cursor, and on a service column that service's SIB (None if
        the backup does not include it) and the service's uuid."""
        table = self.table
        if not table.row_count or not table.is_valid_coordinate(table.cursor_coordinate):
            return None
        keys = table.coordinate_to_cell_key(table.cursor_coordinate)
        backup = self._backups.get(str(keys.row_key.value))
        if backup is None:
            return None
        column = str(keys.column_key.value)
        if not column.startswith(SERVICE_PREFIX):
            return backup, None, None
        service = column.removeprefix(SERVICE_PREFIX)
        for uuid in backup.service_instance_backups:
            sib = self.book.sib(uuid)
            if sib is not None and sib.service_instance == service:
                return backup, sib, service
        return backup, None, service

    # -- actions ----------------------------------------------------------------------------

    def action_show_in_tree(self) -> None:
        target = self._cursor_target()
        if target is None:
            return
        backup, sib, _service = target
        self.dismiss(("service_instance_backup", sib.uuid) if sib is not None
                     else ("backup", backup.uuid))

    @on(DataTable.CellSelected)
    def _cell_selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        self.action_show_in_tree()

    def action_copy_uuid(self) -> None:
        target = self._cursor_target()
        if target is None:
            return
        backup, sib, service = target
        when = format_time(backup.when)
        if sib is not None:
            name = self._service_header(service or "")
            self._copy_text(sib.uuid, f"Copied the UUID of the {name} backup of {when}")
        elif service is not None:
            name = self._service_header(service)
            self._copy_text(backup.uuid, f"This backup does not include {name}: copied the "
                                         f"backup's UUID ({when})")
        else:
            self._copy_text(backup.uuid, f"Copied the UUID of the backup of {when}")

    def _row_resource(self) -> tuple[str, ApiModel, str] | None:
        """What `y`, `u` and `o` act on, as `c` does: the backup, or on a service column
        that service's backup (the backup itself when it has none, and the words say so);
        with the words for a toast."""
        target = self._cursor_target()
        if target is None:
            return None
        backup, sib, service = target
        when = format_time(backup.when)
        if sib is not None:
            return ("service_instance_backup", sib,
                    f"the {self._service_header(service or '')} backup of {when}")
        if service is not None:
            return ("backup", backup, f"the backup of {when} (it does not include "
                                      f"{self._service_header(service)})")
        return "backup", backup, f"the backup of {when}"

    def action_copy_json(self) -> None:
        row = self._row_resource()
        if row is None:
            return
        _kind, model, what = row
        try:
            text = json.dumps(dict(model.raw), indent=2, ensure_ascii=False)
        except (RecursionError, ValueError):
            self.notify("Not copied: the record is nested too deep to write out.",
                        severity="warning", markup=False)
            return
        self.app.copy_to_clipboard(json_escaped(text))
        self.notify(f"Copied the JSON of {what}", markup=False)

    def action_copy_url(self) -> None:
        row = self._row_resource()
        if row is None:
            return
        kind, model, what = row
        url = links.api_url(self.book.session.client, kind, model.key)
        if url is None:
            self.notify("Not copied: its UUID holds characters no URL may carry.",
                        severity="warning", markup=False)
            return
        self.app.copy_to_clipboard(url)
        self.notify(f"Copied the API URL of {what}\n{visible(url)}", markup=False)

    def action_open_control_panel(self) -> None:
        row = self._row_resource()
        if row is None:
            return
        kind, model, what = row
        settings = cast(BackupsHost, self.app).settings
        url = self._control_panel_url(kind, model, None if settings.demo else settings.zone)
        if url is None:
            self.notify(f"Nothing to open: {links.no_control_panel(settings.demo)}.",
                        markup=False)
            return
        self.app.open_url(url)
        self.notify(f"Opening the Control Panel page of {what}\n{visible(url)}", markup=False)

    def _control_panel_url(self, kind: str, model: ApiModel, zone: str | None) -> str | None:
        """The application's page the backup belongs to (as the tree's `o`), every id in it
        an API id."""
        session = self.book.session
        environment = session.known("environment", self.scope.environment)
        app_uuid = getattr(environment, "application", None)
        app = session.known("application", app_uuid) if isinstance(app_uuid, str) else None
        ancestors = {name: value for name, value in
                     (("environment", environment), ("application", app)) if value is not None}
        return links.control_panel_url(kind, model, ancestors, zone)

    def _copy_text(self, uuid: str, message: str) -> None:
        self.app.copy_to_clipboard(uuid)
        self.notify(f"{message}\n{visible(uuid)}", markup=False)

    def action_sort(self) -> None:
        table = self.table
        if not table.columns:
            return
        column = str(table.ordered_columns[table.cursor_column].key.value)
        self.sort_by(column)

    @on(DataTable.HeaderSelected)
    def _header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        self.sort_by(str(event.column_key.value))

    def sort_by(self, column: str) -> None:
        """Sort by `column`; by the same column again: the other way round."""
        if column == self.sort_column:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_column = column
            self.sort_reverse = column in DESCENDING_FIRST or column.startswith(SERVICE_PREFIX)
        self._apply_sort()

    def action_reverse(self) -> None:
        self.sort_reverse = not self.sort_reverse
        self._apply_sort()

    def action_reload(self) -> None:
        self.book.retry(self.scope.environment)
        self._shown.clear()
        self._backups.clear()
        self.table.clear()
        self._sync()
        self.load()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        """Save the table, in its order, as CSV (see export.py for the columns)."""
        table = self.table
        if not table.row_count:
            self.notify("Nothing to save yet: no backups in the table.", markup=False)
            return
        keys = [str(key) for key, _ in self._column_headers()]
        names = [header_text(header) for _, header in self._column_headers()]
        services = [(key.removeprefix(SERVICE_PREFIX), name) for key, name in
                    zip(keys, names, strict=True) if key.startswith(SERVICE_PREFIX)]
        rows = []
        for row_key in (row.key for row in table.ordered_rows):
            backup = self._backups.get(str(row_key.value))
            if backup is None:
                continue
            shown = [table.get_cell(row_key, SERVICE_PREFIX + uuid).plain
                     for uuid, _ in services]
            sibs = {uuid: self.book.sib(uuid) for uuid in backup.service_instance_backups}
            rows.append(export.csv_row(backup, [uuid for uuid, _ in services], shown, sibs))
        text = csv_text(export.csv_headers([name for _, name in services]), rows)
        what = f"the table of {len(rows):,} backups"
        if self.report.pending:
            what += " (service backups still being read)"

        def saved(path: Path | None) -> None:
            if path is not None:
                self.notify(f"Saved {what} as CSV\n{visible(path)}", markup=False)

        self.app.push_screen(SavePrompt(what, self._file_name(), writes(text)), saved)

    def _file_name(self) -> str:
        """`backups-acme-shop-live.csv`: the application's and the environment's slugs."""
        session = self.book.session
        env = session.known("environment", self.scope.environment)
        app_uuid = getattr(env, "application", None)
        app = session.known("application", app_uuid) if isinstance(app_uuid, str) else None
        return file_name("backups", getattr(app, "slug", None), getattr(env, "slug", None),
                         extension="csv")
