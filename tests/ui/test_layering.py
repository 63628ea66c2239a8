"""The explorer talks to the API layer only: `ui` never imports the fake server."""

from __future__ import annotations

import subprocess
import sys

import pytest

from divio_tui.settings import Settings
from divio_tui.ui.app import run_app


def test_the_ui_does_not_import_the_fake() -> None:
    code = (
        "import pkgutil, importlib, sys, divio_tui.ui as ui\n"
        "for m in pkgutil.iter_modules(ui.__path__): importlib.import_module(f'divio_tui.ui.{m.name}')\n"
        "print(sorted(n for n in sys.modules if n.startswith('divio_tui.fake')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_run_app_needs_the_cli_s_client_factory_for_the_demo() -> None:
    with pytest.raises(RuntimeError, match="client_factory"):
        run_app(Settings(demo=True))
