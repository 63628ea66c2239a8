"""The one-line header: where we are connected, as whom, and the breadcrumb of the cursor."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label

from divio_tui.untrusted import clip, visible

USER_MAX = 80
"""The user's e-mail (the server's text) is cut here."""


class HeaderBar(Horizontal):
    """`divio-tui │ ● api.divio.com │ you@example.com │ token from netrc ~/.netrc │ acme › shop`."""

    def compose(self) -> ComposeResult:
        yield Label(" divio-tui ", id="header-app")
        yield Label("", id="header-connection")
        yield Label("", id="header-user")
        yield Label("", id="header-token")
        yield Label("", id="header-crumbs")

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
        self.query_one("#header-crumbs", Label).update(Text(" " + " › ".join(crumbs)))


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
