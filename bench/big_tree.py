"""Big trees: the huge fake's 20,000-backup environment in the explorer.

Run in a process of its own (`python -m bench.big_tree BASE_URL ours|plain`, one JSON line
out) so that its peak RSS is the explorer's alone; the huge fake is served from another
(`common.served("huge")`, 20 ms latency). Each figure is taken in-process with Textual's
`run_test` pilot, frames timed as `ui.Frames` says:

- expanding the group: from the key that opens massive-archive/live's Backups group to the
  first frame drawn with a backup in it. Target: one round trip (20 ms) + 100 ms. The
  environment is passed on the way without resting (the summary would read its backups).
- keypresses while pages stream in: `load more` asked again each time a batch lands, until
  all 20,000 backups are nodes, while a key (down, up, …) is sent every 40 ms the way the
  terminal driver sends it; each latency runs from the key to the first frame drawn after the
  cursor moved. Target p95 <= 50 ms and within 1.2x of the baseline: a plain Textual `Tree`
  holding as many nodes (`plain`), keys sent the same way, in the same harness.
- peak RSS of the process with the 20,000 nodes loaded. Target <= 200 MB.
"""

from __future__ import annotations

import asyncio
import json
import math
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Tree

from .common import LATENCY_MS, Result, secs, served

BACKUPS = 20_000
KEY_EVERY = 0.04
TARGET_FIRST = LATENCY_MS / 1000 + 0.100
TARGET_P95 = 0.050
TARGET_VS_PLAIN = 1.2
TARGET_RSS_MB = 200
STREAM_FOR = 40.0
"""Seconds of streaming at most: loading all 20,000 nodes takes minutes today, longer than
`make bench` may take; the figures then say how many were loaded."""


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def _rss_mb() -> float:
    """This process's peak resident set (VmHWM): `getrusage` would count the parent's too,
    Linux keeps a process's peak across `exec`."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _Keys:
    """Sends keys to `app` as its driver would and times each to the frame that shows it."""

    def __init__(self, app: App[Any], tree: Tree[Any], frames: Any,
                 probe: Callable[[], object]) -> None:
        self.app = app
        self.tree = tree
        self.frames = frames
        self.probe = probe
        """What the frames' probe says once the key has been handled."""
        self.latencies: list[float] = []

    def send(self, key: str) -> float:
        """Send `key` as the terminal driver does; returns when it was sent."""
        event = events.Key(key, None)
        event.set_sender(self.app)
        assert self.app._driver is not None
        sent = time.perf_counter()
        self.app._driver.send_message(event)
        return sent

    async def press(self, key: str) -> None:
        """Send `key` and time it to the first frame drawn with the cursor where it went."""
        before = self.tree.cursor_line
        sent = self.send(key)
        while self.tree.cursor_line == before:
            await asyncio.sleep(0.001)
        shown = await self.frames.first_showing(self.probe(), sent)
        self.latencies.append(shown - sent)

    async def keep_pressing(self, until: asyncio.Event) -> None:
        step = 0
        while not until.is_set():
            await self.press("down" if step % 6 < 3 else "up")
            step += 1
            await asyncio.sleep(KEY_EVERY)


async def _ours(base_url: str) -> dict[str, Any]:
    from divio_tui.state.nodes import GroupData, ResourceData, StatusData

    from .common import Counter
    from .ui import SIZE, Frames, explorer, find_node, resource, settle, tree

    counter = Counter()
    app = explorer(base_url, counter)
    async with app.run_test(size=SIZE) as pilot:
        widget = tree(app)
        watched: list[Any] = []  # the Backups group, once found

        def probe() -> tuple[int, bool]:
            shown = bool(watched) and any(isinstance(child.data, ResourceData)
                                          for child in watched[0].children)
            return widget.cursor_line, shown

        frames = Frames(app, probe)
        await settle(pilot)
        apps = [item async for item in app.client.iter_items(
            "application", {"slug": "massive-archive"})]
        environments = [item async for item in app.client.iter_items(
            "environment", {"application": apps[0].uuid})]
        environment = next(env for env in environments if env.slug == "live")
        # The application's node, then its environments without resting on one.
        worker = widget.reveal("application", apps[0].uuid)
        await worker.wait()
        await settle(pilot)
        application = widget.cursor_node
        assert application is not None
        application.expand()
        await settle(pilot)
        env_node = find_node(app, resource("environment", uuid=environment.uuid))
        env_node.expand()
        await pilot.pause()
        backups = next(child for child in env_node.children
                       if isinstance(child.data, GroupData) and child.data.kind == "backup")
        widget.move_cursor(backups)
        await settle(pilot)
        watched.append(backups)

        sent = _Keys(app, widget, frames, probe).send("right")
        first = await frames.first_showing((widget.cursor_line, True), sent) - sent

        # Stream the rest in, a `load more` each time a batch has landed, keys all along.
        keys = _Keys(app, widget, frames, probe)
        done = asyncio.Event()
        pressing = asyncio.create_task(keys.keep_pressing(done))
        started = time.perf_counter()
        while time.perf_counter() - started < STREAM_FOR:
            # `load more` is the last line: looking at all 20,000 children every 10 ms would
            # be the harness's own O(nodes) work on the event loop it measures.
            more = [child for child in backups.children[-3:]
                    if isinstance(child.data, StatusData) and child.data.kind == "load-more"]
            loading = any(worker.is_running and worker.group == f"load-{backups.id}"
                          for worker in app.workers)
            if not more and not loading:
                break
            if more and not loading:
                widget.reloader.retry(more[0])
            await asyncio.sleep(0.01)
        streamed = time.perf_counter() - started
        done.set()
        await pressing
        loaded = sum(isinstance(child.data, ResourceData) for child in backups.children)
        rest = _Keys(app, widget, frames, probe)
        for step in range(30):
            await rest.press("down" if step % 6 < 3 else "up")
            await asyncio.sleep(KEY_EVERY)
        return {"first": first, "latencies": keys.latencies, "at_rest": rest.latencies,
                "loaded": loaded, "streamed": streamed, "requests": counter.requests,
                "rss_mb": _rss_mb()}


