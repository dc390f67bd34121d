"""Inspection records (检验记录) and what the overdue sweep and inspection agencies leave behind.

Tables:

* ``inspections`` — one row per report, indexed by (equipment, date) because the question asked most is "what
  was this item's last inspection";
* ``inspection_findings`` — the defects an agency submitted with a report, each linked to the hazard it became;
* ``inspection_overdue_cases`` — one row per (equipment, due date) the overdue sweep acted on. The unique key
  is what makes the sweep idempotent: a second run finds every overdue item already there and inserts nothing;
* ``inspection_regulator_notices`` — reports to the regulator of the equipment's region (逾期未检, serious
  findings), listed by region prefix.

The sweep's detection is one ``INSERT … SELECT`` over ``equipment`` that the ``(status, next_inspection_due)``
and ``(region_code, status, next_inspection_due)`` indexes serve as a range scan, with an anti-join on the
cases' unique index; nothing is looped over in Python except the newly detected rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple, cast

import attrs
import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import Field, SQLModel

from dualprev_sdk import timeutil
from dualprev_sdk.domain.equipment import EquipmentStatus
from dualprev_sdk.domain.inspection import (
    AgencyFinding,
    InspectionConclusion,
    InspectionKind,
    InspectionRecord,
    OverdueCase,
    RegulatorNotice,
    RegulatorNoticeKind,
)
from dualprev_sdk.errors import AlreadyExists, NotFound
from dualprev_sdk.store.base import (
    UTCDateTime,
    chunked,
    compare_and_swap,
    delete_versioned,
    first_version,
    insert_new,
    key_string,
    keyset_above,
    starts_with,
    table_of,
)
from dualprev_sdk.store.equipment import EQUIPMENT

__all__ = [
    "FINDINGS",
    "INSPECTIONS",
    "NOTICES",
    "OVERDUE_CASES",
    "InspectionRepository",
    "InspectionRow",
    "OverdueRow",
    "equipment_inspected_by",
    "inspection_from_row",
    "inspection_to_row",
]

KIND = "inspection"
_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")  # SQLite rowid needs INTEGER
_TERMINAL_HAZARD_STATES = ("closed", "cancelled")


class InspectionRow(SQLModel, table=True):
    __tablename__ = "inspections"
    __table_args__ = (
        sa.Index("ix_inspections_equipment_date", "equipment_id", "inspected_on"),
        # an agency's scoped event feed, and its equipment and hazard listings: the equipment ids it inspected
        # come straight from this index, in id order (keyset paging), without reading the rows
        sa.Index("ix_inspections_agency_equipment", "agency", "equipment_id"),
    )

    id: str = Field(sa_type=key_string(64), primary_key=True)
    equipment_id: str = Field(sa_type=key_string(64), foreign_key="equipment.id", ondelete="RESTRICT")
    kind: str = Field(sa_type=key_string(32))
    inspected_on: dt.date
    conclusion: str = Field(sa_type=key_string(32))
    agency: str = Field(default="", sa_type=sa.String(200))
    report_number: str = Field(default="", sa_type=key_string(64))
    safety_grade: int | None = Field(default=None)
    next_due: dt.date | None = Field(default=None)
    due_rule: str = Field(default="", sa_type=sa.String(500))
    use_allowed: bool = Field(default=True)
    version: int = Field(default=1)
    created_at: dt.datetime = Field(sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(sa_type=UTCDateTime)


class InspectionFindingRow(SQLModel, table=True):
    __tablename__ = "inspection_findings"
    __table_args__ = (sa.UniqueConstraint("inspection_id", "position"),)

    id: int | None = Field(default=None, primary_key=True, sa_type=_ID)
    inspection_id: str = Field(sa_type=key_string(64), foreign_key="inspections.id", ondelete="RESTRICT")
    position: int = Field(default=0)
    code: str = Field(sa_type=key_string(100))
    description: str = Field(sa_type=sa.Text)
    serious: bool = Field(default=False)
    location: str = Field(default="", sa_type=sa.String(200))
    hazard_id: str | None = Field(default=None, sa_type=key_string(64))


class OverdueRow(SQLModel, table=True):
    __tablename__ = "inspection_overdue_cases"
    __table_args__ = (
        sa.UniqueConstraint("equipment_id", "due_on"),
        sa.Index("ix_inspection_overdue_cases_sweep_id", "sweep_id"),
        sa.Index("ix_inspection_overdue_cases_hazard_opened", "hazard_opened"),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=_ID)
    equipment_id: str = Field(sa_type=key_string(64), foreign_key="equipment.id", ondelete="RESTRICT")
    due_on: dt.date
    unit_uscc: str = Field(sa_type=key_string(18))
    region_code: str = Field(sa_type=key_string(12))
    catalog_code: str = Field(sa_type=key_string(8))
    detected_on: dt.date
    sweep_id: str = Field(sa_type=key_string(64))
    hazard_id: str | None = Field(default=None, sa_type=key_string(64))
    hazard_opened: bool = Field(default=False)


class RegulatorNoticeRow(SQLModel, table=True):
    __tablename__ = "inspection_regulator_notices"
    __table_args__ = (sa.Index("ix_inspection_regulator_notices_region_code", "region_code"),)

    id: str = Field(sa_type=key_string(200), primary_key=True)
    kind: str = Field(sa_type=key_string(32))
    equipment_id: str = Field(sa_type=key_string(64))
    unit_uscc: str = Field(sa_type=key_string(18))
    region_code: str = Field(sa_type=key_string(12))
    reported_at: dt.datetime = Field(sa_type=UTCDateTime)
    due_on: dt.date | None = Field(default=None)
    report_number: str = Field(default="", sa_type=key_string(64))
    hazard_id: str | None = Field(default=None, sa_type=key_string(64))
    detail: str = Field(default="", sa_type=sa.Text)


INSPECTIONS = table_of(InspectionRow)


def equipment_inspected_by(agency: str) -> sa.Select[Any]:
    """The ids of the equipment ``agency`` has inspection records for (what it may read), as a subquery for
    ``column.in_(...)``; served by ``ix_inspections_agency_equipment``."""
    return sa.select(INSPECTIONS.c.equipment_id).where(INSPECTIONS.c.agency == agency)


FINDINGS = table_of(InspectionFindingRow)
OVERDUE_CASES = table_of(OverdueRow)
NOTICES = table_of(RegulatorNoticeRow)


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
        "due_rule": record.due_rule,
        "use_allowed": record.use_allowed,
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
        due_rule=row["due_rule"],
        use_allowed=bool(row["use_allowed"]),
        version=row["version"],
    )


def _case_from_row(row: Mapping[Any, Any]) -> OverdueCase:
    return OverdueCase(
        id=str(row["id"]),
        equipment_id=row["equipment_id"],
        due_on=row["due_on"],
        unit_uscc=row["unit_uscc"],
        region_code=row["region_code"],
        catalog_code=row["catalog_code"],
        detected_on=row["detected_on"],
        hazard_id=row["hazard_id"] or "",
        hazard_opened=bool(row["hazard_opened"]),
    )


def _notice_from_row(row: Mapping[Any, Any]) -> RegulatorNotice:
    return RegulatorNotice(
        id=row["id"],
        kind=RegulatorNoticeKind(row["kind"]),
        equipment_id=row["equipment_id"],
        unit_uscc=row["unit_uscc"],
        region_code=row["region_code"],
        reported_at=row["reported_at"],
        due_on=row["due_on"],
        report_number=row["report_number"],
        hazard_id=row["hazard_id"],
        detail=row["detail"],
    )


class OverdueItem(NamedTuple):
    """One row of the overdue listing (逾期未检设备清单). A named tuple rather than an attrs class: a province's
    listing has tens of thousands of rows, and a tuple is built from a database row in one C call."""

    equipment_id: str
    unit_uscc: str
    region_code: str
    catalog_code: str
    next_inspection_due: dt.date
    stopped: bool  # a major hazard's stop-use order keeps it out of use already

    @property
    def key(self) -> OverdueKey:
        """Where the row stands in the listing's order: the keyset cursor of the next page."""
        return OverdueKey(self.region_code, self.unit_uscc, self.catalog_code, self.equipment_id)


