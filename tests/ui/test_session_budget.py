"""The environment summary reads backups within a budget: a server claiming 200,000 backups at
two a page costs 50 requests, and the summary says it read only part of them."""

from __future__ import annotations

import httpx

from divio_tui.api.client import DivioClient
from divio_tui.api.models import Environment
from divio_tui.fake.dataset import FIXED_NOW
from divio_tui.state.nodes import ResourceData
from divio_tui.state.session import CHILDREN_MAX_PAGES, Session
from divio_tui.ui.detail.pane import build_view
from divio_tui.ui.detail.summary import SummaryContext

ENV = "vyn5jrwaenga7kzevilxs66hd4"


async def test_a_huge_count_at_two_a_page_stops_at_the_budget_and_says_so() -> None:
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(str(request.url))
        page = int(request.url.params.get("page", "1"))
        results = [{"uuid": f"b{page:06d}x{i}", "environment": ENV} for i in range(2)]
        return httpx.Response(200, json={
            "count": 200_000, "previous": None, "results": results,
            "next": str(request.url.copy_set_param("page", str(page + 1)))})

    client = DivioClient("https://api.example.test/apps/v3/", "t",
                         transport=httpx.MockTransport(handler))
    session = Session(client)
    backups = await session.children("backup", "environment", ENV)
    assert len(sent) == CHILDREN_MAX_PAGES and len(backups) == 2 * CHILDREN_MAX_PAGES
    partial = session.partial_children("backup", "environment", ENV)
    assert partial is not None and (partial.read, partial.count) == (100, 200_000)
    assert session.known_children("backup", {"environment": ENV}) is None  # the tree reads itself
    environment = ResourceData("environment", Environment.model_validate({"uuid": ENV}))
    view = build_view(environment, SummaryContext(now=FIXED_NOW, lookup=lambda kind, uuid: None,
                                                  partial=session.partial_children))
    notes = [value.plain for name, value in view.rows if name == "note"]
    assert any("only the first 100 of 200,000 backups were read" in note for note in notes)
