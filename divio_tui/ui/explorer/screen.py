"""`ExplorerScreen`: the tree and the detail pane, and what their keys do.

The app's default screen (`DivioApp.get_default_screen`). It owns the layout (header, tree,
filter bar, detail pane, footer) and the explorer's actions: copy, open, reload, filter,
reveal secrets, history, the backups table. Every binding here belongs to this screen, so a
screen pushed on top of it (the backups table, the help, the sign-in) silences them without
special cases.

Routing: the tree posts what happened (messages.py) and the screen decides: a new highlight
redraws the detail pane and the header's breadcrumb and starts the environment summary's
backup fetch (`BackupFollower`); a failed load becomes a toast; a followed reference or a
palette hit becomes a reveal in the tree.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from datetime import timedelta
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.command import Provider
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer

from divio_tui.api.errors import ApiError, Forbidden, NotFound, Unauthorised
from divio_tui.api.models import ApiModel
from divio_tui.settings import Settings
from divio_tui.state import links
from divio_tui.state.live import MOVING_KINDS, moving
from divio_tui.state.nodes import GroupData, NodeData, ResourceData, StatusData
from divio_tui.state.session import Session
from divio_tui.ui.detail.pane import DetailPane, build_view
from divio_tui.ui.detail.references import ReferenceList
from divio_tui.ui.detail.summary import SummaryContext
from divio_tui.ui.explorer import copying
from divio_tui.ui.explorer.auto_refresh import AutoRefresher
from divio_tui.ui.explorer.backup_follow import BackupFollower, backups_scope
from divio_tui.ui.explorer.collector import IdleCollector
from divio_tui.ui.explorer.commands import commands_for
from divio_tui.ui.explorer.comparing import Comparer, compare_scope
from divio_tui.ui.explorer.host import ExplorerHost
from divio_tui.ui.explorer.live_refresh import LiveRefresher
from divio_tui.ui.explorer.overview_follow import OverviewFollower
from divio_tui.ui.explorer.reference_names import ReferenceNames
from divio_tui.ui.explorer.taking import TakeAway
from divio_tui.ui.health.scope import health_scope
from divio_tui.ui.keys import EXPLORER_BINDINGS, keys_for
from divio_tui.ui.logs.target import log_target
from divio_tui.ui.text.labels import breadcrumb, error_summary
from divio_tui.ui.tree import messages
from divio_tui.ui.tree.messages import Node
from divio_tui.ui.tree.widget import ResourceTree
from divio_tui.ui.widgets.filter_bar import FilterBar
from divio_tui.ui.widgets.header import HeaderBar, header_source
from divio_tui.ui.widgets.rest import AtRest
from divio_tui.untrusted import visible

if TYPE_CHECKING:
    from divio_tui.ui.backups.screen import Target
    from divio_tui.ui.palette.commands import PaletteCommand

# The screens this one opens, and the palette's providers, are imported when first opened
# (inside the actions below): the first screen needs none of them (issue 14, cold start).


def _explorer_commands() -> type[Provider]:
    from divio_tui.ui.palette.commands import ExplorerCommands

    return ExplorerCommands


def _jump_commands() -> type[Provider]:
    from divio_tui.ui.palette.jump import JumpCommands

    return JumpCommands


log = logging.getLogger(__name__)

TREE_WIDTH_LIMITS = (20, 80)
"""The tree pane's width may be set between these percentages of the screen."""

DEFAULT_TREE_WIDTH, NARROW_TREE_WIDTH = 55, 45
"""The tree pane's share of the screen, in percent: on a wide screen, and below
`NARROW_SCREEN` columns (until the user sets it with `<` `>`)."""

NARROW_SCREEN = 100
"""Columns below which the layout makes room: a wider detail pane, a shorter footer."""

DETAIL_REST = 0.1
"""Seconds the cursor rests on a node before the detail pane draws it."""

CONTEXT_ACTIONS: tuple[str, ...] = (
    "copy_uuid", "copy_json", "copy_url", "open_control_panel", "clear_filter",
    "history_back", "backups_view", "compare", "logs")
"""Actions whose availability depends on the highlighted node (see `check_action`)."""


