"""The start screen, an environment summary and the backups table at 80x24 and in a light
theme: what a first-time user on a small terminal, or with a light terminal, sees."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from tests.ui.helpers import make_app, open_path, press, resource, settle

NARROW = (80, 24)
WIDE = (120, 36)
LIGHT = "textual-light"


async def start(pilot: Pilot[Any]) -> None:
    await settle(pilot)


async def acme_live(pilot: Pilot[Any]) -> None:
    # The cursor on ACME Shop's live environment: its backup answer in the summary.
    await settle(pilot)
    await open_path(pilot, resource("organisation", name="Northwind Digital"),
                    resource("application", slug="acme-shop"))
    await open_path(pilot, resource("environment", slug="live"))
    await press(pilot, "left")  # collapse it again: the summary stays, the tree is short


async def backups_table(pilot: Pilot[Any]) -> None:
    await acme_live(pilot)
    await press(pilot, "b")  # its backups as a table


class TestNarrow:
    def test_start_screen(self, snap_compare: Any) -> None:
        assert snap_compare(make_app(), terminal_size=NARROW, run_before=start)

    def test_environment_summary(self, snap_compare: Any) -> None:
        """The latest good backup of each service is above the fold; no name wraps."""
        assert snap_compare(make_app(), terminal_size=NARROW, run_before=acme_live)

    def test_backups_table(self, snap_compare: Any) -> None:
        assert snap_compare(make_app(), terminal_size=NARROW, run_before=backups_table)


class TestLight:
    def test_start_screen(self, snap_compare: Any) -> None:
        assert snap_compare(make_app(theme=LIGHT), terminal_size=WIDE, run_before=start)

    def test_environment_summary(self, snap_compare: Any) -> None:
        assert snap_compare(make_app(theme=LIGHT), terminal_size=WIDE, run_before=acme_live)

    def test_backups_table(self, snap_compare: Any) -> None:
        assert snap_compare(make_app(theme=LIGHT), terminal_size=WIDE,
                            run_before=backups_table)
