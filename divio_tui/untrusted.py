"""The one policy for text that came from the API: shown literally, nothing invisible.

Everything the API returns is untrusted: a name may hold terminal escape sequences
(``\\x1b[31m``), carriage returns, bidirectional overrides that reverse what follows them, or
zero-width characters that make two different names look the same. :func:`visible` replaces
each of them with a visible stand-in, so the user sees that something odd is there instead of
having it acted upon:

- C0 controls become their control pictures (ESC shows as ␛, TAB as ␉, LF as ␊), DEL as ␡;
- C1 controls become ``\\x85``-style escapes;
- bidirectional formatting characters, zero-width characters, every other invisible format
  character (Unicode category Cf: the soft hyphen, word joiners, the invisible "tag"
  characters U+E0000-E007F that can smuggle text), the line and paragraph separators
  (U+2028, U+2029) and lone surrogates (valid JSON, but no terminal can print them) become
  ``\\u202e``-style escapes.

:func:`one_line` is the same policy for one-line messages: visible, whitespace runs collapsed,
cut with an ellipsis. :func:`clip` is `visible` for values of any length: past a limit the
value is cut and the cut says how much is missing (``…(+1,999,880 chars)``), so a 2 MB name
costs a label no more than a short one. :func:`json_escaped` makes JSON text safe to paste
into a terminal (the same characters as ``\\uXXXX`` escapes, still valid JSON). No Rich, no
Textual: the API layer and the UI both build on this module.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["clip", "json_escaped", "one_line", "shorten", "visible"]

_BIDI_CONTROLS = frozenset(
    [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)
"""Bidirectional formatting characters: they can reverse what follows them on the line."""

_INVISIBLE = frozenset([0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x2028, 0x2029])
"""Zero-width characters and the line / paragraph separators: a name holding one could look
exactly like another name, or break a line where no newline shows."""

_FORMAT_BLOCKS = (range(0xAD, 0xAE), range(0x600, 0x900), range(0x1800, 0x1810),
                  range(0x2000, 0x2070), range(0xFE00, 0xFF00), range(0xFFF0, 0x10000),
                  range(0x110B0, 0x110D0), range(0x13430, 0x13460), range(0x1BCA0, 0x1BCA4),
                  range(0x1D170, 0x1D180), range(0xE0000, 0xE0080))
"""Where Unicode keeps its format (Cf) characters: looked through once, at import."""

_FORMAT = frozenset(code for block in _FORMAT_BLOCKS for code in block
                    if unicodedata.category(chr(code)) == "Cf")
"""Every invisible format character (Cf) of those blocks, U+200B… and the tags included."""

_SURROGATES = range(0xD800, 0xE000)


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
    for code in _BIDI_CONTROLS | _INVISIBLE | _FORMAT | frozenset(_SURROGATES):
        table[code] = f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
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


CLIP_MARK = "…(+{:,} chars)"
"""How a cut value ends: what is missing, counted (`clip`)."""


def clip(value: object, limit: int, *, multiline: bool = False) -> str:
    """`visible(value)`, cut to its first `limit` characters when longer, the cut marked with
    how many characters are missing. The cut happens before the translation, so its cost
    does not depend on how long the value is."""
    string = value if isinstance(value, str) else str(value)
    if len(string) <= limit:
        return visible(string, multiline=multiline)
    return visible(string[:limit], multiline=multiline) + CLIP_MARK.format(len(string) - limit)


_JSON_UNSAFE = re.compile(
    "[\x7f-\x9f" + "".join(f"\\U{code:08x}" for code in sorted(
        _BIDI_CONTROLS | _INVISIBLE | _FORMAT)) + "\ud800-\udfff]")
"""Characters `json.dumps(ensure_ascii=False)` leaves raw that a terminal may act on."""


def json_escaped(text: str) -> str:
    """JSON text (from `json.dumps(..., ensure_ascii=False)`, which escapes C0 controls) with
    DEL, C1, bidi, invisible and surrogate characters escaped as ``\\uXXXX`` too: the same
    JSON, safe to paste into a shell."""
    def escape(match: re.Match[str]) -> str:
        code = ord(match.group())
        if code <= 0xFFFF:
            return f"\\u{code:04x}"
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return _JSON_UNSAFE.sub(escape, text)


def shorten(value: str, width: int) -> str:
    """Cut `value` to at most `width` characters, marking the cut with an ellipsis."""
    if width <= 0:
        return ""
    if len(value) <= width:
        return value
    return value[: width - 1] + "…"
