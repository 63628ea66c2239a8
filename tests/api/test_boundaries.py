"""`divio_tui.api` imports no Textual/Rich and nothing from the fake (DESIGN.md: arrows run
one way; a client that shared code with the fake would hide the bugs they have in common)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import divio_tui.api

API_DIR = Path(divio_tui.api.__file__).parent
FORBIDDEN = ("textual", "rich", "divio_tui.fake", "divio_tui.ui")


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against divio_tui.api
                base = "divio_tui.api".rsplit(".", node.level - 1)[0]
                names.add(f"{base}.{node.module}" if node.module else base)
            else:
                names.add(node.module or "")
    return names


def test_no_api_module_imports_textual_rich_or_the_fake() -> None:
    offenders = {
        f"{path.name}: {name}"
        for path in API_DIR.glob("*.py")
        for name in imported_modules(path)
        if name.startswith(FORBIDDEN)
    }
    assert offenders == set()


def test_importing_the_api_loads_none_of_them() -> None:
    code = ("import sys, divio_tui.api; "
            f"print([m for m in sys.modules if m.startswith({FORBIDDEN!r})])")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"
