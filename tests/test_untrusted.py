"""The one untrusted-text policy: control and invisible characters are made visible."""

from __future__ import annotations

from divio_tui.api.errors import clean_text
from divio_tui.untrusted import one_line, visible


def test_escape_sequences_and_line_breaks_show_as_control_pictures() -> None:
    assert visible("\x1b[31mred\r\n") == "␛[31mred␍␊"
    assert visible("a\nb\tc", multiline=True) == "a\nb␉c"
    assert visible("del\x7f") == "del␡"


def test_c1_and_bidi_controls_are_spelled_out() -> None:
    assert visible("x\x9by\x85") == "x\\x9by\\x85"
    assert visible("abc\u202edef") == "abc\\u202edef"


def test_zero_width_and_separator_characters_are_spelled_out() -> None:
    assert visible("ad\u200bmin") == "ad\\u200bmin"  # never looks like "admin"
    for char in "\u200b\u200c\u200d\u2060\ufeff\u2028\u2029":
        assert visible(f"a{char}b") == f"a\\u{ord(char):04x}b"
    assert visible("a\u2028b", multiline=True) == "a\\u2028b"


def test_visible_takes_any_value() -> None:
    assert visible(42) == "42"


def test_one_line_collapses_whitespace_and_cuts_with_an_ellipsis() -> None:
    assert one_line("  many   spaces\u3000here ", 100) == "many spaces here"
    assert one_line("abcdef", 4) == "abc…"
    assert one_line("abc", 4) == "abc"


def test_api_messages_use_the_same_policy() -> None:
    message = clean_text("bad \x1b[2J name\u200b")
    assert "\x1b" not in message and message == "bad ␛[2J name\\u200b"
