"""The fake on demand: as a stock DRF server (`--stock-drf`), and as a hostile one
(`--hostile`, one prefix per case), and the client against both (over loopback)."""

from __future__ import annotations

import socket
import subprocess
import sys
import zlib
from collections.abc import Iterator

import httpx
import pytest

from divio_tui.api import DivioClient, NotFound
from divio_tui.fake import FakeDivioAPI, serve_in_thread
from divio_tui.fake.cli import run_fake_api
from divio_tui.fake.dataset import Dataset
from divio_tui.fake.hostile import BOMB_BYTES, CASES, HostileAPI, gzip_bomb
from divio_tui.fake.stock_drf import INVALID_CHOICE, NOT_FOUND_PAGE

AUTH = {"Authorization": "Token anything"}


@pytest.fixture
def stock(demo_dataset: Dataset) -> FakeDivioAPI:
    return FakeDivioAPI(demo_dataset, stock_drf=True)


def test_a_path_without_its_slash_is_a_301_before_authentication(stock: FakeDivioAPI) -> None:
    response = stock.handle("GET", "/apps/v3/applications?organisation=x&page=2")
    assert response.status == 301 and response.body == b""
    assert response.headers["Location"] == "/apps/v3/applications/?organisation=x&page=2"
    assert response.headers["Content-Type"].startswith("text/html")


def test_an_unknown_route_is_djangos_html_404(stock: FakeDivioAPI) -> None:
    response = stock.handle("GET", "/apps/v3/nothing-here/", AUTH)
    assert response.status == 404 and response.body.decode() == NOT_FOUND_PAGE


def test_a_missing_object_names_its_model(stock: FakeDivioAPI) -> None:
    response = stock.handle("GET", "/apps/v3/applications/aaaaaaaaaaaaaaaaaaaaaaaaaa/", AUTH)
    assert response.status == 404
    assert response.json() == {"detail": "No Application matches the given query."}


def test_a_filter_naming_an_unknown_parent_is_a_400(stock: FakeDivioAPI,
                                                    demo_dataset: Dataset) -> None:
    gone = stock.handle("GET", "/apps/v3/environments/?application=gone", AUTH)
    assert gone.status == 400 and gone.json() == {"application": [INVALID_CHOICE]}
    app = demo_dataset.collections["applications"][0]["uuid"]
    known = stock.handle("GET", f"/apps/v3/environments/?application={app}", AUTH)
    assert known.status == 200
    text = stock.handle("GET", "/apps/v3/environments/?slug=nothing", AUTH)
    assert text.status == 200 and text.json()["count"] == 0  # not a ForeignKey: empty page


def test_options_answers_and_allow_lists_it(stock: FakeDivioAPI) -> None:
    response = stock.handle("OPTIONS", "/apps/v3/backups/", AUTH)
    assert response.status == 200 and response.headers["Allow"] == "GET, HEAD, OPTIONS"
    assert response.json()["renders"] == ["application/json", "text/html"]
    assert stock.handle("GET", "/apps/v3/backups/", AUTH).headers["Allow"] == "GET, HEAD, OPTIONS"


@pytest.fixture
def stock_url(stock: FakeDivioAPI) -> Iterator[str]:
    with serve_in_thread(stock) as base_url:
        yield base_url


async def test_the_client_meets_every_stock_behaviour_in_words(
        stock_url: str, demo_dataset: Dataset) -> None:
    deployment = demo_dataset.collections["deployments"][0]["uuid"]
    async with DivioClient(stock_url, "anything") as client:
        # deployments/<uuid>/logs has no slash: the 301 (relative Location) is followed.
        assert (await client.deployment_log(deployment)).uuid == deployment
        with pytest.raises(NotFound) as caught:
            await client.get("application", "aaaaaaaaaaaaaaaaaaaaaaaaaa")
        assert caught.value.detail == "No Application matches the given query."
        with pytest.raises(NotFound) as missing_route:
            await client.get_json("nothing-here/")
        assert missing_route.value.detail is None  # an HTML page is described, never quoted
        cursor = client.cursor("environment", {"application": "gone0000000000000000000000"})
        with pytest.raises(NotFound) as gone:
            _ = [page async for page in cursor.next_batch(100)]
        assert gone.value.summary == "this application no longer exists or is not visible"


# -- hostile --------------------------------------------------------------------------------

def test_the_index_lists_every_case_with_its_api_url() -> None:
    server = HostileAPI()
    response = server.respond("GET", "http://127.0.0.1:1/", {"Host": "127.0.0.1:1"})
    cases = response.json()["cases"]  # type: ignore[index]
    assert set(cases) == set(CASES)
    assert cases["503"]["api_url"] == "http://127.0.0.1:1/hostile/503/apps/v3/"


def test_links_stay_under_the_case_prefix() -> None:
    server = HostileAPI()
    response = server.respond("GET", "http://h:1/hostile/names-bidi/apps/v3/", {"Host": "h:1"})
    assert all(url.startswith("http://h:1/hostile/names-bidi/apps/v3/")
               for url in response.json().values())  # type: ignore[union-attr]


def test_the_gzip_bomb_is_small_on_the_wire_and_huge_inflated() -> None:
    body = gzip_bomb()
    assert len(body) < 300_000 and BOMB_BYTES == 256 * 1024 * 1024
    inflater = zlib.decompressobj(31)
    assert inflater.decompress(body, 1000) == b" " * 1000  # whitespace first: valid JSON


def test_help_lists_every_case_and_the_new_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_fake_api(["--help"]) == 0
    out = capsys.readouterr().out
    assert "--hostile" in out and "--stock-drf" in out
    for name in CASES:
        assert f"  {name} " in out


def test_a_reset_mid_body_over_loopback_is_a_transport_error() -> None:
    with serve_in_thread(HostileAPI()) as base_url:
        root = base_url.removesuffix("apps/v3/")
        with pytest.raises(httpx.TransportError):
            httpx.get(f"{root}hostile/reset/iam/v3/organisations/", headers=AUTH)
        with pytest.raises(httpx.TransportError):
            httpx.get(f"{root}hostile/short-body/iam/v3/organisations/", headers=AUTH)
        trickled = httpx.get(f"{root}hostile/names-ansi/iam/v3/organisations/", headers=AUTH)
        assert b"\\u001b" in trickled.content


def test_the_hostile_server_runs_from_the_command_line() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "divio_tui.fake.cli", "--port", str(port),
                                "--hostile", "--scale", "tiny"], stdout=subprocess.PIPE,
                               text=True)
    try:
        assert process.stdout is not None
        first, second = process.stdout.readline(), process.stdout.readline()
        assert "Fake Divio API" in first and "/hostile/<case>/apps/v3/" in second
        response = httpx.get(f"http://127.0.0.1:{port}/hostile/503/apps/v3/backups/",
                             headers=AUTH)
        assert response.status_code == 503
    finally:
        process.terminate()
        process.wait(timeout=10)
