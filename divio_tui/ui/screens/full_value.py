"""The whole of a record, one key away from the detail pane (`e`), however long it is.

The detail pane cuts long values (json_view.py, summary.py) so a 2 MB name never slows a
highlight. This screen shows what was cut: the record's JSON as received, every invisible
character made visible, long lines wrapped at a fixed width, in a `Log` (which draws only the
lines on screen, so 20,000 lines cost what 40 do). Nothing is interpreted: no markup, no
escape sequence reaches the terminal.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Log, Static

from divio_tui.untrusted import visible

WRAP = 100
"""Characters per line: a longer line continues on the next, marked `↪`."""

LINES_MAX = 200_000
"""Lines shown at most (20 MB of text): the body cap of the client bounds it anyway."""


def full_lines(value: Any, width: int = WRAP) -> Iterator[str]:
    """`value` as indented JSON, made visible, each line cut into pieces of `width`."""
    try:
        text = json.dumps(value, indent=2, ensure_ascii=False)
    except (RecursionError, ValueError):
        try:  # the C encoder goes deeper than the indenting one
            text = json.dumps(value, ensure_ascii=False)
        except (RecursionError, ValueError):
            yield "(nested too deep, or a number too long, to be shown)"
            return
    count = 0
    for line in visible(text, multiline=True).split("\n"):
        for start in range(0, max(len(line), 1), width):
            yield ("↪ " if start else "") + line[start:start + width]
            count += 1
            if count >= LINES_MAX:
                yield f"… (stopped after {LINES_MAX:,} lines)"
                return


class FullValueScreen(ModalScreen[None]):
    """A record (or an error) shown whole; escape or q closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close", id="full-values-close"),
    ]

    def __init__(self, title: str, value: Any) -> None:
        super().__init__()
        self._title = title
        self._value = value

    def compose(self) -> ComposeResult:
        with Vertical(id="full-value-body") as body:
            body.border_title = "Whole record"
            body.border_subtitle = "esc closes"
            yield Static(Text(self._title), id="full-value-title")
            yield Static(Text("As the server sent it: invisible characters shown as ␛ or \\u…, "
                              f"lines longer than {WRAP} continued with ↪."),
                         id="full-value-note")
            yield Log(id="full-value-log", highlight=False, auto_scroll=False)

    def on_mount(self) -> None:
        log = self.query_one(Log)
        log.write_lines(full_lines(self._value))
        log.scroll_home(animate=False)
        log.focus()

    def action_close(self) -> None:
        self.dismiss(None)
