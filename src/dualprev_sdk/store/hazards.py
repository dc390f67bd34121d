"""Hazards (隐患): the append-only, hash-chained event log, the per-hazard projection row, regulator reports and
listed supervision, with their mappers and :class:`HazardRepository`.

Why two tables for one aggregate: ``hazard_events`` is the record (append-only; every row carries its
predecessor's hash, see :mod:`dualprev_sdk.domain.hazard_chain`), and ``hazards`` is a projection of the fold
kept for queries and statistics (state, level, deadline, the unit's region, the equipment's catalogue code) plus
the two things the chain needs from outside itself: ``version`` (the last sequence, compared-and-swapped so
concurrent writers are detected) and ``head_hash`` (so a deleted last event is noticed).

Why the payload is TEXT holding canonical JSON and not a JSON column: the hash is over exact bytes; a JSONB
column would re-encode numbers and key order on the way in. Statistics never look inside payloads.

Day numbers (``found_day``, ``deadline_day``, ``closed_day``: proleptic ordinals) are stored next to the dates
so "mean days to close" and "closed on time" are plain integer arithmetic in SQL on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, cast

import attrs
import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import Field, SQLModel

from dualprev_sdk import timeutil
from dualprev_sdk.domain.hazard import (
    EVENT_TYPES,
    Hazard,
    HazardEvent,
    HazardState,
    HazardStatistics,
    ListedSupervision,
    RegulatorReport,
    RegulatorReportKind,
    SupervisionStatus,
)
from dualprev_sdk.domain.hazard_chain import (
    GENESIS_HASH,
    ChainHead,
    ChainRecord,
    ChainReport,
    canonical_json,
    chain_events,
    verify_chain,
)
from dualprev_sdk.errors import AlreadyExists, ConcurrencyConflict, FailedPrecondition, InvalidArgument, NotFound
from dualprev_sdk.serialization import structure
from dualprev_sdk.store.base import UTCDateTime, chunked, key_string, starts_with, table_of
from dualprev_sdk.store.inspections import equipment_inspected_by

__all__ = [
    "HAZARDS",
    "HAZARD_EVENTS",
    "HAZARD_REGULATOR_REPORTS",
    "HAZARD_SUPERVISIONS",
    "HazardEventRow",
    "HazardRegulatorReportRow",
    "HazardRepository",
    "HazardRow",
    "HazardSupervisionRow",
    "StoredEvent",
    "event_from_record",
    "hazard_to_row",
]

KIND = "hazard"
_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")  # SQLite rowid needs INTEGER


class HazardRow(SQLModel, table=True):
    """The projection of one hazard's events, for queries; the events are the truth."""

    __tablename__ = "hazards"
    __table_args__ = (
        sa.Index("ix_hazards_unit_uscc", "unit_uscc"),
        sa.Index("ix_hazards_region_state", "region_code", "state"),
        sa.Index("ix_hazards_state_deadline", "state", "deadline"),
        sa.Index("ix_hazards_equipment_id", "equipment_id"),
    )

    id: str = Field(sa_type=key_string(64), primary_key=True)
    unit_uscc: str = Field(sa_type=key_string(18), foreign_key="units.uscc", ondelete="RESTRICT")
    region_code: str = Field(sa_type=key_string(12))
    equipment_id: str | None = Field(default=None, sa_type=key_string(64))
    catalog_code: str | None = Field(default=None, sa_type=key_string(8))
    equipment_kind: str | None = Field(default=None, sa_type=key_string(8))
    source: str = Field(sa_type=key_string(32))
    source_reference: str = Field(sa_type=sa.String(200))
    description: str = Field(sa_type=sa.Text)
    state: str = Field(sa_type=key_string(16))
    level: str | None = Field(default=None, sa_type=key_string(16))
    stop_use: bool = Field(default=False)
    found_on: dt.date
    found_day: int
    deadline: dt.date | None = Field(default=None)
    deadline_day: int | None = Field(default=None)
    closed_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_day: int | None = Field(default=None)
    supervision_status: str | None = Field(default=None, sa_type=key_string(16))
    version: int = Field(default=1)
    head_hash: str = Field(sa_type=sa.String(64))
    created_at: dt.datetime = Field(sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(sa_type=UTCDateTime)


class HazardEventRow(SQLModel, table=True):
    """One event of one hazard's chain. Never updated or deleted by the SDK."""

    __tablename__ = "hazard_events"
    __table_args__ = (sa.UniqueConstraint("hazard_id", "sequence"),)

    id: int | None = Field(default=None, primary_key=True, sa_type=_ID)
    hazard_id: str = Field(sa_type=key_string(64), foreign_key="hazards.id", ondelete="RESTRICT")
    sequence: int
    event_type: str = Field(sa_type=key_string(64))
    payload: str = Field(sa_type=sa.Text)
    prev_hash: str = Field(sa_type=sa.String(64))
    hash: str = Field(sa_type=sa.String(64))
    request_id: str = Field(sa_type=key_string(128), unique=True)
    actor: str = Field(sa_type=sa.String(200))
    occurred_at: dt.datetime = Field(sa_type=UTCDateTime)


class HazardRegulatorReportRow(SQLModel, table=True):
    __tablename__ = "hazard_regulator_reports"
    __table_args__ = (sa.Index("ix_hazard_regulator_reports_region_code", "region_code"),)

    id: str = Field(sa_type=key_string(100), primary_key=True)
    hazard_id: str = Field(sa_type=key_string(64), foreign_key="hazards.id", ondelete="RESTRICT")
    unit_uscc: str = Field(sa_type=key_string(18))
    region_code: str = Field(sa_type=key_string(12))
    kind: str = Field(sa_type=key_string(32))
    reported_at: dt.datetime = Field(sa_type=UTCDateTime)
    sequence: int


class HazardSupervisionRow(SQLModel, table=True):
    """挂牌督办, one row per listing (a hazard may be listed again after being lifted)."""

    __tablename__ = "hazard_supervisions"
    __table_args__ = (sa.Index("ix_hazard_supervisions_hazard_id", "hazard_id"),)

    id: int | None = Field(default=None, primary_key=True, sa_type=_ID)
    hazard_id: str = Field(sa_type=key_string(64), foreign_key="hazards.id", ondelete="RESTRICT")
    region_code: str = Field(sa_type=key_string(12))
    authority: str = Field(sa_type=sa.String(200))
    deadline: dt.date
    status: str = Field(sa_type=key_string(16))
    listed_on: dt.date
    lifted_on: dt.date | None = Field(default=None)


HAZARDS = table_of(HazardRow)
HAZARD_EVENTS = table_of(HazardEventRow)
HAZARD_REGULATOR_REPORTS = table_of(HazardRegulatorReportRow)
HAZARD_SUPERVISIONS = table_of(HazardSupervisionRow)


# ---------------------------------------------------------------------------------------------------------------
# Mappers
# ---------------------------------------------------------------------------------------------------------------


def hazard_to_row(hazard: Hazard) -> dict[str, Any]:
    """The projection columns that change with the hazard's state (identity columns are set on insert)."""
    deadline = hazard.deadline
    closed_day = hazard.closed_at.astimezone(timeutil.SHANGHAI).date().toordinal() if hazard.closed_at else None
    return {
        "state": hazard.state.value,
        "level": hazard.level.value if hazard.level else None,
        "stop_use": hazard.stop_use,
        "deadline": deadline,
        "deadline_day": deadline.toordinal() if deadline else None,
        "closed_at": hazard.closed_at,
        "closed_day": closed_day,
        "supervision_status": hazard.supervision.status.value if hazard.supervision else None,
        "version": hazard.version,
    }


@attrs.frozen(kw_only=True)
class StoredEvent:
    """An event row as stored: the chain record plus bookkeeping columns."""

    record: ChainRecord
    request_id: str
    actor: str
    occurred_at: dt.datetime


def _record_from_row(row: Mapping[Any, Any]) -> ChainRecord:
    return ChainRecord(
        hazard_id=row["hazard_id"],
        sequence=row["sequence"],
        event_type=row["event_type"],
        payload=json.loads(row["payload"]),
        prev_hash=row["prev_hash"],
        hash=row["hash"],
    )


def event_from_record(record: ChainRecord) -> HazardEvent:
    """The domain event for a stored record (through the SDK's one converter).

    A record that no longer reads as its event type was changed behind the SDK's back (or written by a newer
    SDK): that is a FailedPrecondition naming the hazard and sequence, pointing at ``verify_hazard_chain``.
    """
    cls = EVENT_TYPES.get(record.event_type)
    try:
        if cls is None:
            raise InvalidArgument.single("type", record.event_type, "hazard.event.type", "unknown event type")
        data = {**record.payload, "hazard_id": record.hazard_id, "sequence": record.sequence}
        return structure(data, cls)
    except InvalidArgument as exc:
        raise FailedPrecondition(
            f"stored event #{record.sequence} of hazard {record.hazard_id!r} cannot be read ({exc.message}); "
            "the record may have been altered — run verify_hazard_chain",
            reason="HAZARD_RECORD_UNREADABLE",
            metadata={"hazard_id": record.hazard_id, "sequence": str(record.sequence)},
        ) from exc


# ---------------------------------------------------------------------------------------------------------------
# Repository
# ---------------------------------------------------------------------------------------------------------------


class HazardRepository:
    """Hazards as domain objects, loaded by folding their events; writes append events to the chain.

    ``add``/``save`` append the hazard's ``pending`` events, chained from the stored head, and move the
    projection row from the version the hazard was loaded at to its new version in one compare-and-swap; losing
    that race raises :class:`ConcurrencyConflict` and nothing is written.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        # hazard id → (version, head hash, region code) as read by ``find`` in this unit of work: saves a
        # round trip per command; the compare-and-swap in ``save`` still guards against a concurrent writer.
        self._heads: dict[str, tuple[int, str, str]] = {}

    # -- writes ----------------------------------------------------------------------------------------------

    def add(self, hazard: Hazard, *, region_code: str, catalog_code: str | None) -> list[ChainRecord]:
        """Insert a new hazard (its ``HazardReported`` event and any later pending ones); the chain records
        written. ``region_code`` is the unit's, ``catalog_code`` the equipment's (copied for statistics)."""
        exists = self.session.execute(sa.select(HAZARDS.c.id).where(HAZARDS.c.id == hazard.id)).scalar()
        if exists is not None:
            raise AlreadyExists(KIND, hazard.id)
        records = chain_events(hazard.pending)
        assert hazard.found_on is not None
        now = timeutil.now()
        try:
            self.session.execute(
                sa.insert(HAZARDS).values(
                    id=hazard.id,
                    unit_uscc=hazard.unit_uscc,
                    region_code=region_code,
                    equipment_id=hazard.equipment_id,
                    catalog_code=catalog_code,
                    equipment_kind=catalog_code[0] + "000" if catalog_code else None,
                    source=hazard.source.value,
                    source_reference=hazard.source_reference,
                    description=hazard.description,
                    found_on=hazard.found_on,
                    found_day=hazard.found_on.toordinal(),
                    head_hash=records[-1].hash,
                    created_at=now,
                    updated_at=now,
                    **hazard_to_row(hazard),
                )
            )
            self._insert_events(hazard.pending, records)
        except sa.exc.IntegrityError as exc:
            raise AlreadyExists(KIND, hazard.id) from exc
        hazard.pending.clear()
        return records

    def save(self, hazard: Hazard) -> list[ChainRecord]:
        """Append ``hazard.pending`` and update the projection, if nobody else wrote since it was loaded; the
        chain records written."""
        if not hazard.pending:
            return []
        loaded_version = hazard.pending[0].sequence - 1
        cached = self._heads.get(hazard.id)
        if cached is not None and cached[0] == loaded_version:
            prev_hash = cached[1]
        else:
            head = self.session.execute(
                sa.select(HAZARDS.c.head_hash, HAZARDS.c.version).where(HAZARDS.c.id == hazard.id)
            ).first()
            if head is None:
                raise NotFound(KIND, hazard.id)
            if head.version != loaded_version:
                raise ConcurrencyConflict(KIND, hazard.id, loaded_version)
            prev_hash = head.head_hash
        records = chain_events(hazard.pending, prev_hash=prev_hash)
        result = cast(
            sa.CursorResult[Any],
            self.session.execute(
                sa.update(HAZARDS)
                .where(HAZARDS.c.id == hazard.id, HAZARDS.c.version == loaded_version)
                .values(**hazard_to_row(hazard), head_hash=records[-1].hash, updated_at=timeutil.now()),
                execution_options={"synchronize_session": False},
            ),
        )
        if result.rowcount != 1:
            raise ConcurrencyConflict(KIND, hazard.id, loaded_version)
        try:
            self._insert_events(hazard.pending, records)
        except sa.exc.IntegrityError as exc:  # a duplicate (hazard, sequence) or request id from a racing writer
            raise ConcurrencyConflict(KIND, hazard.id, loaded_version) from exc
        hazard.pending.clear()
        region = cached[2] if cached is not None else None
        if region is not None:
            self._heads[hazard.id] = (records[-1].sequence, records[-1].hash, region)
        return records

    def _insert_events(self, events: Sequence[HazardEvent], records: Sequence[ChainRecord]) -> None:
        rows = [
            {
                "hazard_id": r.hazard_id,
                "sequence": r.sequence,
                "event_type": r.event_type,
                "payload": canonical_json(r.payload),
                "prev_hash": r.prev_hash,
                "hash": r.hash,
                "request_id": e.request_id,
                "actor": e.actor,
                "occurred_at": e.occurred_at,
            }
            for e, r in zip(events, records, strict=True)
        ]
        for chunk in chunked(rows, 500):
            self.session.execute(sa.insert(HAZARD_EVENTS), chunk)

    def add_regulator_report(self, report: RegulatorReport) -> None:
        self.session.execute(
            sa.insert(HAZARD_REGULATOR_REPORTS).values(
                id=report.id,
                hazard_id=report.hazard_id,
                unit_uscc=report.unit_uscc,
                region_code=report.region_code,
                kind=report.kind.value,
                reported_at=report.reported_at,
                sequence=report.sequence,
            )
        )

    def record_supervision(self, hazard: Hazard, *, region_code: str) -> None:
        """Mirror the hazard's current listing into ``hazard_supervisions`` (insert when listed, update the open
        row when lifted)."""
        supervision = hazard.supervision
        if supervision is None:
            return
        if supervision.status is SupervisionStatus.LISTED:
            self.session.execute(
                sa.insert(HAZARD_SUPERVISIONS).values(
                    hazard_id=hazard.id,
                    region_code=region_code,
                    authority=supervision.authority,
                    deadline=supervision.deadline,
                    status=supervision.status.value,
                    listed_on=supervision.listed_on,
                )
            )
        else:
            self.session.execute(
                sa.update(HAZARD_SUPERVISIONS)
                .where(
                    HAZARD_SUPERVISIONS.c.hazard_id == hazard.id,
                    HAZARD_SUPERVISIONS.c.status == SupervisionStatus.LISTED.value,
                )
                .values(status=supervision.status.value, lifted_on=supervision.lifted_on),
                execution_options={"synchronize_session": False},
            )

    # -- reads -----------------------------------------------------------------------------------------------

    def stored_events(self, hazard_id: str, *, up_to: int | None = None) -> list[StoredEvent]:
        stmt = sa.select(HAZARD_EVENTS).where(HAZARD_EVENTS.c.hazard_id == hazard_id).order_by(HAZARD_EVENTS.c.sequence)
        if up_to is not None:
            stmt = stmt.where(HAZARD_EVENTS.c.sequence <= up_to)
        return [
            StoredEvent(
                record=_record_from_row(r), request_id=r["request_id"], actor=r["actor"], occurred_at=r["occurred_at"]
            )
            for r in self.session.execute(stmt).mappings()
        ]

    def find(self, hazard_id: str, *, up_to: int | None = None) -> Hazard | None:
        """The hazard folded from its stored events (``up_to`` = as of that sequence), or None."""
        if up_to is not None:
            stored = self.stored_events(hazard_id, up_to=up_to)
            return Hazard.from_events(event_from_record(s.record) for s in stored) if stored else None
        rows = (
            self.session.execute(
                sa.select(HAZARD_EVENTS, HAZARDS.c.region_code)
                .join(HAZARDS, HAZARDS.c.id == HAZARD_EVENTS.c.hazard_id)
                .where(HAZARD_EVENTS.c.hazard_id == hazard_id)
                .order_by(HAZARD_EVENTS.c.sequence)
            )
            .mappings()
            .all()
        )
        return self._fold(rows) if rows else None

    def by_ids(self, ids: Iterable[str]) -> dict[str, Hazard]:
        """The hazards among ``ids`` that exist, each folded from its own events like :meth:`find`; the events
        of up to 500 hazards are read in one statement, so a page of hazards costs one query, not one each."""
        found: dict[str, Hazard] = {}
        for chunk in chunked(sorted(set(ids)), 500):
            rows = self.session.execute(
                sa.select(HAZARD_EVENTS, HAZARDS.c.region_code)
                .join(HAZARDS, HAZARDS.c.id == HAZARD_EVENTS.c.hazard_id)
                .where(HAZARD_EVENTS.c.hazard_id.in_(chunk))
                .order_by(HAZARD_EVENTS.c.hazard_id, HAZARD_EVENTS.c.sequence)
            ).mappings()
            for hazard_id, own in itertools.groupby(rows, key=lambda r: r["hazard_id"]):
                found[hazard_id] = self._fold(list(own))
        return found

    def _fold(self, rows: Sequence[Mapping[Any, Any]]) -> Hazard:
        """One hazard from its event rows (in sequence order, each with the unit's ``region_code``), remembering
        its head for a later :meth:`save` in this unit of work."""
        records = [_record_from_row(r) for r in rows]
        self._heads[records[-1].hazard_id] = (records[-1].sequence, records[-1].hash, rows[-1]["region_code"])
        return Hazard.from_events(event_from_record(r) for r in records)

    def region_of(self, hazard_id: str) -> str:
        """The unit's region code copied onto the hazard (from this unit of work's read when there was one)."""
        cached = self._heads.get(hazard_id)
        if cached is not None:
            return cached[2]
        return str(self.projection(hazard_id)["region_code"])

    def get(self, hazard_id: str, *, up_to: int | None = None) -> Hazard:
        found = self.find(hazard_id, up_to=up_to)
        if found is None:
            raise NotFound(KIND, hazard_id)
        return found

    def exists(self, hazard_id: str) -> bool:
        return self.session.execute(sa.select(HAZARDS.c.id).where(HAZARDS.c.id == hazard_id)).scalar() is not None

    def find_request(self, request_id: str) -> tuple[str, int, str] | None:
        """(hazard id, sequence, event type) of the event a request id produced, if any."""
        row = self.session.execute(
            sa.select(HAZARD_EVENTS.c.hazard_id, HAZARD_EVENTS.c.sequence, HAZARD_EVENTS.c.event_type).where(
                HAZARD_EVENTS.c.request_id == request_id
            )
        ).first()
        return None if row is None else (row.hazard_id, row.sequence, row.event_type)

    def projection(self, hazard_id: str) -> Mapping[Any, Any]:
        row = self.session.execute(sa.select(HAZARDS).where(HAZARDS.c.id == hazard_id)).mappings().first()
        if row is None:
            raise NotFound(KIND, hazard_id)
        return row

    def ids(
        self,
        *,
        unit_uscc: str | None = None,
        region_prefix: str | None = None,
        state: HazardState | None = None,
        inspected_by: str | None = None,
        after: str | None = None,
        limit: int = 100,
    ) -> list[str]:
        """Hazard ids in id order (keyset: ``after`` the last id of the previous page). ``inspected_by``: only
        hazards on equipment that agency has inspection records for (what an agency may read)."""
        stmt = self._filtered(sa.select(HAZARDS.c.id), unit_uscc=unit_uscc, region_prefix=region_prefix)
        if inspected_by is not None:
            stmt = stmt.where(HAZARDS.c.equipment_id.in_(equipment_inspected_by(inspected_by)))
        if state is not None:
            stmt = stmt.where(HAZARDS.c.state == state.value)
        if after is not None:
            stmt = stmt.where(HAZARDS.c.id > after)
        return list(self.session.execute(stmt.order_by(HAZARDS.c.id).limit(limit)).scalars())

    def overdue_ids(self, today: dt.date) -> list[str]:
        """Hazards whose rectification deadline passed while planned or rectifying (index on state, deadline)."""
        stmt = (
            sa.select(HAZARDS.c.id)
            .where(
                HAZARDS.c.state.in_([HazardState.PLANNED.value, HazardState.RECTIFYING.value]),
                HAZARDS.c.deadline < today,
            )
            .order_by(HAZARDS.c.id)
        )
        return list(self.session.execute(stmt).scalars())

    def open_stop_orders(self, equipment_id: str, *, excluding: str) -> list[str]:
        """Other open major hazards that keep ``equipment_id`` out of use."""
        stmt = (
            sa.select(HAZARDS.c.id)
            .where(HAZARDS.c.equipment_id == equipment_id, HAZARDS.c.stop_use.is_(True), HAZARDS.c.id != excluding)
            .order_by(HAZARDS.c.id)
        )
        return list(self.session.execute(stmt).scalars())

    def regulator_reports(
        self, *, hazard_id: str | None = None, region_prefix: str | None = None
    ) -> list[RegulatorReport]:
        stmt = sa.select(HAZARD_REGULATOR_REPORTS).order_by(
            HAZARD_REGULATOR_REPORTS.c.reported_at, HAZARD_REGULATOR_REPORTS.c.id
        )
        if hazard_id is not None:
            stmt = stmt.where(HAZARD_REGULATOR_REPORTS.c.hazard_id == hazard_id)
        if region_prefix:
            stmt = stmt.where(starts_with(HAZARD_REGULATOR_REPORTS.c.region_code, region_prefix))
        return [
            RegulatorReport(
                id=r["id"],
                hazard_id=r["hazard_id"],
                unit_uscc=r["unit_uscc"],
                region_code=r["region_code"],
                kind=RegulatorReportKind(r["kind"]),
                reported_at=r["reported_at"],
                sequence=r["sequence"],
            )
            for r in self.session.execute(stmt).mappings()
        ]

    def supervisions(
        self, *, region_prefix: str | None = None, status: SupervisionStatus | None = None
    ) -> list[tuple[str, ListedSupervision]]:
        """(hazard id, listing) pairs, oldest listing first."""
        stmt = sa.select(HAZARD_SUPERVISIONS).order_by(HAZARD_SUPERVISIONS.c.id)
        if region_prefix:
            stmt = stmt.where(starts_with(HAZARD_SUPERVISIONS.c.region_code, region_prefix))
        if status is not None:
            stmt = stmt.where(HAZARD_SUPERVISIONS.c.status == status.value)
        return [
            (
                r["hazard_id"],
                ListedSupervision(
                    authority=r["authority"],
                    deadline=r["deadline"],
                    status=SupervisionStatus(r["status"]),
                    listed_on=r["listed_on"],
                    lifted_on=r["lifted_on"],
                ),
            )
            for r in self.session.execute(stmt).mappings()
        ]

    # -- the chain -------------------------------------------------------------------------------------------

    def chain_records(self, hazard_id: str | None = None, *, batch: int = 2000) -> Iterator[ChainRecord]:
        """Stored records ordered by hazard and sequence, streamed (a whole province's log does not fit twice in
        memory)."""
        stmt = sa.select(HAZARD_EVENTS).order_by(HAZARD_EVENTS.c.hazard_id, HAZARD_EVENTS.c.sequence)
        if hazard_id is not None:
            stmt = stmt.where(HAZARD_EVENTS.c.hazard_id == hazard_id)
        result = self.session.execute(stmt, execution_options={"yield_per": batch}).mappings()
        for row in result:
            yield _record_from_row(row)

    def chain_heads(self, hazard_id: str | None = None) -> list[ChainHead]:
        stmt = sa.select(HAZARDS.c.id, HAZARDS.c.version, HAZARDS.c.head_hash)
        if hazard_id is not None:
            stmt = stmt.where(HAZARDS.c.id == hazard_id)
        return [
            ChainHead(hazard_id=r.id, version=r.version, head_hash=r.head_hash or GENESIS_HASH)
            for r in self.session.execute(stmt)
        ]

    def verify_chain(self, hazard_id: str | None = None) -> ChainReport:
        """Check the stored log (one hazard, or all) against its hashes and the hazards' heads."""
        return verify_chain(self.chain_records(hazard_id), self.chain_heads(hazard_id))

    # -- statistics ------------------------------------------------------------------------------------------

    def _filtered(self, stmt: sa.Select[Any], *, unit_uscc: str | None, region_prefix: str | None) -> sa.Select[Any]:
        if unit_uscc is not None:
            stmt = stmt.where(HAZARDS.c.unit_uscc == unit_uscc)
        if region_prefix:
            stmt = stmt.where(starts_with(HAZARDS.c.region_code, region_prefix))
        return stmt

    def _counts(
        self, column: sa.ColumnElement[Any], unit_uscc: str | None, region_prefix: str | None
    ) -> dict[str, int]:
        stmt = self._filtered(
            sa.select(column, sa.func.count()).select_from(HAZARDS).group_by(column),
            unit_uscc=unit_uscc,
            region_prefix=region_prefix,
        )
        return {("" if key is None else str(key)): int(n) for key, n in self.session.execute(stmt)}

    def statistics(
        self, *, today: dt.date, unit_uscc: str | None = None, region_prefix: str | None = None
    ) -> HazardStatistics:
        """Counts by state, level, equipment kind, unit and region, and the three rates — all GROUP BY / SUM /
        AVG in the database, never a Python loop over hazards."""
        h = HAZARDS.c
        closed = h.state == HazardState.CLOSED.value
        cancelled = h.state == HazardState.CANCELLED.value
        on_time = sa.and_(closed, h.closed_day <= sa.func.coalesce(h.deadline_day, h.closed_day))
        overdue = sa.and_(
            h.state.in_([HazardState.PLANNED.value, HazardState.RECTIFYING.value]), h.deadline_day < today.toordinal()
        )
        totals = self.session.execute(
            self._filtered(
                sa.select(
                    sa.func.count(),
                    sa.func.coalesce(sa.func.sum(sa.case((closed, 1), else_=0)), 0),
                    sa.func.coalesce(sa.func.sum(sa.case((cancelled, 1), else_=0)), 0),
                    sa.func.coalesce(sa.func.sum(sa.case((on_time, 1), else_=0)), 0),
                    sa.func.coalesce(sa.func.sum(sa.case((overdue, 1), else_=0)), 0),
                    sa.func.avg(sa.case((closed, sa.cast(h.closed_day - h.found_day, sa.Float)), else_=None)),
                ).select_from(HAZARDS),
                unit_uscc=unit_uscc,
                region_prefix=region_prefix,
            )
        ).one()
        total, n_closed, n_cancelled, n_on_time, n_overdue, mean_days = (
            int(totals[0]),
            int(totals[1]),
            int(totals[2]),
            int(totals[3]),
            int(totals[4]),
            totals[5],
        )
        open_base = total - n_cancelled
        return HazardStatistics(
            total=total,
            by_state=self._counts(h.state, unit_uscc, region_prefix),
            by_level=self._counts(h.level, unit_uscc, region_prefix),
            by_equipment_kind=self._counts(h.equipment_kind, unit_uscc, region_prefix),
            by_unit=self._counts(h.unit_uscc, unit_uscc, region_prefix),
            by_region=self._counts(h.region_code, unit_uscc, region_prefix),
            closed=n_closed,
            cancelled=n_cancelled,
            overdue=n_overdue,
            rectification_rate=(n_closed / open_base) if open_base else None,
            on_time_rate=(n_on_time / n_closed) if n_closed else None,
            mean_days_to_close=float(mean_days) if mean_days is not None else None,
        )
