"""Equipment (特种设备台账): the ``equipment`` table, its mappers and :class:`EquipmentRepository`.

Class-specific parameters (rated load, design pressure…) are stored as JSON: each equipment-class plugin
declares its own attrs type, and a new plugin must not need a migration. The store never imports plugins;
it is handed a :class:`ParametersCodec` by the composition root, which asks the plugin host which type a
catalogue code uses.

The unit's ``region_code`` is copied onto each equipment row so that regional sweeps ("every lift in 郑州市
overdue for inspection") are one index range scan instead of a join over a million rows; the unit repository
keeps the copy current when a unit moves region.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

import attrs
import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import Field, SQLModel

from dualprev_sdk import timeutil
from dualprev_sdk.domain.common import CrowdedPlaceType, Location
from dualprev_sdk.domain.equipment import Equipment, EquipmentStatus
from dualprev_sdk.errors import AlreadyExists, DualprevError, InvalidArgument, NotFound
from dualprev_sdk.serialization import converter
from dualprev_sdk.store.base import (
    JSON_TYPE,
    UTCDateTime,
    chunked,
    compare_and_swap,
    delete_versioned,
    insert_many,
    key_string,
    starts_with,
    table_of,
)

__all__ = [
    "EQUIPMENT",
    "EquipmentRepository",
    "EquipmentRow",
    "ParametersCodec",
    "PlainParametersCodec",
    "equipment_from_row",
    "equipment_to_row",
    "read_equipment",
]

KIND = "equipment"
UNKNOWN_CODE = "-"
log = logging.getLogger(__name__)


class ParametersCodec(Protocol):
    """Turns an equipment's class-specific parameters into JSON-able data and back, by catalogue code.

    ``structure`` raises :class:`~dualprev_sdk.errors.InvalidArgument` (with field paths) for bad data.
    """

    def unstructure(self, catalog_code: str, parameters: Any) -> dict[str, Any] | None: ...

    def structure(self, catalog_code: str, data: dict[str, Any] | None) -> Any: ...


class PlainParametersCodec:
    """The codec without plugins: attrs instances are unstructured, stored data comes back as plain dicts."""

    def unstructure(self, catalog_code: str, parameters: Any) -> dict[str, Any] | None:
        if parameters is None:
            return None
        data = parameters if isinstance(parameters, dict) else converter.unstructure(parameters)
        if not isinstance(data, dict):
            raise InvalidArgument.single(
                "parameters", parameters, "parameters.object", "equipment parameters must be an object"
            )
        return data

    def structure(self, catalog_code: str, data: dict[str, Any] | None) -> Any:
        return data


class EquipmentRow(SQLModel, table=True):
    """One piece of special equipment. ``equipment_code`` is NULL when unknown (``"-"`` in the domain), so the
    uniqueness constraint applies only to real codes."""

    __tablename__ = "equipment"
    __table_args__ = (
        sa.Index("ix_equipment_unit_uscc", "unit_uscc"),
        sa.Index("ix_equipment_catalog_code", "catalog_code"),
        sa.Index("ix_equipment_status_due", "status", "next_inspection_due"),
        sa.Index("ix_equipment_region_status_due", "region_code", "status", "next_inspection_due"),
        # natural-key look-ups of the ledger re-import when a row has no real equipment code
        sa.Index("ix_equipment_registration_number", "registration_number"),
        sa.Index("ix_equipment_unit_internal_number", "unit_uscc", "unit_internal_number"),
    )

    id: str = Field(sa_type=key_string(64), primary_key=True)
    unit_uscc: str = Field(sa_type=key_string(18), foreign_key="units.uscc", ondelete="RESTRICT")
    region_code: str = Field(sa_type=key_string(12))
    catalog_code: str = Field(sa_type=key_string(8))
    equipment_code: str | None = Field(default=None, sa_type=key_string(32), unique=True)
    registration_number: str = Field(default="", sa_type=key_string(64))
    unit_internal_number: str = Field(default="", sa_type=key_string(64))
    name: str = Field(default="", sa_type=sa.String(200))
    model: str = Field(default="", sa_type=sa.String(200))
    manufacturer: str = Field(default="", sa_type=sa.String(200))
    location_address: str = Field(default="", sa_type=sa.String(500))
    location_building: str = Field(default="", sa_type=sa.String(100))
    location_floor: str = Field(default="", sa_type=sa.String(50))
    location_area: str = Field(default="", sa_type=sa.String(100))
    location_x: float | None = Field(default=None)
    location_y: float | None = Field(default=None)
    crowded_place: str | None = Field(default=None, sa_type=key_string(32))
    status: str = Field(default=EquipmentStatus.IN_USE.value, sa_type=key_string(16))
    status_since: dt.date | None = Field(default=None)
    manufactured_on: dt.date | None = Field(default=None)
    commissioned_on: dt.date | None = Field(default=None)
    registered_on: dt.date | None = Field(default=None)
    design_life_years: int | None = Field(default=None)
    next_inspection_due: dt.date | None = Field(default=None)
    safety_officer: str = Field(default="", sa_type=sa.String(100))
    rescue_code: str | None = Field(default=None, sa_type=key_string(32))
    parameters: dict[str, Any] | None = Field(default=None, sa_type=JSON_TYPE)
    out_of_catalog: bool = Field(default=False)
    catalog_review: bool = Field(default=False)
    stop_use_order: str | None = Field(default=None, sa_type=sa.String(64))
    version: int = Field(default=1)
    created_at: dt.datetime = Field(sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(sa_type=UTCDateTime)


EQUIPMENT = table_of(EquipmentRow)


def equipment_to_row(equipment: Equipment, *, region_code: str, codec: ParametersCodec | None = None) -> dict[str, Any]:
    """Column values for ``equipment`` (without ``version`` and timestamps). ``region_code`` is the unit's."""
    codec = codec or PlainParametersCodec()
    loc = equipment.location
    return {
        "id": equipment.id,
        "unit_uscc": equipment.unit_uscc,
        "region_code": region_code,
        "catalog_code": equipment.catalog_code,
        "equipment_code": None if equipment.equipment_code in ("", UNKNOWN_CODE) else equipment.equipment_code,
        "registration_number": equipment.registration_number,
        "unit_internal_number": equipment.unit_internal_number,
        "name": equipment.name,
        "model": equipment.model,
        "manufacturer": equipment.manufacturer,
        "location_address": loc.address,
        "location_building": loc.building,
        "location_floor": loc.floor,
        "location_area": loc.area,
        "location_x": loc.x,
        "location_y": loc.y,
        "crowded_place": equipment.crowded_place.value if equipment.crowded_place else None,
        "status": equipment.status.value,
        "status_since": equipment.status_since,
        "manufactured_on": equipment.manufactured_on,
        "commissioned_on": equipment.commissioned_on,
        "registered_on": equipment.registered_on,
        "design_life_years": equipment.design_life_years,
        "next_inspection_due": equipment.next_inspection_due,
        "safety_officer": equipment.safety_officer,
        "rescue_code": equipment.rescue_code,
        "parameters": codec.unstructure(equipment.catalog_code, equipment.parameters),
        "out_of_catalog": equipment.out_of_catalog,
        "catalog_review": equipment.catalog_review,
        "stop_use_order": equipment.stop_use_order,
    }


