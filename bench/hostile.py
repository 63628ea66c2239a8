"""Hostile data and a hostile server, measured: a 2 MB name, and keys while requests hang.

1. The detail pane of a record named with a 2 MB string: what it costs now (values cut for
   display, ui/detail) against drawing the name whole as the pane did before (the baseline,
   rendered in the same run with Rich at the pane's width).
2. The highlight of that record in the running explorer (over loopback, the hostile fake's
   `long-string` case) against the highlight of an ordinary record, and a key press answered
   while the hostile `timeout` case holds every request, against the same key on an idle app.
"""

from __future__ import annotations

import asyncio
import io
import time
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from divio_tui.api.client import DivioClient
from divio_tui.api.models import Organisation
from divio_tui.fake import FakeDivioAPI, serve_in_thread
from divio_tui.fake.dataset import FIXED_NOW
from divio_tui.fake.hostile import LONG_CHARS, HostileAPI
from divio_tui.settings import Settings
from divio_tui.state.nodes import ResourceData
from divio_tui.ui.app import DivioApp
from divio_tui.ui.detail.json_view import json_view
from divio_tui.ui.detail.pane import build_view
from divio_tui.ui.detail.summary import SummaryContext
from divio_tui.untrusted import visible

from .common import row

TOKEN = "bench-token-0123456789"


def _render(*parts: Any) -> float:
    console = Console(width=50, file=io.StringIO(), color_system=None)
    started = time.perf_counter()
    for part in parts:
        console.print(part)
    return time.perf_counter() - started


def _pane_cost(name: str) -> tuple[float, float]:
    model = Organisation.model_validate({"uuid": "yjsn23lli5gfxn6wp33coebsdm", "name": name})
    view = build_view(ResourceData("organisation", model),
                      SummaryContext(now=FIXED_NOW, lookup=lambda kind, uuid: None))
    table = Table.grid()
    table.add_column()
    table.add_column(overflow="fold")
    for field, value in view.rows:
        table.add_row(field, value)
    now = _render(view.title, table, json_view(view.json).text)
    whole = Table.grid()
    whole.add_column()
    whole.add_column(overflow="fold")
    whole.add_row("name", Text(visible(name)))
    before = _render(Text(visible(name)), whole, Text(visible(name)))
    return now, before


def _app(root: str, case: str, **client: Any) -> DivioApp:
    url = f"{root}hostile/{case}/apps/v3/"
    fields: dict[str, Any] = {"api_url": url, "token": TOKEN, "token_source": "env DIVIO_TOKEN"}
    return DivioApp(client=DivioClient(url, TOKEN, **client), settings=Settings(**fields),
                    clock=lambda: FIXED_NOW, owns_client=True)


async def _highlight(root: str, case: str) -> float:
    app = _app(root, case)
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(100):
            await pilot.pause(0.05)
            tree = app.explorer.resource_tree
            nodes = [node for node in tree.all_nodes() if isinstance(node.data, ResourceData)]
            if nodes:
                break
        started = time.perf_counter()
        tree.move_cursor(nodes[0])
        while app.explorer.detail.view.title.plain.startswith(("Nothing", "Loading")):
            await pilot.pause(0)
        await pilot.pause()
        return time.perf_counter() - started


async def _key(root: str, case: str) -> float:
    app = _app(root, case, timeout=60, deadline=120)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.3)
        tree = app.explorer.resource_tree
        first = tree.cursor_line
        started = time.perf_counter()
        await pilot.press("down")
        while tree.cursor_line == first:
            await pilot.pause(0)
        return time.perf_counter() - started


def run() -> list[str]:
    now, before = _pane_cost("Tiny Robots " + "A" * LONG_CHARS)
    lines = [f"a record named with a {LONG_CHARS / 1e6:g} MB string; keys while requests hang",
             row("detail pane render, 2 MB name (cut vs drawn whole)", now, before, "s")]
    server = HostileAPI(FakeDivioAPI(scale="tiny"), timeout_sleep_s=60)
    with serve_in_thread(server) as base_url:
        root = base_url.removesuffix("apps/v3/")
        long = asyncio.run(_highlight(root, "long-string"))
        plain = asyncio.run(_highlight(root, "names-markup"))
        lines.append(row("highlight in the explorer (2 MB name vs ordinary)", long, plain, "s"))
        held = asyncio.run(_key(root, "timeout"))
        idle = asyncio.run(_key(root, "names-markup"))
        lines.append(row("a key answered while every request hangs (vs idle)", held, idle, "s"))
    return lines
