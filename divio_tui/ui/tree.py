"""`ResourceTree`: the lazy tree of organisations, applications, environments and below.

The tree's shape comes from the resource table (`api/resources.py`): the roots are its
`ROOT_KINDS`; a resource with one child kind lists those children directly under itself
(organisation > applications), one with several gets a group node per kind (environment >
Backups, Deployments, …); `single` links (an application's repository) appear inline.
Nothing is fetched before a node is expanded (see loading.py for how children arrive).

The tree talks to the rest of the app only through messages: `Highlighted` when the cursor
moves or the highlighted node changes, `LoadFailed` when a load fails (the app notifies),
`RevealFailed` when `reveal(kind, uuid)` cannot show a resource (see reveal.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import on
from textual.binding import BindingType
from textual.message import Message
from textual.widgets import Tree
from textual.widgets._tree import TOGGLE_STYLE

from divio_tui.api.resources import KINDS, ROOT_KINDS
from divio_tui.ui.keys import TREE_BINDINGS
from divio_tui.ui.labels import group_label
from divio_tui.ui.loading import Node, listing_of
from divio_tui.ui.nodes import (
    ExpandedState,
    GroupData,
    Listing,
    NodeData,
    ResourceData,
    StatusData,
)
from divio_tui.ui.reveal import RevealMixin
from divio_tui.ui.roles import component_classes, resolve
from divio_tui.ui.session import Session
from divio_tui.ui.summary import plain_label
from divio_tui.ui.tree_filter import FilterMixin


class ResourceTree(RevealMixin, FilterMixin, Tree[NodeData]):
    """The resource tree. Build it with the session it reads from and the app's clock."""

    BINDINGS: ClassVar[list[BindingType]] = list(TREE_BINDINGS)
    COMPONENT_CLASSES: ClassVar[set[str]] = (
        Tree.COMPONENT_CLASSES | component_classes("resource-tree")
    )

    class Highlighted(Message):
        """The cursor moved to `node`, or the node under the cursor changed (`refreshed`)."""

        def __init__(self, node: Node | None, *, refreshed: bool = False) -> None:
            super().__init__()
            self.node = node
            self.refreshed = refreshed

        @property
        def data(self) -> NodeData | None:
            return self.node.data if self.node is not None else None

    class LoadFailed(Message):
        """Loading `where` failed with `error` (an error node is already in the tree)."""

        def __init__(self, error: BaseException, where: str) -> None:
            super().__init__()
            self.error = error
            self.where = where

    def __init__(
        self,
        session: Session,
        clock: Callable[[], datetime],
        *,
        reload_key: str = "r",
        open_first: bool = True,
        id: str | None = None,
    ) -> None:
        self._filter = ""
        self._filter_matches = 0
        self._restore = ExpandedState()
        super().__init__("Divio", id=id)
        self.session = session
        self._clock = clock
        self.reload_key = reload_key
        self._open_first = open_first
        self.show_root = False
        self.guide_depth = 2

    def on_mount(self) -> None:
        # Not before sign-in: the app rebuilds the tree with `reload_all` once it has a token.
        self.build_roots(open_first=self._open_first)

    # -- structure ----------------------------------------------------------------------

    def build_roots(self, *, open_first: bool) -> None:
        """Add one group per root kind (Organisations, Regions); open the first one."""
        for index, name in enumerate(ROOT_KINDS):
            kind = KINDS[name]
            data = GroupData(kind.title, Listing(kind=name))
            node = self.root.add(group_label(kind.title, None, 0, False), data)
            restoring = self.restore_node(node)
            if index == 0 and open_first and not restoring:
                node.expand()
        if self.cursor_line < 0 and self._restore.cursor is None:
            self.call_after_refresh(self._cursor_to_first_line)

    def _cursor_to_first_line(self) -> None:
        if self.cursor_line < 0 and self.last_line >= 0:
            self.cursor_line = 0

    @on(Tree.NodeExpanded)
    def _load_on_expand(self, event: Tree.NodeExpanded[NodeData]) -> None:
        if event.node.tree is self:
            self.load_children(event.node)

    def load_children(self, node: Node) -> None:
        """Start loading what `node` holds unless that has started already (on expand)."""
        data = node.data
        if isinstance(data, GroupData):
            if not data.listing.loaded and not data.listing.loading:
                self.start_listing(node)
        elif isinstance(data, ResourceData) and not data.expanded_once:
            data.expanded_once = True
            self._open_resource(node, data)

    def _open_resource(self, node: Node, data: ResourceData) -> None:
        kind = KINDS.get(data.kind)
        if kind is None:
            return
        lists = [link for link in kind.child_links if not link.single]
        if len(lists) == 1:
            link = lists[0]
            data.listing = Listing(kind=link.kind, link=link, parent=data.model)
            self.start_listing(node)
        else:
            for link in lists:
                child_kind = KINDS[link.kind]
                group = GroupData(child_kind.title,
                                  Listing(kind=link.kind, link=link, parent=data.model),
                                  owner=data)
                child = node.add(group_label(child_kind.title, None, 0, False), group)
                self.restore_node(child)
        self.start_singles(node)

    @on(Tree.NodeHighlighted)
    def _highlighted(self, event: Tree.NodeHighlighted[NodeData]) -> None:
        if event.node.tree is self:
            self.post_message(self.Highlighted(event.node))

    def report_failure(self, error: BaseException, node: Node) -> None:
        """Tell the app a load under `node` failed (it shows a notification)."""
        self.post_message(self.LoadFailed(error, self.describe(node)))

    def node_changed(self, node: Node) -> None:
        """Tell the app the node under the cursor has new data (label, count, children)."""
        if self.cursor_node is node:
            self.post_message(self.Highlighted(node, refreshed=True))

    def is_alive(self, node: Node) -> bool:
        """Still part of the tree (not dropped by a reload while its worker ran)?"""
        return node is self.root or self._tree_nodes.get(node.id) is node

    def drop_children(self, node: Node) -> None:
        """Remove every descendant of `node` at once.

        `TreeNode.remove_children` removes nodes one by one, each a list search in the
        siblings, which is quadratic and takes seconds for 10k children; this drops the
        whole subtree in one pass (Textual is pinned, so reaching into the node lists is safe).
        """
        cursor = self.cursor_node
        if cursor is not None and cursor is not node and _is_under(cursor, node):
            self.move_cursor(node)
        stack = list(node._children)
        while stack:
            child = stack.pop()
            stack.extend(child._children)
            self._tree_nodes.pop(child._id, None)
        node._children.clear()
        node._updates += 1
        self._invalidate()

    def sort_newest_first(self, node: Node, kind_name: str) -> None:
        """Keep time-ordered kinds newest first even if the server sends another order."""
        kind = KINDS.get(kind_name)
        if kind is None or kind.newest_first is None:
            return
        children = node._children
        resources = [child for child in children if isinstance(child.data, ResourceData)
                     and child.data.kind == kind_name]
        keys = [kind.sort_key(child.data.model) for child in resources]  # type: ignore[union-attr]
        if all(keys[i] >= keys[i + 1] for i in range(len(keys) - 1)):
            return
        others = [child for child in children if child not in resources]
        head = [child for child in others if not isinstance(child.data, StatusData)]
        tail = [child for child in others if isinstance(child.data, StatusData)]
        ordered = sorted(resources, key=lambda c: kind.sort_key(c.data.model),  # type: ignore[union-attr]
                         reverse=True)
        children[:] = [*head, *ordered, *tail]
        node._updates += 1
        self._invalidate()

    def describe(self, node: Node) -> str:
        """`Backups of acme › shop › live` — where a load failed, for the notification."""
        data = node.data
        if isinstance(data, GroupData):
            owner = " › ".join(_crumbs(data.owner))
            return f"{data.title} of {owner}" if owner else data.title
        if isinstance(data, ResourceData):
            return " › ".join(_crumbs(data))
        return "the tree"

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

    # -- reload and restore -------------------------------------------------------------

    def capture(self, node: Node) -> ExpandedState:
        """The expanded nodes under `node` (itself included) and the cursor if it is there."""
        state = ExpandedState()
        stack = [node]
        while stack:
            current = stack.pop()
            if current is not self.root and current.is_expanded and current.data is not None:
                state.expanded.add(current.data.key)
            stack.extend(current._children)
        cursor = self.cursor_node
        if cursor is not None and cursor.data is not None and (
            node is self.root or cursor is node or _is_under(cursor, node)
        ):
            state.cursor = cursor.data.key
        return state

    def restore_node(self, node: Node) -> bool:
        """Re-open `node` / put the cursor back on it if a reload asked to. True if opened."""
        data = node.data
        if data is None or isinstance(data, StatusData):
            return False
        key = data.key
        if key == self._restore.cursor:
            self._restore.cursor = None
            self.call_after_refresh(self.move_cursor, node)
        if key in self._restore.expanded:
            self._restore.expanded.discard(key)
            node.expand()
            return True
        return False

    def reload_node(self, node: Node) -> None:
        """Fetch `node` again, keeping what is expanded below it and the cursor."""
        data = node.data
        if isinstance(data, StatusData):
            self.retry(node)
            return
        state = self.capture(node)
        self._restore.expanded |= state.expanded - {data.key if data else ()}
        if state.cursor is not None and self.cursor_node is not node:
            self._restore.cursor = state.cursor
        if isinstance(data, GroupData):
            for field, parent in data.listing.params.items():
                self.session.forget_children(data.listing.kind, field, parent)
            if data.listing.loaded or data.listing.loading or node.is_expanded:
                self.start_listing(node)
            return
        if isinstance(data, ResourceData):
            self.run_worker(self._reload_resource(node, data), group=f"record-{node.id}",
                            exclusive=True, exit_on_error=False)

    async def _reload_resource(self, node: Node, data: ResourceData) -> None:
        uuid = data.uuid
        if uuid is not None:
            try:
                data.model = await self.session.client.get(KINDS[data.kind], uuid)
                self.session.remember(data.kind, [data.model])
            except Exception as error:  # noqa: BLE001 — reported, and the worker carries on
                # The children reload anyway; the record keeps its previous value.
                self.report_failure(error, node)
        if not self.is_alive(node):
            return
        node.set_label(self.resource_text(data))
        if data.expanded_once:
            self.drop_children(node)
            data.listing = None
            data.expanded_once = False
            if node.is_expanded:
                data.expanded_once = True
                self._open_resource(node, data)
        self.node_changed(node)

    def retry(self, status_node: Node) -> None:
        """Enter / r on an error or `load more` line: continue or redo its parent's load."""
        owner = status_node.parent
        if owner is None:
            return
        data = status_node.data
        listing = listing_of(owner.data)
        resumable = (listing is not None and listing.loaded and not listing.exhausted
                     and listing.member_uuids is None)
        if isinstance(data, StatusData) and data.kind in {"error", "load-more"} and resumable:
            self.move_cursor(owner) if data.kind == "error" else None
            self.start_listing(owner, more=True)
            return
        self.move_cursor(owner)
        if owner is not self.root:
            self.reload_node(owner)

    def reload_all(self, *, keep_open: bool = True) -> None:
        """Forget everything and rebuild from the roots, re-opening what was open, or (not
        `keep_open`: another account) only the first root, as at start."""
        state = self.capture(self.root) if keep_open else ExpandedState()
        if not keep_open:
            self.history.clear()  # places of another account lead nowhere
        self.workers.cancel_node(self)
        self.session.clear()
        self._restore = state
        self._tree_nodes.clear()
        self.clear()
        self._tree_nodes[self.root.id] = self.root
        self.build_roots(open_first=not keep_open)

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
                self.retry(node)
            return
        super().action_select_cursor()

    # -- rendering ----------------------------------------------------------------------

    def _role_style(self, role: str) -> Style:
        return self.get_component_rich_style(f"resource-tree--{role}", partial=True)

    def render_label(self, node: Node, base_style: Style, style: Style) -> Text:
        label = resolve(node._label, self._role_style)
        label.stylize(style)
        if node._allow_expand:
            icon = self.ICON_NODE_EXPANDED if node.is_expanded else self.ICON_NODE
            return Text.assemble((icon, base_style + TOGGLE_STYLE), label)
        return label

    def get_label_width(self, node: Node) -> int:
        # The default renders every label to measure it; the plain text is enough.
        icon = len(self.ICON_NODE) if node._allow_expand else 0
        return node._label.cell_len + icon


def _is_under(node: Node, ancestor: Node) -> bool:
    parent = node.parent
    while parent is not None:
        if parent is ancestor:
            return True
        parent = parent.parent
    return False


def _crumbs(data: ResourceData | None) -> list[str]:
    if data is None:
        return []
    return [plain_label(item.kind, item.model) for item in [*data.ancestors, data]]
