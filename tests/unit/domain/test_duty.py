"""Duty plans, tasks and records (Order 74 日管控/周排查/月调度 and the other schedules) as pure domain rules."""

from __future__ import annotations

import datetime as dt

import pytest

from dualprev_sdk.domain.common import Frequency, SafetyRole
from dualprev_sdk.domain.duty import (
    CheckResult,
    DutyKind,
    DutyPlan,
    DutyRecord,
    HolidayCalendar,
    ItemResult,
    OperatingDays,
    evidence_sha256,
    gap_runs,
    period_key,
    plan_tasks,
    validate_record,
)
from dualprev_sdk.domain.hazard import HazardSource
from dualprev_sdk.errors import InvalidArgument

UNIT_A = "91410100000000019L"
UNIT_B = "91410100000000027X"
CST = dt.timezone(dt.timedelta(hours=8))


def plan(kind: DutyKind, **kw: object) -> DutyPlan:
    defaults: dict[str, object] = {
        "id": f"P-{kind.value}",
        "kind": kind,
        "unit_usccs": (UNIT_A,),
        "starts_on": dt.date(2025, 1, 1),
    }
    return DutyPlan(**(defaults | kw))  # type: ignore[arg-type]


def test_a_week_that_straddles_new_year_has_one_iso_week_key() -> None:
    assert period_key(Frequency.WEEKLY, dt.date(2025, 12, 29)) == "2026-W01"
    assert period_key(Frequency.WEEKLY, dt.date(2026, 1, 4)) == "2026-W01"


@pytest.mark.parametrize(
    ("frequency", "day", "key"),
    [
        (Frequency.DAILY, dt.date(2025, 11, 3), "2025-11-03"),
        (Frequency.MONTHLY, dt.date(2025, 11, 30), "2025-11"),
        (Frequency.QUARTERLY, dt.date(2025, 11, 30), "2025-Q4"),
        (Frequency.HALF_YEARLY, dt.date(2025, 6, 30), "2025-H1"),
        (Frequency.YEARLY, dt.date(2025, 6, 30), "2025"),
    ],
)
def test_period_keys_name_the_calendar_period(frequency: Frequency, day: dt.date, key: str) -> None:
    assert period_key(frequency, day) == key


def test_the_order_74_kinds_default_to_officer_director_and_principal() -> None:
    assert [
        k.default_role for k in (DutyKind.DAILY_CONTROL, DutyKind.WEEKLY_INVESTIGATION, DutyKind.MONTHLY_DISPATCH)
    ] == [
        SafetyRole.SAFETY_OFFICER,
        SafetyRole.SAFETY_DIRECTOR,
        SafetyRole.PRINCIPAL,
    ]


def test_record_titles_follow_order_74_with_the_equipment_kind() -> None:
    assert DutyKind.WEEKLY_INVESTIGATION.record_title("电梯") == "每周电梯安全排查治理报告"
    assert DutyKind.MONTHLY_DISPATCH.record_title("锅炉") == "每月锅炉安全调度会议纪要"


def test_hazards_found_by_each_duty_carry_its_source() -> None:
    assert DutyKind.DAILY_CONTROL.hazard_source is HazardSource.DAILY_CHECK
    assert DutyKind.WEEKLY_INVESTIGATION.hazard_source is HazardSource.WEEKLY_INVESTIGATION
    assert DutyKind.MONTHLY_DISPATCH.hazard_source is HazardSource.MONTHLY_DISPATCH


def test_daily_control_owes_one_task_for_every_day_of_november() -> None:
    tasks = plan_tasks(plan(DutyKind.DAILY_CONTROL), dt.date(2025, 11, 1), dt.date(2025, 11, 30)).tasks
    assert [t.period_key for t in tasks] == [
        (dt.date(2025, 11, 1) + dt.timedelta(days=i)).isoformat() for i in range(30)
    ]


