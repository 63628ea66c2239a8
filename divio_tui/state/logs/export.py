"""A log's lines as plain text, for the clipboard and for files.

A line reads as it does on screen, whole: runtime lines start with their time (ISO-8601 UTC,
every digit the API gave up to microseconds) and service, deployment lines are the text alone;
control characters stay the visible marks of the buffer, so what is copied or saved can never
act on a terminal later. Files are written by `divio_tui.saving.write_lines` (0600: logs can
hold secrets; never replacing a file unasked).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .buffer import LogBuffer

__all__ = ["ClipText", "clip_text", "export_line", "export_lines"]

COPY_LINES = 10_000
"""Lines a copy of what is shown takes at most (the clipboard goes through the terminal)."""

COPY_CHARS = 2_000_000
"""Characters a copy takes at most."""

_CONTINUATION = " " * 27


def export_line(buffer: LogBuffer, seq: int, *, timed: bool = True) -> str:
    """One line as text (see the module docstring)."""
    text = buffer.text(seq)
    if not timed:
        return text
    moment = buffer.time(seq)
    stamp = (moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ") if moment is not None else _CONTINUATION)
    service = buffer.service(seq)
    return f"{stamp} {service:<7} {text}" if service else f"{stamp} {text}"


def export_lines(buffer: LogBuffer, seqs: Iterable[int], *, timed: bool = True) -> Iterator[str]:
    for seq in seqs:
        yield export_line(buffer, seq, timed=timed)


@dataclass(frozen=True)
class ClipText:
    """What a copy of many lines holds: the text, how many lines, and how many were left out."""

    text: str
    lines: int
    left_out: int


def clip_text(buffer: LogBuffer, seqs: list[int] | range, *, timed: bool = True,
              max_lines: int = COPY_LINES, max_chars: int = COPY_CHARS) -> ClipText:
    """The newest lines of `seqs` that fit in a copy (the end of a log is what one wants)."""
    chosen: list[str] = []
    size = 0
    for seq in reversed(seqs):
        line = export_line(buffer, seq, timed=timed)
        if len(chosen) >= max_lines or size + len(line) + 1 > max_chars:
            break
        chosen.append(line)
        size += len(line) + 1
    chosen.reverse()
    return ClipText("\n".join(chosen), len(chosen), len(seqs) - len(chosen))
