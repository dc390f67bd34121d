"""Protobuf ↔ SDK domain objects, resource names, etags, page tokens and filters.

Pure translation: no rules about what is allowed live here (that is ``dualprev_sdk.access`` and the SDK's
services). Every translation failure is an ``InvalidArgument`` whose field paths are the *proto* field paths
(``unit.roles[1].role``), so BadRequest violations point at what the client actually sent.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

import attrs
from google.protobuf import field_mask_pb2, json_format, struct_pb2, timestamp_pb2

from dualprev_gateway._generated.dualprev.v1 import common_pb2, ledger_pb2
from dualprev_sdk.domain.common import CrowdedPlaceType, Location, SafetyRole, Source
from dualprev_sdk.domain.equipment import Equipment, EquipmentStatus
from dualprev_sdk.domain.unit import RoleAssignment, SizeClass, UseUnit
from dualprev_sdk.errors import FieldViolation, InvalidArgument

__all__ = [
    "Violations",
    "apply_mask",
    "enum_from_proto",
    "enum_to_proto",
    "equipment_from_proto",
    "equipment_name",
    "equipment_to_proto",
    "etag_of",
    "expected_version",
    "in_proto_terms",
    "iso",
    "location_from_proto",
    "location_to_proto",
    "narrow_region",
    "page_size",
    "parse_date",
    "parse_equipment_name",
    "parse_filter",
    "parse_unit_name",
    "source_to_proto",
    "timestamp",
    "unit_from_proto",
    "unit_name",
    "unit_to_proto",
]

E = TypeVar("E", bound=enum.Enum)


class Violations:
    """Collects every problem of a request before failing, so the client fixes them all in one round."""

    def __init__(self) -> None:
        self.items: list[FieldViolation] = []

    def add(self, field: str, value: Any, rule: str, message: str) -> None:
        self.items.append(FieldViolation(field=field, value=value, rule=rule, message=message))

    def raise_if_any(self) -> None:
        if self.items:
            raise InvalidArgument(self.items)


def in_proto_terms(exc: InvalidArgument, prefix: str, fields: Mapping[str, str]) -> InvalidArgument:
    """An SDK validation error restated with proto field paths (``name`` → ``unit.display_name``), so the
    client's BadRequest points at the field it sent."""
    to_proto = {domain: proto for proto, domain in fields.items()}
    renamed = []
    for v in exc.violations:
        head, sep, rest = v.field.partition(".")
        bracket = head.find("[")
        key, index = (head[:bracket], head[bracket:]) if bracket > 0 else (head, "")
        renamed_field = f"{to_proto.get(key, key)}{index}{sep}{rest}"
        field = (f"{prefix}.{renamed_field}" if prefix else renamed_field) if v.field else prefix
        renamed.append(attrs.evolve(v, field=field))
    return InvalidArgument(renamed, reason=exc.reason, metadata=exc.metadata)


# -- resource names (AIP-122) -------------------------------------------------------------------------------

_UNIT_NAME = re.compile(r"^units/([^/]+)$")
_EQUIPMENT_NAME = re.compile(r"^units/([^/]+)/equipment/([^/]+)$")
EQUIPMENT_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


def unit_name(uscc: str) -> str:
    return f"units/{uscc}"


def equipment_name(uscc: str, equipment_id: str) -> str:
    return f"units/{uscc}/equipment/{equipment_id}"


def parse_unit_name(name: str, field: str = "name", *, allow_wildcard: bool = False) -> str:
    """USCC of ``units/{uscc}`` (``-`` when ``allow_wildcard``, meaning every unit the caller can see)."""
    match = _UNIT_NAME.match(name)
    if match is None or (match.group(1) == "-" and not allow_wildcard):
        raise InvalidArgument.single(field, name, "resource_name.unit", "expected `units/{uscc}`")
    return match.group(1)


def parse_equipment_name(name: str, field: str = "name") -> tuple[str, str]:
    match = _EQUIPMENT_NAME.match(name)
    if match is None:
        raise InvalidArgument.single(
            field, name, "resource_name.equipment", "expected `units/{uscc}/equipment/{equipment}`"
        )
    return match.group(1), match.group(2)


