"""Backup sizes in the tree: a backup's size is the sum of its service-instance backups.

A backup's size costs a request per SIB (the API has no size on the backup), so only the
backups on screen, and the screen's worth below them, have theirs read: `BackupSizes` looks
at those lines when backups land, when the tree scrolls and when it is resized, and fetches
the SIBs it does not know yet in the background (by uuid, through the session cache, under
the session's smaller limit for speculative work). Labels change from `…` to a size as they
arrive, top of the screen first, a few at a time. A list of 20,000 backups streamed in costs
the screenful's SIBs, not 40,000 requests; scrolling down it reads what comes into view.
"""

from __future__ import annotations

import logging
from itertools import islice

from divio_tui.api.errors import ApiError
from divio_tui.state.nodes import NodeData, ResourceData
from divio_tui.ui._textual import FastTree
from divio_tui.ui.tree.loader import TreeLoader
from divio_tui.ui.tree.messages import Node, describe
from divio_tui.ui.widgets.rest import AtRest

log = logging.getLogger(__name__)

SIZE_BATCH = 8
"""Backups whose sizes are fetched (and labels updated) together."""

LOOK_AGAIN = 0.15
"""Seconds after a scroll before the lines on screen are looked at (a held key scrolls
through many screens: only where it stops is read)."""


class BackupSizes:
    """Fills in the sizes of the backups on screen as their SIBs arrive (see the module
    docstring)."""

    def __init__(self, tree: FastTree[NodeData], loader: TreeLoader) -> None:
        self.tree = tree
        self.loader = loader
        self.session = loader.session
        self._in_flight: set[str] = set()
        """SIB uuids being fetched now (not asked for twice at once)."""
        self._still = AtRest(tree, LOOK_AGAIN, self.look, group="sizes-look",
                             description="backup sizes on screen")
        """Looks at the lines once the tree has stopped scrolling for `LOOK_AGAIN`."""

    def fill(self, node: Node, backups: list[Node]) -> None:
        """Backups landed under `node`: read the sizes of those on screen."""
        self.look()

    def look_soon(self) -> None:
        """The tree scrolled or was resized: look at its lines once it has stopped."""
        self._still.push()

    def look(self) -> None:
        """Fetch, in the background, the SIBs of the backups on screen and a screen below
        that are not known yet; relabel them as they land."""
        height = max(1, self.tree.size.height)
        top = max(0, int(self.tree.scroll_offset.y))
        lines = self.tree.visible_lines()
        by_list: dict[int, tuple[Node, list[tuple[Node, list[str]]]]] = {}
        for child in islice(lines, top, min(len(lines), top + 2 * height)):
            data = child.data
            parent = child.parent
            if not isinstance(data, ResourceData) or data.kind != "backup" or parent is None:
                continue
            wanted = [uuid for uuid in _sib_uuids(data) if uuid not in self._in_flight
                      and self.session.known("service_instance_backup", uuid) is None]
            if wanted:
                self._in_flight.update(wanted)
                by_list.setdefault(parent.id, (parent, []))[1].append((child, wanted))
        for node, backups in by_list.values():
            self.tree.run_worker(self._fetch_sizes(node, backups), group=f"sizes-{node.id}",
                                 exit_on_error=False,
                                 description=f"sizes of {describe(node, last=2)}")

    async def _fetch_sizes(self, node: Node, backups: list[tuple[Node, list[str]]]) -> None:
        first = backups[0][0].data if backups else None
        environment = first.raw.get("environment") if isinstance(first, ResourceData) else None
        try:
            if isinstance(environment, str):
                # The SIB labels will name their service instance: read them now, once, so
                # that expanding a backup later is instant.
                try:
                    await self.session.read_service_instances(environment)
                except ApiError as error:
                    log.info("service instances of %s: %s", environment, error.message)
            # In tree order (newest first), a few backups at a time, so the top of the screen
            # gets its sizes first and labels change in small steps.
            for start in range(0, len(backups), SIZE_BATCH):
                chunk = backups[start:start + SIZE_BATCH]
                uuids = [uuid for _child, wanted in chunk for uuid in wanted]
                try:
                    await self.session.get_many("service_instance_backup", uuids,
                                                background=True)
                finally:
                    self._in_flight.difference_update(uuids)
                if not self.tree.registered(node):
                    return
                ctx = self.loader.label_context()
                for child, _wanted in chunk:
                    if isinstance(child.data, ResourceData) and self.tree.registered(child):
                        child.set_label(self.loader.resource_text(child.data, ctx))
                        self.loader.node_changed(child)
        except Exception:
            # The backups stay listed with `…` and their SIBs load when one is expanded.
            log.exception("fetching backup sizes failed")
        finally:  # stopped (a reload, the app closing): what it did not read is asked again
            self._in_flight.difference_update(uuid for _child, wanted in backups
                                              for uuid in wanted)


def _sib_uuids(data: ResourceData) -> list[str]:
    uuids = data.raw.get("service_instance_backups") or []
    return [uuid for uuid in uuids if isinstance(uuid, str)]
