"""The resource tree loads lazily, streams pages, stops at 500 and survives reloads."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from textual.geometry import Region

from divio_tui.fake.dataset import FIXED_NOW, generate
from divio_tui.fake.server import FakeDivioAPI
from divio_tui.fake.transport import FakeTransport
from divio_tui.state.nodes import GroupData, ResourceData, StatusData
from divio_tui.ui.explorer.live_refresh import LiveRefresher
from tests.ui.helpers import (
    GatedTransport,
    find_node,
    goto,
    group,
    make_app,
    open_environment,
    open_path,
    press,
    resource,
    settle,
    tree,
    visible_labels,
)


@pytest.fixture(autouse=True)
def live_refresh_out_of_the_way(monkeypatch: pytest.MonkeyPatch) -> None:
    """The requests counted here are the tree's own: the look again at a running backup on
    screen (test_live_state.py) waits 2 s of wall time, which a loaded machine can reach
    inside a "no request" window; here it waits ten minutes."""
    monkeypatch.setattr(LiveRefresher, "BACKOFF", (600.0, 1.5, 600.0))


def cursor_key(app: Any) -> Any:
    node = tree(app).cursor_node
    assert node is not None and node.data is not None
    return node.data.key


def paths(api: FakeDivioAPI) -> list[str]:
    return [path for _method, path, _status in api.requests]


async def test_start_screen_fetches_only_organisations_and_me() -> None:
    api = FakeDivioAPI(now=FIXED_NOW)
    app = make_app(api)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        fetched = sorted(path.split("?")[0] for path in paths(api))
        assert fetched == ["/iam/v3/me/", "/iam/v3/organisations/"]
        assert visible_labels(app)[:4] == [
            "Organisations (3)", "Northwind Digital", "Globex Corporation", "Tiny Robots"]


async def test_expanding_an_application_fetches_its_environments_and_repository_only() -> None:
    api = FakeDivioAPI(now=FIXED_NOW)
    app = make_app(api)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        api.reset_stats()
        await open_path(pilot, resource("organisation", name="Northwind Digital"),
                        resource("application", slug="acme-shop"))
        fetched = [path.split("?")[0] for path in paths(api)]
        assert "/apps/v3/environments/" in fetched
        assert not any("deployments" in path for path in fetched)
        # Backups only as the application's environments table asks: per environment.
        assert all("environment=" in path for path in paths(api) if "/backups/?" in path)
        labels = visible_labels(app)
        assert any(label.startswith("repository git@") for label in labels)
        assert any(label.startswith("live · main") for label in labels)


async def test_environment_shows_one_group_per_child_kind_without_fetching() -> None:
    api = FakeDivioAPI(now=FIXED_NOW)
    app = make_app(api)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_path(pilot, resource("organisation", name="Northwind Digital"),
                        resource("application", slug="acme-shop"))
        api.reset_stats()
        env = await open_path(pilot, resource("environment", slug="live"))
        assert [child.data.title for child in env.children] == [
            "Backups", "Deployments", "Service instances", "Environment variables", "Domains",
            "Builds"]
        # The only requests are the environment summary's: the backup answer
        # (state/backups.py), whether a deployment is running (the newest one, a page of one:
        # explorer/live_refresh.py) and the last deployment read by uuid to name that
        # reference. No group is listed before it is opened.
        last = env.data.raw["last_finished_deployment"]["uuid"]
        newest = [path for path in paths(api) if path.startswith("/apps/v3/deployments/?")]
        assert len(newest) == 1 and "page_size=1" in newest[0]
        assert all(path.startswith(("/apps/v3/backups/?", "/apps/v3/service-instances/?",
                                    "/apps/v3/service-instance-backups/",
                                    f"/apps/v3/deployments/{last}/"))
                   for path in paths(api) if path not in newest)


async def test_first_page_is_shown_before_the_other_pages_arrive() -> None:
    api = FakeDivioAPI(now=FIXED_NOW)
    env = api.dataset.special_environment("backup_working")
    # Hold back every backups page but the first: what the user sees meanwhile is page 1.
    gate = GatedTransport(FakeTransport(api), lambda request: "/backups/" in request.url.path
                          and request.url.params.get("page", "1") != "1")
    app = make_app(api, page_size=20, transport=gate)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_path(pilot, resource("organisation", name="Northwind Digital"))
        # Opened without the cursor resting on them: the environment summary and the
        # application's environments table would read the same (held) pages.
        find_node(app, resource("application", slug="acme-shop")).expand()
        await settle(pilot)
        find_node(app, resource("environment", uuid=env["uuid"])).expand()
        await settle(pilot)
        backups = find_node(app, group("backup"))
        await goto(pilot, backups)
        backups.expand()
        for _ in range(100):
            await pilot.pause()
            if len(backups.children) >= 20:
                break
        total = len(api.dataset.where("backups", "environment", env["uuid"]))
        shown = [c for c in backups.children if isinstance(c.data, ResourceData)]
        assert len(shown) == 20
        assert backups.label.plain.startswith(f"Backups ({total})")
        assert "loading" in backups.label.plain
        gate.release()
        await settle(pilot)
        shown = [c for c in backups.children if isinstance(c.data, ResourceData)]
        assert len(shown) == total
        assert backups.label.plain == f"Backups ({total})"


async def test_backups_are_newest_first_and_labelled_with_sizes_from_their_sibs() -> None:
    api = FakeDivioAPI(now=FIXED_NOW)
    app = make_app(api)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        backups = await open_path(pilot, resource("organisation", name="Northwind Digital"),
                                  resource("application", slug="acme-shop"),
                                  resource("environment", slug="live"), group("backup"))
        labels = [child.label.plain for child in backups.children]
        assert labels == sorted(labels, reverse=True)
        completed = next(label for label in labels if "SUCCESS" in label)
        assert completed.endswith(("GB · scheduled", "MB · scheduled"))
        sib_requests = [p for p in paths(api) if "service-instance-backups" in p]
        # Fetched by uuid, never by scanning the SIB list.
        assert sib_requests and all("?" not in p for p in sib_requests)


async def test_expanding_a_backup_costs_no_request_once_its_size_is_known() -> None:
    api = FakeDivioAPI(now=FIXED_NOW)
    app = make_app(api)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        backups = await open_path(pilot, resource("organisation", name="Northwind Digital"),
                                  resource("application", slug="acme-shop"),
                                  resource("environment", slug="live"), group("backup"))
        backup = next(c for c in backups.children if "SUCCESS" in c.label.plain)
        await goto(pilot, backup)
        await pilot.pause(0.3)  # the sizes of what scrolled into view, read meanwhile
        await settle(pilot)
        api.reset_stats()
        await press(pilot, "space")
        assert api.requests == []
        assert [child.label.plain.split(" · ")[:2] for child in backup.children] == [
            ["DATABASE", "DEFAULT"], ["STORAGE", "DEFAULT"]]


async def test_a_long_list_stops_at_500_with_load_more() -> None:
    dataset = generate("tiny", now=FIXED_NOW)
    env = dataset.special_environment("backup_working")
    for index in range(1200):
        dataset.add("backups", {
            "environment": env["uuid"], "state": "COMPLETED", "success": "SUCCESS",
            "service_instance_backups": [], "trigger": "MANUAL", "notes": "",
            "scheduled_for_deletion_at": None,
            "created_at": f"2020-01-01T00:{index // 60:02d}:{index % 60:02d}Z"}, index=10_000)
    api = FakeDivioAPI(dataset)
    app = make_app(api)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        backups = await open_environment(pilot, dataset, env, group("backup"))
        total = len(dataset.where("backups", "environment", env["uuid"]))
        resources = [c for c in backups.children if isinstance(c.data, ResourceData)]
        assert len(resources) == 500
        more = backups.children[-1]
        assert isinstance(more.data, StatusData) and more.data.kind == "load-more"
        assert f"({total - 500:,} left)" in more.label.plain
        await goto(pilot, more)
        await press(pilot, "enter")
        resources = [c for c in backups.children if isinstance(c.data, ResourceData)]
        assert len(resources) == 1000
        await goto(pilot, backups.children[-1])
        await press(pilot, "enter")
        resources = [c for c in backups.children if isinstance(c.data, ResourceData)]
        assert len(resources) == total
        assert not any(isinstance(c.data, StatusData) for c in backups.children)


async def test_children_are_filtered_client_side_when_the_server_ignores_the_filter() -> None:
    api = FakeDivioAPI(now=FIXED_NOW, ignore_filters=True)
    app = make_app(api)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        env_node = await open_path(pilot, resource("organisation", name="Northwind Digital"),
                                   resource("application", slug="acme-shop"),
                                   resource("environment", slug="live"))
        backups = await open_path(pilot, group("backup"))
        env_uuid = env_node.data.uuid
        mine = api.dataset.where("backups", "environment", env_uuid)
        shown = [c.data for c in backups.children if isinstance(c.data, ResourceData)]
        assert len(shown) == len(mine)
        assert all(data.raw["environment"] == env_uuid for data in shown)
        assert isinstance(backups.data, GroupData) and backups.data.listing.dropped > 0
        # A second environment reads from the session's copy: no second full scan.
        api.reset_stats()
        await open_path(pilot, resource("environment", slug="test"))
        await open_path(pilot, lambda d: isinstance(d, GroupData) and d.kind == "backup"
                        and d.owner is not None and d.owner.raw.get("slug") == "test")
        # (A running backup on screen may be read again by uuid meanwhile: not a scan.)
        assert not any(p.startswith("/apps/v3/backups/?") for p in paths(api))


async def test_reload_keeps_expanded_children_and_the_cursor() -> None:
    api = FakeDivioAPI(now=FIXED_NOW)
    app = make_app(api)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_path(pilot, resource("organisation", name="Northwind Digital"),
                        resource("application", slug="acme-shop"),
                        resource("environment", slug="live"), group("deployment"))
        deployment = find_node(app, resource("deployment"))
        await goto(pilot, deployment)
        deployment_key = cursor_key(app)
        before = visible_labels(app)
        application = find_node(app, resource("application", slug="acme-shop"))
        await goto(pilot, application)
        api.reset_stats()
        await press(pilot, "r")
        assert any("/applications/" in p for p in paths(api))
        assert any("/deployments/" in p for p in paths(api))
        assert visible_labels(app) == before
        assert cursor_key(app) == application.data.key
        # And from the deployment itself, R (everything) puts the cursor back on it.
        await goto(pilot, find_node(app, resource("deployment")))
        await press(pilot, "R")
        assert visible_labels(app) == before
        assert cursor_key(app) == deployment_key


async def test_a_failed_load_becomes_an_error_node_and_retry_recovers() -> None:
    api = FakeDivioAPI(now=FIXED_NOW)
    app = make_app(api)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_path(pilot, resource("organisation", name="Northwind Digital"),
                        resource("application", slug="acme-shop"),
                        resource("environment", slug="live"))
        api.fail_next("deployments", 503, times=10)
        deployments = await open_path(pilot, group("deployment"))
        error = deployments.children[0]
        assert isinstance(error.data, StatusData) and error.data.kind == "error"
        assert error.label.plain == "⚠ 503 Service Unavailable — press r to retry"
        assert any(n.severity == "error" for n in app._notifications)
        # The rest of the tree keeps working.
        await open_path(pilot, group("domain"))
        assert find_node(app, resource("domain"))
        api.clear_failures()
        await goto(pilot, error)
        await press(pilot, "r")
        assert not any(isinstance(c.data, StatusData) for c in deployments.children)
        assert find_node(app, resource("deployment"))


async def test_a_network_failure_never_closes_the_app() -> None:
    class Broken(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("connection refused")

    app = make_app(transport=Broken())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        organisations = find_node(app, group("organisation"))
        assert organisations.children[0].data.kind == "error"
        assert "network error" in organisations.children[0].label.plain
        assert app.is_running


async def test_reloading_twice_in_a_row_leaves_one_copy_of_each_child() -> None:
    api = FakeDivioAPI(now=FIXED_NOW, latency_ms=30)
    app = make_app(api, page_size=20)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        backups = await open_path(pilot, resource("organisation", name="Northwind Digital"),
                                  resource("application", slug="acme-shop"),
                                  resource("environment", slug="live"), group("backup"))
        expected = [child.label.plain for child in backups.children]
        await goto(pilot, backups)
        await pilot.press("r")
        await pilot.press("r")  # while the first reload is still on its way
        await settle(pilot)
        assert [child.label.plain for child in backups.children] == expected
        assert not backups.data.listing.loading


async def test_an_organisation_says_how_many_applications_it_holds() -> None:
    api = FakeDivioAPI(now=FIXED_NOW)
    northwind = next(org for org in api.dataset.collections["organisations"]
                     if org["name"] == "Northwind Digital")
    held = len(api.dataset.where("applications", "organisation", northwind["uuid"]))
    app = make_app(api)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert "Northwind Digital" in visible_labels(app)
        await press(pilot, "down", "space")
        assert f"Northwind Digital ({held})" in visible_labels(app)


@pytest.mark.parametrize("order", ["shuffled", "pages-rising"])
async def test_backups_sent_out_of_order_are_shown_newest_first_across_load_more(
        order: str) -> None:
    dataset = generate("tiny", now=FIXED_NOW)
    env = dataset.special_environment("backup_working")
    minutes = list(range(1200))
    if order == "shuffled":
        random.Random(7).shuffle(minutes)
    else:  # each batch of 500 newest first, but every batch newer than the one before
        before = len(dataset.where("backups", "environment", env["uuid"]))  # listed first
        minutes = [(at // 500) * 500 + 499 - at % 500
                   for at in range(before, before + len(minutes))]
    for minute in minutes:  # the server lists them in this order
        dataset.add("backups", {
            "environment": env["uuid"], "state": "COMPLETED", "success": "SUCCESS",
            "service_instance_backups": [], "trigger": "MANUAL", "notes": "",
            "scheduled_for_deletion_at": None,
            "created_at": (datetime(2020, 1, 1, tzinfo=UTC) + timedelta(minutes=minute))
            .strftime("%Y-%m-%dT%H:%M:%SZ")}, index=len(dataset.collections["backups"]))
    api = FakeDivioAPI(dataset)
    app = make_app(api)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        backups = await open_environment(pilot, dataset, env, group("backup"))

        def shown() -> list[str]:
            return [c.data.raw["created_at"] for c in backups.children
                    if isinstance(c.data, ResourceData)]

        assert len(shown()) == 500
        assert shown() == sorted(shown(), reverse=True)
        while isinstance(backups.children[-1].data, StatusData) \
                and backups.children[-1].data.kind == "load-more":
            await goto(pilot, backups.children[-1])
            await press(pilot, "enter")
            assert shown() == sorted(shown(), reverse=True)
        total = len(dataset.where("backups", "environment", env["uuid"]))
        assert len(shown()) == total
        # The tree's lines follow the children: the newest on the line under the group.
        lines = tree(app).visible_lines()
        first = lines[backups.line + 1]
        assert isinstance(first.data, ResourceData)
        assert first.data.raw["created_at"] == shown()[0]
        # The group's summary reads its newest and oldest from the ends of that order.
        await goto(pilot, backups)
        rows = {name: text.plain for name, text in app.explorer.detail.view.rows}
        times = sorted(shown())
        assert rows["newest"].startswith(f"{times[-1][:10]} {times[-1][11:16]}")
        assert rows["oldest"].startswith(f"{times[0][:10]} {times[0][11:16]}")


async def test_the_cursor_stays_on_its_line_while_a_big_list_streams_in_around_it() -> None:
    """1,200 backups stream into a group in pages and batches while the cursor is on the
    group below it, then on a backup above where they land: the cursor stays on the node it
    was on, every backup ends up a node in the server's order, and each line drawn shows
    the node the tree has on it."""
    dataset = generate("tiny", now=FIXED_NOW)
    env = dataset.special_environment("backup_working")
    for index in range(1200):
        dataset.add("backups", {
            "environment": env["uuid"], "state": "COMPLETED", "success": "SUCCESS",
            "service_instance_backups": [], "trigger": "MANUAL", "notes": "",
            "scheduled_for_deletion_at": None,
            "created_at": f"2020-01-01T{index // 3600:02d}:{index // 60 % 60:02d}:"
                          f"{index % 60:02d}Z"}, index=10_000)
    api = FakeDivioAPI(dataset)
    app = make_app(api)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        org = dataset.collections["organisations"][0]
        app_record = dataset.by_id("applications", env["application"])
        assert app_record is not None
        await open_path(pilot, resource("organisation", uuid=org["uuid"]),
                        resource("application", uuid=app_record["uuid"]),
                        resource("environment", uuid=env["uuid"]))
        backups = find_node(app, group("backup"))
        below = backups.next_sibling
        assert below is not None
        widget = tree(app)
        await goto(pilot, below)
        backups.expand()  # without moving the cursor: 500 land above it
        await settle(pilot)
        assert widget.cursor_node is below
        assert widget.node_on_line(widget.cursor_line) is below

        first = backups.children[0]
        await goto(pilot, first)
        while isinstance(backups.children[-1].data, StatusData):
            more = backups.children[-1]
            assert more.data.kind == "load-more"
            widget.reloader.retry(more)  # `load more`, the cursor staying where it is
            await settle(pilot)
            assert widget.cursor_node is first

        records = api.dataset.where("backups", "environment", env["uuid"])
        served = [record["uuid"] for record in sorted(
            records, key=lambda record: record["created_at"], reverse=True)]
        shown = [child.data.uuid for child in backups.children
                 if isinstance(child.data, ResourceData)]
        assert shown == served
        assert backups.label.plain == f"Backups ({len(served):,})"
        # What is drawn: each line on screen shows the label of the node on that line.
        await goto(pilot, backups.children[700])
        await pilot.pause()
        top = widget.scroll_offset.y
        gutter = widget.gutter.top  # the border's line
        height = widget.scrollable_content_region.height
        strips = widget.render_lines(Region(0, 0, widget.outer_size.width,
                                            widget.outer_size.height))
        for row in range(height):
            node = widget.node_on_line(top + row)
            assert node is not None
            assert str(node.label)[:40] in strips[gutter + row].text, row


async def test_backup_sizes_are_read_for_the_backups_on_screen_then_as_they_come_into_view() -> None:
    dataset = generate("tiny", now=FIXED_NOW)
    env = dataset.special_environment("backup_working")
    template = next(backup for backup in dataset.where("backups", "environment", env["uuid"])
                    if backup["state"] == "COMPLETED")
    parts = [dataset.by_id("service-instance-backups", uuid)
             for uuid in template["service_instance_backups"]]
    for index in range(300):
        backup = dataset.add("backups", {
            **template, "uuid": dataset.new_id(), "service_instance_backups": [],
            "created_at": f"2020-01-{1 + index // 24:02d}T{index % 24:02d}:00:00Z"},
            index=10_000)
        for part in parts:
            assert part is not None
            sib = dataset.add("service-instance-backups", {
                **part, "uuid": dataset.new_id(), "backup": backup["uuid"]}, index=100_000)
            backup["service_instance_backups"].append(sib["uuid"])
    api = FakeDivioAPI(dataset)
    app = make_app(api)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        backups = await open_environment(pilot, dataset, env, group("backup"))
        await settle(pilot)
        shown = [child for child in backups.children if isinstance(child.data, ResourceData)]
        assert len(shown) == len(dataset.where("backups", "environment", env["uuid"]))

        def sib_reads() -> int:
            return sum("/service-instance-backups/" in path for path in paths(api))

        # The screen and the one below it, not the 600 SIBs of the list.
        assert 0 < sib_reads() <= 2 * 2 * 36
        last = shown[-1]
        assert "…" in last.label.plain  # far below: not read
        before = sib_reads()
        await goto(pilot, last)
        await pilot.pause(0.3)
        await settle(pilot)
        assert "…" not in last.label.plain
        assert last.label.plain.endswith(("MB · manual", "GB · manual", "MB · scheduled",
                                          "GB · scheduled"))
        assert before < sib_reads() < 2 * len(shown)
