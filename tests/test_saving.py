"""Files the explorer writes: pretty JSON, CSV that spreadsheets cannot run, no overwrite."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from pathlib import Path

import pytest

from divio_tui.saving import (
    csv_text,
    file_name,
    json_text,
    resolve_path,
    write_lines,
    write_new,
)


def test_json_is_pretty_utf8_and_round_trips() -> None:
    value = {"name": "Café ☕", "nested": [1, {"a": None}], "uuid": "abc"}
    text = json_text(value)
    assert text.startswith('{\n  "name": "Café ☕"') and text.endswith("}\n")
    assert json.loads(text) == value


def test_csv_round_trips_and_neutralises_formulas() -> None:
    rows = [["abc", "=HYPERLINK(\"http://evil\")", 12, None, "-3.5", "line\nbreak, \"quoted\""],
            ["def", "@SUM(A1)", 0, "+1", "-x", "ok"]]
    text = csv_text(["uuid", "notes", "bytes", "empty", "number", "text"], rows)
    read = list(csv.reader(io.StringIO(text)))
    assert read[0] == ["uuid", "notes", "bytes", "empty", "number", "text"]
    assert read[1] == ["abc", "'=HYPERLINK(\"http://evil\")", "12", "", "-3.5",
                       "line\nbreak, \"quoted\""]
    # Numbers stay numbers; text a spreadsheet would run as a formula gets a leading quote.
    assert read[2] == ["def", "'@SUM(A1)", "0", "+1", "'-x", "ok"]


def test_write_new_refuses_to_replace_a_file_unless_told(tmp_path: Path) -> None:
    path = tmp_path / "backup.json"
    write_new(path, "first\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(FileExistsError):
        write_new(path, "second\n")
    assert path.read_text() == "first\n"
    write_new(path, "second\n", overwrite=True)
    assert path.read_text() == "second\n"
    assert [p.name for p in tmp_path.iterdir()] == ["backup.json"]  # no temporary left


def test_write_lines_streams_lines_with_the_same_rules(tmp_path: Path) -> None:
    path = tmp_path / "app.log"
    lines = (f"line {n} ☕" for n in range(12_345))  # more than a batch, never one list
    assert write_lines(path, lines) == 12_345
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text(encoding="utf-8")
    assert text.startswith("line 0 ☕\nline 1 ☕\n") and text.endswith("line 12344 ☕\n")
    with pytest.raises(FileExistsError):
        write_lines(path, ["other"])
    assert write_lines(path, ["other"], overwrite=True) == 1
    assert path.read_text() == "other\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["app.log"]


def test_write_new_reports_a_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        write_new(tmp_path / "nowhere" / "x.json", "{}")


def test_default_names_are_safe_whatever_the_api_said() -> None:
    assert file_name("environment", "acme-shop", "live", extension="json") == \
        "environment-acme-shop-live.json"
    assert file_name("backups", "../../etc", "li\x1bve\n", None, extension="csv") == \
        "backups-etc-li-ve.csv"
    assert file_name("", extension="json") == "divio.json"
    assert len(file_name("x" * 500, extension="json")) <= 85


def test_typed_paths_are_relative_to_the_current_directory(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert resolve_path("a.json", tmp_path / "here") == tmp_path / "here" / "a.json"
    assert resolve_path("~/b.json") == tmp_path / "b.json"
    assert resolve_path(str(tmp_path / "c.csv")) == tmp_path / "c.csv"
    for bad in ("", "  ", str(tmp_path), f"{tmp_path}{os.sep}"):
        with pytest.raises(ValueError):
            resolve_path(bad)
