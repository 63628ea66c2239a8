"""Pydantic models of the Divio API's JSON, tolerant by design.

Contract:
- Every model keeps unknown fields (``extra="allow"``) and `model.raw` returns the exact JSON
  object it was parsed from, for the detail pane. The real API has more fields than any source
  shows (divio-api.md §9), so nothing unknown is ever rejected or dropped.
- Only `uuid` is required on resources; every other field is optional because the real field
  lists are only partly known. Timestamps become timezone-aware UTC datetimes.
- `parse_page` never fails because of one bad record: records that do not validate become
  `InvalidRecord`s in `Page.invalid`; only a body that is not a page at all raises `BadResponse`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, Self, TypeVar

import httpx
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    ValidationError,
    model_validator,
)

from .errors import BadResponse, clean_text, describe_request

__all__ = [
    "ApiModel",
    "Application",
    "Backup",
    "Build",
    "DeploymentLog",
    "Deployment",
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


def _as_utc(value: datetime) -> datetime:
    # DRF renders UTC with a `Z`; a naive value can only be UTC on this API, an offset is kept
    # as the same instant in UTC so that sorting and labels never mix zones.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _blank_to_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


UtcDatetime = Annotated[datetime, AfterValidator(_as_utc)]
"""An ISO-8601 timestamp parsed to an aware UTC datetime."""

OptionalTime = Annotated[UtcDatetime | None, BeforeValidator(_blank_to_none)]
"""A timestamp that may be null or absent (null commonly means 'not yet')."""


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


class ApiModel(BaseModel):
    """Base of every model: unknown fields kept, original JSON available as `raw`."""

    model_config = ConfigDict(extra="allow")

    _raw: dict[str, Any] | None = PrivateAttr(default=None)

    @model_validator(mode="wrap")
    @classmethod
    def _keep_raw(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        model = handler(data)
        if isinstance(data, dict):
            # Kept by reference: parsed JSON is never mutated by the layers above.
            model._raw = data
        return model

    @property
    def raw(self) -> dict[str, Any]:
        """The JSON object this model came from (or a JSON dump if built in code)."""
        return self._raw if self._raw is not None else self.model_dump(mode="json")

    @property
    def key(self) -> str:
        """A stable identity for tree nodes and caches (the uuid where there is one)."""
        uuid = getattr(self, "uuid", None)
        return uuid if isinstance(uuid, str) else repr(sorted(self.raw.items()))[:200]

    def extra_time(self, name: str) -> datetime | None:
        """A timestamp from a declared field or, failing that, an unknown (extra) field."""
        value = getattr(self, name, None)
        if isinstance(value, datetime):
            return value
        extra = (self.model_extra or {}).get(name)
        if isinstance(extra, str) and extra:
            try:
                return _as_utc(datetime.fromisoformat(extra.replace("Z", "+00:00")))
            except ValueError:
                return None
        return None

    def first_time(self, *names: str) -> datetime | None:
        """The first of the named timestamps that is set (declared or extra)."""
        for name in names:
            value = self.extra_time(name)
            if value is not None:
                return value
        return None


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


M = TypeVar("M", bound=ApiModel)


@dataclass(frozen=True, slots=True)
class InvalidRecord:
    """A list item that failed validation: shown as a warning node, never fatal."""

    raw: Any
    error: BadResponse

    @property
    def uuid(self) -> str | None:
        value = self.raw.get("uuid") if isinstance(self.raw, dict) else None
        return value if isinstance(value, str) else None


@dataclass(frozen=True, slots=True)
class Page(Generic[M]):
    """One DRF page. `count` is None only when the server omitted it (then paging is
    sequential). `url` is the URL this page was fetched from; `number` its `page` parameter."""

    count: int | None
    next: str | None
    previous: str | None
    results: list[M]
    invalid: list[InvalidRecord] = field(default_factory=list)
    url: str = ""
    number: int = 1

    @property
    def size(self) -> int:
        """Items the server put on this page, valid or not (the page size when `next` is set)."""
        return len(self.results) + len(self.invalid)


def _noun(model: type[ApiModel]) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", " ", model.__name__).lower()


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    return names.get(type(value), "a number" if isinstance(value, int | float) else "a value")


def _summarise(exc: ValidationError) -> str:
    # Only the location and pydantic's message: the offending input is untrusted and may be big.
    errors = exc.errors(include_url=False, include_input=False)
    first = errors[0]
    where = ".".join(str(part) for part in first["loc"]) or "record"
    more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
    return clean_text(f"{where}: {first['msg']}{more}")


def parse_model(model: type[M], data: Any, *, url: httpx.URL | str, method: str = "GET") -> M:
    """Validate one JSON object as `model`, or raise `BadResponse` naming the first bad field."""
    if not isinstance(data, dict):
        raise BadResponse(
            f"Expected a {_noun(model)} object, got {_json_type(data)} — "
            f"{describe_request(method, url)}",
            url=url,
            method=method,
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        detail = _summarise(exc)
        raise BadResponse(
            f"Unreadable {_noun(model)} ({detail}) — {describe_request(method, url)}",
            url=url,
            method=method,
            detail=detail,
        ) from None


def parse_page(model: type[M], body: Any, *, url: httpx.URL | str, method: str = "GET") -> Page[M]:
    """Parse a DRF page body; bad records go to `invalid`, a bad envelope raises `BadResponse`."""

    def bad(what: str) -> BadResponse:
        return BadResponse(
            f"Expected a page of results, got {what} — {describe_request(method, url)}",
            url=url,
            method=method,
        )

    if not isinstance(body, dict):
        raise bad(_json_type(body))
    items = body.get("results")
    if not isinstance(items, list):
        raise bad("an object without a results list")
    count = body.get("count")
    if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 0):
        raise bad("a non-integer count")
    links = {name: body.get(name) for name in ("next", "previous")}
    for value in links.values():
        if value is not None and not isinstance(value, str):
            raise bad("a non-URL next/previous link")
    results: list[M] = []
    invalid: list[InvalidRecord] = []
    for item in items:
        try:
            results.append(parse_model(model, item, url=url, method=method))
        except BadResponse as error:
            invalid.append(InvalidRecord(raw=item, error=error))
    page_param = httpx.URL(str(url)).params.get("page")
    return Page(
        count=count,
        next=links["next"],
        previous=links["previous"],
        results=results,
        invalid=invalid,
        url=str(url),
        number=int(page_param) if page_param and page_param.isdigit() else 1,
    )
