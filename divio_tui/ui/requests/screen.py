"""`RequestLogScreen`: every request the explorer made, newest first, as it happens.

One row per HTTP attempt from the app's `RequestLog`: its number, time (UTC), method with path
and query (without the common /apps/v3/), status, milliseconds, bytes, attempt and who asked
(the tree node or the view whose load sent it); the last two text columns share what the
terminal's width leaves. A failed attempt is red; one that was retried, and a retry, are yellow and marked ↻.
Rows arrive while the screen is open.

Keys (ids in keys.py): `enter` shows the response body (`RequestBodyScreen`), `C` copies the
request as a curl command (the token read from ``$DIVIO_TOKEN``), `f` shows failures only,
`s` saves the log as CSV, `esc` / `q` go back. The token is in none of it: the log never
holds it (see `state.requests`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from divio_tui.saving import csv_text, file_name
from divio_tui.state.requests import LoggedRequest, RequestLog
from divio_tui.ui.keys import REQUEST_LOG_BINDINGS, REQUEST_TABLE_BINDINGS
from divio_tui.ui.requests.body import RequestBodyScreen, copy_curl
from divio_tui.ui.text.humanize import format_size
from divio_tui.ui.text.roles import component_classes, resolve
from divio_tui.ui.widgets.save_prompt import SavePrompt, writes
from divio_tui.untrusted import shorten, visible

COLUMNS: tuple[tuple[str, str], ...] = (
    ("number", "#"), ("time", "UTC"), ("request", "request"), ("status", "status"),
    ("ms", "ms"), ("bytes", "bytes"), ("attempt", "try"), ("origin", "asked by"))
"""The table's columns: (key, header)."""

MIN_REQUEST_WIDTH = 24
MIN_ORIGIN_WIDTH = 10

APPS_PREFIX = "/apps/v3/"
"""Left out of the request column: most paths start with it (the body screen shows all)."""

CSV_HEADERS = ("number", "time_utc", "method", "url", "status", "error", "elapsed_ms", "bytes",
               "attempt", "retried", "asked_by")
"""The columns of the saved CSV (full URLs, ISO times, exact numbers)."""


class RequestTable(DataTable[Text]):
    """The log's rows; `enter` opens the body, vi keys move."""

    BINDINGS: ClassVar[list[BindingType]] = list(REQUEST_TABLE_BINDINGS)
    COMPONENT_CLASSES: ClassVar[set[str]] = (
        DataTable.COMPONENT_CLASSES | component_classes("request-table"))

    def role_style(self, role: str) -> Style:
        return self.get_component_rich_style(f"request-table--{role}", partial=True)


def status_text(entry: LoggedRequest) -> str:
    """`200`, `503 ↻` (retried), `timeout`-like error kinds when no answer came."""
    shown = str(entry.status) if entry.status is not None else (
        str(entry.error).replace("_", " ") if entry.error is not None else "no answer")
    return f"{shown} ↻" if entry.retried else shown


def row_role(entry: LoggedRequest) -> str:
    """`bad` for a failure nothing retried, `warn` for one retried, "" otherwise."""
    if entry.failed:
        return "warn" if entry.retried else "bad"
    return ""


