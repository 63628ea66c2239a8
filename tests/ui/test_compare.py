"""The compare view as a user drives it: `=` on an environment or a deployment, the rows and
their labels, secrets masked on screen and in copies until `v`, enter into the tree, the
pickers, saving as JSON, failures with a retry."""

from __future__ import annotations

import html
import json
import re
import stat
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.style import Style
from textual.pilot import Pilot
from textual.widgets import Input

from divio_tui.fake import FIXED_NOW, FakeDivioAPI
from divio_tui.fake.dataset import Dataset, generate
from divio_tui.state.compare import ENVIRONMENT_WORDS, VARIABLES, Cell, Row, Status
from divio_tui.state.nodes import ResourceData
from divio_tui.ui.app import DivioApp
from divio_tui.ui.compare.screen import CompareScreen
from divio_tui.ui.compare.table import CompareTable, row_cells
from divio_tui.ui.screens.help import help_table
from divio_tui.ui.text.labels import MASK
from divio_tui.ui.widgets.save_prompt import SavePrompt
from tests.ui.helpers import (
    TOKEN,
    group,
    make_app,
    no_blink,
    open_path,
    press,
    resource,
    settle,
    tree,
)

WIDE = (120, 36)


def screen_text(app: Any) -> str:
    """Roughly the text on screen (the SVG screenshot without its markup)."""
    svg = app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


def table_rows(app: DivioApp) -> dict[str, list[str]]:
    """Every line of the compare table by its name column, as plain cells (a name in two
    sections: its first)."""
    table = app.screen.query_one(CompareTable)
    rows: dict[str, list[str]] = {}
    for index in range(table.row_count):
        cells = [cell.plain for cell in table.get_row_at(index)]
        rows.setdefault(cells[1], cells)
    return rows


def secrets_of(dataset: Dataset, app: str, *envs: str) -> list[str]:
    found = []
    for slug in envs:
        env = dataset.environment(app, slug)
        assert env is not None
        found += [v["value"] for v in dataset.where("environment-variables", "environment",
                                                    env["uuid"]) if v["is_sensitive"]]
    return found


def messages(app: DivioApp) -> str:
    return " ".join(n.message for n in app._notifications)


async def to_environment(pilot: Pilot[Any], app: str, env: str,
                         org: str = "Tiny Robots") -> Any:
    await settle(pilot)
    return await open_path(pilot, resource("organisation", name=org),
                           resource("application", slug=app), resource("environment", slug=env))


async def move_to(pilot: Pilot[Any], name: str, column: int) -> None:
    """Put the table's cursor on the row named `name`, in `column`."""
    table = pilot.app.screen.query_one(CompareTable)
    index = next(i for i in range(table.row_count) if table.get_row_at(i)[1].plain == name)
    table.move_cursor(row=index, column=column)
    await settle(pilot)


async def test_equals_on_test_compares_it_with_live_and_labels_every_difference() -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await to_environment(pilot, "tinyrobots-fleet", "test")
        await press(pilot, "equals_sign")
        assert isinstance(app.screen, CompareScreen)
        rows = table_rows(app)
        assert rows["DEBUG_TOOLBAR"][0::2] == ["only in A", "true"]
        assert rows["CDN_URL"][0] == "only in B" and rows["CDN_URL"][2] == "—"
        assert rows["WORKERS"][0] == "differs" and rows["WORKERS"][2:] == ["2", "8"]
        assert rows["STRIPE_SECRET_KEY"] == ["differs", "STRIPE_SECRET_KEY", MASK, MASK]
        assert rows["MAPBOX_TOKEN"] == ["same", "MAPBOX_TOKEN", MASK, MASK]
        assert rows["STAGE"][0] == "expected" and rows["STAGE"][2:] == ["test", "live"]
        assert rows["branch"][0] == "differs"
        assert rows["branch"][2:] == ["release/2.4", "main"]
        assert rows["DATABASE · ANALYTICS"][0] == "only in B"
        assert rows["fleet-preview.tinyrobots.dev"][0] == "only in A"
        assert rows["last deployment"][2].startswith("success")
        assert rows["last deployment"][3].startswith("failed")
        text = screen_text(app)
        assert "A  Fleet Control › test" in text and "B  Fleet Control › live" in text
        assert "14 differences" in text
        # The section lines, in order, differences first inside each.
        sections = [name for name, cells in rows.items() if cells[0] == "" and name]
        assert sections == ["Environment", "Environment variables", "Service instances",
                            "Domains", "Backups"]
        # The reason for an expected difference is there for the row under the cursor.
        await move_to(pilot, "STAGE", 2)
        assert "STAGE  expected: each names its own environment" in screen_text(app)


