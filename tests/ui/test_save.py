"""Keep the data: `s` saves a resource or a loaded subtree as JSON, tables save as CSV; a path
prompt with a default in the current directory, never an overwrite without asking."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from divio_tui.fake.dataset import FIXED_NOW
from divio_tui.fake.server import FakeDivioAPI
from divio_tui.state.nodes import ResourceData, StatusData
from divio_tui.ui.text.labels import MASK
from divio_tui.ui.widgets.save_prompt import SavePrompt
from tests.ui.helpers import (
    TOKEN,
    find_node,
    goto,
    group,
    make_app,
    open_path,
    press,
    resource,
    settle,
)


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def notifications(app: Any) -> str:
    return "\n".join(notification.message for notification in app._notifications)


def prompt(app: Any) -> SavePrompt:
    screen = app.screen
    assert isinstance(screen, SavePrompt)
    return screen


def prompt_status(app: Any) -> str:
    return str(prompt(app).query_one("#save-status").render())


async def open_live(pilot: Pilot[Any]) -> Any:
    return await open_path(pilot, resource("organisation", name="Northwind Digital"),
                           resource("application", slug="acme-shop"),
                           resource("environment", slug="live"))


def resources(node: Any) -> list[Any]:
    return [child for child in node.children if isinstance(child.data, ResourceData)]


async def test_s_saves_an_environment_with_its_backups_and_refuses_to_overwrite(
        in_tmp: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        env = await open_live(pilot)
        backups = await open_path(pilot, group("backup"))
        first = resources(backups)[0]
        first.expand()
        await settle(pilot)
        await goto(pilot, env)
        await press(pilot, "s")
        assert prompt(app).query_one("#save-path").value == "environment-acme-shop-live.json"  # type: ignore[attr-defined]
        await press(pilot, "enter")
        path = in_tmp / "environment-acme-shop-live.json"
        saved = json.loads(path.read_text())
        # Round trip: what the tree holds, as the API sent it.
        assert saved["kind"] == "environment" and saved["resource"] == env.data.raw
        assert [item["resource"] for item in saved["children"]["backups"]] == [
            child.data.raw for child in resources(backups)]
        sibs = saved["children"]["backups"][0]["children"]["service_instance_backups"]
        assert [item["resource"] for item in sibs] == [child.data.raw for child in
                                                       resources(first)]
        assert "children" not in saved["children"]["backups"][1]
        told = notifications(app)
        assert TOKEN not in path.read_text() + told
        assert f"with {len(resources(backups))} backups and {len(sibs)} service instance " \
               "backups" in told and str(path) in told

        # Again: the file exists, so the prompt asks; a second enter replaces it.
        path.write_text("kept\n")
        await press(pilot, "s", "enter")
        assert "already exists: enter again replaces it" in prompt_status(app)
        assert path.read_text() == "kept\n"
        await press(pilot, "enter")
        assert json.loads(path.read_text()) == saved
        assert not isinstance(app.screen, SavePrompt)

        # Another name is checked afresh; escape cancels and writes nothing.
        path.write_text("kept\n")
        await press(pilot, "s", "enter")
        await press(pilot, "x", "enter")
        assert (in_tmp / "x.json").exists() and path.read_text() == "kept\n"
        await press(pilot, "s", "escape")
        assert sorted(p.name for p in in_tmp.iterdir()) == [
            "environment-acme-shop-live.json", "x.json"]


async def test_a_single_resource_is_saved_as_its_own_json_and_a_bad_path_is_told(
        in_tmp: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_live(pilot)
        deployments = await open_path(pilot, group("deployment"))
        deployment = resources(deployments)[0]
        await goto(pilot, deployment)
        await press(pilot, "s")
        field = prompt(app).query_one("#save-path")
        field.value = "no/such/dir/x.json"  # type: ignore[attr-defined]
        await press(pilot, "enter")
        assert "Could not save to" in prompt_status(app) and "No such file" in prompt_status(app)
        field.value = f"deployment-{deployment.data.uuid}.json"  # type: ignore[attr-defined]
        await press(pilot, "enter")
        saved = json.loads((in_tmp / f"deployment-{deployment.data.uuid}.json").read_text())
        assert saved == deployment.data.raw


async def test_sensitive_values_are_masked_in_saved_files_unless_revealed(in_tmp: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_live(pilot)
        variables = await open_path(pilot, group("environment_variable"))
        secret = next(child.data for child in resources(variables)
                      if child.data.raw.get("is_sensitive"))
        await goto(pilot, variables)
        await press(pilot, "s", "enter")
        name = "environment-variables-acme-shop-live.json"
        masked = {item["name"]: item["value"] for item in json.loads((in_tmp / name).read_text())}
        assert masked[secret.raw["name"]] == MASK
        assert secret.raw["value"] not in (in_tmp / name).read_text()
        assert "sensitive value" in notifications(app) and "v reveals" in notifications(app)
        await press(pilot, "v", "s", "r", "enter")
        revealed = json.loads((in_tmp / "r.json").read_text())
        assert {item["name"]: item["value"] for item in revealed}[secret.raw["name"]] == \
            secret.raw["value"]


async def test_the_backups_table_saves_as_csv(in_tmp: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_live(pilot)
        await press(pilot, "b")
        table = app.screen.query_one("#backups-table")
        await press(pilot, "w")
        assert prompt(app).query_one("#save-path").value == "backups-acme-shop-live.csv"  # type: ignore[attr-defined]
        await press(pilot, "enter")
        rows = list(csv.DictReader(io.StringIO((in_tmp / "backups-acme-shop-live.csv")
                                                .read_text())))
        assert len(rows) == table.row_count  # type: ignore[attr-defined]
        book = app.backups.report(find_node(app, resource("environment", slug="live")).data.uuid)
        assert {row["backup_uuid"] for row in rows} == {b.uuid for b in book.backups or []}
        newest = max(book.backups or [], key=lambda b: b.when)  # type: ignore[arg-type, return-value]
        assert rows[0]["backup_uuid"] == newest.uuid  # in the table's order: newest first
        database = next(key for key in rows[0] if key.endswith(" bytes") and "atabase" in key)
        sib_sizes = [app.backups.sib(uuid) for uuid in newest.service_instance_backups]
        assert int(rows[0][database]) in {sib.size for sib in sib_sizes if sib is not None}
        assert rows[0]["time_utc"].endswith("Z")
        assert "Saved the table of" in notifications(app)


async def test_nothing_to_save_on_an_error_line() -> None:
    api = FakeDivioAPI(now=FIXED_NOW)
    api.fail_next("regions", 404)
    app = make_app(api)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        regions = await open_path(pilot, group("region"))
        error = next(child for child in regions.children if isinstance(child.data, StatusData))
        await goto(pilot, error)
        await press(pilot, "s")
        assert not isinstance(app.screen, SavePrompt)
        assert "Nothing to save on this line" in notifications(app)
