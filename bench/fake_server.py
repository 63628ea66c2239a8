"""`python -m bench.fake_server SCALE LATENCY_MS VARIANT...`: the fake API in a process of its own.

The real API runs on other machines: its JSON rendering and HTTP handling cost the client
nothing. Served from a thread of the benchmark's own process, the fake's work (about half a
millisecond a page) would hold the client's interpreter lock and be counted as ours, so the
benchmarks serve it from this child process instead. One dataset (seed 0, `FIXED_NOW`) is
generated and served once per VARIANT on its own loopback port: `plain` honours every filter,
`ignore` ignores the backup filters, `replay` is `plain` answering a URL asked before with the
response it rendered then (the fake's own work per request, about half a millisecond of
Python for a page of 100, left out: what a real server's rendering costs its client). The
base URLs are printed one per line, in order, then the process serves until its standard
input closes (the parent exiting included).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager

from divio_tui.fake import FIXED_NOW, FakeDivioAPI, FakeResponse, generate
from divio_tui.fake.loopback import base_url_of, make_server

VARIANTS = ("plain", "ignore", "replay")


class Replay:
    """The fake, rendering each URL's response once (the data never changes here)."""

    def __init__(self, api: FakeDivioAPI) -> None:
        self.api = api
        self.latency_ms = api.latency_ms
        self.access_log = False
        self.timeout_sleep_s = api.timeout_sleep_s
        self.timeout_drop = False
        self._rendered: dict[tuple[str, str], FakeResponse] = {}

    def track(self) -> AbstractContextManager[None]:
        return self._untracked()

    @contextmanager
    def _untracked(self) -> Iterator[None]:
        yield

    def respond(self, method: str, url: str, headers: Mapping[str, str],
                body: bytes = b"") -> FakeResponse:
        key = (method, url)
        response = self._rendered.get(key)
        if response is None:
            response = self._rendered[key] = self.api.respond(method, url, headers, body)
        return response


def main(argv: list[str]) -> int:
    scale, latency, *variants = argv
    if not variants or any(variant not in VARIANTS for variant in variants):
        print(f"usage: python -m bench.fake_server SCALE LATENCY_MS {'|'.join(VARIANTS)}...",
              file=sys.stderr)
        return 2
    dataset = generate(scale, seed=0, now=FIXED_NOW)  # type: ignore[arg-type]
    for variant in variants:
        api = FakeDivioAPI(dataset, latency_ms=float(latency),
                           ignore_filters=variant == "ignore")
        server = make_server(Replay(api) if variant == "replay" else api)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                         daemon=True).start()
        print(base_url_of(server), flush=True)
    sys.stdin.read()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
