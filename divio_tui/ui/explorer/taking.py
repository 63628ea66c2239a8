"""Take it away: the highlighted node as a curl command (`C`), a divio-cli command (`D`), a
file (`s`).

`TakeAway` belongs to the explorer screen, which calls it from its actions and its palette
commands; it builds the text (`shell`, `divio_commands`, `documents`, `saving`), puts it on the
clipboard or asks where to save it (`SavePrompt`), and says in a toast what it did, or why it
did nothing. Nothing it copies or writes holds the token: curl reads it from ``$DIVIO_TOKEN``
when the command runs, and sensitive environment variables are masked unless revealed (`v`).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, Protocol

from textual.app import App

from divio_tui.api.resources import KINDS
from divio_tui.saving import file_name, json_text
from divio_tui.shell import UnsafeValue, curl_command
from divio_tui.state.nodes import GroupData, NodeData, ResourceData
from divio_tui.ui.explorer import copying
from divio_tui.ui.explorer.divio_commands import (
    DivioCommand,
    NoCommand,
    divio_commands,
    zone_note,
)
from divio_tui.ui.explorer.documents import Saved, document_of
from divio_tui.ui.explorer.host import ExplorerHost
from divio_tui.ui.tree.widget import ResourceTree
from divio_tui.ui.widgets.save_prompt import SavePrompt, writes
from divio_tui.untrusted import visible

DEMO_CURL_NOTE = "(demo: this API lives inside divio-tui; `divio-tui fake-api` serves it over HTTP)"


class TakeAwayScreen(Protocol):
    """The explorer screen, as `TakeAway` sees it."""

    host: ExplorerHost
    reveal_secrets: bool

    @property
    def app(self) -> App[Any]: ...
    @property
    def highlighted(self) -> NodeData | None: ...
    @property
    def resource_tree(self) -> ResourceTree: ...

    def notify(self, message: str, *, title: str = "", severity: Any = "information",
               timeout: float | None = None, markup: bool = True) -> None: ...


class TakeAway:
    """`C`, `D` and `s` of one explorer screen (see the module docstring)."""

    def __init__(self, screen: TakeAwayScreen) -> None:
        self.screen = screen

    # -- curl ---------------------------------------------------------------------------

    def copy_curl(self) -> None:
        screen = self.screen
        data = screen.highlighted
        url = copying.request_url(screen.host.client, data)
        if url is None:
            screen.notify("Nothing to copy as curl here: put the cursor on a resource or a "
                          "group.", markup=False)
            return
        try:
            command = curl_command(url)
        except UnsafeValue as error:
            screen.notify(f"Not copied: {error}.", severity="warning", markup=False)
            return
        screen.app.copy_to_clipboard(command)
        what = (f"the first page of {data.title}" if isinstance(data, GroupData)
                else copying.describe_resource(data) if isinstance(data, ResourceData) else "it")
        note = DEMO_CURL_NOTE if screen.host.settings.demo else (
            "Set DIVIO_TOKEN before running it: the token is not in the command")
        screen.notify(f"Copied a curl command for {visible(what)}\n{visible(command)}\n{note}",
                      markup=False, timeout=8)

    # -- divio-cli ----------------------------------------------------------------------

    def divio_choices(self) -> list[DivioCommand]:
        """Every divio-cli command for the highlighted node (none: an empty list)."""
        try:
            return self._commands()
        except (NoCommand, UnsafeValue):
            return []

    def _commands(self) -> list[DivioCommand]:
        screen = self.screen
        return divio_commands(screen.highlighted, screen.host.session.known,
                              screen.host.settings)

    def copy_divio_command(self, index: int = 0) -> None:
        screen = self.screen
        try:
            commands = self._commands()
        except NoCommand as error:
            screen.notify(f"No divio-cli command for this: {error}.", markup=False)
            return
        except UnsafeValue as error:
            screen.notify(f"Not copied: {error}.", severity="warning", markup=False)
            return
        command = commands[min(index, len(commands) - 1)]
        screen.app.copy_to_clipboard(command.line)
        notes = [note for note in (command.note, zone_note(screen.host.settings)) if note]
        more = (f"\n{len(commands) - 1} more in the palette (\"divio\")"
                if len(commands) > 1 and index == 0 else "")
        screen.notify(f"Copied the divio-cli command: {visible(command.title)}\n"
                      f"{visible(command.line)}" + "".join(f"\n({note})" for note in notes)
                      + more, markup=False, timeout=8)

    # -- save ---------------------------------------------------------------------------

    def save(self) -> None:
        screen = self.screen
        node = screen.resource_tree.cursor_node
        saved = document_of(node, reveal=screen.reveal_secrets) if node is not None else None
        if saved is None or node is None:
            screen.notify("Nothing to save on this line: put the cursor on a resource or a "
                          "group.", markup=False)
            return
        data = node.data
        text = json_text(saved.document)
        what = describe_saved(data, saved)

        def done(path: Path | None) -> None:
            if path is None:
                return
            notes = []
            if saved.masked:
                notes.append(f"{saved.masked} sensitive value{'s' if saved.masked > 1 else ''}"
                             " masked; v reveals")
            if saved.incomplete:
                notes.append("only what is loaded: some lists were not read to the end")
            screen.notify(f"Saved {what} as JSON\n{visible(path)}"
                          + "".join(f"\n({note})" for note in notes), markup=False, timeout=8)

        screen.app.push_screen(SavePrompt(what, default_file_name(data), writes(text)), done)


def describe_saved(data: NodeData | None, saved: Saved) -> str:
    """`the environment live with 12 backups and 24 service instance backups`."""
    counts: Counter[str] = Counter(saved.counts)
    if isinstance(data, ResourceData):
        counts[data.kind] -= 1
        head = f"the {copying.describe_resource(data)}"
    elif isinstance(data, GroupData):
        head = f"{data.title}"
    else:
        head = "it"
    parts = [_count(kind, count) for kind, count in counts.items() if count > 0]
    if not parts:
        return head if isinstance(data, ResourceData) else f"{head} (empty)"
    joined = ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
    return f"{head} with {joined}" if isinstance(data, ResourceData) else f"{head}: {joined}"


def _count(kind: str, count: int) -> str:
    info = KINDS.get(kind)
    noun = (info.title.lower() if count != 1 else info.singular) if info else kind
    return f"{count:,} {noun}"


def default_file_name(data: NodeData | None) -> str:
    """`environment-acme-shop-live.json`, `backups-acme-shop-live.json`,
    `backup-acme-shop-live-<uuid>.json`: where it is, then what it is."""
    if isinstance(data, GroupData):
        where = _place(data.owner)
        return file_name(data.title, *where, extension="json")
    if isinstance(data, ResourceData):
        own = data.raw.get("slug") or data.raw.get("name")
        parts = [*_place(data.parent)]
        if data.kind in ("organisation", "application", "environment", "region", "service",
                         "environment_variable") and isinstance(own, str):
            parts.append(own)
        elif data.uuid:
            parts.append(data.uuid)
        return file_name(data.kind.replace("_", "-"), *parts, extension="json")
    return file_name("divio", extension="json")


def _place(data: ResourceData | None) -> list[str]:
    """The slugs of the application and environment `data` is in (or is)."""
    parts: list[str] = []
    for kind in ("application", "environment"):
        found = data.ancestor(kind) if data is not None else None
        slug = found.raw.get("slug") if found is not None else None
        if isinstance(slug, str):
            parts.append(slug)
    return parts
