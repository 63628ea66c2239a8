"""Semantic colours for labels and the detail pane, resolved from the theme at render time.

Labels and summaries are built once, off the render path, as Rich `Text` whose spans carry a
*role* name (`"ok"`, `"bad"`, `"json-key"`…) instead of a colour. A widget turns roles into
real styles when it renders, from its component classes, which `app.tcss` colours with theme
variables. Changing the theme therefore recolours everything already on screen, and no colour
is written in Python.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.style import Style
from rich.text import Span, Text

ROLES: tuple[str, ...] = (
    "ok", "bad", "warn", "running", "muted", "accent", "secret", "error", "placeholder",
    "heading", "json-key", "json-string", "json-number", "json-constant", "reference",
)
"""Every role a label or summary may use; each is a component class `<prefix>--<role>`."""


def component_classes(prefix: str) -> set[str]:
    """The component class names a widget declares to support every role."""
    return {f"{prefix}--{role}" for role in ROLES}


def resolve(text: Text, lookup: Callable[[str], Style]) -> Text:
    """A copy of `text` with role-named spans replaced by the styles `lookup` gives.

    Spans whose style is not a role (a real `Style`, or a style string such as `"bold"`) are
    kept as they are.
    """
    spans = [
        Span(span.start, span.end, lookup(span.style))
        if isinstance(span.style, str) and span.style in _ROLE_SET
        else span
        for span in text.spans
    ]
    style = text.style
    if isinstance(style, str) and style in _ROLE_SET:
        style = lookup(style)
    return Text(
        text.plain,
        style=style,
        spans=spans,
        justify=text.justify,
        overflow=text.overflow,
        no_wrap=text.no_wrap,
        end=text.end,
    )


_ROLE_SET = frozenset(ROLES)
