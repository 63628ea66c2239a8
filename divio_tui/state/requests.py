"""The request log: the last requests the explorer made, who asked, and what came back.

`RequestLog.record` is an observer for the API client (`DivioClient(observer=...)`): it is
called after every HTTP attempt, in the task that made it. Who asked is read there, from
`ORIGIN` — a context variable the code that starts a load sets with `asking("Backups of
live")` (tasks started inside inherit it) — or, when nothing set it, from the `fallback`
the owner of the log gives (the UI: the description of the worker that runs the load).

Bounded in memory: at most `capacity` entries (the oldest go first), each response body cut
to `body_limit` bytes, and all kept bodies together under `body_budget` bytes (the oldest
entries lose their body first; the entry stays). The token never gets in: URLs carry none
(it travels in a header, which is not recorded), and a body or URL that holds the token — a
server echoing it — is stored redacted.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from divio_tui.api.errors import ErrorKind
from divio_tui.redaction import redact
from divio_tui.settings import DEFAULT_REQUEST_LOG_SIZE

log = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_BODY_BUDGET",
    "DEFAULT_BODY_LIMIT",
    "DEFAULT_CAPACITY",
    "ORIGIN",
    "LoggedRequest",
    "RequestLog",
    "asking",
]

DEFAULT_CAPACITY = DEFAULT_REQUEST_LOG_SIZE
"""Entries kept unless the config says otherwise (`request_log_size`)."""

DEFAULT_BODY_LIMIT = 256_000
"""Bytes of one response body kept: enough for a page of 100 backups several times over."""

DEFAULT_BODY_BUDGET = 8_000_000
"""Bytes of all kept bodies together: the request log never holds more than this."""

ORIGIN: ContextVar[str | None] = ContextVar("divio_tui_request_origin", default=None)
"""Who is asking: set around a load with `asking`, read when its requests are recorded."""


@contextmanager
def asking(origin: str) -> Iterator[None]:
    """Record the requests made inside the block (and in tasks started there) as asked by
    `origin` (`"Backups of ACME Shop › live"`, `"backups table"`)."""
    reset = ORIGIN.set(origin)
    try:
        yield
    finally:
        ORIGIN.reset(reset)


@dataclass(slots=True, eq=False)
class LoggedRequest:
    """One HTTP attempt as the request log keeps it."""

    number: int
    """1-based, in the order the attempts finished (stable across evictions)."""
    at: datetime
    """When the attempt finished (the log's clock: UTC)."""
    method: str
    url: str
    """Absolute, without credentials (the token is never in a URL)."""
    status: int | None
    """None: no response arrived (timeout, connection error)."""
    elapsed_ms: float
    size: int
    """Bytes of the response body as received."""
    attempt: int
    error: ErrorKind | None
    origin: str | None
    body: bytes | None
    """The start of the response body (at most the log's `body_limit`), or None once dropped
    to keep the log under its budget."""
    retried: bool = False
    """A later attempt of the same request followed this one."""

    @property
    def path(self) -> str:
        """Path and query (`/apps/v3/backups/?environment=…&page=2`): the host is the API's."""
        url = httpx.URL(self.url)
        query = url.query.decode("ascii", errors="replace")
        return url.path + (f"?{query}" if query else "")

    @property
    def failed(self) -> bool:
        """No answer, or an answer the client counted as a failure (4xx, 5xx, bad JSON…)."""
        return self.error is not None or self.status is None or self.status >= 400

    @property
    def body_cut(self) -> bool:
        """Only the start of the body was kept."""
        return self.body is not None and len(self.body) < self.size


class RequestLog:
    """The last `capacity` requests, newest first through `entries` (see the module docs).

    `clock` stamps entries (the app's: tests pin it); `secret` returns the token in use now
    (to redact a body that echoes it); `fallback` names who asked when `ORIGIN` is unset.
    """

    def __init__(
        self,
        capacity: int = DEFAULT_CAPACITY,
        *,
        body_limit: int = DEFAULT_BODY_LIMIT,
        body_budget: int = DEFAULT_BODY_BUDGET,
        clock: Callable[[], datetime] | None = None,
        secret: Callable[[], str | None] | None = None,
        fallback: Callable[[], str | None] | None = None,
    ) -> None:
        if capacity < 1 or body_limit < 0 or body_budget < 0:
            raise ValueError("capacity must be positive, body limits not negative")
        self.capacity = capacity
        self.body_limit = body_limit
        self.body_budget = body_budget
        self._clock = clock or (lambda: datetime.now(UTC))
        self._secret = secret or (lambda: None)
        self._fallback = fallback or (lambda: None)
        self._entries: deque[LoggedRequest] = deque()
        self._body_bytes = 0
        self._count = 0
        self._listeners: list[Callable[[], None]] = []

    # -- recording ----------------------------------------------------------------------

    def record(self, event: Any) -> None:
        """The client's observer: keep one attempt (a `RequestEvent`). Never raises."""
        try:
            self._record(event)
            for listener in list(self._listeners):
                listener()
        except Exception:  # broad on purpose: an observer must not break the request it saw
            log.exception("the request log could not record %s", getattr(event, "url", "?"))

    def _record(self, event: Any) -> None:
        secret = self._secret()
        url = str(event.url)
        if secret and secret in url:
            url = redact(url, secret)
        body = self._kept_body(bytes(getattr(event, "body", b"") or b""), secret)
        self._count += 1
        entry = LoggedRequest(
            number=self._count, at=self._clock(), method=event.method, url=url,
            status=event.status, elapsed_ms=float(event.elapsed_ms), size=int(event.bytes),
            attempt=int(event.attempt), error=event.error,
            origin=ORIGIN.get() or self._fallback(), body=body,
        )
        if entry.attempt > 1:
            self._mark_retried(entry)
        self._entries.append(entry)
        self._body_bytes += len(body or b"")
        while len(self._entries) > self.capacity:
            self._body_bytes -= len(self._entries.popleft().body or b"")
        self._keep_to_budget()

    def _kept_body(self, body: bytes, secret: str | None) -> bytes:
        kept = body[: self.body_limit]
        if secret and secret.encode() in body:
            # A server echoing the token: the log keeps the body with the token masked (the
            # whole body is searched, so a token cut in half by the limit is caught too).
            text = redact(body.decode("utf-8", errors="replace"), secret)
            kept = text.encode("utf-8")[: self.body_limit]
        return kept

    def _mark_retried(self, entry: LoggedRequest) -> None:
        for earlier in reversed(self._entries):
            if (earlier.url == entry.url and earlier.method == entry.method
                    and earlier.attempt == entry.attempt - 1 and not earlier.retried):
                earlier.retried = True
                return

    def _keep_to_budget(self) -> None:
        """Drop the bodies of the oldest entries until the kept bodies fit the budget."""
        if self._body_bytes <= self.body_budget:
            return
        for entry in self._entries:
            if entry.body:
                self._body_bytes -= len(entry.body)
                entry.body = None
                if self._body_bytes <= self.body_budget:
                    return

    def watch(self, client: Any) -> None:
        """Record every request `client` makes from now on, beside the observer it already
        has (the log file's). Watching the same client twice records it once."""
        if not hasattr(client, "observer"):
            return
        previous = client.observer
        if getattr(previous, "request_log", None) is self:
            return

        def observer(event: Any) -> None:
            self.record(event)
            if previous is not None:
                previous(event)

        observer.request_log = self  # type: ignore[attr-defined]
        client.observer = observer

    # -- reading ------------------------------------------------------------------------

    @property
    def entries(self) -> list[LoggedRequest]:
        """Newest first."""
        return list(reversed(self._entries))

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def total(self) -> int:
        """Attempts recorded since the log began (evicted ones included)."""
        return self._count

    @property
    def body_bytes(self) -> int:
        """Bytes of response bodies held right now (at most `body_budget`)."""
        return self._body_bytes

    def clear(self) -> None:
        """Forget every entry (numbering goes on)."""
        self._entries.clear()
        self._body_bytes = 0
        for listener in list(self._listeners):
            listener()

    def subscribe(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call `listener()` after every new entry (quick, must not raise); returns the
        function that unsubscribes it."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe
