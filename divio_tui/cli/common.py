"""Small pieces the commands share: argument types, and text made safe to print."""

from __future__ import annotations

import argparse

from divio_tui.api.errors import ApiError, Unauthorised
from divio_tui.redaction import redact
from divio_tui.settings import Settings
from divio_tui.untrusted import visible


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


def no_token_message() -> str:
    """What to say when a command needs a token and none was found."""
    return ("no token: set DIVIO_TOKEN, run `divio login` (divio-tui reads the netrc it "
            "writes), or sign in once in the explorer and let it remember the token; "
            "--demo needs none")


def api_failure(error: ApiError, settings: Settings | None) -> str:
    """One line for stderr about a failed request: the reason and the request, never the
    token; a refused token names where it came from."""
    if isinstance(error, Unauthorised):
        source = settings.token_source if settings is not None else None
        where = f"the token from {source}" if source else "the token"
        reason = f": {error.detail}" if error.detail else ""
        text = f"{where} was rejected{reason} ({error.message})"
    else:
        text = error.message
    return visible(safe(text, settings))
