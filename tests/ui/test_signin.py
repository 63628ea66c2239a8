"""The sign-in screen: first run without a token, a good and a bad token, remembering it, the
demo, and a token the API starts refusing while the explorer runs.

Every app runs against the fake API requiring one fixed token, through its in-process
transport (a client factory stands in for the CLI's `build_client`). Each test checks the
token never reaches the screen or a notification.
"""

from __future__ import annotations

import logging
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from textual import events
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, Static

from divio_tui.api.client import DivioClient
from divio_tui.api.errors import Unauthorised
from divio_tui.fake.dataset import FIXED_NOW
from divio_tui.fake.server import FakeDivioAPI
from divio_tui.fake.transport import FakeTransport
from divio_tui.logs import LOG_FILE_NAME, setup_logging
from divio_tui.settings import (
    DEMO_API_URL,
    AppPaths,
    Settings,
    load_settings,
)
from divio_tui.ui.app import DivioApp, default_client_factory
from divio_tui.ui.screens.signin import SignInScreen, rejection_message, tokens_page
from divio_tui.ui.widgets.header import HeaderBar, header_source, tilde
from tests.ui.helpers import find_node, fixed_clock, group, no_blink, press, settle

GOOD = "good-token-123"
"""The one token the fake accepts."""

BAD = "wrong-token-456789"
"""A token it refuses (401 Invalid token.)."""

ENV_TOKEN = "env-token-abcdef0123"
"""A token from DIVIO_TOKEN that the fake stops accepting mid-session."""

API_URL = "https://api.divio.com/apps/v3/"


@pytest.fixture
def paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppPaths:
    """Config and logs under tmp_path (DIVIO_TUI_CONFIG_DIR), as a user would set them."""
    monkeypatch.setenv("DIVIO_TUI_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("DIVIO_TUI_LOG_DIR", str(tmp_path / "log"))
    monkeypatch.setenv("DIVIO_TUI_CACHE_DIR", str(tmp_path / "cache"))
    for name in ("DIVIO_TOKEN", "DIVIO_API_URL", "DIVIO_ZONE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NETRC_PATH", str(tmp_path / "no-netrc"))
    return AppPaths(tmp_path / "cfg", tmp_path / "log", tmp_path / "cache")


class Factory:
    """Clients on the fake's in-process transport: the real API URL, or the demo."""

    def __init__(self, api: FakeDivioAPI) -> None:
        self.api = api
        self.demo_api: FakeDivioAPI | None = None
        self.built: list[Settings] = []

    def __call__(self, settings: Settings) -> DivioClient:
        self.built.append(settings)
        api = self.api
        if settings.demo:
            api = self.demo_api = self.demo_api or FakeDivioAPI(scale="tiny", now=FIXED_NOW)
        return DivioClient(settings.api_url, settings.token_value, transport=FakeTransport(api),
                           backoff_base=0.001, retry_after_cap=0.01)


def make(settings: Settings, api: FakeDivioAPI | None = None) -> tuple[DivioApp, Factory]:
    factory = Factory(api or FakeDivioAPI(scale="tiny", now=FIXED_NOW, token=GOOD))
    app = DivioApp(client=factory(settings), settings=settings, clock=fixed_clock,
                   owns_client=True, client_factory=factory)
    return app, factory


def plain_screen(app: DivioApp) -> str:
    """Every character on screen, line by line (whatever the styles)."""
    return "\n".join("".join(segment.text for segment in strip)
                     for strip in app.screen._compositor.render_strips())


def everything_shown(app: DivioApp) -> str:
    return plain_screen(app) + "\n" + "\n".join(
        f"{n.title} {n.message}" for n in app._notifications)


def status(app: DivioApp) -> str:
    return str(app.screen.query_one("#signin-status", Static).render())


async def paste_and_submit(pilot: Pilot[Any], token: str, *, remember: bool = False) -> None:
    """Paste `token` into the masked input (as a terminal paste), tick remember, press Enter."""
    screen = pilot.app.screen
    assert isinstance(screen, SignInScreen)
    field = screen.query_one("#signin-token", Input)
    field.focus()
    field.post_message(events.Paste(token))
    await pilot.pause()
    if remember:
        screen.query_one("#signin-remember", Checkbox).value = True
    field.focus()
    await pilot.press("enter")
    await settle(pilot)


# -- first run ------------------------------------------------------------------------------


async def test_without_a_token_the_app_opens_on_sign_in_and_sends_nothing(
        paths: AppPaths) -> None:
    app, factory = make(Settings(paths=paths))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert factory.api.requests == []
        organisations = find_node(app, group("organisation"))
        assert not organisations.is_expanded and not organisations.children
        text = plain_screen(app)
        assert "https://control.divio.com/account/access-tokens/" in text
        assert "API https://api.divio.com/apps/v3/" in text
        assert "Remember this token (config file, mode 0600)" in text
        # The palette would offer the explorer's commands under the sign-in screen.
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, SignInScreen)


