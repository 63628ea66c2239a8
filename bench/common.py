"""Shared plumbing for the benchmarks: a large fake on loopback and a counting client."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Self

from divio_tui.api import DivioClient, RequestEvent
from divio_tui.fake import FIXED_NOW, Dataset, FakeDivioAPI, generate, serve_in_thread

LATENCY_MS = 20
"""Server-side latency per request: a conservative stand-in for a round trip to api.divio.com."""

_LARGE: Dataset | None = None


def large_dataset() -> Dataset:
    """The `large` scale dataset (>= 1,000 applications, >= 20,000 backups), built once."""
    global _LARGE
    if _LARGE is None:
        _LARGE = generate("large", seed=0, now=FIXED_NOW)
    return _LARGE


@contextmanager
def loopback(*, latency_ms: int = LATENCY_MS, ignore_filters: bool = False) -> Iterator[str]:
    """The large fake served over real HTTP on 127.0.0.1; yields the API base URL."""
    api = FakeDivioAPI(large_dataset(), latency_ms=latency_ms, ignore_filters=ignore_filters)
    with serve_in_thread(api) as base_url:
        yield base_url


@dataclass
class Counter:
    """An observer that counts requests and bytes."""

    requests: int = 0
    bytes: int = 0
    events: list[RequestEvent] = field(default_factory=list)

    def __call__(self, event: RequestEvent) -> None:
        self.requests += 1
        self.bytes += event.bytes


def client(base_url: str, counter: Counter, *, concurrency: int = 6) -> DivioClient:
    return DivioClient(base_url, token="bench", concurrency=concurrency, observer=counter)


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
