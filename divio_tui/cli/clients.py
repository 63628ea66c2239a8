"""The clients the command line builds: the real API, or the demo mounted in-process.

`ui/` may not import `fake/`, so the CLI builds every client the explorer uses (the first
one, and those for a token typed into the sign-in screen, or the demo) and hands the app this
factory. The scripting commands use the same clients.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from divio_tui.logs import log_request_event
from divio_tui.settings import Settings, SettingsError

if TYPE_CHECKING:
    from divio_tui.api.client import DivioClient


def demo_clock() -> datetime:
    """The demo's clock: the wall clock (tests pin it to the dataset's fixed time)."""
    return datetime.now(UTC)


def build_client(
    settings: Settings, *, observer: Callable[[Any], None] | None = log_request_event
) -> DivioClient:
    """A :class:`DivioClient` for ``settings``: the demo API in-process when ``settings.demo``,
    else the real API (or whatever ``api_url`` points at). The UI gets it through
    ``run_app(settings, client_factory=...)`` because ``ui/`` may not import ``fake/``.
    ``observer`` defaults to logging every request.
    """
    from divio_tui.api.client import DivioClient

    transport = None
    if settings.demo:
        from divio_tui.fake import FakeDivioAPI, FakeTransport

        try:
            # Time moves in the demo (fake/live.py): the account is generated as of now, then
            # the running deployment finishes and runtime logs grow as the wall clock goes on.
            fake = FakeDivioAPI(latency_ms=settings.demo_latency_ms, faults=settings.demo_faults,
                                now=demo_clock().replace(microsecond=0), clock=demo_clock)
        except ValueError as exc:  # a bad --demo-faults SPEC
            raise SettingsError(f"--demo-faults: {exc}") from None
        transport = FakeTransport(fake)
    return DivioClient(
        settings.api_url,
        settings.token_value,
        transport=transport,
        observer=observer,
        **settings.client_options(),
    )
