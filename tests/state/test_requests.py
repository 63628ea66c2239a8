"""The request log: bounded, who asked, retries marked, and never the token."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import httpx
import pytest

from divio_tui.api.client import DivioClient, RequestEvent
from divio_tui.api.errors import ErrorKind
from divio_tui.fake import FakeDivioAPI, FakeTransport
from divio_tui.state.requests import RequestLog, asking

TOKEN = "s3cret-token-0123456789"
NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)


def event(url: str = "https://api.divio.com/apps/v3/backups/", *, status: int | None = 200,
          body: bytes = b"{}", attempt: int = 1, error: ErrorKind | None = None) -> RequestEvent:
    return RequestEvent(method="GET", url=url, status=status, elapsed_ms=12.5, bytes=len(body),
                        attempt=attempt, error=error, body=body)


def test_it_keeps_the_last_n_newest_first_and_counts_every_one() -> None:
    log = RequestLog(3, clock=lambda: NOW)
    for n in range(5):
        log.record(event(f"https://api.divio.com/apps/v3/backups/?page={n + 1}"))
    assert [entry.number for entry in log.entries] == [5, 4, 3]
    assert log.entries[0].path == "/apps/v3/backups/?page=5"
    assert len(log) == 3 and log.total == 5
    assert log.entries[0].at == NOW


def test_bodies_are_cut_and_the_oldest_lose_theirs_to_stay_in_budget() -> None:
    log = RequestLog(10, body_limit=100, body_budget=250)
    for _ in range(4):
        log.record(event(body=b"x" * 150))
    bodies = [entry.body for entry in log.entries]
    assert bodies[:2] == [b"x" * 100, b"x" * 100] and bodies[2:] == [None, None]
    assert log.body_bytes == 200 <= log.body_budget
    assert log.entries[0].body_cut and log.entries[0].size == 150


def test_a_retried_attempt_is_marked_and_failures_are_failures() -> None:
    log = RequestLog()
    log.record(event(status=503, error=ErrorKind.SERVER))
    log.record(event(status=200, attempt=2))
    log.record(event(status=None, error=ErrorKind.NETWORK, body=b""))
    newest, retry, first = log.entries
    assert first.retried and first.failed and not retry.failed and not retry.retried
    assert newest.failed and newest.status is None


def test_a_body_echoing_the_token_is_kept_redacted() -> None:
    log = RequestLog(secret=lambda: TOKEN, body_limit=30)
    log.record(event(body=b'{"padding": "' + b"y" * 20 + b'", "echo": "' + TOKEN.encode() + b'"}'))
    log.record(event(url=f"https://api.divio.com/apps/v3/backups/?next={TOKEN}"))
    for entry in log.entries:
        assert TOKEN not in entry.url
        assert TOKEN.encode() not in (entry.body or b"")
        assert TOKEN[:12].encode() not in (entry.body or b"")


def test_who_asked_comes_from_asking_else_from_the_fallback() -> None:
    log = RequestLog(fallback=lambda: "some worker")
    with asking("Backups of live"):
        log.record(event())
    log.record(event())
    assert [entry.origin for entry in log.entries] == ["some worker", "Backups of live"]


def test_a_broken_listener_does_not_break_the_request() -> None:
    log = RequestLog()
    log.subscribe(lambda: 1 / 0)  # type: ignore[arg-type, func-returns-value]
    log.record(event())
    assert len(log) == 1


async def test_watching_a_client_records_every_attempt_with_its_origin_and_body() -> None:
    api = FakeDivioAPI()
    api.fail_next("regions", 503)
    seen: list[RequestEvent] = []
    log = RequestLog(secret=lambda: TOKEN)
    async with DivioClient("https://api.divio.com/apps/v3/", TOKEN, transport=FakeTransport(api),
                           backoff_base=0.001, observer=seen.append) as client:
        log.watch(client)
        log.watch(client)  # twice: still one entry per attempt
        with asking("regions group"):
            await asyncio.create_task(client.get_page("region"))
    assert [(e.method, e.path, e.status) for e in reversed(log.entries)] == api.requests
    assert len(seen) == 2  # the client's own observer still hears every attempt
    failed, ok = reversed(log.entries)
    assert failed.retried and failed.status == 503 and ok.attempt == 2
    assert all(entry.origin == "regions group" for entry in log.entries)
    assert ok.body is not None and b'"results"' in ok.body


def test_capacity_must_be_positive() -> None:
    with pytest.raises(ValueError):
        RequestLog(0)


def test_the_path_keeps_its_query_as_sent() -> None:
    url = str(httpx.URL("https://api.divio.com/apps/v3/backups/", params={"environment": "a b"}))
    log = RequestLog()
    log.record(event(url))
    assert log.entries[0].path == "/apps/v3/backups/?environment=a+b"
