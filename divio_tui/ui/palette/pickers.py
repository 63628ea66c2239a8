"""Palettes that pick the other side of a comparison: an environment, or a deployment.

`environment_picker(request)` and `deployment_picker(request)` build a palette (the
streaming one the app uses, with a single provider) for one pick; choosing a hit calls the
request's `on_pick`. The request carries what the provider needs (the session, the side the
pick is compared with), so the pickers work from any screen.

- Environments. Empty query: the anchor's application's other environments, the default
  counterpart first (test <-> live), then environments the session knows. A query: known
  environments by fuzzy match on "Application › env", applications whose slug is the query
  or whose name or slug contains it (`state/resolve.py`: ``?slug=`` / ``?name_search=``,
  checked client-side) with their environments (one list each, at most `MAX_APPLICATIONS`
  applications per query), and a pasted environment UUID.
- Deployments. The anchor's environment's deployments, newest first, marked `previous` /
  `last good` / `compared now`; a pasted UUID finds any deployment.

Names are untrusted: prompts are Rich `Text` (taken literally) and help lines are escaped.
API sources wait `API_DEBOUNCE` seconds, and Textual cancels a search when the query changes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import ClassVar, cast

from rich.style import Style
from rich.text import Text
from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.fuzzy import Matcher
from textual.markup import escape

from divio_tui.api.errors import ApiError
from divio_tui.api.models import Application, Deployment, Environment
from divio_tui.api.resources import KINDS
from divio_tui.state.comparison import (
    COUNTERPARTS,
    default_counterpart,
    deployments_of,
    previous_deployment,
)
from divio_tui.state.resolve import UUID_RE
from divio_tui.state.session import Session
from divio_tui.ui._textual import StreamingCommandPalette
from divio_tui.ui.palette.commands import highlighted_text
from divio_tui.ui.palette.jump import (
    API_DEBOUNCE,
    EXACT,
    Found,
    application_sources,
    merged,
    search_hits,
)
from divio_tui.ui.text.humanize import format_time
from divio_tui.ui.text.labels import SEP
from divio_tui.untrusted import shorten, visible

log = logging.getLogger(__name__)

MAX_APPLICATIONS = 8
"""Applications whose environments are listed per query (one request each)."""

MAX_KNOWN = 200
"""Environments the session knows, offered per search."""



@dataclass(frozen=True)
class EnvironmentPick:
    """One environment pick: what it is compared with, and what to do with the choice."""

    session: Session
    on_pick: Callable[[str], object]
    """Called with the chosen environment's uuid."""
    anchor: str | None = None
    """The environment the choice is compared with (listed apart, never offered)."""
    placeholder: str = "Compare with… (an application's slug or name, or an environment UUID)"


@dataclass(frozen=True)
class DeploymentPick:
    """One deployment pick among an environment's deployments (or any, by UUID)."""

    session: Session
    environment: str
    on_pick: Callable[[Deployment], object]
    current: str | None = None
    """The deployment the choice is compared with."""
    placeholder: str = "Compare with which deployment? (type to filter, or paste a UUID)"


def environment_picker(request: EnvironmentPick) -> CommandPalette:
    """A palette whose only provider offers environments for `request`."""
    provider = type("EnvironmentChoicesFor", (EnvironmentChoices,), {"request": request})
    return StreamingCommandPalette(providers=[provider], placeholder=request.placeholder)


def deployment_picker(request: DeploymentPick) -> CommandPalette:
    """A palette whose only provider offers deployments for `request`."""
    provider = type("DeploymentChoicesFor", (DeploymentChoices,), {"request": request})
    return StreamingCommandPalette(providers=[provider], placeholder=request.placeholder)


def environment_name(session: Session, environment: Environment) -> str:
    """`Fleet Control › live` (the application as far as the session knows it)."""
    app = session.known("application", environment.application or "")
    app_name = (getattr(app, "name", None) or getattr(app, "slug", None)
                or (environment.application or "?")[:8])
    return shorten(visible(f"{app_name} › {environment.slug or environment.uuid}"), 120)


