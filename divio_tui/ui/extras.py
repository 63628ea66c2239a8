"""What the tree fetches besides lists: inline children and backup sizes.

An application's repository is named by the application (`single` links in the resource
table) and shown inline, fetched by uuid. A backup's size is the sum of its service-instance
backups: when backups land, their SIBs are fetched in the background (by uuid, through the
session cache, under the session's smaller limit for speculative work) and the labels change
from `…` to a size as they arrive, newest backups first.
"""

from __future__ import annotations

import asyncio
import logging

from divio_tui.api.errors import ApiError
from divio_tui.api.resources import KINDS, ChildLink
from divio_tui.ui.loading import LoadingMixin, Node, has_children
from divio_tui.ui.nodes import ResourceData

log = logging.getLogger(__name__)

SIZE_BATCH = 8
"""Backups whose sizes are fetched (and labels updated) together."""


class ExtrasMixin(LoadingMixin):
    """Inline children and backup sizes for `ResourceTree` (see tree.py)."""

    # -- inline children (an application's repository) -----------------------------------

    def start_singles(self, node: Node) -> None:
        data = node.data
        assert isinstance(data, ResourceData)
        kind = KINDS[data.kind]
        links = [link for link in kind.child_links if link.single and link.member_uuids(data.model)]
        if links:
            self.run_worker(self._load_singles(node, data, links), group=f"singles-{node.id}",
                            exclusive=True, exit_on_error=False)

    async def _load_singles(self, node: Node, data: ResourceData,
                            links: list[ChildLink]) -> None:
        for link in links:
            for uuid in link.member_uuids(data.model) or []:
                try:
                    model = await self.session.get(link.kind, uuid)
                except asyncio.CancelledError:
                    raise
                except Exception as error:
                    if not isinstance(error, ApiError):
                        log.exception("loading %s %s failed", link.kind, uuid)
                    if self.is_alive(node):
                        self.show_error(node, error, before=0)
                    continue
                if not self.is_alive(node):
                    return
                child_data = ResourceData(link.kind, model, parent=data)
                child = node.add(self.resource_text(child_data), child_data, before=0,
                                 allow_expand=has_children(link.kind, model))
                self.restore_node(child)
        self.node_changed(node)

    # -- backup sizes -------------------------------------------------------------------

    def fill_backup_sizes(self, node: Node, backups: list[Node]) -> None:
        """Fetch the SIBs of freshly shown backups in the background; relabel as they land."""
        waiting = [child for child in backups if isinstance(child.data, ResourceData)
                   and any(self.session.known("service_instance_backup", uuid) is None
                           for uuid in _sib_uuids(child.data))]
        if waiting:
            self.run_worker(self._fetch_sizes(node, waiting), group=f"sizes-{node.id}",
                            exit_on_error=False, description="backup sizes")

    async def _fetch_sizes(self, node: Node, backups: list[Node]) -> None:
        try:
            first = backups[0].data if backups else None
            environment = first.raw.get("environment") if isinstance(first, ResourceData) else None
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
                if not self.is_alive(node):
                    return
                ctx = self.label_context()
                for child in chunk:
                    if isinstance(child.data, ResourceData):
                        child.set_label(self.resource_text(child.data, ctx))
                        if self.cursor_node is child:
                            self.node_changed(child)
        except asyncio.CancelledError:
            raise
        except Exception:
            # Sizes are a nicety: the backups stay listed with `…` and the SIBs load on expand.
            log.exception("fetching backup sizes failed")


def _sib_uuids(data: ResourceData) -> list[str]:
    uuids = data.raw.get("service_instance_backups") or []
    return [uuid for uuid in uuids if isinstance(uuid, str)]
