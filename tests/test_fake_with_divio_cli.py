"""divio-cli's own read commands against the fake over loopback: the fake answers what the
real API's best-known client reads (fields, paging, auth), so the commands it prints work."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from divio_tui.fake import FakeDivioAPI
from tests import divio_cli

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def divio(tmp_path_factory: pytest.TempPathFactory) -> Path:
    try:
        venv = divio_cli.divio_cli_venv()
    except divio_cli.Unavailable as error:
        pytest.skip(f"divio-cli {divio_cli.REQUIREMENT} could not be installed: {error}")
    return venv / "bin" / "divio"


def run(divio: Path, base_url: str, tmp_path: Path, *argv: str) -> str:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1\n  login alex\n  password any-token\n")
    netrc.chmod(0o600)
    zone = base_url.split("/apps/")[0]
    env = {**os.environ, "DIVIO_ZONE": zone, "NETRC_PATH": str(netrc), "HOME": str(tmp_path)}
    done = subprocess.run([str(divio), *argv], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_app_list_lists_every_application(
        divio: Path, loopback_api: tuple[FakeDivioAPI, str], tmp_path: Path) -> None:
    api, base_url = loopback_api
    out = run(divio, base_url, tmp_path, "app", "list", "--json")
    slugs = {app["slug"] for app in json.loads(out)["results"]}
    assert slugs == {app["slug"] for app in api.dataset.collections["applications"]}


def test_services_list_shows_each_service_s_name_type_and_description(
        divio: Path, loopback_api: tuple[FakeDivioAPI, str], tmp_path: Path) -> None:
    api, base_url = loopback_api
    region = api.dataset.collections["regions"][0]
    out = run(divio, base_url, tmp_path, "services", "list", "--region", region["uuid"])
    for service in api.dataset.collections["services"]:
        if service["region"] == region["uuid"]:
            assert service["uuid"] in out
            assert service["type"] in out
    assert "Description" in out


def test_regions_and_organisations_list(
        divio: Path, loopback_api: tuple[FakeDivioAPI, str], tmp_path: Path) -> None:
    api, base_url = loopback_api
    regions = run(divio, base_url, tmp_path, "regions", "list")
    organisations = run(divio, base_url, tmp_path, "organisations", "list")
    assert all(region["uuid"] in regions for region in api.dataset.collections["regions"])
    assert all(org["uuid"] in organisations
               for org in api.dataset.collections["organisations"])