class _PlainTree(App[None]):
    def compose(self) -> ComposeResult:
        tree: Tree[None] = Tree("Backups")
        group = tree.root.add("Backups (20,000)", expand=True)
        for number in range(BACKUPS):
            group.add_leaf(f"2026-11-{1 + number % 28:02d} 02:{number % 60:02d}  COMPLETED  "
                           f"SUCCESS  {number:05d}")
        tree.root.expand()
        yield tree


async def _plain() -> dict[str, Any]:
    from .ui import SIZE, Frames

    app = _PlainTree()
    async with app.run_test(size=SIZE) as pilot:
        widget = app.query_one(Tree)

        def probe() -> int:
            return widget.cursor_line

        frames = Frames(app, probe)
        widget.focus()
        await pilot.pause()
        widget.cursor_line = 1
        await pilot.pause()
        keys = _Keys(app, widget, frames, probe)
        for step in range(60):
            await keys.press("down" if step % 6 < 3 else "up")
            await asyncio.sleep(KEY_EVERY)
        return {"latencies": keys.latencies, "rss_mb": _rss_mb()}


def _child(*args: str) -> dict[str, Any]:
    out = subprocess.run([sys.executable, "-m", "bench.big_tree", *args], check=True,
                         capture_output=True, text=True, timeout=STREAM_FOR + 120)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def run() -> list[Result]:
    with served("huge", "plain") as (base_url,):
        ours = _child(base_url, "ours")
    plain = _child("-", "plain")
    p95 = _p95(ours["latencies"])
    p95_plain = _p95(plain["latencies"])
    vs_plain = p95 / p95_plain
    return [
        Result(f"big tree: expand the {BACKUPS:,}-backup group to its first children on screen",
               secs(ours["first"]), f"one round trip + 100 ms = {secs(TARGET_FIRST)}",
               f"{ours['first'] / TARGET_FIRST:.2f}x", f"<= {secs(TARGET_FIRST)}",
               ours["first"] <= TARGET_FIRST),
        Result(f"big tree: key to repaint while backups stream in ({ours['loaded']:,} "
               f"loaded in {ours['streamed']:.0f} s), p95 of {len(ours['latencies'])} keys",
               secs(p95), f"plain Textual Tree of {BACKUPS:,} nodes: p95 {secs(p95_plain)}",
               f"{vs_plain:.2f}x", f"<= 50 ms and <= {TARGET_VS_PLAIN}x",
               p95 <= TARGET_P95 and vs_plain <= TARGET_VS_PLAIN),
        Result(f"  the same at rest, {ours['loaded']:,} nodes loaded, p95 of "
               f"{len(ours['at_rest'])} keys", secs(_p95(ours["at_rest"])),
               f"plain Tree p95 {secs(p95_plain)}",
               f"{_p95(ours['at_rest']) / p95_plain:.2f}x"),
        Result(f"big tree: peak RSS with {ours['loaded']:,} backup nodes loaded "
               f"({ours['requests']:,} requests sent)", f"{ours['rss_mb']:.0f} MB",
               f"plain Tree of {BACKUPS:,} nodes: {plain['rss_mb']:.0f} MB",
               f"{ours['rss_mb'] / plain['rss_mb']:.2f}x",
               f"<= {TARGET_RSS_MB} MB with {BACKUPS:,}",
               ours["rss_mb"] <= TARGET_RSS_MB and ours["loaded"] >= BACKUPS),
    ]


def main(argv: list[str]) -> int:
    base_url, which = argv
    result = asyncio.run(_ours(base_url) if which == "ours" else _plain())
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
