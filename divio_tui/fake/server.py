"""The fake Divio API: request -> response with Django REST Framework behaviour.

`FakeDivioAPI.handle(method, url, headers, body)` is the whole server as a function. The
transports wrap it and it knows nothing of them: mounted in-process with
`transport.FakeTransport(api)` (an httpx transport, sync and async) or served on loopback with
`loopback.serve_in_thread(api)` / `serve_forever(...)` (stdlib ThreadingHTTPServer). It speaks
plain JSON dicts from `dataset.Dataset` and imports nothing from the API client.

Behaviour (SEEN = divio-api.md says so; INFERRED = DRF default or our guess):
- `GET /apps/v3/` needs no auth and lists exactly the how-to page's 9 keys in its order, with
  absolute URLs from the request's scheme + Host header (SEEN). `serviceinstances/` routes to
  `service-instances/` (SEEN both names). Authentication still runs there, as DRF does: a
  malformed or invalid `Token` header gets 401 even on the root (INFERRED).
- Every other route needs `Authorization: Token <t>` (scheme case-insensitive). 401 bodies per
  divio-api.md §2.5 with `WWW-Authenticate: Token`; Basic/Bearer/anything else ->
  "Authentication credentials were not provided." (the how-to's netrc remark). `token=None`
  accepts any token.
- Unknown route -> 404 {"detail": "Not found."} before authentication (URL resolution comes
  first in Django); unknown id -> the same 404 after it. Trailing slash optional everywhere.
- Methods other than GET/HEAD -> 405 {"detail": "Method \\"POST\\" not allowed."} (after auth,
  as DRF). HEAD = GET without a body. A body on GET is ignored (the divio CLI sends `{}`).
- Lists: DRF page-number paging (`_wire.paginate`), filters below, unknown params ignored,
  empty filter values ignored (django-filter). With `ignore_filters`, the backups and
  service-instance-backups filters are ignored and those lists return everything (the real
  API may not support them, divio-api.md §5.4).

| route                     | filters (I = INFERRED / invented)                                      |
|---------------------------|------------------------------------------------------------------------|
| applications              | organisation, slug, name_search (I: case-insensitive in name or slug)   |
| environments              | application, slug                                                      |
| deployments               | application, environment                                               |
| backups                   | environment (I)                                                        |
| service-instance-backups  | backup (I), service_instance (I)                                       |
| service-instances         | environment                                                            |
| services                  | region, website (= application uuid)                                   |
| repositories              | organisation (I)                                                       |
| domains                   | environment (I), application (I)                                       |
| builds                    | environment (I), deployment (I)                                        |
| patches                   | application (I)                                                        |
| environment-variables     | application, environment (repeatable, any of), name                    |

Invented fields and values (not seen anywhere; tell the UI they may not exist for real):

| where                     | invented                                                              |
|---------------------------|-----------------------------------------------------------------------|
| applications/environments | created_at                                                            |
| environments (detail)     | ssh_endpoint host naming `ssh.<cloud-region>.aldryn.io`               |
| deployments               | status values QUEUED/WORKING/COMPLETED, created_at, author             |
| backups                   | trigger "SCHEDULED", created_at, newest-first order                    |
| service-instances         | service_status "READY"                                                 |
| services                  | name, type, region                                                     |
| repositories              | organisation, branch                                                   |
| domains, builds, patches  | every field                                                            |
| environment-variables     | uuid; values (sensitive ones in clear)                                 |
| paging                    | default page_size 20, max 100; logs: cursor param, page_size 50/200     |
| logs                      | timestamps with 9-digit fractions; entries oldest first within a page  |
| errors                    | 5xx/429/HTML fault bodies (see faults.py)                              |

Time: with `clock` (a function returning the current UTC time), a `live.Timeline` makes the
dataset move as the clock does: running deployments and backups finish, runtime logs grow.
Without it (the default, and every test that does not ask) nothing ever changes.

Knobs (plain attributes, change them any time): `latency_ms` (per request, applied by the
transports), `ignore_filters`, `stock_drf` (behave as stock DRF does where the fake
otherwise does not: the 301 without a trailing slash, Django's HTML 404, "No <Model> matches
the given query.", the 400 for a filter naming an unknown parent, OPTIONS; see stock_drf.py),
`faults` (spec string / FaultSpec / None; setting it reseeds the fault RNG so runs are
reproducible), `token`, `timeout_sleep_s` and `timeout_drop`
(loopback timeout fault), `access_log` (loopback prints requests to stderr).
One-shot failures: `api.fail_next("backups", 503, times=2)` makes the next 2 requests whose
path starts with `/apps/v3/backups` fail with 503, then the route recovers; `status` may be any
fault kind ("timeout", "badjson", "html", 429, ...) or an error status 400..599. One-shot rules
take precedence over random faults; `api.clear_failures()` drops them.
Stats: `requests` [(method, path+query, status)] (status 0 = timeout fault), `fault_log`
[(method, path+query, kind)], `in_flight`, `max_in_flight` (counted by `handle` and the
transports, latency included), `reset_stats()`. All thread-safe.
"""

