"""Full garbage collections while the user rests, not while the cursor moves.

Python's collector runs a full collection (every object the process holds) each time the
long-lived objects have grown by a quarter since the last one. A tree of 20,000 backups is
about 600,000 such objects, so while a big list streams in, a full collection of 150 to 250 ms
falls every second or two, and a key pressed then waits for it: most of the slow keys of the
big-tree benchmark were these pauses, not the tree.

`IdleCollector` takes the full collections off the automatic schedule while the explorer is
mounted (the young generations stay automatic: they are cheap and collect most garbage) and
runs one when the cursor has rested `IDLE` seconds in the tree (which has the focus) and the
automatic collector would have by now; or at once, resting or not, when `FORCE` times as many
young collections went by, so memory stays bounded however busy the user is. Textual does the like during smooth scrolls
(`App.PAUSE_GC_ON_SCROLL`).
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from time import monotonic

from textual.dom import DOMNode
from textual.timer import Timer

IDLE = 1.0
"""Seconds without a cursor move before a due full collection runs."""

CHECK_EVERY = 0.5
"""Seconds between two looks at whether a full collection is due."""

FORCE = 10
"""A full collection runs, resting or not, once `FORCE` times as many middle-generation
collections as the automatic threshold went by since the last one."""

_NEVER = 1_000_000_000

_taken: list[tuple[int, int, int]] = []
"""Python's own thresholds while some collector has taken the full collections over (one
entry per collector started: explorers of two accounts may overlap while one replaces the
other)."""


class IdleCollector:
    """Runs Python's full collections when the user rests (see the module docstring)."""

    def __init__(self, host: DOMNode, watching: Callable[[], bool] = lambda: True, *,
                 clock: Callable[[], float] = monotonic) -> None:
        self.host = host
        self.clock = clock
        self.watching = watching
        """Whether the user's keys go where `touch` hears of them (the tree has the focus):
        typing elsewhere (the palette, the filter) is never taken for resting."""
        self._saved: tuple[int, int, int] | None = None
        self._timer: Timer | None = None
        self._moved = clock()
        self.collections = 0
        """Full collections run here."""

    def start(self) -> None:
        if self._saved is not None:
            return
        self._saved = _taken[0] if _taken else gc.get_threshold()
        _taken.append(self._saved)
        young, middle, _old = self._saved
        gc.set_threshold(young, middle, _NEVER)
        self._timer = self.host.set_interval(CHECK_EVERY, self.check)

    def stop(self) -> None:
        """Give the full collections back to Python's schedule (once no collector holds
        them)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self._saved is not None:
            _taken.remove(self._saved)
            if not _taken:
                gc.set_threshold(*self._saved)
            self._saved = None

    def touch(self) -> None:
        """The cursor moved: the user is not resting."""
        self._moved = self.clock()

    def check(self) -> bool:
        """Run a full collection if one is due and the user rests (or it is long overdue).
        True if it ran."""
        if self._saved is None:
            return False
        due = max(1, self._saved[2])
        pending = gc.get_count()[2]  # middle-generation collections since the last full one
        resting = self.clock() - self._moved >= IDLE and self.watching()
        if pending >= due * FORCE or (pending >= due and resting):
            gc.collect()
            self.collections += 1
            return True
        return False
