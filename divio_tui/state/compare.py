"""Compare two environments, or two deployments' environment-variable snapshots: the rows.

Pure functions over models already fetched (no I/O, no Textual): `comparison.py` fetches the
two sides through the session and calls these; the compare screen and `divio-tui diff` show
the same rows.

A row is one thing looked at on both sides (a variable, the branch, a service instance, a
domain, a service's latest good backup) with a `Status`: `same`, `differs`, `only in A`,
`only in B` (between two deployments: `same`, `changed`, `removed`, `added`, A being the
earlier one). A difference may be *expected*, with the reason in words, and is then still
shown, after the surprising ones:

- variables the platform generates for each environment (`SECRET_KEY`) and the DSNs of its
  services (`DATABASE_URL`, `<PREFIX>_DATABASE_DSN`, `<PREFIX>_STORAGE_DSN`, divio-api.md
  §8.7/§8.13): each environment has its own; a DSN only one side has is expected when only
  that side has the service;
- values that differ only where each names its own environment (its slug, its application's
  slug, its uuid, its branch, its domains): `STAGE`, `GIT_BRANCH`, `DOMAIN`, `DOMAIN_ALIASES`,
  `https://myapp-test.example` against `https://myapp-live.example`;
- the times of the last deployments, when both ended the same way.

Sensitive values are compared like any other, but a `Cell` holding one is marked `secret`:
whoever shows or copies it masks it unless the user revealed secrets. Rows keep API text as
it came (untrusted): renderers pass it through `divio_tui.untrusted.visible`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cached_property
from typing import Any

from divio_tui.api.backup_summary import EnvironmentBackupSummary, ServiceBackupStatus
from divio_tui.api.models import (
    Deployment,
    DeploymentSummary,
    Domain,
    Environment,
    EnvironmentVariable,
    ServiceInstance,
)

__all__ = [
    "BACKUPS",
    "DEPLOYMENT_WORDS",
    "DOMAINS",
    "ENVIRONMENT",
    "ENVIRONMENT_WORDS",
    "SECRET_MASK",
    "SERVICES",
    "STALE_AFTER",
    "VARIABLES",
    "Cell",
    "Names",
    "Row",
    "Section",
    "Status",
    "Variable",
    "backup_rows",
    "domain_rows",
    "environment_rows",
    "looks_secret",
    "order_rows",
    "report_json",
    "service_rows",
    "snapshot_rows",
    "variable_rows",
    "variables_of",
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

STALE_AFTER = timedelta(hours=26)
"""A service's latest good backup older than this is `stale`: a daily backup, plus slack."""

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


def _status(a: object | None, b: object | None, same: bool) -> Status:
    if a is None:
        return Status.ONLY_B
    if b is None:
        return Status.ONLY_A
    return Status.SAME if same else Status.DIFFERS


# -- what names an environment ------------------------------------------------------------

_EDGE = r"(?<![A-Za-z0-9])"
_END = r"(?![A-Za-z0-9])"


@dataclass(frozen=True)
class Names:
    """The words an environment names itself by inside its values, each with a placeholder:
    two values equal once each side's names are replaced "name their environment"."""

    words: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, environment: Environment | None, application_slug: str | None = None,
           domains: Iterable[str] = ()) -> Names:
        if environment is None:
            return cls()
        words: list[tuple[str, str]] = [(domain, "{domain}") for domain in domains]
        for text, placeholder in ((environment.uuid, "{uuid}"), (environment.branch, "{branch}"),
                                  (application_slug, "{app}"), (environment.slug, "{env}")):
            if text:
                words.append((text, placeholder))
                if placeholder in {"{app}", "{env}"} and "-" in text:
                    words.append((text.replace("-", "_"), placeholder))
        # Two letters at least: a one-letter slug would "name" half of any value.
        kept = {word: placeholder for word, placeholder in words if len(word) >= 2}
        return cls(tuple(sorted(kept.items(), key=lambda item: -len(item[0]))))

    def lists_own_domains(self, value: str) -> bool:
        """Every comma-separated item of `value` is one of this environment's domains."""
        own = {word.casefold() for word, placeholder in self.words if placeholder == "{domain}"}
        items = [item.strip().casefold() for item in value.split(",") if item.strip()]
        return bool(own) and all(item in own for item in items)

    @cached_property
    def _pattern(self) -> re.Pattern[str] | None:
        if not self.words:
            return None
        return re.compile(_EDGE + "(" + "|".join(re.escape(word) for word, _ in self.words)
                          + ")" + _END, re.IGNORECASE)

    def normalise(self, value: str) -> str:
        """`value` with each of these words replaced by its placeholder."""
        pattern = self._pattern
        if pattern is None:
            return value
        lookup = {word.casefold(): placeholder for word, placeholder in self.words}
        return pattern.sub(lambda match: lookup[match[1].casefold()], value)


