"""Duty plans, tasks and records (日管控/周排查/月调度 and the other schedules): tables, mappers, repository.

The unique key ``(plan_id, unit_uscc, period_key)`` on ``duty_tasks`` is what guarantees one task per day, ISO
week or month whatever races happen; ``duty_records.task_id`` is unique, so a task is discharged once. Missed
duties are then one anti-join (tasks past due without a record), on SQLite and PostgreSQL alike.

Checked items are rows (``duty_record_items``), not JSON, because the weekly report and the monthly minutes
count them by result, equipment and hazard in SQL.
"""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import Field, SQLModel

from dualprev_sdk import timeutil
from dualprev_sdk.domain.common import Frequency, SafetyRole
from dualprev_sdk.domain.duty import (
    CheckResult,
    DutyKind,
    DutyPlan,
    DutyRecord,
    DutyTask,
    ItemResult,
    MissedDuty,
    OperatingDays,
)
from dualprev_sdk.errors import AlreadyExists, NotFound
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
from dualprev_sdk.store.units import UNITS

__all__ = [
    "DUTY_PLANS",
    "DUTY_RECORDS",
    "DUTY_RECORD_ITEMS",
    "DUTY_TASKS",
    "DutyRepository",
    "ResultCount",
]


class DutyPlanRow(SQLModel, table=True):
    __tablename__ = "duty_plans"

    id: str = Field(sa_type=key_string(64), primary_key=True)
    kind: str = Field(sa_type=key_string(32))
    title: str = Field(default="", sa_type=sa.String(200))
    unit_usccs: list[str] = Field(default_factory=list, sa_type=JSON_TYPE)
    role: str | None = Field(default=None, sa_type=key_string(32))
    equipment_kind: str | None = Field(default=None, sa_type=key_string(4))
    starts_on: dt.date
    ends_on: dt.date | None = None
    frequency: str | None = Field(default=None, sa_type=key_string(16))
    months: list[int] = Field(default_factory=list, sa_type=JSON_TYPE)
    lead_days: int = Field(default=7)
    operating_days: str = Field(default=OperatingDays.EVERY_DAY.value, sa_type=key_string(16))
    item_codes: list[str] = Field(default_factory=list, sa_type=JSON_TYPE)
    description: str = Field(default="", sa_type=sa.String(2000))
    active: bool = Field(default=True)
    version: int = Field(default=1)
    created_at: dt.datetime = Field(sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(sa_type=UTCDateTime)


class DutyTaskRow(SQLModel, table=True):
    __tablename__ = "duty_tasks"
    __table_args__ = (
        sa.UniqueConstraint("plan_id", "unit_uscc", "period_key"),
        sa.Index("ix_duty_tasks_unit_due", "unit_uscc", "due_on"),
        sa.Index("ix_duty_tasks_due", "due_on"),
    )

    id: str = Field(sa_type=key_string(160), primary_key=True)
    plan_id: str = Field(sa_type=key_string(64), foreign_key="duty_plans.id", ondelete="RESTRICT")
    unit_uscc: str = Field(sa_type=key_string(18), foreign_key="units.uscc", ondelete="RESTRICT")
    kind: str = Field(sa_type=key_string(32))
    period_key: str = Field(sa_type=key_string(40))
    opens_on: dt.date
    due_on: dt.date
    role: str = Field(sa_type=key_string(32))
    assignee: str = Field(default="", sa_type=sa.String(100))
    equipment_kind: str | None = Field(default=None, sa_type=key_string(4))
    title: str = Field(default="", sa_type=sa.String(300))
    created_at: dt.datetime = Field(sa_type=UTCDateTime)


class DutyRecordRow(SQLModel, table=True):
    __tablename__ = "duty_records"
    __table_args__ = (sa.Index("ix_duty_records_unit_recorded", "unit_uscc", "recorded_at"),)

    id: str = Field(sa_type=key_string(64), primary_key=True)
    task_id: str = Field(sa_type=key_string(160), foreign_key="duty_tasks.id", ondelete="RESTRICT", unique=True)
    plan_id: str = Field(sa_type=key_string(64))
    unit_uscc: str = Field(sa_type=key_string(18), foreign_key="units.uscc", ondelete="RESTRICT")
    kind: str = Field(sa_type=key_string(32))
    period_key: str = Field(sa_type=key_string(40))
    recorded_by: str = Field(sa_type=sa.String(100))
    recorded_at: dt.datetime = Field(sa_type=UTCDateTime)
    summary: str = Field(default="", sa_type=sa.String(4000))
    attendees: list[str] = Field(default_factory=list, sa_type=JSON_TYPE)
    next_steps: str = Field(default="", sa_type=sa.String(4000))
    zero_findings: bool = Field(default=True)
    version: int = Field(default=1)
    created_at: dt.datetime = Field(sa_type=UTCDateTime)


class DutyRecordItemRow(SQLModel, table=True):
    __tablename__ = "duty_record_items"
    __table_args__ = (sa.Index("ix_duty_record_items_equipment", "equipment_id"),)

    record_id: str = Field(sa_type=key_string(64), foreign_key="duty_records.id", ondelete="CASCADE", primary_key=True)
    seq: int = Field(primary_key=True)
    item_code: str = Field(sa_type=key_string(64))
    subject: str = Field(default="", sa_type=sa.String(500))
    equipment_id: str | None = Field(default=None, sa_type=key_string(64))
    result: str = Field(sa_type=key_string(16))
    note: str = Field(default="", sa_type=sa.String(2000))
    evidence: list[str] = Field(default_factory=list, sa_type=JSON_TYPE)
    hazard_id: str | None = Field(default=None, sa_type=key_string(64))


DUTY_PLANS = table_of(DutyPlanRow)
DUTY_TASKS = table_of(DutyTaskRow)
DUTY_RECORDS = table_of(DutyRecordRow)
DUTY_RECORD_ITEMS = table_of(DutyRecordItemRow)


# ---------------------------------------------------------------------------------------------------------------
# mappers
# ---------------------------------------------------------------------------------------------------------------


def plan_to_row(plan: DutyPlan) -> dict[str, Any]:
    return {
        "id": plan.id,
        "kind": plan.kind.value,
        "title": plan.title,
        "unit_usccs": list(plan.unit_usccs),
        "role": plan.role.value if plan.role else None,
        "equipment_kind": plan.equipment_kind,
        "starts_on": plan.starts_on,
        "ends_on": plan.ends_on,
        "frequency": plan.frequency.value if plan.frequency else None,
        "months": list(plan.months),
        "lead_days": plan.lead_days,
        "operating_days": plan.operating_days.value,
        "item_codes": list(plan.item_codes),
        "description": plan.description,
        "active": plan.active,
    }


def plan_from_row(row: Mapping[Any, Any]) -> DutyPlan:
    return DutyPlan(
        id=row["id"],
        kind=DutyKind(row["kind"]),
        title=row["title"],
        unit_usccs=tuple(row["unit_usccs"] or ()),
        role=SafetyRole(row["role"]) if row["role"] else None,
        equipment_kind=row["equipment_kind"],
        starts_on=row["starts_on"],
        ends_on=row["ends_on"],
        frequency=Frequency(row["frequency"]) if row["frequency"] else None,
        months=tuple(int(m) for m in row["months"] or ()),
        lead_days=row["lead_days"],
        operating_days=OperatingDays(row["operating_days"]),
        item_codes=tuple(row["item_codes"] or ()),
        description=row["description"],
        active=bool(row["active"]),
        version=row["version"],
    )


def task_to_row(task: DutyTask) -> dict[str, Any]:
    return {
        "id": task.id,
        "plan_id": task.plan_id,
        "unit_uscc": task.unit_uscc,
        "kind": task.kind.value,
        "period_key": task.period_key,
        "opens_on": task.opens_on,
        "due_on": task.due_on,
        "role": task.role.value,
        "assignee": task.assignee,
        "equipment_kind": task.equipment_kind,
        "title": task.title,
    }


def task_from_row(row: Mapping[Any, Any]) -> DutyTask:
    return DutyTask(
        id=row["id"],
        plan_id=row["plan_id"],
        unit_uscc=row["unit_uscc"],
        kind=DutyKind(row["kind"]),
        period_key=row["period_key"],
        opens_on=row["opens_on"],
        due_on=row["due_on"],
        role=SafetyRole(row["role"]),
        assignee=row["assignee"],
        equipment_kind=row["equipment_kind"],
        title=row["title"],
    )


def _item_from_row(row: Mapping[Any, Any]) -> ItemResult:
    return ItemResult(
        item_code=row["item_code"],
        subject=row["subject"],
        equipment_id=row["equipment_id"],
        result=CheckResult(row["result"]),
        note=row["note"],
        evidence=tuple(row["evidence"] or ()),
        hazard_id=row["hazard_id"],
    )


def _record_from_row(row: Mapping[Any, Any], items: Iterable[ItemResult]) -> DutyRecord:
    return DutyRecord(
        id=row["id"],
        task_id=row["task_id"],
        plan_id=row["plan_id"],
        unit_uscc=row["unit_uscc"],
        kind=DutyKind(row["kind"]),
        period_key=row["period_key"],
        recorded_by=row["recorded_by"],
        recorded_at=row["recorded_at"],
        items=tuple(items),
        summary=row["summary"],
        attendees=tuple(row["attendees"] or ()),
        next_steps=row["next_steps"],
        version=row["version"],
    )


@attrs.frozen(kw_only=True)
class ResultCount:
    """Checked items of a unit in a date range, counted by kind of duty and result (for reports)."""

    kind: DutyKind
    result: CheckResult
    count: int


class DutyRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- plans ----------------------------------------------------------------------------------------------

    def add_plan(self, plan: DutyPlan) -> DutyPlan:
        if self.session.execute(sa.select(DUTY_PLANS.c.id).where(DUTY_PLANS.c.id == plan.id)).first():
            raise AlreadyExists("duty plan", plan.id)
        now = timeutil.now()
        self.session.execute(
            sa.insert(DUTY_PLANS).values(**plan_to_row(plan), version=1, created_at=now, updated_at=now)
        )
        return attrs.evolve(plan, version=1)

    def get_plan(self, plan_id: str) -> DutyPlan:
        row = self.session.execute(sa.select(DUTY_PLANS).where(DUTY_PLANS.c.id == plan_id)).mappings().first()
        if row is None:
            raise NotFound("duty plan", plan_id)
        return plan_from_row(row)

    def update_plan(self, plan: DutyPlan) -> DutyPlan:
        values = plan_to_row(plan)
        del values["id"]
        version = compare_and_swap(
            self.session,
            DUTY_PLANS,
            {"id": plan.id},
            plan.version,
            {**values, "updated_at": timeutil.now()},
            kind="duty plan",
        )
        return attrs.evolve(plan, version=version)

    def list_plans(self, *, unit_uscc: str | None = None, active_only: bool = True) -> builtins.list[DutyPlan]:
        stmt = sa.select(DUTY_PLANS).order_by(DUTY_PLANS.c.id)
        if active_only:
            stmt = stmt.where(DUTY_PLANS.c.active.is_(True))
        plans = [plan_from_row(r) for r in self.session.execute(stmt).mappings()]
        return [p for p in plans if unit_uscc is None or unit_uscc in p.unit_usccs]

    # -- tasks ----------------------------------------------------------------------------------------------

    def add_tasks(self, tasks: Iterable[DutyTask], *, chunk_size: int = 1000) -> dict[str, int]:
        """Insert the tasks not there yet; returns how many were new per plan id.

        The existing ones are found with one range query (plan ids + due-date range, served by the unique key's
        index) rather than one query per chunk; the unique key ``(plan, unit, period)`` stops a concurrent
        generator that inserted meanwhile (AlreadyExists: the caller's unit of work rolls back).
        """
        rows = [task_to_row(t) for t in tasks]
        if not rows:
            return {}
        plan_ids = sorted({r["plan_id"] for r in rows})
        low = min(r["due_on"] for r in rows)
        high = max(r["due_on"] for r in rows)
        existing: set[str] = set()
        for ids in chunked(plan_ids, 500):
            existing.update(
                self.session.execute(
                    sa.select(DUTY_TASKS.c.id).where(
                        DUTY_TASKS.c.plan_id.in_(ids), DUTY_TASKS.c.due_on >= low, DUTY_TASKS.c.due_on <= high
                    )
                ).scalars()
            )
        now = timeutil.now()
        new = [{**r, "created_at": now} for r in rows if r["id"] not in existing]
        for chunk in chunked(new, chunk_size):
            insert_many(self.session, DUTY_TASKS, chunk, kind="duty task", key="id")
        created: dict[str, int] = {}
        for r in new:
            created[r["plan_id"]] = created.get(r["plan_id"], 0) + 1
        return created

    def get_task(self, task_id: str) -> DutyTask:
        row = self.session.execute(sa.select(DUTY_TASKS).where(DUTY_TASKS.c.id == task_id)).mappings().first()
        if row is None:
            raise NotFound("duty task", task_id)
        return task_from_row(row)

    def list_tasks(
        self,
        *,
        unit_uscc: str | None = None,
        plan_id: str | None = None,
        kind: DutyKind | None = None,
        due_from: dt.date | None = None,
        due_to: dt.date | None = None,
    ) -> builtins.list[DutyTask]:
        stmt = sa.select(DUTY_TASKS).order_by(DUTY_TASKS.c.due_on, DUTY_TASKS.c.id)
        if unit_uscc is not None:
            stmt = stmt.where(DUTY_TASKS.c.unit_uscc == unit_uscc)
        if plan_id is not None:
            stmt = stmt.where(DUTY_TASKS.c.plan_id == plan_id)
        if kind is not None:
            stmt = stmt.where(DUTY_TASKS.c.kind == kind.value)
        if due_from is not None:
            stmt = stmt.where(DUTY_TASKS.c.due_on >= due_from)
        if due_to is not None:
            stmt = stmt.where(DUTY_TASKS.c.due_on <= due_to)
        return [task_from_row(r) for r in self.session.execute(stmt).mappings()]

    # -- records --------------------------------------------------------------------------------------------

    def add_record(self, record: DutyRecord) -> DutyRecord:
        taken = self.session.execute(
            sa.select(DUTY_RECORDS.c.id).where(
                sa.or_(DUTY_RECORDS.c.id == record.id, DUTY_RECORDS.c.task_id == record.task_id)
            )
        ).first()
        if taken is not None:
            raise AlreadyExists("duty record", record.task_id, f"task {record.task_id!r} already has a record")
        insert_many(
            self.session,
            DUTY_RECORDS,
            [
                {
                    "id": record.id,
                    "task_id": record.task_id,
                    "plan_id": record.plan_id,
                    "unit_uscc": record.unit_uscc,
                    "kind": record.kind.value,
                    "period_key": record.period_key,
                    "recorded_by": record.recorded_by,
                    "recorded_at": record.recorded_at,
                    "summary": record.summary,
                    "attendees": list(record.attendees),
                    "next_steps": record.next_steps,
                    "zero_findings": record.zero_findings,
                    "version": 1,
                    "created_at": timeutil.now(),
                }
            ],
            kind="duty record",
            key="task_id",
        )
        if record.items:
            self.session.execute(
                sa.insert(DUTY_RECORD_ITEMS),
                [
                    {
                        "record_id": record.id,
                        "seq": seq,
                        "item_code": item.item_code,
                        "subject": item.subject,
                        "equipment_id": item.equipment_id,
                        "result": item.result.value,
                        "note": item.note,
                        "evidence": list(item.evidence),
                        "hazard_id": item.hazard_id,
                    }
                    for seq, item in enumerate(record.items)
                ],
            )
        return attrs.evolve(record, version=1)

    def find_record_for_task(self, task_id: str) -> DutyRecord | None:
        row = self.session.execute(sa.select(DUTY_RECORDS).where(DUTY_RECORDS.c.task_id == task_id)).mappings().first()
        return None if row is None else self._records([row])[0]

    def get_record(self, record_id: str) -> DutyRecord:
        row = self.session.execute(sa.select(DUTY_RECORDS).where(DUTY_RECORDS.c.id == record_id)).mappings().first()
        if row is None:
            raise NotFound("duty record", record_id)
        return self._records([row])[0]

    def _records(self, rows: Sequence[Mapping[Any, Any]]) -> builtins.list[DutyRecord]:
        """The records of ``rows`` with their checked items: one items query per 500 records, so a month of a
        unit's records (the weekly report, the monthly minutes) is a few queries, not two per record."""
        items: dict[str, builtins.list[ItemResult]] = {}
        i = DUTY_RECORD_ITEMS.c
        for chunk in chunked([r["id"] for r in rows], 500):
            stmt = sa.select(DUTY_RECORD_ITEMS).where(i.record_id.in_(chunk)).order_by(i.record_id, i.seq)
            for item in self.session.execute(stmt).mappings():
                items.setdefault(item["record_id"], []).append(_item_from_row(item))
        return [_record_from_row(r, items.get(r["id"], ())) for r in rows]

    def list_records(
        self,
        *,
        unit_uscc: str,
        due_from: dt.date,
        due_to: dt.date,
        kinds: Sequence[DutyKind] | None = None,
    ) -> builtins.list[tuple[DutyTask, DutyRecord]]:
        """Records of a unit whose task was due in ``[due_from, due_to]``, with their tasks, in due order."""
        stmt = (
            sa.select(DUTY_TASKS, DUTY_RECORDS.c.id.label("record_id"))
            .join(DUTY_RECORDS, DUTY_RECORDS.c.task_id == DUTY_TASKS.c.id)
            .where(
                DUTY_TASKS.c.unit_uscc == unit_uscc,
                DUTY_TASKS.c.due_on >= due_from,
                DUTY_TASKS.c.due_on <= due_to,
            )
            .order_by(DUTY_TASKS.c.due_on, DUTY_TASKS.c.id)
        )
        if kinds:
            stmt = stmt.where(DUTY_TASKS.c.kind.in_([k.value for k in kinds]))
        rows = builtins.list(self.session.execute(stmt).mappings())
        records: dict[str, DutyRecord] = {}
        for chunk in chunked([r["record_id"] for r in rows], 500):
            found = self.session.execute(sa.select(DUTY_RECORDS).where(DUTY_RECORDS.c.id.in_(chunk))).mappings().all()
            records.update((record.id, record) for record in self._records(found))
        return [(task_from_row(r), records[r["record_id"]]) for r in rows]

    def count_results(self, *, unit_uscc: str, due_from: dt.date, due_to: dt.date) -> builtins.list[ResultCount]:
        """Checked items by duty kind and result for a unit's tasks due in the range (one GROUP BY)."""
        stmt = (
            sa.select(DUTY_TASKS.c.kind, DUTY_RECORD_ITEMS.c.result, sa.func.count().label("n"))
            .select_from(DUTY_TASKS)
            .join(DUTY_RECORDS, DUTY_RECORDS.c.task_id == DUTY_TASKS.c.id)
            .join(DUTY_RECORD_ITEMS, DUTY_RECORD_ITEMS.c.record_id == DUTY_RECORDS.c.id)
            .where(
                DUTY_TASKS.c.unit_uscc == unit_uscc,
                DUTY_TASKS.c.due_on >= due_from,
                DUTY_TASKS.c.due_on <= due_to,
            )
            .group_by(DUTY_TASKS.c.kind, DUTY_RECORD_ITEMS.c.result)
            .order_by(DUTY_TASKS.c.kind, DUTY_RECORD_ITEMS.c.result)
        )
        return [
            ResultCount(kind=DutyKind(r.kind), result=CheckResult(r.result), count=int(r.n))
            for r in self.session.execute(stmt)
        ]

    # -- missed duties --------------------------------------------------------------------------------------

    def missed(
        self,
        *,
        as_of: dt.date,
        unit_uscc: str | None = None,
        region_prefix: str | None = None,
        kinds: Sequence[DutyKind] | None = None,
        due_from: dt.date | None = None,
    ) -> builtins.list[MissedDuty]:
        """Tasks due before ``as_of`` with no record: one anti-join over tasks, records and units.

        ``region_prefix`` (``"41"``, ``"4101"``) selects every unit of a province, city or county through the
        index-friendly range of :func:`~dualprev_sdk.store.base.starts_with`.
        """
        stmt = (
            sa.select(DUTY_TASKS, UNITS.c.region_code)
            .join(UNITS, UNITS.c.uscc == DUTY_TASKS.c.unit_uscc)
            .outerjoin(DUTY_RECORDS, DUTY_RECORDS.c.task_id == DUTY_TASKS.c.id)
            .where(DUTY_RECORDS.c.id.is_(None), DUTY_TASKS.c.due_on < as_of)
            .order_by(DUTY_TASKS.c.unit_uscc, DUTY_TASKS.c.due_on, DUTY_TASKS.c.id)
        )
        if unit_uscc is not None:
            stmt = stmt.where(DUTY_TASKS.c.unit_uscc == unit_uscc)
        if region_prefix:
            stmt = stmt.where(starts_with(UNITS.c.region_code, region_prefix))
        if kinds:
            stmt = stmt.where(DUTY_TASKS.c.kind.in_([k.value for k in kinds]))
        if due_from is not None:
            stmt = stmt.where(DUTY_TASKS.c.due_on >= due_from)
        return [
            MissedDuty(
                task_id=r["id"],
                plan_id=r["plan_id"],
                unit_uscc=r["unit_uscc"],
                region_code=r["region_code"],
                kind=DutyKind(r["kind"]),
                period_key=r["period_key"],
                due_on=r["due_on"],
                assignee=r["assignee"],
            )
            for r in self.session.execute(stmt).mappings()
        ]
