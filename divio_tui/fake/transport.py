"""In-process mounting of the fake API as httpx transports (no sockets, no threads).

Contracts:
- `FakeTransport(api)` is an `httpx.AsyncBaseTransport`: each request is counted in
  `api.in_flight` for its whole duration, waits `api.latency_ms` with `asyncio.sleep` (so
  concurrent requests overlap like on a real network), then gets `api.respond(...)`.
  Responses carry the fake's status, headers (Content-Type, Content-Length, ...) and body.
  A `timeout` fault raises `httpx.ReadTimeout` right after the latency (no long wait: tests
  stay fast and the client sees exactly what a read timeout looks like).
- `FakeSyncTransport(api)` is the same for `httpx.Client`, with `time.sleep`.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:  # imported for typing only: server.py imports this module
    from ._wire import FakeResponse
    from .server import FakeDivioAPI


def _to_httpx(resp: FakeResponse, request: httpx.Request) -> httpx.Response:
    if resp.timed_out:
        raise httpx.ReadTimeout("fake Divio API: injected timeout fault", request=request)
    return httpx.Response(resp.status, headers=list(resp.headers.items()), content=resp.body,
                          request=request)


class FakeTransport(httpx.AsyncBaseTransport):
    """Async in-process transport for `httpx.AsyncClient(transport=api.transport())`."""

    def __init__(self, api: FakeDivioAPI) -> None:
        self.api = api

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        with self.api.track():
            if self.api.latency_ms > 0:
                await asyncio.sleep(self.api.latency_ms / 1000)
            resp = self.api.respond(request.method, str(request.url), request.headers, body)
        return _to_httpx(resp, request)


class FakeSyncTransport(httpx.BaseTransport):
    """Sync in-process transport for `httpx.Client(transport=api.sync_transport())`."""

    def __init__(self, api: FakeDivioAPI) -> None:
        self.api = api

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        with self.api.track():
            if self.api.latency_ms > 0:
                time.sleep(self.api.latency_ms / 1000)
            resp = self.api.respond(request.method, str(request.url), request.headers, body)
        return _to_httpx(resp, request)
