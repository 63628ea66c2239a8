"""The `/` filter bar: an input under the tree that narrows it to matching lines as you type."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input


class FilterBar(Input):
    """Type to filter; enter keeps the filter and returns to the tree; escape clears it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Clear filter", id="filter-cancel"),
        Binding("down", "done", "To the tree", show=False),
    ]

    class Done(Message):
        """The user left the filter bar; `cleared` if they asked to drop the filter."""

        def __init__(self, cleared: bool) -> None:
            super().__init__()
            self.cleared = cleared

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="filter the loaded tree…  (enter: keep, esc: clear)", id=id)

    def action_cancel(self) -> None:
        self.value = ""
        self.post_message(self.Done(cleared=True))

    def action_done(self) -> None:
        self.post_message(self.Done(cleared=False))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Done(cleared=not self.value.strip()))
