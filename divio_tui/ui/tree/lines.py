"""What the lines of the resource tree say: labels from the session's caches and the clock,
and small facts about nodes (their listing, whether they can be expanded)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import Any

from rich.text import Text

from divio_tui.api.models import ApiModel
from divio_tui.api.resources import KINDS
from divio_tui.state.nodes import GroupData, Listing, NodeData, ResourceData
from divio_tui.state.session import Session
from divio_tui.ui.text.labels import LabelContext, count_label, group_label, resource_label
from divio_tui.ui.tree.messages import Node


def listing_of(data: NodeData | None) -> Listing | None:
    """The listing a node loads into: a group's, or a single-child-kind resource's."""
    if isinstance(data, GroupData | ResourceData):
        return data.listing
    return None


def has_children(kind_name: str, model: ApiModel) -> bool:
    """Whether a resource node gets an expand arrow: it has a child kind to list, or a
    referenced child (a backup with no SIBs, an app with no repository… have none of those)."""
    kind = KINDS.get(kind_name)
    if kind is None:
        return False
    for link in kind.child_links:
        uuids = link.member_uuids(model)
        if link.single:
            if uuids:
                return True
        elif uuids is None or uuids:
            return True
    return False


class _RawView(Mapping[str, Mapping[str, Any]]):
    """A live, read-only view uuid -> wire-format record over the session's models (labels
    read records; the session keeps models)."""

    def __init__(self, models: dict[str, ApiModel]) -> None:
        self._models = models

    def __getitem__(self, key: str) -> Mapping[str, Any]:
        return self._models[key].raw

    def __iter__(self) -> Iterator[str]:
        return iter(self._models)

    def __len__(self) -> int:
        return len(self._models)


class TreeText:
    """Labels of tree lines: resources with sizes and "3 h ago", groups with their counts."""

    def __init__(self, session: Session, clock: Callable[[], datetime]) -> None:
        self.session = session
        self.clock = clock

    def label_context(self) -> LabelContext:
        return LabelContext(
            now=self.clock(),
            sibs=_RawView(self.session.known_of_kind("service_instance_backup")),
            service_instances=_RawView(self.session.known_of_kind("service_instance")),
            newest_deployments=_RawView(self.session.newest_deployments()),
        )

    def resource_text(self, data: ResourceData, ctx: LabelContext | None = None) -> Text:
        return resource_label(data.kind, data.raw, ctx or self.label_context())

    def listing_text(self, node: Node) -> Text:
        data = node.data
        if isinstance(data, GroupData):
            group = data.listing
            return group_label(data.title, group.count, group.shown, group.loading,
                               group.stale)
        assert isinstance(data, ResourceData)
        text = self.resource_text(data)
        listing = data.listing
        if listing is not None:  # a resource listing its one child kind: say how many
            count = count_label(listing.count, listing.shown, listing.loading)
            if text.plain.endswith(")") and count.plain.startswith(" ("):
                # "ACME Shop (acme-shop) · 3", not "(acme-shop) (3)".
                count = Text.assemble((" · ", "muted"), (f"{listing.count:,}", "muted"),
                                      count[len(f" ({listing.count:,})"):])
            text.append_text(count)
        return text


def is_under(node: Node, ancestor: Node) -> bool:
    parent = node.parent
    while parent is not None:
        if parent is ancestor:
            return True
        parent = parent.parent
    return False