async def test_secrets_stay_masked_on_screen_and_in_copies_until_revealed_c_copies_a_cell() -> None:
    app = make_app()
    secrets = secrets_of(generate("demo", now=FIXED_NOW), "tinyrobots-fleet", "test", "live")
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await to_environment(pilot, "tinyrobots-fleet", "test")
        await press(pilot, "equals_sign")
        cells = " ".join(" ".join(row) for row in table_rows(app).values())
        await move_to(pilot, "STRIPE_SECRET_KEY", 3)
        before = app.clipboard
        await press(pilot, "c")
        assert app.clipboard == before  # nothing copied
        assert "is sensitive: nothing copied" in messages(app)
        shown = screen_text(app) + cells + messages(app) + app.clipboard
        assert secrets and not any(secret in shown for secret in secrets)
        assert TOKEN not in shown

        await press(pilot, "v")  # reveal
        stripe = table_rows(app)["STRIPE_SECRET_KEY"]
        assert stripe[3].startswith("sk_live_")
        await press(pilot, "c")
        assert app.clipboard.startswith("sk_live_") and app.clipboard in secrets
        assert stripe[3] in screen_text(app)

        await press(pilot, "v")  # masked again
        assert table_rows(app)["STRIPE_SECRET_KEY"][2:] == [MASK, MASK]
        refusals = messages(app).count("nothing copied")
        await press(pilot, "c")
        assert messages(app).count("nothing copied") == refusals + 1

        # What c copies follows the cursor's column: A, B, the name.
        await move_to(pilot, "WORKERS", 2)
        await press(pilot, "c")
        assert app.clipboard == "2"
        await press(pilot, "l", "c")
        assert app.clipboard == "8"
        await press(pilot, "h", "h", "c")
        assert app.clipboard == "WORKERS"


async def test_enter_shows_the_row_s_resource_in_the_tree() -> None:
    app = make_app()
    dataset = generate("demo", now=FIXED_NOW)
    live = dataset.environment("tinyrobots-fleet", "live")
    assert live is not None
    cdn = next(v for v in dataset.where("environment-variables", "environment", live["uuid"])
               if v["name"] == "CDN_URL")
    async with app.run_test(size=WIDE) as pilot:
        await to_environment(pilot, "tinyrobots-fleet", "test")
        await press(pilot, "equals_sign")
        await move_to(pilot, "CDN_URL", 3)
        await press(pilot, "enter")
        assert not isinstance(app.screen, CompareScreen)
        node = tree(app).cursor_node
        assert node is not None and isinstance(node.data, ResourceData)
        assert (node.data.kind, node.data.uuid) == ("environment_variable", cdn["uuid"])
        # Back with = again: the caches answer, the A side has no CDN_URL to show.
        await open_path(pilot, resource("environment", slug="test"))
        await press(pilot, "equals_sign")
        await move_to(pilot, "CDN_URL", 2)
        await press(pilot, "enter")
        assert isinstance(app.screen, CompareScreen)


async def test_equals_on_a_deployment_compares_it_with_the_one_before() -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await to_environment(pilot, "tinyrobots-fleet", "live")
        await open_path(pilot, group("deployment", "environment"))
        newest = await open_path(pilot, resource("deployment", success=False))
        assert newest.data.raw["success"] is False
        await press(pilot, "equals_sign")
        assert isinstance(app.screen, CompareScreen)
        rows = table_rows(app)
        assert rows["ROUTE_PLANNER_ENABLED"][0] == "added"
        assert rows["LEGACY_TELEMETRY_URL"][0] == "removed"
        assert rows["PIP_INDEX_URL"][0] == "changed"
        assert rows["WORKERS"][0] == "same"
        text = screen_text(app)
        # Both deploys' times and outcomes.
        assert "✔ success" in text and "✘ failed" in text
        assert "3 differences" in text


