"""The backup health view as a user drives it: scopes, streaming, keys, export, failures."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from divio_tui.fake import FakeDivioAPI
from divio_tui.fake.transport import FakeTransport
from divio_tui.state.health import Verdict
from divio_tui.state.health_plan import Plan
from divio_tui.state.nodes import ResourceData
from divio_tui.ui.backups.screen import BackupsScreen
from divio_tui.ui.health.cells import HealthText
from divio_tui.ui.health.screen import HealthScreen
from divio_tui.ui.widgets.save_prompt import SavePrompt
from tests.ui.helpers import (
    TOKEN,
    GatedTransport,
    find_node,
    goto,
    group,
    make_app,
    open_path,
    press,
    resource,
    settle,
    tree,
)


def health(app: Any) -> HealthScreen:
    screen = app.screen
    assert isinstance(screen, HealthScreen)
    return screen


def shown(screen: HealthScreen) -> list[tuple[str, ...]]:
    """The table as the user reads it: the plain text of every cell, row by row."""
    table = screen.table
    return [tuple(cell.plain for cell in table.get_row(row.key)) for row in table.ordered_rows]


def column(screen: HealthScreen, key: str) -> int:
    return screen.table.get_column_index(key)


def status(screen: HealthScreen) -> str:
    return str(screen.query_one("#health-status", HealthText)._text.plain)


def detail(screen: HealthScreen) -> str:
    return str(screen.query_one("#health-detail", HealthText)._text.plain)


async def open_on(pilot: Pilot[Any], *steps: Any) -> HealthScreen:
    await settle(pilot)
    if steps:
        await open_path(pilot, *steps)
    await press(pilot, "H")
    return health(pilot.app)


async def test_h_on_the_organisations_group_shows_every_environment_worst_first(
        fake_api: FakeDivioAPI) -> None:
    app = make_app(fake_api)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_on(pilot)  # the cursor starts on Organisations

        rows = shown(screen)
        assert len(rows) == len(fake_api.dataset.collections["environments"])
        assert [row[0] for row in rows[:7]] == ["✘ never", "✘ no backups", "✘ no backups",
                                                "✘ failing", "◷ stale", "◷ stale", "◷ stale"]
        assert {row[0] for row in rows[7:]} == {"✔ ok"}
        assert rows[0][1:3] == ("tinyrobots-store", "staging")
        assert status(screen).startswith("45 environments · 1 never · 2 no backups · 1 failing"
                                         " · 3 stale · 38 ok")
        headers = [c.label.plain.strip() for c in screen.table.ordered_columns]
        assert headers[:5] == ["verdict ▲", "application", "environment", "database", "storage"]
        assert "organisation" in headers
        assert "storage UPLOADS" in headers and "database ANALYTICS" in headers
        # The cursor is on the worst row; its line says why.
        assert detail(screen).startswith("Tiny Robots › tinyrobots-store › staging · ✘ never")
        assert TOKEN not in status(screen) + detail(screen)


async def test_h_on_an_application_shows_its_environments_only(fake_api: FakeDivioAPI) -> None:
    app = make_app(fake_api)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_on(pilot, resource("organisation", name="Tiny Robots"),
                               resource("application", slug="tinyrobots-store"))

        assert [row[:2] for row in shown(screen)] == [
            ("✘ never", "staging"), ("✘ failing", "live"), ("◷ stale", "test")]
        headers = [c.label.plain.strip() for c in screen.table.ordered_columns]
        assert "application" not in headers and "organisation" not in headers
        title = screen.query_one("#health-title").render()
        assert "tinyrobots-store" in str(title)


async def test_h_on_an_environment_opens_its_application_on_that_row(
        fake_api: FakeDivioAPI) -> None:
    app = make_app(fake_api)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_on(pilot, resource("organisation", name="Tiny Robots"),
                               resource("application", slug="tinyrobots-store"),
                               resource("environment", slug="test"))

        assert screen.scope.kind == "application"
        assert detail(screen).startswith("Tiny Robots › tinyrobots-store › test · ◷ stale")
        assert "3 d ago" in detail(screen)


async def test_enter_reveals_the_environment_in_the_tree(fake_api: FakeDivioAPI) -> None:
    app = make_app(fake_api)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_on(pilot)
        await press(pilot, "down", "down", "down", "enter")  # tinyrobots-store / live, failing

        assert not isinstance(app.screen, HealthScreen)
        node = tree(app).cursor_node
        assert node is not None and isinstance(node.data, ResourceData)
        assert node.data.uuid == fake_api.dataset.special_environment("backup_failing")["uuid"]


async def test_b_opens_the_backups_table_and_a_backup_shown_from_it_closes_both(
        fake_api: FakeDivioAPI) -> None:
    env = fake_api.dataset.special_environment("backup_failing")
    newest = fake_api.dataset.where("backups", "environment", env["uuid"])[0]
    app = make_app(fake_api)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_on(pilot)
        await press(pilot, "down", "down", "down", "b")
        table = app.screen
        assert isinstance(table, BackupsScreen) and table.scope.environment == env["uuid"]
        await press(pilot, "escape")  # back to the health view, as it was
        assert isinstance(app.screen, HealthScreen)

        await press(pilot, "b", "enter")  # the newest backup, in the tree
        assert not isinstance(app.screen, BackupsScreen | HealthScreen)
        node = tree(app).cursor_node
        assert node is not None and isinstance(node.data, ResourceData)
        assert (node.data.kind, node.data.uuid) == ("backup", newest["uuid"])


async def test_c_copies_the_latest_good_backup_or_the_service_backup_under_the_cursor(
        fake_api: FakeDivioAPI) -> None:
    dataset = fake_api.dataset
    env = dataset.special_environment("backup_failing")
    good = dataset.where("backups", "environment", env["uuid"])[3]  # after three failures
    database = next(sib for uuid in good["service_instance_backups"]
                    if (sib := dataset.by_id("service-instance-backups", uuid))
                    and sib["service_type"] == "DATABASE")
    app = make_app(fake_api)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_on(pilot, resource("organisation", name="Tiny Robots"),
                               resource("application", slug="tinyrobots-store"))
        await press(pilot, "down", "c")  # live, on its verdict: the latest good backup
        assert app.clipboard == good["uuid"]
        await press(pilot, *["right"] * column(screen, "service:DATABASE/DEFAULT"), "c")
        assert app.clipboard == database["uuid"]
        assert "latest good database backup of Tiny Robots › tinyrobots-store › live" in list(
            app._notifications)[-1].message


async def test_s_sorts_by_the_cursor_column_and_again_reverses(fake_api: FakeDivioAPI) -> None:
    app = make_app(fake_api)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_on(pilot)
        await press(pilot, "right", "s")  # the application column, A to Z
        names = [row[1] for row in shown(screen)]
        assert names == sorted(names, key=str.casefold)
        assert screen.table.ordered_columns[1].label.plain == "application ▲"
        await press(pilot, "s")
        assert [row[1] for row in shown(screen)] == sorted(names, key=str.casefold, reverse=True)
        await press(pilot, *["right"] * 2, "s")  # the database column: worst first
        assert shown(screen)[0][3] == "✘ no backups"


async def test_slash_filters_the_rows_and_escape_clears_then_closes(
        fake_api: FakeDivioAPI) -> None:
    app = make_app(fake_api)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_on(pilot)
        await press(pilot, "slash", *"STORE", "enter")

        assert [row[1:3] for row in shown(screen)] == [
            ("tinyrobots-store", "staging"), ("tinyrobots-store", "live"),
            ("tinyrobots-store", "test")]
        assert "filter “store”: 3 shown" in status(screen)
        await press(pilot, "escape")
        assert len(shown(screen)) == 45
        await press(pilot, "escape")
        assert not isinstance(app.screen, HealthScreen)


async def test_e_exports_the_rows_shown_as_csv_or_json(
        fake_api: FakeDivioAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(fake_api)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_on(pilot)
        await press(pilot, "slash", *"tinyrobots-store", "enter")
        await press(pilot, "e")
        assert isinstance(app.screen, SavePrompt)
        await press(pilot, "enter")
        (written,) = tmp_path.glob("backup-health-*.csv")
        assert written.name == "backup-health-every-organisation-20261125-1200.csv"
        lines = list(csv.DictReader(io.StringIO(written.read_text())))
        assert {line["environment"] for line in lines} == {"staging", "live", "test"}
        assert [line["environment_verdict"] for line in lines][:2] == ["never", "never"]

        await press(pilot, "e")
        path = app.screen.query_one("#save-path")
        path.value = "health.json"  # type: ignore[attr-defined]
        await press(pilot, "enter")
        body = json.loads((tmp_path / "health.json").read_text())
        assert [row["verdict"] for row in body["environments"]] == ["never", "failing", "stale"]
        assert body["generated_at"] == "2026-11-25T12:00:00Z"
        await press(pilot, "e")
        app.screen.query_one("#save-path").value = "health.json"  # type: ignore[attr-defined]
        await press(pilot, "enter")  # it exists: a second enter replaces it
        assert isinstance(app.screen, SavePrompt)
        assert "exists" in str(app.screen.query_one("#save-status").render())
        await press(pilot, "enter")
        assert isinstance(app.screen, HealthScreen) and screen.filter_text == "tinyrobots-store"


async def test_rows_stream_in_while_one_environment_waits_and_x_stops(
        fake_api: FakeDivioAPI) -> None:
    dataset = fake_api.dataset
    live = dataset.environment("acme-shop", "live")
    assert live is not None
    gate = GatedTransport(FakeTransport(fake_api),
                          lambda request: live["uuid"] in str(request.url))
    app = make_app(fake_api, transport=gate)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_path(pilot, resource("organisation", name="Northwind Digital"))
        # Open ACME Shop without resting on it (its environments table would read live),
        # and put the cursor on its test environment: H opens the application, on test.
        find_node(app, resource("application", slug="acme-shop")).expand()
        await settle(pilot)
        await goto(pilot, find_node(app, resource("environment", slug="test")))
        await pilot.press("H")
        screen = health(app)
        for _ in range(500):  # the other environments' rows arrive; live's read is held
            await pilot.pause(0.02)
            if len(shown(screen)) == 2:
                break
        assert {row[1] for row in shown(screen)} == {"test", "staging"}
        assert screen.scanning and status(screen).startswith("2 of 3 environments")
        assert screen.scan.progress.plan is Plan.PER_ENVIRONMENT
        await pilot.press("down", "up")  # usable meanwhile
        assert detail(screen).startswith("Northwind Digital › acme-shop")

        await pilot.press("x")
        await pilot.pause()
        assert not screen.scanning
        assert status(screen) == "stopped at 2 of 3 environments — r goes on"
        gate.release()
        await press(pilot, "r")
        assert {row[1] for row in shown(screen)} == {"test", "live", "staging"}
        assert status(screen).startswith("3 environments")


async def test_a_failed_read_is_an_unknown_row_that_r_retries(fake_api: FakeDivioAPI) -> None:
    app = make_app(fake_api)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        fake_api.fail_next("backups", 503, times=10_000)
        await open_path(pilot, resource("organisation", name="Northwind Digital"),
                        resource("application", slug="harbour-museum"))
        await press(pilot, "H")
        screen = health(app)
        assert {row[0] for row in shown(screen)} == {"⚠ unknown"}
        assert "could not read the backups: 503 Service Unavailable — r retries" in detail(screen)

        fake_api.clear_failures()
        await press(pilot, "r")
        assert Verdict.UNKNOWN not in {row.verdict for row in screen.shown_rows()}
        assert "⚠" not in detail(screen)


async def test_the_palette_opens_backup_health_and_the_summary_reads_nothing_twice(
        fake_api: FakeDivioAPI) -> None:
    app = make_app(fake_api)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_path(pilot, resource("organisation", name="Northwind Digital"),
                        resource("application", slug="acme-shop"))
        await press(pilot, "ctrl+p", *"Backup health")
        await press(pilot, "enter")
        health(app)
        await press(pilot, "escape")
        before = {path for _m, path, _s in fake_api.requests}
        fake_api.reset_stats()
        # The summary of an environment the view answered lists no backup again, and
        # fetches only the SIBs the view did not need (for the total size).
        await open_path(pilot, resource("environment", slug="live"))
        await open_path(pilot, group("backup"))
        after = {path for _m, path, _s in fake_api.requests}
        assert not [path for path in after if path.startswith("/apps/v3/backups/?")]
        assert not after & before


def environments_table(app: Any) -> list[list[str]]:
    """The application's environments table in the detail pane, as plain text."""
    view = app.explorer.detail.view
    assert view.table is not None
    return [view.table.headers, *([cell.plain for cell in row] for row in view.table.rows)]