class EnvironmentChoices(Provider):
    """Environments to compare with (see the module docstring); `request` is set per pick."""

    request: ClassVar[EnvironmentPick]

    @property
    def session(self) -> Session:
        return self.request.session

    async def discover(self) -> Hits:
        for found, note in await self._defaults():
            yield DiscoveryHit(Text(self._name(found)), partial(self.request.on_pick, found.uuid),
                               help=escape(self._help(found, note)))

    async def _defaults(self) -> list[tuple[Environment, str]]:
        out: list[tuple[Environment, str]] = []
        anchor = await self._anchor()
        if anchor is not None:
            try:
                default = await default_counterpart(self.session, anchor)
                siblings = await self._environments_of(anchor.application or "")
            except ApiError as error:
                log.info("environments of %s: %s", anchor.application, error.message)
                default, siblings = None, []
            if default is not None:
                out.append((default, "default"))
            out += [(env, "same application") for env in siblings
                    if env.uuid not in {anchor.uuid, default.uuid if default else ""}]
        seen = {env.uuid for env, _ in out} | {self.request.anchor}
        for model in list(self.session.known_of_kind("environment").values())[:MAX_KNOWN]:
            if isinstance(model, Environment) and model.uuid not in seen:
                seen.add(model.uuid)
                out.append((model, "seen"))
        return out

    async def _anchor(self) -> Environment | None:
        if self.request.anchor is None:
            return None
        try:
            return cast(Environment, await self.session.get("environment", self.request.anchor))
        except ApiError as error:
            log.info("compare anchor %s: %s", self.request.anchor, error.message)
            return None

    async def _environments_of(self, application: str) -> list[Environment]:
        if not application:
            return []
        return cast(list[Environment], await self.session.children(
            "environment", "application", application))

    async def search(self, query: str) -> Hits:
        async for hit in search_hits(self, query, self._sources, self._hit):
            yield hit

    def _hit(self, found: Found, matcher: Matcher, style: Style) -> Hit | None:
        environment = cast(Environment, found.model)
        if environment.uuid == self.request.anchor:
            return None
        name = self._name(environment)
        score = found.score
        if score is None:
            score = matcher.match(f"{name} {environment.slug or ''}")
            if score <= 0:
                return None
        return Hit(score, highlighted_text(matcher, name, style),
                   partial(self.request.on_pick, environment.uuid), text=name,
                   help=escape(self._help(environment, found.how)))

    def _sources(self, query: str) -> list[AsyncIterator[Found]]:
        if UUID_RE.fullmatch(query.lower()):
            return [self._by_uuid(query.lower())]
        return [self._known(query), self._by_application(query)]

    async def _known(self, query: str) -> AsyncIterator[Found]:
        del query  # scored by the caller, on the same text as the prompt
        for model in list(self.session.known_of_kind("environment").values())[:MAX_KNOWN * 5]:
            if isinstance(model, Environment):
                yield Found("environment", model, "seen")

    async def _by_application(self, query: str) -> AsyncIterator[Found]:
        """The environments of the applications the query names (the palette's jump finds
        them the same way), the best-named applications first."""
        apps: dict[str, Found] = {}
        async for found in merged(application_sources(self.session, query)):
            apps.setdefault(found.model.key, found)
        best = sorted(apps.values(), key=lambda found: -(found.score or 0.0))[:MAX_APPLICATIONS]
        lists = await asyncio.gather(*(self._environments_of(found.model.key) for found in best),
                                     return_exceptions=True)
        for found, envs in zip(best, lists, strict=True):
            if isinstance(envs, BaseException):
                if not isinstance(envs, ApiError):
                    raise envs
                log.info("environments of %s: %s", cast(Application, found.model).slug,
                         envs.message)
                continue
            exact = found.score is not None
            for env in envs:
                yield Found("environment", env, "by application", EXACT / 2 if exact else 1.0)

    async def _by_uuid(self, uuid: str) -> AsyncIterator[Found]:
        known = self.session.known("environment", uuid)
        if known is None:
            await asyncio.sleep(API_DEBOUNCE)
            try:
                known = await self.session.get("environment", uuid)
            except ApiError as error:
                log.info("environment %s: %s", uuid, error.message)
                return
        environment = cast(Environment, known)
        if environment.application and self.session.known(
                "application", environment.application) is None:
            with contextlib.suppress(ApiError):  # its application's name, for the prompt
                await self.session.get("application", environment.application)
        yield Found("environment", environment, "by UUID", EXACT)

    def _name(self, environment: Environment) -> str:
        return environment_name(self.session, environment)

    def _help(self, environment: Environment, note: str) -> str:
        parts = [environment.uuid]
        if environment.branch:
            parts.append(f"branch {environment.branch}")
        if note == "default":
            anchor = self.session.known("environment", self.request.anchor or "")
            slug = getattr(anchor, "slug", None) or ""
            other = "the other main environment" if slug in COUNTERPARTS else "the main one"
            parts.append(f"default: {other}")
        elif note:
            parts.append(note)
        return visible(SEP.join(parts))


