"""The explorer's full garbage collections wait for the cursor to rest, and never for long:
a 150-250 ms pause at 20,000 backups would otherwise fall on keys while a list streams in."""

from __future__ import annotations

import gc
from typing import Any

from divio_tui.ui.explorer.collector import FORCE, IDLE, IdleCollector


class _Host:
    """What the collector needs of a widget: an interval timer (never fired here)."""

    def set_interval(self, *_args: Any, **_kwargs: Any) -> Any:
        class _Timer:
            def stop(self) -> None:
                pass

        return _Timer()


def _middle_collections(count: int) -> None:
    for _ in range(count):
        gc.collect(1)


def test_a_due_full_collection_waits_for_the_cursor_to_rest_in_the_tree() -> None:
    now = [100.0]
    focused = [True]
    saved = gc.get_threshold()
    collector = IdleCollector(_Host(), lambda: focused[0], clock=lambda: now[0])  # type: ignore[arg-type]
    collector.start()
    try:
        assert gc.get_threshold()[2] > saved[2]  # Python's schedule does not run them
        gc.collect()
        _middle_collections(saved[2])  # as many as would make one due
        collector.touch()
        assert not collector.check()  # the cursor just moved
        now[0] += IDLE
        focused[0] = False
        assert not collector.check()  # typing elsewhere is not resting
        focused[0] = True
        assert collector.check()
        assert collector.collections == 1
        assert not collector.check()  # nothing due any more
    finally:
        collector.stop()
    assert gc.get_threshold() == saved


def test_a_long_overdue_full_collection_runs_while_the_cursor_moves() -> None:
    now = [100.0]
    saved = gc.get_threshold()
    collector = IdleCollector(_Host(), clock=lambda: now[0])  # type: ignore[arg-type]
    collector.start()
    try:
        gc.collect()
        _middle_collections(saved[2] * FORCE - 1)
        collector.touch()
        assert not collector.check()
        _middle_collections(1)
        assert collector.check()  # memory stays bounded however busy the user is
    finally:
        collector.stop()
    assert gc.get_threshold() == saved
