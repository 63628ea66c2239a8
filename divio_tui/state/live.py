"""What is still moving, and how often to look again: Textual-free rules for live state.

- `moving(kind, raw)`: a resource whose state will still change by itself — a deployment
  without an end (WORKING, QUEUED…), a backup not COMPLETED and without an outcome, a
  service-instance backup without an end.
- `progress(kind, raw)`: its `percent` when the API gives one (deployments), else None.
- `outcome(kind, raw)`: how it ended, in words, for the toast ("success", "failed",
  "PARTIAL"…).
- `Backoff`: the delays between two looks — short at first, longer while nothing changes or
  requests fail, capped; `reset` when something changed. The log follower and the refresher
  of moving resources both pace themselves with it, so a screen left open all night sends a
  bounded number of requests per minute.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["MOVING_KINDS", "Backoff", "moving", "outcome", "progress"]

MOVING_KINDS = frozenset({"deployment", "backup", "service_instance_backup"})
"""Kinds that can be running."""


def moving(kind: str, raw: Mapping[str, Any]) -> bool:
    """Will this resource still change by itself (see the module docstring)?"""
    if kind == "deployment":
        return raw.get("ended_at") is None and raw.get("success") is None
    if kind == "backup":
        return raw.get("state") != "COMPLETED" and raw.get("success") is None
    if kind == "service_instance_backup":
        return raw.get("ended_at") is None
    return False


def progress(kind: str, raw: Mapping[str, Any]) -> int | None:
    """The percentage done, when the resource says (a deployment's `percent`), 0..100."""
    value = raw.get("percent") if kind == "deployment" else None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return max(0, min(100, int(value)))


def outcome(kind: str, raw: Mapping[str, Any]) -> str:
    """How a finished resource ended, in a word or two."""
    if kind == "deployment":
        success = raw.get("success")
        return "success" if success is True else "failed" if success is False else "ended"
    if kind == "backup":
        success = raw.get("success")
        return {"SUCCESS": "success", "FAILURE": "failed", "PARTIAL": "partly failed"}.get(
            str(success), str(success or raw.get("state") or "ended").lower())
    if kind == "service_instance_backup":
        return "failed" if raw.get("errors") else "done"
    return "ended"


def failed(kind: str, raw: Mapping[str, Any]) -> bool:
    """Did it end badly (the toast is then an error)?"""
    return outcome(kind, raw) in {"failed", "partly failed"}


@dataclass
class Backoff:
    """Delays between two looks: `first`, then growing by `factor` up to `cap` seconds."""

    first: float = 1.0
    factor: float = 2.0
    cap: float = 30.0
    _next: float = field(default=0.0, init=False)

    def __post_init__(self) -> None:
        self._next = self.first

    def next(self) -> float:
        """The delay to wait now; the one after it is longer (up to the cap)."""
        delay = self._next
        self._next = min(self.cap, self._next * self.factor)
        return delay

    def peek(self) -> float:
        return self._next

    def reset(self) -> None:
        """Something happened: look again soon."""
        self._next = self.first
