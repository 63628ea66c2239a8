"""The other sections of an environment comparison: the environment itself (branch, last
deployment, a deployment running), its service instances, its domains, and per service the
latest good backup and its age. Pure functions over models already fetched."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from divio_tui.api.backup_summary import EnvironmentBackupSummary, ServiceBackupStatus
from divio_tui.api.models import (
    Deployment,
    DeploymentSummary,
    Domain,
    Environment,
    ServiceInstance,
)
from divio_tui.state.compare import (
    BACKUPS,
    DOMAINS,
    ENVIRONMENT,
    SERVICES,
    Cell,
    Row,
    Status,
    order_rows,
    status_of,
)

__all__ = ["STALE_AFTER", "backup_rows", "domain_rows", "environment_rows", "service_rows"]

STALE_AFTER = timedelta(hours=26)
"""A service's latest good backup older than this is `stale`: a daily backup, plus slack."""


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
        rows.append(Row(SERVICES, key, status_of(one, two, same), cell(one), cell(two)))
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
        status = status_of(primary_a, primary_b, same)
        rows.append(Row(DOMAINS, "primary", status, cell(primary_a), cell(primary_b),
                        "each environment has its own" if status is Status.DIFFERS else None))
    for key in sorted(set(others_a) | set(others_b)):
        one, two = others_a.get(key), others_b.get(key)
        either = one if one is not None else two
        name = either.domain if either is not None and either.domain else key
        rows.append(Row(DOMAINS, name, status_of(one, two, True), cell(one, "alias"),
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
        status = status_of(one, two, same)
        expected = None
        if status in {Status.ONLY_A, Status.ONLY_B}:
            expected = f"only {'A' if status is Status.ONLY_A else 'B'} has this service"
        rows.append(Row(BACKUPS, key, status, one, two, expected))
    return order_rows(rows)
