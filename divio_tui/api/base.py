"""The model base: a typed, read-only view over the JSON object the server sent.

Every model in models.py derives from `ApiModel`. A model keeps exactly one thing, the JSON
object it was parsed from (`raw`, which the detail pane shows), and its declared fields are
typed attributes read from that object. The real API has more fields than any source shows
(divio-api.md §9): nothing unknown is rejected or dropped, unknown fields are simply the rest of
`raw` (`model_extra`).

Why a view and not a pydantic `BaseModel`: a `BaseModel` stores a copy of every field in its
own `__dict__`, a set of the fields that were set, and dicts for extras and private attributes;
with the raw JSON kept beside it for the detail pane, a parsed backup held 2.6 times the memory
of the plain dict, and building those instances (a Python wrap validator per record, private
attributes, copied defaults) was most of the time spent listing. The view holds one reference.

Validation is still pydantic's, and still eager: a record is checked when it is parsed (a
whole page in one call: `check_records`), so a bad record is caught before anyone reads it and
becomes an `InvalidRecord` (pages.py). The check uses a `TypedDict` of the declared fields with
the same annotations (validators, constraints, nested models); its schema is built on first
use, not at import. A field is converted when it is read: JSON strings, numbers, booleans and
null that already have the declared type are returned as they are (no copy); canonical UTC
timestamps go through `datetime.fromisoformat`; anything else through the field's own pydantic
validator, the one the check used, so a read never disagrees with the check. Nothing is cached
per instance: the list view reads few fields of many records, and a cache would cost every
record its memory whether it is read or not.

Models are built from data (`Model.model_validate(json_object)`, pages) or in code
(`Backup(uuid=..., created_at=datetime(...))`, whose `raw` is then the JSON form of the
arguments). They are immutable, compare equal when their type and JSON are equal, and are not
hashable (as `BaseModel`).
"""

from __future__ import annotations

import inspect
import re
import types
from collections.abc import Callable
from datetime import UTC, datetime
from typing import (
    Annotated,
    Any,
    ClassVar,
    NotRequired,
    Required,
    Self,
    Union,
    dataclass_transform,
    get_args,
    get_origin,
    get_type_hints,
)

from annotated_types import BaseMetadata
from pydantic import AfterValidator, BeforeValidator, Field, TypeAdapter
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined, core_schema, to_jsonable_python

# pydantic reads a TypedDict's fields from typing_extensions' on Python < 3.12.
from typing_extensions import TypedDict

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

_CANONICAL_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?Z", re.ASCII)
"""DRF's own rendering of a UTC time. pydantic and `datetime.fromisoformat` read these
identically (tests/api/test_model_base.py compares them), and the latter is 8 times faster."""

_MISSING: Any = object()


def _read_time(value: object, slow: Callable[[object], Any]) -> Any:
    if isinstance(value, str) and _CANONICAL_UTC.fullmatch(value):
        return datetime.fromisoformat(value)
    return slow(value)


def _plain_types(annotation: Any) -> frozenset[type]:
    """The JSON types a value of this field may have to be returned as it is, unconverted.

    Only str, int, bool and null, and only where no validator could change them: a value of
    one of these exact types that passed the check is then what pydantic would return.
    """
    plain = {str, int, bool, type(None)}
    if get_origin(annotation) is Annotated:
        base, *metadata = get_args(annotation)
        # Constraints (Field(min_length=1)) only accept or refuse; validators may convert.
        if any(not isinstance(item, BaseMetadata | FieldInfo) for item in metadata):
            return frozenset()
        annotation = base
    if get_origin(annotation) in (Union, types.UnionType):
        return frozenset(arg for arg in get_args(annotation) if arg in plain)
    return frozenset({annotation}) if annotation in plain else frozenset()


