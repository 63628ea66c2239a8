"""How far something running has got: a bar for the detail pane, "updated 3 s ago"."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from divio_tui.ui.text.humanize import format_duration

__all__ = ["progress_bar", "updated_text"]


def progress_bar(percent: int, width: int = 24) -> Text:
    """`━━━━━━━━━━━━━━╺━━━━━━━━━  61 %`: done in the running colour, the rest muted."""
    percent = max(0, min(100, percent))
    done = round(width * percent / 100)
    bar = Text()
    bar.append("━" * done, "running")
    if done < width:
        bar.append("╺" + "━" * (width - done - 1), "muted")
    bar.append(f"  {percent} %")
    return bar


def updated_text(updated: datetime | None, now: datetime) -> Text:
    """`updated 3 s ago` (seconds count here: it is read while waiting), or nothing yet."""
    if updated is None:
        return Text("not refreshed yet", "muted")
    seconds = max(0.0, (now - updated).total_seconds())
    return Text(f"updated {format_duration(seconds)} ago · refreshes itself until it ends",
                "muted")
