"""The one cattrs converter of the SDK.

Everything that turns plain data (rows of a ledger, JSON from a file, a protobuf message's dict) into domain
objects goes through :func:`make_converter`, so there is one place that knows how dates, aware datetimes,
Decimals and enums look on the outside, and one way a structuring failure is reported: a single
:class:`~dualprev_sdk.errors.InvalidArgument` listing every bad field with its path.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import typing
from collections.abc import Mapping
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError
from cattrs.v import format_exception, transform_error

from dualprev_sdk.errors import FieldViolation, InvalidArgument

__all__ = [
    "converter",
    "make_converter",
    "structure",
    "unstructure",
    "unvalidated",
    "validator_violations",
]

T = TypeVar("T")


def _structure_date(value: Any, _: type) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value.strip().replace("/", "-"))
    raise ValueError(f"expected a date (YYYY-MM-DD), got {value!r}")


def _structure_datetime(value: Any, _: type) -> dt.datetime:
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, str):
        parsed = dt.datetime.fromisoformat(value.strip())
    else:
        raise ValueError(f"expected an ISO 8601 datetime with a time zone, got {value!r}")
    if parsed.tzinfo is None:
        raise ValueError("datetime must carry a time zone (e.g. 2024-05-01T08:00:00+08:00)")
    return parsed


def _structure_enum(value: Any, cls: type[enum.Enum]) -> enum.Enum:
    try:
        return cls(value)
    except ValueError:
        pass
    if isinstance(value, str):
        # accept member names and Chinese labels as well as values
        for member in cls:
            if value in (member.name, member.name.lower(), getattr(member, "name_zh", None)):
                return member
    allowed = ", ".join(str(m.value) for m in cls)
    raise ValueError(f"{value!r} is not one of: {allowed}")


def make_converter() -> cattrs.Converter:
    """Build a converter with the SDK's hooks. Equipment-class parameter types are plain attrs classes and need
    no registration: the store asks the class's plugin for the type and structures into it."""
    conv = cattrs.Converter(forbid_extra_keys=True)
    conv.register_structure_hook(dt.date, _structure_date)
    conv.register_unstructure_hook(dt.date, lambda d: d.isoformat())
    conv.register_structure_hook(dt.datetime, _structure_datetime)
    conv.register_unstructure_hook(dt.datetime, lambda d: d.isoformat())
    conv.register_structure_hook(decimal.Decimal, lambda v, _: decimal.Decimal(str(v)))
    conv.register_unstructure_hook(decimal.Decimal, str)
    # cattrs would otherwise take its str/int hooks for StrEnum/IntEnum first and reject Chinese labels.
    conv.register_structure_hook(enum.StrEnum, _structure_enum)
    conv.register_structure_hook(enum.IntEnum, _structure_enum)
    conv.register_structure_hook_func(lambda t: isinstance(t, type) and issubclass(t, enum.Enum), _structure_enum)
    conv.register_unstructure_hook_func(lambda t: isinstance(t, type) and issubclass(t, enum.Enum), lambda e: e.value)
    return conv


converter = make_converter()


def structure(
    data: Any,
    cls: type[T],
    *,
    conv: cattrs.Converter | None = None,
    path: str = "",
    validator_rule_prefix: str = "validator",
) -> T:
    """Structure ``data`` into ``cls``; every failure becomes one :class:`InvalidArgument` with field paths.

    A validator in the class's ``__init__`` (``attrs.validators.ge``…) fails after every field was structured,
    and attrs stops at the first one, so cattrs can only say "invalid value" of the whole object. Then the object
    is built again without validators and each field's validator runs on its own, so every field that breaks one
    is named (rule ``<validator_rule_prefix>.<field>``, the validator's message)."""
    conv = conv or converter
    try:
        return conv.structure(data, cls)
    except (ClassValidationError, IterableValidationError, ForbiddenExtraKeysError) as exc:
        violations = _violations(exc, data, path)
        if any(v.field == path for v in violations):
            named = _validators_of(data, cls, conv, path, validator_rule_prefix)
            if named:
                violations = [v for v in violations if v.field != path] + named
        raise InvalidArgument(violations) from None
    except (ValueError, TypeError, KeyError) as exc:
        named = _validators_of(data, cls, conv, path, validator_rule_prefix)
        if named:
            raise InvalidArgument(named) from None
        raise InvalidArgument.single(path or cls.__name__, data, "structure", str(exc)) from None


