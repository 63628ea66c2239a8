"""The embedded fake Divio API: a deterministic dataset and a DRF-faithful read-only server.

Imports nothing from `divio_tui.api` (the client) nor Textual/Rich: it speaks plain JSON
dicts, the wire format, so a client-side model bug cannot be mirrored here.

    from divio_tui.fake import FIXED_NOW, FakeDivioAPI, FakeTransport, serve_in_thread
    api = FakeDivioAPI(now=FIXED_NOW)                # demo dataset, any token accepted
    httpx.AsyncClient(transport=FakeTransport(api))  # in-process (httpx.Client too)
    with serve_in_thread(api) as base_url: ...       # real HTTP on 127.0.0.1
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from divio_tui.hosts import is_loopback

from .dataset import FIXED_NOW, Dataset, generate
from .faults import FAULT_KINDS, FaultSpec
from .server import ROOT_KEYS, FakeDivioAPI, FakeResponse
from .transport import FakeTransport

if TYPE_CHECKING:
    from .loopback import NonLoopbackError, serve_forever, serve_in_thread

_LAZY = {"NonLoopbackError": ".loopback", "serve_forever": ".loopback",
         "serve_in_thread": ".loopback"}
"""Names imported on first use: the demo mounts the fake in-process and needs no HTTP server
(`http.server`, sockets, threads), so `loopback` is not imported with the package."""

__all__ = ["FAULT_KINDS", "FIXED_NOW", "ROOT_KEYS", "Dataset", "FakeDivioAPI", "FakeResponse",
           "FakeTransport", "FaultSpec", "NonLoopbackError", "generate", "is_loopback",
           "serve_forever", "serve_in_thread"]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
