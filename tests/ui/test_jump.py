"""Palette jumps: by slug, by name fragment, by UUID; streamed; right when filters are ignored."""

from __future__ import annotations

from typing import Any

import httpx
from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input

from divio_tui.fake.dataset import FIXED_NOW, generate
from divio_tui.fake.server import FakeDivioAPI
from divio_tui.fake.transport import FakeTransport
from divio_tui.state.resolve import UUID_RE
from divio_tui.ui.widgets.filter_bar import FilterBar
from tests.ui.helpers import (
    GatedTransport,
    make_app,
    no_blink,
    open_path,
    press,
    resource,
    settle,
    tree,
)


async def search(pilot: Pilot[Any], query: str, *, key: str = "colon") -> list[str]:
    """Open the palette, type `query` (paste it, if it is a UUID), wait for every source; the
    hits' first lines."""
    await press(pilot, key)
    assert isinstance(pilot.app.screen, CommandPalette)
    no_blink(pilot)
    if UUID_RE.fullmatch(query):
        pilot.app.screen.query_one(Input).insert_text_at_cursor(query)
    else:
        await pilot.press(*query)
    await settle(pilot)
    return shown_hits(pilot)


def shown_hits(pilot: Pilot[Any]) -> list[str]:
    hits = pilot.app.screen.query_one(CommandList)
    return [str(hits.get_option_at_index(index).prompt).split("\n")[0]
            for index in range(hits.option_count)]


def cursor_data(app: Any) -> Any:
    node = tree(app).cursor_node
    assert node is not None
    return node.data


def requests(api: FakeDivioAPI) -> list[str]:
    return [path for _method, path, _status in api.requests]


async def test_jump_to_an_application_by_slug_in_another_organisation() -> None:
    api = FakeDivioAPI(now=FIXED_NOW)
    app = make_app(api)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await press(pilot, "slash", "colon", "enter")  # in an input, `:` is a colon
        assert not isinstance(app.screen, CommandPalette)
        assert tree(app).filter_text == ":"
        hits = await search(pilot, "globex-docs")  # elsewhere, it opens the palette
        assert hits[0] == "Go to application: Globex Corporation › Globex Docs (globex-docs)"
        assert any("slug=globex-docs" in path for path in requests(api))
        await press(pilot, "enter")
        data = cursor_data(app)
        assert (data.kind, data.raw["slug"]) == ("application", "globex-docs")
        assert data.parent.raw["name"] == "Globex Corporation"
        # The filter hid it: the jump dropped the filter, and its bar and count with it.
        assert tree(app).filter_text == "" and not tree(app).border_subtitle
        assert not app.query_one(FilterBar).display


async def test_jump_by_name_fragment_offers_every_matching_application() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        hits = await search(pilot, "Globex", key="ctrl+p")
        jumps = [hit for hit in hits if hit.startswith("Go to application:")]
        assert len(jumps) == 5 and all("Globex" in hit for hit in jumps)
        await press(pilot, "escape")
        hits = await search(pilot, "bakery")
        assert hits[0] == ("Go to application: Northwind Digital › Greenleaf Bakery "
                           "(greenleaf-bakery)")
        await press(pilot, "escape")
        hits = await search(pilot, "legacy")  # names are shown literally, markup and all
        assert hits[0] == ("Go to application: Northwind Digital › Legacy [bold]CMS[/bold] "
                           "(legacy-cms)")


