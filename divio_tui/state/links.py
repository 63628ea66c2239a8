"""The links a resource can be copied or opened as, each checked before it leaves.

One place for what the tree's `u` / `o` and the backups table's `u` / `o` hand over: the API
URL of a resource or a list (never carrying the token), and its Divio Control Panel page, built
only from API ids (nothing else goes to the browser); None when no safe link exists, and then
the one reason both give.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from divio_tui.api.errors import ApiError
from divio_tui.api.resources import KINDS
from divio_tui.api.urls import is_api_id, is_web_url


def api_url(client: Any, kind: str, uuid: str | None = None,
            params: Mapping[str, str] | None = None) -> str | None:
    """The API URL of the `kind` resource `uuid` (without one: of the list, with `params`)."""
    try:
        if uuid is not None:
            url = str(client.url_for(KINDS[kind], uuid))
        else:
            url = str(client.url_for(KINDS[kind], params=params or None))
    except (ApiError, httpx.InvalidURL, ValueError):
        return None  # a uuid no URL can hold (control characters…): nothing to hand over
    return url if is_web_url(url) else None


def control_panel_url(kind: str, model: Any, ancestors: Mapping[str, Any],
                      zone: str | None) -> str | None:
    """The Control Panel page of `model` (a `kind` resource under `ancestors`, by kind), if
    one is known in `zone` (None: the demo, which has none) and every id in it is an API id."""
    resource_kind = KINDS.get(kind)
    if resource_kind is None:
        return None
    url = resource_kind.control_panel_url(model, ancestors, zone)
    if url is None or not is_web_url(url):
        return None
    parts = [part for part in httpx.URL(url).path.split("/") if part and part not in ("o", "app")]
    return url if all(is_api_id(part) for part in parts) else None


def no_control_panel(demo: bool) -> str:
    """Why there is no Control Panel page to open (for `Nothing to open: …`)."""
    return ("the demo data has no Control Panel" if demo
            else "no Control Panel page is known for it (or its ids are not API ids)")
