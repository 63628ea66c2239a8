"""Finding a resource from what a person types: an application's slug or name, `slug/env`, or
any UUID. Shared by the palette's jumps and pickers (`ui/palette/`), `divio-tui open` and
`divio-tui diff`.

Every lookup goes through the session, so what one finds the next one knows:

- a slug: ``applications/?slug=<slug>`` (one page), checked client-side; when the page holds
  applications with another slug the server ignored the filter, and the session reads every
  application once (pages concurrently) and matches in memory from then on;
- a name fragment: ``applications/?name_search=<fragment>``, checked client-side the same way;
- `slug/env` (or `slug env`, as typed in the palette): the application, then its
  environments (`Session.children`: the filtered list, or the whole collection once when the
  server ignores the filter), matched on their slug; `environments_at` is the palette's
  form of it (an environment slug being typed matches by its start, what the session knows
  comes first without a request, at most `MAX_ADDRESS_APPLICATIONS` applications looked up);
- a UUID (26 lowercase base32 characters): the kinds the session already holds it under
  first, then each kind's detail route in `UUID_PROBE_ORDER`, a few at a time, stopping at
  the first 200. A 404 on one kind is the normal answer, never an error.

`resolve_target` is the one entry point for a whole target; it raises `TargetNotFound` with
one plain sentence when nothing fits. `environment_by_address` is the narrower one of the
compare commands: only an environment, as `APP/ENV` (slugs or UUIDs) or its UUID. API
failures (a refused token, a 503) are raised as the `ApiError` they are.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from typing import Any, cast

from divio_tui.api.errors import ApiError, NotFound
from divio_tui.api.models import ApiModel, Application, Environment
from divio_tui.api.resources import KINDS
from divio_tui.state.session import Session

__all__ = [
    "NAME_FILTER",
    "SLUG_FILTER",
    "SLUG_RE",
    "UUID_PROBES_AT_ONCE",
    "UUID_PROBE_ORDER",
    "UUID_RE",
    "Target",
    "TargetNotFound",
    "application_by_slug",
    "applications_by_name",
    "environment_by_address",
    "environments_at",
    "fetch_parents",
    "known_by_uuid",
    "known_environments_at",
    "name_matches",
    "probe_uuid",
    "resolve_target",
    "split_address",
]

log = logging.getLogger(__name__)

UUID_RE = re.compile(r"[a-z2-7]{26}")
"""A Divio id: 26 lowercase base32 characters (uuid4 bytes)."""

SLUG_RE = re.compile(r"[a-z0-9][a-z0-9-]*")
"""What an application slug looks like (lowercase letters, digits, dashes)."""

UUID_PROBE_ORDER: tuple[str, ...] = (
    "organisation", "application", "environment", "backup", "service_instance_backup",
    "deployment", "service_instance", "repository", "region", "service", "domain", "build",
    "environment_variable",
)
"""Kinds a UUID is looked up as, in order: the few big containers first (cheap and the ids
people paste most), then what hangs under an environment."""

UUID_PROBES_AT_ONCE = 3
"""Detail requests in flight at once while looking a UUID up."""

NAME_FILTER = "application?name_search"
SLUG_FILTER = "application?slug"
"""Keys under which the session remembers that the server ignored these filters."""

MAX_NAMES_LISTED = 5
"""Applications named in a "several match" message."""

MAX_ADDRESS_APPLICATIONS = 3
"""Applications whose environments one `APP ENV` query lists (one request each at most)."""


@dataclass(frozen=True, slots=True)
class Target:
    """A resource a target resolved to, and how it was found ("by slug", "by UUID", …)."""

    kind: str
    model: ApiModel
    how: str

    @property
    def uuid(self) -> str:
        return self.model.key


class TargetNotFound(Exception):
    """Nothing fits the target; `message` says so in one plain sentence."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def name_matches(app: Application, needle: str) -> bool:
    """Case-insensitive substring of the name or the slug (what `name_search` does)."""
    folded = needle.casefold()
    return folded in (app.name or "").casefold() or folded in (app.slug or "").casefold()


# -- applications ---------------------------------------------------------------------------