async def test_differences_only_and_swap() -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await to_environment(pilot, "tinyrobots-fleet", "test")
        await press(pilot, "equals_sign")
        assert "MAPBOX_TOKEN" in table_rows(app)
        await press(pilot, "d")
        rows = table_rows(app)
        assert "MAPBOX_TOKEN" not in rows and "WORKERS" in rows
        assert "differences only" in screen_text(app)
        await press(pilot, "x")
        rows = table_rows(app)
        assert rows["DEBUG_TOOLBAR"][0] == "only in B"
        assert rows["WORKERS"][2:] == ["8", "2"]
        assert "A  Fleet Control › live" in screen_text(app)


async def test_p_picks_another_environment_from_the_palette() -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await to_environment(pilot, "tinyrobots-fleet", "test")
        await press(pilot, "equals_sign", "p")
        no_blink(pilot)
        # The default (live) is offered first, without typing.
        assert "Fleet Control › live" in screen_text(app)
        await pilot.press(*"telemetry")
        await pilot.pause(0.5)
        await settle(pilot)
        assert "Telemetry Ingest › live" in screen_text(app)
        await pilot.press("down")  # onto the first hit
        await settle(pilot)
        await press(pilot, "enter")
        assert isinstance(app.screen, CompareScreen)
        text = screen_text(app)
        assert "A  Fleet Control › test" in text and "B  Telemetry Ingest ›" in text
        rows = table_rows(app)
        assert "CALIB_R7_WRIST_GAIN" in rows and rows["CALIB_R7_WRIST_GAIN"][0] == "only in B"


async def test_the_palette_command_picks_both_sides() -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await to_environment(pilot, "tinyrobots-telemetry", "live")
        await press(pilot, "ctrl+p")
        no_blink(pilot)
        await pilot.press(*"Compare environments")
        await settle(pilot)
        await press(pilot, "enter")  # the command: a picker for the other side
        await settle(pilot)
        assert "Telemetry Ingest › test" in screen_text(app)
        await press(pilot, "enter")  # the default, test
        assert isinstance(app.screen, CompareScreen)
        rows = table_rows(app)
        assert rows["DEBUG_SQL"][0] == "only in B"
        assert "INGEST_BATCH_SIZE" in rows


async def test_hundreds_of_variables_fill_the_table(fake_api: FakeDivioAPI) -> None:
    app = make_app(fake_api, page_size=50)
    async with app.run_test(size=WIDE) as pilot:
        await to_environment(pilot, "tinyrobots-telemetry", "test")
        await press(pilot, "equals_sign")
        rows = table_rows(app)
        assert len([name for name in rows if name.startswith(("CALIB_", "SENSOR_", "FF_"))]) > 300
        assert "Environment variables" in rows
        assert rows["Environment variables"][2:] == ["9 differ", "8 expected · 335 same"]


async def test_save_writes_masked_json_and_asks_before_replacing(tmp_path: Path) -> None:
    app = make_app()
    target = tmp_path / "fleet.json"
    secrets = secrets_of(generate("demo", now=FIXED_NOW), "tinyrobots-fleet", "test", "live")
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await to_environment(pilot, "tinyrobots-fleet", "test")
        await press(pilot, "equals_sign", "s")
        assert isinstance(app.screen, SavePrompt)
        no_blink(pilot)
        app.screen.query_one("#save-path", Input).value = str(target)
        await press(pilot, "enter")
        assert isinstance(app.screen, CompareScreen)
        written = target.read_text()
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        document = json.loads(written)
        assert document["compare"] == "environments" and document["differences"] == 14
        assert not any(secret in written for secret in secrets)
        assert "Saved" in messages(app)

        await press(pilot, "v", "s")  # revealed, and the same path again
        app.screen.query_one("#save-path", Input).value = str(target)
        await press(pilot, "enter")
        assert isinstance(app.screen, SavePrompt)  # it exists: asked first
        assert "exists" in screen_text(app)
        assert target.read_text() == written
        await press(pilot, "enter")  # yes, replace it
        assert isinstance(app.screen, CompareScreen)
        assert any(secret in target.read_text() for secret in secrets)


