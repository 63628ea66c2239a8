"""Small pieces the commands share: argument types, and text made safe to print."""

from __future__ import annotations

import argparse

from divio_tui.redaction import redact
from divio_tui.settings import Settings


def non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more: {value}")
    return value


def safe(text: str, settings: Settings | None, *tokens: str | None) -> str:
    """``text`` with every token we know of masked (the settings may not exist yet)."""
    for token in (settings.token if settings else None, *tokens):
        text = redact(text, token)
    return text


def plain(text: object) -> str:
    """``text`` with control and bidi characters shown as escapes (API text is untrusted)."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in str(text))
