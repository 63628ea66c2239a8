"""Switching account or zone without restarting: the palette's "Switch account: …"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from divio_tui.api.client import DivioClient
from divio_tui.fake import FIXED_NOW, FakeDivioAPI
from divio_tui.settings import DEMO_API_URL, DEMO_ZONE, AppPaths, Settings
from divio_tui.ui.app import DivioApp
from divio_tui.ui.screens.signin import SignInScreen
from tests.ui.helpers import TOKEN, fixed_clock, make_client, open_path, resource, settle, tree

OTHER_TOKEN = "other-account-token-0123456789"


def notifications(app: Any) -> str:
    return "\n".join(notification.message for notification in app._notifications)


@pytest.fixture
def paths(tmp_path: Path, loopback_api: tuple[FakeDivioAPI, str],
          monkeypatch: pytest.MonkeyPatch) -> AppPaths:
    api, base = loopback_api
    api.token = OTHER_TOKEN
    config = tmp_path / "config"
    config.mkdir()
    (config / "config.toml").write_text(f"""
[profiles.fake]
api_url = "{base}"
token_env = "FAKE_TOKEN"

[profiles.refused]
api_url = "{base}"
token_env = "WRONG_TOKEN"

[profiles.empty]
zone = "example.org"
token_env = "UNSET_TOKEN"
""")
    monkeypatch.setenv("FAKE_TOKEN", OTHER_TOKEN)
    monkeypatch.setenv("WRONG_TOKEN", "not-the-right-token-000")
    monkeypatch.delenv("UNSET_TOKEN", raising=False)
    monkeypatch.setenv("NETRC_PATH", str(tmp_path / "no-netrc"))
    return AppPaths(config, tmp_path / "log", tmp_path / "cache")


def app_on(paths: AppPaths) -> DivioApp:
    """The demo explorer (as `make_app` builds it), with a client factory that can build the
    demo again, as the command line's does."""
    demo = FakeDivioAPI(now=FIXED_NOW)

    def factory(settings: Settings) -> DivioClient:
        if settings.demo:
            return make_client(demo)
        return DivioClient(settings.api_url, settings.token_value, backoff_base=0.001)

    settings = Settings(demo=True, api_url=DEMO_API_URL, zone=DEMO_ZONE, token=TOKEN,  # type: ignore[arg-type]
                        token_source="demo", paths=paths)
    return DivioApp(client=factory(settings), settings=settings, clock=fixed_clock,
                    owns_client=True, client_factory=factory)


def run_command(app: Any, name: str) -> None:
    command = next(c for c in app.explorer.palette_commands() if c.name == name)
    command.run()


async def test_switching_to_a_profile_starts_again_on_that_account(paths: AppPaths) -> None:
    app = app_on(paths)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_path(pilot, resource("organisation", name="Northwind Digital"),
                        resource("application", slug="acme-shop"))
        app.explorer.jump_to("organisation", tree(app).cursor_node.data.raw["organisation"])  # type: ignore[union-attr]
        await settle(pilot)
        names = [c.name for c in app.explorer.palette_commands()]
        assert {"Switch account: profile fake", "Switch account: profile refused",
                "Switch account: profile empty"} <= set(names)
        assert "Switch account: the demo" not in names  # the demo is where we are

        run_command(app, "Switch account: profile fake")
        await settle(pilot)
        assert app.settings.profile == "fake" and not app.settings.demo
        assert app.connection_label().startswith("fake · 127.0.0.1:")
        header = str(app.explorer.query_one("#header-connection").render())
        assert "fake · 127.0.0.1:" in header
        # A new account: the tree is back at its start, with no history to go back to.
        assert len(tree(app).history) == 0
        assert [n.data.title for n in tree(app).root.children] == ["Organisations", "Regions"]  # type: ignore[union-attr]
        assert app.session.me is not None
        check = next(e for e in app.request_log.entries if e.path == "/iam/v3/me/"
                     and e.url.startswith("http://127.0.0.1"))
        assert check.origin == "switch account: who am I"
        assert OTHER_TOKEN not in notifications(app) and TOKEN not in notifications(app)

        # And back to the account the app started with (the demo: offered once).
        names = [c.name for c in app.explorer.palette_commands()]
        assert "Switch account: the start account" in names
        assert "Switch account: the demo" not in names
        run_command(app, "Switch account: the start account")
        await settle(pilot)
        assert app.settings.demo and app.connection_label() == "demo"


async def test_a_refused_token_keeps_the_current_account(paths: AppPaths) -> None:
    app = app_on(paths)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        run_command(app, "Switch account: profile refused")
        await settle(pilot)
        assert app.settings.demo and app.connection_label() == "demo"
        told = notifications(app)
        assert "The token from env WRONG_TOKEN was rejected: Invalid token." in told
        assert "Still exploring demo" in told and "not-the-right-token" not in told


async def test_a_profile_without_a_token_asks_for_one(paths: AppPaths) -> None:
    app = app_on(paths)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        run_command(app, "Switch account: profile empty")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert "https://api.example.org/apps/v3/" in str(app.screen.query_one("#signin-api").render())
