"""The configuration file, ``config.toml``: its schema, reading it, writing it privately.

Reading uses the stdlib ``tomllib``, writing ``tomli-w``. Files we write are 0600, replaced
atomically. Where the file lives and how its values combine with flags and the environment is
:mod:`divio_tui.settings`' business.

Example::

    api_url = "https://api.divio.com/apps/v3/"   # or: zone = "divio.com"
    token = "..."                                 # only if the file is chmod 600
    concurrency = 6
    page_size = 100
    request_deadline = 30                         # seconds one request may take in all
    max_body_mb = 32                              # the largest answer read, decoded
    max_pages = 2000                              # pages one list may take in all
    theme = "textual-dark"
    request_log_size = 500                        # requests the request log keeps
    log_line_cap = 100000                         # lines a log viewer keeps (oldest dropped)
    auto_refresh_seconds = 0                      # the visible tree refreshes itself (0: off)

    [keys]                                        # Binding id = keys (App.set_keymap format)
    reload = "r,f5"

    [profiles.staging]                            # divio-tui --profile staging
    zone = "dev.aldryn.net"                       # or api_url = "https://…/apps/v3/"
    token_env = "DIVIO_STAGING_TOKEN"             # where its token comes from: an env var,
    # netrc_machine = "control.dev.aldryn.net"    # a netrc entry (default: control.<zone>),
    # token = "..."                               # or here (the file must be chmod 600)

    [profiles.play]
    demo = true                                   # the built-in demo API

    [backups]
    max_age_hours = 26                            # older than this, a good backup is stale
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

MAX_CONCURRENCY = 32
"""Upper bound for concurrent requests; more would only invite throttling."""

MAX_PAGE_SIZE = 100
"""The (inferred) server-side maximum ``page_size``."""

MAX_DEADLINE = 600
"""Upper bound for ``request_deadline``, in seconds: past ten minutes a request is hung."""

MAX_BODY_MB = 1024
"""Upper bound for ``max_body_mb``."""

MAX_PAGES_LIMIT = 100_000
"""Upper bound for ``max_pages``."""

LOG_LINE_CAP_RANGE = (1_000, 2_000_000)
"""What ``log_line_cap`` may be: enough for a screen, few enough to stay in memory."""

AUTO_REFRESH_RANGE = (0, 3_600)
"""``auto_refresh_seconds``: 0 is off; otherwise at least AUTO_REFRESH_MIN seconds apart."""

AUTO_REFRESH_MIN = 5
"""The shortest auto refresh period: each one reads every list on screen again."""


def check_auto_refresh(value: int | None) -> int | None:
    """``auto_refresh_seconds`` is 0 (off) or at least `AUTO_REFRESH_MIN`."""
    if value is not None and 0 < value < AUTO_REFRESH_MIN:
        raise ValueError(f"must be 0 (off) or at least {AUTO_REFRESH_MIN} seconds: each "
                         "refresh reads every list on screen again")
    return value

_PRIVATE_MODE_MASK = stat.S_IRWXG | stat.S_IRWXO
"""Permission bits that must be clear on a file holding the token (i.e. it must be 0600 or 0400)."""

MAX_REQUEST_LOG_SIZE = 100_000
"""Upper bound for the request log's entries (each holds a little; bodies have their own cap)."""

PROFILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")
"""What a profile may be called: `--profile NAME` and `[profiles.NAME]`."""

_CONFIG_KEYS = ("api_url", "zone", "token", "concurrency", "page_size", "request_deadline",
                "max_body_mb", "max_pages", "theme", "request_log_size", "log_line_cap", "auto_refresh_seconds",
                "keys", "profiles", "backups")
"""Top-level keys the config file may hold, in the order we write them."""


class SettingsError(Exception):
    """A configuration problem the user can fix; ``str(error)`` is a one-line, token-free message.

    Deliberately not a ``ValueError``: pydantic lets it through its validators unchanged.
    """


def describe_validation_error(exc: ValidationError) -> str:
    """``field: problem; ...`` for a pydantic error, without the offending input values (one
    of them could be a token)."""
    return "; ".join(
        f"{'.'.join(str(part) for part in err['loc']) or '(top level)'}: {err['msg']}"
        for err in exc.errors(include_url=False, include_input=False)
    )


class ProfileConfig(BaseModel):
    """One ``[profiles.NAME]`` table: where an account's API is, where its token comes from.

    ``api_url`` or ``zone`` (default divio.com); the token from the environment variable
    ``token_env``, else ``token`` (only if the file is 0600), else the netrc entry
    ``netrc_machine`` (default: ``control.<zone>``, what ``divio login`` writes). ``demo``:
    the built-in demo API instead.
    """

    model_config = ConfigDict(extra="forbid", strict=True)

    api_url: str | None = None
    zone: str | None = None
    token: str | None = None
    token_env: str | None = None
    netrc_machine: str | None = None
    demo: bool = False


MAX_BACKUP_AGE_HOURS = 24 * 366
"""The largest `[backups] max_age_hours` accepted (a year: beyond it, a typo is likelier)."""


class BackupsSection(BaseModel):
    """The ``[backups]`` table: how old the latest good backup may be before it is stale."""

    model_config = ConfigDict(extra="forbid", strict=True)

    max_age_hours: float | None = Field(default=None, gt=0, le=MAX_BACKUP_AGE_HOURS)


