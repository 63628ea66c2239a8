"""What the keys do: copies, filter, secrets, help, palette, key overrides, untrusted text."""

from __future__ import annotations

import html
import json
import re
from typing import Any

from rich.console import Console
from textual.command import CommandPalette
from textual.pilot import Pilot

from divio_tui.fake.dataset import FIXED_NOW, generate
from divio_tui.fake.server import FakeDivioAPI
from divio_tui.state.nodes import ResourceData
from divio_tui.ui.explorer.copying import control_panel_url
from divio_tui.ui.screens.help import HelpScreen, help_table
from divio_tui.ui.text.labels import MASK
from tests.ui.helpers import (
    TOKEN,
    find_node,
    goto,
    group,
    make_app,
    no_blink,
    open_path,
    press,
    resource,
    settle,
    tree,
    visible_labels,
)


def cursor_label(app: Any) -> str:
    node = tree(app).cursor_node
    assert node is not None
    return node.label.plain  # type: ignore[union-attr]


def screen_text(app: object) -> str:
    """Roughly the text on screen (the SVG screenshot without its markup)."""
    svg = app.export_screenshot()  # type: ignore[attr-defined]
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


async def open_live(pilot: Pilot[Any]) -> Any:
    return await open_path(pilot, resource("organisation", name="Northwind Digital"),
                           resource("application", slug="acme-shop"),
                           resource("environment", slug="live"))


async def test_c_y_u_copy_the_uuid_json_and_api_url_of_the_highlighted_resource() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        env = await open_live(pilot)
        await goto(pilot, env)
        uuid = env.data.uuid
        await press(pilot, "c")
        assert app.clipboard == uuid
        await press(pilot, "y")
        assert json.loads(app.clipboard) == env.data.raw
        await press(pilot, "u")
        assert app.clipboard == f"https://api.demo.invalid/apps/v3/environments/{uuid}/"
        messages = " ".join(n.message for n in app._notifications)
        assert "Copied the UUID" in messages and uuid in messages
        assert TOKEN not in messages + app.clipboard + screen_text(app)


async def test_the_url_of_a_group_is_its_filtered_list() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        env = await open_live(pilot)
        await goto(pilot, find_node(app, group("backup")))
        await press(pilot, "u")
        assert app.clipboard == (
            f"https://api.demo.invalid/apps/v3/backups/?environment={env.data.uuid}")
        # Copying a UUID makes no sense on a group: the key is not offered there.
        assert app.explorer.check_action("copy_uuid", ()) is False


async def test_sensitive_variables_are_masked_until_revealed_and_in_copies() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_live(pilot)
        await open_path(pilot, group("environment_variable"))
        secret = find_node(app, lambda d: isinstance(d, ResourceData)
                           and d.kind == "environment_variable"
                           and bool(d.raw.get("is_sensitive")))
        value = secret.data.raw["value"]
        await goto(pilot, secret)
        assert MASK in secret.label.plain and value not in secret.label.plain
        assert value not in screen_text(app)
        await press(pilot, "y")
        assert json.loads(app.clipboard)["value"] == MASK
        assert set(app.explorer.detail.view.masked) == {"value"}
        await press(pilot, "v")
        assert not app.explorer.detail.view.masked
        await press(pilot, "y")
        assert json.loads(app.clipboard)["value"] == value
        assert MASK in secret.label.plain  # labels stay masked
        await press(pilot, "v")
        assert value not in screen_text(app)


async def test_filter_narrows_the_tree_and_escape_restores_it() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_path(pilot, resource("organisation", name="Northwind Digital"))
        before = visible_labels(app)
        await press(pilot, "slash", "b", "l", "o", "g")
        shown = visible_labels(app)
        assert shown == ["Organisations (3)", "Northwind Digital (8)",
                         "Bellweather Blog (bellweather-blog)"]
        assert "1 match" in str(tree(app).border_subtitle)
        await press(pilot, "enter")
        assert app.focused is tree(app)
        assert str(cursor_label(app)).startswith("Bellweather")
        await press(pilot, "escape")
        assert visible_labels(app) == before


