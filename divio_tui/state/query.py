"""Every item of one kind that matches some filters: what `divio-tui get` prints.

A filter is ``FIELD=VALUE``. It is sent to the server as a query parameter (a hint: the real
API silently ignores the ones it does not know, and then returns everything) and checked on
every item received, so the answer is the same whether the server honoured it or not:

- an item matches when its ``FIELD`` (a dotted path reaches into objects:
  ``last_finished_deployment.uuid``) equals ``VALUE`` as text: ``true`` / ``false`` for
  booleans, ``null`` or an empty value for null, any element of a list, the ``uuid`` of an
  object;
- several filters on one field match any of their values; filters on different fields must
  all match. A field given several values is sent to the server only where the API is known to
  take a list (environment variables by environment): elsewhere DRF keeps only the last value,
  which would hide the others' items;
- the API's filters that are not fields of the item are checked by what they mean:
  ``name_search`` on applications (in the name or slug, any case), ``application`` on what
  hangs under an environment (the application's environments, read once through the
  session) and ``website`` on services (the services the application's service instances use);
- an item without the field does not match (`fields_missing` says which filters no item had,
  for a warning: a misspelt field matches nothing rather than everything).

Pages come from the one pager (`ListCursor`): pages 2..N concurrently. With a `limit`, a batch
reads only the pages that could still be needed (doubling while few items match), and
stopping cancels what is in flight.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping, Sequence
from contextlib import aclosing
from dataclasses import dataclass, field
from typing import Any

from divio_tui.api.models import ApiModel, Application, InvalidRecord
from divio_tui.api.resources import KINDS
from divio_tui.state.resolve import name_matches
from divio_tui.state.session import Session

__all__ = ["RESERVED_PARAMS", "FieldFilter", "Selection", "parse_filter"]

RESERVED_PARAMS = frozenset({"page", "page_size", "format"})
"""Query parameters the pager sets (or DRF reads as a renderer): not filters."""

LIST_PARAMS: frozenset[tuple[str, str]] = frozenset({("environment_variable", "environment")})
"""(kind, parameter) pairs the API takes several values of (divio-api.md §8.13)."""


@dataclass(frozen=True, slots=True)
class FieldFilter:
    """``FIELD=VALUE``: see the module docstring."""

    field: str
    value: str

    def __str__(self) -> str:
        return f"{self.field}={self.value}"


def parse_filter(text: str) -> FieldFilter:
    """``FIELD=VALUE`` (the value may hold ``=``); raises `ValueError` saying what is wrong."""
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep or not name:
        raise ValueError(f"expected FIELD=VALUE, got {text!r}")
    if name in RESERVED_PARAMS:
        raise ValueError(f"{name} is not a filter: divio-tui pages through every result itself")
    if any(not part for part in name.split(".")):
        raise ValueError(f"not a field name: {name!r}")
    return FieldFilter(name, value)


def _lookup(raw: Mapping[str, Any], path: str) -> tuple[bool, Any]:
    """(found, value) of a dotted path in a JSON object."""
    value: Any = raw
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return False, None
        value = value[part]
    return True, value


def _texts(value: Any) -> set[str]:
    """Every text `value` matches as (see the module docstring)."""
    if value is None:
        return {"", "null"}
    if isinstance(value, bool):
        return {"true" if value else "false"}
    if isinstance(value, str):
        return {value}
    if isinstance(value, int | float):
        return {json.dumps(value)}
    if isinstance(value, list):
        return set().union(*(_texts(item) for item in value)) if value else set()
    if isinstance(value, Mapping):
        uuid = value.get("uuid")
        return {uuid} if isinstance(uuid, str) else {json.dumps(value, sort_keys=True)}
    return {str(value)}


Check = Callable[[ApiModel], bool]


@dataclass
class Selection:
    """One listing: `items()` yields what matches, in the API's order; the counters are there
    for a summary once it is done (records received, pages read, records that were not a
    readable `kind` and were skipped)."""

    session: Session
    kind: str
    filters: Sequence[FieldFilter] = ()
    limit: int | None = None
    scanned: int = 0
    pages: int = 0
    matched: int = 0
    count: int | None = None
    """What the first page said the (server-filtered) list holds."""
    invalid: list[InvalidRecord] = field(default_factory=list)
    ignored: set[str] = field(default_factory=set)
    """Parameters sent whose field some item contradicted: the server ignored them."""
    _groups: dict[str, list[str]] = field(default_factory=dict)
    _seen_fields: set[str] = field(default_factory=set)
    _checks: dict[str, Check] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind {self.kind!r}")
        for item in self.filters:
            self._groups.setdefault(item.field, []).append(item.value)

    @property
    def params(self) -> dict[str, str | list[str]]:
        """The query parameters sent to the server."""
        params: dict[str, str | list[str]] = {}
        for name, values in self._groups.items():
            if len(values) == 1:
                params[name] = values[0]
            elif (self.kind, name) in LIST_PARAMS:
                params[name] = list(values)
        return params

    @property
    def fields_missing(self) -> list[str]:
        """Filter fields no item received had (nor could be derived): they matched nothing."""
        return [name for name in self._groups if name not in self._seen_fields]

    async def items(self) -> AsyncGenerator[ApiModel, None]:
        """Every matching item, in the API's order, up to `limit`."""
        if self.limit is not None and self.limit <= 0:
            return
        cursor = self.session.client.cursor(KINDS[self.kind], self.params or None)
        while not cursor.exhausted:
            # With a limit, a batch asks for what is still missing, but at least as many
            # records as were read so far: when few items match (a filter the server
            # ignores), batches double and their pages are fetched concurrently, instead of
            # one page at a time.
            budget = (float("inf") if self.limit is None
                      else max(self.limit - self.matched, self.scanned))
            async with aclosing(cursor.next_batch(budget)) as pages:
                async for page in pages:
                    if self.count is None:
                        self.count = page.count
                    self.pages += 1
                    self.scanned += page.size
                    self.invalid.extend(page.invalid)
                    for model in page.results:
                        if not await self._matches(model):
                            continue
                        self.matched += 1
                        yield model
                        if self.limit is not None and self.matched >= self.limit:
                            return

    async def _matches(self, model: ApiModel) -> bool:
        raw = model.raw
        for name, values in self._groups.items():
            found, value = _lookup(raw, name)
            if found:
                self._seen_fields.add(name)
                if _texts(value).isdisjoint(values):
                    if name in self.params:
                        self.ignored.add(name)
                    return False
                continue
            check = await self._derived(name, values, raw)
            if check is None or not check(model):
                return False
            self._seen_fields.add(name)
        return True

    async def _derived(self, name: str, values: list[str], raw: Mapping[str, Any]) -> Check | None:
        """The check for an API filter that is not a field of the item, built once."""
        if name in self._checks:
            return self._checks[name]
        build = self._derivations().get(name)
        if build is None or (name == "application" and "environment" not in raw):
            return None
        check = await build(values)
        self._checks[name] = check
        return check

    def _derivations(self) -> dict[str, Callable[[list[str]], Awaitable[Check]]]:
        if self.kind == "application":
            return {"name_search": self._name_search}
        if self.kind == "service":
            return {"website": self._website}
        return {"application": self._in_applications}

    async def _name_search(self, values: list[str]) -> Check:
        return lambda model: isinstance(model, Application) and any(
            name_matches(model, value) for value in values)

    async def _environments_of(self, applications: list[str]) -> set[str]:
        found: set[str] = set()
        for app in applications:
            found.update(env.key for env in
                         await self.session.children("environment", "application", app))
        return found

    async def _in_applications(self, values: list[str]) -> Check:
        environments = await self._environments_of(values)
        return lambda model: getattr(model, "environment", None) in environments

    async def _website(self, values: list[str]) -> Check:
        environments = await self._environments_of(values)
        for env in environments:
            await self.session.read_service_instances(env)
        services = {getattr(instance, "service", None)
                    for instance in self.session.known_of_kind("service_instance").values()
                    if getattr(instance, "environment", None) in environments}
        return lambda model: model.key in services
