"""Commands to paste into a shell: every value quoted, nothing unprintable, never the token."""

from __future__ import annotations

import shlex
import subprocess

import pytest

from divio_tui.shell import UnsafeValue, command_line, curl_command, quote


def test_curl_command_reads_the_token_from_the_environment_and_quotes_the_url() -> None:
    command = curl_command("https://api.divio.com/apps/v3/backups/?environment=abc&page_size=100")
    assert command == ("curl -H \"Authorization: Token $DIVIO_TOKEN\" "
                       "'https://api.divio.com/apps/v3/backups/?environment=abc&page_size=100'")
    assert shlex.split(command)[-1].endswith("&page_size=100")


def test_a_head_request_becomes_curl_dash_i() -> None:
    assert curl_command("https://api.divio.com/apps/v3/", "HEAD").startswith("curl -I -H ")


@pytest.mark.parametrize("value", ["it's", "$(rm -rf ~)", "a;b", "`id`", "x y", "*", "-e"])
def test_a_value_stays_one_literal_word_whatever_it_holds(value: str) -> None:
    line = command_line(["printf", "%s", (value, "the value")])
    assert shlex.split(line) == ["printf", "%s", value]
    assert subprocess.run(["sh", "-c", line], capture_output=True, text=True).stdout == value


def test_every_value_is_quoted_even_a_plain_one() -> None:
    assert quote("live") == "'live'"
    assert command_line(["divio", "app", "logs", ("live", "the slug")]) == "divio app logs 'live'"


@pytest.mark.parametrize("value", ["live\nrm -rf ~", "live\r", "\x1b[2Jlive", "li\u202eve",
                                   "li\u200bve", "live\u2028x", ""])
def test_a_value_with_a_control_or_invisible_character_is_refused_in_words(value: str) -> None:
    with pytest.raises(UnsafeValue) as refused:
        command_line(["divio", "app", "logs", (value, "the environment slug")])
    assert "the environment slug" in str(refused.value)
