"""The lines around the compare table: who the two sides are, the counts, the row in full.

Plain functions of a comparison (no widget): the screen puts what they return in its
statics. API text goes through `visible`; a sensitive value is the mask unless revealed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime

from rich.text import Text

from divio_tui.state.compare import Cell, Row, Section, Status
from divio_tui.state.comparison import Comparison, EnvironmentComparison
from divio_tui.ui.compare.table import status_word
from divio_tui.ui.keys import KeyDisplay, keys_for
from divio_tui.ui.text.humanize import format_time, time_with_relative
from divio_tui.ui.text.labels import MASK, SEP, error_summary
from divio_tui.untrusted import shorten, visible


def short_name(comparison: Comparison, side: int) -> str:
    """A column header's name for a side: the environment's slug, the deploy's time."""
    if isinstance(comparison, EnvironmentComparison):
        env = comparison.environment(side)
        return env.slug if env is not None and env.slug else comparison.uuids[side][:8]
    deployment = comparison.deployment(side)
    if deployment is not None and deployment.when is not None:
        return format_time(deployment.when)
    return comparison.uuids[side][:8]


def file_name(comparison: Comparison) -> str:
    """`compare-<app>-<env>-<app>-<env>.json` (deployments: their uuids), safe as a file name."""
    parts = []
    for side in (0, 1):
        part = comparison.uuids[side]
        if isinstance(comparison, EnvironmentComparison):
            env, app = comparison.environment(side), comparison.application(side)
            if env is not None:
                part = f"{app.slug if app and app.slug else 'app'}-{env.slug or env.uuid}"
        parts.append(re.sub(r"[^A-Za-z0-9._-]+", "-", part).strip("-") or "side")
    return f"compare-{parts[0]}-{parts[1]}.json"


def sides_text(comparison: Comparison) -> Text:
    """Two lines: `A  Fleet Control › test  tinyrobots-fleet · <uuid>`, then B; for
    deployments, each deploy's time, outcome, author and environment."""
    text = Text()
    for side in (0, 1):
        if side:
            text.append("\n")
        text.append(f"{'AB'[side]}  ", "bold")
        text.append_text(_describe(comparison, side))
    return text


def _describe(comparison: Comparison, side: int) -> Text:
    if isinstance(comparison, EnvironmentComparison):
        env, app = comparison.environment(side), comparison.application(side)
        if env is None:
            return Text(visible(comparison.uuids[side]), "dim")
        text = Text(visible(app.name or app.slug or app.uuid) if app else "?", "bold")
        text.append(" › ")
        text.append(visible(env.slug or env.uuid), "bold")
        extra = [part for part in (app.slug if app else None, env.uuid) if part]
        text.append(f"  {visible(SEP.join(extra))}", "dim")
        return text
    deployment = comparison.deployment(side)
    if deployment is None:
        return Text(f"deployment {visible(comparison.uuids[side])}", "dim")
    text = Text(f"deployment {format_time(deployment.when)}", "bold")
    text.append(SEP)
    if deployment.success is None:
        text.append("running")
    else:
        text.append("✔ success" if deployment.success else "✘ failed", "bold")
    if deployment.author:
        text.append(SEP + visible(deployment.author))
    session = comparison.session
    home = session.known("environment", deployment.environment or "")
    owner = session.known("application", getattr(home, "application", None) or "")
    where = [getattr(owner, "name", None) or getattr(owner, "slug", None),
             getattr(home, "slug", None)]
    if all(where):
        text.append(f"  {visible(' › '.join(str(part) for part in where))}")
    text.append(f"  {visible(deployment.uuid)}", "dim")
    return text


def summary_text(comparison: Comparison, sections: Sequence[Section], keys: KeyDisplay, *,
                 reveal: bool, differences_only: bool) -> Text:
    """`14 differences · 11 expected · 6 the same · loading… · secrets masked (v reveals)`,
    and the first failure with its retry key."""
    surprising = sum(section.surprising for section in sections)
    expected = sum(section.expected for section in sections)
    same = sum(section.same for section in sections)
    text = Text()
    if surprising:
        text.append(f"{surprising} difference{'s' if surprising != 1 else ''}", "bold")
    else:
        text.append("no surprising difference", "bold")
    if expected:
        text.append(f"{SEP}{expected} expected")
    text.append(f"{SEP}{same} the same")
    if comparison.loading or any(section.loading for section in sections):
        text.append(f"{SEP}loading…")
    failed = [section for section in sections if section.error is not None]
    if failed:
        first = failed[0]
        text.append(f"{SEP}⚠ could not read the {first.title.lower()}: "
                    f"{error_summary(first.error or Exception())} — "
                    f"{keys_for(keys, 'compare-reload')[0]} retries", "bold")
    reveal_key = keys_for(keys, "compare-reveal")[0]
    if any(row.secret for section in sections for row in section.rows):
        text.append(SEP + (f"secrets revealed ({reveal_key} masks)" if reveal
                           else f"secrets masked ({reveal_key} reveals)"))
    if differences_only:
        text.append(f"{SEP}differences only")
    return text


def row_detail(row: Row, words: Mapping[Status, str], keys: KeyDisplay, *, reveal: bool,
               width: int, now: datetime) -> Text:
    """The row under the cursor in full: its name, status and why, and both values."""
    text = Text(visible(row.name), "bold")
    text.append(f"  {status_word(row, words)}")
    if row.expected:
        text.append(f": {visible(row.expected)}")
    for side, cell in (("A", row.a), ("B", row.b)):
        text.append(f"\n{side}  ", "bold")
        text.append(_full_value(cell, keys, reveal=reveal, width=width, now=now))
    return text


def section_detail(section: Section, keys: KeyDisplay) -> Text:
    """A section line under the cursor: its counts, or why it could not be read."""
    text = Text(section.title, "bold")
    if section.error is not None:
        message = getattr(section.error, "message", None) or str(section.error)
        text.append(f"\n⚠ could not read it: {visible(message)}\n"
                    f"{keys_for(keys, 'compare-reload')[0]} retries")
    elif section.loading and not section.rows:
        text.append("\nloading…")
    else:
        text.append(f"\n{section.surprising} differences, {section.expected} expected "
                    f"(each with its reason), {section.same} the same")
    return text


def _full_value(cell: Cell | None, keys: KeyDisplay, *, reveal: bool, width: int,
                now: datetime) -> str:
    if cell is None:
        return "—"
    if cell.secret and not reveal:
        return f"{MASK}  (sensitive: {keys_for(keys, 'compare-reveal')[0]} reveals)"
    value = shorten(visible(cell.value), width) if cell.value else '""'
    if cell.at is not None:
        value += SEP + time_with_relative(cell.at, now)
    return value
