"""Where a token can come from besides the command line and the environment: divio-cli's netrc.

`clean_token` is the check every source's value goes through (one word of printable ASCII;
`redaction.is_well_formed_token` is the rule); the netrc is the file `divio login` writes.
"""

from __future__ import annotations

import netrc
import os
from collections.abc import Mapping
from pathlib import Path

from divio_tui.config_file import SettingsError
from divio_tui.redaction import is_well_formed_token


def clean_token(value: str | None, source: str) -> str | None:
    """Strip surrounding whitespace; empty means "not set" (None).

    Raises :class:`SettingsError` unless the token is one word of printable ASCII
    (:func:`~divio_tui.redaction.is_well_formed_token`, the rule the API client applies too):
    anything else could not travel in an HTTP header and is most likely a paste accident (a
    smart quote, two words).
    """
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if not is_well_formed_token(value):
        raise SettingsError(
            f"The token from {source} contains spaces, control or non-ASCII characters; "
            "check it was copied whole and alone."
        )
    return value


def netrc_path(env: Mapping[str, str] | None = None) -> Path:
    """divio-cli's netrc: ``$NETRC_PATH``, else ``~/.netrc`` (with ``$HOME`` from ``env``)."""
    env = os.environ if env is None else env
    if env.get("NETRC_PATH"):
        return Path(env["NETRC_PATH"]).expanduser()
    home = env.get("HOME")
    return (Path(home) if home else Path.home()) / ".netrc"


def read_netrc_token(path: Path, zone: str) -> str | None:
    """The password of ``machine control.<zone>`` in the netrc at ``path`` (what ``divio login``
    writes), or None if the file or the entry does not exist.

    A ``default`` entry is deliberately ignored: it was written for some other host. A file that
    cannot be parsed raises :class:`SettingsError` naming the file and line.
    """
    return read_netrc_machine(path, f"control.{zone}")


def read_netrc_machine(path: Path, machine: str) -> str | None:
    """The password of ``machine`` in the netrc at ``path`` (a profile may name any entry, e.g.
    ``127.0.0.1`` for a fake API), or None; errors as in :func:`read_netrc_token`."""
    try:
        parsed = netrc.netrc(os.fspath(path))
    except FileNotFoundError:
        return None
    except netrc.NetrcParseError as exc:
        raise SettingsError(
            f"The netrc file {path} is malformed (line {exc.lineno}: {exc.msg}); fix it, or run "
            "`divio login` again, or pass the token with DIVIO_TOKEN."
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"Cannot read the netrc file {path}: {exc}.") from None
    entry = parsed.hosts.get(machine)
    if entry is None:
        return None
    return clean_token(entry[2], f"netrc {path} (machine {machine})")
