"""The request log: every request the explorer made, newest first, who asked, and no token."""

from __future__ import annotations

import csv
import html
import io
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from textual.coordinate import Coordinate
from textual.pilot import Pilot

from divio_tui.fake.dataset import FIXED_NOW
from divio_tui.fake.server import FakeDivioAPI
from divio_tui.ui.requests.body import RequestBodyScreen
from divio_tui.ui.requests.screen import RequestLogScreen, RequestTable, status_text
from tests.ui.helpers import (
    TOKEN,
    group,
    make_app,
    make_loopback_app,
    open_path,
    press,
    resource,
    settle,
)


def screen_text(app: Any) -> str:
    svg = app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


def notifications(app: Any) -> str:
    return "\n".join(notification.message for notification in app._notifications)


async def open_live_backups(pilot: Pilot[Any]) -> Any:
    return await open_path(pilot, resource("organisation", name="Northwind Digital"),
                           resource("application", slug="acme-shop"),
                           resource("environment", slug="live"), group("backup"),
                           group("deployment"))


async def test_after_a_navigation_it_lists_exactly_the_requests_the_fake_received(
        loopback_api: tuple[FakeDivioAPI, str]) -> None:
    api, base = loopback_api
    app = make_loopback_app(base)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_live_backups(pilot)
        entries = app.request_log.entries
        # The same requests (concurrent ones may finish in another order on either side).
        assert Counter((e.method, e.path, e.status) for e in entries) == Counter(api.requests)
        assert len(entries) > 20
        # Each says who asked: the tree node, the application's environments table (which
        # read live's backup answer: its summary then reads nothing), the header…
        origins = {entry.origin for entry in entries}
        assert None not in origins
        assert {"account: who am I", "Organisations", "environments of the application",
                "Deployments of ACME Shop (acme-shop) › live · main"} <= origins

        await press(pilot, "ctrl+l")
        screen = app.screen
        assert isinstance(screen, RequestLogScreen)
        table = screen.query_one(RequestTable)
        assert table.row_count == len(entries)
        # Newest first.
        assert str(table.coordinate_to_cell_key(Coordinate(0, 0)).row_key.value) == str(entries[0].number)
        text = screen_text(app)
        assert f"{len(entries)} requests this session" in text
        assert TOKEN not in text
        # Requests made while it is open show up on top.
        before = table.row_count
        app.explorer.action_reload_all()
        await settle(pilot)
        assert table.row_count > before
        assert str(table.coordinate_to_cell_key(Coordinate(0, 0)).row_key.value) == str(
            app.request_log.entries[0].number)


async def test_failures_stand_out_enter_shows_the_body_and_C_copies_curl(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    api = FakeDivioAPI(now=FIXED_NOW)
    api.fail_next("regions", 503)
    app = make_app(api)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_path(pilot, group("region"))
        await press(pilot, "ctrl+l")
        screen = app.screen
        assert isinstance(screen, RequestLogScreen)
        retried = next(e for e in app.request_log.entries if e.status == 503)
        assert retried.retried and status_text(retried) == "503 ↻"
        assert "1 failed" in screen_text(app)
        # The newest: the retry that worked.
        newest = app.request_log.entries[0]
        assert newest.path.startswith("/apps/v3/regions/") and newest.attempt == 2
        await press(pilot, "C")
        assert app.clipboard == ('curl -H "Authorization: Token $DIVIO_TOKEN" '
                                 f"'{newest.url}'")
        await press(pilot, "enter")
        assert isinstance(app.screen, RequestBodyScreen)
        text = screen_text(app)
        assert '"results": [' in text and "Frankfurt" in text
        await press(pilot, "y")
        assert '"count":' in app.clipboard
        await press(pilot, "escape", "f")
        assert screen.query_one(RequestTable).row_count == 1  # failures only
        await press(pilot, "f", "s", "enter")
        saved = next(tmp_path.glob("requests-*.csv"))
        rows = list(csv.DictReader(io.StringIO(saved.read_text())))
        assert len(rows) == len(app.request_log.entries)
        assert rows[0]["url"] == newest.url
        assert {"account: who am I", "Organisations"} <= {row["asked_by"] for row in rows}
        assert TOKEN not in saved.read_text() + notifications(app)
        await press(pilot, "escape")
        assert not isinstance(app.screen, RequestLogScreen)


async def test_the_log_keeps_as_many_requests_as_configured() -> None:
    app = make_app(request_log_size=3)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_path(pilot, resource("organisation", name="Northwind Digital"),
                        resource("application", slug="acme-shop"))
        assert len(app.request_log) == 3 and app.request_log.total > 3
        await press(pilot, "ctrl+l")
        assert "the last 3 kept (at most 3)" in screen_text(app)
