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
import os
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

import httpx
from rich.text import Text
from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.screen import Screen
from textual.timer import Timer

from divio_tui.api.errors import ApiError, Forbidden, Unauthorised
from divio_tui.api.models import User
from divio_tui.settings import (
    ENV_CACHE_DIR,
    ENV_CONFIG_DIR,
    ENV_LOG_DIR,
    Settings,
    SettingsError,
    load_settings,
    profile_names,
)
from divio_tui.state.backups import BackupBook
from divio_tui.state.requests import RequestLog
from divio_tui.state.session import Session
from divio_tui.ui._textual import StreamingCommandPalette
from divio_tui.ui.explorer.screen import ExplorerScreen
from divio_tui.ui.explorer.start import open_target
from divio_tui.ui.keys import ALL_BINDINGS, APP_BINDINGS, KEY_NAMES, keys_for
from divio_tui.ui.requests.origin import worker_origin
from divio_tui.ui.screens import SIGN_IN_ID
from divio_tui.ui.terminal import CHECK_INTERVAL, controlling_terminal_fd, terminal_lost
from divio_tui.ui.text.labels import error_summary
from divio_tui.untrusted import clip, visible

if TYPE_CHECKING:
    from divio_tui.ui.screens.signin import ClientFactory, SignedIn

log = logging.getLogger(__name__)


Clock = Callable[[], datetime]

ME_RETRY_FIRST = 5.0
ME_RETRY_CAP = 60.0
"""Seconds before `iam/v3/me/` is asked again after a failure: doubling, up to the cap."""

