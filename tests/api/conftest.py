"""Shared helpers for the API layer's tests: a DRF-style MockTransport and a sleep recorder."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Coroutine
from typing import Any

import httpx
import pytest

from divio_tui.api import DivioClient, RequestEvent

BASE = "https://api.example.test/apps/v3/"
"""A base URL nobody can reach: every test client gets a transport."""

Handler = (
    Callable[[httpx.Request], httpx.Response]
    | Callable[[httpx.Request], Coroutine[None, None, httpx.Response]]
)


def json_response(status: int, body: Any, **headers: str) -> httpx.Response:
    return httpx.Response(status, content=json.dumps(body).encode(),
                          headers={"content-type": "application/json", **headers})


def drf_page(request: httpx.Request, items: list[Any], default_size: int = 20) -> httpx.Response:
    """Answer `request` like DRF's PageNumberPagination over `items` (next keeps the query)."""
    page = int(request.url.params.get("page", "1"))
    size = int(request.url.params.get("page_size", str(default_size)))
    last = max(1, -(-len(items) // size))
    if page > last:
        return json_response(404, {"detail": "Invalid page."})
    chunk = items[(page - 1) * size : page * size]
    nxt = str(request.url.copy_set_param("page", str(page + 1))) if page < last else None
    prev = str(request.url.copy_set_param("page", str(page - 1))) if page > 1 else None
    return json_response(200, {"count": len(items), "next": nxt, "previous": prev,
                               "results": chunk})


class SleepRecorder:
    """Stands in for asyncio.sleep in the client: records delays, waits for nothing."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)
        await asyncio.sleep(0)


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()


@pytest.fixture
def events() -> list[RequestEvent]:
    return []


@pytest.fixture
def make_client(
    sleeps: SleepRecorder, events: list[RequestEvent]
) -> Callable[..., DivioClient]:
    """Build a client on a MockTransport; tiny backoff, recorded sleeps, recorded events.

    MockTransport holds no sockets, so tests need not close these clients."""

    def make(handler: Handler, **kwargs: Any) -> DivioClient:
        options: dict[str, Any] = {
            "token": "sekrit-token", "sleep": sleeps, "observer": events.append,
            "backoff_base": 0.01,
        }
        options.update(kwargs)
        client = DivioClient(kwargs.pop("base_url", BASE), transport=httpx.MockTransport(handler),
                             **{k: v for k, v in options.items() if k != "base_url"})
        return client

    return make
