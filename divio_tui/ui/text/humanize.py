"""Turn API values into what a person reads at a glance: sizes, times, durations.

Every function that depends on "now" takes it as an argument; the app passes the value of its
injectable clock so that tests (and snapshots) never drift with the wall clock.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

_SIZE_UNITS = ("B", "KB", "MB", "GB", "TB", "PB")
"""Decimal (SI) units, as storage providers and the Divio Control Panel count bytes."""


def as_datetime(value: object) -> datetime | None:
    """An aware UTC datetime from a datetime or an ISO-8601 string; None if it is neither."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and value:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return None
    else:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # an offset that pushes it past year 9999: no time to show
        return None


def format_size(size: object) -> str:
    """`303780` -> `303.8 KB`; None (not known yet) -> `—`."""
    if isinstance(size, bool) or not isinstance(size, int | float):
        return "—"
    amount = float(size)
    unit = _SIZE_UNITS[0]
    for unit in _SIZE_UNITS:
        if abs(amount) < 1000 or unit == _SIZE_UNITS[-1]:
            break
        amount /= 1000
    if unit == "B":
        return f"{int(amount)} B"
    return f"{amount:.1f} {unit}"


def format_time(value: object, *, seconds: bool = False) -> str:
    """An absolute UTC time: `2026-11-25 02:36 UTC`; `—` when absent."""
    moment = as_datetime(value)
    if moment is None:
        return "—"
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC" if seconds else "%Y-%m-%d %H:%M UTC")


def format_duration(delta: timedelta | float) -> str:
    """A compact duration: `45 s`, `3 min`, `2 h 5 min`, `4 d`."""
    total = int(delta.total_seconds() if isinstance(delta, timedelta) else delta)
    total = abs(total)
    if total < 60:
        return f"{total} s"
    minutes, seconds = divmod(total, 60)
    if minutes < 60:
        return f"{minutes} min" if minutes >= 10 or not seconds else f"{minutes} min {seconds} s"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h" if not minutes else f"{hours} h {minutes} min"
    days, hours = divmod(hours, 24)
    return f"{days} d" if not hours or days >= 7 else f"{days} d {hours} h"


def relative_time(value: object, now: datetime) -> str:
    """How long ago (or ahead) `value` is from `now`: `3 min ago`, `in 2 d`, `just now`."""
    moment = as_datetime(value)
    if moment is None:
        return "—"
    seconds = (now - moment).total_seconds()
    if abs(seconds) < 45:
        return "just now"
    ahead = seconds < 0
    seconds = abs(seconds)
    minutes = seconds / 60
    hours = minutes / 60
    days = hours / 24
    if minutes < 60:
        amount = f"{round(minutes)} min"
    elif hours < 24:
        amount = f"{round(hours)} h"
    elif days < 45:
        amount = f"{round(days)} d"
    elif days < 365:
        amount = f"{round(days / 30.4)} mo"
    else:
        amount = f"{days / 365:.1f} y".replace(".0 y", " y")
    return f"in {amount}" if ahead else f"{amount} ago"


def time_with_relative(value: object, now: datetime) -> str:
    """Both at once, for the detail pane: `2026-11-25 02:36 UTC (9 h ago)`."""
    if as_datetime(value) is None:
        return "—"
    return f"{format_time(value)} ({relative_time(value, now)})"
