"""Shell completion: the scripts complete what the parser parses, in the shells themselves, and
hold no token; every command's --help says enough to need no man page."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from divio_tui.cli.completion import SHELLS
from divio_tui.cli.get import KIND_NAMES
from tests.cli.conftest import TOKEN, Run

Runner = Callable[..., Run]


def script(run: Runner, shell: str) -> str:
    result = run("--token", TOKEN, "completion", shell)
    assert (result.status, result.err) == (0, "")
    return result.out


@pytest.mark.parametrize("shell", SHELLS)
def test_each_script_knows_every_command_and_kind_and_no_token(run: Runner, shell: str) -> None:
    text = script(run, shell)
    for word in ("get", "open", "completion", "config", "fake-api", "--api-url", "--format",
                 *KIND_NAMES):
        assert word in text, word
    assert TOKEN not in text


def test_completion_works_while_the_config_file_is_broken(
        run: Runner, isolated_env: Path) -> None:
    config = isolated_env / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("page_size = [not toml\n")
    assert run("get", "regions").status == 2
    assert "-F _shtab_divio_tui divio-tui" in script(run, "bash")


def bash_completions(text: str, tmp_path: Path, *words: str) -> list[str]:
    """What bash offers for the last of `words` (as typed after `divio-tui`)."""
    path = tmp_path / "divio-tui.bash"
    path.write_text(text)
    line = " ".join(("divio-tui", *words))
    program = (f'source {path}; COMP_WORDS=(divio-tui {" ".join(repr(w) for w in words)}); '
               f"COMP_CWORD={len(words)}; COMP_LINE={line!r}; COMP_POINT={len(line)}; "
               f'_shtab_divio_tui divio-tui {words[-1]!r} {words[-2]!r}; '
               'printf "%s\\n" "${COMPREPLY[@]}"')
    result = subprocess.run(["bash", "--norc", "-c", program], capture_output=True, text=True,
                            check=True, timeout=30)
    return result.stdout.split()


def test_bash_completes_commands_kinds_and_formats(run: Runner, tmp_path: Path) -> None:
    text = script(run, "bash")
    assert bash_completions(text, tmp_path, "get", "service-instance") == [
        "service-instance-backups", "service-instances"]
    assert bash_completions(text, tmp_path, "get", "backups", "--format", "") == [
        "json", "jsonl", "csv", "table"]
    assert bash_completions(text, tmp_path, "completion", "") == ["bash", "zsh", "fish"]
    assert "open" in bash_completions(text, tmp_path, "--demo", "")


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_fish_completes_kinds(run: Runner, tmp_path: Path) -> None:
    path = tmp_path / "divio-tui.fish"
    path.write_text(script(run, "fish"))
    result = subprocess.run(
        ["fish", "--no-config", "-c", f"source {path}; complete -C 'divio-tui get environment'"],
        capture_output=True, text=True, check=True, timeout=30)
    assert sorted(line.split("\t")[0] for line in result.stdout.splitlines()) == [
        "environment-variables", "environments"]


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_the_zsh_script_parses(run: Runner, tmp_path: Path) -> None:
    path = tmp_path / "_divio-tui"
    path.write_text(script(run, "zsh"))
    assert subprocess.run(["zsh", "-n", str(path)], timeout=30).returncode == 0


@pytest.mark.parametrize(("argv", "needles"), [
    ([], ["examples:", "the token, first found wins", "DIVIO_TOKEN", "netrc", "exit status:",
          "get", "open", "completion"]),
    (["get"], ["KIND is one of", "--filter", "--limit", "--reveal", "examples:", "jq",
               "exit status:"]),
    (["open"], ["acme-shop/live", "<uuid>", "examples:", "Exit status"]),
    (["completion"], ["bash", "zsh", "fish", "~/.config/fish/completions"]),
])
def test_help_says_what_a_man_page_would(run: Runner, argv: list[str],
                                         needles: list[str]) -> None:
    result = run(*argv, "--help")
    assert result.status == 0
    for needle in needles:
        assert needle in result.out, needle
