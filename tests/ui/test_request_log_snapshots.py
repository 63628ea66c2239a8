"""The request log as the user sees it, pinned as SVG snapshots (see test_snapshots.py).

The requests are made one after the other (no two in flight), so their order is the same on
every run; the app's clock is fixed, and the durations, which are the machine's, are set to
made-up values before the screen opens. Update with `make snapshot-update`, then look.
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from divio_tui.fake.dataset import FIXED_NOW
from divio_tui.fake.server import FakeDivioAPI
from tests.ui.helpers import group, make_app, open_path, press, resource, settle

WIDE = (120, 36)
NARROW = (80, 24)


def scene() -> tuple[Any, Any]:
    api = FakeDivioAPI(now=FIXED_NOW)
    app = make_app(api)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        app.request_log.clear()  # the start's two requests run side by side
        api.fail_next("regions", 503)  # Regions: a 503, then the retry that works
        regions = await open_path(pilot, group("region"))
        first, second = regions.children[:2]
        await open_path(pilot, resource("region", uuid=first.data.uuid))  # its services
        api.fail_next("services", 404)  # the second region's services: not found
        await open_path(pilot, resource("region", uuid=second.data.uuid))
        await open_path(pilot, resource("organisation", name="Northwind Digital"))
        for entry in app.request_log.entries:
            entry.elapsed_ms = 20.0 + (entry.number * 37) % 90  # stable "durations"
        app.clear_notifications()  # the 404's toast: not what these pictures are about
        await press(pilot, "ctrl+l")  # the request log

    return app, run_before


class TestRequestLog:
    def test_request_log(self, snap_compare: Any) -> None:
        """Newest first: the organisation's applications, a 404 in red, a region's services,
        the 503 that was retried (yellow, ↻) and its retry; who asked in the last column."""
        app, run_before = scene()
        assert snap_compare(app, terminal_size=WIDE, run_before=run_before)

    def test_request_log_narrow(self, snap_compare: Any) -> None:
        """80x24: the request and "asked by" columns share what is left; the footer fits."""
        app, run_before = scene()
        assert snap_compare(app, terminal_size=NARROW, run_before=run_before)

    def test_response_body(self, snap_compare: Any) -> None:
        """enter on the 404: the request line, status, size, who asked, the body as JSON."""
        app, before = scene()

        async def run_before(pilot: Pilot[Any]) -> None:
            await before(pilot)
            await press(pilot, "down", "enter")  # the 404

        assert snap_compare(app, terminal_size=WIDE, run_before=run_before)
