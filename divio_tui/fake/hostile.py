"""A hostile Divio API: every fault of the hardening matrix behind its own path prefix.

`HostileAPI(api)` wraps the fake's request -> response core (`FakeDivioAPI`) the way the
transports do: it knows the cases, the core knows nothing of them. Each case lives under
``/hostile/<case>/``, so ``divio-tui --api-url http://127.0.0.1:8765/hostile/503/apps/v3/``
explores the fake as that case makes it (``divio-tui fake-api --hostile`` serves it; ``GET /``
lists the cases and their URLs). Links the fake builds (`next`, `previous`, the root) are
rewritten to stay under the case's prefix.

A case applies to every request under its prefix (the API root, `iam/v3/me/`, lists and
objects alike), except where its description says "lists" (paging cases: pages only) or
"records" (data cases: the records of pages and objects). `CASES` is the catalogue; what each
one sends is in its `what`. "Connection refused" cannot be served by a server that answers:
point the explorer at a port where nothing listens.

Stats for tests: `requests` [(method, Host header, path + query, sent the token)] of every
request that arrived, on any prefix and any Host (a request for another origin's Host is a
token sent where it must not go).
"""

from __future__ import annotations

import hashlib
import json
import threading
import zlib
from base64 import b32encode
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from functools import cache
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit, urlunsplit

from . import _wire as wire
from ._util import Record
from ._wire import FakeResponse
from .faults import NGINX_502
from .server import FakeDivioAPI

__all__ = ["CASES", "PREFIX", "Case", "HostileAPI", "gzip_bomb"]

PREFIX = "/hostile/"

LONG_CHARS = 2_000_000
"""The length of the `long-string` case's names (2 MB)."""

BOMB_BYTES = 256 * 1024 * 1024
"""What the `gzip-bomb` body inflates to (from about 255 KB on the wire)."""

BIG_PAGE = 10_000
"""Records on the `big-page` case's one page."""

HOSTILE_NAMES: dict[str, str] = {
    "markup": "[bold red]Pwned[/] [link=https://evil.example]click[/link] [reverse]",
    "ansi": ("\x1b[31mred\x1b[0m \x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\ "
             "\x1b]52;c;cm0gLXJmIH4K\x07 \x1b[2J\x1b[H"),
    "c0c1": "nul\x00 bell\x07 bs\x08 cr\r lf\n tab\t del\x7f nel\x85 csi\x9b31m",
    "bidi": "\u202egnp.exe\u202c \u2066isolate\u2069 \u200fRLM",
    "zero-width": "ad\u200bmin j\u200doin w\u2060j bom\ufeff ls\u2028ps\u2029 tag\U000e0041",
}
"""Text prepended to every name by the `names-*` cases."""

NAME_FIELDS = ("name", "slug", "domain", "identifier", "dsn", "email")


@dataclass(frozen=True)
class Exchange:
    """One request to a case: what came, and how to get the fake's own answer to it."""

    method: str
    url: str
    """The request as the fake sees it: absolute, without the case prefix."""
    headers: Mapping[str, str]
    origin: str
    """``http://host:port`` the request came to."""
    prefix: str
    """``/hostile/<case>``: where this case lives."""
    forward: Callable[[], FakeResponse]
    """The fake's answer to `url`, its links rewritten under `prefix`."""
    first_page: Callable[[], FakeResponse]
    """The fake's answer to `url` without its `page`: for cases that invent their own pages."""
    other_origin: str
    """An origin that is not the API's, for the cases that point elsewhere."""
    trickle_s: float
    """Seconds between two bytes of a trickled body."""

    @property
    def token(self) -> str:
        """The credentials the request sent (what a careless server would echo)."""
        auth = self.headers.get("authorization", "")
        return auth.split(" ", 1)[1] if " " in auth else auth

    def link(self, query: Mapping[str, str]) -> str:
        """This request's URL under the case prefix with `query` set."""
        split = urlsplit(self.url)
        params = parse_qs(split.query, keep_blank_values=True)
        params.update({key: [value] for key, value in query.items()})
        return urlunsplit((split.scheme, split.netloc, self.prefix + split.path,
                           urlencode(sorted(params.items()), doseq=True), ""))


Answer = Callable[[Exchange], FakeResponse]


