"""Names for the detail pane's references, fetched a moment after the cursor rests.

The pane lists every reference of the highlighted resource as a door; a target the session
already knows is shown by its name ("↗ service  postgres-13 · PostgreSQL 13"), one it does not
by its kind and uuid. Once the cursor has rested on a resource for `DELAY`, the targets it
does not know yet are read by uuid (through the session cache, a few at a time, at most
`LIMIT` of them) and the pane is drawn again with their names. Nothing waits for them: the
doors work all along, and a target that cannot be read keeps its uuid.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual.dom import DOMNode

from divio_tui.api.errors import ApiError
from divio_tui.api.resources import references_of
from divio_tui.state.nodes import NodeData, ResourceData
from divio_tui.state.session import Session

GROUP = "reference-names"
"""Worker group: one fetch at a time, the newest highlight's."""

DELAY = 0.2
"""Seconds the cursor must rest before names are fetched (running down a list costs none)."""

LIMIT = 12
"""References named per resource at most (a backup may name dozens of parts)."""


class ReferenceNames:
    """Fetches the unknown targets of the highlighted resource's references."""

    def __init__(self, owner: DOMNode, session: Callable[[], Session],
                 highlighted: Callable[[], NodeData | None],
                 changed: Callable[[], None]) -> None:
        self._owner = owner
        self._session = session
        self._highlighted = highlighted
        self._changed = changed

    def follow(self, data: NodeData | None) -> None:
        """The cursor is on `data`: name its references soon, or stop naming the last's."""
        self._owner.workers.cancel_group(self._owner, GROUP)
        if not isinstance(data, ResourceData):
            return
        session = self._session()
        unknown = [(ref.kind, ref.uuid) for ref in references_of(data.model)
                   if session.known(ref.kind, ref.uuid) is None]
        unknown = list(dict.fromkeys(unknown))[:LIMIT]
        if unknown:
            self._owner.run_worker(self._name(data, unknown), group=GROUP, exclusive=True,
                                   exit_on_error=False, description="reference names")

    async def _name(self, data: ResourceData, targets: list[tuple[str, str]]) -> None:
        await asyncio.sleep(DELAY)
        session = self._session()
        results = await asyncio.gather(*(session.get(kind, uuid) for kind, uuid in targets),
                                       return_exceptions=True)
        named = any(not isinstance(result, BaseException) for result in results)
        for result in results:
            if isinstance(result, BaseException) and not isinstance(result, ApiError):
                raise result  # a bug, or cancellation: not a missing name
        if named and self._highlighted() is data:
            self._changed()
