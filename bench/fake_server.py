"""`python -m bench.fake_server SCALE LATENCY_MS VARIANT...`: the fake API in a process of its own.

The real API runs on other machines: its JSON rendering and HTTP handling cost the client
nothing. Served from a thread of the benchmark's own process, the fake's work (about half a
millisecond a page) would hold the client's interpreter lock and be counted as ours, so the
benchmarks serve it from this child process instead. One dataset (seed 0, `FIXED_NOW`) is
generated and served once per VARIANT on its own loopback port: `plain` honours every filter,
`ignore` ignores the backup filters. The base URLs are printed one per line, in order, then
the process serves until its standard input closes (the parent exiting included).
"""

from __future__ import annotations

import sys
import threading

from divio_tui.fake import FIXED_NOW, FakeDivioAPI, generate
from divio_tui.fake.loopback import base_url_of, make_server

VARIANTS = ("plain", "ignore")


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
        server = make_server(api)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                         daemon=True).start()
        print(base_url_of(server), flush=True)
    sys.stdin.read()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
