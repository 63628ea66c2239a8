"""The token as a secret: its one format rule, its masked form, and redaction of text.

- :func:`is_well_formed_token` is THE rule for what a token looks like: one word of printable
  ASCII (anything else could not travel in an HTTP header and is most likely a paste
  accident). The settings and the API client both apply it.
- :func:`mask_token` is how a token is shown (``****abcd``), :func:`redact` masks every secret
  in a text (the log, the request log pane, messages built from server text, copies).

Imports nothing else of the package: settings, logging and the API client all use it.
"""

from __future__ import annotations

import re

from pydantic import SecretStr

__all__ = [
    "MASK",
    "MIN_LENGTH_TO_SHOW_TAIL",
    "is_well_formed_token",
    "mask_token",
    "redact",
    "secret_text",
]

MASK = "****"
"""What a secret is replaced by; the last four characters may follow it."""

MIN_LENGTH_TO_SHOW_TAIL = 12
"""Secrets shorter than this are masked entirely: their last four characters would give away
too much of them."""

_TOKEN_CHARS = r"[A-Za-z0-9_.~+/=-]"

_AUTH_HEADER = re.compile(
    r"""(?P<lead>authorization['"]?\s*[:=]\s*['"]?)"""
    r"(?:(?P<scheme>[A-Za-z]+)[ \t]+)?"
    r"""(?P<secret>[^\s'",;)}\]]+)""",
    re.IGNORECASE,
)
"""``Authorization: <scheme> <credentials>`` in any rendering (``:`` or ``=``, quoted or not)."""

_TOKEN_WORD = re.compile(
    rf"(?P<lead>\btoken[ \t]+)(?P<secret>(?={_TOKEN_CHARS}*\d){_TOKEN_CHARS}{{8,}})",
    re.IGNORECASE,
)
"""``Token <credentials>``. The credentials must be 8+ token characters including a digit, so
English ("token resolution") is left alone while real (hex) tokens are caught."""


def is_well_formed_token(token: str) -> bool:
    """True if ``token`` is one word of printable ASCII: not empty, no space, no control or
    non-ASCII character. Callers strip surrounding whitespace first."""
    return bool(token) and token.isascii() and not any(
        ch.isspace() or not ch.isprintable() for ch in token
    )


def mask_token(secret: str) -> str:
    """``****`` plus the last four characters of ``secret`` (``****`` alone if it is short)."""
    if secret.startswith(MASK):
        return secret  # already masked: keep redaction idempotent
    if len(secret) < MIN_LENGTH_TO_SHOW_TAIL:
        return MASK
    return MASK + secret[-4:]


def secret_text(token: str | SecretStr | None) -> str | None:
    """The clear text of ``token``, or None when there is none (or it is empty)."""
    if isinstance(token, SecretStr):
        token = token.get_secret_value()
    return token or None


def redact(text: str, token: str | SecretStr | None = None) -> str:
    """Return ``text`` with secrets masked.

    Every occurrence of ``token`` (the active token; if shorter than 12 characters, every
    whole-word occurrence) becomes :func:`mask_token` of it, and any
    ``Authorization: <scheme> <x>`` or ``Token <x>`` credentials become ``<scheme> ****<last4>``,
    whatever the token. Safe to apply twice.
    """
    secret = secret_text(token)
    if secret and len(secret) >= MIN_LENGTH_TO_SHOW_TAIL:
        text = text.replace(secret, mask_token(secret))
    elif secret:
        # A short (test) token such as "x" is masked only as a whole word: masking every "x"
        # would make the text unreadable.
        word = rf"(?<!{_TOKEN_CHARS}){re.escape(secret)}(?!{_TOKEN_CHARS})"
        text = re.sub(word, mask_token(secret), text)

    def header(match: re.Match[str]) -> str:
        scheme = match["scheme"] or "Token"
        return f"{match['lead']}{scheme} {mask_token(match['secret'])}"

    text = _AUTH_HEADER.sub(header, text)
    return _TOKEN_WORD.sub(lambda m: m["lead"] + mask_token(m["secret"]), text)