async def test_an_application_shows_all_its_environments_in_one_table(
        fake_api: FakeDivioAPI) -> None:
    dataset = fake_api.dataset
    app = make_app(fake_api)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_path(pilot, resource("organisation", name="Tiny Robots"),
                        resource("application", slug="tinyrobots-store"))

        headers, *rows = environments_table(app)
        assert headers == ["env", "health", "database", "storage", "deployed", "branch"]
        by_slug = {row[0]: row for row in rows}
        store = dataset.application("tinyrobots-store")
        assert store is not None
        assert [row[0] for row in rows] == [
            env["slug"] for env in dataset.where("environments", "application", store["uuid"])]
        assert by_slug["staging"][1:4] == ["never", "✔ 9 h", "✘ never"]
        assert by_slug["live"][1:4] == ["failing", "✘ 3 d", "✘ 3 d"]
        assert by_slug["test"][1:4] == ["stale", "◷ 3 d", "◷ 3 d"]
        live = dataset.environment("tinyrobots-store", "live")
        assert live is not None and by_slug["live"][5] == live["branch"]
        assert by_slug["live"][4].startswith("✔ ")

        # The health view agrees, and reads nothing the table read.
        fake_api.reset_stats()
        await press(pilot, "H")
        assert [row[:2] for row in shown(health(app))] == [
            ("✘ never", "staging"), ("✘ failing", "live"), ("◷ stale", "test")]
        assert not [path for _m, path, _s in fake_api.requests if "backups" in path]


async def test_the_environments_table_says_what_failed_and_r_retries(
        fake_api: FakeDivioAPI) -> None:
    app = make_app(fake_api)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        fake_api.fail_next("backups", 503, times=10_000)
        await open_path(pilot, resource("organisation", name="Northwind Digital"),
                        resource("application", slug="harbour-museum"))
        view = app.explorer.detail.view
        assert view.table is not None and view.table.note is not None
        assert view.table.note.plain.startswith("⚠ the backups of 3 environments could not be read: 503")
        assert {row[1] for row in environments_table(app)[1:]} == {"⚠ unknown"}

        fake_api.clear_failures()
        await press(pilot, "r")
        assert {row[1] for row in environments_table(app)[1:]} == {"ok", "stale"}


async def test_a_refused_token_brings_the_sign_in_back(fake_api: FakeDivioAPI) -> None:
    from divio_tui.ui.screens.signin import SignInScreen

    app = make_app(fake_api, demo=False, token_source="env DIVIO_TOKEN")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        fake_api.token = "another-token"  # the token is revoked meanwhile
        await press(pilot, "H")
        assert isinstance(app.screen, SignInScreen)
        assert any("env DIVIO_TOKEN" in str(n.message) for n in app._notifications)
