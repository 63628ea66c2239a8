"""The compare view as the user sees it, pinned as SVG snapshots (see test_snapshots.py).

Demo dataset at FIXED_NOW with a fixed clock; `settle` waits for both sides (every page, the
backup answers). Update with `pytest tests/ui/test_compare_snapshots.py --snapshot-update`,
then look at the SVGs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.ui.helpers import group, make_app, no_blink, open_path, press, resource, settle

WIDE = (120, 36)
NARROW = (80, 24)


async def to_fleet(pilot: Pilot[Any], environment: str) -> None:
    await settle(pilot)
    await open_path(pilot, resource("organisation", name="Tiny Robots"),
                    resource("application", slug="tinyrobots-fleet"),
                    resource("environment", slug=environment))


async def fleet_test_against_live(pilot: Pilot[Any]) -> None:
    await to_fleet(pilot, "test")
    await press(pilot,
                "equals_sign",  # against live, the other main environment
                *["down"] * 8)  # onto PIP_INDEX_URL: its values in full under the table


class TestCompare:
    def test_environments(self, snap_compare: Any) -> None:
        """Fleet Control test against live: sections, surprising differences first, then
        the expected ones, then the same; secrets masked; the cursor row in full below."""
        assert snap_compare(make_app(), terminal_size=WIDE, run_before=fleet_test_against_live)

    def test_environments_narrow(self, snap_compare: Any) -> None:
        """80x24: the columns share the width, long values are cut, the footer fits."""
        assert snap_compare(make_app(), terminal_size=NARROW,
                            run_before=fleet_test_against_live)

    def test_environments_light(self, snap_compare: Any) -> None:
        """The light theme: every role still readable."""
        assert snap_compare(make_app(theme="textual-light"), terminal_size=WIDE,
                            run_before=fleet_test_against_live)

    def test_deployments(self, snap_compare: Any) -> None:
        """= on live's newest (failed) deployment: against the one before, what was added,
        removed and changed, both deploys' times and outcomes on top."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await to_fleet(pilot, "live")
            await open_path(pilot, group("deployment", "environment"),
                            resource("deployment", success=False))
            await press(pilot, "equals_sign", "down")

        assert snap_compare(make_app(), terminal_size=WIDE, run_before=run_before)

    def test_picker(self, snap_compare: Any) -> None:
        """p: the palette offers the default other side first; typing searches every
        application."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await fleet_test_against_live(pilot)
            await press(pilot, "p")
            no_blink(pilot)
            await pilot.press(*"globex")
            await pilot.pause(0.5)
            await settle(pilot)

        assert snap_compare(make_app(), terminal_size=WIDE, run_before=run_before)

    def test_save_prompt(self, snap_compare: Any, tmp_path: Path,
                         monkeypatch: pytest.MonkeyPatch) -> None:
        """s: where to save the JSON, and that secrets stay masked in it (the current
        directory is the home directory, shown as ~ whoever runs the test)."""
        monkeypatch.setenv("HOME", str(tmp_path))
        monkeypatch.chdir(tmp_path)

        async def run_before(pilot: Pilot[Any]) -> None:
            await fleet_test_against_live(pilot)
            await press(pilot, "s")
            no_blink(pilot)

        assert snap_compare(make_app(), terminal_size=WIDE, run_before=run_before)
