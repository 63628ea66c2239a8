"""What can be taken from the highlighted resource: its UUID, JSON, API URL, Control Panel page.

Plain functions of the node data (no widget): the explorer screen's copy and open actions
call them and say what they copied in a toast. Nothing they return ever holds the token: API
URLs carry none (it travels in a header), and sensitive environment variables are masked in
JSON copies unless the user revealed them.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from divio_tui.api.resources import KINDS
from divio_tui.settings import Settings
from divio_tui.state.nodes import GroupData, NodeData, ResourceData
from divio_tui.ui.detail.pane import masked_fields
from divio_tui.ui.text.labels import MASK, breadcrumb


def describe_resource(data: ResourceData) -> str:
    """`backup 2026-11-25 02:36 UTC · SUCCESS` — for toasts (plain, safe text)."""
    kind = KINDS.get(data.kind)
    noun = kind.singular if kind else data.kind
    crumbs = breadcrumb(data)
    return f"{noun} {crumbs[-1] if crumbs else ''}".strip()


def copyable_json(data: ResourceData, *, reveal: bool) -> tuple[str, bool]:
    """The JSON to copy, and whether secrets were masked in it."""
    raw = dict(data.raw)
    masked = set() if reveal else masked_fields(data)
    for key in masked:
        raw[key] = MASK
    return json.dumps(raw, indent=2, ensure_ascii=False), bool(masked)


def api_url(client: Any, data: NodeData | None) -> str | None:
    """The API URL of a resource or of a group's list. URLs never carry the token."""
    try:
        if isinstance(data, ResourceData) and data.uuid:
            return str(client.url_for(KINDS[data.kind], data.uuid))
        if isinstance(data, GroupData):
            return str(client.url_for(KINDS[data.kind], params=data.listing.params or None))
    except (httpx.InvalidURL, ValueError):
        return None  # a uuid no URL can hold (control characters…): nothing to copy
    return None


def control_panel_url(data: NodeData | None, settings: Settings) -> str | None:
    """The Divio Control Panel page of a resource (a group: its owner's), if one is known."""
    resource = data.owner if isinstance(data, GroupData) else data
    if not isinstance(resource, ResourceData):
        return None
    kind = KINDS.get(resource.kind)
    if kind is None:
        return None
    ancestors = {item.kind: item.model for item in resource.ancestors}
    zone = None if settings.demo else settings.zone
    return kind.control_panel_url(resource.model, ancestors, zone)


def request_url(client: Any, data: NodeData | None) -> str | None:
    """The URL to fetch a node again, as the explorer did: a resource's detail URL; a group's
    first page (its filter and the client's page size, in the client's own order)."""
    if isinstance(data, GroupData):
        params = {"page_size": getattr(client, "page_size", 100), **data.listing.params}
        try:
            return str(client.url_for(KINDS[data.kind], params=params))
        except (httpx.InvalidURL, ValueError):
            return None
    return api_url(client, data)
