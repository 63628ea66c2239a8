"""Shared plumbing for the benchmarks: the fake on loopback, counting clients, result rows."""

from __future__ import annotations

import math
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Self

import httpx

from divio_tui.api import DivioClient, RequestEvent
from divio_tui.fake import FIXED_NOW, Dataset, FakeDivioAPI, generate, serve_in_thread

LATENCY_MS = 20
"""Server-side latency per request: a conservative stand-in for a round trip to api.divio.com."""

CONCURRENCY = 6
"""Requests in flight at once (the client's default)."""

_LARGE: Dataset | None = None


def large_dataset() -> Dataset:
    """The `large` scale dataset (>= 1,000 applications, >= 20,000 backups), built once."""
    global _LARGE
    if _LARGE is None:
        _LARGE = generate("large", seed=0, now=FIXED_NOW)
    return _LARGE


@contextmanager
def loopback(*, latency_ms: int = LATENCY_MS, ignore_filters: bool = False) -> Iterator[str]:
    """The large fake served over real HTTP on 127.0.0.1, from a thread of this process;
    yields the API base URL. `served` runs it in a process of its own instead."""
    api = FakeDivioAPI(large_dataset(), latency_ms=latency_ms, ignore_filters=ignore_filters)
    with serve_in_thread(api) as base_url:
        yield base_url


@contextmanager
def served(scale: str = "large", *variants: str, latency_ms: int = LATENCY_MS) -> Iterator[list[str]]:
    """The fake (seed 0, FIXED_NOW) served from a child process (see bench/fake_server.py),
    once per variant ("plain", "ignore"); yields the base URLs in the same order."""
    variants = variants or ("plain",)
    child = subprocess.Popen(
        [sys.executable, "-m", "bench.fake_server", scale, str(latency_ms), *variants],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        urls = [child.stdout.readline().strip() for _ in variants]
        if not all(urls):
            raise RuntimeError(f"the fake API ({scale}) did not start")
        yield urls
    finally:
        assert child.stdin is not None
        child.stdin.close()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


@dataclass
class Counter:
    """An observer that counts requests and bytes."""

    requests: int = 0
    bytes: int = 0
    events: list[RequestEvent] = field(default_factory=list)

    def __call__(self, event: RequestEvent) -> None:
        self.requests += 1
        self.bytes += event.bytes


class TimedTransport(httpx.AsyncBaseTransport):
    """httpx's own transport, noting when each request went out and its answer came back:
    how many round trips a task waited for one after the other (`sequential_round_trips`)."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.spans: list[tuple[float, float]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        sent = time.perf_counter()
        response = await self.inner.handle_async_request(request)
        self.spans.append((sent, time.perf_counter()))
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()

    def sequential_round_trips(self) -> int:
        """The longest chain of requests each sent after the one before it was answered."""
        depth: list[tuple[float, int]] = []  # (answered at, chain length ending there)
        for sent, answered in sorted(self.spans):
            before = max((length for end, length in depth if end <= sent), default=0)
            depth.append((answered, before + 1))
        return max((length for _end, length in depth), default=0)


def client(base_url: str, counter: Counter, *, concurrency: int = CONCURRENCY,
           transport: httpx.AsyncBaseTransport | None = None) -> DivioClient:
    return DivioClient(base_url, token="bench", concurrency=concurrency, observer=counter,
                       transport=transport)


class Stopwatch:
    """`with Stopwatch() as sw: ...` then `sw.seconds`."""

    def __enter__(self) -> Self:
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self._start


def row(name: str, ours: float, baseline: float, unit: str = "s", better: str = "lower") -> str:
    """One line of output: both measurements and how many times better ours is."""
    ratio = baseline / ours if better == "lower" and ours else ours / baseline if baseline else 0
    return f"  {name:<44} ours {ours:10.3f} {unit:<3} baseline {baseline:10.3f} {unit:<3} x{ratio:6.1f}"


# -- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    """One row of the table `make bench` prints: ours, what it is measured against, the
    ratio, the target and whether it is met (None: a figure for context, with no target)."""

    what: str
    ours: str
    baseline: str
    ratio: str
    target: str = ""
    met: bool | None = None

    @property
    def verdict(self) -> str:
        return "" if self.met is None else "met" if self.met else "missed"


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def spread(values: Sequence[float]) -> str:
    """How noisy repeated runs were: `min–max` in the unit of the values' median."""
    return f"{min(values):.3g}–{max(values):.3g}"


def secs(value: float) -> str:
    """A duration for the table: ms under a second, else seconds."""
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def times(ratio: float) -> str:
    """A ratio for the table: `2.8x` (ours / baseline, lower is better) or `x120` (how many
    times better); `math.inf` when the baseline costs nothing."""
    return "∞" if math.isinf(ratio) else f"{ratio:.2f}x"


def better(ratio: float) -> str:
    return f"x{ratio:.0f}" if ratio >= 10 else f"x{ratio:.1f}"
