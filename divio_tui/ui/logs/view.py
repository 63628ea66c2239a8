"""`LogView`: a log drawn a screen line at a time, however long it is.

A Line API widget (`ScrollView`): Textual asks for the lines on screen (`render_line`) and
nothing else is built, so a 100,000-line log costs what the visible 40 lines cost, plus one
pass over the lines' lengths when wrapping is on. The rows are the `FilteredLog`'s (what the
filter shows); each row is one line of the buffer, drawn as

- runtime logs: time (UTC, local or hidden), service (each its own colour; unknown services
  get one of a few more, always the same for the same name), message;
- deployment logs: line number, message; build steps, errors, warnings and successes stand
  out by their words (and by the colour codes the build printed, which show as marks).

Text is the buffer's: already visible (escape sequences as ␛ marks, which are drawn muted);
it is never parsed as markup. A line longer than `DISPLAY_CHARS` is cut for display with a
note of how much is left (copy and save take the whole line). Matches of the query are
highlighted. The cursor is a line (what `c` copies), tracked by its sequence number so that
lines arriving, older lines loaded above or the oldest dropped never move it; the lines at the
top of the screen stay where they are too, unless the view is following the end.

The view posts `Moved` when the user moves the cursor or scrolls (the screen pauses following
when it is not at the end, and reads older lines at the top).
"""

from __future__ import annotations

import re
import zlib
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from itertools import accumulate
from typing import ClassVar, Literal

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Span, Text
from textual import events
from textual.binding import BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from divio_tui.state.logs import FilteredLog
from divio_tui.ui.keys import LOG_VIEW_BINDINGS

__all__ = ["DISPLAY_CHARS", "LogView", "TimeMode", "resolve_roles", "service_role"]

DISPLAY_CHARS = 2_000
"""Characters of a line drawn at most; the rest is named, not drawn (a 100 KB line would
otherwise cost every frame it is on screen)."""

TimeMode = Literal["utc", "local", "hidden"]
TIME_MODES: tuple[TimeMode, ...] = ("utc", "local", "hidden")

KNOWN_SERVICES = ("web", "worker", "cronjob", "shell")
"""The services divio-cli knows (divio-api.md §8.3); each has its colour."""

OTHER_SERVICE_ROLES = 4
"""Colours shared out among the other services, by a hash of their name."""

MARKS = re.compile(r"␛(?:\[[0-9;?<=>]*[ -/]*[@-~]|\][^␇␛]*(?:␇|␛\\)?|P[^␛]*(?:␛\\)?)?|[\u2400-\u2421]")
"""Visible stand-ins of control characters and the escape sequences they started."""

_TONES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("step", re.compile(r"^Step \d+/\d+\b")),
    ("error", re.compile(r"␛\[(?:1;)?31m|\b(?:ERROR|CRITICAL|FATAL|Traceback)\b|\b[Ff]ailed\b"
                         r"|\b\w+Error:")),
    ("warn", re.compile(r"␛\[(?:1;)?33m|\bWARN(?:ING)?\b")),
    ("ok", re.compile(r"␛\[32m|\bSuccessfully\b|\bsuccessful\b")),
)
"""How a line stands out: the first that matches wins."""

ROLE_NAMES = ("time", "gutter", "cursor", "match", "mark", "step", "error", "warn", "ok", "bad",
              "running", "muted", "accent", "placeholder", *(f"svc-{name}" for name in KNOWN_SERVICES),
              *(f"svc-other-{n}" for n in range(OTHER_SERVICE_ROLES)))


_ROLE_SET = frozenset(ROLE_NAMES)


def resolve_roles(text: Text, lookup: Callable[[str], Style]) -> Text:
    """A copy of `text` with the log roles in its spans turned into styles (roles.py's
    `resolve`, for the log view's own roles: times, services, tones)."""
    spans = [Span(span.start, span.end, lookup(span.style))
             if isinstance(span.style, str) and span.style in _ROLE_SET else span
             for span in text.spans]
    style = lookup(text.style) if isinstance(text.style, str) and text.style in _ROLE_SET \
        else text.style
    return Text(text.plain, style=style, spans=spans, no_wrap=text.no_wrap, end=text.end)


def service_role(service: str) -> str:
    """The colour role of a service: its own for the known four, a stable pick otherwise."""
    if service in KNOWN_SERVICES:
        return f"svc-{service}"
    return f"svc-other-{zlib.crc32(service.encode()) % OTHER_SERVICE_ROLES}"


def tone_of(text: str) -> str:
    """`step`, `error`, `warn`, `ok` or "" for a line of a log."""
    for tone, pattern in _TONES:
        if pattern.search(text):
            return tone
    return ""


def _cut_note(left: int) -> str:
    return f" … {left:,} more characters (c copies the whole line)"