def equipment_from_row(row: Mapping[Any, Any], *, codec: ParametersCodec | None = None) -> Equipment:
    """The domain object for an ``equipment`` row.

    Parameters that no longer fit the plugin's type (the plugin changed, or was removed) come back as the
    stored dict with a warning, so one odd record cannot make a whole ledger unreadable.
    """
    codec = codec or PlainParametersCodec()
    raw = row["parameters"]
    try:
        parameters = codec.structure(row["catalog_code"], raw)
    except DualprevError as exc:
        log.warning("equipment %s: stored parameters do not fit their class, kept as data: %s", row["id"], exc)
        parameters = raw
    return Equipment(
        id=row["id"],
        unit_uscc=row["unit_uscc"],
        catalog_code=row["catalog_code"],
        equipment_code=row["equipment_code"] or UNKNOWN_CODE,
        registration_number=row["registration_number"],
        unit_internal_number=row["unit_internal_number"],
        name=row["name"],
        model=row["model"],
        manufacturer=row["manufacturer"],
        location=Location(
            address=row["location_address"],
            building=row["location_building"],
            floor=row["location_floor"],
            area=row["location_area"],
            x=row["location_x"],
            y=row["location_y"],
        ),
        crowded_place=CrowdedPlaceType(row["crowded_place"]) if row["crowded_place"] else None,
        status=EquipmentStatus(row["status"]),
        status_since=row["status_since"],
        manufactured_on=row["manufactured_on"],
        commissioned_on=row["commissioned_on"],
        registered_on=row["registered_on"],
        design_life_years=row["design_life_years"],
        next_inspection_due=row["next_inspection_due"],
        safety_officer=row["safety_officer"],
        rescue_code=row["rescue_code"],
        parameters=parameters,
        out_of_catalog=bool(row["out_of_catalog"]),
        catalog_review=bool(row["catalog_review"]),
        stop_use_order=row["stop_use_order"],
        version=row["version"],
    )


#: Built once, like ``units._BY_USCC``: equipment is read by id on most gateway calls.
_BY_ID = sa.select(EQUIPMENT).where(EQUIPMENT.c.id == sa.bindparam("id"))