class DeploymentChoices(Provider):
    """Deployments to compare with (see the module docstring); `request` is set per pick."""

    request: ClassVar[DeploymentPick]

    @property
    def session(self) -> Session:
        return self.request.session

    async def _listed(self) -> list[tuple[Deployment, str]]:
        try:
            deployments = await deployments_of(self.session, self.request.environment)
        except ApiError as error:
            log.info("deployments of %s: %s", self.request.environment, error.message)
            return []
        current = next((d for d in deployments if d.uuid == self.request.current), None)
        previous = await previous_deployment(self.session, current) if current else None
        good = next((d for d in _older(deployments, current) if d.success), None)
        out = []
        for deployment in deployments:
            notes = []
            if previous is not None and deployment.uuid == previous.uuid:
                notes.append("previous")
            if good is not None and deployment.uuid == good.uuid:
                notes.append("last good before it")
            if deployment.uuid == self.request.current:
                notes.append("compared now")
            out.append((deployment, ", ".join(notes)))
        return out

    async def discover(self) -> Hits:
        for deployment, note in await self._listed():
            yield DiscoveryHit(Text(self._name(deployment)),
                               partial(self.request.on_pick, deployment),
                               help=escape(self._help(deployment, note)))

    async def search(self, query: str) -> Hits:
        async for hit in search_hits(self, query, self._sources, self._hit):
            yield hit

    def _sources(self, query: str) -> list[AsyncIterator[Found]]:
        if UUID_RE.fullmatch(query.lower()):
            return [self._by_uuid(query.lower())]
        return [self._from_list()]

    async def _by_uuid(self, uuid: str) -> AsyncIterator[Found]:
        yield Found("deployment", await self.session.get("deployment", uuid), "by UUID", EXACT)

    async def _from_list(self) -> AsyncIterator[Found]:
        for deployment, note in await self._listed():
            yield Found("deployment", deployment, note)

    def _hit(self, found: Found, matcher: Matcher, style: Style) -> Hit | None:
        deployment = cast(Deployment, found.model)
        name = self._name(deployment)
        if found.score is not None:  # by UUID
            return Hit(found.score, Text(name), partial(self.request.on_pick, deployment),
                       text=name, help=escape(self._help(deployment, found.how)))
        score = matcher.match(f"{name} {found.how}")
        if score <= 0:
            return None
        return Hit(score, highlighted_text(matcher, name, style),
                   partial(self.request.on_pick, deployment), text=name,
                   help=escape(self._help(deployment, found.how)))

    @staticmethod
    def _name(deployment: Deployment) -> str:
        outcome = ("running" if deployment.success is None
                   else "success" if deployment.success else "failed")
        parts = [format_time(deployment.when), outcome]
        if deployment.author:
            parts.append(deployment.author)
        return shorten(visible(SEP.join(parts)), 120)

    @staticmethod
    def _help(deployment: Deployment, note: str) -> str:
        return visible(SEP.join(part for part in (deployment.uuid, note) if part))


def _older(deployments: list[Deployment], current: Deployment | None) -> Iterable[Deployment]:
    """The deployments older than `current` (all of them without one)."""
    if current is None:
        return deployments
    key = KINDS["deployment"].sort_key
    return [d for d in deployments if d.uuid != current.uuid and key(d) < key(current)]
