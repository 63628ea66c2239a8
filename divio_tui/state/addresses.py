"""Find an environment from what a person types: `APP/ENV` (slugs or uuids) or a uuid.

For the commands (`divio-tui diff tinyrobots-fleet/test tinyrobots-fleet/live`). The
application is looked up with ``applications/?slug=`` and checked client-side; when the
server is seen ignoring the filter (a page of other applications), every application is read
once for the session and matched in memory. The environment is picked from the application's
environments by slug. Failures say what was not found, in words (`AddressError`); API
failures are the API layer's `ApiError`s.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import cast

from divio_tui.api.errors import ApiError, NotFound
from divio_tui.api.models import Application, Environment
from divio_tui.api.resources import KINDS
from divio_tui.state.session import Session

__all__ = [
    "UUID_RE",
    "AddressError",
    "find_application",
    "find_environment",
    "name_matches",
    "search_applications",
]

UUID_RE = re.compile(r"[a-z2-7]{26}")
"""A Divio id: 26 lowercase base32 characters."""

SLUG_FILTER = "application?slug"
NAME_FILTER = "application?name_search"
"""Keys under which the session remembers that the server ignored these filters (the
palette's jump uses the same ones)."""


log = logging.getLogger(__name__)


class AddressError(ValueError):
    """What a person typed names nothing the token can see; the message says so."""


async def find_application(session: Session, text: str) -> Application:
    """The application whose slug (or uuid) is `text`."""
    if UUID_RE.fullmatch(text):
        try:
            return cast(Application, await session.get("application", text))
        except NotFound:
            pass  # a slug may look like a uuid: try it as one
    if not session.ignores_filter(SLUG_FILTER):
        page = await session.client.get_page(KINDS["application"], {"slug": text})
        session.remember("application", page.results)
        for model in page.results:
            if getattr(model, "slug", None) == text:
                return cast(Application, model)
        if all(getattr(model, "slug", None) == text for model in page.results):
            raise AddressError(f"No application with the slug {text!r}.")
        session.note_ignored_filter(SLUG_FILTER)
    for model in await session.collection("application"):
        if getattr(model, "slug", None) == text:
            return cast(Application, model)
    raise AddressError(f"No application with the slug {text!r}.")


async def find_environment(session: Session, address: str) -> Environment:
    """The environment `address` names: `APP/ENV` (each a slug or a uuid), or its uuid."""
    address = address.strip()
    if UUID_RE.fullmatch(address):
        try:
            return cast(Environment, await session.get("environment", address))
        except NotFound:
            raise AddressError(f"No environment with the UUID {address!r}.") from None
    app_text, slash, env_text = address.partition("/")
    if not slash or not app_text or not env_text or "/" in env_text:
        raise AddressError(f"{address!r} is not APP/ENV (e.g. my-app/live) or an "
                           "environment's UUID.")
    app = await find_application(session, app_text)
    environments = cast(list[Environment], await session.children(
        "environment", "application", app.uuid))
    for environment in environments:
        if env_text in {environment.slug, environment.uuid}:
            return environment
    slugs = ", ".join(sorted(env.slug or env.uuid for env in environments)) or "none"
    raise AddressError(f"The application {app_text!r} has no environment {env_text!r} "
                       f"(it has: {slugs}).")


def name_matches(app: Application, needle: str) -> bool:
    """Case-insensitive substring of the name or the slug (what `name_search` does)."""
    folded = needle.casefold()
    return folded in (app.name or "").casefold() or folded in (app.slug or "").casefold()


async def search_applications(session: Session, needle: str, limit: int = 50
                              ) -> list[Application]:
    """Applications whose name or slug contains `needle`, from ``applications/?name_search=``
    checked client-side (one page); when the server ignores the parameter, from every
    application, read once for the session. A failing search finds nothing (logged)."""
    models: Iterable[object] = ()
    if not session.ignores_filter(NAME_FILTER):
        try:
            page = await session.client.get_page(KINDS["application"], {"name_search": needle})
        except ApiError as error:
            log.info("name search %r: %s", needle, error.message)
            return []
        session.remember("application", page.results)
        if all(isinstance(model, Application) and name_matches(model, needle)
               for model in page.results):
            models = page.results
        else:
            session.note_ignored_filter(NAME_FILTER)
    if session.ignores_filter(NAME_FILTER):
        models = await session.collection("application")
    found = [model for model in models
             if isinstance(model, Application) and name_matches(model, needle)]
    return found[:limit]
