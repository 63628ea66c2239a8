"""What of a log is shown: a text query and a service over the whole buffer, kept up to date.

`LogQuery.parse(text)` reads what the user typed into the filter bar:

- plain text matches anywhere in a line, ignoring case unless the text has a capital letter
  (smart case, as in vim and ripgrep);
- `~` first: a regular expression (Python's syntax, same smart case);
- `!` first: the lines that do *not* match (`!~` inverts a regular expression);
- a leading `\\` keeps a `!` or `~` literal (`\\!important`).

`FilteredLog` applies a query and a service to a `LogBuffer` and keeps the result as seqs:
`rows` (the lines shown: every line passing the service, and the query too unless it only
highlights) and `matches` (lines passing both: what `n` / `N` jump between, counted). `sync()`
after the buffer changed only looks at the lines added (new, or older ones prepended) and
trims those dropped, so following a 100,000-line log costs the new lines, not the buffer.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from .buffer import LogBuffer

__all__ = ["FilteredLog", "LogQuery"]


@dataclass(frozen=True)
class LogQuery:
    """A parsed filter (see the module docstring); `error` says why a regex is invalid."""

    text: str
    pattern: re.Pattern[str] | None
    invert: bool = False
    regex: bool = False
    error: str | None = None

    @classmethod
    def parse(cls, text: str) -> LogQuery | None:
        """The query for `text`, or None when there is nothing to filter by."""
        body = text.strip()
        if not body:
            return None
        invert = body.startswith("!")
        if invert:
            body = body[1:]
        regex = body.startswith("~")
        if regex or (body.startswith("\\") and body[1:2] in {"!", "~"}):
            body = body[1:]
        if not body:
            return cls(text, None, invert, regex)
        flags = 0 if any(char.isupper() for char in body) else re.IGNORECASE
        try:
            pattern = re.compile(body if regex else re.escape(body), flags)
        except re.error as error:
            return cls(text, None, invert, regex, error=str(error))
        return cls(text, pattern, invert, regex)

    @property
    def usable(self) -> bool:
        return self.pattern is not None

    def matches(self, line: str) -> bool:
        if self.pattern is None:
            return True
        found = self.pattern.search(line) is not None
        return found != self.invert

    def spans(self, line: str, limit: int = 200) -> list[tuple[int, int]]:
        """Where the query matches in `line` (nothing for an inverted query), at most `limit`."""
        if self.pattern is None or self.invert:
            return []
        spans = []
        for match in self.pattern.finditer(line):
            if match.end() > match.start():
                spans.append((match.start(), match.end()))
                if len(spans) >= limit:
                    break
        return spans

    def describe(self) -> str:
        """`"worker"`, `regex ERROR|WARN`, `not "healthz"`, for the status line."""
        body = self.text.strip().removeprefix("!").removeprefix("~")
        shown = f"regex {body}" if self.regex else f'"{body}"'
        return f"not {shown}" if self.invert else shown


class FilteredLog:
    """The rows and matches of a buffer under a query and a service (module docstring)."""

    def __init__(self, buffer: LogBuffer) -> None:
        self.buffer = buffer
        self.query: LogQuery | None = None
        self.service: str | None = None
        self.only_matches = True
        """Show only the matching lines (filter) or every line, matches highlighted (search)."""
        self._rows: list[int] | None = None
        self._matches: list[int] | None = None
        self._covered = (0, 0)
        self._generation = buffer.generation

    # -- settings -----------------------------------------------------------------------

    def set(self, *, query: LogQuery | bool | None = False, service: str | bool | None = False,
            only_matches: bool | None = None) -> None:
        """Change the query, the service or the mode (False: leave it); recomputes."""
        if query is not False:
            self.query = query if isinstance(query, LogQuery) and query.usable else None
        if service is not False:
            self.service = service if isinstance(service, str) else None
        if only_matches is not None:
            self.only_matches = only_matches
        self._rebuild()

    @property
    def active(self) -> bool:
        return self.query is not None or self.service is not None

    # -- reading ------------------------------------------------------------------------

    @property
    def rows(self) -> list[int] | range:
        """The seqs shown, oldest first (a range when every line is shown)."""
        self.sync()
        return self._rows if self._rows is not None else self.buffer.seqs()

    @property
    def matches(self) -> list[int] | range:
        """Lines matching query and service (every line when neither is set)."""
        self.sync()
        return self._matches if self._matches is not None else self.rows

    @property
    def match_count(self) -> int:
        return len(self.matches)

    def index_of(self, seq: int) -> int:
        """The row showing `seq`, or the first row after it (clamped to the last row)."""
        rows = self.rows
        index = seq - rows.start if isinstance(rows, range) else bisect_left(rows, seq)
        return max(0, min(index, len(rows) - 1))

    def next_match(self, seq: int, *, forward: bool = True) -> int | None:
        """The first match after (or before) `seq`, wrapping round; None without matches."""
        matches = self.matches
        if not len(matches):
            return None
        if forward:
            index = bisect_right(matches, seq)
            return matches[index % len(matches)]
        index = bisect_left(matches, seq) - 1
        return matches[index % len(matches)]

    # -- keeping up with the buffer -----------------------------------------------------

    def sync(self) -> None:
        """Take in the lines the buffer gained or lost since the last look."""
        buffer = self.buffer
        if buffer.generation != self._generation:
            self._rebuild()
            return
        low, high = self._covered
        first, end = buffer.first_seq, buffer.end_seq
        if (low, high) == (first, end):
            return
        if self._rows is None and self._matches is None:
            self._covered = (first, end)
            return
        if first > low:  # the oldest were dropped
            for seqs in self._lists():
                del seqs[:bisect_left(seqs, first)]
            low = first
        if first < low:  # older lines were prepended
            rows, matches = self._scan(range(first, low))
            self._splice(rows, matches, at_start=True)
        if end > high:
            rows, matches = self._scan(range(max(high, first), end))
            self._splice(rows, matches, at_start=False)
        self._covered = (first, end)

    def _rebuild(self) -> None:
        self._generation = self.buffer.generation
        self._covered = (self.buffer.first_seq, self.buffer.end_seq)
        if not self.active:
            self._rows = self._matches = None
            return
        rows, matches = self._scan(self.buffer.seqs())
        self._rows, self._matches = rows, matches

    def _lists(self) -> list[list[int]]:
        """The kept lists, each once (in filter mode rows and matches are one list)."""
        lists = [self._rows] if self._rows is not None else []
        if self._matches is not None and self._matches is not self._rows:
            lists.append(self._matches)
        return lists

    def _splice(self, rows: list[int], matches: list[int] | None, *, at_start: bool) -> None:
        pairs: list[tuple[list[int] | None, list[int] | None]] = [(self._rows, rows)]
        if self._matches is not self._rows:
            pairs.append((self._matches, matches))
        for target, new in pairs:
            if target is None or new is None:
                continue
            if at_start:
                target[0:0] = new
            else:
                target.extend(new)

    def _scan(self, seqs: range) -> tuple[list[int], list[int] | None]:
        """(rows, matches) among `seqs` for the current settings (matches None: no query)."""
        buffer = self.buffer
        first = buffer.first_seq
        service = self.service
        if service is not None:
            services = buffer.services
            candidates = [seq for seq in seqs if services[seq - first] == service]
        else:
            candidates = list(seqs)
        query = self.query
        if query is None:
            return candidates, None
        texts = buffer.texts
        pattern = query.pattern
        assert pattern is not None
        search = pattern.search
        if query.invert:
            matches = [seq for seq in candidates if search(texts[seq - first]) is None]
        else:
            matches = [seq for seq in candidates if search(texts[seq - first]) is not None]
        if self.only_matches:
            return matches, matches
        return candidates, matches
