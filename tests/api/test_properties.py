"""Property tests: every generated body, shaped like a resource or not, is parsed or refused
with a typed error (`BadResponse`); nothing built from a model ever raises."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from divio_tui.api import BadResponse
from divio_tui.api.models import parse_model, parse_page
from divio_tui.api.resources import KINDS, references_of
from tests.hostile_json import JSON, KIND_AND_RECORD, record_of

URL = "https://api.example.test/apps/v3/backups/?page=2"
BOUNDED = settings(max_examples=120, derandomize=True, deadline=None)


@BOUNDED
@given(KIND_AND_RECORD)
def test_a_record_becomes_a_model_or_a_bad_response(item: tuple[str, Any]) -> None:
    kind_name, record = item
    kind = KINDS[kind_name]
    try:
        model = parse_model(kind.model, record, url=URL)
    except BadResponse as error:
        assert error.message and "\x1b" not in error.message
        return
    # Everything the tree and the summary derive from a model works on it.
    assert isinstance(model.key, str)
    references_of(model)
    kind.sort_key(model)
    for link in kind.child_links:
        link.member_uuids(model)
        link.query(model)
        link.belongs(model, model)
    model.extra_time("created_at")


@BOUNDED
@given(st.sampled_from(sorted(KINDS)).flatmap(
    lambda kind: st.tuples(st.just(kind), st.one_of(
        st.fixed_dictionaries({"results": st.lists(st.one_of(record_of(kind), JSON), max_size=4)},
                              optional={"count": JSON, "next": JSON, "previous": JSON}),
        JSON))))
def test_a_page_is_parsed_with_its_bad_records_set_aside_or_refused(item: tuple[str, Any]) -> None:
    kind_name, body = item
    try:
        page = parse_page(KINDS[kind_name].model, body, url=URL)
    except BadResponse as error:
        assert error.message
        return
    assert page.size == len(body["results"])
    assert all(isinstance(record.error, BadResponse) for record in page.invalid)
