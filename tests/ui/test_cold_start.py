"""The first screen imports only what it shows (issue 14, the cold start of `make bench`).

The screens the explorer opens on a key (compare, logs, health, the request log, the help),
the palette's providers and pickers, and the fake's loopback server are imported when first
used. A fresh interpreter starts the demo the way `divio-tui --demo` does, waits until the
organisations are in the tree, and says which of those modules it imported by then; opening
the screens afterwards still works (it imports them), which the same process checks.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

NOT_ON_THE_FIRST_SCREEN = (
    "divio_tui.fake.loopback",
    "http.server",
    "tomli_w",
    "tomllib",  # read only when there is a config file (the demo in a clean HOME has none)
    "divio_tui.ui.compare.screen",
    "divio_tui.state.comparison",
    "divio_tui.state.compare",
    "divio_tui.state.query",
    "divio_tui.ui.health.screen",
    "divio_tui.ui.logs.screen",
    "divio_tui.ui.requests.screen",
    "divio_tui.ui.screens.help",
    "divio_tui.ui.screens.full_value",
    "divio_tui.ui.palette.jump",
    "divio_tui.ui.palette.pickers",
    "divio_tui.ui.backups.screen",
    "divio_tui.ui.screens.signin",
    # Textual builds a Rich traceback (which imports these) for a worker that fails: at the
    # first screen, one that ran before the header existed did.
    "rich.traceback",
    "pygments",
)

_SCRIPT = """
import asyncio, json, sys

from divio_tui.cli.clients import build_client
from divio_tui.settings import load_settings
from divio_tui.ui.app import DivioApp

HEAVY = json.loads(sys.argv[1])


def loaded():
    return [name for name in HEAVY if name in sys.modules]


async def main():
    settings = load_settings(demo=True, env=json.loads(sys.argv[2]))
    app = DivioApp(client=build_client(settings, observer=None), settings=settings,
                   owns_client=True, client_factory=build_client)
    report = {}
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(500):
            await pilot.pause(0.01)
            labels = [node.label.plain for node in app.explorer.resource_tree.visible_lines()]
            if any("Northwind Digital" in label for label in labels):
                break
        report["organisations shown"] = any("Northwind Digital" in label for label in labels)
        report["at the first screen"] = loaded()
        for key in ("question_mark", "escape"):
            await pilot.press(key)
            await pilot.pause()
        app.action_request_log()
        await pilot.pause()
        report["request log opened"] = type(app.screen).__name__
    print(json.dumps(report))


asyncio.run(main())
"""


def test_the_first_screen_does_not_import_the_screens_it_does_not_show(tmp_path: Path) -> None:
    env = {name: str(tmp_path / name) for name in
           ("DIVIO_TUI_CONFIG_DIR", "DIVIO_TUI_LOG_DIR", "DIVIO_TUI_CACHE_DIR")}
    env["HOME"] = str(tmp_path)
    out = subprocess.run(
        [sys.executable, "-c", _SCRIPT, json.dumps(NOT_ON_THE_FIRST_SCREEN), json.dumps(env)],
        capture_output=True, text=True, check=True, cwd=ROOT, timeout=120,
    )
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["organisations shown"]
    assert report["at the first screen"] == []
    assert report["request log opened"] == "RequestLogScreen"
