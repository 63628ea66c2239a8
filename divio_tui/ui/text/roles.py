"""Semantic colours for labels and the detail pane, resolved from the theme at render time.

Labels and summaries are built once, off the render path, as Rich `Text` whose spans carry a
*role* name (`"ok"`, `"bad"`, `"json-key"`…) instead of a colour. A widget turns roles into
real styles when it renders, from its component classes, which `app.tcss` colours with theme
variables. Changing the theme therefore recolours everything already on screen, and no colour
is written in Python.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Protocol

from rich.color import Color as RichColor
from rich.style import Style
from rich.text import Span, Text
from textual.color import Color

MIN_CONTRAST = 4.5
"""WCAG AA for body text: every role is drawn at least this far from its background."""

ROLES: tuple[str, ...] = (
    "text", "ok", "bad", "warn", "running", "muted", "accent", "secret", "error",
    "placeholder", "heading", "json-key", "json-string", "json-number", "json-constant",
    "reference",
)
"""Every role a label or summary may use; each is a component class `<prefix>--<role>`.
`text` is the base of everything resolved: plain text, made readable like the rest."""


def component_classes(prefix: str) -> set[str]:
    """The component class names a widget declares to support every role."""
    return {f"{prefix}--{role}" for role in ROLES}


class Styled(Protocol):
    """A widget with component classes (Textual's `Widget.get_component_rich_style`)."""

    def get_component_rich_style(self, *names: str, partial: bool = False,
                                 default: Style | None = None) -> Style: ...


def role_style(widget: Styled, component: str) -> Style:
    """The style of one role for text drawn on `widget`: the component's colour as it really
    shows on the widget's background, and its text attributes, but no background (a label keeps
    the cursor line's highlight).

    The partial style alone would be wrong: theme colours such as `$text-muted` are `auto 60%`
    (a contrast colour at 60% over the background), and a partial Rich style drops both the
    `auto` and the alpha, so muted text came out white on a light grey.
    """
    blended = widget.get_component_rich_style(component)
    attributes = widget.get_component_rich_style(component, partial=True)
    color, background = blended.color, blended.bgcolor
    if color is None or background is None:
        return attributes + Style(color=color)
    return attributes + Style(color=readable(color, background))


def readable_line(style: Style) -> Style:
    """A line style (a cursor, a highlight) with its colour made readable on its own
    background: Textual's block cursor is about 3.8:1 in its own dark theme."""
    if style.color is None or style.bgcolor is None:
        return style
    return style + Style(color=readable(style.color, style.bgcolor))


def contrast(first: Color, second: Color) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def readable(color: RichColor, background: RichColor) -> RichColor:
    """`color`, or the nearest colour of its hue towards black or white that reaches
    `MIN_CONTRAST` on `background`: a theme's own choice where it is readable, nudged where it
    is not (Textual's `$text-success` on a light surface is about 3:1)."""
    return _readable(Color.from_rich_color(color), Color.from_rich_color(background)).rich_color


@lru_cache(maxsize=1024)
def _readable(color: Color, background: Color) -> Color:
    if contrast(color, background) >= MIN_CONTRAST:
        return color
    target = Color(0, 0, 0) if _luminance(background) > 0.18 else Color(255, 255, 255)
    for step in range(1, 21):
        candidate = color.blend(target, step / 20)
        if contrast(candidate, background) >= MIN_CONTRAST:
            return candidate
    return target


def _luminance(color: Color) -> float:
    def channel(value: int) -> float:
        share = value / 255
        return share / 12.92 if share <= 0.03928 else ((share + 0.055) / 1.055) ** 2.4

    return (0.2126 * channel(color.r) + 0.7152 * channel(color.g)
            + 0.0722 * channel(color.b))


def resolve(text: Text, lookup: Callable[[str], Style]) -> Text:
    """A copy of `text` with role-named spans replaced by the styles `lookup` gives.

    Spans whose style is not a role (a real `Style`, or a style string such as `"bold"`) are
    kept as they are; a text without a style of its own gets the `text` role as its base.
    """
    spans = [
        Span(span.start, span.end, lookup(span.style))
        if isinstance(span.style, str) and span.style in _ROLE_SET
        else span
        for span in text.spans
    ]
    style = text.style or "text"
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
