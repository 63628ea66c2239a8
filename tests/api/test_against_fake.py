"""DivioClient against the fake Divio API: over real loopback HTTP and in-process.

The fake is written independently from the client (it speaks plain JSON), so these tests check
that the two agree on the wire: paging, filters, auth, faults and the netrc trap.
"""

from __future__ import annotations

import asyncio
import dataclasses
import socket
from collections.abc import AsyncIterator, Iterator, Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests

from divio_tui.api import (
    KINDS,
    ROOT_KINDS,
    ApiModel,
    BadResponse,
    DivioClient,
    ErrorKind,
    NetworkError,
    Refused,
    RequestEvent,
    ServerError,
    Unauthorised,
)
from divio_tui.fake import FakeDivioAPI, FakeTransport, serve_in_thread
from divio_tui.fake.dataset import FIXED_NOW

from .conftest import SleepRecorder

TOKEN = "fake-api-token-0123456789"


@pytest.fixture(scope="module")
def api_module() -> FakeDivioAPI:
    # One demo dataset for the module: generating it is the slow part, knobs are reset per test.
    return FakeDivioAPI(scale="demo", now=FIXED_NOW, token=TOKEN)


@pytest.fixture
def api(api_module: FakeDivioAPI) -> Iterator[FakeDivioAPI]:
    api_module.latency_ms = 0
    api_module.ignore_filters = False
    api_module.faults = None
    api_module.clear_failures()
    api_module.reset_stats()
    yield api_module
    api_module.clear_failures()


@pytest.fixture
def base_url(api: FakeDivioAPI) -> Iterator[str]:
    with serve_in_thread(api) as url:
        yield url


@pytest.fixture
async def client(
    base_url: str, sleeps: SleepRecorder, events: list[RequestEvent]
) -> AsyncIterator[DivioClient]:
    async with DivioClient(base_url, TOKEN, sleep=sleeps, observer=events.append,
                           backoff_base=0.001, timeout=5.0) as client:
        yield client


def env_with_most_backups(api: FakeDivioAPI) -> str:
    counts: dict[str, int] = {}
    for backup in api.dataset.collections["backups"]:
        counts[backup["environment"]] = counts.get(backup["environment"], 0) + 1
    return max(counts, key=lambda env: counts[env])


# -- paging ---------------------------------------------------------------------------------


async def test_many_small_pages_over_loopback_give_every_item_in_order(
    api: FakeDivioAPI, base_url: str
) -> None:
    async with DivioClient(base_url, TOKEN, page_size=5) as small_pages:
        uuids = [app.uuid async for app in small_pages.iter_items("application")]
    assert uuids == [app["uuid"] for app in api.dataset.collections["applications"]]
    assert len(api.requests) == -(-len(uuids) // 5) > 2


async def test_concurrent_pages_overlap_on_the_server_within_the_bound(
    api: FakeDivioAPI, base_url: str
) -> None:
    api.latency_ms = 30  # a slow network: overlapping requests are what makes paging fast
    env = env_with_most_backups(api)
    async with DivioClient(base_url, TOKEN, page_size=5, concurrency=3) as client:
        backups = [b async for b in client.iter_items("backup", {"environment": env})]
    expected = [b["uuid"] for b in api.dataset.collections["backups"] if b["environment"] == env]
    assert [b.uuid for b in backups] == expected and len(expected) > 15
    assert 1 < api.max_in_flight <= 3


async def test_ignored_filters_still_give_the_right_children_when_filtered_client_side(
    api: FakeDivioAPI, client: DivioClient
) -> None:
    api.ignore_filters = True
    environment = await client.get("environment", env_with_most_backups(api))
    link = next(link for link in KINDS["environment"].child_links if link.kind == "backup")
    everything = [b async for b in client.iter_items("backup", link.query(environment))]
    mine = [b.uuid for b in everything if link.belongs(environment, b)]
    assert len(everything) == len(api.dataset.collections["backups"])
    assert mine == [b["uuid"] for b in api.dataset.collections["backups"]
                    if b["environment"] == environment.uuid]


# -- faults ---------------------------------------------------------------------------------


async def test_injected_5xx_and_timeouts_are_retried_until_success(
    api: FakeDivioAPI, base_url: str, events: list[RequestEvent]
) -> None:
    api.timeout_sleep_s = 0.5
    api.fail_next("regions", 503)
    api.fail_next("regions", "timeout")
    api.fail_next("regions", 502)
    async with DivioClient(base_url, TOKEN, observer=events.append, backoff_base=0.001,
                           timeout=0.2) as client:
        regions = [r async for r in client.iter_items("region")]
    assert len(regions) == len(api.dataset.collections["regions"])
    assert [(e.status, e.error) for e in events] == [
        (503, ErrorKind.SERVER), (None, ErrorKind.NETWORK), (502, ErrorKind.SERVER), (200, None),
    ]


async def test_429_retry_after_from_the_fake_is_honoured(
    api: FakeDivioAPI, client: DivioClient, sleeps: SleepRecorder
) -> None:
    api.fail_next("regions", 429, times=2)
    await client.get_page("region")
    assert sleeps.delays == [1.0, 1.0]


async def test_truncated_json_is_a_bad_response_and_not_retried(
    api: FakeDivioAPI, client: DivioClient
) -> None:
    api.fail_next("backups", "badjson")
    with pytest.raises(BadResponse) as caught:
        await client.get_page("backup")
    assert "not JSON" in caught.value.message
    assert len(api.requests) == 1


async def test_proxy_html_error_page_never_reaches_the_message(
    api: FakeDivioAPI, client: DivioClient
) -> None:
    api.fail_next("backups", "html", times=4)
    with pytest.raises(ServerError) as caught:
        await client.get_page("backup")
    assert caught.value.message == (
        "502 Bad Gateway (4 attempts) — GET /apps/v3/backups/?page_size=100"
    )
    assert caught.value.detail is None


async def test_an_object_where_a_page_is_expected_is_a_bad_response(
    client: DivioClient,
) -> None:
    me_as_a_list = dataclasses.replace(KINDS["region"], family="iam", route="me/")
    with pytest.raises(BadResponse) as caught:
        await client.get_page(me_as_a_list)
    assert "without a results list" in caught.value.message


# -- auth -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "detail"),
    [("wrong", "Invalid token."), (None, "Authentication credentials were not provided.")],
)
async def test_401_carries_the_fakes_detail(
    base_url: str, token: str | None, detail: str
) -> None:
    async with DivioClient(base_url, token) as client:
        with pytest.raises(Unauthorised) as caught:
            await client.me()
    assert caught.value.status == 401 and caught.value.detail == detail
    assert caught.value.message == f"401 Unauthorized: {detail} — GET /iam/v3/me/"


