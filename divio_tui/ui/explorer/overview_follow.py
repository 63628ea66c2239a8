"""An application's environments table, fetched while the cursor rests on the application.

When the cursor rests on an application (a moment: `DELAY`, unless it was seen before), one
worker (exclusive: moving on cancels it) runs a `HealthScan` of that application — its
environments, then each one's backup answer through the session's `BackupBook`, so that what
the environment summaries or the health view read is not read again — and the detail pane is
redrawn as rows come in. Scans are kept per application for the session, so coming back shows
the table at once; `r` on the application forgets the failures and reads again.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from textual.dom import DOMNode

from divio_tui.api.models import Application
from divio_tui.state.backups import BackupBook
from divio_tui.state.health_scan import HealthScan
from divio_tui.state.health_targets import Scope
from divio_tui.state.nodes import NodeData, ResourceData
from divio_tui.ui.detail.environments import EnvironmentsOverview

OVERVIEW_GROUP = "application-overview"
"""Worker group of the application overview's fetches (one at a time)."""

REFRESH = 0.25
"""Seconds between two redraws of the pane while rows come in."""


class OverviewFollower:
    """Keeps the highlighted application's environments table coming (module docstring)."""

    DELAY = 0.15
    """Seconds the cursor must rest on an application before its environments are read."""

    def __init__(self, owner: DOMNode, book: BackupBook,
                 highlighted: Callable[[], NodeData | None], changed: Callable[[], None],
                 now: Callable[[], datetime], max_age: Callable[[], timedelta]) -> None:
        self._owner = owner
        self.book = book
        self._highlighted = highlighted
        self._changed = changed
        self._now = now
        self._max_age = max_age
        self._scans: dict[str, tuple[int, HealthScan]] = {}
        """Per application uuid: the session generation and its scan."""
        self._running: str | None = None

    def _application(self, data: NodeData | None) -> Application | None:
        if isinstance(data, ResourceData) and data.kind == "application" and isinstance(
                data.model, Application):
            return data.model
        return None

    def _scan(self, uuid: str) -> HealthScan | None:
        found = self._scans.get(uuid)
        if found is None or found[0] != self.book.session.generation:
            return None
        return found[1]

    def overview(self, data: NodeData | None) -> EnvironmentsOverview | None:
        """What the detail pane of `data` shows (applications only). Never fetches."""
        application = self._application(data)
        if application is None:
            return None
        scan = self._scan(application.uuid)
        if scan is None:
            return EnvironmentsOverview(None, loading=True)
        progress = scan.progress
        listed = progress.total is not None
        return EnvironmentsOverview(
            [target.environment for target in scan.targets] if listed else None,
            dict(scan.rows), loading=not progress.finished, error=progress.error)

    def follow(self, data: NodeData | None) -> None:
        """The cursor is on `data`: read its application's environments, or stop."""
        application = self._application(data)
        running = any(worker.group == OVERVIEW_GROUP and worker.is_running
                      for worker in self._owner.workers)
        if application is None:
            if running:
                self._owner.workers.cancel_group(self._owner, OVERVIEW_GROUP)
            self._running = None
            return
        if application.uuid == self._running and running:
            return
        scan = self._scan(application.uuid)
        if scan is not None and scan.progress.finished:
            self._running = None  # failures stay on screen until r
            return
        self._running = application.uuid
        self._owner.run_worker(self._read(application, seen=scan is not None),
                               group=OVERVIEW_GROUP, exclusive=True, exit_on_error=False,
                               description="environments of the application")

    async def _read(self, application: Application, *, seen: bool) -> None:
        if not seen:
            await asyncio.sleep(self.DELAY)
        shown = [0.0]

        def changed() -> None:
            data = self._highlighted()
            found = self._application(data)
            if found is None or found.uuid != application.uuid:
                return
            now = time.monotonic()
            if not scan.progress.finished and now - shown[0] < REFRESH:
                return
            shown[0] = now
            self._changed()

        scan = HealthScan(self.book, Scope.application(application), now=self._now,
                          max_age=self._max_age(), on_change=changed)
        self._scans[application.uuid] = (self.book.session.generation, scan)
        try:
            await scan.run()
        finally:
            self._changed()

    def retry(self, data: NodeData | None) -> None:
        """`r` on an application: its environments and failed backups are read again."""
        application = self._application(data)
        if application is None:
            return
        scan = self._scan(application.uuid)
        if scan is not None:
            for uuid, row in scan.rows.items():
                if row.error is not None:
                    self.book.retry(uuid)
        self.book.session.forget_children("environment", "application", application.uuid)
        self._scans.pop(application.uuid, None)
        self._running = None

