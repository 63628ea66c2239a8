"""What can be done with the highlighted resource: copy its UUID / JSON / URL, open it.

`ResourceActions` is the half of `DivioApp` that acts on the node under the cursor. Copies go
through `App.copy_to_clipboard` (OSC 52) with a toast saying what was copied. Nothing copied
or shown ever holds the token: API URLs carry none (it travels in a header), and sensitive
environment variables are masked in JSON copies unless the user revealed them.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from divio_tui.api.resources import KINDS
from divio_tui.settings import Settings
from divio_tui.ui.detail import masked_fields
from divio_tui.ui.labels import MASK
from divio_tui.ui.nodes import GroupData, NodeData, ResourceData
from divio_tui.ui.summary import breadcrumb
from divio_tui.ui.untrusted import clean

if TYPE_CHECKING:
    from textual.app import App

    AppBase = App[None]
else:
    AppBase = object

log = logging.getLogger(__name__)


def describe_resource(data: ResourceData) -> str:
    """`backup 2026-11-25 02:36 UTC · SUCCESS` — for toasts (plain, safe text)."""
    kind = KINDS.get(data.kind)
    noun = kind.singular if kind else data.kind
    crumb = breadcrumb(data)[-1] if breadcrumb(data) else ""
    return f"{noun} {crumb}".strip()


class ResourceActions(AppBase):
    """Copy and open actions; mixed into `DivioApp`."""

    client: Any
    settings: Settings
    reveal_secrets: bool

    if TYPE_CHECKING:

        @property
        def highlighted(self) -> NodeData | None: ...

    def action_copy_uuid(self) -> None:
        data = self.highlighted
        if isinstance(data, ResourceData) and data.uuid:
            self.copy_to_clipboard(data.uuid)
            self.notify(f"Copied the UUID of {describe_resource(data)}\n{clean(data.uuid)}",
                        markup=False)

    def copyable_json(self, data: ResourceData) -> tuple[str, bool]:
        """The JSON to copy, and whether secrets were masked in it."""
        raw = dict(data.raw)
        masked = set() if self.reveal_secrets else masked_fields(data)
        for key in masked:
            raw[key] = MASK
        return json.dumps(raw, indent=2, ensure_ascii=False), bool(masked)

    def action_copy_json(self) -> None:
        data = self.highlighted
        if isinstance(data, ResourceData):
            text, masked = self.copyable_json(data)
            self.copy_to_clipboard(text)
            note = " (sensitive value masked; v reveals)" if masked else ""
            self.notify(f"Copied the JSON of {describe_resource(data)}{note}", markup=False)

    def api_url(self, data: NodeData | None) -> str | None:
        """The API URL of a resource or of a group's list. URLs never carry the token."""
        if isinstance(data, ResourceData) and data.uuid:
            return str(self.client.url_for(KINDS[data.kind], data.uuid))
        if isinstance(data, GroupData):
            return str(self.client.url_for(KINDS[data.kind], params=data.listing.params or None))
        return None

    def action_copy_url(self) -> None:
        url = self.api_url(self.highlighted)
        if url is not None:
            self.copy_to_clipboard(url)
            self.notify(f"Copied the API URL\n{clean(url)}", markup=False)

    def control_panel_url(self, data: NodeData | None) -> str | None:
        resource = data.owner if isinstance(data, GroupData) else data
        if not isinstance(resource, ResourceData):
            return None
        kind = KINDS.get(resource.kind)
        if kind is None:
            return None
        ancestors = {item.kind: item.model for item in resource.ancestors}
        zone = None if self.settings.demo else self.settings.zone
        try:
            return kind.control_panel_url(resource.model, ancestors, zone)
        except Exception:
            log.exception("control panel URL")
            return None

    def action_open_control_panel(self) -> None:
        data = self.highlighted
        url = self.control_panel_url(data)
        if url is None:
            why = ("the demo data has no Control Panel" if self.settings.demo
                   else "no Control Panel page is known for this")
            self.notify(f"Nothing to open: {why}.", markup=False)
            return
        self.open_url(url)
        self.notify(f"Opening the Control Panel\n{clean(url)}", markup=False)
