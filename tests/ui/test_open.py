"""`divio-tui open TARGET`: the explorer starts with the cursor on an application, an
environment or any UUID; a target that is not there is said so, and the explorer stays at the
top of the tree."""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr

from divio_tui.fake.dataset import FIXED_NOW
from divio_tui.fake.server import FakeDivioAPI
from divio_tui.settings import DEMO_API_URL, DEMO_ZONE, Settings
from divio_tui.state.nodes import ResourceData
from divio_tui.ui.app import DivioApp
from divio_tui.ui.screens.signin import SignInScreen
from tests.ui.helpers import TOKEN, fixed_clock, make_client, settle, tree, visible_labels


def open_app(target: str, api: FakeDivioAPI | None = None, **settings: Any) -> DivioApp:
    """The explorer on the demo data, started as `divio-tui --demo open TARGET` starts it."""
    api = api if api is not None else FakeDivioAPI(now=FIXED_NOW)
    options: dict[str, Any] = {"demo": True, "api_url": DEMO_API_URL, "zone": DEMO_ZONE,
                               "token": TOKEN, "token_source": "demo", **settings}
    return DivioApp(client=make_client(api), settings=Settings(**options), clock=fixed_clock,
                    owns_client=True, start_at=target)


def cursor(app: DivioApp) -> ResourceData:
    node = tree(app).cursor_node
    assert node is not None and isinstance(node.data, ResourceData)
    return node.data


def env_uuid(api: FakeDivioAPI, app: str, env: str) -> str:
    record = api.dataset.environment(app, env)
    assert record is not None
    return str(record["uuid"])


def warnings(app: DivioApp) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app._notifications]


async def test_open_slug_slash_env_starts_on_that_environment() -> None:
    api = FakeDivioAPI(now=FIXED_NOW)
    app = open_app("acme-shop/live", api)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        data = cursor(app)
        assert (data.kind, data.uuid) == ("environment", env_uuid(api, "acme-shop", "live"))
        assert warnings(app) == []
        assert len(tree(app).history) == 0  # nothing to go back to: it is the start


async def test_open_any_uuid_starts_on_it_with_its_ancestors_open() -> None:
    api = FakeDivioAPI(now=FIXED_NOW)
    env = env_uuid(api, "globex-api", "live")
    backup = next(b for b in api.dataset.collections["backups"]
                  if b["environment"] == env and b["service_instance_backups"])
    sib = backup["service_instance_backups"][0]
    app = open_app(sib, api)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert (cursor(app).kind, cursor(app).uuid) == ("service_instance_backup", sib)
        labels = visible_labels(app)
        assert any("Globex API (globex-api)" in label for label in labels)


async def test_open_an_application_slug() -> None:
    app = open_app("tinyrobots-fleet")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert cursor(app).kind == "application"
        assert cursor(app).raw["slug"] == "tinyrobots-fleet"


async def test_a_target_that_is_not_there_says_so_and_stays_at_the_top() -> None:
    app = open_app("acme-shop/prod")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert warnings(app) == [
            "Cannot open acme-shop/prod: The application acme-shop has no environment 'prod' "
            "(it has test, live, staging). Showing the top of the tree."]
        assert tree(app).cursor_line == 0
        assert visible_labels(app)[0].startswith("Organisations")


async def test_without_a_token_the_target_is_opened_once_signed_in() -> None:
    api = FakeDivioAPI(now=FIXED_NOW)
    app = open_app("acme-shop/test", api, demo=False, token=None, token_source=None)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        app.pop_screen()
        app.use_client(make_client(api), Settings(api_url=DEMO_API_URL, zone=DEMO_ZONE,
                                                  token=SecretStr(TOKEN), token_source="sign-in"))
        await settle(pilot)
        assert (cursor(app).kind, cursor(app).uuid) == ("environment",
                                                        env_uuid(api, "acme-shop", "test"))
