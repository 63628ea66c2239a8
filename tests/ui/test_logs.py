"""The log viewer: following, older pages, the filter over every line, the cap, failures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from divio_tui.fake.dataset import FIXED_NOW
from divio_tui.fake.server import FakeDivioAPI
from divio_tui.ui.app import DivioApp
from divio_tui.ui.logs.screen import LogScreen
from divio_tui.ui.logs.view import LogView
from divio_tui.ui.widgets.save_prompt import SavePrompt
from tests.ui.helpers import (
    TOKEN,
    MovingClock,
    group,
    make_app,
    open_path,
    press,
    resource,
    settle,
    wait_until,
)


@pytest.fixture(autouse=True)
def no_timed_polls(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests read new lines by asking (`poll_now`), not by waiting for the timers."""
    monkeypatch.setattr(LogScreen, "POLL_SECONDS", 3600.0)
    monkeypatch.setattr(LogScreen, "NEXT_PAGE_SECONDS", 3600.0)
    monkeypatch.setattr(LogScreen, "DEPLOY_POLL_SECONDS", 3600.0)


def screen_of(app: DivioApp) -> LogScreen:
    screen = app.screen
    assert isinstance(screen, LogScreen)
    return screen


def status(app: DivioApp) -> str:
    return screen_of(app).status_text().plain


def shown_text(app: DivioApp) -> str:
    """Every character the log view draws now."""
    view = app.screen.query_one(LogView)
    return "\n".join(view.render_line(y).text
                     for y in range(view.scrollable_content_region.height))


async def open_environment(pilot: Pilot[Any], app_slug: str, env_slug: str) -> None:
    await settle(pilot)
    org = "Tiny Robots" if app_slug.startswith("tinyrobots") else "Northwind Digital"
    await open_path(pilot, resource("organisation", name=org),
                    resource("application", slug=app_slug))
    await open_path(pilot, resource("environment", slug=env_slug))


async def open_runtime_logs(pilot: Pilot[Any], app_slug: str = "acme-shop",
                            env_slug: str = "live") -> LogScreen:
    await open_environment(pilot, app_slug, env_slug)
    await press(pilot, "L")
    app = pilot.app
    assert isinstance(app, DivioApp)
    return screen_of(app)


async def poll(pilot: Pilot[Any]) -> None:
    screen_of(pilot.app).poll_now()  # type: ignore[arg-type]
    await settle(pilot)


def live_api(clock: MovingClock) -> FakeDivioAPI:
    return FakeDivioAPI(now=FIXED_NOW, clock=clock)


async def test_follow_appends_new_pages_and_pauses_when_the_user_moves_up() -> None:
    clock = MovingClock()
    api = live_api(clock)
    app = make_app(api, clock=clock, page_size=100)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_runtime_logs(pilot)
        first = len(screen.buffer)
        assert first > 0 and screen.following and "following" in status(app)
        assert screen.view.at_end
        clock.advance(60)
        await poll(pilot)
        assert len(screen.buffer) > first  # the new page came in…
        assert screen.view.at_end  # …at the bottom, in view
        newest = screen.buffer.text(screen.buffer.end_seq - 1)
        assert newest in shown_text(app)
        await press(pilot, "up", "up", "up")
        assert not screen.following and status(app).startswith("paused")
        top_before = shown_text(app)
        clock.advance(60)
        await poll(pilot)
        assert shown_text(app) == top_before  # paused: what the user reads stays put
        assert "new lines" in status(app)
        await press(pilot, "end")
        assert screen.following and screen.view.at_end
        assert screen.buffer.text(screen.buffer.end_seq - 1) in shown_text(app)


async def test_scrolling_to_the_top_reads_older_pages_until_the_start() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_runtime_logs(pilot)
        api_entries = None
        first = len(screen.buffer)
        await press(pilot, "home")
        assert len(screen.buffer) > first  # the page before the first one
        for _ in range(10):
            await press(pilot, "down", "home")
        assert screen.buffer.first_seq < 0 and api_entries is None
        assert screen.buffer.text(screen.buffer.first_seq).startswith("[1] [INFO] Starting gunicorn")


async def test_the_filter_counts_matches_over_the_whole_buffer_not_only_the_screen() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_runtime_logs(pilot)
        buffer = screen.buffer
        assert len(buffer) > screen.view.size.height
        await press(pilot, "slash", *"ForkPoolWorker", "enter")
        # Few matches: older pages were read to fill the screen; every line read counts.
        tasks = sum(1 for text in buffer.texts if "ForkPoolWorker" in text)
        assert screen.filtered.match_count == tasks > screen.view.size.height
        assert f"filter \"ForkPoolWorker\": {tasks} match" in status(app)
        await press(pilot, "S", "S")  # web, then worker
        assert screen.filtered.service == "worker" and "service worker" in status(app)
        assert all(buffer.service(seq) == "worker" for seq in screen.filtered.rows)
        await press(pilot, "escape")  # clears the filter and the service
        assert not screen.filtered.active and len(screen.filtered.rows) == len(buffer)
        await press(pilot, "slash", *"~healthz|robots", "enter", "m")
        assert not screen.filtered.only_matches and len(screen.filtered.rows) == len(buffer)
        cursor = screen.view.cursor_line
        await press(pilot, "n")
        assert screen.view.cursor_line != cursor
        assert screen.view.cursor_line in set(screen.filtered.matches)


async def test_the_line_cap_drops_the_oldest_lines_and_says_so() -> None:
    clock = MovingClock()
    app = make_app(live_api(clock), clock=clock, log_line_cap=1_000)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_runtime_logs(pilot)
        clock.advance(3600)  # about 1,800 events
        for _ in range(30):
            before = screen.buffer.end_seq
            await poll(pilot)
            if screen.buffer.end_seq == before:
                break
        assert len(screen.buffer) == 1_000 and screen.buffer.dropped > 0
        assert "oldest dropped (line cap 1,000)" in status(app)
        assert screen.view.at_end  # still following the newest


