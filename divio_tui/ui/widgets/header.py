"""The one-line header: where we are connected, as whom, and the breadcrumb of the cursor."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label

from divio_tui.ui.text.untrusted import clean


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
        self.query_one("#header-connection", Label).update(Text(f" ● {clean(where)} "))

    def set_user(self, email: str | None) -> None:
        self.query_one("#header-user", Label).update(Text(f" {clean(email)} ") if email
                                                     else Text(""))

    def set_token_source(self, source: str | None) -> None:
        """Where the token came from (`token from DIVIO_TOKEN`), never the token; empty for
        the demo."""
        self.query_one("#header-token", Label).update(
            Text(f" token from {clean(source)} ") if source else Text(""))

    def set_crumbs(self, crumbs: list[str]) -> None:
        """Labels from the organisation down to the highlighted node (already clean)."""
        self.query_one("#header-crumbs", Label).update(Text(" " + " › ".join(crumbs)))
