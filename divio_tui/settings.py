"""Settings: where the API is, which token to send and where it came from, limits and looks.

One factory, :func:`load_settings`, builds a frozen :class:`Settings` from command-line overrides,
an environment mapping and the configuration file; tests drive it with a fake environment and
temporary directories. Every problem a user can fix (a bad URL, a world-readable config file
holding the token, a malformed netrc) is raised as :class:`SettingsError` with a one-line message
that says what to do; the CLI prints it and exits with status 2.

Token sources, first found wins:

1. ``--token`` (``token=`` override);
2. the ``DIVIO_TOKEN`` environment variable;
3. ``token`` in the configuration file ``config.toml`` (refused unless the file is private, 0600;
   the file itself is read and written by :mod:`divio_tui.config_file`);
4. the netrc entry ``divio login`` writes: ``machine control.<zone>``, password = token
   (``$NETRC_PATH``, else ``~/.netrc``).

The token is a :class:`pydantic.SecretStr`: ``repr``/``str`` of the settings never show it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import platformdirs
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
)

from divio_tui.config_file import (
    AUTO_REFRESH_RANGE,
    LOG_LINE_CAP_RANGE,
    MAX_BACKUP_AGE_HOURS,
    MAX_BODY_MB,
    MAX_CONCURRENCY,
    MAX_DEADLINE,
    MAX_PAGE_SIZE,
    MAX_PAGES_LIMIT,
    MAX_REQUEST_LOG_SIZE,
    PROFILE_NAME,
    ConfigFile,
    ProfileConfig,
    check_auto_refresh,
    check_private,
    describe_validation_error,
    read_config,
    update_config,
    update_profile,
)
from divio_tui.config_file import (
    SettingsError as SettingsError,  # re-exported: part of our API
)
from divio_tui.redaction import mask_token
from divio_tui.token_sources import (
    clean_token,
    netrc_path,
    read_netrc_machine,
    read_netrc_token,
)
from divio_tui.zones import api_url_for_zone, check_zone, normalise_api_url

APP_NAME = "divio-tui"
"""Application name used for the platformdirs config, log and cache directories."""

CONFIG_FILE_NAME = "config.toml"
"""Name of the configuration file inside the config directory."""

DEFAULT_ZONE = "divio.com"
"""Divio's public zone; the API is ``https://api.<zone>/apps/v3/``, as divio-cli builds it."""

DEFAULT_THEME = "textual-dark"

DEFAULT_REQUEST_LOG_SIZE = 500
"""Requests the request log keeps when the config file says nothing (`request_log_size`)."""
DEFAULT_BACKUP_MAX_AGE_HOURS = 26.0
"""A latest good backup older than this is `stale` (a daily backup and two hours' slack)."""
"""Textual theme used when the config file names none."""

DEMO_ZONE = "demo.invalid"
"""Zone of the embedded demo API. ``.invalid`` never resolves (RFC 2606), so a demo request that
somehow escaped the in-process transport could not reach any real host."""

DEMO_API_URL = f"https://api.{DEMO_ZONE}/apps/v3/"
"""Base URL the demo client uses with the fake's in-process transport."""

DEMO_TOKEN = "divio-tui-demo"
"""Token sent to the demo API (the fake accepts any token). Not a secret, but it is redacted
like one, so it is a string that appears nowhere else (not plain "demo")."""

ENV_CONFIG_DIR = "DIVIO_TUI_CONFIG_DIR"
"""Overrides the config directory (tests, power users)."""

ENV_LOG_DIR = "DIVIO_TUI_LOG_DIR"
"""Overrides the log directory (tests, power users)."""

ENV_CACHE_DIR = "DIVIO_TUI_CACHE_DIR"
"""Overrides the cache directory (tests, power users)."""


@dataclass(frozen=True)
class AppPaths:
    """The per-user directories of the app (nothing is created by computing them)."""

    config_dir: Path
    log_dir: Path
    cache_dir: Path

    @property
    def config_file(self) -> Path:
        """The configuration file, ``<config_dir>/config.toml``."""
        return self.config_dir / CONFIG_FILE_NAME


