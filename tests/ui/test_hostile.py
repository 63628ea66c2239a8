"""The explorer against the hostile fake over real HTTP on loopback: every case of the matrix,
through the UI. It never crashes or freezes, says what failed in words with `r` retrying,
sends a bounded number of requests (GET/HEAD only, never to another origin) and never shows,
copies or logs the token."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest

from divio_tui.api.client import DivioClient
from divio_tui.fake import FakeDivioAPI, generate, serve_in_thread
from divio_tui.fake.hostile import CASES, HostileAPI, gzip_bomb
from divio_tui.settings import Settings
from divio_tui.state.nodes import GroupData, ResourceData, StatusData
from divio_tui.ui.app import DivioApp
from divio_tui.ui.screens.full_value import FullValueScreen
from divio_tui.ui.screens.help import HelpScreen
from divio_tui.ui.screens.signin import SignInScreen
from tests.ui.helpers import TOKEN, find_node, fixed_clock, group, settle, visible_labels

ERRORS = {
    "401": "", "403-credentials": "", "403-permission": "403 Forbidden",
    "404": "404 Not Found", "429": "429 Too Many Requests",
    "429-no-retry-after": "429 Too Many Requests", "429-huge-retry-after": "429 Too Many Requests",
    "500": "500 Internal Server Error", "502": "502 Bad Gateway", "503": "503 Service Unavailable",
    "504": "504 Gateway Timeout", "timeout": "no complete answer within 2 s|network error",
    "trickle": "no complete answer within 2 s", "reset": "network error|no complete answer",
    "short-body": "network error|no complete answer", "truncated-json": "a body that is not JSON",
    "html-200": "the server sent an HTML page instead of JSON",
    "empty-200": "the server sent an empty body instead of JSON",
    "shape-list": "bad response error", "shape-no-results": "bad response error",
    "shape-count-string": "bad response error", "shape-results-string": "bad response error",
    "empty-next": "the server sent empty pages that never end",
    "next-same": "go round in a loop", "next-cycle": "go round in a loop",
    "next-other-origin": "a link to another server", "next-other-port": "a link to another server",
    "next-control": "a malformed next link", "redirect-other-origin": "a link to another server",
    "gzip-bomb": "the answer was larger than 32 MB",
}
"""Case -> the words of the Organisations error line ("" : the sign-in screen instead);
cases not listed show organisations."""

TEXT_CASES = ("names-", "uuid-control", "echo-token", "long-string")
"""Cases whose records carry hostile text: their first organisation is copied every way."""


@pytest.fixture(scope="module")
def hostile() -> Iterator[tuple[HostileAPI, str]]:
    server = HostileAPI(FakeDivioAPI(scale="tiny"), trickle_s=0.2, timeout_sleep_s=5)
    gzip_bomb()
    with serve_in_thread(server) as base_url:
        yield server, base_url.removesuffix("apps/v3/")


def hostile_app(root: str, case: str, **client: Any) -> DivioApp:
    url = f"{root}hostile/{case}/apps/v3/"
    options: dict[str, Any] = {"timeout": 0.4, "deadline": 2.0, "max_attempts": 2,
                               "backoff_base": 0.001, "retry_after_cap": 0.01, **client}
    fields: dict[str, Any] = {"api_url": url, "token": TOKEN, "token_source": "env DIVIO_TOKEN"}
    return DivioApp(client=DivioClient(url, TOKEN, **options), settings=Settings(**fields),
                    clock=fixed_clock, owns_client=True)


def everything_shown(app: DivioApp) -> str:
    """What the user can see or take away: every tree line, the detail pane, the toasts, the
    screens on top, the clipboard."""
    parts = [*(node.label.plain for node in app.explorer.resource_tree.all_nodes()  # type: ignore[union-attr]
               if node.label is not None)]
    view = app.explorer.detail.view
    parts += [view.title.plain, *(f"{name} {value.plain}" for name, value in view.rows)]
    parts += [f"{n.title} {n.message}" for n in app._notifications]
    parts.append(app.clipboard)
    for screen in app.screen_stack:
        parts += [str(widget.render()) for widget in screen.query("Static")]
    return "\n".join(parts)


def organisations_line(app: DivioApp) -> str:
    node = find_node(app, group("organisation"))
    return "\n".join(child.label.plain for child in node.children)


@pytest.mark.parametrize("case", sorted(CASES))
async def test_the_explorer_survives_every_case(hostile: tuple[HostileAPI, str], case: str,
                                                caplog: pytest.LogCaptureFixture) -> None:
    server, root = hostile
    caplog.set_level(logging.DEBUG)
    start = len(server.requests)
    app = hostile_app(root, case)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.is_running
        words = ERRORS.get(case)
        if words == "":
            assert any(isinstance(screen, SignInScreen) for screen in app.screen_stack)
        elif words is not None:
            line = organisations_line(app)
            assert re.search(words, line), line
            assert "200 OK" not in line and "press r to retry" in line
            # r on the error line tries again, and that costs a bounded number of requests.
            tree = app.explorer.resource_tree
            error = next(node for node in find_node(app, group("organisation")).children
                         if isinstance(node.data, StatusData) and node.data.kind == "error")
            tree.move_cursor(error)
            await settle(pilot)
            before = len(server.requests)
            await pilot.press("r")
            await settle(pilot)
            assert 1 <= len(server.requests) - before <= 30
            assert re.search(words, organisations_line(app))
        elif case.startswith(TEXT_CASES):
            tree = app.explorer.resource_tree
            organisation = next(node for node in find_node(app, group("organisation")).children
                                if isinstance(node.data, ResourceData | StatusData))
            tree.move_cursor(organisation)
            await settle(pilot)
            opened: list[str] = []
            app.open_url = lambda url, **_: opened.append(url)  # type: ignore[method-assign]
            for key in ("c", "y", "u", "o", "e"):  # copies and the whole record: never raw text
                await pilot.press(key)
                await settle(pilot)
                assert "\x1b" not in app.clipboard and "\n$(" not in app.clipboard
                if isinstance(app.screen, FullValueScreen):
                    await pilot.press("escape")
            assert all("\x1b" not in url and "\n" not in url for url in opened)
        assert app.is_running
        shown = everything_shown(app)
        assert TOKEN not in shown
        assert "\x1b" not in shown and "\x07" not in shown
    sent = server.requests[start:]
    api_host = root.split("/")[2]
    assert [request for request in sent if request[1] != api_host] == []  # no other origin
    assert {method for method, *_ in sent} <= {"GET", "HEAD"}
    assert len(sent) <= 80  # starting up and one retry, whatever the server does
    assert not any(TOKEN in record.getMessage() for record in caplog.records)


async def test_keys_are_answered_while_every_request_hangs(hostile: tuple[HostileAPI, str]) -> None:
    _server, root = hostile
    app = hostile_app(root, "timeout", timeout=30, deadline=60)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        tree = app.explorer.resource_tree
        assert "loading" in "\n".join(visible_labels(app))  # the requests are held
        first = tree.cursor_line
        await pilot.press("down")
        await pilot.pause()
        assert tree.cursor_line == first + 1  # the cursor moved while the server held on
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        assert "loading" in "\n".join(visible_labels(app))


async def test_a_failed_reload_keeps_what_was_shown_and_says_stale() -> None:
    api = FakeDivioAPI(scale="tiny")
    with serve_in_thread(api) as base_url:
        fields: dict[str, Any] = {"api_url": base_url, "token": TOKEN,
                                  "token_source": "env DIVIO_TOKEN"}
        client = DivioClient(base_url, TOKEN, max_attempts=1)
        app = DivioApp(client=client, settings=Settings(**fields), clock=fixed_clock,
                       owns_client=True)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            organisations = find_node(app, group("organisation"))
            before = [child.label.plain for child in organisations.children]
            app.explorer.resource_tree.move_cursor(organisations)
            await settle(pilot)
            api.fail_next("/iam/v3/organisations", 503)
            await pilot.press("r")
            await settle(pilot)
            after = [child.label.plain for child in organisations.children]
            assert after[:len(before)] == before  # still there
            assert "reload failed (503 Service Unavailable): showing the last good load" in after[-1]
            assert "stale" in organisations.label.plain
            assert isinstance(organisations.data, GroupData) and organisations.data.listing.stale
            # r again (on the group, or on the error line) reloads, and it is fresh again.
            await pilot.press("r")
            await settle(pilot)
            assert [child.label.plain for child in organisations.children] == before
            assert "stale" not in organisations.label.plain


async def test_a_parent_gone_meanwhile_is_said_in_words_on_a_stock_drf_server() -> None:
    api = FakeDivioAPI(scale="tiny", stock_drf=True)
    with serve_in_thread(api) as base_url:
        fields: dict[str, Any] = {"api_url": base_url, "token": TOKEN,
                                  "token_source": "env DIVIO_TOKEN"}
        client = DivioClient(base_url, TOKEN, max_attempts=1)
        app = DivioApp(client=client, settings=Settings(**fields), clock=fixed_clock,
                       owns_client=True)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            organisation = next(node for node in find_node(app, group("organisation")).children
                                if isinstance(node.data, ResourceData))
            organisation.expand()
            await settle(pilot)
            application = next(node for node in organisation.children
                               if isinstance(node.data, ResourceData))
            # The application is deleted between the list and its expansion (a race).
            gone = generate("tiny", 0)
            gone.collections["applications"] = [
                record for record in gone.collections["applications"]
                if record["uuid"] != application.data.uuid]
            api.dataset = gone
            application.expand()
            await settle(pilot)
            lines = [child.label.plain for child in application.children]
            assert any("this application no longer exists or is not visible — press r to "
                       "retry" in line for line in lines), lines
            assert app.is_running
