"""What the explorer screen needs of the app that hosts it, as a Protocol (no import of the app).

The app owns the account: the client, the settings (demo or not, the zone, where the token
came from), the session and its `BackupBook`, the clock, the keys as the user bound them,
and what to do when the API refuses the token (the sign-in screen). The screen only reads
these and asks.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from rich.text import Text

from divio_tui.api.errors import ApiError
from divio_tui.settings import Settings
from divio_tui.state.backups import BackupBook
from divio_tui.state.session import Session
from divio_tui.ui.keys import KeyDisplay


class ExplorerHost(KeyDisplay, Protocol):
    """The app, as the explorer screen sees it."""

    @property
    def settings(self) -> Settings: ...

    @property
    def client(self) -> Any:
        """The `DivioClient` of the account being explored (`url_for`, `base_url`)."""
        ...

    @property
    def session(self) -> Session: ...

    @property
    def backups(self) -> BackupBook: ...

    @property
    def signed_in(self) -> bool:
        """There is a token to try (or the demo): the tree may start loading."""
        ...

    def now(self) -> datetime:
        """The app's clock (tests pin it)."""
        ...

    def connection_label(self) -> str:
        """`demo`, or the API host: what the header says the explorer is connected to."""
        ...

    def session_rows(self) -> list[tuple[str, Text]]:
        """What the start screen says about the connection (never the token)."""
        ...

    def tell_refused(self, error: ApiError) -> None:
        """A request was refused for the token (`Unauthorised`: the sign-in screen comes
        back) or for a permission (`Forbidden`): say so."""
        ...

    def refresh_account(self) -> None:
        """Everything is being reloaded: ask again who the token belongs to."""
        ...

    def account_choices(self) -> list[tuple[str, str, Callable[[], Settings]]]:
        """Other accounts to switch to: (name, what it is, its settings)."""
        ...

    def switch_account(self, name: str, settings_of: Callable[[], Settings]) -> None:
        """Explore the account of `settings_of()` from now on (after checking its token)."""
        ...
