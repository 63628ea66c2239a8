"""The words the help and the key bindings use: ones a new user knows."""

from __future__ import annotations

import re

from divio_tui.ui.keys import ALL_BINDINGS, HELP_SECTIONS

JARGON = re.compile(r"\bSIBs?\b|\bSIB's\b|\bmanual\b")
"""Our own shorthand ("SIB" for a service-instance backup) and the tree's old word for an
on-demand backup: neither is what the Divio documentation says."""


def test_the_help_never_uses_our_shorthand() -> None:
    texts = [entry.description for _title, entries in HELP_SECTIONS for entry in entries]
    texts += [title for title, _entries in HELP_SECTIONS]
    texts += [binding.description for binding in ALL_BINDINGS.values()]
    assert texts
    assert [text for text in texts if JARGON.search(text)] == []


def test_every_help_line_names_a_binding_that_exists() -> None:
    ids = {entry.binding_id for _title, entries in HELP_SECTIONS for entry in entries}
    assert ids - set(ALL_BINDINGS) == set()
