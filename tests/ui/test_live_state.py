"""Live state: what is running shows where the user looks and refreshes itself until it ends."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from divio_tui.fake.dataset import FIXED_NOW
from divio_tui.fake.server import FakeDivioAPI
from divio_tui.ui.app import DivioApp
from divio_tui.ui.explorer.live_refresh import LiveRefresher
from tests.ui.helpers import (
    MovingClock,
    find_node,
    group,
    make_app,
    open_path,
    press,
    resource,
    settle,
)


@pytest.fixture(autouse=True)
def no_timed_looks(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests ask the refresher to look (`look()`), they do not wait for its timer."""
    monkeypatch.setattr(LiveRefresher, "BACKOFF", (3600.0, 1.0, 3600.0))


def label(app: DivioApp, predicate: Any) -> str:
    node = find_node(app, predicate)
    return str(node.label.plain)


def summary(app: DivioApp) -> dict[str, str]:
    """The detail pane's summary rows as plain text, by field name."""
    return {name: text.plain for name, text in app.explorer.detail.view.rows}


def toasts(app: DivioApp) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app._notifications]


async def look(pilot: Pilot[Any]) -> None:
    app = pilot.app
    assert isinstance(app, DivioApp)
    app.explorer.live.look()
    await settle(pilot)


async def to_environment(pilot: Pilot[Any], application: str, environment: str) -> None:
    await settle(pilot)
    await open_path(pilot, resource("organisation", name="Northwind Digital"),
                    resource("application", slug=application),
                    resource("environment", slug=environment))


async def test_a_running_deployments_label_changes_when_it_finishes() -> None:
    clock = MovingClock()
    api = FakeDivioAPI(now=FIXED_NOW, clock=clock)
    app = make_app(api, clock=clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await to_environment(pilot, "acme-shop", "test")
        test_env = resource("environment", slug="test")
        assert "⟳ deploying · " in label(app, test_env)
        rows = summary(app)
        assert "━" in rows["progress"] and rows["progress"].endswith(" %")
        assert rows["live"].startswith("not refreshed yet")
        clock.advance(60)
        await look(pilot)
        assert "⟳ deploying · " in label(app, test_env)
        assert summary(app)["live"].startswith("updated 0 s ago")
        clock.advance(600)
        await look(pilot)
        assert "✔ deployed" in label(app, test_env) and "deploying" not in label(app, test_env)
        assert any(text.startswith("Deployment finished") and "success" in text
                   for text in toasts(app)), toasts(app)


async def test_a_failed_last_deployment_says_it_failed() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await to_environment(pilot, "bellweather-blog", "test")
        assert "✘ deploy failed" in label(app, resource("environment", slug="test"))


async def test_a_working_backup_refreshes_itself_until_it_completes() -> None:
    clock = MovingClock()
    app = make_app(FakeDivioAPI(now=FIXED_NOW, clock=clock), clock=clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await to_environment(pilot, "acme-shop", "live")
        await open_path(pilot, group("backup", "environment"))
        working = resource("backup", state="WORKING")
        node = find_node(app, working)
        assert "WORKING" in node.label.plain
        api_uuid = node.data.uuid
        clock.advance(600)
        await look(pilot)
        node = find_node(app, resource("backup", uuid=api_uuid))
        assert "SUCCESS" in node.label.plain
        assert any(text.startswith("Backup finished") for text in toasts(app)), toasts(app)


async def test_nothing_is_read_again_while_nothing_moves_on_screen() -> None:
    api = FakeDivioAPI(now=FIXED_NOW)
    app = make_app(api)
    async with app.run_test(size=(120, 36)) as pilot:
        await to_environment(pilot, "harbour-museum", "live")
        api.reset_stats()
        await look(pilot)
        assert api.requests == []


async def test_auto_refresh_is_off_until_asked_then_keeps_the_place_and_pauses_for_readers(
        monkeypatch: pytest.MonkeyPatch) -> None:
    api = FakeDivioAPI(now=FIXED_NOW)
    app = make_app(api)
    async with app.run_test(size=(120, 36)) as pilot:
        await to_environment(pilot, "acme-shop", "live")
        await open_path(pilot, group("backup", "environment"))
        await press(pilot, "down", "down")
        auto = app.explorer.auto
        tree_ = app.explorer.resource_tree
        assert not auto.enabled and tree_.border_title == "Resources"
        await press(pilot, "A")
        assert auto.enabled
        auto.tick()  # the cursor just moved: a reader is reading
        assert auto.paused and "⟳ paused (reading)" in str(tree_.border_title)
        cursor = tree_.cursor_node
        assert cursor is not None
        key = cursor.data.key
        monkeypatch.setattr(auto, "PAUSE_AFTER_MOVE", 0.0)
        auto._due = 0.0
        api.reset_stats()
        auto.tick()
        await settle(pilot)
        assert auto.refreshes == 1
        assert any(path.startswith("/apps/v3/backups/?") for _, path, _ in api.requests)
        assert tree_.cursor_node is not None and tree_.cursor_node.data.key == key
        assert "⟳" in str(tree_.border_title) and "paused" not in str(tree_.border_title)
        await press(pilot, "A")
        assert not auto.enabled and tree_.border_title == "Resources"
