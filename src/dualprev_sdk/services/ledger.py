"""Ledger use cases (台账): create, read, list, update and delete use units and their equipment.

Each change runs in one unit of work and records one outbox event in the same transaction, so a consumer of
the event stream never sees an event for a change that was rolled back, nor misses one that was committed.
Updates are optimistic: the caller passes back the ``version`` it read (the resource's etag); a stale version
is a :class:`~dualprev_sdk.errors.ConcurrencyConflict`.

The bulk import from spreadsheets builds on the same repositories (``uow.units.add_many``…), not on these
one-at-a-time functions.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any, Generic, TypeVar

import attrs
import sqlalchemy as sa

from dualprev_sdk import ids, regions
from dualprev_sdk.domain.equipment import Equipment, EquipmentStatus
from dualprev_sdk.domain.unit import UseUnit
from dualprev_sdk.errors import FieldViolation, InvalidArgument
from dualprev_sdk.serialization import converter
from dualprev_sdk.services import idempotency
from dualprev_sdk.store.equipment import ParametersCodec, read_equipment
from dualprev_sdk.store.read_cache import ReadCache
from dualprev_sdk.store.units import read_unit
from dualprev_sdk.store.uow import UnitOfWork

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "Ledger",
    "Page",
    "create_equipment",
    "create_unit",
    "delete_equipment",
    "delete_unit",
    "equipment_resource",
    "get_equipment",
    "get_unit",
    "list_equipment",
    "list_units",
    "unit_resource",
    "update_equipment",
    "update_unit",
    "validate_equipment",
    "validate_unit",
]

T = TypeVar("T")
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000


@attrs.frozen(kw_only=True)
class Page(Generic[T]):
    """One page of a listing. ``next_page_token`` is opaque and empty on the last page (AIP-158)."""

    items: tuple[T, ...]
    next_page_token: str = ""


def unit_resource(uscc: str) -> str:
    """AIP-122 resource name of a unit."""
    return f"units/{uscc}"


def equipment_resource(equipment_id: str) -> str:
    """AIP-122 resource name of an equipment record. Top-level, not under its unit: equipment changes hands."""
    return f"equipment/{equipment_id}"


# -- validation ------------------------------------------------------------------------------------------------


def _check(violations: list[FieldViolation], validate: Callable[[], str], fallback: str) -> str:
    """Run one identifier validator; collect its violations instead of stopping at the first bad field."""
    try:
        return validate()
    except InvalidArgument as exc:
        violations.extend(exc.violations)
        return fallback


def validate_unit(unit: UseUnit) -> UseUnit:
    """The unit with normalised identifiers, or every broken rule in one InvalidArgument."""
    violations: list[FieldViolation] = []
    uscc = _check(violations, lambda: ids.validate_uscc(unit.uscc), unit.uscc)
    region = _check(violations, lambda: regions.validate_region_code(unit.region_code), unit.region_code)
    if not unit.name.strip():
        violations.append(FieldViolation(field="name", value=unit.name, rule="name.required", message="must be given"))
    if violations:
        raise InvalidArgument(violations)
    return attrs.evolve(unit, uscc=uscc, region_code=region, name=unit.name.strip())


def validate_equipment(equipment: Equipment) -> Equipment:
    """The equipment with normalised identifiers, or every broken rule in one InvalidArgument. Parameters are
    checked by the equipment class when the repository stores them."""
    violations: list[FieldViolation] = []
    unit_uscc = _check(violations, lambda: ids.validate_uscc(equipment.unit_uscc, field="unit_uscc"), "")
    if not 1 <= len(equipment.catalog_code) <= 8:
        violations.append(
            FieldViolation(
                field="catalog_code",
                value=equipment.catalog_code,
                rule="catalog_code.shape",
                message="must be a catalogue code such as 3110",
            )
        )
    code = equipment.equipment_code.strip() or "-"
    if code != "-":
        code = _check(violations, lambda: ids.validate_equipment_code(code), code)
    registration = equipment.registration_number.strip()
    if registration:
        registration = _check(violations, lambda: ids.validate_registration_number(registration), registration)
    if not 1 <= len(equipment.id) <= 64:
        violations.append(
            FieldViolation(field="id", value=equipment.id, rule="id.length", message="must be 1 to 64 characters")
        )
    if violations:
        raise InvalidArgument(violations)
    return attrs.evolve(equipment, unit_uscc=unit_uscc, equipment_code=code, registration_number=registration)


# -- paging ----------------------------------------------------------------------------------------------------


def _fingerprint(query: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(query, sort_keys=True, default=str).encode()).hexdigest()[:12]


def _encode_token(after: str, query: dict[str, Any]) -> str:
    raw = json.dumps({"after": after, "q": _fingerprint(query)}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_token(token: str, query: dict[str, Any]) -> str | None:
    if not token:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        after, fingerprint = data["after"], data["q"]
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise InvalidArgument.single(
            "page_token", token, "page_token.format", "is not a token from this listing"
        ) from None
    if fingerprint != _fingerprint(query) or not isinstance(after, str):
        raise InvalidArgument.single(
            "page_token", token, "page_token.query", "belongs to a listing with different filters; start again"
        )
    return after


def _page_size(page_size: int) -> int:
    if page_size < 0:
        raise InvalidArgument.single("page_size", page_size, "page_size.range", "must not be negative")
    return min(page_size or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)


def _page(items: Sequence[T], size: int, key: Callable[[T], str], query: dict[str, Any]) -> Page[T]:
    """``items`` was fetched with ``size + 1`` rows: the extra row only tells whether another page exists."""
    if len(items) > size:
        kept = tuple(items[:size])
        return Page(items=kept, next_page_token=_encode_token(key(kept[-1]), query))
    return Page(items=tuple(items))


# -- units -----------------------------------------------------------------------------------------------------


def _unit_payload(unit: UseUnit) -> dict[str, Any]:
    data: dict[str, Any] = converter.unstructure(unit)
    return data


def create_unit(uow: UnitOfWork, unit: UseUnit, *, request_id: str | None = None, caller: str = "") -> UseUnit:
    """Add a unit. With ``request_id`` (AIP-155) a retry by the same ``caller`` with the same unit returns the
    unit created the first time, even from another process or after a restart (:mod:`.idempotency`)."""
    unit = validate_unit(unit)

    def create(uow: UnitOfWork) -> UseUnit:
        stored = uow.units.add(unit)
        uow.emit("unit.created", unit_resource(stored.uscc), _unit_payload(stored))
        return stored

    return idempotency.run_create(
        uow,
        request_id=request_id,
        operation="ledger.create_unit",
        payload=_unit_payload(unit),
        caller=caller,
        create=create,
        resource_of=lambda u: unit_resource(u.uscc),
        read=lambda uow, name: uow.units.get(name.removeprefix("units/")),
    )


def get_unit(uow: UnitOfWork, uscc: str) -> UseUnit:
    with uow:
        return uow.units.get(uscc)


def list_units(
    uow: UnitOfWork, *, region_prefix: str | None = None, page_size: int = DEFAULT_PAGE_SIZE, page_token: str = ""
) -> Page[UseUnit]:
    """Units ordered by USCC, optionally under a region-code prefix (``41`` = 河南省, ``4101`` = 郑州市)."""
    query = {"kind": "units", "region_prefix": region_prefix or ""}
    after, size = _decode_token(page_token, query), _page_size(page_size)
    with uow:
        items = uow.units.list(region_prefix=region_prefix, after=after, limit=size + 1)
    return _page(items, size, lambda u: u.uscc, query)


def update_unit(uow: UnitOfWork, unit: UseUnit, *, expected_version: int | None = None) -> UseUnit:
    """Replace the unit; ``expected_version`` defaults to ``unit.version``. Moving the unit to another region
    moves its equipment's regional copy too, in the same transaction."""
    unit = validate_unit(unit)
    if expected_version is not None:
        unit = attrs.evolve(unit, version=expected_version)
    with uow:
        stored = uow.units.update(unit)
        uow.emit("unit.updated", unit_resource(stored.uscc), _unit_payload(stored))
        uow.commit()
    return stored