class _Field:
    """One declared field of a model: reads `raw[name]`, converted to the declared type.

    Its annotation is only evaluated when the field is first used (read, checked, listed in
    `model_fields`): importing the models builds nothing but the classes.
    """

    __slots__ = ("_adapter", "_declared", "annotation", "copy_default", "default", "info",
                 "name", "owner", "plain", "time")

    def __init__(self, owner: type[ApiModel], name: str, declared: object) -> None:
        self.owner = owner
        self.name = name
        self._declared = declared
        """What the class body assigned: a default, a `Field(...)`, or nothing."""
        self.plain: frozenset[type] = frozenset()  # nothing is plain until resolved
        self._adapter: TypeAdapter[Any] | None = None
        self.annotation: Any = None

    def resolve(self) -> Self:
        """Evaluate the annotation (once): the field's type, default and fast paths."""
        if self.annotation is not None:
            return self
        annotation = self.owner._hints()[self.name]
        declared = self._declared
        info = FieldInfo.from_annotated_attribute(annotation, declared)
        constraints = declared.metadata if isinstance(declared, FieldInfo) else []
        self.info = info
        self.default: Any = None if info.default is PydanticUndefined else info.default
        self.copy_default = isinstance(self.default, list | dict)
        self.time = annotation is OptionalTime or annotation is UtcDatetime
        # What a valid value is: the declared type plus any `Field(...)` constraints.
        self.annotation = Annotated[annotation, *constraints] if constraints else annotation
        self.plain = _plain_types(self.annotation)
        return self

    def __get__(self, obj: ApiModel | None, owner: type | None = None) -> Any:
        if obj is None:
            return self
        value = obj._raw.get(self.name, _MISSING)
        if type(value) in self.plain:
            return value
        return self._read(value)

    def _read(self, value: object) -> Any:
        self.resolve()
        if type(value) in self.plain:
            return value
        if value is _MISSING:
            return self.default.copy() if self.copy_default else self.default
        if self.time:
            return _read_time(value, self.convert)
        return self.convert(value)

    def __set__(self, obj: ApiModel, value: object) -> None:
        raise AttributeError(f"{type(obj).__name__}.{self.name} is read-only")

    def convert(self, value: object) -> Any:
        """The value as the field's pydantic validator returns it (the slow path)."""
        if self._adapter is None:
            self._adapter = TypeAdapter(self.resolve().annotation)
        return self._adapter.validate_python(value)

    @property
    def required(self) -> bool:
        return self.resolve().info.is_required()


@dataclass_transform(kw_only_default=True, field_specifiers=(Field,))
class _ModelMeta(type):
    """Gives every model class `__slots__ = ()` (no per-instance `__dict__`) unless it
    declares its own; to mypy, model classes are dataclass-like (`Backup(uuid=...)`)."""

    def __new__(mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any],
                **kwargs: Any) -> _ModelMeta:
        namespace.setdefault("__slots__", ())
        return super().__new__(mcs, name, bases, namespace, **kwargs)

    @property
    def model_fields(cls) -> dict[str, FieldInfo]:
        """Every declared field (inherited ones too), by name, as pydantic describes it."""
        fields: dict[str, _Field] = getattr(cls, "_fields", {})
        return {name: field.resolve().info for name, field in fields.items()}


