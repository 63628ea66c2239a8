"""The F1 / `?` help screen: every key, as currently bound, and a few facts worth knowing."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from divio_tui.ui.keys import HELP_SECTIONS, KeyDisplay, keys_for

WIDE_HELP_COLUMNS = 110
"""From this terminal width on, the help shows two columns (and fits 36 rows)."""

NOTES: list[str] = [
    "Tab and shift+tab move between the tree and the detail pane.",
    "Times are shown in UTC, with how long ago in brackets.",
    "Lists load page by page as you expand them; long lists stop at 500 with a 'load more' line.",
    "Sensitive environment variables are masked everywhere unless you reveal them.",
    "The API token is never shown, copied or logged.",
]
"""Plain sentences shown under the key table."""


def _section(title: str, rows: list[tuple[str, str]]) -> Group:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", min_width=10, no_wrap=True)
    table.add_column()
    for keys, description in rows:
        table.add_row(keys, description)
    return Group(Text(title, style="bold underline"), table, Text(""))


def help_table(app: KeyDisplay, *, columns: int = 1) -> Group | Table:
    """The key reference as Rich renderables (text from our own tables, never from the API),
    in one column or, on a wide screen, two side by side."""
    sections = [
        _section(title, [(" ".join(key for binding_id in (entry.binding_id, *entry.also)
                                   for key in keys_for(app, binding_id)),
                          entry.description)
                         for entry in entries])
        for title, entries in HELP_SECTIONS
    ]
    bullets = Table.grid(padding=(0, 1))
    bullets.add_column(no_wrap=True)
    bullets.add_column()  # a note that wraps keeps to the right of its bullet
    for note in NOTES:
        bullets.add_row("•", note)
    notes = Group(Text("Good to know", style="bold underline"), bullets)
    if columns < 2:
        return Group(*sections, notes)
    grid = Table.grid(padding=(0, 4), expand=True)
    grid.add_column(ratio=1)
    grid.add_column(ratio=1)
    grid.add_row(Group(*sections[0::2]), Group(*sections[1::2], notes))
    return grid


class HelpScreen(ModalScreen[None]):
    """Key reference over the explorer; any of escape, q, ? or F1 closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "dismiss_help", "Close", id="close-help"),
        Binding("down,j", "scroll('down')", "Scroll down", show=False),
        Binding("up,k", "scroll('up')", "Scroll up", show=False),
    ]

    def __init__(self, keys: KeyDisplay) -> None:
        super().__init__()
        self.keys = keys
        """Who names the keys as they are bound now (the app)."""

    def compose(self) -> ComposeResult:
        wide = self.app.size.width >= WIDE_HELP_COLUMNS
        with VerticalScroll(id="help-body", classes="-wide" if wide else "") as body:
            body.border_title = "Keys"
            body.border_subtitle = "↑ ↓ pgup pgdn scroll · esc closes"
            yield Static(help_table(self.keys, columns=2 if wide else 1),
                         id="help-table")

    def action_dismiss_help(self) -> None:
        self.dismiss(None)

    def action_scroll(self, direction: str) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        if direction == "down":
            body.scroll_down(animate=False)
        else:
            body.scroll_up(animate=False)
