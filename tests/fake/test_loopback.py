"""The fake over real HTTP on loopback, and the how-to page's examples run against it unchanged.

The how-to examples keep their shape: only the host (https://api.divio.com/apps/v3/ -> the
loopback base URL), the token and the organisation id are substituted, as its readers would.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import requests

from divio_tui.fake import FakeDivioAPI, NonLoopbackError, is_loopback, serve_in_thread
from divio_tui.fake.loopback import make_server

TOKEN = "how-to-token-0123456789abcdef"


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, str]:
    """No proxies and an empty netrc, so the host machine cannot change what requests/curl send."""
    for name in list(os.environ):
        if name.lower() in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
            monkeypatch.delenv(name)
    netrc = tmp_path / "netrc"
    netrc.write_text("")
    monkeypatch.setenv("NETRC", str(netrc))
    return dict(os.environ.items())


@pytest.fixture
def served(loopback_api: tuple[FakeDivioAPI, str], clean_env: dict[str, str]) -> Iterator[tuple[FakeDivioAPI, str]]:
    api, base = loopback_api
    api.token = TOKEN
    yield api, base


# -- the server itself -------------------------------------------------------------------------
def test_real_http_round_trip_with_keep_alive(served: tuple[FakeDivioAPI, str]) -> None:
    api, base = served
    assert base.startswith("http://127.0.0.1:") and base.endswith("/apps/v3/")
    with httpx.Client(base_url=base, headers={"Authorization": f"Token {TOKEN}"}) as client:
        root = client.get("").json()
        assert root["regions"] == f"{base}regions/"
        page = client.get("backups/", params={"page_size": 3})
        assert page.status_code == 200 and page.headers["content-type"] == "application/json"
        assert page.json()["next"] == f"{base}backups/?page=2&page_size=3"
        assert client.get(page.json()["next"]).status_code == 200
        assert client.head("backups/").content == b""
        denied = client.get("applications/", headers={"Authorization": "Token nope"})
        assert denied.status_code == 401 and denied.json() == {"detail": "Invalid token."}
        assert denied.headers["www-authenticate"] == "Token"
        resp = client.post("backups/", json={"environment": "x"})
        assert resp.status_code == 405 and resp.json() == {"detail": 'Method "POST" not allowed.'}
        # A GET with a JSON body, as divio-cli sends it.
        body = client.request("GET", "regions/", content=b"{}", headers={"Content-Type": "application/json"})
        assert body.status_code == 200
    assert [r[2] for r in api.requests] == [200, 200, 200, 200, 401, 405, 200]


def test_quiet_by_default_and_opt_in_access_log(served: tuple[FakeDivioAPI, str], capfd: pytest.CaptureFixture[str]) -> None:
    api, base = served
    httpx.get(base + "regions/", headers={"Authorization": f"Token {TOKEN}"})
    assert capfd.readouterr().err == ""
    api.access_log = True
    httpx.get(base + "regions/", headers={"Authorization": f"Token {TOKEN}"})
    assert '"GET /apps/v3/regions/ HTTP/1.1" 200' in capfd.readouterr().err


def test_a_bug_in_the_fake_is_a_500_with_a_traceback(served: tuple[FakeDivioAPI, str], capfd: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    api, base = served

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(api, "respond", broken)
    resp = httpx.get(base + "regions/")
    assert resp.status_code == 500 and resp.json() == {"detail": "A server error occurred."}
    assert "RuntimeError: boom" in capfd.readouterr().err


def test_timeout_fault_stalls_then_answers_or_drops(served: tuple[FakeDivioAPI, str]) -> None:
    api, base = served
    api.timeout_sleep_s = 0.4
    headers = {"Authorization": f"Token {TOKEN}"}
    api.fail_next("regions", "timeout")
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(base + "regions/", headers=headers, timeout=0.1)
    api.fail_next("regions", "timeout")
    assert httpx.get(base + "regions/", headers=headers, timeout=2).status_code == 200  # late answer
    api.timeout_drop = True
    api.fail_next("regions", "timeout")
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.get(base + "regions/", headers=headers, timeout=2)


def test_latency_and_in_flight_over_http(served: tuple[FakeDivioAPI, str]) -> None:
    api, base = served
    api.latency_ms = 150

    async def burst() -> list[int]:
        async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Token {TOKEN}"}) as client:
            responses = await asyncio.gather(*(client.get("regions/") for _ in range(5)))
            return [r.status_code for r in responses]

    assert asyncio.run(burst()) == [200] * 5
    assert api.max_in_flight >= 2 and api.in_flight == 0


@pytest.mark.parametrize(("host", "ok"), [("127.0.0.1", True), ("127.1.2.3", True), ("localhost", True),
                                          ("::1", True), ("[::1]", True), ("0.0.0.0", False),
                                          ("::", False), ("192.168.1.10", False), ("example.com", False)])
def test_is_loopback(host: str, ok: bool) -> None:
    assert is_loopback(host) is ok


def test_refuses_non_loopback_bind(fake_api: FakeDivioAPI) -> None:
    with pytest.raises(NonLoopbackError, match="--allow-non-loopback"):
        make_server(fake_api, "0.0.0.0", 0)
    with pytest.raises(NonLoopbackError), serve_in_thread(fake_api, "0.0.0.0", 0):
        pass  # pragma: no cover


def test_ipv6_loopback(fake_api: FakeDivioAPI) -> None:
    try:
        server = make_server(fake_api, "::1", 0)
    except OSError:
        pytest.skip("no IPv6 loopback here")
    server.server_close()
    with serve_in_thread(fake_api, "::1") as base:
        assert base.startswith("http://[::1]:")
        assert httpx.get(base).json()["applications"] == f"{base}applications/"


# -- the how-to page's examples, unchanged -----------------------------------------------------
def _org_id(api: FakeDivioAPI) -> str:
    return str(api.dataset.collections["organisations"][1]["uuid"])  # Globex Corporation


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_howto_curl_command(served: tuple[FakeDivioAPI, str], clean_env: dict[str, str]) -> None:
    api, base = served
    org = _org_id(api)
    out = subprocess.run(
        ["curl", "-X", "GET", f"{base}applications/?organisation={org}",
         "--header", f"Authorization: Token {TOKEN}"],
        capture_output=True, text=True, timeout=20, env=clean_env, check=True)
    body = json.loads(out.stdout)
    assert body["count"] == 5 and {app["organisation"] for app in body["results"]} == {org}


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_howto_javascript_snippet(served: tuple[FakeDivioAPI, str], clean_env: dict[str, str]) -> None:
    api, base = served
    script = f"""
