"""What the user sees, pinned as SVG snapshots (pytest-textual-snapshot).

Every app runs on the demo dataset at FIXED_NOW with a fixed clock, so relative times never
drift; `settle` waits for every worker before the screenshot; input cursors do not blink.
Update with `pytest tests/ui --snapshot-update`, then look at the SVGs.
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from divio_tui.fake.dataset import FIXED_NOW, generate
from divio_tui.fake.server import FakeDivioAPI
from tests.ui.helpers import (
    find_node,
    goto,
    group,
    make_app,
    no_blink,
    open_path,
    press,
    resource,
    settle,
)

WIDE = (120, 36)
NARROW = (80, 24)
BIG = (200, 60)

TO_LIVE = [
    "down",  # Northwind Digital
    "l",  # expand it: its applications load
    "down",  # ACME Shop
    "l",  # expand: repository and environments
    "down",  # repository
    "down",  # test
    "down",  # live
    "l",  # expand live: its groups
]
"""From the start screen to ACME Shop's live environment, opened."""


async def start(pilot: Pilot[Any]) -> None:
    await settle(pilot)


class TestStart:
    def test_start_screen(self, snap_compare: Any) -> None:
        """Organisations listed, the connection described in the detail pane."""
        assert snap_compare(make_app(), terminal_size=WIDE, run_before=start)

    def test_start_screen_narrow(self, snap_compare: Any) -> None:
        """80x24: both panes fit, the footer still shows the main keys."""
        assert snap_compare(make_app(), terminal_size=NARROW, run_before=start)


