"""Saving a comparison as JSON: a prompt for the path, and a write that never surprises.

`SavePrompt` asks where (a path, `~` allowed, relative to the working directory), says when
the file exists and replaces it only when asked a second time, and shows a failure in words
where it happened (the prompt stays open to fix the path). `write_private` creates the file
readable by its owner only, as the config file is: even masked, a comparison says a lot about
an account, and once revealed it holds secrets.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from divio_tui.ui.keys import COMPARE_SAVE_BINDINGS
from divio_tui.untrusted import visible

READY = "enter saves · esc cancels"

Writer = Callable[[Path, bool], str | None]
"""Writes the document to a path (replacing it when told): None, or why it failed."""


def write_private(path: Path, text: str, *, overwrite: bool) -> str | None:
    """Write `text` to `path`, mode 0600; refuse an existing file unless `overwrite`.
    Returns None, or the reason in words."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if overwrite else os.O_EXCL)
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:
        return f"{visible(str(path))} exists"
    except OSError as error:
        return f"could not write {visible(str(path))}: {error.strerror or error}"
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
    except OSError as error:
        return f"could not write {visible(str(path))}: {error.strerror or error}"
    return None


def resolve_path(text: str) -> Path:
    return Path(os.path.expanduser(text.strip())).absolute()


class SavePrompt(ModalScreen[str | None]):
    """Where to save; dismissed with the path written, or None (escape)."""

    BINDINGS: ClassVar[list[BindingType]] = list(COMPARE_SAVE_BINDINGS)

    def __init__(self, default: str, write: Writer, what: str) -> None:
        super().__init__()
        self.default = default
        self.write = write
        self.what = what
        """One line on what is saved (e.g. that secrets are masked)."""
        self._confirmed: Path | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="compare-save-card"):
            yield Static(Text("Save the comparison as JSON", "bold"), id="compare-save-title")
            yield Static(Text(self.what), id="compare-save-what")
            yield Input(self.default, id="compare-save-path")
            yield Static(Text(READY), id="compare-save-status")

    @property
    def status(self) -> Static:
        return self.query_one("#compare-save-status", Static)

    @on(Input.Changed, "#compare-save-path")
    def _path_changed(self) -> None:
        if self._confirmed is not None:
            self._confirmed = None
            self.status.remove_class("-error")
            self.status.update(Text(READY))

    @on(Input.Submitted, "#compare-save-path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value.strip():
            self._say("a path, please", error=True)
            return
        path = resolve_path(event.value)
        if path.is_dir():
            self._say(f"{visible(str(path))} is a folder: add a file name", error=True)
            return
        overwrite = self._confirmed == path
        if path.exists() and not overwrite:
            self._confirmed = path
            self._say(f"{visible(str(path))} exists — enter again replaces it, esc cancels",
                      error=True)
            return
        failure = self.write(path, overwrite)
        if failure is not None:
            self._say(failure, error=True)
            return
        self.dismiss(str(path))

    def _say(self, text: str, *, error: bool) -> None:
        self.status.set_class(error, "-error")
        self.status.update(Text(text))

    def action_cancel(self) -> None:
        self.dismiss(None)
