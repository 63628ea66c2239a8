"""The explorer in-process for the benchmarks that need a screen (Textual's `run_test` pilot).

The app is built as the command line builds it for a real account: a `DivioClient` on the
loopback URL of the fake (served from a process of its own, `common.served`), the settings
of that URL, a fixed clock. Frames are timed by wrapping the app's `_display`, which Textual
calls with each composited update of the screen (the headless driver then drops it).
"""

from __future__ import annotations

import asyncio
import bisect
import time
from collections.abc import Callable
from typing import Any

from pydantic import SecretStr
from textual.app import App
from textual.pilot import Pilot

from divio_tui.api import DivioClient
from divio_tui.fake import FIXED_NOW
from divio_tui.settings import Settings
from divio_tui.state.nodes import GroupData, ResourceData
from divio_tui.ui.app import DivioApp
from divio_tui.ui.tree.widget import ResourceTree

from .common import Counter

TOKEN = "bench-token"
SIZE = (120, 40)


def explorer(base_url: str, counter: Counter) -> DivioApp:
    client = DivioClient(base_url, TOKEN, observer=counter)
    settings = Settings(api_url=base_url, token=SecretStr(TOKEN), token_source="env DIVIO_TOKEN")
    return DivioApp(client=client, settings=settings, clock=lambda: FIXED_NOW,
                    owns_client=True)


class Frames:
    """When each frame of `app` was drawn (perf_counter seconds), and what `probe` said then."""

    def __init__(self, app: App[Any], probe: Callable[[], object] = lambda: None) -> None:
        self.times: list[float] = []
        self.seen: list[object] = []
        display = app._display

        def timed(*args: Any, **kwargs: Any) -> None:
            display(*args, **kwargs)
            self.times.append(time.perf_counter())
            self.seen.append(probe())

        app._display = timed  # type: ignore[method-assign]

    async def first_showing(self, value: object, since: float) -> float:
        """When the first frame after `since` was drawn with the probe saying `value`."""
        start = bisect.bisect_left(self.times, since)
        while True:
            for index in range(start, len(self.times)):
                if self.seen[index] == value:
                    return self.times[index]
            start = len(self.times)
            await asyncio.sleep(0.001)


async def settle(pilot: Pilot[Any]) -> None:
    """Wait until every worker is done and the screen has caught up (the app at rest)."""
    app = pilot.app
    await pilot.pause()
    for _ in range(200):
        if not any(worker.is_running for worker in app.workers):
            break
        await app.workers.wait_for_complete()
        await pilot.pause()


def tree(app: DivioApp) -> ResourceTree:
    return app.explorer.resource_tree


def find_node(app: DivioApp, predicate: Callable[[Any], bool]) -> Any:
    """The first loaded node whose data matches `predicate`, breadth first."""
    stack = list(tree(app).root.children)
    while stack:
        node = stack.pop(0)
        if node.data is not None and predicate(node.data):
            return node
        stack.extend(node.children)
    raise LookupError("no such node")


def resource(kind: str, **fields: Any) -> Callable[[Any], bool]:
    def match(data: Any) -> bool:
        return isinstance(data, ResourceData) and data.kind == kind and all(
            data.raw.get(key) == value for key, value in fields.items())
    return match


def group(kind: str, owner: Any) -> Callable[[Any], bool]:
    def match(data: Any) -> bool:
        return isinstance(data, GroupData) and data.kind == kind and data.owner is owner
    return match


async def open_path(pilot: Pilot[Any], *steps: Callable[[Any], bool]) -> Any:
    """Put the cursor on each node in turn and expand it, letting every load finish."""
    node = None
    for step in steps:
        node = find_node(pilot.app, step)  # type: ignore[arg-type]
        tree(pilot.app).show_node(node)  # type: ignore[arg-type]
        await settle(pilot)
        if node.allow_expand and not node.is_expanded:
            node.expand()
        await settle(pilot)
    return node


async def rest_on(pilot: Pilot[Any], step: Callable[[Any], bool]) -> Any:
    """Put the cursor on a loaded node and wait until nothing more is fetched."""
    node = find_node(pilot.app, step)  # type: ignore[arg-type]
    tree(pilot.app).show_node(node)  # type: ignore[arg-type]
    await settle(pilot)
    return node