# -- environment variables ------------------------------------------------------------------

_PER_ENVIRONMENT = frozenset({"SECRET_KEY"})
"""Platform variables generated for each environment (divio-api.md §8.13)."""

_DOMAIN_LISTS = frozenset({"DOMAIN", "DOMAIN_ALIASES"})
"""Platform variables holding the environment's domains (comma-separated)."""

_SERVICE_DSN = re.compile(r"(?:(?P<prefix>[A-Z0-9_]+)_(?P<type>DATABASE|STORAGE)_DSN|DATABASE_URL)")
"""The platform's variables for a service instance: `<PREFIX>_<TYPE>_DSN`, and DATABASE_URL
for the DEFAULT database (divio-api.md §8.7)."""

_SECRET_NAME = re.compile(
    r"SECRET|PASSWORD|PASSWD|TOKEN|PRIVATE|CREDENTIAL|(?:^|_)KEY$|API_?KEY|_DSN$|DATABASE_URL",
    re.IGNORECASE)
"""Names that look like they hold a secret (for snapshots, which carry no `is_sensitive`)."""


def looks_secret(name: str) -> bool:
    """Whether a variable's name suggests a secret (`STRIPE_SECRET_KEY`, `SENTRY_DSN`)."""
    return bool(_SECRET_NAME.search(name))


def _service_of(name: str) -> tuple[str, str] | None:
    """(prefix, type) of the service a platform DSN variable belongs to, else None."""
    match = _SERVICE_DSN.fullmatch(name)
    if match is None:
        return None
    if match["type"] is None:
        return ("DEFAULT", "DATABASE")
    return (match["prefix"], match["type"])


@dataclass(frozen=True, slots=True)
class Variable:
    """An environment variable's value on one side, and where it lives."""

    value: str
    sensitive: bool = False
    target: Target | None = None


def variables_of(models: Iterable[EnvironmentVariable], environment: str) -> dict[str, Variable]:
    """The environment's variables by name (the list's filter is a hint: others are dropped;
    a name listed twice keeps its first value)."""
    found: dict[str, Variable] = {}
    for model in models:
        if model.environment != environment or not model.name or model.name in found:
            continue
        target = ("environment_variable", model.uuid) if model.uuid else ("environment",
                                                                           environment)
        found[model.name] = Variable(_text(model.value), bool(model.is_sensitive), target)
    return found


def _text(value: object) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def variable_rows(a: Mapping[str, Variable], b: Mapping[str, Variable], *,
                  names: tuple[Names, Names] = (Names(), Names()),
                  services: tuple[set[tuple[str, str]] | None, set[tuple[str, str]] | None]
                  = (None, None)) -> list[Row]:
    """Variables by name on two environments. `names` are each side's own words (for
    values that name their environment); `services` each side's (prefix, type) service
    instances, when known (for DSNs only one side has)."""
    rows = []
    for name in sorted(set(a) | set(b)):
        left, right = a.get(name), b.get(name)
        status = _status(left, right, left is not None and right is not None
                         and left.value == right.value)
        expected = _expected_variable(name, left, right, names, services) if status is not \
            Status.SAME else None
        rows.append(Row(VARIABLES, name, status, _variable_cell(left), _variable_cell(right),
                        expected))
    return order_rows(rows)


def _variable_cell(variable: Variable | None) -> Cell | None:
    if variable is None:
        return None
    return Cell(variable.value, secret=variable.sensitive, target=variable.target)


def _expected_variable(name: str, a: Variable | None, b: Variable | None,
                       names: tuple[Names, Names],
                       services: tuple[set[tuple[str, str]] | None, set[tuple[str, str]] | None]
                       ) -> str | None:
    service = _service_of(name)
    if a is not None and b is not None:
        if name in _PER_ENVIRONMENT:
            return "generated for each environment"
        if service is not None:
            return f"each environment has its own {service[1].lower()}"
        if name in _DOMAIN_LISTS and names[0].lists_own_domains(a.value) and \
                names[1].lists_own_domains(b.value):
            return "each lists its own domains"
        if names[0].normalise(a.value) == names[1].normalise(b.value):
            return "each names its own environment"
        return None
    if service is None:
        return None
    mine, theirs = services if a is not None else services[::-1]
    if mine is not None and theirs is not None and service in mine and service not in theirs:
        side = "A" if a is not None else "B"
        return f"only {side} has the {service[0]} {service[1].lower()}"
    return None