async def test_a_failing_log_endpoint_says_so_in_words_and_retries() -> None:
    api = FakeDivioAPI(now=FIXED_NOW)
    env = api.dataset.environment("acme-shop", "live")
    assert env is not None
    api.fail_next(f"environments/{env['uuid']}/logs", 503, times=4)  # every attempt of one read
    app = make_app(api)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_runtime_logs(pilot)
        assert "could not read the log (503 Service Unavailable" in status(app)
        assert "retrying in" in status(app) and "r tries now" in status(app)
        assert "⚠ could not read the log" in shown_text(app)
        await press(pilot, "r")
        assert screen.error is None and len(screen.buffer) > 0
        assert "following" in status(app)


async def test_an_automatic_retry_follows_the_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LogScreen, "RETRY", (0.01, 2.0, 0.05))
    api = FakeDivioAPI(now=FIXED_NOW)
    env = api.dataset.environment("acme-shop", "live")
    assert env is not None
    api.fail_next(f"environments/{env['uuid']}/logs", 503, times=8)  # two reads fail
    app = make_app(api)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_runtime_logs(pilot)
        await wait_until(pilot, lambda: len(screen.buffer) > 0)
        assert screen.error is None


async def test_hostile_log_text_is_shown_as_marks_and_a_huge_line_is_cut_for_display(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_runtime_logs(pilot, "tinyrobots-telemetry", "live")
        await press(pilot, "slash", *"report", "enter")  # the terminal query, the clipboard write
        shown = shown_text(app)
        assert "\x1b" not in shown and "\r" not in shown and "\x07" not in shown
        assert "␛[6n" in shown and "␛]52;c;" in shown and TOKEN not in shown
        await press(pilot, "escape", "slash", *"oversized", "enter", "w")
        assert "more characters (c copies the whole line)" in shown_text(app)
        await press(pilot, "c")
        copied = app.clipboard
        assert len(copied) > 100_000 and copied.endswith("0]}")
        await press(pilot, "s")
        prompt = app.screen
        assert isinstance(prompt, SavePrompt)
        path_input = prompt.query_one("#save-path", Input)
        assert path_input.value.endswith(".log") and "/" not in path_input.value
        assert str(tmp_path) in str(prompt.query_one("#save-where").render())
        await press(pilot, "enter")
        saved = list(tmp_path.glob("*.log"))
        assert len(saved) == 1 and saved[0].read_text().count("\n") == 1
        assert oct(saved[0].stat().st_mode & 0o777) == "0o600"
        assert screen is app.screen


async def test_saving_never_replaces_a_file_without_asking(tmp_path: Path) -> None:
    target = tmp_path / "kept.log"
    target.write_text("mine\n")
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_runtime_logs(pilot)
        await press(pilot, "s")
        app.screen.query_one("#save-path", Input).value = str(target)
        await press(pilot, "enter")  # it exists: the prompt asks
        assert "already exists" in str(app.screen.query_one("#save-status").render())
        assert target.read_text() == "mine\n"
        await press(pilot, "escape")  # keep it
        assert isinstance(app.screen, LogScreen) and target.read_text() == "mine\n"
        await press(pilot, "s")
        app.screen.query_one("#save-path", Input).value = str(target)
        await press(pilot, "enter", "enter")  # asked, and yes: replace it
        await settle(pilot)
        assert target.read_text().count("\n") > 100


async def test_a_deployments_log_from_the_tree_and_from_the_runtime_logs() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        runtime = await open_runtime_logs(pilot, "tinyrobots-fleet", "live")
        await press(pilot, "d")
        deploy = screen_of(app)
        assert deploy is not runtime and deploy.target.kind == "deployment"
        assert "Step 9/12" in "\n".join(deploy.buffer.texts)
        assert "deployment failed" in status(app)
        await press(pilot, "escape")
        assert app.screen is runtime
        await press(pilot, "escape", "escape")
        assert not isinstance(app.screen, LogScreen)
        await open_path(pilot, group("deployment", "environment"))
        await press(pilot, "down", "L")
        assert screen_of(app).target.kind == "deployment"


async def test_a_running_deployments_log_grows_and_ends_with_a_toast() -> None:
    clock = MovingClock()
    app = make_app(live_api(clock), clock=clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_environment(pilot, "acme-shop", "test")
        await open_path(pilot, group("deployment", "environment"))
        await press(pilot, "down", "L")
        screen = screen_of(app)
        assert "deployment running" in status(app)
        lines = len(screen.buffer)
        clock.advance(60)
        await poll(pilot)
        assert len(screen.buffer) > lines and "Rolling out" in screen.buffer.texts[-1]
        clock.advance(600)
        await poll(pilot)
        assert "deployment success" in status(app)
        assert "Deployment successful" in screen.buffer.texts[-1]
        assert any("The deployment finished: success" in n.message
                   for n in app._notifications)


async def test_the_palette_offers_logs_and_a_never_deployed_environment_says_why_it_is_empty() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_environment(pilot, "orbit-conf-2026", "staging")
        commands = {command.name: command for command in app.explorer.palette_commands()}
        assert "Logs" in commands
        commands["Logs"].run()
        await settle(pilot)
        screen = screen_of(app)
        assert screen.target.kind == "runtime" and len(screen.buffer) == 0
        assert "never been deployed" in shown_text(app)
        await press(pilot, "d")
        assert app.screen is screen  # no deployment to open: a toast says so
        assert any("not been deployed" in n.message for n in app._notifications)