async def test_a_good_token_signs_in_and_the_explorer_starts_on_it(
        paths: AppPaths) -> None:
    app, factory = make(Settings(paths=paths))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await paste_and_submit(pilot, GOOD)
        assert not isinstance(app.screen, SignInScreen)
        assert app.settings.token_value == GOOD
        assert app.settings.token_source == "sign-in screen"
        me = factory.api.dataset.me
        assert app.session.me is not None and app.session.me.uuid == me["uuid"]
        assert app.client is not None and app.session.client is app.client
        organisations = find_node(app, group("organisation"))
        assert organisations.is_expanded and organisations.children
        assert [n.message for n in app._notifications][-1] == f"Signed in as {me['email']}"
        header = app.query_one(HeaderBar)
        assert str(header.query_one("#header-token", Static).render()).strip() == (
            "token from sign-in screen")
        assert me["email"] in plain_screen(app)
        assert GOOD not in everything_shown(app)
        assert not (paths.config_file).exists()  # not asked to remember it
        paths_checked = [path for _, path, _ in factory.api.requests]
        assert paths_checked[0] == "/iam/v3/me/"


async def test_a_bad_token_is_refused_clearly_and_the_screen_stays(paths: AppPaths) -> None:
    app, factory = make(Settings(paths=paths))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await paste_and_submit(pilot, BAD)
        assert isinstance(app.screen, SignInScreen)
        assert status(app) == "That token was not accepted (Invalid token.)"
        assert app.screen.query_one("#signin-token", Input).value == ""
        assert app.screen.query_one("#signin-token", Input).has_focus
        assert BAD not in everything_shown(app)
        assert factory.api.requests == [("GET", "/iam/v3/me/", 401)]
        # Then the right one works.
        await paste_and_submit(pilot, GOOD)
        assert not isinstance(app.screen, SignInScreen)
        assert app.settings.token_value == GOOD


async def test_a_token_with_spaces_is_refused_before_any_request(paths: AppPaths) -> None:
    app, factory = make(Settings(paths=paths))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await paste_and_submit(pilot, "two words-123456")
        assert isinstance(app.screen, SignInScreen)
        assert "contains spaces" in status(app)
        assert "words-123456" not in everything_shown(app)
        assert factory.api.requests == []


async def test_an_unreachable_api_is_told_with_its_message(paths: AppPaths) -> None:
    api = FakeDivioAPI(scale="tiny", now=FIXED_NOW, token=GOOD)
    api.fail_next("/iam/v3/me/", "timeout", times=10)
    app, _ = make(Settings(paths=paths), api)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await paste_and_submit(pilot, GOOD)
        assert isinstance(app.screen, SignInScreen)
        assert "timed out" in status(app).lower() or "timeout" in status(app).lower()
        # A network failure keeps what was pasted, to try again.
        assert app.screen.query_one("#signin-token", Input).value == GOOD
        assert GOOD not in everything_shown(app)


async def test_remember_writes_the_token_to_a_0600_config_file(paths: AppPaths) -> None:
    app, _ = make(Settings(paths=paths))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await paste_and_submit(pilot, GOOD, remember=True)
        assert not isinstance(app.screen, SignInScreen)
        config = paths.config_file
        assert stat.S_IMODE(config.stat().st_mode) == 0o600
        assert any(n.title == "Remembered" for n in app._notifications)
        assert GOOD not in everything_shown(app)
    settings = load_settings()
    assert settings.token_value == GOOD
    assert settings.token_source == f"config file {config}"


async def test_a_config_file_that_cannot_be_written_is_told_and_sign_in_goes_on(
        paths: AppPaths) -> None:
    paths.config_dir.mkdir(parents=True)
    paths.config_file.write_text("this is = = not toml\n")
    app, _ = make(Settings(paths=paths))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await paste_and_submit(pilot, GOOD, remember=True)
        assert not isinstance(app.screen, SignInScreen)
        (warning,) = [n for n in app._notifications if n.title == "Not remembered"]
        assert "not valid TOML" in warning.message
    assert paths.config_file.read_text() == "this is = = not toml\n"


