"""A small world for hazard integration tests: an SDK with a test lift class (one GB 45067 criterion), a unit
in 郑州市金水区 with a principal, and one lift."""

from __future__ import annotations

import datetime as dt
import decimal
import itertools
from typing import Any

import attrs

from dualprev_sdk import Equipment, RoleAssignment, SafetyRole, UseUnit, hookimpl, ids
from dualprev_sdk.domain.hazard import AcceptanceRecord, Evidence, HazardSource, RectificationPlan
from dualprev_sdk.equipment_classes import DueDate, EquipmentClass, InspectionFacts, MajorHazardCriterion
from dualprev_sdk.plugins import PluginHost
from dualprev_sdk.services import hazards as hz
from dualprev_sdk.services.bootstrap import Dualprev

REGION = "410105"


def _uscc(number: int) -> str:
    org = f"{number:08d}"
    first17 = "91410100" + org + ids.organization_code_check_character(org)
    return first17 + ids.uscc_check_character(first17)


UNIT = _uscc(1)
T0 = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
DEADLINE = dt.date(2025, 3, 31)

DOOR_LOCK = MajorHazardCriterion(
    clause="4.6",
    item="d",
    text="乘客与载货电梯门锁回路被短接",
    applies_to=("31", "32"),
    predicate=lambda state: "door_lock_circuit_shorted" in state.findings,
    finding_codes=("door_lock_circuit_shorted",),
)


class LiftTestClass(EquipmentClass):
    key = "test_lift"
    kind_code = "3000"
    catalog_codes = ("3000",)
    name_zh = "测试电梯"
    name_en = "test lift"

    def next_due(self, facts: InspectionFacts) -> list[DueDate]:
        return []

    def major_hazard_criteria(self) -> list[MajorHazardCriterion]:
        return [DOOR_LOCK]


class _LiftPlugin:
    @hookimpl
    def dualprev_register_equipment_classes(self, registry: Any) -> None:
        registry.register(LiftTestClass())


def open_world(db_url: str) -> Dualprev:
    host = PluginHost(entry_points=False, extra_plugins=[("test-lift", _LiftPlugin())])
    sdk = Dualprev.open(db_url, host=host, migrate=False)
    uscc = UNIT
    sdk.ledger.create_unit(
        UseUnit(
            uscc=uscc,
            name="郑州某商场",
            region_code=REGION,
            roles=(RoleAssignment(role=SafetyRole.PRINCIPAL, name="总经理赵六"),),
        )
    )
    for n in (1, 2):
        sdk.ledger.create_equipment(Equipment(id=f"E-{n}", unit_uscc=uscc, catalog_code="3110", name=f"{n}号客梯"))
    return sdk


def unit_of(sdk: Dualprev) -> str:
    return UNIT


_seq = itertools.count(1)


def at(days: int = 0, minutes: int = 0) -> dt.datetime:
    return T0 + dt.timedelta(days=days, minutes=minutes)


def report(sdk: Dualprev, hazard_id: str = "H-1", *, equipment_id: str | None = "E-1", **kw: Any) -> hz.CommandResult:
    return hz.report_hazard(
        sdk,
        hazard_id=hazard_id,
        unit_uscc=unit_of(sdk),
        equipment_id=equipment_id,
        source=kw.pop("source", HazardSource.DAILY_CHECK),
        source_reference=kw.pop("source_reference", "DAILY-2025-03-03"),
        description="乘客电梯门锁回路被短接",
        found_on=T0.date(),
        finder="安全员张三",
        actor="安全员张三",
        at=kw.pop("at", at()),
        **kw,
    )


def full_plan(deadline: dt.date = DEADLINE) -> RectificationPlan:
    return RectificationPlan(
        measures="更换门锁回路继电器",
        responsible_person="维保组长李四",
        funds_yuan=decimal.Decimal("3500"),
        deadline=deadline,
        contingency_plan="停梯并设置警示",
    )


def acceptance() -> AcceptanceRecord:
    return AcceptanceRecord(
        accepted_by="检验员王五", organisation="河南省特种设备检验技术研究院", conclusion="合格", accepted_on=DEADLINE
    )


def to_rectifying(sdk: Dualprev, hazard_id: str, *, major: bool, deadline: dt.date = DEADLINE) -> None:
    hz.register_hazard(sdk, hazard_id, actor="安全员张三", at=at())
    if major:
        hz.grade_hazard_by_rules(sdk, hazard_id, actor="安全总监", findings=["door_lock_circuit_shorted"], at=at())
    else:
        hz.grade_hazard_by_rules(sdk, hazard_id, actor="安全总监", findings=[], at=at())
    hz.plan_rectification(sdk, hazard_id, plan=full_plan(deadline), actor="安全总监", at=at())
    hz.start_rectification(sdk, hazard_id, actor="维保组长李四", at=at())


def to_closed(sdk: Dualprev, hazard_id: str, *, major: bool) -> None:
    to_rectifying(sdk, hazard_id, major=major)
    hz.complete_rectification(
        sdk,
        hazard_id,
        measures_taken="已更换继电器",
        evidence=[Evidence(kind="photo", reference="P-1")],
        actor="维保组长李四",
        at=at(days=10),
    )
    hz.verify_rectification(sdk, hazard_id, actor="安全总监", acceptance=acceptance(), at=at(days=12))
    hz.close_out_hazard(sdk, hazard_id, actor="安全总监", at=at(days=12))


def evolve(value: Any, **changes: Any) -> Any:
    return attrs.evolve(value, **changes)
