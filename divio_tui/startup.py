"""The garbage collector's part in start-up: off while the modules load, on before any work.

Loading the modules a command needs (Textual, httpx, pydantic and ours, for the explorer)
makes a few hundred thousand objects that live as long as the process, and hardly any
garbage; yet Python's collector walks them over and over while they load, most of a tenth of
the cold start. So the entry point (`divio_tui/__main__.py`) turns the collector off first;
once the command's modules are loaded, `gc.freeze()` moves everything they made to the
permanent generation (no later collection walks it again, which keeps the full collections
of a session with a big tree shorter too; the little cyclic garbage the imports may have
left stays) and the collector is on again, on Python's own schedule, before the command
does anything.

`loaded()` does nothing unless `loading()` ran: tests and other callers of `cli.main` keep
their collector as it is.
"""

from __future__ import annotations

import gc

_loading = False


def loading() -> None:
    """The collector off until `loaded()` (the entry point calls this first thing)."""
    global _loading
    _loading = True
    gc.disable()


def loaded() -> None:
    """The command's modules are loaded: freeze what they made, the collector on again.
    Safe to call more than once, and without `loading()` (then it does nothing)."""
    global _loading
    if not _loading:
        return
    _loading = False
    gc.freeze()
    gc.enable()