async def test_root_needs_no_token(base_url: str) -> None:
    async with DivioClient(base_url) as anonymous:
        root = await anonymous.root()
    assert "serviceinstances" in root


async def test_non_get_is_refused_before_reaching_the_server(
    api: FakeDivioAPI, client: DivioClient
) -> None:
    with pytest.raises(Refused):
        await client.request("DELETE", "applications/")
    assert api.requests == []


def record_authorization(api: FakeDivioAPI, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    respond = api.respond

    def recording(method: str, url: str, headers: Mapping[str, str], body: bytes = b"") -> Any:
        seen.append({k.lower(): v for k, v in headers.items()}.get("authorization", ""))
        return respond(method, url, headers, body)

    monkeypatch.setattr(api, "respond", recording)
    return seen


async def test_netrc_entry_for_the_api_host_does_not_replace_our_token(
    api: FakeDivioAPI, base_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What `divio login` writes, for the host we talk to (divio-api.md §3.2).
    netrc = tmp_path / ".netrc"
    netrc.write_text("machine 127.0.0.1\n\tlogin user@example.com\n\tpassword from-netrc\n")
    netrc.chmod(0o600)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                 "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("NETRC", str(netrc))
    monkeypatch.setenv("NETRC_PATH", str(netrc))
    seen = record_authorization(api, monkeypatch)

    # The trap is real here: requests with trust_env swaps our header for Basic auth.
    trapped = await asyncio.to_thread(
        requests.get, base_url + "regions/", headers={"Authorization": f"Token {TOKEN}"},
        timeout=5)
    assert trapped.status_code == 401 and seen[-1].startswith("Basic ")
    assert trapped.json() == {"detail": "Authentication credentials were not provided."}

    # Proxy variables pointing nowhere must not be used either.
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("ALL_PROXY", "http://127.0.0.1:9")
    async with DivioClient(base_url, TOKEN) as client:
        user = await client.me()
    assert user.uuid == api.dataset.me["uuid"]
    assert seen[-1] == f"Token {TOKEN}"


# -- observer and in-process ----------------------------------------------------------------


async def test_observer_sees_each_request_the_server_saw(
    api: FakeDivioAPI, client: DivioClient, events: list[RequestEvent]
) -> None:
    [_ async for _ in client.iter_pages("deployment")]
    assert len(events) == len(api.requests) > 1
    # Pages 2..N are concurrent, so arrival order at the server is not page order.
    assert sorted(httpx.URL(e.url).raw_path.decode() for e in events) == sorted(
        path for _, path, _ in api.requests)
    assert all(e.status == 200 and e.bytes > 0 for e in events)


async def test_nothing_listening_is_a_network_error_after_retries(sleeps: SleepRecorder) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with DivioClient(f"http://127.0.0.1:{port}/apps/v3/", TOKEN, sleep=sleeps,
                           max_attempts=2) as client:
        with pytest.raises(NetworkError) as caught:
            await client.me()
    assert caught.value.attempts == 2 and len(sleeps.delays) == 1
    assert caught.value.message.endswith("(2 attempts) — GET /iam/v3/me/")


async def test_the_resource_table_walks_the_whole_tiny_tree_in_process() -> None:
    fake = FakeDivioAPI(scale="tiny", now=FIXED_NOW, token=TOKEN, ignore_filters=True)
    seen: dict[str, set[str]] = {name: set() for name in KINDS}

    async def expand(client: DivioClient, kind_name: str, parent: ApiModel | None) -> None:
        kind = KINDS[kind_name]
        if parent is None:
            items = [item async for item in client.iter_items(kind)]
        else:
            parent_kind = KINDS[next(k for k in KINDS if KINDS[k].model is type(parent))]
            link = next(link for link in parent_kind.child_links if link.kind == kind_name)
            if link.single:
                items = [await client.get(kind, uuid) for uuid in link.member_uuids(parent) or []]
            else:
                items = [i async for i in client.iter_items(kind, link.query(parent))
                         if link.belongs(parent, i)]
        seen[kind_name].update(item.key for item in items)
        await asyncio.gather(*(expand(client, child, item)
                               for item in items for child in kind.children))

    async with DivioClient(transport=FakeTransport(fake), token=TOKEN, concurrency=4) as client:
        await asyncio.gather(*(expand(client, root, None) for root in ROOT_KINDS))

    route_of = {name: kind.route.rstrip("/") for name, kind in KINDS.items()}
    for name in set(KINDS) - {"service"}:  # services hang off service instances by reference
        assert seen[name] == {r["uuid"] for r in fake.dataset.collections[route_of[name]]}, name
    assert fake.max_in_flight <= 4
