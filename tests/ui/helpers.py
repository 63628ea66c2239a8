"""Build the explorer on the fake API, exactly as a user gets it, with a fixed clock.

Shared by the pilot tests, the snapshot tests and `python -m tests.ui.make_screenshots`.
Nothing here touches the network: the client is mounted on the fake's in-process transport.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
from textual.pilot import Pilot
from textual.widgets import Input

from divio_tui.api.client import DivioClient
from divio_tui.fake.dataset import FIXED_NOW
from divio_tui.fake.server import FakeDivioAPI
from divio_tui.fake.transport import FakeTransport
from divio_tui.settings import DEMO_API_URL, DEMO_ZONE, Settings
from divio_tui.state.nodes import GroupData, ResourceData
from divio_tui.ui.app import DivioApp
from divio_tui.ui.tree.widget import ResourceTree

TOKEN = "s3cret-token-never-shown"
"""A recognisable token: tests assert it appears nowhere on screen or in copies."""


def fixed_clock() -> Any:
    return FIXED_NOW


def make_client(api: FakeDivioAPI, *, page_size: int = 100, concurrency: int = 6,
                transport: httpx.AsyncBaseTransport | None = None) -> DivioClient:
    """A client on the fake's in-process transport; retries are quick so failure tests are."""
    return DivioClient(DEMO_API_URL, TOKEN, transport=transport or FakeTransport(api),
                       concurrency=concurrency, page_size=page_size, backoff_base=0.001,
                       retry_after_cap=0.01)


def make_app(api: FakeDivioAPI | None = None, *, page_size: int = 100,
             transport: httpx.AsyncBaseTransport | None = None,
             clock: Callable[[], Any] | None = None, **settings: Any) -> DivioApp:
    """The explorer on `api` (the demo dataset at FIXED_NOW by default); `clock` replaces
    the fixed one (a clock the test moves, shared with a live fake)."""
    api = api if api is not None else FakeDivioAPI(now=FIXED_NOW)
    options: dict[str, Any] = {"demo": True, "api_url": DEMO_API_URL, "zone": DEMO_ZONE,
                               "token": TOKEN, "token_source": "demo", **settings}
    client = make_client(api, page_size=page_size, transport=transport)
    return DivioApp(client=client, settings=Settings(**options), clock=clock or fixed_clock,
                    owns_client=True)


def make_loopback_app(base_url: str, **settings: Any) -> DivioApp:
    """The explorer over real HTTP on loopback (`base_url` from `serve_in_thread`)."""
    options: dict[str, Any] = {"api_url": base_url, "token": TOKEN,
                               "token_source": "env DIVIO_TOKEN", **settings}
    client = DivioClient(base_url, TOKEN, backoff_base=0.001, retry_after_cap=0.01)
    return DivioApp(client=client, settings=Settings(**options), clock=fixed_clock,
                    owns_client=True)


async def settle(pilot: Pilot[Any]) -> None:
    """Wait until every worker is done and the screen has caught up."""
    app = pilot.app
    await pilot.pause()
    # A finished worker may have posted messages that start others (a reload re-opening
    # nodes): go round until a pause leaves nothing running.
    for _ in range(50):
        if not any(worker.is_running for worker in app.workers):
            break
        await app.workers.wait_for_complete()
        await pilot.pause()


async def press(pilot: Pilot[Any], *keys: str) -> None:
    """Press keys one at a time, letting loads finish after each (as a patient user would)."""
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


def no_blink(pilot: Pilot[Any]) -> None:
    """Stop every input cursor blinking, for stable screenshots."""
    for screen in pilot.app.screen_stack:
        for widget in screen.query(Input):
            widget.cursor_blink = False


def acme_live_backup(dataset: Any) -> Any:
    """The backup of ACME Shop's live environment the palette pictures paste (2026-11-24)."""
    env = dataset.environment("acme-shop", "live")
    return next(backup for backup in dataset.collections["backups"]
                if backup["environment"] == env["uuid"]
                and backup["created_at"].startswith("2026-11-24T02"))