def snapshot_rows(a: Mapping[str, object], b: Mapping[str, object], *,
                  sensitive: Callable[[str], bool],
                  targets: tuple[Target | None, Target | None] = (None, None)) -> list[Row]:
    """Two deployments' `{NAME: value}` snapshots: what was added, removed or changed from A
    (the earlier) to B. `sensitive(name)` says which values to mask."""
    left = {name: Variable(_text(value), sensitive(name), targets[0]) for name, value in a.items()}
    right = {name: Variable(_text(value), sensitive(name), targets[1]) for name, value in b.items()}
    return variable_rows(left, right)


# -- the environment itself -------------------------------------------------------------------


def _last_deployment(environment: Environment, deployments: Sequence[Deployment] | None
                     ) -> Cell:
    """How the environment's last deployment ended, and when."""
    last: DeploymentSummary | Deployment | None = environment.last_finished_deployment
    if (last is None or last.uuid is None) and deployments:
        last = next((d for d in deployments if not d.is_running), None)
    if last is None or last.uuid is None:
        return Cell("never deployed", role="muted", target=("environment", environment.uuid))
    if last.success is None:
        outcome, role = (last.status or "finished").lower(), ""
    else:
        outcome, role = ("success", "ok") if last.success else ("failed", "bad")
    return Cell(outcome, at=last.ended_at, role=role, target=("deployment", last.uuid))


def _running(environment: Environment, deployments: Sequence[Deployment]) -> Cell:
    running = [d for d in deployments if d.environment == environment.uuid and d.is_running]
    if not running:
        return Cell("no", role="muted", target=("environment", environment.uuid))
    newest = running[0]
    percent = f" · {newest.percent}%" if newest.percent is not None else ""
    return Cell(f"yes{percent}", at=newest.when, role="running",
                target=("deployment", newest.uuid))


def environment_rows(a: Environment, b: Environment,
                     deployments: tuple[Sequence[Deployment] | None, Sequence[Deployment] | None]
                     = (None, None)) -> list[Row]:
    """Branch, how the last deployment went (and when), and whether one is running (once each
    side's deployments, newest first, are known)."""
    rows = []
    branch_a = Cell(a.branch or "—", target=("environment", a.uuid))
    branch_b = Cell(b.branch or "—", target=("environment", b.uuid))
    rows.append(Row(ENVIRONMENT, "branch",
                    Status.SAME if a.branch == b.branch else Status.DIFFERS, branch_a, branch_b))
    last_a, last_b = _last_deployment(a, deployments[0]), _last_deployment(b, deployments[1])
    expected = None
    if last_a.value != last_b.value:
        status = Status.DIFFERS
    elif last_a.at != last_b.at:
        status, expected = Status.DIFFERS, "deployed at different times"
    else:
        status = Status.SAME
    rows.append(Row(ENVIRONMENT, "last deployment", status, last_a, last_b, expected))
    if deployments[0] is not None and deployments[1] is not None:
        run_a, run_b = _running(a, deployments[0]), _running(b, deployments[1])
        same = run_a.value.startswith("no") == run_b.value.startswith("no")
        rows.append(Row(ENVIRONMENT, "deployment running",
                        Status.SAME if same else Status.DIFFERS, run_a, run_b))
    return order_rows(rows)


# -- service instances and domains -------------------------------------------------------------


def service_rows(a: Sequence[ServiceInstance], b: Sequence[ServiceInstance],
                 names: Mapping[str, str]) -> list[Row]:
    """Service instances paired by type and prefix (`DATABASE · DEFAULT`): the same service
    (its name from `names`, by service uuid), region and status on both sides?"""

    def keyed(instances: Sequence[ServiceInstance]) -> dict[str, ServiceInstance]:
        found: dict[str, ServiceInstance] = {}
        for instance in instances:
            key = f"{instance.type or '?'} · {instance.prefix or '?'}"
            if key in found:  # two alike on one side: told apart by the start of the uuid
                key = f"{key} {instance.uuid[:6]}"
            found[key] = instance
        return found

    def cell(instance: ServiceInstance | None) -> Cell | None:
        if instance is None:
            return None
        parts = [_named(names, instance.service, "service"), _named(names, instance.region,
                                                                    "region")]
        status = instance.service_status or "?"
        role = "" if status == "READY" else "running" if status == "NEW" else "warn"
        return Cell(" · ".join([*parts, status]), role=role,
                    target=("service_instance", instance.uuid))

    left, right = keyed(a), keyed(b)
    rows = []
    for key in sorted(set(left) | set(right)):
        one, two = left.get(key), right.get(key)
        same = one is not None and two is not None and (one.service, one.region,
                                                         one.service_status) == (
            two.service, two.region, two.service_status)
        rows.append(Row(SERVICES, key, _status(one, two, same), cell(one), cell(two)))
    return order_rows(rows)


