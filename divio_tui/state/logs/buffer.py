"""`LogBuffer`: the lines of one log, in time order, at most `cap` of them.

Lines are kept as parallel lists (text, time, service) rather than an object per line: a
100,000-line deployment log is then three lists, made in a few C-level passes. Text is stored
as it is shown, copied and saved: the API's text with every control character made visible
(`divio_tui.untrusted.visible`), so an escape sequence in a log can never reach the terminal,
the clipboard or a file as a live sequence. A message holding newlines is one line per
newline; the continuation lines have no time of their own.

Every line has a sequence number (`seq`) that never changes while it is in the buffer: lines
appended get the numbers after the newest, lines prepended (older pages) the numbers before the
oldest. Views (the filter, the screen's cursor) hold seqs, so dropping the oldest lines or
adding older ones never moves what they point at. `replace` starts a new `generation`.

The cap bounds memory: appending past it drops the oldest lines (`dropped` counts them);
prepending past it takes only what fits (`full` then says older lines cannot be added).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import datetime

from divio_tui.untrusted import visible

__all__ = ["DEFAULT_LINE_CAP", "Line", "LogBuffer", "split_message", "split_text"]

DEFAULT_LINE_CAP = 100_000
"""Lines a log keeps by default (the config's `log_line_cap` changes it)."""

Line = tuple[str, datetime | None, str]
"""One line to add: (text as shown, time or None for a continuation, service or "")."""


def split_text(text: str) -> list[str]:
    """A text blob (a deployment's log) as visible lines: CRLF is a line end, a trailing
    newline ends the last line, every other control character shows as a mark."""
    shown = visible(text.replace("\r\n", "\n"), multiline=True)
    lines = shown.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def split_message(time: datetime | None, service: str | None, message: str | None) -> list[Line]:
    """One runtime log entry as lines: its first line has the time, the rest continue it."""
    svc = visible(service) if service else ""
    parts = split_text(message or "") or [""]
    return [(part, time if index == 0 else None, svc) for index, part in enumerate(parts)]


class LogBuffer:
    """The lines of one log (see the module docstring)."""

    def __init__(self, cap: int = DEFAULT_LINE_CAP) -> None:
        if cap < 1:
            raise ValueError("cap must be at least 1")
        self.cap = cap
        self.texts: list[str] = []
        self.times: list[datetime | None] = []
        self.services: list[str] = []
        self.first_seq = 0
        """The seq of the oldest line held."""
        self.dropped = 0
        """Lines dropped from the old end because of the cap (since the last `replace`)."""
        self.refused = 0
        """Older lines that did not fit and were not added."""
        self.generation = 0
        """Counts `replace` calls: a view built on an older generation must start again."""
        self.service_counts: Counter[str] = Counter()
        self.widest = 0
        """The longest line held, in characters (for horizontal scrolling)."""

    # -- reading ------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.texts)

    @property
    def end_seq(self) -> int:
        """One past the seq of the newest line."""
        return self.first_seq + len(self.texts)

    @property
    def full(self) -> bool:
        return len(self.texts) >= self.cap

    def __contains__(self, seq: object) -> bool:
        return isinstance(seq, int) and self.first_seq <= seq < self.end_seq

    def text(self, seq: int) -> str:
        return self.texts[seq - self.first_seq]

    def time(self, seq: int) -> datetime | None:
        return self.times[seq - self.first_seq]

    def service(self, seq: int) -> str:
        return self.services[seq - self.first_seq]

    def entry_time(self, seq: int) -> datetime | None:
        """The time of the entry `seq` belongs to (a continuation line: its first line's)."""
        index = seq - self.first_seq
        while index >= 0:
            moment = self.times[index]
            if moment is not None:
                return moment
            index -= 1
        return None

    @property
    def newest_time(self) -> datetime | None:
        return next((moment for moment in reversed(self.times) if moment is not None), None)

    def seqs(self) -> range:
        return range(self.first_seq, self.end_seq)

    def iter_lines(self, seqs: Iterable[int]) -> Iterator[str]:
        first = self.first_seq
        texts = self.texts
        return (texts[seq - first] for seq in seqs)

    # -- changing -----------------------------------------------------------------------

    def append(self, lines: Iterable[Line]) -> int:
        """Add newer lines; returns how many of the oldest were dropped to stay within cap."""
        added = list(lines)
        if not added:
            return 0
        self._extend(added, at_start=False)
        excess = len(self.texts) - self.cap
        if excess > 0:
            self._drop_oldest(excess)
            return excess
        return 0

    def append_texts(self, texts: list[str]) -> int:
        """Add newer lines that have no time or service (a deployment's log), quickly."""
        if not texts:
            return 0
        self.texts.extend(texts)
        self.times.extend([None] * len(texts))
        self.services.extend([""] * len(texts))
        self.service_counts[""] += len(texts)
        self.widest = max(self.widest, max(map(len, texts)))
        excess = len(self.texts) - self.cap
        if excess > 0:
            self._drop_oldest(excess)
            return excess
        return 0

    def prepend(self, lines: Iterable[Line]) -> int:
        """Add older lines before the oldest; returns how many were added (the newest of them
        first, as many as fit within the cap; the rest count as `refused`)."""
        older = list(lines)
        room = self.cap - len(self.texts)
        taken = older[max(0, len(older) - room):] if room > 0 else []
        self.refused += len(older) - len(taken)
        if taken:
            self._extend(taken, at_start=True)
        return len(taken)

    def replace_last(self, text: str) -> None:
        """The newest line grew (a log that did not end with a newline): its new text."""
        if self.texts:
            self.texts[-1] = text
            self.widest = max(self.widest, len(text))

    def replace(self) -> None:
        """Forget every line (a new reading of the whole log follows)."""
        self.texts, self.times, self.services = [], [], []
        self.first_seq = 0
        self.dropped = self.refused = 0
        self.service_counts.clear()
        self.widest = 0
        self.generation += 1

    def _extend(self, lines: list[Line], *, at_start: bool) -> None:
        texts = [line[0] for line in lines]
        times = [line[1] for line in lines]
        services = [line[2] for line in lines]
        if at_start:
            self.texts[0:0] = texts
            self.times[0:0] = times
            self.services[0:0] = services
            self.first_seq -= len(lines)
        else:
            self.texts.extend(texts)
            self.times.extend(times)
            self.services.extend(services)
        self.service_counts.update(services)
        self.widest = max(self.widest, max(map(len, texts)))

    def _drop_oldest(self, count: int) -> None:
        self.service_counts.subtract(self.services[:count])
        del self.texts[:count]
        del self.times[:count]
        del self.services[:count]
        self.first_seq += count
        self.dropped += count
