"""Pretty JSON as Rich `Text`, coloured by role, with reference fields marked.

We print the JSON ourselves instead of using `rich.json.JSON` so that the values of reference
fields (`environment`, `backup`, … — the resource table says which) can be marked exactly, by
their path rather than by a regex over the output, and so that sensitive values can be masked
before anything is rendered. Strings go through `json.dumps` (which escapes C0 controls) and
then `untrusted.visible` (for the C1, bidi and zero-width characters `json.dumps` leaves
alone).
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from rich.text import Text

from divio_tui.untrusted import visible

INDENT = "  "
"""Two spaces per level: the pane is narrow."""


def _scalar(value: Any) -> tuple[str, str]:
    if isinstance(value, str):
        return visible(json.dumps(value, ensure_ascii=False)), "json-string"
    if value is True or value is False or value is None:
        return json.dumps(value), "json-constant"
    if isinstance(value, int | float):
        return json.dumps(value), "json-number"
    return visible(json.dumps(str(value), ensure_ascii=False)), "json-string"


def json_text(
    value: Any,
    *,
    references: Collection[str] = (),
    masked: Collection[str] = (),
    mask: str = "••••••",
) -> Text:
    """`value` as indented JSON.

    `references` are field paths in the resource table's notation (`environment`,
    `last_finished_deployment.uuid`, `service_instance_backups[*]`); their values get the
    "reference" role and a `↗` marker. `masked` are top-level keys whose values are replaced
    by `mask`.
    """
    out = Text(no_wrap=False, overflow="fold")
    _emit(out, value, 0, "", set(references), set(masked), mask)
    return out


def _emit(
    out: Text, value: Any, depth: int, path: str, refs: set[str], masked: set[str], mask: str
) -> bool:
    """Append `value`; True when it was a marked reference (the caller adds the marker after
    the comma, so the JSON itself stays valid when copied from the screen)."""
    pad = INDENT * depth
    if isinstance(value, dict):
        if not value:
            out.append("{}")
            return False
        out.append("{\n")
        items = list(value.items())
        for index, (key, item) in enumerate(items):
            child = f"{path}.{key}" if path else str(key)
            out.append(pad + INDENT)
            out.append(visible(json.dumps(str(key), ensure_ascii=False)), "json-key")
            out.append(": ")
            marked = False
            if not path and key in masked and item not in (None, ""):
                out.append(json.dumps(mask, ensure_ascii=False), "secret")
            else:
                marked = _emit(out, item, depth + 1, child, refs, masked, mask)
            _end_line(out, index < len(items) - 1, marked)
        out.append(pad + "}")
        return False
    if isinstance(value, list):
        if not value:
            out.append("[]")
            return False
        out.append("[\n")
        for index, item in enumerate(value):
            out.append(pad + INDENT)
            marked = _emit(out, item, depth + 1, f"{path}[*]", refs, masked, mask)
            _end_line(out, index < len(value) - 1, marked)
        out.append(pad + "]")
        return False
    text, role = _scalar(value)
    if path in refs and isinstance(value, str):
        out.append(text, "reference")
        return True
    out.append(text, role)
    return False


def _end_line(out: Text, comma: bool, marked: bool) -> None:
    if comma:
        out.append(",")
    if marked:
        out.append("  ")
        out.append("↗", "accent")
    out.append("\n")
