"""Exporting the backup health rows: a prompt for the file, and the file written.

`e` in the health view opens `ExportScreen` with a file name in the current directory
(`backup-health-<scope>-<UTC time>.csv`); a name ending in `.json` gets the JSON document of
`divio-tui backups health --json`, any other the CSV of `state.health.csv_text` (one line per
environment and service). An existing file is replaced only when enter is pressed a second
time. What is exported is what the table shows: the rows the filter keeps, in its order.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from divio_tui.state.health import HealthRow, csv_text
from divio_tui.untrusted import visible


def default_path(scope_title: str, now: datetime, directory: Path | None = None) -> Path:
    """`./backup-health-northwind-digital-20261125-1200.csv`."""
    slug = re.sub(r"[^a-z0-9]+", "-", scope_title.casefold()).strip("-")[:40] or "account"
    name = f"backup-health-{slug}-{now:%Y%m%d-%H%M}.csv"
    return (directory or Path.cwd()) / name


def export_text(path: Path, rows: list[HealthRow], document: dict[str, Any]) -> str:
    """The file's content: JSON for a `.json` name, CSV otherwise."""
    if path.suffix.lower() == ".json":
        return json.dumps(document, indent=2) + "\n"
    return csv_text(rows)


def write_export(path: Path, rows: list[HealthRow], document: dict[str, Any]) -> None:
    """Write the export (raises OSError with the reason)."""
    path.write_text(export_text(path, rows, document), encoding="utf-8")


class ExportScreen(ModalScreen[Path | None]):
    """Where to export: a path to edit; dismissed with the path, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, default: Path, rows: int) -> None:
        super().__init__()
        self.default = default
        self.rows = rows
        self._confirm: Path | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="export-card"):
            yield Static(f"Export the {self.rows:,} rows shown", id="export-title")
            yield Input(value=str(self.default), id="export-path")
            yield Static("a name ending in .json writes JSON, any other CSV · enter writes · "
                         "esc cancels", id="export-hint")
            yield Static("", id="export-error")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def path(self) -> Path:
        value = self.query_one(Input).value.strip()
        path = Path(value).expanduser()
        return path if path.is_absolute() else Path.cwd() / path

    def say(self, message: str) -> None:
        self.query_one("#export-error", Static).update(visible(message))

    @on(Input.Changed)
    def _changed(self) -> None:
        self._confirm = None
        self.say("")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value.strip():
            self.say("give a file name")
            return
        path = self.path()
        if path.is_dir():
            self.say(f"{path} is a directory: add a file name")
            return
        if path.exists() and self._confirm != path:
            self._confirm = path
            self.say(f"{path} exists: enter again replaces it")
            return
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)
