"""What `s` saves from the tree: a resource's JSON, or the loaded subtree under it.

A node with nothing loaded beneath it is saved as its own JSON, exactly as the API sent it
(what `y` copies). A node with loaded children — an environment with its backups and their
service-instance backups, a group such as Backups — is saved as that subtree, every resource
in it as an envelope::

    {"kind": "environment", "resource": {...the API's JSON...},
     "children": {"backups": [{"kind": "backup", "resource": {...},
                               "children": {"service_instance_backups": [...]}}],
                  "deployments": [...]},
     "incomplete": {"backups": {"loaded": 500, "count": 1200}}}

`children` holds only lists that were loaded (keys: the kind's title in snake case), and
`incomplete` says where the tree holds fewer than the server counts (a `load more` left, a
list cut short by an error). Sensitive values are masked unless the user revealed them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from divio_tui.api.resources import KINDS
from divio_tui.state.nodes import GroupData, Listing, ResourceData
from divio_tui.ui.detail.pane import masked_fields
from divio_tui.ui.text.labels import MASK
from divio_tui.ui.tree.messages import Node


@dataclass
class Saved:
    """A document to save, and what it holds (for the toast)."""

    document: Any
    counts: Counter[str] = field(default_factory=Counter)
    """Resources in it by kind (the saved node itself included)."""
    masked: int = 0
    """Values masked in it."""
    incomplete: bool = False
    """Some list in it holds fewer items than the server counts."""


def list_key(kind: str) -> str:
    """`service_instance_backups`: the key a list of `kind` has in a saved subtree."""
    info = KINDS.get(kind)
    return (info.title if info else kind).lower().replace(" ", "_")


def resource_json(data: ResourceData, *, reveal: bool) -> tuple[dict[str, Any], int]:
    """The resource's JSON, its sensitive values masked unless `reveal`; and how many were."""
    raw = dict(data.raw)
    masked = set() if reveal else masked_fields(data)
    for key in masked:
        raw[key] = MASK
    return raw, len(masked)


def document_of(node: Node, *, reveal: bool) -> Saved | None:
    """The document `s` saves for `node` (None for a status line: nothing to save)."""
    saved = Saved(None)
    data = node.data
    if isinstance(data, ResourceData):
        if _has_loaded_resources(node):
            saved.document = _envelope(node, data, saved, reveal)
        else:
            saved.document, saved.masked = resource_json(data, reveal=reveal)
            saved.counts[data.kind] += 1
        return saved
    if isinstance(data, GroupData):
        children = _resource_children(node)
        deep = any(_has_loaded_resources(child) for child in children)
        saved.document = [_item(child, saved, reveal, deep) for child in children]
        saved.incomplete = _short(data.listing, len(children)) is not None
        return saved
    return None


def _item(node: Node, saved: Saved, reveal: bool, deep: bool) -> Any:
    data = node.data
    assert isinstance(data, ResourceData)
    if deep:
        return _envelope(node, data, saved, reveal)
    raw, masked = resource_json(data, reveal=reveal)
    saved.masked += masked
    saved.counts[data.kind] += 1
    return raw


def _envelope(node: Node, data: ResourceData, saved: Saved, reveal: bool) -> dict[str, Any]:
    raw, masked = resource_json(data, reveal=reveal)
    saved.masked += masked
    saved.counts[data.kind] += 1
    envelope: dict[str, Any] = {"kind": data.kind, "resource": raw}
    children: dict[str, list[Any]] = {}
    incomplete: dict[str, dict[str, int | None]] = {}
    for listing, items in _lists_under(node, data):
        # A loaded list with nothing in it is saved as [] ("none"), unlike one never opened.
        key = list_key(listing.kind if listing is not None else _kind_of(items[0]))
        children.setdefault(key, []).extend(
            _envelope(child, child.data, saved, reveal) for child in items
            if isinstance(child.data, ResourceData))
        short = _short(listing, len(items)) if listing is not None else None
        if short is not None:
            incomplete[key] = short
            saved.incomplete = True
    if children:
        envelope["children"] = children
    if incomplete:
        envelope["incomplete"] = incomplete
    return envelope


def _lists_under(node: Node, data: ResourceData) -> list[tuple[Listing | None, list[Node]]]:
    """The loaded lists under a resource node: its own listing's children (and inline
    children such as an application's repository), then each group's."""
    direct = [child for child in node.children if isinstance(child.data, ResourceData)]
    lists: list[tuple[Listing | None, list[Node]]] = []
    if direct:
        by_kind: dict[str, list[Node]] = {}
        for child in direct:
            assert isinstance(child.data, ResourceData)
            by_kind.setdefault(child.data.kind, []).append(child)
        for kind, items in by_kind.items():
            own = data.listing if data.listing is not None and data.listing.kind == kind else None
            lists.append((own, items))
    for child in node.children:
        if isinstance(child.data, GroupData) and child.data.listing.loaded:
            lists.append((child.data.listing, _resource_children(child)))
    return lists


def _resource_children(node: Node) -> list[Node]:
    return [child for child in node.children if isinstance(child.data, ResourceData)]


def _has_loaded_resources(node: Node) -> bool:
    """Whether any resource is loaded anywhere under `node`."""
    stack = list(node.children)
    while stack:
        child = stack.pop()
        if isinstance(child.data, ResourceData):
            return True
        stack.extend(child.children)
    return False


def _short(listing: Listing, loaded: int) -> dict[str, int | None] | None:
    """`{"loaded": n, "count": m}` when the tree holds fewer than the server counts."""
    if listing.count is not None and loaded < listing.count:
        return {"loaded": loaded, "count": listing.count}
    if listing.error is not None or not listing.exhausted:
        return {"loaded": loaded, "count": listing.count}
    return None


def _kind_of(node: Node) -> str:
    data = node.data
    return data.kind if isinstance(data, ResourceData) else "resource"
