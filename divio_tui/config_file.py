"""The configuration file, ``config.toml``: its schema, reading it, writing it privately.

Reading uses the stdlib ``tomllib``, writing ``tomli-w``. Files we write are 0600, replaced
atomically. Where the file lives and how its values combine with flags and the environment is
:mod:`divio_tui.settings`' business.

Example::

    api_url = "https://api.divio.com/apps/v3/"   # or: zone = "divio.com"
    token = "..."                                 # only if the file is chmod 600
    concurrency = 6
    page_size = 100
    theme = "textual-dark"

    [keys]                                        # Binding id = keys (App.set_keymap format)
    reload = "r,f5"

    [backups]
    max_age_hours = 26                            # older than this, a good backup is stale
"""

from __future__ import annotations

import os
import stat
import tempfile
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError

MAX_CONCURRENCY = 32
"""Upper bound for concurrent requests; more would only invite throttling."""

MAX_PAGE_SIZE = 100
"""The (inferred) server-side maximum ``page_size``."""

_PRIVATE_MODE_MASK = stat.S_IRWXG | stat.S_IRWXO
"""Permission bits that must be clear on a file holding the token (i.e. it must be 0600 or 0400)."""

_CONFIG_KEYS = ("api_url", "zone", "token", "concurrency", "page_size", "theme", "keys",
                "backups")
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
    theme: str | None = None
    keys: dict[str, str] = Field(default_factory=dict)
    backups: BackupsSection = Field(default_factory=BackupsSection)


def _read_toml(path: Path) -> dict[str, Any]:
    """The TOML table in ``path``, ``{}`` if the file does not exist."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        return {}
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
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    try:
        ConfigFile.model_validate(data)
    except ValidationError as exc:
        raise SettingsError(
            f"Refusing to write invalid settings to {path}: {describe_validation_error(exc)}."
        ) from None
    write_config(path, data)
