"""Listing a whole collection: concurrent page fetches vs following `next` one page at a time.

The baseline is what divio-cli and the how-to page do: request page 1, then its `next`, and so
on. divio-tui fetches pages 2..N concurrently (6 at once) once page 1 gives the count.
"""

from __future__ import annotations

import asyncio

from .common import Counter, Stopwatch, client, loopback, row


async def _list_all(base_url: str, concurrency: int) -> tuple[float, int, int]:
    counter = Counter()
    async with client(base_url, counter, concurrency=concurrency) as api:
        with Stopwatch() as sw:
            items = [item async for item in api.iter_items("backup")]
    return sw.seconds, len(items), counter.requests


def run() -> list[str]:
    with loopback() as base_url:
        seq_s, seq_n, _seq_req = asyncio.run(_list_all(base_url, concurrency=1))
        con_s, con_n, con_req = asyncio.run(_list_all(base_url, concurrency=6))
    assert seq_n == con_n, "both ways must list the same backups"
    return [
        f"list every backup ({con_n} items, {con_req} requests of 100, 20 ms latency)",
        row("time to list all backups", con_s, seq_s),
    ]
