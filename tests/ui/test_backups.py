"""The backup answer as the user gets it: the environment summary and the backups table."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from bench.backup_question import howto_walk
from divio_tui.fake import FIXED_NOW, Dataset, FakeDivioAPI
from divio_tui.fake.transport import FakeTransport
from divio_tui.state.nodes import ResourceData
from divio_tui.ui.backups.screen import BackupsScreen
from divio_tui.ui.text.humanize import format_size, time_with_relative
from tests.ui.helpers import (
    TOKEN,
    GatedTransport,
    find_node,
    group,
    make_app,
    open_environment,
    open_path,
    press,
    resource,
    settle,
    tree,
)

Record = dict[str, Any]


def expected_latest(dataset: Dataset, env: Record) -> dict[str, Record]:
    """Per service instance, the newest SIB that ended without errors, whatever the state of
    its backup (the oracle, independent of the code under test)."""
    latest: dict[str, Record] = {}
    for backup in dataset.where("backups", "environment", env["uuid"]):  # newest first
        for uuid in backup["service_instance_backups"]:
            sib = dataset.by_id("service-instance-backups", uuid)
            assert sib is not None
            if not sib["errors"] and sib["ended_at"] is not None:
                latest.setdefault(sib["service_instance"], sib)
    return latest


def second_backup_and_its_database(dataset: Dataset, env: Record) -> tuple[Record, Record]:
    """The environment's second newest backup and its DATABASE service-instance backup."""
    previous = dataset.where("backups", "environment", env["uuid"])[1]
    sibs = [dataset.by_id("service-instance-backups", uuid)
            for uuid in previous["service_instance_backups"]]
    database = next(sib for sib in sibs if sib is not None and sib["service_type"] == "DATABASE")
    return previous, database


def summary(app: Any) -> dict[str, str]:
    """The detail pane's summary rows as plain text, by field name."""
    return {name: text.plain for name, text in app.explorer.detail.view.rows}


def explorer_latest(app: Any, env: Record) -> dict[str, tuple[str, datetime | None, int | None]]:
    report = app.backups.report(env["uuid"])
    assert report.summary is not None
    return {status.service_instance: (status.latest_success.sib.uuid,
                                      status.latest_success.sib.taken_at,
                                      status.latest_success.sib.size)
            for status in report.summary.services if status.latest_success is not None}


def as_expected(latest: dict[str, Record]) -> dict[str, tuple[str, datetime | None, int | None]]:
    return {service: (sib["uuid"], datetime.fromisoformat(sib["taken_at"]), sib["size"])
            for service, sib in latest.items()}


@pytest.mark.parametrize(("special", "newer"), [
    ("backup_newest_failed", {"DATABASE": "failed", "STORAGE": "failed"}),
    # The running backup's database part has ended: it is the latest database backup.
    ("backup_working", {"DATABASE": "none", "STORAGE": "running"}),
    ("backup_partial", None),
])
async def test_summary_shows_the_latest_good_backup_of_each_service(
        fake_api: FakeDivioAPI, special: str, newer: dict[str, str] | None) -> None:
    dataset = fake_api.dataset
    env = dataset.special_environment(special)
    latest = expected_latest(dataset, env)
    app = make_app(fake_api)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_environment(pilot, dataset, env)

        assert explorer_latest(app, env) == as_expected(latest)
        rows = summary(app)
        newest = dataset.where("backups", "environment", env["uuid"])[0]
        for service, sib in latest.items():
            instance = dataset.by_id("service-instances", service)
            assert instance is not None
            name = instance["type"].lower()
            if instance["prefix"] != "DEFAULT":
                name += f" {instance['prefix']}"
            text = rows[name]
            assert text.startswith(f"✔ {time_with_relative(sib['taken_at'], FIXED_NOW)}\n"
                                   f"{format_size(sib['size'])} · ")
            if newer is None:  # partial: the service whose part failed says so
                failed = any(dataset.by_id("service-instance-backups", uuid)["errors"]  # type: ignore[index]
                             and dataset.by_id("service-instance-backups", uuid)[  # type: ignore[index]
                                 "service_instance"] == service
                             for uuid in newest["service_instance_backups"])
                assert ("✘ newer: failed" in text) == failed
                assert sib["backup"] == newest["uuid"] or failed
            elif newer[instance["type"]] == "failed":
                assert "✘ newer: failed" in text and sib["backup"] != newest["uuid"]
            elif newer[instance["type"]] == "none":
                assert "newer" not in text and sib["backup"] == newest["uuid"]
                assert "backup running" in text
            else:
                assert "⟳ newer: running since" in text
        # The total size is not read by resting on the environment: the summary says what
        # reading it costs (every service-instance backup not read for the answer).
        backups = dataset.where("backups", "environment", env["uuid"])
        named = {uuid for backup in backups for uuid in backup["service_instance_backups"]}
        unread = len(named - set(app.session.known_of_kind("service_instance_backup")))
        assert 0 < unread < len(named)
        assert rows["backups"].startswith(
            f"{len(backups)} · total size: press T (reads {unread} service-instance backups)")