def tree(app: DivioApp) -> ResourceTree:
    return app.explorer.resource_tree


def visible_labels(app: DivioApp) -> list[str]:
    """The tree as the user sees it: one plain label per visible line."""
    return [node.label.plain for node in tree(app).visible_lines()]  # type: ignore[union-attr]


def find_node(app: DivioApp, predicate: Callable[[Any], bool]) -> Any:
    """The first loaded node whose data matches `predicate`."""
    stack = list(tree(app).root.children)
    while stack:
        node = stack.pop(0)
        if node.data is not None and predicate(node.data):
            return node
        stack.extend(node.children)
    raise LookupError("no such node")


def resource(kind: str, **fields: Any) -> Callable[[Any], bool]:
    """Predicate: a resource node of `kind` whose raw record has these field values."""
    def match(data: Any) -> bool:
        return isinstance(data, ResourceData) and data.kind == kind and all(
            data.raw.get(key) == value for key, value in fields.items())
    return match


def group(kind: str, owner_kind: str | None = None) -> Callable[[Any], bool]:
    def match(data: Any) -> bool:
        return isinstance(data, GroupData) and data.kind == kind and (
            owner_kind is None or (data.owner is not None and data.owner.kind == owner_kind))
    return match


async def goto(pilot: Pilot[Any], node: Any) -> None:
    """Put the cursor on `node` (expanding its ancestors), as a jump does, but unrecorded."""
    tree(pilot.app).show_node(node)  # type: ignore[arg-type]
    await settle(pilot)


async def open_path(pilot: Pilot[Any], *steps: Callable[[Any], bool]) -> Any:
    """Expand nodes one after the other, each found by a predicate; returns the last node."""
    node = None
    for step in steps:
        node = find_node(pilot.app, step)  # type: ignore[arg-type]
        await goto(pilot, node)
        if node.allow_expand and not node.is_expanded:
            node.expand()
        await settle(pilot)
    return node


async def open_environment(pilot: Pilot[Any], dataset: Any, env: Any,
                           *below: Callable[[Any], bool]) -> Any:
    """Put the cursor on the environment record `env` of `dataset` in the tree (opening what
    leads to it) and let it load; then open `below` under it (a group…). Returns the last."""
    application = dataset.by_id("applications", env["application"])
    assert application is not None
    return await open_path(pilot, resource("organisation", uuid=application["organisation"]),
                           resource("application", uuid=application["uuid"]),
                           resource("environment", uuid=env["uuid"]), *below)


class GatedTransport(httpx.AsyncBaseTransport):
    """Holds back the requests `hold` matches until `release()`: streaming made observable."""

    def __init__(self, inner: httpx.AsyncBaseTransport, hold: Callable[[httpx.Request], bool]):
        self.inner = inner
        self.hold = hold
        self.gate = asyncio.Event()
        self.held = 0

    def release(self) -> None:
        self.gate.set()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.hold(request):
            self.held += 1
            await self.gate.wait()
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


class MovingClock:
    """A clock the test moves by hand: give it to a live fake (`FakeDivioAPI(clock=…)`) and to
    the app (`make_app(clock=…)`) so that both see the same time."""

    def __init__(self, now: Any = FIXED_NOW) -> None:
        self.now = now

    def __call__(self) -> Any:
        return self.now

    def advance(self, seconds: float) -> None:
        from datetime import timedelta

        self.now += timedelta(seconds=seconds)


async def wait_until(pilot: Pilot[Any], condition: Callable[[], bool], tries: int = 200) -> None:
    """Let the app run until `condition()` holds (a condition, not a duration: each try is one
    turn of the event loop plus the workers it started)."""
    for _ in range(tries):
        if condition():
            return
        await settle(pilot)
        await asyncio.sleep(0.01)
    raise AssertionError("the condition never held")
