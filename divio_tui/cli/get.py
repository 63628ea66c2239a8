"""`divio-tui get KIND [UUID]`: resources as JSON, JSON lines, CSV or a table, for scripts.

Every page of the list, fetched concurrently by the one pager; each ``--filter`` sent to the
server and checked on every item (`state/query.py`), so the answer is right when the server
ignores a filter. stdout holds the data and nothing else; notes and errors go to stderr.
Sensitive environment-variable values are masked unless ``--reveal``.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
import os
import sys
import textwrap
from collections.abc import Callable, Iterable
from contextlib import aclosing
from typing import TYPE_CHECKING, Any, TextIO

from divio_tui.api.errors import ApiError, NotFound
from divio_tui.api.models import ApiModel
from divio_tui.api.resources import KINDS
from divio_tui.cli.clients import build_client
from divio_tui.cli.common import api_failure, no_token_message, non_negative_int
from divio_tui.logs import setup_logging
from divio_tui.redaction import MASK
from divio_tui.settings import Settings
from divio_tui.state.resolve import UUID_PROBE_ORDER, UUID_RE, probe_uuid
from divio_tui.state.secrets import mask_secrets
from divio_tui.state.session import Session
from divio_tui.untrusted import shorten, visible

if TYPE_CHECKING:
    # Imported when `get` runs or a --filter is parsed: every command line builds this
    # module's parser, the explorer included (issue 14, cold start).
    from divio_tui.state.query import FieldFilter, Selection

__all__ = ["KIND_NAMES", "add_parser", "kind_name", "run"]

KIND_NAMES: dict[str, str] = {kind.route.rstrip("/"): name for name, kind in KINDS.items()}
"""What `get` calls each kind (the API's route name: ``service-instance-backups``) -> the
resource table's name (``service_instance_backup``)."""

_ALIASES: dict[str, str] = {
    alias: plural
    for plural, name in KIND_NAMES.items()
    for alias in (plural, plural.replace("-", "_"), name, name.replace("_", "-"))
}

FORMATS = ("json", "jsonl", "csv", "table")

TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "organisation": ("uuid", "name", "created_at"),
    "application": ("uuid", "slug", "name", "organisation"),
    "environment": ("uuid", "slug", "application", "branch"),
    "deployment": ("uuid", "environment", "status", "success", "started_at", "ended_at"),
    "backup": ("uuid", "environment", "created_at", "trigger", "state", "success"),
    "service_instance_backup": ("uuid", "backup", "service_type", "taken_at", "size", "errors"),
    "service_instance": ("uuid", "environment", "prefix", "type", "service_status"),
    "environment_variable": ("name", "value", "is_sensitive", "environment"),
    "domain": ("uuid", "domain", "is_primary", "environment"),
    "build": ("uuid", "environment", "started_at", "ended_at", "success"),
    "region": ("uuid", "name"),
    "service": ("uuid", "identifier", "name", "type", "region"),
    "repository": ("uuid", "dsn", "state", "branch"),
}
"""The columns of `--format table` (a table is for reading: every field is in the others)."""

HEADER_ROWS = 200
"""Rows a CSV or a table holds back to choose its columns (and a table its widths)."""

CELL_WIDTH = 40
"""The widest a table column gets (longer values are cut with …)."""

EPILOG = f"""\
{textwrap.fill("KIND is one of: " + ", ".join(KIND_NAMES) + " (the singular works too: "
               "backup, service-instance-backup, environment_variable…).", 92,
               break_on_hyphens=False)}

Every page is read, pages 2..N at once. Each --filter FIELD=VALUE is sent to the API and also
checked on every item, so the answer is right where the API ignores a filter: a FIELD the
items do not have matches nothing. Filters on the same field match any of their values;
on different fields, all of them. A dotted FIELD reaches into objects
(last_finished_deployment.uuid); true / false / null match booleans and null. The API's own
filters that are not fields are understood too: name_search (applications), application
(anything under an environment) and website (services).

Output: table on a terminal, else json (an array; with a UUID, the object). jsonl is one
object per line, csv has every field (objects and lists as JSON). Nothing but the data goes
to stdout; notes and errors go to stderr. Sensitive environment-variable values show as
{MASK} unless --reveal.

Global options go before the command: --demo, --api-url, --zone, --token. The token comes
from --token, DIVIO_TOKEN, the config file or the netrc `divio login` writes (divio-tui -h).

examples:
  divio-tui --demo get applications
  divio-tui get environments --filter application=<app uuid> --format jsonl
  divio-tui get backups --filter environment=<env uuid> --limit 1 | jq -r '.[0].uuid'
  divio-tui get environment-variables --filter environment=<env uuid> --format csv > vars.csv
  divio-tui get service-instance-backups <uuid> | jq .size

exit status: 0 done (also when nothing matched), 1 the API failed or refused (the reason on
stderr; what was printed is partial, a JSON array is left open), 2 a usage or settings
problem (no token, a bad filter), 130 interrupted, 141 the reader went away (| head).
"""


