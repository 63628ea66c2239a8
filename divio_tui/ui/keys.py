"""Every key binding of the explorer, each with an `id` so users can remap it.

Bindings live here rather than in the widgets so the help screen, the README table and the
key-override setting all read one list. Ids are kebab-case and stable: they are the names a
user writes in their config to move a key (`App.set_keymap` applies the overrides).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from textual.binding import Binding

TREE_BINDINGS: list[Binding] = [
    Binding("down,j", "cursor_down", "Down", show=False, id="cursor-down"),
    Binding("up,k", "cursor_up", "Up", show=False, id="cursor-up"),
    Binding("left,h", "collapse_or_parent", "Collapse / parent", show=False, id="collapse"),
    Binding("right,l", "expand_or_child", "Expand / child", show=False, id="expand"),
    Binding("enter", "select_cursor", "Open", show=False, id="select"),
    Binding("space", "toggle_node", "Expand / collapse", show=False, id="toggle"),
    Binding("g,home", "scroll_home", "Top", show=False, id="top"),
    Binding("G,end", "scroll_end", "Bottom", show=False, id="bottom"),
    Binding("pageup", "page_up", "Page up", show=False, id="page-up"),
    Binding("pagedown", "page_down", "Page down", show=False, id="page-down"),
]
"""Movement in the resource tree (arrows and vi keys)."""

DETAIL_BINDINGS: list[Binding] = [
    Binding("down,j", "scroll_down", "Scroll down", show=False, id="detail-scroll-down"),
    Binding("up,k", "scroll_up", "Scroll up", show=False, id="detail-scroll-up"),
    Binding("g,home", "scroll_home", "Top", show=False, id="detail-top"),
    Binding("G,end", "scroll_end", "Bottom", show=False, id="detail-bottom"),
]
"""Scrolling the detail pane once it has focus (tab)."""

REFERENCE_BINDINGS: list[Binding] = [
    Binding("enter", "select", "Follow", show=False, id="follow-reference"),
]
"""The detail pane's reference list (tab lands on it; ↑ ↓ choose): follow the highlighted one."""

EXPLORER_BINDINGS: list[Binding] = [
    Binding("c", "copy_uuid", "Copy ID", id="copy-uuid"),
    Binding("y", "copy_json", "JSON", id="copy-json"),
    Binding("u", "copy_url", "URL", id="copy-url"),
    Binding("o", "open_control_panel", "Open", id="open-control-panel"),
    Binding("b", "backups_view", "Backups", id="backups-view"),
    Binding("r", "reload", "Reload", id="reload"),
    Binding("R", "reload_all", "Reload all", show=False, id="reload-all"),
    Binding("slash", "filter", "Filter", id="filter", key_display="/"),
    Binding("v", "reveal_secrets", "Reveal", show=False, id="reveal-secrets"),
    Binding("escape", "clear_filter", "Clear filter", id="clear-filter"),
    Binding("backspace,alt+left", "history_back", "Back", id="history-back", key_display="⌫"),
    Binding("less_than_sign", "resize_tree(-5)", "Narrower tree", show=False, id="narrow-tree"),
    Binding("greater_than_sign", "resize_tree(5)", "Wider tree", show=False, id="widen-tree"),
    Binding("H", "backup_health", "Health", show=False, id="backup-health"),
]
"""What can be done with the highlighted resource (the explorer screen's keys: a screen on
top of it silences them)."""

APP_BINDINGS: list[Binding] = [
    Binding("question_mark,f1", "help", "Help", id="help", key_display="?"),
    Binding("q", "quit", "Quit", id="quit"),
    Binding("ctrl+p", "command_palette", "Palette", show=False, id="command-palette",
            priority=True),
    # Not a priority binding, unlike ctrl+p: a `:` typed into an input is just a colon.
    Binding("colon", "command_palette", "Palette", show=False, id="command-palette-colon"),
]
"""What works on every screen: help, quit, the palette."""

BACKUPS_VIEW_BINDINGS: list[Binding] = [
    Binding("c", "copy_uuid", "Copy ID", id="backups-copy-uuid"),
    Binding("s", "sort", "Sort", id="backups-sort"),
    Binding("S", "reverse", "Reverse", id="backups-reverse"),
    Binding("r", "reload", "Reload", id="backups-reload"),
    Binding("escape,q", "close", "Close", id="backups-close"),
]
"""The backups table (`b`): what its cursor's row and column can do."""

BACKUPS_TABLE_BINDINGS: list[Binding] = [
    # On the table itself, where it replaces DataTable's own enter (which selects the cell).
    Binding("enter", "select_cursor", "Show", id="backups-show-in-tree"),
    Binding("j", "cursor_down", "Down", show=False, id="backups-cursor-down"),
    Binding("k", "cursor_up", "Up", show=False, id="backups-cursor-up"),
    Binding("h", "cursor_left", "Left", show=False, id="backups-cursor-left"),
    Binding("l", "cursor_right", "Right", show=False, id="backups-cursor-right"),
    Binding("g", "scroll_top", "Top", show=False, id="backups-top"),
    Binding("G", "scroll_bottom", "Bottom", show=False, id="backups-bottom"),
]
"""Enter, and vi keys beside the arrows, PgUp / PgDn and Home / End the table has."""

HEALTH_VIEW_BINDINGS: list[Binding] = [
    Binding("b", "backups", "Backups", id="health-backups"),
    Binding("c", "copy_uuid", "Copy ID", id="health-copy-uuid"),
    Binding("s", "sort", "Sort", id="health-sort"),
    Binding("S", "reverse", "Reverse", show=False, id="health-reverse"),
    Binding("slash", "filter", "Filter", id="health-filter", key_display="/"),
    Binding("e", "export", "Export", id="health-export"),
    Binding("x", "stop", "Stop", id="health-stop"),
    Binding("r", "reload", "Refresh", id="health-reload"),
    Binding("escape,q", "close", "Close", id="health-close"),
]
"""The backup health view (`H`): what its cursor's row and column can do."""