def column_widths(width: int, entries: list[LoggedRequest]) -> tuple[int, int]:
    """How many characters the request and "asked by" columns get on a table `width` wide:
    what the other columns leave (their padding and the scrollbar too), two thirds of it for
    the request."""
    others = {"number": [str(e.number) for e in entries], "time": ["00:00:00"],
              "status": [status_text(e) for e in entries],
              "ms": [f"{e.elapsed_ms:,.0f}" for e in entries],
              "bytes": [f"{e.size:,}" for e in entries],
              "attempt": [str(e.attempt) for e in entries]}
    headers = dict(COLUMNS)
    fixed = sum(max([len(headers[key]), *map(len, texts)]) for key, texts in others.items())
    left = max(MIN_REQUEST_WIDTH + MIN_ORIGIN_WIDTH, width - fixed - 2 * len(COLUMNS) - 1)
    request = max(MIN_REQUEST_WIDTH, left * 2 // 3)
    return request, max(MIN_ORIGIN_WIDTH, left - request)


def request_text(entry: LoggedRequest) -> str:
    """`GET backups/?environment=…`: the method, then the path without /apps/v3/."""
    path = entry.path
    return f"{entry.method} {path.removeprefix(APPS_PREFIX) if path != APPS_PREFIX else path}"


def entry_cells(entry: LoggedRequest, lookup: Callable[[str], Style],
                widths: tuple[int, int] = (60, 30)) -> list[Text]:
    """The cells of one row (plain text from the log, roles resolved with `lookup`), the
    request and who asked cut to `widths`."""
    role = row_role(entry)
    attempt_role = "warn" if entry.attempt > 1 else role
    request_width, origin_width = widths
    cells = [
        Text(f"{entry.number}", justify="right"),
        Text(entry.at.strftime("%H:%M:%S")),
        Text(shorten(visible(request_text(entry)), request_width), role),
        Text(status_text(entry), role or "ok", justify="right"),
        Text(f"{entry.elapsed_ms:,.0f}", justify="right"),
        Text(f"{entry.size:,}", justify="right"),
        Text(f"{entry.attempt}", attempt_role, justify="right"),
        Text(shorten(visible(entry.origin or "—"), origin_width), "" if entry.origin
             else "muted"),
    ]
    for cell in cells:
        cell.no_wrap = True
        cell.overflow = "ellipsis"
    return [resolve(cell, lookup) for cell in cells]


def csv_rows(entries: list[LoggedRequest]) -> list[list[object]]:
    """The log as `CSV_HEADERS` rows, newest first."""
    return [[entry.number, entry.at.isoformat().replace("+00:00", "Z"), entry.method,
             entry.url, entry.status, str(entry.error) if entry.error else "",
             round(entry.elapsed_ms, 1), entry.size, entry.attempt,
             "yes" if entry.retried else "", entry.origin or ""] for entry in entries]


class RequestLogScreen(Screen[None]):
    """The request log (see the module docstring). `secret` gives the token in use, so the
    body screen can redact a body that echoes it."""

    BINDINGS: ClassVar[list[BindingType]] = list(REQUEST_LOG_BINDINGS)

    def __init__(self, log: RequestLog, secret: Callable[[], str | None]) -> None:
        super().__init__(id="request-log")
        self.request_log = log
        self.secret = secret
        self.failures_only = False
        self._shown: dict[int, tuple[object, ...]] = {}
        """Row per entry number, with what it was built from (rebuilt when that changes)."""
        self._entries: dict[int, LoggedRequest] = {}
        self._unsubscribe: Callable[[], None] | None = None
        self._pending = False

    def compose(self) -> ComposeResult:
        yield Static(id="request-log-title")
        yield RequestTable(id="request-log-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="request-log-status")
        yield Footer(compact=True)

    @property
    def table(self) -> RequestTable:
        return self.query_one("#request-log-table", RequestTable)

    def on_mount(self) -> None:
        table = self.table
        for key, header in COLUMNS:
            table.add_column(header, key=key)
        table.focus()
        self._unsubscribe = self.request_log.subscribe(self._changed)
        self.call_after_refresh(self.sync)

    def on_unmount(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()

    def on_resize(self) -> None:
        # The request and "asked by" columns take what the width leaves: recut them.
        if self._shown:
            self.call_later(self.sync)

    def notify_style_update(self) -> None:
        # Cells hold resolved colours: rebuild them when the theme changes.
        super().notify_style_update()
        if self.is_mounted and self._shown:
            self._shown = dict.fromkeys(self._shown, ())
            self.call_later(self.sync)

    # -- filling the table ----------------------------------------------------------------

    def _changed(self) -> None:
        """A request was logged: sync once the current burst is over."""
        if not self._pending:
            self._pending = True
            self.call_later(self.sync)

    def visible_entries(self) -> list[LoggedRequest]:
        """The entries the table shows, newest first."""
        entries = self.request_log.entries
        if self.failures_only:
            entries = [entry for entry in entries if entry.failed]
        return entries

    def sync(self) -> None:
        """Bring the table up to the log: new rows on top, gone ones removed, changed ones
        redrawn; the cursor stays on its request."""
        self._pending = False
        if not self.is_mounted:
            return
        table = self.table
        entries = self.visible_entries()
        wanted = {entry.number: entry for entry in entries}
        cursor_key = self._cursor_number()
        for number in [n for n in self._shown if n not in wanted]:
            table.remove_row(str(number))
            del self._shown[number]
            self._entries.pop(number, None)
        added = False
        widths = column_widths(self.size.width, entries)
        for entry in reversed(entries):  # oldest first, so numbers come in order
            signature = (entry.retried, widths)
            if self._shown.get(entry.number) == signature:
                continue
            cells = entry_cells(entry, self.table.role_style, widths)
            if entry.number in self._shown:
                for (key, _), cell in zip(COLUMNS, cells, strict=True):
                    table.update_cell(str(entry.number), key, cell, update_width=True)
            else:
                table.add_row(*cells, key=str(entry.number))
                added = True
            self._shown[entry.number] = signature
            self._entries[entry.number] = entry
        if added:
            table.sort("number", key=lambda cell: int(cell.plain), reverse=True)
            if cursor_key is not None and str(cursor_key) in table.rows:
                table.move_cursor(row=table.get_row_index(str(cursor_key)), animate=False)
        self._update_texts(entries)

    def _update_texts(self, entries: list[LoggedRequest]) -> None:
        log = self.request_log
        failed = sum(1 for entry in log.entries if entry.failed)
        title = Text("Request log", "bold")
        title.append(f"  {log.total:,} requests this session")
        if failed:
            title.append(f" · {failed:,} failed", "bold")
        if log.total > len(log):
            title.append(f" · the last {len(log):,} kept (at most {log.capacity:,})")
        self.query_one("#request-log-title", Static).update(title)
        status = Text()
        if self.failures_only:
            status.append(f"failures only: {len(entries):,} · f shows every request · ")
        elif not entries:
            status.append("no requests yet · ")
        status.append(f"bodies kept: {format_size(log.body_bytes)} of at most "
                      f"{format_size(log.body_budget)} · the token is never logged")
        self.query_one("#request-log-status", Static).update(status)

    def _cursor_number(self) -> int | None:
        table = self.table
        if not table.row_count or not table.is_valid_row_index(table.cursor_row):
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return int(key) if key is not None else None

    @property
    def current(self) -> LoggedRequest | None:
        """The entry under the cursor."""
        number = self._cursor_number()
        return self._entries.get(number) if number is not None else None

    # -- actions ----------------------------------------------------------------------------

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        entry = self.current
        if entry is not None:
            self.app.push_screen(RequestBodyScreen(entry, self.secret))

    def action_copy_curl(self) -> None:
        entry = self.current
        if entry is not None:
            copy_curl(self, entry)

    def action_failures_only(self) -> None:
        self.failures_only = not self.failures_only
        self.sync()

    def action_save(self) -> None:
        entries = self.visible_entries()
        if not entries:
            self.notify("Nothing to save: the log is empty.", markup=False)
            return
        text = csv_text(CSV_HEADERS, csv_rows(entries))
        what = f"{len(entries):,} logged requests"

        def saved(path: Path | None) -> None:
            if path is not None:
                self.notify(f"Saved {what} as CSV\n{visible(path)}", markup=False)

        stamp = entries[0].at.strftime("%Y%m%d-%H%M%S")
        self.app.push_screen(SavePrompt(what, file_name("requests", stamp, extension="csv"),
                                        writes(text)), saved)

    def action_close(self) -> None:
        self.dismiss(None)

