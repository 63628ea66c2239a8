"""The sign-in screen: no token, or a token the API rejected.

It says where to get a token (the Control Panel's access-tokens page for the zone) and which API
it will talk to, takes a pasted token in a masked input, checks it with `GET iam/v3/me/` on a
fresh client built for it, and offers to remember it in the config file (0600). "Use the demo"
switches to the embedded demo API. The token is never shown: not in the input (masked), not in
a message (every message is redacted against it), not in the log (`logs.add_secret`).

The screen dismisses with a `SignedIn` (new settings, the client that passed the check, and
the user) for the app to swap in; it quits the app itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Static

from divio_tui.api.errors import ApiError, Forbidden, Unauthorised
from divio_tui.api.models import User
from divio_tui.logs import add_secret
from divio_tui.redaction import redact
from divio_tui.settings import Settings, SettingsError, save_token
from divio_tui.ui.screens import SIGN_IN_ID
from divio_tui.ui.text.labels import error_summary
from divio_tui.ui.widgets.header import tilde
from divio_tui.untrusted import clip, visible

log = logging.getLogger(__name__)

ClientFactory = Callable[[Settings], Any]
"""Builds a client for settings (the CLI's `build_client`: the demo API in-process too)."""

SOURCE = "sign-in screen"
"""`token_source` of a token typed into this screen."""

ME_PATH = "iam/v3/me/"
"""What the check asks for: the token's user (divio-api.md §2.4)."""

@dataclass(frozen=True)
class SignedIn:
    """What the screen hands back: settings holding the accepted token (or the demo's), the
    client that passed the check (the caller owns it now), and who the token belongs to."""

    settings: Settings
    client: Any
    me: User | None = None


def tokens_page(zone: str) -> str:
    """The Control Panel page where access tokens are made (divio-api.md §1.3)."""
    return f"https://control.{zone}/account/access-tokens/"


def rejection_message(error: ApiError, source: str | None) -> str:
    """`The token from env DIVIO_TOKEN was rejected: Invalid token.` (never the token)."""
    where = f"The token from {source}" if source else "The token"
    reason = visible(error.detail) if error.detail else error_summary(error)
    return f"{where} was rejected: {reason}"


class RememberBox(Checkbox):
    """A checkbox whose mark says whether it is ticked (`✓`) or not (blank), in any theme:
    Textual's draws an `X` either way and tells them apart by colour alone."""

    def on_mount(self) -> None:
        self._show_mark()

    def watch_value(self) -> None:
        super().watch_value()
        self._show_mark()

    def _show_mark(self) -> None:
        self.BUTTON_INNER = "✓" if self.value else " "
        self.refresh()


class SignInScreen(ModalScreen[SignedIn]):
    """Paste a token, check it, maybe remember it; or use the demo; or quit."""

    def __init__(self, settings: Settings, client_factory: ClientFactory, *,
                 reason: str | None = None) -> None:
        super().__init__(id=SIGN_IN_ID)
        self._settings = settings
        self._factory = client_factory
        self._reason = reason

    def compose(self) -> ComposeResult:
        settings = self._settings
        with Vertical(id="signin-card") as card:
            card.border_title = "Sign in to the Divio API"
            if self._reason:
                yield Static(Text(visible(self._reason), "bold"), id="signin-reason")
            yield Static(self._intro(), id="signin-intro")
            yield Static(Text.assemble(
                ("API ", "bold"), visible(settings.api_url),
                (f"  (checked with GET /{ME_PATH})", "dim")), id="signin-api")
            yield Input(password=True, placeholder="paste your access token here",
                        id="signin-token")
            yield RememberBox("Remember this token (config file, mode 0600)", False,
                           id="signin-remember", compact=True)
            yield Static(Text(f"    {visible(tilde(settings.config_file))}"),
                         id="signin-config-path")
            with Horizontal(id="signin-buttons"):
                yield Button("Sign in", variant="primary", id="signin-submit")
                yield Button("Use the demo", id="signin-demo")
                yield Button("Quit", variant="error", id="signin-quit")
            yield Static("", id="signin-status")
            yield Static(self._other_ways(), id="signin-other")

    def _intro(self) -> Text:
        page = tokens_page(self._settings.zone)
        return Text.assemble(
            "divio-tui reads your account with a Divio Control Panel access token;\n",
            "create one at ", (page, f"underline link {page}"), "\n",
            ("Best: a dedicated account for the API, with the least access it needs.", "italic"),
        )

    @staticmethod
    def _other_ways() -> Text:
        return Text("Also read at start: --token, DIVIO_TOKEN, the config file and the netrc "
                    "entry `divio login` writes. The token is never shown or logged.")

    def on_mount(self) -> None:
        self.query_one("#signin-token", Input).focus()

    # -- actions --------------------------------------------------------------------------

    @on(Input.Changed)
    @on(Input.Submitted)
    def _keep_the_token_here(self, event: Input.Changed | Input.Submitted) -> None:
        """Messages carrying the token go no further than this screen (the app listens to
        `Input.Changed` for its filter bar)."""
        event.stop()

    @on(Input.Submitted, "#signin-token")
    @on(Button.Pressed, "#signin-submit")
    def _submit(self) -> None:
        token = self.query_one("#signin-token", Input).value
        if not token.strip():
            self._show("Paste a token first.", error=True)
            self.query_one("#signin-token", Input).focus()
            return
        self.check_token(token, self.query_one("#signin-remember", Checkbox).value)

    @on(Button.Pressed, "#signin-demo")
    def _use_demo(self) -> None:
        try:
            settings = self._settings.as_demo()
            client = self._factory(settings)
        except (SettingsError, ValueError) as error:  # a bad --demo-faults spec: shown
            log.exception("the demo client could not be built")
            self._show(f"The demo is not available: {visible(error)}", error=True)
            return
        self.dismiss(SignedIn(settings, client))

    @on(Button.Pressed, "#signin-quit")
    def _quit(self) -> None:
        self.app.exit()

    # -- the check ------------------------------------------------------------------------

    def _busy(self, busy: bool) -> None:
        for selector in ("#signin-token", "#signin-submit", "#signin-demo"):
            self.query_one(selector).disabled = busy
        if not busy:
            self.query_one("#signin-token", Input).focus()

    def _show(self, message: str, *, error: bool = False, token: str | None = None) -> None:
        """A status line, redacted against `token` (and any credentials pattern)."""
        status = self.query_one("#signin-status", Static)
        status.set_class(error, "-error")
        status.update(Text(redact(visible(message), token)))

    @work(exclusive=True, group="sign-in", exit_on_error=False)
    async def check_token(self, token: str, remember: bool) -> None:
        """Check `token` with `GET iam/v3/me/`; on success save it if asked and dismiss."""
        try:
            settings = self._settings.with_token(token, SOURCE)
        except SettingsError as error:
            self._show(str(error), error=True, token=token)
            return
        add_secret(settings.token)
        self._busy(True)
        self._show(f"Checking the token with GET /{ME_PATH} …", token=token)
        client: Any = None
        handed_over = False
        try:
            client = self._factory(settings)
            me = await client.me()
        except (Unauthorised, Forbidden) as error:
            # Refused outright, or accepted without even the right to read its own user.
            detail = visible(error.detail) if error.detail else error_summary(error)
            self._show(f"That token was not accepted ({detail})", error=True, token=token)
            self.query_one("#signin-token", Input).clear()
            return
        except ApiError as error:
            self._show(error.message, error=True, token=token)
            return
        else:
            log.info("signed in on the sign-in screen as %s", me.email or me.uuid)
            if remember:
                self._remember(settings)
            self._show(f"Signed in as {clip(me.email or me.display_name, 200)}", token=token)
            handed_over = True
            self.dismiss(SignedIn(settings, client, me))
        finally:
            if not handed_over:
                self._busy(False)
                if client is not None:
                    await client.aclose()

    def _remember(self, settings: Settings) -> None:
        """Save the token to the config file (0600); a failure is told, not fatal."""
        try:
            path = save_token(settings.token, settings.config_file, profile=settings.profile)
        except (SettingsError, OSError) as error:
            self.app.notify(f"Signed in, but the token was not saved: {redact(str(error))}",
                            title="Not remembered", severity="warning", markup=False,
                            timeout=12)
            return
        note = f"Token saved to {visible(path)} (mode 0600)."
        if self._settings.token_source in ("flag", "env DIVIO_TOKEN"):
            note += ("\nNext time --token / DIVIO_TOKEN still comes first: drop it to use "
                     "the saved token.")
        self.app.notify(note, title="Remembered", markup=False, timeout=8)
