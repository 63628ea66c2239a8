"""Inline children: the one child a resource names by uuid, shown right under it.

An application's repository is named by the application (`single` links in the resource
table): it is fetched by uuid (through the session cache) and shown inline, above the
application's environments, as soon as the application is opened.
"""

from __future__ import annotations

from divio_tui.api.errors import ApiError
from divio_tui.api.resources import KINDS, ChildLink
from divio_tui.state.nodes import NodeData, ResourceData
from divio_tui.ui._textual import FastTree
from divio_tui.ui.tree.lines import has_children
from divio_tui.ui.tree.loader import TreeLoader
from divio_tui.ui.tree.messages import Node, describe


class InlineChildren:
    """Loads the inline children of resource nodes (see the module docstring)."""

    def __init__(self, tree: FastTree[NodeData], loader: TreeLoader) -> None:
        self.tree = tree
        self.loader = loader

    def load(self, node: Node) -> None:
        """Start loading the inline children `node`'s record names (in a worker)."""
        data = node.data
        assert isinstance(data, ResourceData)
        kind = KINDS[data.kind]
        links = [link for link in kind.child_links
                 if link.single and link.member_uuids(data.model)]
        if links:
            self.tree.run_worker(self._load_singles(node, data, links),
                                 group=f"singles-{node.id}", exclusive=True,
                                 exit_on_error=False, description=describe(node, last=2))

    async def _load_singles(self, node: Node, data: ResourceData,
                            links: list[ChildLink]) -> None:
        for link in links:
            for uuid in link.member_uuids(data.model) or []:
                try:
                    model = await self.loader.session.get(link.kind, uuid)
                except ApiError as error:
                    if self.tree.registered(node):
                        self.loader.show_error(node, error, before=0)
                    continue
                if not self.tree.registered(node):
                    return
                child_data = ResourceData(link.kind, model, parent=data)
                child = node.add(self.loader.resource_text(child_data), child_data, before=0,
                                 allow_expand=has_children(link.kind, model))
                self.loader.restore_node(child)
        self.loader.node_changed(node)
