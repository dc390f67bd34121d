"""Duty use cases: plans, task generation, recording results, missed duties (Order 74 日管控/周排查/月调度 and the
other investigation schedules).

Recording and hazards. A failed item must open a hazard in the hazard lifecycle (source = the kind of check,
reference = task and item). The hazard service commits its own unit of work (its event log is hash-chained and
idempotent by request id), so :func:`record_duty` works in this order:

1. validate everything (items known, equipment in use for daily checks, task not recorded yet) — nothing
   written if anything is wrong;
2. report one hazard per failed item with a request id derived from the record and the item, so a retry after a
   failure returns the same hazard instead of opening a second one;
3. write the record with the hazard ids, and its outbox event, in one unit of work.

A crash between 2 and 3 leaves hazards whose ``source_reference`` names the task; calling :func:`record_duty`
again with the same input completes the record and reuses them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import attrs

from dualprev_sdk import timeutil
from dualprev_sdk.domain.common import Frequency, SafetyRole
from dualprev_sdk.domain.duty import (
    CheckResult,
    DutyKind,
    DutyPlan,
    DutyRecord,
    DutyTask,
    HolidayCalendar,
    ItemResult,
    MissedDuty,
    gap_runs,
    plan_tasks,
    validate_record,
)
from dualprev_sdk.domain.equipment import Equipment
from dualprev_sdk.domain.hazard import ensure_in_use
from dualprev_sdk.domain.unit import UseUnit
from dualprev_sdk.errors import AlreadyExists, FieldViolation, InvalidArgument, NotFound
from dualprev_sdk.reports.checklist import ChecklistEntry
from dualprev_sdk.services import hazards as hazard_service
from dualprev_sdk.services.risk import investigation_checklist_in
from dualprev_sdk.store.outbox import scope_of_units

if TYPE_CHECKING:
    from dualprev_sdk.services.bootstrap import Dualprev
    from dualprev_sdk.store.uow import UnitOfWork

__all__ = [
    "GenerationResult",
    "MissedDutyReport",
    "RecordResult",
    "TaskItem",
    "create_plan",
    "deactivate_plan",
    "generate_tasks",
    "list_tasks",
    "missed_duties",
    "order74_plans",
    "record_duty",
    "record_id_for",
    "task_items",
]

_ALL = 1_000_000

#: Which checklist frequencies a duty of each kind walks through (the Order 74 layers; the others take all).
_FREQUENCIES: dict[DutyKind, frozenset[Frequency]] = {
    DutyKind.DAILY_CONTROL: frozenset({Frequency.DAILY, Frequency.PER_SHIFT}),
    DutyKind.WEEKLY_INVESTIGATION: frozenset({Frequency.WEEKLY}),
    DutyKind.MONTHLY_DISPATCH: frozenset({Frequency.MONTHLY}),
}


def _plan_resource(plan_id: str) -> str:
    return f"dutyPlans/{plan_id}"


def _plan_scope(uow: UnitOfWork, unit_usccs: Sequence[str]) -> dict[str, str]:
    """Whose feeds a plan's events reach: the outbox cannot place ``dutyPlans/…`` from the name (one query for
    all the plan's units)."""
    return scope_of_units(uow.units.regions_of(unit_usccs))


def _task_resource(task_id: str) -> str:
    return f"dutyTasks/{task_id}"


def _require_actor(actor: str) -> None:
    if not actor.strip():
        raise InvalidArgument.single("actor", actor, "required", "every change names the person who made it")


# ---------------------------------------------------------------------------------------------------------------
# plans
# ---------------------------------------------------------------------------------------------------------------


def order74_plans(
    unit_uscc: str, *, equipment_kind: str | None, starts_on: dt.date, kind_zh: str = ""
) -> list[DutyPlan]:
    """The three Order 74 plans of a unit for one equipment kind (or all kinds): daily control by the safety
    officer, weekly investigation by the safety director, monthly dispatch by the principal."""
    suffix = equipment_kind or "all"
    return [
        DutyPlan(
            id=f"{kind.value}-{unit_uscc}-{suffix}",
            kind=kind,
            title=kind.record_title(kind_zh or "特种设备"),
            unit_usccs=(unit_uscc,),
            equipment_kind=equipment_kind,
            starts_on=starts_on,
        )
        for kind in (DutyKind.DAILY_CONTROL, DutyKind.WEEKLY_INVESTIGATION, DutyKind.MONTHLY_DISPATCH)
    ]


