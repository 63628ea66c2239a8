"""Settings: token sources and their order, the 0600 rule, netrc, API URL and zone, config file."""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from divio_tui.config_file import read_config, render_config, update_config
from divio_tui.settings import (
    DEMO_API_URL,
    Settings,
    SettingsError,
    config_path,
    load_settings,
    save_token,
)

FLAG_TOKEN = "flag0000000000000000000000000000000000001"
ENV_TOKEN = "env00000000000000000000000000000000000002"
CONFIG_TOKEN = "cfg00000000000000000000000000000000000003"
NETRC_TOKEN = "netrc000000000000000000000000000000000004"

skip_on_windows = pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A fake environment whose config, log, cache dirs and home all live under tmp_path."""
    home = tmp_path / "home"
    home.mkdir()
    return {
        "HOME": str(home),
        "DIVIO_TUI_CONFIG_DIR": str(tmp_path / "config"),
        "DIVIO_TUI_LOG_DIR": str(tmp_path / "log"),
        "DIVIO_TUI_CACHE_DIR": str(tmp_path / "cache"),
    }


def write_config_file(env: dict[str, str], text: str, mode: int = 0o600) -> Path:
    path = config_path(env)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(mode)
    return path


def divio_login_netrc(path: Path, token: str, zone: str = "divio.com") -> Path:
    """The netrc exactly as `divio login` writes it (divio-api.md §3.2): tabs, os.linesep."""
    lines = []
    for host in (f"control.{zone}", f"api.{zone}"):
        lines += [f"machine {host}", "\tlogin user@example.com", f"\tpassword {token}"]
    path.write_text(os.linesep.join(lines) + os.linesep)
    path.chmod(0o600)
    return path


def give_zone(env: dict[str, str], how: str, zone: str) -> str | None:
    """Set ``zone`` through ``how`` (flag, env or config); returns the flag value to pass."""
    if how == "env":
        env["DIVIO_ZONE"] = zone
    elif how == "config":
        write_config_file(env, f'zone = "{zone}"\n')
    return zone if how == "flag" else None


# --- token sources and precedence ------------------------------------------------------------


def test_no_token_anywhere_gives_no_token_and_no_source(env: dict[str, str]) -> None:
    settings = load_settings(env=env)
    assert settings.token is None
    assert settings.token_source is None
    assert settings.token_hint is None


@pytest.mark.parametrize(
    ("layers", "expected_token", "expected_source"),
    [
        ({"flag", "env", "config", "netrc"}, FLAG_TOKEN, "flag"),
        ({"env", "config", "netrc"}, ENV_TOKEN, "env DIVIO_TOKEN"),
        ({"config", "netrc"}, CONFIG_TOKEN, "config file {config}"),
        ({"netrc"}, NETRC_TOKEN, "netrc {netrc} (machine control.divio.com)"),
    ],
)
def test_token_sources_first_found_wins(
    env: dict[str, str], layers: set[str], expected_token: str, expected_source: str
) -> None:
    netrc = Path(env["HOME"]) / ".netrc"
    if "netrc" in layers:
        divio_login_netrc(netrc, NETRC_TOKEN)
    config = config_path(env)
    if "config" in layers:
        write_config_file(env, f'token = "{CONFIG_TOKEN}"\n')
    if "env" in layers:
        env["DIVIO_TOKEN"] = ENV_TOKEN

    settings = load_settings(token=FLAG_TOKEN if "flag" in layers else None, env=env)

    assert settings.token is not None
    assert settings.token.get_secret_value() == expected_token
    assert settings.token_source == expected_source.format(config=config, netrc=netrc)


def test_blank_env_token_counts_as_unset(env: dict[str, str]) -> None:
    write_config_file(env, f'token = "{CONFIG_TOKEN}"\n')
    env["DIVIO_TOKEN"] = "  "
    assert load_settings(env=env).token_value == CONFIG_TOKEN


def test_token_is_stripped_of_surrounding_whitespace(env: dict[str, str]) -> None:
    env["DIVIO_TOKEN"] = f"{ENV_TOKEN}\n"
    assert load_settings(env=env).token_value == ENV_TOKEN


@pytest.mark.parametrize("token", ["abc def", "abc\x1bdef", "\u201cabcdef\u201d"])
def test_token_that_cannot_be_a_header_value_is_refused(env: dict[str, str], token: str) -> None:
    env["DIVIO_TOKEN"] = token
    with pytest.raises(SettingsError, match="DIVIO_TOKEN contains spaces, control or non-ASCII"):
        load_settings(env=env)


def test_token_never_appears_in_repr_str_or_json(env: dict[str, str]) -> None:
    settings = load_settings(token=FLAG_TOKEN, env=env)
    for text in (repr(settings), str(settings), settings.model_dump_json()):
        assert FLAG_TOKEN not in text
    assert settings.token_hint == "****0001"


# --- the 0600 rule ---------------------------------------------------------------------------


@skip_on_windows
@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_config_token_readable_by_others_is_refused_with_chmod_hint(
    env: dict[str, str], mode: int
) -> None:
    path = write_config_file(env, f'token = "{CONFIG_TOKEN}"\n', mode)
    with pytest.raises(SettingsError) as caught:
        load_settings(env=env)
    message = str(caught.value)
    assert f"chmod 600 {path}" in message
    assert CONFIG_TOKEN not in message


@skip_on_windows
@pytest.mark.parametrize("mode", [0o600, 0o400])
def test_private_config_token_is_accepted(env: dict[str, str], mode: int) -> None:
    write_config_file(env, f'token = "{CONFIG_TOKEN}"\n', mode)
    assert load_settings(env=env).token_value == CONFIG_TOKEN


@skip_on_windows
def test_readable_config_without_token_is_fine(env: dict[str, str]) -> None:
    write_config_file(env, 'theme = "nord"\n', 0o644)
    assert load_settings(env=env).theme == "nord"


@skip_on_windows
def test_readable_config_token_is_not_read_when_a_higher_source_wins(env: dict[str, str]) -> None:
    write_config_file(env, f'token = "{CONFIG_TOKEN}"\n', 0o644)
    env["DIVIO_TOKEN"] = ENV_TOKEN
    assert load_settings(env=env).token_value == ENV_TOKEN


@skip_on_windows
def test_save_token_creates_a_0600_file(env: dict[str, str]) -> None:
    path = config_path(env)
    assert save_token(CONFIG_TOKEN, path) == path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_settings(env=env).token_value == CONFIG_TOKEN
    assert [p.name for p in path.parent.iterdir()] == ["config.toml"]  # no temp file left


@skip_on_windows
def test_save_token_keeps_other_settings_and_makes_an_open_file_private(
    env: dict[str, str],
) -> None:
    path = write_config_file(
        env, 'theme = "nord"\nconcurrency = 3\n[keys]\n"reload" = "ctrl+r"\n', 0o644
    )
    save_token(SecretStr(CONFIG_TOKEN), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    settings = load_settings(env=env)
    assert (settings.theme, settings.concurrency, settings.keys) == (
        "nord",
        3,
        {"reload": "ctrl+r"},
    )
    assert settings.token_value == CONFIG_TOKEN


def test_save_token_none_removes_the_token(env: dict[str, str]) -> None:
    path = config_path(env)
    save_token(CONFIG_TOKEN, path)
    update_config(path, theme="nord")
    save_token(None, path)
    assert read_config(path).token is None
    assert read_config(path).theme == "nord"


def test_save_token_refuses_a_token_with_spaces(env: dict[str, str]) -> None:
    with pytest.raises(SettingsError):
        save_token("two words", config_path(env))


# --- netrc (what `divio login` writes) --------------------------------------------------------


def test_netrc_in_divio_login_format_is_read_from_home(env: dict[str, str]) -> None:
    path = divio_login_netrc(Path(env["HOME"]) / ".netrc", NETRC_TOKEN)
    settings = load_settings(env=env)
    assert settings.token_value == NETRC_TOKEN
    assert settings.token_source == f"netrc {path} (machine control.divio.com)"


def test_netrc_path_env_is_honoured(env: dict[str, str], tmp_path: Path) -> None:
    divio_login_netrc(Path(env["HOME"]) / ".netrc", "home" + NETRC_TOKEN)
    path = divio_login_netrc(tmp_path / "elsewhere.netrc", NETRC_TOKEN)
    env["NETRC_PATH"] = str(path)
    settings = load_settings(env=env)
    assert settings.token_value == NETRC_TOKEN
    assert str(path) in (settings.token_source or "")


@pytest.mark.parametrize("how", ["flag", "env", "config"])
def test_netrc_machine_follows_the_zone(env: dict[str, str], how: str) -> None:
    netrc = Path(env["HOME"]) / ".netrc"
    netrc.write_text(
        "machine control.divio.com\n\tlogin a@example.com\n\tpassword public-zone-token-000000\n"
        f"machine control.dev.aldryn.net\n\tlogin a@example.com\n\tpassword {NETRC_TOKEN}\n"
    )
    zone = give_zone(env, how, "dev.aldryn.net")
    settings = load_settings(zone=zone, env=env)
    assert settings.token_value == NETRC_TOKEN
    assert settings.token_source == f"netrc {netrc} (machine control.dev.aldryn.net)"
    assert settings.api_url == "https://api.dev.aldryn.net/apps/v3/"


def test_netrc_without_the_control_machine_gives_no_token(env: dict[str, str]) -> None:
    (Path(env["HOME"]) / ".netrc").write_text(
        "machine github.com login me password other-secret-0000\n"
        f"default login x password {NETRC_TOKEN}\n"
    )
    assert load_settings(env=env).token is None  # the `default` entry is for some other host


def test_missing_netrc_gives_no_token(env: dict[str, str], tmp_path: Path) -> None:
    env["NETRC_PATH"] = str(tmp_path / "does-not-exist")
    assert load_settings(env=env).token is None


def test_malformed_netrc_is_a_clear_error(env: dict[str, str]) -> None:
    path = Path(env["HOME"]) / ".netrc"
    path.write_text("machine control.divio.com\n\tlogin a@example.com\ngarbage here\n")
    with pytest.raises(SettingsError) as caught:
        load_settings(env=env)
    assert str(path) in str(caught.value)
    assert "line 3" in str(caught.value)


def test_malformed_netrc_does_not_matter_when_a_higher_source_wins(env: dict[str, str]) -> None:
    (Path(env["HOME"]) / ".netrc").write_text("garbage\n")
    env["DIVIO_TOKEN"] = ENV_TOKEN
    assert load_settings(env=env).token_value == ENV_TOKEN


def test_netrc_token_is_not_sent_to_another_host(env: dict[str, str]) -> None:
    divio_login_netrc(Path(env["HOME"]) / ".netrc", NETRC_TOKEN)
    settings = load_settings(api_url="http://127.0.0.1:8765/apps/v3/", env=env)
    assert settings.token is None


def test_netrc_is_used_for_an_explicit_url_on_the_zone_api_host(env: dict[str, str]) -> None:
    divio_login_netrc(Path(env["HOME"]) / ".netrc", NETRC_TOKEN, zone="dev.aldryn.net")
    settings = load_settings(api_url="https://api.dev.aldryn.net/apps/v3", env=env)
    assert settings.zone == "dev.aldryn.net"
    assert settings.token_value == NETRC_TOKEN


# --- API URL and zone ------------------------------------------------------------------------


def test_default_api_url_is_divio_com(env: dict[str, str]) -> None:
    settings = load_settings(env=env)
    assert (settings.api_url, settings.zone) == ("https://api.divio.com/apps/v3/", "divio.com")


@pytest.mark.parametrize("how", ["flag", "env", "config"])
def test_api_url_is_built_from_the_zone(env: dict[str, str], how: str) -> None:
    zone = give_zone(env, how, "dev.aldryn.net")
    assert load_settings(zone=zone, env=env).api_url == "https://api.dev.aldryn.net/apps/v3/"


def test_zone_flag_beats_env_beats_config(env: dict[str, str]) -> None:
    write_config_file(env, 'zone = "config.example"\n')
    assert load_settings(env=env).zone == "config.example"
    env["DIVIO_ZONE"] = "env.example"
    assert load_settings(env=env).zone == "env.example"
    assert load_settings(zone="flag.example", env=env).zone == "flag.example"


def test_api_url_flag_beats_env_beats_config_and_gains_a_trailing_slash(
    env: dict[str, str],
) -> None:
    write_config_file(env, 'api_url = "https://config.example/apps/v3"\n')
    assert load_settings(env=env).api_url == "https://config.example/apps/v3/"
    env["DIVIO_API_URL"] = "https://env.example/apps/v3"
    assert load_settings(env=env).api_url == "https://env.example/apps/v3/"
    assert (
        load_settings(api_url="https://flag.example/x", env=env).api_url
        == "https://flag.example/x/"
    )


def test_zone_that_is_a_url_is_refused(env: dict[str, str]) -> None:
    with pytest.raises(SettingsError, match="--api-url"):
        load_settings(zone="https://example.com", env=env)


@pytest.mark.parametrize(
    "url", ["http://api.divio.com/apps/v3/", "http://10.0.0.5:8000/apps/v3/", "HTTP://Example.COM/"]
)
def test_plain_http_to_a_remote_host_is_refused(env: dict[str, str], url: str) -> None:
    with pytest.raises(SettingsError, match="cross the network in clear"):
        load_settings(api_url=url, token=FLAG_TOKEN, env=env)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8765/apps/v3/",
        "http://127.4.5.6/apps/v3/",
        "http://[::1]:8765/apps/v3/",
        "http://localhost:8765/apps/v3",
    ],
)
def test_plain_http_to_loopback_is_allowed(env: dict[str, str], url: str) -> None:
    settings = load_settings(api_url=url, token=FLAG_TOKEN, env=env)
    assert settings.api_url.endswith("/apps/v3/")
    assert settings.token_value == FLAG_TOKEN


@pytest.mark.parametrize(
    "url", ["ftp://api.divio.com/", "api.divio.com/apps/v3/", "https://user:pw@api.divio.com/"]
)
def test_unusable_api_urls_are_refused(env: dict[str, str], url: str) -> None:
    with pytest.raises(SettingsError):
        load_settings(api_url=url, env=env)


def test_settings_built_directly_also_refuse_plain_http() -> None:
    with pytest.raises(SettingsError, match="in clear"):
        Settings(api_url="http://example.com/apps/v3/")


# --- the config file -------------------------------------------------------------------------


def test_config_values_apply(env: dict[str, str]) -> None:
    write_config_file(
        env,
        'concurrency = 3\npage_size = 50\ntheme = "nord"\n'
        '[keys]\nreload = "ctrl+r,f5"\n"copy-uuid" = "C"\n',
    )
    settings = load_settings(env=env)
    assert (settings.concurrency, settings.page_size, settings.theme) == (3, 50, "nord")
    assert settings.keys == {"reload": "ctrl+r,f5", "copy-uuid": "C"}


def test_the_client_limits_come_from_the_config_file(env: dict[str, str]) -> None:
    write_config_file(env, "request_deadline = 12.5\nmax_body_mb = 8\nmax_pages = 300\n")
    settings = load_settings(env=env)
    assert settings.client_options() == {
        "concurrency": 6, "page_size": 100, "deadline": 12.5, "max_body_bytes": 8_000_000,
        "max_pages": 300}
    assert load_settings(env={**env, "DIVIO_TUI_CONFIG_DIR": "/nonexistent"}).client_options()[
        "deadline"] == 30.0


def test_defaults_without_a_config_file(env: dict[str, str], tmp_path: Path) -> None:
    settings = load_settings(env=env)
    assert (settings.concurrency, settings.page_size, settings.theme) == (6, 100, "textual-dark")
    assert settings.keys == {}
    assert settings.config_file == tmp_path / "config" / "config.toml"
    assert (settings.log_dir, settings.cache_dir) == (tmp_path / "log", tmp_path / "cache")
    assert not (tmp_path / "config").exists()  # loading never creates anything


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("concurrency = 0\n", "concurrency"),
        ('page_size = "many"\n', "page_size"),
        ("request_deadline = 0\n", "request_deadline"),
        ("max_body_mb = 5000\n", "max_body_mb"),
        ("max_pages = 0\n", "max_pages"),
        ("concurency = 3\n", "concurency"),
        ("theme = \n", "not valid TOML"),
    ],
)
def test_a_bad_config_file_is_a_clear_error(env: dict[str, str], text: str, fragment: str) -> None:
    path = write_config_file(env, text)
    with pytest.raises(SettingsError) as caught:
        load_settings(env=env)
    assert str(path) in str(caught.value)
    assert fragment in str(caught.value)


def test_rendered_config_round_trips_through_tomllib() -> None:
    data = {
        "token": 'quote" backslash\\ tab\t del\x7f é',
        "concurrency": 4,
        "keys": {"tree.reload": "r,f5", "with space": "x"},
    }
    assert tomllib.loads(render_config(data)) == data


# --- demo ------------------------------------------------------------------------------------


@skip_on_windows
def test_demo_uses_the_demo_api_and_reads_no_stored_token(env: dict[str, str]) -> None:
    write_config_file(env, f'token = "{CONFIG_TOKEN}"\ntheme = "nord"\n', 0o644)
    env["DIVIO_TOKEN"] = ENV_TOKEN
    settings = load_settings(demo=True, demo_latency_ms=50, demo_faults="x", env=env)
    assert settings.demo
    assert settings.api_url == DEMO_API_URL
    assert settings.token_source == "demo"
    assert settings.token_value not in (ENV_TOKEN, CONFIG_TOKEN)
    assert (settings.demo_latency_ms, settings.demo_faults, settings.theme) == (50, "x", "nord")


def test_demo_refuses_api_url_and_token(env: dict[str, str]) -> None:
    with pytest.raises(SettingsError, match="--api-url, --token"):
        load_settings(demo=True, api_url="https://x.example/", token=FLAG_TOKEN, env=env)


# --- the Settings object ---------------------------------------------------------------------


def test_with_token_returns_a_new_validated_copy(env: dict[str, str]) -> None:
    settings = load_settings(env=env)
    logged_in = settings.with_token(f" {FLAG_TOKEN} ", "login screen")
    assert (logged_in.token_value, logged_in.token_source) == (FLAG_TOKEN, "login screen")
    assert settings.token is None
    assert logged_in.paths == settings.paths
    with pytest.raises(SettingsError):
        settings.with_token("   ", "login screen")


def test_as_demo_is_the_demo_with_the_same_limits_and_paths(env: dict[str, str]) -> None:
    write_config_file(env, 'theme = "nord"\nconcurrency = 3\n', 0o600)
    env["DIVIO_TOKEN"] = ENV_TOKEN
    settings = load_settings(env=env)
    demo = settings.as_demo()
    expected = load_settings(demo=True, env=env)
    assert demo == expected
    assert (demo.theme, demo.concurrency, demo.paths) == ("nord", 3, settings.paths)


def test_settings_are_frozen() -> None:
    settings = Settings()
    with pytest.raises(ValidationError):
        settings.concurrency = 10


# --- [backups] ---------------------------------------------------------------------------------


def test_the_backup_age_threshold_comes_from_the_config_file(env: dict[str, str]) -> None:
    assert load_settings(env=env).backup_max_age_hours == 26
    write_config_file(env, '[backups]\nmax_age_hours = 50\n')
    assert load_settings(env=env).backup_max_age_hours == 50
    write_config_file(env, '[backups]\nmax_age_hours = 1.5\n')
    assert load_settings(env=env).backup_max_age_hours == 1.5


@pytest.mark.parametrize("body", ['[backups]\nmax_age_hours = 0\n',
                                  '[backups]\nmax_age_hours = "26"\n',
                                  '[backups]\nmax_age = 26\n'])
def test_a_bad_backup_age_threshold_is_a_settings_error(env: dict[str, str], body: str) -> None:
    write_config_file(env, body)
    with pytest.raises(SettingsError, match="backups"):
        load_settings(env=env)


def test_writing_the_config_keeps_the_backups_table(env: dict[str, str]) -> None:
    path = write_config_file(env, '[backups]\nmax_age_hours = 30\n', 0o600)
    update_config(path, theme="nord")
    settings = load_settings(env=env)
    assert (settings.theme, settings.backup_max_age_hours) == ("nord", 30)


@pytest.mark.parametrize("seconds", [1, 4])
def test_an_auto_refresh_faster_than_every_five_seconds_is_refused(
        env: dict[str, str], seconds: int) -> None:
    write_config_file(env, f"auto_refresh_seconds = {seconds}\n")
    with pytest.raises(SettingsError, match="at least 5 seconds"):
        load_settings(env=env)


@pytest.mark.parametrize(("seconds", "period"), [(0, 0), (5, 5), (3_600, 3_600)])
def test_an_auto_refresh_off_or_from_five_seconds_is_taken(
        env: dict[str, str], seconds: int, period: int) -> None:
    write_config_file(env, f"auto_refresh_seconds = {seconds}\n")
    assert load_settings(env=env).auto_refresh_seconds == period
