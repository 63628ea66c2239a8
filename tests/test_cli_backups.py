"""`divio-tui backups latest|health`: the answers, against the how-to walk and the summaries.

The demo's dataset and the command's clock are pinned to FIXED_NOW, so that `--demo` serves
the same data as the loopback fake the oracles read.
"""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from bench.backup_question import howto_walk
from divio_tui import cli
from divio_tui.api.models import Application, Environment, Organisation
from divio_tui.cli import backups as backups_cmd
from divio_tui.fake import FIXED_NOW, Dataset, FakeDivioAPI
from divio_tui.state.backups import BackupBook
from divio_tui.state.health import assess, row_json
from divio_tui.state.session import Session
from tests.ui.helpers import make_client

pytestmark = pytest.mark.usefixtures("restore_logging")

TOKEN = "c1i0000000000000000000000000000000005678"


@pytest.fixture(autouse=True)
def pinned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo generated at FIXED_NOW, the verdicts judged at FIXED_NOW, dirs under tmp."""
    for name in ("DIVIO_TOKEN", "DIVIO_API_URL", "DIVIO_ZONE", "NETRC_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DIVIO_TUI_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("DIVIO_TUI_LOG_DIR", str(tmp_path / "log"))
    monkeypatch.setenv("DIVIO_TUI_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr("divio_tui.fake.dataset.default_now",
                        lambda: FIXED_NOW.replace(tzinfo=None))
    monkeypatch.setattr(backups_cmd, "now", lambda: FIXED_NOW)
    monkeypatch.setattr("divio_tui.cli.clients.demo_clock", lambda: FIXED_NOW)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def literal_walk(base_url: str, app_slug: str, env_slug: str) -> dict[str, dict[str, Any]]:
    """The how-to page's walk done literally (every page of backups and SIBs, no filter),
    then the backup and the service instance of each answer, as a reader would look them up."""
    walked, _requests = howto_walk(base_url, TOKEN, app_slug, env_slug, page_size=None)
    session = requests.Session()
    session.trust_env = False
    session.headers["Authorization"] = f"Token {TOKEN}"
    answer = {}
    with session:
        for service, sib in walked.items():
            backup = session.get(f"{base_url}backups/{sib['backup']}/", timeout=30).json()
            instance = session.get(f"{base_url}service-instances/{service}/", timeout=30).json()
            answer[service] = {"sib": sib, "backup": backup, "instance": instance}
    return answer


def test_latest_agrees_with_the_how_to_walk_done_literally_over_loopback(
        loopback_api: tuple[FakeDivioAPI, str], capsys: pytest.CaptureFixture[str]) -> None:
    _api, base_url = loopback_api
    walked = literal_walk(base_url, "acme-shop", "live")

    status, out, err = run(capsys, "--demo", "backups", "latest", "acme-shop/live", "--json")

    assert (status, err) == (0, "")
    body = json.loads(out)  # nothing but the answer on stdout
    assert (body["application"]["slug"], body["environment"]["slug"]) == ("acme-shop", "live")
    got = {service["service_instance"]: service for service in body["services"]}
    assert set(got) == set(walked)
    for uuid, expected in walked.items():
        service, sib, backup = got[uuid], expected["sib"], expected["backup"]
        assert service["type"] == expected["instance"]["type"]
        assert service["latest"] == {
            "backup": backup["uuid"], "service_instance_backup": sib["uuid"],
            "taken_at": sib["taken_at"], "started_at": sib["started_at"],
            "ended_at": sib["ended_at"], "size": sib["size"], "trigger": backup["trigger"],
            "backup_state": backup["state"], "backup_success": backup["success"]}
    # ACME live's newest backup still runs: its database part ended (the latest database
    # backup), its storage part is the newer attempt, running.
    by_type = {service["type"]: service for service in body["services"]}
    assert by_type["DATABASE"]["latest"]["backup_state"] == "WORKING"
    assert by_type["DATABASE"]["newer_attempt"] is None
    assert by_type["STORAGE"]["newer_attempt"]["outcome"] == "running"


def test_latest_as_text_names_every_uuid_a_script_needs(capsys: pytest.CaptureFixture[str],
                                                        demo_dataset: Dataset) -> None:
    status, out, _err = run(capsys, "--demo", "backups", "latest", "harbour-museum/live")

    assert status == 0
    env = demo_dataset.special_environment("backup_newest_failed")
    assert env["uuid"] in out and "newer: failed" in out
    for instance in demo_dataset.where("service-instances", "environment", env["uuid"]):
        assert instance["uuid"] in out


def health_oracle(dataset: Dataset, *, ignore_filters: bool) -> dict[str, dict[str, Any]]:
    """Every environment's row as the environment summary computes it, one at a time."""

    async def rows() -> dict[str, dict[str, Any]]:
        api = FakeDivioAPI(dataset, ignore_filters=ignore_filters)
        out = {}
        async with make_client(api) as client:
            book = BackupBook(Session(client))
            for record in dataset.collections["environments"]:
                await book.answer(record["uuid"])
                application = dataset.by_id("applications", record["application"]) or {}
                organisation = dataset.by_id("organisations", application["organisation"])
                row = assess(Environment.model_validate(record),
                             Application.model_validate(application),
                             Organisation.model_validate(organisation),
                             book.report(record["uuid"]), now=FIXED_NOW,
                             max_age=timedelta(hours=26))
                out[record["uuid"]] = row_json(row)
        return out

    return asyncio.run(rows())