from __future__ import annotations

import hmac
import random
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from functools import partial
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from . import _wire as wire
from . import stock_drf as stock
from ._util import Record
from ._wire import FakeResponse
from .dataset import ROUTES, Dataset, Scale, canonical_route, generate
from .faults import FaultSpec, fault_response, normalise_kind
from .live import Timeline

__all__ = ["ROOT_KEYS", "FakeDivioAPI", "FakeResponse", "FaultSpec"]

ROOT_KEYS: tuple[str, ...] = ("applications", "environments", "domains", "patches", "repositories",
                              "serviceinstances", "deployments", "builds", "regions")
_APPS_ROUTES = frozenset(ROUTES) - {"organisations"}
_IGNORABLE = frozenset({"backups", "service-instance-backups"})
# route -> ((query param, record field, how), ...); see the module docstring table.
_FILTERS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "applications": (("organisation", "organisation", "exact"), ("slug", "slug", "exact"),
                     ("name_search", "", "search")),
    "environments": (("application", "application", "exact"), ("slug", "slug", "exact")),
    "deployments": (("environment", "environment", "exact"), ("application", "environment", "app")),
    "backups": (("environment", "environment", "exact"),),
    "service-instance-backups": (("backup", "backup", "exact"),
                                 ("service_instance", "service_instance", "exact")),
    "service-instances": (("environment", "environment", "exact"),),
    "services": (("region", "region", "exact"), ("website", "uuid", "website")),
    "repositories": (("organisation", "organisation", "exact"),),
    "domains": (("environment", "environment", "exact"), ("application", "environment", "app")),
    "builds": (("environment", "environment", "exact"), ("deployment", "deployment", "exact")),
    "patches": (("application", "application", "exact"),),
    "environment-variables": (("environment", "environment", "any"),
                              ("application", "environment", "app"), ("name", "name", "exact")),
}

View = Callable[[dict[str, list[str]], str], FakeResponse]