# -- etags (AIP-154) ----------------------------------------------------------------------------------------


def etag_of(version: int) -> str:
    """Opaque to clients; today the store's optimistic-concurrency version."""
    return f'W/"{version}"'


def expected_version(etag: str, field: str = "etag") -> int | None:
    """The version an etag stands for, None when no etag was sent (unconditional change)."""
    if not etag:
        return None
    match = re.fullmatch(r'W/"(\d+)"', etag)
    if match is None:
        raise InvalidArgument.single(field, etag, "etag.opaque", "not an etag this server issued; re-read the resource")
    return int(match.group(1))


# -- paging and scoping ---------------------------------------------------------------------------------------

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000


def page_size(requested: int, field: str = "page_size") -> int:
    """AIP-158: 0 = the default, above the maximum = the maximum, negative = INVALID_ARGUMENT."""
    if requested < 0:
        raise InvalidArgument.single(field, requested, "page_size.non_negative", "must be 0 (default) or positive")
    return DEFAULT_PAGE_SIZE if requested == 0 else min(requested, MAX_PAGE_SIZE)


def narrow_region(scope_prefix: str, wanted: str | None) -> str | None:
    """The region prefix a regulator's list uses: its scope narrowed by the filter; None = nothing can match."""
    if wanted is None or scope_prefix.startswith(wanted):
        return scope_prefix
    if wanted.startswith(scope_prefix):
        return wanted
    return None


# -- filters (AIP-160 subset) -------------------------------------------------------------------------------

_TERM = re.compile(r'^\s*([a-z_]+)\s*=\s*"([^"]*)"\s*$')


def parse_filter(text: str, allowed: Iterable[str], field: str = "filter") -> dict[str, str]:
    """``region_code = "4101*" AND status = "in_use"`` → ``{"region_code": "4101*", "status": "in_use"}``."""
    allowed = tuple(allowed)
    terms: dict[str, str] = {}
    if not text.strip():
        return terms
    problems = Violations()
    for part in re.split(r"\s+AND\s+", text.strip()):
        match = _TERM.match(part)
        if match is None:
            problems.add(field, part, "filter.syntax", 'each term must be `field = "value"`, joined by AND')
        elif match.group(1) not in allowed:
            problems.add(field, match.group(1), "filter.field", f"filterable fields: {', '.join(allowed)}")
        elif match.group(1) in terms:
            problems.add(field, match.group(1), "filter.repeated", "each field may appear once")
        else:
            terms[match.group(1)] = match.group(2)
    problems.raise_if_any()
    return terms


# -- enums, dates, instants, places and sources: the primitives every *_convert module uses ---------------------


def enum_from_proto(
    problems: Violations, field: str, number: int, spec: tuple[Any, type[E], str], *, required: bool
) -> E | None:
    """Proto enum number → domain enum by name (``SIZE_CLASS_SMALL`` → ``SizeClass.SMALL``); 0 = None.
    ``spec`` = (proto enum wrapper, domain enum, proto value prefix)."""
    proto_enum, domain, prefix = spec
    if number == 0:
        if required:
            problems.add(field, 0, "required", f"set a {proto_enum.DESCRIPTOR.name} value")
        return None
    try:
        return domain[proto_enum.Name(number).removeprefix(prefix)]
    except (ValueError, KeyError):
        problems.add(field, number, "enum.known", f"unknown {proto_enum.DESCRIPTOR.name} value")
        return None


def enum_to_proto(value: enum.Enum | None, proto_enum: Any, prefix: str) -> int:
    """Domain enum → proto enum number by name; None = 0 (unspecified)."""
    return 0 if value is None else int(proto_enum.Value(prefix + value.name))


