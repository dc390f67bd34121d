"""InvestigationService over a real channel: a daily-control plan owes one task a day (idempotently), a task's
checklist, a record whose failed item opens a hazard, missed duties for a unit and a region, the weekly report
and monthly minutes, and who may do what."""

from __future__ import annotations

import datetime as dt

import grpc
import pytest
from dualprev_gateway._generated.dualprev.v1 import investigation_pb2 as pb
from dualprev_gateway._generated.dualprev.v1 import investigation_pb2_grpc
from gateway_support import UNIT_A, UNIT_B, bearer

from dualprev_sdk import timeutil
from dualprev_sdk.access import PrincipalKind
from dualprev_sdk.domain.equipment import Equipment
from dualprev_sdk.services.bootstrap import Dualprev

E, R, A, D = PrincipalKind.ENTERPRISE, PrincipalKind.REGULATOR, PrincipalKind.AGENCY, PrincipalKind.DATACENTER
UNIT = f"units/{UNIT_A}"
LIFT = f"{UNIT}/equipment/ea2"
TODAY = timeutil.today()
START = TODAY - dt.timedelta(days=3)


@pytest.fixture
def duties(channel: grpc.Channel, sdk: Dualprev) -> investigation_pb2_grpc.InvestigationServiceStub:
    """The seed plus a second lift of UNIT_A in use (ea1 is stopped by the seed's major hazard)."""
    sdk.ledger.create_equipment(Equipment(id="ea2", unit_uscc=UNIT_A, catalog_code="3110", name="2号客梯"))
    return investigation_pb2_grpc.InvestigationServiceStub(channel)


@pytest.fixture
def daily_plan(
    duties: investigation_pb2_grpc.InvestigationServiceStub, tokens: dict[PrincipalKind, str]
) -> pb.DutyPlan:
    return duties.CreateDutyPlan(
        pb.CreateDutyPlanRequest(
            parent=UNIT,
            duty_plan_id="daily-lifts",
            duty_plan=pb.DutyPlan(kind=pb.DUTY_KIND_DAILY_CONTROL, starts_on=START.isoformat()),
        ),
        metadata=bearer(tokens[E]),
        timeout=10,
    )


def _generate(duties: investigation_pb2_grpc.InvestigationServiceStub, token: str) -> pb.GenerateDutyTasksResponse:
    return duties.GenerateDutyTasks(
        pb.GenerateDutyTasksRequest(parent=UNIT, start_date=START.isoformat(), end_date=TODAY.isoformat()),
        metadata=bearer(token),
        timeout=30,
    )


def _today_task(duties: investigation_pb2_grpc.InvestigationServiceStub, token: str) -> pb.DutyTask:
    tasks = duties.ListDutyTasks(
        pb.ListDutyTasksRequest(parent=UNIT, due_from=TODAY.isoformat(), due_to=TODAY.isoformat()),
        metadata=bearer(token),
        timeout=10,
    ).duty_tasks
    assert len(tasks) == 1
    return tasks[0]


def test_a_daily_plan_owes_one_task_a_day_and_generating_again_adds_none(
    duties: investigation_pb2_grpc.InvestigationServiceStub, tokens: dict[PrincipalKind, str], daily_plan: pb.DutyPlan
) -> None:
    assert daily_plan.name == "dutyPlans/daily-lifts"
    assert daily_plan.unit == UNIT
    assert daily_plan.etag
    first = _generate(duties, tokens[E])
    assert first.created == first.total == 4
    assert _generate(duties, tokens[E]).created == 0
    listed = duties.ListDutyTasks(pb.ListDutyTasksRequest(parent=UNIT), metadata=bearer(tokens[R]), timeout=10)
    assert [t.due_on for t in listed.duty_tasks] == [(START + dt.timedelta(days=i)).isoformat() for i in range(4)]
    assert {t.duty_plan for t in listed.duty_tasks} == {daily_plan.name}


def test_a_record_with_a_failed_item_opens_a_hazard_and_a_task_is_recorded_once(
    duties: investigation_pb2_grpc.InvestigationServiceStub, tokens: dict[PrincipalKind, str], daily_plan: pb.DutyPlan
) -> None:
    _generate(duties, tokens[E])
    task = _today_task(duties, tokens[E])
    items = duties.ListDutyTaskItems(pb.ListDutyTaskItemsRequest(name=task.name), metadata=bearer(tokens[E])).items
    on_lift = [i for i in items if i.equipment == LIFT]
    assert len(on_lift) >= 2, "the elevator class has daily checklist items"
    results = [pb.ItemResult(item_code=i.item_code, equipment=LIFT, result=pb.CHECK_RESULT_PASS) for i in on_lift]
    results[0] = pb.ItemResult(
        item_code=on_lift[0].item_code, equipment=LIFT, result=pb.CHECK_RESULT_FAIL, note="层门门锁回路短接"
    )
    recorded = duties.RecordDuty(
        pb.RecordDutyRequest(name=task.name, recorded_by="李四", items=results), metadata=bearer(tokens[E]), timeout=30
    )
    assert len(recorded.hazards) == 1
    assert recorded.items[0].hazard == recorded.hazards[0]
    with pytest.raises(grpc.RpcError) as again:
        duties.RecordDuty(
            pb.RecordDutyRequest(name=task.name, recorded_by="李四", items=results[1:]), metadata=bearer(tokens[E])
        )
    assert again.value.code() is grpc.StatusCode.ALREADY_EXISTS


