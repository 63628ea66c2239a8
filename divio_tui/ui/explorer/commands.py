"""The explorer's commands in the palette: what makes sense for the highlighted node now."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any, Protocol

from textual.app import App

from divio_tui.settings import Settings
from divio_tui.state.nodes import GroupData, NodeData, ResourceData
from divio_tui.ui.explorer import copying
from divio_tui.ui.explorer.taking import TakeAway
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
    def action_backup_total(self) -> None: ...
    def action_compare(self) -> None: ...
    def action_compare_environments(self) -> None: ...
    take_away: TakeAway
    def account_choices(self) -> list[tuple[str, str, Callable[[], Settings]]]: ...
    def switch_account(self, name: str, settings_of: Callable[[], Settings]) -> None: ...
    def action_logs(self) -> None: ...
    def action_auto_refresh(self) -> None: ...
    @property
    def auto_refreshing(self) -> bool: ...
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
    yield PaletteCommand("Reload everything", "Read everything again from the API, keeping "
                         "what is open and the cursor",
                         screen.action_reload_all)
    yield PaletteCommand("Filter the tree", "Show only lines matching a text",
                         screen.action_filter)
    yield PaletteCommand("Reveal sensitive values" if not screen.reveal_secrets
                         else "Mask sensitive values",
                         "Toggle masking of sensitive environment variables",
                         screen.action_reveal_secrets)
    if screen.can_go_back():
        yield PaletteCommand("Back", "Back to where you were before the last jump",
                             screen.action_history_back)
    if screen.check_action("backups_view", ()):
        yield PaletteCommand("Backups view", "The backups of the highlighted environment "
                             "as a table", screen.action_backups_view)
    if screen.check_action("backup_total", ()):
        yield PaletteCommand("Backups total size", "Read every service-instance backup of "
                             "the highlighted environment for its backups' total size "
                             "(again: stop)", screen.action_backup_total)
    if screen.check_action("compare", ()):
        on_deployment = isinstance(data, ResourceData) and data.ancestor("deployment") is not None
        yield PaletteCommand(
            "Compare with the previous deployment" if on_deployment
            else "Compare with the other main environment",
            "Its environment variables against the deployment before it" if on_deployment
            else "test against live: variables, branch, deployments, services, domains, backups",
            screen.action_compare)
    yield PaletteCommand("Compare environments…", "Pick two environments of any application "
                         "to compare (the highlighted one first)",
                         screen.action_compare_environments)
    if screen.check_action("logs", ()):
        environment = isinstance(data, ResourceData) and data.kind == "environment"
        yield PaletteCommand("Logs", "The runtime logs of the highlighted environment"
                             if environment else "The log of the highlighted deployment",
                             screen.action_logs)
    yield PaletteCommand("Auto refresh off" if screen.auto_refreshing else "Auto refresh on",
                         "Read the lines on screen again every so often, pausing while you "
                         "move around", screen.action_auto_refresh)
    yield PaletteCommand("Backup health", "Every environment's latest good backup and "
                         "verdict, worst first (the highlighted organisation or application, "
                         "else every organisation)", screen.action_backup_health)
    yield PaletteCommand("Keys", "Every key, as it is bound now",
                         partial(screen.app.run_action, "help"))
    yield from take_away_commands(screen)


def take_away_commands(screen: Commandable) -> Iterator[PaletteCommand]:
    """Copy as curl, the divio-cli commands, save, the request log, other accounts."""
    data = screen.highlighted
    if isinstance(data, ResourceData | GroupData):
        yield PaletteCommand("Copy as curl", "A curl command that fetches the highlighted "
                             "node (the token from $DIVIO_TOKEN)", screen.take_away.copy_curl)
        yield PaletteCommand("Save as JSON…", "Save the highlighted node, with whatever is "
                             "loaded under it", screen.take_away.save)
    choices = screen.take_away.divio_choices()
    for index, command in enumerate(choices):
        yield PaletteCommand(f"Copy divio command: {command.title}", command.line,
                             partial(screen.take_away.copy_divio_command, index))
    if not choices and isinstance(data, ResourceData | GroupData):
        yield PaletteCommand("Copy divio command", "divio-cli has no command for the "
                             "highlighted node (D says why)",
                             screen.take_away.copy_divio_command)
    yield PaletteCommand("Request log", "Every request the explorer made, newest first",
                         partial(screen.app.run_action, "request_log"))
    for name, where, settings_of in screen.account_choices():
        yield PaletteCommand(f"Switch account: {name}", where,
                             partial(screen.switch_account, name, settings_of))