@dataclass(frozen=True)
class Case:
    name: str
    what: str
    answer: Answer


# -- building blocks ------------------------------------------------------------------------

def _json(real: FakeResponse) -> Any:
    try:
        return json.loads(real.body) if real.body else None
    except ValueError:
        return None


def _is_page(body: Any) -> bool:
    return isinstance(body, dict) and isinstance(body.get("results"), list)


def _derived_id(*parts: object) -> str:
    digest = hashlib.sha1(":".join(map(str, parts)).encode()).digest()[:16]
    return b32encode(digest).decode().rstrip("=").lower()


def _status(status: int, body: Any, **headers: str) -> Answer:
    return lambda ex: wire.json_response(status, body, headers)


def _on_pages(change: Callable[[Exchange, Record], Any]) -> Answer:
    """Pages get `change(exchange, page)` (a new body); everything else is the fake's own."""
    def answer(ex: Exchange) -> FakeResponse:
        real = ex.forward()
        body = _json(real)
        if real.status != 200 or not _is_page(body):
            return real
        return wire.json_response(200, change(ex, body))
    return answer


def _on_records(change: Callable[[Exchange, Record, int], Record | Any]) -> Answer:
    """Every record (a page's results, or one object) goes through `change(ex, record, i)`."""
    def answer(ex: Exchange) -> FakeResponse:
        real = ex.forward()
        body = _json(real)
        if real.status != 200 or not isinstance(body, dict):
            return real
        if _is_page(body):
            body["results"] = [change(ex, record, index) if isinstance(record, dict) else record
                               for index, record in enumerate(body["results"])]
        elif "uuid" in body:
            body = change(ex, body, 0)
        else:
            return real
        return wire.json_response(200, body)
    return answer


def _renamed(text: Callable[[Exchange, str], str]) -> Callable[[Exchange, Record, int], Record]:
    def change(ex: Exchange, record: Record, index: int) -> Record:
        out = dict(record)
        for name in NAME_FIELDS:
            if isinstance(out.get(name), str):
                out[name] = text(ex, out[name])
                break
        return out
    return change


def _prepend(text: str) -> Callable[[Exchange, str], str]:
    return lambda ex, name: f"{text} {name}"


def _odd(ex: Exchange, record: Record, index: int) -> Any:
    """Missing, extra, null and wrong-typed fields, by turns; the fifth record is no record."""
    out = dict(record)
    turn = index % 6
    if turn == 0:  # missing: nothing but the uuid
        return {"uuid": out["uuid"]}
    if turn == 1:  # extra: unknown fields of every JSON type, nested
        out.update({"x_extra": {"deep": [1, 2.5, None, True, {"k": "v"}]}, "x_list": list(range(50))})
    elif turn == 2:  # null everywhere but the uuid
        out = {key: (value if key == "uuid" else None) for key, value in out.items()}
    elif turn == 3:  # wrong types
        out.update({key: 12345 for key in NAME_FIELDS if key in out})
        out.update({"created_at": "yesterday", "success": "maybe", "size": "big",
                    "service_instance_backups": "none", "errors": {"a": 1},
                    "last_finished_deployment": "never"})
    elif turn == 4:  # no usable uuid: a model error, shown as an unreadable record
        out["uuid"] = 42
    else:  # not even an object
        return ["a", "list", "where", "a", "record", "should", "be"]
    return out


def _trickle(ex: Exchange) -> FakeResponse:
    return replace(ex.forward(), drip_s=ex.trickle_s)


