"""Writing what the explorer found to files: pretty JSON, CSV, and no overwrite by accident.

Textual-free, so every screen that saves (the tree's `s`, the backups table, the request log,
the compare view, the log viewer) and any command shares one set of rules:

- `json_text`: two-space indented JSON, UTF-8 as is, a newline at the end (what ``jq .`` prints);
- `csv_text`: RFC 4180 CSV with a header row; a cell that a spreadsheet would run as a formula
  (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is prefixed with
  ``'`` (OWASP's advice against CSV injection), since API text is untrusted;
- `write_new`: creates the file, refusing to replace one unless told to (`FileExistsError`);
  files are created 0600 (they hold account data), a replacement is atomic; `write_lines`
  does the same for lines streamed from an iterable (a 100,000-line log is never one string);
- `file_name`: a safe default name from untrusted parts (`environment-acme-shop-live.json`).

The token never reaches these functions: callers hand them API data (URLs and JSON bodies,
which carry none) with sensitive values already masked unless the user revealed them.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

__all__ = ["FORMULA_LEADS", "csv_text", "file_name", "json_text", "resolve_path", "write_lines",
           "write_new"]

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet treat a CSV cell as a formula."""

_NAME_CHARS = re.compile(r"[^a-z0-9]+")
NAME_MAX = 80
"""Characters of a default file name before its extension."""


def json_text(value: Any) -> str:
    """`value` as pretty JSON, ending in a newline."""
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_LEADS) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def csv_text(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A CSV document: the header row, then one line per row (`None` is an empty cell)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_cell(header) for header in headers])
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return out.getvalue()


def file_name(*parts: str | None, extension: str) -> str:
    """A default file name from `parts` (untrusted text welcome): lower-case letters, digits
    and dashes only, joined by dashes, cut to `NAME_MAX`, plus ``.extension``."""
    words = [_NAME_CHARS.sub("-", part.lower()).strip("-") for part in parts if part]
    stem = "-".join(word for word in words if word)[:NAME_MAX].strip("-") or "divio"
    return f"{stem}.{extension}"


def resolve_path(text: str, cwd: Path | None = None) -> Path:
    """The path a user typed: ``~`` expanded, relative to `cwd` (default: the current
    directory). Raises `ValueError` for an empty path or one naming a directory."""
    text = text.strip()
    if not text:
        raise ValueError("the file name is empty")
    path = Path(text).expanduser()
    if not path.is_absolute():
        path = (cwd or Path.cwd()) / path
    if text.endswith(("/", os.sep)) or path.is_dir():
        raise ValueError(f"{path} is a directory: add a file name")
    return path


def write_new(path: Path, text: str, *, overwrite: bool = False) -> Path:
    """Write `text` (UTF-8) to `path` and return it.

    Without `overwrite`, an existing file is never touched (`FileExistsError`, decided by the
    file system at creation, so a file appearing meanwhile is safe too). With it, the new
    content replaces the old atomically. The file is created 0600 (its parent must exist);
    other failures raise `OSError` with the system's reason.
    """
    with _new_file(path, overwrite) as fh:
        fh.write(text.encode("utf-8"))
    return path


LINES_BATCH = 5_000
"""Lines `write_lines` joins before each write."""


def write_lines(path: Path, lines: Iterable[str], *, overwrite: bool = False) -> int:
    """Write `lines` to `path`, each ending in a newline, as `write_new` writes text (0600,
    no replacement unless `overwrite`); `lines` is read a batch at a time. Returns how many
    lines were written."""
    count = 0
    with _new_file(path, overwrite) as fh:
        batch: list[str] = []
        for line in lines:
            batch.append(line)
            if len(batch) >= LINES_BATCH:
                fh.write(("\n".join(batch) + "\n").encode("utf-8"))
                count += len(batch)
                batch = []
        if batch:
            fh.write(("\n".join(batch) + "\n").encode("utf-8"))
            count += len(batch)
    return count


@contextmanager
def _new_file(path: Path, overwrite: bool) -> Iterator[IO[bytes]]:
    """A binary file to fill, 0600: `path` itself, created exclusively; or with `overwrite`, a
    temporary file beside it that replaces it once filled. Nothing is left behind on failure."""
    if overwrite:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        written = Path(tmp)
    else:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        written = path
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
        if overwrite:
            os.replace(written, path)
    except BaseException:
        written.unlink(missing_ok=True)
        raise
