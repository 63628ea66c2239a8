"""The app's half of the backup answer: feed the environment summary, open the backups table.

`BackupActions` is mixed into `DivioApp`. When the cursor rests on an environment, one worker
(exclusive: moving on cancels it) asks the session's `BackupBook` for the answer and then, in
the background, for the total size; the detail pane is refreshed as each batch lands. It
waits a moment first (`BACKUP_SUMMARY_DELAY`) unless the environment's backups are already
known, so running the cursor down a list of environments does not send a request for each.
A failure stays on screen until `r` on the environment (`retry_backups`).

`b` (`action_backups_view`) opens `BackupsScreen` for the environment of the highlighted
environment, Backups group, backup or service-instance backup; `enter` there closes it and
shows the chosen backup in the tree with the tree's `reveal(kind, uuid)`.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, ClassVar

from divio_tui.ui.backup_status import BackupBook, BackupReport
from divio_tui.ui.backups_view import BackupsScreen, Place, Target
from divio_tui.ui.nodes import GroupData, NodeData, ResourceData
from divio_tui.ui.summary import breadcrumb

if TYPE_CHECKING:
    from textual.app import App

    from divio_tui.ui.tree import ResourceTree

    AppBase = App[None]
else:
    AppBase = object

SUMMARY_GROUP = "backup-summary"
"""Worker group of the environment summary's fetches (one at a time)."""

BACKUP_KINDS = frozenset({"environment", "backup", "service_instance_backup"})
"""Resources `b` opens the backups table from (and an environment's Backups group)."""

SUMMARY_REFRESH = 0.25
"""Seconds between two redraws of the summary while the total size loads."""


def backups_place(data: NodeData | None) -> Place | None:
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
    return Place(environment.uuid, breadcrumb(environment),
                 backup.uuid if backup is not None else None)


class BackupActions(AppBase):
    """The environment summary's backup fetches and the backups table; see the module."""

    BACKUP_SUMMARY_DELAY: ClassVar[float] = 0.15
    """Seconds the cursor must rest on an environment before its backups are fetched."""

    backups: BackupBook
    _backups_followed: tuple[str | None, int] = (None, 0)
    """The environment the summary fetches for, and the session generation it started in."""

    if TYPE_CHECKING:

        @property
        def highlighted(self) -> NodeData | None: ...
        @property
        def resource_tree(self) -> ResourceTree: ...
        def refresh_detail(self, *, keep_scroll: bool = True) -> None: ...

    # -- the environment summary -------------------------------------------------------------

    def backup_report(self, data: NodeData | None) -> BackupReport | None:
        """The backup report for the summary of `data` (environments only). Never fetches."""
        if isinstance(data, ResourceData) and data.kind == "environment" and data.uuid:
            return self.backups.report(data.uuid)
        return None

    def follow_backups(self, data: NodeData | None) -> None:
        """The cursor is on `data`: fetch its environment's backups, or stop fetching."""
        environment = (data.uuid if isinstance(data, ResourceData)
                       and data.kind == "environment" else None)
        running = any(worker.group == SUMMARY_GROUP and worker.is_running
                      for worker in self.workers)
        # A reload-all (a new session generation) starts afresh even for the same environment.
        followed = (environment, self.backups.session.generation)
        if followed == self._backups_followed and running:
            return
        self._backups_followed = followed
        if environment is None or self.backups.report(environment).settled:
            self.workers.cancel_group(self, SUMMARY_GROUP)
            return
        self.run_worker(self._summarise_backups(environment), group=SUMMARY_GROUP,
                        exclusive=True, exit_on_error=False,
                        description="backups of the environment")

    async def _summarise_backups(self, environment: str) -> None:
        if self.backups.report(environment).backups is None:
            await asyncio.sleep(self.BACKUP_SUMMARY_DELAY)

        shown = [0.0, False]  # when the summary was last refreshed, and if it had the answer

        def changed() -> None:
            data = self.highlighted
            if not isinstance(data, ResourceData) or data.uuid != environment:
                return
            # Redrawing the detail pane is what costs here: the answer, the end and the
            # list arriving are shown at once, the total size's progress a few times a second.
            report = self.backups.report(environment)
            now = time.monotonic()
            if (report.loading and report.backups is not None and report.answered == shown[1]
                    and now - shown[0] < SUMMARY_REFRESH):
                return
            shown[:] = [now, report.answered]
            self.refresh_detail()

        await self.backups.complete(environment, changed, background=True)

    def retry_backups(self, data: NodeData | None) -> None:
        """`r` on an environment: its backups are read again (failures forgotten)."""
        if isinstance(data, ResourceData) and data.kind == "environment" and data.uuid:
            self.backups.retry(data.uuid)
            self._backups_followed = (None, 0)

    # -- the backups table ---------------------------------------------------------------

    TREE_ACTIONS: ClassVar[frozenset[str]] = frozenset({
        "copy_json", "copy_url", "open_control_panel", "backups_view", "filter", "clear_filter",
        "reveal_secrets", "resize_tree", "history_back", "reload", "reload_all"})
    """App actions on the tree's cursor: off while the backups table is in front of it."""

    def blocked_by_backups_view(self, action: str) -> bool:
        return action in self.TREE_ACTIONS and isinstance(self.screen, BackupsScreen)

    def action_backups_view(self) -> None:
        place = backups_place(self.highlighted)
        if place is None:
            return
        self.push_screen(BackupsScreen(self.backups, place), callback=self._show_from_table)

    def _show_from_table(self, target: Target | None) -> None:
        if target is None:
            return
        kind, uuid = target
        self.resource_tree.focus()
        self.resource_tree.reveal(kind, uuid)
