"""What the fake's transports need of the request -> response core, as a Protocol.

The core (`server.FakeDivioAPI`) knows nothing of the transports that mount it; the transports
(`transport.FakeTransport`, `loopback.make_server`) are typed against this Protocol, so the
imports run one way: transport -> _core <- server, never server -> transport.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import Protocol

from ._wire import FakeResponse


class Core(Protocol):
    """A request -> response function with the knobs every transport applies around it."""

    @property
    def latency_ms(self) -> float:
        """Added per request by the transport, inside `track` (read at every request)."""
        ...

    def track(self) -> AbstractContextManager[None]:
        """Count one request in flight for the duration of the block."""
        ...

    def respond(self, method: str, url: str, headers: Mapping[str, str],
                body: bytes = b"") -> FakeResponse:
        """The response to one request; `timed_out` asks the transport to simulate a timeout."""
        ...
