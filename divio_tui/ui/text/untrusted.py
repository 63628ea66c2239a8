"""Make text that came from the API safe to put on screen.

Everything the API returns is untrusted: a name may hold Rich markup (`[bold]x[/]`), terminal
escape sequences (`\\x1b[31m`), carriage returns or bidirectional overrides. Rich `Text` objects
never interpret markup, so the only remaining danger is control characters reaching the
terminal or re-ordering what the user reads. `clean()` replaces each of them with a visible
stand-in, so the user sees that something odd is there instead of having it acted upon.
"""

from __future__ import annotations

from rich.style import StyleType
from rich.text import Text

_BIDI_CONTROLS = frozenset(
    [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)
"""Bidirectional formatting characters: they can reverse what follows them on the line."""


def _build_table(*, keep_newlines: bool) -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x20):
        # U+2400 + n is the "control picture" of C0 character n: ESC shows as ␛, TAB as ␉.
        table[code] = chr(0x2400 + code)
    if keep_newlines:
        del table[0x0A]
    table[0x7F] = "␡"
    for code in range(0x80, 0xA0):
        table[code] = f"\\x{code:02x}"
    for code in _BIDI_CONTROLS:
        table[code] = f"\\u{code:04x}"
    return table


_ONE_LINE = _build_table(keep_newlines=False)
"""Translation table for labels: everything, newlines included, becomes visible."""

_MULTI_LINE = _build_table(keep_newlines=True)
"""Translation table for blocks of text (JSON, error details) where newlines are layout."""


def clean(value: object, *, multiline: bool = False) -> str:
    """Return `value` as a string with every control character made visible."""
    string = value if isinstance(value, str) else str(value)
    return string.translate(_MULTI_LINE if multiline else _ONE_LINE)


def text(value: object, style: StyleType = "", *, multiline: bool = False) -> Text:
    """A Rich `Text` holding `value` literally (no markup, no escape sequences)."""
    return Text(clean(value, multiline=multiline), style=style, no_wrap=not multiline)


def shorten(value: str, width: int) -> str:
    """Cut `value` to at most `width` characters, marking the cut with an ellipsis."""
    if width <= 0:
        return ""
    if len(value) <= width:
        return value
    return value[: width - 1] + "…"