class TestTree:
    def test_expanded_application(self, snap_compare: Any) -> None:
        """ACME Shop: its repository inline, then test / live / staging with deploy status."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await settle(pilot)
            await press(pilot, *TO_LIVE[:4])

        assert snap_compare(make_app(), terminal_size=WIDE, run_before=run_before)

    def test_environment_groups(self, snap_compare: Any) -> None:
        """live expanded: one group per child kind; the detail shows the environment."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await settle(pilot)
            await press(pilot, *TO_LIVE)

        assert snap_compare(make_app(), terminal_size=WIDE, run_before=run_before)

    def test_backups_with_sibs(self, snap_compare: Any) -> None:
        """Backups newest first with sizes; a backup opened to its service-instance backups."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await settle(pilot)
            await press(pilot, *TO_LIVE)
            await press(pilot,
                        "l",  # Backups
                        "l",  # expand Backups
                        "l",  # first backup (still running)
                        "down",  # the newest completed one
                        "l",  # expand it
                        "l")  # its DATABASE backup

        assert snap_compare(make_app(), terminal_size=WIDE, run_before=run_before)

    def test_deployment_detail(self, snap_compare: Any) -> None:
        """A deployment: outcome, duration, times and its JSON with the reference marked."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await settle(pilot)
            await press(pilot, *TO_LIVE)
            await press(pilot,
                        "l",  # Backups
                        "down",  # Deployments
                        "l",  # expand
                        "l")  # newest deployment

        assert snap_compare(make_app(), terminal_size=WIDE, run_before=run_before)

    def test_environment_variables_masked(self, snap_compare: Any) -> None:
        """Sensitive values are masked in the label, the summary and the JSON."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await settle(pilot)
            await press(pilot, *TO_LIVE)
            await press(pilot,
                        "l",  # Backups
                        "down", "down", "down",  # Environment variables
                        "l",  # expand
                        "l")  # DATABASE_URL (sensitive)

        assert snap_compare(make_app(), terminal_size=WIDE, run_before=run_before)

    def test_error_node(self, snap_compare: Any) -> None:
        """A 503 on deployments: an error node with a retry hint, a toast, the rest intact."""
        api = FakeDivioAPI(now=FIXED_NOW)
        api.fail_next("deployments", 503, times=40)  # the summaries read deployments too

        async def run_before(pilot: Pilot[Any]) -> None:
            await settle(pilot)
            await press(pilot, *TO_LIVE)
            await press(pilot,
                        "l",  # Backups
                        "down",  # Deployments
                        "l",  # expand: fails
                        "l")  # onto the error node: the detail shows the whole error

        assert snap_compare(make_app(api), terminal_size=WIDE, run_before=run_before)

    def test_untrusted_names_render_literally(self, snap_compare: Any) -> None:
        """Markup in names shows as typed; escape sequences are shown as ␛, not obeyed."""
        dataset = generate("demo", now=FIXED_NOW)
        org = dataset.collections["organisations"][0]
        dataset.add("applications", {
            "slug": "evil", "name": "\x1b[31mRed\x1b[0m [bold]x[/] [link=http://x]y[/link]",
            "organisation": org["uuid"], "repository": None,
            "created_at": "2026-01-01T00:00:00Z"})

        async def run_before(pilot: Pilot[Any]) -> None:
            await settle(pilot)
            await press(pilot,
                        "down",  # Northwind Digital
                        "l",  # expand
                        "l")  # the first application: the hostile one

        assert snap_compare(make_app(FakeDivioAPI(dataset)), terminal_size=WIDE,
                            run_before=run_before)

    def test_backups_narrow(self, snap_compare: Any) -> None:
        """80x24 deep in the tree: labels are cut at the pane edge, nothing overlaps."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await settle(pilot)
            await press(pilot, *TO_LIVE)
            await press(pilot, "l", "l", "l", "down")  # Backups, expand, first, second

        assert snap_compare(make_app(), terminal_size=NARROW, run_before=run_before)

    def test_big_terminal(self, snap_compare: Any) -> None:
        """200x60: the panes share the room; the JSON needs no wrapping."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await settle(pilot)
            await press(pilot, *TO_LIVE)
            await press(pilot, "l", "l", "l", "down")

        assert snap_compare(make_app(), terminal_size=BIG, run_before=run_before)


class TestScreens:
    def test_help_screen(self, snap_compare: Any) -> None:
        """F1: every key with what it does."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await settle(pilot)
            await press(pilot, "f1")

        assert snap_compare(make_app(), terminal_size=WIDE, run_before=run_before)

    def test_help_screen_at_80x24_scrolled_to_the_end(self, snap_compare: Any) -> None:
        """F1 at 80x24, then end: one column, the last note on screen, how to scroll said."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await settle(pilot)
            await press(pilot, "f1", "end")

        assert snap_compare(make_app(), terminal_size=NARROW, run_before=run_before)

    def test_palette(self, snap_compare: Any) -> None:
        """ctrl+p: commands for the highlighted node and loaded resources, fuzzy matched."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await settle(pilot)
            await press(pilot, "down", "l")  # Northwind Digital, expanded
            await press(pilot, "ctrl+p")
            no_blink(pilot)
            await pilot.press(*"go acme")
            await pilot.pause(0.5)
            await settle(pilot)

        assert snap_compare(make_app(), terminal_size=WIDE, run_before=run_before)

    def test_filter(self, snap_compare: Any) -> None:
        """/ live: only matching lines, their ancestors and what is open under them."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await settle(pilot)
            await press(pilot, *TO_LIVE[:4])
            await press(pilot, "slash")
            no_blink(pilot)
            await press(pilot, *"live")

        assert snap_compare(make_app(), terminal_size=WIDE, run_before=run_before)

    def test_group_summary(self, snap_compare: Any) -> None:
        """A loaded group: count, newest and oldest."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await settle(pilot)
            await open_path(pilot, resource("organisation", name="Northwind Digital"),
                            resource("application", slug="acme-shop"),
                            resource("environment", slug="live"), group("backup"))
            await goto(pilot, find_node(pilot.app, group("backup")))  # type: ignore[arg-type]

        assert snap_compare(make_app(), terminal_size=WIDE, run_before=run_before)