def delete_unit(uow: UnitOfWork, uscc: str, *, expected_version: int | None = None) -> None:
    with uow:
        uow.units.delete(uscc, expected_version=expected_version)
        uow.emit("unit.deleted", unit_resource(uscc), {"uscc": uscc})
        uow.commit()


# -- equipment -------------------------------------------------------------------------------------------------


def _equipment_payload(uow: UnitOfWork, equipment: Equipment) -> dict[str, Any]:
    data: dict[str, Any] = converter.unstructure(attrs.evolve(equipment, parameters=None))
    data["parameters"] = uow.parameters_codec.unstructure(equipment.catalog_code, equipment.parameters)
    return data


def new_equipment_id() -> str:
    """A fresh equipment id (32 hex characters) for records whose source has none."""
    return uuid.uuid4().hex


def create_equipment(
    uow: UnitOfWork, equipment: Equipment, *, request_id: str | None = None, caller: str = ""
) -> Equipment:
    """Add equipment to an existing unit; an empty ``id`` gets a fresh one. Parameters are validated by the
    equipment class that owns the catalogue code. With ``request_id`` (AIP-155) a retry by the same ``caller``
    with the same equipment returns the record created the first time, its generated id included."""
    given_id = equipment.id
    if not equipment.id:
        equipment = attrs.evolve(equipment, id=new_equipment_id())
    equipment = validate_equipment(equipment)
    # the request as sent, without the generated id: a retry must hash the same
    requested = _equipment_payload(uow, attrs.evolve(equipment, id=given_id)) if request_id else None

    def create(uow: UnitOfWork) -> Equipment:
        stored = uow.equipment.add(equipment)
        uow.emit("equipment.created", equipment_resource(stored.id), _equipment_payload(uow, stored))
        return stored

    return idempotency.run_create(
        uow,
        request_id=request_id,
        operation="ledger.create_equipment",
        payload=requested,
        caller=caller,
        create=create,
        resource_of=lambda e: equipment_resource(e.id),
        read=lambda uow, name: uow.equipment.get(name.removeprefix("equipment/")),
    )


