"""Compare two environments, or two deployments' environment-variable snapshots: the rows.

A row is one thing looked at on both sides (a variable, the branch, a service instance, a
domain, a service's latest good backup) with a `Status`: `same`, `differs`, `only in A`,
`only in B` (between two deployments: `same`, `changed`, `removed`, `added`, A being the
earlier one). A difference may be *expected*, with the reason in words (`Row.expected`): it
is still shown, after the surprising ones. Sections group the rows; `report_json` is the one
JSON form (the compare view's export and `divio-tui diff --json`).

Sensitive values are compared like any other, but a `Cell` holding one is marked `secret`:
whoever shows or copies it masks it unless the user revealed secrets. Rows keep API text as
it came (untrusted): renderers pass it through `divio_tui.untrusted.visible`.

The rows of each section are built by pure functions over models already fetched (no I/O, no
Textual): `compare_variables.py` (variables, and the rules for what is expected there) and
`compare_resources.py` (the environment, service instances, domains, backups);
`comparison.py` fetches the two sides through the session. The compare screen and
`divio-tui diff` show the same rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

__all__ = [
    "BACKUPS",
    "DEPLOYMENT_WORDS",
    "DOMAINS",
    "ENVIRONMENT",
    "ENVIRONMENT_WORDS",
    "SECRET_MASK",
    "SERVICES",
    "VARIABLES",
    "Cell",
    "Row",
    "Section",
    "Status",
    "order_rows",
    "report_json",
    "status_of",
]

ENVIRONMENT = "Environment"
VARIABLES = "Environment variables"
SERVICES = "Service instances"
DOMAINS = "Domains"
BACKUPS = "Backups"
"""Section titles, in the order an environment comparison shows them."""

SECRET_MASK = "••••••"
"""What a sensitive value shows as unless revealed: the stand-in the explorer uses everywhere
(`ui/text/labels.MASK`; a test keeps the two equal)."""

Target = tuple[str, str]
"""A resource to show in the tree: (kind, uuid)."""


class Status(StrEnum):
    SAME = "same"
    DIFFERS = "differs"
    ONLY_A = "only in A"
    ONLY_B = "only in B"


ENVIRONMENT_WORDS: Mapping[Status, str] = {status: status.value for status in Status}
"""How statuses read when two environments are compared."""

DEPLOYMENT_WORDS: Mapping[Status, str] = {
    Status.SAME: "same", Status.DIFFERS: "changed", Status.ONLY_A: "removed",
    Status.ONLY_B: "added"}
"""...and between two deployments (A the earlier, B the later)."""


@dataclass(frozen=True, slots=True)
class Cell:
    """One side of a row: a value, maybe a time that goes with it, and where it lives."""

    value: str
    at: datetime | None = None
    """A time shown beside the value (humanised by whoever renders it)."""
    secret: bool = False
    """A sensitive value: masked unless the user revealed secrets."""
    role: str = ""
    """A colour role (ui/text/roles.py) for the value: "ok", "bad", "warn", "running"…"""
    target: Target | None = None
    """The resource this side's value belongs to (Enter shows it in the tree)."""

    def shown(self, reveal: bool, mask: str = SECRET_MASK) -> str:
        """The value, or the mask for a secret that was not revealed."""
        return self.value if reveal or not self.secret else mask


@dataclass(frozen=True, slots=True)
class Row:
    section: str
    name: str
    status: Status
    a: Cell | None
    b: Cell | None
    expected: str | None = None
    """Why this difference is expected (None: it is not, or nothing differs)."""

    @property
    def differs(self) -> bool:
        return self.status is not Status.SAME

    @property
    def surprising(self) -> bool:
        """A difference nobody explained: what the user is looking for."""
        return self.differs and self.expected is None

    @property
    def secret(self) -> bool:
        return any(cell is not None and cell.secret for cell in (self.a, self.b))

    @property
    def rank(self) -> int:
        """0 surprising, 1 expected, 2 same: the order rows are listed in."""
        return 0 if self.surprising else 1 if self.differs else 2


@dataclass(frozen=True)
class Section:
    """The rows of one section, or why there are none yet."""

    title: str
    rows: list[Row] = field(default_factory=list)
    loading: bool = False
    error: BaseException | None = None
    """What stopped this section (its rows are then missing or partial)."""

    @property
    def surprising(self) -> int:
        return sum(row.surprising for row in self.rows)

    @property
    def expected(self) -> int:
        return sum(row.differs and not row.surprising for row in self.rows)

    @property
    def same(self) -> int:
        return sum(not row.differs for row in self.rows)


def order_rows(rows: Iterable[Row]) -> list[Row]:
    """Differences first (surprising, then expected), then the same; by name within each."""
    return sorted(rows, key=lambda row: (row.rank, row.name.casefold(), row.name))


def status_of(a: object | None, b: object | None, same: bool) -> Status:
    """`only in B` when A is None, `only in A` when B is, else `same` or `differs`."""
    if a is None:
        return Status.ONLY_B
    if b is None:
        return Status.ONLY_A
    return Status.SAME if same else Status.DIFFERS


# -- JSON ---------------------------------------------------------------------------------


def _cell_json(cell: Cell | None, reveal: bool, mask: str) -> dict[str, Any] | None:
    if cell is None:
        return None
    out: dict[str, Any] = {"value": cell.shown(reveal, mask)}
    if cell.at is not None:
        out["at"] = cell.at.isoformat().replace("+00:00", "Z")
    if cell.secret:
        out["masked"] = not reveal
    if cell.target is not None:
        out["kind"], out["uuid"] = cell.target
    return out


def report_json(compared: str, sides: tuple[Mapping[str, Any], Mapping[str, Any]],
                sections: Sequence[Section], words: Mapping[Status, str], *, reveal: bool,
                mask: str = SECRET_MASK) -> dict[str, Any]:
    """The comparison as one JSON document (the export and `divio-tui diff --json`):
    sensitive values masked unless `reveal`; `differences` counts the surprising ones."""
    rows = []
    errors = []
    for section in sections:
        if section.error is not None:
            errors.append({"section": section.title,
                           "error": getattr(section.error, "message", None)
                           or type(section.error).__name__})
        for row in section.rows:
            rows.append({
                "section": row.section, "name": row.name, "status": words[row.status],
                "expected": row.expected, "sensitive": row.secret,
                "a": _cell_json(row.a, reveal, mask), "b": _cell_json(row.b, reveal, mask)})
    return {
        "compare": compared,
        "a": dict(sides[0]),
        "b": dict(sides[1]),
        "revealed": reveal,
        "differences": sum(section.surprising for section in sections),
        "expected_differences": sum(section.expected for section in sections),
        "same": sum(section.same for section in sections),
        "errors": errors,
        "rows": rows,
    }
