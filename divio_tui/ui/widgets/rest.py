"""Work done once the user rests: `AtRest` runs a callback a moment after the last `push()`.

The explorer draws its detail pane for the node the cursor rests on, the tree reads the sizes
of the backups on screen once it stops scrolling: work that costs more than the key that
asked for it, and that nobody would read if it ran for every key of a held arrow.

One worker waits while the pushes keep coming, each pushing the moment on; no worker is
cancelled and started again (one cancelled before it ran would leave its coroutine never
awaited), and because it is a worker, whoever waits for the workers to be done (the tests'
`settle`) finds the work done.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from time import monotonic

from textual.dom import DOMNode
from textual.worker import Worker


class AtRest:
    """Calls `then` `delay` seconds after the last `push()` (see the module docstring)."""

    def __init__(self, host: DOMNode, delay: float, then: Callable[[], None], *, group: str,
                 description: str) -> None:
        self.host = host
        self.delay = delay
        self.then = then
        self.group = group
        self.description = description
        self._due = 0.0
        """When `then` runs, unless pushed on again (`time.monotonic`)."""
        self._worker: Worker[None] | None = None

    def push(self) -> None:
        """Something moved: run `then` once `delay` has gone by without another push."""
        self._due = monotonic() + self.delay
        if self._worker is None or self._worker.is_finished:
            self._worker = self.host.run_worker(self._wait(), group=self.group,
                                                exit_on_error=False,
                                                description=self.description)

    async def _wait(self) -> None:
        while (wait := self._due - monotonic()) > 0:
            await asyncio.sleep(wait)
        self.then()
