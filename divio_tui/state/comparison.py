"""The two sides of a comparison, fetched through the session, and their sections.

`EnvironmentComparison(session, book, a, b)` compares two environments (of one application or
of any two); `DeploymentComparison(session, a, b)` two deployments' environment-variable
snapshots (A the earlier). Both follow `BackupBook`'s shape: `load(on_change)` fetches what
is not known yet — every part of both sides at once, each list with every page, through the
session's caches, so what the tree or the backup summary read is not read again — and never
raises: a part that fails is recorded and its section says so; `retry` asks again.
`sections(now)` turns what is known into `compare.Section`s and never fetches, so the screen
redraws as parts land and `divio-tui diff` prints the same rows at the end.

A user's comparison costs a bounded number of requests: per environment its detail and its
application's, its variables, service instances, domains and deployments (each one list,
pages concurrently), the few services and regions they name, and the backups `BackupBook`
reads for the answer; per deployment its snapshot and its environment's variables (which say
which values are sensitive).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any, cast

from divio_tui.api.errors import ApiError
from divio_tui.api.models import (
    Application,
    Deployment,
    Domain,
    Environment,
    EnvironmentVariable,
    ServiceInstance,
)
from divio_tui.api.resources import KINDS
from divio_tui.state.backups import BackupBook
from divio_tui.state.compare import (
    BACKUPS,
    DEPLOYMENT_WORDS,
    DOMAINS,
    ENVIRONMENT,
    ENVIRONMENT_WORDS,
    SERVICES,
    VARIABLES,
    Section,
)
from divio_tui.state.compare_resources import (
    backup_rows,
    domain_rows,
    environment_rows,
    service_rows,
)
from divio_tui.state.compare_variables import (
    Names,
    Variable,
    looks_secret,
    snapshot_rows,
    variable_rows,
    variables_of,
)
from divio_tui.state.session import Session

__all__ = [
    "Comparison",
    "DeploymentComparison",
    "EnvironmentComparison",
    "default_counterpart",
    "deployments_of",
    "previous_deployment",
]

log = logging.getLogger(__name__)

Listener = Callable[[], None]
"""Called (on the event loop) whenever more of a comparison is known."""

COUNTERPARTS: Mapping[str, tuple[str, ...]] = {"test": ("live",), "live": ("test",)}
"""The other side `=` picks for an environment, by slug; any other slug: live, else test."""


@dataclass
class _Part:
    """One fetch of one side: done, failed (with why), or not yet."""

    done: bool = False
    error: BaseException | None = None
    running: bool = False


class _Parts:
    """The named fetches of one comparison; a part runs until it is done or has failed."""

    def __init__(self) -> None:
        self._parts: dict[tuple[str, int], _Part] = {}

    def state(self, name: str, side: int) -> _Part:
        return self._parts.setdefault((name, side), _Part())

    async def run(self, name: str, side: int, fetch: Callable[[], Awaitable[None]],
                  on_change: Listener | None) -> None:
        part = self.state(name, side)
        if part.done or part.running or part.error is not None:
            return
        part.running = True
        _notify(on_change)
        try:
            await fetch()
            part.done = True
        except ApiError as error:
            part.error = error
        except Exception as error:  # a bug: recorded and shown, never raised into the app
            log.exception("comparing: %s of side %s", name, "AB"[side])
            part.error = error
        finally:
            part.running = False
            _notify(on_change)

    def reset(self, *, failed_only: bool) -> None:
        for part in self._parts.values():
            if not failed_only or part.error is not None:
                part.done, part.error = False, None

    @property
    def running(self) -> bool:
        return any(part.running for part in self._parts.values())

    def status(self, name: str) -> tuple[bool, BaseException | None]:
        """(both sides done, the first error of either side)."""
        parts = [self.state(name, side) for side in (0, 1)]
        error = next((part.error for part in parts if part.error is not None), None)
        return all(part.done for part in parts), error


@dataclass
class _EnvironmentSide:
    uuid: str
    environment: Environment | None = None
    application: Application | None = None
    variables: dict[str, Variable] | None = None
    instances: list[ServiceInstance] | None = None
    domains: list[Domain] | None = None
    deployments: list[Deployment] | None = None


class EnvironmentComparison:
    """Environment A beside environment B (see the module docstring)."""

    compared = "environments"
    words = ENVIRONMENT_WORDS

    def __init__(self, session: Session, book: BackupBook, a: str, b: str) -> None:
        self.session = session
        self.book = book
        self._sides = (_EnvironmentSide(a), _EnvironmentSide(b))
        self._parts = _Parts()
        self._names: dict[str, str] = {}
        """Service and region names by uuid."""

    @property
    def uuids(self) -> tuple[str, str]:
        return self._sides[0].uuid, self._sides[1].uuid

    def environment(self, side: int) -> Environment | None:
        return self._sides[side].environment

    def application(self, side: int) -> Application | None:
        return self._sides[side].application

    @property
    def loading(self) -> bool:
        return self._parts.running or any(
            self.book.report(side.uuid).loading for side in self._sides)

    # -- fetching -----------------------------------------------------------------------------

    async def load(self, on_change: Listener | None = None) -> None:
        """Fetch every part of both sides that is not known yet (never raises)."""
        jobs = []
        for index, side in enumerate(self._sides):
            jobs += [
                self._parts.run("environment", index, partial(self._read_environment, side),
                                on_change),
                self._parts.run("variables", index, partial(self._read_variables, side),
                                on_change),
                self._parts.run("instances", index, partial(self._read_instances, side),
                                on_change),
                self._parts.run("domains", index, partial(self._read_domains, side),
                                on_change),
                self._parts.run("deployments", index,
                                partial(self._read_deployments, side), on_change),
                self.book.answer(side.uuid, on_change),
            ]
        await asyncio.gather(*jobs)

    def retry(self, *, everything: bool = False) -> None:
        """Ask again for what failed (`everything`: for all of it, the lists read again)."""
        self._parts.reset(failed_only=not everything)
        for side in self._sides:
            if everything:
                for kind in ("environment_variable", "domain", "deployment"):
                    self.session.forget_children(kind, "environment", side.uuid)
                self.session.forget("environment", [side.uuid])
            if everything or self.book.report(side.uuid).error is not None:
                self.book.retry(side.uuid)

    async def _read_environment(self, side: _EnvironmentSide) -> None:
        side.environment = cast(Environment, await self.session.get("environment", side.uuid))
        app = side.environment.application
        if app:
            try:
                side.application = cast(Application, await self.session.get("application", app))
            except ApiError as error:  # only its name is lost
                log.info("application of %s: %s", side.uuid, error.message)

    async def _read_variables(self, side: _EnvironmentSide) -> None:
        models = await self.session.children("environment_variable", "environment", side.uuid)
        side.variables = variables_of(cast(list[EnvironmentVariable], models), side.uuid)

    async def _read_instances(self, side: _EnvironmentSide) -> None:
        await self.session.read_service_instances(side.uuid)
        instances = [cast(ServiceInstance, model) for model in
                     self.session.known_of_kind("service_instance").values()
                     if getattr(model, "environment", None) == side.uuid]
        await self._read_names(instances)
        side.instances = instances

    async def _read_names(self, instances: list[ServiceInstance]) -> None:
        """The names of the services and regions the instances use (best effort)."""
        for kind, field_name in (("service", "service"), ("region", "region")):
            uuids = sorted({uuid for instance in instances
                            if (uuid := getattr(instance, field_name)) and uuid not in self._names})
            for uuid, found in zip(uuids, await self.session.get_many(kind, uuids), strict=True):
                if isinstance(found, ApiError):
                    continue
                name = getattr(found, "name", None) or getattr(found, "identifier", None)
                if isinstance(name, str) and name:
                    self._names[uuid] = name

    async def _read_domains(self, side: _EnvironmentSide) -> None:
        models = await self.session.children("domain", "environment", side.uuid)
        side.domains = [cast(Domain, model) for model in models]

    async def _read_deployments(self, side: _EnvironmentSide) -> None:
        side.deployments = await deployments_of(self.session, side.uuid)

    # -- what is known --------------------------------------------------------------------------

    def sections(self, now: datetime) -> list[Section]:
        """Every section as far as it is known now (never fetches)."""
        return [self._environment_section(), self._variables_section(), self._services_section(),
                self._domains_section(), self._backups_section(now)]

    def _section(self, part: str) -> tuple[bool, BaseException | None, bool]:
        """(known on both sides, the first error, still running) for one part."""
        known, error = self._parts.status(part)
        return known, error, not known and error is None

    def _environment_section(self) -> Section:
        known, error, running = self._section("environment")
        a, b = self._sides
        if not known or a.environment is None or b.environment is None:
            return Section(ENVIRONMENT, loading=running, error=error)
        _, deploy_error = self._parts.status("deployments")
        rows = environment_rows(a.environment, b.environment, (a.deployments, b.deployments))
        return Section(ENVIRONMENT, rows, loading=self._parts.state("deployments", 0).running
                       or self._parts.state("deployments", 1).running, error=deploy_error)

    def _variables_section(self) -> Section:
        known, error, running = self._section("variables")
        a, b = self._sides
        if not known or a.variables is None or b.variables is None:
            return Section(VARIABLES, loading=running, error=error)
        names = (self._own_names(a), self._own_names(b))
        services = (_service_keys(a.instances), _service_keys(b.instances))
        return Section(VARIABLES, variable_rows(a.variables, b.variables, names=names,
                                                services=services))

    def _own_names(self, side: _EnvironmentSide) -> Names:
        app = side.application.slug if side.application is not None else None
        domains = [d.domain for d in side.domains or () if d.domain]
        return Names.of(side.environment, app, domains)

    def _services_section(self) -> Section:
        known, error, running = self._section("instances")
        a, b = self._sides
        if not known or a.instances is None or b.instances is None:
            return Section(SERVICES, loading=running, error=error)
        return Section(SERVICES, service_rows(a.instances, b.instances, self._names))

    def _domains_section(self) -> Section:
        known, error, running = self._section("domains")
        a, b = self._sides
        if not known or a.domains is None or b.domains is None:
            return Section(DOMAINS, loading=running, error=error)
        return Section(DOMAINS, domain_rows(a.domains, b.domains))

    def _backups_section(self, now: datetime) -> Section:
        reports = [self.book.report(side.uuid) for side in self._sides]
        error = next((report.error for report in reports if report.error is not None), None)
        if error is None:
            error = next((next(iter(report.sib_errors.values())) for report in reports
                          if report.sib_errors and not report.answered), None)
        summaries = [report.summary for report in reports]
        if summaries[0] is None or summaries[1] is None or not all(r.answered for r in reports):
            return Section(BACKUPS, loading=error is None, error=error)
        instances = (reports[0].instances, reports[1].instances)
        return Section(BACKUPS, backup_rows(summaries[0], summaries[1], instances, now),
                       loading=any(report.loading for report in reports), error=error)

    def side_json(self, side: int) -> dict[str, Any]:
        """Who side `side` is, for the JSON document."""
        state = self._sides[side]
        env, app = state.environment, state.application
        return {"environment": state.uuid, "slug": env.slug if env else None,
                "application": app.uuid if app else (env.application if env else None),
                "application_slug": app.slug if app else None,
                "application_name": app.name if app else None}


def _service_keys(instances: Iterable[ServiceInstance] | None) -> set[tuple[str, str]] | None:
    if instances is None:
        return None
    return {(instance.prefix or "", instance.type or "") for instance in instances}


@dataclass
class _DeploymentSide:
    uuid: str
    deployment: Deployment | None = None
    snapshot: dict[str, object] | None = None
    sensitive: set[str] | None = None
    """Names the deployment's environment marks sensitive today (None: not known)."""
    known: set[str] = field(default_factory=set)
    """Names the environment has today."""


