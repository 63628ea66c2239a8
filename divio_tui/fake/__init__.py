"""The embedded fake Divio API: a deterministic dataset and a DRF-faithful read-only server.

Imports nothing from `divio_tui.api` (the client) nor Textual/Rich: it speaks plain JSON
dicts, the wire format, so a client-side model bug cannot be mirrored here.

    from divio_tui.fake import FIXED_NOW, FakeDivioAPI, FakeTransport, serve_in_thread
    api = FakeDivioAPI(now=FIXED_NOW)                # demo dataset, any token accepted
    httpx.AsyncClient(transport=FakeTransport(api))  # in-process (httpx.Client too)
    with serve_in_thread(api) as base_url: ...       # real HTTP on 127.0.0.1
"""

from __future__ import annotations

from divio_tui.hosts import is_loopback

from .dataset import FIXED_NOW, Dataset, generate
from .faults import FAULT_KINDS, FaultSpec
from .loopback import NonLoopbackError, serve_forever, serve_in_thread
from .server import ROOT_KEYS, FakeDivioAPI, FakeResponse
from .transport import FakeTransport

__all__ = ["FAULT_KINDS", "FIXED_NOW", "ROOT_KEYS", "Dataset", "FakeDivioAPI", "FakeResponse",
           "FakeTransport", "FaultSpec", "NonLoopbackError", "generate", "is_loopback",
           "serve_forever", "serve_in_thread"]
