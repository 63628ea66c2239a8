"""The fake mounted in-process as an httpx transport (no sockets, no threads).

`FakeTransport(api)` wraps the request -> response core, as `httpx.MockTransport(handler)`
wraps a function: `httpx.AsyncClient(transport=FakeTransport(api))` or
`httpx.Client(transport=FakeTransport(api))`. It is both an `httpx.AsyncBaseTransport` and an
`httpx.BaseTransport`; the two differ only in `asyncio.sleep` vs `time.sleep`.

Contracts:
- Each request is counted in `api.in_flight` for its whole duration (`api.track()`), waits
  `api.latency_ms` (async: with `asyncio.sleep`, so concurrent requests overlap like on a real
  network), then gets `api.respond(...)`. Responses carry the fake's status, headers
  (Content-Type, Content-Length, ...) and body.
- A `timeout` fault raises `httpx.ReadTimeout` right after the latency (no long wait: tests
  stay fast and the client sees exactly what a read timeout looks like).
- A response that trickles (`drip_s`) is streamed one byte at a time (async; sync clients get
  it whole after the same wait), one cut short (`cut_after`) ends in `httpx.ReadError` after
  its first bytes, as a reset or a short body does on a socket.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator

import httpx

from ._core import Core
from ._wire import FakeResponse

__all__ = ["FakeTransport"]


class FakeTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """In-process transport serving `api` to `httpx.Client` and `httpx.AsyncClient` alike."""

    def __init__(self, api: Core) -> None:
        self.api = api

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        with self.api.track():
            if self.api.latency_ms > 0:
                time.sleep(self.api.latency_ms / 1000)
            resp = self._respond(request, body)
        return _to_httpx(resp, request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        with self.api.track():
            if self.api.latency_ms > 0:
                await asyncio.sleep(self.api.latency_ms / 1000)
            resp = self._respond(request, body)
        return _to_httpx(resp, request)

    def _respond(self, request: httpx.Request, body: bytes) -> FakeResponse:
        return self.api.respond(request.method, str(request.url), request.headers, body)


def _to_httpx(resp: FakeResponse, request: httpx.Request) -> httpx.Response:
    if resp.timed_out:
        raise httpx.ReadTimeout("fake Divio API: injected timeout fault", request=request)
    if resp.drip_s > 0 or resp.cut_after is not None:
        return httpx.Response(resp.status, headers=list(resp.headers.items()),
                              stream=_Trickle(resp, request), request=request)
    return httpx.Response(resp.status, headers=list(resp.headers.items()), content=resp.body,
                          request=request)


class _Trickle(httpx.AsyncByteStream, httpx.SyncByteStream):
    """A body that trickles or stops short (see the module docstring)."""

    def __init__(self, resp: FakeResponse, request: httpx.Request) -> None:
        self.resp = resp
        self.request = request

    def _body(self) -> bytes:
        return self.resp.body if self.resp.cut_after is None else self.resp.body[:self.resp.cut_after]

    def _end(self) -> None:
        if self.resp.cut_after is not None:
            raise httpx.ReadError("fake Divio API: connection closed mid-body", request=self.request)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        body = self._body()
        if self.resp.drip_s > 0:
            for index in range(len(body)):
                await asyncio.sleep(self.resp.drip_s)
                yield body[index:index + 1]
        elif body:
            yield body
        self._end()

    def __iter__(self) -> Iterator[bytes]:
        time.sleep(self.resp.drip_s * len(self._body()))
        yield self._body()
        self._end()