def display_cells(text: str) -> int:
    """Cells the drawn form of `text` takes (cut at DISPLAY_CHARS, with its note)."""
    left = len(text) - DISPLAY_CHARS
    shown = text[:DISPLAY_CHARS]
    cells = len(shown) if shown.isascii() else cell_len(shown)
    return cells + (len(_cut_note(left)) if left > 0 else 0)


class LogView(ScrollView, can_focus=True):
    """A virtualised log (see the module docstring)."""

    BINDINGS: ClassVar[list[BindingType]] = list(LOG_VIEW_BINDINGS)
    COMPONENT_CLASSES: ClassVar[set[str]] = {f"log-view--{role}" for role in ROLE_NAMES}

    wrap: reactive[bool] = reactive(False, init=False)
    time_mode: reactive[TimeMode] = reactive[TimeMode]("utc", init=False)

    class Moved(Message):
        """The user moved the cursor or scrolled; where the view now stands."""

        def __init__(self, view: LogView, *, at_top: bool, at_end: bool) -> None:
            super().__init__()
            self.view = view
            self.at_top = at_top
            self.at_end = at_end

    def __init__(self, log: FilteredLog, *, numbered: bool, id: str | None = None) -> None:
        super().__init__(id=id)
        self.filtered = log
        self.numbered = numbered
        """Deployment logs: line numbers instead of time and service."""
        self.cursor_seq: int | None = None
        """The line under the cursor; None: the last row (as when following)."""
        self.empty_text = Text("loading…")
        """What the view says while it has no rows."""
        self._starts: list[int] | None = None
        """Wrap mode: the first screen line of each row (and the total after the last)."""
        self._anchor: tuple[int, int] | None = None
        """The row at the top of the screen (seq, screen lines into it): kept in place."""
        self._programmatic = 0
        self._service_width = 3
        self._number_width = 1
        self._laid_out_width = 0
        self._strips: LRUCache[tuple[int, int, int], Strip] = LRUCache(512)
        self._cache_key = 0
        self._roles: dict[str, Style] = {}
        self._frame: _Frame | None = None

    # -- geometry -----------------------------------------------------------------------

    @property
    def content_width(self) -> int:
        return max(1, self.scrollable_content_region.width)

    @property
    def gutter_width(self) -> int:
        if self.numbered:
            return self._number_width + 1
        width = self._service_width + 1
        if self.time_mode != "hidden":
            width += 13
        return width

    @property
    def message_width(self) -> int:
        return max(10, self.content_width - self.gutter_width)

    @property
    def row_count(self) -> int:
        return len(self.filtered.rows)

    def _measure(self) -> None:
        buffer = self.filtered.buffer
        services = [name for name, count in buffer.service_counts.items() if count > 0 and name]
        self._service_width = min(10, max([3, *map(len, services)]))
        self._number_width = len(f"{max(buffer.end_seq, 1)}")

    def _layout(self) -> None:
        self._measure()
        rows = self.filtered.rows
        width = self.message_width
        if self.wrap:
            texts = self.filtered.buffer.iter_lines(rows)
            heights = (max(1, -(-display_cells(text) // width)) for text in texts)
            self._starts = list(accumulate(heights, initial=0))
            height = self._starts[-1]
            virtual_width = self.content_width
        else:
            self._starts = None
            height = len(rows)
            widest = min(self.filtered.buffer.widest, DISPLAY_CHARS + len(_cut_note(10**6)))
            virtual_width = self.gutter_width + widest
        self._laid_out_width = self.content_width
        self._programmatic += 1
        try:
            self.virtual_size = Size(virtual_width, max(height, 1))
        finally:
            self._programmatic -= 1

    def row_top(self, index: int) -> int:
        """The first screen line (of the whole log) of row `index`."""
        if self._starts is None:
            return index
        return self._starts[max(0, min(index, len(self._starts) - 1))]

    def row_height(self, index: int) -> int:
        if self._starts is None:
            return 1
        return self._starts[index + 1] - self._starts[index]

    def locate(self, line: int) -> tuple[int, int]:
        """(row index, screen line within it) of a screen line of the whole log."""
        if self._starts is None:
            return line, 0
        index = bisect_right(self._starts, line) - 1
        index = max(0, min(index, len(self._starts) - 2))
        return index, line - self._starts[index]

    # -- what the screen calls ----------------------------------------------------------

    def refresh_log(self, *, follow: bool) -> None:
        """The buffer or the filter changed: lay out again, keeping the cursor's line and
        the lines at the top of the screen (or, `follow`, going to the end)."""
        self._layout()
        self.clear_cache()
        if follow or not self.row_count:
            self.cursor_seq = None
            self._scroll(y=self.max_scroll_y_for_layout())
        elif self._anchor is not None:
            seq, offset = self._anchor
            index = self.filtered.index_of(seq)
            rows = self.filtered.rows
            if len(rows) and rows[index] < seq:
                offset = 0
            self._scroll(y=self.row_top(index) + offset)
        if self.cursor_seq is not None and self.cursor_seq not in self.filtered.buffer:
            self.cursor_seq = None if not self.row_count else self.filtered.rows[0]
        self._remember_anchor()
        self.refresh()

    def max_scroll_y_for_layout(self) -> int:
        return max(0, self.virtual_size.height - self.scrollable_content_region.height)

    def clear_cache(self) -> None:
        """Draw every line again (a new query, another theme, another time mode)."""
        self._cache_key += 1
        self._strips.clear()

    @property
    def cursor_index(self) -> int:
        rows = self.filtered.rows
        if not len(rows):
            return 0
        if self.cursor_seq is None:
            return len(rows) - 1
        return self.filtered.index_of(self.cursor_seq)

    @property
    def cursor_line(self) -> int | None:
        """The seq of the line under the cursor (None without rows)."""
        rows = self.filtered.rows
        return rows[self.cursor_index] if len(rows) else None

    @property
    def at_end(self) -> bool:
        return self.scroll_y >= self.max_scroll_y_for_layout()

    def move_to(self, seq: int | None, *, center: bool = False) -> None:
        """Put the cursor on `seq` (None: the last row) and scroll it into view."""
        self.cursor_seq = seq
        self._reveal_cursor(center=center)
        self.refresh()

    # -- keys ---------------------------------------------------------------------------

    def action_cursor_down(self) -> None:
        self._step(1)

    def action_cursor_up(self) -> None:
        self._step(-1)

    def action_page_down(self) -> None:
        self._step(max(1, self.scrollable_content_region.height - 1))

    def action_page_up(self) -> None:
        self._step(-max(1, self.scrollable_content_region.height - 1))

    def action_top(self) -> None:
        rows = self.filtered.rows
        if len(rows):
            self.cursor_seq = rows[0]
            self._reveal_cursor()
            self.refresh()
        self._moved()

    def action_bottom(self) -> None:
        self.cursor_seq = None
        self._scroll(y=self.max_scroll_y_for_layout())
        self.refresh()
        self._moved()

    def action_scroll_left_by(self, cells: int) -> None:
        if not self.wrap:
            self._scroll(x=max(0, self.scroll_x + cells))

    def _step(self, delta: int) -> None:
        rows = self.filtered.rows
        if not len(rows):
            return
        index = max(0, min(len(rows) - 1, self.cursor_index + delta))
        self.cursor_seq = rows[index]
        self._reveal_cursor()
        self.refresh()
        self._moved()

    def on_click(self, event: events.Click) -> None:
        rows = self.filtered.rows
        line = int(self.scroll_y) + event.y
        index, _ = self.locate(line)
        if len(rows) and index < len(rows):
            self.cursor_seq = rows[index]
            self.refresh()
            self._moved()

    def _reveal_cursor(self, *, center: bool = False) -> None:
        index = self.cursor_index
        top, height = self.row_top(index), self.row_height(index)
        screen = max(1, self.scrollable_content_region.height)
        y = int(self.scroll_y)
        if center:
            y = top - screen // 2
        elif top < y:
            y = top
        elif top + height > y + screen:
            y = top + height - screen
        self._scroll(y=max(0, y))

    def _scroll(self, *, x: float | None = None, y: float | None = None) -> None:
        self._programmatic += 1
        try:
            self.scroll_to(x=x, y=y, animate=False, force=True)
        finally:
            self._programmatic -= 1
        self._remember_anchor()

    def _moved(self) -> None:
        self.post_message(self.Moved(self, at_top=self.scroll_y <= 0, at_end=self.at_end))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._remember_anchor()
        if not self._programmatic and round(old_value) != round(new_value):
            self._moved()  # the mouse wheel, the scrollbar

    def _remember_anchor(self) -> None:
        rows = self.filtered.rows
        if not len(rows):
            self._anchor = None
            return
        index, offset = self.locate(int(self.scroll_y))
        index = min(index, len(rows) - 1)
        self._anchor = (rows[index], offset)

    def watch_wrap(self) -> None:
        self._scroll(x=0)
        self.refresh_log(follow=self.at_end and self.cursor_seq is None)
        self._reveal_cursor()

    def watch_time_mode(self) -> None:
        self.refresh_log(follow=self.at_end and self.cursor_seq is None)

    def on_resize(self) -> None:
        if self.content_width != self._laid_out_width:
            self.refresh_log(follow=self.at_end and self.cursor_seq is None)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._roles.clear()
        self.clear_cache()

    # -- drawing ------------------------------------------------------------------------

    def role_style(self, role: str) -> Style:
        """The style of a role, from app.tcss (kept until the theme or the CSS changes)."""
        style = self._roles.get(role)
        if style is None:
            name = f"log-view--{role}"
            # The partial style says which attributes the rule sets; the full one has them
            # resolved (a translucent `$text-muted` blended for this theme: the partial
            # style's colour would be the unblended one, white on a light theme).
            part = self.get_component_rich_style(name, partial=True)
            full = self.get_component_rich_style(name)
            style = Style(color=full.color if part.color else None,
                          bgcolor=full.bgcolor if part.bgcolor else None, bold=part.bold,
                          italic=part.italic, underline=part.underline, dim=part.dim)
            if part:  # every role has a rule: an empty style means the CSS is not applied yet
                self._roles[role] = style
        return style

    def render_lines(self, crop: Region) -> list[Strip]:
        # What every line of this frame shares, worked out once per frame, not per line.
        rows = self.filtered.rows
        self._frame = _Frame(width=self.content_width, base=self.rich_style, rows=rows,
                             gutter=self.gutter_width, cursor=self.cursor_line,
                             top=int(self.scroll_y), left=int(self.scroll_x))
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None

    def render_line(self, y: int) -> Strip:
        frame = self._frame
        if frame is None:
            frame = _Frame(width=self.content_width, base=self.rich_style,
                           rows=self.filtered.rows, gutter=self.gutter_width,
                           cursor=self.cursor_line, top=int(self.scroll_y),
                           left=int(self.scroll_x))
        width, base, rows = frame.width, frame.base, frame.rows
        if not len(rows):
            if y != 0:
                return Strip.blank(width, base)
            text = resolve_roles(self.empty_text, self.role_style)
            return Strip(list(text.render(self.app.console))).crop_extend(0, width, base)
        index, sub = self.locate(frame.top + y)
        if index >= len(rows):
            return Strip.blank(width, base)
        seq = rows[index]
        gutter = self._gutter(seq, first=sub == 0)
        message = self._message(seq)
        msg_width = width - frame.gutter
        if self.wrap:
            part = message.crop(sub * msg_width, (sub + 1) * msg_width)
        else:
            part = message.crop(frame.left, frame.left + msg_width)
        # The widget's colours under everything (segments without a background of their own
        # would otherwise show the terminal's).
        strip = Strip([*gutter, *part]).crop_extend(0, width, None)
        if seq == frame.cursor:
            strip = strip.apply_style(self.role_style("cursor"))
        return strip.apply_style(base)

    def _gutter(self, seq: int, *, first: bool) -> list[Segment]:
        buffer = self.filtered.buffer
        if self.numbered:
            number = f"{seq + 1:>{self._number_width}} " if first else " " * self.gutter_width
            return [Segment(number, self.role_style("gutter"))]
        segments: list[Segment] = []
        moment = buffer.time(seq) if first else None
        if self.time_mode != "hidden":
            segments.append(Segment(_clock(moment, self.time_mode) + " ", self.role_style("time")))
        service = buffer.service(seq)
        name = service[: self._service_width].ljust(self._service_width) + " "
        if not first:
            name = " " * len(name)
        segments.append(Segment(name, self.role_style(service_role(service)) if service else Style()))
        return segments

    def _message(self, seq: int) -> Strip:
        key = (seq, self.filtered.buffer.generation, self._cache_key)
        cached = self._strips.get(key)
        if cached is not None:
            return cached
        full = self.filtered.buffer.text(seq)
        shown = full[:DISPLAY_CHARS]
        tone = tone_of(shown)
        text = Text(shown, no_wrap=True, end="")
        if tone:  # a span, not the Text's style: Text.render ignores that without spans
            text.stylize(self.role_style(tone), 0, len(shown))
        mark = self.role_style("mark")
        for found in MARKS.finditer(shown):
            text.stylize(mark, found.start(), found.end())
        query = self.filtered.query
        if query is not None:
            match = self.role_style("match")
            for start, end in query.spans(shown):
                text.stylize(match, start, end)
        left = len(full) - DISPLAY_CHARS
        if left > 0:
            text.append(_cut_note(left), mark)
        strip = Strip(list(text.render(self.app.console)))
        self._strips.set(key, strip)
        return strip


@dataclass(frozen=True, slots=True)
class _Frame:
    """What the lines of one frame share."""

    width: int
    base: Style
    rows: list[int] | range
    gutter: int
    cursor: int | None
    top: int
    left: int


def _clock(moment: datetime | None, mode: TimeMode) -> str:
    """`11:58:01.123` in UTC or local time; blanks for a line without a time."""
    if moment is None:
        return " " * 12
    if mode == "local":
        moment = moment.astimezone()
    return moment.strftime("%H:%M:%S.") + f"{moment.microsecond // 1000:03d}"
