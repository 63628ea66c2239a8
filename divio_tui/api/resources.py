"""The resource map: everything the tree needs to know about each kind, in one table.

`KINDS[name]` is a `ResourceKind`: where the list lives (`path`), which model parses it, what
to call it, which child kinds hang under it and how to find them (`child_links`),
which fields point at other resources (`references`) and, where known, the Divio Control Panel
URL. `ROOT_KINDS` are the top-level groups. The UI drives its tree from this module alone.

How a resource is labelled on screen is the UI's business (`ui/text/labels.py`): this table is
data about the API, not about its display.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Generic, Literal, TypeVar

import httpx

from .models import (
    ApiModel,
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

__all__ = [
    "KINDS",
    "ROOT_KINDS",
    "ChildLink",
    "Reference",
    "ResourceKind",
    "kind_of",
    "references_of",
    "zone_from_api_url",
]

M = TypeVar("M", bound=ApiModel)

ROOT_KINDS: tuple[str, ...] = ("organisation", "region")
"""Kinds listed at the top of the tree, in display order."""

_OLDEST = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class ChildLink:
    """How to find the children of kind `kind` under one parent object.

    - `param`: query parameter naming the parent uuid. Servers may ignore it (unknown params
      are silently ignored by DRF), so it is a hint: always filter with `belongs` too.
    - `field`: field on the child holding the parent's uuid (client-side filter).
    - `members_field`: field on the *parent* holding the child uuid(s) — a list (backup ->
      service_instance_backups) or a single uuid/null (application -> repository).
    - `single`: show the one referenced child inline (fetch `kind` detail by uuid), not a
      group node; the link is skipped when the parent's `members_field` is null.
    """

    kind: str
    param: str | None
    field: str | None
    members_field: str | None = None
    single: bool = False

    def query(self, parent: ApiModel) -> dict[str, str]:
        """Server-side filter params for this parent (empty when the kind has none)."""
        return {self.param: parent.key} if self.param else {}

    def member_uuids(self, parent: ApiModel) -> list[str] | None:
        """The child uuids the parent names itself, or None when it names none."""
        if self.members_field is None:
            return None
        value = getattr(parent, self.members_field, None)
        if isinstance(value, str):
            return [value]
        if isinstance(value, list):
            return [item for item in value if isinstance(item, str)]
        return [] if self.single else None

    def belongs(self, parent: ApiModel, child: ApiModel) -> bool:
        """Client-side filter: is `child` really under `parent`?"""
        if self.field is not None and getattr(child, self.field, None) == parent.key:
            return True
        members = self.member_uuids(parent)
        return members is not None and child.key in members


@dataclass(frozen=True, slots=True)
class Reference:
    """A resolved reference on one object: `field` path, target `kind`, target `uuid`."""

    field: str
    kind: str
    uuid: str


ControlPanel = Literal["organisation", "application", "application_page"]


@dataclass(frozen=True, slots=True)
class ResourceKind(Generic[M]):
    """One resource kind. See the module docstring; every attribute is data, no I/O."""

    name: str
    family: Literal["apps", "iam"]
    route: str
    """List route inside the family, e.g. ``backups/``; detail is ``<route><uuid>/``."""
    model: type[M]
    title: str
    singular: str
    parent_kind: str | None = None
    parent_param: str | None = None
    parent_field: str | None = None
    child_links: tuple[ChildLink, ...] = ()
    newest_first: str | None = None
    """Timestamp field the list is ordered by, newest first; None = server order is kept."""
    references: Mapping[str, str] = field(default_factory=dict)
    """Field path -> kind it points at; ``a.b`` reads a nested field, ``a[*]`` a uuid list."""
    control_panel: ControlPanel | None = None
    control_panel_inferred: bool = True
    """True when the control-panel URL pattern is our guess, not seen in any source."""

    @property
    def path(self) -> str:
        """The list path relative to the API root, e.g. ``apps/v3/backups/``."""
        return f"{self.family}/v3/{self.route}"

    def detail_path(self, uuid: str) -> str:
        return f"{self.path}{uuid}/"

    @property
    def children(self) -> tuple[str, ...]:
        """Child kind names in display order."""
        return tuple(link.kind for link in self.child_links)

    def sort_key(self, model: M) -> datetime:
        """Key for newest-first sorting (use ``reverse=True``); unknown times sort last."""
        if self.newest_first is None:
            return _OLDEST
        when = model.extra_time(self.newest_first)
        if when is None:
            fallback = getattr(model, "when", None)
            when = fallback if isinstance(fallback, datetime) else None
        return when or _OLDEST

    def control_panel_url(
        self, model: M, ancestors: Mapping[str, ApiModel], zone: str | None
    ) -> str | None:
        """The Divio Control Panel page for `model`, or None when unknown.

        `ancestors` maps kind name -> the object above `model` in the tree (e.g.
        ``{"application": app}``); `zone` is e.g. ``divio.com`` (None = not a Divio zone, as
        with the fake on loopback). Only the application URL is SEEN (divio-cli
        ``build_app_url``); the organisation page and the app page standing in for its
        environments, backups, etc. are INFERRED (see `control_panel_inferred`).
        """
        if not zone or self.control_panel is None:
            return None
        root = f"https://control.{zone}"
        if self.control_panel == "organisation":
            return f"{root}/o/{model.key}/"
        app = model if self.control_panel == "application" else ancestors.get("application")
        org = getattr(app, "organisation", None)
        if not isinstance(app, Application) or not org:
            return None
        return f"{root}/o/{org}/app/{app.uuid}"


def zone_from_api_url(url: str) -> str | None:
    """``https://api.divio.com/apps/v3/`` -> ``divio.com``; None for hosts not named api.*."""
    host = httpx.URL(url).host
    return host[4:] if host.startswith("api.") and len(host) > 4 else None


