"""Every UUID a door: references followed from the detail pane, reveal by uuid, history back."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from divio_tui.fake.dataset import FIXED_NOW, Dataset, generate
from divio_tui.fake.server import FakeDivioAPI
from divio_tui.state.nodes import GroupData, ResourceData
from tests.ui.helpers import find_node, goto, make_app, press, resource, settle, tree


def cursor_data(app: Any) -> Any:
    node = tree(app).cursor_node
    assert node is not None
    return node.data


def at(app: Any, node: Any) -> bool:
    """The cursor is on `node`."""
    return node is not None and tree(app).cursor_node is node


def warnings(app: Any) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app._notifications]


def live(dataset: Dataset) -> dict[str, Any]:
    environment = dataset.environment("acme-shop", "live")
    assert environment is not None
    return environment


async def reveal(pilot: Pilot[Any], kind: str, uuid: str) -> Any:
    """`ResourceTree.reveal` as another pane calls it; the node, once everything settled."""
    app: Any = pilot.app
    node = await tree(app).reveal(kind, uuid).wait()
    await settle(pilot)
    return node


async def follow(pilot: Pilot[Any], field: str) -> None:
    """Tab into the detail pane's references, choose the one under `field`, press enter."""
    app: Any = pilot.app
    references = app.explorer.detail.reference_list
    if app.focused is not references:
        await press(pilot, "tab")
    assert app.focused is references
    index = [link.field for link in references.links].index(field)
    await press(pilot, "home", *["down"] * index)
    assert references.selected_link.field == field
    await press(pilot, "enter")


async def test_a_service_instance_leads_to_its_service_and_region_in_the_regions_group() -> None:
    dataset = generate("demo", now=FIXED_NOW)
    raw = dataset.where("service-instances", "environment", live(dataset)["uuid"])[0]
    app = make_app(FakeDivioAPI(dataset))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        instance = await reveal(pilot, "service_instance", raw["uuid"])
        assert [link.field for link in app.explorer.detail.view.links] == [
            "environment", "service", "region"]
        await follow(pilot, "service")
        service = cursor_data(app)
        assert (service.kind, service.uuid) == ("service", raw["service"])
        cursor: Any = tree(app).cursor_node
        region = cursor.parent.data
        assert (region.kind, region.uuid) == ("region", raw["region"])
        assert isinstance(cursor.parent.parent.data, GroupData)  # Regions, at the top
        # The service's own reference, its region, is one more door.
        await follow(pilot, "region")
        assert (cursor_data(app).kind, cursor_data(app).uuid) == ("region", raw["region"])
        await press(pilot, "backspace")
        assert cursor_data(app) is service
        await press(pilot, "alt+left")
        assert at(app, instance)
        await press(pilot, "backspace")  # the start screen's cursor, before the first jump
        assert isinstance(cursor_data(app), GroupData)
        assert app.explorer.check_action("history_back", ()) is False  # nothing left to go back to


async def test_a_backup_leads_to_its_environment_and_service_instance_backups() -> None:
    dataset = generate("demo", now=FIXED_NOW)
    raw = dataset.where("backups", "environment", live(dataset)["uuid"])[1]
    app = make_app(FakeDivioAPI(dataset))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        backup = await reveal(pilot, "backup", raw["uuid"])
        sibs = raw["service_instance_backups"]
        fields = [link.field for link in app.explorer.detail.view.links]
        assert fields == ["environment", *["service_instance_backups"] * len(sibs)]
        await follow(pilot, "service_instance_backups")
        sib = cursor_data(app)
        assert (sib.kind, sib.uuid) == ("service_instance_backup", sibs[0])
        await follow(pilot, "backup")
        assert at(app, backup)
        await follow(pilot, "environment")
        assert cursor_data(app).uuid == raw["environment"]
        await press(pilot, "backspace", "backspace")
        assert cursor_data(app) is sib


async def test_reveal_by_uuid_loads_the_ancestors_of_a_resource_never_shown() -> None:
    dataset = generate("demo", now=FIXED_NOW)
    org = next(o for o in dataset.collections["organisations"] if o["name"] == "Tiny Robots")
    application = dataset.where("applications", "organisation", org["uuid"])[-1]
    environment = dataset.where("environments", "application", application["uuid"])[0]
    backup = dataset.where("backups", "environment", environment["uuid"])[-1]  # the oldest
    sib_uuid = backup["service_instance_backups"][-1]
    app = make_app(FakeDivioAPI(dataset))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        start = tree(app).cursor_node
        node = await reveal(pilot, "service_instance_backup", sib_uuid)
        assert at(app, node)
        chain = [node.data, *reversed(node.data.ancestors)]
        assert [(d.kind, d.uuid) for d in chain] == [
            ("service_instance_backup", sib_uuid), ("backup", backup["uuid"]),
            ("environment", environment["uuid"]), ("application", application["uuid"]),
            ("organisation", org["uuid"])]
        # The cursor line is on screen, and the history remembers where it was.
        assert tree(app).scroll_offset.y <= node.line < tree(app).scroll_offset.y + 30
        await press(pilot, "backspace")
        assert at(app, start)


