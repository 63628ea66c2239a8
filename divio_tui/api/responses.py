"""From an HTTP answer to JSON or to the right `ApiError`, with a message fit for a user.

Bodies are untrusted: an HTML error page from a proxy is described ("an HTML page"), never
quoted; a DRF `detail` is sanitised and shortened before it enters a message. A `Reply` is one
answer read in full (within the client's body cap), which is all this module ever looks at.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx
from pydantic_core import from_json

from .errors import (
    ApiError,
    BadResponse,
    Forbidden,
    NotFound,
    ServerError,
    Throttled,
    Unauthorised,
    clean_text,
    describe_request,
)
from .retry import parse_retry_after

__all__ = ["Reply", "attempts_note", "decode_json", "error_detail", "load_json", "looks_like_html",
           "status_error"]

_TOKEN_REJECTION_WORDS = ("token", "credential", "authenticat", "inactive", "expired")
"""A 403 whose detail mentions one of these (case-insensitive) rejects the token itself; any
other 403 is a permission a valid token lacks (a least-privilege account)."""

INVALID_CHOICE = "Select a valid choice."
"""How django-filter starts the 400 for a ForeignKey filter naming no visible object."""


@dataclass(frozen=True, slots=True, eq=False)
class Reply:
    """One HTTP answer, its body read and decompressed (at most the client's cap)."""

    method: str
    url: httpx.URL
    status: int
    headers: httpx.Headers
    body: bytes | bytearray

    def to_httpx(self) -> httpx.Response:
        """The same answer as an `httpx.Response` (for `DivioClient.request`'s callers)."""
        headers = [(name, value) for name, value in self.headers.multi_items()
                   if name.lower() not in ("content-encoding", "content-length")]
        return httpx.Response(self.status, headers=headers, content=bytes(self.body),
                              request=httpx.Request(self.method, self.url))


def attempts_note(attempts: int) -> str:
    return f" ({attempts} attempts)" if attempts > 1 else ""


def looks_like_html(reply: Reply) -> bool:
    content_type = reply.headers.get("content-type", "").lower()
    return "html" in content_type or bytes(reply.body[:64]).lstrip()[:1] == b"<"


def load_json(body: bytes | bytearray) -> Any:
    """Parse a JSON body, sharing repeated strings between the objects it builds.

    pydantic-core's parser caches the short strings it reads (an environment's uuid on each
    of its backups, "COMPLETED", the field names), so a page of records costs a quarter less
    memory than `json.loads` makes it, and as fast. It refuses what the standard library
    accepts beyond UTF-8 JSON (a byte-order mark, UTF-16, lone surrogates, nesting deeper than
    it goes): those go to `json.loads`, so what parses stays the same.
    """
    try:
        return from_json(body, cache_strings=True)
    except ValueError:
        return json.loads(body)


def _what_came(reply: Reply) -> str:
    if not bytes(reply.body[:4096]).strip():
        return "an empty body"
    if looks_like_html(reply):
        return "an HTML page"
    return "a body that is not JSON"


def decode_json(reply: Reply) -> Any:
    """Decode a JSON body or raise `BadResponse` describing (never quoting) what came."""
    try:
        return load_json(reply.body)
    except (ValueError, RecursionError):
        # RecursionError: JSON nested deeper than Python's parser goes ([[[[…]]]]).
        pass
    what = _what_came(reply)
    raise BadResponse(
        f"Bad response: {what} instead of JSON ({reply.status}) — "
        f"{describe_request(reply.method, reply.url)}",
        url=reply.url, method=reply.method, status=reply.status,
        summary=f"the server sent {what} instead of JSON",
    )


def _parsed_error_body(reply: Reply) -> Any:
    if looks_like_html(reply):
        return None
    try:
        return json.loads(reply.body)
    except (ValueError, RecursionError):
        return None


def error_detail(reply: Reply) -> str | None:
    """The server's error text from a DRF JSON body (``detail`` or field errors), sanitised."""
    return _detail_of(_parsed_error_body(reply))


def _detail_of(body: Any) -> str | None:
    if isinstance(body, dict) and isinstance(body.get("detail"), str):
        return clean_text(body["detail"])
    if isinstance(body, dict) and body:
        # DRF validation shape {"field": ["msg", …]} / {"non_field_errors": [...]}.
        parts = []
        for key, value in list(body.items())[:10]:
            messages = value if isinstance(value, list) else [value]
            text = " ".join(str(message)[:200] for message in messages[:5])
            parts.append(text if key == "non_field_errors" else f"{str(key)[:50]}: {text}")
        return clean_text("; ".join(parts))
    return None


def _rejects_token(status: int, detail: str | None) -> bool:
    """True if a response with `status` and the server's `detail` says the token was rejected:
    any 401, and a 403 whose detail talks about the token or credentials."""
    if status == 401:
        return True
    if status != 403:
        return False
    text = (detail or "").lower()
    return any(word in text for word in _TOKEN_REJECTION_WORDS)


def gone_parent(url: httpx.URL, body: Any) -> str | None:
    """The filter whose parent the server cannot find, from a 400 such as stock DRF's
    ``environments/?application=<gone>`` → ``{"application": ["Select a valid choice. …"]}``:
    the name of a query parameter of `url` that the body rejects as an invalid choice."""
    if not isinstance(body, dict):
        return None
    for name in url.params:
        messages = body.get(name)
        if isinstance(messages, list) and any(
                isinstance(text, str) and text.startswith(INVALID_CHOICE) for text in messages):
            return str(name)
    return None


def status_error(reply: Reply, *, attempts: int) -> ApiError:
    """Map a non-2xx answer to the matching `ApiError` with a one-line message."""
    status, method, url = reply.status, reply.method, reply.url
    body = _parsed_error_body(reply)
    detail = _detail_of(body)
    reason = httpx.codes.get_reason_phrase(status) or "HTTP error"
    head = f"{status} {reason}" + (f": {detail}" if detail else "")
    message = f"{head}{attempts_note(attempts)} — {describe_request(method, url)}"
    retry_after = parse_retry_after(reply.headers.get("retry-after"))
    summary = None
    cls: type[ApiError]
    parent = gone_parent(url, body) if status == 400 else None
    if parent is not None:
        # A deleted parent, or one the token cannot see (a race while the tree expanded):
        # not the server's fault, and not a generic 400 either.
        cls = NotFound
        summary = f"this {parent.replace('_', ' ')} no longer exists or is not visible"
        message = f"{summary[0].upper()}{summary[1:]} (400: {detail}) — " \
                  f"{describe_request(method, url)}"
    elif status in (401, 403):
        cls = Unauthorised if _rejects_token(status, detail) else Forbidden
    elif status == 404:
        cls = NotFound
    elif status == 429:
        cls = Throttled
    elif status >= 500:
        cls = ServerError
    else:
        # 400/405/410/3xx on a GET: the server answered something we cannot use.
        cls = BadResponse
    return cls(message, url=url, method=method, status=status, detail=detail,
               retry_after=retry_after, attempts=attempts, summary=summary)
