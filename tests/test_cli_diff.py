"""`divio-tui diff`: the compare rows for scripts, with `diff`'s exit statuses (0 the same, 1
different, 2 trouble), nothing but the answer on stdout, every token source honoured."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from divio_tui import cli
from divio_tui.fake import FakeDivioAPI, serve_in_thread
from divio_tui.fake.dataset import Dataset

pytestmark = pytest.mark.usefixtures("restore_logging")

TOKEN = "diff0000000000000000000000000000000005678"

FLEET = ["tinyrobots-fleet/test", "tinyrobots-fleet/live"]


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("DIVIO_TOKEN", "DIVIO_API_URL", "DIVIO_ZONE", "NETRC_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DIVIO_TUI_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("DIVIO_TUI_LOG_DIR", str(tmp_path / "log"))
    monkeypatch.setenv("DIVIO_TUI_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


@pytest.fixture
def guarded_api(demo_dataset: Dataset) -> Iterator[tuple[FakeDivioAPI, str]]:
    """The demo data over loopback, answering only `TOKEN`."""
    api = FakeDivioAPI(demo_dataset, token=TOKEN)
    with serve_in_thread(api) as base_url:
        yield api, base_url


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_test_against_live_differs(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "--demo", "diff", *FLEET)
    assert (status, err) == (1, "")
    assert out.startswith("A  tinyrobots-fleet/test")
    lines = out.splitlines()
    assert "  only in A  DEBUG_TOOLBAR: true" in lines
    assert "  differs    WORKERS: 2 → 8" in lines
    assert "  differs    STRIPE_SECRET_KEY: •••••• → ••••••  (sensitive)" in lines
    assert "  expected   STAGE: test → live  (each names its own environment)" in lines
    assert "  differs    branch: release/2.4 → main" in lines
    assert lines[-1].endswith("the same") and "differences" in lines[-1]


def test_the_same_environment_twice_is_the_same(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "--demo", "diff", FLEET[1], FLEET[1])
    assert (status, err) == (0, "")
    assert out.splitlines()[-1].startswith("0 differences, 0 expected, ")


def test_one_side_compares_with_the_other_main_environment(
        capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--demo", "diff", "tinyrobots-fleet/live")
    assert status == 1
    assert out.splitlines()[:2][1].startswith("B  tinyrobots-fleet/test")


def test_expected_differences_count_only_when_strict(
        capsys: pytest.CaptureFixture[str], demo_dataset: Dataset) -> None:
    # Two environments whose only differences are the platform's own: STAGE, DOMAIN, ...
    status, out, _ = run(capsys, "--demo", "diff", "--json", "acme-intranet/test",
                         "acme-intranet/live")
    document = json.loads(out)
    surprising = [row["name"] for row in document["rows"]
                  if row["status"] != "same" and row["expected"] is None]
    assert status == (1 if surprising else 0)
    assert document["expected_differences"] > 0
    strict, _, _ = run(capsys, "--demo", "diff", "--strict", FLEET[1], FLEET[1])
    assert strict == 0
    strict, _, _ = run(capsys, "--demo", "diff", "--strict", "acme-intranet/test",
                       "acme-intranet/live")
    assert strict == 1


def test_json_masks_secrets_unless_revealed(capsys: pytest.CaptureFixture[str],
                                            demo_dataset: Dataset) -> None:
    status, out, err = run(capsys, "--demo", "diff", "--json", *FLEET)
    assert (status, err) == (1, "")
    document = json.loads(out)
    assert document["compare"] == "environments"
    assert document["a"]["application_slug"] == "tinyrobots-fleet"
    stripe = next(row for row in document["rows"] if row["name"] == "STRIPE_SECRET_KEY")
    assert (stripe["status"], stripe["sensitive"], stripe["a"]["value"]) == (
        "differs", True, "••••••")
    live = demo_dataset.environment("tinyrobots-fleet", "live")
    assert live is not None
    secret = next(v["value"] for v in demo_dataset.where("environment-variables", "environment",
                                                         live["uuid"])
                  if v["name"] == "STRIPE_SECRET_KEY")
    assert secret not in out
    _, revealed, _ = run(capsys, "--demo", "diff", "--json", "--reveal", *FLEET)
    assert secret in revealed


def test_deployments_against_the_one_before(capsys: pytest.CaptureFixture[str],
                                            demo_dataset: Dataset) -> None:
    live = demo_dataset.environment("tinyrobots-fleet", "live")
    assert live is not None
    newest, before = demo_dataset.where("deployments", "environment", live["uuid"])[:2]
    status, out, err = run(capsys, "--demo", "diff", "--deployments", newest["uuid"])
    assert (status, err) == (1, "")
    lines = out.splitlines()
    assert lines[0].startswith(f"A  deployment {before['uuid']}") and "success" in lines[0]
    assert lines[1].startswith(f"B  deployment {newest['uuid']}") and "failed" in lines[1]
    assert "  added      ROUTE_PLANNER_ENABLED: true" in lines
    assert "  removed    LEGACY_TELEMETRY_URL: http://telemetry-v1.tinyrobots.dev/ingest" in lines
    assert ("  changed    PIP_INDEX_URL: https://pypi.tinyrobots.dev/simple/ → "
            "https://pypi.tinyrobots.dev/simpel/") in lines
    status, out, _ = run(capsys, "--demo", "diff", "--deployments", "--json", before["uuid"],
                         newest["uuid"])
    document = json.loads(out)
    assert status == 1 and document["differences"] == 3
    assert document["b"]["success"] is False and document["a"]["deployment"] == before["uuid"]
    assert document["a"]["ended_at"].endswith("Z")
    same, _, _ = run(capsys, "--demo", "diff", "--deployments", newest["uuid"], newest["uuid"])
    assert same == 0


@pytest.mark.parametrize("argv", [
    ["diff", "nosuchapp/live", "tinyrobots-fleet/live"],
    ["diff", "tinyrobots-fleet/prod"],
    ["diff", "tinyrobots-fleet"],
    ["diff", "a/b", "c/d", "e/f"],
    ["diff", "--deployments", "aaaaaaaaaaaaaaaaaaaaaaaaaa"],
    ["diff"],
])
def test_bad_usage_or_nothing_found_is_trouble(capsys: pytest.CaptureFixture[str],
                                               argv: list[str]) -> None:
    status, out, err = run(capsys, "--demo", *argv)
    assert status == 2
    assert out == ""
    assert err.strip()


def test_an_api_error_is_trouble_with_the_reason(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "--demo", "--demo-faults", "503:1.0", "diff", *FLEET)
    assert (status, out) == (2, "")
    assert "503" in err


def test_a_refused_token_is_trouble_and_never_printed(
        capsys: pytest.CaptureFixture[str], guarded_api: tuple[FakeDivioAPI, str]) -> None:
    _, base_url = guarded_api
    wrong = "wrong000000000000000000000000000000009999"
    status, out, err = run(capsys, "--api-url", base_url, "--token", wrong, "diff", *FLEET)
    assert (status, out) == (2, "")
    assert "401" in err and wrong not in err


def test_every_token_source(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                            guarded_api: tuple[FakeDivioAPI, str], tmp_path: Path) -> None:
    _, base_url = guarded_api
    # --token
    status, out, _ = run(capsys, "--api-url", base_url, "--token", TOKEN, "diff", *FLEET)
    assert status == 1 and TOKEN not in out
    # DIVIO_TOKEN and DIVIO_API_URL
    monkeypatch.setenv("DIVIO_TOKEN", TOKEN)
    monkeypatch.setenv("DIVIO_API_URL", base_url)
    assert run(capsys, "diff", *FLEET)[0] == 1
    monkeypatch.delenv("DIVIO_TOKEN")
    # the config file (0600)
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'token = "{TOKEN}"\n')
    config.chmod(0o600)
    assert run(capsys, "diff", *FLEET)[0] == 1