async def test_the_typed_token_is_redacted_in_the_log(paths: AppPaths) -> None:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    log_file = setup_logging(Settings(paths=paths))
    try:
        app, _ = make(Settings(paths=paths))
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            await paste_and_submit(pilot, BAD)
            await paste_and_submit(pilot, GOOD)
            # Anything that mentions a token later is masked, whatever its wording.
            logging.getLogger("test").warning("echo %s and %s", GOOD, BAD)
    finally:
        for handler in [h for h in root.handlers if h not in handlers]:
            root.removeHandler(handler)
            handler.close()
        root.setLevel(level)
        logging.captureWarnings(False)
    logged = (paths.log_dir / LOG_FILE_NAME).read_text()
    assert log_file.name == LOG_FILE_NAME
    assert "signed in on the sign-in screen" in logged
    assert GOOD not in logged and BAD not in logged
    assert "echo ****-123 and ****6789" in logged


async def test_use_the_demo_switches_to_the_demo_client(paths: AppPaths) -> None:
    app, factory = make(Settings(paths=paths))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.click("#signin-demo")
        await settle(pilot)
        assert not isinstance(app.screen, SignInScreen)
        assert app.settings.demo and app.settings.api_url == DEMO_API_URL
        assert factory.api.requests == []
        assert factory.demo_api is not None and factory.demo_api.requests
        assert find_node(app, group("organisation")).children
        header = app.query_one(HeaderBar)
        assert "demo" in str(header.query_one("#header-connection", Static).render())
        assert str(header.query_one("#header-token", Static).render()) == ""


async def test_quit_leaves_the_app(paths: AppPaths) -> None:
    app, _ = make(Settings(paths=paths))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.click("#signin-quit")
        await pilot.pause()
        assert app._exit


async def test_the_demo_needs_the_cli_factory() -> None:
    with pytest.raises(RuntimeError, match="client_factory"):
        default_client_factory(Settings(demo=True))


# -- a token refused while the explorer runs ------------------------------------------------


async def test_a_token_refused_at_runtime_asks_to_sign_in_once_naming_its_source(
        paths: AppPaths) -> None:
    api = FakeDivioAPI(scale="tiny", now=FIXED_NOW, token=ENV_TOKEN)
    settings = Settings(api_url=API_URL, token=SecretStr(ENV_TOKEN), token_source="env DIVIO_TOKEN",
                        paths=paths)
    app, _ = make(settings, api)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert not isinstance(app.screen, SignInScreen)
        header = app.query_one(HeaderBar)
        assert str(header.query_one("#header-token", Static).render()).strip() == (
            "token from DIVIO_TOKEN")
        organisations = find_node(app, group("organisation"))
        organisation = organisations.children[0]
        # The token is revoked; everything reloads: many requests fail, one screen shows.
        api.token = GOOD
        await pilot.press("R")
        await settle(pilot)
        signins = [s for s in app.screen_stack if isinstance(s, SignInScreen)]
        assert len(signins) == 1 and app.screen is signins[0]
        message = "The token from env DIVIO_TOKEN was rejected: Invalid token."
        reason = str(app.screen.query_one("#signin-reason", Static).render())
        assert reason == message
        refused = [n for n in app._notifications if n.title == "The API refused the token"]
        assert [n.message for n in refused] == [message]
        assert ENV_TOKEN not in everything_shown(app)
        # Signing in again with the new token reloads what was open, without errors.
        await paste_and_submit(pilot, GOOD)
        assert not isinstance(app.screen, SignInScreen)
        assert app.settings.token_source == "sign-in screen"
        organisations = find_node(app, group("organisation"))
        assert organisations.is_expanded
        assert [child.data.key for child in organisations.children] == [organisation.data.key]
        assert not any(label.plain.startswith("⚠") for label in (
            node.label for node in organisations.children))
        # A later refusal asks again (the flag was reset by signing in).
        api.token = "another-one-000000"
        await pilot.press("R")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)