async def test_an_ignored_filter_gives_the_same_answers_reading_each_page_once(
        fake_api: FakeDivioAPI) -> None:
    fake_api.ignore_filters = True
    dataset = fake_api.dataset
    app = make_app(fake_api)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        envs = [dataset.special_environment("backup_newest_failed"),
                dataset.special_environment("backup_partial")]
        for env in envs:
            await open_environment(pilot, dataset, env)
            assert explorer_latest(app, env) == as_expected(expected_latest(dataset, env))
            assert "the server ignored the environment filter" in summary(app)["note"]

        # The filtered read's page 1 (found to hold every environment's backups) is the
        # whole collection's page 1: the collection goes on from page 2, never reading it again.
        pages: list[str] = []
        for _method, path, _status in fake_api.requests:
            parts = urlsplit(path)
            if parts.path == "/apps/v3/backups/":
                pages.append(parse_qs(parts.query).get("page", ["1"])[0])
        total = -(-len(dataset.collections["backups"]) // 100)
        assert sorted(pages, key=int) == [str(n) for n in range(1, total + 1)]


def backup_list_requests(api: FakeDivioAPI, env: Record) -> int:
    """How many times the environment's filtered backup list (any page) was requested."""
    return sum(1 for _method, path, _status in api.requests
               if urlsplit(path).path == "/apps/v3/backups/"
               and parse_qs(urlsplit(path).query).get("environment") == [env["uuid"]])


async def test_the_backups_group_reuses_the_list_the_summary_read(
        fake_api: FakeDivioAPI) -> None:
    dataset = fake_api.dataset
    env = dataset.special_environment("backup_newest_failed")
    app = make_app(fake_api)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_environment(pilot, dataset, env)
        await settle(pilot)
        read_by_summary = backup_list_requests(fake_api, env)
        assert read_by_summary >= 1

        backups = await open_path(pilot, group("backup"))  # the only one: one env is open
        await settle(pilot)

        shown = [child for child in backups.children if isinstance(child.data, ResourceData)]
        assert len(shown) == len(dataset.where("backups", "environment", env["uuid"]))
        assert backup_list_requests(fake_api, env) == read_by_summary  # no second read

        await press(pilot, "r")  # a reload asks the API again
        await settle(pilot)
        assert backup_list_requests(fake_api, env) > read_by_summary


async def test_the_how_to_walk_and_the_summary_find_the_same_backups(
        loopback_api: tuple[FakeDivioAPI, str]) -> None:
    api, base_url = loopback_api
    dataset = api.dataset
    env = dataset.special_environment("backup_newest_failed")
    app_slug, env_slug = dataset.special["backup_newest_failed"]
    # The page's URLs as written: no filter, the server's default page size, every page.
    walked, requests = howto_walk(base_url, TOKEN, app_slug, env_slug, page_size=None)
    assert requests > 100

    app = make_app(api)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_environment(pilot, dataset, env)
        assert explorer_latest(app, env) == {
            service: (sib["uuid"], datetime.fromisoformat(sib["taken_at"]), sib["size"])
            for service, sib in walked.items()}


async def test_a_failed_backup_list_shows_in_the_summary_and_r_retries(
        fake_api: FakeDivioAPI) -> None:
    dataset = fake_api.dataset
    env = dataset.special_environment("backup_newest_failed")
    fake_api.fail_next("backups", 503, times=1000)
    app = make_app(fake_api)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_environment(pilot, dataset, env)
        assert summary(app)["backups"] == (
            "⚠ could not load them: 503 Service Unavailable — press r to retry")

        fake_api.clear_failures()
        await press(pilot, "r")
        assert explorer_latest(app, env) == as_expected(expected_latest(dataset, env))
        assert "could not" not in summary(app)["backups"]


async def test_backups_table_lists_newest_first_and_sorts_by_the_cursor_column(
        fake_api: FakeDivioAPI) -> None:
    dataset = fake_api.dataset
    env = dataset.special_environment("backup_partial")
    mine = dataset.where("backups", "environment", env["uuid"])
    app = make_app(fake_api)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_environment(pilot, dataset, env)
        await press(pilot, "b")
        screen = app.screen
        assert isinstance(screen, BackupsScreen)
        table = screen.table
        assert [str(row.key.value) for row in table.ordered_rows] == [b["uuid"] for b in mine]
        assert table.ordered_columns[0].label.plain == "time (UTC) ▼"
        assert "database" in [c.label.plain.strip() for c in table.ordered_columns]

        size = table.get_column_index("size")
        await press(pilot, *["right"] * size, "s")  # the size column, largest first
        sizes = [cell.sort_key for cell in table.get_column("size")]
        ordered = [table.get_cell(row.key, "size").sort_key for row in table.ordered_rows]
        assert ordered == sorted(sizes, reverse=True)
        assert table.ordered_columns[size].label.plain == "size ▼"
        assert table.ordered_columns[0].label.plain == "time (UTC)  "
        await press(pilot, "S")  # the other way round
        ordered = [table.get_cell(row.key, "size").sort_key for row in table.ordered_rows]
        assert ordered == sorted(sizes)

        await press(pilot, "escape")
        assert not isinstance(app.screen, BackupsScreen)


async def test_c_copies_the_backup_or_sib_uuid_and_enter_shows_it_in_the_tree(
        fake_api: FakeDivioAPI) -> None:
    dataset = fake_api.dataset
    env = dataset.special_environment("backup_newest_failed")
    previous, database = second_backup_and_its_database(dataset, env)
    app = make_app(fake_api)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_environment(pilot, dataset, env)
        await press(pilot, "b", "down")  # the second backup: the latest good one
        await press(pilot, "c")
        assert app.clipboard == previous["uuid"]
        await press(pilot, "right", "right", "right")  # its database column
        await press(pilot, "c")
        assert app.clipboard == database["uuid"]
        assert "the database backup of" in list(app._notifications)[-1].message

        await press(pilot, "enter")
        assert not isinstance(app.screen, BackupsScreen)
        node = tree(app).cursor_node
        assert node is not None and isinstance(node.data, ResourceData)
        assert (node.data.kind, node.data.uuid) == ("service_instance_backup", database["uuid"])

        await press(pilot, "b")  # from the tree's backup: the table starts on it
        screen = app.screen
        assert isinstance(screen, BackupsScreen)
        assert screen.table.cursor_row == 1


def sib_requests(api: FakeDivioAPI) -> int:
    """Service-instance backups asked for one by one, or listed."""
    return sum(1 for _method, path, _status in api.requests
               if urlsplit(path).path.startswith("/apps/v3/service-instance-backups/"))


def dataset_total(dataset: Dataset, env: Record) -> int:
    """The oracle: every SIB of every backup of `env`, summed from the dataset."""
    total = 0
    for backup in dataset.where("backups", "environment", env["uuid"]):
        for uuid in backup["service_instance_backups"]:
            sib = dataset.by_id("service-instance-backups", uuid)
            assert sib is not None
            total += sib["size"] or 0
    return total


async def test_resting_on_an_environment_sends_the_answer_s_requests_only(
        fake_api: FakeDivioAPI) -> None:
    dataset = fake_api.dataset
    env = dataset.environment("acme-shop", "live")
    assert env is not None
    application = dataset.by_id("applications", env["application"])
    assert application is not None
    backups = dataset.where("backups", "environment", env["uuid"])
    assert len(backups) > 20  # one request per SIB would be far more than the answer's
    app = make_app(fake_api)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_path(pilot, resource("organisation", uuid=application["organisation"]))
        # The application opened with the cursor left on the organisation: the application's
        # environments table (which reads every environment's answer) is never shown.
        find_node(app, resource("application", uuid=application["uuid"])).expand()
        await settle(pilot)
        assert app.backups.report(env["uuid"]).backups is None  # nothing read for it yet
        reached = len(fake_api.requests)
        app.explorer.resource_tree.move_cursor(
            find_node(app, resource("environment", uuid=env["uuid"])))
        await settle(pilot)
        assert explorer_latest(app, env) == as_expected(expected_latest(dataset, env))
        assert len(fake_api.requests) - reached <= 12, fake_api.requests[reached:]
        assert "press T" in summary(app)["backups"]


async def test_t_reads_the_total_size_of_every_backup_then_knows_it(
        fake_api: FakeDivioAPI) -> None:
    dataset = fake_api.dataset
    env = dataset.environment("acme-shop", "live")
    assert env is not None
    app = make_app(fake_api)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_environment(pilot, dataset, env)
        assert "press T" in summary(app)["backups"]

        await press(pilot, "T")
        count = len(dataset.where("backups", "environment", env["uuid"]))
        assert summary(app)["backups"].split("\n")[0] == (
            f"{count} · total {format_size(dataset_total(dataset, env))}")
        report = app.backups.report(env["uuid"])
        assert report.summary is not None
        assert report.summary.totals.total_size == dataset_total(dataset, env)

        before = len(fake_api.requests)
        await press(pilot, "T")  # known: nothing is read again
        assert len(fake_api.requests) == before


async def test_the_total_size_comes_from_what_the_backups_table_read(
        fake_api: FakeDivioAPI) -> None:
    dataset = fake_api.dataset
    env = dataset.environment("acme-shop", "live")
    assert env is not None
    app = make_app(fake_api)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_environment(pilot, dataset, env)
        await press(pilot, "b")
        assert isinstance(app.screen, BackupsScreen)
        await settle(pilot)
        await press(pilot, "escape")
        read = sib_requests(fake_api)
        count = len(dataset.where("backups", "environment", env["uuid"]))
        # The table read every SIB: the summary shows the total, T sends nothing.
        assert summary(app)["backups"].split("\n")[0] == (
            f"{count} · total {format_size(dataset_total(dataset, env))}")
        await press(pilot, "T")
        assert sib_requests(fake_api) == read


async def test_t_again_stops_reading_the_total_size(fake_api: FakeDivioAPI) -> None:
    dataset = fake_api.dataset
    env = dataset.environment("acme-shop", "live")
    assert env is not None
    held: list[bool] = [False]

    def hold(request: Any) -> bool:
        return held[0] and "service-instance-backups" in request.url.path

    gate = GatedTransport(FakeTransport(fake_api), hold)
    app = make_app(fake_api, transport=gate)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_environment(pilot, dataset, env)
        held[0] = True
        await pilot.press("T")
        for _ in range(200):  # not settle: the held requests keep the worker running
            await pilot.pause(0.01)
            if gate.held:
                break
        assert "to read…" in summary(app)["backups"]  # the progress, and how to stop
        assert "T stops" in summary(app)["backups"]
        await pilot.press("T")
        await settle(pilot)
        assert "press T" in summary(app)["backups"]  # stopped: what is left, on demand
        assert app.explorer.follower.totalling() is None
        held[0] = False
        gate.release()
        await settle(pilot)


async def test_the_summary_s_total_carries_on_after_the_backups_table_closes(
        fake_api: FakeDivioAPI) -> None:
    dataset = fake_api.dataset
    env = dataset.environment("acme-shop", "live")
    assert env is not None
    # T on the environment: the first service-instance backups of the total get through, the
    # rest wait at a gate: the total is still "so far" when `b` opens the table.
    passed: list[int | None] = [None]

    def hold(request: Any) -> bool:
        count = passed[0]
        if count is None or "service-instance-backups" not in request.url.path:
            return False
        passed[0] = count + 1
        return count + 1 > 12

    gate = GatedTransport(FakeTransport(fake_api), hold)
    app = make_app(fake_api, transport=gate)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        application = dataset.by_id("applications", env["application"])
        assert application is not None
        await open_path(pilot, resource("organisation", uuid=application["organisation"]),
                        resource("application", uuid=application["uuid"]))
        node = find_node(app, resource("environment", uuid=env["uuid"]))
        app.explorer.resource_tree.move_cursor(node)
        await settle(pilot)  # the answer
        passed[0] = 0
        await pilot.press("T")
        for _ in range(200):  # until the total is under way
            await pilot.pause(0.01)
            if "so far" in summary(app).get("backups", "") and gate.held:
                break
        assert "so far" in summary(app)["backups"]
        await pilot.press("b")
        await pilot.pause()
        # Both finish while the table is in front; the summary's own last redraw is lost
        # (throttled, or drawn while hidden): coming back must show what is known.
        follower = app.explorer.follower
        redraw, follower._changed = follower._changed, lambda: None
        gate.release()
        await settle(pilot)
        follower._changed = redraw
        await press(pilot, "escape")
        assert "so far" not in summary(app)["backups"]


async def test_y_u_and_o_act_on_the_row_as_c_does(fake_api: FakeDivioAPI) -> None:
    dataset = fake_api.dataset
    env = dataset.special_environment("backup_newest_failed")
    previous, database = second_backup_and_its_database(dataset, env)
    app = make_app(fake_api)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_environment(pilot, dataset, env)
        await press(pilot, "b", "down")  # the second backup
        await press(pilot, "y")
        assert json.loads(app.clipboard) == previous
        await press(pilot, "u")
        assert app.clipboard.endswith(f"/apps/v3/backups/{previous['uuid']}/")
        await press(pilot, "o")  # the demo has no Control Panel: it says so
        assert "no Control Panel" in list(app._notifications)[-1].message
        await press(pilot, "right", "right", "right")  # its database column: that SIB
        await press(pilot, "y")
        assert json.loads(app.clipboard)["uuid"] == database["uuid"]
        assert "the database backup of" in list(app._notifications)[-1].message
        await press(pilot, "u")
        assert app.clipboard.endswith(f"/service-instance-backups/{database['uuid']}/")
        assert isinstance(app.screen, BackupsScreen)  # none of them closed the table


async def test_o_on_a_backup_row_opens_its_application_in_the_control_panel(
        fake_api: FakeDivioAPI) -> None:
    dataset = fake_api.dataset
    env = dataset.environment("acme-shop", "live")
    assert env is not None
    application = dataset.by_id("applications", env["application"])
    assert application is not None
    app = make_app(fake_api, demo=False, api_url="https://api.divio.com/apps/v3/",
                   zone="divio.com")
    opened: list[str] = []
    app.open_url = lambda url, **_: opened.append(url)  # type: ignore[method-assign]
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_environment(pilot, dataset, env)
        await press(pilot, "b", "o")
        assert opened == [f"https://control.divio.com/o/{application['organisation']}"
                          f"/app/{application['uuid']}"]
