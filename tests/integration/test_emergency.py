"""Emergency plans, drills and major hazard installations stored and checked on both backends."""

from __future__ import annotations

import datetime as dt

import pytest
from inspection_world import AT, FACTORY, MALL, TODAY, build

from dualprev_sdk.domain.emergency import (
    EmergencyDrill,
    EmergencyFinding,
    EmergencyPlan,
    EmergencyPolicy,
    MajorHazardInstallation,
    MonitoringRecord,
)
from dualprev_sdk.errors import InvalidArgument
from dualprev_sdk.services import emergency as em
from dualprev_sdk.services.bootstrap import Dualprev


def _codes(findings: list[EmergencyFinding]) -> set[tuple[str, str]]:
    return {(f.code, f.subject) for f in findings}


def test_every_kind_in_use_without_a_plan_is_flagged(sdk: Dualprev) -> None:
    build(sdk)
    assert _codes(em.check_unit_emergency(sdk, FACTORY, today=TODAY)) == {
        ("plan.missing", "1000"),
        ("plan.missing", "4000"),
        ("plan.missing", "5000"),
    }


def test_a_comprehensive_plan_covers_every_kind_but_must_be_drilled_and_reviewed(sdk: Dualprev) -> None:
    build(sdk)
    em.add_plan(sdk, EmergencyPlan(
        id="EP-1", unit_uscc=FACTORY, title="特种设备事故综合应急预案", approved_on=dt.date(2023, 1, 5),
        next_review_due=dt.date(2026, 1, 5),
    ))  # fmt: skip
    assert _codes(em.check_unit_emergency(sdk, FACTORY, today=TODAY)) == {
        ("plan.stale", "EP-1"),
        ("drill.missing", "EP-1"),
    }
    plan = em.review_plan(
        sdk, "EP-1", reviewed_on=dt.date(2026, 1, 4), next_review_due=dt.date(2029, 1, 4), expected_version=1
    )
    em.add_drill(sdk, EmergencyDrill(
        id="D-1", unit_uscc=FACTORY, plan_id=plan.id, held_on=dt.date(2026, 6, 18), scenario="桥式起重机吊物坠落",
        participants=("王司机", "刘指挥"),
    ), today=TODAY)  # fmt: skip
    assert em.check_unit_emergency(sdk, FACTORY, today=TODAY) == []


def test_a_configured_drill_interval_flags_an_old_drill(sdk: Dualprev) -> None:
    build(sdk)
    em.add_plan(sdk, EmergencyPlan(id="EP-L", unit_uscc=MALL, title="电梯困人应急预案", equipment_kind="3000",
                                   approved_on=dt.date(2025, 1, 1)))  # fmt: skip
    em.add_drill(sdk, EmergencyDrill(id="D-L", unit_uscc=MALL, plan_id="EP-L", held_on=dt.date(2025, 3, 1),
                                     scenario="电梯困人救援"), today=TODAY)  # fmt: skip
    assert em.check_unit_emergency(sdk, MALL, today=TODAY) == []
    policy = EmergencyPolicy(drill_months=12)
    assert _codes(em.check_unit_emergency(sdk, MALL, today=TODAY, policy=policy)) == {("drill.stale", "EP-L")}


def test_major_hazard_installations_need_monitoring_and_report_alarms(sdk: Dualprev) -> None:
    build(sdk)
    em.add_plan(sdk, EmergencyPlan(id="EP-1", unit_uscc=FACTORY, title="综合应急预案", approved_on=dt.date(2026, 1, 1)))
    em.add_drill(sdk, EmergencyDrill(id="D-1", unit_uscc=FACTORY, plan_id="EP-1", held_on=dt.date(2026, 2, 1),
                                     scenario="锅炉超压"), today=TODAY)  # fmt: skip
    em.add_installation(sdk, MajorHazardInstallation(
        id="MH-1", unit_uscc=FACTORY, name="锅炉房", equipment_ids=("B1",), monitored_parameters=("pressure_mpa",),
    ))  # fmt: skip
    assert _codes(em.check_unit_emergency(sdk, FACTORY, today=TODAY)) == {("monitoring.missing", "MH-1")}
    em.record_monitoring(sdk, [
        MonitoringRecord(id="M-1", installation_id="MH-1", recorded_at=AT, parameter="pressure_mpa", value=1.2,
                         unit="MPa"),
        MonitoringRecord(id="M-2", installation_id="MH-1", recorded_at=AT + dt.timedelta(minutes=5),
                         parameter="pressure_mpa", value=1.9, unit="MPa", within_limits=False),
    ])  # fmt: skip
    assert _codes(em.check_unit_emergency(sdk, FACTORY, today=TODAY)) == {("monitoring.alarm", "MH-1")}
    assert [e.type for e in sdk.read_events(0, 1000)].count("emergency.monitoring_alarm") == 1


def test_an_installation_cannot_list_another_units_equipment(sdk: Dualprev) -> None:
    build(sdk)
    with pytest.raises(InvalidArgument):
        em.add_installation(
            sdk, MajorHazardInstallation(id="MH-X", unit_uscc=FACTORY, name="错", equipment_ids=("L1",))
        )