async def application_by_slug(session: Session, slug: str) -> Application | None:
    """The application whose slug is exactly `slug`, or None (see the module docstring)."""
    if not session.ignores_filter(SLUG_FILTER):
        page = await session.client.get_page(KINDS["application"], {"slug": slug})
        session.remember("application", page.results)
        for model in page.results:
            if isinstance(model, Application) and model.slug == slug:
                return model
        if all(getattr(model, "slug", None) == slug for model in page.results):
            return None  # the filter was honoured: there is no such slug
        session.note_ignored_filter(SLUG_FILTER)
    for model in await session.collection("application"):
        if isinstance(model, Application) and model.slug == slug:
            return model
    return None


async def applications_by_name(session: Session, needle: str) -> AsyncIterator[Application]:
    """Applications whose name or slug contains `needle` (case-insensitive), in the API's
    order. A failing `name_search` request is logged and yields nothing, as the palette wants;
    reading the whole collection raises its `ApiError`."""
    models: Iterable[ApiModel] = ()
    if not session.ignores_filter(NAME_FILTER):
        try:
            page = await session.client.get_page(KINDS["application"], {"name_search": needle})
        except ApiError as error:
            log.info("name search %r: %s", needle, error.message)
        else:
            session.remember("application", page.results)
            if all(isinstance(model, Application) and name_matches(model, needle)
                   for model in page.results):
                models = page.results
            else:
                # Not what we asked for: the server ignored the parameter. From now on this
                # session matches names against every application, read once.
                session.note_ignored_filter(NAME_FILTER)
    if session.ignores_filter(NAME_FILTER):
        models = await session.collection("application")
    for model in models:
        if isinstance(model, Application) and name_matches(model, needle):
            yield model


# -- UUIDs ----------------------------------------------------------------------------------


def known_by_uuid(session: Session, uuid: str) -> tuple[str, ApiModel] | None:
    """The kind and model the session already holds `uuid` under (no request)."""
    for kind in KINDS:
        model = session.known(kind, uuid)
        if model is not None:
            return kind, model
    return None


async def probe_uuid(get: Callable[[str, str], Any], uuid: str,
                     kinds: Iterable[str] = UUID_PROBE_ORDER,
                     at_once: int = UUID_PROBES_AT_ONCE, *,
                     raise_failure: bool = False) -> tuple[str, ApiModel] | None:
    """Look `uuid` up as each kind in turn (`at_once` requests in flight, in order) and return
    the first kind that answers 200 with its model; None when every kind says 404 (or fails:
    one kind's server error must not hide another kind's answer). With `raise_failure`, a
    lookup that found nothing raises the first failure that was not a 404 (a refused token
    is not "no such resource")."""
    pending = list(kinds)
    running: dict[asyncio.Task[ApiModel], str] = {}
    failure: BaseException | None = None
    try:
        while pending or running:
            while pending and len(running) < at_once:
                kind = pending.pop(0)
                running[asyncio.ensure_future(get(kind, uuid))] = kind
            done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            # In probe order, so that of two answers in one wake-up the likelier kind wins.
            for task in sorted(done, key=lambda t: UUID_PROBE_ORDER.index(running[t])
                               if running[t] in UUID_PROBE_ORDER else 99):
                kind = running.pop(task)
                error = task.exception()
                if error is None:
                    return kind, task.result()
                if not isinstance(error, NotFound):
                    log.info("looking %s up as a %s: %s", uuid, kind, error)
                    failure = failure or error
        if raise_failure and failure is not None:
            raise failure
        return None
    finally:
        for task in running:
            task.cancel()


async def fetch_parents(session: Session, kind: str, model: ApiModel) -> None:
    """Read the parents of `model` into the session (a few cached requests, which revealing it
    needs anyway), so that labels can say whose backup it is. Failures end it quietly."""
    for _depth in range(8):
        info = KINDS[kind]
        uuid = getattr(model, info.parent_field, None) if info.parent_field else None
        if info.parent_kind is None or not isinstance(uuid, str):
            return
        try:
            model = await session.get(info.parent_kind, uuid)
        except ApiError:
            return
        kind = info.parent_kind


# -- APP ENV, APP/ENV ----------------------------------------------------------------------


