"""The entry point loads the modules with the collector off, and turns it on before any work."""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Iterator

import pytest

import divio_tui.__main__ as entry
from divio_tui import cli, startup
from divio_tui.settings import Settings


@pytest.fixture
def collector() -> Iterator[None]:
    """Whatever the test does, the suite's collector is as it was afterwards."""
    enabled = gc.isenabled()
    yield
    gc.unfreeze()
    if enabled:
        gc.enable()
    else:
        gc.disable()


def test_the_collector_is_off_while_loading_then_on_with_what_was_loaded_frozen(
        collector: None) -> None:
    gc.unfreeze()
    startup.loading()
    assert not gc.isenabled()
    made_while_loading = [[] for _ in range(1000)]
    startup.loaded()
    assert gc.isenabled() and gc.get_freeze_count() >= len(made_while_loading)
    frozen = gc.get_freeze_count()
    startup.loaded()  # once only
    assert gc.get_freeze_count() == frozen


def test_without_loading_the_collector_is_left_alone(collector: None) -> None:
    gc.unfreeze()
    gc.disable()
    startup.loaded()
    assert not gc.isenabled() and gc.get_freeze_count() == 0


def test_a_command_runs_with_the_collector_on(collector: None, monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: object) -> None:
    seen: list[bool] = []

    class Probe:
        def add_parser(self, commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
            commands.add_parser("probe")

        def run(self, args: argparse.Namespace, settings: Settings) -> int:
            seen.append(gc.isenabled())
            return 0

    monkeypatch.setitem(cli.COMMANDS, "probe", Probe())
    monkeypatch.setattr(sys, "argv", ["divio-tui", "--demo", "probe"])
    for name in ("DIVIO_TUI_CONFIG_DIR", "DIVIO_TUI_LOG_DIR", "DIVIO_TUI_CACHE_DIR"):
        monkeypatch.setenv(name, str(tmp_path))
    assert entry.main() == 0
    assert seen == [True]


def test_the_explorer_starts_with_the_collector_on(collector: None,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: object) -> None:
    seen: list[bool] = []

    def run_app(*args: object, **kwargs: object) -> int:
        seen.append(gc.isenabled())
        return 0

    monkeypatch.setattr(cli, "_load_run_app", lambda: run_app)
    monkeypatch.setattr(sys, "argv", ["divio-tui", "--demo"])
    for name in ("DIVIO_TUI_CONFIG_DIR", "DIVIO_TUI_LOG_DIR", "DIVIO_TUI_CACHE_DIR"):
        monkeypatch.setenv(name, str(tmp_path))
    assert entry.main() == 0
    assert seen == [True]
