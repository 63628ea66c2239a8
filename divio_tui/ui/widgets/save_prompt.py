"""The path prompt every save goes through: a default name, no overwrite without asking.

`SavePrompt(what, default_name, write)` is a modal: an input holding the default file name
(relative names land in the current directory; ``~`` works), `Enter` saves, `Esc` cancels;
`note` adds a line on what the file will hold (that sensitive values are masked, say).
When the file exists it says so and saves only on a second `Enter` with the same name, which
replaces the file; any other name is checked afresh. A failure to write (no such directory,
no permission) is shown in the prompt, which stays open to fix the name. The prompt is
dismissed with the path written (None if cancelled); the caller says where it went.

`write(path, overwrite)` does the writing (`writes(text)`: `divio_tui.saving.write_new` with
the caller's text; or `divio_tui.saving.write_lines` for a log): the prompt knows nothing of
what is saved. It runs when `Enter` is pressed, so it saves what is there then.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static
from textual.widgets.input import Selection

from divio_tui.saving import resolve_path, write_new
from divio_tui.ui.widgets.header import tilde
from divio_tui.untrusted import visible

Writer = Callable[[Path, bool], object]
"""Writes the content to a path (the flag: replace an existing file); raises OSError."""


def writes(text: str) -> Writer:
    """The writer of a text made before the prompt opens."""
    return lambda path, overwrite: write_new(path, text, overwrite=overwrite)


class SavePrompt(ModalScreen[Path | None]):
    """Ask where to save `what` (see the module docstring)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="save-cancel"),
    ]

    def __init__(self, what: str, default_name: str, write: Writer, *, note: str = "",
                 cwd: Path | None = None) -> None:
        super().__init__(id="save-prompt")
        self.what = what
        self.note = note
        self.default_name = default_name
        self.write = write
        self.cwd = cwd
        self._confirm: Path | None = None
        """The existing file a second Enter replaces."""

    def compose(self) -> ComposeResult:
        with Vertical(id="save-card") as card:
            card.border_title = "Save"
            card.border_subtitle = "enter saves · esc cancels"
            yield Static(Text(f"Save {self.what} to:"), id="save-what")
            if self.note:
                yield Static(Text(self.note), id="save-note")
            yield Input(self.default_name, id="save-path", select_on_focus=False)
            yield Static(Text(f"in {visible(tilde(self.cwd or Path.cwd()))} unless the name "
                              "says otherwise", "dim"), id="save-where")
            yield Static("", id="save-status")

    def on_mount(self) -> None:
        field = self.query_one("#save-path", Input)
        field.focus()
        # Select the name without its extension, so typing replaces just that.
        stem = len(self.default_name.rsplit(".", 1)[0])
        field.selection = Selection(0, stem)

    @on(Input.Changed, "#save-path")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        if self._confirm is not None:
            self._confirm = None
            self._show("")

    @on(Input.Submitted, "#save-path")
    def _submit(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            path = resolve_path(event.value, self.cwd)
        except ValueError as error:
            self._show(f"⚠ {error}", error=True)
            return
        overwrite = self._confirm == path
        if path.exists() and not overwrite:
            self._confirm = path
            self._show(f"{visible(path.name)} already exists: enter again replaces it, or "
                       "change the name.", error=True)
            return
        try:
            self.write(path, overwrite)
        except FileExistsError:
            self._confirm = path
            self._show(f"{visible(path.name)} appeared meanwhile: enter again replaces it.",
                       error=True)
            return
        except OSError as error:
            reason = error.strerror or str(error)
            self._show(f"⚠ Could not save to {visible(path)}: {visible(reason)}", error=True)
            return
        self.dismiss(path)

    def _show(self, message: str, *, error: bool = False) -> None:
        status = self.query_one("#save-status", Static)
        status.update(Text(message))
        status.set_class(error, "-error")

    def action_cancel(self) -> None:
        self.dismiss(None)
