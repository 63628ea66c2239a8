"""`DivioApp`: the explorer. Layout, keys, and the routing between the tree and the panes.

Build it with `DivioApp(client=..., settings=..., clock=...)` — the CLI (through `run_app`)
and the tests use the same factory. The clock returns an aware UTC datetime; tests pin it so
relative times ("3 min ago") never drift.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any, ClassVar

import httpx
from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.reactive import reactive
from textual.widgets import Footer

from divio_tui.api.errors import ApiError, Unauthorised
from divio_tui.api.models import ApiModel, User
from divio_tui.settings import Settings
from divio_tui.ui.actions import ResourceActions
from divio_tui.ui.backup_actions import BackupActions, backups_place
from divio_tui.ui.backup_status import BackupBook
from divio_tui.ui.detail import DetailPane, build_view
from divio_tui.ui.filter import FilterBar
from divio_tui.ui.header import HeaderBar
from divio_tui.ui.help import HelpScreen, keys_for
from divio_tui.ui.jump import JumpCommands
from divio_tui.ui.keys import ALL_BINDINGS, APP_BINDINGS
from divio_tui.ui.labels import error_summary
from divio_tui.ui.loading import Node
from divio_tui.ui.navigation import NavigationActions
from divio_tui.ui.nodes import GroupData, NodeData, ResourceData, StatusData
from divio_tui.ui.palette import ExplorerCommands, PaletteCommand, commands_for
from divio_tui.ui.session import Session
from divio_tui.ui.signin import (
    ClientFactory,
    SignedIn,
    SignInScreen,
    header_source,
    rejection_message,
    token_rejected,
)
from divio_tui.ui.summary import SummaryContext, breadcrumb
from divio_tui.ui.terminal import CHECK_INTERVAL, controlling_terminal_fd, terminal_lost
from divio_tui.ui.tree import ResourceTree
from divio_tui.ui.untrusted import clean

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]

EXTRA_BINDING_IDS = frozenset({"close-help", "filter-cancel"})
"""Binding ids defined on screens and widgets outside `keys.py`, also valid in key overrides."""

TREE_WIDTH_LIMITS = (20, 80)
"""The tree pane's width may be set between these percentages of the screen."""


def utc_now() -> datetime:
    """The real clock (tests inject a fixed one)."""
    return datetime.now(UTC)


