"""Several accounts: `[profiles.NAME]` in the config file and `--profile NAME`."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

from divio_tui.cli import main
from divio_tui.settings import (
    DEMO_API_URL,
    SettingsError,
    config_path,
    load_settings,
    profile_names,
    save_token,
)

STAGING_TOKEN = "staging000000000000000000000000000000001"
PROD_TOKEN = "prod000000000000000000000000000000000002"
FILE_TOKEN = "file000000000000000000000000000000000003"
NETRC_TOKEN = "netrc00000000000000000000000000000000004"

@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    return {"HOME": str(home), "DIVIO_TUI_CONFIG_DIR": str(tmp_path / "config"),
            "DIVIO_TUI_LOG_DIR": str(tmp_path / "log"),
            "DIVIO_TUI_CACHE_DIR": str(tmp_path / "cache"),
            "NETRC_PATH": str(tmp_path / "netrc")}


def write_config(env: dict[str, str], text: str, mode: int = 0o600) -> Path:
    path = config_path(env)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(mode)
    return path


PROFILES = f"""
zone = "divio.com"

[profiles.staging]
zone = "dev.aldryn.net"
token_env = "DIVIO_STAGING_TOKEN"

[profiles.local]
api_url = "http://127.0.0.1:8765/apps/v3/"
netrc_machine = "127.0.0.1"

[profiles.stored]
zone = "example.org"
token = "{FILE_TOKEN}"

[profiles.play]
demo = true
"""


def test_a_profile_has_its_own_zone_and_token_source(env: dict[str, str]) -> None:
    write_config(env, PROFILES)
    # DIVIO_TOKEN belongs to the default account: it must not travel to another zone.
    env.update(DIVIO_TOKEN=PROD_TOKEN, DIVIO_ZONE="divio.com", DIVIO_STAGING_TOKEN=STAGING_TOKEN)
    settings = load_settings(profile="staging", env=env)
    assert settings.profile == "staging"
    assert settings.api_url == "https://api.dev.aldryn.net/apps/v3/"
    assert settings.zone == "dev.aldryn.net"
    assert settings.token_value == STAGING_TOKEN
    assert settings.token_source == "env DIVIO_STAGING_TOKEN"
    assert load_settings(env=env).token_value == PROD_TOKEN  # the default account is untouched


def test_a_profile_reads_any_netrc_machine_or_its_stored_token(env: dict[str, str]) -> None:
    path = write_config(env, PROFILES)
    Path(env["NETRC_PATH"]).write_text(
        f"machine 127.0.0.1\n\tlogin me@example.com\n\tpassword {NETRC_TOKEN}\n")
    local = load_settings(profile="local", env=env)
    assert local.api_url == "http://127.0.0.1:8765/apps/v3/"
    assert local.token_value == NETRC_TOKEN
    assert local.token_source == f"netrc {env['NETRC_PATH']} (machine 127.0.0.1)"
    stored = load_settings(profile="stored", env=env)
    assert stored.token_value == FILE_TOKEN and "(profile stored)" in (stored.token_source or "")
    path.chmod(0o644)
    with pytest.raises(SettingsError, match="chmod 600"):
        load_settings(profile="stored", env=env)


def test_a_profile_without_a_token_yet_gets_the_sign_in_screen(env: dict[str, str]) -> None:
    write_config(env, PROFILES)
    settings = load_settings(profile="staging", env=env)  # DIVIO_STAGING_TOKEN not set
    assert settings.token is None and settings.token_source is None


def test_a_demo_profile_and_flags_that_still_win(env: dict[str, str]) -> None:
    write_config(env, PROFILES)
    play = load_settings(profile="play", env=env)
    assert play.demo and play.api_url == DEMO_API_URL and play.profile == "play"
    env["DIVIO_STAGING_TOKEN"] = STAGING_TOKEN
    flagged = load_settings(profile="staging", token=PROD_TOKEN, env=env)
    assert flagged.token_value == PROD_TOKEN and flagged.token_source == "flag"
    with pytest.raises(SettingsError, match="cannot be combined"):
        load_settings(profile="play", demo=True, env=env)


def test_an_unknown_profile_names_the_ones_there_are(env: dict[str, str]) -> None:
    write_config(env, PROFILES)
    with pytest.raises(SettingsError) as error:
        load_settings(profile="prod", env=env)
    assert "No profile 'prod'" in str(error.value)
    assert "local, play, staging, stored" in str(error.value)
    assert profile_names(env) == ["local", "play", "staging", "stored"]


@pytest.mark.parametrize("bad", ['[profiles."a b"]\nzone = "x.org"', '[profiles.x]\nzone = 3',
                                 '[profiles.x]\ncolour = "red"'])
def test_a_broken_profile_table_is_a_settings_error(env: dict[str, str], bad: str) -> None:
    write_config(env, bad)
    with pytest.raises(SettingsError):
        load_settings(env=env)


def test_remembering_a_token_for_a_profile_writes_its_table(env: dict[str, str]) -> None:
    path = write_config(env, PROFILES)
    save_token(STAGING_TOKEN, path, profile="staging")
    data = tomllib.loads(path.read_text())
    assert data["profiles"]["staging"]["token"] == STAGING_TOKEN
    assert "token" not in data  # the default account's token is not touched
    assert data["profiles"]["play"] == {"demo": True}
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_config_show_names_the_profile(env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    write_config(env, PROFILES)
    for key, value in {**env, "DIVIO_STAGING_TOKEN": STAGING_TOKEN}.items():
        monkeypatch.setenv(key, value)
    for key in ("DIVIO_TOKEN", "DIVIO_API_URL", "DIVIO_ZONE"):
        monkeypatch.delenv(key, raising=False)
    assert main(["--profile", "staging", "config", "show"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["profile", "staging"]
    assert "https://api.dev.aldryn.net/apps/v3/" in out and STAGING_TOKEN not in out
    assert main(["--profile", "nope", "config", "show"]) == 2
    assert "No profile 'nope'" in capsys.readouterr().err
    assert os.environ["DIVIO_STAGING_TOKEN"] == STAGING_TOKEN