class DeploymentComparison:
    """Deployment A's environment-variable snapshot beside deployment B's (A the earlier)."""

    compared = "deployments"
    words = DEPLOYMENT_WORDS

    def __init__(self, session: Session, a: str, b: str) -> None:
        self.session = session
        self._sides = (_DeploymentSide(a), _DeploymentSide(b))
        self._parts = _Parts()

    @property
    def uuids(self) -> tuple[str, str]:
        return self._sides[0].uuid, self._sides[1].uuid

    def deployment(self, side: int) -> Deployment | None:
        """The deployment as its snapshot's answer described it (None until read)."""
        return self._sides[side].deployment

    @property
    def loading(self) -> bool:
        return self._parts.running

    async def load(self, on_change: Listener | None = None) -> None:
        """Read both snapshots, and which of their values are sensitive (never raises)."""
        await asyncio.gather(*(
            self._parts.run("snapshot", index, partial(self._read, side), on_change)
            for index, side in enumerate(self._sides)))

    def retry(self, *, everything: bool = False) -> None:
        self._parts.reset(failed_only=not everything)
        if everything:
            for side in self._sides:
                if side.deployment is not None and side.deployment.environment:
                    self.session.forget_children("environment_variable", "environment",
                                                 side.deployment.environment)

    async def _read(self, side: _DeploymentSide) -> None:
        if side.snapshot is None:
            deployment = await self.session.client.deployment_environment_variables(side.uuid)
            side.deployment = deployment
            side.snapshot = dict(cast(dict[str, object], deployment.environment_variables))
        environment = side.deployment.environment if side.deployment is not None else None
        if environment:
            models = await self.session.children("environment_variable", "environment",
                                                 environment)
            variables = variables_of(cast(list[EnvironmentVariable], models), environment)
            side.known = set(variables)
            side.sensitive = {name for name, variable in variables.items() if variable.sensitive}
        else:
            side.sensitive = None

    def _is_sensitive(self, name: str) -> bool:
        """Sensitive today on either side's environment, or named like a secret; when an
        environment's variables could not be read, every value (masking is the safe guess)."""
        for side in self._sides:
            if side.sensitive is None:
                return True
            if name in side.sensitive:
                return True
        return looks_secret(name)

    def sections(self, now: datetime) -> list[Section]:
        done, error = self._parts.status("snapshot")
        a, b = self._sides
        if a.snapshot is None or b.snapshot is None:
            return [Section(VARIABLES, loading=not done and error is None, error=error)]
        targets = (("deployment", a.uuid), ("deployment", b.uuid))
        rows = snapshot_rows(a.snapshot, b.snapshot, sensitive=self._is_sensitive,
                             targets=targets)
        return [Section(VARIABLES, rows, loading=not done and error is None, error=error)]

    def side_json(self, side: int) -> dict[str, Any]:
        state = self._sides[side]
        deployment = state.deployment
        out: dict[str, Any] = {"deployment": state.uuid}
        if deployment is not None:
            raw = deployment.raw
            for key in ("environment", "status", "success", "started_at", "ended_at", "author"):
                out[key] = raw.get(key)
            out["variables"] = len(state.snapshot or {})
        return out


