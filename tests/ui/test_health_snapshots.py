"""The backup health view and an application's environments table, pinned as SVG snapshots.

Demo dataset at FIXED_NOW with a fixed clock; `settle` waits for the scan to finish. Update
with `pytest tests/ui/test_health_snapshots.py --snapshot-update`, then look.
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from tests.ui.helpers import make_app, open_path, press, resource, settle

WIDE = (120, 36)
NARROW = (80, 24)


async def _every_organisation(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await press(pilot, "H")  # on the Organisations group: every environment


class TestHealthView:
    def test_every_organisation(self, snap_compare: Any) -> None:
        """Worst first: never, no backups, failing, stale, then the ok ones; the counts in
        the status line; the cursor's row told in full under the table."""
        assert snap_compare(make_app(), terminal_size=WIDE, run_before=_every_organisation)

    def test_every_organisation_narrow(self, snap_compare: Any) -> None:
        """80x24: the verdict, the environment and its database fit; the rest scrolls."""
        assert snap_compare(make_app(), terminal_size=NARROW, run_before=_every_organisation)

    def test_a_failing_service_under_the_cursor(self, snap_compare: Any) -> None:
        """Tiny Robots' store: the cursor on live's database: three failures in a row, the
        first error in words, the last good backup three days old."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await settle(pilot)
            await open_path(pilot, resource("organisation", name="Tiny Robots"),
                            resource("application", slug="tinyrobots-store"))
            await press(pilot, "H",
                        "down",  # live: failing
                        "right", "right")  # its database column

        assert snap_compare(make_app(), terminal_size=WIDE, run_before=run_before)


class TestEnvironmentsTable:
    def test_an_application_at_a_glance(self, snap_compare: Any) -> None:
        """The detail pane of tinyrobots-store: one line per environment with its verdict,
        the age of each service's latest good backup, its last deployment and branch."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await settle(pilot)
            await open_path(pilot, resource("organisation", name="Tiny Robots"),
                            resource("application", slug="tinyrobots-store"))
            await press(pilot, "less_than_sign", "less_than_sign", "less_than_sign",
                        "less_than_sign")  # a narrower tree, a wider detail pane

        assert snap_compare(make_app(), terminal_size=WIDE, run_before=run_before)
