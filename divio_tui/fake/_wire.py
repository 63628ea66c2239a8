"""DRF-shaped HTTP building blocks for the fake server: responses, error bodies, paging.

Contracts:
- `FakeResponse(status, headers, body, timed_out=False)`: `body` is what goes on the wire
  (already empty for HEAD; `Content-Length` still gives the GET body's length, like a real
  server). `timed_out` asks the transport to simulate a timeout (see server docstring).
  For a hostile server (hostile.py) a response may also ask the transport to send its body
  one byte every `drip_s` seconds, or to stop after `cut_after` bytes of it and then close
  the connection (`reset`: with a TCP reset rather than an orderly close).
- `json_response` renders like DRF's JSONRenderer: compact separators, UTF-8, no ASCII
  escaping (control characters are still escaped by json, so `\\x1b` becomes `\\u001b`).
- `paginate` implements DRF PageNumberPagination: `page` (1-based, empty -> 1, "last" -> last
  page, anything else not an int in range -> 404 {"detail": "Invalid page."}), `page_size`
  (invalid or <= 0 -> default, capped at the maximum), absolute `next`/`previous` built from
  the request URL with the other params kept and the query re-encoded sorted by key (DRF's
  `replace_query_param`/`remove_query_param`); `previous` of page 2 drops `page` entirely.
- `log_page` implements the INFERRED cursor-ish paging of environment logs (see its docstring).
"""

from __future__ import annotations

import base64
import binascii
import json
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from ._util import Record

DEFAULT_PAGE_SIZE = 20  # INFERRED: DRF's customary default; the real value is unknown
MAX_PAGE_SIZE = 100  # INFERRED
LOG_PAGE_SIZE = 50  # INFERRED, environment logs
LOG_MAX_PAGE_SIZE = 200  # INFERRED

NOT_PROVIDED = "Authentication credentials were not provided."
INVALID_TOKEN = "Invalid token."
NO_CREDENTIALS = "Invalid token header. No credentials provided."
TOKEN_SPACES = "Invalid token header. Token string should not contain spaces."
TOKEN_CHARS = "Invalid token header. Token string should not contain invalid characters."
NOT_FOUND = "Not found."
INVALID_PAGE = "Invalid page."
INVALID_CURSOR = "Invalid cursor"