EXTRA_BINDING_IDS = frozenset({"close-help", "filter-cancel", "save-cancel"})
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
        start_at: str | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings if settings is not None else Settings()
        self.client = client
        self.client_factory: ClientFactory = client_factory or default_client_factory
        """Builds a client for other settings: the sign-in check, the demo."""
        self.session = Session(client)
        self.backups = BackupBook(self.session)
        self.clock: Clock = clock or utc_now
        self.request_log = RequestLog(self.settings.request_log_size, clock=self.now,
                                      secret=lambda: self.settings.token_value,
                                      fallback=worker_origin)
        """Every request the explorer makes (the request log screen shows it)."""
        self.request_log.watch(client)
        self.start_settings = self.settings
        """The settings the app started with ("Switch back" returns to them)."""
        self._owns_client = owns_client
        self.me_error: ApiError | None = None
        """Why the last `iam/v3/me/` failed (None once it answered); retried with backoff."""
        self._me_failures = 0
        self._me_retry: Timer | None = None
        self._told_unauthorised = False
        self._tree_started = self.signed_in
        self._key_overrides: dict[str, str] = {
            key: value for key, value in self.settings.keys.items()
            if key in ALL_BINDINGS or key in EXTRA_BINDING_IDS
        }
        self._unknown_keys = sorted(set(self.settings.keys) - set(self._key_overrides))
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        self._start_at = start_at
        """A target to put the cursor on once signed in (`divio-tui open TARGET`)."""

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
        if not self.signed_in:
            self.show_sign_in()
        terminal = None if self.is_headless else controlling_terminal_fd()
        if terminal is not None:
            self.set_interval(CHECK_INTERVAL, lambda: self._exit_if_lost(terminal))

    def on_ready(self) -> None:
        # Ready, not mount: the explorer's header and tree exist only once the first frame is
        # laid out (the demo would answer who the user is before they do).
        if self.signed_in:
            self.fetch_me()
            self.open_start_target()

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
             else self._me_failure_text() if self.me_error is not None
             else Text("…", "muted")),
            ("token", Text("not needed for the demo", "muted") if settings.demo
             else Text(visible(f"from {settings.token_source}")) if settings.token_source
             else Text("none", "muted")),
            ("times", Text("UTC throughout")),
            ("keys", Text(tips, "muted")),
        ]

    def connection_label(self) -> str:
        """`demo`, or the API host (and port when not the default), after the profile's name
        when one is active (`staging · api.dev.aldryn.net`). Never the token."""
        if self.settings.demo:
            where = "demo"
        else:
            url = httpx.URL(str(getattr(self.client, "base_url", self.settings.api_url)))
            where = url.host + (f":{url.port}" if url.port else "")
        profile = self.settings.profile
        return f"{profile} · {where}" if profile else where

    def refresh_account(self) -> None:
        self.fetch_me()

    def _me_failure_text(self) -> Text:
        assert self.me_error is not None
        return Text(f"⚠ could not check the token's user: {error_summary(self.me_error)} — "
                    f"retrying by itself; {keys_for(self, 'reload')[0]} on this line retries now",
                    "bad")

    @work(exit_on_error=False, group="me", exclusive=True,
          description="account: who am I")
    async def fetch_me(self) -> None:
        """Who the token belongs to, for the header. A failure (the API down, a timeout) is
        told on the start screen and tried again, 5 s later, then 10, 20… up to a minute."""
        if self._me_retry is not None:
            self._me_retry.stop()
            self._me_retry = None
        client = self.client
        try:
            me = await client.me()
        except (Unauthorised, Forbidden) as error:
            self.tell_refused(error)
            return
        except ApiError as error:
            log.info("me: %s", error.message)
            if client is not self.client:
                return  # another account meanwhile: its own fetch is under way
            self.me_error = error
            self._me_failures += 1
            delay = min(ME_RETRY_CAP, ME_RETRY_FIRST * 2 ** (self._me_failures - 1))
            self._me_retry = self.set_timer(delay, self.fetch_me)
            self.explorer.refresh_detail()
            return
        self.me_error = None
        self._me_failures = 0
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
        from divio_tui.ui.screens.signin import rejection_message

        message = rejection_message(error, self.settings.token_source)
        log.warning("%s", message)
        self.notify(message, title="The API refused the token", severity="error",
                    markup=False, timeout=12)
        self.show_sign_in(message)

    def show_sign_in(self, reason: str | None = None) -> None:
        """Push the sign-in screen unless it is up already."""
        if any(screen.id == SIGN_IN_ID for screen in self.screen_stack):
            return
        from divio_tui.ui.screens.signin import SignInScreen

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
        same_account = (settings.demo == self.settings.demo
                        and settings.api_url == self.settings.api_url and (
                            previous is None or me is None or previous.uuid == me.uuid))
        self.settings = settings
        self.client = client
        self._owns_client = True
        self._told_unauthorised = False
        self.me_error = None
        self._me_failures = 0
        self.request_log.watch(client)
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
        self.open_start_target()
        if owned and old is not client:
            self.run_worker(old.aclose(), group="close-client", exit_on_error=False)

    def open_start_target(self) -> None:
        """Reveal the target the app was started on, if it has not been yet (see
        ui/explorer/start.py); a refused token keeps it for after the sign-in."""
        target, self._start_at = self._start_at, None
        if target is not None:
            self.run_worker(self._open_start_target(target), group="start-at", exclusive=True,
                            exit_on_error=False, description=f"open {target}")

    async def _open_start_target(self, target: str) -> None:
        try:
            opened = await open_target(self.explorer, target)
        except Exception as error:  # a bug: say so, never take the app down
            log.exception("opening %s failed", target)
            self.notify(visible(f"{type(error).__name__}: {error}"),
                        title="Could not open the target", severity="error", markup=False)
            return
        if not opened:
            self._start_at = target

    # -- app-wide actions ---------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "command_palette":
            # The palette lists what the screen below offers; the sign-in screen offers
            # nothing, and it holds a token being typed.
            return self.screen.id != SIGN_IN_ID
        if action == "request_log":
            # Its screen has this id (ui/requests/screen.py, imported only once it opens).
            return self.screen.id not in (SIGN_IN_ID, "request-log")
        return True

    def action_command_palette(self) -> None:
        # Textual's own action, with the palette that shows hits while the API is searched.
        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(StreamingCommandPalette(id="--command-palette"))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        # One of each in the palette: Textual's "Theme" picker stays (ours only toggled light
        # and dark), and its "Keys" panel gives way to our help, which lists every key as the
        # user bound it.
        for command in super().get_system_commands(screen):
            if command.title != "Keys":
                yield command

    def action_help(self) -> None:
        from divio_tui.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self))

    def action_request_log(self) -> None:
        """The request log screen: every request the explorer made."""
        from divio_tui.ui.requests.screen import RequestLogScreen

        if not isinstance(self.screen, RequestLogScreen):
            self.push_screen(RequestLogScreen(self.request_log,
                                              lambda: self.settings.token_value))

    # -- other accounts (profiles) ----------------------------------------------------------

    def account_choices(self) -> list[tuple[str, str, Callable[[], Settings]]]:
        """Where the palette's "Switch account" can go: (name, what it is, its settings).

        Every `[profiles.NAME]` of the config file (read now, so an edit shows up), the
        account the app started with, and the demo; the active one left out."""
        choices: list[tuple[str, str, Callable[[], Settings]]] = []
        current = self.settings
        env = _env_of(current)
        try:
            names = profile_names(env)
        except SettingsError as error:
            log.info("profiles: %s", error)
            names = []
        for name in names:
            if name != current.profile:
                choices.append((f"profile {name}", f"[profiles.{name}] of the config file",
                                partial(load_settings, profile=name, env=env)))
        start = self.start_settings
        if _where(start) != _where(current):
            choices.append(("the start account", _where(start), lambda: start))
        if not current.demo and not start.demo:
            choices.append(("the demo", "the built-in demo API", current.as_demo))
        return choices

    def switch_account(self, name: str, settings_of: Callable[[], Settings]) -> None:
        """Explore another account or zone: check its token, then start again on it."""
        try:
            settings = settings_of()
        except SettingsError as error:
            self.notify(visible(str(error)), title=f"Cannot switch to {visible(name)}",
                        severity="error", markup=False, timeout=10)
            return
        if settings.token is None:
            self.notify(f"{visible(name)} has no token yet: sign in to it.", markup=False)
            from divio_tui.ui.screens.signin import SignInScreen

            self.push_screen(SignInScreen(settings, self.client_factory,
                                          reason=f"{visible(name)}: no token was found."),
                             self._signed_in)
            return
        self._check_and_switch(name, settings)

    @work(exit_on_error=False, group="switch-account", exclusive=True,
          description="switch account: who am I")
    async def _check_and_switch(self, name: str, settings: Settings) -> None:
        try:
            client = self.client_factory(settings)
        except (SettingsError, ValueError, RuntimeError) as error:
            self.notify(visible(str(error)), title=f"Cannot switch to {visible(name)}",
                        severity="error", markup=False, timeout=10)
            return
        self.request_log.watch(client)
        self.notify(f"Switching to {visible(name)}…", markup=False, timeout=3)
        try:
            me = await client.me()
        except ApiError as error:
            await client.aclose()
            from divio_tui.ui.screens.signin import rejection_message

            message = (rejection_message(error, settings.token_source)
                       if isinstance(error, Unauthorised) else visible(error.message))
            self.notify(f"{message}\nStill exploring {visible(self.connection_label())}.",
                        title=f"Could not switch to {visible(name)}", severity="error",
                        markup=False, timeout=10)
            return
        self.use_client(client, settings, me=me)