def _named(names: Mapping[str, str], uuid: str | None, what: str) -> str:
    if not uuid:
        return f"no {what}"
    return names.get(uuid) or f"{what} {uuid[:8]}"


def domain_rows(a: Sequence[Domain], b: Sequence[Domain]) -> list[Row]:
    """Each side's primary domain (expected to differ: each environment answers on its own),
    then every other domain by name."""

    def split(domains: Sequence[Domain]) -> tuple[Domain | None, dict[str, Domain]]:
        primary = next((d for d in domains if d.is_primary), None)
        others = {(d.domain or d.uuid).casefold(): d for d in domains if d is not primary}
        return primary, others

    def cell(domain: Domain | None, value: str | None = None) -> Cell | None:
        return None if domain is None else Cell(value or domain.domain or domain.uuid,
                                                target=("domain", domain.uuid))

    primary_a, others_a = split(a)
    primary_b, others_b = split(b)
    rows = []
    if primary_a is not None or primary_b is not None:
        same = (primary_a is not None and primary_b is not None
                and (primary_a.domain or "").casefold() == (primary_b.domain or "").casefold())
        status = _status(primary_a, primary_b, same)
        rows.append(Row(DOMAINS, "primary", status, cell(primary_a), cell(primary_b),
                        "each environment has its own" if status is Status.DIFFERS else None))
    for key in sorted(set(others_a) | set(others_b)):
        one, two = others_a.get(key), others_b.get(key)
        either = one if one is not None else two
        name = either.domain if either is not None and either.domain else key
        rows.append(Row(DOMAINS, name, _status(one, two, True), cell(one, "alias"),
                        cell(two, "alias")))
    return order_rows(rows)


# -- backups ----------------------------------------------------------------------------------


def _backup_cell(status: ServiceBackupStatus | None, now: datetime) -> Cell:
    if status is None:
        return Cell("not backed up", role="bad")
    success = status.latest_success
    if success is None:
        problem = status.latest_problem
        return Cell("no good backup", at=problem.when if problem else None, role="bad")
    when = success.when
    stale = when is None or now - when > STALE_AFTER
    return Cell("stale" if stale else "good", at=when, role="warn" if stale else "ok",
                target=("service_instance_backup", success.sib.uuid))


def _backup_key(status: ServiceBackupStatus | None, instance: ServiceInstance | None) -> str:
    if instance is not None:
        return f"{instance.type or '?'} · {instance.prefix or '?'}"
    if status is not None:
        return status.label
    return "?"


def backup_rows(a: EnvironmentBackupSummary, b: EnvironmentBackupSummary,
                instances: tuple[Sequence[ServiceInstance], Sequence[ServiceInstance]],
                now: datetime) -> list[Row]:
    """Per service (type · prefix), its latest good backup on each side: `good` (within
    `STALE_AFTER` of `now`), `stale`, `no good backup` (every attempt failed) or `not backed
    up` (an instance no backup includes); the same when both are in the same state."""

    def keyed(summary: EnvironmentBackupSummary, known: Sequence[ServiceInstance]
              ) -> dict[str, ServiceBackupStatus | None]:
        found: dict[str, ServiceBackupStatus | None] = {}
        for status in summary.services:
            found[_backup_key(status, status.instance)] = status
        for instance in known:
            if not any(s.service_instance == instance.uuid for s in summary.services):
                found.setdefault(_backup_key(None, instance), None)
        return found

    left, right = keyed(a, instances[0]), keyed(b, instances[1])
    rows = []
    for key in sorted(set(left) | set(right)):
        one = _backup_cell(left[key], now) if key in left else None
        two = _backup_cell(right[key], now) if key in right else None
        same = one is not None and two is not None and one.value == two.value
        status = _status(one, two, same)
        expected = None
        if status in {Status.ONLY_A, Status.ONLY_B}:
            expected = f"only {'A' if status is Status.ONLY_A else 'B'} has this service"
        rows.append(Row(BACKUPS, key, status, one, two, expected))
    return order_rows(rows)


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
