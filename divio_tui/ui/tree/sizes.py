"""Backup sizes in the tree: a backup's size is the sum of its service-instance backups.

When backups land, `BackupSizes` fetches their SIBs in the background (by uuid, through the
session cache, under the session's smaller limit for speculative work) and the labels change
from `…` to a size as they arrive, newest backups first, a few at a time.
"""

from __future__ import annotations

import logging

from divio_tui.api.errors import ApiError
from divio_tui.state.nodes import NodeData, ResourceData
from divio_tui.ui._textual import FastTree
from divio_tui.ui.tree.loader import TreeLoader
from divio_tui.ui.tree.messages import Node, describe

log = logging.getLogger(__name__)

SIZE_BATCH = 8
"""Backups whose sizes are fetched (and labels updated) together."""


class BackupSizes:
    """Fills in the sizes of backup nodes as their SIBs arrive (see the module docstring)."""

    def __init__(self, tree: FastTree[NodeData], loader: TreeLoader) -> None:
        self.tree = tree
        self.loader = loader
        self.session = loader.session

    def fill(self, node: Node, backups: list[Node]) -> None:
        """Fetch the SIBs of freshly shown backups in the background; relabel as they land."""
        waiting = [child for child in backups if isinstance(child.data, ResourceData)
                   and any(self.session.known("service_instance_backup", uuid) is None
                           for uuid in _sib_uuids(child.data))]
        if waiting:
            self.tree.run_worker(self._fetch_sizes(node, waiting), group=f"sizes-{node.id}",
                                 exit_on_error=False,
                                 description=f"sizes of {describe(node, last=2)}")

    async def _fetch_sizes(self, node: Node, backups: list[Node]) -> None:
        first = backups[0].data if backups else None
        environment = first.raw.get("environment") if isinstance(first, ResourceData) else None
        try:
            if isinstance(environment, str):
                # The SIB labels will name their service instance: read them now, once, so
                # that expanding a backup later is instant.
                try:
                    await self.session.read_service_instances(environment)
                except ApiError as error:
                    log.info("service instances of %s: %s", environment, error.message)
            # In tree order (newest first), a few backups at a time, so the top of the list
            # gets its sizes first and labels change in small steps.
            for start in range(0, len(backups), SIZE_BATCH):
                chunk = backups[start:start + SIZE_BATCH]
                uuids = [uuid for child in chunk if isinstance(child.data, ResourceData)
                         for uuid in _sib_uuids(child.data)]
                await self.session.get_many("service_instance_backup", uuids, background=True)
                if not self.tree.registered(node):
                    return
                ctx = self.loader.label_context()
                for child in chunk:
                    if isinstance(child.data, ResourceData):
                        child.set_label(self.loader.resource_text(child.data, ctx))
                        self.loader.node_changed(child)
        except Exception:
            # The backups stay listed with `…` and their SIBs load when one is expanded.
            log.exception("fetching backup sizes failed")


def _sib_uuids(data: ResourceData) -> list[str]:
    uuids = data.raw.get("service_instance_backups") or []
    return [uuid for uuid in uuids if isinstance(uuid, str)]
