"""Credit (信用): the append-only ``credit_records`` table, regulator-issued classes, the blacklist with its repair
applications and history, and :class:`CreditRepository`.

Records are facts about what happened; they are never updated, so there is no version column. A mistaken
record is corrected by a new record, which keeps the history auditable. Issued classes are append-only too (the
latest issue on or before a day is the one in force). A blacklist entry is the one mutable row (its status moves
listed → removed, compare-and-swap on ``version``); every change to it also appends a ``blacklist_history`` row,
and ``blacklist_entry_records`` (primary key: the record) makes "a record lists its unit at most once" a
database constraint, not just a check.
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
from dualprev_sdk.domain.credit import (
    BlacklistEntry,
    BlacklistPolicy,
    BlacklistStatus,
    CreditClass,
    CreditRecord,
    CreditRecordKind,
    IssuedClass,
    RepairApplication,
)
from dualprev_sdk.errors import AlreadyExists, NotFound
from dualprev_sdk.store.base import (
    JSON_TYPE,
    UTCDateTime,
    chunked,
    compare_and_swap,
    insert_new,
    key_string,
    keyset_above,
    starts_with,
    table_of,
)

__all__ = [
    "BLACKLIST_ENTRIES",
    "BLACKLIST_ENTRY_RECORDS",
    "BLACKLIST_HISTORY",
    "BLACKLIST_REPAIRS",
    "CREDIT_ISSUED_CLASSES",
    "CREDIT_RECORDS",
    "BlacklistEntryRecordRow",
    "BlacklistEntryRow",
    "BlacklistHistoryItem",
    "BlacklistHistoryRow",
    "BlacklistRepairRow",
    "CreditIssuedClassRow",
    "CreditRecordRow",
    "CreditRepository",
    "credit_record_from_row",
    "credit_record_to_row",
]

KIND = "credit record"
ENTRY_KIND = "blacklist entry"
_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")  # SQLite rowid needs INTEGER


class CreditRecordRow(SQLModel, table=True):
    __tablename__ = "credit_records"
    __table_args__ = (sa.Index("ix_credit_records_unit_date", "unit_uscc", "occurred_on"),)

    id: str = Field(sa_type=key_string(64), primary_key=True)
    unit_uscc: str = Field(sa_type=key_string(18), foreign_key="units.uscc", ondelete="RESTRICT")
    kind: str = Field(sa_type=key_string(40))
    occurred_on: dt.date
    source: str = Field(sa_type=sa.String(200))
    evidence: str = Field(default="", sa_type=sa.String(1000))
    severity: str = Field(default="", sa_type=key_string(32))
    note: str = Field(default="", sa_type=sa.String(1000))
    recorded_at: dt.datetime = Field(sa_type=UTCDateTime)


class CreditIssuedClassRow(SQLModel, table=True):
    """A class issued by the regulator; append-only (a new issue supersedes, the old one stays)."""

    __tablename__ = "credit_issued_classes"
    __table_args__ = (sa.Index("ix_credit_issued_classes_unit_date", "unit_uscc", "issued_on"),)

    id: int | None = Field(default=None, primary_key=True, sa_type=_ID)
    unit_uscc: str = Field(sa_type=key_string(18), foreign_key="units.uscc", ondelete="RESTRICT")
    credit_class: str = Field(sa_type=key_string(1))
    issued_on: dt.date
    authority: str = Field(sa_type=sa.String(200))
    note: str = Field(default="", sa_type=sa.String(1000))
    recorded_at: dt.datetime = Field(sa_type=UTCDateTime)


class BlacklistEntryRow(SQLModel, table=True):
    __tablename__ = "blacklist_entries"
    __table_args__ = (
        sa.Index("ix_blacklist_entries_region_status", "region_code", "status"),
        sa.Index("ix_blacklist_entries_unit_uscc", "unit_uscc"),
    )

    id: str = Field(sa_type=key_string(64), primary_key=True)
    unit_uscc: str = Field(sa_type=key_string(18), foreign_key="units.uscc", ondelete="RESTRICT")
    region_code: str = Field(sa_type=key_string(12))
    listed_on: dt.date
    reason: str = Field(sa_type=sa.Text)
    trigger_record_ids: list[str] = Field(default_factory=list, sa_type=JSON_TYPE)
    publication_text: str = Field(sa_type=sa.Text)
    status: str = Field(sa_type=key_string(24))
    removed_on: dt.date | None = Field(default=None)
    listing_years: int
    earliest_repair_years: int
    version: int = Field(default=1)
    created_at: dt.datetime = Field(sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(sa_type=UTCDateTime)


class BlacklistEntryRecordRow(SQLModel, table=True):
    """Which records put an entry on the list; a record can list its unit once (primary key)."""

    __tablename__ = "blacklist_entry_records"

    record_id: str = Field(sa_type=key_string(64), foreign_key="credit_records.id", primary_key=True)
    entry_id: str = Field(sa_type=key_string(64), foreign_key="blacklist_entries.id", ondelete="RESTRICT")


class BlacklistRepairRow(SQLModel, table=True):
    """A credit-repair application (信用修复申请) and the decision on it."""

    __tablename__ = "blacklist_repairs"

    entry_id: str = Field(
        sa_type=key_string(64), foreign_key="blacklist_entries.id", ondelete="RESTRICT", primary_key=True
    )
    position: int = Field(primary_key=True)
    applied_on: dt.date
    penalty_fulfilled: bool
    harm_removed: bool
    no_new_heavy_penalty: bool
    statement: str = Field(default="", sa_type=sa.Text)
    decided_on: dt.date | None = Field(default=None)
    approved: bool | None = Field(default=None)
    decided_by: str = Field(default="", sa_type=sa.String(200))
    decision_note: str = Field(default="", sa_type=sa.Text)


class BlacklistHistoryRow(SQLModel, table=True):
    """Append-only history of every blacklist entry (listed, repair applied, decided, removed)."""

    __tablename__ = "blacklist_history"
    __table_args__ = (sa.Index("ix_blacklist_history_entry_id", "entry_id"),)

    id: int | None = Field(default=None, primary_key=True, sa_type=_ID)
    entry_id: str = Field(sa_type=key_string(64), foreign_key="blacklist_entries.id", ondelete="RESTRICT")
    day: dt.date
    action: str = Field(sa_type=key_string(32))
    actor: str = Field(sa_type=sa.String(200))
    detail: str = Field(default="", sa_type=sa.Text)
    at: dt.datetime = Field(sa_type=UTCDateTime)


CREDIT_RECORDS = table_of(CreditRecordRow)
CREDIT_ISSUED_CLASSES = table_of(CreditIssuedClassRow)
BLACKLIST_ENTRIES = table_of(BlacklistEntryRow)
BLACKLIST_ENTRY_RECORDS = table_of(BlacklistEntryRecordRow)
BLACKLIST_REPAIRS = table_of(BlacklistRepairRow)
BLACKLIST_HISTORY = table_of(BlacklistHistoryRow)


@attrs.frozen(kw_only=True)
class BlacklistHistoryItem:
    entry_id: str
    day: dt.date
    action: str
    actor: str
    detail: str
    at: dt.datetime


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
        now = timeutil.now()
        rows = [{**credit_record_to_row(r), "recorded_at": now} for r in records]
        return insert_new(self.session, CREDIT_RECORDS, rows, kind=KIND, key="id", chunk_size=chunk_size)

    def get(self, record_id: str) -> CreditRecord:
        row = self.session.execute(sa.select(CREDIT_RECORDS).where(CREDIT_RECORDS.c.id == record_id)).mappings().first()
        if row is None:
            raise NotFound(KIND, record_id)
        return credit_record_from_row(row)

    def for_unit(
        self,
        unit_uscc: str,
        *,
        since: dt.date | None = None,
        until: dt.date | None = None,
        after: tuple[dt.date, str] | None = None,
        limit: int | None = None,
    ) -> Sequence[CreditRecord]:
        """The unit's records in (date, id) order, optionally within [since, until]; ``after`` and ``limit``
        read one keyset page: the records above the (date, id) ``after``, at most ``limit``."""
        r = CREDIT_RECORDS.c
        stmt = sa.select(CREDIT_RECORDS).where(r.unit_uscc == unit_uscc).order_by(r.occurred_on, r.id)
        if since is not None:
            stmt = stmt.where(r.occurred_on >= since)
        if until is not None:
            stmt = stmt.where(r.occurred_on <= until)
        if after is not None:
            stmt = stmt.where(keyset_above((r.occurred_on, r.id), after))
        if limit is not None:
            stmt = stmt.limit(limit)
        return [credit_record_from_row(row) for row in self.session.execute(stmt).mappings()]

    def existing_ids(self, record_ids: Sequence[str]) -> set[str]:
        """Which of ``record_ids`` are stored already (derived records use deterministic ids)."""
        found: set[str] = set()
        for chunk in chunked(list(record_ids), 500):
            found.update(
                self.session.execute(sa.select(CREDIT_RECORDS.c.id).where(CREDIT_RECORDS.c.id.in_(chunk))).scalars()
            )
        return found

    def for_region(
        self,
        region_prefix: str | None,
        *,
        since: dt.date | None = None,
        until: dt.date | None = None,
        kinds: Sequence[CreditRecordKind] | None = None,
    ) -> list[CreditRecord]:
        """Records of every unit under a region prefix (a join on the units' region index), by unit and date."""
        from dualprev_sdk.store.units import UNITS

        c = CREDIT_RECORDS.c
        stmt = sa.select(CREDIT_RECORDS).order_by(c.unit_uscc, c.occurred_on, c.id)
        if region_prefix:
            stmt = stmt.join(UNITS, UNITS.c.uscc == c.unit_uscc).where(starts_with(UNITS.c.region_code, region_prefix))
        if since is not None:
            stmt = stmt.where(c.occurred_on >= since)
        if until is not None:
            stmt = stmt.where(c.occurred_on <= until)
        if kinds:
            stmt = stmt.where(c.kind.in_([k.value for k in kinds]))
        return [credit_record_from_row(r) for r in self.session.execute(stmt).mappings()]

    # -- regulator-issued classes ----------------------------------------------------------------------------

    def add_issued_class(self, issued: IssuedClass) -> IssuedClass:
        self.session.execute(
            sa.insert(CREDIT_ISSUED_CLASSES).values(
                unit_uscc=issued.unit_uscc,
                credit_class=issued.credit_class.value,
                issued_on=issued.issued_on,
                authority=issued.authority,
                note=issued.note,
                recorded_at=timeutil.now(),
            )
        )
        return issued

    def issued_classes(self, unit_uscc: str) -> list[IssuedClass]:
        """Every class issued to the unit, oldest first."""
        c = CREDIT_ISSUED_CLASSES.c
        stmt = sa.select(CREDIT_ISSUED_CLASSES).where(c.unit_uscc == unit_uscc).order_by(c.issued_on, c.id)
        return [_issued_from_row(r) for r in self.session.execute(stmt).mappings()]

    def issued_classes_in_force(self, region_prefix: str | None, day: dt.date) -> dict[str, IssuedClass]:
        """USCC → the latest class issued on or before ``day``, for the units under a region prefix."""
        from dualprev_sdk.store.units import UNITS

        c = CREDIT_ISSUED_CLASSES.c
        stmt = sa.select(CREDIT_ISSUED_CLASSES).where(c.issued_on <= day).order_by(c.unit_uscc, c.issued_on, c.id)
        if region_prefix:
            stmt = stmt.join(UNITS, UNITS.c.uscc == c.unit_uscc).where(starts_with(UNITS.c.region_code, region_prefix))
        latest: dict[str, IssuedClass] = {}
        for row in self.session.execute(stmt).mappings():
            latest[row["unit_uscc"]] = _issued_from_row(row)  # ordered: the last one wins
        return latest

    # -- blacklist -------------------------------------------------------------------------------------------

    def add_blacklist_entry(self, entry: BlacklistEntry) -> BlacklistEntry:
        """Insert a new entry with its trigger links; a trigger that already listed the unit is AlreadyExists
        (also when a concurrent sweep inserted it first: the primary keys decide)."""
        if self.session.execute(sa.select(BLACKLIST_ENTRIES.c.id).where(BLACKLIST_ENTRIES.c.id == entry.id)).first():
            raise AlreadyExists(ENTRY_KIND, entry.id)
        taken = self.listed_record_ids(entry.trigger_record_ids)
        if taken:
            raise AlreadyExists(
                "blacklist trigger", sorted(taken)[0], "the record already put its unit on the blacklist"
            )
        now = timeutil.now()
        try:
            self.session.execute(
                sa.insert(BLACKLIST_ENTRIES).values(**_entry_to_row(entry), version=1, created_at=now, updated_at=now)
            )
            if entry.trigger_record_ids:
                self.session.execute(
                    sa.insert(BLACKLIST_ENTRY_RECORDS),
                    [{"record_id": r, "entry_id": entry.id} for r in entry.trigger_record_ids],
                )
        except sa.exc.IntegrityError as exc:
            raise AlreadyExists(ENTRY_KIND, entry.id, "a concurrent sweep listed the same records first") from exc
        self._write_repairs(entry)
        entry.version = 1
        return entry

    def save_blacklist_entry(self, entry: BlacklistEntry) -> BlacklistEntry:
        """Write status, removal and repairs if the entry is still at ``entry.version`` (else ConcurrencyConflict)."""
        entry.version = compare_and_swap(
            self.session,
            BLACKLIST_ENTRIES,
            {"id": entry.id},
            entry.version,
            {"status": entry.status.value, "removed_on": entry.removed_on, "updated_at": timeutil.now()},
            kind=ENTRY_KIND,
        )
        self.session.execute(sa.delete(BLACKLIST_REPAIRS).where(BLACKLIST_REPAIRS.c.entry_id == entry.id))
        self._write_repairs(entry)
        return entry

    def _write_repairs(self, entry: BlacklistEntry) -> None:
        if entry.repairs:
            self.session.execute(
                sa.insert(BLACKLIST_REPAIRS),
                [{"entry_id": entry.id, "position": i, **attrs.asdict(a)} for i, a in enumerate(entry.repairs)],
            )

    def listed_record_ids(self, record_ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        t = BLACKLIST_ENTRY_RECORDS.c
        for chunk in chunked(list(record_ids), 500):
            found.update(self.session.execute(sa.select(t.record_id).where(t.record_id.in_(chunk))).scalars())
        return found

    def find_blacklist_entry(self, entry_id: str) -> BlacklistEntry | None:
        row = (
            self.session.execute(sa.select(BLACKLIST_ENTRIES).where(BLACKLIST_ENTRIES.c.id == entry_id))
            .mappings()
            .first()
        )
        if row is None:
            return None
        return self._entries([row])[0]

    def get_blacklist_entry(self, entry_id: str) -> BlacklistEntry:
        found = self.find_blacklist_entry(entry_id)
        if found is None:
            raise NotFound(ENTRY_KIND, entry_id)
        return found

    def blacklist_entries(
        self,
        *,
        region_prefix: str | None = None,
        unit_uscc: str | None = None,
        status: BlacklistStatus | None = None,
        listed_on_or_before: dt.date | None = None,
        listed_on: dt.date | None = None,
        after: tuple[dt.date, str, str] | None = None,
        limit: int | None = None,
    ) -> list[BlacklistEntry]:
        """Entries by region prefix, unit and status, oldest listing first (index on region, status), in
        (listing date, USCC, id) order. ``listed_on`` keeps the entries on the list that day (listed by then and
        not yet removed: :meth:`BlacklistEntry.is_listed_on`); ``after`` and ``limit`` read one keyset page."""
        b = BLACKLIST_ENTRIES.c
        stmt = sa.select(BLACKLIST_ENTRIES).order_by(b.listed_on, b.unit_uscc, b.id)
        if listed_on is not None:
            stmt = stmt.where(b.listed_on <= listed_on, sa.or_(b.removed_on.is_(None), b.removed_on > listed_on))
        if after is not None:
            stmt = stmt.where(keyset_above((b.listed_on, b.unit_uscc, b.id), after))
        if limit is not None:
            stmt = stmt.limit(limit)
        if region_prefix:
            stmt = stmt.where(starts_with(b.region_code, region_prefix))
        if unit_uscc is not None:
            stmt = stmt.where(b.unit_uscc == unit_uscc)
        if status is not None:
            stmt = stmt.where(b.status == status.value)
        if listed_on_or_before is not None:
            stmt = stmt.where(b.listed_on <= listed_on_or_before)
        return self._entries(list(self.session.execute(stmt).mappings()))

    def _entries(self, rows: Sequence[Mapping[Any, Any]]) -> list[BlacklistEntry]:
        repairs: dict[str, list[RepairApplication]] = {}
        ids = [r["id"] for r in rows]
        for chunk in chunked(ids, 500):
            stmt = (
                sa.select(BLACKLIST_REPAIRS)
                .where(BLACKLIST_REPAIRS.c.entry_id.in_(chunk))
                .order_by(BLACKLIST_REPAIRS.c.entry_id, BLACKLIST_REPAIRS.c.position)
            )
            for r in self.session.execute(stmt).mappings():
                repairs.setdefault(r["entry_id"], []).append(
                    RepairApplication(
                        applied_on=r["applied_on"],
                        penalty_fulfilled=bool(r["penalty_fulfilled"]),
                        harm_removed=bool(r["harm_removed"]),
                        no_new_heavy_penalty=bool(r["no_new_heavy_penalty"]),
                        statement=r["statement"],
                        decided_on=r["decided_on"],
                        approved=None if r["approved"] is None else bool(r["approved"]),
                        decided_by=r["decided_by"],
                        decision_note=r["decision_note"],
                    )
                )
        return [_entry_from_row(r, tuple(repairs.get(r["id"], ()))) for r in rows]

    def add_history(self, entry_id: str, *, day: dt.date, action: str, actor: str, detail: str = "") -> None:
        self.session.execute(
            sa.insert(BLACKLIST_HISTORY).values(
                entry_id=entry_id, day=day, action=action, actor=actor, detail=detail, at=timeutil.now()
            )
        )

    def history(self, entry_id: str) -> list[BlacklistHistoryItem]:
        h = BLACKLIST_HISTORY.c
        stmt = sa.select(BLACKLIST_HISTORY).where(h.entry_id == entry_id).order_by(h.id)
        return [
            BlacklistHistoryItem(
                entry_id=r["entry_id"],
                day=r["day"],
                action=r["action"],
                actor=r["actor"],
                detail=r["detail"],
                at=r["at"],
            )
            for r in self.session.execute(stmt).mappings()
        ]


def _issued_from_row(row: Mapping[Any, Any]) -> IssuedClass:
    return IssuedClass(
        unit_uscc=row["unit_uscc"],
        credit_class=CreditClass(row["credit_class"]),
        issued_on=row["issued_on"],
        authority=row["authority"],
        note=row["note"],
    )


def _entry_to_row(entry: BlacklistEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "unit_uscc": entry.unit_uscc,
        "region_code": entry.region_code,
        "listed_on": entry.listed_on,
        "reason": entry.reason,
        "trigger_record_ids": list(entry.trigger_record_ids),
        "publication_text": entry.publication_text,
        "status": entry.status.value,
        "removed_on": entry.removed_on,
        "listing_years": entry.policy.listing_years,
        "earliest_repair_years": entry.policy.earliest_repair_years,
    }


def _entry_from_row(row: Mapping[Any, Any], repairs: tuple[RepairApplication, ...]) -> BlacklistEntry:
    return BlacklistEntry(
        id=row["id"],
        unit_uscc=row["unit_uscc"],
        region_code=row["region_code"],
        listed_on=row["listed_on"],
        reason=row["reason"],
        trigger_record_ids=tuple(row["trigger_record_ids"] or ()),
        publication_text=row["publication_text"],
        status=BlacklistStatus(row["status"]),
        removed_on=row["removed_on"],
        repairs=repairs,
        policy=BlacklistPolicy(listing_years=row["listing_years"], earliest_repair_years=row["earliest_repair_years"]),
        version=row["version"],
    )