class ExplorerScreen(Screen[None]):
    """The explorer: the resource tree beside the detail pane (see the module docstring)."""

    BINDINGS: ClassVar[list[BindingType]] = list(EXPLORER_BINDINGS)
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {
        _explorer_commands, _jump_commands}

    tree_width: reactive[int] = reactive(DEFAULT_TREE_WIDTH, init=False)
    """Width of the tree pane, in percent of the screen."""
    reveal_secrets: reactive[bool] = reactive(False, init=False)
    """Show sensitive values in the JSON pane and in JSON copies."""

    def __init__(self, host: ExplorerHost) -> None:
        super().__init__(id="explorer")
        self.host = host
        self._highlighted: Node | None = None
        self._detail_keep_scroll: bool | None = None
        """A highlight's drawing of the detail pane is due (`_draw_highlighted`) unless None:
        whether it keeps the pane's scroll (only if every highlight since the last drawing
        did)."""
        self._at_rest = AtRest(self, DETAIL_REST, self._draw_highlighted, group="detail-rest",
                               description="the detail pane, at rest")
        """Draws the pane once the cursor has rested `DETAIL_REST`."""
        self._footer_state: tuple[bool | None, ...] = ()
        self._tree_width_chosen = False
        self.follower = BackupFollower(self, host.backups, lambda: self.highlighted,
                                       self.refresh_detail)
        self.reference_names = ReferenceNames(self, lambda: self.host.session,
                                              lambda: self.highlighted, self.refresh_detail)
        self.comparer = Comparer(self, host, reveal=lambda: self.reveal_secrets,
                                 show=self._show_from_table)
        self.take_away = TakeAway(self)
        """Copy as curl or as a divio-cli command, save to a file (`C`, `D`, `s`)."""
        self.collector = IdleCollector(
            self, lambda: self.app.screen is self and self.resource_tree.has_focus)
        """Python's full collections, run while the cursor rests."""
        self.live = LiveRefresher(self, host.session, lambda: self.resource_tree, host.now,
                                  self._live_changed, self._live_tell)
        self.auto = AutoRefresher(self, lambda: self.resource_tree,
                                  seconds=host.settings.auto_refresh_seconds,
                                  busy=lambda: self.query_one(FilterBar).has_focus)
        self.overview = OverviewFollower(
            self, host.backups, lambda: self.highlighted, self.refresh_detail, host.now,
            lambda: timedelta(hours=self.host.settings.backup_max_age_hours))

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield HeaderBar(id="header")
        with Horizontal(id="main"):
            with Vertical(id="tree-pane"):
                yield ResourceTree(self.host.session, self.host.now, id="tree",
                                   reload_key=keys_for(self.host, "reload")[0],
                                   open_first=self.host.signed_in)
                yield FilterBar(id="filter")
            yield DetailPane(self.host, id="detail")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        tree = self.resource_tree
        tree.border_title = "Resources"
        self.detail.border_title = "Detail"
        tree.focus()
        self.show_connection()
        self.set_interval(1.0, self._tick_live)
        if self.host.settings.auto_refresh_seconds:
            self.auto.start()
        self.collector.start()

    def on_unmount(self) -> None:
        self.collector.stop()

    def show_connection(self) -> None:
        """Where the explorer is connected and where the token came from (never the token),
        and who the token belongs to once known."""
        header = self.header
        header.set_connection(self.host.connection_label())
        header.set_token_source(header_source(self.host.settings.token_source))
        me = self.session.me
        header.set_user(me.email or me.display_name if me is not None else None)

    def on_screen_resume(self) -> None:
        # Back from a screen in front (the backups table, the help): what went on meanwhile
        # is drawn now, and a summary fetch that was stopped takes up again.
        if self._highlighted is not None:
            self.follower.follow(self.highlighted)
            self.refresh_detail()

    @property
    def resource_tree(self) -> ResourceTree:
        return self.query_one("#tree", ResourceTree)

    @property
    def detail(self) -> DetailPane:
        return self.query_one("#detail", DetailPane)

    @property
    def header(self) -> HeaderBar:
        return self.query_one(HeaderBar)

    @property
    def session(self) -> Session:
        return self.host.session

    @property
    def highlighted(self) -> NodeData | None:
        """The data of the node under the cursor."""
        return self._highlighted.data if self._highlighted is not None else None

    def watch_tree_width(self, width: int) -> None:
        self.query_one("#tree-pane").styles.width = f"{width}%"

    def on_resize(self, event: events.Resize) -> None:
        narrow = event.size.width < NARROW_SCREEN
        if not self._tree_width_chosen:
            # A narrow terminal gives the detail pane the room its answers need.
            self.tree_width = NARROW_TREE_WIDTH if narrow else DEFAULT_TREE_WIDTH
        # The palette is one key away (and in the help); its footer entry is what gives way.
        self.query_one(Footer).show_command_palette = not narrow

    # -- routing --------------------------------------------------------------------------

    @on(ResourceTree.Highlighted)
    def _show_highlighted(self, message: messages.Highlighted) -> None:
        self._highlighted = message.node
        if not message.refreshed:
            self.collector.touch()
        self.follower.follow(message.data)
        self.live.environment_highlighted(message.data)
        self.live.wake()
        if not message.refreshed:
            self.auto.touch()
        if not message.refreshed:
            self.reference_names.follow(message.data)
        self.overview.follow(message.data)
        # The pane (a summary, the JSON, the references, and the footer's keys) is drawn
        # for the node the cursor rests on, `DETAIL_REST` after it stopped: drawing it costs
        # more than moving the cursor, and keys held down or pressed fast would each wait
        # for a pane nobody reads. A change of the node under the cursor is drawn just after
        # the next frame.
        keep_scroll = message.refreshed and self._detail_keep_scroll is not False
        due = self._detail_keep_scroll is not None
        self._detail_keep_scroll = keep_scroll
        if not message.refreshed:
            self._at_rest.push()  # each key pushes the drawing on
        elif not due:
            self.call_after_refresh(self._draw_highlighted)

    def _draw_highlighted(self) -> None:
        keep_scroll, self._detail_keep_scroll = self._detail_keep_scroll, None
        if keep_scroll is None:
            return
        data = self.highlighted
        self.refresh_detail(keep_scroll=keep_scroll)
        self.header.set_crumbs(_crumbs(data))
        self._refresh_footer()

    @on(ResourceTree.LoadFailed)
    def _report_failure(self, message: messages.LoadFailed) -> None:
        # Short: the error line in the tree carries the whole story in the detail pane.
        error = message.error
        if isinstance(error, Unauthorised):
            self.host.tell_refused(error)
            return
        text = error_summary(error)
        if isinstance(error, ApiError) and error.detail:
            text += f": {error.detail}"
        elif not isinstance(error, ApiError):
            text += f": {error}"
        self.notify(visible(text) + f"\n{self.resource_tree.reload_key} on the ⚠ line retries",
                    title=f"Could not load {visible(message.where)}", severity="error",
                    markup=False, timeout=8)

    @on(ResourceTree.RevealFailed)
    def _reveal_failed(self, message: messages.RevealFailed) -> None:
        error = message.error
        if isinstance(error, Unauthorised):
            self.host.tell_refused(error)
            return
        missing = isinstance(error, NotFound | Forbidden)
        self.notify(message.message, title="Not found or no access" if missing
                    else "Could not go there", severity="warning", markup=False, timeout=6)

    @on(ResourceTree.FilterCleared)
    def _filter_cleared(self) -> None:
        # The tree showed a node the filter hid: the bar and its count go too (setting the
        # value tells the filter handler, which clears the count).
        bar = self.query_one(FilterBar)
        bar.value = ""
        bar.display = False
        self.refresh_bindings()

    @on(ReferenceList.Followed)
    def _follow_reference(self, message: ReferenceList.Followed) -> None:
        self.jump_to(message.link.kind, message.link.uuid)

    def refresh_detail(self, *, keep_scroll: bool = True) -> None:
        """Draw the detail pane for the highlighted node again (new data, another theme)."""
        node = self._highlighted
        data = node.data if node is not None else None
        children = self.resource_tree.child_resources(node) if node is not None else []
        label = node.label if node is not None and isinstance(node.label, Text) else None
        view = build_view(data, self.summary_context(data), children=children,
                          reveal=self.reveal_secrets, label=label,
                          session_rows=self.host.session_rows())
        self.detail.show(view, keep_scroll=keep_scroll)

    def summary_context(self, data: NodeData | None) -> SummaryContext:
        ancestors: dict[tuple[str, str], ApiModel] = {}
        resource = _owner(data)
        while resource is not None:
            ancestors[(resource.kind, resource.model.key)] = resource.model
            resource = resource.parent

        def lookup(kind: str, uuid: str) -> ApiModel | None:
            return ancestors.get((kind, uuid)) or self.session.known(kind, uuid)

        newest = None
        if isinstance(data, ResourceData) and data.kind == "environment" and data.uuid:
            model = self.session.newest_deployment(data.uuid)
            newest = {data.uuid: model.raw} if model is not None else None
        return SummaryContext(now=self.host.now(), lookup=lookup,
                              backups=self.follower.report(data),
                              reload_key=self.resource_tree.reload_key,
                              total_key=keys_for(self.host, "backup-total")[0],
                              partial=self.session.partial_children,
                              newest_deployments=newest,
                              updated=lambda kind, uuid: self.live.updated.get((kind, uuid)),
                              environments=self.overview.overview(data))

    # -- live state -----------------------------------------------------------------------

    @property
    def auto_refreshing(self) -> bool:
        return self.auto.enabled

    def action_auto_refresh(self) -> None:
        """`A`: the visible tree refreshes itself (or stops)."""
        if self.auto.toggle():
            self.notify(f"Auto refresh on: the lines on screen are read again every "
                        f"{self.auto.seconds} s while you are not moving around "
                        f"({keys_for(self.host, 'auto-refresh')[0]} stops it)",
                        markup=False, timeout=5)
        else:
            self.notify("Auto refresh off", markup=False, timeout=3)

    def _live_changed(self, node: Node | None) -> None:
        if node is None:
            self.refresh_detail()
        else:
            self.resource_tree.loader.node_changed(node)

    def _live_tell(self, title: str, message: str, bad: bool) -> None:
        self.notify(visible(message), title=title, severity="error" if bad else "information",
                    markup=False, timeout=8)

    def _tick_live(self) -> None:
        """Every second: "updated 3 s ago" moves while something running is highlighted."""
        data = self.highlighted
        if not isinstance(data, ResourceData) or self.app.screen is not self:
            return
        running = data.kind in MOVING_KINDS and moving(data.kind, data.raw)
        if data.kind == "environment" and data.uuid:
            newest = self.session.newest_deployment(data.uuid)
            running = newest is not None and moving("deployment", newest.raw)
        if running:
            self.refresh_detail()

    # -- what works now -------------------------------------------------------------------

    def _refresh_footer(self) -> None:
        # The footer rebuilds itself on every refresh_bindings; only ask when what works
        # has changed, so moving along a list of backups does not rebuild it each line.
        state = tuple(self.check_action(action, ()) for action in CONTEXT_ACTIONS)
        if state != self._footer_state:
            self._footer_state = state
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        data = self.highlighted
        if action == "backups_view":
            return backups_scope(data) is not None
        if action == "backup_total":
            return self.follower.can_total(data)
        if action == "compare":
            return compare_scope(data) is not None
        if action == "logs":
            return log_target(data, self.session) is not None
        if action == "history_back":
            return self.can_go_back()
        if action == "copy_uuid":
            return isinstance(data, ResourceData) and data.uuid is not None
        if action == "copy_json":
            return isinstance(data, ResourceData)
        if action == "copy_url":
            return (isinstance(data, ResourceData) and data.uuid is not None) or isinstance(
                data, GroupData)
        if action == "open_control_panel":
            return isinstance(data, ResourceData) or (
                isinstance(data, GroupData) and data.owner is not None)
        if action == "clear_filter":
            try:
                return bool(self.resource_tree.filter_text or self.query_one(FilterBar).display)
            except NoMatches:  # asked before the layout exists
                return False
        return True

    # -- copy and open --------------------------------------------------------------------

    def action_copy_uuid(self) -> None:
        data = self.highlighted
        uuid = copying.copyable_uuid(data)
        if isinstance(data, ResourceData) and uuid is not None:
            self.app.copy_to_clipboard(uuid)
            self.notify(f"Copied the UUID of {copying.describe_resource(data)}\n"
                        f"{visible(uuid)}", markup=False)
        elif isinstance(data, ResourceData) and data.uuid:
            self._not_copied("its UUID holds characters no API id has")

    def _not_copied(self, why: str) -> None:
        self.notify(f"Not copied: {why} (shown as ␛ or \\u… in the detail pane).",
                    severity="warning", markup=False)

    def action_copy_json(self) -> None:
        data = self.highlighted
        copy = copying.copyable_json(data, reveal=self.reveal_secrets) if isinstance(
            data, ResourceData) else None
        if isinstance(data, ResourceData) and copy is None:
            self._not_copied("the record is nested too deep to write out")
        elif isinstance(data, ResourceData) and copy is not None:
            text, masked = copy
            self.app.copy_to_clipboard(text)
            note = " (sensitive value masked; v reveals)" if masked else ""
            self.notify(f"Copied the JSON of {copying.describe_resource(data)}{note}",
                        markup=False)

    def action_copy_url(self) -> None:
        url = copying.api_url(self.host.client, self.highlighted)
        if url is not None:
            self.app.copy_to_clipboard(url)
            self.notify(f"Copied the API URL\n{visible(url)}", markup=False)
        elif self.check_action("copy_url", ()):
            self._not_copied("its UUID holds characters no URL may carry")

    def action_open_control_panel(self) -> None:
        settings = self.host.settings
        url = copying.control_panel_url(self.highlighted, settings)
        if url is None:
            self.notify(f"Nothing to open: {links.no_control_panel(settings.demo)}.",
                        markup=False)
            return
        self.app.open_url(url)
        self.notify(f"Opening the Control Panel\n{visible(url)}", markup=False)

    # -- take it away: curl, divio-cli, files ---------------------------------------------

    def action_copy_curl(self) -> None:
        self.take_away.copy_curl()

    def action_copy_divio_command(self) -> None:
        self.take_away.copy_divio_command()

    def action_save(self) -> None:
        self.take_away.save()
    def action_show_whole(self) -> None:
        whole = copying.whole_record(self.highlighted, reveal=self.reveal_secrets)
        if whole is None:
            self.notify("Nothing more to show: the detail pane has all of it.", markup=False,
                        timeout=3)
            return
        from divio_tui.ui.screens.full_value import FullValueScreen

        self.app.push_screen(FullValueScreen(*whole))

    # -- the backups table ----------------------------------------------------------------

    def action_backups_view(self) -> None:
        scope = backups_scope(self.highlighted)
        if scope is None:
            return
        from divio_tui.ui.backups.screen import BackupsScreen

        self.app.push_screen(BackupsScreen(self.host.backups, scope),
                             callback=self._show_from_table)

    def action_backup_total(self) -> None:
        """`T`: read (or stop reading) the highlighted environment's backups' total size."""
        message = self.follower.total(self.highlighted)
        if message is not None:
            self.notify(message, markup=False, timeout=3)

    def _show_from_table(self, target: Target | None) -> None:
        if target is None:
            return
        kind, uuid = target
        self.resource_tree.focus()
        self.resource_tree.reveal(kind, uuid)

    # -- compare (ui/compare/, started by explorer/comparing.py) -------------------------

    def action_compare(self) -> None:
        self.comparer.start(self.highlighted)

    def action_compare_environments(self) -> None:
        self.comparer.pick_environments(self.highlighted)

    # -- logs -----------------------------------------------------------------------------

    def action_logs(self) -> None:
        """`L`: an environment's runtime logs, a deployment's (or a build's) log."""
        target = log_target(self.highlighted, self.session)
        if target is not None:
            from divio_tui.ui.logs.screen import LogScreen

            self.app.push_screen(LogScreen(self.host, target))
    # -- backup health ----------------------------------------------------------------------

    def action_backup_health(self) -> None:
        """The backup health of the highlighted organisation or application (elsewhere: of
        the enclosing application, or of every organisation)."""
        from divio_tui.ui.health.screen import HealthScreen

        scope, environment = health_scope(self.highlighted)
        max_age = timedelta(hours=self.host.settings.backup_max_age_hours)
        self.app.push_screen(HealthScreen(self.host.backups, scope, host=self, now=self.host.now,
                                          max_age=max_age, focus_environment=environment),
                             callback=self._show_from_table)

    def open_backups(self, environment: str, crumbs: list[str]) -> None:
        """`b` in the health view: the environment's backups table on top of it; showing a
        backup from there closes both."""
        from divio_tui.ui.backups.scope import BackupsScope
        from divio_tui.ui.backups.screen import BackupsScreen

        self.app.push_screen(BackupsScreen(self.host.backups, BackupsScope(environment, crumbs)),
                             callback=self._show_from_nested_table)

    def tell_refused(self, error: ApiError) -> None:
        """The health view's requests were refused (`HealthHost`): the app tells it."""
        self.host.tell_refused(error)

    def _show_from_nested_table(self, target: Target | None) -> None:
        if target is None:
            return
        from divio_tui.ui.health.screen import HealthScreen

        if isinstance(self.app.screen, HealthScreen):
            self.app.pop_screen()
        self._show_from_table(target)

    # -- reload ---------------------------------------------------------------------------

    def action_reload(self) -> None:
        node = self.resource_tree.cursor_node
        if node is None:
            self.action_reload_all()
            return
        self.follower.retry(node.data)
        self.overview.retry(node.data)
        self.resource_tree.reload_node(node)
        if isinstance(node.data, GroupData) and node.data.owner is None:
            self.host.refresh_account()  # a top line: who the token belongs to, again too

    def action_reload_all(self) -> None:
        self.resource_tree.reload_all()
        self.host.refresh_account()
        self.notify("Reloading everything", markup=False, timeout=2)

    # -- filter ---------------------------------------------------------------------------

    def action_filter(self) -> None:
        bar = self.query_one(FilterBar)
        bar.display = True
        bar.focus()
        self.refresh_bindings()

    @on(FilterBar.Changed, "#filter")  # FilterBar.Changed is Input.Changed: any input's
    def _filter_changed(self, event: FilterBar.Changed) -> None:
        tree = self.resource_tree
        matches = tree.set_filter(event.value)
        tree.border_subtitle = (f"filter: {visible(event.value.strip())} · {matches} match"
                                f"{'es' if matches != 1 else ''}" if event.value.strip() else "")

    @on(FilterBar.Done)
    def _filter_done(self, event: FilterBar.Done) -> None:
        if event.cleared:
            self.action_clear_filter()
        else:
            self.resource_tree.focus()
            self.refresh_bindings()

    def action_clear_filter(self) -> None:
        bar = self.query_one(FilterBar)
        bar.value = ""
        bar.display = False
        tree = self.resource_tree
        tree.set_filter("")
        tree.border_subtitle = ""
        tree.focus()
        self.refresh_bindings()

    # -- view -----------------------------------------------------------------------------

    def watch_reveal_secrets(self, reveal: bool) -> None:
        self.header.set_secrets_shown(reveal)
        self.refresh_detail()

    def action_reveal_secrets(self) -> None:
        self.reveal_secrets = not self.reveal_secrets
        state = ("revealed in the JSON pane and JSON copies" if self.reveal_secrets
                 else "masked again")
        self.notify(f"Sensitive values {state}", markup=False, timeout=3)

    def action_resize_tree(self, delta: int) -> None:
        low, high = TREE_WIDTH_LIMITS
        self._tree_width_chosen = True
        self.tree_width = max(low, min(high, self.tree_width + delta))

    # -- jumps ------------------------------------------------------------------------------

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

    # -- the palette (PaletteHost) --------------------------------------------------------

    def loaded_resources(self) -> Iterator[ResourceData]:
        for node in self.resource_tree.iter_resource_nodes():
            if isinstance(node.data, ResourceData):
                yield node.data

    def palette_commands(self) -> Iterable[PaletteCommand]:
        """The commands that make sense for the highlighted node right now."""
        return commands_for(self)

    def account_choices(self) -> list[tuple[str, str, Callable[[], Settings]]]:
        return self.host.account_choices()

    def switch_account(self, name: str, settings_of: Callable[[], Settings]) -> None:
        self.host.switch_account(name, settings_of)


def _owner(data: NodeData | None) -> ResourceData | None:
    """The resource a node belongs to: itself, a group's owner, a status line's owner."""
    if isinstance(data, ResourceData):
        return data
    if isinstance(data, GroupData):
        return data.owner
    if isinstance(data, StatusData):
        return _owner(data.owner)
    return None


def _crumbs(data: NodeData | None) -> list[str]:
    if isinstance(data, GroupData):
        return [*breadcrumb(data.owner), data.title]
    if isinstance(data, ResourceData):
        return breadcrumb(data)
    return breadcrumb(_owner(data))
