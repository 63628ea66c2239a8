"""The one pager: batches on demand, and every guard against a server that pages badly."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from divio_tui.api import BadResponse, DivioClient, Refused
from divio_tui.api.cursor import BATCH_PAGES

from .conftest import BASE, drf_page, json_response

MakeClient = Callable[..., DivioClient]

ITEMS = [{"uuid": f"b{i:04d}", "environment": "e1"} for i in range(1234)]


async def batch(cursor: Any, budget: float) -> list[Any]:
    return [page async for page in cursor.next_batch(budget)]


async def test_batches_read_about_the_budget_and_resume_where_they_stopped(
    make_client: MakeClient,
) -> None:
    sent: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(int(request.url.params.get("page", "1")))
        return drf_page(request, ITEMS)

    cursor = make_client(handler, page_size=100).cursor("backup")
    first = await batch(cursor, 500)
    assert [page.number for page in first] == [1, 2, 3, 4, 5]
    assert cursor.scanned == 500 and cursor.remaining == 734 and not cursor.exhausted
    second = await batch(cursor, 500)
    assert [page.number for page in second] == [6, 7, 8, 9, 10]
    rest = await batch(cursor, 10_000)
    assert [page.number for page in rest] == [11, 12, 13] and cursor.exhausted
    assert sorted(sent) == list(range(1, 14))  # every page once
    uuids = [item.uuid for page in first + second + rest for item in page.results]
    assert uuids == [item["uuid"] for item in ITEMS]


async def test_a_next_that_repeats_its_own_page_ends_the_list_with_a_loop_error(
    make_client: MakeClient,
) -> None:
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(str(request.url))
        return json_response(200, {"count": 3, "next": str(request.url), "previous": None,
                                   "results": [{"uuid": "a"}]})

    cursor = make_client(handler).cursor("backup")
    with pytest.raises(Refused, match="Paging loop"):
        await batch(cursor, 500)
    assert len(sent) == 1 and cursor.exhausted


async def test_alternating_next_links_are_a_loop_too(make_client: MakeClient) -> None:
    a, b = BASE + "backups/?cursor=a", BASE + "backups/?cursor=b"
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.url.params.get("cursor", "first"))
        nxt = b if request.url.params.get("cursor") == "a" else a
        return json_response(200, {"count": None, "next": nxt, "previous": None,
                                   "results": [{"uuid": "x"}]})

    cursor = make_client(handler).cursor("backup")
    pages: list[Any] = []
    with pytest.raises(Refused, match="Paging loop"):
        async for page in cursor.next_batch(10_000):
            pages.append(page)
    assert sent == ["first", "a", "b"]
    # The same record on every page is listed once.
    assert [item.uuid for page in pages for item in page.results] == ["x"]
    assert cursor.duplicates == 2


async def test_empty_pages_with_a_next_end_the_list_after_three(make_client: MakeClient) -> None:
    sent: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        n = int(request.url.params.get("cursor", "0"))
        sent.append(n)
        return json_response(200, {"next": f"{BASE}backups/?cursor={n + 1}", "previous": None,
                                   "results": []})

    cursor = make_client(handler, page_size=100).cursor("backup")
    with pytest.raises(BadResponse, match="3 empty pages in a row") as caught:
        await batch(cursor, float("inf"))
    assert len(sent) == 3 and cursor.exhausted
    assert caught.value.summary == "the server sent empty pages that never end"


async def test_tiny_pages_stop_a_batch_after_its_page_budget(make_client: MakeClient) -> None:
    sent: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        n = int(request.url.params.get("cursor", "0"))
        sent.append(n)
        return json_response(200, {"next": f"{BASE}backups/?cursor={n + 1}", "previous": None,
                                   "results": [{"uuid": f"i{n}"}]})

    cursor = make_client(handler, page_size=100).cursor("backup")
    await batch(cursor, 500)
    assert len(sent) == BATCH_PAGES and not cursor.exhausted


async def test_a_huge_count_plans_only_the_pages_of_the_batch(make_client: MakeClient) -> None:
    sent: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "1"))
        sent.append(page)
        nxt = str(request.url.copy_set_param("page", str(page + 1)))
        return json_response(200, {"count": 1_000_000_000, "next": nxt, "previous": None,
                                   "results": [{"uuid": f"p{page}-{i}"} for i in range(2)]})

    cursor = make_client(handler, page_size=2, concurrency=3).cursor("backup")
    await batch(cursor, 10)
    assert sorted(sent) == [1, 2, 3, 4, 5]
    assert cursor.remaining == 1_000_000_000 - 10


async def test_the_page_cap_ends_an_endless_list_in_words(make_client: MakeClient) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        n = int(request.url.params.get("cursor", "0"))
        return json_response(200, {"next": f"{BASE}backups/?cursor={n + 1}",
                                   "results": [{"uuid": f"i{n}"}]})

    cursor = make_client(handler).cursor("backup")
    cursor.max_pages = 7
    with pytest.raises(Refused, match="Stopped after 7 pages"):
        await batch(cursor, float("inf"))
    assert cursor.pages_read == 7 and cursor.exhausted


async def test_a_failed_page_is_read_again_by_the_next_batch(make_client: MakeClient) -> None:
    failures = {"3": 1}
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        page = request.url.params.get("page", "1")
        sent.append(page)
        if failures.get(page):
            failures[page] -= 1
            return json_response(500, {"detail": "boom"})
        return drf_page(request, ITEMS[:50])

    cursor = make_client(handler, page_size=10, concurrency=1).cursor("backup")
    got: list[Any] = []
    with pytest.raises(Exception, match="500"):
        async for page in cursor.next_batch(100):
            got.append(page)
    assert [page.number for page in got] == [1, 2]
    got += await batch(cursor, 100)
    assert [page.number for page in got] == [1, 2, 3, 4, 5] and cursor.exhausted
