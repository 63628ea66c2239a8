"""The fake server's request -> response core: root, auth, routing, DRF paging, filters, logs."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from divio_tui.fake import ROOT_KEYS, Dataset, FakeDivioAPI

AUTH = {"Authorization": "Token any-token", "Host": "api.divio.com"}
NOT_PROVIDED = {"detail": "Authentication credentials were not provided."}


def get(api: FakeDivioAPI, path: str, headers: dict[str, str] | None = None, **kwargs: Any) -> Any:
    """GET `path` with a valid token; assert 200 and return the JSON body."""
    resp = api.handle("GET", f"https://api.divio.com{path}", headers or AUTH, **kwargs)
    assert resp.status == 200, (path, resp.status, resp.body[:200])
    return resp.json()


# -- root -----------------------------------------------------------------------------------
def test_root_lists_the_howto_keys_without_auth(fake_api: FakeDivioAPI) -> None:
    resp = fake_api.handle("GET", "http://127.0.0.1:8765/apps/v3/", {"Host": "127.0.0.1:8765"})
    assert resp.status == 200
    assert resp.headers["Content-Type"] == "application/json"
    body = resp.json()
    assert isinstance(body, dict)
    assert list(body) == list(ROOT_KEYS) == [
        "applications", "environments", "domains", "patches", "repositories", "serviceinstances",
        "deployments", "builds", "regions"]
    assert body["serviceinstances"] == "http://127.0.0.1:8765/apps/v3/serviceinstances/"
    https = fake_api.handle("GET", "https://api.divio.com/apps/v3", {"Host": "api.divio.com"}).json()
    assert https["applications"] == "https://api.divio.com/apps/v3/applications/"  # type: ignore[index]


def test_root_runs_authentication_like_drf(fake_api: FakeDivioAPI) -> None:
    fake_api.token = "right"
    assert fake_api.handle("GET", "/apps/v3/", {"Authorization": "Basic dTpw"}).status == 200
    resp = fake_api.handle("GET", "/apps/v3/", {"Authorization": "Token wrong"})
    assert (resp.status, resp.json()) == (401, {"detail": "Invalid token."})


def test_serviceinstances_aliases_service_instances(fake_api: FakeDivioAPI) -> None:
    a = get(fake_api, "/apps/v3/serviceinstances/")
    b = get(fake_api, "/apps/v3/service-instances/")
    assert a["results"] == b["results"] and a["count"] == b["count"]
    uuid = b["results"][0]["uuid"]
    assert get(fake_api, f"/apps/v3/serviceinstances/{uuid}/") == b["results"][0]


# -- authentication -------------------------------------------------------------------------
@pytest.mark.parametrize(("header", "detail"), [
    (None, "Authentication credentials were not provided."),
    ("", "Authentication credentials were not provided."),
    ("Basic dXNlckBleGFtcGxlLmNvbTp0b2tlbg==", "Authentication credentials were not provided."),
    ("Bearer abc", "Authentication credentials were not provided."),
    ("Token", "Invalid token header. No credentials provided."),
    ("Token ", "Invalid token header. No credentials provided."),
    ("Token abc def", "Invalid token header. Token string should not contain spaces."),
    ("Token wrong", "Invalid token."),
])
def test_401_bodies(fake_api: FakeDivioAPI, header: str | None, detail: str) -> None:
    fake_api.token = "right"
    headers = {} if header is None else {"Authorization": header}
    resp = fake_api.handle("GET", "/apps/v3/applications/", headers)
    assert resp.status == 401
    assert resp.json() == {"detail": detail}
    assert resp.headers["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("scheme", ["Token", "token", "TOKEN", "ToKeN"])
def test_token_scheme_is_case_insensitive(fake_api: FakeDivioAPI, scheme: str) -> None:
    fake_api.token = "right"
    assert fake_api.handle("GET", "/apps/v3/regions/", {"authorization": f"{scheme} right"}).status == 200


def test_any_token_is_accepted_without_a_fixed_token(fake_api: FakeDivioAPI) -> None:
    assert fake_api.handle("GET", "/iam/v3/me/", {"Authorization": "Token whatever"}).status == 200


# -- routing ------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/apps/v3/nope/", "/apps/v3/backups/x/y/", "/iam/v3/", "/",
                                  "/apps/v3//applications/", "/apps/v4/applications/",
                                  "/apps/v3/backups/abc/logs/"])
def test_unknown_routes_are_404_even_without_auth(fake_api: FakeDivioAPI, path: str) -> None:
    resp = fake_api.handle("GET", path, {})
    assert (resp.status, resp.json()) == (404, {"detail": "Not found."})


@pytest.mark.parametrize("route", [
    "applications", "environments", "deployments", "backups", "service-instance-backups",
    "service-instances", "services", "regions", "repositories", "domains", "builds", "patches",
    "environment-variables"])
def test_every_kind_has_a_detail_route_and_404s_unknown_ids(fake_api: FakeDivioAPI, route: str) -> None:
    first = get(fake_api, f"/apps/v3/{route}/?page_size=1")["results"][0]
    detail = get(fake_api, f"/apps/v3/{route}/{first['uuid']}/")
    assert {k: v for k, v in detail.items() if k in first} == first
    resp = fake_api.handle("GET", f"/apps/v3/{route}/aaaaaaaaaaaaaaaaaaaaaaaaaa/", AUTH)
    assert (resp.status, resp.json()) == (404, {"detail": "Not found."})


def test_detail_only_fields(fake_api: FakeDivioAPI, demo_dataset: Dataset) -> None:
    env = demo_dataset.environment("acme-shop", "live")
    assert env is not None
    detail = get(fake_api, f"/apps/v3/environments/{env['uuid']}/")
    assert set(detail["ssh_endpoint"]) == {"host", "port", "user"}
    assert "ssh_endpoint" not in get(fake_api, f"/apps/v3/environments/?application={env['application']}")["results"][0]
    dep = demo_dataset.where("deployments", "environment", env["uuid"])[0]
    names = get(fake_api, f"/apps/v3/deployments/{dep['uuid']}/")["environment_variables"]
    assert "SECRET_KEY" in names and all(isinstance(n, str) for n in names)


@pytest.mark.parametrize("slash", ["", "/"])
def test_trailing_slash_is_optional(fake_api: FakeDivioAPI, demo_dataset: Dataset, slash: str) -> None:
    dep = demo_dataset.collections["deployments"][3]
    env = demo_dataset.collections["environments"][0]
    for path in ("/apps/v3/backups", f"/apps/v3/deployments/{dep['uuid']}", f"/apps/v3/deployments/{dep['uuid']}/logs",
                 f"/apps/v3/deployments/{dep['uuid']}/environment-variables", f"/apps/v3/environments/{env['uuid']}/logs",
                 "/iam/v3/me", "/iam/v3/organisations"):
        get(fake_api, path + slash)


def test_a_json_body_on_get_is_tolerated(fake_api: FakeDivioAPI) -> None:
    headers = {**AUTH, "Content-Type": "application/json"}
    assert get(fake_api, "/apps/v3/applications/", headers, body=b"{}")["count"] == 19


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
def test_other_methods_are_405_after_auth(fake_api: FakeDivioAPI, method: str) -> None:
    resp = fake_api.handle(method, "/apps/v3/backups/", AUTH, b'{"environment": "x"}')
    assert (resp.status, resp.json()) == (405, {"detail": f'Method "{method}" not allowed.'})
    assert fake_api.handle(method, "/apps/v3/backups/", {}).status == 401  # DRF authenticates first


def test_head_is_get_without_a_body(fake_api: FakeDivioAPI) -> None:
    got = fake_api.handle("GET", "/apps/v3/regions/", AUTH)
    head = fake_api.handle("HEAD", "/apps/v3/regions/", AUTH)
    assert head.status == 200 and head.body == b""
    assert head.headers == got.headers and int(head.headers["Content-Length"]) == len(got.body)


def test_iam(fake_api: FakeDivioAPI, demo_dataset: Dataset) -> None:
    me = get(fake_api, "/iam/v3/me/")
    assert set(me) >= {"uuid", "email", "first_name", "last_name", "created_at", "timezone"}
    orgs = get(fake_api, "/iam/v3/organisations/")
    assert orgs["count"] == 3 and set(orgs["results"][0]) == {"uuid", "name", "created_at"}
    assert get(fake_api, f"/iam/v3/organisations/{orgs['results'][1]['uuid']}/")["name"] == "Globex Corporation"
    assert fake_api.handle("GET", "/iam/v3/organisations/nope/", AUTH).status == 404
    assert fake_api.handle("GET", "/iam/v3/me/", {}).json() == NOT_PROVIDED


# -- paging -------------------------------------------------------------------------------
def test_paging_links_are_absolute_and_keep_other_params(fake_api: FakeDivioAPI, demo_dataset: Dataset) -> None:
    headers = {"Authorization": "Token t", "Host": "localhost:9999"}
    total = len(demo_dataset.collections["backups"])
    page1 = fake_api.handle("GET", "http://localhost:9999/apps/v3/backups/?zz=1&page_size=50", headers).json()
    assert page1["count"] == total and len(page1["results"]) == 50 and page1["previous"] is None  # type: ignore[index]
    # DRF re-encodes the query sorted by key when it sets `page`.
    assert page1["next"] == "http://localhost:9999/apps/v3/backups/?page=2&page_size=50&zz=1"  # type: ignore[index]
    page2 = fake_api.handle("GET", page1["next"], headers).json()  # type: ignore[index]
    assert page2["previous"] == "http://localhost:9999/apps/v3/backups/?page_size=50&zz=1"  # type: ignore[index]
    page3 = fake_api.handle("GET", page2["next"], headers).json()  # type: ignore[index]
    assert parse_qs(urlsplit(page3["previous"]).query)["page"] == ["2"]  # type: ignore[index]
    assert page2["results"][0] == demo_dataset.collections["backups"][50]  # type: ignore[index]
    last = fake_api.handle("GET", "/apps/v3/backups/?page=last&page_size=50", headers).json()
    assert last["next"] is None and len(last["results"]) == total - (total - 1) // 50 * 50  # type: ignore[index]


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.0", "999"])
def test_invalid_page(fake_api: FakeDivioAPI, page: str) -> None:
    resp = fake_api.handle("GET", f"/apps/v3/applications/?page={page}", AUTH)
    assert (resp.status, resp.json()) == (404, {"detail": "Invalid page."})


@pytest.mark.parametrize(("size", "expected"), [("1000", 100), ("100", 100), ("7", 7), ("0", 20),
                                                ("-3", 20), ("x", 20), ("", 20)])
def test_page_size(fake_api: FakeDivioAPI, size: str, expected: int) -> None:
    assert len(get(fake_api, f"/apps/v3/backups/?page_size={size}")["results"]) == expected


def test_empty_results_and_empty_page_param(fake_api: FakeDivioAPI) -> None:
    empty = get(fake_api, "/apps/v3/applications/?slug=no-such-app&page=1")
    assert empty == {"count": 0, "next": None, "previous": None, "results": []}
    assert get(fake_api, "/apps/v3/applications/?page=")["count"] == 19


# -- filters ------------------------------------------------------------------------------
def _filter_cases(ds: Dataset) -> list[tuple[str, str, str, str]]:
    """(route, param, value, record field or '') for every honoured filter."""
    env = ds.environment("globex-api", "live")
    assert env is not None
    app = env["application"]
    backup = ds.where("backups", "environment", env["uuid"])[3]
    return [
        ("applications", "organisation", ds.collections["organisations"][1]["uuid"], "organisation"),
        ("applications", "slug", "acme-shop", "slug"),
        ("environments", "application", app, "application"),
        ("environments", "slug", "live", "slug"),
        ("deployments", "environment", env["uuid"], "environment"),
        ("backups", "environment", env["uuid"], "environment"),
        ("service-instance-backups", "backup", backup["uuid"], "backup"),
        ("service-instance-backups", "service_instance",
         ds.where("service-instances", "environment", env["uuid"])[2]["uuid"], "service_instance"),
        ("service-instances", "environment", env["uuid"], "environment"),
        ("services", "region", ds.collections["regions"][1]["uuid"], "region"),
        ("repositories", "organisation", ds.collections["organisations"][0]["uuid"], "organisation"),
        ("domains", "environment", env["uuid"], "environment"),
        ("builds", "environment", env["uuid"], "environment"),
        ("builds", "deployment", ds.collections["deployments"][0]["uuid"], "deployment"),
        ("patches", "application", ds.collections["patches"][0]["application"], "application"),
        ("environment-variables", "environment", env["uuid"], "environment"),
        ("environment-variables", "name", "STAGE", "name"),
    ]


def test_each_exact_filter(fake_api: FakeDivioAPI, demo_dataset: Dataset) -> None:
    for route, param, value, field in _filter_cases(demo_dataset):
        body = get(fake_api, f"/apps/v3/{route}/?{param}={value}&page_size=100")
        expected = [r for r in demo_dataset.collections[route] if r[field] == value]
        assert body["count"] == len(expected) > 0, (route, param)
        assert body["results"] == expected[:100], (route, param)
        assert body["count"] < len(demo_dataset.collections[route]), (route, param)


def test_join_filters(fake_api: FakeDivioAPI, demo_dataset: Dataset) -> None:
    ds = demo_dataset
    app = ds.application("globex-api")
    assert app is not None
    env_ids = {e["uuid"] for e in ds.where("environments", "application", app["uuid"])}
    for route in ("deployments", "domains", "environment-variables"):
        body = get(fake_api, f"/apps/v3/{route}/?application={app['uuid']}&page_size=100")
        assert body["count"] == sum(r["environment"] in env_ids for r in ds.collections[route]) > 0
        assert all(r["environment"] in env_ids for r in body["results"])
    services = get(fake_api, f"/apps/v3/services/?website={app['uuid']}")["results"]
    assert {s["identifier"] for s in services} == {"postgres-16", "postgres-15", "s3"}
    both = get(fake_api, f"/apps/v3/environment-variables/?application={app['uuid']}&name=STAGE")
    assert sorted(v["value"] for v in both["results"]) == ["dev", "live", "test"]


def test_repeated_environment_filter_on_environment_variables(fake_api: FakeDivioAPI, demo_dataset: Dataset) -> None:
    test = demo_dataset.environment("acme-shop", "test")
    live = demo_dataset.environment("acme-shop", "live")
    assert test and live
    body = get(fake_api, f"/apps/v3/environment-variables/?environment={test['uuid']}&environment={live['uuid']}&name=STAGE")
    assert [v["value"] for v in body["results"]] == ["test", "live"]


def test_name_search(fake_api: FakeDivioAPI) -> None:
    found = get(fake_api, "/apps/v3/applications/?name_search=GLOBEX")["results"]
    assert len(found) == 5 and all("globex" in a["slug"] for a in found)
    assert [a["slug"] for a in get(fake_api, "/apps/v3/applications/?name_search=[bold]")["results"]] == ["legacy-cms"]


def test_ignore_filters_returns_everything_for_backups_only(fake_api: FakeDivioAPI, demo_dataset: Dataset) -> None:
    env = demo_dataset.collections["environments"][0]
    backup = demo_dataset.collections["backups"][0]
    fake_api.ignore_filters = True
    assert get(fake_api, f"/apps/v3/backups/?environment={env['uuid']}")["count"] == len(demo_dataset.collections["backups"])
    sibs = get(fake_api, f"/apps/v3/service-instance-backups/?backup={backup['uuid']}")
    assert sibs["count"] == len(demo_dataset.collections["service-instance-backups"])
    assert get(fake_api, f"/apps/v3/deployments/?environment={env['uuid']}")["count"] < len(demo_dataset.collections["deployments"])


def test_unknown_and_empty_params_are_ignored(fake_api: FakeDivioAPI) -> None:
    assert get(fake_api, "/apps/v3/applications/?organization=typo&foo=bar&format=json")["count"] == 19
    assert get(fake_api, "/apps/v3/applications/?organisation=&slug=")["count"] == 19


# -- logs -----------------------------------------------------------------------------------
def test_deployment_logs_and_environment_variables(fake_api: FakeDivioAPI, demo_dataset: Dataset) -> None:
    dep = demo_dataset.collections["deployments"][10]
    logs = get(fake_api, f"/apps/v3/deployments/{dep['uuid']}/logs")
    assert set(logs) == {"uuid", "logs"} and logs["uuid"] == dep["uuid"] and "\x1b[" in logs["logs"]
    snapshot = get(fake_api, f"/apps/v3/deployments/{dep['uuid']}/environment-variables")
    assert snapshot["environment"] == dep["environment"]
    assert isinstance(snapshot["environment_variables"], dict) and "SECRET_KEY" in snapshot["environment_variables"]
    for action in ("logs", "environment-variables"):
        assert fake_api.handle("GET", f"/apps/v3/deployments/nope/{action}", AUTH).status == 404


def test_environment_logs_page_with_next_and_previous(fake_api: FakeDivioAPI, demo_dataset: Dataset) -> None:
    env = demo_dataset.environment("acme-shop", "live")
    assert env is not None
    entries = demo_dataset.environment_logs(env["uuid"])
    assert entries
    first = get(fake_api, f"/apps/v3/environments/{env['uuid']}/logs/")
    assert set(first) == {"results", "next", "previous"}
    assert first["results"] == entries[-50:]  # the newest page, oldest first within it
    assert first["next"].startswith("https://api.divio.com/apps/v3/environments/")
    # `next` past the newest entry is empty but present (`divio app logs --tail` polls it).
    tail = get(fake_api, urlsplit(first["next"]).path + "?" + urlsplit(first["next"]).query)
    assert tail["results"] == [] and tail["next"]
    # Walking `previous` until it repeats the URL just fetched (Divio's export script) terminates
    # and yields every entry exactly once.
    url, collected, fetched = first["previous"], list(first["results"]), 0
    while True:
        split = urlsplit(url)
        page = get(fake_api, f"{split.path}?{split.query}")
        collected[:0] = page["results"]
        fetched += 1
        if page["previous"] == url:
            break
        url = page["previous"]
    assert collected == entries and fetched < 20


def test_environment_logs_time_window_and_errors(fake_api: FakeDivioAPI, demo_dataset: Dataset) -> None:
    env = demo_dataset.environment("acme-shop", "live")
    assert env is not None
    body = get(fake_api, f"/apps/v3/environments/{env['uuid']}/logs/?from_ts=2026-11-25T06:00&to_ts=2026-11-25T06:59&page_size=200")
    assert body["results"] and all("T06:" in e["timestamp"] for e in body["results"])
    resp = fake_api.handle("GET", f"/apps/v3/environments/{env['uuid']}/logs/?cursor=%%%", AUTH)
    assert (resp.status, resp.json()) == (404, {"detail": "Invalid cursor"})
    assert fake_api.handle("GET", "/apps/v3/environments/nope/logs/", AUTH).status == 404
    never = demo_dataset.special_environment("never_deployed")
    assert get(fake_api, f"/apps/v3/environments/{never['uuid']}/logs/")["results"] == []


# -- stats --------------------------------------------------------------------------------
def test_request_log_and_in_flight(fake_api: FakeDivioAPI) -> None:
    fake_api.handle("GET", "/apps/v3/regions/?page_size=2", AUTH)
    fake_api.handle("GET", "/apps/v3/regions/", {})
    assert fake_api.requests == [("GET", "/apps/v3/regions/?page_size=2", 200), ("GET", "/apps/v3/regions/", 401)]
    assert (fake_api.in_flight, fake_api.max_in_flight) == (0, 1)
    fake_api.reset_stats()
    assert fake_api.requests == []


def test_json_rendering_is_compact_utf8(fake_api: FakeDivioAPI) -> None:
    body = fake_api.handle("GET", "/apps/v3/applications/?slug=legacy-cms", AUTH).body
    assert b'"name":"Legacy [bold]CMS[/bold]"' in body
    assert json.loads(body)["results"][0]["slug"] == "legacy-cms"
