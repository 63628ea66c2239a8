"""The log viewer as the user sees it, pinned as SVG snapshots (see test_snapshots.py).

Demo dataset at FIXED_NOW with a fixed clock and a fake that does not move, so the lines,
"last line … ago" and the counts never change. Update with
`pytest tests/ui/test_log_snapshots.py --snapshot-update`, then look at the SVGs.
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from tests.ui.helpers import make_app, open_path, press, resource, settle

WIDE = (120, 36)
NARROW = (80, 24)


async def runtime_logs(pilot: Pilot[Any], organisation: str, application: str,
                       environment: str) -> None:
    await settle(pilot)
    await open_path(pilot, resource("organisation", name=organisation),
                    resource("application", slug=application),
                    resource("environment", slug=environment))
    await press(pilot, "L")  # the environment's runtime logs, newest at the bottom


class TestRuntimeLogs:
    def test_filtered_to_the_worker_service(self, snap_compare: Any) -> None:
        """ACME Shop live, only the worker's lines that mention a stock sync, matches marked;
        older pages were read to fill the screen."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await runtime_logs(pilot, "Northwind Digital", "acme-shop", "live")
            await press(pilot, "S", "S")  # web, then worker
            await press(pilot, "slash", *"sync_stock", "enter")

        assert snap_compare(make_app(), terminal_size=WIDE, run_before=run_before)

    def test_hostile_text_narrow(self, snap_compare: Any) -> None:
        """Telemetry live at 80x24: escape sequences, OSC 52 and bidi shown as marks."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await runtime_logs(pilot, "Tiny Robots", "tinyrobots-telemetry", "live")
            await press(pilot, "S", "S", "S")  # web, worker, shell: the terminal sequences

        assert snap_compare(make_app(), terminal_size=NARROW, run_before=run_before)


class TestDeploymentLog:
    def test_failed_build_from_the_runtime_logs(self, snap_compare: Any) -> None:
        """Fleet Control live: `d` opens the last deployment's log, a 12-step build failing at
        step 9: steps bold, pip's errors red, line numbers in the gutter."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await runtime_logs(pilot, "Tiny Robots", "tinyrobots-fleet", "live")
            await press(pilot, "d")

        assert snap_compare(make_app(), terminal_size=WIDE, run_before=run_before)
