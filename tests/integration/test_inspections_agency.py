"""Recording inspections (the next due date from the class, on the equipment row, in one transaction) and the
inspection-agency workflow: findings → unit notified, regulator notices, hazards graded by GB 45067 rules."""

from __future__ import annotations

import datetime as dt

import pytest
from inspection_world import AT, LUOYANG, MALL, TODAY, ZHENGZHOU, build

from dualprev_sdk.domain.hazard import HazardLevel, HazardSource
from dualprev_sdk.domain.inspection import (
    AgencyFinding,
    AgencySubmission,
    InspectionConclusion,
    InspectionKind,
    InspectionRecord,
    RegulatorNoticeKind,
    ValidityStatus,
)
from dualprev_sdk.errors import InvalidArgument
from dualprev_sdk.services import hazards as hz
from dualprev_sdk.services import inspections as ins
from dualprev_sdk.services.bootstrap import Dualprev

AGENCY = "河南省特种设备检验技术研究院"


def _record(equipment_id: str, conclusion: InspectionConclusion, **kw: object) -> InspectionRecord:
    return InspectionRecord(
        id=kw.pop("id", f"R-{equipment_id}-2026"),  # type: ignore[arg-type]
        equipment_id=equipment_id,
        kind=kw.pop("kind", InspectionKind.PERIODIC),  # type: ignore[arg-type]
        inspected_on=dt.date(2026, 11, 10),
        conclusion=conclusion,
        agency=AGENCY,
        report_number=f"RPT-{equipment_id}-2026",
        **kw,  # type: ignore[arg-type]
    )


def test_an_inspection_moves_the_equipment_due_date_to_the_class_rule(sdk: Dualprev) -> None:
    build(sdk)
    result = ins.record_inspection(sdk, _record("C2", InspectionConclusion.PASSED), today=TODAY)
    assert result.record.next_due == dt.date(2028, 11, 10)  # TSG Q7015-2016: bridge cranes every 2 years
    assert "每2年" in result.record.due_rule
    assert sdk.ledger.get_equipment("C2").next_inspection_due == dt.date(2028, 11, 10)
    assert ins.inspection_validity(sdk, "C2", today=TODAY).status is ValidityStatus.VALID


def test_a_lift_follows_the_year_of_life_schedule(sdk: Dualprev) -> None:
    build(sdk)
    result = ins.record_inspection(sdk, _record("L2", InspectionConclusion.PASSED), today=TODAY)
    assert result.record.next_due == dt.date(2027, 5, 10)  # 13th year since the 2014-05 acceptance
    assert {d.kind for d in result.due_dates} >= {"periodic_inspection"}


def test_a_failed_report_makes_the_equipment_not_usable(sdk: Dualprev) -> None:
    build(sdk)
    ins.record_inspection(sdk, _record("C2", InspectionConclusion.FAILED), today=TODAY)
    assert ins.inspection_validity(sdk, "C2", today=TODAY).status is ValidityStatus.USE_NOT_ALLOWED


def test_a_report_from_the_future_or_without_an_agency_is_refused_with_every_reason(sdk: Dualprev) -> None:
    build(sdk)
    bad = InspectionRecord(
        id="R-X",
        equipment_id="C2",
        kind=InspectionKind.PERIODIC,
        inspected_on=TODAY + dt.timedelta(days=1),
        conclusion=InspectionConclusion.SAFETY_GRADE,
    )
    with pytest.raises(InvalidArgument) as caught:
        ins.record_inspection(sdk, bad, today=TODAY)
    assert {v.field for v in caught.value.violations} == {"inspected_on", "safety_grade", "agency"}
    assert sdk.ledger.get_equipment("C2").next_inspection_due == dt.date(2026, 8, 15)


def _lift_submission() -> AgencySubmission:
    return AgencySubmission(
        agency=AGENCY,
        inspector="检验员甲",
        record=_record("L1", InspectionConclusion.PASSED),
        findings=(
            AgencyFinding(code="door_lock_circuit_shorted", description="层门门锁回路被短接", serious=True),
            AgencyFinding(code="car_lighting_insufficient", description="轿厢照明亮度不足"),
        ),
    )


