"""The explorer's commands in the palette: what makes sense for the highlighted node now."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any, Protocol

from textual.app import App

from divio_tui.state.nodes import GroupData, NodeData, ResourceData
from divio_tui.ui.explorer import copying
from divio_tui.ui.palette.commands import PaletteCommand


class Commandable(Protocol):
    """The explorer screen, as its commands see it."""

    @property
    def app(self) -> App[Any]: ...
    @property
    def highlighted(self) -> NodeData | None: ...
    reveal_secrets: bool

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None: ...
    def can_go_back(self) -> bool: ...
    def action_copy_uuid(self) -> None: ...
    def action_copy_url(self) -> None: ...
    def action_copy_json(self) -> None: ...
    def action_open_control_panel(self) -> None: ...
    def action_reload(self) -> None: ...
    def action_reload_all(self) -> None: ...
    def action_filter(self) -> None: ...
    def action_reveal_secrets(self) -> None: ...
    def action_history_back(self) -> None: ...
    def action_backups_view(self) -> None: ...
    def action_backup_health(self) -> None: ...


def commands_for(screen: Commandable) -> Iterator[PaletteCommand]:
    """The commands of `screen` that make sense for its highlighted node."""
    data = screen.highlighted
    if isinstance(data, ResourceData):
        noun = copying.describe_resource(data)
        if data.uuid:
            yield PaletteCommand("Copy UUID", f"Copy the UUID of the {noun}",
                                 screen.action_copy_uuid)
            yield PaletteCommand("Copy API URL", "Copy the API URL of the highlighted "
                                 "resource", screen.action_copy_url)
        yield PaletteCommand("Copy JSON", f"Copy the JSON of the {noun}",
                             screen.action_copy_json)
    elif isinstance(data, GroupData):
        yield PaletteCommand("Copy API URL", f"Copy the API URL of {data.title}",
                             screen.action_copy_url)
    if screen.check_action("open_control_panel", ()):
        yield PaletteCommand("Open in the Control Panel", "Open the highlighted resource "
                             "in the Divio Control Panel", screen.action_open_control_panel)
    yield PaletteCommand("Reload", "Reload the highlighted node, keeping what is open",
                         screen.action_reload)
    yield PaletteCommand("Reload everything", "Forget everything and reload from the top",
                         screen.action_reload_all)
    yield PaletteCommand("Filter the tree", "Show only lines matching a text",
                         screen.action_filter)
    yield PaletteCommand("Reveal sensitive values" if not screen.reveal_secrets
                         else "Mask sensitive values",
                         "Toggle masking of sensitive environment variables",
                         screen.action_reveal_secrets)
    yield PaletteCommand("Toggle dark / light theme", "Switch between the light and the "
                         "dark theme", screen.app.action_toggle_dark)
    if screen.can_go_back():
        yield PaletteCommand("Back", "Back to where you were before the last jump",
                             screen.action_history_back)
    if screen.check_action("backups_view", ()):
        yield PaletteCommand("Backups view", "The backups of the highlighted environment "
                             "as a table", screen.action_backups_view)
    yield PaletteCommand("Backup health", "Every environment's latest good backup and "
                         "verdict, worst first (the highlighted organisation or application, "
                         "else every organisation)", screen.action_backup_health)
    yield PaletteCommand("Keys", "Show every key binding",
                         partial(screen.app.run_action, "help"))
