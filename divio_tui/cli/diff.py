"""`divio-tui diff`: two environments, or two deployments' variables, as the compare screen
shows them (the same rows, `state/compare.py`).

::

    divio-tui diff APP/ENV_A [APP/ENV_B]             B defaults to the other main environment
    divio-tui diff --deployments UUID_A [UUID_B]     A defaults to the deployment before B
        [--json] [--all] [--reveal] [--strict]

Exit status, as `diff`'s: 0 when nothing differs, 1 when something does, 2 on trouble (bad
usage, something not found, an API error: the reason on stderr, nothing on stdout).
Differences the rows call expected (`STAGE`, each environment's own `SECRET_KEY`…) are
listed but count only with `--strict`. Sensitive values are masked unless `--reveal`; the
token is never printed. Global options (`--demo`, `--api-url`, `--token`, `--zone`) come
before the command.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from divio_tui.api.errors import ApiError
from divio_tui.api.models import Deployment
from divio_tui.cli.clients import build_client
from divio_tui.cli.common import plain, safe
from divio_tui.settings import Settings
from divio_tui.state.backups import BackupBook
from divio_tui.state.resolve import TargetNotFound, environment_by_address
from divio_tui.state.session import Session
from divio_tui.ui.text.humanize import format_time

if TYPE_CHECKING:
    # Imported by `diff` when it runs: every command line parses this module's parser, and
    # the explorer does not compare before `=` (issue 14, cold start).
    from divio_tui.state.compare import Cell, Row, Section
    from divio_tui.state.comparison import (
        Comparison,
        DeploymentComparison,
        EnvironmentComparison,
    )

SAME, DIFFER, TROUBLE = 0, 1, 2
"""The exit statuses, as `diff` has them."""


class Trouble(Exception):
    """Something stopped the comparison; the message says what, for stderr."""


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "diff", help="compare two environments, or two deployments' environment variables",
        description="Compare two environments (APP/ENV, or an environment's UUID), or with "
        "--deployments two deployments' environment-variable snapshots. Exit 0 when nothing "
        "differs, 1 when something does, 2 on trouble.")
    parser.add_argument("sides", nargs="+", metavar="SIDE",
                        help="APP/ENV (or UUID) A, and B (default: the other main "
                        "environment); with --deployments: deployment UUIDs A and B (given one, "
                        "A is the deployment before it)")
    parser.add_argument("--deployments", action="store_true",
                        help="compare deployments' environment-variable snapshots")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    parser.add_argument("--all", action="store_true", help="list the rows that are the same too")
    parser.add_argument("--reveal", action="store_true",
                        help="print sensitive values in clear (masked otherwise)")
    parser.add_argument("--strict", action="store_true",
                        help="expected differences count too (for the exit status)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    if len(args.sides) > 2:
        print("divio-tui diff: error: give two sides at most", file=sys.stderr)
        return TROUBLE
    try:
        report = asyncio.run(_compare(args, settings))
    except (Trouble, TargetNotFound) as error:
        print(f"divio-tui diff: {plain(safe(str(error), settings))}", file=sys.stderr)
        return TROUBLE
    except ApiError as error:
        print(f"divio-tui diff: {plain(safe(error.message, settings))}", file=sys.stderr)
        return TROUBLE
    sys.stdout.write(report.text)
    return report.status


class _Report:
    def __init__(self, text: str, status: int) -> None:
        self.text = text
        self.status = status


async def _compare(args: argparse.Namespace, settings: Settings) -> _Report:
    from divio_tui.state.compare import report_json

    async with build_client(settings) as client:
        session = Session(client)
        comparison = await (_deployments(session, args.sides) if args.deployments
                            else _environments(session, args.sides))
        await comparison.load()
        now = datetime.now(UTC)
        sections = comparison.sections(now)
        for section in sections:
            if section.error is not None:
                reason = getattr(section.error, "message", None) or str(section.error)
                raise Trouble(f"could not read the {section.title.lower()}: {reason}")
        document = report_json(comparison.compared,
                               (comparison.side_json(0), comparison.side_json(1)), sections,
                               comparison.words, reveal=args.reveal)
        differ = document["differences"] + (document["expected_differences"] if args.strict
                                            else 0)
        if args.json:
            text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        else:
            text = _text(comparison, sections, reveal=args.reveal, everything=args.all)
        return _Report(text, DIFFER if differ else SAME)


async def _environments(session: Session, sides: Sequence[str]) -> EnvironmentComparison:
    from divio_tui.state.comparison import EnvironmentComparison, default_counterpart

    a = await environment_by_address(session, sides[0])
    if len(sides) > 1:
        b = await environment_by_address(session, sides[1])
    else:
        other = await default_counterpart(session, a)
        if other is None:
            raise Trouble(f"{sides[0]!r} has no other environment to compare with")
        b = other
    return EnvironmentComparison(session, BackupBook(session), a.uuid, b.uuid)


async def _deployments(session: Session, sides: Sequence[str]) -> DeploymentComparison:
    from divio_tui.state.comparison import DeploymentComparison, previous_deployment

    if len(sides) > 1:
        return DeploymentComparison(session, sides[0], sides[1])
    later = await session.get("deployment", sides[0])
    assert isinstance(later, Deployment)
    earlier = await previous_deployment(session, later)
    if earlier is None:
        raise Trouble(f"deployment {sides[0]!r} is its environment's first: nothing before it")
    return DeploymentComparison(session, earlier.uuid, later.uuid)


# -- text -------------------------------------------------------------------------------------


def _text(comparison: Comparison, sections: list[Section], *, reveal: bool,
          everything: bool) -> str:
    lines = [f"A  {_side_line(comparison, 0)}", f"B  {_side_line(comparison, 1)}"]
    for section in sections:
        rows = [row for row in section.rows if everything or row.differs]
        if not rows:
            continue
        lines += ["", section.title]
        for row in rows:
            word = "expected" if row.differs and not row.surprising else comparison.words[
                row.status]
            lines.append(f"  {word:<9}  {_row_text(row, reveal)}")
    surprising = sum(section.surprising for section in sections)
    expected = sum(section.expected for section in sections)
    same = sum(section.same for section in sections)
    lines += ["", f"{surprising} difference{'s' if surprising != 1 else ''}, {expected} "
              f"expected, {same} the same"]
    return "\n".join(lines) + "\n"


def _side_line(comparison: Comparison, side: int) -> str:
    from divio_tui.state.comparison import EnvironmentComparison

    if isinstance(comparison, EnvironmentComparison):
        env, app = comparison.environment(side), comparison.application(side)
        slug = app.slug if app is not None and app.slug else (env.application if env else "?")
        return plain(f"{slug}/{env.slug if env else '?'}  ({comparison.uuids[side]})")
    deployment = comparison.deployment(side)
    if deployment is None:
        return plain(f"deployment {comparison.uuids[side]}")
    outcome = ("running" if deployment.success is None
               else "success" if deployment.success else "failed")
    parts = [f"deployment {deployment.uuid}", format_time(deployment.when), outcome]
    if deployment.author:
        parts.append(deployment.author)
    return plain(" · ".join(parts))


def _row_text(row: Row, reveal: bool) -> str:
    text = f"{row.name}: "
    if row.a is not None and row.b is not None:
        text += f"{_cell(row.a, reveal)} → {_cell(row.b, reveal)}" if row.differs \
            else _cell(row.a, reveal)
    else:
        text += _cell(row.a or row.b, reveal)
    notes = [note for note in (row.expected, "sensitive" if row.secret and not reveal
                               else None) if note]
    if notes:
        text += f"  ({'; '.join(notes)})"
    return plain(text)


def _cell(cell: Cell | None, reveal: bool) -> str:
    if cell is None:
        return "—"
    value = cell.shown(reveal) or '""'
    return f"{value} ({format_time(cell.at)})" if cell.at is not None else value