class FakeDivioAPI:
    """The fake API server (see module docstring for behaviour, knobs and stats).

    With `dataset` given, `scale` and `now` are ignored; `seed` always seeds the fault RNG.
    Several FakeDivioAPI objects may share one dataset (each with its own knobs and stats).
    """

    def __init__(self, dataset: Dataset | None = None, *, scale: Scale = "demo", seed: int = 0,
                 now: datetime | None = None, latency_ms: float = 0, ignore_filters: bool = False,
                 faults: str | FaultSpec | None = None, token: str | None = None,
                 timeout_sleep_s: float = 15.0, timeout_drop: bool = False,
                 access_log: bool = False, stock_drf: bool = False,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.dataset = dataset if dataset is not None else generate(scale, seed, now)
        # With a clock, time moves (live.py): running things finish, runtime logs grow.
        self.timeline = Timeline(self.dataset, clock) if clock is not None else None
        self.latency_ms = latency_ms
        self.ignore_filters = ignore_filters
        self.token = token
        self.timeout_sleep_s = timeout_sleep_s
        self.timeout_drop = timeout_drop
        self.access_log = access_log
        self.stock_drf = stock_drf
        self.requests: list[tuple[str, str, int]] = []
        self.fault_log: list[tuple[str, str, str]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._seed = seed
        self._lock = threading.Lock()
        self._one_shots: list[list[Any]] = []  # [path prefix, kind, remaining]
        self._fault_rng = random.Random()
        self._faults: FaultSpec | None = None
        self.faults = faults

    # -- knobs -----------------------------------------------------------------------------
    @property
    def faults(self) -> FaultSpec | None:
        """Random fault rates, or None. Assign a spec string, a FaultSpec or None."""
        return self._faults

    @faults.setter
    def faults(self, value: str | FaultSpec | None) -> None:
        spec = FaultSpec.parse(value) if isinstance(value, str) else value
        with self._lock:
            self._faults = spec if spec and spec.rates else None
            # Reseed so that the same spec on the same api gives the same sequence of faults.
            self._fault_rng.seed(f"divio-fake:{self._seed}:faults:{spec}")

    def fail_next(self, path_prefix: str, status: int | str, times: int = 1) -> None:
        """Make the next `times` requests under `path_prefix` fail with `status` (a fault kind).

        `path_prefix` is a URL path ("/apps/v3/backups/", "/iam/v3/me") or relative to
        /apps/v3/ ("backups", "deployments/<uuid>/logs"); it matches with or without a trailing
        slash and ignores the query string.
        """
        if times < 1:
            raise ValueError(f"times must be >= 1, not {times}")
        kind = normalise_kind(status)
        prefix = path_prefix if path_prefix.startswith("/") else \
            "/" + path_prefix if path_prefix.startswith(("apps/", "iam/")) else "/apps/v3/" + path_prefix
        with self._lock:
            self._one_shots.append([prefix, kind, times])

    def clear_failures(self) -> None:
        """Forget pending one-shot failures (random `faults` stay as they are)."""
        with self._lock:
            self._one_shots.clear()

    def reset_stats(self) -> None:
        """Clear the request and fault logs and restart max_in_flight from the current load."""
        with self._lock:
            self.requests.clear()
            self.fault_log.clear()
            self.max_in_flight = self.in_flight

    # -- in-flight counting (used by `handle` and by the transports that wrap this core) --
    @contextmanager
    def track(self) -> Iterator[None]:
        """Count one request in flight for the duration of the block (thread-safe)."""
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            yield
        finally:
            with self._lock:
                self.in_flight -= 1

    # -- request -> response ---------------------------------------------------------------
    def handle(self, method: str, url: str, headers: Mapping[str, str] | None = None,
               body: bytes = b"") -> FakeResponse:
        """Answer one request without latency (`track` + `respond`); see module docstring.

        `url` is absolute (`https://api.divio.com/apps/v3/...`) or a path with query; the Host
        header wins over the URL's host for building absolute links (as Django does).
        """
        with self.track():
            return self.respond(method, url, headers or {}, body)

    def respond(self, method: str, url: str, headers: Mapping[str, str], body: bytes = b"") -> FakeResponse:
        """The response to one request, faults included; used by `handle` and the transports."""
        split = urlsplit(url)
        hdrs = {key.lower(): value for key, value in headers.items()}
        host = hdrs.get("host") or split.netloc or "testserver"
        path = split.path or "/"
        method = method.upper()
        if self.timeline is not None:
            self.timeline.advance()
        kind = self._next_fault(path)
        if kind is not None and kind not in ("badjson", "timeout"):
            resp = fault_response(kind)
        else:
            built = self.dataset.history_built
            resp = self._dispatch(method, split.scheme or "http", host, path, split.query, hdrs)
            if self.timeline is not None and not built and self.dataset.history_built:
                # This request built the history (dataset.py): bring it to the clock's time,
                # as every request before would have, and answer from that.
                self.timeline.advance()
                resp = self._dispatch(method, split.scheme or "http", host, path, split.query, hdrs)
            if kind is not None:
                resp = fault_response(kind, resp)
        if self.stock_drf and "Allow" in resp.headers:
            resp.headers["Allow"] = stock.ALLOW
        if method == "HEAD" and resp.body:
            resp = replace(resp, body=b"")  # Content-Length keeps the GET body's length
        full = path + (f"?{split.query}" if split.query else "")
        with self._lock:
            self.requests.append((method, full, 0 if resp.timed_out else resp.status))
            if kind is not None:
                self.fault_log.append((method, full, kind))
        return resp

    def _next_fault(self, path: str) -> str | None:
        with self._lock:
            for rule in self._one_shots:
                if path.startswith(rule[0]) or (path + "/").startswith(rule[0]):
                    rule[2] -= 1
                    if rule[2] <= 0:
                        self._one_shots.remove(rule)
                    return str(rule[1])
            if self._faults is None:
                return None
            return self._faults.pick(self._fault_rng.random())

    def _dispatch(self, method: str, scheme: str, host: str, path: str, query: str,
                  hdrs: dict[str, str]) -> FakeResponse:
        view, public = self._resolve(path)
        if self.stock_drf and view is None:
            return stock.not_found_page()
        if self.stock_drf and not path.endswith("/"):
            return stock.slash_redirect(path, query)  # APPEND_SLASH: before authentication
        if view is None:
            return wire.detail(404, wire.NOT_FOUND)
        authenticated, error = self._authenticate(hdrs.get("authorization", ""))
        if error is not None:
            return wire.unauthorised(error)
        if not authenticated and not public:
            return wire.unauthorised(wire.NOT_PROVIDED)
        if self.stock_drf and method == "OPTIONS":
            parts = path.strip("/").split("/")
            return stock.options(canonical_route(parts[2]) if len(parts) > 2 else "")
        if method not in ("GET", "HEAD"):
            return wire.detail(405, f'Method "{method}" not allowed.')
        params = parse_qs(query, keep_blank_values=True)
        return view(params, wire.absolute_uri(scheme, host, path, query))

    def _authenticate(self, header: str) -> tuple[bool, str | None]:
        """DRF TokenAuthentication: (authenticated, error detail or None)."""
        try:
            parts = header.encode("latin-1").split()
        except UnicodeEncodeError:
            return False, wire.TOKEN_CHARS
        if not parts or parts[0].lower() != b"token":
            return False, None  # anonymous: Basic, Bearer, nothing... ("not provided" if required)
        if len(parts) == 1:
            return False, wire.NO_CREDENTIALS
        if len(parts) > 2:
            return False, wire.TOKEN_SPACES
        try:
            token = parts[1].decode("utf-8")
        except UnicodeDecodeError:
            return False, wire.TOKEN_CHARS
        if self.token is not None and not hmac.compare_digest(token.encode(), self.token.encode()):
            return False, wire.INVALID_TOKEN
        return True, None

    def _resolve(self, path: str) -> tuple[View | None, bool]:
        """(view, public) for a path, or (None, False) for an unknown route."""
        if path.endswith("/") and path != "/":
            path = path[:-1]
        parts = [unquote(part) for part in path.split("/")[1:]]
        if not parts or "" in parts:
            return None, False
        family, rest = parts[:2], parts[2:]
        if family == ["apps", "v3"]:
            if not rest:
                return self._root, True
            route = canonical_route(rest[0])
            if route not in _APPS_ROUTES:
                return None, False
            if len(rest) == 1:
                return partial(self._list, route), False
            if len(rest) == 2:
                return partial(self._detail, route, rest[1]), False
            if len(rest) == 3:
                action = {("deployments", "logs"): self._deployment_logs,
                          ("deployments", "environment-variables"): self._deployment_env_vars,
                          ("environments", "logs"): self._environment_logs}.get((route, rest[2]))
                if action is not None:
                    return partial(action, rest[1]), False
        elif family == ["iam", "v3"]:
            if rest == ["me"]:
                return self._me, False
            if rest[:1] == ["organisations"] and len(rest) <= 2:
                if len(rest) == 1:
                    return partial(self._list, "organisations"), False
                return partial(self._detail, "organisations", rest[1]), False
        return None, False

    # -- views -----------------------------------------------------------------------------
    def _root(self, params: dict[str, list[str]], url: str) -> FakeResponse:
        split = urlsplit(url)
        base = f"{split.scheme}://{split.netloc}/apps/v3/"
        return wire.json_response(200, {key: f"{base}{key}/" for key in ROOT_KEYS})

    def _me(self, params: dict[str, list[str]], url: str) -> FakeResponse:
        return wire.json_response(200, self.dataset.me)

    def _list(self, route: str, params: dict[str, list[str]], url: str) -> FakeResponse:
        if self.stock_drf:
            rejected = stock.invalid_parent(params, _FILTERS.get(route, ()), self._exists)
            if rejected is not None:
                return rejected
        return wire.paginate(self._filter(route, params), params, url)

    def _exists(self, route: str, uuid: str) -> bool:
        return bool(self.dataset.where(route, "uuid", uuid))

    def _detail(self, route: str, uuid: str, params: dict[str, list[str]], url: str) -> FakeResponse:
        record = self.dataset.detail(route, uuid)
        if record is None and self.stock_drf:
            return stock.missing_object(route)
        return wire.detail(404, wire.NOT_FOUND) if record is None else wire.json_response(200, record)

    def _deployment_logs(self, uuid: str, params: dict[str, list[str]], url: str) -> FakeResponse:
        text = (self.timeline or self.dataset).deployment_logs(uuid)
        if text is None:
            return wire.detail(404, wire.NOT_FOUND)
        return wire.json_response(200, {"uuid": uuid, "logs": text})

    def _deployment_env_vars(self, uuid: str, params: dict[str, list[str]], url: str) -> FakeResponse:
        record = self.dataset.detail("deployments", uuid)
        if record is None:
            return wire.detail(404, wire.NOT_FOUND)
        values = self.dataset.deployment_environment_variables(uuid)
        return wire.json_response(200, {**record, "environment_variables": values})

    def _environment_logs(self, uuid: str, params: dict[str, list[str]], url: str) -> FakeResponse:
        entries = (self.timeline or self.dataset).environment_logs(uuid)
        if entries is None:
            return wire.detail(404, wire.NOT_FOUND)
        return wire.log_page(entries, params, url)

    def _filter(self, route: str, params: dict[str, list[str]]) -> list[Record]:
        """Apply the route's filters (module docstring table) in collection order."""
        ds = self.dataset
        records = ds.records(route)
        if self.ignore_filters and route in _IGNORABLE:
            return records
        whole = True  # still the full collection: the first exact filter may use an index
        for param, field, how in _FILTERS.get(route, ()):
            values = [value for value in params.get(param, ()) if value != ""]
            if not values:
                continue  # django-filter ignores empty values
            value = values[-1]  # QueryDict.get() semantics: the last one wins
            if how == "exact" and whole:
                records = ds.where(route, field, value)
            elif how == "exact":
                records = [rec for rec in records if rec.get(field) == value]
            elif how == "any":
                wanted = set(values)
                records = [rec for rec in records if rec.get(field) in wanted]
            elif how == "search":
                needle = value.casefold()
                records = [rec for rec in records
                           if needle in rec["name"].casefold() or needle in rec["slug"].casefold()]
            else:  # "app" / "website": joins through the application's environments
                env_ids = {env["uuid"] for env in ds.where("environments", "application", value)}
                if how == "app":
                    records = [rec for rec in records if rec.get(field) in env_ids]
                else:
                    used = {si["service"] for env_id in env_ids
                            for si in ds.where("service-instances", "environment", env_id)}
                    records = [rec for rec in records if rec["uuid"] in used]
            whole = False
        return records
