"""Task generation against the database: one task per plan, unit and period whatever happens; campaigns over
several units; holidays from chinese-calendar; deactivated plans."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from risk_world import OTHER_REGION, make_unit, uscc, world

from dualprev_sdk.domain.duty import DutyKind, DutyPlan
from dualprev_sdk.errors import AlreadyExists, NotFound
from dualprev_sdk.services import duties
from dualprev_sdk.services.bootstrap import Dualprev


@pytest.fixture
def unit(sdk: Dualprev) -> str:
    return world(sdk)


def test_the_unique_key_refuses_a_second_task_for_the_same_plan_unit_and_period(sdk: Dualprev, unit: str) -> None:
    (daily, *_) = duties.order74_plans(unit, equipment_kind=None, starts_on=dt.date(2025, 11, 1))
    duties.create_plan(sdk, daily, actor="安全总监李四")
    duties.generate_tasks(sdk, dt.date(2025, 11, 1), dt.date(2025, 11, 1))
    (task,) = duties.list_tasks(sdk, unit_uscc=unit)
    with sdk.uow() as uow, pytest.raises(AlreadyExists):
        uow.duties.add_tasks([attrs.evolve(task, id="another-id-same-period")])
    assert len(duties.list_tasks(sdk, unit_uscc=unit)) == 1


def test_a_special_campaign_over_two_units_owes_each_one_task(sdk: Dualprev, unit: str) -> None:
    other = make_unit(sdk, uscc(502), region=OTHER_REGION, name="洛阳某商场")
    campaign = DutyPlan(
        id="CAMPAIGN-2025-WINTER",
        kind=DutyKind.SPECIAL,
        title="冬季锅炉专项排查",
        unit_usccs=(unit, other),
        starts_on=dt.date(2025, 11, 15),
        ends_on=dt.date(2025, 12, 15),
        item_codes=("BLR-D01",),
    )
    duties.create_plan(sdk, campaign, actor="市场监管局")
    result = duties.generate_tasks(sdk, dt.date(2025, 11, 1), dt.date(2025, 12, 31))
    assert (result.created, result.warnings) == (2, ())
    tasks = duties.list_tasks(sdk, kind=DutyKind.SPECIAL)
    assert sorted((t.unit_uscc, t.due_on, t.assignee) for t in tasks) == [
        (unit, dt.date(2025, 12, 15), "安全总监李四"),
        (other, dt.date(2025, 12, 15), "安全总监李四"),
    ]
    items = duties.task_items(sdk, next(t.id for t in tasks if t.unit_uscc == unit))
    assert {i.entry.code for i in items} == {"BLR-D01"}


def test_a_plan_naming_an_unknown_unit_is_refused(sdk: Dualprev, unit: str) -> None:
    plan = DutyPlan(
        id="P-X", kind=DutyKind.MONTHLY_DISPATCH, unit_usccs=(unit, uscc(999)), starts_on=dt.date(2025, 1, 1)
    )
    with pytest.raises(NotFound):
        duties.create_plan(sdk, plan, actor="x")


def test_a_holiday_plan_schedules_the_check_before_national_day(sdk: Dualprev, unit: str) -> None:
    plan = DutyPlan(
        id="HOLIDAY-1", kind=DutyKind.HOLIDAY, unit_usccs=(unit,), starts_on=dt.date(2025, 1, 1), lead_days=3
    )
    duties.create_plan(sdk, plan, actor="安全总监李四")
    duties.generate_tasks(sdk, dt.date(2025, 9, 1), dt.date(2025, 10, 31))
    (task,) = duties.list_tasks(sdk, kind=DutyKind.HOLIDAY)
    assert (task.opens_on, task.due_on, task.period_key) == (
        dt.date(2025, 9, 28),
        dt.date(2025, 9, 30),
        "holiday-2025-10-01",
    )


def test_a_deactivated_plan_generates_nothing_more(sdk: Dualprev, unit: str) -> None:
    (daily, *_) = duties.order74_plans(unit, equipment_kind="3000", starts_on=dt.date(2025, 11, 1), kind_zh="电梯")
    stored = duties.create_plan(sdk, daily, actor="安全总监李四")
    duties.deactivate_plan(sdk, stored.id, expected_version=stored.version, actor="安全总监李四", reason="电梯已报废")
    assert duties.generate_tasks(sdk, dt.date(2025, 11, 1), dt.date(2025, 11, 30)).created == 0


def test_generation_events_go_to_the_outbox(sdk: Dualprev, unit: str) -> None:
    for plan in duties.order74_plans(unit, equipment_kind=None, starts_on=dt.date(2025, 11, 1)):
        duties.create_plan(sdk, plan, actor="安全总监李四")
    duties.generate_tasks(sdk, dt.date(2025, 11, 1), dt.date(2025, 11, 30))
    duties.generate_tasks(sdk, dt.date(2025, 11, 1), dt.date(2025, 11, 30))
    events = [e for e in sdk.read_events(limit=10_000) if e.type.startswith("duty")]
    assert [e.type for e in events] == ["duty_plan.created"] * 3 + ["duty_tasks.generated"] * 3
    assert sorted(e.payload["created"] for e in events[3:]) == [1, 5, 30]


def test_a_one_unit_plans_events_reach_that_units_feed(sdk: Dualprev, unit: str) -> None:
    (daily, *_) = duties.order74_plans(unit, equipment_kind=None, starts_on=dt.date(2025, 11, 1))
    stored = duties.create_plan(sdk, daily, actor="安全总监李四")
    duties.generate_tasks(sdk, dt.date(2025, 11, 1), dt.date(2025, 11, 1))
    duties.deactivate_plan(sdk, stored.id, expected_version=stored.version, actor="安全总监李四", reason="改制")
    seen, _ = sdk.read_scoped_events(unit_usccs=[unit], limit=1_000)
    plan_events = [e for e in seen if e.resource == f"dutyPlans/{stored.id}"]
    assert [e.type for e in plan_events] == ["duty_plan.created", "duty_tasks.generated", "duty_plan.deactivated"]
    assert {(e.unit_uscc, e.region_code) for e in plan_events} == {(unit, "410105")}


def test_a_campaign_over_several_units_reaches_the_regulators_of_the_level_holding_them(
    sdk: Dualprev, unit: str
) -> None:
    """Two 郑州 districts → 4101 (郑州's and 河南's regulators, not a district's); 郑州 + 洛阳 → 41."""
    same_city = make_unit(sdk, uscc(503), region="410102", name="郑州某商场")
    other_city = make_unit(sdk, uscc(502), region=OTHER_REGION, name="洛阳某商场")
    for plan_id, usccs in (("C-CITY", (unit, same_city)), ("C-PROVINCE", (unit, other_city))):
        plan = DutyPlan(
            id=plan_id,
            kind=DutyKind.SPECIAL,
            unit_usccs=usccs,
            starts_on=dt.date(2025, 11, 15),
            ends_on=dt.date(2025, 12, 15),
            item_codes=("BLR-D01",),
        )
        duties.create_plan(sdk, plan, actor="市场监管局")
    events = {e.resource: e for e in sdk.read_events(limit=1_000) if e.type == "duty_plan.created"}
    assert (events["dutyPlans/C-CITY"].unit_uscc, events["dutyPlans/C-CITY"].region_code) == (None, "4101")
    assert events["dutyPlans/C-PROVINCE"].region_code == "41"
    city, _ = sdk.read_scoped_events(region_prefix="4101", limit=1_000)
    district, _ = sdk.read_scoped_events(region_prefix="410105", limit=1_000)
    assert "dutyPlans/C-CITY" in {e.resource for e in city}
    assert "dutyPlans/C-CITY" not in {e.resource for e in district}
