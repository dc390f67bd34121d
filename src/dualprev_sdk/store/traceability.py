"""Cylinder and mobile-vessel traceability tables: ``cylinders``, the append-only ``cylinder_events`` flow
(fills and refusals included) and ``vessel_loadings``.

Fills are the hot path (tens of millions a year in a province), so the repository works in batches: one
``SELECT … WHERE tag IN (…)`` per chunk to load cylinders, and one executemany ``INSERT`` per chunk for events.
Events have no version column: they are facts and are never updated.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import Field, SQLModel

from dualprev_sdk import timeutil
from dualprev_sdk.domain.cylinder import Cylinder, CylinderEvent, CylinderEventKind
from dualprev_sdk.errors import NotFound
from dualprev_sdk.store.base import (
    JSON_TYPE,
    UTCDateTime,
    chunked,
    compare_and_swap,
    insert_many,
    key_string,
    starts_with,
    table_of,
)

__all__ = [
    "CYLINDERS",
    "CYLINDER_EVENTS",
    "VESSEL_LOADINGS",
    "CylinderRepository",
    "cylinder_from_row",
    "cylinder_to_row",
]

KIND = "cylinder"


class CylinderRow(SQLModel, table=True):
    __tablename__ = "cylinders"
    __table_args__ = (
        sa.Index("ix_cylinders_station", "filling_station_uscc"),
        sa.Index("ix_cylinders_due", "next_inspection_due"),
    )

    id: str = Field(sa_type=key_string(64), primary_key=True)
    tag: str = Field(sa_type=key_string(64), unique=True)
    registration_code: str = Field(default="", sa_type=key_string(32))
    serial_number: str = Field(default="", sa_type=key_string(64))
    property_unit_uscc: str = Field(default="", sa_type=key_string(18))
    filling_station_uscc: str = Field(default="", sa_type=key_string(18))
    contracted_stations: list[str] = Field(default_factory=list, sa_type=JSON_TYPE)
    medium: str = Field(sa_type=sa.String(64))
    catalog_code: str = Field(default="2300", sa_type=key_string(8))
    manufactured_on: dt.date | None = Field(default=None)
    design_life_years: int | None = Field(default=None)
    last_inspection_on: dt.date | None = Field(default=None)
    next_inspection_due: dt.date | None = Field(default=None)
    scrapped_on: dt.date | None = Field(default=None)
    version: int = Field(default=1)
    created_at: dt.datetime = Field(sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(sa_type=UTCDateTime)


class CylinderEventRow(SQLModel, table=True):
    """One step of a cylinder's life. ``cylinder_id`` is NULL for a refusal of an unregistered tag."""

    __tablename__ = "cylinder_events"
    __table_args__ = (
        sa.Index("ix_cylinder_events_cylinder_at", "cylinder_id", "at"),
        sa.Index("ix_cylinder_events_station_at", "station_uscc", "at"),
        sa.Index("ix_cylinder_events_kind_at", "kind", "at"),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=sa.BigInteger().with_variant(sa.Integer(), "sqlite"))
    cylinder_id: str | None = Field(default=None, sa_type=key_string(64), foreign_key="cylinders.id")
    tag: str = Field(sa_type=key_string(64))
    kind: str = Field(sa_type=key_string(24))
    at: dt.datetime = Field(sa_type=UTCDateTime)
    station_uscc: str = Field(default="", sa_type=key_string(18))
    party: str = Field(default="", sa_type=sa.String(200))
    detail: dict[str, Any] = Field(default_factory=dict, sa_type=JSON_TYPE)
    request_id: str | None = Field(default=None, sa_type=key_string(128), unique=True)


