"""Every text role is readable in every built-in theme: WCAG 4.5:1 against what it is drawn on."""

from __future__ import annotations

from typing import Any

from rich.segment import Segment
from textual.color import Color
from textual.theme import BUILTIN_THEMES
from textual.widget import Widget

from divio_tui.ui.text.roles import MIN_CONTRAST, contrast
from tests.ui.helpers import make_app, open_path, resource, settle


def drawn_pairs(widget: Widget) -> list[tuple[str, float]]:
    """(text, contrast) of every piece of text the widget draws now, line by line."""
    pairs: list[tuple[str, float]] = []
    for y in range(widget.size.height):
        segment: Segment
        for segment in widget.render_line(y):
            style = segment.style
            # Text, not decoration: the tree's guides, borders and toggles are drawn faint on
            # purpose.
            if not any(char.isalnum() for char in segment.text) or style is None \
                    or style.color is None or style.bgcolor is None:
                continue
            fg, bg = style.color.triplet, style.bgcolor.triplet
            if fg is None or bg is None:  # an ANSI theme: the terminal's own palette
                continue
            pairs.append((segment.text, contrast(Color(*fg), Color(*bg))))
    return pairs


def unreadable(widgets: list[Widget]) -> list[str]:
    return [f"{type(widget).__name__}: {text.strip()!r} {ratio:.2f}"
            for widget in widgets for text, ratio in drawn_pairs(widget)
            if ratio < MIN_CONTRAST]


async def test_the_tree_and_the_detail_pane_are_readable_in_every_builtin_theme() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        # An environment: states, muted slugs and branches, the summary's labels and roles.
        await open_path(pilot, resource("organisation", name="Northwind Digital"),
                        resource("application", slug="acme-shop"),
                        resource("environment", slug="live"))
        tree = app.explorer.resource_tree
        tree.move_cursor(tree.cursor_node.parent)  # type: ignore[union-attr]
        await settle(pilot)
        detail: Any = app.explorer.detail
        failures: dict[str, list[str]] = {}
        for theme in BUILTIN_THEMES:
            app.theme = theme
            await pilot.pause()
            panes: list[Widget] = [tree, *detail.query("Static").results()]
            bad = unreadable(panes)
            if bad:
                failures[theme] = bad
        assert failures == {}