def _env_of(settings: Settings) -> dict[str, str]:
    """The environment, with the directories of the app's settings: a profile is read from
    the config file the app started with."""
    env = dict(os.environ)
    env.update({ENV_CONFIG_DIR: str(settings.config_dir), ENV_LOG_DIR: str(settings.log_dir),
                ENV_CACHE_DIR: str(settings.cache_dir)})
    return env


def _where(settings: Settings) -> str:
    """What an account is, in words: `demo`, or its API URL (and profile)."""
    where = "the demo API" if settings.demo else settings.api_url
    return f"{where} (profile {settings.profile})" if settings.profile else where


def default_client_factory(settings: Settings) -> Any:
    """A `DivioClient` for `settings` (not the demo: `ui` does not import `fake`, so the demo
    needs the CLI's factory)."""
    if settings.demo:
        raise RuntimeError("the demo needs a client_factory that mounts it (the CLI provides it)")
    from divio_tui.api.client import DivioClient

    return DivioClient(settings.api_url, settings.token_value, **settings.client_options())


def run_app(settings: Settings, client_factory: ClientFactory | None = None,
            start_at: str | None = None) -> int:
    """Run the explorer for `settings` until the user quits; returns the exit status.

    `client_factory(settings)` builds a `DivioClient` for some settings: the one to start
    with, a token typed into the sign-in screen, the demo (the CLI passes `build_client`, which
    mounts the demo API in-process: `ui` does not import `fake`). Without it, only real API
    clients can be built. With no token (and not the demo), the app opens on the sign-in screen.
    `start_at` (an application slug, ``slug/env`` or any UUID) puts the cursor there at once.
    """
    factory = client_factory or default_client_factory
    app = DivioApp(client=factory(settings), settings=settings, owns_client=True,
                   client_factory=factory, start_at=start_at)
    app.run()
    return app.return_code or 0