def _resolve(model: ApiModel, path: str) -> list[str]:
    many = path.endswith("[*]")
    value: Any = model
    for part in path.removesuffix("[*]").split("."):
        value = getattr(value, part, None) if not isinstance(value, dict) else value.get(part)
        if value is None:
            return []
    items = value if many and isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, str) and item]


def references_of(model: ApiModel) -> list[Reference]:
    """Every reference `model` holds, resolved to uuids, in the kind's declared order."""
    kind = kind_of(model)
    if kind is None:
        return []
    return [
        Reference(field=path, kind=target, uuid=uuid)
        for path, target in kind.references.items()
        for uuid in _resolve(model, path)
    ]


# -- the table ----------------------------------------------------------------------------

_ENV_CHILD = "environment"

KINDS: dict[str, ResourceKind[Any]] = {
    kind.name: kind
    for kind in (
        ResourceKind(
            "organisation", "iam", "organisations/", Organisation, "Organisations",
            "organisation",
            child_links=(ChildLink("application", "organisation", "organisation"),),
            control_panel="organisation",
        ),
        ResourceKind(
            "application", "apps", "applications/", Application, "Applications", "application",
            parent_kind="organisation", parent_param="organisation", parent_field="organisation",
            child_links=(
                ChildLink("environment", "application", "application"),
                ChildLink("repository", None, None, members_field="repository", single=True),
            ),
            references={"organisation": "organisation", "repository": "repository"},
            control_panel="application", control_panel_inferred=False,
        ),
        ResourceKind(
            "environment", "apps", "environments/", Environment, "Environments", "environment",
            parent_kind="application", parent_param="application", parent_field="application",
            child_links=(
                ChildLink("backup", _ENV_CHILD, _ENV_CHILD),
                ChildLink("deployment", _ENV_CHILD, _ENV_CHILD),
                ChildLink("service_instance", _ENV_CHILD, _ENV_CHILD),
                ChildLink("environment_variable", _ENV_CHILD, _ENV_CHILD),
                ChildLink("domain", _ENV_CHILD, _ENV_CHILD),
                ChildLink("build", _ENV_CHILD, _ENV_CHILD),
            ),
            # Server order is creation order (test, live, extras): keep it, no sort key.
            references={"application": "application",
                        "last_finished_deployment.uuid": "deployment"},
            control_panel="application_page",
        ),
        ResourceKind(
            "backup", "apps", "backups/", Backup, "Backups", "backup",
            parent_kind="environment", parent_param="environment", parent_field="environment",
            child_links=(
                ChildLink("service_instance_backup", "backup", "backup",
                          members_field="service_instance_backups"),
            ),
            newest_first="created_at",
            references={"environment": "environment",
                        "service_instance_backups[*]": "service_instance_backup"},
            control_panel="application_page",
        ),
        ResourceKind(
            "service_instance_backup", "apps", "service-instance-backups/",
            ServiceInstanceBackup, "Service instance backups", "service instance backup",
            parent_kind="backup", parent_param="backup", parent_field="backup",
            newest_first="queued_at",
            references={"backup": "backup", "service_instance": "service_instance"},
            control_panel="application_page",
        ),
        ResourceKind(
            "deployment", "apps", "deployments/", Deployment, "Deployments", "deployment",
            parent_kind="environment", parent_param="environment", parent_field="environment",
            newest_first="created_at",
            references={"environment": "environment"},
            control_panel="application_page",
        ),
        ResourceKind(
            "service_instance", "apps", "service-instances/", ServiceInstance,
            "Service instances", "service instance",
            parent_kind="environment", parent_param="environment", parent_field="environment",
            references={"environment": "environment", "service": "service", "region": "region"},
            control_panel="application_page",
        ),
        ResourceKind(
            "environment_variable", "apps", "environment-variables/", EnvironmentVariable,
            "Environment variables", "environment variable",
            parent_kind="environment", parent_param="environment", parent_field="environment",
            references={"environment": "environment", "application": "application"},
            control_panel="application_page",
        ),
        ResourceKind(
            "domain", "apps", "domains/", Domain, "Domains", "domain",
            parent_kind="environment", parent_param="environment", parent_field="environment",
            references={"environment": "environment", "application": "application"},
            control_panel="application_page",
        ),
        ResourceKind(
            "build", "apps", "builds/", Build, "Builds", "build",
            parent_kind="environment", parent_param="environment", parent_field="environment",
            newest_first="started_at",
            references={"environment": "environment", "deployment": "deployment"},
            control_panel="application_page",
        ),
        ResourceKind(
            "repository", "apps", "repositories/", Repository, "Repositories", "repository",
            parent_kind="application",  # reached through application.repository, no filter
            references={"organisation": "organisation"},
            control_panel="application_page",
        ),
        ResourceKind(
            "service", "apps", "services/", Service, "Services", "service",
            parent_kind="region", parent_param="region", parent_field="region",
            references={"region": "region"},
        ),
        ResourceKind(
            "region", "apps", "regions/", Region, "Regions", "region",
            # Services hang under their region so that every reference has a place in the tree.
            child_links=(ChildLink("service", "region", "region"),),
        ),
    )
}
"""Every kind by name. Children appear in `child_links` order."""

_KIND_BY_MODEL: dict[type[ApiModel], ResourceKind[Any]] = {k.model: k for k in KINDS.values()}


def kind_of(model: ApiModel) -> ResourceKind[Any] | None:
    """The kind a model instance belongs to (None for User, log pages, …)."""
    return _KIND_BY_MODEL.get(type(model))