class DivioApp(BackupActions, ResourceActions, NavigationActions, App[None]):
    """The Divio API explorer."""

    CSS_PATH = "app.tcss"
    TITLE = "divio-tui"
    BINDINGS: ClassVar[list[BindingType]] = list(APP_BINDINGS)
    COMMANDS = App.COMMANDS | {ExplorerCommands, JumpCommands}
    NOTIFICATION_TIMEOUT = 4

    tree_width: reactive[int] = reactive(55, init=False)
    """Width of the tree pane, in percent of the screen."""
    reveal_secrets: reactive[bool] = reactive(False, init=False)
    """Show sensitive values in the JSON pane and in JSON copies."""

    def __init__(
        self,
        client: Any,
        settings: Settings | None = None,
        clock: Clock | None = None,
        *,
        owns_client: bool = False,
        client_factory: ClientFactory | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings if settings is not None else Settings()
        self.client = client
        self.client_factory: ClientFactory = client_factory or default_client_factory
        """Builds a client for other settings: the sign-in check, the demo."""
        self.session = Session(client)
        self.backups = BackupBook(self.session)
        self.clock: Clock = clock or utc_now
        self._owns_client = owns_client
        self._highlighted: Node | None = None
        self._footer_state: tuple[bool | None, ...] = ()
        self._told_unauthorised = False
        self._tree_started = self.signed_in
        self.key_overrides: dict[str, str] = {
            key: value for key, value in self.settings.keys.items()
            if key in ALL_BINDINGS or key in EXTRA_BINDING_IDS
        }
        self._unknown_keys = sorted(set(self.settings.keys) - set(self.key_overrides))
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield HeaderBar(id="header")
        with Horizontal(id="main"):
            with Vertical(id="tree-pane"):
                yield ResourceTree(self.session, self.clock, id="tree",
                                   reload_key=keys_for("reload", self.key_overrides)[0],
                                   open_first=self.signed_in)
                yield FilterBar(id="filter")
            yield DetailPane(id="detail")
        yield Footer(compact=True)

    @property
    def resource_tree(self) -> ResourceTree:
        return self.query_one("#tree", ResourceTree)

    @property
    def detail(self) -> DetailPane:
        return self.query_one("#detail", DetailPane)

    def on_mount(self) -> None:
        if self.key_overrides:
            self.set_keymap(self.key_overrides)
        if self._unknown_keys:
            self.notify("Unknown key binding ids in the config: " + ", ".join(
                clean(key) for key in self._unknown_keys), severity="warning", markup=False)
        self._show_connection()
        tree = self.resource_tree
        tree.border_title = "Resources"
        self.detail.border_title = "Detail"
        tree.focus()
        if self.signed_in:
            self.fetch_me()
        else:
            self.show_sign_in()
        terminal = None if self.is_headless else controlling_terminal_fd()
        if terminal is not None:
            self.set_interval(CHECK_INTERVAL, lambda: self._exit_if_lost(terminal))

    def _exit_if_lost(self, terminal: int) -> None:
        """End the app once its terminal has hung up (see ui/terminal.py for why)."""
        if terminal_lost(terminal):
            log.info("the terminal hung up: exiting")
            self.exit()

    async def on_unmount(self) -> None:
        if self._owns_client:
            await self.client.aclose()

    def session_rows(self) -> list[tuple[str, Text]]:
        """What the start screen says about the connection (never the token itself)."""
        settings = self.settings
        api = ("demo — the built-in fake API, no network" if settings.demo
               else str(getattr(self.client, "base_url", settings.api_url)))
        me = self.session.me
        keys = self.key_overrides
        tips = " · ".join(f"{keys_for(binding_id, keys)[0]} {what}" for binding_id, what in (
            ("expand", "expand"), ("copy-uuid", "copy UUID"), ("filter", "filter"),
            ("command-palette", "palette"), ("help", "all keys")))
        return [
            ("api", Text(clean(api))),
            ("signed in", Text(clean(me.email or me.display_name)) if me is not None
             else Text("…", "muted")),
            ("token", Text("not needed for the demo", "muted") if settings.demo
             else Text(clean(f"from {settings.token_source}")) if settings.token_source
             else Text("none", "muted")),
            ("times", Text("UTC throughout")),
            ("keys", Text(tips, "muted")),
        ]

    @property
    def signed_in(self) -> bool:
        """There is a token to try (or the demo, which needs none)."""
        return self.settings.demo or self.settings.token is not None

    def _show_connection(self) -> None:
        header = self.query_one(HeaderBar)
        header.set_connection(self.connection_label())
        header.set_token_source(header_source(self.settings.token_source))

    def connection_label(self) -> str:
        """`demo`, or the API host (and port when not the default). Never the token."""
        if self.settings.demo:
            return "demo"
        url = httpx.URL(str(getattr(self.client, "base_url", self.settings.api_url)))
        return url.host + (f":{url.port}" if url.port else "")

    def watch_tree_width(self, width: int) -> None:
        self.query_one("#tree-pane").styles.width = f"{width}%"

    @work(exit_on_error=False, group="me", exclusive=True)
    async def fetch_me(self) -> None:
        """Who the token belongs to, for the header."""
        try:
            me = await self.client.me()
        except Unauthorised as error:
            self.tell_unauthorised(error)
            return
        except ApiError as error:
            log.info("me: %s", error.message)
            return
        except Exception:
            log.exception("me failed")
            return
        self.session.me = me
        self.query_one(HeaderBar).set_user(me.email or me.display_name)
        self.refresh_detail()

    # -- routing --------------------------------------------------------------------------

    @on(ResourceTree.Highlighted)
    def _show_highlighted(self, message: ResourceTree.Highlighted) -> None:
        self._highlighted = message.node
        self.follow_backups(message.data)
        self.refresh_detail(keep_scroll=message.refreshed)
        self.query_one(HeaderBar).set_crumbs(self._crumbs(message.data))
        self._refresh_footer()

    def tell_unauthorised(self, error: Unauthorised) -> None:
        """A refused token, however many loads it breaks: one toast naming where the token
        came from, and the sign-in screen (once, until someone signs in again). A 403 that
        is only a missing permission is told like any other failure."""
        if not token_rejected(error):
            self.notify(clean(f"{error_summary(error)}: {error.detail or error.message}"),
                        title="Not allowed", severity="error", markup=False, timeout=8)
            return
        if self._told_unauthorised:
            return
        self._told_unauthorised = True
        if self.settings.demo:
            detail = f" ({clean(error.detail)})" if error.detail else ""
            self.notify(f"{error_summary(error)}{detail}", title="The API refused the token",
                        severity="error", markup=False, timeout=12)
            return
        message = rejection_message(error, self.settings.token_source)
        log.warning("%s", message)
        self.notify(message, title="The API refused the token", severity="error",
                    markup=False, timeout=12)
        self.show_sign_in(message)

    def show_sign_in(self, reason: str | None = None) -> None:
        """Push the sign-in screen unless it is up already."""
        if any(isinstance(screen, SignInScreen) for screen in self.screen_stack):
            return
        self.push_screen(SignInScreen(self.settings, self.client_factory, reason=reason),
                         self._signed_in)

    def _signed_in(self, result: SignedIn | None) -> None:
        if result is not None:
            self.use_client(result.client, result.settings, me=result.me)

    def use_client(self, client: Any, settings: Settings, *, me: User | None = None) -> None:
        """Talk to the API through `client` (with `settings`) from now on: the session, the
        tree and the header start again, as after a reload-all. The app owns `client`."""
        old, owned = self.client, self._owns_client
        previous = self.session.me
        same_account = (settings.demo == self.settings.demo and (
            previous is None or me is None or previous.uuid == me.uuid))
        self.settings = settings
        self.client = client
        self._owns_client = True
        self._told_unauthorised = False
        self.session.use(client)
        self.session.me = me
        self._show_connection()
        self.query_one(HeaderBar).set_user(me.email or me.display_name if me else None)
        self.resource_tree.reload_all(keep_open=same_account and self._tree_started)
        self._tree_started = True
        if settings.demo:
            self.notify("Exploring the built-in demo API", markup=False, timeout=4)
        if me is None:
            self.fetch_me()
        else:
            self.notify(f"Signed in as {clean(me.email or me.display_name)}", markup=False,
                        timeout=4)
        self.refresh_detail()
        if owned and old is not client:
            self.run_worker(old.aclose(), group="close-client", exit_on_error=False)

    @on(ResourceTree.LoadFailed)
    def _report_failure(self, message: ResourceTree.LoadFailed) -> None:
        # Short: the error line in the tree carries the whole story in the detail pane.
        error = message.error
        if isinstance(error, Unauthorised) and token_rejected(error):
            self.tell_unauthorised(error)
            return
        text = error_summary(error)
        if isinstance(error, ApiError) and error.detail:
            text += f": {error.detail}"
        elif not isinstance(error, ApiError):
            text += f": {error}"
        self.notify(clean(text) + f"\n{self.resource_tree.reload_key} on the ⚠ line retries",
                    title=f"Could not load {clean(message.where)}", severity="error",
                    markup=False, timeout=8)

    def refresh_detail(self, *, keep_scroll: bool = True) -> None:
        node = self._highlighted
        data = node.data if node is not None else None
        children = self.resource_tree.child_resources(node) if node is not None else []
        label = node.label if node is not None and isinstance(node.label, Text) else None
        view = build_view(data, self.summary_context(data), children=children,
                          reveal=self.reveal_secrets, label=label,
                          session_rows=self.session_rows())
        self.detail.show(view, keep_scroll=keep_scroll)

    def summary_context(self, data: NodeData | None) -> SummaryContext:
        ancestors: dict[tuple[str, str], ApiModel] = {}
        resource = _owner(data)
        while resource is not None:
            ancestors[(resource.kind, resource.model.key)] = resource.model
            resource = resource.parent

        def lookup(kind: str, uuid: str) -> ApiModel | None:
            return ancestors.get((kind, uuid)) or self.session.known(kind, uuid)

        return SummaryContext(now=self.clock(), lookup=lookup, backups=self.backup_report(data),
                              reload_key=self.resource_tree.reload_key)

    def _crumbs(self, data: NodeData | None) -> list[str]:
        if isinstance(data, GroupData):
            return [*breadcrumb(data.owner), data.title]
        if isinstance(data, ResourceData):
            return breadcrumb(data)
        return breadcrumb(_owner(data))

    @property
    def highlighted(self) -> NodeData | None:
        """The data of the node under the cursor."""
        return self._highlighted.data if self._highlighted is not None else None

    # -- what works now -------------------------------------------------------------------

    CONTEXT_ACTIONS: ClassVar[tuple[str, ...]] = (
        "copy_uuid", "copy_json", "copy_url", "open_control_panel", "clear_filter",
        "history_back", "backups_view")
    """Actions whose availability depends on the highlighted node (see `check_action`)."""

    def _refresh_footer(self) -> None:
        # The footer rebuilds itself on every refresh_bindings; only ask when what works
        # has changed, so moving along a list of backups does not rebuild it each line.
        state = tuple(self.check_action(action, ()) for action in self.CONTEXT_ACTIONS)
        if state != self._footer_state:
            self._footer_state = state
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "command_palette" and isinstance(self.screen, SignInScreen):
            return False
        if self.blocked_by_backups_view(action):
            return False
        data = self.highlighted
        if action == "backups_view":
            return backups_place(data) is not None
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

    # -- actions ------------------------------------------------------------------------

    def action_reload(self) -> None:
        node = self.resource_tree.cursor_node
        if node is None:
            self.action_reload_all()
            return
        self.retry_backups(node.data)
        self.resource_tree.reload_node(node)

    def action_reload_all(self) -> None:
        self.resource_tree.reload_all()
        self.fetch_me()
        self.notify("Reloading everything", markup=False, timeout=2)

    def action_filter(self) -> None:
        bar = self.query_one(FilterBar)
        bar.display = True
        bar.focus()
        self.refresh_bindings()

    @on(FilterBar.Changed, "#filter")  # FilterBar.Changed is Input.Changed: any input's
    def _filter_changed(self, event: FilterBar.Changed) -> None:
        tree = self.resource_tree
        matches = tree.set_filter(event.value)
        tree.border_subtitle = (f"filter: {clean(event.value.strip())} · {matches} match"
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

    def watch_reveal_secrets(self, reveal: bool) -> None:
        self.refresh_detail()

    def action_reveal_secrets(self) -> None:
        self.reveal_secrets = not self.reveal_secrets
        state = ("revealed in the JSON pane and JSON copies" if self.reveal_secrets
                 else "masked again")
        self.notify(f"Sensitive values {state}", markup=False, timeout=3)

    def action_resize_tree(self, delta: int) -> None:
        low, high = TREE_WIDTH_LIMITS
        self.tree_width = max(low, min(high, self.tree_width + delta))

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.key_overrides))

    def palette_commands(self) -> Iterable[PaletteCommand]:
        """The commands that make sense for the highlighted node right now."""
        return commands_for(self)

