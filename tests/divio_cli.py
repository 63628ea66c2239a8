"""divio-cli 4.0.5 in a venv of its own, for the tests that check the commands `D` copies.

It must not go into the test venv: divio-cli brings click, and with click installed httpx
imports its command line (and Rich) on every import. `divio_cli_venv()` builds the venv once
under the cache directory (``$DIVIO_TUI_TEST_CACHE``, default ``~/.cache/divio-tui-tests``)
and reuses it; `parse` runs divio-cli's own click parser over command lines, without running
them.
"""

from __future__ import annotations

import fcntl
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

from divio_tui.ui.explorer.divio_commands import DIVIO_CLI_VERSION

REQUIREMENT = f"divio-cli=={DIVIO_CLI_VERSION}"

PARSER = r"""
import json, sys
import click
from divio_cli.cli import cli

def parse(argv):
    ctx = cli.make_context("divio", list(argv))
    command = cli
    while isinstance(command, click.Group):
        name, command, rest = command.resolve_command(ctx, [*ctx._protected_args, *ctx.args])
        ctx = command.make_context(name, rest, parent=ctx)
    params = {}
    node = ctx
    while node is not None:
        params = {**node.params, **params}
        node = node.parent
    return {"ok": True, "command": ctx.command_path, "params": params}

results = []
for argv in json.load(sys.stdin):
    try:
        results.append(parse(argv))
    except click.ClickException as error:
        results.append({"ok": False, "error": error.format_message()})
print(json.dumps(results, default=str))
"""


class Unavailable(Exception):
    """divio-cli could not be installed (no index reachable)."""


def cache_dir() -> Path:
    return Path(os.environ.get("DIVIO_TUI_TEST_CACHE") or Path.home() / ".cache/divio-tui-tests")


def divio_cli_venv() -> Path:
    """The venv holding divio-cli (built on first use; a lock keeps parallel runs apart)."""
    root = cache_dir()
    root.mkdir(parents=True, exist_ok=True)
    venv = root / f"divio-cli-{DIVIO_CLI_VERSION}"
    ready = venv / ".installed"
    with (root / ".divio-cli.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not ready.exists():
            subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
            done = subprocess.run([str(venv / "bin/python"), "-m", "pip", "install", "--quiet",
                                   REQUIREMENT], capture_output=True, text=True)
            if done.returncode != 0:
                lines = done.stderr.strip().splitlines()
                raise Unavailable(lines[-1] if lines else "pip failed")
            ready.touch()
    return venv


def parse(venv: Path, lines: list[str]) -> list[dict[str, Any]]:
    """divio-cli's parse of each command line (``divio …``): ``{"ok", "command", "params"}``
    or ``{"ok": False, "error"}``."""
    argvs = []
    for line in lines:
        argv = shlex.split(line)
        assert argv[0] == "divio", line
        argvs.append(argv[1:])
    done = subprocess.run([str(venv / "bin/python"), "-c", PARSER], input=json.dumps(argvs),
                          capture_output=True, text=True, check=True)
    results: list[dict[str, Any]] = json.loads(done.stdout)
    return results