class VesselLoadingRow(SQLModel, table=True):
    """A loading or unloading of a mobile pressure vessel, or its refusal by the interlock."""

    __tablename__ = "vessel_loadings"
    __table_args__ = (sa.Index("ix_vessel_loadings_equipment_at", "equipment_id", "at"),)

    id: int | None = Field(default=None, primary_key=True, sa_type=sa.BigInteger().with_variant(sa.Integer(), "sqlite"))
    equipment_id: str = Field(sa_type=key_string(64))
    station_uscc: str = Field(sa_type=key_string(18))
    operator_id: str = Field(sa_type=key_string(64))
    medium: str = Field(sa_type=sa.String(64))
    at: dt.datetime = Field(sa_type=UTCDateTime)
    unloading: bool = Field(default=False)
    quantity_kg: float | None = Field(default=None)
    refused: bool = Field(default=False)
    reasons: list[str] = Field(default_factory=list, sa_type=JSON_TYPE)


CYLINDERS = table_of(CylinderRow)
CYLINDER_EVENTS = table_of(CylinderEventRow)
VESSEL_LOADINGS = table_of(VesselLoadingRow)

_MUTABLE = (
    "registration_code",
    "serial_number",
    "property_unit_uscc",
    "filling_station_uscc",
    "contracted_stations",
    "medium",
    "catalog_code",
    "manufactured_on",
    "design_life_years",
    "last_inspection_on",
    "next_inspection_due",
    "scrapped_on",
)


def cylinder_to_row(cylinder: Cylinder) -> dict[str, Any]:
    return {
        "id": cylinder.id,
        "tag": cylinder.tag,
        "registration_code": cylinder.registration_code,
        "serial_number": cylinder.serial_number,
        "property_unit_uscc": cylinder.property_unit_uscc,
        "filling_station_uscc": cylinder.filling_station_uscc,
        "contracted_stations": list(cylinder.contracted_stations),
        "medium": cylinder.medium,
        "catalog_code": cylinder.catalog_code,
        "manufactured_on": cylinder.manufactured_on,
        "design_life_years": cylinder.design_life_years,
        "last_inspection_on": cylinder.last_inspection_on,
        "next_inspection_due": cylinder.next_inspection_due,
        "scrapped_on": cylinder.scrapped_on,
    }


def cylinder_from_row(row: Mapping[Any, Any]) -> Cylinder:
    return Cylinder(
        id=row["id"],
        tag=row["tag"],
        registration_code=row["registration_code"],
        serial_number=row["serial_number"],
        property_unit_uscc=row["property_unit_uscc"],
        filling_station_uscc=row["filling_station_uscc"],
        contracted_stations=tuple(row["contracted_stations"] or ()),
        medium=row["medium"],
        catalog_code=row["catalog_code"],
        manufactured_on=row["manufactured_on"],
        design_life_years=row["design_life_years"],
        last_inspection_on=row["last_inspection_on"],
        next_inspection_due=row["next_inspection_due"],
        scrapped_on=row["scrapped_on"],
        version=row["version"],
    )


def event_to_row(event: CylinderEvent, tag: str) -> dict[str, Any]:
    return {
        "cylinder_id": event.cylinder_id or None,
        "tag": tag,
        "kind": event.kind.value,
        "at": event.at,
        "station_uscc": event.station_uscc,
        "party": event.party,
        "detail": dict(event.detail),
        "request_id": event.request_id,
    }


def event_from_row(row: Mapping[Any, Any]) -> CylinderEvent:
    return CylinderEvent(
        cylinder_id=row["cylinder_id"] or "",
        kind=CylinderEventKind(row["kind"]),
        at=row["at"],
        station_uscc=row["station_uscc"],
        party=row["party"],
        detail=dict(row["detail"] or {}),
        request_id=row["request_id"],
    )


def _station_scope(station_uscc: str | None, region_prefix: str | None) -> list[sa.ColumnElement[bool]]:
    """Events at one station, and/or at the stations whose unit lies under a region-code prefix."""
    from dualprev_sdk.store.units import UNITS

    where: list[sa.ColumnElement[bool]] = []
    if station_uscc is not None:
        where.append(CYLINDER_EVENTS.c.station_uscc == station_uscc)
    if region_prefix:
        stations = sa.select(UNITS.c.uscc).where(starts_with(UNITS.c.region_code, region_prefix))
        where.append(CYLINDER_EVENTS.c.station_uscc.in_(stations))
    return where


class CylinderRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add_many(self, cylinders: Iterable[Cylinder], *, chunk_size: int = 1000) -> int:
        now = timeutil.now()
        rows = [{**cylinder_to_row(c), "version": 1, "created_at": now, "updated_at": now} for c in cylinders]
        for chunk in chunked(rows, chunk_size):
            insert_many(self.session, CYLINDERS, chunk, kind=KIND, key="tag")
        return len(rows)

    def add(self, cylinder: Cylinder) -> Cylinder:
        self.add_many([cylinder])
        cylinder.version = 1
        return cylinder

    def find_by_tag(self, tag: str) -> Cylinder | None:
        row = self.session.execute(sa.select(CYLINDERS).where(CYLINDERS.c.tag == tag)).mappings().first()
        return None if row is None else cylinder_from_row(row)

    def get_by_tag(self, tag: str) -> Cylinder:
        found = self.find_by_tag(tag)
        if found is None:
            raise NotFound(KIND, tag)
        return found

    def by_tags(self, tags: Sequence[str]) -> dict[str, Cylinder]:
        """The registered cylinders among ``tags``, by tag: one query per call (use chunks of ≤ 1,000)."""
        if not tags:
            return {}
        rows = self.session.execute(sa.select(CYLINDERS).where(CYLINDERS.c.tag.in_(sorted(set(tags))))).mappings()
        return {r["tag"]: cylinder_from_row(r) for r in rows}

    def update(self, cylinder: Cylinder) -> Cylinder:
        values = {k: v for k, v in cylinder_to_row(cylinder).items() if k in _MUTABLE}
        cylinder.version = compare_and_swap(
            self.session,
            CYLINDERS,
            {"id": cylinder.id},
            cylinder.version,
            {**values, "updated_at": timeutil.now()},
            kind=KIND,
        )
        return cylinder

    def append_events(self, events: Sequence[tuple[CylinderEvent, str]]) -> int:
        """Append ``(event, tag)`` pairs in one executemany.

        This is the hot path of fill recording, so rows go to the driver as plain tuples (``exec_driver_sql``)
        instead of through SQLAlchemy's per-row bind processing, which cost about 40 % of a fill. The values are
        converted here exactly as the column types would: instants as naive UTC text on SQLite (what
        :class:`UTCDateTime` stores and reads back) and aware datetimes on PostgreSQL, details as JSON text.
        """
        if not events:
            return 0
        connection = self.session.connection()
        dialect = connection.dialect
        sqlite = dialect.name == "sqlite"
        marks = ", ".join(["?" if dialect.paramstyle == "qmark" else "%s"] * 8)
        # a resent event (same request id) racing with its first delivery is dropped, not an error
        sql = (
            "INSERT INTO cylinder_events (cylinder_id, tag, kind, at, station_uscc, party, detail, request_id) "
            f"VALUES ({marks}) ON CONFLICT (request_id) DO NOTHING"
        )
        rows = []
        for event, tag in events:
            at = timeutil.ensure_aware(event.at, field="at").astimezone(dt.UTC)
            rows.append(
                (
                    event.cylinder_id or None,
                    tag,
                    event.kind.value,
                    at.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else at,
                    event.station_uscc,
                    event.party,
                    json.dumps(event.detail, ensure_ascii=False, separators=(",", ":")),
                    event.request_id,
                )
            )
        connection.exec_driver_sql(sql, rows)
        return len(rows)

    def recorded_requests(self, request_ids: Iterable[str]) -> dict[str, CylinderEvent]:
        """The events already recorded for any of ``request_ids``, by request id (one query per 1,000 ids)."""
        wanted = sorted(set(request_ids))
        found: dict[str, CylinderEvent] = {}
        for chunk in chunked(wanted, 1000):
            rows = self.session.execute(
                sa.select(CYLINDER_EVENTS).where(CYLINDER_EVENTS.c.request_id.in_(chunk))
            ).mappings()
            found.update({str(r["request_id"]): event_from_row(r) for r in rows})
        return found

    def events_for(self, cylinder_id: str) -> list[CylinderEvent]:
        stmt = (
            sa.select(CYLINDER_EVENTS)
            .where(CYLINDER_EVENTS.c.cylinder_id == cylinder_id)
            .order_by(CYLINDER_EVENTS.c.at, CYLINDER_EVENTS.c.id)
        )
        return [event_from_row(r) for r in self.session.execute(stmt).mappings()]

    def events_between(
        self,
        start: dt.datetime,
        end: dt.datetime,
        *,
        station_uscc: str | None = None,
        region_prefix: str | None = None,
        cylinder_ids: Sequence[str] | None = None,
    ) -> list[CylinderEvent]:
        """Events in ``[start, end)`` at one station, or at the stations of a region (GB/T 2260 prefix of the
        station unit's region code), optionally of some cylinders only (``""`` in ``cylinder_ids`` stands for
        the refusals of unregistered tags, which have no cylinder)."""
        stmt = sa.select(CYLINDER_EVENTS).where(
            CYLINDER_EVENTS.c.at >= start,
            CYLINDER_EVENTS.c.at < end,
            *_station_scope(station_uscc, region_prefix),
        )
        if cylinder_ids is not None:
            registered = sorted({c for c in cylinder_ids if c})
            wanted = [CYLINDER_EVENTS.c.cylinder_id.in_(registered)] if registered else []
            if "" in cylinder_ids:
                wanted.append(CYLINDER_EVENTS.c.cylinder_id.is_(None))
            stmt = stmt.where(sa.or_(*wanted) if wanted else sa.false())
        return [event_from_row(r) for r in self.session.execute(stmt.order_by(CYLINDER_EVENTS.c.id)).mappings()]

    def cylinders_with_events_between(
        self,
        start: dt.datetime,
        end: dt.datetime,
        *,
        station_uscc: str | None = None,
        region_prefix: str | None = None,
        above: str | None = None,
        limit: int = 500,
    ) -> list[tuple[str, str]]:
        """``(cylinder id, tag)`` of the cylinders with events in ``[start, end)`` in the scope, in the order of
        ``tag + "|"``, at most ``limit``: the keyset walk behind paged warnings, whose keys are
        ``tag|warning kind``. ``above`` (the last key of the previous page) keeps the cylinders that may still
        have a key above it: those whose ``tag + "|~"`` sorts above it (``~`` outranks the lowercase letters of
        every warning kind). Unregistered tags' refusals form one group with id and tag ``""``, as
        :func:`~dualprev_sdk.domain.cylinder.trace_warnings` counts them."""
        e = CYLINDER_EVENTS.c
        key = sa.case((e.cylinder_id.is_(None), sa.literal("")), else_=e.tag) + sa.literal("|")
        stmt = (
            sa.select(sa.func.coalesce(e.cylinder_id, sa.literal("")), key.label("key"))
            .where(e.at >= start, e.at < end, *_station_scope(station_uscc, region_prefix))
            .group_by(e.cylinder_id, key)
            .order_by(key)
            .limit(limit)
        )
        if above is not None:
            stmt = stmt.where(key + sa.literal("~") > above)
        return [(str(r[0]), str(r[1])[:-1]) for r in self.session.execute(stmt)]

    def by_ids(self, ids: Iterable[str]) -> dict[str, Cylinder]:
        wanted = sorted(set(ids))
        found: dict[str, Cylinder] = {}
        for chunk in chunked(wanted, 1000):
            rows = self.session.execute(sa.select(CYLINDERS).where(CYLINDERS.c.id.in_(chunk))).mappings()
            found.update({r["id"]: cylinder_from_row(r) for r in rows})
        return found

    def add_loading(self, row: Mapping[str, Any]) -> None:
        self.session.execute(sa.insert(VESSEL_LOADINGS).values(**row))

    def loadings_for(self, equipment_id: str) -> list[dict[str, Any]]:
        stmt = (
            sa.select(VESSEL_LOADINGS)
            .where(VESSEL_LOADINGS.c.equipment_id == equipment_id)
            .order_by(VESSEL_LOADINGS.c.at, VESSEL_LOADINGS.c.id)
        )
        return [dict(r) for r in self.session.execute(stmt).mappings()]