def parse_date(problems: Violations, field: str, text: str, *, required: bool = False) -> dt.date | None:
    """An ISO 8601 date; empty = None (a violation when ``required``)."""
    if not text:
        if required:
            problems.add(field, text, "required", "an ISO 8601 date YYYY-MM-DD is required")
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        problems.add(field, text, "date.iso8601", "expected an ISO 8601 date YYYY-MM-DD")
        return None


def iso(value: dt.date | None) -> str:
    return "" if value is None else value.isoformat()


def timestamp(value: dt.datetime | None) -> timestamp_pb2.Timestamp | None:
    if value is None:
        return None
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(value.astimezone(dt.UTC))
    return stamp


def location_to_proto(location: Location) -> common_pb2.Location:
    message = common_pb2.Location(
        address=location.address, building=location.building, floor=location.floor, area=location.area
    )
    if location.x is not None:
        message.x = location.x
    if location.y is not None:
        message.y = location.y
    return message


def location_from_proto(message: common_pb2.Location) -> Location:
    return Location(
        address=message.address,
        building=message.building,
        floor=message.floor,
        area=message.area,
        x=message.x if message.HasField("x") else None,
        y=message.y if message.HasField("y") else None,
    )


def source_to_proto(source: Source) -> common_pb2.Source:
    return common_pb2.Source(
        document=source.document, clause=source.clause, status=str(source.status.value), note=source.note
    )


# -- units --------------------------------------------------------------------------------------------------


def unit_to_proto(unit: UseUnit) -> ledger_pb2.Unit:
    return ledger_pb2.Unit(
        name=unit_name(unit.uscc),
        uscc=unit.uscc,
        display_name=unit.name,
        region_code=unit.region_code,
        industry=unit.industry,
        size_class=enum_to_proto(unit.size_class, ledger_pb2.SizeClass, "SIZE_CLASS_"),  # type: ignore[arg-type]
        park=unit.park or "",
        grid_cell=unit.grid_cell or "",
        address=unit.address,
        roles=[
            ledger_pb2.RoleAssignment(
                role=enum_to_proto(r.role, ledger_pb2.SafetyRole, "SAFETY_ROLE_"),  # type: ignore[arg-type]
                person_name=r.name,
                phone=r.phone,
                person_id=r.person_id or "",
                equipment_kind=r.equipment_kind or "",
            )
            for r in unit.roles
        ],
        demonstration=unit.demonstration,
        etag=etag_of(unit.version),
    )


#: Proto field → UseUnit attribute, for the fields a client may set (and name in an update mask).
UNIT_FIELDS: Mapping[str, str] = {
    "display_name": "name",
    "region_code": "region_code",
    "industry": "industry",
    "size_class": "size_class",
    "park": "park",
    "grid_cell": "grid_cell",
    "address": "address",
    "roles": "roles",
    "demonstration": "demonstration",
}


def _unit_values(message: ledger_pb2.Unit, prefix: str, problems: Violations) -> dict[str, Any]:
    roles = []
    for i, r in enumerate(message.roles):
        path = f"{prefix}.roles[{i}]"
        role = enum_from_proto(
            problems, f"{path}.role", r.role, (ledger_pb2.SafetyRole, SafetyRole, "SAFETY_ROLE_"), required=False
        )
        if r.role == 0:
            problems.add(f"{path}.role", 0, "required", "a role assignment needs a role")
        if not r.person_name.strip():
            problems.add(f"{path}.person_name", r.person_name, "required", "a role assignment needs a person")
        if role is not None:
            roles.append(
                RoleAssignment(
                    role=role,
                    name=r.person_name.strip(),
                    phone=r.phone,
                    person_id=r.person_id or None,
                    equipment_kind=r.equipment_kind or None,
                )
            )
    size = enum_from_proto(
        problems,
        f"{prefix}.size_class",
        message.size_class,
        (ledger_pb2.SizeClass, SizeClass, "SIZE_CLASS_"),
        required=False,
    )
    return {
        "name": message.display_name.strip(),
        "region_code": message.region_code.strip(),
        "industry": message.industry.strip(),
        "size_class": size or SizeClass.MEDIUM,
        "park": message.park or None,
        "grid_cell": message.grid_cell or None,
        "address": message.address,
        "roles": tuple(roles),
        "demonstration": message.demonstration,
    }


