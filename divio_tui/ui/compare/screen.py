"""The compare view (`=`): two environments, or two deployments' variables, side by side.

`CompareScreen` shows a comparison (`state/comparison.py`) as it loads: the two sides on
top, a count of the differences, then the table (`table.py`) — per section, the surprising
differences first, then the expected ones, then what is the same — and under it the row under
the cursor in full. The cursor is a cell: the column says which side a key acts on.

Keys (ids in keys.py): `enter` closes the view and shows the row's resource in the tree (on
the A or B column: that side's; elsewhere: A's, or B's when A has none); `c` copies the
cursor's value (the name on the name column; a sensitive value only once revealed); `v`
reveals / masks sensitive values; `d` shows only the differences; `p` picks another side
(another environment for B, another deployment for A); `x` swaps the sides; `s` saves the
comparison as JSON (masked unless revealed); `r` reads both sides again; `escape` / `q`
close. Failures show on their section's line and in the summary, with `r` to retry.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import ClassVar, Protocol

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static
from textual.worker import Worker, WorkerState

from divio_tui.saving import json_text, write_new
from divio_tui.state.compare import Row, Section, report_json
from divio_tui.state.comparison import Comparison, DeploymentComparison, EnvironmentComparison
from divio_tui.ui.compare import lines
from divio_tui.ui.compare.table import (
    COLUMNS,
    CompareTable,
    row_cells,
    row_key,
    section_cells,
    section_key,
    widths,
)
from divio_tui.ui.keys import COMPARE_VIEW_BINDINGS, KeyDisplay, keys_for
from divio_tui.ui.text.labels import MASK, SEP
from divio_tui.ui.widgets.save_prompt import SavePrompt
from divio_tui.untrusted import shorten, visible

log = logging.getLogger(__name__)

Target = tuple[str, str]
"""What `enter` asks the tree to show: (kind, uuid)."""

DETAIL_LINES = 2
"""Lines each side's full value may take under the table."""


class OtherSide(Protocol):
    """Who picks another side for a comparison (the explorer, which knows the pickers)."""

    def pick_other(self, comparison: Comparison,
                   on_pick: Callable[[Comparison], None]) -> None: ...


