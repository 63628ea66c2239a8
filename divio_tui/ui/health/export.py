"""Exporting the backup health rows: the file's name and content.

`e` in the health view opens the one save prompt (ui/widgets/save_prompt.py) with a file
name (`backup-health-<scope>-<UTC time>.csv`); a name ending in `.json` gets the JSON document
of `divio-tui backups health --json`, any other the CSV of `state.health.csv_text` (one line
per environment and service). An existing file is replaced only when enter is pressed a second
time. What is exported is what the table shows: the rows the filter keeps, in its order.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from divio_tui.saving import write_new
from divio_tui.state.health import HealthRow, csv_text


def default_name(scope_title: str, now: datetime) -> str:
    """`backup-health-northwind-digital-20261125-1200.csv`."""
    slug = re.sub(r"[^a-z0-9]+", "-", scope_title.casefold()).strip("-")[:40] or "account"
    return f"backup-health-{slug}-{now:%Y%m%d-%H%M}.csv"


def export_text(path: Path, rows: list[HealthRow], document: dict[str, Any]) -> str:
    """The file's content: JSON for a `.json` name, CSV otherwise."""
    if path.suffix.lower() == ".json":
        return json.dumps(document, indent=2) + "\n"
    return csv_text(rows)


def write_export(path: Path, rows: list[HealthRow], document: dict[str, Any], *,
                 overwrite: bool = False) -> None:
    """Write the export as every save does (`saving.write_new`: 0600, an existing file
    replaced only with `overwrite`; raises OSError with the reason)."""
    write_new(path, export_text(path, rows, document), overwrite=overwrite)
