"""Fault injection: spec parsing, every fault kind, reproducible random faults, one-shot failures."""

from __future__ import annotations

import json
from collections import Counter

import httpx
import pytest

from divio_tui.fake import FAULT_KINDS, FakeDivioAPI, FakeTransport, FaultSpec

AUTH = {"Authorization": "Token t"}


def test_spec_parsing() -> None:
    spec = FaultSpec.parse("500:0.1, 429:0.05,timeout:0.02,badjson:0.02,html:0.02,502:0,503:0.01,504:0.01")
    assert spec.rates[0] == ("500", 0.1) and len(spec.rates) == 8
    assert FaultSpec.parse(str(spec)) == spec
    assert FaultSpec.parse("").rates == ()


@pytest.mark.parametrize("bad", ["500", "418:0.1", "500:x", "500:1.5", "500:0.6,429:0.6", "timeout=0.1"])
def test_bad_specs_are_rejected(bad: str) -> None:
    with pytest.raises(ValueError):
        FaultSpec.parse(bad)


@pytest.mark.parametrize("kind", FAULT_KINDS)
def test_each_fault_kind(fake_api: FakeDivioAPI, kind: str) -> None:
    normal = fake_api.handle("GET", "/apps/v3/regions/", AUTH)
    fake_api.faults = f"{kind}:1"
    resp = fake_api.handle("GET", "/apps/v3/regions/", AUTH)
    if kind in ("500", "502", "503", "504"):
        assert resp.status == int(kind)
        assert resp.headers["Content-Type"] == "application/json" and "detail" in resp.json()  # type: ignore[operator]
    elif kind == "429":
        assert resp.status == 429 and resp.headers["Retry-After"] == "1"
        assert resp.json() == {"detail": "Request was throttled. Expected available in 1 second."}
    elif kind == "html":
        assert resp.status == 502 and resp.headers["Content-Type"] == "text/html"
        assert b"<center><h1>502 Bad Gateway</h1></center>" in resp.body and b"nginx" in resp.body
    elif kind == "badjson":
        assert resp.status == 200 and resp.headers["Content-Type"] == "application/json"
        assert normal.body.startswith(resp.body) and len(resp.body) < len(normal.body)
        assert int(resp.headers["Content-Length"]) == len(resp.body)
        with pytest.raises(json.JSONDecodeError):
            json.loads(resp.body)
    else:  # timeout: the real answer, flagged for the transport to withhold
        assert resp.timed_out and resp.body == normal.body
        assert fake_api.requests[-1][2] == 0
    assert fake_api.fault_log[-1] == ("GET", "/apps/v3/regions/", kind)
    fake_api.faults = None
    assert fake_api.handle("GET", "/apps/v3/regions/", AUTH).status == 200


def test_faults_hit_unauthenticated_and_root_requests_too(fake_api: FakeDivioAPI) -> None:
    fake_api.faults = "503:1"
    assert fake_api.handle("GET", "/apps/v3/", {}).status == 503
    assert fake_api.handle("GET", "/apps/v3/applications/", {}).status == 503


def _statuses(api: FakeDivioAPI, n: int) -> list[int]:
    return [api.handle("GET", "/apps/v3/regions/", AUTH).status for _ in range(n)]


def test_random_faults_are_reproducible_and_near_their_rates(fake_api: FakeDivioAPI) -> None:
    fake_api.faults = "500:0.2,429:0.1"
    first = _statuses(fake_api, 2000)
    fake_api.faults = "500:0.2,429:0.1"  # assigning again reseeds
    assert _statuses(fake_api, 2000) == first
    counts = Counter(first)
    assert 320 < counts[500] < 480 and 140 < counts[429] < 260
    other = FakeDivioAPI(fake_api.dataset, seed=1, faults="500:0.2,429:0.1")
    assert _statuses(other, 2000) != first


def test_fail_next_then_recover(fake_api: FakeDivioAPI) -> None:
    fake_api.fail_next("backups", 503, times=2)
    assert fake_api.handle("GET", "/apps/v3/regions/", AUTH).status == 200  # other paths unaffected
    assert fake_api.handle("GET", "/apps/v3/backups/?page=2", AUTH).status == 503
    assert fake_api.handle("GET", "/apps/v3/backups", AUTH).status == 503
    assert fake_api.handle("GET", "/apps/v3/backups/", AUTH).status == 200


@pytest.mark.parametrize(("prefix", "path"), [
    ("/apps/v3/backups/", "/apps/v3/backups"),
    ("/iam/v3/me", "/iam/v3/me/"),
    ("iam/v3/me/", "/iam/v3/me"),
    ("deployments", "/apps/v3/deployments/abc/logs"),
])
def test_fail_next_prefixes(fake_api: FakeDivioAPI, prefix: str, path: str) -> None:
    fake_api.fail_next(prefix, "timeout")
    assert fake_api.handle("GET", path, AUTH).timed_out
    assert not fake_api.handle("GET", path, AUTH).timed_out


def test_fail_next_wins_over_random_faults_and_can_be_cleared(fake_api: FakeDivioAPI) -> None:
    fake_api.faults = "500:1"
    fake_api.fail_next("regions", 429)
    assert fake_api.handle("GET", "/apps/v3/regions/", AUTH).status == 429
    assert fake_api.handle("GET", "/apps/v3/regions/", AUTH).status == 500
    fake_api.faults = None
    fake_api.fail_next("regions", 401, times=5)
    fake_api.fail_next("regions", 404)
    resp = fake_api.handle("GET", "/apps/v3/regions/", AUTH)
    assert (resp.status, resp.json(), resp.headers["WWW-Authenticate"]) == (401, {"detail": "Invalid token."}, "Token")
    fake_api.clear_failures()
    assert fake_api.handle("GET", "/apps/v3/regions/", AUTH).status == 200
    with pytest.raises(ValueError):
        fake_api.fail_next("regions", 200)
    with pytest.raises(ValueError):
        fake_api.fail_next("regions", 503, times=0)


async def test_in_process_transport_raises_read_timeout(fake_api: FakeDivioAPI) -> None:
    fake_api.fail_next("regions", "timeout")
    async with httpx.AsyncClient(transport=FakeTransport(fake_api), base_url="https://api.divio.com/apps/v3/") as client:
        with pytest.raises(httpx.ReadTimeout):
            await client.get("regions/", headers=AUTH)
        assert (await client.get("regions/", headers=AUTH)).status_code == 200
    assert fake_api.in_flight == 0


async def test_transport_delivers_fault_responses_faithfully(fake_api: FakeDivioAPI) -> None:
    async with httpx.AsyncClient(transport=FakeTransport(fake_api), base_url="https://api.divio.com/apps/v3/") as client:
        fake_api.fail_next("regions", "html")
        resp = await client.get("regions/", headers=AUTH)
        assert resp.status_code == 502 and resp.headers["content-type"] == "text/html"
        fake_api.fail_next("regions", "badjson")
        resp = await client.get("regions/", headers=AUTH)
        assert resp.status_code == 200
        with pytest.raises(json.JSONDecodeError):
            resp.json()
        fake_api.fail_next("regions", 429)
        resp = await client.get("regions/", headers=AUTH)
        assert resp.status_code == 429 and resp.headers["retry-after"] == "1"
