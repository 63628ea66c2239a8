"""`LogCursor`: runtime logs read from the newest window, older pages, newer pages, guarded."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest

from divio_tui.api import DivioClient, Refused
from divio_tui.api.logs import log_cursor
from divio_tui.fake import FIXED_NOW, FakeDivioAPI, FakeTransport
from tests.api.conftest import BASE, json_response
from tests.fake.test_live import Clock


def fake_client(api: FakeDivioAPI) -> DivioClient:
    return DivioClient("https://api.divio.com/apps/v3/", "tok", transport=FakeTransport(api))


async def test_newest_then_older_pages_give_every_line_once_then_end() -> None:
    api = FakeDivioAPI(now=FIXED_NOW)
    env = api.dataset.environment("acme-shop", "live")
    assert env is not None
    cursor = log_cursor(fake_client(api), env["uuid"], page_size=100)
    lines = await cursor.newest()
    assert [e.raw for e in lines] == api.dataset.environment_logs(env["uuid"])[-100:]
    requests = 1
    while not cursor.older_exhausted:
        lines = await cursor.older() + lines
        requests += 1
        assert requests < 20
    assert [e.raw for e in lines] == api.dataset.environment_logs(env["uuid"])
    sent = cursor.pages_read
    assert sent <= requests
    assert await cursor.older() == [] and cursor.pages_read == sent  # nothing is sent any more


async def test_newer_is_empty_until_lines_are_written_then_gives_only_those() -> None:
    clock = Clock()
    api = FakeDivioAPI(now=FIXED_NOW, clock=clock)
    env = api.dataset.environment("acme-shop", "live")
    assert env is not None
    cursor = log_cursor(fake_client(api), env["uuid"])
    first = await cursor.newest()
    assert await cursor.newer() == []
    assert await cursor.newer() == []  # the tail page may be polled again and again
    clock.advance(30)
    fresh = await cursor.newer()
    assert fresh and all(e.timestamp is not None and e.timestamp > FIXED_NOW for e in fresh)
    assert first[-1].timestamp is not None and first[-1].timestamp < FIXED_NOW
    clock.advance(timedelta(minutes=1).total_seconds())
    more = await cursor.newer()
    assert more and more[0].timestamp is not None and fresh[-1].timestamp is not None
    assert more[0].timestamp > fresh[-1].timestamp


def handler_of(pages: dict[str, dict[str, Any]]) -> Callable[[httpx.Request], httpx.Response]:
    def handle(request: httpx.Request) -> httpx.Response:
        cursor = request.url.params.get("cursor", "first")
        return json_response(200, pages[cursor])
    return handle


def entry(second: int, message: str = "x", service: str = "web") -> dict[str, Any]:
    return {"timestamp": f"2026-11-25T10:00:{second:02d}.000000001Z", "service": service,
            "message": message}


URL = BASE + "environments/e1/logs/"


async def test_a_previous_link_going_round_in_a_circle_ends_the_older_pages(
        make_client: Callable[..., DivioClient]) -> None:
    pages = {
        "first": {"results": [entry(5), entry(6)], "next": URL + "?cursor=n",
                  "previous": URL + "?cursor=a"},
        "a": {"results": [entry(3), entry(4)], "next": URL, "previous": URL + "?cursor=b"},
        "b": {"results": [entry(1), entry(2)], "next": URL, "previous": URL + "?cursor=a"},
        "n": {"results": [], "next": URL + "?cursor=n", "previous": URL},
    }
    cursor = log_cursor(make_client(handler_of(pages)), "e1")
    await cursor.newest()
    assert [e.message for e in await cursor.older()] == ["x", "x"]
    await cursor.older()
    assert cursor.older_exhausted  # b's previous is a again: no more requests
    sent = cursor.pages_read
    assert await cursor.older() == [] and cursor.pages_read == sent


async def test_a_page_served_twice_never_shows_a_line_twice_and_pages_come_oldest_first(
        make_client: Callable[..., DivioClient]) -> None:
    pages = {
        "first": {"results": [entry(6), entry(5)], "next": URL + "?cursor=n", "previous": None},
        "n": {"results": [entry(6), entry(7, "new")], "next": URL + "?cursor=n", "previous": URL},
    }
    cursor = log_cursor(make_client(handler_of(pages)), "e1")
    assert [e.raw["timestamp"][17:19] for e in await cursor.newest()] == ["05", "06"]
    assert [e.message for e in await cursor.newer()] == ["new"]
    assert await cursor.newer() == []
    assert cursor.duplicates == 3
    assert cursor.older_exhausted  # no previous link at all


async def test_a_link_to_another_origin_is_refused_before_it_is_read(
        make_client: Callable[..., DivioClient]) -> None:
    seen: list[str] = []
    pages = {"first": {"results": [entry(1)], "next": "https://evil.example/logs/?cursor=n",
                       "previous": None}}

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return handler_of(pages)(request)

    cursor = log_cursor(make_client(handle), "e1")
    assert len(await cursor.newest()) == 1  # the page itself is shown
    with pytest.raises(Refused, match="another origin"):
        await cursor.newer()
    assert cursor.newer_closed and await cursor.newer() == []
    assert all("evil" not in url for url in seen)