def unit_from_proto(message: ledger_pb2.Unit, prefix: str = "unit") -> UseUnit:
    """A new unit from a Create request (the SDK validates USCC, region and industry further)."""
    problems = Violations()
    values = _unit_values(message, prefix, problems)
    if not message.uscc.strip():
        problems.add(f"{prefix}.uscc", message.uscc, "required", "the unit's USCC is required")
    if not values["name"]:
        problems.add(f"{prefix}.display_name", message.display_name, "required", "the unit's name is required")
    if not values["region_code"]:
        problems.add(f"{prefix}.region_code", message.region_code, "required", "the region code is required")
    problems.raise_if_any()
    return UseUnit(uscc=message.uscc.strip().upper(), **values)


def apply_mask(
    current: Any,
    values: Mapping[str, Any],
    fields: Mapping[str, str],
    mask: field_mask_pb2.FieldMask,
    *,
    conversion_problems: Violations | None = None,
    prefix: str = "",
    field: str = "update_mask",
) -> Any:
    """``current`` with the masked proto fields replaced (empty mask or ``*`` = every updatable field).

    ``conversion_problems`` are the violations found while converting the whole message; only those on masked
    fields count, because fields outside the mask are ignored (AIP-134) — junk there must not fail the call.
    """
    paths = list(mask.paths)
    if not paths or paths == ["*"]:
        paths = list(fields)
    problems = Violations()
    changes: dict[str, Any] = {}
    for i, path in enumerate(paths):
        if path not in fields:
            problems.add(f"{field}.paths[{i}]", path, "update_mask.field", f"updatable fields: {', '.join(fields)}")
        else:
            changes[fields[path]] = values[fields[path]]
    for violation in conversion_problems.items if conversion_problems else ():
        top = violation.field.removeprefix(f"{prefix}.").split(".", 1)[0].split("[", 1)[0]
        if top in paths:
            problems.items.append(violation)
    problems.raise_if_any()
    return attrs.evolve(current, **changes)


def unit_update_values(
    message: ledger_pb2.Unit, prefix: str = "unit", problems: Violations | None = None
) -> dict[str, Any]:
    """Every settable unit attribute; violations go to ``problems`` when given (for masks), else raise."""
    collected = Violations() if problems is None else problems
    values = _unit_values(message, prefix, collected)
    if problems is None:
        collected.raise_if_any()
    return values


# -- equipment ----------------------------------------------------------------------------------------------


def _parameters_to_proto(parameters: Any) -> struct_pb2.Struct | None:
    if parameters is None:
        return None
    if attrs.has(type(parameters)):
        from dualprev_sdk.serialization import unstructure

        parameters = unstructure(parameters)
    message = struct_pb2.Struct()
    message.update(json.loads(json.dumps(parameters, default=str)))
    return message


def equipment_to_proto(equipment: Equipment) -> ledger_pb2.Equipment:
    message = ledger_pb2.Equipment(
        name=equipment_name(equipment.unit_uscc, equipment.id),
        catalog_code=equipment.catalog_code,
        equipment_code=equipment.equipment_code,
        registration_number=equipment.registration_number,
        unit_internal_number=equipment.unit_internal_number,
        display_name=equipment.name,
        model=equipment.model,
        manufacturer=equipment.manufacturer,
        location=location_to_proto(equipment.location),
        crowded_place=enum_to_proto(  # type: ignore[arg-type]
            equipment.crowded_place, common_pb2.CrowdedPlaceType, "CROWDED_PLACE_TYPE_"
        ),
        status=enum_to_proto(equipment.status, ledger_pb2.EquipmentStatus, "EQUIPMENT_STATUS_"),  # type: ignore[arg-type]
        status_since=iso(equipment.status_since),
        manufactured_on=iso(equipment.manufactured_on),
        commissioned_on=iso(equipment.commissioned_on),
        registered_on=iso(equipment.registered_on),
        next_inspection_due=iso(equipment.next_inspection_due),
        safety_officer=equipment.safety_officer,
        rescue_code=equipment.rescue_code or "",
        out_of_catalog=equipment.out_of_catalog,
        catalog_review=equipment.catalog_review,
        stop_use_order=equipment.stop_use_order or "",
        etag=etag_of(equipment.version),
    )
    if equipment.design_life_years is not None:
        message.design_life_years = equipment.design_life_years
    if (parameters := _parameters_to_proto(equipment.parameters)) is not None:
        message.parameters.CopyFrom(parameters)
    return message