def app_paths(env: Mapping[str, str] | None = None) -> AppPaths:
    """Return the app's directories: platformdirs user dirs for ``divio-tui``.

    ``DIVIO_TUI_CONFIG_DIR``, ``DIVIO_TUI_LOG_DIR`` and ``DIVIO_TUI_CACHE_DIR`` in ``env``
    (default ``os.environ``) override each one; tests use them to stay out of the real home.
    """
    env = os.environ if env is None else env

    def pick(var: str, default: str) -> Path:
        value = env.get(var, "").strip()
        return Path(value).expanduser() if value else Path(default)

    return AppPaths(
        config_dir=pick(ENV_CONFIG_DIR, platformdirs.user_config_dir(APP_NAME, appauthor=False)),
        log_dir=pick(ENV_LOG_DIR, platformdirs.user_log_dir(APP_NAME, appauthor=False)),
        cache_dir=pick(ENV_CACHE_DIR, platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
    )


def config_path(env: Mapping[str, str] | None = None) -> Path:
    """The configuration file path (``$DIVIO_TUI_CONFIG_DIR/config.toml`` if that is set)."""
    return app_paths(env).config_file


# --- Settings --------------------------------------------------------------------------------


def _default_paths() -> AppPaths:
    return app_paths()


class Settings(BaseModel):
    """Everything the explorer needs to know before it starts. Frozen; build it with
    :func:`load_settings` (or directly in tests: every field has a safe default).

    ``token_source`` is the human text of where the token came from, for the header:
    ``"flag"``, ``"env DIVIO_TOKEN"``, ``"config file <path>"``,
    ``"netrc <path> (machine control.<zone>)"``, ``"demo"``, or ``None`` (no token).
    ``request_deadline`` (seconds one request may take in all), ``max_body_mb`` (the largest
    answer read, decoded) and ``max_pages`` (pages one list may take) are the client's limits
    against a server that misbehaves (README, SECURITY).
    ``keys`` maps Textual ``Binding`` ids to key strings (``"ctrl+r,f5"``), ready for
    ``App.set_keymap``. ``api_url`` always ends in ``/`` and is never plain http to a
    non-loopback host.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    api_url: str = api_url_for_zone(DEFAULT_ZONE)
    zone: str = DEFAULT_ZONE
    token: SecretStr | None = None
    token_source: str | None = None
    demo: bool = False
    demo_latency_ms: int = Field(default=0, ge=0)
    demo_faults: str | None = None
    concurrency: int = Field(default=6, ge=1, le=MAX_CONCURRENCY)
    page_size: int = Field(default=100, ge=1, le=MAX_PAGE_SIZE)
    request_deadline: float = Field(default=30.0, gt=0, le=MAX_DEADLINE)
    max_body_mb: float = Field(default=32.0, gt=0, le=MAX_BODY_MB)
    max_pages: int = Field(default=2_000, ge=1, le=MAX_PAGES_LIMIT)
    theme: str = DEFAULT_THEME
    log_line_cap: int = Field(default=100_000, ge=LOG_LINE_CAP_RANGE[0], le=LOG_LINE_CAP_RANGE[1])
    """Lines a log viewer keeps; past it the oldest are dropped (with a note)."""
    auto_refresh_seconds: int = Field(default=0, ge=AUTO_REFRESH_RANGE[0], le=AUTO_REFRESH_RANGE[1])
    """The visible tree refreshes itself this often (0: off; the `A` key turns it on)."""
    keys: dict[str, str] = Field(default_factory=dict)
    paths: AppPaths = Field(default_factory=_default_paths)
    request_log_size: int = Field(default=DEFAULT_REQUEST_LOG_SIZE, ge=1,
                                  le=MAX_REQUEST_LOG_SIZE)
    profile: str | None = None
    """The ``[profiles.NAME]`` these settings came from (None: the top-level settings)."""
    backup_max_age_hours: float = Field(default=DEFAULT_BACKUP_MAX_AGE_HOURS, gt=0,
                                        le=MAX_BACKUP_AGE_HOURS)
    """``[backups] max_age_hours``: the backup health's threshold for `stale`."""

    @field_validator("api_url")
    @classmethod
    def _check_api_url(cls, value: str) -> str:
        return normalise_api_url(value)

    @field_validator("zone")
    @classmethod
    def _check_zone(cls, value: str) -> str:
        return check_zone(value)

    @field_validator("auto_refresh_seconds")
    @classmethod
    def _check_auto_refresh(cls, value: int) -> int:
        return check_auto_refresh(value) or 0

    @property
    def config_dir(self) -> Path:
        """The user config directory."""
        return self.paths.config_dir

    @property
    def config_file(self) -> Path:
        """The configuration file (``config.toml``); it may not exist."""
        return self.paths.config_file

    @property
    def log_dir(self) -> Path:
        """The user log directory (``divio-tui.log`` lives there)."""
        return self.paths.log_dir

    @property
    def cache_dir(self) -> Path:
        """The user cache directory."""
        return self.paths.cache_dir

    def client_options(self) -> dict[str, Any]:
        """The `DivioClient` keyword arguments these settings choose (its limits)."""
        return {"concurrency": self.concurrency, "page_size": self.page_size,
                "deadline": self.request_deadline,
                "max_body_bytes": int(self.max_body_mb * 1_000_000),
                "max_pages": self.max_pages}

    @property
    def token_value(self) -> str | None:
        """The token in clear, for the ``Authorization`` header only."""
        return self.token.get_secret_value() if self.token is not None else None

    @property
    def token_hint(self) -> str | None:
        """The token masked for display (``****abcd``), or None without a token."""
        if self.token is None:
            return None
        return mask_token(self.token.get_secret_value())

    def with_token(self, token: str | SecretStr, source: str) -> Settings:
        """A copy holding ``token`` from ``source`` (e.g. after the login screen), validated."""
        value = clean_token(
            token.get_secret_value() if isinstance(token, SecretStr) else token, source
        )
        if value is None:
            raise SettingsError(f"The token from {source} is empty.")
        # Not dict(self): the `keys` field would make dict() treat the model as a mapping.
        fields = {name: getattr(self, name) for name in type(self).model_fields}
        return _build(**{**fields, "token": SecretStr(value), "token_source": source})

    def as_demo(self) -> Settings:
        """A copy for the embedded demo API (the sign-in screen's "Use the demo"), keeping the
        limits, theme, keys and paths; like :func:`load_settings` with ``demo=True``."""
        fields = {name: getattr(self, name) for name in type(self).model_fields}
        return _build(**{
            **fields, "api_url": DEMO_API_URL, "zone": DEMO_ZONE, "token": SecretStr(DEMO_TOKEN),
            "token_source": "demo", "demo": True, "profile": None,
        })


def save_token(token: str | SecretStr | None, path: Path | None = None, *,
               profile: str | None = None) -> Path:
    """Store ``token`` in the config file (default :func:`config_path`), keeping other settings:
    at the top level, or in ``[profiles.<profile>]`` when a profile is given.

    ``None`` removes the stored token. The file is written atomically with mode 0600.
    Returns the path written.
    """
    path = config_path() if path is None else path
    value = token.get_secret_value() if isinstance(token, SecretStr) else token
    cleaned = clean_token(value, "the token to save") if value is not None else None
    if profile is not None:
        update_profile(path, profile, token=cleaned)
    else:
        update_config(path, token=cleaned)
    return path


def profile_names(env: Mapping[str, str] | None = None) -> list[str]:
    """The profiles the config file defines, sorted (raises :class:`SettingsError` if the file
    is broken)."""
    return sorted(read_config(app_paths(env).config_file).profiles)


def _first_set(*values: str | None) -> str | None:
    """The first value that is a non-blank string, stripped."""
    for value in values:
        if value is not None and value.strip():
            return value.strip()
    return None


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def load_settings(
    *,
    api_url: str | None = None,
    token: str | None = None,
    zone: str | None = None,
    demo: bool = False,
    demo_latency_ms: int = 0,
    demo_faults: str | None = None,
    env: Mapping[str, str] | None = None,
    profile: str | None = None,
) -> Settings:
    """Build the settings from overrides (the command line), ``env`` (default ``os.environ``)
    and the config file; raises :class:`SettingsError` for anything the user must fix.

    * Directories: platformdirs for ``divio-tui``; ``DIVIO_TUI_CONFIG_DIR`` (and
      ``DIVIO_TUI_LOG_DIR``, ``DIVIO_TUI_CACHE_DIR``) in ``env`` override them.
    * API base: ``api_url`` / ``DIVIO_API_URL`` / config ``api_url``; else
      ``https://api.<zone>/apps/v3/`` with ``zone`` / ``DIVIO_ZONE`` / config ``zone`` /
      ``divio.com``.
      An explicit ``https://api.<x>/...`` URL without an explicit zone implies zone ``<x>``.
    * Token: ``token`` > ``DIVIO_TOKEN`` > config ``token`` (file must be 0600) > netrc
      ``machine control.<zone>``. The netrc, being keyed by Divio host names, is only consulted
      when the API host is ``api.<zone>`` (not for a loopback fake or another host).
    * ``demo``: the embedded demo API (:data:`DEMO_API_URL`, :data:`DEMO_TOKEN`); no stored token is
      read, and ``api_url``/``token``/``zone`` overrides are refused. Other config values apply.
    * Blank values (``DIVIO_TOKEN=""``) count as unset.
    * ``profile``: the config file's ``[profiles.NAME]`` instead of its top-level settings and
      the ``DIVIO_*`` environment, which belong to the default account (a ``DIVIO_TOKEN`` must
      not travel to another zone); ``api_url``, ``token`` and ``zone`` overrides still win.
    """
    env = os.environ if env is None else env
    paths = app_paths(env)
    config = read_config(paths.config_file)
    common: dict[str, Any] = {
        "concurrency": config.concurrency,
        "page_size": config.page_size,
        "request_deadline": config.request_deadline,
        "max_body_mb": config.max_body_mb,
        "max_pages": config.max_pages,
        "theme": config.theme,
        "log_line_cap": config.log_line_cap,
        "auto_refresh_seconds": config.auto_refresh_seconds,
        "keys": config.keys,
        "paths": paths,
        "demo_latency_ms": demo_latency_ms,
        "demo_faults": demo_faults or None,
        "backup_max_age_hours": config.backups.max_age_hours,
    }
    common = {k: v for k, v in common.items() if v is not None}
    if config.request_log_size is not None:
        common["request_log_size"] = config.request_log_size

    if profile is not None:
        if demo:
            raise SettingsError("--demo and --profile cannot be combined (a profile may say "
                                "`demo = true`).")
        return _load_profile(profile, config, paths, env, common, api_url=api_url, token=token,
                             zone=zone)

    if demo:
        given = [
            flag
            for flag, value in (("--api-url", api_url), ("--token", token), ("--zone", zone))
            if value
        ]
        if given:
            raise SettingsError(
                "--demo runs on the built-in demo API; "
                f"it cannot be combined with {', '.join(given)}."
            )
        return _build(
            api_url=DEMO_API_URL,
            zone=DEMO_ZONE,
            token=SecretStr(DEMO_TOKEN),
            token_source="demo",
            demo=True,
            **common,
        )

    zone_value = _first_set(zone, env.get("DIVIO_ZONE"), config.zone)
    url_value = _first_set(api_url, env.get("DIVIO_API_URL"), config.api_url)
    if url_value is not None:
        url = normalise_api_url(url_value)
        host = _host(url)
        if zone_value is None and host.startswith("api.") and len(host) > len("api."):
            zone_value = host[len("api.") :]
    resolved_zone = check_zone(zone_value or DEFAULT_ZONE)
    if url_value is None:
        url = normalise_api_url(api_url_for_zone(resolved_zone))

    # Sources are read lazily, in order: a later source is not even looked at (so a broken
    # netrc does not matter when DIVIO_TOKEN is set).
    token_value, token_source = clean_token(token, "--token"), "flag"
    if token_value is None:
        token_value, token_source = (
            clean_token(env.get("DIVIO_TOKEN"), "env DIVIO_TOKEN"),
            "env DIVIO_TOKEN",
        )
    if token_value is None and config.token is not None:
        check_private(paths.config_file)
        source = f"config file {paths.config_file}"
        token_value, token_source = clean_token(config.token, source), source
    if token_value is None and _host(url) == f"api.{resolved_zone}":
        path = netrc_path(env)
        value = read_netrc_token(path, resolved_zone)
        if value is not None:
            token_value = value
            token_source = f"netrc {path} (machine control.{resolved_zone})"

    return _build(
        api_url=url,
        zone=resolved_zone,
        token=SecretStr(token_value) if token_value is not None else None,
        token_source=token_source if token_value is not None else None,
        **common,
    )


def _load_profile(
    name: str, config: ConfigFile, paths: AppPaths, env: Mapping[str, str],
    common: dict[str, Any], *, api_url: str | None, token: str | None, zone: str | None,
) -> Settings:
    """The settings of ``[profiles.<name>]`` (see :func:`load_settings`)."""
    spec = config.profiles.get(name)
    if spec is None:
        known = ", ".join(sorted(config.profiles)) or "none yet"
        shown = name if PROFILE_NAME.fullmatch(name) else "that name"
        raise SettingsError(f"No profile {shown!r} in the config file {paths.config_file} "
                            f"(profiles: {known}); add a [profiles.{shown}] table.")
    if spec.demo:
        return _build(api_url=DEMO_API_URL, zone=DEMO_ZONE, token=SecretStr(DEMO_TOKEN),
                      token_source="demo", demo=True, profile=name, **common)
    zone_value = _first_set(zone, spec.zone)
    url_value = _first_set(api_url, spec.api_url)
    if url_value is not None:
        url = normalise_api_url(url_value)
        host = _host(url)
        if zone_value is None and host.startswith("api.") and len(host) > len("api."):
            zone_value = host[len("api.") :]
    resolved_zone = check_zone(zone_value or DEFAULT_ZONE)
    if url_value is None:
        url = normalise_api_url(api_url_for_zone(resolved_zone))
    token_value, token_source = _profile_token(name, spec, paths, env, url, resolved_zone,
                                               token)
    return _build(
        api_url=url, zone=resolved_zone,
        token=SecretStr(token_value) if token_value is not None else None,
        token_source=token_source if token_value is not None else None,
        profile=name, **common,
    )


def _profile_token(
    name: str, spec: ProfileConfig, paths: AppPaths, env: Mapping[str, str], url: str,
    zone: str, flag: str | None,
) -> tuple[str | None, str]:
    """A profile's token and where it came from: --token, its ``token_env``, its ``token``
    (0600 file), its netrc entry — first found wins, later ones are not read."""
    value = clean_token(flag, "--token")
    if value is not None:
        return value, "flag"
    if spec.token_env:
        source = f"env {spec.token_env}"
        value = clean_token(env.get(spec.token_env), source)
        if value is not None:
            return value, source
    if spec.token is not None:
        check_private(paths.config_file)
        source = f"config file {paths.config_file} (profile {name})"
        value = clean_token(spec.token, source)
        if value is not None:
            return value, source
    machine = spec.netrc_machine or (f"control.{zone}" if _host(url) == f"api.{zone}" else None)
    if machine:
        path = netrc_path(env)
        value = read_netrc_machine(path, machine)
        if value is not None:
            return value, f"netrc {path} (machine {machine})"
    return None, ""


def _build(**values: Any) -> Settings:
    """``Settings(**values)`` with validation errors turned into a :class:`SettingsError`."""
    try:
        return Settings(**values)
    except ValidationError as exc:
        raise SettingsError(f"Invalid settings: {describe_validation_error(exc)}.") from None
