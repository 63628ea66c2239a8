"""The tree pages through the API layer's pager: a server whose `next` loops cannot make it
read for ever or show a row twice. Served over real HTTP on loopback."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from divio_tui.fake import FakeDivioAPI, serve_in_thread
from divio_tui.fake._wire import FakeResponse, json_response
from tests.ui.helpers import make_loopback_app, settle, visible_labels


class LoopingOrganisations:
    """The fake, except that the organisations list pages in a loop: `same` answers every
    page with a `next` to itself; `alternate` goes first -> A -> B -> A."""

    def __init__(self, api: FakeDivioAPI, mode: str) -> None:
        self.api = api
        self.mode = mode
        self.list_requests = 0
        self.latency_ms = 0.0
        self.access_log = False
        self.timeout_sleep_s = 0.0
        self.timeout_drop = False

    def track(self) -> AbstractContextManager[None]:
        return self.api.track()

    def respond(self, method: str, url: str, headers: Mapping[str, str],
                body: bytes = b"") -> FakeResponse:
        split = urlsplit(url)
        if split.path.rstrip("/") != "/iam/v3/organisations":
            return self.api.respond(method, url, headers, body)
        self.list_requests += 1
        orgs = self.api.dataset.collections["organisations"]
        base = f"{split.scheme}://{split.netloc}/iam/v3/organisations/"
        if self.mode == "same":
            page: dict[str, Any] = {"count": 100, "next": url, "previous": None,
                                    "results": orgs}
        else:
            where = parse_qs(split.query).get("cursor", ["first"])[0]
            follow = {"first": "A", "A": "B", "B": "A"}[where]
            chunk = {"first": orgs[:2], "A": orgs[1:], "B": orgs[:1]}[where]
            page = {"next": f"{base}?cursor={follow}", "previous": None, "results": chunk}
        return json_response(200, page)


@pytest.fixture(params=["same", "alternate"])
def looping(request: pytest.FixtureRequest) -> Iterator[tuple[LoopingOrganisations, str]]:
    server = LoopingOrganisations(FakeDivioAPI(), request.param)
    with serve_in_thread(server) as base_url:
        yield server, base_url


async def test_a_next_link_that_loops_stops_with_an_error_line_and_no_duplicates(
        looping: tuple[LoopingOrganisations, str]) -> None:
    server, base_url = looping
    app = make_loopback_app(base_url)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        lines = visible_labels(app)
        names = [org["name"] for org in server.api.dataset.collections["organisations"]]
        shown = [line.strip() for line in lines if line.strip() in names]
        assert sorted(shown) == sorted(names)  # each once, however often the server sent it
        assert server.list_requests <= 4
        errors = [line for line in lines if line.startswith("⚠")]
        assert len(errors) == 1 and "press r to retry" in errors[0]
        tree = app.explorer.resource_tree
        error_node = next(node for node in tree.visible_lines()
                          if node.label.plain.startswith("⚠"))  # type: ignore[union-attr]
        tree.move_cursor(error_node)
        await settle(pilot)
        assert "Paging loop" in app.explorer.detail.view.rows[0][1].plain
        before = server.list_requests
        await pilot.press("r")  # a retry reads the list again, and stops again
        await settle(pilot)
        assert server.list_requests - before <= 4
        assert app.is_running
