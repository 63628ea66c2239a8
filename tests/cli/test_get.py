"""`divio-tui get`: over real HTTP on loopback, what it prints is what the API served — every
page, filters honoured by the server or ignored by it — in each format, secrets masked, the
token nowhere, and the exit status a script can rely on."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from divio_tui.cli.get import KIND_NAMES
from divio_tui.fake import FIXED_NOW, Dataset, FakeDivioAPI, generate
from divio_tui.redaction import MASK
from tests.cli.conftest import TOKEN, Run

Runner = Callable[..., Run]


def served(base_url: str, route: str, **params: str) -> list[dict[str, Any]]:
    """Every record of a list, read the how-to page's way: one page after another by `next`."""
    records: list[dict[str, Any]] = []
    url: str | None = base_url + route + "/"
    with httpx.Client(headers={"Authorization": f"Token {TOKEN}"}) as http:
        first = True
        while url:
            body = http.get(url, params=params if first else None).json()
            records.extend(body["results"])
            url, first = body["next"], False
    return records


def list_requests(api: FakeDivioAPI, route: str) -> list[dict[str, list[str]]]:
    """The query of every list request the fake received for `route`."""
    return [parse_qs(urlsplit(path).query) for _method, path, _status in api.requests
            if urlsplit(path).path.rstrip("/") == f"/apps/v3/{route}"]


def live(dataset: Dataset) -> str:
    return str(dataset.environment("acme-shop", "live")["uuid"])


@pytest.mark.parametrize("kind", ["backups", "service-instance-backups", "deployments",
                                  "applications", "environment-variables", "regions"])
