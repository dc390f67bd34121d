"""Risk identification for a unit from its equipment classes' templates, edits kept as versions, review triggers."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from risk_world import BOILER, CRANE, LIFT, UNIT, world

from dualprev_sdk.domain.common import RiskLevel, SafetyRole
from dualprev_sdk.domain.hazard import HazardLevel, HazardSource
from dualprev_sdk.domain.risk import ControlMeasures, ReviewTrigger, RiskPoint, RiskPointChange
from dualprev_sdk.errors import ConcurrencyConflict, InvalidArgument
from dualprev_sdk.grading.api import grade_lec, grade_ls
from dualprev_sdk.services import hazards, risk
from dualprev_sdk.services.bootstrap import Dualprev


@pytest.fixture
def unit(sdk: Dualprev) -> str:
    return world(sdk)


def points_of(sdk: Dualprev, equipment_id: str) -> list[RiskPoint]:
    with sdk.uow() as uow:
        return uow.risk_points.list_all(unit_uscc=UNIT, equipment_ids=[equipment_id])


def test_each_piece_of_equipment_gets_the_templates_of_its_class_graded_by_lec(sdk: Dualprev, unit: str) -> None:
    result = risk.identify_unit_risks(sdk, unit, actor="安全员张三")
    for equipment_id, catalog_code in ((LIFT, "3110"), (CRANE, "4110"), (BOILER, "1210")):
        cls = sdk.host.equipment_classes.require_for_code(catalog_code)
        templates = {t.code: t for t in cls.risk_templates(catalog_code) if t.applies(catalog_code)}
        points = points_of(sdk, equipment_id)
        assert {p.template_code for p in points} == set(templates)
        for p in points:
            suggested = templates[p.template_code].suggested_lec
            assert suggested is not None
            expected = grade_lec(*suggested)
            assert (p.method, p.score, p.level) == ("lec", expected.score, expected.level)
    assert len(result.created) == sum(len(points_of(sdk, e)) for e in (LIFT, CRANE, BOILER))


def test_identification_names_the_holder_of_the_responsible_role_or_nobody(sdk: Dualprev, unit: str) -> None:
    risk.identify_unit_risks(sdk, unit, actor="安全员张三")
    holders = {
        SafetyRole.SAFETY_OFFICER: "安全员张三",
        SafetyRole.SAFETY_DIRECTOR: "安全总监李四",
        SafetyRole.PRINCIPAL: "总经理王五",
    }
    points = points_of(sdk, LIFT) + points_of(sdk, CRANE)
    assert {p.responsible_role for p in points} & set(holders)
    for p in points:
        assert p.responsible_person == holders.get(p.responsible_role, "")


def test_ls_grading_uses_the_templates_ls_suggestions(sdk: Dualprev, unit: str) -> None:
    risk.identify_unit_risks(sdk, unit, actor="安全员张三", method="ls", equipment_ids=[CRANE])
    cls = sdk.host.equipment_classes.require_for_code("4110")
    templates = {t.code: t for t in cls.risk_templates("4110")}
    for p in points_of(sdk, CRANE):
        suggested = templates[p.template_code].suggested_ls
        assert suggested is not None
        assert (p.method, p.level) == ("ls", grade_ls(*suggested).level)


def test_running_identification_again_keeps_the_units_edits(sdk: Dualprev, unit: str) -> None:
    risk.identify_unit_risks(sdk, unit, actor="安全员张三")
    point = points_of(sdk, LIFT)[0]
    edited = risk.edit_risk_point(sdk, attrs.evolve(point, responsible_person="维保组长赵六"), actor="安全总监李四")
    again = risk.identify_unit_risks(sdk, unit, actor="安全员张三")
    assert again.created == ()
    assert point.id in again.existing
    with sdk.uow() as uow:
        assert uow.risk_points.get(point.id).responsible_person == "维保组长赵六"
    assert edited.version == 2


def test_every_change_is_kept_as_a_version_with_who_and_why(sdk: Dualprev, unit: str) -> None:
    risk.identify_unit_risks(sdk, unit, actor="安全员张三", equipment_ids=[LIFT])
    point = points_of(sdk, LIFT)[0]
    measures = attrs.evolve(point.measures, management=(*point.measures.management, "增加夜间巡查"))
    v2 = risk.edit_risk_point(sdk, attrs.evolve(point, measures=measures), actor="安全员张三", reason="补充管理措施")
    v3 = risk.regrade_risk_point(
        sdk,
        point.id,
        method="lec",
        factors={"l": 6, "e": 6, "c": 15},
        reason="发生过同类故障",
        actor="安全总监李四",
        expected_version=v2.version,
    )
    history = risk.risk_point_history(sdk, point.id)
    assert [(h.version, h.change, h.actor) for h in history] == [
        (1, RiskPointChange.IDENTIFIED, "安全员张三"),
        (2, RiskPointChange.EDITED, "安全员张三"),
        (3, RiskPointChange.REGRADED, "安全总监李四"),
    ]
    assert history[1].snapshot.measures.management[-1] == "增加夜间巡查"
    assert (history[2].reason, history[2].snapshot.level, v3.level, v3.score) == (
        "发生过同类故障",
        RiskLevel.MAJOR,
        RiskLevel.MAJOR,
        540.0,
    )


def test_a_regrade_without_a_reason_is_refused_and_nothing_changes(sdk: Dualprev, unit: str) -> None:
    risk.identify_unit_risks(sdk, unit, actor="安全员张三", equipment_ids=[LIFT])
    point = points_of(sdk, LIFT)[0]
    with pytest.raises(InvalidArgument, match="reason"):
        risk.edit_risk_point(sdk, attrs.evolve(point, factors={"l": 6.0, "e": 6.0, "c": 15.0}), actor="安全员张三")
    assert len(risk.risk_point_history(sdk, point.id)) == 1
    assert points_of(sdk, LIFT)[0] == point


def test_an_edit_based_on_a_stale_version_loses(sdk: Dualprev, unit: str) -> None:
    risk.identify_unit_risks(sdk, unit, actor="安全员张三", equipment_ids=[LIFT])
    point = points_of(sdk, LIFT)[0]
    risk.edit_risk_point(sdk, attrs.evolve(point, responsible_person="甲"), actor="安全员张三")
    with pytest.raises(ConcurrencyConflict):
        risk.edit_risk_point(sdk, attrs.evolve(point, responsible_person="乙"), actor="安全员张三")


def test_a_removed_point_keeps_its_history(sdk: Dualprev, unit: str) -> None:
    risk.identify_unit_risks(sdk, unit, actor="安全员张三", equipment_ids=[LIFT])
    point = points_of(sdk, LIFT)[0]
    risk.remove_risk_point(sdk, point.id, expected_version=1, actor="安全总监李四", reason="与其他风险点重复")
    assert point.id not in {p.id for p in points_of(sdk, LIFT)}
    last = risk.risk_point_history(sdk, point.id)[-1]
    assert (last.change, last.version, last.reason, last.snapshot.hazard_factor) == (
        RiskPointChange.REMOVED,
        2,
        "与其他风险点重复",
        point.hazard_factor,
    )


def test_a_point_added_by_hand_is_graded_by_its_factors(sdk: Dualprev, unit: str) -> None:
    point = RiskPoint(
        id="RP-MANUAL-1",
        unit_uscc=unit,
        equipment_id=CRANE,
        component="检修平台",
        hazard_factor="检修平台护栏缺失",
        accident_types=("高处坠落",),
        method="ls",
        factors={"l": 4, "s": 5},
        measures=ControlMeasures(engineering=("加装防护栏杆",), emergency=("发生坠落立即拨打120",)),
    )
    stored = risk.add_risk_point(sdk, point, actor="安全员张三", reason="现场排查新增")
    assert (stored.level, stored.score, stored.version) == (RiskLevel.MAJOR, 20.0, 1)


def test_a_point_without_measures_or_with_a_foreign_equipment_is_refused_with_every_reason(
    sdk: Dualprev, unit: str
) -> None:
    point = RiskPoint(id="RP-X", unit_uscc=unit, equipment_id="E-NOT-OURS", component="", hazard_factor="x")
    with pytest.raises(InvalidArgument) as caught:
        risk.add_risk_point(sdk, point, actor="安全员张三")
    assert {v.field for v in caught.value.violations} == {"component", "measures", "equipment_id"}


def test_an_accident_marks_the_equipments_points_for_review_until_reviewed(sdk: Dualprev, unit: str) -> None:
    risk.identify_unit_risks(sdk, unit, actor="安全员张三")
    marked = risk.mark_for_review(
        sdk, unit_uscc=unit, trigger=ReviewTrigger.ACCIDENT, equipment_id=CRANE, actor="安全总监李四", detail="吊物坠落"
    )
    assert {p.equipment_id for p in marked} == {CRANE}
    assert all(p.needs_review and p.review_reason == "发生事故：吊物坠落" for p in points_of(sdk, CRANE))
    assert not any(p.needs_review for p in points_of(sdk, LIFT))
    first = marked[0]
    done = risk.complete_review(
        sdk,
        first.id,
        actor="安全总监李四",
        reason="复评：提高可能性",
        expected_version=first.version,
        method="lec",
        factors={"l": 6, "e": 6, "c": 15},
    )
    assert (done.needs_review, done.level) == (False, RiskLevel.MAJOR)
    changes = [h.change for h in risk.risk_point_history(sdk, first.id)]
    assert changes[-2:] == [RiskPointChange.REVIEW_REQUESTED, RiskPointChange.REVIEWED]


def test_a_relocation_without_equipment_marks_every_point_of_the_unit(sdk: Dualprev, unit: str) -> None:
    created = risk.identify_unit_risks(sdk, unit, actor="安全员张三").created
    marked = risk.mark_for_review(sdk, unit_uscc=unit, trigger=ReviewTrigger.RELOCATION, actor="安全总监李四")
    assert len(marked) == len(created)


def test_every_change_writes_its_outbox_event(sdk: Dualprev, unit: str) -> None:
    before = len(sdk.read_events(limit=10_000))
    risk.identify_unit_risks(sdk, unit, actor="安全员张三", equipment_ids=[LIFT])
    point = points_of(sdk, LIFT)[0]
    risk.edit_risk_point(sdk, attrs.evolve(point, responsible_person="甲"), actor="安全员张三")
    risk.mark_for_review(
        sdk, unit_uscc=unit, trigger=ReviewTrigger.MAJOR_HAZARD, equipment_id=LIFT, actor="安全总监李四"
    )
    types = [e.type for e in sdk.read_events(limit=10_000)[before:]]
    assert types == ["risk_points.identified", "risk_point.edited", "risk_points.review_requested"]


def test_a_hazard_graded_major_marks_its_equipments_points_for_review_once(sdk: Dualprev, unit: str) -> None:
    risk.identify_unit_risks(sdk, unit, actor="安全员张三")
    reported = hazards.report_hazard(
        sdk,
        unit_uscc=unit,
        equipment_id=CRANE,
        source=HazardSource.WEEKLY_INVESTIGATION,
        source_reference="W-1",
        description="起升制动器失效",
        found_on=dt.date(2025, 11, 5),
        finder="安全总监李四",
        actor="安全总监李四",
    )
    hazards.register_hazard(sdk, reported.hazard.id, actor="安全总监李四")
    hazards.grade_hazard_by_person(
        sdk, reported.hazard.id, level=HazardLevel.MAJOR, reason="制动器失效仍在使用", actor="安全总监李四"
    )
    sweep = risk.apply_review_triggers(sdk)
    assert set(sweep.marked) == {p.id for p in points_of(sdk, CRANE)}
    assert all(p.review_reason == f"重大事故隐患：{reported.hazard.id}" for p in points_of(sdk, CRANE))
    assert not any(p.needs_review for p in points_of(sdk, LIFT))
    assert risk.apply_review_triggers(sdk).marked == ()
    resumed = risk.apply_review_triggers(sdk, after=sweep.cursor)  # sees only the marking's own event
    assert (resumed.marked, resumed.cursor) == ((), sdk.read_events(limit=10_000)[-1].cursor)