# Headers Django + DRF put on every view response (Allow reflects the fake's read-only views).
_VIEW_HEADERS = {"Vary": "Accept", "Allow": "GET, HEAD", "X-Frame-Options": "DENY",
                 "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}


@dataclass
class FakeResponse:
    """One HTTP response of the fake (see module docstring)."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    timed_out: bool = False
    drip_s: float = 0.0
    cut_after: int | None = None
    reset: bool = False

    def json(self) -> object:
        """The body parsed as JSON (test convenience)."""
        return json.loads(self.body)


def json_response(status: int, data: object, headers: dict[str, str] | None = None) -> FakeResponse:
    """A DRF JSONRenderer-style response."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
    out = {"Content-Type": "application/json", "Content-Length": str(len(body)), **_VIEW_HEADERS}
    out.update(headers or {})
    return FakeResponse(status, out, body)


def text_response(status: int, text: str, content_type: str = "text/html",
                  headers: dict[str, str] | None = None) -> FakeResponse:
    """A non-JSON response (proxy error pages and the like)."""
    body = text.encode("utf-8")
    out = {"Content-Type": content_type, "Content-Length": str(len(body)), **(headers or {})}
    return FakeResponse(status, out, body)


def detail(status: int, message: str, headers: dict[str, str] | None = None) -> FakeResponse:
    """DRF's error shape: {"detail": message}."""
    return json_response(status, {"detail": message}, headers)


def unauthorised(message: str) -> FakeResponse:
    """401 as DRF's TokenAuthentication answers it (WWW-Authenticate names the scheme)."""
    return detail(401, message, {"WWW-Authenticate": "Token"})


def absolute_uri(scheme: str, host: str, path: str, query: str) -> str:
    """Django's request.build_absolute_uri(): scheme://Host-header + path as received + query."""
    return f"{scheme}://{host}{path}" + (f"?{query}" if query else "")


def replace_query_param(url: str, key: str, value: object) -> str:
    """DRF's helper: set `key`, keep the others, re-encode the query sorted by key."""
    scheme, netloc, path, query, fragment = urlsplit(url)
    params = parse_qs(query, keep_blank_values=True)
    params[key] = [str(value)]
    return urlunsplit((scheme, netloc, path, urlencode(sorted(params.items()), doseq=True), fragment))


def remove_query_param(url: str, key: str) -> str:
    """DRF's helper: drop `key`, keep the others, re-encode the query sorted by key."""
    scheme, netloc, path, query, fragment = urlsplit(url)
    params = parse_qs(query, keep_blank_values=True)
    params.pop(key, None)
    return urlunsplit((scheme, netloc, path, urlencode(sorted(params.items()), doseq=True), fragment))


def _last(params: dict[str, list[str]], key: str) -> str | None:
    """QueryDict.get(): the last value of a query param, or None."""
    values = params.get(key)
    return values[-1] if values else None


def _positive_int(raw: str | None, default: int, cutoff: int) -> int:
    """DRF's _positive_int(strict=True) with fallback: invalid or <= 0 -> default; capped."""
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        return default
    if value <= 0:
        return default
    return min(value, cutoff)


def paginate(records: list[Record], params: dict[str, list[str]], url: str) -> FakeResponse:
    """One DRF page of `records` for the query `params` of request `url` (see module docstring)."""
    size = _positive_int(_last(params, "page_size"), DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    count = len(records)
    pages = max(1, -(-count // size))
    raw = _last(params, "page") or "1"
    if raw == "last":
        number = pages
    else:
        try:
            number = int(raw)
        except ValueError:
            return detail(404, INVALID_PAGE)
        if number < 1 or number > pages:
            return detail(404, INVALID_PAGE)
    nxt = replace_query_param(url, "page", number + 1) if number < pages else None
    if number <= 1:
        prev = None
    elif number == 2:
        prev = remove_query_param(url, "page")
    else:
        prev = replace_query_param(url, "page", number - 1)
    start = (number - 1) * size
    return json_response(200, {"count": count, "next": nxt, "previous": prev,
                               "results": records[start:start + size]})


def _encode_cursor(direction: str, position: int) -> str:
    return base64.urlsafe_b64encode(f"{direction}={position}".encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[str, int] | None:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        direction, position = text.split("=", 1)
        if direction not in ("a", "b"):
            return None
        return direction, int(position)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


def _log_bound(raw: str | None) -> str | None:
    """A `from_ts`/`to_ts` value (`YYYY-MM-DDThh:mm` or full ISO) as a comparable log timestamp."""
    if not raw:
        return None
    try:
        when = datetime.fromisoformat(raw)  # 3.11 accepts a trailing Z
    except ValueError:
        return None  # an unparseable bound is ignored, like an unknown param
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    return when.strftime("%Y-%m-%dT%H:%M:%S") + ".000000000Z"


def log_page(entries: list[Record], params: dict[str, list[str]], url: str) -> FakeResponse:
    """Cursor-ish page of environment log entries (INFERRED from CLI/SCRIPTS behaviour).

    - Entries are oldest first; `from_ts`/`to_ts` (inclusive, `YYYY-MM-DDThh:mm` or ISO) bound
      the window. Without `cursor` the newest `page_size` entries of the window are returned.
    - `next` and `previous` are always present (absolute URLs carrying an opaque `cursor`):
      `next` = entries after this page (empty until new ones exist: `divio app logs --tail`
      polls it), `previous` = entries before it. At the oldest end, `previous` points at the
      same cursor again, so a client that stops when `previous` equals the URL it just fetched
      (Divio's export script) terminates.
    - A cursor that cannot be decoded -> 404 {"detail": "Invalid cursor"} (DRF CursorPagination).
    """
    size = _positive_int(_last(params, "page_size"), LOG_PAGE_SIZE, LOG_MAX_PAGE_SIZE)
    stamps = [entry["timestamp"] for entry in entries]
    low_bound = _log_bound(_last(params, "from_ts"))
    high_bound = _log_bound(_last(params, "to_ts"))
    low = bisect_left(stamps, low_bound) if low_bound else 0
    # to_ts is inclusive to the minute/second given: everything up to the end of that second.
    high = bisect_right(stamps, high_bound[:19] + ".999999999Z") if high_bound else len(stamps)
    high = max(low, high)
    raw = _last(params, "cursor")
    if raw:
        decoded = _decode_cursor(raw)
        if decoded is None:
            return detail(404, INVALID_CURSOR)
        direction, position = decoded
        position = min(max(position, low), high)
        if direction == "a":
            start, end = position, min(high, position + size)
        else:
            start, end = max(low, position - size), position
    else:
        end = high
        start = max(low, end - size)
    return json_response(200, {
        "next": replace_query_param(url, "cursor", _encode_cursor("a", end)),
        "previous": replace_query_param(url, "cursor", _encode_cursor("b", start)),
        "results": entries[start:end],
    })
