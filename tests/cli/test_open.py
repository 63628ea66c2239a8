"""`divio-tui open TARGET` hands the target to the explorer (tests/ui/test_open.py shows
what the explorer does with it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from divio_tui import cli
from divio_tui.settings import Settings
from tests.cli.conftest import Run

Runner = Callable[..., Run]


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Replace the Textual app with a recorder of how it was started."""
    calls: list[dict[str, Any]] = []

    def run_app(settings: Settings, client_factory: Any = None, start_at: str | None = None) -> int:
        calls.append({"demo": settings.demo, "start_at": start_at})
        return 0

    monkeypatch.setattr(cli, "_load_run_app", lambda: run_app)
    return calls


def test_open_starts_the_explorer_on_the_target(run: Runner, started: list[dict[str, Any]]) -> None:
    assert run("open", " acme-shop/live ").status == 0
    assert started == [{"demo": True, "start_at": "acme-shop/live"}]


def test_an_empty_target_is_a_usage_problem(run: Runner, started: list[dict[str, Any]]) -> None:
    result = run("open", "")
    assert (result.status, started) == (2, [])
    assert "TARGET is empty" in result.err


def test_open_needs_a_target(run: Runner, started: list[dict[str, Any]]) -> None:
    result = run("open")
    assert (result.status, started) == (2, [])
    assert "TARGET" in result.err
