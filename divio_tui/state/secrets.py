"""Which fields of a resource hold a secret: the one rule, for the detail pane, copies and
`divio-tui get`.

An environment variable marked `is_sensitive` holds a secret in `value`; nothing else the
API returns is known to. Masking is a copy: parsed JSON is never changed in place.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["SECRET_FIELDS", "mask_secrets", "secret_fields"]

SECRET_FIELDS: dict[str, frozenset[str]] = {"environment_variable": frozenset({"value"})}
"""Kind -> the fields that hold a secret when the record is marked `is_sensitive`."""


def secret_fields(kind: str, raw: Mapping[str, Any]) -> set[str]:
    """Fields of this record that hold a secret right now (empty when nothing is sensitive)."""
    fields = SECRET_FIELDS.get(kind, frozenset())
    return set(fields) if fields and raw.get("is_sensitive") else set()


def mask_secrets(kind: str, raw: Mapping[str, Any], mask: str) -> tuple[dict[str, Any], bool]:
    """A copy of `raw` with every secret replaced by `mask`, and whether anything was."""
    fields = secret_fields(kind, raw)
    copy = dict(raw)
    for name in fields:
        if name in copy:
            copy[name] = mask
    return copy, bool(fields)
