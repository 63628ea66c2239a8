"""Copy what you found, ready to run: `C` (curl) and `D` (divio-cli), checked by running them.

A copied curl command, run with DIVIO_TOKEN set, fetches the same JSON from the fake over
loopback; every divio-cli command `D` can copy parses with divio-cli 4.0.5's own click parser,
and the read-only ones run against the fake and succeed.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from divio_tui.fake import FakeDivioAPI
from divio_tui.fake.dataset import FIXED_NOW, generate
from divio_tui.state.nodes import ResourceData
from tests import divio_cli
from tests.ui.helpers import (
    TOKEN,
    find_node,
    goto,
    group,
    make_app,
    make_loopback_app,
    open_path,
    press,
    resource,
    settle,
)

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="session")
def divio_cli_venv() -> Path:
    try:
        return divio_cli.divio_cli_venv()
    except divio_cli.Unavailable as error:
        pytest.skip(f"divio-cli {divio_cli.REQUIREMENT} could not be installed: {error}")


@pytest.fixture
def served(loopback_api: tuple[FakeDivioAPI, str]) -> Iterator[tuple[FakeDivioAPI, str]]:
    api, base = loopback_api
    api.token = TOKEN  # a command that does not send the token would get a 401
    yield api, base


def notifications(app: Any) -> str:
    return "\n".join(notification.message for notification in app._notifications)


async def open_live(pilot: Pilot[Any]) -> Any:
    return await open_path(pilot, resource("organisation", name="Northwind Digital"),
                           resource("application", slug="acme-shop"),
                           resource("environment", slug="live"))


def run_shell(command: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ["PATH"], "DIVIO_TOKEN": TOKEN, "HOME": "/nonexistent"}
    return subprocess.run(["sh", "-c", command], env=env, capture_output=True, text=True,
                          timeout=30, check=True)


# -- curl ---------------------------------------------------------------------------------------

@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
async def test_a_copied_curl_command_fetches_the_same_json_over_loopback(
        served: tuple[FakeDivioAPI, str]) -> None:
    _api, base = served
    app = make_loopback_app(base)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_live(pilot)
        backups = await open_path(pilot, group("backup"))
        await press(pilot, "C")
        command = app.clipboard
        assert command.startswith('curl -H "Authorization: Token $DIVIO_TOKEN" \'')
        listed = json.loads(run_shell(command).stdout)
        # The group's first page, as the explorer asked for it (filter and page size).
        assert {item["uuid"] for item in listed["results"]} == {
            child.data.uuid for child in backups.children if isinstance(child.data, ResourceData)}
        backup = next(child for child in backups.children if isinstance(child.data, ResourceData))
        await goto(pilot, backup)
        await press(pilot, "C")
        assert app.clipboard == (f'curl -H "Authorization: Token $DIVIO_TOKEN" '
                                 f"'{base}backups/{backup.data.uuid}/'")
        assert json.loads(run_shell(app.clipboard).stdout) == backup.data.raw
        assert "Copied a curl command" in notifications(app)
        assert TOKEN not in app.clipboard + notifications(app)


async def test_curl_on_the_demo_says_where_its_api_is() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await press(pilot, "C")
        assert app.clipboard == ('curl -H "Authorization: Token $DIVIO_TOKEN" '
                                 "'https://api.demo.invalid/iam/v3/organisations/?page_size=100'")
        assert "divio-tui fake-api" in notifications(app)


# -- divio-cli ----------------------------------------------------------------------------------

async def collect_divio_commands(pilot: Pilot[Any]) -> dict[str, list[str]]:
    """Every command `D` and the palette offer, by the node they were offered on."""
    app: Any = pilot.app
    found: dict[str, list[str]] = {}

    async def on(name: str, node: Any) -> None:
        await goto(pilot, node)
        found[name] = [command.line for command in app.explorer.take_away.divio_choices()]

    await on("organisations", find_node(app, group("organisation")))
    await open_live(pilot)
    await on("organisation", find_node(app, resource("organisation", name="Northwind Digital")))
    await on("application", find_node(app, resource("application", slug="acme-shop")))
    await on("environment", find_node(app, resource("environment", slug="live")))
    for kind in ("deployment", "environment_variable", "service_instance"):
        node = await open_path(pilot, group(kind, "environment"))
        await on(f"{kind} group", node)
        await on(kind, next(child for child in node.children
                            if isinstance(child.data, ResourceData)))
    database = find_node(app, lambda d: isinstance(d, ResourceData)
                         and d.kind == "service_instance" and d.raw.get("type") == "DATABASE")
    await on("database", database)
    backups = await open_path(pilot, group("backup"))
    backup = next(child for child in backups.children if isinstance(child.data, ResourceData)
                  and child.data.raw.get("success") == "SUCCESS")
    await goto(pilot, backup)
    backup.expand()
    await settle(pilot)
    await on("backup", backup)
    for child in backup.children:
        await on(f"sib {child.data.raw.get('service_type')}", child)
    regions = await open_path(pilot, group("region"))
    await on("regions", regions)
    region = await open_path(pilot, resource("region", uuid=regions.children[0].data.uuid))
    await on("region", region)
    await on("service", next(child for child in region.children
                             if isinstance(child.data, ResourceData)))
    return found


async def test_every_divio_command_parses_with_divio_clis_own_parser(
        served: tuple[FakeDivioAPI, str], divio_cli_venv: Path, tmp_path: Path) -> None:
    api, base = served
    app = make_loopback_app(base)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        found = await collect_divio_commands(pilot)
        acme = find_node(app, resource("application", slug="acme-shop")).data.uuid
    origin = base.removesuffix("/apps/v3/")
    lines = [line for commands in found.values() for line in commands]
    assert all(line.startswith(f"divio --zone '{origin}' ") for line in lines)
    assert all(found[name] for name in found), {name for name in found if not found[name]}
    parsed = dict(zip(lines, divio_cli.parse(divio_cli_venv, lines), strict=True))
    assert [line for line, result in parsed.items() if not result["ok"]] == []

    # The commands say what they mean: the application, the environment, the backup.
    def params(line: str) -> dict[str, Any]:
        result: dict[str, Any] = parsed[line]["params"]
        return result

    assert params(found["environment"][0])["environment"] == "live"
    assert params(found["environment"][0])["remote_id"] == acme
    assert parsed[found["application"][0]]["command"] == "divio app dashboard"
    database_pull = next(line for line in found["backup"] if " pull db " in line)
    sib = api.dataset.by_id("service-instance-backups", params(database_pull)["backup_si_uuid"])
    assert sib is not None and sib["service_type"] == "DATABASE"
    assert found["sib DATABASE"] == [database_pull]
    assert " pull media " in found["sib STORAGE"][0]
    assert params(found["database"][0])["prefix"] == "DEFAULT"

    # The read-only ones run against the fake, exactly as copied, and succeed.
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine 127.0.0.1\n\tlogin you@example.com\n\tpassword {TOKEN}\n")
    netrc.chmod(0o600)
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "NETRC_PATH": str(netrc),
           "XDG_CONFIG_HOME": str(tmp_path / "config")}
    # One of each: a command with the same options on another node adds nothing.
    kinds = {(parsed[line]["command"], "--all-envs" in line): line for line in lines
             if any(f" {words} " in f"{line} " for words in (
                 "app logs", "app deploy-log", "env-vars list", "env-vars get",
                 "deployments list", "deployments get", "service-instances list",
                 "organisations list", "regions list"))}
    read_only = list(kinds.values())
    assert len(read_only) == 11
    runs = [(line, subprocess.Popen([str(divio_cli_venv / "bin/divio"), *shlex.split(line)[1:]],
                                    env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True))
            for line in read_only]
    failed = {}
    for line, process in runs:
        output, _ = process.communicate(timeout=120)
        if process.returncode != 0 or "Traceback" in output:
            failed[line] = output[-500:]
    assert failed == {}


async def test_D_says_why_when_divio_cli_has_no_command() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_live(pilot)
        domains = await open_path(pilot, group("domain"))
        await goto(pilot, next(child for child in domains.children
                               if isinstance(child.data, ResourceData)))
        app.copy_to_clipboard("untouched")
        await press(pilot, "D")
        assert app.clipboard == "untouched"
        assert "No divio-cli command for this: divio-cli 4.0.5 has no command for a domain" in \
            notifications(app)
        await goto(pilot, find_node(app, resource("environment", slug="live")))
        await press(pilot, "D")
        assert app.clipboard.startswith("divio app logs 'live' --remote-id ")
        assert "cannot reach the built-in demo API" in notifications(app)


async def test_D_refuses_a_slug_that_would_not_mean_what_it_shows() -> None:
    dataset = generate("tiny", now=FIXED_NOW)
    env = dataset.collections["environments"][0]
    env["slug"] = "live\nrm -rf ~"
    app = make_app(FakeDivioAPI(dataset))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        node = await open_path(pilot, resource("organisation", uuid=dataset.collections[
            "organisations"][0]["uuid"]), resource("application", uuid=env["application"]))
        await goto(pilot, find_node(app, resource("environment", uuid=env["uuid"])))
        assert node is not None
        app.copy_to_clipboard("untouched")
        await press(pilot, "D")
        assert app.clipboard == "untouched"
        assert "Not copied: the environment slug holds an invisible or control character" in \
            notifications(app)
