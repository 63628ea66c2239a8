"""Hypothesis strategies: JSON shaped like each resource of the table, and JSON that is not.

Shared by the property tests of the models (tests/api) and of the labels and the detail pane
(tests/ui). Values mix plausible ones (ids, timestamps, sizes, states) with anything JSON can
carry, hostile text included (escape sequences, bidi, zero-width, lone surrogates, markup).
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from divio_tui.api.resources import KINDS

HOSTILE_TEXT = st.sampled_from([
    "\x1b[31mred\x1b[0m", "\x1b]52;c;cm0gLXJmIH4K\x07", "[bold]x[/]", "\u202eabc", "a\u200bb",
    "\ud800", "line\nbreak\r", "\x00\x85\x9b", "\U000e0041", "", " ", "Z" * 3000,
    "9999-12-31T23:00:00-05:00", "2026-11-25T02:36:37Z", "0001-01-01T00:00:00Z", "not a time",
])

TEXT = st.one_of(st.text(max_size=30), HOSTILE_TEXT)

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
                    st.floats(), TEXT)

JSON: st.SearchStrategy[Any] = st.recursive(
    SCALARS, lambda children: st.lists(children, max_size=4)
    | st.dictionaries(TEXT, children, max_size=4), max_leaves=12)
"""Any JSON value (NaN and infinities included: Python's json reads them)."""

IDS = st.one_of(st.sampled_from(["vyn5jrwaenga7kzevilxs66hd4", "l33t2jdmbrhhrlf6yherrnn7g4"]),
                TEXT, st.integers())

PLAUSIBLE = st.one_of(IDS, st.sampled_from(["SUCCESS", "FAILURE", "PARTIAL", "WORKING", True,
                                            False, None, 303780, -1, "SCHEDULED", "MANUAL"]),
                      st.lists(IDS, max_size=3), JSON)


def record_of(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    """A record shaped like `kind`: its model's fields (plausible or odd values), maybe a
    uuid, maybe extra fields."""
    fields = [name for name in KINDS[kind].model.model_fields if name != "uuid"]
    return st.fixed_dictionaries(
        {}, optional={"uuid": IDS, **dict.fromkeys(fields, PLAUSIBLE),
                      "extra": JSON, "last_finished_deployment": JSON})


KIND_AND_RECORD = st.sampled_from(sorted(KINDS)).flatmap(
    lambda kind: st.tuples(st.just(kind), st.one_of(record_of(kind), JSON)))
"""(kind, a record shaped like it or any JSON at all)."""