async def test_jump_by_uuid_tries_kinds_until_one_answers_and_reveals_it() -> None:
    dataset = generate("demo", now=FIXED_NOW)
    api = FakeDivioAPI(dataset)
    org = next(o for o in dataset.collections["organisations"] if o["name"] == "Tiny Robots")
    application = dataset.where("applications", "organisation", org["uuid"])[0]
    environment = dataset.where("environments", "application", application["uuid"])[0]
    deployment = dataset.where("deployments", "environment", environment["uuid"])[-1]
    app = make_app(api)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        api.reset_stats()
        hits = await search(pilot, deployment["uuid"])
        assert len(hits) == 1 and hits[0].startswith("Go to deployment: ")
        probes = [path for path in requests(api) if deployment["uuid"] in path]
        # Organisations first; stopped at deployments (services, regions… never asked).
        assert probes[0].startswith("/iam/v3/organisations/")
        assert any(path.startswith("/apps/v3/deployments/") for path in probes)
        assert not any(path.startswith("/apps/v3/regions/") for path in probes)
        await press(pilot, "enter")
        data = cursor_data(app)
        assert (data.kind, data.uuid) == ("deployment", deployment["uuid"])
        assert data.ancestor("organisation").uuid == org["uuid"]
        # 404s from the kinds it was not are the normal answer, not errors to report; an id
        # that names nothing finds nothing, quietly.
        assert not [n for n in app._notifications if n.severity == "error"]
        hits = await search(pilot, "b" * 26)
        assert not [hit for hit in hits if hit.startswith("Go to")]
        assert not [n for n in app._notifications if n.severity == "error"]