def read_equipment(connection: sa.Connection, equipment_id: str, *, codec: ParametersCodec | None = None) -> Equipment:
    """One piece of equipment by id on a plain connection (the single-lookup read path, no unit of work)."""
    row = connection.execute(_BY_ID, {"id": equipment_id}).mappings().first()
    if row is None:
        raise NotFound(KIND, equipment_id)
    return equipment_from_row(row, codec=codec)


class EquipmentRepository:
    """Equipment as domain objects. Writes return the stored object with its new ``version``."""

    def __init__(self, session: Session, *, codec: ParametersCodec | None = None) -> None:
        self.session = session
        self.codec: ParametersCodec = codec or PlainParametersCodec()

    # -- writes ------------------------------------------------------------------------------------------------

    def _region_of(self, uscc: str) -> str:
        from dualprev_sdk.store.units import UNITS

        region = self.session.execute(sa.select(UNITS.c.region_code).where(UNITS.c.uscc == uscc)).scalar()
        if region is None:
            raise NotFound("unit", uscc)
        return str(region)

    def _regions_of(self, usccs: Sequence[str], chunk_size: int) -> dict[str, str]:
        """Region codes of many units in a few queries (a ledger of a million items spans many units)."""
        from dualprev_sdk.store.units import UnitRepository

        regions = UnitRepository(self.session).regions_of(usccs, chunk_size=chunk_size)
        missing = [u for u in usccs if u not in regions]
        if missing:
            raise NotFound("unit", missing[0])
        return regions

    def _check_free(self, ids: Sequence[str], codes: Sequence[str]) -> None:
        taken = self.session.execute(sa.select(EQUIPMENT.c.id).where(EQUIPMENT.c.id.in_(ids)).limit(1)).scalar()
        if taken is not None:
            raise AlreadyExists(KIND, taken)
        if codes:
            code = self.session.execute(
                sa.select(EQUIPMENT.c.equipment_code).where(EQUIPMENT.c.equipment_code.in_(codes)).limit(1)
            ).scalar()
            if code is not None:
                raise AlreadyExists("equipment code", code)

    def add(self, equipment: Equipment) -> Equipment:
        """Insert new equipment for an existing unit (NotFound for the unit; AlreadyExists for id or code)."""
        values = equipment_to_row(equipment, region_code=self._region_of(equipment.unit_uscc), codec=self.codec)
        self._check_free([equipment.id], [values["equipment_code"]] if values["equipment_code"] else [])
        now = timeutil.now()
        try:
            self.session.execute(sa.insert(EQUIPMENT).values(**values, version=1, created_at=now, updated_at=now))
        except sa.exc.IntegrityError as exc:  # lost a race with a concurrent insert of the same key
            raise AlreadyExists(KIND, equipment.id) from exc
        return self._stored(equipment, values, 1)

    def add_many(self, items: Iterable[Equipment], *, chunk_size: int = 500) -> int:
        """Bulk insert (executemany in chunks). Every unit must exist; any taken id or code fails the call."""
        items = list(items)
        regions = self._regions_of(sorted({e.unit_uscc for e in items}), chunk_size)
        rows = [equipment_to_row(e, region_code=regions[e.unit_uscc], codec=self.codec) for e in items]
        now = timeutil.now()
        for chunk in chunked(rows, chunk_size):
            self._check_free([r["id"] for r in chunk], [r["equipment_code"] for r in chunk if r["equipment_code"]])
            rows_now = [{**r, "version": 1, "created_at": now, "updated_at": now} for r in chunk]
            insert_many(self.session, EQUIPMENT, rows_now, kind=KIND, key="id")
        return len(rows)

    def update(self, equipment: Equipment) -> Equipment:
        """Write ``equipment`` if still at ``equipment.version`` (else ConcurrencyConflict). A changed
        ``unit_uscc`` (transfer, 过户) takes the new unit's region."""
        values = equipment_to_row(equipment, region_code=self._region_of(equipment.unit_uscc), codec=self.codec)
        del values["id"]
        if values["equipment_code"]:
            clash = self.session.execute(
                sa.select(EQUIPMENT.c.id).where(
                    EQUIPMENT.c.equipment_code == values["equipment_code"], EQUIPMENT.c.id != equipment.id
                )
            ).scalar()
            if clash is not None:
                raise AlreadyExists("equipment code", values["equipment_code"])
        new_version = compare_and_swap(
            self.session,
            EQUIPMENT,
            {"id": equipment.id},
            equipment.version,
            {**values, "updated_at": timeutil.now()},
            kind=KIND,
        )
        return self._stored(equipment, values, new_version)

    def _stored(self, equipment: Equipment, values: Mapping[str, Any], version: int) -> Equipment:
        """What a read would return: normalised code, parameters structured into the class's type."""
        return attrs.evolve(
            equipment,
            version=version,
            equipment_code=values["equipment_code"] or UNKNOWN_CODE,
            parameters=self.codec.structure(equipment.catalog_code, values["parameters"]),
        )

    def delete(self, equipment_id: str, *, expected_version: int | None = None) -> None:
        delete_versioned(self.session, EQUIPMENT, {"id": equipment_id}, expected_version, kind=KIND)

    # -- reads -------------------------------------------------------------------------------------------------

    def find(self, equipment_id: str) -> Equipment | None:
        row = self.session.execute(_BY_ID, {"id": equipment_id}).mappings().first()
        return None if row is None else equipment_from_row(row, codec=self.codec)

    def get(self, equipment_id: str) -> Equipment:
        found = self.find(equipment_id)
        if found is None:
            raise NotFound(KIND, equipment_id)
        return found

    def find_many(self, equipment_ids: Iterable[str], *, chunk_size: int = 500) -> dict[str, Equipment]:
        """``id → equipment`` of those of ``equipment_ids`` that exist, one query per ``chunk_size`` ids: for
        checks and pages that name several items (a ``find`` per id would be a query per id)."""
        found: dict[str, Equipment] = {}
        for chunk in chunked(sorted(set(equipment_ids)), chunk_size):
            for row in self.session.execute(sa.select(EQUIPMENT).where(EQUIPMENT.c.id.in_(chunk))).mappings():
                found[row["id"]] = equipment_from_row(row, codec=self.codec)
        return found

    def find_by_code(self, equipment_code: str) -> Equipment | None:
        row = (
            self.session.execute(sa.select(EQUIPMENT).where(EQUIPMENT.c.equipment_code == equipment_code))
            .mappings()
            .first()
        )
        return None if row is None else equipment_from_row(row, codec=self.codec)

    def _filtered(
        self,
        stmt: sa.Select[Any],
        *,
        unit_uscc: str | None,
        region_prefix: str | None,
        catalog_prefix: str | None,
        status: EquipmentStatus | None,
        due_before: dt.date | None,
        inspected_by: str | None = None,
    ) -> sa.Select[Any]:
        if unit_uscc is not None:
            stmt = stmt.where(EQUIPMENT.c.unit_uscc == unit_uscc)
        if inspected_by is not None:
            from dualprev_sdk.store.inspections import equipment_inspected_by  # it imports this module

            stmt = stmt.where(EQUIPMENT.c.id.in_(equipment_inspected_by(inspected_by)))
        if region_prefix:
            stmt = stmt.where(starts_with(EQUIPMENT.c.region_code, region_prefix))
        if catalog_prefix:
            stmt = stmt.where(starts_with(EQUIPMENT.c.catalog_code, catalog_prefix))
        if status is not None:
            stmt = stmt.where(EQUIPMENT.c.status == status.value)
        if due_before is not None:
            stmt = stmt.where(EQUIPMENT.c.next_inspection_due < due_before)
        return stmt

    def list(
        self,
        *,
        unit_uscc: str | None = None,
        region_prefix: str | None = None,
        catalog_prefix: str | None = None,
        status: EquipmentStatus | None = None,
        due_before: dt.date | None = None,
        inspected_by: str | None = None,
        after: str | None = None,
        limit: int = 100,
    ) -> Sequence[Equipment]:
        """Equipment ordered by id, filtered; ``after`` is the last id of the previous page (keyset paging).
        ``inspected_by``: only equipment that agency has inspection records for (what an agency may read)."""
        stmt = self._filtered(
            sa.select(EQUIPMENT).order_by(EQUIPMENT.c.id).limit(limit),
            unit_uscc=unit_uscc,
            region_prefix=region_prefix,
            catalog_prefix=catalog_prefix,
            status=status,
            due_before=due_before,
            inspected_by=inspected_by,
        )
        if after is not None:
            stmt = stmt.where(EQUIPMENT.c.id > after)
        return [equipment_from_row(r, codec=self.codec) for r in self.session.execute(stmt).mappings()]

    def count(
        self,
        *,
        unit_uscc: str | None = None,
        region_prefix: str | None = None,
        catalog_prefix: str | None = None,
        status: EquipmentStatus | None = None,
        due_before: dt.date | None = None,
    ) -> int:
        stmt = self._filtered(
            sa.select(sa.func.count()).select_from(EQUIPMENT),
            unit_uscc=unit_uscc,
            region_prefix=region_prefix,
            catalog_prefix=catalog_prefix,
            status=status,
            due_before=due_before,
        )
        return int(self.session.execute(stmt).scalar_one())
