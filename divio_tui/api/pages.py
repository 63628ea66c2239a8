"""DRF pages and record parsing: one bad record never sinks a whole list.

`parse_page` turns a page body into `Page[M]`; records that do not validate become
`InvalidRecord`s in `Page.invalid` (shown as warning nodes); only a body that is not a page at
all raises `BadResponse`. `parse_model` validates a single object (detail views).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import httpx
from pydantic import ValidationError

from .base import ApiModel
from .errors import BadResponse, clean_text, describe_request

__all__ = ["InvalidRecord", "Page", "parse_model", "parse_page"]

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
    results, invalid = _records(model, items, url=url, method=method)
    page_param = (url if isinstance(url, httpx.URL) else httpx.URL(url)).params.get("page")
    return Page(
        count=count,
        next=links["next"],
        previous=links["previous"],
        results=results,
        invalid=invalid,
        url=str(url),
        number=int(page_param) if page_param and page_param.isdigit() else 1,
    )


def _records(model: type[M], items: list[Any], *, url: httpx.URL | str,
             method: str) -> tuple[list[M], list[InvalidRecord]]:
    """The page's valid records as models and the others as `InvalidRecord`s, in order.

    The whole page is checked in one call; only when it holds a bad record is each record
    of it parsed alone, to say what is wrong with each (`parse_model`'s message).
    """
    try:
        model.check_records(items)
    except ValidationError as exc:
        bad = {error["loc"][0] for error in exc.errors(include_url=False, include_input=False)}
    else:
        return model.view_records(items), []
    good: list[Any] = []
    invalid: list[InvalidRecord] = []
    for index, item in enumerate(items):
        if index not in bad:
            good.append(item)
            continue
        try:
            good.append(parse_model(model, item, url=url, method=method).raw)
        except BadResponse as error:
            invalid.append(InvalidRecord(raw=item, error=error))
    return model.view_records(good), invalid
