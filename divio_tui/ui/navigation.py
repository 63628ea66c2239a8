"""Jumping around: follow a reference, go back, open the palette that jumps.

`NavigationActions` is the half of `DivioApp` that moves the cursor on the user's behalf: a
reference followed in the detail pane and a palette hit both end in `jump_to(kind, uuid)`,
which asks the tree to reveal the resource (loading its ancestors) and remember where the
cursor was; `backspace` / `alt+left` (`history-back`) go back. When a target cannot be shown
(not found, no access, a load failed) the tree says so and the cursor stays put.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.command import CommandPalette
from textual.css.query import NoMatches

from divio_tui.api.errors import NotFound, Unauthorised
from divio_tui.ui.filter import FilterBar
from divio_tui.ui.jump import JumpPalette
from divio_tui.ui.references import ReferenceList
from divio_tui.ui.tree import ResourceTree

if TYPE_CHECKING:
    from textual.app import App

    AppBase = App[None]
else:
    AppBase = object


class NavigationActions(AppBase):
    """Follow, back, palette; mixed into `DivioApp`."""

    if TYPE_CHECKING:

        @property
        def resource_tree(self) -> ResourceTree: ...
        def tell_unauthorised(self, error: Unauthorised) -> None: ...

    def jump_to(self, kind: str, uuid: str) -> None:
        """Reveal `kind` `uuid` in the tree and put the cursor there (see reveal.py)."""
        self.resource_tree.reveal(kind, uuid)

    def can_go_back(self) -> bool:
        try:
            return len(self.resource_tree.history) > 0
        except NoMatches:  # asked before the layout exists
            return False

    def action_history_back(self) -> None:
        if not self.resource_tree.go_back():
            self.notify("Nothing to go back to: no jump yet.", markup=False, timeout=3)

    def action_command_palette(self) -> None:
        # Textual's own action, with the palette that shows hits while the API is searched.
        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(JumpPalette(id="--command-palette"))

    def on_resource_tree_filter_cleared(self, message: ResourceTree.FilterCleared) -> None:
        # The tree showed a node the filter hid: the bar and its count go too (setting the
        # value tells the filter handler, which clears the count).
        bar = self.query_one(FilterBar)
        bar.value = ""
        bar.display = False
        self.refresh_bindings()

    def on_reference_list_followed(self, message: ReferenceList.Followed) -> None:
        self.jump_to(message.link.kind, message.link.uuid)

    def on_resource_tree_reveal_failed(self, message: ResourceTree.RevealFailed) -> None:
        error = message.error
        if isinstance(error, Unauthorised) and error.status == 401:
            self.tell_unauthorised(error)
            return
        missing = isinstance(error, NotFound | Unauthorised)
        self.notify(message.message, title="Not found or no access" if missing
                    else "Could not go there", severity="warning", markup=False, timeout=6)
