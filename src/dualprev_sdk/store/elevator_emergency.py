"""96333 tables: the rescue-code registry (unique per platform region), incidents, and maintenance records.

The registry is its own table rather than a column on ``equipment`` so that uniqueness is enforced by the
database per platform region (``(platform_region, code)`` primary key) and a code can be moved from a scrapped
lift to a new one without touching equipment history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import Field, SQLModel

from dualprev_sdk import timeutil
from dualprev_sdk.domain.elevator_emergency import IncidentCause, MaintenanceRecord, RescueIncident
from dualprev_sdk.errors import AlreadyExists, NotFound
from dualprev_sdk.store.base import (
    JSON_TYPE,
    UTCDateTime,
    chunked,
    compare_and_swap,
    insert_new,
    key_string,
    starts_with,
    table_of,
)
from dualprev_sdk.store.equipment import EQUIPMENT

__all__ = [
    "MAINTENANCE_RECORDS",
    "RESCUE_CODES",
    "RESCUE_INCIDENTS",
    "ElevatorEmergencyRepository",
]


class RescueCodeRow(SQLModel, table=True):
    __tablename__ = "rescue_codes"

    platform_region: str = Field(sa_type=key_string(12), primary_key=True)
    code: str = Field(sa_type=key_string(32), primary_key=True)
    equipment_id: str = Field(sa_type=key_string(64), foreign_key="equipment.id", unique=True)
    registered_at: dt.datetime = Field(sa_type=UTCDateTime)


class RescueIncidentRow(SQLModel, table=True):
    __tablename__ = "rescue_incidents"
    __table_args__ = (
        sa.Index("ix_rescue_incidents_equipment_called", "equipment_id", "called_at"),
        sa.Index("ix_rescue_incidents_region_called", "region_code", "called_at"),
    )

    id: str = Field(sa_type=key_string(64), primary_key=True)
    equipment_id: str = Field(sa_type=key_string(64), foreign_key="equipment.id")
    region_code: str = Field(sa_type=key_string(12))
    rescue_code: str = Field(sa_type=key_string(32))
    called_at: dt.datetime = Field(sa_type=UTCDateTime)
    cause: str = Field(sa_type=key_string(24))
    trapped_persons: int = Field(default=0)
    maintenance_unit: str = Field(default="", sa_type=sa.String(200))
    dispatched_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    arrived_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    released_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    redispatched_to: str | None = Field(default=None, sa_type=sa.String(200))
    redispatched_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    hazard_id: str | None = Field(default=None, sa_type=key_string(64))
    note: str = Field(default="", sa_type=sa.String(1000))
    version: int = Field(default=1)


class MaintenanceRecordRow(SQLModel, table=True):
    __tablename__ = "maintenance_records"
    __table_args__ = (sa.Index("ix_maintenance_records_equipment_date", "equipment_id", "performed_on"),)

    id: str = Field(sa_type=key_string(64), primary_key=True)
    equipment_id: str = Field(sa_type=key_string(64), foreign_key="equipment.id")
    performed_on: dt.date
    maintenance_unit: str = Field(sa_type=sa.String(200))
    kind: str = Field(default="half_monthly", sa_type=key_string(24))
    items: list[str] = Field(default_factory=list, sa_type=JSON_TYPE)


RESCUE_CODES = table_of(RescueCodeRow)
RESCUE_INCIDENTS = table_of(RescueIncidentRow)
MAINTENANCE_RECORDS = table_of(MaintenanceRecordRow)

_INCIDENT_MUTABLE = (
    "dispatched_at",
    "arrived_at",
    "released_at",
    "redispatched_to",
    "redispatched_at",
    "trapped_persons",
    "cause",
    "note",
)


def incident_to_row(incident: RescueIncident) -> dict[str, Any]:
    return {
        "id": incident.id,
        "equipment_id": incident.equipment_id,
        "rescue_code": incident.rescue_code,
        "called_at": incident.called_at,
        "cause": incident.cause.value,
        "trapped_persons": incident.trapped_persons,
        "maintenance_unit": incident.maintenance_unit,
        "dispatched_at": incident.dispatched_at,
        "arrived_at": incident.arrived_at,
        "released_at": incident.released_at,
        "redispatched_to": incident.redispatched_to,
        "redispatched_at": incident.redispatched_at,
        "note": incident.note,
    }


def incident_from_row(row: Mapping[Any, Any]) -> RescueIncident:
    return RescueIncident(
        id=row["id"],
        equipment_id=row["equipment_id"],
        rescue_code=row["rescue_code"],
        called_at=row["called_at"],
        cause=IncidentCause(row["cause"]),
        trapped_persons=row["trapped_persons"],
        maintenance_unit=row["maintenance_unit"],
        dispatched_at=row["dispatched_at"],
        arrived_at=row["arrived_at"],
        released_at=row["released_at"],
        redispatched_to=row["redispatched_to"],
        redispatched_at=row["redispatched_at"],
        note=row["note"],
        version=row["version"],
    )


class ElevatorEmergencyRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- rescue codes ----------------------------------------------------------------------------------------

    def register_code(self, platform_region: str, code: str, equipment_id: str) -> None:
        taken = self.session.execute(
            sa.select(RESCUE_CODES.c.equipment_id).where(
                RESCUE_CODES.c.platform_region == platform_region, RESCUE_CODES.c.code == code
            )
        ).scalar()
        if taken is not None and taken != equipment_id:
            raise AlreadyExists(
                "rescue code",
                code,
                f"rescue code {code!r} is already used by equipment {taken} in region {platform_region}",
            )
        self.session.execute(sa.delete(RESCUE_CODES).where(RESCUE_CODES.c.equipment_id == equipment_id))
        self.session.execute(
            sa.insert(RESCUE_CODES).values(
                platform_region=platform_region, code=code, equipment_id=equipment_id, registered_at=timeutil.now()
            )
        )

    def equipment_for_code(self, platform_region: str, code: str) -> str:
        found = self.session.execute(
            sa.select(RESCUE_CODES.c.equipment_id).where(
                RESCUE_CODES.c.platform_region == platform_region, RESCUE_CODES.c.code == code
            )
        ).scalar()
        if found is None:
            raise NotFound("rescue code", f"{platform_region}/{code}")
        return str(found)

    # -- incidents -------------------------------------------------------------------------------------------

    def add_incident(self, incident: RescueIncident, *, region_code: str) -> RescueIncident:
        """Insert a new incident; a taken id (also one a concurrent insert took meanwhile) is AlreadyExists."""
        row = incident_to_row(incident) | {"region_code": region_code, "version": 1}
        insert_new(self.session, RESCUE_INCIDENTS, [row], kind="rescue incident", key="id")
        incident.version = 1
        return incident

    def find_incident(self, incident_id: str) -> RescueIncident | None:
        row = (
            self.session.execute(sa.select(RESCUE_INCIDENTS).where(RESCUE_INCIDENTS.c.id == incident_id))
            .mappings()
            .first()
        )
        return None if row is None else incident_from_row(row)

    def get_incident(self, incident_id: str) -> RescueIncident:
        found = self.find_incident(incident_id)
        if found is None:
            raise NotFound("rescue incident", incident_id)
        return found

    def update_incident(self, incident: RescueIncident) -> RescueIncident:
        values = {k: v for k, v in incident_to_row(incident).items() if k in _INCIDENT_MUTABLE}
        incident.version = compare_and_swap(
            self.session, RESCUE_INCIDENTS, {"id": incident.id}, incident.version, values, kind="rescue incident"
        )
        return incident

    def link_hazard(self, incident_ids: Sequence[str], hazard_id: str) -> None:
        self.session.execute(
            sa.update(RESCUE_INCIDENTS).where(RESCUE_INCIDENTS.c.id.in_(incident_ids)).values(hazard_id=hazard_id)
        )

    def incidents(
        self,
        *,
        since: dt.datetime,
        until: dt.datetime,
        region_prefix: str = "",
        equipment_id: str | None = None,
        unlinked_only: bool = False,
    ) -> list[RescueIncident]:
        stmt = sa.select(RESCUE_INCIDENTS).where(
            RESCUE_INCIDENTS.c.called_at >= since, RESCUE_INCIDENTS.c.called_at < until
        )
        if region_prefix:
            stmt = stmt.where(starts_with(RESCUE_INCIDENTS.c.region_code, region_prefix))
        if equipment_id is not None:
            stmt = stmt.where(RESCUE_INCIDENTS.c.equipment_id == equipment_id)
        if unlinked_only:
            stmt = stmt.where(RESCUE_INCIDENTS.c.hazard_id.is_(None))
        rows = self.session.execute(stmt.order_by(RESCUE_INCIDENTS.c.called_at, RESCUE_INCIDENTS.c.id)).mappings()
        return [incident_from_row(r) for r in rows]

    def incidents_of(
        self, equipment_ids: Sequence[str], *, since: dt.datetime, until: dt.datetime, chunk_size: int = 500
    ) -> dict[str, list[RescueIncident]]:
        """Incidents of each of ``equipment_ids`` called in [since, until), by call time — one ``IN`` query per
        chunk instead of one query per lift. Lifts without incidents are absent."""
        out: dict[str, list[RescueIncident]] = {}
        for chunk in chunked(list(equipment_ids), chunk_size):
            stmt = sa.select(RESCUE_INCIDENTS).where(
                RESCUE_INCIDENTS.c.equipment_id.in_(chunk),
                RESCUE_INCIDENTS.c.called_at >= since,
                RESCUE_INCIDENTS.c.called_at < until,
            )
            for row in self.session.execute(
                stmt.order_by(RESCUE_INCIDENTS.c.called_at, RESCUE_INCIDENTS.c.id)
            ).mappings():
                incident = incident_from_row(row)
                out.setdefault(incident.equipment_id, []).append(incident)
        return out

    def pending_arrivals(self, *, called_before: dt.datetime, region_prefix: str = "") -> list[RescueIncident]:
        """Incidents with nobody on site and nobody re-dispatched, called before the cut-off; with
        ``region_prefix``, only those of lifts whose (current) region starts with it — in the same query."""
        stmt = sa.select(RESCUE_INCIDENTS).where(
            RESCUE_INCIDENTS.c.arrived_at.is_(None),
            RESCUE_INCIDENTS.c.redispatched_to.is_(None),
            RESCUE_INCIDENTS.c.called_at < called_before,
        )
        if region_prefix:
            in_region = sa.select(EQUIPMENT.c.id).where(starts_with(EQUIPMENT.c.region_code, region_prefix))
            stmt = stmt.where(RESCUE_INCIDENTS.c.equipment_id.in_(in_region))
        return [
            incident_from_row(r) for r in self.session.execute(stmt.order_by(RESCUE_INCIDENTS.c.called_at)).mappings()
        ]

    # -- maintenance -----------------------------------------------------------------------------------------

    def add_maintenance(self, record: MaintenanceRecord) -> None:
        """Insert a new record; a taken id (also one a concurrent insert took meanwhile) is AlreadyExists."""
        row = {
            "id": record.id,
            "equipment_id": record.equipment_id,
            "performed_on": record.performed_on,
            "maintenance_unit": record.maintenance_unit,
            "kind": record.kind,
            "items": list(record.items),
        }
        insert_new(self.session, MAINTENANCE_RECORDS, [row], kind="maintenance record", key="id")

    def last_maintenance_of(self, equipment_ids: Sequence[str], *, chunk_size: int = 500) -> dict[str, dt.date]:
        """The newest maintenance date of each of ``equipment_ids`` — one grouped query per chunk. Lifts with
        no record are absent."""
        out: dict[str, dt.date] = {}
        for chunk in chunked(list(equipment_ids), chunk_size):
            stmt = (
                sa.select(MAINTENANCE_RECORDS.c.equipment_id, sa.func.max(MAINTENANCE_RECORDS.c.performed_on))
                .where(MAINTENANCE_RECORDS.c.equipment_id.in_(chunk))
                .group_by(MAINTENANCE_RECORDS.c.equipment_id)
            )
            out |= {str(e): last for e, last in self.session.execute(stmt) if isinstance(last, dt.date)}
        return out

    def maintenance_overdue(
        self,
        *,
        equipment_ids_sql: sa.Select[Any],
        before: dt.date,
        after: str | None = None,
        limit: int | None = None,
    ) -> list[tuple[str, dt.date | None]]:
        """(equipment id, last maintenance) for the selected lifts whose last record is before ``before`` or
        missing, by equipment id — one grouped query, not a loop. ``after`` and ``limit`` read one keyset
        page: the lifts whose id sorts above ``after``, at most ``limit``."""
        selected = equipment_ids_sql.subquery()
        last = (
            sa.select(MAINTENANCE_RECORDS.c.equipment_id, sa.func.max(MAINTENANCE_RECORDS.c.performed_on).label("last"))
            .group_by(MAINTENANCE_RECORDS.c.equipment_id)
            .subquery()
        )
        stmt = (
            sa.select(selected.c.id, last.c.last)
            .select_from(selected.outerjoin(last, last.c.equipment_id == selected.c.id))
            .where(sa.or_(last.c.last.is_(None), last.c.last < before))
            .order_by(selected.c.id)
        )
        if after is not None:
            stmt = stmt.where(selected.c.id > after)
        if limit is not None:
            stmt = stmt.limit(limit)
        return [(str(r[0]), r[1]) for r in self.session.execute(stmt)]
