"""`RequestBodyScreen`: the response body of one request log entry, as pretty JSON.

What is shown is bounded twice: the log keeps at most the start of each body (the heading
says when it was cut, and the body may be gone from an old entry to keep the log small), and
the screen shows at most `MAX_LINES` lines of it. Server text is untrusted: it is shown
literally (`untrusted.visible`, Rich `Text`), and the token is masked should a body hold it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from divio_tui.redaction import redact
from divio_tui.shell import UnsafeValue, curl_command
from divio_tui.state.requests import LoggedRequest
from divio_tui.ui.keys import REQUEST_BODY_BINDINGS
from divio_tui.untrusted import visible

MAX_LINES = 3000
"""Lines of a body shown (a page of 100 backups pretty-printed is about 1,600)."""


def body_text(entry: LoggedRequest, secret: str | None) -> tuple[str, str]:
    """The body as shown (pretty JSON when it parses, else the text as is), and a note on
    what is missing from it ("" when it is whole). The token is masked."""
    if entry.body is None:
        return "", ("the body is no longer kept (the log keeps the newest bodies only); C "
                    "copies a curl command that fetches it again")
    raw = entry.body.decode("utf-8", errors="replace")
    note = ""
    if entry.body_cut:
        note = f"only the first {len(entry.body):,} of {entry.size:,} bytes are kept"
    try:
        text = json.dumps(json.loads(raw), indent=2, ensure_ascii=False)
    except ValueError:
        text = raw
    lines = text.splitlines()
    if len(lines) > MAX_LINES:
        text = "\n".join(lines[:MAX_LINES])
        shown = f"the first {MAX_LINES:,} of {len(lines):,} lines are shown"
        note = f"{note}; {shown}" if note else shown
    return redact(text, secret), note


class RequestBodyScreen(ModalScreen[None]):
    """One entry's request line and response body; `C` copies it as curl, `y` the body."""

    BINDINGS: ClassVar[list[BindingType]] = list(REQUEST_BODY_BINDINGS)

    def __init__(self, entry: LoggedRequest, secret: Callable[[], str | None]) -> None:
        super().__init__(id="request-body")
        self.entry = entry
        self.secret = secret
        self.text, self.note = body_text(entry, secret())

    def compose(self) -> ComposeResult:
        entry = self.entry
        with VerticalScroll(id="request-body-view") as view:
            view.border_title = f"Request #{entry.number}"
            view.border_subtitle = "esc closes · C curl · y copies the body"
            heading = Text(f"{entry.method} ", "bold")
            heading.append(visible(entry.url))
            status = str(entry.status) if entry.status is not None else "no answer"
            heading.append(f"\n→ {status} · {entry.size:,} bytes · {entry.elapsed_ms:,.0f} ms"
                           f" · attempt {entry.attempt}")
            if entry.origin:
                heading.append(f" · asked by {visible(entry.origin)}")
            yield Static(heading, id="request-body-heading")
            if self.note:
                yield Static(Text(self.note), id="request-body-note")
            yield Static(Text(visible(self.text, multiline=True) or "(empty body)"),
                         id="request-body-text")

    def action_copy_curl(self) -> None:
        copy_curl(self, self.entry)

    def action_copy_body(self) -> None:
        if not self.text:
            self.notify("Nothing to copy: the body is empty or no longer kept.", markup=False)
            return
        self.app.copy_to_clipboard(self.text)
        cut = f" ({self.note})" if self.note else ""
        self.notify(f"Copied the body of request #{self.entry.number}{cut}", markup=False)

    def action_scroll(self, direction: str) -> None:
        view = self.query_one("#request-body-view", VerticalScroll)
        if direction == "down":
            view.scroll_down(animate=False)
        else:
            view.scroll_up(animate=False)

    def action_close(self) -> None:
        self.dismiss(None)


def copy_curl(screen: Screen[Any], entry: LoggedRequest) -> None:
    """Copy `entry` as a curl command and say so (or why not)."""
    try:
        command = curl_command(entry.url, entry.method)
    except UnsafeValue as error:
        screen.notify(f"Not copied: {error}.", severity="warning", markup=False)
        return
    screen.app.copy_to_clipboard(command)
    screen.notify(f"Copied request #{entry.number} as curl (the token comes from "
                  f"$DIVIO_TOKEN)\n{visible(command)}", markup=False)
