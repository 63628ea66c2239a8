"""`DivioClient`: read-only async access to the Divio API over `httpx.AsyncClient`.

Contract:
- Only GET and HEAD ever leave the client; anything else raises `Refused` before any I/O.
- The token goes only to the base URL's origin: `next` links and redirects elsewhere are
  refused (`urls.ApiUrls.pin`), and ``trust_env=False`` keeps ~/.netrc and proxy variables from
  replacing our ``Authorization: Token …`` header (divio-api.md §2.7).
- Every failure is an `ApiError` (see errors.py); httpx and pydantic exceptions never escape.
- Every HTTP attempt is reported to the optional observer as a `RequestEvent`.
- At most `concurrency` requests are in flight for the whole client, whatever the number of
  concurrent `iter_pages` calls.
- Every request has an overall `deadline` (seconds spent sending, receiving and waiting between
  its attempts, not queueing for a slot): a server that trickles one byte a second gets a
  `NetworkError` when it passes, and the slot is free again. httpx's own `timeout` is per read.
- Bodies are decoded to at most `max_body_bytes` (`body.read_body`): past it a `BadResponse`
  says so, and no more than the cap was ever held in memory.
- Ids are checked before they go into a path (`urls.is_api_id`), URLs before they are sent;
  both fail as `Refused`, before any I/O.
- The token never comes back up: every error this client lets out is redacted against it
  (`ApiError.redact`), and a body that quotes it has it masked before it is parsed.
"""

from __future__ import annotations

import asyncio
import builtins
import random
import re
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterator
from contextlib import aclosing, contextmanager
from dataclasses import dataclass, field
from functools import partial
from types import TracebackType
from typing import Any, Self, TypeVar, overload

import httpx

from divio_tui import __version__
from divio_tui.redaction import MIN_LENGTH_TO_SHOW_TAIL, is_well_formed_token, mask_token

from .attempts import LOCATION, Budget, Sender, hide_location
from .body import ACCEPT_ENCODING
from .cursor import MAX_PAGES, ListCursor
from .errors import (
    ApiError,
    BadResponse,
    ErrorKind,
    Refused,
    clean_text,
    describe_request,
    safe_url,
)
from .models import (
    ApiModel,
    Deployment,
    DeploymentLog,
    LogPage,
    Page,
    User,
    parse_model,
    parse_page,
)
from .resources import KINDS, ResourceKind
from .responses import Reply, decode_json, status_error
from .retry import RetryPolicy
from .urls import DEFAULT_BASE_URL, ApiUrls, Params, is_api_id

__all__ = ["DEFAULT_BASE_URL", "DivioClient", "Observer", "RequestEvent"]

M = TypeVar("M", bound=ApiModel)

ALLOWED_METHODS = frozenset({"GET", "HEAD"})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5

DEFAULT_DEADLINE = 30.0
"""Seconds one request may take in all (attempts, waits between them and redirects)."""

DEFAULT_MAX_BODY_BYTES = 32_000_000
"""The largest decoded body read (32 MB: a 10,000-record page is about 10 MB)."""

PARENT_PARAMS = frozenset({"organisation", "application", "environment", "backup",
                           "service_instance", "region", "deployment", "website"})
"""Query parameters that name a parent by id: their values are checked like ids in paths."""

_MASKABLE_TOKEN = re.compile(r"[A-Za-z0-9_.~+/=-]+")
"""A token that can be masked inside a JSON body without changing its syntax."""


@dataclass(frozen=True, slots=True)
class RequestEvent:
    """One HTTP attempt, as reported to the observer (request log, benchmarks).

    `url` never contains credentials; `status` is None when no response arrived; `bytes` is
    the response body size; `attempt` is 1-based; `error` is the kind of failure this attempt
    had (a retried 503 reports `server` even if the next attempt succeeds), else None.
    `body` is the response body as received (the client's own bytes, not a copy; empty when
    no response arrived): an observer that keeps it must keep a bounded part of it.
    """

    method: str
    url: str
    status: int | None
    elapsed_ms: float
    bytes: int
    attempt: int
    error: ErrorKind | None
    body: builtins.bytes | bytearray = field(default=b"", repr=False)  # `bytes`: a field above


