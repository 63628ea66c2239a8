"""The package imports and reports its version; built as a wheel and installed as a tool in a
fresh venv, it runs from there alone: its console script, the demo, every data file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import divio_tui

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "divio_tui"


def test_version_is_set() -> None:
    assert divio_tui.__version__


def pip(*args: str | Path) -> None:
    """The test venv's pip (it can install into another interpreter with --python)."""
    subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet",
                    *map(str, args)], check=True, timeout=600, capture_output=True)


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built from the checkout as pipx and uv build it (PEP 517), beside
    the wheels of its dependencies, resolved from that wheel's own metadata. Built once per
    session; installing from it needs no index."""
    house = tmp_path_factory.mktemp("wheelhouse")
    pip("wheel", "--wheel-dir", house, ROOT)
    return house


@pytest.fixture(scope="session")
def tool_venv(wheelhouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with divio-tui installed from the wheelhouse alone (`--no-index`)."""
    venv = tmp_path_factory.mktemp("tool") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    pip("--python", venv / "bin" / "python", "install", "--no-index", "--find-links",
        wheelhouse, "divio-tui")
    return venv


def the_wheel(wheelhouse: Path) -> Path:
    (wheel,) = wheelhouse.glob("divio_tui-*.whl")
    return wheel


def run_tool(venv: Path, tmp_path: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """Run a program of the tool's venv from outside the checkout, with a clean environment:
    only what the wheel installed can be imported."""
    env = {"PATH": f"{venv / 'bin'}{os.pathsep}/usr/bin:/bin", "HOME": str(tmp_path),
           "LANG": "C.UTF-8", "DIVIO_TUI_CONFIG_DIR": str(tmp_path / "config"),
           "DIVIO_TUI_LOG_DIR": str(tmp_path / "log"),
           "DIVIO_TUI_CACHE_DIR": str(tmp_path / "cache")}
    return subprocess.run(list(argv), cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def test_the_wheel_holds_every_file_of_the_package(wheelhouse: Path) -> None:
    source = {path.relative_to(ROOT).as_posix() for path in PACKAGE.rglob("*")
              if path.is_file() and "__pycache__" not in path.parts}
    with zipfile.ZipFile(the_wheel(wheelhouse)) as wheel:
        packaged = {name for name in wheel.namelist() if name.startswith("divio_tui/")}
        entry_points = wheel.read(next(name for name in wheel.namelist()
                                       if name.endswith(".dist-info/entry_points.txt")))
    assert "divio_tui/ui/app.tcss" in source
    assert packaged == source
    assert b"divio-tui = divio_tui.__main__:main" in entry_points


def test_the_installed_tool_runs_from_its_venv_alone(tool_venv: Path, tmp_path: Path) -> None:
    program = tool_venv / "bin" / "divio-tui"
    version = run_tool(tool_venv, tmp_path, str(program), "--version")
    assert (version.returncode, version.stdout.strip()) == (0, f"divio-tui {divio_tui.__version__}")

    organisations = run_tool(tool_venv, tmp_path, str(program), "--demo", "get", "organisations")
    assert (organisations.returncode, organisations.stderr) == (0, "")
    assert [org["name"] for org in json.loads(organisations.stdout)] == [
        "Northwind Digital", "Globex Corporation", "Tiny Robots"]

    completion = run_tool(tool_venv, tmp_path, str(program), "completion", "bash")
    assert completion.returncode == 0 and "_shtab_divio_tui" in completion.stdout

    where = run_tool(tool_venv, tmp_path, str(tool_venv / "bin" / "python"), "-c",
                     "import divio_tui; print(divio_tui.__file__)")
    assert Path(where.stdout.strip()).is_relative_to(tool_venv)


def test_the_installed_explorer_loads_its_stylesheet(tool_venv: Path, tmp_path: Path) -> None:
    # The explorer on the demo, headless, long enough to load app.tcss and draw the tree.
    script = """
import asyncio
from divio_tui.cli.clients import build_client
from divio_tui.settings import load_settings
from divio_tui.ui.app import DivioApp

async def main():
    settings = load_settings(demo=True)
    app = DivioApp(build_client(settings, observer=None), settings, owns_client=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        tree = app.explorer.resource_tree
        print(tree.root.children[0].label.plain)

asyncio.run(main())
"""
    result = run_tool(tool_venv, tmp_path, str(tool_venv / "bin" / "python"), "-c", script)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.strip() == "Organisations (3)"
