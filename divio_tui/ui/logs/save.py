"""Saving a log: where to (a path prompt with a default), and whether to replace a file.

`SavePrompt` asks for a path, filled in with a name in the current directory; it is dismissed
with the path, or None. `ConfirmOverwrite` asks before an existing file is replaced
(dismissed with True or False). Neither writes anything: the log screen does, in a worker.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from divio_tui.untrusted import visible

__all__ = ["ConfirmOverwrite", "SavePrompt"]


class SavePrompt(ModalScreen[Path | None]):
    """Where to save: a path, relative to the current directory or absolute."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="logs-save-cancel")]

    def __init__(self, default: Path, what: str) -> None:
        super().__init__()
        self.default = default
        self.what = what

    def compose(self) -> ComposeResult:
        with Vertical(id="logs-save-card"):
            yield Static(Text(f"Save {self.what} to (enter saves, esc cancels):"), id="logs-save-what")
            yield Input(str(self.default), id="logs-save-path")
            yield Static("", id="logs-save-error")

    def on_mount(self) -> None:
        self.query_one("#logs-save-card").border_title = "Save"
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if not text:
            self.query_one("#logs-save-error", Static).update(Text("A file name, please."))
            return
        path = Path(text).expanduser()
        if path.is_dir():
            self.query_one("#logs-save-error", Static).update(
                Text(f"{visible(path)} is a directory: add a file name."))
            return
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmOverwrite(ModalScreen[bool]):
    """`y` replaces the file, anything else keeps it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Replace it", id="logs-overwrite-yes"),
        Binding("n,escape", "answer(False)", "Keep it", id="logs-overwrite-no"),
    ]

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def compose(self) -> ComposeResult:
        with Vertical(id="logs-save-card"):
            yield Static(Text(f"{visible(self.path)} exists. Replace it? (y: replace, n: keep it)"),
                         id="logs-save-what")

    def on_mount(self) -> None:
        self.query_one("#logs-save-card").border_title = "The file exists"

    def action_answer(self, replace: bool) -> None:
        self.dismiss(replace)
