"""Starting the explorer on a target: `divio-tui open acme-shop/live` (or a slug, any UUID).

The target is found the way the palette finds what is typed into it (`state/resolve.py`),
then revealed in the tree with the same worker a followed reference uses. A target that
cannot be found says so in a toast and leaves the explorer at the top of the tree.
"""

from __future__ import annotations

import logging

from divio_tui.api.errors import ApiError, Unauthorised
from divio_tui.state.resolve import TargetNotFound, resolve_target
from divio_tui.ui.explorer.screen import ExplorerScreen
from divio_tui.untrusted import one_line

log = logging.getLogger(__name__)


async def open_target(screen: ExplorerScreen, target: str) -> bool:
    """Find `target` and put the tree's cursor on it. Returns False when the API refused the
    token (the sign-in screen is up: try again once signed in), True when it is done, found
    or not."""
    shown = one_line(target, 80)
    try:
        found = await resolve_target(screen.session, target)
    except TargetNotFound as missing:
        screen.notify(f"{missing.message} Showing the top of the tree.",
                      title=f"Cannot open {shown}", severity="warning", markup=False,
                      timeout=10)
        return True
    except Unauthorised as error:
        screen.host.tell_refused(error)
        return False
    except ApiError as error:
        screen.notify(one_line(error.message, 300), title=f"Could not look up {shown}",
                      severity="error", markup=False, timeout=10)
        return True
    log.info("opening %s: %s %s (%s)", target, found.kind, found.uuid, found.how)
    # Not remembered on the history: there is nowhere to go back to yet. A failure to show
    # it is told by the screen (RevealFailed), as for any jump.
    await screen.resource_tree.reveal(found.kind, found.uuid, remember=False).wait()
    return True
