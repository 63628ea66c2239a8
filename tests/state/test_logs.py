"""The log buffer, its filter and its readers: capped, kept in step, never a line twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from divio_tui.state.logs import (
    FilteredLog,
    LogBuffer,
    LogQuery,
    split_message,
    split_text,
)
from divio_tui.state.logs.readers import DeploymentLogReader

T0 = datetime(2026, 11, 25, 12, tzinfo=UTC)


def lines(count: int, start: int = 0, service: str = "web") -> list[tuple[str, datetime, str]]:
    return [(f"line {n}", T0 + timedelta(seconds=n), service) for n in range(start, start + count)]


def test_control_characters_become_marks_and_messages_split_on_newlines() -> None:
    assert split_text("a\x1b[6n\rb\r\nc\n") == ["a␛[6n␍b", "c"]
    parts = split_message(T0, "web", "Traceback\n  File x\x1b]52;c;AAA\x07")
    assert [part[0] for part in parts] == ["Traceback", "  File x␛]52;c;AAA␇"]
    assert parts[0][1] == T0 and parts[1][1] is None and parts[1][2] == "web"


def test_the_cap_drops_the_oldest_and_older_pages_take_only_what_fits() -> None:
    buffer = LogBuffer(cap=10)
    assert buffer.append(lines(8)) == 0
    assert buffer.prepend(lines(5, start=-5)) == 2  # the two just before the oldest
    assert buffer.text(buffer.first_seq) == "line -2" and buffer.refused == 3
    assert buffer.append(lines(3, start=8)) == 3
    assert buffer.dropped == 3 and len(buffer) == 10
    assert buffer.text(buffer.first_seq) == "line 1" and buffer.text(buffer.end_seq - 1) == "line 10"


def test_queries_plain_smart_case_regex_inverted_and_literal_prefixes() -> None:
    def hits(text: str, line: str) -> bool:
        query = LogQuery.parse(text)
        assert query is not None
        return query.matches(line)

    assert hits("error", "ERROR x") and not hits("Error", "ERROR x")
    assert hits("~^GET /(en|de)/", "GET /en/cart") and not hits("~^GET /fr", "GET /en/cart")
    assert hits("!healthz", "GET /") and not hits("!healthz", "GET /healthz")
    assert hits("\\!important", "an !important rule") and not hits("\\!important", "important")
    assert hits("a.b", "a.b") and not hits("a.b", "axb")  # plain text is not a regex
    broken = LogQuery.parse("~(")
    assert broken is not None and broken.error and not broken.usable
    assert LogQuery.parse("   ") is None


def test_the_filter_counts_matches_over_the_whole_buffer_and_keeps_up_with_it() -> None:
    buffer = LogBuffer(cap=1_000)
    buffer.append(lines(300) + lines(100, start=300, service="worker"))
    view = FilteredLog(buffer)
    view.set(query=LogQuery.parse("line 1"))
    assert view.match_count == len([n for n in range(400) if str(n).startswith("1")])
    view.set(service="worker")
    assert view.match_count == len([n for n in range(300, 400) if str(n).startswith("1")])
    assert all(buffer.service(seq) == "worker" for seq in view.rows)
    buffer.append(lines(10, start=1000, service="worker"))  # "line 1000".."line 1009"
    assert view.match_count == 10 + len([n for n in range(300, 400) if str(n).startswith("1")])
    buffer.append(lines(700, start=2000))  # drops the 110 oldest lines
    assert all(seq >= buffer.first_seq for seq in view.rows)
    view.set(only_matches=False)
    assert len(view.rows) == 110 and view.match_count < len(view.rows)  # every worker line


def test_next_match_wraps_round_both_ways() -> None:
    buffer = LogBuffer()
    buffer.append(lines(10))
    view = FilteredLog(buffer)
    view.set(query=LogQuery.parse("~line [37]$"), only_matches=False)
    assert view.next_match(0) == 3 and view.next_match(3) == 7 and view.next_match(7) == 3
    assert view.next_match(3, forward=False) == 7


def test_a_growing_deployment_log_is_appended_and_a_changed_one_read_anew() -> None:
    buffer = LogBuffer()
    reader = DeploymentLogReader(None, "d1", buffer)
    reader.take("Step 1/2 : FROM x\nStep 2/2 : RUN y")
    first = buffer.first_seq
    change = reader.take("Step 1/2 : FROM x\nStep 2/2 : RUN y and z\nDone\n")
    assert not change.replaced and buffer.texts == ["Step 1/2 : FROM x", "Step 2/2 : RUN y and z", "Done"]
    assert buffer.first_seq == first
    assert reader.take("Something else\n").replaced and buffer.texts == ["Something else"]
