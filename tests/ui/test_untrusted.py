"""API text is shown literally: markup is not interpreted and control characters are visible."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from divio_tui.untrusted import shorten, visible


def test_markup_in_a_name_stays_literal() -> None:
    assert Text(visible("[bold]x[/]")).plain == "[bold]x[/]"


def test_escape_sequences_are_made_visible_not_sent_to_the_terminal() -> None:
    console = Console(width=80, force_terminal=True, color_system=None, record=True)
    console.print(Text(visible("\x1b[31mred\x1b[0m")))
    output = console.export_text()
    assert "\x1b" not in output
    assert "␛[31mred␛[0m" in output


def test_newlines_and_carriage_returns_cannot_break_a_label() -> None:
    assert visible("a\r\nb") == "a␍␊b"
    assert visible("a\nb", multiline=True) == "a\nb"


def test_bidi_overrides_and_c1_controls_are_spelled_out() -> None:
    assert visible("abc\u202edef") == "abc\\u202edef"
    assert visible("x\x9by") == "x\\x9by"


def test_shorten_marks_the_cut() -> None:
    assert shorten("abcdef", 4) == "abc…"
    assert shorten("abc", 4) == "abc"