Observer = Callable[[RequestEvent], None]
"""Called synchronously after every attempt; it must be quick and must not raise."""


class DivioClient:
    """Async, read-only client for one Divio API (production, another zone, or the fake).

    Use as ``async with DivioClient(url, token) as client:`` or call `aclose` yourself.
    `transport` replaces the network (the fake's in-process transport, `httpx.MockTransport`).
    `page_size` is what list calls ask for; servers may cap it. `timeout` is httpx's, per
    connect / read; `deadline` bounds a whole request (see the module docstring);
    `max_body_bytes` the decoded size of one body; `max_pages` the pages one list may take.
    `backoff_base`, `retry_after_cap`, `sleep` and `rng` tune retries (tests make them tiny).
    """

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        token: str | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        concurrency: int = 6,
        page_size: int = 100,
        timeout: float = 10.0,
        max_attempts: int = 4,
        observer: Observer | None = None,
        backoff_base: float = 0.5,
        retry_after_cap: float = 10.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
        deadline: float = DEFAULT_DEADLINE,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        max_pages: int = MAX_PAGES,
    ) -> None:
        if min(concurrency, page_size, max_body_bytes, max_pages) < 1 or min(
                timeout, deadline) <= 0:
            raise ValueError("concurrency, page_size, timeout, deadline, max_body_bytes and "
                             "max_pages must be positive")
        self.urls = ApiUrls(base_url)
        self.base_url = str(self.urls.apps)
        self.concurrency = concurrency
        self.page_size = page_size
        self.timeout = timeout
        self.deadline = deadline
        self.max_body_bytes = max_body_bytes
        self.max_pages = max_pages
        self.observer = observer
        self.retry = RetryPolicy(
            max_attempts=max_attempts, base_delay=backoff_base, retry_after_cap=retry_after_cap
        )
        headers = {"User-Agent": f"divio-tui/{__version__}", "Accept": "application/json",
                   "Accept-Encoding": ACCEPT_ENCODING}
        self._token: str | None = None
        if token is not None:
            token = token.strip()
            # Header values are ASCII; a pasted token with a space, newline or smart quote is
            # a user error best reported now rather than as a confusing 401 or encode error.
            if not is_well_formed_token(token):
                raise ValueError("token must be one word of printable ASCII characters")
            headers["Authorization"] = f"Token {token}"
            self._token = token
        # A server that echoes the token (a 401 quoting the header, a record holding it) gets
        # it masked in the body before anything is parsed, when masking keeps the JSON intact.
        self._token_bytes: tuple[bytes, bytes] | None = None
        if self._token and len(self._token) >= MIN_LENGTH_TO_SHOW_TAIL and \
                _MASKABLE_TOKEN.fullmatch(self._token):
            self._token_bytes = (self._token.encode(), mask_token(self._token).encode())
        self._http = httpx.AsyncClient(
            transport=transport,
            headers=headers,
            timeout=timeout,
            # Never read ~/.netrc or proxy variables: a netrc entry for api.<zone> (which
            # `divio login` writes) would replace our header with Basic auth (the how-to's
            # "Authentication credentials were not provided." trap).
            trust_env=False,
            # Redirects are followed by hand, one origin-checked hop at a time.
            follow_redirects=False,
            event_hooks={"response": [hide_location]},
        )
        # One semaphore for the whole client: many tree nodes expanding at once still make at
        # most `concurrency` requests together. It is held per attempt, never during backoff.
        self._sender = Sender(self._http, slots=asyncio.Semaphore(concurrency), retry=self.retry,
                              sleep=sleep, rng=rng or random.Random(), timeout=timeout,
                              deadline=deadline, max_body_bytes=max_body_bytes,
                              mask=self._masked, report=self._report)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool (and the injected transport)."""
        await self._http.aclose()

    # -- URLs ---------------------------------------------------------------------------

    def url_for(
        self, kind: str | ResourceKind[Any], uuid: str | None = None, params: Params | None = None
    ) -> str:
        """Absolute URL of a kind's list, or of one object's detail when `uuid` is given.

        Raises `Refused` for an id no path may hold (`urls.is_api_id`) or a parent filter
        naming one, so a hostile id can neither break the URL nor walk to another path.
        """
        resource = _kind(kind)
        with self._guard():
            if uuid is not None and not is_api_id(uuid):
                raise _bad_id(resource.singular, uuid)
            _check_parent_params(params)
            path = resource.detail_path(uuid) if uuid else resource.path
            return str(self.urls.resolve(path, params))

    # -- raw requests -------------------------------------------------------------------

    async def request(
        self, method: str, path_or_url: str | httpx.URL, params: Params | None = None
    ) -> httpx.Response:
        """Send one read-only request (with retries and same-origin redirects).

        Returns the final 2xx response; raises `Refused` for methods other than GET/HEAD
        (before anything is sent) and the matching `ApiError` for every failure.
        """
        with self._guard():
            return (await self._fetch(method, path_or_url, params)).to_httpx()

    async def _fetch(
        self, method: str, path_or_url: str | httpx.URL, params: Params | None = None
    ) -> Reply:
        """`request`, answering with the `Reply` the rest of the layer decodes."""
        method = method.upper()
        if method not in ALLOWED_METHODS:
            raise Refused(
                f"Refused {method}: divio-tui is read-only — {method} "
                f"{clean_text(str(path_or_url))}",
                method=method,
            )
        url = self.urls.resolve(path_or_url, params)
        seen = {str(url)}
        budget = Budget(self.deadline)
        for _ in range(MAX_REDIRECTS + 1):
            reply = await self._sender.send(method, url, budget)
            if reply.status < 300:
                return reply
            if reply.status not in REDIRECT_STATUSES:
                raise status_error(reply, attempts=1)
            location = reply.headers.get(LOCATION)
            if not location:
                raise BadResponse(
                    f"{reply.status} redirect without a Location — "
                    f"{describe_request(method, url)}",
                    url=url, method=method, status=reply.status,
                )
            # Stock DRF answers a path without its trailing slash with a 301 to a relative
            # Location (query kept), before authentication: followed, on our origin only.
            url = self.urls.resolve(_joined(url, location, method))
            if str(url) in seen:
                raise Refused(f"Redirect loop — {describe_request(method, url)}", url=url,
                              method=method)
            seen.add(str(url))
        raise Refused(f"Too many redirects — {describe_request(method, url)}", url=url,
                      method=method)

    async def get_json(self, path_or_url: str, params: Params | None = None) -> Any:
        """GET and decode JSON; a non-JSON body raises `BadResponse` (never quoting it)."""
        with self._guard():
            return decode_json(await self._fetch("GET", path_or_url, params))

    async def root(self) -> dict[str, Any]:
        """The apps/v3 root: a map of route names to URLs (needs no token)."""
        body = await self.get_json(str(self.urls.apps))
        if not isinstance(body, dict):
            raise BadResponse(f"Expected an object — GET {self.urls.apps.path}",
                              url=self.urls.apps, summary="the server sent something else "
                              "than the API root")
        return body

    async def me(self) -> User:
        """The token's user (``iam/v3/me/``): the cheapest check that a token works."""
        url = str(self.urls.iam.join("me/"))
        body = await self.get_json(url)
        with self._guard():
            return parse_model(User, body, url=url)

    # -- resources ----------------------------------------------------------------------

    @overload
    async def get(self, kind: ResourceKind[M], uuid: str) -> M: ...
    @overload
    async def get(self, kind: str, uuid: str) -> Any: ...
    async def get(self, kind: str | ResourceKind[Any], uuid: str) -> Any:
        """One object by uuid (detail view, which may carry more fields than list items)."""
        resource = _kind(kind)
        url = self.url_for(resource, uuid)
        body = await self.get_json(url)
        with self._guard():
            return parse_model(resource.model, body, url=url)

    async def deployment_log(self, uuid: str) -> DeploymentLog:
        """``deployments/<uuid>/logs``: the deploy log as one text blob (untrusted text)."""
        url = self.url_for("deployment", uuid) + "logs"
        body = await self.get_json(url)
        with self._guard():
            return parse_model(DeploymentLog, body, url=url)

    async def deployment_environment_variables(self, uuid: str) -> Deployment:
        """``deployments/<uuid>/environment-variables``: the deployment with the values it was
        deployed with, `environment_variables` as ``{NAME: value}`` (divio-api.md §8.4; the path
        as divio-cli writes it). The values are as secret as the environment's own; a body
        without that object raises `BadResponse` (never quoting it)."""
        url = self.url_for("deployment", uuid) + "environment-variables"
        deployment = parse_model(Deployment, await self.get_json(url), url=url)
        if not isinstance(deployment.environment_variables, dict):
            raise BadResponse(f"Expected the environment variables as an object — "
                              f"{describe_request('GET', url)}", url=url)
        return deployment

    async def environment_logs(
        self, uuid: str, params: Params | None = None, *, url: str | None = None
    ) -> LogPage:
        """One page of runtime logs; pass a previous page's `next`/`previous` as `url`."""
        with self._guard():
            target = url or str(self.urls.resolve(self.url_for("environment", uuid) + "logs/",
                                                  params))
        body = await self.get_json(target)
        with self._guard():
            return parse_model(LogPage, body, url=target)

    @overload
    async def get_page(
        self, kind: ResourceKind[M], params: Params | None = None, page: int = 1
    ) -> Page[M]: ...
    @overload
    async def get_page(
        self, kind: str, params: Params | None = None, page: int = 1
    ) -> Page[Any]: ...
    async def get_page(
        self, kind: str | ResourceKind[Any], params: Params | None = None, page: int = 1
    ) -> Page[Any]:
        """One page of a list. Out-of-range pages raise `NotFound` (detail "Invalid page.")."""
        resource = _kind(kind)
        extra: dict[str, Any] = {"page": page} if page != 1 else {}
        with self._guard():
            return await self._page_at(resource, self._list_url(resource, params, extra))

    @overload
    def cursor(self, kind: ResourceKind[M], params: Params | None = None) -> ListCursor[M]: ...
    @overload
    def cursor(self, kind: str, params: Params | None = None) -> ListCursor[Any]: ...
    def cursor(self, kind: str | ResourceKind[Any], params: Params | None = None) -> ListCursor[Any]:
        """A `ListCursor` over one list (the one pager: see cursor.py): `next_batch(budget)`
        reads it a batch at a time, with every paging guard. Nothing is sent until then.
        Raises `Refused` at once for a parent filter that names no valid id."""
        resource = _kind(kind)
        with self._guard():
            first = self._list_url(resource, params)
        return ListCursor(resource, first, self._fetch_page,
                          self.urls.pin, concurrency=self.concurrency,
                          page_size=self.page_size, max_pages=self.max_pages,
                          on_error=self._redact)

    @overload
    def iter_pages(
        self, kind: ResourceKind[M], params: Params | None = None, *,
        max_pages: int | None = None,
    ) -> AsyncGenerator[Page[M], None]: ...
    @overload
    def iter_pages(
        self, kind: str, params: Params | None = None, *, max_pages: int | None = None,
    ) -> AsyncGenerator[Page[Any], None]: ...
    async def iter_pages(
        self, kind: str | ResourceKind[Any], params: Params | None = None, *,
        max_pages: int | None = None,
    ) -> AsyncGenerator[Page[Any], None]:
        """Every page of a list, in order, fetched concurrently once the first page is in.

        A `cursor` read to the end: page 1 gives `count` and the page size; if its `next` is
        a page-number link (``page=2``), pages 2..N are fetched at once (bounded by
        `concurrency`) and each is yielded as soon as it and all before it have arrived.
        Otherwise `next` is followed one page at a time. If the collection shrinks meanwhile,
        the vanished tail pages ("Invalid page.") end the iteration quietly; if it grows, the
        last page's `next` is followed. Records listed twice are dropped. Consumers that may
        stop early should wrap the iterator in ``contextlib.aclosing`` so outstanding
        requests are cancelled at once (otherwise it happens when the abandoned generator is
        collected). Raises `Refused` for a `next` on another origin or one that repeats a
        fetched URL, and once `max_pages` (default: the client's) pages were read whatever
        the server's `count` says: a list that claims a billion records costs that many
        requests and no more.
        """
        cursor = self.cursor(kind, params)
        if max_pages is not None:
            cursor.max_pages = min(cursor.max_pages, max_pages)
        async with aclosing(cursor.pages()) as pages:
            async for page in pages:
                yield page

    @overload
    def iter_items(
        self, kind: ResourceKind[M], params: Params | None = None
    ) -> AsyncGenerator[M, None]: ...
    @overload
    def iter_items(self, kind: str, params: Params | None = None) -> AsyncGenerator[Any, None]: ...
    async def iter_items(
        self, kind: str | ResourceKind[Any], params: Params | None = None
    ) -> AsyncGenerator[Any, None]:
        """Every valid item of a list, in order (invalid records are skipped: use
        `iter_pages` to show them)."""
        async with aclosing(self.iter_pages(kind, params)) as pages:
            async for page in pages:
                for item in page.results:
                    yield item

    # -- paging internals ---------------------------------------------------------------

    def _list_url(
        self, kind: ResourceKind[Any], params: Params | None, extra: Params | None = None
    ) -> httpx.URL:
        _check_parent_params(params)
        merged: dict[str, Any] = {"page_size": self.page_size, **(params or {}), **(extra or {})}
        return self.urls.resolve(kind.path, merged)

    async def _page_at(self, kind: ResourceKind[M], url: httpx.URL | str) -> Page[M]:
        return (await self._fetch_page(kind, url))()

    async def _fetch_page(self, kind: ResourceKind[M],
                          url: httpx.URL | str) -> Callable[[], Page[M]]:
        """One page's reply, and how to parse it (the pager parses once it has sent the
        requests that follow: cursor.py)."""
        with self._guard():
            reply = await self._fetch("GET", url)
        return partial(self._parse_page, kind, reply, url)

    def _parse_page(self, kind: ResourceKind[M], reply: Reply, url: httpx.URL | str) -> Page[M]:
        with self._guard():
            page = parse_page(kind.model, decode_json(reply), url=url)
            for record in page.invalid:
                self._redact(record.error)
            return page

    # -- the token ------------------------------------------------------------------------

    def _redact(self, error: ApiError) -> None:
        error.redact(self._token)

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Let no `ApiError` out with the token in it."""
        try:
            yield
        except ApiError as error:
            self._redact(error)
            raise

    def _masked(self, body: bytearray) -> bytearray:
        if self._token_bytes is not None and self._token_bytes[0] in body:
            return body.replace(*self._token_bytes)
        return body

    # -- one URL, with retries ----------------------------------------------------------

    def _report(
        self, method: str, url: httpx.URL, reply: Reply | None, started: float,
        attempt: int, error: ErrorKind | None,
    ) -> None:
        if self.observer is None:
            return
        self.observer(RequestEvent(
            method=method,
            url=safe_url(url),
            status=reply.status if reply is not None else None,
            elapsed_ms=(time.monotonic() - started) * 1000.0,
            bytes=len(reply.body) if reply is not None else 0,
            attempt=attempt,
            error=error,
            body=reply.body if reply is not None else b"",
        ))


def _joined(base: httpx.URL, link: str, method: str) -> httpx.URL:
    """`link` (a Location, absolute or relative) against `base`; `Refused` if it is no URL."""
    try:
        return base.join(link)
    except httpx.InvalidURL:
        raise Refused(f"Refused a malformed redirect — {describe_request(method, base)}",
                      url=base, method=method, summary="a malformed redirect") from None


def _bad_id(noun: str, uuid: str) -> Refused:
    return Refused(f"Refused to request a {noun} by an id that is not an API id: "
                   f"{clean_text(uuid, 60)}", summary="an id that is not an API id")


def _check_parent_params(params: Params | None) -> None:
    for name, value in (params or {}).items():
        values = [value] if isinstance(value, str | int) else list(value)
        if name in PARENT_PARAMS and not all(is_api_id(str(item)) for item in values):
            raise _bad_id(name.replace("_", " "), str(values[0]) if values else "")


def _kind(kind: str | ResourceKind[Any]) -> ResourceKind[Any]:
    if isinstance(kind, ResourceKind):
        return kind
    try:
        return KINDS[kind]
    except KeyError:
        raise ValueError(f"unknown resource kind {kind!r}; known: {', '.join(KINDS)}") from None

