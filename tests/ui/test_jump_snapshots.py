"""What jumping looks like, pinned as SVG snapshots: the palette's jump hits and the detail
pane's references (see test_snapshots.py for the conventions: demo data, fixed clock)."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from divio_tui.fake.dataset import FIXED_NOW, generate
from divio_tui.fake.server import FakeDivioAPI
from tests.ui.helpers import make_app, no_blink, press, settle

WIDE = (120, 36)

TO_SIB = [
    "down",  # Northwind Digital
    "l",  # expand it: its applications load
    "down",  # ACME Shop
    "l",  # expand: repository and environments
    "down", "down", "down",  # repository, test, live
    "l",  # expand live: its groups
    "l",  # Backups
    "l",  # expand Backups
    "l",  # the first backup (still running)
    "down",  # the newest completed one
    "l",  # expand it
    "l",  # its DATABASE backup
]
"""From the start screen to a service instance backup of ACME Shop's live environment."""


class TestJump:
    def test_references_with_one_selected(self, snap_compare: Any) -> None:
        """A SIB: its backup and service instance as doors; tab lands there, ↓ selects."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await settle(pilot)
            await press(pilot, *TO_SIB)
            await press(pilot,
                        "tab",  # into the detail pane: onto its references
                        "down")  # the service instance

        assert snap_compare(make_app(), terminal_size=WIDE, run_before=run_before)

    def test_palette_jump_by_name(self, snap_compare: Any) -> None:
        """: globex — applications of an organisation never opened, found by the API."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await settle(pilot)
            await press(pilot, "colon")
            no_blink(pilot)
            await pilot.press(*"globex")
            await settle(pilot)

        assert snap_compare(make_app(), terminal_size=WIDE, run_before=run_before)

    def test_palette_jump_by_uuid(self, snap_compare: Any) -> None:
        """A pasted backup UUID: found by trying the kinds it could be."""
        dataset = generate("demo", now=FIXED_NOW)
        backup = dataset.collections["backups"][40]

        async def run_before(pilot: Pilot[Any]) -> None:
            await settle(pilot)
            await press(pilot, "ctrl+p")
            no_blink(pilot)
            await pilot.press(*backup["uuid"])
            await settle(pilot)

        assert snap_compare(make_app(FakeDivioAPI(dataset)), terminal_size=WIDE,
                            run_before=run_before)
