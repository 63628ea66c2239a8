"""`ListCursor`: the one pager. Where one list stands, and its next batch on demand.

Everything that reads a list page by page goes through a cursor: `DivioClient.iter_pages`
(every page at once) and the tree (a batch at a time, `load more` in between). The guards
therefore live here, once:

- every URL is pinned to the API origin (`ApiUrls.pin`): a `next` elsewhere is `Refused`
  before anything is sent, so the token cannot leak;
- a `next` that repeats a URL already read (the same page again, or A -> B -> A) ends the list
  with a `Refused` "paging loop" instead of reading it forever;
- items whose key was already listed are dropped (`duplicates` counts them), so a server that
  serves a page twice never shows a row twice;
- at most `max_pages` pages are read in all, at most `BATCH_PAGES` in one batch, and a page
  costs its batch a full page of budget even when it is empty, so a server that answers tiny
  or empty pages with a `next`, or claims a billion records, cannot make one user action send
  thousands of requests;
- `EMPTY_RUN` empty pages in a row that still have a `next` end the list with an error in
  words (DRF never sends an empty page with a `next`);
- page-number links (``page=2`` with a `count`) are planned lazily: pages 2..N are fetched
  concurrently, at most the client's concurrency at once, without ever building N URLs; a
  page is parsed once the requests after it have gone out (`START_TURNS`).
"""

from __future__ import annotations

import math
from collections.abc import AsyncGenerator, Callable, Coroutine, Iterator
from contextlib import aclosing
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import httpx

from .base import ApiModel
from .errors import ApiError, BadResponse, NotFound, Refused, describe_request
from .pages import Page
from .paging import ordered_concurrently

if TYPE_CHECKING:
    from .resources import ResourceKind

__all__ = ["BATCH_PAGES", "EMPTY_RUN", "MAX_PAGES", "ListCursor", "PageReader"]

M = TypeVar("M", bound=ApiModel)

MAX_PAGES = 2_000
"""Pages one list may take in all (200,000 records at 100 a page; the largest list of the fake's
huge scale takes 963): past it the list ends with an error in words rather than running on."""

BATCH_PAGES = 25
"""Pages one batch (one user action: an expansion, a `load more`) may take, whatever the
server's page size: a server serving 2 records a page stops the batch at 50 records."""

EMPTY_RUN = 3
"""Empty pages with a `next`, in a row, after which the list ends with an error."""

PageReader = Callable[["ResourceKind[M]", httpx.URL],
                      Coroutine[Any, Any, Callable[[], Page[M]]]]
"""Fetches one page and returns how to parse it (the client's `_fetch_page`): the cursor parses
a page once the requests that follow it are on their way."""

START_TURNS = 4
"""Event loop turns the fetches just started get to put their requests on the wire before the
cursor parses a page that is in already (`ordered_concurrently`'s `start_turns`); httpx needs
three on a kept-alive connection. Otherwise, with six pages landing together, the next six
requests waited for all six to be parsed: a tenth more time to list a large collection."""

Pin = Callable[[str | httpx.URL], httpx.URL]
"""Checks a URL may carry the token (the client's `ApiUrls.pin`), raising `Refused`."""


