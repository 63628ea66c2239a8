"""Regenerate `screenshots/*.svg` (and `.png` when `rsvg-convert` is installed) from the demo.

Run with `make screenshots` (or `python -m tests.ui.make_screenshots [NAME ...]`). Every scene
runs the real app on the demo dataset at FIXED_NOW with a fixed clock, so the pictures only
change when the UI does. PNGs need librsvg's `rsvg-convert` (Debian/Ubuntu:
`apt-get install librsvg2-bin`); without it the SVGs are still written.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from divio_tui.api.client import DivioClient
from divio_tui.fake.dataset import FIXED_NOW, generate
from divio_tui.fake.server import FakeDivioAPI
from divio_tui.fake.transport import FakeTransport
from divio_tui.settings import AppPaths, Settings
from divio_tui.ui.app import DivioApp
from tests.ui.helpers import (
    acme_live_backup,
    fixed_clock,
    group,
    make_app,
    no_blink,
    open_path,
    press,
    resource,
    settle,
)

OUT = Path(__file__).resolve().parents[2] / "screenshots"
"""Where the pictures go (the repository's `screenshots/`)."""

TO_LIVE = ["down", "l", "down", "l", "down", "down", "down", "l"]
"""Start screen -> Northwind Digital -> ACME Shop -> live, opened."""


@dataclass(frozen=True)
class Scene:
    name: str
    description: str
    size: tuple[int, int]
    steps: Callable[[Pilot[Any]], Awaitable[None]]
    api: Callable[[], FakeDivioAPI] = lambda: FakeDivioAPI(now=FIXED_NOW)
    app: Callable[[FakeDivioAPI], DivioApp] = make_app
    """Builds the app on the scene's API (default: the explorer on the demo data)."""


def _signed_out_app(api: FakeDivioAPI) -> DivioApp:
    """First run: no token anywhere, so the app opens on the sign-in screen."""
    home = Path.home()
    settings = Settings(paths=AppPaths(home / ".config" / "divio-tui",
                                       home / ".local" / "state" / "divio-tui" / "log",
                                       home / ".cache" / "divio-tui"))

    def factory(settings: Settings) -> DivioClient:
        return DivioClient(settings.api_url, settings.token_value, transport=FakeTransport(api))

    return DivioApp(client=factory(settings), settings=settings, clock=fixed_clock,
                    owns_client=True, client_factory=factory)


async def _start(pilot: Pilot[Any]) -> None:
    await settle(pilot)


async def _backups(pilot: Pilot[Any]) -> None:
    await press(pilot, *TO_LIVE, "l", "l", "l", "down", "l", "l")


async def _backup_summary(pilot: Pilot[Any]) -> None:
    # Northwind Digital > Harbour Museum > live: its newest backup failed.
    await press(pilot, "down", "l", "down", "down", "down", "down", "l", "down", "down", "down")


async def _backups_table(pilot: Pilot[Any]) -> None:
    await press(pilot, *TO_LIVE, "b", "down", "down", "right", "right", "right")


async def _deployment(pilot: Pilot[Any]) -> None:
    await press(pilot, *TO_LIVE, "l", "down", "l", "l")


async def _variables(pilot: Pilot[Any]) -> None:
    await press(pilot, *TO_LIVE, "l", "down", "down", "down", "l", "l")


async def _error(pilot: Pilot[Any]) -> None:
    await press(pilot, *TO_LIVE, "l", "down", "l", "l")


async def _sign_in(pilot: Pilot[Any]) -> None:
    no_blink(pilot)
    await pilot.press(*"0123456789abcdef0123456789abcdef")  # masked as it is typed


async def _help(pilot: Pilot[Any]) -> None:
    await press(pilot, "f1")


async def _palette(pilot: Pilot[Any]) -> None:
    await press(pilot, "down", "l", "ctrl+p")
    no_blink(pilot)
    await pilot.press(*"go acme")
    await pilot.pause(0.5)
    await settle(pilot)


async def _jump(pilot: Pilot[Any]) -> None:
    backup = acme_live_backup(generate("demo", now=FIXED_NOW))
    await press(pilot, "colon")
    no_blink(pilot)
    await pilot.press(*backup["uuid"])  # pasted: looked up as each kind it could be
    await settle(pilot)


async def _references(pilot: Pilot[Any]) -> None:
    # A service instance backup; tab onto its references, follow its service instance.
    await press(pilot, *TO_LIVE, "l", "l", "l", "down", "l", "l", "tab", "down", "enter", "down")


FLEET_TEST = ["colon", *"tinyrobots-fleet", "enter", "l", "down", "down"]
"""The palette to Fleet Control, open, its test environment (after the repository)."""


async def _compare(pilot: Pilot[Any]) -> None:
    # = on Fleet Control's test: against live, differences first; the cursor on WORKERS.
    await press(pilot, *FLEET_TEST, "equals_sign", *["down"] * 8)


async def _compare_deployments(pilot: Pilot[Any]) -> None:
    # Fleet Control's live, its newest deployment (it failed): = against the one before.
    await press(pilot, *FLEET_TEST, "down", "l", "down", "down", "l", "down", "equals_sign",
                "down")
def _hostile_app(api: FakeDivioAPI) -> DivioApp:
    """The explorer on the hostile fake's names-ansi case: every name carries escape sequences
    (colour, an OSC 8 link, an OSC 52 clipboard write, clear-screen)."""
    from divio_tui.fake.hostile import HostileAPI

    url = "https://api.demo.invalid/hostile/names-ansi/apps/v3/"
    fields: dict[str, Any] = {"api_url": url, "token": "s3cret-token-never-shown",
                              "token_source": "env DIVIO_TOKEN"}
    client = DivioClient(url, "s3cret-token-never-shown", transport=FakeTransport(HostileAPI(api)))
    return DivioApp(client=client, settings=Settings(**fields), clock=fixed_clock,
                    owns_client=True)


async def _hostile(pilot: Pilot[Any]) -> None:
    await press(pilot, "down", "l", "down")


async def _logs(pilot: Pilot[Any]) -> None:
    # ACME Shop live: L opens its runtime logs; S S keeps the worker's lines.
    await press(pilot, *TO_LIVE[:-1], "L", "S", "S")


async def _deploy_log(pilot: Pilot[Any]) -> None:
    # Fleet Control live (Tiny Robots): its runtime logs, then d: its last deployment's log.
    await press(pilot, "down", "down", "down", "l", "down", "down", "down", "l", "down", "down",
                "down", "L", "d")


async def _backup_health(pilot: Pilot[Any]) -> None:
    # H on Organisations: every environment; the cursor on a failing service.
    await press(pilot, "H", "down", "down", "down", "right", "right", "right")


async def _application_environments(pilot: Pilot[Any]) -> None:
    # Tiny Robots > Robot Parts Store (tinyrobots-store), the detail pane made wider.
    await press(pilot, "down", "down", "down", "l", *["down"] * 5,
                *["less_than_sign"] * 4)


def _failing_api() -> FakeDivioAPI:
    api = FakeDivioAPI(now=FIXED_NOW)
    api.fail_next("deployments", 503, times=40)  # the summaries read deployments too
    return api


def _flaky_regions_api() -> FakeDivioAPI:
    api = FakeDivioAPI(now=FIXED_NOW)
    api.fail_next("regions", 503)  # the Regions group's first try: retried
    return api


async def _request_log(pilot: Pilot[Any]) -> None:
    app: Any = pilot.app
    api = app.client._http._transport.api  # the scene's fake, to break one request
    # One after the other: Regions (a 503, then its retry), a region's services, another's
    # (a 404), then Northwind Digital and ACME Shop.
    regions = await open_path(pilot, group("region"))
    first, second = regions.children[:2]
    await open_path(pilot, resource("region", uuid=first.data.uuid))
    api.fail_next("services", 404)
    await open_path(pilot, resource("region", uuid=second.data.uuid))
    await open_path(pilot, resource("organisation", name="Northwind Digital"),
                    resource("application", slug="acme-shop"))
    for entry in app.request_log.entries:
        entry.elapsed_ms = 20.0 + (entry.number * 37) % 90  # the machine's timings vary
    app.clear_notifications()
    await press(pilot, "ctrl+l", "down", "down", "down")


async def _divio_command(pilot: Pilot[Any]) -> None:
    # A database service-instance backup of live: D copies its `divio app pull db`.
    await press(pilot, *TO_LIVE, "l", "l", "l", "down", "l", "D")


SCENES: list[Scene] = [
    Scene("start", "The start screen: organisations and the connection", (120, 36), _start),
    Scene("backups", "Backups of live with sizes; one opened to its service-instance backups",
          (120, 36), _backups),
    Scene("backup-summary", "An environment's latest good backup per service (the newest "
          "one failed)", (120, 36), _backup_summary),
    Scene("backups-table", "b: every backup of live as a sortable table", (120, 36),
          _backups_table),
    Scene("deployment", "A deployment's summary and JSON", (120, 36), _deployment),
    Scene("environment-variables", "Environment variables, sensitive ones masked", (120, 36),
          _variables),
    Scene("error", "A failed load: error node, toast, retry with r", (120, 36), _error,
          _failing_api),
    Scene("sign-in", "First run without a token: the sign-in screen", (100, 30), _sign_in,
          app=_signed_out_app),
    Scene("help", "F1: every key", (120, 36), _help),
    Scene("palette", "ctrl+p: go to any loaded resource", (120, 36), _palette),
    Scene("jump", ": and a pasted UUID: found, with where it lives", (120, 36), _jump),
    Scene("references", "A service instance reached from its backup: its references, one "
          "selected", (120, 36), _references),
    Scene("narrow", "80x24, deep in the tree", (80, 24), _backups),
    Scene("compare", "=: test against live, the surprising differences first", (120, 36),
          _compare),
    Scene("compare-deployments", "= on a deployment: what changed since the deploy before",
          (120, 36), _compare_deployments),
    Scene("request-log", "ctrl+l: every request, newest first, who asked; a retried 503",
          (120, 36), _request_log, _flaky_regions_api),
    Scene("divio-command", "D on a backup: the divio-cli command that pulls its database",
          (120, 36), _divio_command),
    Scene("hostile", "Names full of escape sequences, shown literally (fake-api --hostile)",
          (120, 36), _hostile, app=_hostile_app),
    Scene("logs", "L: ACME Shop live's runtime logs, filtered to the worker service", (120, 36),
          _logs),
    Scene("deploy-log", "d: the last deployment's log, a build failing at step 9/12",
          (120, 36), _deploy_log),
    Scene("backup-health", "H: every environment's backups, worst first; a failing service "
          "under the cursor", (120, 36), _backup_health),
    Scene("application-environments", "An application at a glance: its environments, their "
          "backups and deployments", (120, 36), _application_environments),
]
"""Every picture `make screenshots` draws (README.md shows each in its section)."""


async def capture(scene: Scene) -> str:
    """Run the scene and return its SVG."""
    app = scene.app(scene.api())
    async with app.run_test(size=scene.size, notifications=True) as pilot:
        await settle(pilot)
        await scene.steps(pilot)
        await settle(pilot)
        # Toasts mount a moment after their notification; let them (and any animation) land.
        await pilot.wait_for_scheduled_animations()
        await pilot.pause(0.3)
        svg = app.export_screenshot(title="divio-tui")
    # librsvg collapses the non-breaking spaces Rich uses for indentation unless told to
    # preserve whitespace; browsers do not care either way.
    return svg.replace("<svg ", '<svg xml:space="preserve" ', 1)


def to_png(svg_path: Path, converter: str) -> Path:
    png = svg_path.with_suffix(".png")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / png.name
        subprocess.run([converter, "--zoom", "1", "-o", str(out), str(svg_path)], check=True)
        shutil.move(str(out), png)
    return png


def main(argv: list[str] | None = None) -> int:
    wanted = set(argv if argv is not None else sys.argv[1:])
    scenes = [scene for scene in SCENES if not wanted or scene.name in wanted]
    unknown = wanted - {scene.name for scene in SCENES}
    if unknown:
        print(f"unknown scene(s): {', '.join(sorted(unknown))}; "
              f"known: {', '.join(s.name for s in SCENES)}", file=sys.stderr)
        return 2
    OUT.mkdir(exist_ok=True)
    converter = shutil.which("rsvg-convert")
    if converter is None:
        print("rsvg-convert not found: writing SVGs only "
              "(install librsvg2-bin for PNGs)", file=sys.stderr)
    for scene in scenes:
        svg_path = OUT / f"{scene.name}.svg"
        svg_path.write_text(asyncio.run(capture(scene)), encoding="utf-8")
        written = [svg_path.name]
        if converter is not None:
            written.append(to_png(svg_path, converter).name)
        print(f"{scene.name:24} {' '.join(written)}  — {scene.description}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
