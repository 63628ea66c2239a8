"""The command line: version, config commands, settings errors, dispatch to the UI and fake-api."""

from __future__ import annotations

import os
import subprocess
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import divio_tui
from divio_tui import cli
from divio_tui.settings import Settings, load_settings

pytestmark = pytest.mark.usefixtures("restore_logging")

TOKEN = "c1i0000000000000000000000000000000001234"


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Config, log and cache dirs and HOME under tmp_path; no Divio variables from the caller."""
    for name in ("DIVIO_TOKEN", "DIVIO_API_URL", "DIVIO_ZONE", "NETRC_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DIVIO_TUI_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("DIVIO_TUI_LOG_DIR", str(tmp_path / "log"))
    monkeypatch.setenv("DIVIO_TUI_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


@pytest.fixture
def ui_calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Replace the Textual app with a recorder: each run_app call appends its arguments."""
    calls: list[dict[str, Any]] = []

    def run_app(settings: Settings, client_factory: Callable[..., Any] | None = None,
                start_at: str | None = None) -> int:
        calls.append({"settings": settings, "client_factory": client_factory,
                      "start_at": start_at})
        return 0

    monkeypatch.setattr(cli, "_load_run_app", lambda: run_app)
    return calls


def write_config(tmp_path: Path, text: str, mode: int) -> Path:
    path = tmp_path / "config" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(mode)
    return path


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"divio-tui {divio_tui.__version__}"


def test_python_dash_m_runs_the_same_entry_point(isolated_env: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "divio_tui", "--version"],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        check=False,
        timeout=60,
    )
    assert (result.returncode, result.stdout.strip()) == (0, f"divio-tui {divio_tui.__version__}")


def test_config_path_prints_the_config_file(
    isolated_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["config", "path"]) == 0
    assert capsys.readouterr().out.strip() == str(isolated_env / "config" / "config.toml")


@pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
def test_config_path_works_while_the_config_file_is_refused(
    isolated_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_config(isolated_env, f'token = "{TOKEN}"\n', 0o644)
    assert cli.main(["config", "path"]) == 0
    assert capsys.readouterr().out.strip() == str(path)


def test_config_show_masks_the_token_and_says_where_it_came_from(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DIVIO_TOKEN", TOKEN)
    assert cli.main(["--zone", "dev.aldryn.net", "config", "show"]) == 0
    out = capsys.readouterr().out
    assert TOKEN not in out
    assert "****1234 (from env DIVIO_TOKEN)" in out
    assert "https://api.dev.aldryn.net/apps/v3/" in out


@pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
def test_world_readable_config_token_exits_2_with_the_chmod_hint(
    isolated_env: Path, capsys: pytest.CaptureFixture[str], ui_calls: list[dict[str, Any]]
) -> None:
    path = write_config(isolated_env, f'token = "{TOKEN}"\n', 0o644)
    assert cli.main([]) == 2
    err = capsys.readouterr().err
    assert f"chmod 600 {path}" in err
    assert "Traceback" not in err
    assert TOKEN not in err
    assert ui_calls == []


def test_plain_http_api_url_exits_2_without_traceback(
    capsys: pytest.CaptureFixture[str], ui_calls: list[dict[str, Any]]
) -> None:
    assert cli.main(["--api-url", "http://example.com/apps/v3/", "--token", TOKEN]) == 2
    captured = capsys.readouterr()
    assert "in clear" in captured.err
    assert "Traceback" not in captured.err
    assert TOKEN not in captured.err + captured.out
    assert ui_calls == []


def test_a_token_with_spaces_is_refused_without_echoing_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["--token", f"{TOKEN} {TOKEN}", "config", "show"]) == 2
    err = capsys.readouterr().err
    assert "spaces" in err
    assert TOKEN not in err


def test_demo_with_a_token_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--demo", "--token", TOKEN]) == 2
    assert "--demo" in capsys.readouterr().err


def test_demo_knobs_need_demo(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--demo-latency-ms", "200"]) == 2
    assert "need --demo" in capsys.readouterr().err


def test_unknown_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--no-such-option"]) == 2
    assert "usage:" in capsys.readouterr().err


def test_explorer_gets_the_settings_and_a_client_factory(
    isolated_env: Path, monkeypatch: pytest.MonkeyPatch, ui_calls: list[dict[str, Any]]
) -> None:
    monkeypatch.setenv("DIVIO_TOKEN", TOKEN)
    assert cli.main(["--zone", "dev.aldryn.net"]) == 0
    (call,) = ui_calls
    settings: Settings = call["settings"]
    assert settings.api_url == "https://api.dev.aldryn.net/apps/v3/"
    assert (settings.token_value, settings.token_source) == (TOKEN, "env DIVIO_TOKEN")
    # One factory for every client the app needs: this token's, the sign-in screen's, the demo.
    assert call["client_factory"] is cli.build_client
    log = (isolated_env / "log" / "divio-tui.log").read_text()
    assert "token from env DIVIO_TOKEN" in log
    assert TOKEN not in log


def test_demo_passes_its_knobs_to_the_explorer(ui_calls: list[dict[str, Any]]) -> None:
    assert cli.main(["--demo", "--demo-latency-ms", "250", "--demo-faults", "timeout"]) == 0
    settings: Settings = ui_calls[0]["settings"]
    assert settings.demo and settings.token_source == "demo"
    assert (settings.demo_latency_ms, settings.demo_faults) == (250, "timeout")


def test_an_unexpected_error_exits_1_redacted_with_the_traceback_in_the_log(
    isolated_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def run_app(settings: Settings, client_factory: Callable[[Settings], Any],
                start_at: str | None = None) -> int:
        raise RuntimeError(f"boom with {TOKEN}")

    monkeypatch.setattr(cli, "_load_run_app", lambda: run_app)
    monkeypatch.setenv("DIVIO_TOKEN", TOKEN)
    assert cli.main([]) == 1
    err = capsys.readouterr().err
    assert "RuntimeError: boom with ****1234" in err
    assert "Traceback" not in err
    log = (isolated_env / "log" / "divio-tui.log").read_text()
    assert "Traceback" in log and TOKEN not in log


def test_fake_api_gets_the_remaining_arguments_untouched(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []

    def run_fake_api(argv: list[str]) -> int:
        seen.append(argv)
        return 0

    module = types.ModuleType("divio_tui.fake.cli")
    module.run_fake_api = run_fake_api  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "divio_tui.fake.cli", module)
    assert cli.main(["fake-api", "--port", "8765", "--token", "x", "--help"]) == 0
    assert seen == [["--port", "8765", "--token", "x", "--help"]]


async def test_demo_client_serves_the_embedded_api() -> None:
    settings = load_settings(demo=True)
    async with cli.build_client(settings, observer=None) as client:
        root = await client.root()
        page = await client.get_page("application")
    assert "applications" in root
    assert page.results


def test_a_bad_demo_fault_spec_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def run_app(settings: Settings, client_factory: Callable[[Settings], Any],
                start_at: str | None = None) -> int:
        client_factory(settings)
        return 0

    monkeypatch.setattr(cli, "_load_run_app", lambda: run_app)
    assert cli.main(["--demo", "--demo-faults", "nonsense"]) == 2
    err = capsys.readouterr().err
    assert "--demo-faults" in err and "Traceback" not in err
