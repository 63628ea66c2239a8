"""Requests per glance: what resting on an environment costs the API.

The explorer on the demo data over loopback: open Northwind Digital › ACME Shop, rest on its
live environment until nothing more is fetched, then one line down to staging and rest
again. Resting on an environment shows its backup summary; the answer needs about ten
requests (the environment's backups, its service instances, a round of service-instance
backups), and that is the target per environment. The application's environments table has
usually read the answer already when the cursor gets there (those requests are counted in
"to get there"), so the answer's own cost is also measured cold, with a fresh session.

The total size of all the backups needs every service-instance backup, one request each: it
is read only on `T`, measured here on live after the glance (and `T` again, which costs
nothing once the total is known).
"""

from __future__ import annotations

import asyncio

from divio_tui.api.client import DivioClient
from divio_tui.state.backups import BackupBook
from divio_tui.state.nodes import ResourceData
from divio_tui.state.session import Session

from .common import Counter, Result, served
from .ui import SIZE, TOKEN, explorer, open_path, resource, rest_on, settle, tree

TARGET = 12
"""About ten: the answer's own requests, with a request or two of slack."""


async def _glance(base_url: str) -> dict[str, int]:
    counter = Counter()
    app = explorer(base_url, counter)
    found: dict[str, int] = {}
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_path(pilot, resource("organisation", name="Northwind Digital"),
                        resource("application", slug="acme-shop"))
        found["reached"] = counter.requests
        live = await rest_on(pilot, resource("environment", slug="live"))
        found["live"] = counter.requests - found["reached"]
        await pilot.press("down")
        await settle(pilot)
        node = tree(app).cursor_node
        assert node is not None and isinstance(node.data, ResourceData)
        assert node.data.raw.get("slug") == "staging", "staging is the line below live"
        found["staging"] = counter.requests - found["reached"] - found["live"]
        # The total size on demand: back on live, T, until it is read.
        before = counter.requests
        tree(app).move_cursor(live)
        await settle(pilot)
        await pilot.press("T")
        await settle(pilot)
        assert live.data is not None and live.data.uuid is not None
        report = app.backups.report(live.data.uuid)
        assert report.sized, "T reads the total size"
        found["total"] = counter.requests - before
        found["sibs"] = sum(len(b.service_instance_backups) for b in report.backups or [])
        before = counter.requests
        await pilot.press("T")
        await settle(pilot)
        found["again"] = counter.requests - before
        uuids = {slug: _uuid(app, slug) for slug in ("live", "staging")}
    for slug, uuid in uuids.items():
        found[f"cold {slug}"] = await _cold_answer(base_url, uuid)
    return found


def _uuid(app: object, slug: str) -> str:
    node = tree(app).cursor_node  # type: ignore[arg-type]
    assert node is not None and node.parent is not None
    for sibling in node.parent.children:
        data = sibling.data
        if isinstance(data, ResourceData) and data.raw.get("slug") == slug and data.uuid:
            return data.uuid
    raise AssertionError(f"no {slug} environment beside the cursor")


async def _cold_answer(base_url: str, environment: str) -> int:
    """The answer of one environment in a fresh session: what resting on it costs when
    nothing was read before."""
    counter = Counter()
    async with DivioClient(base_url, TOKEN, observer=counter) as client:
        book = BackupBook(Session(client))
        await book.answer(environment)
        assert book.report(environment).answered
    return counter.requests


def run() -> list[Result]:
    with served("demo", "plain", latency_ms=0) as (base_url,):
        found = asyncio.run(_glance(base_url))
    worst = max(found["live"], found["staging"], found["cold live"], found["cold staging"])
    return [
        Result("requests per glance: rest on acme-shop/live, then one line down to staging "
               "(demo)", f"{found['live']} + {found['staging']} req",
               f"the answer's ~10 per environment ({found['reached']} to get there)",
               f"{worst / 10:.1f}x", f"<= {TARGET} per environment", worst <= TARGET),
        Result("  the answer alone, cold (a fresh session: live, staging)",
               f"{found['cold live']} + {found['cold staging']} req",
               "the answer's ~10 per environment", "", f"<= {TARGET} per environment",
               max(found["cold live"], found["cold staging"]) <= TARGET),
        Result("  T on live: the total size of all its backups",
               f"{found['total']} req", f"{found['sibs']} service-instance backups named",
               "", "only the SIBs not read yet"),
        Result("  T again once the total is known", f"{found['again']} req", "", "", "0",
               found["again"] == 0),
    ]
