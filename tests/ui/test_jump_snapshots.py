"""What jumping looks like, pinned as SVG snapshots: the palette's jump hits and the detail
pane's references (see test_snapshots.py for the conventions: demo data, fixed clock)."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from divio_tui.fake.dataset import FIXED_NOW, generate
from divio_tui.fake.server import FakeDivioAPI
from tests.ui.helpers import acme_live_backup, make_app, no_blink, press, settle

WIDE = (120, 36)


class TestJump:
    def test_references_with_one_selected(self, snap_compare: Any) -> None:
        """A SIB revealed by uuid (its ancestors opened, its line centred); its backup and
        service instance as doors: tab lands there, ↓ selects the second."""
        dataset = generate("demo", now=FIXED_NOW)
        environment = dataset.environment("acme-shop", "live")
        assert environment is not None
        backup = dataset.where("backups", "environment", environment["uuid"])[1]

        async def run_before(pilot: Pilot[Any]) -> None:
            await settle(pilot)
            app: Any = pilot.app
            await app.explorer.resource_tree.reveal("service_instance_backup",
                                           backup["service_instance_backups"][0]).wait()
            await settle(pilot)
            await press(pilot,
                        "tab",  # into the detail pane: onto its references
                        "down")  # the service instance

        assert snap_compare(make_app(FakeDivioAPI(dataset)), terminal_size=WIDE,
                            run_before=run_before)

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
        backup = acme_live_backup(dataset)

        async def run_before(pilot: Pilot[Any]) -> None:
            await settle(pilot)
            await press(pilot, "ctrl+p")
            no_blink(pilot)
            pilot.app.screen.query_one(Input).insert_text_at_cursor(backup["uuid"])  # pasted
            await settle(pilot)

        assert snap_compare(make_app(FakeDivioAPI(dataset)), terminal_size=WIDE,
                            run_before=run_before)
