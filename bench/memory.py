"""Memory held per backup: our pydantic models vs the raw JSON dicts they come from.

The models keep the original JSON (`model.raw`) so the detail pane can show every field, even
ones we do not model; this measures what that costs next to keeping only the dicts.
"""

from __future__ import annotations

import gc
import json
import tracemalloc

from divio_tui.api.models import Backup

from .common import large_dataset, row


def _peak(build: object) -> tuple[float, int]:
    gc.collect()
    tracemalloc.start()
    kept = build()  # type: ignore[operator]
    current, _peak_bytes = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    count = len(kept)
    del kept
    return current / count, count


def run() -> list[str]:
    wire = json.dumps(large_dataset().collections["backups"])
    raw_per_item, count = _peak(lambda: json.loads(wire))
    model_per_item, _ = _peak(lambda: [Backup.model_validate(item) for item in json.loads(wire)])
    return [
        f"memory held per backup ({count} backups parsed from the wire)",
        row("bytes per backup (models vs plain dicts)", model_per_item, raw_per_item, "B"),
    ]