def get_equipment(uow: UnitOfWork, equipment_id: str) -> Equipment:
    with uow:
        return uow.equipment.get(equipment_id)


def list_equipment(
    uow: UnitOfWork,
    *,
    unit_uscc: str | None = None,
    region_prefix: str | None = None,
    catalog_prefix: str | None = None,
    status: EquipmentStatus | None = None,
    due_before: dt.date | None = None,
    inspected_by: str | None = None,
    page_size: int = DEFAULT_PAGE_SIZE,
    page_token: str = "",
) -> Page[Equipment]:
    """Equipment ordered by id, filtered by unit, region prefix, catalogue prefix, status and due date.

    ``inspected_by`` (an inspection agency's id) keeps only the equipment it has inspection records for: what
    an agency may read, decided in the query (a join on the inspections' agency index), so its pages are keyset
    pages like any other."""
    query = {
        "kind": "equipment",
        "unit_uscc": unit_uscc or "",
        "region_prefix": region_prefix or "",
        "catalog_prefix": catalog_prefix or "",
        "status": status.value if status else "",
        "due_before": due_before.isoformat() if due_before else "",
    }
    if inspected_by is not None:  # only when given, so tokens issued before it existed keep working
        query["inspected_by"] = inspected_by
    after, size = _decode_token(page_token, query), _page_size(page_size)
    with uow:
        items = uow.equipment.list(
            unit_uscc=unit_uscc,
            region_prefix=region_prefix,
            catalog_prefix=catalog_prefix,
            status=status,
            due_before=due_before,
            inspected_by=inspected_by,
            after=after,
            limit=size + 1,
        )
    return _page(items, size, lambda e: e.id, query)


def update_equipment(uow: UnitOfWork, equipment: Equipment, *, expected_version: int | None = None) -> Equipment:
    """Replace the equipment. A changed location is a change of place of use: it is recorded as a relocation
    (risk points marked for review) in the same transaction — see ``services/equipment_events.py``."""
    from dualprev_sdk.services.equipment_events import relocation_from_ledger  # it imports services in turn

    equipment = validate_equipment(equipment)
    if expected_version is not None:
        equipment = attrs.evolve(equipment, version=expected_version)
    with uow:
        before = uow.equipment.get(equipment.id)
        stored = uow.equipment.update(equipment)
        uow.emit("equipment.updated", equipment_resource(stored.id), _equipment_payload(uow, stored))
        relocation_from_ledger(uow, before, stored)
        uow.commit()
    return stored


