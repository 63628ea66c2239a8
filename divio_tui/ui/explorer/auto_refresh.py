"""An opt-in auto refresh of what the tree shows, that never pulls the page from under a reader.

Off by default (as k9s learned: refreshing under a user who is reading loses their
context); `A` (binding `auto-refresh`) turns it on and off, the config's
`auto_refresh_seconds` turns it on at start and sets the period (30 s when the key turns it
on without one). Every period, the lists whose lines are on screen — the parents of the
visible lines, the innermost, the cursor's first, at most `MAX_LISTS` — are read again with the tree's own
reload, which keeps what is open under them and the cursor.

It pauses, and says so in the tree's title ("⟳ paused"), while the user is at it: for
`PAUSE_AFTER_MOVE` seconds after the cursor moved, while the filter bar is open, while the
focus is elsewhere (the detail pane) or another screen is on top, and while a load is still
running. The title otherwise counts down ("⟳ 12 s").
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.screen import Screen
from textual.timer import Timer

from divio_tui.state.nodes import GroupData, ResourceData
from divio_tui.ui.tree.lines import is_under, listing_of
from divio_tui.ui.tree.messages import Node
from divio_tui.ui.tree.widget import ResourceTree

__all__ = ["AutoRefresher"]

DEFAULT_SECONDS = 30
"""The period when the key turns auto refresh on and the config names none."""

MAX_LISTS = 3
"""Lists read again per refresh at most."""


class AutoRefresher:
    """Refreshes the visible tree every `seconds` while nobody is reading (module docstring)."""

    PAUSE_AFTER_MOVE = 10.0
    """Seconds after the cursor moved during which nothing is refreshed."""

    def __init__(self, screen: Screen[None], tree: Callable[[], ResourceTree], *,
                 seconds: int, busy: Callable[[], bool]) -> None:
        self.screen = screen
        self._tree = tree
        self._busy = busy
        """Is the user doing something else (the filter bar open)?"""
        self.seconds = seconds or DEFAULT_SECONDS
        self.enabled = False
        self.refreshes = 0
        """Refreshes done (for the curious, and tests)."""
        self._due = 0.0
        self._moved_at = -1e9
        self._ticker: Timer | None = None
        self.paused = False

    def start(self, seconds: int | None = None) -> None:
        """Turn it on (every `seconds`, else the period it has)."""
        if seconds:
            self.seconds = seconds
        self.enabled = True
        self._due = time.monotonic() + self.seconds
        if self._ticker is None:
            self._ticker = self.screen.set_interval(1.0, self.tick)
        self.show()

    def stop(self) -> None:
        self.enabled = False
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None
        self.show()

    def toggle(self) -> bool:
        """On -> off, off -> on; returns whether it is on now."""
        if self.enabled:
            self.stop()
        else:
            self.start()
        return self.enabled

    def touch(self) -> None:
        """The user moved the cursor: hold off for a while."""
        self._moved_at = time.monotonic()

    # -- every second while on ------------------------------------------------------------

    def pause_reason(self) -> str | None:
        """Why it would not refresh now, in a word, or None."""
        screen = self.screen
        tree = self._tree()
        if screen.app.screen is not screen:
            return "another screen"
        if self._busy():
            return "filtering"
        if not tree.has_focus:
            return "focus elsewhere"
        if time.monotonic() - self._moved_at < self.PAUSE_AFTER_MOVE:
            return "reading"
        if any(worker.is_running for worker in tree.workers):
            return "loading"
        return None

    def tick(self) -> None:
        """Refresh when due and nobody is reading; keep the title up to date."""
        if not self.enabled:
            return
        reason = self.pause_reason()
        self.paused = reason is not None
        now = time.monotonic()
        if reason is not None:
            # Whoever comes back from reading gets a whole period before the next refresh.
            self._due = max(self._due, now + min(self.seconds, 5))
        elif now >= self._due:
            self.refresh_now()
            self._due = now + self.seconds
        self.show()

    def refresh_now(self) -> None:
        """Read again the lists the visible lines belong to (the cursor's first)."""
        tree = self._tree()
        for node in self.visible_lists(tree)[:MAX_LISTS]:
            tree.reload_node(node)
        self.refreshes += 1

    @staticmethod
    def visible_lists(tree: ResourceTree) -> list[Node]:
        """The list nodes whose children are on screen, the cursor's parent first."""
        lines = tree.visible_lines()
        top = int(tree.scroll_y)
        shown = lines[top:top + max(1, tree.size.height)]
        cursor = tree.cursor_node
        ordered = ([cursor] if cursor is not None else []) + shown
        found: dict[int, Node] = {}
        for node in ordered:
            parent = node.parent
            if parent is None or parent is tree.root:
                continue
            data = parent.data
            if isinstance(data, GroupData | ResourceData) and listing_of(data) is not None:
                found.setdefault(id(parent), parent)
        # The innermost only: reloading a list reloads what is open under it, so an outer
        # one would read everything again (and a second reload would lose the cursor).
        chosen = list(found.values())
        return [node for node in chosen
                if not any(other is not node and is_under(other, node) for other in chosen)]

    def show(self) -> None:
        """The tree's title: `Resources`, `Resources · ⟳ 12 s`, `Resources · ⟳ paused`."""
        tree = self._tree()
        if not self.enabled:
            tree.border_title = "Resources"
            return
        if self.paused:
            tree.border_title = f"Resources · ⟳ paused ({self.pause_reason() or 'reading'})"
            return
        left = max(0, round(self._due - time.monotonic()))
        tree.border_title = f"Resources · ⟳ {left} s"