async def test_a_bad_token_from_the_start_goes_to_sign_in(paths: AppPaths) -> None:
    settings = Settings(api_url=API_URL, token=SecretStr(BAD), paths=paths,
                        token_source=f"netrc {Path.home()}/.netrc (machine control.divio.com)")
    app, _ = make(settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        reason = str(app.screen.query_one("#signin-reason", Static).render())
        assert reason == (f"The token from netrc {Path.home()}/.netrc (machine "
                          "control.divio.com) was rejected: Invalid token.")
        assert BAD not in everything_shown(app)


async def test_a_missing_permission_is_not_a_rejected_token(paths: AppPaths) -> None:
    api = FakeDivioAPI(scale="tiny", now=FIXED_NOW, token=GOOD)
    settings = Settings(api_url=API_URL, token=SecretStr(GOOD), token_source="flag", paths=paths)
    app, _ = make(settings, api)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        api.fail_next("regions", 403)
        regions = find_node(app, group("region"))
        regions.expand()
        await settle(pilot)
        assert not isinstance(app.screen, SignInScreen)
        assert regions.children[0].label.plain.startswith("⚠ 403 Forbidden")


# -- the pieces -------------------------------------------------------------------------------


def unauthorised(status: int, detail: str | None) -> Unauthorised:
    return Unauthorised("refused", status=status, detail=detail)


def test_rejection_message_names_the_source_never_the_token() -> None:
    assert rejection_message(unauthorised(401, "Invalid token."), "env DIVIO_TOKEN") == (
        "The token from env DIVIO_TOKEN was rejected: Invalid token.")
    assert rejection_message(unauthorised(401, None), None) == (
        "The token was rejected: 401 Unauthorized")


@pytest.mark.parametrize(("source", "shown"), [
    ("flag", "--token"),
    ("env DIVIO_TOKEN", "DIVIO_TOKEN"),
    ("config file /home/you/.config/divio-tui/config.toml", "config file"),
    ("netrc /home/you/.netrc (machine control.divio.com)", "netrc ~/.netrc"),
    ("netrc /etc/netrc (machine control.divio.com)", "netrc /etc/netrc"),
    ("sign-in screen", "sign-in screen"),
    ("demo", None),
    (None, None),
])
def test_header_source_is_short(source: str | None, shown: str | None) -> None:
    assert header_source(source, home=Path("/home/you")) == shown


def test_tilde_and_tokens_page() -> None:
    assert tilde("/home/you/.config/x", Path("/home/you")) == "~/.config/x"
    assert tilde("/home/yours/x", Path("/home/you")) == "/home/yours/x"
    assert tokens_page("dev.aldryn.net") == "https://control.dev.aldryn.net/account/access-tokens/"


# -- snapshots --------------------------------------------------------------------------------


SNAPSHOT_PATHS = AppPaths(Path("/home/you/.config/divio-tui"), Path("/home/you/.log"),
                          Path("/home/you/.cache"))


def snapshot_app(**settings: Any) -> DivioApp:
    app, _ = make(Settings(paths=SNAPSHOT_PATHS, **settings))
    return app


async def _typed(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    no_blink(pilot)
    pilot.app.screen.query_one("#signin-token", Input).post_message(events.Paste(BAD))
    await settle(pilot)


@pytest.fixture
def home_is_you(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: Path("/home/you")))
    yield


@pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["wide", "narrow"])
def test_sign_in_screen_snapshot(snap_compare: Any, size: tuple[int, int],
                                 home_is_you: None) -> None:
    """First run: where to get a token, the API, the masked input (a token typed in)."""
    assert snap_compare(snapshot_app(), terminal_size=size, run_before=_typed)


def test_sign_in_screen_after_a_rejection_snapshot(snap_compare: Any, home_is_you: None) -> None:
    """A refused token: the reason on top, naming where the token came from."""
    app = snapshot_app(api_url=API_URL, token=BAD, token_source="env DIVIO_TOKEN")

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        no_blink(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)



async def test_the_remember_mark_says_whether_it_is_ticked(paths: AppPaths) -> None:
    app, _ = make(Settings(paths=paths))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        box = app.screen.query_one("#signin-remember", Checkbox)
        assert "▐ ▌" in str(box.render())
        box.focus()
        await pilot.press("space")
        assert box.value and "▐✓▌" in str(box.render())
        await pilot.press("space")
        assert not box.value and "▐ ▌" in str(box.render())


async def test_a_failed_me_is_told_on_the_start_screen_and_r_retries(paths: AppPaths) -> None:
    api = FakeDivioAPI(scale="tiny", now=FIXED_NOW, token=GOOD)
    api.fail_next("/iam/v3/me", 503, times=100)
    app, _ = make(Settings(paths=paths, token=SecretStr(GOOD), token_source="env DIVIO_TOKEN"),
                  api)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        rows = {name: text.plain for name, text in app.explorer.detail.view.rows}
        assert rows["signed in"].startswith("⚠ could not check the token's user: "
                                            "503 Service Unavailable")
        assert "r on this line retries now" in rows["signed in"]
        api.clear_failures()
        await press(pilot, "r")  # on the Organisations line
        rows = {name: text.plain for name, text in app.explorer.detail.view.rows}
        assert rows["signed in"] == api.dataset.me["email"]