async def test_a_failed_section_says_so_and_r_retries(fake_api: FakeDivioAPI) -> None:
    fake_api.fail_next("/apps/v3/domains", 503, times=50)
    app = make_app(fake_api)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await to_environment(pilot, "tinyrobots-fleet", "test")
        await press(pilot, "equals_sign")
        rows = table_rows(app)
        assert rows["Domains"][2] == "⚠ 503 Service Unavailable"
        assert rows["Domains"][3] == "r retries"
        assert "could not read the domains: 503 Service Unavailable — r retries" in \
            screen_text(app)
        assert "WORKERS" in rows  # the rest is there
        fake_api.clear_failures()
        await press(pilot, "r")
        rows = table_rows(app)
        assert rows["Domains"][2].endswith("same") or "differ" in rows["Domains"][2]
        assert "fleet-preview.tinyrobots.dev" in rows


async def test_an_only_environment_opens_the_picker() -> None:
    dataset = generate("demo", now=FIXED_NOW)
    fleet = dataset.environment("tinyrobots-fleet", "live")
    assert fleet is not None
    dataset.remove("environments", fleet["uuid"])
    app = make_app(FakeDivioAPI(dataset))
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await to_environment(pilot, "tinyrobots-fleet", "test")
        await press(pilot, "equals_sign")
        assert "has no other environment: pick one" in messages(app)
        assert not isinstance(app.screen, CompareScreen)
        await press(pilot, "escape")


async def test_the_help_lists_the_compare_keys() -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await press(pilot, "f1")
        assert "compare it: test ⇄ live" in screen_text(app)
        console = Console(width=120, record=True, color_system=None)
        console.print(help_table(app, columns=2))  # the whole help, scrolled or not
        assert "Compare view" in console.export_text()


def test_api_text_in_cells_is_shown_literally() -> None:
    hostile = "\x1b[31mMaintenance\x1b[0m [b]22:00[/b]\u202e"
    row = Row(VARIABLES, "BANNER\x1b[2J", Status.DIFFERS, Cell(hostile), Cell("ok"))
    cells = row_cells(row, ENVIRONMENT_WORDS, (30, 60, 60), reveal=False,
                      now=FIXED_NOW, lookup=lambda role: Style())
    assert cells[1].plain == "BANNER␛[2J"
    assert cells[2].plain == "␛[31mMaintenance␛[0m [b]22:00[/b]\\u202e"
    assert not any("\x1b" in cell.plain for cell in cells)


async def test_p_on_deployments_picks_another_and_keeps_the_earlier_on_the_left() -> None:
    app = make_app()
    dataset = generate("demo", now=FIXED_NOW)
    live = dataset.environment("tinyrobots-fleet", "live")
    assert live is not None
    deployments = dataset.where("deployments", "environment", live["uuid"])
    async with app.run_test(size=WIDE) as pilot:
        await to_environment(pilot, "tinyrobots-fleet", "live")
        await open_path(pilot, group("deployment", "environment"))
        await open_path(pilot, resource("deployment", uuid=deployments[0]["uuid"]))
        await press(pilot, "equals_sign", "p")
        no_blink(pilot)
        text = screen_text(app)
        assert "previous" in text and "compared now" in text
        # The fourth newest: its rotated STRIPE_SECRET_KEY and older WORKERS show as changed.
        await pilot.press(*deployments[3]["uuid"])
        await pilot.pause(0.3)
        await settle(pilot)
        await press(pilot, "down", "enter")
        assert isinstance(app.screen, CompareScreen)
        comparison = app.screen.comparison
        assert comparison.uuids == (deployments[3]["uuid"], deployments[0]["uuid"])
        rows = table_rows(app)
        assert rows["WORKERS"][0] == "changed" and rows["STRIPE_SECRET_KEY"][0] == "changed"
        assert rows["CDN_URL"][0] == "same"


async def test_the_first_deployment_opens_the_picker() -> None:
    app = make_app()
    dataset = generate("demo", now=FIXED_NOW)
    live = dataset.environment("tinyrobots-fleet", "live")
    assert live is not None
    first = dataset.where("deployments", "environment", live["uuid"])[-1]
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await to_environment(pilot, "tinyrobots-fleet", "live")
        await open_path(pilot, group("deployment", "environment"))
        await open_path(pilot, resource("deployment", uuid=first["uuid"]))
        await press(pilot, "equals_sign")
        assert "first deployment: pick another" in messages(app)
        no_blink(pilot)
        await press(pilot, "down", "enter")  # the newest one
        assert isinstance(app.screen, CompareScreen)
        assert app.screen.comparison.uuids[0] == first["uuid"]
