"""Palette jumps (`ctrl+p` or `:`): to a loaded resource, an application by slug or name, or
any resource by UUID — even ones the tree has never loaded.

`JumpCommands` is a palette provider. For one query it runs several sources at once and
yields each hit as soon as its source finds it, so a slow request never holds back what is
already known:

- the resources loaded in the tree (no request). Backups, service-instance backups,
  deployments and builds, which are many and named by when they ran, only for a query that
  looks like a UUID fragment their UUID holds, or a date (`2026-11`, `2026-11-25 02`) their
  line shows: a word never lists dozens of them;
- `APP ENV` or `APP/ENV` (`acme-shop live`, `ACME Shop/live`): that environment, resolved by
  `state.resolve` (`known_environments_at`: what the session holds, no request; only when it
  holds nothing that fits, `environments_at`: the application's slug or name, then its
  environments, a few requests at most);
- applications the session knows whose name or slug contains the query (no request);
- a slug-looking query: ``applications/?slug=<query>``, checked client-side (exact slug);
- a name fragment: ``applications/?name_search=<query>``, checked client-side. The real API
  may ignore that parameter (DRF drops unknown ones): when a page holds applications that do
  not match, the session reads every application once (pages concurrently) and matches in
  memory from then on;
- a UUID (26 lowercase base32 characters): kinds the session already holds it under first,
  then each kind's detail route in `UUID_PROBE_ORDER`, a few at a time, stopping at the first
  200. A 404 on one kind is the normal answer, never an error.

Hits are ranked in tiers (`rank`): a name or slug that is the query (`EXACT`), then one that
starts with it (`PREFIX`), then the fuzzy matcher's score on the line shown (below `PREFIX`).

Choosing a hit calls the host screen's `jump_to(kind, uuid)`, which reveals it in the tree
(loading its ancestors) and remembers where the cursor was for `backspace`.

Textual cancels a search as soon as the query changes: every source stops where it is (its
requests are dropped with its task), and API sources wait `API_DEBOUNCE` seconds first so that
typing does not send a request per key.

The lookups themselves are Textual-free and shared with `divio-tui open`: they live in
`divio_tui.state.resolve`. What the compare pickers (`pickers.py`) share with the jumps lives
here: `Found`, `merged`, `search_hits` (one search: sources merged, each resource once, a hit
per find) and `application_sources` (the API's answers on which applications a query names).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from functools import partial

from rich.style import Style
from textual.command import Hit, Hits, Provider
from textual.fuzzy import Matcher
from textual.markup import escape

from divio_tui.api.errors import ApiError
from divio_tui.api.models import ApiModel, Application
from divio_tui.api.resources import KINDS
from divio_tui.state.resolve import (
    SLUG_RE,
    UUID_RE,
    application_by_slug,
    applications_by_name,
    environments_at,
    fetch_parents,
    known_by_uuid,
    known_environments_at,
    name_matches,
    probe_uuid,
    split_address,
)
from divio_tui.state.session import Session
from divio_tui.ui.palette.commands import (
    EXACT,
    PREFIX,
    highlighted_text,
    host_of,
    match_style,
    rank,
)
from divio_tui.ui.text.labels import plain_label
from divio_tui.untrusted import visible

__all__ = ["API_DEBOUNCE", "EXACT", "PREFIX", "Found", "JumpCommands", "application_sources",
           "looks_like_date", "looks_like_uuid_fragment", "merged", "rank", "search_hits"]

log = logging.getLogger(__name__)

API_DEBOUNCE = 0.15
"""Seconds a query must stay unchanged before the API is asked about it."""

MAX_RESOURCE_HITS = 5000
"""Loaded resources offered to the fuzzy matcher per search (the rest are not scanned)."""

MAX_NAME_HITS = 50
"""Applications offered per name search."""

TIME_NAMED = frozenset({"backup", "service_instance_backup", "deployment", "build"})
"""Kinds there are many of, named by when they ran: offered from the tree only for a query
that looks like a UUID fragment or a date."""

UUID_FRAGMENT_RE = re.compile(r"[a-z2-7]{6,26}")
"""Six base32 characters or more: a piece of a UUID (a word that is one is not in any)."""

DATE_RE = re.compile(r"\d{4}-\d[\d:T -]*Z?")
"""`2026-11`, `2026-11-25`, `2026-11-25 02:58`, `2026-11-25T02`: a date being typed."""


def looks_like_uuid_fragment(query: str) -> bool:
    return bool(UUID_FRAGMENT_RE.fullmatch(query.lower()))


def looks_like_date(query: str) -> bool:
    return bool(DATE_RE.fullmatch(query.strip()))


def names_of(model: ApiModel) -> list[str]:
    """What a resource is called (its slug, name, domain): what an exact hit is."""
    return [value for field in ("slug", "name", "domain")
            if isinstance(value := getattr(model, field, None), str) and value]


@dataclass(frozen=True)
class Found:
    """A resource one source found: how it matched and how well."""

    kind: str
    model: ApiModel
    how: str
    """"loaded", "by slug", "by name", "by UUID" (a picker's own sources: a note for the hit,
    such as "previous")."""
    score: float | None = None
    """None: score the prompt with the fuzzy matcher."""


class JumpCommands(Provider):
    """Resources to jump to, streamed from the tree, the session and the API."""

    async def discover(self) -> Hits:
        return
        yield  # an async generator that yields nothing: commands are ExplorerCommands'

    async def search(self, query: str) -> Hits:
        async for hit in search_hits(self, query, self._sources, self._hit):
            yield hit

    def _sources(self, query: str) -> list[AsyncIterator[Found]]:
        sources = [self._loaded(query)]
        uuid = query.lower()
        if UUID_RE.fullmatch(uuid):
            sources.append(self._by_uuid(uuid))
            return sources
        session = host_of(self).session
        sources.append(self._known_applications(query))
        address = split_address(query)
        if address is not None:
            sources.append(self._at_address(*address))
        if "/" in query:
            return sources  # no application's name or slug holds a slash
        return sources + application_sources(session, query)

    # -- hits ---------------------------------------------------------------------------

    def _path(self, kind: str, model: ApiModel) -> list[str]:
        """Labels from the top down to `model`, from what the session knows (no request)."""
        chain = [plain_label(kind, model)]
        session = host_of(self).session
        current_kind, current = kind, model
        for _depth in range(8):
            info = KINDS.get(current_kind)
            if info is None or info.parent_kind is None or info.parent_field is None:
                break
            parent_uuid = getattr(current, info.parent_field, None)
            parent = (session.known(info.parent_kind, parent_uuid)
                      if isinstance(parent_uuid, str) else None)
            if parent is None:
                break
            chain.append(plain_label(info.parent_kind, parent))
            current_kind, current = info.parent_kind, parent
        return chain[::-1]

    def _hit(self, found: Found, matcher: Matcher, style: Style) -> Hit | None:
        kind = KINDS[found.kind]
        name = f"Go to {kind.singular}: {' › '.join(self._path(found.kind, found.model))}"
        score = found.score
        if score is None:
            score = _score(found, matcher.query, name, matcher.match(name))
            if score is None:
                return None
        prompt = highlighted_text(matcher, name, style)
        uuid = found.model.key
        help_text = escape(visible(f"{uuid} · {found.how}" if found.how != "loaded" else uuid))
        return Hit(score, prompt, partial(host_of(self).jump_to, found.kind, uuid),
                   text=name, help=help_text)

    # -- sources ------------------------------------------------------------------------

    async def _loaded(self, query: str) -> AsyncIterator[Found]:
        """Resources already in the tree (scored by the fuzzy matcher on their path)."""
        del query  # matched in _hit, on the same text as the prompt
        for count, data in enumerate(host_of(self).loaded_resources()):
            if count >= MAX_RESOURCE_HITS:
                break
            yield Found(data.kind, data.model, "loaded")
            if count % 500 == 499:
                await asyncio.sleep(0)

    async def _known_applications(self, query: str) -> AsyncIterator[Found]:
        known = list(host_of(self).session.known_of_kind("application").values())
        for model in known[:5000]:
            if isinstance(model, Application) and name_matches(model, query):
                yield Found("application", model, "by name", _name_score(model, query))

    async def _at_address(self, app_text: str, env_text: str) -> AsyncIterator[Found]:
        """`APP ENV`: what the session holds first (no request); the API only when that is
        nothing (`state.resolve.environments_at`: a few requests at most)."""
        session = host_of(self).session
        known = known_environments_at(session, app_text, env_text)
        for env in known:
            yield Found("environment", env, "by app/env", _address_score(env, env_text))
        if known:
            return
        await asyncio.sleep(API_DEBOUNCE)
        async for env in environments_at(session, app_text, env_text):
            yield Found("environment", env, "by app/env", _address_score(env, env_text))

    async def _by_uuid(self, uuid: str) -> AsyncIterator[Found]:
        session = host_of(self).session
        known = known_by_uuid(session, uuid)
        if known is not None:
            yield Found(known[0], known[1], "by UUID", EXACT)
            return
        await asyncio.sleep(API_DEBOUNCE)
        found = await probe_uuid(session.get, uuid)
        if found is not None:
            # Its parents too, so that the hit says whose backup it is, not only when it ran.
            await fetch_parents(session, *found)
            yield Found(found[0], found[1], "by UUID", EXACT)


def application_sources(session: Session, query: str) -> list[AsyncIterator[Found]]:
    """The API's answers on which applications `query` names, each source waiting
    `API_DEBOUNCE` first: the application whose slug it is (a slug-looking query; scored
    `EXACT`), and those whose name or slug holds it (two characters or more; an exact name
    scored `EXACT / 2`, the rest left to the fuzzy matcher)."""
    sources = []
    if SLUG_RE.fullmatch(query):
        sources.append(_by_slug(session, query))
    if len(query) >= 2:
        sources.append(_by_name(session, query))
    return sources


async def _by_slug(session: Session, slug: str) -> AsyncIterator[Found]:
    await asyncio.sleep(API_DEBOUNCE)
    model = await application_by_slug(session, slug)
    if model is not None:
        yield Found("application", model, "by slug", EXACT)


async def _by_name(session: Session, needle: str) -> AsyncIterator[Found]:
    await asyncio.sleep(API_DEBOUNCE)
    count = 0
    async for model in applications_by_name(session, needle):
        yield Found("application", model, "by name", _name_score(model, needle))
        count += 1
        if count >= MAX_NAME_HITS:
            return


def _name_score(model: Application, needle: str) -> float | None:
    """An exact name or slug `EXACT`, one that starts with `needle` `PREFIX`; otherwise None
    (the fuzzy matcher scores the prompt)."""
    score = rank(needle, names_of(model), 0.0)
    return score if score >= PREFIX else None


def _address_score(env: ApiModel, env_text: str) -> float:
    """An `APP ENV` hit: above every other hit when the slug is the one typed."""
    slug = (getattr(env, "slug", None) or "").casefold()
    return EXACT + 1 if slug == env_text.casefold() else PREFIX + 1


def _score(found: Found, query: str, line: str, fuzzy: float) -> float | None:
    """The rank of a hit its source did not score (None: not a hit). A resource the tree
    holds and a time-named one (see `TIME_NAMED`) only for a UUID fragment or a date."""
    model = found.model
    if found.how == "loaded" and looks_like_uuid_fragment(query) and query.lower() in model.key:
        return PREFIX + (0.5 if model.key.startswith(query.lower()) else 0.0)
    if found.kind in TIME_NAMED and found.how == "loaded":
        if not looks_like_date(query):
            return None
        date = query.strip()
        shown = date in line or any(isinstance(value, str) and value.startswith(date)
                                    for value in model.raw.values())
        return min(fuzzy, PREFIX - 1) or 1.0 if shown else None
    score = rank(query, names_of(model), fuzzy)
    if found.how == "loaded" and score < PREFIX:
        # Below the name tiers, every word typed must be on the line: `acme` is not "Legacy
        # CMS" because a, c, m and e appear in that order in "Go to application: …".
        folded = line.casefold()
        if not all(word in folded for word in query.casefold().split()):
            return None
    if score > 0:
        return score
    # Found by the API on a field the line does not show (the slug): still a hit; a loaded
    # resource the fuzzy matcher does not match is not.
    return None if found.how == "loaded" else 1.0


async def search_hits(provider: Provider, query: str,
                      sources: Callable[[str], list[AsyncIterator[Found]]],
                      hit: Callable[[Found, Matcher, Style], Hit | None]) -> Hits:
    """One palette search: what `sources(query)` find, merged as it comes, made a hit each by
    `hit` (None: not a hit; the same resource may come back from another source, matched on
    a field the prompt does not show) and yielded once per resource."""
    query = query.strip()
    if not query:
        return
    matcher = provider.matcher(query)
    style = match_style(provider)
    seen: set[tuple[str, str]] = set()
    async for found in merged(sources(query)):
        key = (found.kind, found.model.key)
        if key in seen:
            continue
        made = hit(found, matcher, style)
        if made is not None:
            seen.add(key)
            yield made


async def merged(sources: list[AsyncIterator[Found]]) -> AsyncIterator[Found]:
    """Items of every source as soon as any source has one. A source that fails is logged
    and ends; cancelling the consumer cancels every source."""
    queue: asyncio.Queue[Found | None] = asyncio.Queue()

    async def pump(source: AsyncIterator[Found]) -> None:
        try:
            async for item in source:
                queue.put_nowait(item)
        except ApiError as error:
            log.info("palette search: %s", error.message)
        except Exception:
            log.exception("palette search failed")
        finally:
            queue.put_nowait(None)

    tasks = [asyncio.create_task(pump(source)) for source in sources]
    running = len(tasks)
    try:
        while running:
            item = await queue.get()
            if item is None:
                running -= 1
            else:
                yield item
    finally:
        for task in tasks:
            task.cancel()
