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
    Binding("e", "show_whole", "Whole", show=False, id="full-values"),
    Binding("escape", "clear_filter", "Clear filter", id="clear-filter"),
    Binding("backspace,alt+left", "history_back", "Back", id="history-back", key_display="⌫"),
    Binding("less_than_sign", "resize_tree(-5)", "Narrower tree", show=False, id="narrow-tree"),
    Binding("greater_than_sign", "resize_tree(5)", "Wider tree", show=False, id="widen-tree"),
    Binding("equals_sign", "compare", "Compare", show=False, id="compare", key_display="="),
    Binding("C", "copy_curl", "curl", show=False, id="copy-curl"),
    Binding("D", "copy_divio_command", "divio", show=False, id="copy-divio-command"),
    Binding("s", "save", "Save", show=False, id="save"),
    Binding("L", "logs", "Logs", id="logs"),
    Binding("A", "auto_refresh", "Auto refresh", show=False, id="auto-refresh"),
    Binding("H", "backup_health", "Health", show=False, id="backup-health"),
    Binding("T", "backup_total", "Total size", show=False, id="backup-total"),
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
    Binding("ctrl+l", "request_log", "Requests", show=False, id="request-log"),
]
"""What works on every screen: help, quit, the palette."""

BACKUPS_VIEW_BINDINGS: list[Binding] = [
    Binding("c", "copy_uuid", "Copy ID", id="backups-copy-uuid"),
    Binding("y", "copy_json", "JSON", show=False, id="backups-copy-json"),
    Binding("u", "copy_url", "URL", show=False, id="backups-copy-url"),
    Binding("o", "open_control_panel", "Open", show=False, id="backups-open-control-panel"),
    Binding("s", "sort", "Sort", id="backups-sort"),
    Binding("S", "reverse", "Reverse", id="backups-reverse"),
    Binding("r", "reload", "Reload", id="backups-reload"),
    Binding("escape,q", "close", "Close", id="backups-close"),
    Binding("w", "save", "Save CSV", id="backups-save"),
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

REQUEST_LOG_BINDINGS: list[Binding] = [
    Binding("C", "copy_curl", "curl", id="request-log-copy-curl"),
    Binding("f", "failures_only", "Failures only", id="request-log-failures"),
    Binding("s", "save", "Save CSV", id="request-log-save"),
    Binding("escape,q", "close", "Close", id="request-log-close"),
]
"""The request log (ctrl+l, or the palette's "Request log")."""

REQUEST_TABLE_BINDINGS: list[Binding] = [
    Binding("enter", "select_cursor", "Body", id="request-log-body"),
    Binding("j", "cursor_down", "Down", show=False, id="request-log-cursor-down"),
    Binding("k", "cursor_up", "Up", show=False, id="request-log-cursor-up"),
    Binding("g", "scroll_top", "Top", show=False, id="request-log-top"),
    Binding("G", "scroll_bottom", "Bottom", show=False, id="request-log-bottom"),
]
"""On the request log's table: enter shows the response body; vi keys."""

REQUEST_BODY_BINDINGS: list[Binding] = [
    Binding("C", "copy_curl", "curl", id="request-body-copy-curl"),
    Binding("y", "copy_body", "Copy body", id="request-body-copy"),
    Binding("escape,q", "close", "Close", id="request-body-close"),
    Binding("down,j", "scroll('down')", "Scroll down", show=False, id="request-body-down"),
    Binding("up,k", "scroll('up')", "Scroll up", show=False, id="request-body-up"),
]
"""The response body of one request log entry."""


COMPARE_VIEW_BINDINGS: list[Binding] = [
    Binding("c", "copy_value", "Copy", id="compare-copy"),
    Binding("v", "reveal", "Reveal", id="compare-reveal"),
    Binding("d", "differences_only", "Diffs", id="compare-differences-only"),
    Binding("p", "pick", "Pick", id="compare-pick"),
    Binding("x", "swap", "Swap", show=False, id="compare-swap"),
    Binding("s", "save", "Save", id="compare-save"),
    Binding("r", "reload", "Reload", show=False, id="compare-reload"),
    Binding("escape,q", "close", "Close", id="compare-close"),
]
"""The compare view (`=`): what its cursor's row and column can do."""

COMPARE_TABLE_BINDINGS: list[Binding] = [
    Binding("enter", "select_cursor", "Show", id="compare-show-in-tree"),
    Binding("j", "cursor_down", "Down", show=False, id="compare-cursor-down"),
    Binding("k", "cursor_up", "Up", show=False, id="compare-cursor-up"),
    Binding("h", "cursor_left", "Left", show=False, id="compare-cursor-left"),
    Binding("l", "cursor_right", "Right", show=False, id="compare-cursor-right"),
    Binding("g", "scroll_top", "Top", show=False, id="compare-top"),
    Binding("G", "scroll_bottom", "Bottom", show=False, id="compare-bottom"),
]
"""Enter, and vi keys beside the arrows, in the compare table."""


LOGS_BINDINGS: list[Binding] = [
    Binding("f", "follow", "Follow", id="logs-follow"),
    Binding("slash", "filter", "Filter", id="logs-filter", key_display="/"),
    Binding("n", "next_match", "Next", id="logs-next-match"),
    Binding("N", "previous_match", "Previous", show=False, id="logs-previous-match"),
    Binding("m", "only_matches", "Only matches", show=False, id="logs-only-matches"),
    Binding("S", "next_service", "Service", id="logs-service"),
    Binding("w", "wrap", "Wrap", id="logs-wrap"),
    Binding("t", "time_mode", "Time", show=False, id="logs-time"),
    Binding("c", "copy_line", "Copy line", id="logs-copy-line"),
    Binding("y", "copy_shown", "Copy shown", show=False, id="logs-copy-shown"),
    Binding("s", "save", "Save", id="logs-save"),
    Binding("d", "deployment_log", "Deploy log", id="logs-deployment"),
    Binding("r", "reload", "Reload", show=False, id="logs-reload"),
    Binding("escape,q", "close", "Close", id="logs-close"),
]
"""The log viewer (`L`): following, the filter, the view, copy and save."""

LOG_VIEW_BINDINGS: list[Binding] = [
    Binding("down,j", "cursor_down", "Down", show=False, id="logs-cursor-down"),
    Binding("up,k", "cursor_up", "Up", show=False, id="logs-cursor-up"),
    Binding("pagedown", "page_down", "Page down", show=False, id="logs-page-down"),
    Binding("pageup", "page_up", "Page up", show=False, id="logs-page-up"),
    Binding("g,home", "top", "Top", show=False, id="logs-top"),
    Binding("G,end", "bottom", "End", show=False, id="logs-bottom"),
    Binding("left,h", "scroll_left_by(-8)", "Left", show=False, id="logs-left"),
    Binding("right,l", "scroll_left_by(8)", "Right", show=False, id="logs-right"),
]
"""Moving in the log: the cursor line, pages, the ends (`End` also follows again)."""


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
        HelpEntry("backup-total", "an environment's backups' total size: read every "
                  "service backup (again: stop)"),
        HelpEntry("reload", "reload it, keeping what is expanded"),
        HelpEntry("reload-all", "reload everything"),
        HelpEntry("reveal-secrets", "reveal / mask sensitive values in the JSON"),
        HelpEntry("compare", "compare it: test ⇄ live, a deploy with the one before"),
        HelpEntry("copy-curl", "copy it as a curl command ($DIVIO_TOKEN)"),
        HelpEntry("copy-divio-command", "copy its divio-cli command"),
        HelpEntry("save", "save it (and its loaded subtree) as JSON"),
        HelpEntry("full-values", "show it whole: values the detail pane cuts, in full"),
        HelpEntry("logs", "logs: an environment's runtime logs, a deployment's log"),
        HelpEntry("auto-refresh", "auto refresh the visible tree on / off"),
    ]),
    ("Jump", [
        HelpEntry("follow-reference", "go to the highlighted reference (detail pane: tab, "
                  "then ↑ ↓)"),
        HelpEntry("history-back", "back to where you were before the last jump"),
        HelpEntry("command-palette", "palette: jump to an application by slug or name, an "
                  "environment as APP ENV (acme-shop live), any UUID, a loaded backup by its "
                  "date; run a command", also=("command-palette-colon",)),
    ]),
    ("View", [
        HelpEntry("filter", "filter the loaded tree by text"),
        HelpEntry("clear-filter", "clear the filter"),
        HelpEntry("narrow-tree", "narrower tree pane"),
        HelpEntry("widen-tree", "wider tree pane"),
        HelpEntry("help", "this help"),
        HelpEntry("request-log", "the request log"),
        HelpEntry("quit", "quit"),
    ]),
    ("Backup health", [
        HelpEntry("backup-health", "backup health of the highlighted organisation or "
                  "application (the Organisations group: every one)"),
        HelpEntry("health-show-in-tree", "show the environment in the tree"),
        HelpEntry("health-backups", "the environment's backups table"),
        HelpEntry("health-copy-uuid",
                  "copy the backup's UUID (on a service column: that service's backup's)"),
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
        HelpEntry("backups-copy-uuid", "copy the backup's UUID (on a service column: that "
                  "service's backup's)"),
        HelpEntry("backups-copy-json", "copy its JSON (the same: the backup, or the "
                  "service's)"),
        HelpEntry("backups-copy-url", "copy its API URL"),
        HelpEntry("backups-open-control-panel", "open its application in the Control Panel"),
        HelpEntry("backups-sort", "sort by the cursor's column (again: reverse)"),
        HelpEntry("backups-reverse", "reverse the order"),
        HelpEntry("backups-reload", "read the backups again"),
        HelpEntry("backups-close", "back to the tree"),
        HelpEntry("backups-save", "save the table as CSV"),
    ]),
    ("Request log", [
        HelpEntry("request-log-body", "its response body"),
        HelpEntry("request-log-copy-curl", "copy it as a curl command"),
        HelpEntry("request-log-failures", "failures only / every request"),
        HelpEntry("request-log-save", "save the log as CSV"),
    ]),
    ("Compare view", [
        HelpEntry("compare-show-in-tree", "show the cursor's side in the tree"),
        HelpEntry("compare-copy", "copy the cursor's value"),
        HelpEntry("compare-reveal", "reveal / mask sensitive values"),
        HelpEntry("compare-differences-only", "only the differences / every row"),
        HelpEntry("compare-pick", "pick another side"),
        HelpEntry("compare-swap", "swap the two sides"),
        HelpEntry("compare-save", "save as JSON"),
        HelpEntry("compare-reload", "read both sides again"),
        HelpEntry("compare-close", "back to the tree"),
    ]),
    ("Logs", [
        HelpEntry("logs-follow", "follow new lines on / off (scrolling up pauses)"),
        HelpEntry("logs-bottom", "the last line (and follow again)"),
        HelpEntry("logs-top", "the first line (older lines load at the top)"),
        HelpEntry("logs-filter", "filter every line: text, ~regex, !inverted"),
        HelpEntry("logs-next-match", "next match", also=("logs-previous-match",)),
        HelpEntry("logs-only-matches", "only the matches / every line, matches marked"),
        HelpEntry("logs-service", "one service after the other (web, worker, …), then all"),
        HelpEntry("logs-wrap", "wrap long lines"),
        HelpEntry("logs-time", "times in UTC / local time / hidden"),
        HelpEntry("logs-copy-line", "copy the cursor's line (whole)"),
        HelpEntry("logs-copy-shown", "copy the lines shown (what the filter shows)"),
        HelpEntry("logs-save", "save the lines shown to a file"),
        HelpEntry("logs-deployment", "runtime logs: the last deployment's log"),
        HelpEntry("logs-reload", "read the log again (retry now after an error)"),
        HelpEntry("logs-close", "back (esc first clears the filter)"),
    ]),
]
"""The help screen's content, in reading order. Tab / shift+tab move between the panes."""

ALL_BINDINGS: dict[str, Binding] = {
    binding.id: binding
    for binding in [*TREE_BINDINGS, *DETAIL_BINDINGS, *REFERENCE_BINDINGS, *EXPLORER_BINDINGS,
                    *APP_BINDINGS,
                    *BACKUPS_VIEW_BINDINGS, *BACKUPS_TABLE_BINDINGS,
                    *COMPARE_VIEW_BINDINGS, *COMPARE_TABLE_BINDINGS,
                    *REQUEST_LOG_BINDINGS, *REQUEST_TABLE_BINDINGS, *REQUEST_BODY_BINDINGS,
                    *LOGS_BINDINGS, *LOG_VIEW_BINDINGS,
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