def _cut(*, reset: bool, keep_length: bool) -> Answer:
    def answer(ex: Exchange) -> FakeResponse:
        real = ex.forward()
        half = max(1, len(real.body) // 2)
        if keep_length:  # a short body: Content-Length promises more than comes
            return replace(real, cut_after=half, reset=reset)
        body = real.body[:half]
        return replace(real, body=body, headers={**real.headers, "Content-Length": str(len(body))})
    return answer


def _next_to(make: Callable[[Exchange, Record], str | None]) -> Answer:
    def change(ex: Exchange, page: Record) -> Record:
        return {**page, "next": make(ex, page)}
    return _on_pages(change)


def _cycle(ex: Exchange, page: Record) -> str:
    where = parse_qs(urlsplit(ex.url).query).get("cursor", ["first"])[0]
    return ex.link({"cursor": {"first": "A", "A": "B"}.get(where, "A")})


def _self(ex: Exchange, page: Record) -> str:
    return ex.link({})


def _other_origin(ex: Exchange, page: Record) -> str:
    return ex.other_origin + urlsplit(ex.link({"page": "2"})).path + "?page=2"


def _other_port(ex: Exchange, page: Record) -> str:
    split = urlsplit(ex.origin)
    port = (split.port or 80) + 1
    return f"{split.scheme}://{split.hostname}:{port}{urlsplit(ex.link({'page': '2'})).path}?page=2"


def _control(ex: Exchange, page: Record) -> str:
    return ex.link({}) + "&cursor=\x1b]52;c;cm0gLXJmIH4K\x07\x1b[2J"


def _redirect_away(ex: Exchange) -> FakeResponse:
    path = urlsplit(ex.url).path
    return FakeResponse(302, {"Location": f"{ex.other_origin}{ex.prefix}{path}",
                              "Content-Length": "0"}, b"")


def _empty_next(ex: Exchange, page: Record) -> Record:
    n = int(parse_qs(urlsplit(ex.url).query).get("cursor", ["0"])[0] or 0)
    return {"count": page.get("count"), "previous": None, "results": [],
            "next": ex.link({"cursor": str(n + 1)})}


def _huge_count(ex: Exchange) -> FakeResponse:
    real = ex.first_page()
    page = _json(real)
    if real.status != 200 or not _is_page(page):
        return real
    raw = parse_qs(urlsplit(ex.url).query).get("page", ["1"])[0]
    number = int(raw) if raw.isdigit() else 1
    sample = page["results"][:2] or [{"uuid": "x"}]
    results = [{**record, "uuid": _derived_id("huge", number, index, record.get("uuid"))}
               for index, record in enumerate(sample)]
    return wire.json_response(200, {
        "count": 1_000_000_000, "next": ex.link({"page": str(number + 1)}),
        "previous": ex.link({"page": str(number - 1)}) if number > 1 else None,
        "results": results})


def _big_page(ex: Exchange, page: Record) -> Record:
    sample = page["results"] or [{"uuid": "x"}]
    results = [{**sample[i % len(sample)], "uuid": _derived_id("big", i)} for i in range(BIG_PAGE)]
    return {"count": BIG_PAGE, "next": None, "previous": None, "results": results}


def _long(ex: Exchange, record: Record, index: int) -> Record:
    if index:
        return record
    return _renamed(lambda ex, name: name + " " + "A" * LONG_CHARS)(ex, record, index)


def _echo_token(ex: Exchange, record: Record, index: int) -> Record:
    echo = f"Authorization: Token {ex.token}"
    return {**_renamed(lambda ex, name: f"{name} {echo}")(ex, record, index),
            "x_token": ex.token, "x_header": echo}


def _uuid_control(ex: Exchange, record: Record, index: int) -> Record:
    suffix = "\x1b]52;c;cm0gLXJmIH4K\x07\n$(reboot)"
    out = dict(record)
    for key, value in record.items():
        if key in ("uuid", "environment", "application", "organisation", "backup") and \
                isinstance(value, str):
            out[key] = value + suffix
    return out


@cache
def gzip_bomb() -> bytes:
    """`BOMB_BYTES` of JSON whitespace and then `{}`, gzipped (built once, ~255 KB)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b" " * (1 << 20)
    parts = [packer.compress(chunk) for _ in range(BOMB_BYTES >> 20)]
    parts.append(packer.compress(b"{}"))
    parts.append(packer.flush())
    return b"".join(parts)


def _gzip_bomb(ex: Exchange) -> FakeResponse:
    body = gzip_bomb()
    return FakeResponse(200, {"Content-Type": "application/json", "Content-Encoding": "gzip",
                              "Content-Length": str(len(body))}, body)


def _html_200(ex: Exchange) -> FakeResponse:
    return wire.text_response(200, "<!doctype html><html><head><title>Sign in</title></head>"
                              "<body><h1>Please sign in</h1></body></html>", "text/html")


def _unauthorised_echo(ex: Exchange) -> FakeResponse:
    return wire.detail(401, f"Invalid token. Authorization: Token {ex.token}",
                       {"WWW-Authenticate": "Token"})


def _shape(body: Callable[[Any], Any]) -> Answer:
    def answer(ex: Exchange) -> FakeResponse:
        real = ex.forward()
        parsed = _json(real)
        return real if parsed is None else wire.json_response(real.status, body(parsed))
    return answer


def _timeout(ex: Exchange) -> FakeResponse:
    return replace(ex.forward(), timed_out=True)


CASES: dict[str, Case] = {case.name: case for case in (
    Case("401", "401 whose detail quotes the Authorization header (the token)", _unauthorised_echo),
    Case("403-credentials", "403 \"Authentication credentials were not provided.\"",
         _status(403, {"detail": wire.NOT_PROVIDED})),
    Case("403-permission", "403 \"You do not have permission to perform this action.\"",
         _status(403, {"detail": "You do not have permission to perform this action."})),
    Case("404", "404 \"Not found.\" for everything", _status(404, {"detail": wire.NOT_FOUND})),
    Case("429", "429 with Retry-After: 1", _status(429, {"detail": "Request was throttled."},
                                                   **{"Retry-After": "1"})),
    Case("429-no-retry-after", "429 without Retry-After",
         _status(429, {"detail": "Request was throttled."})),
    Case("429-huge-retry-after", "429 with Retry-After: 999999999",
         _status(429, {"detail": "Request was throttled."}, **{"Retry-After": "999999999"})),
    Case("500", "500 \"A server error occurred.\"", _status(500, {"detail": "A server error occurred."})),
    Case("502", "502, an nginx HTML page", lambda ex: wire.text_response(502, NGINX_502, "text/html")),
    Case("503", "503 \"Service temporarily unavailable\"",
         _status(503, {"detail": "Service temporarily unavailable, try again later."})),
    Case("504", "504 \"Gateway timeout.\"", _status(504, {"detail": "Gateway timeout."})),
    Case("timeout", "no answer for the server's --timeout-sleep seconds, then the real one", _timeout),
    Case("trickle", "the real answer, one byte a second", _trickle),
    Case("reset", "half the body, then a TCP reset", _cut(reset=True, keep_length=True)),
    Case("short-body", "Content-Length promises more than is sent, then the connection closes",
         _cut(reset=False, keep_length=True)),
    Case("truncated-json", "the JSON cut in half (Content-Length matching)",
         _cut(reset=False, keep_length=False)),
    Case("html-200", "200 with an HTML sign-in page instead of JSON", _html_200),
    Case("empty-200", "200 with an empty body",
         lambda ex: FakeResponse(200, {"Content-Type": "application/json", "Content-Length": "0"})),
    Case("shape-list", "a JSON list where an object or a page should be",
         _shape(lambda body: [body])),
    Case("shape-no-results", "pages without `results`",
         _shape(lambda body: {k: v for k, v in body.items() if k != "results"}
                if _is_page(body) else body)),
    Case("shape-count-string", "pages whose `count` is a string",
         _shape(lambda body: {**body, "count": "many"} if _is_page(body) else body)),
    Case("shape-results-string", "pages whose `results` is a string",
         _shape(lambda body: {**body, "results": "none"} if _is_page(body) else body)),
    Case("records-odd", "records: missing, extra, null and wrong-typed fields, a bad uuid, a list",
         _on_records(_odd)),
    Case("empty-next", "lists: empty pages, each with a next link", _on_pages(_empty_next)),
    Case("next-same", "lists: a next link to the same page", _next_to(_self)),
    Case("next-cycle", "lists: next links going first -> A -> B -> A", _next_to(_cycle)),
    Case("next-other-origin", "lists: a next link to another host (localhost)",
         _next_to(_other_origin)),
    Case("next-other-port", "lists: a next link to another port", _next_to(_other_port)),
    Case("next-control", "lists: a next link holding ESC and an OSC 52 sequence", _next_to(_control)),
    Case("redirect-other-origin", "302 to the same path on another host (localhost)", _redirect_away),
    Case("huge-count", "lists: count 1,000,000,000, two records a page, page-number next links",
         _huge_count),
    Case("big-page", f"lists: one page of {BIG_PAGE:,} records", _on_pages(_big_page)),
    Case("long-string", "records: the first of each page named with a 2 MB string", _on_records(_long)),
    Case("gzip-bomb", "a 255 KB gzip body that inflates to 256 MB", _gzip_bomb),
    *(Case(f"names-{kind}", f"records: names holding {kind} text ({text[:30]!r}…)",
           _on_records(_renamed(_prepend(text))))
      for kind, text in HOSTILE_NAMES.items()),
    Case("uuid-control", "records: uuids and references ending in ESC, OSC 52 and a newline",
         _on_records(_uuid_control)),
    Case("echo-token", "records: names and fields that quote the token sent", _on_records(_echo_token)),
)}
"""Every case of the matrix by name (the prefix under /hostile/)."""


class HostileAPI:
    """The fake behind one path prefix per case (see the module docstring).

    `trickle_s`: seconds between two bytes of the `trickle` case; `timeout_sleep_s`: how long
    the `timeout` case holds a request; `other_origin`: where the `*-other-origin` cases
    point (default: the same server named `localhost`, so a request that followed would be
    seen here, with its Host, in `requests`).
    """

    def __init__(self, api: FakeDivioAPI | None = None, *, trickle_s: float = 1.0,
                 timeout_sleep_s: float = 60.0, other_origin: str | None = None,
                 access_log: bool = False) -> None:
        self.api = api if api is not None else FakeDivioAPI(scale="tiny")
        self.trickle_s = trickle_s
        self.timeout_sleep_s = timeout_sleep_s
        self.timeout_drop = False
        self.access_log = access_log
        self.other_origin = other_origin
        self.requests: list[tuple[str, str, str, bool]] = []
        self._lock = threading.Lock()

    @property
    def latency_ms(self) -> float:
        return self.api.latency_ms

    def track(self) -> AbstractContextManager[None]:
        return self.api.track()

    def respond(self, method: str, url: str, headers: Mapping[str, str],
                body: bytes = b"") -> FakeResponse:
        split = urlsplit(url)
        hdrs = {key.lower(): value for key, value in headers.items()}
        host = hdrs.get("host") or split.netloc
        full = split.path + (f"?{split.query}" if split.query else "")
        with self._lock:
            self.requests.append((method.upper(), host, full, "authorization" in hdrs))
        origin = f"{split.scheme}://{host}"
        if split.path in ("/", PREFIX.rstrip("/"), PREFIX):
            return self._index(origin)
        name, _, rest = split.path[len(PREFIX):].partition("/")
        case = CASES.get(name) if split.path.startswith(PREFIX) else None
        if case is None:
            return wire.detail(404, f"No such hostile case; GET {origin}/ lists them.")
        prefix = PREFIX + name
        inner = urlsplit(url)._replace(path="/" + rest)
        inner_url = urlunsplit(inner)

        def forward(target: str = inner_url) -> FakeResponse:
            return _rewritten(self.api.respond(method, target, headers, body), origin, prefix)

        query = [(k, v) for k, v in parse_qsl(inner.query, keep_blank_values=True) if k != "page"]
        first = urlunsplit(inner._replace(query=urlencode(query)))

        exchange = Exchange(method.upper(), inner_url, hdrs, origin, prefix, forward,
                            lambda: forward(first), self.other_origin or _localhost(origin),
                            self.trickle_s)
        return case.answer(exchange)

    def _index(self, origin: str) -> FakeResponse:
        return wire.json_response(200, {"cases": {
            name: {"what": case.what, "api_url": f"{origin}{PREFIX}{name}/apps/v3/"}
            for name, case in CASES.items()}})

    def sent_elsewhere(self, api_host: str) -> list[tuple[str, str, str, bool]]:
        """Requests that arrived with another Host than `api_host` (``127.0.0.1:port``)."""
        with self._lock:
            return [request for request in self.requests if request[1] != api_host]


def _localhost(origin: str) -> str:
    split = urlsplit(origin)
    return f"{split.scheme}://localhost" + (f":{split.port}" if split.port else "")


def _rewritten(real: FakeResponse, origin: str, prefix: str) -> FakeResponse:
    """The fake's links (`next`, the root's URLs) moved under the case prefix."""
    if b"/v3/" not in real.body:
        return real
    body = real.body
    for family in (b"/apps/v3/", b"/iam/v3/"):
        body = body.replace(origin.encode() + family, origin.encode() + prefix.encode() + family)
    return replace(real, body=body, headers={**real.headers, "Content-Length": str(len(body))})
