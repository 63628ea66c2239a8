"""The model base: unknown fields kept, original JSON at hand, timestamps in UTC.

Every model in models.py derives from `ApiModel`. The real API has more fields than any source
shows (divio-api.md §9), so nothing unknown is ever rejected or dropped, and `raw` returns the
exact JSON object a model was parsed from, for the detail pane.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    ModelWrapValidatorHandler,
    PrivateAttr,
    model_validator,
)

__all__ = ["ApiModel", "OptionalTime", "UtcDatetime"]


def _as_utc(value: datetime) -> datetime:
    # DRF renders UTC with a `Z`; a naive value can only be UTC on this API, an offset is kept
    # as the same instant in UTC so that sorting and labels never mix zones.
    try:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:00-05:00 is past the last datetime in UTC
        raise ValueError("timestamp out of range") from None


def _blank_to_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


UtcDatetime = Annotated[datetime, AfterValidator(_as_utc)]
"""An ISO-8601 timestamp parsed to an aware UTC datetime."""

OptionalTime = Annotated[UtcDatetime | None, BeforeValidator(_blank_to_none)]
"""A timestamp that may be null or absent (null commonly means 'not yet')."""


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
