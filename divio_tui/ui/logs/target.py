"""Which log a log screen shows, and what the screen needs of the app that opens it.

`log_target(data, session)` answers `L` on the highlighted node: an environment's runtime
logs, a deployment's log (from a deployment, or its build), or None. `last_deployment_target`
is the `d` key of a runtime log: the environment's running deployment when one is known, else
its last finished one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol

from divio_tui.api.errors import ApiError
from divio_tui.api.models import ApiModel, Deployment, Environment
from divio_tui.settings import Settings
from divio_tui.state.nodes import GroupData, NodeData, ResourceData
from divio_tui.state.session import Session
from divio_tui.ui.keys import KeyDisplay
from divio_tui.ui.text.humanize import format_time
from divio_tui.ui.text.labels import breadcrumb

__all__ = ["LogHost", "LogTarget", "last_deployment_target", "log_target"]


class LogHost(KeyDisplay, Protocol):
    """The app, as a log screen sees it."""

    @property
    def settings(self) -> Settings: ...

    @property
    def client(self) -> Any: ...

    @property
    def session(self) -> Session: ...

    def now(self) -> datetime: ...

    def tell_refused(self, error: ApiError) -> None: ...


@dataclass(frozen=True)
class LogTarget:
    """One log: an environment's runtime logs, or one deployment's log."""

    kind: Literal["runtime", "deployment"]
    uuid: str
    """The environment's uuid (runtime) or the deployment's."""
    crumbs: tuple[str, ...]
    """Organisation › application › environment (› deployment), for the title."""
    environment: Environment | None = None
    """The environment (runtime logs: its last deployment is one key away)."""
    deployment: Deployment | None = None
    """The deployment, as known when the log was opened (is it running?)."""
    file_stem: str = "divio-log"
    """The default file name's start when the log is saved."""


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")[:40] or "x"


def _stem(environment: ResourceData | None, what: str) -> str:
    parts = ["divio"]
    if environment is not None:
        application = environment.ancestor("application")
        if application is not None:
            parts.append(_slug(str(application.raw.get("slug") or application.uuid)))
        parts.append(_slug(str(environment.raw.get("slug") or environment.uuid)))
    parts.append(what)
    return "-".join(parts)


def log_target(data: NodeData | None, session: Session) -> LogTarget | None:
    """The log `L` opens from `data` (see the module docstring)."""
    if isinstance(data, GroupData) and data.owner is not None:
        data = data.owner if data.kind in {"deployment", "build"} else None
    if not isinstance(data, ResourceData) or data.uuid is None:
        return None
    if data.kind == "environment" and isinstance(data.model, Environment):
        return LogTarget("runtime", data.uuid, tuple(breadcrumb(data)), environment=data.model,
                         file_stem=_stem(data, "runtime"))
    if data.kind == "deployment" and isinstance(data.model, Deployment):
        environment = data.ancestor("environment")
        return _deployment_target(data.model, environment)
    if data.kind == "build":
        deployment = data.raw.get("deployment")
        if isinstance(deployment, str) and deployment:
            model = session.known("deployment", deployment)
            environment = data.ancestor("environment")
            known = model if isinstance(model, Deployment) else Deployment(uuid=deployment)
            return _deployment_target(known, environment)
    return None


def _deployment_target(deployment: Deployment, environment: ResourceData | None) -> LogTarget:
    crumbs = [*breadcrumb(environment), f"deployment of {format_time(deployment.when)}"]
    return LogTarget("deployment", deployment.uuid, tuple(crumbs), deployment=deployment,
                     file_stem=_stem(environment, f"deploy-{deployment.uuid[:8]}"))


def last_deployment_target(target: LogTarget, session: Session) -> LogTarget | None:
    """The log of the runtime log's environment's last deployment (the `d` key)."""
    env = target.environment
    if target.kind != "runtime" or env is None:
        return None
    newest = session.newest_deployment(env.uuid)
    if newest is None or not newest.is_running:
        last = env.last_finished_deployment
        uuid = last.uuid if last is not None else None
        if not uuid:
            return None
        known: ApiModel | None = session.known("deployment", uuid)
        newest = known if isinstance(known, Deployment) else Deployment(
            uuid=uuid, success=last.success if last else None,
            ended_at=last.ended_at if last else None)
    crumbs = [*target.crumbs, f"deployment of {format_time(newest.when)}"]
    stem = target.file_stem.removesuffix("-runtime") + f"-deploy-{newest.uuid[:8]}"
    return LogTarget("deployment", newest.uuid, tuple(crumbs), deployment=newest, file_stem=stem)
