"""The one-line header: where we are connected, as whom, and the breadcrumb of the cursor."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Label

from divio_tui.untrusted import clip, visible

USER_MAX = 80
"""The user's e-mail (the server's text) is cut here."""

NARROW = 110
"""Below this many columns the header leaves out where the token came from (the start screen
says it), so that the breadcrumb keeps its room."""

SEPARATOR = " › "


class Breadcrumb(Widget):
    """Where the cursor is, shortened from the left when it does not fit: the end of the
    trail (what is highlighted) is what matters, so `… › live · main › 2026-12-01 02:36 UTC`."""

    crumbs: reactive[tuple[str, ...]] = reactive((), layout=False)

    def render(self) -> Text:
        return Text(" " + fit_crumbs(list(self.crumbs), max(self.size.width - 1, 0)),
                    no_wrap=True, overflow="ellipsis")


def fit_crumbs(crumbs: list[str], width: int) -> str:
    """The trail joined by ` › `, leading crumbs replaced by `…` until it fits `width`; the
    last crumb alone is cut at its end if even it is too long."""
    for start in range(len(crumbs)):
        shown = crumbs[start:]
        text = SEPARATOR.join(shown if start == 0 else ["…", *shown])
        if len(text) <= width:
            return text
    last = crumbs[-1] if crumbs else ""
    return last if len(last) <= width else last[: max(width - 1, 0)] + "…"


class HeaderBar(Horizontal):
    """`divio-tui │ ● api.divio.com │ you@example.com │ token from netrc ~/.netrc │ acme › shop`,
    and a warning while sensitive values are shown."""

    def compose(self) -> ComposeResult:
        yield Label(" divio-tui ", id="header-app")
        yield Label("", id="header-connection")
        yield Label(" secrets shown (v) ", id="header-secrets")
        yield Label("", id="header-user")
        yield Label("", id="header-token")
        yield Breadcrumb(id="header-crumbs")

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < NARROW, "-narrow")

    def set_secrets_shown(self, shown: bool) -> None:
        """Say, for as long as it lasts, that sensitive values are on screen."""
        self.query_one("#header-secrets", Label).display = shown

    def set_connection(self, where: str) -> None:
        """The API host (or `demo`). Never anything token-related."""
        self.query_one("#header-connection", Label).update(Text(f" ● {visible(where)} "))

    def set_user(self, email: str | None) -> None:
        self.query_one("#header-user", Label).update(Text(f" {clip(email, USER_MAX)} ") if email
                                                     else Text(""))

    def set_token_source(self, source: str | None) -> None:
        """Where the token came from (`token from DIVIO_TOKEN`), never the token; empty for
        the demo."""
        self.query_one("#header-token", Label).update(
            Text(f" token from {visible(source)} ") if source else Text(""))

    def set_crumbs(self, crumbs: list[str]) -> None:
        """Labels from the organisation down to the highlighted node (already clean)."""
        self.query_one(Breadcrumb).crumbs = tuple(crumbs)


def header_source(source: str | None, home: Path | None = None) -> str | None:
    """A short `token_source` for the header: `DIVIO_TOKEN`, `--token`, `config file`,
    `netrc ~/.netrc`, `sign-in screen`; None for the demo or no token."""
    if not source or source == "demo":
        return None
    if source == "flag":
        return "--token"
    if source.startswith("env "):
        return source.removeprefix("env ")
    if source.startswith("config file"):
        return "config file"
    if source.startswith("netrc "):
        path = source.removeprefix("netrc ").split(" (machine ", 1)[0]
        return f"netrc {tilde(path, home)}"
    return source


def tilde(path: Path | str, home: Path | None = None) -> str:
    """`path` with the home directory shown as `~` (shorter, and no user name on screen)."""
    text = str(path)
    home_text = str(home if home is not None else Path.home()).rstrip("/")
    if home_text and (text == home_text or text.startswith(home_text + "/")):
        return "~" + text[len(home_text):]
    return text