@pytest.mark.parametrize("where", ["demo", "loopback", "loopback-ignoring-filters"])
def test_health_agrees_with_the_summary_of_every_demo_environment(
        where: str, loopback_api: tuple[FakeDivioAPI, str], capsys: pytest.CaptureFixture[str]
) -> None:
    api, base_url = loopback_api
    api.ignore_filters = where == "loopback-ignoring-filters"
    target = ["--demo"] if where == "demo" else ["--api-url", base_url, "--token", TOKEN]

    status, out, err = run(capsys, *target, "backups", "health", "--json")

    assert (status, err) == (3, "")  # the demo has environments in every verdict
    body = json.loads(out)
    assert body["generated_at"] == "2026-11-25T12:00:00Z" and body["max_age_hours"] == 26
    assert body["verdicts"] == {"never": 1, "no backups": 2, "failing": 1, "stale": 3,
                                "ok": len(api.dataset.collections["environments"]) - 7}
    expected = health_oracle(api.dataset, ignore_filters=api.ignore_filters)
    assert {row["environment"]["uuid"]: row for row in body["environments"]} == expected
    verdicts = [row["verdict"] for row in body["environments"]]
    assert verdicts[:3] == ["never", "no backups", "no backups"]  # worst first


def test_health_of_one_healthy_application_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _err = run(capsys, "--demo", "backups", "health", "--app", "acme-intranet")

    assert status == 0
    assert out.splitlines() and all(line.startswith("ok ") for line in out.splitlines())


def test_health_honours_max_age_hours_and_the_config(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, out, _err = run(capsys, "--demo", "backups", "health", "--app", "tinyrobots-store",
                            "--json")
    assert status == 3
    assert [row["verdict"] for row in json.loads(out)["environments"]] == [
        "never", "failing", "stale"]
    # Four days of tolerance: the test environment, 3 days without a backup, is fine.
    status, out, _err = run(capsys, "--demo", "backups", "health", "--app", "tinyrobots-store",
                            "--max-age-hours", "96", "--json")
    assert status == 3
    assert [row["verdict"] for row in json.loads(out)["environments"]] == [
        "never", "failing", "ok"]
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[backups]\nmax_age_hours = 96\n")
    status, out, _err = run(capsys, "--demo", "backups", "health", "--app", "tinyrobots-store",
                            "--json")
    assert (status, json.loads(out)["max_age_hours"]) == (3, 96)


def test_health_of_an_organisation_by_name(capsys: pytest.CaptureFixture[str],
                                           demo_dataset: Dataset) -> None:
    status, out, _err = run(capsys, "--demo", "backups", "health", "--org", "globex corporation",
                            "--json")

    body = json.loads(out)
    assert body["scope"]["title"] == "Globex Corporation"
    assert {row["organisation"]["name"] for row in body["environments"]} == {"Globex Corporation"}
    assert status == 3  # globex-api/live: its newest backup was partial, a day ago


@pytest.mark.parametrize(("argv", "status", "message"), [
    (["backups", "latest", "acme-shop"], 2, "expected APP/ENV"),
    (["backups", "latest", "no-such-app/live"], 1, "no application 'no-such-app'"),
    (["backups", "latest", "acme-shop/prod"], 1, "has no environment 'prod' (it has: test, live, staging)"),
    (["backups", "health", "--org", "Nobody"], 1, "no organisation 'Nobody'"),
    (["backups", "health", "--org", "Tiny Robots", "--app", "acme-shop"], 2,
     "is not an application of Tiny Robots"),
    (["backups", "health", "--max-age-hours", "-1"], 2, "must be more than 0"),
])
def test_bad_usage_and_unknown_names_say_why_on_stderr(
        capsys: pytest.CaptureFixture[str], argv: list[str], status: int, message: str) -> None:
    got, out, err = run(capsys, "--demo", *argv)

    assert got == status and out == ""
    assert message in err and "Traceback" not in err


def test_an_api_error_exits_1_with_the_reason_and_never_the_token(
        loopback_api: tuple[FakeDivioAPI, str], capsys: pytest.CaptureFixture[str]) -> None:
    api, base_url = loopback_api
    api.token = "the-right-one"

    status, out, err = run(capsys, "--api-url", base_url, "--token", TOKEN, "backups", "health")

    assert (status, out) == (1, "")
    assert "401" in err and "the token from flag" in err
    assert TOKEN not in err


def test_rows_that_could_not_be_read_exit_1_and_say_where(
        loopback_api: tuple[FakeDivioAPI, str], capsys: pytest.CaptureFixture[str]) -> None:
    api, base_url = loopback_api
    api.fail_next("backups", 503, times=10_000)

    status, out, err = run(capsys, "--api-url", base_url, "--token", TOKEN, "backups", "health",
                           "--app", "acme-shop", "--json")

    assert status == 1
    rows = json.loads(out)["environments"]
    assert rows and {row["verdict"] for row in rows} == {"unknown"}
    assert "acme-shop / live" in err and "503" in err
