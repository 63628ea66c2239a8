"""Notice when the terminal the app draws on is gone, so the app can end instead of spinning.

When a terminal hangs up (its tmux server or ssh session killed), a program normally gets
SIGHUP and ends. Started through `make demo` it may not: the hangup reaches make, and the
explorer, a grandchild, keeps running. Textual 8.2.8's input thread then reads end-of-file in a
busy loop (about 80% of a core) forever. The app therefore checks every second whether its
controlling terminal still answers, and exits when it does not.
"""

from __future__ import annotations

import errno
import os
import sys

__all__ = ["CHECK_INTERVAL", "controlling_terminal_fd", "terminal_lost"]

CHECK_INTERVAL = 1.0
"""Seconds between checks: cheap (one ioctl), and soon enough for an orphan."""


def controlling_terminal_fd() -> int | None:
    """The fd of the terminal the app reads keys from, or None when it has none (tests,
    pipes): then there is nothing to watch."""
    stream = sys.__stdin__
    if stream is None:
        return None
    try:
        fd = stream.fileno()
        os.tcgetpgrp(fd)
    except (OSError, ValueError):
        return None
    return fd


def terminal_lost(fd: int) -> bool:
    """True once the terminal behind `fd` has hung up (the ioctl then fails with EIO)."""
    try:
        os.tcgetpgrp(fd)
    except OSError as error:
        return error.errno in (errno.EIO, errno.ENOTTY, errno.EBADF, errno.ENXIO)
    return False
