"""When to retry a GET and how long to wait: exponential backoff with full jitter.

Retried: connection errors and timeouts, and statuses 429, 502, 503, 504 — the answers a proxy
or an overloaded server gives when trying again later is expected to work. 500 is *not*
retried: a GET cannot be made unsafe by repeating it, but a 500 from a DRF view is almost
always a deterministic bug for that URL, so retrying only makes the user wait three times
longer for the same error (the UI offers a manual retry). Other 4xx are final.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

__all__ = ["RETRY_STATUSES", "RetryPolicy", "parse_retry_after"]

RETRY_STATUSES = frozenset({429, 502, 503, 504})
"""HTTP statuses that are retried (see the module docstring for why not 500)."""


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), or None if absent or
    unreadable. Never negative."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How many attempts and how long between them.

    `max_attempts` counts the first try (4 = one try + three retries). Backoff before retry n
    (n = 1, 2, …) is uniform in ``[0, min(max_delay, base_delay * 2**(n-1))]`` ("full jitter",
    so that many clients failing together do not retry in lock-step). A server's Retry-After
    wins over backoff but is capped at `retry_after_cap`, so a hostile or confused header
    cannot freeze a tree node for an hour.
    """

    max_attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 8.0
    retry_after_cap: float = 10.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")

    def delay(self, retry: int, retry_after: float | None, rng: random.Random) -> float:
        """Seconds to wait before retry number `retry` (1-based)."""
        if retry_after is not None:
            return min(retry_after, self.retry_after_cap)
        return rng.uniform(0.0, min(self.max_delay, self.base_delay * 2 ** (retry - 1)))
