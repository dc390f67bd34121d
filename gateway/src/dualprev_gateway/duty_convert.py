"""Protobuf ↔ duty plans, tasks, records and missed duties (InvestigationService). Pure translation."""

from __future__ import annotations

import re
from typing import Any

from dualprev_gateway import convert
from dualprev_gateway._generated.dualprev.v1 import investigation_pb2, ledger_pb2, risk_pb2
from dualprev_sdk.domain.common import Frequency, SafetyRole
from dualprev_sdk.domain.duty import CheckResult, DutyKind, DutyPlan, DutyTask, ItemResult, MissedDuty
from dualprev_sdk.errors import InvalidArgument

__all__ = [
    "ID",
    "item_from_proto",
    "item_to_proto",
    "kind_from_proto",
    "missed_to_proto",
    "parse_plan_name",
    "parse_task_name",
    "plan_from_proto",
    "plan_name",
    "plan_to_proto",
    "task_name",
    "task_to_proto",
]

ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_PLAN = re.compile(r"^dutyPlans/([^/]{1,200})$")
_TASK = re.compile(r"^dutyTasks/([^/]{1,300})$")

_KINDS: dict[DutyKind, Any] = {k: investigation_pb2.DutyKind.Value(f"DUTY_KIND_{k.name}") for k in DutyKind}
_KINDS_BACK: dict[int, DutyKind] = {int(v): k for k, v in _KINDS.items()}
_RESULTS: dict[CheckResult, Any] = {
    r: investigation_pb2.CheckResult.Value(f"CHECK_RESULT_{r.name}") for r in CheckResult
}
_RESULTS_BACK: dict[int, CheckResult] = {int(v): k for k, v in _RESULTS.items()}


def plan_name(plan_id: str) -> str:
    return f"dutyPlans/{plan_id}"


def task_name(task_id: str) -> str:
    return f"dutyTasks/{task_id}"


def parse_plan_name(name: str, field: str = "name") -> str:
    match = _PLAN.match(name)
    if match is None:
        raise InvalidArgument.single(field, name, "resource_name.duty_plan", "expected `dutyPlans/{plan}`")
    return match.group(1)


def parse_task_name(name: str, field: str = "name") -> str:
    match = _TASK.match(name)
    if match is None:
        raise InvalidArgument.single(field, name, "resource_name.duty_task", "expected `dutyTasks/{task}`")
    return match.group(1)


_ROLE = (ledger_pb2.SafetyRole, SafetyRole, "SAFETY_ROLE_")
_FREQUENCY = (risk_pb2.CheckFrequency, Frequency, "CHECK_FREQUENCY_")


def _role_to(role: SafetyRole | None) -> Any:
    return convert.enum_to_proto(role, ledger_pb2.SafetyRole, "SAFETY_ROLE_")


def _frequency_to(frequency: Frequency | None) -> Any:
    return convert.enum_to_proto(frequency, risk_pb2.CheckFrequency, "CHECK_FREQUENCY_")


def kind_from_proto(problems: convert.Violations, field: str, number: int, *, required: bool) -> DutyKind | None:
    kind = _KINDS_BACK.get(number)
    if kind is None and (number or required):
        problems.add(field, number, "required" if not number else "enum.known", "set a known DutyKind")
    return kind


def plan_to_proto(plan: DutyPlan) -> investigation_pb2.DutyPlan:
    return investigation_pb2.DutyPlan(
        name=plan_name(plan.id),
        kind=_KINDS[plan.kind],
        title=plan.title,
        unit=convert.unit_name(plan.unit_usccs[0]) if plan.unit_usccs else "",
        role=_role_to(plan.role),
        equipment_kind=plan.equipment_kind or "",
        starts_on=plan.starts_on.isoformat(),
        ends_on=convert.iso(plan.ends_on),
        frequency=_frequency_to(plan.frequency),
        months=list(plan.months),
        lead_days=plan.lead_days,
        item_codes=list(plan.item_codes),
        description=plan.description,
        active=plan.active,
        etag=convert.etag_of(plan.version),
    )


