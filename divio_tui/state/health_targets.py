"""Which environments a backup health scan covers: its scope, listed as targets.

A `Scope` is the whole account, one organisation or one application; `list_targets` lists
its environments through the session (so the tree and the scan share what they read), with
their application and organisation. The environments of many applications are read as one
whole list when its count says that takes fewer pages than one list per application.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Literal, cast

from divio_tui.api.errors import ApiError
from divio_tui.api.models import ApiModel, Application, Environment, Organisation
from divio_tui.api.resources import KINDS
from divio_tui.state.health_plan import pages
from divio_tui.state.session import Session

log = logging.getLogger(__name__)

__all__ = ["Scope", "Target", "list_targets"]

PER_APP_LISTS = 12
"""Up to this many applications, their environments are listed one application at a time;
beyond it, the environments' count decides (one list per application, or the whole list)."""

@dataclass(frozen=True)
class Scope:
    """Whose environments: the whole account, one organisation or one application."""

    kind: Literal["account", "organisation", "application"]
    uuid: str | None = None
    title: str = "every organisation"

    @classmethod
    def account(cls) -> Scope:
        return cls("account")

    @classmethod
    def organisation(cls, organisation: Organisation) -> Scope:
        return cls("organisation", organisation.uuid, organisation.name or organisation.uuid)

    @classmethod
    def application(cls, application: Application) -> Scope:
        return cls("application", application.uuid,
                   application.slug or application.name or application.uuid)


@dataclass(frozen=True)
class Target:
    """One environment of the scope, with what names it."""

    environment: Environment
    application: Application | None
    organisation: Organisation | None


async def list_targets(session: Session, scope: Scope) -> list[Target]:
    """The environments of `scope`, with their application and organisation, in the order
    rows list them: organisation, application, then the server's (test, live, …)."""
    if scope.kind == "application" and scope.uuid:
        organisations, found_app, environments = await asyncio.gather(
            _organisations(session), session.get("application", scope.uuid),
            session.children("environment", "application", scope.uuid))
        applications = [cast(Application, found_app)]
    elif scope.kind == "organisation" and scope.uuid:
        organisations, found = await asyncio.gather(
            _organisations(session),
            session.children("application", "organisation", scope.uuid))
        applications = cast(list[Application], found)
        environments = await _environments_of(session, applications)
    else:
        organisations, found, environments = await asyncio.gather(
            _organisations(session), session.collection("application"),
            session.collection("environment"))
        applications = cast(list[Application], found)
    by_uuid = {application.uuid: application for application in applications}
    targets: list[Target] = []
    for environment in cast(list[Environment], environments):
        application = by_uuid.get(environment.application or "")
        if application is None:
            continue  # another scope's environment (a whole list was read)
        organisation = organisations.get(application.organisation or "")
        targets.append(Target(environment, application, organisation))
    # Organisation, application, then the server's order of environments (test, live…).
    order = {id(target): index for index, target in enumerate(targets)}
    targets.sort(key=lambda t: (
        ((t.organisation.name or t.organisation.uuid) if t.organisation else "").casefold(),
        (t.application.slug or "").casefold() if t.application else "", order[id(t)]))
    return targets

async def _organisations(session: Session) -> dict[str, Organisation]:
    try:
        models = await session.collection("organisation")
    except ApiError as error:
        # Only the names are lost: rows then show the organisation's uuid.
        log.info("organisations: %s", error.message)
        models = list(session.known_of_kind("organisation").values())
    return {model.key: cast(Organisation, model) for model in models}

async def _environments_of(session: Session, applications: list[Application]
                           ) -> list[ApiModel]:
    """The environments of many applications: one list each, or the whole list once
    when that takes fewer pages (its count says)."""
    whole = session.collection_read("environment")
    if not whole and len(applications) > PER_APP_LISTS:
        page = await session.client.get_page(KINDS["environment"], {"page_size": 1})
        page_size = getattr(session.client, "page_size", 100)
        whole = page.count is not None and pages(page.count, page_size) < len(applications)
    if whole:
        return await session.collection("environment")
    lists = await asyncio.gather(*(session.children("environment", "application", app.uuid)
                                   for app in applications))
    return [environment for found in lists for environment in found]