def create_plan(sdk: Dualprev, plan: DutyPlan, *, actor: str) -> DutyPlan:
    """Store a plan (validated; every unit it names must exist)."""
    _require_actor(actor)
    plan.validate()
    with sdk.uow() as uow:
        regions = uow.units.regions_of(plan.unit_usccs)  # one query: existence and the event's scope
        missing = [u for u in plan.unit_usccs if u not in regions]
        if missing:
            raise NotFound("unit", ", ".join(missing))
        stored = uow.duties.add_plan(plan)
        uow.emit(
            "duty_plan.created",
            _plan_resource(plan.id),
            {
                "plan_id": plan.id,
                "kind": plan.kind.value,
                "units": list(plan.unit_usccs),
                "role": plan.effective_role.value,
                "starts_on": plan.starts_on.isoformat(),
                "ends_on": plan.ends_on.isoformat() if plan.ends_on else None,
                "actor": actor,
            },
            **scope_of_units(regions),
        )
        uow.commit()
    return stored


def deactivate_plan(sdk: Dualprev, plan_id: str, *, expected_version: int, actor: str, reason: str) -> DutyPlan:
    """Stop generating tasks from a plan (its tasks and records stay)."""
    _require_actor(actor)
    with sdk.uow() as uow:
        plan = attrs.evolve(uow.duties.get_plan(plan_id), version=expected_version, active=False)
        stored = uow.duties.update_plan(plan)
        uow.emit(
            "duty_plan.deactivated",
            _plan_resource(plan_id),
            {"plan_id": plan_id, "actor": actor, "reason": reason},
            **_plan_scope(uow, plan.unit_usccs),
        )
        uow.commit()
    return stored


# ---------------------------------------------------------------------------------------------------------------
# tasks
# ---------------------------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class GenerationResult:
    created: int
    total: int
    warnings: tuple[str, ...] = ()


def _assignee(unit: UseUnit, role: SafetyRole, equipment_kind: str | None) -> str:
    holders = unit.holders_of(role, equipment_kind)
    return holders[0].name if holders else ""


def generate_tasks(
    sdk: Dualprev,
    start: dt.date,
    end: dt.date,
    *,
    unit_uscc: str | None = None,
    plan_ids: Sequence[str] | None = None,
    calendar: HolidayCalendar | None = None,
) -> GenerationResult:
    """Create the tasks every active plan owes in ``[start, end]``, assigned to the holder of the plan's role.

    Idempotent: a (plan, unit, period key) that already has a task is skipped, so overlapping ranges, reruns and
    concurrent generators never create a second daily task for a day, a second weekly task for an ISO week or a
    second monthly task for a month.
    """
    calendar = calendar or HolidayCalendar()
    warnings: list[str] = []
    with sdk.uow() as uow:
        plans = [p for p in uow.duties.list_plans(unit_uscc=unit_uscc) if plan_ids is None or p.id in plan_ids]
        if plan_ids is not None:
            unknown = sorted(set(plan_ids) - {p.id for p in plans})
            if unknown:
                raise NotFound("active duty plan", ", ".join(unknown))
        covered = {p.id: [u for u in p.unit_usccs if unit_uscc is None or u == unit_uscc] for p in plans}
        wanted = {u for usccs in covered.values() for u in usccs}
        units = uow.units.find_many(wanted)  # one query for every unit, not one per unit
        missing = sorted(wanted - units.keys())
        if missing:
            raise NotFound("unit", ", ".join(missing))
        planned: list[DutyTask] = []
        for plan in plans:
            usccs = covered[plan.id]
            if not usccs:
                continue
            assignees = {u: _assignee(units[u], plan.effective_role, plan.equipment_kind) for u in usccs}
            result = plan_tasks(
                attrs.evolve(plan, unit_usccs=tuple(usccs)), start, end, assignees=assignees, calendar=calendar
            )
            warnings.extend(w for w in result.warnings if w not in warnings)
            planned.extend(result.tasks)
        created_by_plan = uow.duties.add_tasks(planned)
        total = len(planned)
        created = sum(created_by_plan.values())
        for plan_id, new in sorted(created_by_plan.items()):
            uow.emit(
                "duty_tasks.generated",
                _plan_resource(plan_id),
                {
                    "plan_id": plan_id,
                    "from": start.isoformat(),
                    "to": end.isoformat(),
                    "created": new,
                    "units": covered[plan_id],
                },
                **scope_of_units({u: units[u].region_code for u in covered[plan_id]}),
            )
        uow.commit()
    return GenerationResult(created=created, total=total, warnings=tuple(warnings))


def list_tasks(
    sdk: Dualprev,
    *,
    unit_uscc: str | None = None,
    kind: DutyKind | None = None,
    due_from: dt.date | None = None,
    due_to: dt.date | None = None,
) -> list[DutyTask]:
    with sdk.uow() as uow:
        return uow.duties.list_tasks(unit_uscc=unit_uscc, kind=kind, due_from=due_from, due_to=due_to)


