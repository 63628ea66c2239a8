"""Commands to paste into a shell: every value quoted, nothing unprintable, no token.

A copied command is run by whoever pastes it, so it must mean exactly what it says. Every
value is single-quoted (`quote`: a name holding `$(…)`, a quote or a semicolon stays one
literal word), and a value holding a control, invisible or bidirectional character is refused
outright (`UnsafeValue`): a newline would run the rest as another command, an escape sequence
could rewrite what the terminal shows of it, a bidi override could reverse what the user
reads. The token is never written into a command: curl reads it from ``$DIVIO_TOKEN`` when the
command runs.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

__all__ = ["TOKEN_HEADER", "UnsafeValue", "check_value", "command_line", "curl_command", "quote"]

TOKEN_HEADER = '"Authorization: Token $DIVIO_TOKEN"'
"""The header as curl gets it: in double quotes, so the shell puts the token in at run time."""


class UnsafeValue(ValueError):
    """A value that cannot be put in a command safely; ``str()`` says why, in words."""


def check_value(value: str, what: str = "a value") -> str:
    """Return `value` if it is safe in a shell command, else raise `UnsafeValue`.

    Unsafe: empty, or holding any control character (newline, tab, escape…), or a format
    character (bidirectional overrides, zero-width characters), or a line / paragraph
    separator. Quoting makes everything else literal.
    """
    if not value:
        raise UnsafeValue(f"{what} is empty")
    for char in value:
        if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp"):
            raise UnsafeValue(
                f"{what} holds an invisible or control character (U+{ord(char):04X}); "
                "a command holding it would not mean what it shows")
    return value


def quote(value: str) -> str:
    """`value` in single quotes, always (`shlex.quote` leaves "safe" words bare; a copied value
    is quoted whatever it holds, so that what is pasted reads the same every time)."""
    return "'" + value.replace("'", "'\"'\"'") + "'"


def command_line(words: Iterable[tuple[str, str] | str]) -> str:
    """Join `words` into one command line. A plain string is a literal word of ours (`divio`,
    `--remote-id`), written as is; a ``(value, what)`` pair is a value from elsewhere, checked
    with `check_value` (`what` names it in the error) and quoted."""
    parts: list[str] = []
    for word in words:
        if isinstance(word, str):
            parts.append(word)
        else:
            value, what = word
            parts.append(quote(check_value(value, what)))
    return " ".join(parts)


def curl_command(url: str, method: str = "GET") -> str:
    """``curl -H "Authorization: Token $DIVIO_TOKEN" '<url>'``: the request as the explorer
    sent it, the token read from the environment when it runs (HEAD becomes ``curl -I``)."""
    head = ["curl", "-I"] if method.upper() == "HEAD" else ["curl"]
    return command_line([*head, "-H", TOKEN_HEADER, (url, "the URL")])
