"""The backup answer as the user sees it, pinned as SVG snapshots (see test_snapshots.py).

Demo dataset at FIXED_NOW with a fixed clock; `settle` waits for every fetch, the total size
included. Update with `pytest tests/ui/test_backup_snapshots.py --snapshot-update`, then look.
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from tests.ui.helpers import group, make_app, open_path, press, resource, settle

WIDE = (120, 36)
NARROW = (80, 24)


async def to_environment(pilot: Pilot[Any], organisation: str, application: str,
                         environment: str) -> None:
    await settle(pilot)
    await open_path(pilot, resource("organisation", name=organisation),
                    resource("application", slug=application),
                    resource("environment", slug=environment))


class TestEnvironmentSummary:
    def test_newest_backup_failed(self, snap_compare: Any) -> None:
        """Harbour Museum live: per service the older good backup, the failed newer one
        with its error, and the count, total size and oldest backup."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await to_environment(pilot, "Northwind Digital", "harbour-museum", "live")

        assert snap_compare(make_app(), terminal_size=WIDE, run_before=run_before)


class TestBackupsTable:
    async def _open(self, pilot: Pilot[Any]) -> None:
        await to_environment(pilot, "Northwind Digital", "acme-shop", "live")
        await open_path(pilot, group("backup"))
        await press(pilot,
                    "b",  # the table, from the Backups group
                    "down", "down",  # a few rows down
                    "right", "right", "right")  # onto the database column

    def test_table(self, snap_compare: Any) -> None:
        """ACME Shop live: the running backup on top, a partial and failed ones below, one
        column per service; the cursor's cell and row stand out."""
        assert snap_compare(make_app(), terminal_size=WIDE, run_before=self._open)

    def test_table_narrow(self, snap_compare: Any) -> None:
        """80x24: the notes run off to the right (the table scrolls), the footer fits."""
        assert snap_compare(make_app(), terminal_size=NARROW, run_before=self._open)

    def test_table_sorted_by_size(self, snap_compare: Any) -> None:
        """s on the size column: largest first, the arrow moves to that header."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await self._open(pilot)
            await press(pilot, "right", "right", "s")  # storage, size: sort by size

        assert snap_compare(make_app(), terminal_size=WIDE, run_before=run_before)