class CompareScreen(Screen[Target | None]):
    """A comparison as a table; dismissed with what to show in the tree (see the docstring)."""

    BINDINGS: ClassVar[list[BindingType]] = list(COMPARE_VIEW_BINDINGS)

    def __init__(self, comparison: Comparison, *, clock: Callable[[], datetime],
                 keys: KeyDisplay, other_side: OtherSide | None = None,
                 reveal: bool = False) -> None:
        super().__init__()
        self.comparison = comparison
        self.clock = clock
        self.keys = keys
        self.other_side = other_side
        self.reveal = reveal
        self.differences_only = False
        self._sections: list[Section] = []
        self._rows: dict[str, Row] = {}
        self._section_of_key: dict[str, Section] = {}
        self._shown: tuple[object, ...] | None = None
        """What the table was last built from (rebuilt only when that changes)."""
        self._sync_pending = False
        self._placed: str | None = None
        """The row the view put the cursor on, while the user has not moved it."""

    # -- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="compare-sides")
        yield Static(id="compare-summary")
        yield CompareTable(id="compare-table", cursor_type="cell", zebra_stripes=False)
        yield Static(id="compare-detail")
        yield Footer(compact=True)

    @property
    def table(self) -> CompareTable:
        return self.query_one("#compare-table", CompareTable)

    def on_mount(self) -> None:
        self.table.focus()
        self._sync()
        self.load()

    def load(self) -> None:
        """Fetch what the comparison does not know yet, redrawing as parts land."""
        self.run_worker(self.comparison.load(self._changed), group="compare", exclusive=True,
                        exit_on_error=False, description="comparison")

    @on(Worker.StateChanged)
    def _worker_done(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "compare" and event.state in {
                WorkerState.SUCCESS, WorkerState.ERROR}:
            self._sync()

    def _changed(self) -> None:
        # Many parts land in one burst: draw once for all of them.
        if not self._sync_pending:
            self._sync_pending = True
            self.call_later(self._sync)

    def on_resize(self) -> None:
        self._shown = None
        self._sync()

    def notify_style_update(self) -> None:
        # Cells hold resolved colours: rebuild them when the theme changes.
        super().notify_style_update()
        if self.is_mounted:
            self._shown = None
            self.call_later(self._sync)

    # -- filling ----------------------------------------------------------------------------

    def _sync(self) -> None:
        self._sync_pending = False
        if not self.is_mounted:
            return
        try:
            self._sync_now()
        except Exception:  # a bug here must not close the app: the view stays as it was
            log.exception("compare view")

    def _sync_now(self) -> None:
        sections = self.comparison.sections(self.clock())
        self._sections = sections
        self._update_sides()
        self._update_summary()
        table = self.table
        rows = [row for section in sections for row in section.rows]
        sizes = widths(table.size.width or self.size.width, rows)
        signature = (sizes, self.reveal, self.differences_only, tuple(
            (s.title, s.loading, s.error is not None, tuple(s.rows)) for s in sections))
        if signature != self._shown:
            self._shown = signature
            self._rebuild(sections, sizes)
        self._update_detail()

    def _rebuild(self, sections: list[Section], sizes: tuple[int, int, int]) -> None:
        table = self.table
        cursor = table.cursor_coordinate
        keep = None
        if table.row_count and table.is_valid_coordinate(cursor):
            keep = str(table.coordinate_to_cell_key(cursor).row_key.value)
        table.clear(columns=True)
        headers = ["status", "name", f"A{SEP}{lines.short_name(self.comparison, 0)}",
                   f"B{SEP}{lines.short_name(self.comparison, 1)}"]
        for key, header, width in zip(COLUMNS, headers, (9, *sizes), strict=True):
            table.add_column(Text(shorten(visible(header), width)), key=key, width=width)
        self._rows.clear()
        self._section_of_key.clear()
        now = self.clock()
        lookup = table.role_style
        reload_key = keys_for(self.keys, "compare-reload")[0]
        for section in sections:
            key = section_key(section)
            self._section_of_key[key] = section
            table.add_row(*section_cells(section, sizes, reload_key, lookup), key=key)
            for row in section.rows:
                if self.differences_only and not row.differs:
                    continue
                rkey = row_key(row)
                self._rows[rkey] = row
                table.add_row(*row_cells(row, self.comparison.words, sizes, reveal=self.reveal,
                                         now=now, lookup=lookup), key=rkey)
        first = next(iter(self._rows), None)
        if first is not None and (self._placed is None or keep in (None, self._placed)):
            # The first row of the first section that has one, on side A; until the user
            # moves, again as the sections arrive (the one read first need not be on top).
            self._placed = first
            column = cursor.column if keep is not None else 2
            table.move_cursor(row=table.get_row_index(first), column=column, animate=False)
        elif keep is not None and (keep in self._rows or keep in self._section_of_key):
            table.move_cursor(row=table.get_row_index(keep), column=cursor.column, animate=False)

    # -- the lines around the table (lines.py) ----------------------------------------------

    def _update_sides(self) -> None:
        self.query_one("#compare-sides", Static).update(lines.sides_text(self.comparison))

    def _update_summary(self) -> None:
        self.query_one("#compare-summary", Static).update(lines.summary_text(
            self.comparison, self._sections, self.keys, reveal=self.reveal,
            differences_only=self.differences_only))

    def _update_detail(self) -> None:
        key = self._cursor_key()
        section = self._section_of_key.get(key or "")
        row = self._rows.get(key or "")
        if section is not None:
            text = lines.section_detail(section, self.keys)
        elif row is not None:
            text = lines.row_detail(row, self.comparison.words, self.keys, reveal=self.reveal,
                                    width=max(self.size.width - 4, 20) * DETAIL_LINES,
                                    now=self.clock())
        else:
            text = Text("")
        self.query_one("#compare-detail", Static).update(text)

    @on(DataTable.CellHighlighted)
    def _cell_highlighted(self) -> None:
        self._update_detail()

    # -- what the cursor is on ---------------------------------------------------------------

    def _cursor_key(self) -> str | None:
        table = self.table
        if not table.row_count or not table.is_valid_coordinate(table.cursor_coordinate):
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def _cursor(self) -> tuple[Row, str] | None:
        """The row under the cursor and its column's key (None on a section line)."""
        key = self._cursor_key()
        row = self._rows.get(key or "")
        if row is None:
            return None
        return row, COLUMNS[self.table.cursor_column]

    # -- actions ------------------------------------------------------------------------------

    def action_show_in_tree(self) -> None:
        found = self._cursor()
        if found is None:
            return
        row, column = found
        cell = row.a if column == "a" else row.b if column == "b" else (row.a or row.b)
        if cell is None:
            side = "A" if column == "a" else "B"
            self.notify(f"{side} has no {visible(row.name)}: nothing there to show.",
                        markup=False, timeout=3)
            return
        if cell.target is None:
            self.notify("Nothing in the tree to show for this.", markup=False, timeout=3)
            return
        self.dismiss(cell.target)

    @on(DataTable.CellSelected)
    def _cell_selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        self.action_show_in_tree()

    def action_copy_value(self) -> None:
        found = self._cursor()
        if found is None:
            return
        row, column = found
        if column in {"status", "name"}:
            self._copy(row.name, f"Copied the name {visible(row.name)}")
            return
        side = column.upper()
        cell = row.a if column == "a" else row.b
        if cell is None:
            self.notify(f"{side} has no {visible(row.name)}: nothing to copy.", markup=False,
                        timeout=3)
            return
        if cell.secret and not self.reveal:
            key = keys_for(self.keys, "compare-reveal")[0]
            self.notify(f"{visible(row.name)} is sensitive: nothing copied. {key} reveals it, "
                        "then it can be copied.", markup=False, timeout=5)
            return
        self._copy(cell.value, f"Copied {visible(row.name)} of {side}"
                   + (" (a sensitive value)" if cell.secret else ""))

    def _copy(self, text: str, message: str) -> None:
        self.app.copy_to_clipboard(text)
        self.notify(message, markup=False, timeout=3)

    def action_reveal(self) -> None:
        self.reveal = not self.reveal
        self._sync()
        self.notify("Sensitive values revealed" if self.reveal else "Sensitive values masked",
                    markup=False, timeout=3)

    def action_differences_only(self) -> None:
        self.differences_only = not self.differences_only
        self._sync()

    def action_pick(self) -> None:
        if self.other_side is None:
            self.notify("No other side can be picked here.", markup=False, timeout=3)
            return
        self.other_side.pick_other(self.comparison, self.use)

    def action_swap(self) -> None:
        comparison = self.comparison
        a, b = comparison.uuids
        if isinstance(comparison, EnvironmentComparison):
            self.use(EnvironmentComparison(comparison.session, comparison.book, b, a))
        else:
            self.use(DeploymentComparison(comparison.session, b, a))

    def use(self, comparison: Comparison) -> None:
        """Show `comparison` instead (another side picked, the sides swapped)."""
        self.comparison = comparison
        self._shown = None
        self._placed = None
        self._sync()
        self.load()

    def action_reload(self) -> None:
        self.comparison.retry(everything=True)
        self._shown = None
        self._sync()
        self.load()

    def action_save(self) -> None:
        default = lines.file_name(self.comparison)
        reveal_key = keys_for(self.keys, "compare-reveal")[0]
        note = ("Sensitive values are in clear (revealed): the file is readable by you only."
                if self.reveal else f"Sensitive values are masked ({reveal_key} reveals them "
                "first).")
        self.app.push_screen(SavePrompt("the comparison as JSON", default, self._write,
                                        note=note), callback=self._saved)

    def _write(self, path: Path, overwrite: bool) -> None:
        comparison = self.comparison
        document = report_json(comparison.compared,
                               (comparison.side_json(0), comparison.side_json(1)),
                               comparison.sections(self.clock()), comparison.words,
                               reveal=self.reveal, mask=MASK)
        write_new(path, json_text(document), overwrite=overwrite)

    def _saved(self, path: Path | None) -> None:
        if path is None:
            return
        rows = sum(len(section.rows) for section in self._sections)
        masked = "" if self.reveal else " (sensitive values masked)"
        self.notify(f"Saved {rows} rows to {visible(path)}{masked}", markup=False, timeout=5)

    def action_close(self) -> None:
        self.dismiss(None)

