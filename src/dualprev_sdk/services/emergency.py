"""Emergency use cases: plans per unit and equipment kind (TSG 08-2017), drills, major hazard installations
(重大危险源) with monitoring records, and the check that flags missing or stale plans, undrilled plans and
unmonitored or alarming installations. Each change is one unit of work with its outbox event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from dualprev_sdk import timeutil
from dualprev_sdk.domain.emergency import (
    EmergencyDrill,
    EmergencyFinding,
    EmergencyPlan,
    EmergencyPolicy,
    MajorHazardInstallation,
    MonitoringRecord,
    check_emergency,
)
from dualprev_sdk.domain.equipment import EquipmentStatus
from dualprev_sdk.errors import FieldViolation, InvalidArgument

if TYPE_CHECKING:
    from dualprev_sdk.services.bootstrap import Dualprev

__all__ = [
    "add_drill",
    "add_installation",
    "add_plan",
    "check_unit_emergency",
    "record_monitoring",
    "review_plan",
]


def _resource(uscc: str, what: str, key: str) -> str:
    return f"units/{uscc}/{what}/{key}"


def add_plan(sdk: Dualprev, plan: EmergencyPlan) -> EmergencyPlan:
    """Store an emergency plan (a kind code like ``3000``, or ``None`` for a comprehensive plan)."""
    violations: list[FieldViolation] = []
    if not plan.title.strip():
        violations.append(FieldViolation(field="title", value=plan.title, rule="required", message="预案名称"))
    if plan.equipment_kind is not None and not (len(plan.equipment_kind) == 4 and plan.equipment_kind.endswith("000")):
        violations.append(
            FieldViolation(
                field="equipment_kind",
                value=plan.equipment_kind,
                rule="emergency.plan.kind",
                message="设备种类代码形如 3000（电梯）",
            )
        )
    if plan.next_review_due is not None and plan.next_review_due < plan.approved_on:
        violations.append(
            FieldViolation(
                field="next_review_due",
                value=plan.next_review_due.isoformat(),
                rule="emergency.plan.review_after_approval",
                message="下次评审日期早于批准日期",
            )
        )
    if violations:
        raise InvalidArgument(violations)
    with sdk.uow() as uow:
        uow.units.get(plan.unit_uscc)
        stored = uow.emergency.add_plan(plan)
        uow.emit(
            "emergency.plan_added",
            _resource(plan.unit_uscc, "emergency-plans", plan.id),
            {
                "plan_id": plan.id,
                "unit_uscc": plan.unit_uscc,
                "title": plan.title,
                "equipment_kind": plan.equipment_kind,
                "approved_on": plan.approved_on.isoformat(),
                "next_review_due": plan.next_review_due.isoformat() if plan.next_review_due else None,
            },
        )
        uow.commit()
    return stored


def review_plan(
    sdk: Dualprev, plan_id: str, *, reviewed_on: dt.date, next_review_due: dt.date | None, expected_version: int
) -> EmergencyPlan:
    """Record a plan's review (评审修订) and its next review date (compare-and-swap on the version)."""
    with sdk.uow() as uow:
        plan = uow.emergency.get_plan(plan_id)
        plan.version = expected_version
        plan.reviewed_on = reviewed_on
        plan.next_review_due = next_review_due
        stored = uow.emergency.update_plan(plan)
        uow.emit(
            "emergency.plan_reviewed",
            _resource(plan.unit_uscc, "emergency-plans", plan.id),
            {
                "plan_id": plan.id,
                "reviewed_on": reviewed_on.isoformat(),
                "next_review_due": next_review_due.isoformat() if next_review_due else None,
            },
        )
        uow.commit()
    return stored