Comparison = EnvironmentComparison | DeploymentComparison
"""Either kind of comparison (the compare view and `divio-tui diff` take both)."""


# -- choosing the other side ---------------------------------------------------------------------


async def deployments_of(session: Session, environment: str) -> list[Deployment]:
    """The environment's deployments, newest first (every page, once per session)."""
    models = await session.children("deployment", "environment", environment)
    return sorted(cast(list[Deployment], models), key=KINDS["deployment"].sort_key, reverse=True)


async def previous_deployment(session: Session, deployment: Deployment) -> Deployment | None:
    """The environment's deployment before `deployment` (None: it was the first)."""
    if not deployment.environment:
        return None
    key = KINDS["deployment"].sort_key
    for other in await deployments_of(session, deployment.environment):
        if other.uuid != deployment.uuid and key(other) < key(deployment):
            return other
    return None


async def default_counterpart(session: Session, environment: Environment) -> Environment | None:
    """The environment `=` compares `environment` with: its application's other main one
    (test <-> live; any other: live, else test), else its first other environment."""
    if not environment.application:
        return None
    siblings = cast(list[Environment], await session.children(
        "environment", "application", environment.application))
    others = [env for env in siblings if env.uuid != environment.uuid]
    for slug in COUNTERPARTS.get(environment.slug or "", ("live", "test")):
        for env in others:
            if env.slug == slug:
                return env
    return others[0] if others else None


def _notify(listener: Listener | None) -> None:
    if listener is None:
        return
    try:
        listener()
    except Exception:  # a listener's bug must not stop the fetch
        log.exception("comparison listener failed")

