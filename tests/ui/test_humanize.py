"""Humanised sizes and times read the way a person expects, against a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from divio_tui.ui.text.humanize import (
    as_datetime,
    format_duration,
    format_size,
    format_time,
    relative_time,
    time_with_relative,
)

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("size", "shown"),
    [(0, "0 B"), (999, "999 B"), (303780, "303.8 KB"), (12_400_000, "12.4 MB"),
     (5_000_000_000, "5.0 GB"), (None, "—"), ("12", "—"), (True, "—")],
)
def test_sizes_use_decimal_units(size: object, shown: str) -> None:
    assert format_size(size) == shown


@pytest.mark.parametrize(
    ("moment", "shown"),
    [("2026-11-25T11:59:50Z", "just now"), ("2026-11-25T11:57:00Z", "3 min ago"),
     ("2026-11-25T09:00:00Z", "3 h ago"), ("2026-11-20T12:00:00Z", "5 d ago"),
     ("2026-05-25T12:00:00Z", "6 mo ago"), ("2024-11-25T12:00:00Z", "2 y ago"),
     ("2026-11-25T13:00:00Z", "in 1 h"), (None, "—"), ("not a date", "—")],
)
def test_relative_times_are_measured_from_the_injected_clock(moment: object, shown: str) -> None:
    assert relative_time(moment, NOW) == shown


def test_absolute_times_are_utc_with_the_zone_named() -> None:
    assert format_time("2021-03-01T02:36:37.025898Z") == "2021-03-01 02:36 UTC"
    assert format_time(datetime(2021, 3, 1, 3, 36, tzinfo=UTC) + timedelta(0)) == "2021-03-01 03:36 UTC"
    assert time_with_relative("2026-11-25T02:36:00Z", NOW) == "2026-11-25 02:36 UTC (9 h ago)"


def test_naive_datetimes_are_taken_as_utc() -> None:
    assert as_datetime(datetime(2026, 1, 1)) == datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(45, "45 s"), (125, "2 min 5 s"), (600, "10 min"), (3725, "1 h 2 min"), (90000, "1 d 1 h")],
)
def test_durations_are_compact(seconds: int, shown: str) -> None:
    assert format_duration(seconds) == shown