def split_address(text: str) -> tuple[str, str] | None:
    """`acme-shop/live` or `acme-shop live` (`ACME Shop live`: the last word is the
    environment) as (application, environment); None when `text` is one word. The
    environment part may be empty (`acme-shop/`: every environment of it)."""
    text = text.strip()
    if "/" in text:
        app_text, _, env_text = text.partition("/")
        return (app_text.strip(), env_text.strip().strip("/")) if app_text.strip() else None
    parts = text.rsplit(None, 1)
    return (parts[0], parts[1]) if len(parts) == 2 else None


def _application_fits(app: Application, text: str) -> int:
    """2: `text` is the application's slug or name; 1: its name or slug holds it; 0: no."""
    folded = text.casefold()
    if folded in {(app.slug or "").casefold(), (app.name or "").casefold()}:
        return 2
    return 1 if name_matches(app, text) else 0


def _environments_fitting(environments: Iterable[ApiModel], env_text: str) -> list[Environment]:
    """The environments whose slug is `env_text`, then those whose slug starts with it."""
    folded = env_text.casefold()
    fitting = [env for env in environments if isinstance(env, Environment)
               and (env.slug or "").casefold().startswith(folded)]
    return sorted(fitting, key=lambda env: (env.slug or "").casefold() != folded)


def known_environments_at(session: Session, app_text: str,
                          env_text: str) -> list[Environment]:
    """What `environments_at` would find among what the session already holds (no
    request): the applications it knows that fit `app_text` (exact slug or name first), and
    their known environments whose slug is or starts with `env_text`."""
    apps = [app for app in session.known_of_kind("application").values()
            if isinstance(app, Application) and _application_fits(app, app_text)]
    apps.sort(key=lambda app: -_application_fits(app, app_text))
    by_app: dict[str, list[ApiModel]] = {}
    for env in session.known_of_kind("environment").values():
        if isinstance(env, Environment) and env.application:
            by_app.setdefault(env.application, []).append(env)
    out: list[Environment] = []
    for app in apps[:MAX_ADDRESS_APPLICATIONS]:
        out += _environments_fitting(by_app.get(app.uuid, []), env_text)
    return out


async def environments_at(session: Session, app_text: str,
                          env_text: str) -> AsyncIterator[Environment]:
    """The environments `app_text env_text` names, looked up through the API whether the
    tree loaded them or not: the application (its slug: one ``?slug=`` request; else the
    applications whose name or slug holds `app_text`, exact ones first, at most
    `MAX_ADDRESS_APPLICATIONS`), then each one's environments (one cached list each), whose
    slug is `env_text` or starts with it."""
    apps: list[Application] = []
    if SLUG_RE.fullmatch(app_text):
        app = await application_by_slug(session, app_text)
        if app is not None:
            apps.append(app)
    if not apps:
        async for app in applications_by_name(session, app_text):
            apps.append(app)
            if len(apps) >= 50:
                break
        apps.sort(key=lambda app: -_application_fits(app, app_text))
    for app in apps[:MAX_ADDRESS_APPLICATIONS]:
        for env in _environments_fitting(await _environments_of(session, app), env_text):
            yield env


# -- a whole target -------------------------------------------------------------------------


async def resolve_target(session: Session, text: str) -> Target:
    """What `text` names: an application slug (or its exact name, or a fragment only one
    application's name holds), ``slug/env`` (or ``<app uuid>/env``, or ``slug env`` when no
    application has that whole name), or any UUID. Raises
    `TargetNotFound` when nothing fits, and the `ApiError` of a failed request."""
    target = text.strip()
    if not target:
        raise TargetNotFound("Nothing to open: give an application slug, slug/env or a UUID.")
    if "/" in target:
        app_part, _, env_slug = target.partition("/")
        app = await _application(session, app_part.strip())
        return await _environment(session, app, env_slug.strip().strip("/"))
    if UUID_RE.fullmatch(target.lower()):
        return await _by_uuid(session, target.lower())
    try:
        return Target("application", await _application(session, target), "by slug")
    except TargetNotFound:
        address = split_address(target)
        if address is None:
            raise
        # `acme-shop live`, as the palette takes it: the application, then its environment.
        try:
            app = await _application(session, address[0])
        except TargetNotFound:
            raise TargetNotFound(f"No application has the slug or name {target!r} (nor "
                                 f"{address[0]!r}, for an environment {address[1]!r}).") from None
        return await _environment(session, app, address[1])


