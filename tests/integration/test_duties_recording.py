"""Recording a duty: validation before anything is written, hazards opened once, equipment stopped by a major
hazard refused by the daily check."""

from __future__ import annotations

import datetime as dt

import pytest
from risk_world import CRANE, LIFT, UNIT, at, world

from dualprev_sdk.domain.duty import CheckResult, DutyKind, ItemResult, evidence_sha256
from dualprev_sdk.domain.hazard import HazardLevel, HazardSource
from dualprev_sdk.errors import FailedPrecondition, InvalidArgument
from dualprev_sdk.services import duties, hazards, risk
from dualprev_sdk.services.bootstrap import Dualprev

DAY = dt.date(2025, 11, 3)


@pytest.fixture
def task_id(sdk: Dualprev) -> str:
    unit = world(sdk)
    risk.identify_unit_risks(sdk, unit, actor="安全员张三")
    for plan in duties.order74_plans(unit, equipment_kind=None, starts_on=DAY):
        duties.create_plan(sdk, plan, actor="安全总监李四")
    duties.generate_tasks(sdk, DAY, DAY + dt.timedelta(days=1))
    return next(t.id for t in duties.list_tasks(sdk, kind=DutyKind.DAILY_CONTROL) if t.due_on == DAY)


def first_item(sdk: Dualprev, task_id: str, equipment_id: str) -> str:
    return next(i.entry.code for i in duties.task_items(sdk, task_id) if i.equipment_id == equipment_id)


def hazard_count(sdk: Dualprev) -> int:
    with sdk.uow() as uow:
        return len(uow.hazards.ids(limit=10_000))


def test_an_empty_daily_record_is_a_zero_finding_report(sdk: Dualprev, task_id: str) -> None:
    result = duties.record_duty(sdk, task_id, recorded_by="安全员张三", items=(), summary="设备运行正常", at=at(DAY))
    assert (result.record.zero_findings, result.hazard_ids) == (True, ())
    event = sdk.read_events(limit=10_000)[-1]
    assert (event.type, event.payload["zero_findings"], event.payload["late"]) == ("duty_record.created", True, False)


def test_a_record_with_unknown_items_or_foreign_equipment_writes_nothing_and_opens_no_hazard(
    sdk: Dualprev, task_id: str
) -> None:
    crane_item = first_item(sdk, task_id, CRANE)
    items = [
        ItemResult(item_code=crane_item, equipment_id=CRANE, result=CheckResult.FAIL, note="钢丝绳断丝"),
        ItemResult(item_code="NO-SUCH-ITEM", equipment_id=CRANE, result=CheckResult.PASS),
        ItemResult(item_code=crane_item, equipment_id="E-ELSEWHERE", result=CheckResult.PASS),
    ]
    with pytest.raises(InvalidArgument) as caught:
        duties.record_duty(sdk, task_id, recorded_by="安全员张三", items=items, at=at(DAY))
    assert {v.field for v in caught.value.violations} == {"items[1].item_code", "items[2].equipment_id"}
    assert hazard_count(sdk) == 0
    with sdk.uow() as uow:
        assert uow.duties.find_record_for_task(task_id) is None


def test_a_record_before_its_task_opens_is_refused(sdk: Dualprev, task_id: str) -> None:
    with pytest.raises(InvalidArgument, match="opens on"):
        duties.record_duty(sdk, task_id, recorded_by="安全员张三", items=(), at=at(DAY - dt.timedelta(days=1)))


def test_a_hazard_opened_by_an_earlier_attempt_is_reused_not_opened_twice(sdk: Dualprev, task_id: str) -> None:
    """An attempt that reported the hazard and then failed before writing the record: the retry links it."""
    crane_item = first_item(sdk, task_id, CRANE)
    earlier = hazards.report_hazard(
        sdk,
        unit_uscc=UNIT,
        equipment_id=CRANE,
        source=HazardSource.DAILY_CHECK,
        source_reference=f"duty:{task_id}:{crane_item}",
        description="钢丝绳断丝",
        found_on=DAY,
        finder="安全员张三",
        actor="安全员张三",
        request_id=f"duty:{duties.record_id_for(task_id)}:0",
        at=at(DAY),
    )
    item = ItemResult(item_code=crane_item, equipment_id=CRANE, result=CheckResult.FAIL, note="钢丝绳断丝")
    result = duties.record_duty(sdk, task_id, recorded_by="安全员张三", items=[item], at=at(DAY))
    assert result.hazard_ids == (earlier.hazard.id,)
    assert hazard_count(sdk) == 1


def test_equipment_stopped_by_a_major_hazard_is_left_out_of_daily_checks_and_refused(
    sdk: Dualprev, task_id: str
) -> None:
    lift_item = first_item(sdk, task_id, LIFT)
    photo = evidence_sha256(b"photo of a shorted door lock")
    failed = ItemResult(
        item_code=lift_item, equipment_id=LIFT, result=CheckResult.FAIL, note="门锁回路被短接", evidence=(photo,)
    )
    (hazard_id,) = duties.record_duty(sdk, task_id, recorded_by="安全员张三", items=[failed], at=at(DAY)).hazard_ids
    hazards.register_hazard(sdk, hazard_id, actor="安全总监李四")
    hazards.grade_hazard_by_person(sdk, hazard_id, level=HazardLevel.MAJOR, reason="门锁短接", actor="安全总监李四")
    assert sdk.ledger.get_equipment(LIFT).stop_use_order == hazard_id
    tomorrow = next(
        t.id for t in duties.list_tasks(sdk, kind=DutyKind.DAILY_CONTROL) if t.due_on == DAY + dt.timedelta(days=1)
    )
    assert LIFT not in {i.equipment_id for i in duties.task_items(sdk, tomorrow)}
    with pytest.raises(FailedPrecondition) as caught:
        duties.record_duty(
            sdk,
            tomorrow,
            recorded_by="安全员张三",
            items=[ItemResult(item_code=lift_item, equipment_id=LIFT, result=CheckResult.PASS)],
            at=at(DAY + dt.timedelta(days=1)),
        )
    assert caught.value.reason == "EQUIPMENT_STOPPED_BY_HAZARD"
    not_applicable = ItemResult(
        item_code=lift_item, equipment_id=LIFT, result=CheckResult.NOT_APPLICABLE, note="停用中"
    )
    done = duties.record_duty(
        sdk, tomorrow, recorded_by="安全员张三", items=[not_applicable], at=at(DAY + dt.timedelta(days=1))
    )
    assert done.record.zero_findings
