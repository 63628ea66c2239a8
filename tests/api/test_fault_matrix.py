"""The whole fault matrix over real HTTP on loopback (`fake.hostile`), at the API layer.

For every case: the outcome is pages or a typed `ApiError` in words (never an httpx or
pydantic exception), one batch sends a bounded number of requests, only GET/HEAD arrive, the
token never reaches another origin and appears in no error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import aclosing
from typing import Any

import pytest

from divio_tui.api import (
    ApiError,
    BadResponse,
    DivioClient,
    Forbidden,
    NetworkError,
    NotFound,
    Page,
    Refused,
    ServerError,
    Throttled,
    Unauthorised,
)
from divio_tui.api.cursor import BATCH_PAGES
from divio_tui.fake import FakeDivioAPI, serve_in_thread
from divio_tui.fake.hostile import CASES, LONG_CHARS, HostileAPI, gzip_bomb

TOKEN = "matrix-token-0123456789abcdef"

EXPECTED: dict[str, tuple[type[ApiError] | None, str]] = {
    "401": (Unauthorised, "401"),
    "403-credentials": (Unauthorised, "403"),
    "403-permission": (Forbidden, "403"),
    "404": (NotFound, "404"),
    "429": (Throttled, "429"),
    "429-no-retry-after": (Throttled, "429"),
    "429-huge-retry-after": (Throttled, "429"),
    "500": (ServerError, "500"),
    "502": (ServerError, "502"),
    "503": (ServerError, "503"),
    "504": (ServerError, "504"),
    "timeout": (NetworkError, "Timed out|No complete answer"),
    "trickle": (NetworkError, "No complete answer"),
    "reset": (NetworkError, "Network error|No complete answer"),
    "short-body": (NetworkError, "Network error|No complete answer"),
    "truncated-json": (BadResponse, "not JSON"),
    "html-200": (BadResponse, "an HTML page instead of JSON"),
    "empty-200": (BadResponse, "an empty body"),
    "shape-list": (BadResponse, "got a list"),
    "shape-no-results": (BadResponse, "without a results list"),
    "shape-count-string": (BadResponse, "non-integer count"),
    "shape-results-string": (BadResponse, "without a results list"),
    "records-odd": (None, ""),
    "empty-next": (BadResponse, "empty pages in a row"),
    "next-same": (Refused, "Paging loop"),
    "next-cycle": (Refused, "Paging loop"),
    "next-other-origin": (Refused, "another origin"),
    "next-other-port": (Refused, "another origin"),
    "next-control": (Refused, "malformed"),
    "redirect-other-origin": (Refused, "another origin"),
    "huge-count": (None, ""),
    "big-page": (None, ""),
    "long-string": (None, ""),
    "gzip-bomb": (BadResponse, "larger than 32 MB"),
    "names-markup": (None, ""),
    "names-ansi": (None, ""),
    "names-c0c1": (None, ""),
    "names-bidi": (None, ""),
    "names-zero-width": (None, ""),
    "uuid-control": (None, ""),
    "echo-token": (None, ""),
}
"""Case -> the error a first batch of the organisations ends with (None: pages), and a
fragment of its message."""


def test_every_case_of_the_hostile_server_has_an_expectation() -> None:
    assert set(EXPECTED) == set(CASES)


@pytest.fixture(scope="module")
def hostile() -> Iterator[tuple[HostileAPI, str]]:
    server = HostileAPI(FakeDivioAPI(scale="tiny"), trickle_s=0.05, timeout_sleep_s=3)
    gzip_bomb()  # built once, before any client's deadline runs
    with serve_in_thread(server) as base_url:
        yield server, base_url.removesuffix("apps/v3/")


def client_for(root: str, case: str) -> DivioClient:
    return DivioClient(f"{root}hostile/{case}/apps/v3/", TOKEN, timeout=0.3, deadline=2.0,
                       max_attempts=2, backoff_base=0.001, retry_after_cap=0.01)


async def first_batch(client: DivioClient) -> tuple[list[Page[Any]], ApiError | None]:
    pages: list[Page[Any]] = []
    try:
        async with aclosing(client.cursor("organisation").next_batch(500)) as batch:
            async for page in batch:
                pages.append(page)
    except ApiError as error:
        return pages, error
    return pages, None


@pytest.mark.parametrize("case", sorted(CASES))
async def test_the_matrix_over_loopback(hostile: tuple[HostileAPI, str], case: str) -> None:
    server, root = hostile
    start = len(server.requests)
    async with client_for(root, case) as client:
        pages, error = await first_batch(client)
    expected, fragment = EXPECTED[case]
    sent = server.requests[start:]
    if expected is None:
        assert error is None, error
        assert pages
    else:
        assert isinstance(error, expected), (case, error)
        assert re.search(fragment, error.message), error.message
        assert error.summary is None or error.summary.strip()
    # Bounded: one batch, whatever the server does (retries included).
    assert len(sent) <= BATCH_PAGES + 1
    assert {method for method, *_ in sent} <= {"GET", "HEAD"}
    api_host = root.split("/")[2]
    assert [request for request in sent if request[1] != api_host] == []
    texts = [error.message, error.detail or "", error.url or "", error.summary or "",
             repr(error)] if error is not None else []
    texts += [json.dumps([model.raw for page in pages for model in page.results]),
              json.dumps([record.raw for page in pages for record in page.invalid], default=str),
              " ".join(record.error.message for page in pages for record in page.invalid)]
    assert not any(TOKEN in text for text in texts)


async def test_records_of_every_odd_shape_are_read_or_shown_as_unreadable(
        hostile: tuple[HostileAPI, str]) -> None:
    _server, root = hostile
    async with client_for(root, "records-odd") as client:
        page = await client.get_page("backup")
    assert page.results and page.invalid
    assert all(isinstance(record.error, BadResponse) for record in page.invalid)


async def test_a_huge_count_costs_one_batch_of_pages_not_a_plan_of_millions(
        hostile: tuple[HostileAPI, str]) -> None:
    server, root = hostile
    start = len(server.requests)
    async with client_for(root, "huge-count") as client:
        cursor = client.cursor("application")
        async with aclosing(cursor.next_batch(500)) as batch:
            pages = [page async for page in batch]
    assert len(pages) == BATCH_PAGES == len(server.requests) - start
    assert cursor.count == 1_000_000_000 and not cursor.exhausted


async def test_a_2_mb_name_and_a_10000_record_page_are_read_whole(
        hostile: tuple[HostileAPI, str]) -> None:
    _server, root = hostile
    async with client_for(root, "long-string") as client:
        page = await client.get_page("application")
    assert len(page.results[0].raw["name"]) > LONG_CHARS
    async with client_for(root, "big-page") as client:
        page = await client.get_page("application")
    assert page.size == 10_000


async def test_ids_with_escape_sequences_never_become_urls(hostile: tuple[HostileAPI, str]) -> None:
    server, root = hostile
    async with client_for(root, "uuid-control") as client:
        page = await client.get_page("application")
        record = page.results[0]
        assert "\x1b" in record.raw["uuid"]
        start = len(server.requests)
        with pytest.raises(Refused):
            client.url_for("application", record.raw["uuid"])
        with pytest.raises(Refused):
            await client.get("application", record.raw["uuid"])
        with pytest.raises(Refused):
            client.cursor("environment", {"application": record.raw["uuid"]})
        assert len(server.requests) == start


async def test_connection_refused_is_a_network_error() -> None:
    async with DivioClient("http://127.0.0.1:9/apps/v3/", TOKEN, max_attempts=2,
                           backoff_base=0.001) as client:
        with pytest.raises(NetworkError, match="2 attempts"):
            await client.me()
