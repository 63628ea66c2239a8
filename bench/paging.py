"""Listing a whole collection against the latency bound.

Every backup of the large fake, 100 a page, 20 ms latency, 6 requests at a time: page 1 gives
the count, pages 2..N are fetched concurrently (api/cursor.py). No client can do it in fewer
than ceil((N - 1) / 6) + 1 round trips, so that many times the latency is the bound; what
exceeds it is the client's own work (HTTP, parsing, models) and the fake's.

For context the same requests are also sent without parsing their bodies: the floor httpx and
the fake server set on this machine, which no parsing can get under; and the same listing is
made against the fake replaying the pages it rendered before (bench/fake_server.py `replay`):
the fake renders in one Python process, six pages at once one after the other, which a real
server does not make its client wait for.
"""

from __future__ import annotations

import asyncio
import math
from contextlib import aclosing
from functools import partial

from divio_tui.api.paging import ordered_concurrently

from .common import (
    CONCURRENCY,
    LATENCY_MS,
    Counter,
    Result,
    Stopwatch,
    client,
    median,
    secs,
    served,
    spread,
    times,
)

RUNS = 5
TARGET = 1.3


async def _list_all(base_url: str) -> tuple[float, int, int]:
    counter = Counter()
    async with client(base_url, counter) as api:
        with Stopwatch() as sw:
            count = 0
            async with aclosing(api.iter_pages("backup")) as pages:
                async for page in pages:
                    count += len(page.results)
    return sw.seconds, count, counter.requests


async def _requests_only(base_url: str, pages: int) -> float:
    """The same page requests, in the same order and window, bodies left unparsed."""
    async with client(base_url, Counter()) as api:
        url = api.url_for("backup", params={"page_size": api.page_size})
        with Stopwatch() as sw:
            await api.request("GET", url)
            jobs = (partial(api.request, "GET", url, {"page": n}) for n in range(2, pages + 1))
            async with aclosing(ordered_concurrently(jobs, CONCURRENCY)) as responses:
                async for _response in responses:
                    pass
    return sw.seconds


def run() -> list[Result]:
    ours: list[float] = []
    floor: list[float] = []
    replayed: list[float] = []
    with served("large", "plain", "replay") as (base_url, replay_url):
        asyncio.run(_list_all(base_url))  # warm up the import and the connections
        asyncio.run(_list_all(replay_url))  # the replaying fake renders each page once
        for _ in range(RUNS):
            seconds, count, requests = asyncio.run(_list_all(base_url))
            ours.append(seconds)
            floor.append(asyncio.run(_requests_only(base_url, requests)))
            replayed.append(asyncio.run(_list_all(replay_url))[0])
    round_trips = math.ceil((requests - 1) / CONCURRENCY) + 1
    bound = round_trips * LATENCY_MS / 1000
    ratio = median(ours) / bound
    return [
        Result(f"list all {count:,} backups ({requests} pages, {LATENCY_MS} ms latency, "
               f"{CONCURRENCY} at a time), median of {RUNS} (runs {spread(ours)} s)",
               secs(median(ours)),
               f"latency bound: {round_trips} round trips = {secs(bound)}",
               times(ratio), f"<= {TARGET}x the bound", ratio <= TARGET),
        Result(f"  the same {requests} requests, bodies not parsed (runs {spread(floor)} s)",
               secs(median(floor)), f"latency bound {secs(bound)}",
               times(median(floor) / bound)),
        Result(f"  the same listing, the fake replaying pages it rendered before "
               f"(runs {spread(replayed)} s)", secs(median(replayed)),
               f"latency bound {secs(bound)}", times(median(replayed) / bound)),
    ]
