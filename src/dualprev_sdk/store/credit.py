"""Credit records (信用记录): the append-only ``credit_records`` table and :class:`CreditRepository`.

Records are facts about what happened; they are never updated, so there is no version column. A mistaken
record is corrected by a new record, which keeps the history auditable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import Field, SQLModel

from dualprev_sdk import timeutil
from dualprev_sdk.domain.credit import CreditRecord, CreditRecordKind
from dualprev_sdk.errors import AlreadyExists, NotFound
from dualprev_sdk.store.base import UTCDateTime, chunked, insert_many, table_of

__all__ = ["CREDIT_RECORDS", "CreditRecordRow", "CreditRepository", "credit_record_from_row", "credit_record_to_row"]

KIND = "credit record"


class CreditRecordRow(SQLModel, table=True):
    __tablename__ = "credit_records"
    __table_args__ = (sa.Index("ix_credit_records_unit_date", "unit_uscc", "occurred_on"),)

    id: str = Field(sa_type=sa.String(64), primary_key=True)
    unit_uscc: str = Field(sa_type=sa.String(18), foreign_key="units.uscc", ondelete="RESTRICT")
    kind: str = Field(sa_type=sa.String(40))
    occurred_on: dt.date
    source: str = Field(sa_type=sa.String(200))
    evidence: str = Field(default="", sa_type=sa.String(1000))
    severity: str = Field(default="", sa_type=sa.String(32))
    note: str = Field(default="", sa_type=sa.String(1000))
    recorded_at: dt.datetime = Field(sa_type=UTCDateTime)


CREDIT_RECORDS = table_of(CreditRecordRow)


def credit_record_to_row(record: CreditRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "unit_uscc": record.unit_uscc,
        "kind": record.kind.value,
        "occurred_on": record.occurred_on,
        "source": record.source,
        "evidence": record.evidence,
        "severity": record.severity,
        "note": record.note,
    }


def credit_record_from_row(row: Mapping[Any, Any]) -> CreditRecord:
    return CreditRecord(
        id=row["id"],
        unit_uscc=row["unit_uscc"],
        kind=CreditRecordKind(row["kind"]),
        occurred_on=row["occurred_on"],
        source=row["source"],
        evidence=row["evidence"],
        severity=row["severity"],
        note=row["note"],
    )


class CreditRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, record: CreditRecord) -> CreditRecord:
        if self.session.execute(sa.select(CREDIT_RECORDS.c.id).where(CREDIT_RECORDS.c.id == record.id)).first():
            raise AlreadyExists(KIND, record.id)
        self.session.execute(
            sa.insert(CREDIT_RECORDS).values(**credit_record_to_row(record), recorded_at=timeutil.now())
        )
        return record

    def add_many(self, records: Iterable[CreditRecord], *, chunk_size: int = 500) -> int:
        rows = [credit_record_to_row(r) for r in records]
        now = timeutil.now()
        for chunk in chunked(rows, chunk_size):
            taken = self.session.execute(
                sa.select(CREDIT_RECORDS.c.id).where(CREDIT_RECORDS.c.id.in_([r["id"] for r in chunk])).limit(1)
            ).scalar()
            if taken is not None:
                raise AlreadyExists(KIND, taken)
            insert_many(self.session, CREDIT_RECORDS, [{**r, "recorded_at": now} for r in chunk], kind=KIND, key="id")
        return len(rows)

    def get(self, record_id: str) -> CreditRecord:
        row = self.session.execute(sa.select(CREDIT_RECORDS).where(CREDIT_RECORDS.c.id == record_id)).mappings().first()
        if row is None:
            raise NotFound(KIND, record_id)
        return credit_record_from_row(row)

    def for_unit(
        self, unit_uscc: str, *, since: dt.date | None = None, until: dt.date | None = None
    ) -> Sequence[CreditRecord]:
        """The unit's records in date order, optionally within [since, until]."""
        stmt = (
            sa.select(CREDIT_RECORDS)
            .where(CREDIT_RECORDS.c.unit_uscc == unit_uscc)
            .order_by(CREDIT_RECORDS.c.occurred_on, CREDIT_RECORDS.c.id)
        )
        if since is not None:
            stmt = stmt.where(CREDIT_RECORDS.c.occurred_on >= since)
        if until is not None:
            stmt = stmt.where(CREDIT_RECORDS.c.occurred_on <= until)
        return [credit_record_from_row(r) for r in self.session.execute(stmt).mappings()]
