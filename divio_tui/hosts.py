"""The one answer to "is this host loopback?", shared by the settings and the fake.

It decides where plain http may carry the token (`settings`) and where the fake may listen
(`fake.loopback`). Imports nothing else of the package, so the fake may use it without
touching `divio_tui.api` or Textual.
"""

from __future__ import annotations

import ipaddress

__all__ = ["is_loopback"]


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback IP literals (127.0.0.0/8, ``::1``, ``[::1]``).

    Other host names are not resolved: a name that might point anywhere counts as not
    loopback, the safe side for both callers.
    """
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
