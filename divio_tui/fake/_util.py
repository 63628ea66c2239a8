"""Small wire-format helpers shared by the fake's dataset generator and server.

Contracts:
- `new_id(rng)` returns a 26-char lowercase RFC-4648 base32 string without padding, encoding
  16 bytes shaped like a UUID version 4 (the real API's id format, divio-api.md §4.1). The
  bytes come only from `rng`, so a seeded `random.Random` gives reproducible ids.
- `ts(dt)` renders a *naive UTC* datetime the way DRF does: ISO-8601 with a `Z` suffix,
  microseconds only when non-zero (divio-api.md §4.2).
- `ts_nanos(dt, nanos)` renders a log timestamp with a 9-digit fraction; real log entries carry
  longer fractions than DRF's microseconds (divio-api.md §4.2, SCRIPTS).
- `rng_for(seed, key)` gives an independent, reproducible `random.Random` per concern, so that
  adding data in one place does not shift every id elsewhere. Seeding with a `str` goes through
  SHA-512 in CPython (version 2 seeding), so it does not depend on PYTHONHASHSEED.
"""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime
from typing import Any

Record = dict[str, Any]
"""One wire-format JSON object (a resource as the API returns it)."""

# Bit masks to force the UUID version nibble (4) and the RFC-4122 variant bits (10xx) into a
# 128-bit integer, without building a uuid.UUID object (this runs ~100k times at scale large).
_VERSION_MASK = ~(0xF << 76)
_VERSION_4 = 0x4 << 76
_VARIANT_MASK = ~(0x3 << 62)
_VARIANT_RFC = 0x2 << 62

# RFC-4648 base32 (lower case) ten bits at a time: 128 bits and 2 of padding are 13 pairs of
# characters, what `base64.b32encode(...).rstrip("=").lower()` gives, without its pure-Python
# loop (the demo draws ~11k ids before its first response: issue 14, cold start).
_BASE32 = "abcdefghijklmnopqrstuvwxyz234567"
_PAIRS = tuple(high + low for high in _BASE32 for low in _BASE32)
_SHIFTS = tuple(range(120, -1, -10))


def new_id(rng: random.Random) -> str:
    """Return a fresh 26-char lowercase base32 id drawn from `rng` (uuid4-shaped bytes)."""
    n = rng.getrandbits(128)
    n = (n & _VERSION_MASK) | _VERSION_4
    n = (n & _VARIANT_MASK) | _VARIANT_RFC
    n <<= 2
    return "".join([_PAIRS[(n >> shift) & 1023] for shift in _SHIFTS])


def ts(dt: datetime) -> str:
    """DRF-style timestamp of a naive UTC datetime: `2021-03-01T02:36:37Z` / `...37.025898Z`."""
    # datetime.isoformat() already omits the fraction when microsecond == 0, exactly like DRF.
    return dt.isoformat() + "Z"


def ts_nanos(dt: datetime, nanos: int) -> str:
    """Log-entry timestamp with a 9-digit fraction, e.g. `2026-11-25T11:58:01.123456789Z`."""
    return f"{dt.strftime('%Y-%m-%dT%H:%M:%S')}.{nanos:09d}Z"


def rng_for(seed: int, key: str) -> random.Random:
    """An independent RNG for one concern (e.g. one application), reproducible per seed+key."""
    return random.Random(f"divio-fake:{seed}:{key}")


def to_naive_utc(dt: datetime) -> datetime:
    """Normalise an aware datetime to naive UTC; a naive one is taken to be UTC already."""
    if dt.tzinfo is not None:
        dt = dt.astimezone(UTC).replace(tzinfo=None)
    return dt


def default_now() -> datetime:
    """The current UTC time truncated to the hour (naive), the dataset's default `now`."""
    return datetime.now(UTC).replace(minute=0, second=0, microsecond=0, tzinfo=None)


def log_uniform(rng: random.Random, low: float, high: float) -> float:
    """A value between low and high, uniform on a log scale (sizes span orders of magnitude)."""
    return math.exp(rng.uniform(math.log(low), math.log(high)))
