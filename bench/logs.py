"""Opening and scrolling a 100,000-line log: the line-virtualised `LogView` vs simpler ways.

The log is the fake's "deploy_log_huge" deployment (scale huge): 100,000 lines, ~5 MB, read
through the client (in-process transport, no latency) as the log screen reads it. Each way is
measured in the same run, headless, at 120x36:

- ours: `DeploymentLogReader` into a `LogBuffer`, a `LogView` on it (one `render_line` per
  screen line);
- the simple way: the whole log as one Rich `Text` in a `Static` inside a `VerticalScroll`
  (what a first version would do: every line laid out up front);
- Textual's own `Log` widget (also line-based), for reference.

"open" is from the request to the first screen drawn; "scroll" is one page down, drawn
(the average over `PAGES` pages spread over the whole log; ours draws each page from scratch,
its line cache emptied), and the same view over the log's first 100 lines shows what scrolling
costs when the log is small. A last row measures following:
200 new lines arriving in a 100,000-line buffer with a filter on, which `FilteredLog` takes
in by looking at the new lines only, against filtering the whole buffer again.
"""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Log, Static

from divio_tui.api import DivioClient
from divio_tui.fake import FakeDivioAPI, FakeTransport, generate
from divio_tui.state.logs import DeploymentLogReader, FilteredLog, LogBuffer, LogQuery
from divio_tui.ui.logs.view import LogView

from .common import row

SIZE = (120, 36)
PAGES = 40
ROUNDS = 3


class _Host(App[None]):
    """An app holding one widget to measure."""

    def __init__(self, widget: Widget) -> None:
        super().__init__()
        self.widget = widget

    def compose(self) -> ComposeResult:
        yield self.widget


def _draw(widget: Widget, scroller: Widget | None) -> None:
    """Draw the lines of `widget` on screen now (what a frame costs it). Inside a scrolling
    container, that is the part of its (whole) render the container shows."""
    if scroller is None:
        region = widget.region
        widget.render_lines(Region(0, 0, region.width, region.height))
        return
    view = scroller.scrollable_content_region
    widget.render_lines(Region(0, int(scroller.scroll_y), view.width, view.height))


async def _measure(widget: Widget, fill: Any, scroller: Widget | None = None,
                   host: Widget | None = None) -> tuple[float, float]:
    """(seconds to open, seconds per page scrolled) for `widget`, filled by `fill()`;
    `scroller` is the container that scrolls it (default: itself), `host` what is mounted."""
    app = _Host(host or widget)
    async with app.run_test(size=SIZE) as pilot:
        started = time.perf_counter()
        await fill()
        await pilot.pause()
        _draw(widget, scroller)
        opened = time.perf_counter() - started
        target = scroller or widget
        height = max(1, target.scrollable_content_region.height)
        step = max(height, int(target.max_scroll_y) // PAGES)
        scrolled = float("inf")
        for offset in range(ROUNDS):  # the best of a few rounds: the machine is shared
            started = time.perf_counter()
            for page in range(PAGES):
                target.scroll_to(y=min(target.max_scroll_y, page * step + offset), animate=False,
                                 immediate=True)
                if isinstance(widget, LogView):
                    widget.clear_cache()  # every page drawn from scratch, even in a small log
                    widget.refresh()
                _draw(widget, scroller)
            scrolled = min(scrolled, (time.perf_counter() - started) / PAGES)
    return opened, scrolled


async def _bench() -> list[str]:
    dataset = generate("huge")
    env = dataset.special_environment("deploy_log_huge")
    deployment = dataset.where("deployments", "environment", env["uuid"])[0]["uuid"]
    api = FakeDivioAPI(dataset)
    client = DivioClient("https://api.divio.com/apps/v3/", "bench", transport=FakeTransport(api))

    buffer = LogBuffer()
    view = LogView(FilteredLog(buffer), numbered=True)

    async def fill_ours() -> None:
        await DeploymentLogReader(client, deployment, buffer).read()
        view.refresh_log(follow=False)

    ours = await _measure(view, fill_ours)
    lines = len(buffer)

    static = Static("")
    scroll = VerticalScroll(static)

    async def fill_static() -> None:
        text = (await client.deployment_log(deployment)).logs
        static.update(Text(text))

    simple = await _measure(static, fill_static, scroller=scroll, host=scroll)

    log_widget = Log()

    async def fill_log() -> None:
        text = (await client.deployment_log(deployment)).logs
        log_widget.write_lines(text.splitlines())

    textual_log = await _measure(log_widget, fill_log)
    await client.aclose()

    # The same view on a 100-line log: scrolling should cost the same.
    small_buffer = LogBuffer()
    small_buffer.append_texts(buffer.texts[:100])
    small = LogView(FilteredLog(small_buffer), numbered=True)

    async def fill_small() -> None:
        small.refresh_log(follow=False)

    hundred = await _measure(small, fill_small)

    # Following with a filter on: 200 new lines into the full buffer.
    filtered = FilteredLog(buffer)
    filtered.set(query=LogQuery.parse("~\\.svg'$"))
    extra = [f"Copying '/app/static/new/{n:06d}.svg'" for n in range(200)]
    started = time.perf_counter()
    buffer.append_texts(extra)
    incremental = filtered.match_count
    follow_ours = time.perf_counter() - started
    pattern = re.compile(r"\.svg'$")
    started = time.perf_counter()
    again = sum(1 for text in buffer.texts if pattern.search(text))
    follow_baseline = time.perf_counter() - started
    assert again == incremental

    return [
        f"a {lines:,}-line deployment log at {SIZE[0]}x{SIZE[1]} (fake, in-process)",
        row("open, vs the whole log in one Static", ours[0], simple[0]),
        row("page down, vs one Static (all laid out)", ours[1] * 1000, simple[1] * 1000, "ms"),
        row("open, vs Textual's Log widget", ours[0], textual_log[0]),
        row("page down, vs Textual's Log widget", ours[1] * 1000, textual_log[1] * 1000, "ms"),
        row("page down: 100,000 lines vs 100 lines", ours[1] * 1000, hundred[1] * 1000, "ms"),
        row("200 new lines, filter on, vs filter again", follow_ours * 1000, follow_baseline * 1000,
            "ms"),
    ]


def run() -> list[str]:
    return asyncio.run(_bench())
