"""Requests per glance: what resting on an environment costs the API.

The explorer on the demo data over loopback: open Northwind Digital › ACME Shop, rest on its
live environment until nothing more is fetched, then one line down to staging and rest
again. Resting on an environment shows its backup summary; the answer needs about ten
requests (the environment's backups, its service instances, a round of service-instance
backups), and that is the target per environment. The total size in the summary is what
costs more today: it reads every service-instance backup of the environment by uuid.
"""

from __future__ import annotations

import asyncio

from divio_tui.state.nodes import ResourceData

from .common import Counter, Result, served
from .ui import SIZE, explorer, open_path, resource, rest_on, settle, tree

TARGET = 12
"""About ten: the answer's own requests, with a request or two of slack."""


async def _glance(base_url: str) -> tuple[int, int, int]:
    counter = Counter()
    app = explorer(base_url, counter)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_path(pilot, resource("organisation", name="Northwind Digital"),
                        resource("application", slug="acme-shop"))
        reached = counter.requests
        await rest_on(pilot, resource("environment", slug="live"))
        on_live = counter.requests - reached
        await pilot.press("down")
        await settle(pilot)
        node = tree(app).cursor_node
        assert node is not None and isinstance(node.data, ResourceData)
        assert node.data.raw.get("slug") == "staging", "staging is the line below live"
        on_staging = counter.requests - reached - on_live
    return reached, on_live, on_staging


def run() -> list[Result]:
    with served("demo", "plain", latency_ms=0) as (base_url,):
        reached, on_live, on_staging = asyncio.run(_glance(base_url))
    worst = max(on_live, on_staging)
    return [Result(
        "requests per glance: rest on acme-shop/live, then one line down to staging (demo)",
        f"{on_live} + {on_staging} req", f"the answer's ~10 per environment ({reached} to "
        f"get there)", f"{worst / 10:.0f}x", f"<= {TARGET} per environment", worst <= TARGET)]
