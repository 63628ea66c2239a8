"""The environment summary's backup answer, fetched while the cursor rests on an environment.

When the cursor rests on an environment, one worker (exclusive: moving on cancels it) asks the
session's `BackupBook` for the answer, and only for it: the environment's backups, its service
instances and the service-instance backups (SIBs) of the newest backups, about ten requests;
the detail pane is refreshed as each batch lands. It waits a moment first (`SUMMARY_DELAY`)
unless the environment's backups are already known, so running the cursor down a list of
environments does not send a request for each. A failure stays on screen until `r` on the
environment (`retry`).

The total size needs every SIB (one request each), so it is read only when asked: `T`
(`total`) starts a worker that reads the SIBs still unknown, a batch at a time, the summary
showing how many are left; `T` again stops it. When every SIB is known already (the backups
table read them, the health view's whole collections, an earlier `T`), the summary shows the
total without a request.

`backups_scope(data)` says whose backups `b` opens as a table from the highlighted node.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from textual.dom import DOMNode

from divio_tui.state.backups import BackupBook, BackupReport
from divio_tui.state.nodes import GroupData, NodeData, ResourceData
from divio_tui.ui.backups.scope import BackupsScope
from divio_tui.ui.text.labels import breadcrumb

SUMMARY_GROUP = "backup-summary"
"""Worker group of the environment summary's fetches (one at a time)."""

BACKUP_KINDS = frozenset({"environment", "backup", "service_instance_backup"})
"""Resources `b` opens the backups table from (and an environment's Backups group)."""

TOTAL_GROUP = "backup-total"
"""Worker group of the total size's reads (`T`: one environment at a time)."""

SUMMARY_REFRESH = 0.25
"""Seconds between two redraws of the summary while the total size loads."""


def backups_scope(data: NodeData | None) -> BackupsScope | None:
    """The environment whose backups `b` opens from `data` (and the backup to start on)."""
    if isinstance(data, GroupData):
        if data.kind != "backup" or data.owner is None:
            return None
        data = data.owner
    if not isinstance(data, ResourceData) or data.kind not in BACKUP_KINDS:
        return None
    environment = data.ancestor("environment")
    if environment is None or environment.uuid is None:
        return None
    backup = data.ancestor("backup")
    return BackupsScope(environment.uuid, breadcrumb(environment),
                        backup.uuid if backup is not None else None)


