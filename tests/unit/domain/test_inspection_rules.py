"""Inspection validity, reminder lead times and record validation, as the law states them."""

from __future__ import annotations

import datetime as dt

import pytest

from dualprev_sdk.domain.common import SourceStatus
from dualprev_sdk.domain.inspection import (
    AgencyFinding,
    AgencySubmission,
    InspectionConclusion,
    InspectionKind,
    InspectionRecord,
    ReminderPolicy,
    ValidityStatus,
    validity_of,
)
from dualprev_sdk.errors import InvalidArgument

DUE = dt.date(2027, 3, 31)


def _record(**kw: object) -> InspectionRecord:
    values: dict[str, object] = {
        "id": "R-1",
        "equipment_id": "E-1",
        "kind": InspectionKind.PERIODIC,
        "inspected_on": dt.date(2026, 3, 31),
        "conclusion": InspectionConclusion.PASSED,
        "agency": "检验院",
        "report_number": "N-1",
    }
    values.update(kw)
    return InspectionRecord(**values)  # type: ignore[arg-type]


def test_the_inspection_must_be_applied_for_one_month_before_it_is_due() -> None:
    assert ReminderPolicy().inspection_apply_by(DUE) == dt.date(2027, 2, 28)  # month end clamps


def test_equipment_is_valid_until_the_apply_by_date_then_due_soon_then_overdue_the_day_after() -> None:
    assert validity_of("E", DUE, dt.date(2027, 2, 27)).status is ValidityStatus.VALID
    assert validity_of("E", DUE, dt.date(2027, 2, 28)).status is ValidityStatus.DUE_SOON
    assert validity_of("E", DUE, DUE).status is ValidityStatus.DUE_SOON
    assert validity_of("E", DUE, DUE + dt.timedelta(days=1)).status is ValidityStatus.OVERDUE


def test_a_failed_or_grade_5_report_means_no_use_whatever_the_date() -> None:
    failed = _record(conclusion=InspectionConclusion.FAILED_ON_RECHECK)
    grade5 = _record(conclusion=InspectionConclusion.SAFETY_GRADE, safety_grade=5)
    assert validity_of("E", DUE, dt.date(2026, 4, 1), last=failed).status is ValidityStatus.USE_NOT_ALLOWED
    assert validity_of("E", DUE, dt.date(2026, 4, 1), last=grade5).status is ValidityStatus.USE_NOT_ALLOWED


def test_no_due_date_is_unknown_not_valid() -> None:
    assert validity_of("E", None, DUE).status is ValidityStatus.UNKNOWN


def test_registration_is_due_30_days_after_commissioning() -> None:
    assert ReminderPolicy().registration_deadline(dt.date(2026, 11, 1)) == dt.date(2026, 12, 1)


def test_a_certificate_review_is_due_one_month_before_expiry_and_the_sources_are_marked() -> None:
    policy = ReminderPolicy()
    assert policy.certificate_review_by(dt.date(2028, 1, 10)) == dt.date(2027, 12, 10)
    assert policy.inspection_source.status is SourceStatus.VERIFIED
    assert policy.certificate_source.status is SourceStatus.SECONDARY
    assert policy.warning_source.status is SourceStatus.USER


def test_the_reminder_horizon_adds_the_warning_margin_to_the_legal_month() -> None:
    assert ReminderPolicy(warning_days=15).inspection_horizon(dt.date(2026, 11, 20)) == dt.date(2027, 1, 5)
    assert ReminderPolicy(warning_days=0).inspection_horizon(dt.date(2026, 11, 20)) == dt.date(2026, 12, 20)


def test_a_safety_grade_outside_1_to_5_is_refused() -> None:
    with pytest.raises(InvalidArgument):
        _record(conclusion=InspectionConclusion.SAFETY_GRADE, safety_grade=6)


def test_a_record_lists_every_problem_at_once() -> None:
    record = _record(id=" ", inspected_on=dt.date(2030, 1, 1), agency="", conclusion=InspectionConclusion.SAFETY_GRADE)
    fields = {v.field for v in record.violations(dt.date(2026, 11, 20))}
    assert fields == {"id", "inspected_on", "agency", "safety_grade"}


def test_a_self_test_needs_no_agency() -> None:
    assert _record(kind=InspectionKind.SELF_TEST, agency="").violations(dt.date(2026, 11, 20)) == []


def test_an_agency_submission_needs_a_report_number_and_complete_findings() -> None:
    submission = AgencySubmission(
        agency="检验院", record=_record(report_number=""), findings=(AgencyFinding(code="", description="x"),)
    )
    assert {v.field for v in submission.violations(dt.date(2026, 11, 20))} == {"record.report_number", "findings[0]"}


def test_only_passed_conclusions_allow_use() -> None:
    assert [c for c in InspectionConclusion if c.allows_use] == [
        InspectionConclusion.PASSED,
        InspectionConclusion.PASSED_ON_RECHECK,
    ]