HEALTH_TABLE_BINDINGS: list[Binding] = [
    Binding("enter", "select_cursor", "Show", id="health-show-in-tree"),
    # The same movement keys as the backups table (one remap moves both).
    *(binding for binding in BACKUPS_TABLE_BINDINGS if binding.action != "select_cursor"),
]
"""Enter on the health table, and the backups table's vi keys."""


@dataclass(frozen=True)
class HelpEntry:
    """One line of the help screen: the binding id to look keys up by, and what it does."""

    binding_id: str
    description: str
    also: tuple[str, ...] = ()
    """Other bindings doing the same, whose keys are listed on the same line."""


HELP_SECTIONS: list[tuple[str, list[HelpEntry]]] = [
    ("Move", [
        HelpEntry("cursor-down", "next line"),
        HelpEntry("cursor-up", "previous line"),
        HelpEntry("expand", "expand, or go to the first child"),
        HelpEntry("collapse", "collapse, or go to the parent"),
        HelpEntry("toggle", "expand / collapse"),
        HelpEntry("select", "expand / collapse; load more; retry an error"),
        HelpEntry("top", "first line"),
        HelpEntry("bottom", "last line"),
        HelpEntry("page-down", "page down"),
        HelpEntry("page-up", "page up"),
    ]),
    ("The highlighted resource", [
        HelpEntry("copy-uuid", "copy its UUID"),
        HelpEntry("copy-json", "copy its JSON (secrets masked unless revealed)"),
        HelpEntry("copy-url", "copy its API URL"),
        HelpEntry("open-control-panel", "open it in the Divio Control Panel"),
        HelpEntry("backups-view", "an environment's backups as a table"),
        HelpEntry("reload", "reload it, keeping what is expanded"),
        HelpEntry("reload-all", "reload everything"),
        HelpEntry("reveal-secrets", "reveal / mask sensitive values in the JSON"),
    ]),
    ("Jump", [
        HelpEntry("follow-reference", "go to the highlighted reference (detail pane: tab, "
                  "then ↑ ↓)"),
        HelpEntry("history-back", "back to where you were before the last jump"),
        HelpEntry("command-palette", "palette: jump to an application by slug or name, to "
                  "any UUID; run a command", also=("command-palette-colon",)),
    ]),
    ("View", [
        HelpEntry("filter", "filter the loaded tree by text"),
        HelpEntry("clear-filter", "clear the filter"),
        HelpEntry("narrow-tree", "narrower tree pane"),
        HelpEntry("widen-tree", "wider tree pane"),
        HelpEntry("help", "this help"),
        HelpEntry("quit", "quit"),
    ]),
    ("Backup health", [
        HelpEntry("backup-health", "backup health of the highlighted organisation or "
                  "application (the Organisations group: every one)"),
        HelpEntry("health-show-in-tree", "show the environment in the tree"),
        HelpEntry("health-backups", "the environment's backups table"),
        HelpEntry("health-copy-uuid", "copy the backup's UUID (on a service: its SIB's)"),
        HelpEntry("health-sort", "sort by the cursor's column (again: reverse)"),
        HelpEntry("health-filter", "filter the rows by text"),
        HelpEntry("health-export", "export the rows shown as CSV or JSON"),
        HelpEntry("health-stop", "stop loading"),
        HelpEntry("health-reload", "go on after a stop, retry what failed (what is known "
                  "is not read again)"),
        HelpEntry("health-close", "back to the tree"),
    ]),
    ("Backups table", [
        HelpEntry("backups-show-in-tree", "show the backup (or service backup) in the tree"),
        HelpEntry("backups-copy-uuid", "copy the backup's UUID (on a service: its SIB's)"),
        HelpEntry("backups-sort", "sort by the cursor's column (again: reverse)"),
        HelpEntry("backups-reverse", "reverse the order"),
        HelpEntry("backups-reload", "read the backups again"),
        HelpEntry("backups-close", "back to the tree"),
    ]),
]
"""The help screen's content, in reading order. Tab / shift+tab move between the panes."""

ALL_BINDINGS: dict[str, Binding] = {
    binding.id: binding
    for binding in [*TREE_BINDINGS, *DETAIL_BINDINGS, *REFERENCE_BINDINGS, *EXPLORER_BINDINGS,
                    *APP_BINDINGS,
                    *BACKUPS_VIEW_BINDINGS, *BACKUPS_TABLE_BINDINGS,
                    *HEALTH_VIEW_BINDINGS, *HEALTH_TABLE_BINDINGS]
    if binding.id is not None
}
"""Every binding by id, for the help screen and for validating user key overrides."""


KEY_NAMES: dict[str, str] = {f"f{n}": f"F{n}" for n in range(1, 25)}
"""Keys `App.get_key_display` would write otherwise: function keys as printed on a keyboard."""


class KeyDisplay(Protocol):
    """What names keys for people: the app (`App.get_key_display`, the user's overrides)."""

    @property
    def key_overrides(self) -> Mapping[str, str]: ...

    def get_key_display(self, binding: Binding) -> str: ...


def keys_for(app: KeyDisplay, binding_id: str) -> list[str]:
    """The keys bound to `binding_id` now, as the app displays them (`/`, `?`, `^p`, `F1`)."""
    binding = ALL_BINDINGS[binding_id]
    keys = app.key_overrides.get(binding_id, binding.key)
    return [app.get_key_display(Binding(key.strip(), binding.action))
            for key in keys.split(",") if key.strip()]