def test_every_page_of_a_list_is_printed_as_served(
        run: Runner, loopback_api: tuple[FakeDivioAPI, str], kind: str) -> None:
    api, base_url = loopback_api
    expected = served(base_url, kind)
    api.reset_stats()
    result = run("get", kind, "--reveal", api=base_url)
    assert (result.status, result.err) == (0, "")
    assert result.json == expected
    pages = list_requests(api, kind)
    assert len(pages) == -(-len(expected) // 100)  # each page once, none twice


def test_organisations_come_from_the_iam_api(run: Runner,
                                             loopback_api: tuple[FakeDivioAPI, str]) -> None:
    api, base_url = loopback_api
    result = run("get", "organisations", api=base_url)
    assert [org["name"] for org in result.json] == [
        org["name"] for org in api.dataset.collections["organisations"]]


def test_a_filter_the_server_honours_is_sent_and_checked(
        run: Runner, loopback_api: tuple[FakeDivioAPI, str]) -> None:
    api, base_url = loopback_api
    env = live(api.dataset)
    expected = [b for b in served(base_url, "backups") if b["environment"] == env]
    api.reset_stats()
    result = run("get", "backups", "--filter", f"environment={env}", api=base_url)
    assert result.json == expected
    requests = list_requests(api, "backups")
    assert all(query["environment"] == [env] for query in requests)
    assert len(requests) == -(-len(expected) // 100)


def test_a_filter_the_server_ignores_gives_the_same_answer(
        run: Runner, loopback_api: tuple[FakeDivioAPI, str]) -> None:
    api, base_url = loopback_api
    env = live(api.dataset)
    expected = run("get", "backups", "--filter", f"environment={env}", api=base_url).json
    api.ignore_filters = True
    api.reset_stats()
    result = run("get", "backups", "--filter", f"environment={env}", api=base_url)
    assert result.json == expected
    assert len(list_requests(api, "backups")) == -(-len(api.dataset.collections["backups"]) // 100)
    table = run("get", "backups", "--filter", f"environment={env}", "--format", "table",
                api=base_url)
    assert "the API ignored environment" in table.err


def test_filters_on_one_field_are_any_of_on_several_all_of(
        run: Runner, loopback_api: tuple[FakeDivioAPI, str]) -> None:
    api, base_url = loopback_api
    app = api.dataset.application("acme-shop")["uuid"]
    both = run("get", "environments", "-f", f"application={app}", "-f", "slug=live",
               "-f", "slug=test", api=base_url).json
    assert sorted(env["slug"] for env in both) == ["live", "test"]
    assert {env["application"] for env in both} == {app}


def test_api_filters_that_are_not_fields_are_checked_by_what_they_mean(
        run: Runner, loopback_api: tuple[FakeDivioAPI, str]) -> None:
    api, base_url = loopback_api
    ds = api.dataset
    app = ds.application("acme-shop")["uuid"]
    envs = {env["uuid"] for env in ds.collections["environments"] if env["application"] == app}
    deployments = run("get", "deployments", "-f", f"application={app}", api=base_url).json
    assert deployments == [d for d in ds.collections["deployments"] if d["environment"] in envs]
    variables = run("get", "environment-variables", "-f", f"application={app}",
                    api=base_url).json
    assert {v["environment"] for v in variables} == envs
    names = run("get", "applications", "-f", "name_search=robot", api=base_url).json
    assert [a["slug"] for a in names] == [a["slug"] for a in ds.collections["applications"]
                                          if "robot" in (a["name"] + a["slug"]).lower()]
    used = {si["service"] for si in ds.collections["service-instances"]
            if si["environment"] in envs}
    services = run("get", "services", "-f", f"website={app}", api=base_url).json
    assert {s["uuid"] for s in services} == used


def test_a_field_no_item_has_matches_nothing_and_says_so(
        run: Runner, loopback_api: tuple[FakeDivioAPI, str]) -> None:
    _api, base_url = loopback_api
    result = run("get", "regions", "-f", "colour=blue", api=base_url)
    assert (result.status, result.json) == (0, [])
    assert "no region has a field 'colour'" in result.err


def test_booleans_nulls_and_lists_match_as_text(
        run: Runner, loopback_api: tuple[FakeDivioAPI, str]) -> None:
    api, base_url = loopback_api
    ds = api.dataset
    primary = run("get", "domains", "-f", "is_primary=true", api=base_url).json
    assert primary == [d for d in ds.collections["domains"] if d["is_primary"] is True]
    repo_less = run("get", "applications", "-f", "repository=null", api=base_url).json
    assert repo_less == [a for a in ds.collections["applications"] if a["repository"] is None]
    sib = ds.collections["service-instance-backups"][3]
    holding = run("get", "backups", "-f", f"service_instance_backups={sib['uuid']}",
                  api=base_url).json
    assert [b["uuid"] for b in holding] == [sib["backup"]]


def test_limit_stops_early_and_reads_only_the_pages_it_needs(
        run: Runner, loopback_api: tuple[FakeDivioAPI, str]) -> None:
    api, base_url = loopback_api
    env = live(api.dataset)
    everything = run("get", "backups", "-f", f"environment={env}", api=base_url).json
    api.reset_stats()
    result = run("get", "backups", "-f", f"environment={env}", "--limit", "3", api=base_url)
    assert result.json == everything[:3]
    assert len(list_requests(api, "backups")) == 1


def test_limit_with_an_ignored_filter_reads_at_most_twice_the_pages_it_needs(
        run: Runner, loopback_api: tuple[FakeDivioAPI, str]) -> None:
    api, base_url = loopback_api
    env = api.dataset.environment("globex-careers", "live")["uuid"]
    backups = api.dataset.collections["backups"]
    expected = [b for b in backups if b["environment"] == env][:10]
    needed = -(-(backups.index(expected[-1]) + 1) // 100)
    api.ignore_filters = True
    api.reset_stats()
    result = run("get", "backups", "-f", f"environment={env}", "--limit", "10", api=base_url)
    assert result.json == expected
    assert needed <= len(list_requests(api, "backups")) <= 2 * needed


def test_one_resource_by_uuid_is_its_detail_object(
        run: Runner, loopback_api: tuple[FakeDivioAPI, str]) -> None:
    api, base_url = loopback_api
    env = api.dataset.environment("acme-shop", "live")
    with httpx.Client(headers={"Authorization": f"Token {TOKEN}"}) as http:
        detail = http.get(f"{base_url}environments/{env['uuid']}/").json()
    result = run("get", "environment", env["uuid"].upper(), api=base_url)
    assert (result.status, result.json) == (0, detail)
    assert "ssh_endpoint" in result.json  # the detail view, not the list item


def test_a_uuid_asked_as_the_wrong_kind_says_what_it_is(
        run: Runner, loopback_api: tuple[FakeDivioAPI, str]) -> None:
    api, base_url = loopback_api
    env = live(api.dataset)
    result = run("get", "backups", env, api=base_url)
    assert (result.status, result.out) == (1, "")
    assert result.err == (f"divio-tui: no backup {env}: not found, or this token has no access "
                          f"to it; it is an environment: divio-tui get environments {env}\n")


def test_formats_hold_the_same_records(run: Runner,
                                       loopback_api: tuple[FakeDivioAPI, str]) -> None:
    _api, base_url = loopback_api
    as_json = run("get", "deployments", "-n", "30", api=base_url).json
    assert run("get", "deployments", "-n", "30", "-o", "jsonl", api=base_url).lines == as_json
    rows = list(csv.DictReader(io.StringIO(run("get", "deployments", "-n", "30", "-o", "csv",
                                               api=base_url).out)))
    assert [row["uuid"] for row in rows] == [item["uuid"] for item in as_json]
    assert rows[0]["success"] in {"true", "false", ""}
    table = run("get", "deployments", "-n", "30", "-o", "table", api=base_url).out.splitlines()
    assert table[0].split() == ["UUID", "ENVIRONMENT", "STATUS", "SUCCESS", "STARTED_AT",
                                "ENDED_AT"]
    assert [line.split()[0] for line in table[1:]] == [item["uuid"] for item in as_json]


def test_sensitive_values_are_masked_unless_revealed(
        run: Runner, loopback_api: tuple[FakeDivioAPI, str]) -> None:
    api, base_url = loopback_api
    env = live(api.dataset)
    secrets = {v["name"]: v["value"] for v in api.dataset.collections["environment-variables"]
               if v["environment"] == env and v["is_sensitive"]}
    assert secrets
    for fmt in ("json", "jsonl", "csv", "table"):
        masked = run("get", "environment-variables", "-f", f"environment={env}", "-o", fmt,
                     api=base_url)
        assert not any(value in masked.out for value in secrets.values()), fmt
        assert MASK in masked.out
    shown = run("get", "environment-variables", "-f", f"environment={env}", "--reveal",
                api=base_url).json
    assert {v["name"]: v["value"] for v in shown if v["is_sensitive"]} == secrets


def use_api(monkeypatch: pytest.MonkeyPatch, api: FakeDivioAPI,
            wrap: Callable[[httpx.AsyncBaseTransport], httpx.AsyncBaseTransport] = lambda t: t,
            ) -> None:
    """Make `get` talk to `api` in-process (through `wrap`), with quick retries."""
    from divio_tui.api.client import DivioClient
    from divio_tui.cli import get
    from divio_tui.fake import FakeTransport

    def client(settings: Any, **_: Any) -> DivioClient:
        return DivioClient(settings.api_url, settings.token_value, backoff_base=0.001,
                           transport=wrap(FakeTransport(api)))

    monkeypatch.setattr(get, "build_client", client)


def test_api_text_cannot_drive_the_terminal(run: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    dataset = generate("demo", seed=0, now=FIXED_NOW)
    dataset.collections["applications"][0]["name"] = "Evil \x1b[2J\x1b]0;pwned\x07 \u202epiz.exe"
    use_api(monkeypatch, FakeDivioAPI(dataset))
    table = run("get", "applications", "-o", "table").out
    assert "\x1b" not in table and "\u202e" not in table and "\x07" not in table
    assert "Evil ␛[2J␛]0;pwned␇ \\u202epiz.exe" in table
    # JSON is JSON: the encoder escapes every control and non-ASCII character, and jq gets
    # the name back exactly.
    lines = run("get", "applications", "-o", "jsonl")
    assert lines.out.isascii()
    assert lines.lines[0]["name"] == "Evil \x1b[2J\x1b]0;pwned\x07 \u202epiz.exe"


def test_a_refused_token_exits_1_naming_its_source_never_the_token(
        run: Runner, fake_api: FakeDivioAPI) -> None:
    from divio_tui.fake import serve_in_thread

    fake_api.token = "another-token-entirely-5555"
    with serve_in_thread(fake_api) as base_url:
        result = run("get", "backups", api=base_url)
    assert (result.status, result.out) == (1, "")
    assert result.err.startswith("divio-tui: the token from env DIVIO_TOKEN was rejected: "
                                 "Invalid token.")


class FailsPageFive(httpx.AsyncBaseTransport):
    """The demo API, with page 5 of every list answering 503 (after page 1 came through)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.params.get("page") == "5":
            return httpx.Response(503, json={"detail": "Try later."})
        return await self.inner.handle_async_request(request)


def test_a_server_failure_mid_list_exits_1_and_leaves_no_whole_looking_json(
        run: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    use_api(monkeypatch, FakeDivioAPI(), FailsPageFive)
    result = run("get", "backups")
    assert result.status == 1
    assert result.err.startswith("divio-tui: 503 Service Unavailable")
    assert "page=5" in result.err
    assert result.out.startswith("[\n  {")
    with pytest.raises(ValueError):
        result.json  # noqa: B018 - a part must not parse as the whole


@pytest.mark.parametrize(("argv", "message"), [
    (["get", "gizmos"], "unknown kind 'gizmos'"),
    (["get", "backups", "-f", "environment"], "expected FIELD=VALUE"),
    (["get", "backups", "-f", "page=2"], "page is not a filter"),
    (["get", "backups", "--limit", "0"], "must be 1 or more"),
    (["get", "backups", "not-a-uuid"], "not a Divio UUID"),
    (["get", "backups", "a" * 26, "-f", "x=y"], "with a UUID, get prints that one resource"),
])
def test_usage_problems_exit_2(run: Runner, argv: list[str], message: str) -> None:
    result = run(*argv)
    assert (result.status, result.out) == (2, "")
    assert message in result.err


def test_no_token_is_a_usage_problem(run: Runner, monkeypatch: pytest.MonkeyPatch,
                                     loopback_api: tuple[FakeDivioAPI, str]) -> None:
    monkeypatch.delenv("DIVIO_TOKEN")
    result = run("get", "backups", api=loopback_api[1])
    assert result.status == 2
    assert "no token: set DIVIO_TOKEN" in result.err


def test_every_kind_of_the_tree_can_be_listed(run: Runner) -> None:
    assert set(KIND_NAMES.values()) == {
        "organisation", "application", "environment", "deployment", "backup",
        "service_instance_backup", "service_instance", "environment_variable", "domain",
        "build", "region", "service", "repository"}
    for kind in KIND_NAMES:
        result = run("get", kind, "--limit", "2", "-o", "jsonl")
        assert (result.status, len(result.lines)) == (0, 2), kind


def test_every_request_goes_to_the_log_without_the_token(
        run: Runner, loopback_api: tuple[FakeDivioAPI, str], isolated_env: Any) -> None:
    api, base_url = loopback_api
    api.reset_stats()
    assert run("get", "deployments", api=base_url).status == 0
    log = (isolated_env / "log" / "divio-tui.log").read_text()
    requested = [path for _method, path, _status in api.requests]
    assert len(requested) == 6
    for path in requested:
        assert path in log
    assert TOKEN not in log
