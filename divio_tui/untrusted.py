"""The one policy for text that came from the API: shown literally, nothing invisible.

Everything the API returns is untrusted: a name may hold terminal escape sequences
(``\\x1b[31m``), carriage returns, bidirectional overrides that reverse what follows them, or
zero-width characters that make two different names look the same. :func:`visible` replaces
each of them with a visible stand-in, so the user sees that something odd is there instead of
having it acted upon:

- C0 controls become their control pictures (ESC shows as ␛, TAB as ␉, LF as ␊), DEL as ␡;
- C1 controls become ``\\x85``-style escapes;
- bidirectional formatting characters, zero-width characters and the line and paragraph
  separators (U+2028, U+2029) become ``\\u202e``-style escapes.

:func:`one_line` is the same policy for one-line messages: visible, whitespace runs collapsed,
cut with an ellipsis. No Rich, no Textual: the API layer and the UI both build on this module.
"""

from __future__ import annotations

__all__ = ["one_line", "shorten", "visible"]

_BIDI_CONTROLS = frozenset(
    [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)
"""Bidirectional formatting characters: they can reverse what follows them on the line."""

_INVISIBLE = frozenset([0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x2028, 0x2029])
"""Zero-width characters and the line / paragraph separators: a name holding one could look
exactly like another name, or break a line where no newline shows."""


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
    for code in _BIDI_CONTROLS | _INVISIBLE:
        table[code] = f"\\u{code:04x}"
    return table


_ONE_LINE = _build_table(keep_newlines=False)
"""Translation table for labels: everything, newlines included, becomes visible."""

_MULTI_LINE = _build_table(keep_newlines=True)
"""Translation table for blocks of text (JSON, error details) where newlines are layout."""


def visible(value: object, *, multiline: bool = False) -> str:
    """`value` as a string with every control and invisible character made visible.

    With `multiline`, newlines (``\\n``) are kept as layout; everything else is still shown.
    """
    string = value if isinstance(value, str) else str(value)
    return string.translate(_MULTI_LINE if multiline else _ONE_LINE)


def one_line(value: str, limit: int) -> str:
    """`value` fit for a one-line message: :func:`visible`, runs of whitespace collapsed to
    one space, and cut to `limit` characters with an ellipsis."""
    flat = " ".join(visible(value).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def shorten(value: str, width: int) -> str:
    """Cut `value` to at most `width` characters, marking the cut with an ellipsis."""
    if width <= 0:
        return ""
    if len(value) <= width:
        return value
    return value[: width - 1] + "…"