def _owner(data: NodeData | None) -> ResourceData | None:
    """The resource a node belongs to: itself, a group's owner, a status line's owner."""
    if isinstance(data, ResourceData):
        return data
    if isinstance(data, GroupData):
        return data.owner
    if isinstance(data, StatusData):
        return _owner(data.owner)
    return None


def default_client_factory(settings: Settings) -> Any:
    """A `DivioClient` for `settings` (not the demo: `ui` does not import `fake`, so the demo
    needs the CLI's factory)."""
    if settings.demo:
        raise RuntimeError("the demo needs a client_factory that mounts it (the CLI provides it)")
    from divio_tui.api.client import DivioClient

    return DivioClient(settings.api_url, settings.token_value,
                       concurrency=settings.concurrency, page_size=settings.page_size)


def run_app(settings: Settings, client_factory: ClientFactory | None = None) -> int:
    """Run the explorer for `settings` until the user quits; returns the exit status.

    `client_factory(settings)` builds a `DivioClient` for some settings: the one to start
    with, a token typed into the sign-in screen, the demo (the CLI passes `build_client`, which
    mounts the demo API in-process: `ui` does not import `fake`). Without it, only real API
    clients can be built. With no token (and not the demo), the app opens on the sign-in screen.
    """
    factory = client_factory or default_client_factory
    app = DivioApp(client=factory(settings), settings=settings, owns_client=True,
                   client_factory=factory)
    app.run()
    return app.return_code or 0
