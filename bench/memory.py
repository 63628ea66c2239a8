"""Memory held per parsed record: our models vs the plain JSON dicts they come from.

The pages are the fake's own response bodies (100 records each). The baseline keeps what
`json.loads` makes of each page's results; ours keeps what the client makes of the same bytes
(`load_json` then `parse_page`): models that show the exact JSON the server sent (`raw`), with
every field typed for the code that reads them. Measured with tracemalloc, which counts every
Python allocation still alive.
"""

from __future__ import annotations

import gc
import json
import tracemalloc
from collections.abc import Callable
from typing import Any

from divio_tui.api.models import ApiModel, Backup, ServiceInstanceBackup
from divio_tui.api.pages import parse_page
from divio_tui.api.responses import load_json
from divio_tui.fake import FakeDivioAPI

from .common import Result, large_dataset, times

TARGET = 1.0


def _held(build: Callable[[], list[list[Any]]]) -> tuple[float, int]:
    """Bytes still allocated per record once `build` returned, and how many records."""
    gc.collect()
    tracemalloc.start()
    kept = build()
    held, _peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    count = sum(map(len, kept))
    del kept
    return held / count, count


def _pages(route: str) -> list[bytes]:
    api = FakeDivioAPI(large_dataset())
    count = len(large_dataset().collections[route])
    return [api.handle("GET", f"/apps/v3/{route}/?page_size=100&page={number}",
                       {"Authorization": "Token bench"}).body
            for number in range(1, -(-count // 100) + 1)]


def _measure(route: str, model: type[ApiModel], noun: str) -> Result:
    bodies = _pages(route)
    url = f"http://127.0.0.1/apps/v3/{route}/?page=2"
    plain, count = _held(lambda: [json.loads(body)["results"] for body in bodies])
    ours, _ = _held(lambda: [parse_page(model, load_json(body), url=url).results
                             for body in bodies])
    ratio = ours / plain
    return Result(f"memory per parsed {noun} ({count:,} from the wire)", f"{ours:,.0f} B",
                  f"plain JSON dicts {plain:,.0f} B", times(ratio), f"<= {TARGET}x",
                  ratio <= TARGET)


def run() -> list[Result]:
    return [_measure("backups", Backup, "backup"),
            _measure("service-instance-backups", ServiceInstanceBackup,
                     "service-instance backup")]
