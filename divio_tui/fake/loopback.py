"""Serving the fake API over real HTTP on loopback (stdlib ThreadingHTTPServer).

The server wraps the request -> response core (any `LoopbackCore`, e.g. `FakeDivioAPI`), as
`httpx.ASGITransport(app=...)` wraps an app; the core knows nothing of it.

Contracts:
- `make_server(api, host, port, allow_non_loopback=False)` binds (port 0 = any free port) and
  refuses a non-loopback address with `NonLoopbackError` unless allowed: the fake accepts any
  token and hands out fake secrets, it must not be reachable from the network by accident.
- `serve_in_thread(api, host="127.0.0.1", port=0)` is a context manager yielding the base URL
  `http://127.0.0.1:<port>/apps/v3/`; the server runs in a daemon thread and is shut down on
  exit. `serve_forever(...)` blocks (the CLI); Ctrl-C propagates as KeyboardInterrupt.
- One daemon thread per connection, HTTP/1.1 keep-alive. Each request: counted in flight,
  sleeps `api.latency_ms`, answered by `api.respond`. A `timeout` fault sleeps
  `api.timeout_sleep_s`, then answers normally, or closes the connection without an answer
  when `api.timeout_drop` is set. A response may trickle (`drip_s`: one byte at a time) or
  stop short (`cut_after` bytes, then a close, or a TCP reset with `reset`): hostile.py.
- Quiet by default: nothing is written to stderr per request (nor tracebacks for clients that
  hang up); `api.access_log = True` turns on one line per request. An exception inside the
  fake itself is a bug: it is answered with a JSON 500 and its traceback goes to stderr.
"""

from __future__ import annotations

import socket
import struct
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol

from divio_tui.hosts import is_loopback

from ._core import Core
from ._wire import detail


class LoopbackCore(Core, Protocol):
    """The core with the knobs only the loopback server applies (see the module docstring)."""

    @property
    def access_log(self) -> bool: ...
    @property
    def timeout_sleep_s(self) -> float: ...
    @property
    def timeout_drop(self) -> bool: ...


class NonLoopbackError(ValueError):
    """Refused to bind the fake API to an address other than loopback."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a sleeping "timeout" handler must not keep the process alive
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], api: LoopbackCore) -> None:
        self.api = api
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that time out and hang up are expected here; stay quiet unless asked.
        if self.api.access_log:
            super().handle_error(request, client_address)


class _Server6(_Server):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: with Nagle's algorithm on, the body waits for
    # the client's delayed ACK of the headers (~40 ms on Linux) on every kept-alive request.
    disable_nagle_algorithm = True
    server_version = "divio-tui-fake-api"
    sys_version = ""
    server: _Server

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()  # the blank line after the last chunk (no trailers)
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _serve(self) -> None:
        api = self.server.api
        try:
            body = self._read_body()
            with api.track():
                if api.latency_ms > 0:
                    time.sleep(api.latency_ms / 1000)
                host = self.headers.get("Host") or base_url_of(self.server).split("/")[2]
                url = self.path if self.path.startswith(("http://", "https://")) else f"http://{host}{self.path}"
                try:
                    resp = api.respond(self.command, url, dict(self.headers.items()), body)
                except Exception:  # noqa: BLE001 (a bug in the fake: answer like Django would, say so loudly)
                    traceback.print_exc(file=sys.stderr)
                    resp = detail(500, "A server error occurred.")
                if resp.timed_out:
                    time.sleep(api.timeout_sleep_s)
                    if api.timeout_drop:
                        self.close_connection = True
                        return
            self.send_response(resp.status)
            for name, value in resp.headers.items():
                self.send_header(name, value)
            self.end_headers()
            body = resp.body if resp.cut_after is None else resp.body[:resp.cut_after]
            if resp.drip_s > 0:
                for index in range(len(body)):
                    self.wfile.write(body[index:index + 1])
                    time.sleep(resp.drip_s)
            elif body:
                self.wfile.write(body)
            if resp.cut_after is not None:
                self._hang_up(reset=resp.reset)
        except (ConnectionError, TimeoutError):
            self.close_connection = True  # the client went away (e.g. after its own timeout)

    def _hang_up(self, *, reset: bool) -> None:
        """Close the connection mid-body: an orderly close, or a TCP reset (SO_LINGER 0)."""
        self.close_connection = True
        if reset:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _serve

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.api.access_log:
            sys.stderr.write(f"fake-api {self.address_string()} {format % args}\n")


def make_server(api: LoopbackCore, host: str = "127.0.0.1", port: int = 0, *,
                allow_non_loopback: bool = False) -> ThreadingHTTPServer:
    """Bind a ThreadingHTTPServer for `api` (see module docstring); not yet serving."""
    if not allow_non_loopback and not is_loopback(host):
        raise NonLoopbackError(
            f"refusing to serve the fake Divio API on {host!r}: it is not a loopback address "
            f"(use 127.0.0.1 or ::1, or pass --allow-non-loopback to expose it on purpose)")
    bare = host.strip("[]")
    cls = _Server6 if ":" in bare else _Server
    return cls((bare, port), api)


def base_url_of(server: ThreadingHTTPServer) -> str:
    """`http://<host>:<port>/apps/v3/` of a bound server."""
    host, port = server.server_address[:2]
    host = str(host)
    return f"http://[{host}]:{port}/apps/v3/" if ":" in host else f"http://{host}:{port}/apps/v3/"


@contextmanager
def serve_in_thread(api: LoopbackCore, host: str = "127.0.0.1", port: int = 0, *,
                    allow_non_loopback: bool = False) -> Iterator[str]:
    """Serve `api` in a daemon thread for the duration of the block; yields the base URL."""
    server = make_server(api, host, port, allow_non_loopback=allow_non_loopback)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="divio-fake-api", daemon=True)
    thread.start()
    try:
        yield base_url_of(server)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def serve_forever(api: LoopbackCore, host: str = "127.0.0.1", port: int = 0,
                  allow_non_loopback: bool = False, *,
                  on_ready: Callable[[str], None] | None = None) -> None:
    """Serve `api` in this thread until interrupted; `on_ready(base_url)` runs once bound."""
    server = make_server(api, host, port, allow_non_loopback=allow_non_loopback)
    try:
        if on_ready is not None:
            on_ready(base_url_of(server))
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
