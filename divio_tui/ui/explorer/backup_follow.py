"""The environment summary's backup answer, fetched while the cursor rests on an environment.

When the cursor rests on an environment, one worker (exclusive: moving on cancels it) asks the
session's `BackupBook` for the answer and then, in the background, for the total size; the
detail pane is refreshed as each batch lands. It waits a moment first (`SUMMARY_DELAY`) unless
the environment's backups are already known, so running the cursor down a list of
environments does not send a request for each. A failure stays on screen until `r` on the
environment (`retry`).

`backups_scope(data)` says whose backups `b` opens as a table from the highlighted node.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from textual.dom import DOMNode

from divio_tui.state.backups import BackupBook, BackupReport
from divio_tui.state.nodes import GroupData, NodeData, ResourceData
from divio_tui.ui.backups.screen import BackupsScope
from divio_tui.ui.text.labels import breadcrumb

SUMMARY_GROUP = "backup-summary"
"""Worker group of the environment summary's fetches (one at a time)."""

BACKUP_KINDS = frozenset({"environment", "backup", "service_instance_backup"})
"""Resources `b` opens the backups table from (and an environment's Backups group)."""

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
        if environment is None or book.report(environment).settled:
            self._owner.workers.cancel_group(self._owner, SUMMARY_GROUP)
            return
        self._owner.run_worker(self._summarise(environment), group=SUMMARY_GROUP,
                               exclusive=True, exit_on_error=False,
                               description=f"summary of {_slug(data)}")

    async def _summarise(self, environment: str) -> None:
        book = self.book
        if book.report(environment).backups is None:
            await asyncio.sleep(self.SUMMARY_DELAY)

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

        await book.complete(environment, changed, background=True)
        # The end is always drawn: the throttle above may have skipped the last change.
        data = self._highlighted()
        if isinstance(data, ResourceData) and data.uuid == environment:
            self._changed()

    def retry(self, data: NodeData | None) -> None:
        """`r` on an environment: its backups are read again (failures forgotten)."""
        if isinstance(data, ResourceData) and data.kind == "environment" and data.uuid:
            self.book.retry(data.uuid)
            self._followed = (None, 0)


def _slug(data: NodeData | None) -> str:
    """The environment's slug, for the request log's "asked by"."""
    slug = data.raw.get("slug") if isinstance(data, ResourceData) else None
    return slug if isinstance(slug, str) else "an environment"
