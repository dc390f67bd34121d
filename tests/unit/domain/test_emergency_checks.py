"""Emergency checks: coverage of kinds in use, the plan's own review date, drills, monitoring."""

from __future__ import annotations

import datetime as dt

from dualprev_sdk.domain.emergency import (
    EmergencyDrill,
    EmergencyPlan,
    EmergencyPolicy,
    MajorHazardInstallation,
    MonitoringRecord,
    check_emergency,
)

TODAY = dt.date(2026, 11, 20)


def _plan(**kw: object) -> EmergencyPlan:
    values: dict[str, object] = {"id": "P", "unit_uscc": "U", "title": "电梯预案", "approved_on": dt.date(2025, 1, 1)}
    values.update(kw)
    return EmergencyPlan(**values)  # type: ignore[arg-type]


def _check(**kw: object) -> set[tuple[str, str]]:
    values: dict[str, object] = {
        "kinds_in_use": set(),
        "plans": [],
        "drills": [],
        "installations": [],
        "last_monitoring": {},
        "alarms": {},
        "today": TODAY,
    }
    values.update(kw)
    return {(f.code, f.subject) for f in check_emergency(**values)}  # type: ignore[arg-type]


def test_a_kind_plan_covers_only_its_kind() -> None:
    plans = [_plan(equipment_kind="3000")]
    drills = [EmergencyDrill(id="D", unit_uscc="U", plan_id="P", held_on=TODAY, scenario="困人")]
    assert _check(kinds_in_use={"3000", "4000"}, plans=plans, drills=drills) == {("plan.missing", "4000")}


def test_no_interval_is_invented_only_the_plans_own_review_date_is_checked() -> None:
    drills = [EmergencyDrill(id="D", unit_uscc="U", plan_id="P", held_on=dt.date(2015, 1, 1), scenario="x")]
    assert _check(plans=[_plan(approved_on=dt.date(2010, 1, 1))], drills=drills) == set()
    stale = _plan(next_review_due=dt.date(2026, 11, 19))
    assert _check(plans=[stale], drills=drills) == {("plan.stale", "P")}


def test_configured_intervals_are_applied() -> None:
    drills = [EmergencyDrill(id="D", unit_uscc="U", plan_id="P", held_on=dt.date(2025, 6, 1), scenario="x")]
    policy = EmergencyPolicy(plan_review_months=12, drill_months=12)
    assert _check(plans=[_plan()], drills=drills, policy=policy) == {("plan.stale", "P"), ("drill.stale", "P")}


def test_a_plan_never_drilled_is_flagged() -> None:
    assert _check(plans=[_plan()]) == {("drill.missing", "P")}


def test_installations_need_recent_monitoring_when_a_gap_is_configured() -> None:
    installation = MajorHazardInstallation(id="M", unit_uscc="U", name="储罐区")
    reading = MonitoringRecord(
        id="r", installation_id="M", recorded_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC), parameter="p", value=1
    )
    assert _check(installations=[installation], last_monitoring={"M": reading}) == set()
    policy = EmergencyPolicy(monitoring_max_gap=dt.timedelta(days=7))
    assert _check(installations=[installation], last_monitoring={"M": reading}, policy=policy) == {
        ("monitoring.stale", "M")
    }
    assert _check(installations=[installation], last_monitoring={"M": reading}, alarms={"M": 2}) == {
        ("monitoring.alarm", "M")
    }