class ApiModel(metaclass=_ModelMeta):
    """Base of every model: a typed view over `raw`, the JSON object it came from."""

    __slots__ = ("_raw",)

    _fields: ClassVar[dict[str, _Field]] = {}
    _check_one: ClassVar[TypeAdapter[Any] | None] = None
    _check_many: ClassVar[TypeAdapter[list[Any]] | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields = dict(cls._fields)
        for name, annotation in inspect.get_annotations(cls).items():
            if _is_class_var(annotation):
                continue
            fields[name] = _Field(cls, name, cls.__dict__.get(name, PydanticUndefined))
            setattr(cls, name, fields[name])
        cls._fields = fields
        cls._check_one = cls._check_many = None

    @classmethod
    def _hints(cls) -> dict[str, Any]:
        """The class's evaluated annotations, inherited ones included (computed once)."""
        hints: dict[str, Any] | None = cls.__dict__.get("_hints_cache")
        if hints is None:
            hints = get_type_hints(cls, include_extras=True)
            type.__setattr__(cls, "_hints_cache", hints)
        return hints

    # -- building ---------------------------------------------------------------------

    def __init__(self, **data: Any) -> None:
        """A model built in code: the declared fields are validated, `raw` is their JSON."""
        fields = type(self)._fields
        declared = {name: value for name, value in data.items() if name in fields}
        checked = type(self)._record_adapter().validate_python(declared)
        extra = {name: value for name, value in data.items() if name not in fields}
        self._raw: dict[str, Any] = _jsonable({**checked, **extra})

    @classmethod
    def model_validate(cls, data: Any) -> Self:
        """Check one JSON object (raises pydantic's `ValidationError`) and view it."""
        cls._record_adapter().validate_python(data)
        return cls._view(data)

    @classmethod
    def check_records(cls, records: list[Any]) -> None:
        """Check a whole page of JSON objects in one call (raises `ValidationError`, whose
        errors start with the index of the record they are about)."""
        if cls._check_many is None:
            cls._check_many = TypeAdapter(list[cls._record_type()])  # type: ignore[arg-type,misc]
        cls._check_many.validate_python(records)

    @classmethod
    def view_records(cls, records: list[dict[str, Any]]) -> list[Self]:
        """Views over records `check_records` accepted."""
        return [cls._view(record) for record in records]

    @classmethod
    def _view(cls, record: dict[str, Any]) -> Self:
        view = object.__new__(cls)
        view._raw = record
        return view

    @classmethod
    def _record_adapter(cls) -> TypeAdapter[Any]:
        if cls._check_one is None:
            cls._check_one = TypeAdapter(cls._record_type())
        return cls._check_one

    @classmethod
    def _record_type(cls) -> Any:
        """A `TypedDict` of the declared fields: what a valid record of this model holds."""
        items: dict[str, Any] = {}
        for name, field in cls._fields.items():
            field.resolve()
            items[name] = (Required[field.annotation] if field.required
                           else NotRequired[field.annotation])
        return TypedDict(f"{cls.__name__}Record", items)  # type: ignore[operator]

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> core_schema.CoreSchema:
        # A model nested in another's field (an environment's last deployment, a log page's
        # entries): checked as a record, read as a view of the nested JSON object.
        def view(value: Any, check: core_schema.ValidatorFunctionWrapHandler) -> Any:
            if isinstance(value, cls):
                return value
            check(value)
            return cls._view(value)

        return core_schema.no_info_wrap_validator_function(
            view, handler.generate_schema(cls._record_type()),
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda model: model.raw),
        )

    # -- reading ----------------------------------------------------------------------

    @property
    def raw(self) -> dict[str, Any]:
        """The JSON object this model came from (for a model built in code, its JSON form)."""
        return self._raw

    @property
    def model_extra(self) -> dict[str, Any]:
        """The fields no model declares, as they came."""
        fields = type(self)._fields
        return {name: value for name, value in self._raw.items() if name not in fields}

    def model_dump(self, *, mode: str = "python") -> dict[str, Any]:
        """Every declared field (defaults included) and every unknown one; `mode="json"`
        gives JSON values (timestamps as ISO strings)."""
        values = {name: getattr(self, name) for name in type(self)._fields}
        values.update(self.model_extra)
        return _jsonable(values) if mode == "json" else values

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
        if name in type(self)._fields:
            return None
        extra = self._raw.get(name)
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

    # -- identity ---------------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, ApiModel)
        return self._raw == other._raw

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in type(self)._fields
                          if name in self._raw)
        return f"{type(self).__name__}({shown})"


def _jsonable(value: Any) -> Any:
    """`value` as JSON values; a nested model is its own JSON."""
    return to_jsonable_python(value, fallback=_model_json)


def _model_json(value: Any) -> Any:
    if isinstance(value, ApiModel):
        return value.raw
    raise TypeError(f"{type(value).__name__} is not JSON")


def _is_class_var(annotation: object) -> bool:
    if isinstance(annotation, str):  # `from __future__ import annotations`: not evaluated
        return annotation.startswith(("ClassVar", "typing.ClassVar"))
    return get_origin(annotation) is ClassVar
