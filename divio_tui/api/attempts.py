"""One URL, sent until it answers: retries with backoff, the deadline, the body cap, the slots.

`Sender.send` is the part of `DivioClient` between "this URL" and "this answer": it takes one of
the client's concurrency slots per attempt, bounds each attempt by what is left of the request's
deadline (`Budget`: a server that trickles cannot dodge it, and the slot is freed when it
passes), reads the body within the cap (`body.read_body`), and retries what is worth retrying
(`retry.RetryPolicy`), the waits counted against the deadline too. Every failure is an
`ApiError`; every attempt is reported (`report`). Redirects, origins and the token are the
client's business.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable

import httpx

from .body import ERROR_BODY_LIMIT, BodyTooLarge, BodyUnreadable, read_body
from .errors import ApiError, BadResponse, ErrorKind, NetworkError, clean_text, describe_request
from .responses import Reply, attempts_note, status_error
from .retry import RETRY_STATUSES, RetryPolicy, parse_retry_after

__all__ = ["LOCATION", "Budget", "Sender", "hide_location"]

LOCATION = "x-divio-tui-location"
"""Where a redirect's Location header is kept (see `hide_location`)."""

Report = Callable[[str, httpx.URL, Reply | None, float, int, ErrorKind | None], None]
"""(method, url, reply or None, monotonic start, attempt, error kind or None) after each try."""


class Budget:
    """What is left of one request's deadline, in seconds (spent in attempts and waits)."""

    def __init__(self, seconds: float) -> None:
        self.left = seconds


class DeadlinePassed(Exception):
    """The request's deadline passed during an attempt (the attempt was cancelled)."""


class Sender:
    """Sends one URL for a `DivioClient` (see the module docstring)."""

    def __init__(self, http: httpx.AsyncClient, *, slots: asyncio.Semaphore, retry: RetryPolicy,
                 sleep: Callable[[float], Awaitable[None]], rng: random.Random, timeout: float,
                 deadline: float, max_body_bytes: int, mask: Callable[[bytearray], bytearray],
                 report: Report) -> None:
        self._http = http
        self._slots = slots
        self.retry = retry
        self._sleep = sleep
        self._rng = rng
        self.timeout = timeout
        self.deadline = deadline
        self.max_body_bytes = max_body_bytes
        self.mask = mask
        self.report = report

    async def send(self, method: str, url: httpx.URL, budget: Budget) -> Reply:
        """Send until a non-retryable outcome; return any answer below 400."""
        for attempt in range(1, self.retry.max_attempts + 1):
            final = attempt == self.retry.max_attempts
            started = time.monotonic()
            reply: Reply | None = None
            retry_after: float | None = None
            try:
                reply = await self._exchange(method, url, budget)
            except DeadlinePassed:
                error: ApiError = NetworkError(
                    f"No complete answer within {self.deadline:g} s{attempts_note(attempt)} — "
                    f"{describe_request(method, url)}",
                    url=url, method=method, attempts=attempt,
                    summary=f"no complete answer within {self.deadline:g} s",
                )
                retryable = False
            except ApiError as body_error:  # the body: too large, or unreadable
                error = body_error
                error.attempts = attempt
                retryable = False
            except httpx.TimeoutException:
                error = NetworkError(
                    f"Timed out after {self.timeout:g} s{attempts_note(attempt)} — "
                    f"{describe_request(method, url)}",
                    url=url, method=method, attempts=attempt,
                )
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
                retryable = isinstance(exc, httpx.TransportError) and not isinstance(
                    exc, httpx.UnsupportedProtocol
                )
            else:
                if reply.status < 400:
                    self.report(method, url, reply, started, attempt, None)
                    return reply
                retry_after = parse_retry_after(reply.headers.get("retry-after"))
                error = status_error(reply, attempts=attempt)
                retryable = reply.status in RETRY_STATUSES
            self.report(method, url, reply, started, attempt, error.kind)
            delay = self.retry.delay(attempt, retry_after, self._rng) if retryable else 0.0
            if not retryable or final or delay >= budget.left:
                raise error
            budget.left -= delay
            await self._sleep(delay)
        raise AssertionError("unreachable: the last attempt always returns or raises")

    async def _exchange(self, method: str, url: httpx.URL, budget: Budget) -> Reply:
        """One attempt: send, read the body within the cap, all inside one concurrency slot
        and the request's remaining deadline (so a trickling server frees the slot too)."""
        async with self._slots:
            began = time.monotonic()
            deadline = asyncio.timeout(max(budget.left, 0.0))
            try:
                async with deadline:
                    response = await self._http.send(self._http.build_request(method, url),
                                                     stream=True)
                    try:
                        status = response.status_code
                        limit = self.max_body_bytes
                        if status >= 300:
                            limit = min(limit, ERROR_BODY_LIMIT)
                        body = await read_body(response, limit, truncate=status >= 300)
                    except BodyTooLarge:
                        raise self._too_large(method, url, status) from None
                    except BodyUnreadable as exc:
                        raise BadResponse(
                            f"Bad response: a body {exc} ({status}) — "
                            f"{describe_request(method, url)}",
                            url=url, method=method, status=status,
                            summary=f"the server sent a body {exc}") from None
                    finally:
                        await response.aclose()
            except TimeoutError:
                if deadline.expired():
                    raise DeadlinePassed from None
                raise
            finally:
                budget.left -= time.monotonic() - began
        return Reply(method, url, status, response.headers, self.mask(body))

    def _too_large(self, method: str, url: httpx.URL, status: int) -> BadResponse:
        limit = f"{self.max_body_bytes / 1_000_000:g} MB"
        return BadResponse(
            f"Bad response: the answer is larger than {limit}, the most divio-tui reads "
            f"(max_body_mb) ({status}) — {describe_request(method, url)}",
            url=url, method=method, status=status,
            summary=f"the answer was larger than {limit}")


async def hide_location(response: httpx.Response) -> None:
    """Move a redirect's Location aside before httpx reads it: httpx parses it even when it
    follows no redirect, and a Location holding a control character would then fail as a
    protocol error (retried four times) instead of a malformed redirect we refuse once."""
    location = response.headers.get("location")
    if location is not None:
        del response.headers["location"]
        response.headers[LOCATION] = location