def plan_from_proto(message: investigation_pb2.DutyPlan, *, plan_id: str, uscc: str) -> DutyPlan:
    problems = convert.Violations()
    kind = kind_from_proto(problems, "duty_plan.kind", message.kind, required=True)
    role = convert.enum_from_proto(problems, "duty_plan.role", message.role, _ROLE, required=False)
    frequency = convert.enum_from_proto(problems, "duty_plan.frequency", message.frequency, _FREQUENCY, required=False)
    starts_on = convert.parse_date(problems, "duty_plan.starts_on", message.starts_on, required=True)
    ends_on = convert.parse_date(problems, "duty_plan.ends_on", message.ends_on)
    problems.raise_if_any()
    assert kind is not None
    assert starts_on is not None
    return DutyPlan(
        id=plan_id,
        kind=kind,
        title=message.title.strip() or kind.name_zh,
        unit_usccs=(uscc,),
        role=role,
        equipment_kind=message.equipment_kind.strip() or None,
        starts_on=starts_on,
        ends_on=ends_on,
        frequency=frequency,
        months=tuple(message.months),
        lead_days=message.lead_days or 7,
        item_codes=tuple(c.strip() for c in message.item_codes if c.strip()),
        description=message.description,
    )


def task_to_proto(task: DutyTask) -> investigation_pb2.DutyTask:
    return investigation_pb2.DutyTask(
        name=task_name(task.id),
        duty_plan=plan_name(task.plan_id),
        unit=convert.unit_name(task.unit_uscc),
        kind=_KINDS[task.kind],
        period_key=task.period_key,
        opens_on=task.opens_on.isoformat(),
        due_on=task.due_on.isoformat(),
        role=_role_to(task.role),
        assignee=task.assignee,
        equipment_kind=task.equipment_kind or "",
        title=task.title,
    )


def item_to_proto(item: ItemResult, uscc: str) -> investigation_pb2.ItemResult:
    return investigation_pb2.ItemResult(
        item_code=item.item_code,
        subject=item.subject,
        equipment=convert.equipment_name(uscc, item.equipment_id) if item.equipment_id else "",
        result=_RESULTS[item.result],
        note=item.note,
        evidence=list(item.evidence),
        hazard=f"hazards/{item.hazard_id}" if item.hazard_id else "",
    )


def item_from_proto(
    problems: convert.Violations, field: str, message: investigation_pb2.ItemResult, uscc: str
) -> ItemResult | None:
    result = _RESULTS_BACK.get(message.result)
    if result is None:
        problems.add(f"{field}.result", message.result, "required", "set a known CheckResult")
    equipment_id: str | None = None
    if message.equipment:
        try:
            equipment_uscc, equipment_id = convert.parse_equipment_name(message.equipment, f"{field}.equipment")
        except InvalidArgument as exc:
            problems.items.extend(exc.violations)
        else:
            if equipment_uscc != uscc:
                problems.add(f"{field}.equipment", message.equipment, "duty.item.unit", "not the task unit's equipment")
    if result is None:
        return None
    return ItemResult(
        item_code=message.item_code.strip(),
        subject=message.subject,
        equipment_id=equipment_id,
        result=result,
        note=message.note,
        evidence=tuple(message.evidence),
    )


def missed_to_proto(missed: MissedDuty) -> investigation_pb2.MissedDuty:
    return investigation_pb2.MissedDuty(
        duty_task=task_name(missed.task_id),
        duty_plan=plan_name(missed.plan_id),
        unit=convert.unit_name(missed.unit_uscc),
        region_code=missed.region_code,
        kind=_KINDS[missed.kind],
        period_key=missed.period_key,
        due_on=missed.due_on.isoformat(),
        assignee=missed.assignee,
    )
