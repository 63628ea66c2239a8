"""Every failure the API layer reports, as one exception family rooted in `ApiError`.

Contract for callers (the UI turns each of these into an error node with a retry):

- `ApiError.kind` says what went wrong (`ErrorKind`); the subclass says the same thing for
  `except` clauses. Nothing else escapes the client: httpx and pydantic exceptions are wrapped.
- `ApiError.message` is one line fit for a user, e.g.
  ``503 Service Unavailable — GET /apps/v3/backups/?page=3``. It never contains the token, a
  response body, or raw HTML; the server's `detail` is included only after sanitising.
- `ApiError.url` is the absolute URL without userinfo (tokens travel in a header, never in URLs).
- `ApiError.summary` is the short form the tree's error line shows when the status alone would
  mislead (a 200 whose body is an HTML page: "the server sent an HTML page instead of JSON").
- Text that came from the server (a `detail`, a `next` link, a field name) may quote a
  credential: every message is redacted when the error is built (``Authorization: …`` and
  ``Token …`` patterns), and the client masks its own token in every error it lets out
  (`ApiError.redact`), so nothing above the API layer can show it.

The tree (`responses.status_error` decides which one a response is, once)::

    ApiError
    ├── Unauthorised   the token was rejected (401, or a 403 that says so)
    ├── Forbidden      403 about a permission: the token is fine but may not see this
    ├── NotFound       404
    ├── Throttled      429 after every retry
    ├── ServerError    5xx
    ├── NetworkError   no usable HTTP answer
    ├── BadResponse    an answer we cannot use
    └── Refused        never sent
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

import httpx

from divio_tui.redaction import redact
from divio_tui.untrusted import one_line

__all__ = [
    "ApiError",
    "BadResponse",
    "ErrorKind",
    "Forbidden",
    "NetworkError",
    "NotFound",
    "Refused",
    "ServerError",
    "Throttled",
    "Unauthorised",
    "clean_text",
    "describe_request",
    "display_url",
    "safe_url",
]

DETAIL_MAX_CHARS = 200
"""Server `detail` strings are cut to this length: they end up in one-line notifications."""

URL_MAX_CHARS = 300
"""URLs in messages are cut to this length (a hostile `next` link can be megabytes long)."""


class ErrorKind(StrEnum):
    """What went wrong, in the terms the UI shows (one icon / colour per kind)."""

    UNAUTHORISED = "unauthorised"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    THROTTLED = "throttled"
    SERVER = "server"
    NETWORK = "network"
    BAD_RESPONSE = "bad_response"
    REFUSED = "refused"


def safe_url(url: httpx.URL | str) -> str:
    """Return `url` as a string with any ``user:password@`` part removed (a string no URL
    can hold comes back with its invisible characters made visible)."""
    try:
        parsed = url if isinstance(url, httpx.URL) else httpx.URL(url)
    except httpx.InvalidURL:
        return one_line(str(url), URL_MAX_CHARS)
    if parsed.userinfo:
        parsed = parsed.copy_with(username=None, password=None)
    return str(parsed)


def display_url(url: httpx.URL | str) -> str:
    """The short form used in messages: path and query only (the host is the session's API),
    cut to `URL_MAX_CHARS`: a server's `next` link may be of any length."""
    try:
        parsed = httpx.URL(str(url))
    except httpx.InvalidURL:
        return one_line(str(url), URL_MAX_CHARS)
    query = parsed.query.decode("ascii", errors="replace")
    return one_line(parsed.path + (f"?{query}" if query else ""), URL_MAX_CHARS)


def clean_text(text: str, limit: int = DETAIL_MAX_CHARS) -> str:
    """Make untrusted server text safe for a one-line message: the shared untrusted-text
    policy's `one_line` (control and invisible characters made visible, so a terminal escape
    shows as ␛; whitespace runs collapsed; cut to `limit` characters with an ellipsis)."""
    return one_line(text, limit)


class ApiError(Exception):
    """Base of every error the API layer raises.

    Attributes: `kind`, `message` (user-fit, one line), `url` (token-free, absolute or None when
    no request was involved), `method`, `status` (HTTP status or None), `detail` (the server's
    sanitised `detail` text or None), `retry_after` (seconds, from a 429's Retry-After or None),
    `attempts` (how many HTTP attempts were made; 0 when refused before sending), `summary`
    (a few words for the tree's error line, or None: the status and its reason phrase then).
    """

    kind: ClassVar[ErrorKind]

    def __init__(
        self,
        message: str,
        *,
        url: httpx.URL | str | None = None,
        method: str = "GET",
        status: int | None = None,
        detail: str | None = None,
        retry_after: float | None = None,
        attempts: int = 0,
        summary: str | None = None,
    ) -> None:
        message = redact(message)
        super().__init__(message)
        self.message = message
        self.url = redact(safe_url(url)) if url is not None else None
        self.method = method
        self.status = status
        self.detail = redact(detail) if detail is not None else None
        self.retry_after = retry_after
        self.attempts = attempts
        self.summary = summary

    def redact(self, token: str | None) -> None:
        """Mask `token` wherever server text may have quoted it (message, detail, summary,
        url), in place; the client calls it on every error it lets out."""
        if not token:
            return
        self.message = redact(self.message, token)
        self.args = (self.message,)
        self.url = redact(self.url, token) if self.url is not None else None
        self.detail = redact(self.detail, token) if self.detail is not None else None
        self.summary = redact(self.summary, token) if self.summary is not None else None

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class Unauthorised(ApiError):
    """The token was rejected: missing, wrong, expired or its user inactive.

    Exactly that: any 401, and a 403 whose detail talks about the token or the credentials
    (``Authentication credentials were not provided.``). Signing in again may help.
    """

    kind = ErrorKind.UNAUTHORISED


class Forbidden(ApiError):
    """A 403 about a permission: the token is fine but may not see this resource.

    A least-privilege account (as Divio's how-to advises) meets this on what it was not given;
    signing in again would not help.
    """

    kind = ErrorKind.FORBIDDEN


class NotFound(ApiError):
    """404: the object does not exist for this token, or the page is out of range."""

    kind = ErrorKind.NOT_FOUND


class Throttled(ApiError):
    """429 that persisted through every retry; `retry_after` says how long the server asked."""

    kind = ErrorKind.THROTTLED


class ServerError(ApiError):
    """5xx from the server (after retries for 502/503/504)."""

    kind = ErrorKind.SERVER


class NetworkError(ApiError):
    """No usable HTTP answer: connection refused, DNS, reset, or timeout (after retries)."""

    kind = ErrorKind.NETWORK


class BadResponse(ApiError):
    """The server answered, but not with something we can use.

    Non-JSON bodies (an HTML error page from a proxy), JSON of the wrong shape (a list where a
    page is expected), a record that fails model validation, and unexpected statuses such as
    400 on a GET.
    """

    kind = ErrorKind.BAD_RESPONSE


class Refused(ApiError):
    """The client refused to send a request: not GET/HEAD, foreign origin, or a paging loop.

    Raised before anything goes on the wire, so the token cannot leak.
    """

    kind = ErrorKind.REFUSED


def describe_request(method: str, url: httpx.URL | str | None) -> str:
    """``GET /apps/v3/backups/?page=3`` — the tail every message ends with."""
    return f"{method} {display_url(url)}" if url is not None else method