class ConfigFile(BaseModel):
    """The contents of ``config.toml``; every key is optional and unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", strict=True)

    api_url: str | None = None
    zone: str | None = None
    token: str | None = None
    concurrency: int | None = Field(default=None, ge=1, le=MAX_CONCURRENCY)
    page_size: int | None = Field(default=None, ge=1, le=MAX_PAGE_SIZE)
    request_deadline: float | None = Field(default=None, gt=0, le=MAX_DEADLINE)
    max_body_mb: float | None = Field(default=None, gt=0, le=MAX_BODY_MB)
    max_pages: int | None = Field(default=None, ge=1, le=MAX_PAGES_LIMIT)
    theme: str | None = None
    request_log_size: int | None = Field(default=None, ge=1, le=MAX_REQUEST_LOG_SIZE)
    log_line_cap: int | None = Field(default=None, ge=LOG_LINE_CAP_RANGE[0], le=LOG_LINE_CAP_RANGE[1])
    auto_refresh_seconds: int | None = Field(default=None, ge=AUTO_REFRESH_RANGE[0],
                                             le=AUTO_REFRESH_RANGE[1])
    keys: dict[str, str] = Field(default_factory=dict)
    backups: BackupsSection = Field(default_factory=BackupsSection)
    profiles: dict[str, ProfileConfig] = Field(default_factory=dict)

    @field_validator("auto_refresh_seconds")
    @classmethod
    def _check_auto_refresh(cls, value: int | None) -> int | None:
        return check_auto_refresh(value)

    @field_validator("profiles")
    @classmethod
    def _check_profile_names(cls, value: dict[str, ProfileConfig]) -> dict[str, ProfileConfig]:
        for name in value:
            if not PROFILE_NAME.fullmatch(name):
                raise ValueError(f"profile name {name!r} must be letters, digits, '-', '_' or "
                                 "'.' (up to 40)")
        return value


def _read_toml(path: Path) -> dict[str, Any]:
    """The TOML table in ``path``, ``{}`` if the file does not exist."""
    try:
        fh = path.open("rb")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise SettingsError(f"Cannot read the config file {path}: {exc}.") from None
    import tomllib  # only once there is a file: compiling its patterns is most of the import

    try:
        with fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"The config file {path} is not valid TOML: {exc}.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"Cannot read the config file {path}: {exc}.") from None


def read_config(path: Path) -> ConfigFile:
    """Parse the config file at ``path`` (missing = empty); raises :class:`SettingsError`.

    This does not check the file mode: :func:`load_settings` does, and only when it is about to
    use the token the file holds.
    """
    data = _read_toml(path)
    try:
        return ConfigFile.model_validate(data)
    except ValidationError as exc:
        raise SettingsError(
            f"The config file {path} has invalid settings: {describe_validation_error(exc)}."
        ) from None


def check_private(path: Path) -> None:
    """Raise :class:`SettingsError` if group or others have any access to ``path``.

    The message says how to fix it (``chmod 600 <path>``). Skipped on Windows, where mode bits
    do not describe access.
    """
    if os.name == "nt":
        return
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & _PRIVATE_MODE_MASK:
        raise SettingsError(
            f"Refusing to read the token from {path}: its mode {mode:04o} lets other users "
            f"read it. Fix it with: chmod 600 {path}"
        )


def render_config(data: Mapping[str, Any]) -> str:
    """Render the flat config table (scalars plus the ``[keys]`` table) as TOML with ``tomli-w``.

    Known keys come first in a fixed order, then any others sorted; ``None`` values and empty
    tables are left out. The output round-trips through ``tomllib``. Comments in a
    hand-edited file are not preserved.
    """
    ordered = [k for k in _CONFIG_KEYS if k in data] + sorted(
        k for k in data if k not in _CONFIG_KEYS
    )
    table = {
        key: data[key]
        for key in ordered
        if data[key] is not None and not (isinstance(data[key], Mapping) and not data[key])
    }
    import tomli_w  # only a save writes the file: not imported with the settings (issue 14)

    return "# divio-tui configuration (see `divio-tui config path`).\n\n" + tomli_w.dumps(table)


def write_config(path: Path, data: Mapping[str, Any]) -> None:
    """Write ``data`` to ``path`` atomically with mode 0600 (the directory is made 0700).

    The file is written to a temporary file in the same directory, flushed to disk and renamed
    over the old one, so a crash never leaves a half-written config or a readable token.
    """
    text = render_config(data)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp creates the file 0600 and os.replace keeps that mode.
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def update_config(path: Path, **changes: Any) -> None:
    """Set (or, with ``None``, remove) top-level settings in the config file, keeping the rest.

    The result is validated like a config file the user wrote, then written by
    :func:`write_config` (atomic, 0600).
    """
    data = _read_toml(path)
    _apply(data, changes)
    _write_valid(path, data)


def update_profile(path: Path, name: str, **changes: Any) -> None:
    """Set (or, with ``None``, remove) settings of ``[profiles.<name>]``, keeping the rest of
    the file; validated and written like :func:`update_config`."""
    data = _read_toml(path)
    profiles = data.setdefault("profiles", {})
    if not isinstance(profiles, dict):
        raise SettingsError(f"The config file {path} has a `profiles` that is not a table.")
    table = profiles.setdefault(name, {})
    if not isinstance(table, dict):
        raise SettingsError(f"The config file {path} has a profile {name!r} that is not a table.")
    _apply(table, changes)
    _write_valid(path, data)


def _apply(table: dict[str, Any], changes: Mapping[str, Any]) -> None:
    """Set each change in `table`; a ``None`` removes the key."""
    for key, value in changes.items():
        if value is None:
            table.pop(key, None)
        else:
            table[key] = value


def _write_valid(path: Path, data: Mapping[str, Any]) -> None:
    """Validate `data` as a config file the user wrote, then :func:`write_config` it."""
    try:
        ConfigFile.model_validate(data)
    except ValidationError as exc:
        raise SettingsError(
            f"Refusing to write invalid settings to {path}: {describe_validation_error(exc)}."
        ) from None
    write_config(path, data)
