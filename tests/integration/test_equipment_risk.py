"""Equipment risk filled from the database: age, last conclusion, overdue inspection, open hazards, crowded
place, and 96333 incidents through the hook."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import pytest
from inspection_world import AT, FACTORY, MALL, TODAY, ZHENGZHOU, build

from dualprev_sdk.domain.common import RiskLevel, Source, SourceStatus
from dualprev_sdk.domain.elevator_emergency import IncidentCause, MaintenanceRecord, RescueIncident
from dualprev_sdk.domain.equipment import Equipment
from dualprev_sdk.grading.direct import DirectRule
from dualprev_sdk.grading.equipment_risk import EquipmentRiskGrade
from dualprev_sdk.hookspecs import hookimpl
from dualprev_sdk.plugins import PluginHost
from dualprev_sdk.services import equipment_risk as er
from dualprev_sdk.services import inspections as ins
from dualprev_sdk.services.bootstrap import Dualprev
from dualprev_sdk.store.uow import UnitOfWork


def _points(grade: EquipmentRiskGrade, factor: str) -> float:
    return grade.contribution(factor).points


def test_the_facts_come_from_the_ledger_the_inspections_and_the_hazards(sdk: Dualprev) -> None:
    build(sdk)
    ins.sweep_overdue_inspections(sdk, today=TODAY, at=AT)
    with sdk.uow() as uow:
        items = [uow.equipment.get("L4"), uow.equipment.get("C1")]
        inputs, ungraded = er.equipment_risk_inputs(sdk, uow, items, as_of=TODAY, window_days=365)
    assert ungraded == []
    lift, crane = inputs
    assert (lift.equipment_class, lift.last_inspection_conclusion, lift.next_inspection_due) == (
        "elevator",
        "不合格",
        dt.date(2026, 11, 1),
    )
    assert len(lift.open_major_hazards) == 1  # the overdue hazard, major by 4.6 a)
    assert lift.crowded_place is not None
    assert (crane.last_inspection_conclusion, len(crane.open_major_hazards)) == (None, 1)


def test_an_item_with_an_open_major_hazard_is_graded_major_with_its_reasons(sdk: Dualprev) -> None:
    build(sdk)
    ins.sweep_overdue_inspections(sdk, today=TODAY, at=AT)
    grade = er.grade_equipment_risk(sdk, "C1", as_of=TODAY)
    assert grade.level is RiskLevel.MAJOR
    assert _points(grade, "inspection_overdue") > 0
    assert grade.findings  # the direct determination names the open major hazard


def test_overdue_failed_crowded_old_lifts_grade_higher_than_a_valid_one(sdk: Dualprev) -> None:
    build(sdk)
    valid = er.grade_equipment_risk(sdk, "L1", as_of=TODAY)
    failed = er.grade_equipment_risk(sdk, "L4", as_of=TODAY)
    assert failed.score > valid.score
    assert _points(failed, "inspection_conclusion") > _points(valid, "inspection_conclusion")


def test_the_incident_hook_feeds_faults_and_entrapments(sdk: Dualprev) -> None:
    build(sdk)

    def incidents(
        uow: UnitOfWork, equipment: Sequence[Equipment], since: dt.date, as_of: dt.date
    ) -> Mapping[str, er.IncidentHistory]:
        return {"L1": er.IncidentHistory(entrapment_dates=(as_of - dt.timedelta(days=10),) * 3)}

    plain = er.grade_equipment_risk(sdk, "L1", as_of=TODAY, incidents=None)
    trapped = er.grade_equipment_risk(sdk, "L1", as_of=TODAY, incidents=incidents)
    assert _points(trapped, "entrapments") > _points(plain, "entrapments") == 0


def test_a_unit_batch_grades_every_item_in_use_highest_risk_first(sdk: Dualprev) -> None:
    build(sdk)
    ins.sweep_overdue_inspections(sdk, today=TODAY, at=AT)
    unit = er.grade_unit_equipment_risk(sdk, MALL, as_of=TODAY)
    assert sorted(g.equipment_id for g in unit.grades) == ["L1", "L2", "L4"]  # L3 is suspended
    assert unit.grades[0].equipment_id == "L4"
    assert [g.level.value for g in unit.grades] == sorted(g.level.value for g in unit.grades)
    factory = er.grade_unit_equipment_risk(sdk, FACTORY, as_of=TODAY)
    assert factory.ungraded == ()


@pytest.mark.parametrize("equipment_id", ["L1", "C2", "F1", "B1"])
def test_every_built_in_class_in_the_world_can_be_graded(sdk: Dualprev, equipment_id: str) -> None:
    build(sdk)
    grade = er.grade_equipment_risk(sdk, equipment_id, as_of=TODAY)
    assert grade.explain()


def test_96333_entrapments_faults_and_maintenance_come_from_the_rescue_records(sdk: Dualprev) -> None:
    build(sdk)
    called = dt.datetime(2026, 10, 5, 20, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with sdk.uow() as uow:
        for n, cause in enumerate(
            (IncidentCause.ENTRAPMENT, IncidentCause.ENTRAPMENT, IncidentCause.FAULT, IncidentCause.MISUSE)
        ):
            uow.rescue.add_incident(
                RescueIncident(
                    id=f"INC-{n}",
                    equipment_id="L1",
                    rescue_code="410001",
                    called_at=called + dt.timedelta(days=n),
                    cause=cause,
                ),
                region_code=ZHENGZHOU,
            )
        uow.rescue.add_maintenance(
            MaintenanceRecord(
                id="MT-1", equipment_id="L1", performed_on=dt.date(2026, 10, 1), maintenance_unit="某维保公司"
            )
        )
        uow.commit()
    with sdk.uow() as uow:
        history = er.elevator_incident_source(uow, [uow.equipment.get("L1")], dt.date(2025, 11, 20), TODAY)
        # several lifts are read together (set-based), each keeping only its own records
        together = er.elevator_incident_source(
            uow, [uow.equipment.get(e) for e in ("L1", "L2", "L4")], dt.date(2025, 11, 20), TODAY
        )
    assert history["L1"] == er.IncidentHistory(
        fault_dates=(dt.date(2026, 10, 7),),
        entrapment_dates=(dt.date(2026, 10, 5), dt.date(2026, 10, 6)),
        maintenance_due=dt.date(2026, 10, 16),
    )
    assert together == {"L1": history["L1"], "L2": er.IncidentHistory(), "L4": er.IncidentHistory()}
    grade = er.grade_equipment_risk(sdk, "L1", as_of=TODAY)
    assert _points(grade, "entrapments") > 0
    assert _points(grade, "maintenance_overdue") > 0


class _AlwaysMajorRule:
    """A third party's direct-determination rule, contributed through the hook like the built-ins."""

    @hookimpl
    def dualprev_direct_determination_rules(self) -> list[DirectRule]:
        return [
            DirectRule(
                code="acme_always_major",
                text_zh="测试规则：一律判定为重大风险",
                source=Source(document="ACME 测试制度", status=SourceStatus.USER),
                check=lambda facts: "测试",
            )
        ]


def test_a_plugins_direct_rule_applies_without_the_caller_passing_rules(db_url: str) -> None:
    host = PluginHost(extra_plugins=[("acme", _AlwaysMajorRule())])
    with Dualprev.open(db_url, migrate=False, host=host) as sdk:
        build(sdk)
        grade = er.grade_equipment_risk(sdk, "L1", as_of=TODAY)
        unit = er.grade_unit_equipment_risk(sdk, MALL, as_of=TODAY)
    assert grade.level is RiskLevel.MAJOR
    assert [(f.rule, f.plugin) for f in grade.findings] == [("acme_always_major", "acme")]
    assert all(g.level is RiskLevel.MAJOR for g in unit.grades)
