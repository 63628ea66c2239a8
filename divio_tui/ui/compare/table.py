"""The compare table: one line per row of the comparison, sections between them.

Columns: the status (`differs`, `only in A`, …; `expected` for an explained difference), the
name, side A's value, side B's value. Values are untrusted text, shown through `visible` and
cut to their column; a sensitive value shows as the mask until revealed. Section lines carry
the section's title and counts, or that it is still loading, or why it failed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import BindingType
from textual.widgets import DataTable

from divio_tui.state.compare import Cell, Row, Section, Status
from divio_tui.ui._textual import RowTintedTable
from divio_tui.ui.keys import COMPARE_TABLE_BINDINGS
from divio_tui.ui.text.humanize import relative_time
from divio_tui.ui.text.labels import MASK, SEP, error_summary
from divio_tui.ui.text.roles import component_classes, resolve
from divio_tui.untrusted import visible

COLUMNS: tuple[str, ...] = ("status", "name", "a", "b")
"""Column keys, left to right."""

STATUS_WIDTH = 9
"""`only in A` and `expected` fit."""

NAME_LIMITS = (22, 32)
"""The name column's width: at least, at most (it takes the longest name up to that)."""

SECTION_PREFIX = "section:"
"""Row keys of section lines: the prefix, then the section's title."""


class CompareTable(RowTintedTable[Text]):
    """The table itself: a cell cursor whose row is tinted; enter and vi keys."""

    BINDINGS: ClassVar[list[BindingType]] = list(COMPARE_TABLE_BINDINGS)
    COMPONENT_CLASSES: ClassVar[set[str]] = (
        DataTable.COMPONENT_CLASSES | component_classes("compare-table")
        | {"compare-table--cursor-row"})

    def role_style(self, role: str) -> Style:
        return self.get_component_rich_style(f"compare-table--{role}", partial=True)

    def row_tint(self) -> Style:
        return self.role_style("cursor-row")


def row_key(row: Row) -> str:
    return f"{row.section}:{row.name}"


def section_key(section: Section) -> str:
    return SECTION_PREFIX + section.title


def status_word(row: Row, words: Mapping[Status, str]) -> str:
    """What the status column says: the status, or `expected` for an explained difference."""
    return "expected" if row.differs and not row.surprising else words[row.status]


def widths(total: int, rows: list[Row]) -> tuple[int, int, int]:
    """(name, A, B) column widths for a table `total` cells wide."""
    # Four columns, each with one cell of padding on both sides, and the scrollbar.
    room = max(total - 2 * len(COLUMNS) - 1 - STATUS_WIDTH, 40)
    longest = max((len(visible(row.name)) for row in rows), default=0)
    name = min(max(NAME_LIMITS[0], longest), NAME_LIMITS[1], max(room * 2 // 5, 12))
    side = max((room - name) // 2, 8)
    return name, side, side


def _fit(text: Text, width: int) -> Text:
    text.no_wrap = True
    text.overflow = "ellipsis"
    text.truncate(width, overflow="ellipsis")
    return text


def value_text(cell: Cell | None, *, reveal: bool, now: datetime) -> Text:
    """One side's value: `—` when absent, the mask for an unrevealed secret, the value (cut
    by the caller) with how long ago its time was."""
    if cell is None:
        return Text("—", "muted")
    if cell.secret and not reveal:
        return Text(MASK, "secret")
    shown = visible(cell.value)
    text = Text(shown, cell.role) if shown else Text('""', "muted")
    if cell.at is not None:
        text.append(SEP, "muted")
        text.append(relative_time(cell.at, now), "muted")
    return text


def row_cells(row: Row, words: Mapping[Status, str], sizes: tuple[int, int, int], *,
              reveal: bool, now: datetime, lookup: Callable[[str], Style]) -> list[Text]:
    """The four cells of one row, colours resolved."""
    word = status_word(row, words)
    role = "muted" if not row.surprising else "accent" if row.status in {
        Status.ONLY_A, Status.ONLY_B} else "warn"
    status = Text(word, role)
    if row.surprising:
        status.stylize("bold")
    name = Text(visible(row.name), "heading" if row.surprising else "")
    cells = [status, name, value_text(row.a, reveal=reveal, now=now),
             value_text(row.b, reveal=reveal, now=now)]
    fitted = [_fit(cell, width) for cell, width in zip(cells, (STATUS_WIDTH, *sizes),
                                                        strict=True)]
    return [resolve(cell, lookup) for cell in fitted]


def section_cells(section: Section, sizes: tuple[int, int, int], reload_key: str,
                  lookup: Callable[[str], Style]) -> list[Text]:
    """A section's line: its title and counts, or loading, or its error."""
    title = Text(section.title, "heading")
    title.stylize("bold underline")
    if section.error is not None:
        first = Text(f"⚠ {error_summary(section.error)}", "error")
        second = Text(f"{reload_key} retries", "muted")
    elif section.loading and not section.rows:
        first, second = Text("loading…", "running"), Text("")
    else:
        # The surprising count under A, the rest under B: each fits a narrow column.
        first = Text(f"{section.surprising} differ" if section.surprising else "no difference",
                     "muted")
        rest = [f"{section.expected} expected"] if section.expected else []
        second = Text(SEP.join([*rest, f"{section.same} same"]), "muted")
        if not section.rows:
            first, second = Text("nothing on either side", "muted"), Text("")
        if section.loading:
            second = Text("loading…", "running")
    cells = [Text(""), title, first, second]
    fitted = [_fit(cell, width) for cell, width in zip(cells, (STATUS_WIDTH, *sizes),
                                                        strict=True)]
    return [resolve(cell, lookup) for cell in fitted]