async def test_untrusted_names_render_literally_and_escape_sequences_are_made_visible() -> None:
    dataset = generate("tiny", now=FIXED_NOW)
    org = dataset.collections["organisations"][0]
    dataset.add("applications", {"slug": "evil", "name": "\x1b[31mRed\x1b[0m [bold]x[/] \u202eabc",
                                 "organisation": org["uuid"], "repository": None,
                                 "created_at": "2026-01-01T00:00:00Z"})
    app = make_app(FakeDivioAPI(dataset))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_path(pilot, resource("organisation", uuid=org["uuid"]))
        evil = find_node(app, resource("application", slug="evil"))
        await goto(pilot, evil)
        assert evil.label.plain == "␛[31mRed␛[0m [bold]x[/] \\u202eabc (evil)"
        screen = screen_text(app)
        assert "[bold]x[/]" in screen and "\x1b" not in screen.replace("\\x1b", "")
        await press(pilot, "y", "c")  # nothing crashes on the way
        assert app.is_running


async def test_help_lists_every_key_as_currently_bound() -> None:
    app = make_app(keys={"copy-uuid": "x"})
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await press(pilot, "f1")
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=100, record=True, color_system=None)
        console.print(help_table(app))
        lines = console.export_text().splitlines()
        assert any(line.split()[:1] == ["x"] and "copy its UUID" in line for line in lines)
        assert any(line.split()[:2] == ["?", "F1"] for line in lines)
        assert "copy its UUID" in screen_text(app)
        await press(pilot, "escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_key_overrides_from_settings_rebind_by_id() -> None:
    app = make_app(keys={"copy-uuid": "x"})
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        org = find_node(app, resource("organisation", name="Northwind Digital"))
        await goto(pilot, org)
        await press(pilot, "c")
        assert app.clipboard == ""
        await press(pilot, "x")
        assert app.clipboard == org.data.uuid


async def test_palette_goes_to_a_loaded_resource() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_path(pilot, resource("organisation", name="Globex Corporation"))
        await goto(pilot, find_node(app, group("organisation")))
        await press(pilot, "ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        no_blink(pilot)
        await pilot.press(*"globex api")
        await pilot.pause(0.3)
        await press(pilot, "enter")
        await settle(pilot)
        cursor = tree(app).cursor_node
        assert cursor is not None and isinstance(cursor.data, ResourceData)
        assert cursor.data.kind == "application" and cursor.data.raw["slug"] == "globex-api"


async def test_open_in_the_demo_explains_there_is_no_control_panel() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await goto(pilot, find_node(app, resource("organisation", name="Northwind Digital")))
        await press(pilot, "o")
        assert any("no Control Panel" in n.message for n in app._notifications)


async def test_control_panel_url_for_a_real_zone() -> None:
    app = make_app(demo=False, api_url="https://api.divio.com/apps/v3/", zone="divio.com")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        env = await open_live(pilot)
        application = env.data.parent
        url = control_panel_url(env.data, app.settings)
        assert url == (f"https://control.divio.com/o/{application.raw['organisation']}"
                       f"/app/{application.uuid}")


async def test_a_refused_token_is_reported_once_and_never_shown() -> None:
    api = FakeDivioAPI(now=FIXED_NOW, token="the-right-one")
    app = make_app(api, demo=False, api_url="https://api.divio.com/apps/v3/",
                   token_source="env DIVIO_TOKEN")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        organisations = find_node(app, group("organisation"))
        assert organisations.children[0].label.plain.startswith("⚠ 401 Unauthorized")
        titles = [n.title for n in app._notifications]
        assert titles.count("The API refused the token") == 1
        everything = screen_text(app) + " ".join(n.message for n in app._notifications)
        assert TOKEN not in everything


async def test_the_theme_comes_from_the_settings() -> None:
    app = make_app(theme="nord")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.theme == "nord"
