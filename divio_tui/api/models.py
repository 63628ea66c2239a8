"""Models of the Divio API's JSON, tolerant by design.

Contract:
- Every model is a typed, read-only view over the exact JSON object it was parsed from:
  `model.raw` (for the detail pane) holds unknown fields too, `model_extra` names them, and
  every declared field is checked by pydantic when the record is parsed (see base.py).
- Only `uuid` is required on resources; every other field is optional because the real field
  lists are only partly known. Timestamps become timezone-aware UTC datetimes.
- `Page`, `InvalidRecord`, `parse_model` and `parse_page` live in pages.py and are re-exported
  here: `parse_page` never fails because of one bad record (see `Page.invalid`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from .base import ApiModel, OptionalTime, UtcDatetime
from .pages import InvalidRecord, Page, parse_model, parse_page

__all__ = [
    "ApiModel",
    "Application",
    "Backup",
    "Build",
    "Deployment",
    "DeploymentLog",
    "DeploymentSummary",
    "Domain",
    "Environment",
    "EnvironmentVariable",
    "InvalidRecord",
    "LogEntry",
    "LogPage",
    "Organisation",
    "Page",
    "Region",
    "Repository",
    "Resource",
    "Service",
    "ServiceInstance",
    "ServiceInstanceBackup",
    "SshEndpoint",
    "User",
    "UtcDatetime",
    "parse_model",
    "parse_page",
]


def _errors_to_list(value: object) -> object:
    # HOWTO shows `errors: []`, divio-cli's tests mock it as a string or null (divio-api.md
    # §8.11); a dict is not seen anywhere but costs nothing to flatten.
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, dict):
        return [f"{key}: {item}" for key, item in value.items()]
    if isinstance(value, list):
        return [item if isinstance(item, str) else str(item) for item in value]
    return value


def _null_to_empty_list(value: object) -> object:
    return [] if value is None else value


class Resource(ApiModel):
    """A resource with its own URL: `uuid` (26-char base32 on the real API) is required."""

    uuid: str = Field(min_length=1)


class User(Resource):
    """`GET iam/v3/me/`: the token's user."""

    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    created_at: OptionalTime = None
    timezone: str | None = None

    @property
    def display_name(self) -> str:
        """'First Last', else the e-mail, else the uuid."""
        name = " ".join(part for part in (self.first_name, self.last_name) if part)
        return name or self.email or self.uuid


class Organisation(Resource):
    name: str | None = None
    created_at: OptionalTime = None


class Application(Resource):
    slug: str | None = None
    name: str | None = None
    organisation: str | None = None
    repository: str | None = None
    """Repository uuid; null means Divio-hosted git."""
    created_at: OptionalTime = None


class DeploymentSummary(ApiModel):
    """`environment.last_finished_deployment`: only `uuid` is attested (divio-api.md §8.3)."""

    uuid: str | None = None
    status: str | None = None
    success: bool | None = None
    ended_at: OptionalTime = None


class SshEndpoint(ApiModel):
    """`environment.ssh_endpoint` (detail view only)."""

    host: str | None = None
    port: int | None = None
    user: str | None = None


class Environment(Resource):
    application: str | None = None
    slug: str | None = None
    branch: str | None = None
    last_finished_deployment: DeploymentSummary | None = None
    ssh_endpoint: SshEndpoint | None = None
    created_at: OptionalTime = None


class Deployment(Resource):
    environment: str | None = None
    status: str | None = None
    success: bool | None = None
    """True/False when finished, null while running."""
    percent: int | None = None
    started_at: OptionalTime = None
    ended_at: OptionalTime = None
    created_at: OptionalTime = None
    author: str | None = None
    environment_variables: list[str] | dict[str, Any] | None = None
    """Detail only: variable names, or {name: value} from the environment-variables view."""

    @property
    def is_running(self) -> bool:
        """No end time yet (the CLI polls until `ended_at` is set)."""
        return self.ended_at is None

    @property
    def when(self) -> datetime | None:
        return self.first_time("started_at", "created_at", "ended_at")


