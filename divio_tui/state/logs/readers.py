"""Filling a `LogBuffer` from the API: runtime logs page by page, a deployment's log whole.

Both readers make one request per call and never loop on their own: the screen decides when
to read (on open, when the user scrolls to the top, every second while following), so every
user action stays a bounded number of requests. Their errors are the API layer's
`ApiError`s, for the caller to show.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from divio_tui.api.logs import LogCursor, log_cursor
from divio_tui.api.models import Deployment, LogEntry

from .buffer import Line, LogBuffer, split_message, split_text

__all__ = ["DeploymentLogReader", "LogChange", "RuntimeLogReader"]


def _lines(entries: list[LogEntry]) -> list[Line]:
    lines: list[Line] = []
    for entry in entries:
        lines.extend(split_message(entry.timestamp, entry.service, entry.message))
    return lines


@dataclass(frozen=True)
class LogChange:
    """What one read did to the buffer."""

    added: int = 0
    """Lines added (at the new end, or at the old end for older pages)."""
    dropped: int = 0
    """Oldest lines dropped to stay within the cap."""
    replaced: bool = False
    """The whole log was read anew (its text changed other than by growing)."""


class RuntimeLogReader:
    """An environment's runtime logs into `buffer`: `open`, then `older` and `newer`."""

    def __init__(self, client: Any, environment: str, buffer: LogBuffer, *,
                 cursor: LogCursor | None = None) -> None:
        self.buffer = buffer
        self.cursor = cursor or log_cursor(client, environment)
        self.opened = False

    async def open(self) -> LogChange:
        """The most recent window of the log (the buffer starts again)."""
        entries = await self.cursor.newest()
        self.buffer.replace()
        self.opened = True
        dropped = self.buffer.append(_lines(entries))
        return LogChange(added=len(self.buffer), dropped=dropped, replaced=True)

    @property
    def can_read_older(self) -> bool:
        """Older lines exist and may be added: none were dropped (they would leave a gap)
        and the cap leaves room."""
        buffer = self.buffer
        return (self.opened and not self.cursor.older_exhausted and buffer.dropped == 0
                and not buffer.full)

    async def older(self) -> LogChange:
        """The page before the oldest line held (nothing when `can_read_older` is false)."""
        if not self.can_read_older:
            return LogChange()
        entries = await self.cursor.older()
        return LogChange(added=self.buffer.prepend(_lines(entries)))

    async def newer(self) -> LogChange:
        """Whatever was written since the newest line held ([] is the usual answer)."""
        entries = await self.cursor.newer()
        lines = _lines(entries)
        dropped = self.buffer.append(lines)
        return LogChange(added=len(lines), dropped=dropped)


class DeploymentLogReader:
    """A deployment's log into `buffer`, read whole each time; a growing log is appended."""

    def __init__(self, client: Any, deployment: str, buffer: LogBuffer) -> None:
        self.client = client
        self.deployment = deployment
        self.buffer = buffer
        self._text: str | None = None

    async def read(self) -> LogChange:
        """Read the log; lines it gained since the last read are appended to the buffer."""
        log = await self.client.deployment_log(self.deployment)
        return self.take(log.logs)

    async def status(self) -> Deployment:
        """The deployment itself (is it still running? how far?)."""
        deployment: Deployment = await self.client.get("deployment", self.deployment)
        return deployment

    def take(self, text: str) -> LogChange:
        """Bring the buffer to `text`: append what it added to the previous text, or start
        again when the earlier text changed."""
        old = self._text
        self._text = text
        buffer = self.buffer
        if old is not None and text == old:
            return LogChange()
        if old is None or not text.startswith(old):
            buffer.replace()
            dropped = buffer.append_texts(split_text(text))
            return LogChange(added=len(buffer), dropped=dropped, replaced=True)
        tail = text[len(old):]
        if old and not old.endswith("\n") and buffer.texts:
            # The last line was still being written: it gets its end, the rest follows.
            head, newline, rest = tail.partition("\n")
            buffer.replace_last(buffer.texts[-1] + split_text(head)[0] if head else
                                buffer.texts[-1])
            tail = rest if newline else ""
        lines = split_text(tail)
        dropped = buffer.append_texts(lines)
        return LogChange(added=len(lines), dropped=dropped)
