"""The backup health table: the rows it holds, the filter and the sort, kept in step with a
`DataTable` that may show thousands of rows.

`HealthTable.take(rows)` adds or updates rows as the scan computes them, `FLUSH_ROWS` per
call at most (the rest wait for the next call), so that a whole account lands in a few steps
and the screen stays live. A row's cells are built once (for its columns and the theme) and
reused when the filter or the columns change. The cursor stays on its row when rows come,
go or are sorted — unless it is where the table put it (the top, or the environment the view
was opened from) and the user has not moved it: then it follows that place.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar, Literal

from rich.style import Style
from rich.text import Text
from textual.binding import BindingType
from textual.widgets import DataTable

from divio_tui.state.health import HealthRow
from divio_tui.ui._textual import RowTintedTable
from divio_tui.ui.health.cells import (
    SERVICE_PREFIX,
    Cell,
    column_order,
    row_cells,
    service_header,
    service_key,
    service_label,
)
from divio_tui.ui.keys import HEALTH_TABLE_BINDINGS
from divio_tui.ui.text.roles import component_classes
from divio_tui.untrusted import visible

FIXED_HEADERS = {"verdict": "verdict", "organisation": "organisation",
                 "application": "application", "environment": "environment",
                 "backups": "backups"}

FLUSH_ROWS = 400
"""Rows added to the table per `take` at most."""

ScopeKind = Literal["account", "organisation", "application"]


class HealthTable(RowTintedTable[Cell]):
    """The table itself (see the module docstring): a cell cursor whose row is tinted."""

    BINDINGS: ClassVar[list[BindingType]] = list(HEALTH_TABLE_BINDINGS)
    COMPONENT_CLASSES: ClassVar[set[str]] = (
        DataTable.COMPONENT_CLASSES | component_classes("health-table")
        | {"health-table--cursor-row"})

    def __init__(self, scope: ScopeKind, now: Callable[[], datetime], *,
                 focus_environment: str | None = None, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="cell", zebra_stripes=True)
        self.scope = scope
        self.now = now
        self.focus_environment = focus_environment
        self.sort_column = "verdict"
        self.sort_reverse = False
        self.filter_text = ""
        self.rows_by_uuid: dict[str, HealthRow] = {}
        """Every row taken so far (the filter may hide some)."""
        self._queue: list[HealthRow] = []
        self._services: list[str] = []
        self._shown: set[str] = set()
        self._haystacks: dict[str, str] = {}
        self._cells: dict[str, tuple[HealthRow, tuple[str, ...], int, list[Cell]]] = {}
        """Per environment: the row, the columns and the theme its cells were built for."""
        self._theme = 0
        self._placed: str | None = None
        """The row the table put the cursor on (while it is still there, it follows)."""

    def role_style(self, role: str) -> Style:
        return self.get_component_rich_style(f"health-table--{role}", partial=True)

    def row_tint(self) -> Style:
        return self.role_style("cursor-row")

    def notify_style_update(self) -> None:
        # Cells hold resolved colours: build them again for the new theme.
        super().notify_style_update()
        self._theme += 1
        if self.is_mounted:
            self.call_later(self.rebuild)

    # -- what it holds ----------------------------------------------------------------------

    @property
    def pending(self) -> bool:
        """Rows taken but not in the table yet."""
        return bool(self._queue)

    @property
    def shown_count(self) -> int:
        return len(self._shown)

    def shown_rows(self) -> list[HealthRow]:
        """The rows the table shows, in its order (what an export writes)."""
        if not self.row_count:
            return []
        return [self.rows_by_uuid[str(row.key.value)] for row in self.ordered_rows
                if str(row.key.value) in self.rows_by_uuid]

    def cursor_keys(self) -> tuple[str | None, str | None]:
        """The cursor's row (environment uuid) and column keys."""
        if not self.row_count or not self.is_valid_coordinate(self.cursor_coordinate):
            return None, None
        keys = self.coordinate_to_cell_key(self.cursor_coordinate)
        return str(keys.row_key.value), str(keys.column_key.value)

    def row_under_cursor(self) -> tuple[HealthRow, str] | None:
        """The row under the cursor and its column key."""
        row_key, column_key = self.cursor_keys()
        if row_key is None or column_key is None:
            return None
        row = self.rows_by_uuid.get(row_key)
        return (row, column_key) if row is not None else None

    # -- taking rows ------------------------------------------------------------------------

    def columns_now(self) -> list[str]:
        # The services come before the organisation: on a narrow terminal the verdict, the
        # environment and its database are what must fit (the detail lines name the rest).
        columns = ["verdict"]
        if self.scope != "application":
            columns.append("application")
        columns.append("environment")
        columns += [SERVICE_PREFIX + key for key in self._services]
        if self.scope == "account":
            columns.append("organisation")
        columns.append("backups")
        return columns

    def take(self, rows: list[HealthRow]) -> list[HealthRow]:
        """Queue `rows` and bring up to `FLUSH_ROWS` of the queue into the table; returns
        the rows brought in."""
        self._queue.extend(rows)
        new, self._queue = self._queue[:FLUSH_ROWS], self._queue[FLUSH_ROWS:]
        for row in new:
            self.rows_by_uuid[row.uuid] = row
            self._haystacks.pop(row.uuid, None)
        services = sorted({service_key(service) for row in self.rows_by_uuid.values()
                           for service in row.services}, key=column_order)
        if services != self._services:
            self._services = services
            self.rebuild()
            return new
        columns = self.columns_now()
        changed = False
        for row in new:
            if not self._matches(row):
                if row.uuid in self._shown:
                    self.remove_row(row.uuid)
                    self._shown.discard(row.uuid)
                    changed = True
                continue
            cells = self._cells_of(row)
            if row.uuid in self._shown:
                for column, cell in zip(columns, cells, strict=True):
                    self.update_cell(row.uuid, column, cell, update_width=True)
            else:
                self.add_row(*cells, key=row.uuid)
                self._shown.add(row.uuid)
            changed = True
        if changed:
            self.apply_sort()
        return new

    def _cells_of(self, row: HealthRow) -> list[Cell]:
        columns = tuple(self.columns_now())
        cached = self._cells.get(row.uuid)
        if cached is not None and cached[0] is row and cached[1:3] == (columns, self._theme):
            return cached[3]
        cells = row_cells(row, list(columns), self._services, self.now(), self.role_style)
        self._cells[row.uuid] = (row, columns, self._theme, cells)
        return cells

    def rebuild(self) -> None:
        """Every column and every row the filter keeps, from scratch (cells reused)."""
        cursor = self.cursor_keys()
        self.clear(columns=True)
        for column in self.columns_now():
            self.add_column(self._header(column), key=column)
        rows = [row for row in self.rows_by_uuid.values() if self._matches(row)]
        for row in rows:
            self.add_row(*self._cells_of(row), key=row.uuid)
        self._shown = {row.uuid for row in rows}
        self.apply_sort(cursor)

    # -- sort -------------------------------------------------------------------------------

    def _header(self, column: str) -> Text:
        text = FIXED_HEADERS.get(column) or service_header(column.removeprefix(SERVICE_PREFIX))
        arrow = "  "
        if column == self.sort_column:
            arrow = " ▼" if self.sort_reverse else " ▲"
        return Text(text + arrow)

    def sort_by(self, column: str) -> None:
        """Sort by `column`; by the same column again: the other way round. Every column's
        first sort is worst (or A) first; the number of backups, most first."""
        if column == self.sort_column:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_column = column
            self.sort_reverse = column == "backups"
        self.apply_sort()

    def reverse(self) -> None:
        self.sort_reverse = not self.sort_reverse
        self.apply_sort()

    def apply_sort(self, cursor: tuple[str | None, str | None] | None = None) -> None:
        """Sort the rows; the cursor follows as the module docstring says."""
        row_key, column_key = cursor if cursor is not None else self.cursor_keys()
        if not self.row_count or self.sort_column not in self.columns:
            return
        for key, column in self.columns.items():
            column.label = self._header(str(key.value))
        self.sort(self.sort_column, key=lambda cell: cell.sort_key, reverse=self.sort_reverse)
        keys = [str(key.value) for key in self.columns]
        at = keys.index(column_key) if column_key in keys else self.cursor_column
        if row_key is None or row_key == self._placed:
            focus = self.focus_environment
            target = focus if focus is not None and focus in self._shown else None
            index = self.get_row_index(target) if target is not None else 0
            self.move_cursor(row=index, column=at, animate=False)
            self._placed = self.cursor_keys()[0]
        elif row_key in self._shown:
            self.move_cursor(row=self.get_row_index(row_key), column=at, animate=False)

    # -- filter -----------------------------------------------------------------------------

    def set_filter(self, text: str) -> None:
        """Show only the rows whose names, verdicts or services contain `text` (any case)."""
        text = text.strip().casefold()
        if text != self.filter_text:
            self.filter_text = text
            self.rebuild()

    def _haystack(self, row: HealthRow) -> str:
        text = self._haystacks.get(row.uuid)
        if text is None:
            organisation, application = row.organisation, row.application
            parts: list[Any] = [
                organisation.name if organisation else "",
                organisation.uuid if organisation else "",
                application.slug if application else "",
                application.name if application else "", row.environment.slug, row.uuid,
                str(row.verdict),
                *(f"{service_label(service)} {service.verdict}" for service in row.services),
            ]
            text = visible(" ".join(part or "" for part in parts)).casefold()
            self._haystacks[row.uuid] = text
        return text

    def _matches(self, row: HealthRow) -> bool:
        return not self.filter_text or self.filter_text in self._haystack(row)