def delete_equipment(uow: UnitOfWork, equipment_id: str, *, expected_version: int | None = None) -> None:
    with uow:
        uow.equipment.delete(equipment_id, expected_version=expected_version)
        uow.emit("equipment.deleted", equipment_resource(equipment_id), {"id": equipment_id})
        uow.commit()


# -- facade ----------------------------------------------------------------------------------------------------


class Ledger:
    """The ledger use cases bound to a unit-of-work factory: ``sdk.ledger.create_unit(unit)``."""

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        *,
        reader: Callable[[], AbstractContextManager[sa.Connection]] | None = None,
        codec: ParametersCodec | None = None,
        cache: Callable[[], ReadCache | None] | None = None,
    ) -> None:
        self._uow = uow_factory
        # single lookups take a plain connection when the composition root gives one: about a third of the cost
        # of a unit of work, and the gateway reads a unit or an equipment record on most calls
        self._reader = reader
        self._codec = codec
        self._cache = cache or (lambda: None)

    def create_unit(self, unit: UseUnit, *, request_id: str | None = None, caller: str = "") -> UseUnit:
        return create_unit(self._uow(), unit, request_id=request_id, caller=caller)

    def get_unit(self, uscc: str, *, cached: bool = False) -> UseUnit:
        """The unit. ``cached=True`` may answer from the process's read cache when one is enabled
        (:meth:`Dualprev.enable_read_cache`): this process's writes are always visible, other processes' within
        the cache's TTL — for reads that are answered as they are, never for a read that a write builds on."""
        cache = self._cache() if cached else None
        if cache is not None:
            return cache.get("units", uscc, lambda: self._read_unit(uscc))
        return self._read_unit(uscc)

    def _read_unit(self, uscc: str) -> UseUnit:
        if self._reader is None:
            return get_unit(self._uow(), uscc)
        with self._reader() as connection:
            return read_unit(connection, uscc)

    def list_units(
        self, *, region_prefix: str | None = None, page_size: int = DEFAULT_PAGE_SIZE, page_token: str = ""
    ) -> Page[UseUnit]:
        return list_units(self._uow(), region_prefix=region_prefix, page_size=page_size, page_token=page_token)

    def update_unit(self, unit: UseUnit, *, expected_version: int | None = None) -> UseUnit:
        return update_unit(self._uow(), unit, expected_version=expected_version)

    def delete_unit(self, uscc: str, *, expected_version: int | None = None) -> None:
        delete_unit(self._uow(), uscc, expected_version=expected_version)

    def create_equipment(self, equipment: Equipment, *, request_id: str | None = None, caller: str = "") -> Equipment:
        return create_equipment(self._uow(), equipment, request_id=request_id, caller=caller)

    def get_equipment(self, equipment_id: str, *, cached: bool = False) -> Equipment:
        """The equipment record; ``cached`` as for :meth:`get_unit`."""
        cache = self._cache() if cached else None
        if cache is not None:
            return cache.get("equipment", equipment_id, lambda: self._read_equipment(equipment_id))
        return self._read_equipment(equipment_id)

    def _read_equipment(self, equipment_id: str) -> Equipment:
        if self._reader is None:
            return get_equipment(self._uow(), equipment_id)
        with self._reader() as connection:
            return read_equipment(connection, equipment_id, codec=self._codec)

    def list_equipment(
        self,
        *,
        unit_uscc: str | None = None,
        region_prefix: str | None = None,
        catalog_prefix: str | None = None,
        status: EquipmentStatus | None = None,
        due_before: dt.date | None = None,
        inspected_by: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        page_token: str = "",
    ) -> Page[Equipment]:
        return list_equipment(
            self._uow(),
            unit_uscc=unit_uscc,
            region_prefix=region_prefix,
            catalog_prefix=catalog_prefix,
            status=status,
            due_before=due_before,
            inspected_by=inspected_by,
            page_size=page_size,
            page_token=page_token,
        )

    def update_equipment(self, equipment: Equipment, *, expected_version: int | None = None) -> Equipment:
        return update_equipment(self._uow(), equipment, expected_version=expected_version)

    def delete_equipment(self, equipment_id: str, *, expected_version: int | None = None) -> None:
        delete_equipment(self._uow(), equipment_id, expected_version=expected_version)
