"""`ResourceTree`: the lazy tree of organisations, applications, environments and below.

One `Tree` subclass that renders and filters; what it does besides is done by collaborators
it owns, each in its own module:

- `loader` (`TreeLoader`, loader.py): the tree's shape from the resource table, and children
  streamed in from the API as nodes are expanded;
- `sizes` (`BackupSizes`, sizes.py): the sizes of the backups on screen, filled in as their
  parts arrive;
- `inline` (`InlineChildren`, inline.py): the one child a resource names (a repository);
- `reloader` (`TreeReloader`, reload.py): reloads that keep what is open and the cursor;
- `revealer` (`Revealer`, reveal.py): showing any resource by kind and uuid, going back.

The tree talks to the screen that holds it only through messages (messages.py):
`Highlighted` when the cursor moves or the highlighted node changes, `LoadFailed` when a load
fails, `RevealFailed` when a resource cannot be shown, `FilterCleared` when a jump dropped
the filter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events, on
from textual.binding import BindingType
from textual.widgets import Tree
from textual.worker import Worker

from divio_tui.state.history import NavigationHistory
from divio_tui.state.nodes import NodeData, ResourceData, StatusData
from divio_tui.state.session import Session
from divio_tui.ui._textual import TOGGLE_STYLE, FastTree
from divio_tui.ui.keys import TREE_BINDINGS
from divio_tui.ui.text.roles import component_classes, readable_line, resolve, role_style
from divio_tui.ui.tree import messages
from divio_tui.ui.tree.filter import TreeFilter
from divio_tui.ui.tree.inline import InlineChildren
from divio_tui.ui.tree.loader import TreeLoader
from divio_tui.ui.tree.messages import Node
from divio_tui.ui.tree.reload import TreeReloader
from divio_tui.ui.tree.reveal import Revealer
from divio_tui.ui.tree.sizes import BackupSizes


class ResourceTree(FastTree[NodeData]):
    """The resource tree. Build it with the session it reads from and the app's clock."""

    BINDINGS: ClassVar[list[BindingType]] = list(TREE_BINDINGS)
    COMPONENT_CLASSES: ClassVar[set[str]] = (
        Tree.COMPONENT_CLASSES | component_classes("resource-tree")
    )

    Highlighted = messages.Highlighted
    LoadFailed = messages.LoadFailed
    RevealFailed = messages.RevealFailed
    FilterCleared = messages.FilterCleared

    def __init__(
        self,
        session: Session,
        clock: Callable[[], datetime],
        *,
        reload_key: str = "r",
        open_first: bool = True,
        id: str | None = None,
    ) -> None:
        self.filter = TreeFilter()
        super().__init__("Divio", id=id)
        self.session = session
        self.loader = TreeLoader(self, session, clock, reload_key=reload_key)
        self.sizes = BackupSizes(self, self.loader)
        self.loader.on_backups_shown = self.sizes.fill
        self.inline = InlineChildren(self, self.loader)
        self.loader.on_resource_opened = self.inline.load
        self.reloader = TreeReloader(self, self.loader)
        self.revealer = Revealer(self, self.loader, self.filter)
        self._open_first = open_first
        self.show_root = False
        self.guide_depth = 2

    @property
    def reload_key(self) -> str:
        """The key named in error lines ("press r to retry")."""
        return self.loader.reload_key

    @property
    def history(self) -> NavigationHistory:
        """Where the cursor was before each jump."""
        return self.revealer.history

    def on_mount(self) -> None:
        # Not before sign-in: the screen rebuilds the tree with `reload_all` once it has a
        # token.
        self.loader.build_roots(open_first=self._open_first)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if round(old_value) != round(new_value):
            self.sizes.look_soon()  # the backups coming into view get their sizes

    def on_resize(self, event: events.Resize) -> None:
        self.sizes.look_soon()

    @on(Tree.NodeExpanded)
    def _load_on_expand(self, event: Tree.NodeExpanded[NodeData]) -> None:
        if event.node.tree is self:
            self.loader.load_children(event.node)

    @on(Tree.NodeHighlighted)
    def _highlighted(self, event: Tree.NodeHighlighted[NodeData]) -> None:
        if event.node.tree is self:
            self.post_message(self.Highlighted(event.node))

    # -- what other panes read --------------------------------------------------------------

    def child_resources(self, node: Node) -> list[ResourceData]:
        """The resources loaded under `node` (for a group's newest / oldest)."""
        return [child.data for child in node.children if isinstance(child.data, ResourceData)]

    def iter_resource_nodes(self) -> Iterator[Node]:
        """Every loaded resource node, depth first (for the command palette)."""
        stack = list(reversed(self.root.children))
        while stack:
            node = stack.pop()
            if isinstance(node.data, ResourceData):
                yield node
            stack.extend(reversed(node.children))

    # -- jumps, reloads (the collaborators do the work) --------------------------------------

    def reveal(self, kind: str, uuid: str, *, remember: bool = True) -> Worker[Node | None]:
        """Show `kind` `uuid`, loading whatever leads to it; see `Revealer.reveal`."""
        return self.revealer.reveal(kind, uuid, remember=remember)

    def show_node(self, node: Node, *, remember: bool = False, center: bool = False) -> None:
        """Put the cursor on a loaded `node`; see `Revealer.show_node`."""
        self.revealer.show_node(node, remember=remember, center=center)

    def go_back(self) -> bool:
        """Back to where the cursor was before the last jump (False when there is none)."""
        return self.revealer.go_back()

    def reload_node(self, node: Node) -> None:
        """Fetch `node` again, keeping what is open below it and the cursor."""
        self.reloader.reload_node(node)

    def reload_all(self, *, keep_open: bool = True) -> None:
        """Forget everything and rebuild from the roots (`keep_open`: re-open what was open;
        else, another account: start as at first, with no history)."""
        if not keep_open:
            self.history.clear()  # positions of another account lead nowhere
        self.reloader.reload_all(keep_open=keep_open)

    # -- the filter -------------------------------------------------------------------------

    @property
    def filter_text(self) -> str:
        return self.filter.text

    def set_filter(self, text: str) -> int:
        """Show only lines (of the expanded tree) matching `text`, with their ancestors and
        what is open under them. Returns how many lines match; "" shows everything again."""
        self.filter.set_text(text)
        self.relayout()
        cursor = self.cursor_node
        if self.filter.active and (cursor is None or not self.filter.matches_node(cursor)
                                   or self.node_on_line(cursor.line) is not cursor):
            # Onto the first match, so that enter / c / y act on what the user looked for.
            first = next((node for node in self.visible_lines()
                          if self.filter.matches_node(node)), None)
            if first is not None:
                self.move_cursor(first)
        elif cursor is not None:
            self.call_after_refresh(self.move_cursor, cursor)
        return self.filter.matches if self.filter.active else 0

    def visible_ids(self) -> set[int] | None:
        return self.filter.visible_ids(list(self.root.children))

    # -- keys -----------------------------------------------------------------------------

    def action_expand_or_child(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and not node.is_expanded:
            node.expand()
        elif node.is_expanded and node.children:
            self.move_cursor(node.children[0])

    def action_collapse_or_parent(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and node.is_expanded:
            node.collapse()
        elif node.parent is not None and node.parent is not self.root:
            self.move_cursor(node.parent)

    def action_select_cursor(self) -> None:
        node = self.cursor_node
        if node is not None and isinstance(node.data, StatusData):
            if node.data.kind in {"error", "load-more"}:
                self.reloader.retry(node)
            return
        super().action_select_cursor()

    # -- rendering ----------------------------------------------------------------------

    def _role_style(self, role: str) -> Style:
        return role_style(self, f"resource-tree--{role}")

    def render_label(self, node: Node, base_style: Style, style: Style) -> Text:
        label = node.label
        label = resolve(label if isinstance(label, Text) else Text(str(label)),
                        self._role_style)
        label.stylize(readable_line(style))
        if node.allow_expand:
            icon = self.ICON_NODE_EXPANDED if node.is_expanded else self.ICON_NODE
            return Text.assemble((icon, base_style + TOGGLE_STYLE), label)
        return label

    def get_label_width(self, node: Node) -> int:
        # The default renders every label to measure it; the plain text is enough.
        icon = len(self.ICON_NODE) if node.allow_expand else 0
        label = node.label
        return (label.cell_len if isinstance(label, Text) else len(str(label))) + icon