class OverdueKey(NamedTuple):
    """The overdue listing's order (region code, unit USCC, catalogue code, equipment id): a page cursor."""

    region_code: str
    unit_uscc: str
    catalog_code: str
    equipment_id: str


@attrs.frozen(kw_only=True)
class PendingCase:
    """A detected overdue case whose hazard is not open yet, with the facts its grading needs."""

    case: OverdueCase
    inspected_ever: bool
    last_conclusion: str | None
    last_safety_grade: int | None


def _insert_ignoring_duplicates(
    session: Session, table: sa.Table, columns: list[str], select: sa.Select[Any]
) -> sa.Executable:
    """``INSERT … SELECT … ON CONFLICT DO NOTHING`` on the backends that have it (both supported ones do)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).from_select(columns, select).on_conflict_do_nothing()
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(table).from_select(columns, select).on_conflict_do_nothing()
    return sa.insert(table).from_select(columns, select)


def overdue_filter(
    today: dt.date,
    *,
    region_prefix: str | None = None,
    catalog_prefix: str | None = None,
    unit_uscc: str | None = None,
) -> list[sa.ColumnElement[bool]]:
    """The WHERE of "in use and past its due date", written so the (region, status, due) / (status, due)
    indexes serve it: equality on status, a range on the due date, a range on the region digits."""
    e = EQUIPMENT.c
    where: list[sa.ColumnElement[bool]] = [e.status == EquipmentStatus.IN_USE.value, e.next_inspection_due < today]
    if region_prefix:
        where.append(starts_with(e.region_code, region_prefix))
    if catalog_prefix:
        where.append(starts_with(e.catalog_code, catalog_prefix))
    if unit_uscc is not None:
        where.append(e.unit_uscc == unit_uscc)
    return where


class InspectionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- inspection records ----------------------------------------------------------------------------------

    def add(self, record: InspectionRecord) -> InspectionRecord:
        if self.session.execute(sa.select(INSPECTIONS.c.id).where(INSPECTIONS.c.id == record.id)).first():
            raise AlreadyExists(KIND, record.id)
        now = timeutil.now()
        self.session.execute(
            sa.insert(INSPECTIONS).values(**inspection_to_row(record), version=1, created_at=now, updated_at=now)
        )
        return attrs.evolve(record, version=1)

    def add_many(self, records: Iterable[InspectionRecord], *, chunk_size: int = 500) -> int:
        stamp = first_version(timeutil.now())
        rows = [{**inspection_to_row(r), **stamp} for r in records]
        return insert_new(self.session, INSPECTIONS, rows, kind=KIND, key="id", chunk_size=chunk_size)

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

    def latest(
        self, equipment_id: str, *, kind: InspectionKind | None = None, kinds: Iterable[InspectionKind] | None = None
    ) -> InspectionRecord | None:
        stmt = (
            sa.select(INSPECTIONS)
            .where(INSPECTIONS.c.equipment_id == equipment_id)
            .order_by(INSPECTIONS.c.inspected_on.desc(), INSPECTIONS.c.id.desc())
            .limit(1)
        )
        if kind is not None:
            stmt = stmt.where(INSPECTIONS.c.kind == kind.value)
        if kinds is not None:
            stmt = stmt.where(INSPECTIONS.c.kind.in_([k.value for k in kinds]))
        row = self.session.execute(stmt).mappings().first()
        return None if row is None else inspection_from_row(row)

    def latest_for_many(
        self, equipment_ids: Sequence[str], *, kinds: Iterable[InspectionKind] | None = None
    ) -> dict[str, InspectionRecord]:
        """The newest record of each item (one query per chunk: a window over the (equipment, date) index)."""
        out: dict[str, InspectionRecord] = {}
        wanted = None if kinds is None else [k.value for k in kinds]
        for chunk in chunked(list(equipment_ids), 500):
            where = [INSPECTIONS.c.equipment_id.in_(chunk)]
            if wanted is not None:
                where.append(INSPECTIONS.c.kind.in_(wanted))
            ranked = (
                sa.select(
                    INSPECTIONS,
                    sa.func.row_number()
                    .over(
                        partition_by=INSPECTIONS.c.equipment_id,
                        order_by=(INSPECTIONS.c.inspected_on.desc(), INSPECTIONS.c.id.desc()),
                    )
                    .label("rank"),
                )
                .where(*where)
                .subquery()
            )
            stmt = sa.select(ranked).where(ranked.c.rank == 1)
            for row in self.session.execute(stmt).mappings():
                out[row["equipment_id"]] = inspection_from_row(row)
        return out

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

    # -- agency findings -------------------------------------------------------------------------------------

    def add_findings(self, inspection_id: str, findings: Sequence[AgencyFinding]) -> None:
        rows = [
            {
                "inspection_id": inspection_id,
                "position": i,
                "code": f.code,
                "description": f.description,
                "serious": f.serious,
                "location": f.location,
            }
            for i, f in enumerate(findings)
        ]
        if rows:
            self.session.execute(sa.insert(FINDINGS), rows)

    def findings(self, inspection_id: str) -> list[tuple[AgencyFinding, str | None]]:
        """(finding, hazard id) pairs of a report, in submitted order."""
        stmt = sa.select(FINDINGS).where(FINDINGS.c.inspection_id == inspection_id).order_by(FINDINGS.c.position)
        return [
            (
                AgencyFinding(
                    code=r["code"], description=r["description"], serious=r["serious"], location=r["location"]
                ),
                r["hazard_id"],
            )
            for r in self.session.execute(stmt).mappings()
        ]

    def link_finding(self, inspection_id: str, position: int, hazard_id: str) -> None:
        self.session.execute(
            sa.update(FINDINGS)
            .where(FINDINGS.c.inspection_id == inspection_id, FINDINGS.c.position == position)
            .values(hazard_id=hazard_id)
        )

    # -- overdue ---------------------------------------------------------------------------------------------

    def overdue(
        self,
        today: dt.date,
        *,
        region_prefix: str | None = None,
        catalog_prefix: str | None = None,
        unit_uscc: str | None = None,
        limit: int | None = None,
        after: OverdueKey | None = None,
    ) -> list[OverdueItem]:
        """Equipment in use past its due date, by region, unit, class (one indexed query). ``after`` and
        ``limit`` read one keyset page: the rows whose (region, unit, catalogue code, id) sorts above ``after``
        (the last row of the previous page), at most ``limit``."""
        e = EQUIPMENT.c
        stmt = (
            sa.select(
                e.id, e.unit_uscc, e.region_code, e.catalog_code, e.next_inspection_due, e.stop_use_order.is_not(None)
            )
            .where(
                *overdue_filter(today, region_prefix=region_prefix, catalog_prefix=catalog_prefix, unit_uscc=unit_uscc)
            )
            .order_by(e.region_code, e.unit_uscc, e.catalog_code, e.id)
        )
        if after is not None:
            # the plain bound on the leading column lets the (region, status, due) index start at the cursor's
            # region; the row-value comparison is the exact keyset condition (same collation as the ORDER BY)
            stmt = stmt.where(
                e.region_code >= after.region_code,
                keyset_above((e.region_code, e.unit_uscc, e.catalog_code, e.id), after),
            )
        if limit is not None:
            stmt = stmt.limit(limit)
        # Core execution on the session's connection: the ORM layer adds nothing to a plain column select, and the
        # Boolean type already turns SQLite's 0/1 into bool
        return list(map(OverdueItem._make, self.session.connection().execute(stmt).fetchall()))

    def overdue_counts(
        self,
        today: dt.date,
        *,
        region_prefix: str | None = None,
        catalog_prefix: str | None = None,
        unit_uscc: str | None = None,
    ) -> list[tuple[str, str, str, int]]:
        """(region code, unit USCC, catalogue code, count) over overdue equipment: a GROUP BY in the database."""
        e = EQUIPMENT.c
        stmt = (
            sa.select(e.region_code, e.unit_uscc, e.catalog_code, sa.func.count())
            .where(
                *overdue_filter(today, region_prefix=region_prefix, catalog_prefix=catalog_prefix, unit_uscc=unit_uscc)
            )
            .group_by(e.region_code, e.unit_uscc, e.catalog_code)
            .order_by(e.region_code, e.unit_uscc, e.catalog_code)
        )
        return [(r[0], r[1], r[2], int(r[3])) for r in self.session.execute(stmt)]

    def detect_overdue(
        self, today: dt.date, *, sweep_id: str, region_prefix: str | None = None, reported_at: dt.datetime
    ) -> list[OverdueCase]:
        """Record every (equipment, due date) newly overdue *and still in use* (not stopped by a major hazard), and
        a regulator notice for each, in two set-based statements; return the new cases.

        Idempotent: the anti-join on the cases' unique (equipment, due date) key leaves out everything an earlier
        sweep recorded, and ``ON CONFLICT DO NOTHING`` on that key lets two sweeps run at once: the second waits
        for the first's row locks (PostgreSQL) and then skips what it inserted. Notices are made only for the rows
        this sweep inserted (its ``sweep_id``).
        """
        e = EQUIPMENT.c
        c = OVERDUE_CASES.c
        seen = sa.select(sa.literal(1)).where(c.equipment_id == e.id, c.due_on == e.next_inspection_due).exists()
        source = sa.select(
            e.id,
            e.next_inspection_due,
            e.unit_uscc,
            e.region_code,
            e.catalog_code,
            sa.literal(today, sa.Date),
            sa.literal(sweep_id, sa.String),
            sa.literal(False, sa.Boolean),
        ).where(*overdue_filter(today, region_prefix=region_prefix), e.stop_use_order.is_(None), ~seen)
        columns = [
            "equipment_id",
            "due_on",
            "unit_uscc",
            "region_code",
            "catalog_code",
            "detected_on",
            "sweep_id",
            "hazard_opened",
        ]
        self.session.execute(_insert_ignoring_duplicates(self.session, OVERDUE_CASES, columns, source))
        notice_id = sa.literal("overdue:") + sa.cast(c.id, sa.String)
        self.session.execute(
            sa.insert(NOTICES).from_select(
                ["id", "kind", "equipment_id", "unit_uscc", "region_code", "reported_at", "due_on", "detail"],
                sa.select(
                    notice_id,
                    sa.literal(RegulatorNoticeKind.OVERDUE_INSPECTION.value, sa.String),
                    c.equipment_id,
                    c.unit_uscc,
                    c.region_code,
                    sa.literal(reported_at, UTCDateTime),
                    c.due_on,
                    sa.literal("在用设备超过下次检验日期未检验（逾期未检）", sa.Text),
                ).where(c.sweep_id == sweep_id),
            )
        )
        rows = self.session.execute(sa.select(OVERDUE_CASES).where(c.sweep_id == sweep_id).order_by(c.id)).mappings()
        return [_case_from_row(r) for r in rows]

    def pending_cases(self, *, limit: int | None = None) -> list[PendingCase]:
        """Detected cases whose hazard is not open yet, with whether the item was ever inspected and its last
        conclusion (correlated subqueries on the (equipment, date) index)."""
        c = OVERDUE_CASES.c
        i = INSPECTIONS.c
        newest = (
            sa.select(i.conclusion, i.safety_grade)
            .where(i.equipment_id == c.equipment_id)
            .order_by(i.inspected_on.desc(), i.id.desc())
            .limit(1)
        )
        stmt = (
            sa.select(
                OVERDUE_CASES,
                newest.with_only_columns(i.conclusion).scalar_subquery().label("last_conclusion"),
                newest.with_only_columns(i.safety_grade).scalar_subquery().label("last_safety_grade"),
            )
            .where(c.hazard_opened.is_(False))
            .order_by(c.id)
        )
        if limit is not None:
            stmt = stmt.limit(limit)
        return [
            PendingCase(
                case=_case_from_row(r),
                inspected_ever=r["last_conclusion"] is not None,
                last_conclusion=r["last_conclusion"],
                last_safety_grade=r["last_safety_grade"],
            )
            for r in self.session.execute(stmt).mappings()
        ]

    def mark_cases_opened(self, opened: Mapping[str, str]) -> None:
        """Case id → hazard id, for cases whose hazard is now open (executemany)."""
        if not opened:
            return
        self.session.execute(
            sa.update(OVERDUE_CASES)
            .where(OVERDUE_CASES.c.id == sa.bindparam("case_id"))
            .values(hazard_id=sa.bindparam("hazard"), hazard_opened=True),
            [{"case_id": int(k), "hazard": v} for k, v in opened.items()],
            execution_options={"synchronize_session": False},
        )
        self.session.execute(
            sa.update(NOTICES)
            .where(NOTICES.c.id == sa.bindparam("notice_id"))
            .values(hazard_id=sa.bindparam("hazard")),
            [{"notice_id": f"overdue:{k}", "hazard": v} for k, v in opened.items()],
            execution_options={"synchronize_session": False},
        )

    def cases(self, *, equipment_id: str | None = None) -> list[OverdueCase]:
        stmt = sa.select(OVERDUE_CASES).order_by(OVERDUE_CASES.c.id)
        if equipment_id is not None:
            stmt = stmt.where(OVERDUE_CASES.c.equipment_id == equipment_id)
        return [_case_from_row(r) for r in self.session.execute(stmt).mappings()]

    # -- regulator notices -----------------------------------------------------------------------------------

    def add_notice(self, notice: RegulatorNotice) -> bool:
        """Store a notice unless one with its id exists (the id says what caused it); True when stored."""
        if self.session.execute(sa.select(NOTICES.c.id).where(NOTICES.c.id == notice.id)).first():
            return False
        self.session.execute(
            sa.insert(NOTICES).values(
                id=notice.id,
                kind=notice.kind.value,
                equipment_id=notice.equipment_id,
                unit_uscc=notice.unit_uscc,
                region_code=notice.region_code,
                reported_at=notice.reported_at,
                due_on=notice.due_on,
                report_number=notice.report_number,
                hazard_id=notice.hazard_id,
                detail=notice.detail,
            )
        )
        return True

    def notices(
        self, *, region_prefix: str | None = None, kind: RegulatorNoticeKind | None = None
    ) -> list[RegulatorNotice]:
        stmt = sa.select(NOTICES).order_by(NOTICES.c.region_code, NOTICES.c.id)
        if region_prefix:
            stmt = stmt.where(starts_with(NOTICES.c.region_code, region_prefix))
        if kind is not None:
            stmt = stmt.where(NOTICES.c.kind == kind.value)
        return [_notice_from_row(r) for r in self.session.execute(stmt).mappings()]

    # -- condition facts for equipment risk ------------------------------------------------------------------

    def open_hazards(self, equipment_ids: Sequence[str]) -> dict[str, list[tuple[str, str | None]]]:
        """Open (not closed, not cancelled) hazards per item: (hazard id, level) from the hazards projection,
        over its equipment index. Read here, next to the other condition facts, for the equipment-risk grade."""
        from dualprev_sdk.store.hazards import HAZARDS

        h = HAZARDS.c
        out: dict[str, list[tuple[str, str | None]]] = {i: [] for i in equipment_ids}
        for chunk in chunked(list(equipment_ids), 500):
            stmt = (
                sa.select(h.equipment_id, h.id, h.level)
                .where(h.equipment_id.in_(chunk), h.state.not_in(_TERMINAL_HAZARD_STATES))
                .order_by(h.equipment_id, h.id)
            )
            for eid, hid, level in self.session.execute(stmt):
                out[cast(str, eid)].append((hid, level))
        return out


def link_notice(session: Session, notice_id: str, hazard_id: str) -> None:
    """Attach the hazard a notice's finding became (set once the hazard is open)."""
    session.execute(sa.update(NOTICES).where(NOTICES.c.id == notice_id).values(hazard_id=hazard_id))
