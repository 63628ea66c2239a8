"""Private Textual names are used in one module only, written for the Textual we pin."""

from __future__ import annotations

import re
from pathlib import Path

import textual

from divio_tui.ui import _textual

UI = Path(_textual.__file__).parent


def test_the_private_uses_were_written_for_the_installed_textual() -> None:
    # An upgrade fails here first: re-read the names listed in ui/_textual.py's docstring in
    # the new Textual's source, then move TEXTUAL_VERSION (and pyproject.toml's pin) on.
    assert textual.__version__ == _textual.TEXTUAL_VERSION


def test_no_other_ui_module_imports_a_private_textual_module() -> None:
    private = re.compile(r"^\s*(from|import)\s+textual(\.\w+)*\._\w+", re.M)
    offenders = [str(path.relative_to(UI)) for path in UI.rglob("*.py")
                 if path.name != "_textual.py" and private.search(path.read_text())]
    assert offenders == []
