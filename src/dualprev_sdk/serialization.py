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
from typing import Any, TypeVar

import cattrs
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError
from cattrs.v import transform_error

from dualprev_sdk.errors import FieldViolation, InvalidArgument

__all__ = ["converter", "make_converter", "structure", "unstructure"]

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


def structure(data: Any, cls: type[T], *, conv: cattrs.Converter | None = None, path: str = "") -> T:
    """Structure ``data`` into ``cls``; every failure becomes one :class:`InvalidArgument` with field paths."""
    conv = conv or converter
    try:
        return conv.structure(data, cls)
    except (ClassValidationError, IterableValidationError, ForbiddenExtraKeysError) as exc:
        raise InvalidArgument(_violations(exc, data, path)) from None
    except (ValueError, TypeError, KeyError) as exc:
        raise InvalidArgument.single(path or cls.__name__, data, "structure", str(exc)) from None


def unstructure(obj: Any, *, conv: cattrs.Converter | None = None) -> Any:
    return (conv or converter).unstructure(obj)


def _violations(exc: BaseException, data: Any, prefix: str) -> list[FieldViolation]:
    out: list[FieldViolation] = []
    for message in transform_error(exc, path="$"):
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
