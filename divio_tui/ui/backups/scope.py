"""Whose backups the backups table (`b`) shows: its own module, because the explorer builds
one for every environment it follows, long before (and often without) opening the table."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BackupsScope:
    """Whose backups the table shows: the environment, and the trail shown in its title."""

    environment: str
    crumbs: list[str]
    backup: str | None = None
    """The backup to put the cursor on first (None: the newest)."""
