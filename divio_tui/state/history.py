"""Where the cursor was before each jump, so that `backspace` / `alt+left` can go back.

Only jumps are recorded — following a reference, a palette "go to", the backups view's
"show in tree" — not every cursor move: like a browser's back button, going back undoes a
jump, not a keystroke. A position is remembered by its node key (stable across reloads) plus,
for resources, the kind and uuid to look it up again when its node is gone (collapsed away by
a reload, or never loaded after a reload-all).
"""

from __future__ import annotations

from dataclasses import dataclass

from divio_tui.state.nodes import GroupData, NodeData, ResourceData

HISTORY_LIMIT = 100
"""Positions remembered; the oldest are forgotten first."""


@dataclass(frozen=True)
class Position:
    """One cursor position: the node key, and what to `reveal` when that node is gone."""

    key: tuple[str, ...]
    kind: str | None
    """Kind of the resource to reveal again (for a group: its owner's kind)."""
    uuid: str | None


def position_of(data: NodeData | None) -> Position | None:
    """The position of a node, or None for lines that are not worth going back to (status)."""
    if isinstance(data, ResourceData):
        return Position(data.key, data.kind, data.uuid)
    if isinstance(data, GroupData):
        owner = data.owner
        return Position(data.key, owner.kind if owner else None, owner.uuid if owner else None)
    return None


class NavigationHistory:
    """A bounded stack of places, newest last; no position twice in a row."""

    def __init__(self, limit: int = HISTORY_LIMIT) -> None:
        self._positions: list[Position] = []
        self._limit = limit

    def __len__(self) -> int:
        return len(self._positions)

    def push(self, place: Position | None) -> None:
        if place is None or (self._positions and self._positions[-1] == place):
            return
        self._positions.append(place)
        del self._positions[:-self._limit]

    def pop(self) -> Position | None:
        return self._positions.pop() if self._positions else None

    def clear(self) -> None:
        self._positions.clear()
