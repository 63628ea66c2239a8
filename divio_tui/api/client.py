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
"""

from __future__ import annotations

import asyncio
import builtins
import random
import time
from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import aclosing
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self, TypeVar, overload

import httpx

from divio_tui import __version__
from divio_tui.redaction import is_well_formed_token

from .cursor import ListCursor
from .errors import (
    ApiError,
    BadResponse,
    ErrorKind,
    NetworkError,
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
from .responses import attempts_note, decode_json, status_error
from .retry import RETRY_STATUSES, RetryPolicy, parse_retry_after
from .urls import DEFAULT_BASE_URL, ApiUrls, Params

__all__ = ["DEFAULT_BASE_URL", "DivioClient", "Observer", "RequestEvent"]

M = TypeVar("M", bound=ApiModel)

ALLOWED_METHODS = frozenset({"GET", "HEAD"})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5


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
    body: builtins.bytes = field(default=b"", repr=False)  # `bytes` is a field above


Observer = Callable[[RequestEvent], None]
"""Called synchronously after every attempt; it must be quick and must not raise."""


class DivioClient:
    """Async, read-only client for one Divio API (production, another zone, or the fake).

    Use as ``async with DivioClient(url, token) as client:`` or call `aclose` yourself.
    `transport` replaces the network (the fake's in-process transport, `httpx.MockTransport`).
    `page_size` is what list calls ask for; servers may cap it. `timeout` is per attempt.
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
    ) -> None:
        if concurrency < 1 or page_size < 1 or timeout <= 0:
            raise ValueError("concurrency, page_size and timeout must be positive")
        self.urls = ApiUrls(base_url)
        self.base_url = str(self.urls.apps)
        self.concurrency = concurrency
        self.page_size = page_size
        self.timeout = timeout
        self.observer = observer
        self.retry = RetryPolicy(
            max_attempts=max_attempts, base_delay=backoff_base, retry_after_cap=retry_after_cap
        )
        self._sleep = sleep
        self._rng = rng or random.Random()
        # One semaphore for the whole client: many tree nodes expanding at once still make at
        # most `concurrency` requests together. It is held per attempt, never during backoff.
        self._slots = asyncio.Semaphore(concurrency)
        headers = {"User-Agent": f"divio-tui/{__version__}", "Accept": "application/json"}
        if token is not None:
            token = token.strip()
            # Header values are ASCII; a pasted token with a space, newline or smart quote is
            # a user error best reported now rather than as a confusing 401 or encode error.
            if not is_well_formed_token(token):
                raise ValueError("token must be one word of printable ASCII characters")
            headers["Authorization"] = f"Token {token}"
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
        )

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
        """Absolute URL of a kind's list, or of one object's detail when `uuid` is given."""
        resource = _kind(kind)
        path = resource.detail_path(uuid) if uuid else resource.path
        return str(self.urls.resolve(path, params))

    # -- raw requests -------------------------------------------------------------------

    async def request(
        self, method: str, path_or_url: str, params: Params | None = None
    ) -> httpx.Response:
        """Send one read-only request (with retries and same-origin redirects).

        Returns the final 2xx response; raises `Refused` for methods other than GET/HEAD
        (before anything is sent) and the matching `ApiError` for every failure.
        """
        method = method.upper()
        if method not in ALLOWED_METHODS:
            raise Refused(
                f"Refused {method}: divio-tui is read-only — {method} {clean_text(path_or_url)}",
                method=method,
            )
        url = self.urls.resolve(path_or_url, params)
        seen = {str(url)}
        for _ in range(MAX_REDIRECTS + 1):
            response = await self._attempts(method, url)
            if response.status_code < 300:
                return response
            if response.status_code not in REDIRECT_STATUSES:
                raise status_error(method, url, response, attempts=1)
            location = response.headers.get("location")
            if not location:
                raise BadResponse(
                    f"{response.status_code} redirect without a Location — "
                    f"{describe_request(method, url)}",
                    url=url, method=method, status=response.status_code,
                )
            url = self.urls.pin(url.join(location), method)
            if str(url) in seen:
                raise Refused(f"Redirect loop — {describe_request(method, url)}", url=url,
                              method=method)
            seen.add(str(url))
        raise Refused(f"Too many redirects — {describe_request(method, url)}", url=url,
                      method=method)

    async def get_json(self, path_or_url: str, params: Params | None = None) -> Any:
        """GET and decode JSON; a non-JSON body raises `BadResponse` (never quoting it)."""
        response = await self.request("GET", path_or_url, params)
        return decode_json(response)

    async def root(self) -> dict[str, Any]:
        """The apps/v3 root: a map of route names to URLs (needs no token)."""
        body = await self.get_json(str(self.urls.apps))
        if not isinstance(body, dict):
            raise BadResponse(f"Expected an object — GET {self.urls.apps.path}",
                              url=self.urls.apps)
        return body

    async def me(self) -> User:
        """The token's user (``iam/v3/me/``): the cheapest check that a token works."""
        url = str(self.urls.iam.join("me/"))
        return parse_model(User, await self.get_json(url), url=url)

    # -- resources ----------------------------------------------------------------------

    @overload
    async def get(self, kind: ResourceKind[M], uuid: str) -> M: ...
    @overload
    async def get(self, kind: str, uuid: str) -> Any: ...
    async def get(self, kind: str | ResourceKind[Any], uuid: str) -> Any:
        """One object by uuid (detail view, which may carry more fields than list items)."""
        resource = _kind(kind)
        url = self.url_for(resource, uuid)
        return parse_model(resource.model, await self.get_json(url), url=url)

    async def deployment_log(self, uuid: str) -> DeploymentLog:
        """``deployments/<uuid>/logs``: the deploy log as one text blob (untrusted text)."""
        url = self.url_for("deployment", uuid) + "logs"
        return parse_model(DeploymentLog, await self.get_json(url), url=url)

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
        target = url or str(self.urls.resolve(self.url_for("environment", uuid) + "logs/",
                                              params))
        return parse_model(LogPage, await self.get_json(target), url=target)

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
        return await self._page_at(resource, self._list_url(resource, params, extra))

    @overload
    def cursor(self, kind: ResourceKind[M], params: Params | None = None) -> ListCursor[M]: ...
    @overload
    def cursor(self, kind: str, params: Params | None = None) -> ListCursor[Any]: ...
    def cursor(self, kind: str | ResourceKind[Any], params: Params | None = None) -> ListCursor[Any]:
        """A `ListCursor` over one list (the one pager: see cursor.py): `next_batch(budget)`
        reads it a batch at a time, with every paging guard. Nothing is sent until then."""
        resource = _kind(kind)
        return ListCursor(resource, self._list_url(resource, params), self._page_at,
                          self.urls.pin, concurrency=self.concurrency,
                          page_size=self.page_size)

    @overload
    def iter_pages(
        self, kind: ResourceKind[M], params: Params | None = None
    ) -> AsyncGenerator[Page[M], None]: ...
    @overload
    def iter_pages(
        self, kind: str, params: Params | None = None
    ) -> AsyncGenerator[Page[Any], None]: ...
    async def iter_pages(
        self, kind: str | ResourceKind[Any], params: Params | None = None
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
        fetched URL.
        """
        async with aclosing(self.cursor(kind, params).pages()) as pages:
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
        merged: dict[str, Any] = {"page_size": self.page_size, **(params or {}), **(extra or {})}
        return self.urls.resolve(kind.path, merged)

    async def _page_at(self, kind: ResourceKind[M], url: httpx.URL | str) -> Page[M]:
        response = await self.request("GET", str(url))
        return parse_page(kind.model, decode_json(response), url=url)

    # -- one URL, with retries ----------------------------------------------------------

    async def _attempts(self, method: str, url: httpx.URL) -> httpx.Response:
        """Send until a non-retryable outcome; return any response below 400."""
        for attempt in range(1, self.retry.max_attempts + 1):
            final = attempt == self.retry.max_attempts
            started = time.monotonic()
            response: httpx.Response | None = None
            try:
                async with self._slots:
                    response = await self._http.request(method, url)
            except httpx.TimeoutException:
                error: ApiError = NetworkError(
                    f"Timed out after {self.timeout:g} s{attempts_note(attempt)} — "
                    f"{describe_request(method, url)}",
                    url=url, method=method, attempts=attempt,
                )
                retry_after = None
                retryable = True
            except httpx.HTTPError as exc:
                # TransportError covers connect/read/write errors and protocol errors; for a
                # GET they are all worth another try. Other HTTPErrors cannot occur here.
                reason = clean_text(str(exc) or type(exc).__name__, 100)
                error = NetworkError(
                    f"Network error: {reason}{attempts_note(attempt)} — "
                    f"{describe_request(method, url)}",
                    url=url, method=method, attempts=attempt,
                )
                retry_after = None
                retryable = isinstance(exc, httpx.TransportError) and not isinstance(
                    exc, httpx.UnsupportedProtocol
                )
            else:
                if response.status_code < 400:
                    self._report(method, url, response, started, attempt, None)
                    return response
                retry_after = parse_retry_after(response.headers.get("retry-after"))
                error = status_error(method, url, response, attempts=attempt)
                retryable = response.status_code in RETRY_STATUSES
            self._report(method, url, response, started, attempt, error.kind)
            if not retryable or final:
                raise error
            await self._sleep(self.retry.delay(attempt, retry_after, self._rng))
        raise AssertionError("unreachable: the last attempt always returns or raises")

    def _report(
        self, method: str, url: httpx.URL, response: httpx.Response | None, started: float,
        attempt: int, error: ErrorKind | None,
    ) -> None:
        if self.observer is None:
            return
        self.observer(RequestEvent(
            method=method,
            url=safe_url(url),
            status=response.status_code if response is not None else None,
            elapsed_ms=(time.monotonic() - started) * 1000.0,
            bytes=len(response.content) if response is not None else 0,
            attempt=attempt,
            error=error,
            body=response.content if response is not None else b"",
        ))


def _kind(kind: str | ResourceKind[Any]) -> ResourceKind[Any]:
    if isinstance(kind, ResourceKind):
        return kind
    try:
        return KINDS[kind]
    except KeyError:
        raise ValueError(f"unknown resource kind {kind!r}; known: {', '.join(KINDS)}") from None
