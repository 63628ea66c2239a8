"""Who asked for a request, when the code that started it did not say (`state.requests`).

Every fetch of the explorer runs in a Textual worker, and Textual keeps the worker running in
a context variable that the tasks it starts inherit; the worker's description names the load
(`Backups of ACME Shop › live`, `backups table`, `reveal backup …`). The request log calls
`worker_origin` when `state.requests.ORIGIN` is unset.
"""

from __future__ import annotations

from textual.command import CommandPalette
from textual.worker import NoActiveWorker, get_current_worker


def worker_origin() -> str | None:
    """The description of the Textual worker running now (the palette's searches are
    "palette"), or None outside any worker."""
    try:
        worker = get_current_worker()
    except NoActiveWorker:
        return None
    if isinstance(worker.node, CommandPalette):
        return "palette"
    return worker.description or worker.name or None