def test_a_week_is_owed_in_the_range_holding_its_sunday_so_month_by_month_generation_never_repeats_it() -> None:
    weekly = plan(DutyKind.WEEKLY_INVESTIGATION)
    october = plan_tasks(weekly, dt.date(2025, 10, 1), dt.date(2025, 10, 31)).tasks
    november = plan_tasks(weekly, dt.date(2025, 11, 1), dt.date(2025, 11, 30)).tasks
    keys = [t.period_key for t in (*october, *november)]
    assert len(keys) == len(set(keys))
    assert "2025-W44" in [t.period_key for t in november]  # 27 Oct – 2 Nov, due Sunday 2 Nov
    assert all(t.due_on.weekday() == 6 for t in november)


def test_monthly_dispatch_is_due_on_the_last_day_of_the_month() -> None:
    (task,) = plan_tasks(plan(DutyKind.MONTHLY_DISPATCH), dt.date(2025, 11, 1), dt.date(2025, 11, 30)).tasks
    assert (task.period_key, task.opens_on, task.due_on) == ("2025-11", dt.date(2025, 11, 1), dt.date(2025, 11, 30))


def test_overlapping_ranges_produce_the_same_task_ids() -> None:
    daily = plan(DutyKind.DAILY_CONTROL)
    first = {t.id for t in plan_tasks(daily, dt.date(2025, 11, 1), dt.date(2025, 11, 20)).tasks}
    second = {t.id for t in plan_tasks(daily, dt.date(2025, 11, 10), dt.date(2025, 11, 30)).tasks}
    assert len(first & second) == 11


def test_a_plan_for_working_days_skips_the_national_day_holiday_and_works_the_make_up_sunday() -> None:
    daily = plan(DutyKind.DAILY_CONTROL, operating_days=OperatingDays.WORKING_DAYS)
    days = {t.opens_on for t in plan_tasks(daily, dt.date(2025, 9, 27), dt.date(2025, 10, 12)).tasks}
    assert dt.date(2025, 9, 28) in days  # Sunday, 调休上班
    assert not any(dt.date(2025, 10, 1) <= d <= dt.date(2025, 10, 8) for d in days)


def test_a_holiday_plan_owes_a_check_the_day_before_each_statutory_holiday() -> None:
    result = plan_tasks(plan(DutyKind.HOLIDAY, lead_days=5), dt.date(2025, 9, 1), dt.date(2025, 10, 31))
    (task,) = result.tasks
    assert (task.period_key, task.opens_on, task.due_on) == (
        "holiday-2025-10-01",
        dt.date(2025, 9, 26),
        dt.date(2025, 9, 30),
    )
    assert "国庆节" in task.title


def test_beyond_the_calendars_data_holiday_campaigns_are_skipped_with_a_warning() -> None:
    calendar = HolidayCalendar()
    result = plan_tasks(
        plan(DutyKind.HOLIDAY, starts_on=dt.date(2035, 1, 1)),
        dt.date(2035, 1, 1),
        dt.date(2035, 12, 31),
        calendar=calendar,
    )
    assert result.tasks == ()
    assert any("2035" in w and "not generated" in w for w in result.warnings)


def test_beyond_the_calendars_data_working_days_fall_back_to_monday_to_friday_with_a_warning() -> None:
    daily = plan(DutyKind.DAILY_CONTROL, operating_days=OperatingDays.WORKING_DAYS, starts_on=dt.date(2035, 1, 1))
    result = plan_tasks(daily, dt.date(2035, 1, 1), dt.date(2035, 1, 7))
    assert [t.opens_on.weekday() for t in result.tasks] == [0, 1, 2, 3, 4]  # 1 Jan 2035 is a Monday
    assert any("Monday–Friday" in w for w in result.warnings)