def test_unrecorded_days_are_missed_duties_for_the_unit_and_its_region(
    duties: investigation_pb2_grpc.InvestigationServiceStub, tokens: dict[PrincipalKind, str], daily_plan: pb.DutyPlan
) -> None:
    _generate(duties, tokens[E])
    own = duties.ListMissedDuties(pb.ListMissedDutiesRequest(parent=UNIT), metadata=bearer(tokens[E]), timeout=10)
    assert [m.due_on for m in own.missed] == [(START + dt.timedelta(days=i)).isoformat() for i in range(3)]
    region = duties.ListMissedDuties(
        pb.ListMissedDutiesRequest(parent="regions/4101", kind=pb.DUTY_KIND_DAILY_CONTROL),
        metadata=bearer(tokens[R]),
        timeout=10,
    )
    assert {m.unit for m in region.missed} == {UNIT}
    assert {m.region_code for m in region.missed} == {"410102"}
    with pytest.raises(grpc.RpcError) as wider:
        duties.ListMissedDuties(pb.ListMissedDutiesRequest(parent="regions/41"), metadata=bearer(tokens[R]))
    assert wider.value.code() is grpc.StatusCode.PERMISSION_DENIED


def test_the_weekly_report_and_monthly_minutes_render_as_markdown_or_html(
    duties: investigation_pb2_grpc.InvestigationServiceStub, tokens: dict[PrincipalKind, str], daily_plan: pb.DutyPlan
) -> None:
    _generate(duties, tokens[E])
    year, week, _ = TODAY.isocalendar()
    report = duties.RenderWeeklyReport(
        pb.RenderWeeklyReportRequest(parent=UNIT, week=f"{year}-W{week:02d}"), metadata=bearer(tokens[R]), timeout=30
    )
    assert report.content_type.startswith("text/markdown")
    assert "郑州示例电梯使用单位" in report.data.decode()
    minutes = duties.RenderMonthlyMinutes(
        pb.RenderMonthlyMinutesRequest(parent=UNIT, month=TODAY.strftime("%Y-%m"), format=pb.REPORT_FORMAT_HTML),
        metadata=bearer(tokens[E]),
        timeout=30,
    )
    assert minutes.filename.endswith(".html")
    assert b"<html" in minutes.data.lower()
    with pytest.raises(grpc.RpcError) as bad_week:
        duties.RenderWeeklyReport(pb.RenderWeeklyReportRequest(parent=UNIT, week="2026-48"), metadata=bearer(tokens[E]))
    assert bad_week.value.code() is grpc.StatusCode.INVALID_ARGUMENT


def test_a_deactivated_plan_owes_nothing_more(
    duties: investigation_pb2_grpc.InvestigationServiceStub, tokens: dict[PrincipalKind, str], daily_plan: pb.DutyPlan
) -> None:
    stopped = duties.DeactivateDutyPlan(
        pb.DeactivateDutyPlanRequest(name=daily_plan.name, etag=daily_plan.etag, reason="改由物业公司负责"),
        metadata=bearer(tokens[E]),
        timeout=10,
    )
    assert not stopped.active
    assert _generate(duties, tokens[E]).total == 0
    plans = duties.ListDutyPlans(pb.ListDutyPlansRequest(parent=UNIT), metadata=bearer(tokens[D]), timeout=10)
    assert list(plans.duty_plans) == []


def test_a_plan_with_problems_names_every_bad_field(
    duties: investigation_pb2_grpc.InvestigationServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    with pytest.raises(grpc.RpcError) as refused:
        duties.CreateDutyPlan(
            pb.CreateDutyPlanRequest(
                parent=UNIT, duty_plan=pb.DutyPlan(kind=pb.DUTY_KIND_PERIODIC, starts_on="2026-02-30")
            ),
            metadata=bearer(tokens[E]),
            timeout=10,
        )
    assert refused.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert "duty_plan.starts_on" in (refused.value.details() or "")


@pytest.mark.parametrize("kind", [R, A, D])
def test_only_the_unit_plans_and_records_its_duties(
    duties: investigation_pb2_grpc.InvestigationServiceStub,
    tokens: dict[PrincipalKind, str],
    daily_plan: pb.DutyPlan,
    kind: PrincipalKind,
) -> None:
    _generate(duties, tokens[E])
    task = _today_task(duties, tokens[E])
    for call in (
        lambda: _generate(duties, tokens[kind]),
        lambda: duties.RecordDuty(pb.RecordDutyRequest(name=task.name), metadata=bearer(tokens[kind])),
        lambda: duties.DeactivateDutyPlan(pb.DeactivateDutyPlanRequest(name=daily_plan.name, reason="x"),
                                          metadata=bearer(tokens[kind])),
    ):
        with pytest.raises(grpc.RpcError) as refused:
            call()
        assert refused.value.code() is grpc.StatusCode.PERMISSION_DENIED


def test_an_enterprise_sees_only_its_own_units_duties(
    duties: investigation_pb2_grpc.InvestigationServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    with pytest.raises(grpc.RpcError) as refused:
        duties.ListDutyTasks(pb.ListDutyTasksRequest(parent=f"units/{UNIT_B}"), metadata=bearer(tokens[E]))
    assert refused.value.code() is grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.RpcError) as unknown:
        duties.ListDutyTaskItems(pb.ListDutyTaskItemsRequest(name="dutyTasks/nope"), metadata=bearer(tokens[E]))
    assert unknown.value.code() is grpc.StatusCode.PERMISSION_DENIED
