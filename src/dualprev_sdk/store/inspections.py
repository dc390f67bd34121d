"""Inspection records (检验记录): the ``inspections`` table, mappers and :class:`InspectionRepository`.

Indexed by (equipment, date) because the question asked most is "what was this item's last inspection".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import Field, SQLModel

from dualprev_sdk import timeutil
from dualprev_sdk.domain.inspection import InspectionConclusion, InspectionKind, InspectionRecord
from dualprev_sdk.errors import AlreadyExists, NotFound
from dualprev_sdk.store.base import UTCDateTime, chunked, compare_and_swap, delete_versioned, insert_many, table_of

__all__ = ["INSPECTIONS", "InspectionRepository", "InspectionRow", "inspection_from_row", "inspection_to_row"]

KIND = "inspection"


class InspectionRow(SQLModel, table=True):
    __tablename__ = "inspections"
    __table_args__ = (sa.Index("ix_inspections_equipment_date", "equipment_id", "inspected_on"),)

    id: str = Field(sa_type=sa.String(64), primary_key=True)
    equipment_id: str = Field(sa_type=sa.String(64), foreign_key="equipment.id", ondelete="RESTRICT")
    kind: str = Field(sa_type=sa.String(32))
    inspected_on: dt.date
    conclusion: str = Field(sa_type=sa.String(32))
    agency: str = Field(default="", sa_type=sa.String(200))
    report_number: str = Field(default="", sa_type=sa.String(64))
    safety_grade: int | None = Field(default=None)
    next_due: dt.date | None = Field(default=None)
    version: int = Field(default=1)
    created_at: dt.datetime = Field(sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(sa_type=UTCDateTime)


INSPECTIONS = table_of(InspectionRow)


def inspection_to_row(record: InspectionRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "equipment_id": record.equipment_id,
        "kind": record.kind.value,
        "inspected_on": record.inspected_on,
        "conclusion": record.conclusion.value,
        "agency": record.agency,
        "report_number": record.report_number,
        "safety_grade": record.safety_grade,
        "next_due": record.next_due,
    }


def inspection_from_row(row: Mapping[Any, Any]) -> InspectionRecord:
    return InspectionRecord(
        id=row["id"],
        equipment_id=row["equipment_id"],
        kind=InspectionKind(row["kind"]),
        inspected_on=row["inspected_on"],
        conclusion=InspectionConclusion(row["conclusion"]),
        agency=row["agency"],
        report_number=row["report_number"],
        safety_grade=row["safety_grade"],
        next_due=row["next_due"],
        version=row["version"],
    )


class InspectionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, record: InspectionRecord) -> InspectionRecord:
        if self.session.execute(sa.select(INSPECTIONS.c.id).where(INSPECTIONS.c.id == record.id)).first():
            raise AlreadyExists(KIND, record.id)
        now = timeutil.now()
        self.session.execute(
            sa.insert(INSPECTIONS).values(**inspection_to_row(record), version=1, created_at=now, updated_at=now)
        )
        return attrs.evolve(record, version=1)

    def add_many(self, records: Iterable[InspectionRecord], *, chunk_size: int = 500) -> int:
        rows = [inspection_to_row(r) for r in records]
        now = timeutil.now()
        for chunk in chunked(rows, chunk_size):
            taken = self.session.execute(
                sa.select(INSPECTIONS.c.id).where(INSPECTIONS.c.id.in_([r["id"] for r in chunk])).limit(1)
            ).scalar()
            if taken is not None:
                raise AlreadyExists(KIND, taken)
            rows_now = [{**r, "version": 1, "created_at": now, "updated_at": now} for r in chunk]
            insert_many(self.session, INSPECTIONS, rows_now, kind=KIND, key="id")
        return len(rows)

    def find(self, record_id: str) -> InspectionRecord | None:
        row = self.session.execute(sa.select(INSPECTIONS).where(INSPECTIONS.c.id == record_id)).mappings().first()
        return None if row is None else inspection_from_row(row)

    def get(self, record_id: str) -> InspectionRecord:
        found = self.find(record_id)
        if found is None:
            raise NotFound(KIND, record_id)
        return found

    def for_equipment(self, equipment_id: str, *, limit: int = 100) -> Sequence[InspectionRecord]:
        """The item's inspections, newest first."""
        stmt = (
            sa.select(INSPECTIONS)
            .where(INSPECTIONS.c.equipment_id == equipment_id)
            .order_by(INSPECTIONS.c.inspected_on.desc(), INSPECTIONS.c.id.desc())
            .limit(limit)
        )
        return [inspection_from_row(r) for r in self.session.execute(stmt).mappings()]

    def latest(self, equipment_id: str, *, kind: InspectionKind | None = None) -> InspectionRecord | None:
        stmt = (
            sa.select(INSPECTIONS)
            .where(INSPECTIONS.c.equipment_id == equipment_id)
            .order_by(INSPECTIONS.c.inspected_on.desc(), INSPECTIONS.c.id.desc())
            .limit(1)
        )
        if kind is not None:
            stmt = stmt.where(INSPECTIONS.c.kind == kind.value)
        row = self.session.execute(stmt).mappings().first()
        return None if row is None else inspection_from_row(row)

    def update(self, record: InspectionRecord) -> InspectionRecord:
        values = inspection_to_row(record)
        del values["id"]
        version = compare_and_swap(
            self.session,
            INSPECTIONS,
            {"id": record.id},
            record.version,
            {**values, "updated_at": timeutil.now()},
            kind=KIND,
        )
        return attrs.evolve(record, version=version)

    def delete(self, record_id: str, *, expected_version: int | None = None) -> None:
        delete_versioned(self.session, INSPECTIONS, {"id": record_id}, expected_version, kind=KIND)