class ListCursor(Generic[M]):
    """One list of one kind, read a batch at a time (see the module docstring).

    Build it with `DivioClient.cursor(kind, params)`. `next_batch(budget)` yields pages in
    order until about `budget` items have been read (at least one page); call it again to go
    on, until `exhausted`. `count` is what the first page said; `scanned` counts the records
    received (valid, invalid and duplicates alike).
    """

    def __init__(
        self,
        kind: ResourceKind[M],
        first_url: httpx.URL,
        read: PageReader[M],
        pin: Pin,
        *,
        concurrency: int,
        page_size: int,
        max_pages: int = MAX_PAGES,
        on_error: Callable[[ApiError], None] | None = None,
    ) -> None:
        self.kind = kind
        self._first_url = first_url
        self._read = read
        self._pin = pin
        self._concurrency = max(1, concurrency)
        self._asked_page_size = max(1, page_size)
        self.max_pages = max_pages
        self._on_error = on_error
        self._empty_run = 0
        self.capped = False
        """The list ended because `max_pages` were read (there was more)."""
        self.count: int | None = None
        """What the first page says the list holds (None until then, or if it said nothing)."""
        self.page_size: int | None = None
        """Records on the first page: what the server really serves per page."""
        self.scanned = 0
        self.pages_read = 0
        self.duplicates = 0
        """Records dropped because their key had been listed already."""
        self._started = False
        self._tail: Page[M] | None = None
        """The last page read whose `next` has not been looked at yet."""
        self._next: httpx.URL | None = None
        """The `next` link to follow, when the list is not (or no longer) planned by number."""
        self._planned: tuple[httpx.URL, int, int] | None = None
        """Page-number plan: (the page-2 URL, the next number to fetch, the last number)."""
        self._seen_urls: set[str] = set()
        self._seen_keys: set[str] = set()

    # -- state ------------------------------------------------------------------------------

    @property
    def started(self) -> bool:
        return self._started

    @property
    def exhausted(self) -> bool:
        """Every page has been read, or the list ended for good (a loop, the page cap)."""
        return (self._started and self._tail is None and self._next is None
                and self._planned is None)

    @property
    def remaining(self) -> int:
        """Records the server says are still to come (0 when unknown or read)."""
        if self.exhausted or self.count is None:
            return 0
        return max(self.count - self.scanned, 0)

    # -- reading ----------------------------------------------------------------------------

    async def next_batch(self, budget: float) -> AsyncGenerator[Page[M], None]:
        """The next pages, in order, until about `budget` records have been read.

        The first call always reads page 1. Raises the `ApiError` of a page that failed
        (pages before it were yielded; a later call retries from that page), and `Refused`
        for a paging loop, a foreign `next`, or `max_pages` reached (the list then ends).
        Close the generator (``aclosing``) to cancel pages still in flight.
        """
        try:
            async with aclosing(self._batch(budget)) as pages:
                async for page in pages:
                    yield page
        except ApiError as error:
            if self._on_error is not None:
                self._on_error(error)  # the client masks its token in what leaves it
            raise

    async def _batch(self, budget: float) -> AsyncGenerator[Page[M], None]:
        left = budget
        pages_left = math.inf if math.isinf(budget) else BATCH_PAGES
        if not self._started:
            first = await self._fetch_first()
            left -= self._cost(first)
            pages_left -= 1
            yield first
        while left > 0 and pages_left > 0 and not self.exhausted:
            self._resolve_tail()
            if self._planned is not None:
                async with aclosing(self._planned_pages(left, pages_left)) as pages:
                    async for page in pages:
                        left -= self._cost(page)
                        pages_left -= 1
                        yield page
            elif self._next is not None:
                page = await self._follow()
                left -= self._cost(page)
                pages_left -= 1
                yield page

    async def pages(self) -> AsyncGenerator[Page[M], None]:
        """Every page that is left (`next_batch` without a budget)."""
        async with aclosing(self.next_batch(math.inf)) as pages:
            async for page in pages:
                yield page

    # -- internals --------------------------------------------------------------------------

    def _cost(self, page: Page[M]) -> int:
        # An empty page costs a full page: otherwise `results: []` with a `next` never spends
        # the budget and one `load more` would follow the server for ever.
        return max(page.size, self.page_size or self._asked_page_size)

    async def _fetch_first(self) -> Page[M]:
        self._check_page_cap()
        self._seen_urls.add(str(self._first_url))
        page = self._accept((await self._read(self.kind, self._first_url))())
        self._started = True
        self.count = page.count
        self.page_size = page.size or None
        self._tail = page if page.next is not None else None
        return page

    def _resolve_tail(self) -> None:
        """Turn the last page's `next` into what to read next: a page-number plan (after page
        1 with a `count`) or one URL to follow. The check happens here, after the page was
        handed out, so a page whose `next` is bad is still shown."""
        tail, self._tail = self._tail, None
        if tail is None:
            return
        url = self._next_of(tail)
        last = self._last_page_number(tail) if tail.url == str(self._first_url) else None
        if last is not None and url.params.get_list("page") == ["2"]:
            self._planned = (url, 2, last)
        else:
            self._next = url

    def _last_page_number(self, first: Page[M]) -> int | None:
        if first.count is None or first.size == 0:
            return None
        last = math.ceil(first.count / first.size)
        # `next` says there is more but `count` does not: trust `next`, page by page.
        return last if last >= 2 else None

    def _planned_jobs(
        self, budget: float, pages: float
    ) -> Iterator[Callable[[], Coroutine[Any, Any, Callable[[], Page[M]]]]]:
        """Jobs for the planned pages this batch may read, generated as they are started."""
        assert self._planned is not None
        template, number, last = self._planned
        size = self.page_size or 1
        stop = last if math.isinf(budget) else min(
            last, number + max(math.ceil(budget / size), 1) - 1)
        if not math.isinf(pages):
            stop = min(stop, number + int(pages) - 1)
        stop = min(stop, number + self.max_pages - self.pages_read - 1)
        for n in range(number, stop + 1):
            url = template.copy_set_param("page", str(n))
            self._seen_urls.add(str(url))
            yield partial(self._read, self.kind, url)

    async def _planned_pages(self, budget: float, pages_left: float
                             ) -> AsyncGenerator[Page[M], None]:
        assert self._planned is not None
        self._check_page_cap()
        template, _number, last = self._planned
        page: Page[M] | None = None
        try:
            jobs = self._planned_jobs(budget, pages_left)
            async with aclosing(ordered_concurrently(
                    jobs, self._concurrency, start_turns=START_TURNS)) as fetched:
                async for parse in fetched:
                    page = self._accept(parse())
                    number = page.number + 1
                    self._planned = (template, number, last) if number <= last else None
                    yield page
        except NotFound as error:
            # The list shrank after page 1 gave us `count`: the computed tail no longer
            # exists. DRF says so with "Invalid page."; everything that exists was yielded.
            if error.detail != "Invalid page.":
                raise
            self._planned = None
            return
        if self._planned is None and page is not None and page.next is not None:
            # ...or it grew: carry on from the last page's own `next`.
            self._tail = page

    async def _follow(self) -> Page[M]:
        """One page by its `next` link (cursor-style or unknown paging)."""
        assert self._next is not None
        self._check_page_cap()
        url = self._next
        page = self._accept((await self._read(self.kind, url))())
        self._seen_urls.add(str(url))
        self._next = None
        self._tail = page if page.next is not None else None
        return page

    def _next_of(self, page: Page[M]) -> httpx.URL:
        """The page's `next`, pinned to our origin and never one already read; a bad one ends
        the list (`Refused`)."""
        assert page.next is not None
        try:
            url = self._pin(httpx.URL(page.url).join(page.next))
            if str(url) in self._seen_urls:
                raise Refused(
                    "Paging loop: the next link repeats a page already read — "
                    f"{describe_request('GET', url)}", url=url,
                    summary="the server's next links go round in a loop")
        except httpx.InvalidURL:
            self._end()
            raise Refused("Refused a malformed next link — "
                          f"{describe_request('GET', page.url)}", url=page.url,
                          summary="a malformed next link") from None
        except Refused:
            self._end()
            raise
        return url

    def _accept(self, page: Page[M]) -> Page[M]:
        """Count the page and drop records listed before; end the list after `EMPTY_RUN`
        empty pages in a row that still point further (the page itself is not shown: it is
        empty)."""
        self.pages_read += 1
        self.scanned += page.size
        self._empty_run = self._empty_run + 1 if page.size == 0 and page.next else 0
        if self._empty_run >= EMPTY_RUN:
            self._end()
            raise BadResponse(
                f"Bad response: {EMPTY_RUN} empty pages in a row, each with a next link — "
                f"{describe_request('GET', page.url)}", url=page.url,
                summary="the server sent empty pages that never end")
        keys = [model.key for model in page.results]
        fresh = [model for model, key in zip(page.results, keys, strict=True)
                 if key not in self._seen_keys]
        self._seen_keys.update(keys)
        if len(fresh) == len(page.results):
            return page
        self.duplicates += len(page.results) - len(fresh)
        return replace(page, results=fresh)

    def _end(self) -> None:
        self._tail = self._next = self._planned = None

    def _check_page_cap(self) -> None:
        if self.pages_read >= self.max_pages:
            self._end()
            self.capped = True
            raise Refused(f"Stopped after {self.max_pages:,} pages — GET {self._first_url.path}",
                          url=self._first_url,
                          summary=f"stopped after {self.max_pages:,} pages (max_pages)")