async def _application(session: Session, text: str) -> Application:
    if UUID_RE.fullmatch(text.lower()):
        try:
            model = await session.get("application", text.lower())
        except NotFound:
            raise TargetNotFound(f"No application {text.lower()}: not found, or this token "
                                 "has no access to it.") from None
        assert isinstance(model, Application)
        return model
    if SLUG_RE.fullmatch(text):
        app = await application_by_slug(session, text)
        if app is not None:
            return app
    if not text:
        raise TargetNotFound("Nothing before the /: give an application slug or UUID.")
    matches = [app async for app in applications_by_name(session, text)]
    exact = [app for app in matches if text.casefold() in
             {(app.name or "").casefold(), (app.slug or "").casefold()}]
    if len(exact) == 1:
        return exact[0]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise TargetNotFound(f"No application has the slug or name {text!r}.")
    names = ", ".join(app.slug or app.uuid for app in matches[:MAX_NAMES_LISTED])
    more = f" and {len(matches) - MAX_NAMES_LISTED} more" if len(matches) > MAX_NAMES_LISTED else ""
    raise TargetNotFound(f"{len(matches)} applications match {text!r} ({names}{more}): "
                         "give the slug.")


async def _environment(session: Session, app: Application, slug: str) -> Target:
    label = app.slug or app.uuid
    if not slug:
        return Target("application", app, "by slug")
    environments = await _environments_of(session, app)
    for env in environments:
        if env.slug == slug:
            return Target("environment", env, "by slug")
    have = ", ".join(env.slug or env.key for env in environments)
    raise TargetNotFound(f"The application {label} has no environment {slug!r}"
                         + (f" (it has {have})." if have else " (it has none)."))


async def _environments_of(session: Session, app: Application) -> list[Environment]:
    """The application's environments (`Session.children`: cached, filter checked)."""
    return [env for env in await session.children("environment", "application", app.uuid)
            if isinstance(env, Environment)]


async def _by_uuid(session: Session, uuid: str) -> Target:
    known = known_by_uuid(session, uuid)
    if known is not None:
        return Target(known[0], known[1], "by UUID")
    found = await probe_uuid(session.get, uuid, raise_failure=True)
    if found is None:
        raise TargetNotFound(f"Nothing has the UUID {uuid}: it is no kind of resource this "
                             "token can see.")
    return Target(found[0], found[1], "by UUID")


# -- an environment, for the compare commands -----------------------------------------------


async def environment_by_address(session: Session, address: str) -> Environment:
    """The environment `address` names: `APP/ENV` (the application's slug or UUID, the
    environment's slug or UUID) or the environment's UUID. Names are not searched: a script
    gets what it wrote or a `TargetNotFound` saying what was not found."""
    address = address.strip()
    if UUID_RE.fullmatch(address):
        try:
            return cast(Environment, await session.get("environment", address))
        except NotFound:
            raise TargetNotFound(f"No environment with the UUID {address!r}.") from None
    app_text, slash, env_text = address.partition("/")
    if not slash or not app_text or not env_text or "/" in env_text:
        raise TargetNotFound(f"{address!r} is not APP/ENV (e.g. my-app/live) or an "
                             "environment's UUID.")
    app = await _application_by_slug_or_uuid(session, app_text)
    environments = await _environments_of(session, app)
    for environment in environments:
        if env_text in {environment.slug, environment.uuid}:
            return environment
    slugs = ", ".join(sorted(env.slug or env.uuid for env in environments)) or "none"
    raise TargetNotFound(f"The application {app_text!r} has no environment {env_text!r} "
                         f"(it has: {slugs}).")


async def _application_by_slug_or_uuid(session: Session, text: str) -> Application:
    if UUID_RE.fullmatch(text):
        try:
            return cast(Application, await session.get("application", text))
        except NotFound:
            pass  # a slug may look like a uuid: try it as one
    app = await application_by_slug(session, text)
    if app is None:
        raise TargetNotFound(f"No application with the slug {text!r}.")
    return app