const API_TOKEN = '{TOKEN}';
const ORG_ID = '{_org_id(api)}';
async function getApplications() {{
  const url = `{base}applications/?organisation=${{ORG_ID}}`;
  const response = await fetch(url, {{
    method: "GET",
    headers: {{
      "Authorization": `Token ${{API_TOKEN}}`
    }}
  }});
  if (!response.ok) {{
    throw new Error(`HTTP error! Status: ${{response.status}}`);
  }}
  return response.json();
}}
getApplications().then((data) => console.log(JSON.stringify(data)));
"""
    out = subprocess.run(["node", "-e", script], capture_output=True, text=True, timeout=20, env=clean_env,
                         check=False)
    if out.returncode != 0 and "fetch is not defined" in out.stderr:
        pytest.skip("this node has no fetch()")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["count"] == 5


def test_howto_python_requests_snippet(served: tuple[FakeDivioAPI, str]) -> None:
    api, base = served
    API_TOKEN = TOKEN  # the how-to's names
    ORG_ID = _org_id(api)

    def get_applications() -> dict[str, object]:
        url = f"{base}applications/?organisation={ORG_ID}"
        headers = {
            "Authorization": f"Token {API_TOKEN}"
        }
        response = requests.get(url, headers=headers)
        response.raise_for_status()
        return response.json()  # type: ignore[no-any-return]

    data = get_applications()
    assert data["count"] == 5
    assert {app["slug"] for app in data["results"]} == {  # type: ignore[attr-defined]
        "globex-website", "globex-api", "globex-careers", "globex-docs", "globex-status"}


def test_howto_backup_walk_by_hand(served: tuple[FakeDivioAPI, str]) -> None:
    """application by slug > environments > `live` > ALL backups pages > ALL SIB pages > details."""
    _, base = served
    headers = {"authorization": f"Token {TOKEN}"}  # the how-to writes the header name in lowercase

    apps = requests.get(f"{base}applications/?slug=acme-shop", headers=headers).json()
    assert apps["count"] == 1  # "a list with one entry"
    app_uuid = apps["results"][0]["uuid"]
    envs = requests.get(f"{base}environments/?application={app_uuid}", headers=headers).json()["results"]
    live = next(env for env in envs if env["slug"] == "live")

    mine, url, pages = [], f"{base}backups", 0  # no filter, no trailing slash: as the how-to says
    while url:
        page = requests.get(url, headers=headers).json()
        mine += [b for b in page["results"] if b["environment"] == live["uuid"]]
        url, pages = page["next"], pages + 1
    assert pages > 50 and len(mine) > 55
    assert mine[0]["state"] == "WORKING"  # acme-shop/live has a backup running right now
    backup = next(b for b in mine if b["state"] == "COMPLETED" and b["success"] == "SUCCESS")

    sibs, url = [], f"{base}service-instance-backups"
    while url:
        page = requests.get(url, headers=headers).json()
        sibs += [s for s in page["results"] if s["backup"] == backup["uuid"]]
        url = page["next"]
    assert sorted(s["uuid"] for s in sibs) == sorted(backup["service_instance_backups"])

    kinds = {}
    for sib in sibs:
        si = requests.get(f"{base}service-instances/{sib['service_instance']}", headers=headers)
        assert si.status_code == 200
        kinds[si.json()["type"]] = sib["uuid"]
    assert set(kinds) == {"DATABASE", "STORAGE"}

    detail = requests.get(f"{base}service-instance-backups/{kinds['DATABASE']}", headers=headers).json()
    assert set(detail) >= {"uuid", "backup", "service_instance", "queued_at", "started_at", "ended_at",
                           "taken_at", "size", "errors"}
    assert detail["backup"] == backup["uuid"] and detail["errors"] == []
    assert isinstance(detail["size"], int) and detail["size"] > 1_000_000
    assert detail["queued_at"] <= detail["started_at"] <= detail["ended_at"]
    assert detail["taken_at"].endswith("Z") and detail["ended_at"].startswith("2026-11-2")


def test_howto_netrc_remark_is_reproducible(served: tuple[FakeDivioAPI, str], tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A netrc entry for the API host makes requests send Basic auth over the Token header."""
    _, base = served
    netrc = tmp_path / "divio-netrc"
    # What `divio login` writes (divio-api.md §3.2), for our loopback host.
    netrc.write_text(f"machine 127.0.0.1\n\tlogin user@example.com\n\tpassword {TOKEN}\n")
    monkeypatch.setenv("NETRC", str(netrc))
    headers = {"Authorization": f"Token {TOKEN}"}

    response = requests.get(f"{base}applications/", headers=headers)
    assert str(response.request.headers["Authorization"]).startswith("Basic ")
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}

    session = requests.Session()
    session.trust_env = False  # the how-to's advice (and divio-cli's own fix)
    assert session.get(f"{base}applications/", headers=headers).status_code == 200
    explicit = requests.get(f"{base}applications/", auth=("user@example.com", TOKEN))
    assert explicit.json() == {"detail": "Authentication credentials were not provided."}
