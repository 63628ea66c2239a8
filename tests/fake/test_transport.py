"""The fake mounted in-process as httpx transports: headers, latency, concurrency stats."""

from __future__ import annotations

import asyncio
import time

import httpx

from divio_tui.fake import FakeDivioAPI, FakeTransport

AUTH = {"Authorization": "Token t"}
BASE = "https://api.divio.com/apps/v3/"


async def test_async_transport_serves_json_with_headers(fake_api: FakeDivioAPI) -> None:
    async with httpx.AsyncClient(transport=FakeTransport(fake_api), base_url=BASE) as client:
        resp = await client.get("applications/", params={"slug": "acme-shop"}, headers=AUTH)
        assert resp.status_code == 200
        assert resp.headers["content-type"] == "application/json"
        assert int(resp.headers["content-length"]) == len(resp.content)
        assert resp.json()["results"][0]["name"] == "ACME Shop"
        head = await client.head("applications/", headers=AUTH)
        assert head.status_code == 200 and head.content == b""
        root = (await client.get("")).json()
        assert root["applications"] == f"{BASE}applications/"  # links use the request's host
        denied = await client.get("applications/")
        assert denied.status_code == 401 and denied.headers["www-authenticate"] == "Token"


async def test_latency_overlaps_and_is_counted_in_flight(fake_api: FakeDivioAPI) -> None:
    fake_api.latency_ms = 100
    async with httpx.AsyncClient(transport=FakeTransport(fake_api), base_url=BASE) as client:
        started = time.perf_counter()
        responses = await asyncio.gather(*(client.get("regions/", headers=AUTH) for _ in range(8)))
        elapsed = time.perf_counter() - started
    assert all(r.status_code == 200 for r in responses)
    assert elapsed >= 0.1  # the latency was applied; max_in_flight shows the overlap
    assert fake_api.max_in_flight == 8 and fake_api.in_flight == 0
    assert len(fake_api.requests) == 8


def test_sync_transport(fake_api: FakeDivioAPI) -> None:
    fake_api.latency_ms = 20
    with httpx.Client(transport=FakeTransport(fake_api), base_url=BASE) as client:
        started = time.perf_counter()
        resp = client.get("backups/", params={"page_size": 5}, headers=AUTH)
        assert time.perf_counter() - started >= 0.02
    assert resp.status_code == 200 and len(resp.json()["results"]) == 5
    assert resp.json()["next"] == f"{BASE}backups/?page=2&page_size=5"
