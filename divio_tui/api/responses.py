"""From an httpx response to JSON or to the right `ApiError`, with a message fit for a user.

Bodies are untrusted: an HTML error page from a proxy is described ("an HTML page"), never
quoted; a DRF `detail` is sanitised and shortened before it enters a message.
"""

from __future__ import annotations

import json
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

__all__ = ["attempts_note", "decode_json", "error_detail", "load_json", "looks_like_html",
           "status_error"]

_TOKEN_REJECTION_WORDS = ("token", "credential", "authenticat", "inactive", "expired")
"""A 403 whose detail mentions one of these (case-insensitive) rejects the token itself; any
other 403 is a permission a valid token lacks (a least-privilege account)."""


def attempts_note(attempts: int) -> str:
    return f" ({attempts} attempts)" if attempts > 1 else ""


def looks_like_html(response: httpx.Response) -> bool:
    content_type = response.headers.get("content-type", "").lower()
    return "html" in content_type or response.content.lstrip()[:1] == b"<"


def load_json(body: bytes) -> Any:
    """Parse a JSON body, sharing repeated strings between the objects it builds.

    pydantic-core's parser caches the short strings it reads (an environment's uuid on each
    of its backups, "COMPLETED", the field names), so a page of records costs a quarter less
    memory than `json.loads` makes it, and as fast. It refuses what the standard library
    accepts beyond UTF-8 JSON (a byte-order mark, UTF-16, lone surrogates): those go to
    `json.loads`, so what parses stays the same.
    """
    try:
        return from_json(body, cache_strings=True)
    except ValueError:
        return json.loads(body)


def decode_json(response: httpx.Response) -> Any:
    """Decode a JSON body or raise `BadResponse` describing (never quoting) what came."""
    try:
        return load_json(response.content)
    except ValueError:
        pass
    request = response.request
    if not response.content.strip():
        what = "an empty body"
    elif looks_like_html(response):
        what = "an HTML page"
    else:
        what = "a body that is not JSON"
    raise BadResponse(
        f"Bad response: {what} instead of JSON ({response.status_code}) — "
        f"{describe_request(request.method, request.url)}",
        url=request.url, method=request.method, status=response.status_code,
    )


def error_detail(response: httpx.Response) -> str | None:
    """The server's error text from a DRF JSON body (``detail`` or field errors), sanitised."""
    if looks_like_html(response):
        return None
    try:
        body = json.loads(response.content)
    except ValueError:
        return None
    if isinstance(body, dict) and isinstance(body.get("detail"), str):
        return clean_text(body["detail"])
    if isinstance(body, dict) and body:
        # DRF validation shape {"field": ["msg", …]} / {"non_field_errors": [...]}.
        parts = []
        for key, value in body.items():
            messages = value if isinstance(value, list) else [value]
            text = " ".join(str(message) for message in messages)
            parts.append(text if key == "non_field_errors" else f"{key}: {text}")
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


def status_error(
    method: str, url: httpx.URL, response: httpx.Response, *, attempts: int
) -> ApiError:
    """Map a non-2xx response to the matching `ApiError` with a one-line message."""
    status = response.status_code
    detail = error_detail(response)
    reason = httpx.codes.get_reason_phrase(status) or "HTTP error"
    head = f"{status} {reason}" + (f": {detail}" if detail else "")
    message = f"{head}{attempts_note(attempts)} — {describe_request(method, url)}"
    retry_after = parse_retry_after(response.headers.get("retry-after"))
    cls: type[ApiError]
    if status in (401, 403):
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
               retry_after=retry_after, attempts=attempts)