class IgnoresSearchParams(httpx.AsyncBaseTransport):
    """A server that ignores `slug` and `name_search`, as DRF does with unknown params."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        params = request.url.params.remove("slug").remove("name_search")
        request.url = request.url.copy_with(params=params)
        return await self.inner.handle_async_request(request)


async def test_ignored_slug_and_name_filters_give_no_wrong_answers() -> None:
    api = FakeDivioAPI(now=FIXED_NOW)
    app = make_app(api, page_size=5, transport=IgnoresSearchParams(FakeTransport(api)))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        hits = await search(pilot, "globex-careers")
        assert [hit for hit in hits if hit.startswith("Go to")] == [
            "Go to application: Globex Corporation › Globex Careers (globex-careers)"]
        await press(pilot, "escape")
        api.reset_stats()
        hits = await search(pilot, "acme")
        assert sorted(hit for hit in hits if hit.startswith("Go to")) == [
            "Go to application: Northwind Digital › ACME Intranet (acme-intranet)",
            "Go to application: Northwind Digital › ACME Shop (acme-shop)"]
        # Every application was read once, by the first search: none read again now.
        assert not any("/applications/" in path for path in requests(api))


async def test_hits_already_known_show_before_the_api_answers() -> None:
    api = FakeDivioAPI(now=FIXED_NOW)
    gate = GatedTransport(FakeTransport(api), lambda r: "name_search" in str(r.url))
    app = make_app(api, transport=gate)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_path(pilot, resource("organisation", name="Northwind Digital"))
        await press(pilot, "colon")
        no_blink(pilot)
        await pilot.press(*"acme")
        for _ in range(100):  # until the name search is sent, and held back
            await pilot.pause(0.02)
            if gate.held:
                break
        for _ in range(50):  # the ones already loaded show meanwhile
            await pilot.pause(0.02)
            if any("ACME" in hit for hit in shown_hits(pilot)):
                break
        assert gate.held and not gate.gate.is_set()
        assert {"Go to application: Northwind Digital › ACME Shop (acme-shop)",
                "Go to application: Northwind Digital › ACME Intranet (acme-intranet)"} <= set(
                    shown_hits(pilot))
        gate.release()
        await settle(pilot)
        assert shown_hits(pilot)[0].startswith("Go to application: Northwind Digital › ACME")


async def test_the_palette_runs_the_commands_too() -> None:
    dataset = generate("demo", now=FIXED_NOW)
    environment = dataset.environment("acme-shop", "live")
    assert environment is not None
    app = make_app(FakeDivioAPI(dataset), theme="textual-dark")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await tree(app).reveal("environment", environment["uuid"]).wait()
        await settle(pilot)
        hits = await search(pilot, "reveal sensitive")
        assert hits[0] == "Reveal sensitive values"
        await press(pilot, "enter")
        assert app.explorer.reveal_secrets
        hits = await search(pilot, "backups view")
        assert hits[0] == "Backups view"
        await press(pilot, "enter")
        assert type(app.screen).__name__ == "BackupsScreen"


async def test_the_palette_reads_an_environment_s_backups_total_size() -> None:
    dataset = generate("demo", now=FIXED_NOW)
    environment = dataset.environment("acme-shop", "live")
    assert environment is not None
    app = make_app(FakeDivioAPI(dataset), theme="textual-dark")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await tree(app).reveal("environment", environment["uuid"]).wait()
        await settle(pilot)
        assert not app.backups.report(environment["uuid"]).sized  # not read by resting
        hits = await search(pilot, "total size")
        assert hits[0] == "Backups total size"
        await press(pilot, "enter")
        assert app.backups.report(environment["uuid"]).sized


async def test_the_palette_lists_one_keys_and_one_theme_command() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        names = [hit.strip() for hit in shown_hits(pilot)]
        assert names.count("Keys") == 1 and names.count("Theme") == 1
        assert not any("dark / light" in name for name in names)


async def test_words_leave_loaded_backups_out_and_dates_and_uuid_pieces_bring_them() -> None:
    dataset = generate("demo", now=FIXED_NOW)
    environment = dataset.environment("acme-shop", "live")
    assert environment is not None
    backup = dataset.where("backups", "environment", environment["uuid"])[1]
    app = make_app(FakeDivioAPI(dataset))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        # Its backups and their service-instance backups are loaded in the tree now.
        await tree(app).reveal("service_instance_backup",
                               backup["service_instance_backups"][0]).wait()
        await settle(pilot)
        hits = await search(pilot, "intranet")
        assert hits == ["Go to application: Northwind Digital › ACME Intranet (acme-intranet)"]
        await press(pilot, "escape")
        hits = await search(pilot, "acme")
        assert hits[:2] == ["Go to application: Northwind Digital › ACME Shop (acme-shop)",
                            "Go to application: Northwind Digital › ACME Intranet "
                            "(acme-intranet)"]
        assert not [hit for hit in hits if "backup" in hit]
        assert not [hit for hit in hits if "Legacy" in hit]  # a, c, m, e scattered: no hit
        await press(pilot, "escape")
        hits = await search(pilot, "2026-11-24")
        assert hits and all(hit.startswith(("Go to backup:", "Go to service instance backup:"))
                            and "2026-11-24" in hit for hit in hits)
        await press(pilot, "escape")
        hits = await search(pilot, backup["uuid"][:8])
        assert len(hits) == 1 and hits[0].startswith("Go to backup:")
        await press(pilot, "enter")
        assert cursor_data(app).uuid == backup["uuid"]


async def test_an_exact_name_comes_before_names_that_start_with_it() -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_path(pilot, resource("organisation", name="Northwind Digital"))
        hits = await search(pilot, "ACME Shop")
        assert hits[0] == "Go to application: Northwind Digital › ACME Shop (acme-shop)"
        await press(pilot, "escape")
        hits = await search(pilot, "backup health")  # a command's whole name: first
        assert hits[0] == "Backup health"


async def test_app_env_finds_an_environment_the_tree_never_loaded() -> None:
    api = FakeDivioAPI(now=FIXED_NOW)
    app = make_app(api)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        api.reset_stats()
        hits = await search(pilot, "harbour-museum live")
        assert hits[0] == ("Go to environment: Northwind Digital › Harbour Museum "
                           "(harbour-museum) › live · main")
        # Bounded: the application by its slug, its environments, a name search at most.
        assert len(requests(api)) <= 4
        await press(pilot, "enter")
        data = cursor_data(app)
        assert (data.kind, data.raw["slug"]) == ("environment", "live")
        assert data.parent.raw["slug"] == "harbour-museum"
        await press(pilot, "escape")
        hits = await search(pilot, "ACME Shop/sta")  # a name, a slash, a slug being typed
        assert hits[0] == ("Go to environment: Northwind Digital › ACME Shop (acme-shop) › "
                           "staging · release")


async def test_app_env_of_a_loaded_application_sends_no_request() -> None:
    api = FakeDivioAPI(now=FIXED_NOW)
    app = make_app(api)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_path(pilot, resource("organisation", name="Northwind Digital"),
                        resource("application", slug="acme-shop"))
        api.reset_stats()
        hits = await search(pilot, "acme-shop/live")
        assert hits[0] == ("Go to environment: Northwind Digital › ACME Shop (acme-shop) › "
                           "live · main")
        assert requests(api) == []
