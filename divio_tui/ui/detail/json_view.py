"""Pretty JSON as Rich `Text`, coloured by role, with reference fields marked, within bounds.

We print the JSON ourselves instead of using `rich.json.JSON` so that the values of reference
fields (`environment`, `backup`, … — the resource table says which) can be marked exactly, by
their path rather than by a regex over the output, and so that sensitive values can be masked
before anything is rendered. Strings go through `json.dumps` (which escapes C0 controls) and
then `untrusted.visible` (for the C1, bidi and zero-width characters `json.dumps` leaves
alone).

The JSON is untrusted in size too: a string longer than `STRING_MAX`, a key longer than
`KEY_MAX`, a list or object of more than `ITEMS_MAX` members, nesting deeper than `DEPTH_MAX`
and anything past `LINES_MAX` lines are cut, each cut saying what is missing, so a 2 MB name
or a 10,000-field record renders as fast as an ordinary one. `JsonView.cut` says whether
anything was; the explorer's `e` shows the record whole (screens/full_value.py).
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from rich.text import Text

from divio_tui.untrusted import CLIP_MARK, visible

INDENT = "  "
"""Two spaces per level: the pane is narrow."""

STRING_MAX = 1_000
KEY_MAX = 120
ITEMS_MAX = 200
DEPTH_MAX = 30
LINES_MAX = 3_000


@dataclass(frozen=True)
class JsonView:
    text: Text
    cut: bool
    """Something was left out or shortened (see the module docstring)."""


def _string(value: str, limit: int) -> tuple[str, bool]:
    if len(value) <= limit:
        return visible(json.dumps(value, ensure_ascii=False)), False
    shown = visible(json.dumps(value[:limit], ensure_ascii=False))
    return shown[:-1] + CLIP_MARK.format(len(value) - limit) + '"', True


class _Emitter:
    def __init__(self, refs: set[str], masked: set[str], mask: str) -> None:
        self.out = Text(no_wrap=False, overflow="fold")
        self.refs = refs
        self.masked = masked
        self.mask = mask
        self.lines = 0
        self.cut = False
        self.full = False

    def newline(self) -> None:
        self.out.append("\n")
        self.lines += 1
        if self.lines >= LINES_MAX:
            self.full = True

    def scalar(self, value: Any) -> tuple[str, str]:
        if isinstance(value, str):
            text, cut = _string(value, STRING_MAX)
            self.cut |= cut
            return text, "json-string"
        if value is True or value is False or value is None:
            return json.dumps(value), "json-constant"
        if isinstance(value, int | float):
            try:
                return json.dumps(value), "json-number"
            except ValueError:  # an int of more digits than Python converts to text
                self.cut = True
                return f"{type(value).__name__} too long to show", "muted"
        text, cut = _string(str(value), STRING_MAX)
        self.cut |= cut
        return text, "json-string"

    def emit(self, value: Any, depth: int, path: str) -> bool:
        """Append `value`; True when it was a marked reference (the caller adds the marker
        after the comma, so the JSON itself stays valid when copied from the screen)."""
        out = self.out
        pad = INDENT * depth
        if isinstance(value, dict | list) and value and depth >= DEPTH_MAX:
            self.cut = True
            out.append("{…}" if isinstance(value, dict) else "[…]", "muted")
            out.append("  nested too deep to show", "muted")
            return False
        if isinstance(value, dict):
            if not value:
                out.append("{}")
                return False
            out.append("{")
            self.newline()
            items = list(value.items())
            for index, (key, item) in enumerate(items[:ITEMS_MAX]):
                if self.full:
                    break
                child = f"{path}.{key}" if path else str(key)
                out.append(pad + INDENT)
                key_text, cut = _string(str(key), KEY_MAX)
                self.cut |= cut
                out.append(key_text, "json-key")
                out.append(": ")
                marked = False
                if not path and key in self.masked and item not in (None, ""):
                    out.append(json.dumps(self.mask, ensure_ascii=False), "secret")
                else:
                    marked = self.emit(item, depth + 1, child)
                self.end_line(index < len(items) - 1, marked)
            self.rest(len(items), pad, "fields")
            out.append(pad + "}")
            return False
        if isinstance(value, list):
            if not value:
                out.append("[]")
                return False
            out.append("[")
            self.newline()
            for index, item in enumerate(value[:ITEMS_MAX]):
                if self.full:
                    break
                out.append(pad + INDENT)
                marked = self.emit(item, depth + 1, f"{path}[*]")
                self.end_line(index < len(value) - 1, marked)
            self.rest(len(value), pad, "items")
            out.append(pad + "]")
            return False
        text, role = self.scalar(value)
        if path in self.refs and isinstance(value, str):
            out.append(text, "reference")
            return True
        out.append(text, role)
        return False

    def rest(self, total: int, pad: str, noun: str) -> None:
        """Say how many members of a container were not shown (the item cap, the line cap)."""
        shown = min(total, ITEMS_MAX)
        if total > shown or self.full:
            self.cut = True
            self.out.append(pad + INDENT)
            self.out.append(f"… {noun} not shown (of {total:,})" if self.full
                            else f"… {total - shown:,} more {noun}", "muted")
            self.newline()

    def end_line(self, comma: bool, marked: bool) -> None:
        if comma:
            self.out.append(",")
        if marked:
            self.out.append("  ")
            self.out.append("↗", "accent")
        self.newline()


def json_view(
    value: Any,
    *,
    references: Collection[str] = (),
    masked: Collection[str] = (),
    mask: str = "••••••",
) -> JsonView:
    """`value` as indented JSON, within the bounds of the module docstring.

    `references` are field paths in the resource table's notation (`environment`,
    `last_finished_deployment.uuid`, `service_instance_backups[*]`); their values get the
    "reference" role and a `↗` marker. `masked` are top-level keys whose values are replaced
    by `mask`.
    """
    emitter = _Emitter(set(references), set(masked), mask)
    emitter.emit(value, 0, "")
    return JsonView(emitter.out, emitter.cut)


def json_text(
    value: Any,
    *,
    references: Collection[str] = (),
    masked: Collection[str] = (),
    mask: str = "••••••",
) -> Text:
    """`json_view(...).text`."""
    return json_view(value, references=references, masked=masked, mask=mask).text