class BackupFollower:
    """Keeps the highlighted environment's backup answer coming (see the module docstring).

    `owner` runs the worker (the explorer screen); `highlighted` says what the cursor is on
    now; `changed` redraws the detail pane.
    """

    SUMMARY_DELAY = 0.15
    """Seconds the cursor must rest on an environment before its backups are fetched."""

    def __init__(self, owner: DOMNode, book: BackupBook,
                 highlighted: Callable[[], NodeData | None],
                 changed: Callable[[], None]) -> None:
        self._owner = owner
        self.book = book
        self._highlighted = highlighted
        self._changed = changed
        self._followed: tuple[str | None, int] = (None, 0)
        """The environment the summary fetches for, and the session generation it started in."""
        self._totalling: str | None = None
        """The environment whose total size `T` is reading, while it does."""

    def report(self, data: NodeData | None) -> BackupReport | None:
        """The backup report for the summary of `data` (environments only). Never fetches."""
        if isinstance(data, ResourceData) and data.kind == "environment" and data.uuid:
            return self.book.report(data.uuid)
        return None

    def follow(self, data: NodeData | None) -> None:
        """The cursor is on `data`: fetch its environment's backups, or stop fetching."""
        environment = (data.uuid if isinstance(data, ResourceData)
                       and data.kind == "environment" else None)
        running = any(worker.group == SUMMARY_GROUP and worker.is_running
                      for worker in self._owner.workers)
        book = self.book
        # A reload-all (a new session generation) starts afresh even for the same environment.
        followed = (environment, book.session.generation)
        if followed == self._followed and running:
            return
        self._followed = followed
        if environment is None or book.report(environment).answer_settled:
            self._owner.workers.cancel_group(self._owner, SUMMARY_GROUP)
            return
        self._owner.run_worker(self._summarise(environment), group=SUMMARY_GROUP,
                               exclusive=True, exit_on_error=False,
                               description=f"summary of {_slug(data)}")

    async def _summarise(self, environment: str) -> None:
        book = self.book
        if book.report(environment).backups is None:
            await asyncio.sleep(self.SUMMARY_DELAY)
        await book.answer(environment, self._redraw(environment))
        self._redraw_end(environment)

    # -- the total size (T) -------------------------------------------------------------

    @staticmethod
    def can_total(data: NodeData | None) -> bool:
        """`T` applies: the cursor is on an environment."""
        return isinstance(data, ResourceData) and data.kind == "environment" and bool(data.uuid)

    def totalling(self) -> str | None:
        """The environment whose total size is being read now, if any."""
        running = any(worker.group == TOTAL_GROUP and worker.is_running
                      for worker in self._owner.workers)
        return self._totalling if running else None

    def total(self, data: NodeData | None) -> str | None:
        """`T` on `data`: read its environment's total size, or stop reading it; returns what
        to tell the user (None: the summary shows it)."""
        if not self.can_total(data):
            return "The total size is an environment's: highlight one"
        assert isinstance(data, ResourceData) and data.uuid is not None
        environment = data.uuid
        if self.totalling() == environment:
            self._owner.workers.cancel_group(self._owner, TOTAL_GROUP)
            self._totalling = None
            self._changed()
            return "Stopped reading the total size"
        report = self.book.report(environment)
        if report.sized:
            return None  # on screen already
        self._totalling = environment
        self._owner.run_worker(self._total(environment), group=TOTAL_GROUP, exclusive=True,
                               exit_on_error=False,
                               description=f"total size of {_slug(data)}'s backups")
        return None

    async def _total(self, environment: str) -> None:
        try:
            await self.book.complete(environment, self._redraw(environment), background=False)
        finally:
            if self._totalling == environment:
                self._totalling = None
            self._redraw_end(environment)

    # -- redrawing ----------------------------------------------------------------------

    def _redraw(self, environment: str) -> Callable[[], None]:
        """A listener that redraws the summary of `environment` while it is on screen."""
        book = self.book
        shown = [0.0, False]  # when the summary was last refreshed, and if it had the answer

        def changed() -> None:
            data = self._highlighted()
            if not isinstance(data, ResourceData) or data.uuid != environment:
                return
            # Redrawing the detail pane is what costs here: the answer, the end and the
            # list arriving are shown at once, the total size's progress a few times a second.
            report = book.report(environment)
            now = time.monotonic()
            if (report.loading and report.backups is not None and report.answered == shown[1]
                    and now - shown[0] < SUMMARY_REFRESH):
                return
            shown[:] = [now, report.answered]
            self._changed()

        return changed

    def _redraw_end(self, environment: str) -> None:
        # The end is always drawn: the throttle may have skipped the last change.
        data = self._highlighted()
        if isinstance(data, ResourceData) and data.uuid == environment:
            self._changed()

    def retry(self, data: NodeData | None) -> None:
        """`r` on an environment: its backups are read again (failures forgotten)."""
        if isinstance(data, ResourceData) and data.kind == "environment" and data.uuid:
            if self.totalling() == data.uuid:  # it read the list `retry` forgets: T again
                self._owner.workers.cancel_group(self._owner, TOTAL_GROUP)
                self._totalling = None
            self.book.retry(data.uuid)
            self._followed = (None, 0)


def _slug(data: NodeData | None) -> str:
    """The environment's slug, for the request log's "asked by"."""
    slug = data.raw.get("slug") if isinstance(data, ResourceData) else None
    return slug if isinstance(slug, str) else "an environment"
