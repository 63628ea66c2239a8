"""The help screen as a person reads it: at 120x36 and at 80x24, every line reachable by
scrolling, nothing cut, and the way to scroll said on screen."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from rich.console import Console
from textual.containers import VerticalScroll
from textual.widgets import Static

from divio_tui.ui.keys import HELP_SECTIONS
from divio_tui.ui.screens.help import NOTES, WIDE_HELP_COLUMNS, HelpScreen, help_table
from tests.ui.helpers import make_app, press, settle


def screen_text(app: Any) -> str:
    """Roughly the text on screen (the SVG screenshot without its markup)."""
    svg = app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("size", [(120, 36), (80, 24)])
async def test_every_line_of_the_help_is_reached_by_scrolling_and_none_is_cut(
        size: tuple[int, int]) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await press(pilot, "f1")
        assert isinstance(app.screen, HelpScreen)
        body = app.screen.query_one("#help-body", VerticalScroll)
        assert body.max_scroll_x == 0  # nothing wider than the window
        assert body.max_scroll_y > 0  # more than one screen of it
        assert "scroll" in str(body.border_subtitle)  # and it says how to see the rest
        seen = screen_text(app)
        for _ in range(30):
            if body.scroll_y >= body.max_scroll_y:
                break
            await press(pilot, "pagedown")
            seen += screen_text(app)
        assert body.scroll_y == body.max_scroll_y
        assert "copied or logged." in screen_text(app)  # the last line, on screen
        for title, _entries in HELP_SECTIONS:
            assert title in seen

        # Nothing cut: rendered at the width it has, every description is there whole (no
        # "…" but the ones written) and no line is wider than the pane.
        table = app.screen.query_one("#help-table", Static)
        width = table.content_region.width
        console = Console(width=width, record=True, color_system=None)
        console.print(help_table(app, columns=2 if size[0] >= WIDE_HELP_COLUMNS else 1))
        text = console.export_text()
        assert max(len(line.rstrip()) for line in text.splitlines()) <= width
        written = [entry.description for _title, entries in HELP_SECTIONS for entry in entries]
        assert text.count("…") == sum(line.count("…") for line in [*written, *NOTES])
        if size[0] < WIDE_HELP_COLUMNS:  # one column: each description reads in one piece
            flowing = words(text)
            for description in [*written, *NOTES]:
                assert words(description) in flowing
