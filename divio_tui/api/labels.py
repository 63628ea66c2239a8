"""Plain-text, one-line labels per resource kind, used by `resources.KINDS`.

Labels hold absolute UTC times and no sizes or relative times ("3 h ago"): the UI adds those,
so a label stays the same across refreshes. Values come from the API and are untrusted: every
label passes through `clean_text` (control and invisible characters made visible, bounded
length). An environment variable's label never includes its value, which may be a secret.
"""

from __future__ import annotations

from datetime import UTC, datetime

from .base import ApiModel
from .errors import clean_text
from .models import (
    Application,
    Backup,
    Build,
    Deployment,
    Domain,
    Environment,
    EnvironmentVariable,
    Organisation,
    Region,
    Repository,
    Service,
    ServiceInstance,
    ServiceInstanceBackup,
)

__all__ = ["format_time"]

LABEL_MAX_CHARS = 120
"""Labels are cut here: names are user data and can be arbitrarily long."""


def format_time(value: datetime | None) -> str | None:
    """``2026-11-25 02:36 UTC`` (absolute, minute precision) or None."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if value else None


def _join(model: ApiModel, *parts: str | None) -> str:
    text = " · ".join(part for part in parts if part)
    return clean_text(text or model.key, LABEL_MAX_CHARS)


def organisation(org: Organisation) -> str:
    return _join(org, org.name)


def application(app: Application) -> str:
    if app.name and app.slug and app.name != app.slug:
        return _join(app, f"{app.name} ({app.slug})")
    return _join(app, app.name or app.slug)


def environment(env: Environment) -> str:
    return _join(env, env.slug, env.branch)


def deployment(dep: Deployment) -> str:
    if dep.success is None:
        outcome = f"{dep.percent}%" if dep.percent is not None and dep.is_running else None
    else:
        outcome = "success" if dep.success else "failed"
    return _join(dep, dep.status, outcome, format_time(dep.when))


def backup(backup: Backup) -> str:
    outcome = backup.success or backup.state
    trigger = backup.trigger.lower() if backup.trigger else None
    return _join(backup, format_time(backup.when), outcome, trigger)


def service_instance_backup(sib: ServiceInstanceBackup) -> str:
    outcome = "running" if sib.is_running else ("errors" if sib.errors else "done")
    return _join(sib, sib.service_type, format_time(sib.when), outcome)


def service_instance(si: ServiceInstance) -> str:
    return _join(si, si.prefix, si.type, si.service_status)


def service(service: Service) -> str:
    if service.name and service.identifier and service.name != service.identifier:
        return _join(service, f"{service.name} ({service.identifier})")
    return _join(service, service.name or service.identifier)


def region(region: Region) -> str:
    return _join(region, region.name)


def repository(repo: Repository) -> str:
    return _join(repo, repo.dsn, repo.branch, repo.state)


def domain(domain: Domain) -> str:
    return _join(domain, domain.domain, "primary" if domain.is_primary else None)


def build(build: Build) -> str:
    outcome = None if build.success is None else ("success" if build.success else "failed")
    return _join(build, outcome or ("running" if build.ended_at is None else None),
                 format_time(build.when))


def environment_variable(var: EnvironmentVariable) -> str:
    # Never the value: it may be a secret, and the UI decides how to mask it.
    return _join(var, var.name, "sensitive" if var.is_sensitive else None)