#: Proto field → Equipment attribute, for the fields a client may set.
EQUIPMENT_FIELDS: Mapping[str, str] = {
    "catalog_code": "catalog_code",
    "equipment_code": "equipment_code",
    "registration_number": "registration_number",
    "unit_internal_number": "unit_internal_number",
    "display_name": "name",
    "model": "model",
    "manufacturer": "manufacturer",
    "location": "location",
    "crowded_place": "crowded_place",
    "status": "status",
    "status_since": "status_since",
    "manufactured_on": "manufactured_on",
    "commissioned_on": "commissioned_on",
    "registered_on": "registered_on",
    "design_life_years": "design_life_years",
    "next_inspection_due": "next_inspection_due",
    "safety_officer": "safety_officer",
    "rescue_code": "rescue_code",
    "parameters": "parameters",
    "out_of_catalog": "out_of_catalog",
    "catalog_review": "catalog_review",
}


def equipment_values(
    message: ledger_pb2.Equipment, prefix: str = "equipment", collected: Violations | None = None
) -> dict[str, Any]:
    """Every settable Equipment attribute from the message; violations go to ``collected`` when given (for
    masks), else one InvalidArgument lists every bad field."""
    problems = Violations() if collected is None else collected
    values: dict[str, Any] = {
        "catalog_code": message.catalog_code.strip(),
        "equipment_code": message.equipment_code.strip() or "-",
        "registration_number": message.registration_number.strip(),
        "unit_internal_number": message.unit_internal_number.strip(),
        "name": message.display_name.strip(),
        "model": message.model,
        "manufacturer": message.manufacturer,
        "location": location_from_proto(message.location),
        "crowded_place": enum_from_proto(
            problems,
            f"{prefix}.crowded_place",
            message.crowded_place,
            (common_pb2.CrowdedPlaceType, CrowdedPlaceType, "CROWDED_PLACE_TYPE_"),
            required=False,
        ),
        "status": enum_from_proto(
            problems,
            f"{prefix}.status",
            message.status,
            (ledger_pb2.EquipmentStatus, EquipmentStatus, "EQUIPMENT_STATUS_"),
            required=False,
        )
        or EquipmentStatus.IN_USE,
        "design_life_years": message.design_life_years if message.HasField("design_life_years") else None,
        "safety_officer": message.safety_officer,
        "rescue_code": message.rescue_code or None,
        "parameters": json_format.MessageToDict(message.parameters) if message.HasField("parameters") else None,
        "out_of_catalog": message.out_of_catalog,
        "catalog_review": message.catalog_review,
    }
    for name in ("status_since", "manufactured_on", "commissioned_on", "registered_on", "next_inspection_due"):
        values[name] = parse_date(problems, f"{prefix}.{name}", getattr(message, name))
    if values["design_life_years"] is not None and values["design_life_years"] <= 0:
        problems.add(f"{prefix}.design_life_years", values["design_life_years"], "positive", "must be positive")
    if collected is None:
        problems.raise_if_any()
    return values


def equipment_from_proto(message: ledger_pb2.Equipment, *, uscc: str, equipment_id: str) -> Equipment:
    values = equipment_values(message)
    if not values["catalog_code"]:
        raise InvalidArgument.single(
            "equipment.catalog_code", message.catalog_code, "required", "the catalogue code is required"
        )
    return Equipment(id=equipment_id, unit_uscc=uscc, **values)
