"""Concurrent paging: pages in order, streamed early, bounded, and cancelled cleanly."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import aclosing
from typing import Any

import httpx
import pytest

from divio_tui.api import DivioClient, NotFound, Page
from divio_tui.api.paging import ordered_concurrently

from .conftest import drf_page

MakeClient = Callable[..., DivioClient]

ITEMS = [{"uuid": f"b{i:03d}", "environment": "e1"} for i in range(53)]


class Gauge:
    """Counts requests in flight inside an async MockTransport handler."""

    def __init__(self) -> None:
        self.now = 0
        self.max = 0
        self.pages: list[int] = []
        self.cancelled = 0

    async def serve(
        self, request: httpx.Request, gate: asyncio.Event | None = None
    ) -> httpx.Response:
        self.now += 1
        self.max = max(self.max, self.now)
        self.pages.append(int(request.url.params.get("page", "1")))
        try:
            if gate is not None:
                await gate.wait()
            for _ in range(3):  # let the other requests start: overlap without wall-clock sleeps
                await asyncio.sleep(0)
            return drf_page(request, ITEMS)
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        finally:
            self.now -= 1


async def settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


async def test_pages_arrive_in_order_and_cover_every_item(make_client: MakeClient) -> None:
    gauge = Gauge()
    client = make_client(gauge.serve, page_size=5, concurrency=4)
    pages = [page async for page in client.iter_pages("backup")]
    assert [page.number for page in pages] == list(range(1, 12))
    assert [b.uuid for page in pages for b in page.results] == [i["uuid"] for i in ITEMS]
    assert 1 < gauge.max <= 4


async def test_concurrency_is_bounded_for_the_whole_client(make_client: MakeClient) -> None:
    gauge = Gauge()
    client = make_client(gauge.serve, page_size=2, concurrency=3)

    async def drain() -> int:
        return len([item async for item in client.iter_items("backup")])

    assert list(await asyncio.gather(drain(), drain(), drain())) == [53, 53, 53]
    assert gauge.max == 3


async def test_second_page_is_yielded_before_the_last_page_finishes(
    make_client: MakeClient,
) -> None:
    last_page_gate = asyncio.Event()
    gauge = Gauge()

    async def handler(request: httpx.Request) -> httpx.Response:
        is_last = request.url.params.get("page") == "11"
        return await gauge.serve(request, last_page_gate if is_last else None)

    client = make_client(handler, page_size=5, concurrency=6)
    async with asyncio.timeout(5), aclosing(client.iter_pages("backup")) as pages:
        seen = [page.number async for page in _until(pages, 2)]
        assert seen == [1, 2]  # reached while page 11 is still blocked
        last_page_gate.set()
        assert [page.number async for page in pages] == list(range(3, 12))


async def _until(pages: AsyncIterator[Page[Any]], number: int) -> AsyncIterator[Page[Any]]:
    async for page in pages:
        yield page
        if page.number == number:
            return


async def test_stopping_early_cancels_outstanding_page_requests(make_client: MakeClient) -> None:
    gate = asyncio.Event()  # never set: pages 3+ hang until cancelled
    gauge = Gauge()

    async def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "1"))
        return await gauge.serve(request, gate if page > 2 else None)

    client = make_client(handler, page_size=5, concurrency=4)
    async with aclosing(client.iter_pages("backup")) as pages:
        async for page in pages:
            if page.number == 2:
                break
    assert gauge.now == 0 and gauge.cancelled == 3
    assert asyncio.all_tasks() == {asyncio.current_task()}


async def test_breaking_without_aclosing_still_cancels_on_collection(
    make_client: MakeClient,
) -> None:
    gate = asyncio.Event()
    gauge = Gauge()

    async def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "1"))
        return await gauge.serve(request, gate if page > 2 else None)

    client = make_client(handler, page_size=5, concurrency=4)
    async for page in client.iter_pages("backup"):
        if page.number == 2:
            break
    # The abandoned generator is finalised by the event loop's asyncgen hook.
    for _ in range(50):
        if asyncio.all_tasks() == {asyncio.current_task()}:
            break
        await asyncio.sleep(0)
    assert gauge.now == 0 and asyncio.all_tasks() == {asyncio.current_task()}


async def test_a_failing_page_raises_in_order_after_the_pages_before_it(
    make_client: MakeClient,
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("page") == "4":
            return httpx.Response(404, json={"detail": "Not found."})
        return drf_page(request, ITEMS)

    seen: list[int] = []
    with pytest.raises(NotFound):
        async for page in make_client(handler, page_size=5).iter_pages("backup"):
            seen.append(page.number)
    assert seen == [1, 2, 3]
    await settle()
    assert asyncio.all_tasks() == {asyncio.current_task()}


async def test_collection_that_shrinks_after_page_one_ends_quietly(
    make_client: MakeClient,
) -> None:
    items = list(ITEMS)

    def handler(request: httpx.Request) -> httpx.Response:
        response = drf_page(request, items, default_size=20)
        del items[30:]  # after page 1, only 30 remain: page 3 becomes "Invalid page."
        return response

    client = make_client(handler, page_size=20, concurrency=1)
    pages = [p async for p in client.iter_pages("backup")]
    assert [p.number for p in pages] == [1, 2]


async def test_collection_that_grows_is_followed_past_the_planned_pages(
    make_client: MakeClient,
) -> None:
    items = ITEMS[:20]

    def handler(request: httpx.Request) -> httpx.Response:
        response = drf_page(request, items)
        items[:] = ITEMS[:45]  # after page 1 said 20, the collection grows to 45
        return response

    uuids = [b.uuid async for b in make_client(handler, page_size=10, concurrency=1)
             .iter_items("backup")]
    assert uuids == [i["uuid"] for i in ITEMS[:45]]


async def test_page_size_comes_from_page_one_when_the_server_caps_it(
    make_client: MakeClient,
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        capped = request.url.copy_set_param("page_size", "7")  # server ignores our 100
        return drf_page(httpx.Request("GET", capped), ITEMS)

    pages = [p async for p in make_client(handler).iter_pages("backup")]
    assert [p.size for p in pages] == [7] * 7 + [4]


async def test_ordered_concurrently_keeps_order_whatever_the_finish_order() -> None:
    finish_order: list[int] = []

    def job(n: int, delay_ticks: int) -> Callable[[], Coroutine[Any, Any, int]]:
        async def run() -> int:
            for _ in range(delay_ticks):
                await asyncio.sleep(0)
            finish_order.append(n)
            return n
        return run

    jobs = [job(n, ticks) for n, ticks in enumerate([9, 1, 5, 0, 3])]
    results = [r async for r in ordered_concurrently(jobs, window=5)]
    assert results == [0, 1, 2, 3, 4] and finish_order != results


async def test_jobs_started_meanwhile_run_before_the_consumer_gets_a_result_already_in() -> None:
    # Six pages land together: the request for the seventh must go out before the consumer
    # spends its time on the second, not after all six are parsed.
    events: list[str] = []

    def job(n: int) -> Callable[[], Coroutine[Any, Any, int]]:
        async def run() -> int:
            events.append(f"send {n}")
            return n
        return run

    async for n in ordered_concurrently([job(n) for n in range(8)], window=6, start_turns=2):
        events.append(f"parse {n}")
    assert events.index("send 6") < events.index("parse 1")
    assert events.index("send 7") < events.index("parse 2")