def test_a_special_campaign_owes_one_task_per_unit_due_at_its_end() -> None:
    campaign = plan(
        DutyKind.SPECIAL, unit_usccs=(UNIT_A, UNIT_B), starts_on=dt.date(2025, 6, 1), ends_on=dt.date(2025, 6, 30)
    )
    tasks = plan_tasks(campaign, dt.date(2025, 1, 1), dt.date(2025, 12, 31)).tasks
    assert [(t.unit_uscc, t.due_on) for t in tasks] == [(UNIT_A, dt.date(2025, 6, 30)), (UNIT_B, dt.date(2025, 6, 30))]


def test_a_seasonal_plan_owes_one_check_per_year_at_the_start_of_the_season() -> None:
    flood = plan(DutyKind.SEASONAL, months=(6, 7, 8), lead_days=10)
    tasks = plan_tasks(flood, dt.date(2025, 1, 1), dt.date(2026, 12, 31)).tasks
    assert [(t.opens_on, t.due_on) for t in tasks] == [
        (dt.date(2025, 6, 1), dt.date(2025, 6, 11)),
        (dt.date(2026, 6, 1), dt.date(2026, 6, 11)),
    ]


def test_tasks_are_assigned_to_the_role_holder_and_an_unstaffed_unit_is_warned_about() -> None:
    result = plan_tasks(
        plan(DutyKind.MONTHLY_DISPATCH, unit_usccs=(UNIT_A, UNIT_B)),
        dt.date(2025, 11, 1),
        dt.date(2025, 11, 30),
        assignees={UNIT_A: "总经理王五"},
    )
    assert [(t.unit_uscc, t.assignee, t.role) for t in result.tasks] == [
        (UNIT_A, "总经理王五", SafetyRole.PRINCIPAL),
        (UNIT_B, "", SafetyRole.PRINCIPAL),
    ]
    assert any(UNIT_B in w for w in result.warnings)


def test_an_inconsistent_plan_reports_every_bad_field() -> None:
    bad = plan(DutyKind.PERIODIC, unit_usccs=(), ends_on=dt.date(2024, 1, 1), lead_days=90)
    with pytest.raises(InvalidArgument) as caught:
        bad.validate()
    assert {v.field for v in caught.value.violations} == {"unit_usccs", "ends_on", "frequency", "lead_days"}


def record(*items: ItemResult, **kw: object) -> DutyRecord:
    defaults: dict[str, object] = {
        "id": "R-1",
        "task_id": "T-1",
        "plan_id": "P-1",
        "unit_uscc": UNIT_A,
        "kind": DutyKind.DAILY_CONTROL,
        "period_key": "2025-11-03",
        "recorded_by": "安全员张三",
        "recorded_at": dt.datetime(2025, 11, 3, 17, tzinfo=CST),
        "items": items,
    }
    return DutyRecord(**(defaults | kw))  # type: ignore[arg-type]


def test_a_record_without_failed_items_is_a_zero_finding_report() -> None:
    assert record(ItemResult(item_code="EL-D01", result=CheckResult.PASS)).zero_findings
    assert record().zero_findings


def test_evidence_is_the_sha256_of_the_photo_bytes() -> None:
    assert evidence_sha256(b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_a_record_reports_every_broken_rule_at_once() -> None:
    bad = record(
        ItemResult(item_code="EL-D01", equipment_id="E-1", result=CheckResult.FAIL, evidence=("not-a-hash",)),
        ItemResult(item_code="EL-D01", equipment_id="E-1", result=CheckResult.PASS),
        recorded_by=" ",
    )
    with pytest.raises(InvalidArgument) as caught:
        validate_record(bad)
    assert {v.rule for v in caught.value.violations} == {
        "required",
        "duty.item.fail_note",
        "duty.evidence.sha256",
        "duty.item.unique",
    }


def test_missed_days_fold_into_runs() -> None:
    days = [dt.date(2025, 11, d) for d in (3, 4, 5, 9, 20, 21)]
    assert gap_runs(days) == [
        (dt.date(2025, 11, 3), dt.date(2025, 11, 5)),
        (dt.date(2025, 11, 9), dt.date(2025, 11, 9)),
        (dt.date(2025, 11, 20), dt.date(2025, 11, 21)),
    ]
