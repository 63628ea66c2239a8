"""The backups table's cells: what each column shows for one backup, and how it sorts."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import BindingType
from textual.widgets import DataTable

from divio_tui.api.errors import ApiError
from divio_tui.api.models import Backup, ServiceInstanceBackup
from divio_tui.ui._textual import RowTintedTable
from divio_tui.ui.keys import BACKUPS_TABLE_BINDINGS
from divio_tui.ui.text.humanize import format_size, format_time
from divio_tui.ui.text.labels import status_role, trigger_text
from divio_tui.ui.text.roles import component_classes, resolve, role_style
from divio_tui.untrusted import shorten, visible

NOTES_WIDTH = 40
"""Notes are cut to this many characters in the table."""

SERVICE_PREFIX = "service:"
"""Column keys of service columns: the prefix, then the service instance uuid."""

FIXED_COLUMNS: tuple[tuple[str, str], ...] = (
    ("time", "time (UTC)"), ("trigger", "trigger"), ("outcome", "outcome"))
"""Columns before the service columns: (key, header)."""

TAIL_COLUMNS: tuple[tuple[str, str], ...] = (("size", "size"), ("notes", "notes"))
"""Columns after the service columns."""

DESCENDING_FIRST = frozenset({"time", "size"})
"""Columns whose first sort is largest / newest first (the others: A to Z)."""

OUTCOMES: dict[str, tuple[str, int]] = {
    "SUCCESS": ("✔ SUCCESS", 3), "PARTIAL": ("◑ PARTIAL", 2), "FAILURE": ("✘ FAILURE", 0)}
"""A backup's `success` as shown, and its rank when sorting by outcome."""

SortKey = tuple[int, Any]


class Cell(Text):
    """A table cell: literal text (never markup) and the value it sorts by."""

    def __init__(self, text: Text, sort_key: SortKey) -> None:
        super().__init__(text.plain, style=text.style, spans=list(text.spans),
                         no_wrap=True, overflow="ellipsis")
        self.sort_key = sort_key


class BackupsTable(RowTintedTable[Cell]):
    """The table itself: a cell cursor whose row is tinted; enter and vi keys."""

    BINDINGS: ClassVar[list[BindingType]] = list(BACKUPS_TABLE_BINDINGS)
    COMPONENT_CLASSES: ClassVar[set[str]] = (
        DataTable.COMPONENT_CLASSES | component_classes("backups-table")
        | {"backups-table--cursor-row"})

    def role_style(self, role: str) -> Style:
        return role_style(self, f"backups-table--{role}")

    def row_tint(self) -> Style:
        return self.get_component_rich_style("backups-table--cursor-row", partial=True)


def backup_cells(backup: Backup, sibs: Mapping[str, ServiceInstanceBackup | None],
                 services: list[str], errors: Mapping[str, ApiError],
                 lookup: Callable[[str], Style]) -> list[Cell]:
    """The cells of one backup's row: fixed columns, one per service, size, notes."""
    by_service = {sib.service_instance: sib for sib in sibs.values()
                  if sib is not None and sib.service_instance}
    when = backup.when
    cells: list[tuple[Text, SortKey]] = [
        (Text(format_time(when).removesuffix(" UTC")),
         (when is not None, when.timestamp() if when else 0.0)),
        (Text(trigger_text(backup.trigger)), (1, trigger_text(backup.trigger))),
        _outcome(backup),
    ]
    # A SIB not read yet could be any service's: its columns wait with `…`.
    missing = [uuid for uuid, sib in sibs.items() if sib is None]
    unread = (Text("⚠", "bad") if any(uuid in errors for uuid in missing)
              else Text("…", "muted") if missing else Text("—", "muted"))
    for service in services:
        sib = by_service.get(service)
        cells.append(_service_cell(sib) if sib is not None else (unread, (0, 0)))
    if not sibs:
        cells.append((Text("no data", "muted"), (0, 0)))
    elif missing:
        cells.append((unread, (0, 0)))
    else:
        sizes = [sib.size for sib in sibs.values() if sib is not None and sib.size is not None]
        # While a backup runs, its size so far is shown as such.
        role = "running" if backup.is_running else ""
        cells.append((Text(format_size(sum(sizes)), role), (1, sum(sizes))) if sizes
                     else (Text("—", "muted"), (0, 0)))
    notes = visible(backup.notes or "")
    cells.append((Text(shorten(notes, NOTES_WIDTH)), (1, notes.lower())))
    return [Cell(resolve(text, lookup), key) for text, key in cells]


def header_text(label: Text) -> str:
    """A header without its sort arrow (the last two cells)."""
    return label.plain[:-2]


def _outcome(backup: Backup) -> tuple[Text, SortKey]:
    if backup.is_running or backup.success is None:
        state = visible(backup.state or "WORKING")
        return Text(f"⟳ {state}", "running"), (1, 1)
    shown, rank = OUTCOMES.get(backup.success, (visible(backup.success), 1))
    return Text(shown, status_role(backup.success)), (1, rank)


def _service_cell(sib: ServiceInstanceBackup) -> tuple[Text, SortKey]:
    """One service's part of a backup; sorted by size, the unsized below every size."""
    if sib.is_running:
        return Text("⟳ running", "running"), (0, 1)
    if sib.errors:
        return Text("✘ failed", "bad"), (0, 2)
    return Text(f"✔ {format_size(sib.size)}", "ok"), (1, sib.size or 0)