async def test_a_missing_reference_says_so_and_leaves_the_cursor() -> None:
    dataset = generate("demo", now=FIXED_NOW)
    app = make_app(FakeDivioAPI(dataset))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        # Gone before the cursor gets there: the environment record still names it, while
        # what the environment's summary reads (its newest deployment) no longer has it.
        deployment = live(dataset)["last_finished_deployment"]["uuid"]
        assert dataset.remove("deployments", deployment) is not None
        environment = await reveal(pilot, "environment", live(dataset)["uuid"])
        history = len(tree(app).history)
        await follow(pilot, "last_finished_deployment")
        await settle(pilot)
        assert at(app, environment)
        assert any("Not found or no access" in text and deployment in text
                   for text in warnings(app)), warnings(app)
        assert len(tree(app).history) == history  # a failed jump is not a place to go back to
        # An id that names nothing at all: the same, and no error toast about a 404.
        assert await reveal(pilot, "backup", "a" * 26) is None
        assert at(app, environment)
        assert sum("a" * 26 in text for text in warnings(app)) == 1
        # Known to the session (the SIB labels name it), then gone from its list: said so too.
        sib = await reveal(pilot, "service_instance_backup",
                           dataset.where("backups", "environment", live(dataset)["uuid"])[1]
                           ["service_instance_backups"][0])
        instance = sib.data.raw["service_instance"]
        dataset.remove("service-instances", instance)
        await follow(pilot, "service_instance")
        await settle(pilot)
        assert at(app, sib)
        assert any(instance in text and "not listed" in text for text in warnings(app))
        assert not [n for n in app._notifications if n.severity == "error"]


async def test_reveal_is_right_when_the_server_ignores_filters() -> None:
    dataset = generate("demo", now=FIXED_NOW)
    application = dataset.application("globex-api")
    assert application is not None
    environment = dataset.where("environments", "application", application["uuid"])[-1]
    backup = dataset.where("backups", "environment", environment["uuid"])[3]
    app = make_app(FakeDivioAPI(dataset, ignore_filters=True))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        node: Any = None
        for uuid in backup["service_instance_backups"]:
            node = await reveal(pilot, "service_instance_backup", uuid)
            assert at(app, node)
            assert node.data.raw["backup"] == backup["uuid"]
            assert node.parent.data.uuid == backup["uuid"]
            assert node.data.ancestor("environment").uuid == environment["uuid"]
        # Only this environment's backups are listed, although the server sent everyone's.
        backups = node.parent.parent
        listed = [child.data for child in backups.children if isinstance(child.data, ResourceData)]
        assert listed and all(data.raw["environment"] == environment["uuid"] for data in listed)


async def test_tab_lands_on_the_references_and_falls_back_to_the_pane_without_them() -> None:
    dataset = generate("demo", now=FIXED_NOW)
    app: Any = make_app(FakeDivioAPI(dataset))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        northwind = find_node(app, resource("organisation", name="Northwind Digital"))
        await goto(pilot, northwind)
        assert app.explorer.detail.view.links == []
        await press(pilot, "tab")
        assert app.focused is app.explorer.detail  # nothing to follow: the pane scrolls
        await press(pilot, "shift+tab")
        acme = dataset.application("acme-shop")
        assert acme is not None
        await reveal(pilot, "application", acme["uuid"])
        await press(pilot, "tab")
        assert app.focused is app.explorer.detail.reference_list
        await follow(pilot, "organisation")  # to an organisation: no references there
        assert at(app, northwind)
        assert app.focused is app.explorer.detail


async def test_references_are_named_once_their_targets_are_read() -> None:
    dataset = generate("demo", now=FIXED_NOW)
    raw = dataset.where("service-instances", "environment", live(dataset)["uuid"])[0]
    service = dataset.by_id("services", raw["service"])
    assert service is not None
    app = make_app(FakeDivioAPI(dataset))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await reveal(pilot, "service_instance", raw["uuid"])
        await settle(pilot)  # the cursor rested: the unknown targets were read
        labels = {link.field: link.label for link in app.explorer.detail.view.links}
        assert labels["service"] is not None and service["identifier"] in labels["service"]
        assert labels["region"] is not None