def validator_violations(instance: Any, *, path: str = "", rule_prefix: str = "validator") -> list[FieldViolation]:
    """Run every attrs validator of ``instance`` field by field and collect *all* violations with field paths
    (attrs stops at the first failing validator; a person fixing a ledger row or a config file needs every bad
    field named). A validator raising InvalidArgument keeps its own violations."""
    out: list[FieldViolation] = []
    for field in attrs.fields(type(instance)):
        if field.validator is None:
            continue
        value = getattr(instance, field.name)
        name = f"{path}.{field.name}" if path else field.name
        try:
            field.validator(instance, field, value)
        except InvalidArgument as exc:
            out.extend(v if v.field else attrs.evolve(v, field=name) for v in exc.violations)
        except (ValueError, TypeError) as exc:
            out.append(FieldViolation(field=name, value=value, rule=f"{rule_prefix}.{field.name}", message=str(exc)))
    return out


def unvalidated(data: Any, cls: type, *, conv: cattrs.Converter | None = None) -> Any:
    """An instance of attrs class ``cls`` from a mapping, each field structured by the converter and passed
    through its attrs converter, but with no validator run (used only to report validator failures)."""
    conv = conv or converter
    if not isinstance(data, Mapping):
        raise TypeError(f"{cls.__name__} must be given as a mapping")
    fields = attrs.fields(cls)
    keys = {field.alias or field.name: field for field in fields}
    if set(data) - set(keys):
        raise TypeError(f"unknown fields: {sorted(set(data) - set(keys))}")
    hints = typing.get_type_hints(cls)
    instance: Any = object.__new__(cls)
    for key, field in keys.items():
        if key in data:
            value = conv.structure(data[key], hints[field.name])
            if field.converter is not None:
                value = field.converter(value)
        elif hasattr(field.default, "factory"):  # attrs.Factory
            value = field.default.factory()
        elif field.default is not attrs.NOTHING:
            value = field.default
        else:
            raise TypeError(f"missing required field {key}")
        object.__setattr__(instance, field.name, value)
    return instance


def _validators_of(data: Any, cls: type, conv: cattrs.Converter, path: str, rule_prefix: str) -> list[FieldViolation]:
    if not attrs.has(cls):
        return []
    try:
        instance = unvalidated(data, cls, conv=conv)
    except Exception:  # a field that does not structure at all is cattrs' to report
        return []
    return validator_violations(instance, path=path, rule_prefix=rule_prefix)


def unstructure(obj: Any, *, conv: cattrs.Converter | None = None) -> Any:
    return (conv or converter).unstructure(obj)


def _format(exc: BaseException, type_: type | None) -> str:
    """cattrs' wording, plus what a ValueError of our own hooks says (``expected a date (YYYY-MM-DD)…``)."""
    text = format_exception(exc, type_)
    if isinstance(exc, ValueError) and str(exc):
        text = f"{text}: {exc}"
    return text


def _violations(exc: BaseException, data: Any, prefix: str) -> list[FieldViolation]:
    out: list[FieldViolation] = []
    for message in transform_error(exc, path="$", format_exception=_format):
        # cattrs formats "invalid value for type, expected int @ $.rated_load_kg"
        text, _, where = message.rpartition(" @ ")
        if not _:
            text, where = message, "$"
        field = where.removeprefix("$").lstrip(".")
        if prefix:
            field = f"{prefix}.{field}" if field else prefix
        out.append(FieldViolation(field=field, value=_lookup(data, where), rule="structure", message=text))
    return out


def _lookup(data: Any, where: str) -> Any:
    """Best-effort fetch of the offending value at a cattrs path like ``$.a[2].b``."""
    import re

    current = data
    for name, index in re.findall(r"\.([^.\[]+)|\[([^\]]+)\]", where.removeprefix("$")):
        try:
            if name:
                current = current[name] if isinstance(current, dict) else getattr(current, name)
            else:
                key = index.strip("'\"")
                current = current[int(key)] if key.isdigit() and not isinstance(current, dict) else current[key]
        except (KeyError, IndexError, TypeError, AttributeError, ValueError):
            return None
    return current
