"""The scripting commands' fixtures: an isolated home, the CLI run as a user runs it."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from divio_tui import cli

TOKEN = "scr1pt-token-0000000000000000000000009876"
"""A recognisable token: the tests assert it appears in no output."""


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Config, log and cache dirs and HOME under tmp_path; the token in DIVIO_TOKEN."""
    for name in ("DIVIO_API_URL", "DIVIO_ZONE", "NETRC_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DIVIO_TOKEN", TOKEN)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DIVIO_TUI_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("DIVIO_TUI_LOG_DIR", str(tmp_path / "log"))
    monkeypatch.setenv("DIVIO_TUI_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


@dataclass
class Run:
    """One run of the command line: its exit status and what it printed."""

    status: int
    out: str
    err: str

    @property
    def json(self) -> Any:
        return json.loads(self.out)

    @property
    def lines(self) -> list[Any]:
        return [json.loads(line) for line in self.out.splitlines()]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], restore_logging: None,
        isolated_env: Path) -> Callable[..., Run]:
    """`run("get", "backups", api=base_url)`: the CLI as a user runs it; the token never in
    its output, nor in its log."""

    def go(*argv: str, api: str | None = None) -> Run:
        capsys.readouterr()
        prefix = ["--api-url", api] if api else ["--demo"]
        status = cli.main([*prefix, *argv])
        out, err = capsys.readouterr()
        assert TOKEN not in out and TOKEN not in err
        assert TOKEN[-12:] not in out + err
        for log in (isolated_env / "log").glob("*"):
            assert TOKEN not in log.read_text()
        return Run(status, out, err)

    return go
