"""What can be taken from the highlighted resource: its UUID, JSON, API URL, Control Panel page.

Plain functions of the node data (no widget): the explorer screen's copy and open actions
call them and say what they copied in a toast. Nothing they return ever holds the token: API
URLs carry none (it travels in a header), and sensitive environment variables are masked in
JSON copies unless the user revealed them.

What the API sent is untrusted, and a copy ends up pasted into a shell: only a valid id
(`api.urls.is_api_id`) is copied as a UUID, only a URL of printable ASCII (`is_web_url`, its
ids valid) is copied or opened, and JSON copies escape every character a terminal might act
on (`untrusted.json_escaped`). Anything else returns None, and the screen says why.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from divio_tui.api.errors import ApiError
from divio_tui.api.resources import KINDS
from divio_tui.api.urls import is_api_id
from divio_tui.settings import Settings
from divio_tui.state import links
from divio_tui.state.nodes import GroupData, NodeData, ResourceData, StatusData
from divio_tui.ui.detail.pane import masked_fields
from divio_tui.ui.text.labels import MASK, breadcrumb
from divio_tui.untrusted import json_escaped


def describe_resource(data: ResourceData) -> str:
    """`backup 2026-11-25 02:36 UTC · SUCCESS` — for toasts (plain, safe text)."""
    kind = KINDS.get(data.kind)
    noun = kind.singular if kind else data.kind
    crumbs = breadcrumb(data)
    return f"{noun} {crumbs[-1] if crumbs else ''}".strip()


def copyable_uuid(data: NodeData | None) -> str | None:
    """The resource's UUID if it is a valid API id (no escape sequence, space or newline)."""
    if isinstance(data, ResourceData) and is_api_id(data.uuid):
        return data.uuid
    return None


def shown_record(data: ResourceData, *, reveal: bool) -> dict[str, object]:
    """The record with its secrets masked unless revealed."""
    raw = dict(data.raw)
    for key in set() if reveal else masked_fields(data):
        raw[key] = MASK
    return raw


def copyable_json(data: ResourceData, *, reveal: bool) -> tuple[str, bool] | None:
    """The JSON to copy (safe to paste: see the module docstring), and whether secrets were
    masked in it; None for a record nested too deep to write out."""
    try:
        text = json.dumps(shown_record(data, reveal=reveal), indent=2, ensure_ascii=False)
    except (RecursionError, ValueError):
        return None
    return json_escaped(text), not reveal and bool(masked_fields(data))


def whole_record(data: NodeData | None, *, reveal: bool) -> tuple[str, object] | None:
    """What `e` shows whole: a resource's record, an unreadable record as it came, an
    error's every field (a title, the value), or None."""
    if isinstance(data, ResourceData):
        return describe_resource(data), shown_record(data, reveal=reveal)
    if isinstance(data, StatusData) and data.invalid is not None:
        return "An unreadable record, as the server sent it", data.invalid.raw
    if isinstance(data, StatusData) and isinstance(data.error, ApiError):
        error = data.error
        return "Error", {"message": error.message, "kind": error.kind.value,
                         "status": error.status, "detail": error.detail, "url": error.url,
                         "attempts": error.attempts}
    return None


def api_url(client: Any, data: NodeData | None) -> str | None:
    """The API URL of a resource or of a group's list. URLs never carry the token."""
    if isinstance(data, ResourceData) and data.uuid:
        return links.api_url(client, data.kind, data.uuid)
    if isinstance(data, GroupData):
        return links.api_url(client, data.kind, params=data.listing.params)
    return None


def control_panel_url(data: NodeData | None, settings: Settings) -> str | None:
    """The Divio Control Panel page of a resource (a group: its owner's), if one is known."""
    resource = data.owner if isinstance(data, GroupData) else data
    if not isinstance(resource, ResourceData):
        return None
    ancestors = {item.kind: item.model for item in resource.ancestors}
    return links.control_panel_url(resource.kind, resource.model, ancestors,
                                   None if settings.demo else settings.zone)


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