def add_drill(sdk: Dualprev, drill: EmergencyDrill, *, today: dt.date | None = None) -> EmergencyDrill:
    today = today or timeutil.today()
    violations: list[FieldViolation] = []
    if drill.held_on > today:
        violations.append(
            FieldViolation(
                field="held_on", value=drill.held_on.isoformat(), rule="emergency.drill.not_future", message="演练日期"
            )
        )
    if not drill.scenario.strip():
        violations.append(FieldViolation(field="scenario", value=drill.scenario, rule="required", message="演练科目"))
    if violations:
        raise InvalidArgument(violations)
    with sdk.uow() as uow:
        plan = uow.emergency.get_plan(drill.plan_id)
        if plan.unit_uscc != drill.unit_uscc:
            raise InvalidArgument.single("plan_id", drill.plan_id, "emergency.drill.plan_unit", "预案不属于该单位")
        stored = uow.emergency.add_drill(drill)
        uow.emit(
            "emergency.drill_recorded",
            _resource(drill.unit_uscc, "emergency-drills", drill.id),
            {
                "drill_id": drill.id,
                "plan_id": drill.plan_id,
                "held_on": drill.held_on.isoformat(),
                "scenario": drill.scenario,
                "participants": list(drill.participants),
            },
        )
        uow.commit()
    return stored


def add_installation(sdk: Dualprev, installation: MajorHazardInstallation) -> MajorHazardInstallation:
    """Record a major hazard installation; its equipment must belong to the unit."""
    with sdk.uow() as uow:
        uow.units.get(installation.unit_uscc)
        found = uow.equipment.find_many(installation.equipment_ids)
        violations = [
            FieldViolation(
                field=f"equipment_ids[{i}]", value=eid, rule="installation.equipment.unit", message="设备不属于该单位"
            )
            for i, eid in enumerate(installation.equipment_ids)
            if eid not in found or found[eid].unit_uscc != installation.unit_uscc
        ]
        if violations:
            raise InvalidArgument(violations)
        stored = uow.emergency.add_installation(installation)
        uow.emit(
            "emergency.installation_added",
            _resource(installation.unit_uscc, "major-hazard-installations", installation.id),
            {
                "installation_id": installation.id,
                "name": installation.name,
                "equipment_ids": list(installation.equipment_ids),
            },
        )
        uow.commit()
    return stored


def record_monitoring(sdk: Dualprev, records: Sequence[MonitoringRecord]) -> int:
    """Store monitoring readings (one transaction); an out-of-limits reading also goes to the outbox."""
    with sdk.uow() as uow:
        units: dict[str, str] = {}
        for record in records:
            timeutil.ensure_aware(record.recorded_at, field="recorded_at")
            if record.installation_id not in units:
                units[record.installation_id] = uow.emergency.get_installation(record.installation_id).unit_uscc
        count = uow.emergency.add_monitoring(records)
        for record in records:
            if not record.within_limits:
                uow.emit(
                    "emergency.monitoring_alarm",
                    _resource(units[record.installation_id], "major-hazard-installations", record.installation_id),
                    {
                        "installation_id": record.installation_id,
                        "recorded_at": record.recorded_at.isoformat(),
                        "parameter": record.parameter,
                        "value": record.value,
                        "unit": record.unit,
                    },
                )
        uow.commit()
    return count


def check_unit_emergency(
    sdk: Dualprev, uscc: str, *, today: dt.date | None = None, policy: EmergencyPolicy | None = None
) -> list[EmergencyFinding]:
    """Missing plans for kinds in use, stale plans, plans never drilled, installations without monitoring."""
    today = today or timeutil.today()
    policy = policy or EmergencyPolicy()
    with sdk.uow() as uow:
        uow.units.get(uscc)
        kinds = {e.kind_code for e in uow.equipment.list(unit_uscc=uscc, status=EquipmentStatus.IN_USE, limit=100_000)}
        plans = uow.emergency.plans(uscc)
        drills = uow.emergency.drills(uscc)
        installations = uow.emergency.installations(uscc)
        last = {i.id: next(iter(uow.emergency.monitoring(i.id, limit=1)), None) for i in installations}
        alarms = uow.emergency.alarm_counts([i.id for i in installations])
    return check_emergency(
        kinds_in_use=kinds,
        plans=plans,
        drills=drills,
        installations=installations,
        last_monitoring=last,
        alarms=alarms,
        today=today,
        policy=policy,
    )
