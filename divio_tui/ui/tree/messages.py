"""What the resource tree tells the screen that holds it (the tree never calls the screen).

Posted by `ResourceTree` and its collaborators (loader, revealer); a screen handles them as
`on_resource_tree_highlighted`, `@on(ResourceTree.LoadFailed)` and so on.
"""

from __future__ import annotations

from textual.message import Message
from textual.widgets.tree import TreeNode

from divio_tui.state.nodes import GroupData, NodeData, ResourceData
from divio_tui.ui.text.labels import breadcrumb

Node = TreeNode[NodeData]
"""A node of the resource tree."""


class Highlighted(Message, namespace="resource_tree"):
    """The cursor moved to `node`, or the node under the cursor changed (`refreshed`)."""

    def __init__(self, node: Node | None, *, refreshed: bool = False) -> None:
        super().__init__()
        self.node = node
        self.refreshed = refreshed

    @property
    def data(self) -> NodeData | None:
        return self.node.data if self.node is not None else None


class LoadFailed(Message, namespace="resource_tree"):
    """Loading `where` failed with `error` (an error line is already in the tree)."""

    def __init__(self, error: BaseException, where: str) -> None:
        super().__init__()
        self.error = error
        self.where = where


class RevealFailed(Message, namespace="resource_tree"):
    """`kind` `uuid` could not be shown (not found, no access, or a load failed)."""

    def __init__(self, kind: str, uuid: str, message: str,
                 error: BaseException | None = None) -> None:
        super().__init__()
        self.kind = kind
        self.uuid = uuid
        self.message = message
        self.error = error


class FilterCleared(Message, namespace="resource_tree"):
    """A jump dropped the tree's text filter to show its target (the screen hides the bar)."""


def describe(node: Node, *, last: int | None = None) -> str:
    """`Backups of acme › shop › live` — where a load failed, for the notification; with
    `last`, only that many crumbs of the trail (`Backups of shop › live`: who asked, in the
    request log)."""
    data = node.data
    if isinstance(data, GroupData):
        owner = " › ".join(breadcrumb(data.owner)[-last:] if last else breadcrumb(data.owner))
        return f"{data.title} of {owner}" if owner else data.title
    if isinstance(data, ResourceData):
        return " › ".join(breadcrumb(data)[-last:] if last else breadcrumb(data))
    return "the tree"
