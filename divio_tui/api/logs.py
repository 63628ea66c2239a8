"""`LogCursor`: an environment's runtime logs, read from the newest window both ways.

`GET environments/<uuid>/logs/` pages like a cursor (divio-api.md §8.3): every page has a
`next` (what came after it: empty until new lines exist, which is how `divio app logs --tail`
follows) and a `previous` (what came before it). There is no `count`. The paging guards of the
list pager (cursor.py) apply here too, adapted to a list that grows at one end:

- every URL is pinned to the API origin (`ApiUrls.pin`): a `next` or `previous` elsewhere is
  `Refused` before anything is sent, so the token cannot leak;
- older pages end when `previous` is missing or repeats a URL already read that way (Divio's
  export script stops when `previous` equals the URL it just fetched; the fake does that at
  the oldest end), so a looping server cannot make scrolling up read for ever;
- newer pages may repeat their URL (an empty page at the tail points at itself: it is polled
  again later), but entries already read are dropped, so a server that serves a page twice
  never shows a line twice; the keys of the lines read last are kept, a bounded number;
- each call reads one page: the caller paces the polling (about a second between empty
  pages, backing off on errors) and asks for older pages only when the user scrolls there,
  so every user action is a bounded number of requests;
- the order within a page is unknown (the export script reverses it): each page is handed
  back oldest first.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import httpx

from .errors import Refused, describe_request
from .models import LogEntry, LogPage

if TYPE_CHECKING:
    from .client import DivioClient
    from .urls import Params

__all__ = ["LOG_PAGE_SIZE", "LogCursor", "log_cursor"]

LOG_PAGE_SIZE = 200
"""Entries asked for per page (the real API's page size is unknown; DRF ignores the
parameter where it does not apply)."""

RECENT_KEYS = 2_000
"""Keys of the newest lines remembered to drop a page served twice (two large pages)."""

LogReader = Callable[[httpx.URL], Coroutine[Any, Any, LogPage]]
"""Fetches and parses one page of log entries."""

Pin = Callable[[str | httpx.URL], httpx.URL]
"""Checks a URL may carry the token (the client's `ApiUrls.pin`), raising `Refused`."""


def log_cursor(client: DivioClient, environment: str, params: Params | None = None, *,
               page_size: int = LOG_PAGE_SIZE) -> LogCursor:
    """A `LogCursor` over one environment's runtime logs (nothing is sent until `newest`)."""
    merged: dict[str, Any] = {"page_size": page_size, **(params or {})}
    first = client.urls.resolve(client.url_for("environment", environment) + "logs/", merged)

    async def read(url: httpx.URL) -> LogPage:
        page: LogPage = await client.environment_logs(environment, url=str(url))
        return page

    return LogCursor(first, read, client.urls.pin)


def entry_key(entry: LogEntry) -> tuple[object, object, object]:
    """What makes a log line itself: its time as sent (all its digits), service and text."""
    raw = entry.raw
    return (raw.get("timestamp"), raw.get("service"), raw.get("message"))


class LogCursor:
    """Where one runtime log stands: the newest window first, then older or newer pages.

    `newest()` reads the first page (the most recent lines); `older()` follows `previous`
    until `older_exhausted`; `newer()` follows `next` and returns [] while nothing new has
    been written. Each returns the page's entries oldest first, with lines already read
    dropped (`duplicates` counts them). Errors are the client's `ApiError`s; a `Refused`
    link ends that direction.
    """

    def __init__(self, first_url: httpx.URL, read: LogReader, pin: Pin) -> None:
        self.first_url = first_url
        self._read = read
        self._pin = pin
        self.started = False
        self.older_exhausted = False
        """No older page exists (or the server's `previous` links went round in a circle)."""
        self.newer_closed = False
        """The server gave no `next`: there is nothing to follow."""
        self.pages_read = 0
        self.duplicates = 0
        self._previous: tuple[httpx.URL, str | None] | None = None
        """The oldest page read and its `previous` link, as sent (checked when followed)."""
        self._next: tuple[httpx.URL, str | None] | None = None
        """The newest page read and its `next` link."""
        self._older_seen: set[str] = set()
        self._recent: deque[tuple[object, object, object]] = deque()
        self._recent_set: set[tuple[object, object, object]] = set()
        self._oldest: set[tuple[object, object, object]] = set()
        """Keys of the oldest page read: an older page repeating it is a loop."""

    async def newest(self) -> list[LogEntry]:
        """The first page: the most recent window of the log."""
        page = await self._fetch(self.first_url)
        self.started = True
        self._older_seen.add(str(self.first_url))
        self._previous = (self.first_url, page.previous)
        self._next = (self.first_url, page.next)
        self.older_exhausted = not page.previous
        self.newer_closed = not page.next
        entries = self._fresh(page.results)
        self._oldest = {entry_key(entry) for entry in entries[:50]}
        return entries

    async def older(self) -> list[LogEntry]:
        """The page before the oldest one read ([] at the start of the log)."""
        if not self.started:
            return await self.newest()
        url = self._take(self._previous, older=True)
        if url is None or str(url) in self._older_seen:
            # No link, or the export script's end condition: `previous` is a page read.
            self.older_exhausted = True
            return []
        page = await self._fetch(url)
        self._older_seen.add(str(url))
        self._previous = (url, page.previous)
        entries = _oldest_first(page.results)
        keys = [entry_key(entry) for entry in entries]
        if entries and all(key in self._oldest for key in keys[-50:]):
            # The same lines again: the server's `previous` went round. Nothing older.
            self.older_exhausted = True
            self.duplicates += len(entries)
            return []
        self._oldest = set(keys[:50])
        self.older_exhausted = not page.previous or self._seen_older(url, page.previous)
        return entries

    async def newer(self) -> list[LogEntry]:
        """The page after the newest one read; [] while nothing new exists (poll again)."""
        if not self.started:
            return await self.newest()
        url = self._take(self._next, older=False)
        if url is None:
            self.newer_closed = True
            return []
        page = await self._fetch(url)
        self._next = (url, page.next)
        self.newer_closed = not page.next
        return self._fresh(page.results)

    # -- internals ----------------------------------------------------------------------

    def _seen_older(self, page_url: httpx.URL, link: str) -> bool:
        try:
            return str(page_url.join(link)) in self._older_seen
        except httpx.InvalidURL:
            return False

    async def _fetch(self, url: httpx.URL) -> LogPage:
        page = await self._read(url)
        self.pages_read += 1
        return page

    def _take(self, link: tuple[httpx.URL, str | None] | None, *, older: bool) -> httpx.URL | None:
        """The absolute, origin-pinned URL of a page's link; a bad one ends that direction.

        Links are checked when they are about to be followed, not when their page arrives,
        so the lines of a page whose link is bad are still shown."""
        if link is None:
            return None
        page_url, target = link
        if not target:
            return None
        try:
            return self._pin(page_url.join(target))
        except (Refused, httpx.InvalidURL) as error:
            if older:
                self._previous, self.older_exhausted = None, True
            else:
                self._next, self.newer_closed = None, True
            if isinstance(error, Refused):
                raise
            raise Refused("Refused a malformed log link — "
                          f"{describe_request('GET', page_url)}", url=page_url) from None

    def _fresh(self, results: list[LogEntry]) -> list[LogEntry]:
        """Oldest first, without the lines read already (bounded memory of recent keys)."""
        fresh: list[LogEntry] = []
        for entry in _oldest_first(results):
            key = entry_key(entry)
            if key in self._recent_set:
                self.duplicates += 1
                continue
            fresh.append(entry)
            self._recent.append(key)
            self._recent_set.add(key)
        while len(self._recent) > RECENT_KEYS:
            self._recent_set.discard(self._recent.popleft())
        return fresh


def _oldest_first(entries: list[LogEntry]) -> list[LogEntry]:
    """`entries` in time order: as given when ascending, reversed when descending, else
    sorted (stable; lines without a time keep the place of the line before them)."""
    times = [entry.timestamp for entry in entries if entry.timestamp is not None]
    if all(a <= b for a, b in itertools.pairwise(times)):
        return list(entries)
    if all(a >= b for a, b in itertools.pairwise(times)):
        return list(reversed(entries))
    last = _EARLIEST
    keyed: list[tuple[datetime, int, LogEntry]] = []
    for index, entry in enumerate(entries):
        last = entry.timestamp or last
        keyed.append((last, index, entry))
    keyed.sort(key=lambda item: (item[0], item[1]))
    return [entry for _, _, entry in keyed]


_EARLIEST = datetime.min.replace(tzinfo=UTC)
