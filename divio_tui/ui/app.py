"""`DivioApp`: the account being explored, its screens, the theme and the keys.

Build it with `DivioApp(client=..., settings=..., clock=...)` — the CLI (through `run_app`)
and the tests use the same factory. The clock returns an aware UTC datetime; tests pin it so
relative times ("3 min ago") never drift.

The app holds no feature logic: its default screen is the `ExplorerScreen` (tree and detail
pane, with their actions); the sign-in screen comes up when there is no token or the API
refuses it, and swapping the client (`use_client`) starts the explorer again on the new
account. The app's own keys are help, quit and the palette.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, ClassVar

import httpx
from rich.text import Text
from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.screen import Screen

from divio_tui.api.errors import ApiError, Forbidden, Unauthorised
from divio_tui.api.models import User
from divio_tui.settings import Settings
from divio_tui.state.backups import BackupBook
from divio_tui.state.session import Session
from divio_tui.ui._textual import StreamingCommandPalette
from divio_tui.ui.explorer.screen import ExplorerScreen
from divio_tui.ui.keys import ALL_BINDINGS, APP_BINDINGS, KEY_NAMES, keys_for
from divio_tui.ui.screens.help import HelpScreen
from divio_tui.ui.screens.signin import (
    ClientFactory,
    SignedIn,
    SignInScreen,
    rejection_message,
)
from divio_tui.ui.terminal import CHECK_INTERVAL, controlling_terminal_fd, terminal_lost
from divio_tui.ui.text.labels import error_summary
from divio_tui.untrusted import clip, visible

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]

EXTRA_BINDING_IDS = frozenset({"close-help", "filter-cancel"})
"""Binding ids defined on screens and widgets outside `keys.py`, also valid in key overrides."""


def utc_now() -> datetime:
    """The real clock (tests inject a fixed one)."""
    return datetime.now(UTC)


class DivioApp(App[None]):
    """The Divio API explorer."""

    CSS_PATH = "app.tcss"
    TITLE = "divio-tui"
    BINDINGS: ClassVar[list[BindingType]] = list(APP_BINDINGS)
    NOTIFICATION_TIMEOUT = 4

    def __init__(
        self,
        client: Any,
        settings: Settings | None = None,
        clock: Clock | None = None,
        *,
        owns_client: bool = False,
        client_factory: ClientFactory | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings if settings is not None else Settings()
        self.client = client
        self.client_factory: ClientFactory = client_factory or default_client_factory
        """Builds a client for other settings: the sign-in check, the demo."""
        self.session = Session(client)
        self.backups = BackupBook(self.session)
        self.clock: Clock = clock or utc_now
        self._owns_client = owns_client
        self._told_unauthorised = False
        self._tree_started = self.signed_in
        self._key_overrides: dict[str, str] = {
            key: value for key, value in self.settings.keys.items()
            if key in ALL_BINDINGS or key in EXTRA_BINDING_IDS
        }
        self._unknown_keys = sorted(set(self.settings.keys) - set(self._key_overrides))
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme

    def get_default_screen(self) -> Screen[Any]:
        return ExplorerScreen(self)

    @property
    def explorer(self) -> ExplorerScreen:
        """The explorer screen (the bottom of the screen stack)."""
        screen = self.screen_stack[0] if self.screen_stack else None
        assert isinstance(screen, ExplorerScreen)
        return screen

    @property
    def key_overrides(self) -> dict[str, str]:
        """The user's key bindings by binding id (from the config's `[keys]`)."""
        return self._key_overrides

    def get_key_display(self, binding: Binding) -> str:
        # Textual's names, with the keys it writes in lower case as a keyboard prints them.
        display = super().get_key_display(binding)
        return KEY_NAMES.get(display, display)

    def now(self) -> datetime:
        return self.clock()

    def on_mount(self) -> None:
        if self._key_overrides:
            self.set_keymap(self._key_overrides)
        if self._unknown_keys:
            self.notify("Unknown key binding ids in the config: " + ", ".join(
                visible(key) for key in self._unknown_keys), severity="warning", markup=False)
        if self.signed_in:
            self.fetch_me()
        else:
            self.show_sign_in()
        terminal = None if self.is_headless else controlling_terminal_fd()
        if terminal is not None:
            self.set_interval(CHECK_INTERVAL, lambda: self._exit_if_lost(terminal))

    def _exit_if_lost(self, terminal: int) -> None:
        """End the app once its terminal has hung up (see ui/terminal.py for why)."""
        if terminal_lost(terminal):
            log.info("the terminal hung up: exiting")
            self.exit()

    async def on_unmount(self) -> None:
        if self._owns_client:
            await self.client.aclose()

    # -- the account ----------------------------------------------------------------------

    @property
    def signed_in(self) -> bool:
        """There is a token to try (or the demo, which needs none)."""
        return self.settings.demo or self.settings.token is not None

    def session_rows(self) -> list[tuple[str, Text]]:
        """What the start screen says about the connection (never the token itself)."""
        settings = self.settings
        api = ("demo — the built-in fake API, no network" if settings.demo
               else str(getattr(self.client, "base_url", settings.api_url)))
        me = self.session.me
        tips = " · ".join(f"{keys_for(self, binding_id)[0]} {what}" for binding_id, what in (
            ("expand", "expand"), ("copy-uuid", "copy UUID"), ("filter", "filter"),
            ("command-palette", "palette"), ("help", "all keys")))
        return [
            ("api", Text(visible(api))),
            ("signed in", Text(clip(me.email or me.display_name, 200)) if me is not None
             else Text("…", "muted")),
            ("token", Text("not needed for the demo", "muted") if settings.demo
             else Text(visible(f"from {settings.token_source}")) if settings.token_source
             else Text("none", "muted")),
            ("times", Text("UTC throughout")),
            ("keys", Text(tips, "muted")),
        ]

    def connection_label(self) -> str:
        """`demo`, or the API host (and port when not the default). Never the token."""
        if self.settings.demo:
            return "demo"
        url = httpx.URL(str(getattr(self.client, "base_url", self.settings.api_url)))
        return url.host + (f":{url.port}" if url.port else "")

    def refresh_account(self) -> None:
        self.fetch_me()

    @work(exit_on_error=False, group="me", exclusive=True)
    async def fetch_me(self) -> None:
        """Who the token belongs to, for the header."""
        try:
            me = await self.client.me()
        except (Unauthorised, Forbidden) as error:
            self.tell_refused(error)
            return
        except ApiError as error:
            log.info("me: %s", error.message)
            return
        self.session.me = me
        self.explorer.header.set_user(me.email or me.display_name)
        self.explorer.refresh_detail()

    def tell_refused(self, error: ApiError) -> None:
        """A refused token (`Unauthorised`), however many loads it breaks: one toast naming
        where the token came from, and the sign-in screen (once, until someone signs in
        again). A missing permission (`Forbidden`) is told like any other failure."""
        if not isinstance(error, Unauthorised):
            self.notify(visible(f"{error_summary(error)}: {error.detail or error.message}"),
                        title="Not allowed", severity="error", markup=False, timeout=8)
            return
        if self._told_unauthorised:
            return
        self._told_unauthorised = True
        if self.settings.demo:
            detail = f" ({visible(error.detail)})" if error.detail else ""
            self.notify(f"{error_summary(error)}{detail}", title="The API refused the token",
                        severity="error", markup=False, timeout=12)
            return
        message = rejection_message(error, self.settings.token_source)
        log.warning("%s", message)
        self.notify(message, title="The API refused the token", severity="error",
                    markup=False, timeout=12)
        self.show_sign_in(message)

    def show_sign_in(self, reason: str | None = None) -> None:
        """Push the sign-in screen unless it is up already."""
        if any(isinstance(screen, SignInScreen) for screen in self.screen_stack):
            return
        self.push_screen(SignInScreen(self.settings, self.client_factory, reason=reason),
                         self._signed_in)

    def _signed_in(self, result: SignedIn | None) -> None:
        if result is not None:
            self.use_client(result.client, result.settings, me=result.me)

    def use_client(self, client: Any, settings: Settings, *, me: User | None = None) -> None:
        """Talk to the API through `client` (with `settings`) from now on: the session, the
        tree and the header start again, as after a reload-all. The app owns `client`."""
        old, owned = self.client, self._owns_client
        previous = self.session.me
        same_account = (settings.demo == self.settings.demo and (
            previous is None or me is None or previous.uuid == me.uuid))
        self.settings = settings
        self.client = client
        self._owns_client = True
        self._told_unauthorised = False
        self.session.use(client)
        self.session.me = me
        explorer = self.explorer
        explorer.show_connection()
        explorer.resource_tree.reload_all(keep_open=same_account and self._tree_started)
        self._tree_started = True
        if settings.demo:
            self.notify("Exploring the built-in demo API", markup=False, timeout=4)
        if me is None:
            self.fetch_me()
        else:
            self.notify(f"Signed in as {clip(me.email or me.display_name, 200)}", markup=False,
                        timeout=4)
        explorer.refresh_detail()
        if owned and old is not client:
            self.run_worker(old.aclose(), group="close-client", exit_on_error=False)

    # -- app-wide actions ---------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "command_palette":
            # The palette lists what the screen below offers; the sign-in screen offers
            # nothing, and it holds a token being typed.
            return not isinstance(self.screen, SignInScreen)
        return True

    def action_command_palette(self) -> None:
        # Textual's own action, with the palette that shows hits while the API is searched.
        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(StreamingCommandPalette(id="--command-palette"))

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self))


def default_client_factory(settings: Settings) -> Any:
    """A `DivioClient` for `settings` (not the demo: `ui` does not import `fake`, so the demo
    needs the CLI's factory)."""
    if settings.demo:
        raise RuntimeError("the demo needs a client_factory that mounts it (the CLI provides it)")
    from divio_tui.api.client import DivioClient

    return DivioClient(settings.api_url, settings.token_value, **settings.client_options())


def run_app(settings: Settings, client_factory: ClientFactory | None = None) -> int:
    """Run the explorer for `settings` until the user quits; returns the exit status.

    `client_factory(settings)` builds a `DivioClient` for some settings: the one to start
    with, a token typed into the sign-in screen, the demo (the CLI passes `build_client`, which
    mounts the demo API in-process: `ui` does not import `fake`). Without it, only real API
    clients can be built. With no token (and not the demo), the app opens on the sign-in screen.
    """
    factory = client_factory or default_client_factory
    app = DivioApp(client=factory(settings), settings=settings, owns_client=True,
                   client_factory=factory)
    app.run()
    return app.return_code or 0