class Backup(Resource):
    environment: str | None = None
    state: str | None = None
    """'COMPLETED' is terminal; 'WORKING' while running; other values unknown."""
    success: str | None = None
    """'SUCCESS' | 'PARTIAL' | 'FAILURE' | null while running."""
    service_instance_backups: Annotated[list[str], BeforeValidator(_null_to_empty_list)] = []
    trigger: str | None = None
    notes: str | None = None
    scheduled_for_deletion_at: OptionalTime = None
    created_at: OptionalTime = None

    @property
    def is_running(self) -> bool:
        return self.state != "COMPLETED" and self.success is None

    @property
    def is_successful(self) -> bool:
        return self.success == "SUCCESS"

    @property
    def when(self) -> datetime | None:
        # created_at is our inference; the real API's backup timestamps are unknown, so look
        # for the usual DRF names among unknown fields too.
        return self.first_time("created_at", "started_at", "queued_at", "ended_at")


class ServiceInstanceBackup(Resource):
    backup: str | None = None
    service_instance: str | None = None
    service_type: str | None = None
    """'DATABASE' | 'STORAGE' (added to the API after 2021)."""
    queued_at: OptionalTime = None
    started_at: OptionalTime = None
    ended_at: OptionalTime = None
    """Null while running."""
    taken_at: OptionalTime = None
    size: int | None = None
    """Bytes; null until done."""
    errors: Annotated[list[str], BeforeValidator(_errors_to_list)] = []

    @property
    def is_running(self) -> bool:
        return self.ended_at is None

    @property
    def is_successful(self) -> bool:
        return not self.is_running and not self.errors

    @property
    def when(self) -> datetime | None:
        return self.first_time("taken_at", "started_at", "queued_at", "ended_at")


class ServiceInstance(Resource):
    environment: str | None = None
    prefix: str | None = None
    type: str | None = None
    service_status: str | None = None
    region: str | None = None
    service: str | None = None


class Service(Resource):
    identifier: str | None = None
    name: str | None = None
    type: str | None = None
    region: str | None = None


class Region(Resource):
    name: str | None = None


class Repository(Resource):
    dsn: str | None = None
    state: str | None = None
    auth_info: str | None = None
    organisation: str | None = None
    branch: str | None = None


class Domain(Resource):
    """Fields invented by us (INFERRED): the real API documents none."""

    environment: str | None = None
    application: str | None = None
    domain: str | None = None
    is_primary: bool | None = None


class Build(Resource):
    """Fields invented by us (INFERRED): the real API documents none."""

    environment: str | None = None
    deployment: str | None = None
    started_at: OptionalTime = None
    ended_at: OptionalTime = None
    success: bool | None = None

    @property
    def when(self) -> datetime | None:
        return self.first_time("started_at", "ended_at")


class EnvironmentVariable(ApiModel):
    """An environment variable. `uuid` is only INFERRED to exist, so it is optional here and
    `key` falls back to environment + name. `value` may be a secret: the UI masks it when
    `is_sensitive`."""

    uuid: str | None = None
    environment: str | None = None
    application: str | None = None
    name: str | None = None
    value: str | None = None
    is_sensitive: bool | None = None

    @property
    def key(self) -> str:
        return self.uuid or f"{self.environment}:{self.name}"


class LogEntry(ApiModel):
    """One runtime log line. `message` is untrusted text and may hold escape sequences."""

    timestamp: OptionalTime = None
    service: str | None = None
    message: str | None = None


class LogPage(ApiModel):
    """`environments/<uuid>/logs/`: cursor-style paging, no `count`."""

    results: list[LogEntry] = []
    next: str | None = None
    previous: str | None = None


class DeploymentLog(ApiModel):
    """`deployments/<uuid>/logs`: the whole deploy log as one text blob."""

    uuid: str | None = None
    logs: str = ""