@attrs.frozen(kw_only=True)
class TaskItem:
    """One thing to check for a task: a checklist entry, on one piece of equipment (None = unit level)."""

    entry: ChecklistEntry
    equipment_id: str | None


def _kind_matches(equipment: Equipment, kind: str | None) -> bool:
    return kind is None or equipment.kind_code == kind


def task_items(sdk: Dualprev, task_id: str) -> list[TaskItem]:
    """What the person doing ``task_id`` walks through: the checklist entries of the task's frequency for each
    piece of the unit's equipment the plan covers (daily control: only equipment in use)."""
    with sdk.uow() as uow:
        task = uow.duties.get_task(task_id)
        plan = uow.duties.get_plan(task.plan_id)
        unit_equipment = uow.equipment.list(unit_uscc=task.unit_uscc, limit=_ALL)
        checklist = investigation_checklist_in(sdk, uow, task.unit_uscc, unit_equipment, on=task.due_on)
    equipment = [e for e in unit_equipment if _kind_matches(e, task.equipment_kind)]
    frequencies = _FREQUENCIES.get(task.kind)
    wanted_codes = set(plan.item_codes)
    out: list[TaskItem] = []
    for eq in equipment:
        if task.kind is DutyKind.DAILY_CONTROL and not eq.in_use:
            continue
        for entry in checklist.for_equipment(eq.id, frequencies=frequencies):
            if wanted_codes and entry.code not in wanted_codes:
                continue
            out.append(TaskItem(entry=entry, equipment_id=eq.id))
    return out


# ---------------------------------------------------------------------------------------------------------------
# recording
# ---------------------------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class RecordResult:
    record: DutyRecord
    hazard_ids: tuple[str, ...]


def record_id_for(task_id: str) -> str:
    """A task has at most one record, so the record id is derived from it (and retries find the same hazards)."""
    return "REC-" + hashlib.sha256(task_id.encode()).hexdigest()[:24]


def record_duty(
    sdk: Dualprev,
    task_id: str,
    *,
    recorded_by: str,
    items: Iterable[ItemResult],
    summary: str = "",
    attendees: Sequence[str] = (),
    next_steps: str = "",
    at: dt.datetime | None = None,
) -> RecordResult:
    """Record the results of a task. No failed item = a 零风险报告, still a record. Each failed item opens a
    hazard (source = daily/weekly/monthly check, reference = ``duty:<task>:<item>``). Daily control refuses
    equipment that is not in use (FailedPrecondition, ``EQUIPMENT_NOT_IN_USE`` / ``EQUIPMENT_STOPPED_BY_HAZARD``)."""
    recorded_at = timeutil.ensure_aware(at or timeutil.now(), field="at")
    results = tuple(items)
    record_id = record_id_for(task_id)
    with sdk.uow() as uow:
        task = uow.duties.get_task(task_id)
        if uow.duties.find_record_for_task(task_id) is not None:
            raise AlreadyExists("duty record", task_id, f"task {task_id!r} ({task.period_key}) is already recorded")
        unit_equipment = uow.equipment.list(unit_uscc=task.unit_uscc, limit=_ALL)
        checklist = investigation_checklist_in(sdk, uow, task.unit_uscc, unit_equipment, on=task.due_on).by_code()
    equipment = {e.id: e for e in unit_equipment}
    record = DutyRecord(
        id=record_id,
        task_id=task.id,
        plan_id=task.plan_id,
        unit_uscc=task.unit_uscc,
        kind=task.kind,
        period_key=task.period_key,
        recorded_by=recorded_by,
        recorded_at=recorded_at,
        items=results,
        summary=summary,
        attendees=tuple(attendees),
        next_steps=next_steps,
    )
    validate_record(record)
    _check_items(task, record, equipment, checklist)
    day = recorded_at.astimezone(timeutil.SHANGHAI).date()
    if day < task.opens_on:
        raise InvalidArgument.single(
            "at", recorded_at.isoformat(), "duty.record.early", f"the task opens on {task.opens_on.isoformat()}"
        )
    linked: list[ItemResult] = []
    hazard_ids: list[str] = []
    for seq, item in enumerate(results):
        subject = item.subject or (checklist[item.item_code].subject if item.item_code in checklist else item.item_code)
        if item.result is CheckResult.FAIL:
            outcome = hazard_service.report_hazard(
                sdk,
                unit_uscc=task.unit_uscc,
                equipment_id=item.equipment_id,
                source=task.kind.hazard_source,
                source_reference=f"duty:{task.id}:{item.item_code}",
                description=f"{subject}：{item.note}",
                found_on=day,
                finder=recorded_by,
                actor=recorded_by,
                location=_location(equipment.get(item.equipment_id or "")),
                photos=item.evidence,
                request_id=f"duty:{record_id}:{seq}",
                at=recorded_at,
            )
            hazard_ids.append(outcome.hazard.id)
            linked.append(attrs.evolve(item, subject=subject, hazard_id=outcome.hazard.id))
        else:
            linked.append(attrs.evolve(item, subject=subject))
    record = attrs.evolve(record, items=tuple(linked))
    with sdk.uow() as uow:
        stored = uow.duties.add_record(record)
        uow.emit(
            "duty_record.created",
            _task_resource(task.id),
            {
                "record_id": stored.id,
                "task_id": task.id,
                "plan_id": task.plan_id,
                "unit_uscc": task.unit_uscc,
                "kind": task.kind.value,
                "period_key": task.period_key,
                "recorded_by": recorded_by,
                "zero_findings": stored.zero_findings,
                "items": len(stored.items),
                "failed": len(stored.failed_items),
                "hazard_ids": hazard_ids,
                "late": day > task.due_on,
            },
        )
        uow.commit()
    return RecordResult(record=stored, hazard_ids=tuple(hazard_ids))