def kind_name(text: str) -> str:
    """A kind as typed (plural or singular, dashes or underscores) -> its `get` name."""
    try:
        return _ALIASES[text.strip().lower()]
    except KeyError:
        raise argparse.ArgumentTypeError(
            f"unknown kind {text!r} (choose from {', '.join(KIND_NAMES)})") from None


def _filter(text: str) -> FieldFilter:
    from divio_tui.state.query import parse_filter

    try:
        return parse_filter(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _positive(text: str) -> int:
    value = non_negative_int(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "get", help="print resources as JSON, JSON lines, CSV or a table",
        description="Print every resource of a KIND (or one, by UUID): every page, filters "
                    "checked client-side.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", metavar="KIND", type=kind_name, choices=list(KIND_NAMES),
                        help="what to list (see below)")
    parser.add_argument("uuid", metavar="UUID", nargs="?",
                        help="print only this one (its detail view)")
    parser.add_argument("--filter", "-f", dest="filters", metavar="FIELD=VALUE", type=_filter,
                        action="append", default=[],
                        help="keep items whose FIELD is VALUE (repeatable)")
    parser.add_argument("--limit", "-n", metavar="N", type=_positive,
                        help="stop after N items (fewer pages are read)")
    parser.add_argument("--format", "-o", choices=FORMATS,
                        help="output format (default: table on a terminal, else json)")
    parser.add_argument("--reveal", action="store_true",
                        help="print sensitive environment-variable values in clear")


def run(args: argparse.Namespace, settings: Settings) -> int:
    out, err = sys.stdout, sys.stderr
    kind = KIND_NAMES[args.kind]
    if args.uuid is not None and (args.filters or args.limit):
        print("divio-tui get: error: --filter and --limit are for lists; with a UUID, get "
              "prints that one resource", file=err)
        return 2
    if args.uuid is not None and not UUID_RE.fullmatch(args.uuid.lower()):
        print(f"divio-tui get: error: not a Divio UUID (26 letters a-z and digits 2-7): "
              f"{visible(args.uuid)!s}", file=err)
        return 2
    if settings.token is None:
        print(f"divio-tui get: {no_token_message()}", file=err)
        return 2
    fmt = args.format or ("table" if out.isatty() else "json")
    try:
        setup_logging(settings)  # every request goes to the log, as the explorer's do
        logged = True
    except OSError:
        logged = False  # a script must not fail for want of a log file
    writer = _writer(fmt, kind, out, err, reveal=args.reveal, one=args.uuid is not None)
    try:
        return asyncio.run(_get(args, settings, kind, writer, err, logged=logged))
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, as `cat` does.
        _silence(out)
        return 141


async def _get(args: argparse.Namespace, settings: Settings, kind: str, writer: Writer,
               err: TextIO, *, logged: bool) -> int:
    client = build_client(settings) if logged else build_client(settings, observer=None)
    async with client:
        session = Session(client)
        try:
            if args.uuid is not None:
                uuid = args.uuid.lower()
                try:
                    writer.write(await session.get(kind, uuid))
                except NotFound:
                    print(f"divio-tui: {await _not_found(session, kind, uuid)}", file=err)
                    return 1
            else:
                from divio_tui.state.query import Selection

                selection = Selection(session, kind, args.filters, args.limit)
                async with aclosing(selection.items()) as items:
                    async for model in items:
                        writer.write(model)
                writer.close()  # the data first, then what stderr says about it
                _notes(selection, kind, err, summary=isinstance(writer, TableWriter))
                return 0
        except ApiError as error:
            writer.abandon()
            print(f"divio-tui: {api_failure(error, settings)}", file=err)
            return 1
    writer.close()
    return 0


async def _not_found(session: Session, kind: str, uuid: str) -> str:
    """Why there is no `kind` `uuid`, and what it is if it is another kind (a few detail
    requests: a UUID pasted under the wrong kind is the usual mistake)."""
    message = f"no {KINDS[kind].singular} {uuid}: not found, or this token has no access to it"
    others = [name for name in UUID_PROBE_ORDER if name != kind]
    found = await probe_uuid(session.get, uuid, others)
    if found is None:
        return message
    plural = next(plural for plural, name in KIND_NAMES.items() if name == found[0])
    noun = KINDS[found[0]].singular
    article = "an" if noun[0] in "aeiou" else "a"
    return f"{message}; it is {article} {noun}: divio-tui get {plural} {uuid}"


def _notes(selection: Selection, kind: str, err: TextIO, *, summary: bool) -> None:
    """What stderr should say once a listing is done: records skipped, filters no item had,
    and on a terminal table a one-line summary."""
    info = KINDS[kind]
    if selection.invalid:
        first = selection.invalid[0].error.message
        print(f"divio-tui: skipped {len(selection.invalid)} records that are not readable "
              f"{info.title.lower()} (first: {visible(first)})", file=err)
    for name in selection.fields_missing:
        if selection.scanned:
            print(f"divio-tui: no {info.singular} has a field {visible(name)!r}: that filter "
                  "matched nothing", file=err)
    if summary:
        noun = info.singular if selection.matched == 1 else info.title.lower()
        checked = ""
        if selection.ignored:
            names = ", ".join(sorted(selection.ignored))
            checked = (f"; the API ignored {names}: {selection.scanned:,} read and checked "
                       "here")
        print(f"{selection.matched:,} {noun} ({selection.pages:,} "
              f"page{'s' if selection.pages != 1 else ''}{checked})", file=err)


def _silence(out: TextIO) -> None:
    """After a broken pipe, point stdout at /dev/null so that the interpreter's last flush
    does not complain."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, out.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass


# -- writers ----------------------------------------------------------------------------------


class Writer:
    """Writes models to `out` as one format. `write` each, then `close`; `abandon` on an
    error: what was written stays, rows held back are written, but a JSON array is left
    open, so that a reader cannot take a part for the whole (the exit status says 1)."""

    def __init__(self, kind: str, out: TextIO, err: TextIO, *, reveal: bool, one: bool) -> None:
        self.kind = kind
        self.out = out
        self.err = err
        self.reveal = reveal
        self.one = one
        self.written = 0
        self._told_masked = False

    def record(self, model: ApiModel) -> dict[str, Any]:
        """The record as the API served it, its secrets masked unless revealed."""
        if self.reveal:
            return dict(model.raw)
        raw, masked = mask_secrets(self.kind, model.raw, MASK)
        if masked and not self._told_masked and self.err.isatty():
            self._told_masked = True
            print("divio-tui: sensitive values are masked (--reveal prints them)", file=self.err)
        return raw

    def write(self, model: ApiModel) -> None:
        self.emit(self.record(model))
        self.written += 1

    def emit(self, raw: dict[str, Any]) -> None:
        raise NotImplementedError

    def close(self) -> None:
        self.out.flush()

    def abandon(self) -> None:
        self.out.flush()


def _json(value: Any, indent: int | None = None) -> str:
    # ensure_ascii: every control, bidi and invisible character of API text is escaped by
    # the encoder, so a terminal shows JSON and never acts on it.
    separators = (",", ":") if indent is None else (",", ": ")
    return json.dumps(value, indent=indent, ensure_ascii=True, separators=separators)


class JsonWriter(Writer):
    """A JSON array, streamed item by item (or the one object of a detail)."""

    def emit(self, raw: dict[str, Any]) -> None:
        text = _json(raw, indent=2)
        if self.one:
            self.out.write(text + "\n")
            return
        lead = "[\n" if self.written == 0 else ",\n"
        self.out.write(lead + "\n".join("  " + line for line in text.splitlines()))

    def close(self) -> None:
        if not self.one:
            self.out.write("[]\n" if self.written == 0 else "\n]\n")
        super().close()


class JsonLinesWriter(Writer):
    """One compact JSON object per line."""

    def emit(self, raw: dict[str, Any]) -> None:
        self.out.write(_json(raw) + "\n")


class _Buffered(Writer):
    """Holds the first `HEADER_ROWS` records back to choose columns from them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held: list[dict[str, Any]] | None = []

    def emit(self, raw: dict[str, Any]) -> None:
        if self._held is None:
            self.emit_row(raw)
            return
        self._held.append(raw)
        if len(self._held) >= HEADER_ROWS:
            self._release()

    def _release(self) -> None:
        held, self._held = self._held or [], None
        self.start(held)
        for raw in held:
            self.emit_row(raw)

    def close(self) -> None:
        if self._held is not None:
            self._release()
        super().close()

    def abandon(self) -> None:
        if self._held:
            self._release()
        self._held = None
        super().abandon()

    def start(self, held: list[dict[str, Any]]) -> None:
        raise NotImplementedError

    def emit_row(self, raw: dict[str, Any]) -> None:
        raise NotImplementedError


class CsvWriter(_Buffered):
    """Every field of the first rows, in the API's order; objects and lists as JSON."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._columns: list[str] = []
        self._csv = csv.writer(self.out, lineterminator="\n")
        self._dropped: set[str] = set()
        self._clean: Callable[[str], str] = visible if self.out.isatty() else str

    def start(self, held: list[dict[str, Any]]) -> None:
        columns: dict[str, None] = {}
        for raw in held:
            columns.update(dict.fromkeys(raw))
        self._columns = list(columns)
        if self._columns:
            self._csv.writerow(self._columns)

    def emit_row(self, raw: dict[str, Any]) -> None:
        extra = set(raw) - set(self._columns) - self._dropped
        if extra:
            self._dropped |= extra
            print(f"divio-tui: fields not in the CSV header (first seen after row {HEADER_ROWS}):"
                  f" {', '.join(sorted(visible(name) for name in extra))}", file=self.err)
        self._csv.writerow([self._clean(_csv_cell(raw.get(name))) for name in self._columns])


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return _json(value) if isinstance(value, dict | list) else json.dumps(value)


class TableWriter(_Buffered):
    """Aligned columns for reading: a list's chosen columns, or a detail's every field."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._widths: list[int] = []
        self._columns: tuple[str, ...] = TABLE_COLUMNS.get(self.kind, ("uuid",))

    def emit(self, raw: dict[str, Any]) -> None:
        if self.one:
            self._detail(raw)
        else:
            super().emit(raw)

    def _detail(self, raw: dict[str, Any]) -> None:
        width = max((len(visible(name)) for name in raw), default=0)
        for name, value in raw.items():
            text = _json(value) if isinstance(value, dict) else _table_cell(value)
            self.out.write(f"{visible(name):<{width}}  {visible(text)}\n")

    def start(self, held: list[dict[str, Any]]) -> None:
        if not held:
            return  # nothing matched: the summary on stderr says so
        cells = [[_table_text(raw.get(name)) for name in self._columns] for raw in held]
        self._widths = [
            min(max([len(name), *(len(row[index]) for row in cells)]), CELL_WIDTH)
            for index, name in enumerate(self._columns)]
        self._line([name.upper() for name in self._columns])

    def emit_row(self, raw: dict[str, Any]) -> None:
        self._line([_table_text(raw.get(name)) for name in self._columns])

    def _line(self, cells: Iterable[str]) -> None:
        parts = [shorten(cell, width).ljust(width) for cell, width in zip(cells, self._widths,
                                                                           strict=True)]
        self.out.write("  ".join(parts).rstrip() + "\n")


def _table_cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return ", ".join(value) if value else "-"
    if isinstance(value, dict) and isinstance(value.get("uuid"), str):
        return str(value["uuid"])
    return json.dumps(value, ensure_ascii=False)


def _table_text(value: Any) -> str:
    return visible(_table_cell(value))


def _writer(fmt: str, kind: str, out: TextIO, err: TextIO, *, reveal: bool,
            one: bool) -> Writer:
    writers: dict[str, type[Writer]] = {"json": JsonWriter, "jsonl": JsonLinesWriter,
                                        "csv": CsvWriter, "table": TableWriter}
    return writers[fmt](kind, out, err, reveal=reveal, one=one)