def test_agency_findings_become_hazards_graded_by_the_lift_rules(sdk: Dualprev) -> None:
    build(sdk)
    result = ins.submit_agency_findings(sdk, _lift_submission(), today=TODAY, at=AT)
    levels = [h.level for h in result.hazards]
    assert levels == [HazardLevel.MAJOR, HazardLevel.GENERAL]
    assert result.hazards[0].criteria == ("GB 45067-2024 4.6 d)",)
    hazard = hz.get_hazard(sdk, result.hazards[0].hazard_id)
    assert (hazard.source, hazard.source_reference, hazard.unit_uscc) == (
        HazardSource.INSPECTION_AGENCY,
        "RPT-L1-2026",
        MALL,
    )
    assert sdk.ledger.get_equipment("L1").stop_use_order == hazard.id


def test_the_unit_is_notified_and_serious_findings_reach_the_regulator_of_its_region(sdk: Dualprev) -> None:
    build(sdk)
    result = ins.submit_agency_findings(sdk, _lift_submission(), today=TODAY, at=AT)
    notified = [e for e in sdk.read_events(0, 1000) if e.type == "inspection.findings_submitted"]
    assert [e.resource for e in notified] == [f"units/{MALL}"]
    notices = ins.list_regulator_notices(sdk, kind=RegulatorNoticeKind.SERIOUS_FINDING)
    assert [(n.region_code, n.equipment_id, n.hazard_id) for n in notices] == [
        (ZHENGZHOU, "L1", result.hazards[0].hazard_id)
    ]
    with sdk.uow() as uow:
        assert [h for _, h in uow.inspections.findings(result.recorded.record.id)] == [
            h.hazard_id for h in result.hazards
        ]


def test_submitting_the_same_report_again_adds_nothing(sdk: Dualprev) -> None:
    build(sdk)
    first = ins.submit_agency_findings(sdk, _lift_submission(), today=TODAY, at=AT)
    events = len(sdk.read_events(0, 10_000))
    again = ins.submit_agency_findings(sdk, _lift_submission(), today=TODAY, at=AT)
    assert again.replayed
    assert [h.hazard_id for h in again.hazards] == [h.hazard_id for h in first.hazards]
    assert len(sdk.read_events(0, 10_000)) == events
    assert hz.hazard_statistics(sdk, today=TODAY).total == 2


def test_a_failed_crane_report_without_findings_is_one_major_hazard_and_a_notice(sdk: Dualprev) -> None:
    build(sdk)
    submission = AgencySubmission(agency="洛阳市特种设备检验所", record=_record("C2", InspectionConclusion.FAILED))
    result = ins.submit_agency_findings(sdk, submission, today=TODAY, at=AT)
    assert [(h.level, h.criteria) for h in result.hazards] == [(HazardLevel.MAJOR, ("GB 45067-2024 4.7 b)",))]
    assert [n.region_code for n in ins.list_regulator_notices(sdk, region_prefix="4103")] == [LUOYANG]


def test_a_submission_without_a_report_number_is_refused(sdk: Dualprev) -> None:
    build(sdk)
    submission = AgencySubmission(
        agency=AGENCY, record=InspectionRecord(
            id="R-N", equipment_id="L1", kind=InspectionKind.PERIODIC, inspected_on=dt.date(2026, 11, 1),
            conclusion=InspectionConclusion.PASSED, agency=AGENCY,
        ),
    )  # fmt: skip
    with pytest.raises(InvalidArgument) as caught:
        ins.submit_agency_findings(sdk, submission, today=TODAY, at=AT)
    assert [v.field for v in caught.value.violations] == ["record.report_number"]


def test_reminders_cover_inspection_applications_registration_and_certificate_reviews(sdk: Dualprev) -> None:
    build(sdk)
    reminders = ins.inspection_reminders(sdk, today=dt.date(2027, 3, 20), unit_uscc=MALL)
    assert [(r.kind.value, r.subject_id, r.act_by) for r in reminders] == [
        ("apply_for_inspection", "L1", dt.date(2027, 4, 1)),
    ]


def test_a_lift_self_test_is_recorded_without_moving_the_periodic_due_date(sdk: Dualprev) -> None:
    build(sdk)
    periodic = ins.record_inspection(sdk, _record("L2", InspectionConclusion.PASSED), today=TODAY)
    self_test = InspectionRecord(
        id="ST-L2-2026",
        equipment_id="L2",
        kind=InspectionKind.SELF_TEST,
        inspected_on=dt.date(2026, 11, 15),
        conclusion=InspectionConclusion.PASSED,
    )
    ins.record_inspection(sdk, self_test, today=TODAY)
    assert sdk.ledger.get_equipment("L2").next_inspection_due == periodic.record.next_due