def _location(eq: Equipment | None) -> str:
    if eq is None:
        return ""
    loc = eq.location
    return " ".join(p for p in (loc.building, loc.floor, loc.area) if p) or loc.address


def _check_items(
    task: DutyTask, record: DutyRecord, equipment: dict[str, Equipment], checklist: dict[str, ChecklistEntry]
) -> None:
    """Items must be on the unit's checklist, for the unit's equipment of the plan's kind; a daily check refuses
    equipment that is not in use."""
    out: list[FieldViolation] = []
    for i, item in enumerate(record.items):
        if item.item_code not in checklist:
            out.append(
                FieldViolation(
                    f"items[{i}].item_code",
                    item.item_code,
                    "duty.item.unknown",
                    "not on the unit's investigation checklist (class items and risk point ids)",
                )
            )
        if item.equipment_id is None:
            continue
        eq = equipment.get(item.equipment_id)
        if eq is None:
            out.append(
                FieldViolation(f"items[{i}].equipment_id", item.equipment_id, "duty.item.equipment", "not this unit's")
            )
        elif not _kind_matches(eq, task.equipment_kind):
            out.append(
                FieldViolation(
                    f"items[{i}].equipment_id",
                    item.equipment_id,
                    "duty.item.equipment_kind",
                    f"the plan covers kind {task.equipment_kind}, the equipment is {eq.kind_code}",
                )
            )
    if out:
        raise InvalidArgument(out)
    if task.kind is DutyKind.DAILY_CONTROL:
        for item in record.items:
            if item.equipment_id is not None and item.result is not CheckResult.NOT_APPLICABLE:
                ensure_in_use(equipment[item.equipment_id])


# ---------------------------------------------------------------------------------------------------------------
# missed duties
# ---------------------------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class MissedDutyReport:
    """Missed duties as of a date, and the daily ones folded into runs of consecutive days per unit and plan."""

    as_of: dt.date
    items: tuple[MissedDuty, ...]

    def daily_gaps(self) -> dict[tuple[str, str], list[tuple[dt.date, dt.date]]]:
        days: dict[tuple[str, str], list[dt.date]] = {}
        for m in self.items:
            if m.kind is DutyKind.DAILY_CONTROL:
                days.setdefault((m.unit_uscc, m.plan_id), []).append(m.due_on)
        return {key: gap_runs(values) for key, values in days.items()}

    def of_kind(self, kind: DutyKind) -> list[MissedDuty]:
        return [m for m in self.items if m.kind is kind]

    def by_unit(self) -> dict[str, list[MissedDuty]]:
        out: dict[str, list[MissedDuty]] = {}
        for m in self.items:
            out.setdefault(m.unit_uscc, []).append(m)
        return out


def missed_duties(
    sdk: Dualprev,
    *,
    as_of: dt.date | None = None,
    unit_uscc: str | None = None,
    region_prefix: str | None = None,
    kinds: Sequence[DutyKind] | None = None,
    since: dt.date | None = None,
) -> MissedDutyReport:
    """Tasks due before ``as_of`` (default today, Shanghai) with no record, for one unit or a whole region."""
    as_of = as_of or timeutil.today()
    with sdk.uow() as uow:
        items = uow.duties.missed(
            as_of=as_of, unit_uscc=unit_uscc, region_prefix=region_prefix, kinds=kinds, due_from=since
        )
    return MissedDutyReport(as_of=as_of, items=tuple(items))
