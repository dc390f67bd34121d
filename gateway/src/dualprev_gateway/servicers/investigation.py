"""InvestigationService over ``dualprev_sdk.services.duties`` and the weekly/monthly report builders.

Each method: parse, check the capability (``MANAGE_DUTIES``, ``RECORD_DUTY``, ``READ_DUTIES``) against the unit
named or owning the plan/task, call the SDK, convert back. Plan and task names do not carry the unit, so a
missing one looks like an out-of-scope one to everyone but the data centre (AIP-211).
"""

from __future__ import annotations

import uuid

import grpc

from dualprev_gateway import convert
from dualprev_gateway import duty_convert as dc
from dualprev_gateway import inspection_convert as ic
from dualprev_gateway._generated.dualprev.v1 import investigation_pb2, investigation_pb2_grpc, risk_pb2
from dualprev_gateway.auth import current_principal
from dualprev_gateway.capability_convert import actor, parse_date
from dualprev_gateway.resource_scope import ScopeLookups, hidden_absence
from dualprev_sdk.access import Capability, Principal
from dualprev_sdk.domain.duty import DutyPlan, DutyTask
from dualprev_sdk.errors import InvalidArgument, NotFound
from dualprev_sdk.reports import monthly_minutes, weekly_report
from dualprev_sdk.services import duties as use_cases
from dualprev_sdk.services.bootstrap import Dualprev

__all__ = ["InvestigationServicer"]

#: The longest range one GenerateDutyTasks call covers (a year and a bit): bounds the work of one call.
MAX_GENERATION_DAYS = 400
_PLAN_ERROR_FIELDS = {"unit": "unit_usccs", "duty_plan_id": "id"}


class InvestigationServicer(investigation_pb2_grpc.InvestigationServiceServicer):
    def __init__(self, sdk: Dualprev) -> None:
        self._sdk = sdk
        self._scope = ScopeLookups(sdk)

    # -- helpers ----------------------------------------------------------------------------------------------

    def _plan(self, principal: Principal, name: str, capability: Capability) -> DutyPlan:
        plan_id = dc.parse_plan_name(name)
        try:
            with self._sdk.uow() as uow:
                plan = uow.duties.get_plan(plan_id)
        except NotFound:
            raise hidden_absence(principal, name) or NotFound("duty plan", plan_id) from None
        for uscc in plan.unit_usccs:  # a campaign over several units: the caller must hold every one
            self._scope.require(principal, capability, uscc, resource=name)
        return plan

    def _task(self, principal: Principal, name: str, capability: Capability) -> DutyTask:
        task_id = dc.parse_task_name(name)
        try:
            with self._sdk.uow() as uow:
                task = uow.duties.get_task(task_id)
        except NotFound:
            raise hidden_absence(principal, name) or NotFound("duty task", task_id) from None
        self._scope.require(principal, capability, task.unit_uscc, resource=name)
        return task

    # -- plans and tasks --------------------------------------------------------------------------------------

    def CreateDutyPlan(
        self, request: investigation_pb2.CreateDutyPlanRequest, context: grpc.ServicerContext
    ) -> investigation_pb2.DutyPlan:
        principal = current_principal()
        uscc = self._scope.unit(principal, request.parent, Capability.MANAGE_DUTIES)
        if request.duty_plan_id and not dc.ID.match(request.duty_plan_id):
            raise InvalidArgument.single(
                "duty_plan_id", request.duty_plan_id, "duty_plan_id.format", "1-64 of A-Z a-z 0-9 - _"
            )
        plan = dc.plan_from_proto(
            request.duty_plan, plan_id=request.duty_plan_id or f"plan-{uuid.uuid4().hex[:16]}", uscc=uscc
        )
        try:
            created = use_cases.create_plan(self._sdk, plan, actor=actor(principal))
        except InvalidArgument as exc:
            raise convert.in_proto_terms(exc, "duty_plan", _PLAN_ERROR_FIELDS) from None
        return dc.plan_to_proto(created)

    def ListDutyPlans(
        self, request: investigation_pb2.ListDutyPlansRequest, context: grpc.ServicerContext
    ) -> investigation_pb2.ListDutyPlansResponse:
        principal = current_principal()
        uscc = self._scope.unit(principal, request.parent, Capability.READ_DUTIES)
        with self._sdk.uow() as uow:
            plans = uow.duties.list_plans(unit_uscc=uscc)
        return investigation_pb2.ListDutyPlansResponse(duty_plans=[dc.plan_to_proto(p) for p in plans])

    def DeactivateDutyPlan(
        self, request: investigation_pb2.DeactivateDutyPlanRequest, context: grpc.ServicerContext
    ) -> investigation_pb2.DutyPlan:
        principal = current_principal()
        plan = self._plan(principal, request.name, Capability.MANAGE_DUTIES)
        expected = convert.expected_version(request.etag)
        stored = use_cases.deactivate_plan(
            self._sdk,
            plan.id,
            expected_version=plan.version if expected is None else expected,
            actor=actor(principal),
            reason=request.reason,
        )
        return dc.plan_to_proto(stored)

    def GenerateDutyTasks(
        self, request: investigation_pb2.GenerateDutyTasksRequest, context: grpc.ServicerContext
    ) -> investigation_pb2.GenerateDutyTasksResponse:
        principal = current_principal()
        problems = convert.Violations()
        start = parse_date(problems, "start_date", request.start_date, required=True)
        end = parse_date(problems, "end_date", request.end_date, required=True)
        if start is not None and end is not None and not 0 <= (end - start).days <= MAX_GENERATION_DAYS:
            problems.add(
                "end_date", request.end_date, "duty.generation.range", f"0 to {MAX_GENERATION_DAYS} days after start"
            )
        problems.raise_if_any()
        assert start is not None
        assert end is not None
        uscc = self._scope.unit(principal, request.parent, Capability.MANAGE_DUTIES)
        result = use_cases.generate_tasks(self._sdk, start, end, unit_uscc=uscc)
        return investigation_pb2.GenerateDutyTasksResponse(
            created=result.created, total=result.total, warnings=list(result.warnings)
        )

    def ListDutyTasks(
        self, request: investigation_pb2.ListDutyTasksRequest, context: grpc.ServicerContext
    ) -> investigation_pb2.ListDutyTasksResponse:
        principal = current_principal()
        problems = convert.Violations()
        due_from = parse_date(problems, "due_from", request.due_from)
        due_to = parse_date(problems, "due_to", request.due_to)
        kind = dc.kind_from_proto(problems, "kind", request.kind, required=False)
        problems.raise_if_any()
        uscc = self._scope.unit(principal, request.parent, Capability.READ_DUTIES)
        tasks = use_cases.list_tasks(self._sdk, unit_uscc=uscc, kind=kind, due_from=due_from, due_to=due_to)
        return investigation_pb2.ListDutyTasksResponse(duty_tasks=[dc.task_to_proto(t) for t in tasks])

    def ListDutyTaskItems(
        self, request: investigation_pb2.ListDutyTaskItemsRequest, context: grpc.ServicerContext
    ) -> investigation_pb2.ListDutyTaskItemsResponse:
        principal = current_principal()
        task = self._task(principal, request.name, Capability.READ_DUTIES)
        items = use_cases.task_items(self._sdk, task.id)
        return investigation_pb2.ListDutyTaskItemsResponse(
            items=[
                investigation_pb2.DutyTaskItem(
                    item_code=i.entry.code,
                    subject=i.entry.subject,
                    standard=i.entry.standard,
                    equipment=convert.equipment_name(task.unit_uscc, i.equipment_id) if i.equipment_id else "",
                    equipment_class_name=i.entry.class_name_zh,
                )
                for i in items
            ]
        )

    def RecordDuty(
        self, request: investigation_pb2.RecordDutyRequest, context: grpc.ServicerContext
    ) -> investigation_pb2.RecordDutyResponse:
        principal = current_principal()
        task = self._task(principal, request.name, Capability.RECORD_DUTY)
        problems = convert.Violations()
        items = [dc.item_from_proto(problems, f"items[{i}]", m, task.unit_uscc) for i, m in enumerate(request.items)]
        problems.raise_if_any()
        try:
            result = use_cases.record_duty(
                self._sdk,
                task.id,
                recorded_by=request.recorded_by.strip() or actor(principal),
                items=[i for i in items if i is not None],
                summary=request.summary,
                attendees=tuple(request.attendees),
                next_steps=request.next_steps,
            )
        except InvalidArgument as exc:
            raise convert.in_proto_terms(exc, "", {"equipment": "equipment_id"}) from None
        return investigation_pb2.RecordDutyResponse(
            record_id=result.record.id,
            items=[dc.item_to_proto(i, task.unit_uscc) for i in result.record.items],
            hazards=[f"hazards/{h}" for h in result.hazard_ids],
        )

    # -- missed duties and reports ----------------------------------------------------------------------------

    def ListMissedDuties(
        self, request: investigation_pb2.ListMissedDutiesRequest, context: grpc.ServicerContext
    ) -> investigation_pb2.ListMissedDutiesResponse:
        principal = current_principal()
        parent = ic.parse_parent(request.parent)
        problems = convert.Violations()
        as_of = parse_date(problems, "as_of", request.as_of)
        since = parse_date(problems, "since", request.since)
        kind = dc.kind_from_proto(problems, "kind", request.kind, required=False)
        problems.raise_if_any()
        self._scope.parent(principal, parent, Capability.READ_DUTIES, request.parent)
        report = use_cases.missed_duties(
            self._sdk,
            as_of=as_of,
            unit_uscc=parent.uscc,
            region_prefix=parent.region,
            kinds=[kind] if kind is not None else None,
            since=since,
        )
        return investigation_pb2.ListMissedDutiesResponse(
            as_of=report.as_of.isoformat(), missed=[dc.missed_to_proto(m) for m in report.items]
        )

    def RenderWeeklyReport(
        self, request: investigation_pb2.RenderWeeklyReportRequest, context: grpc.ServicerContext
    ) -> risk_pb2.Document:
        principal = current_principal()
        uscc = self._scope.unit(principal, request.parent, Capability.READ_DUTIES)
        report = weekly_report.build_weekly_report(
            self._sdk, uscc, request.week, equipment_kind=request.equipment_kind or None
        )
        html = _html(request.format)
        text = weekly_report.render_html(report) if html else weekly_report.render_markdown(report)
        return _document(f"周排查报告-{uscc}-{request.week}", text, html=html)

    def RenderMonthlyMinutes(
        self, request: investigation_pb2.RenderMonthlyMinutesRequest, context: grpc.ServicerContext
    ) -> risk_pb2.Document:
        principal = current_principal()
        uscc = self._scope.unit(principal, request.parent, Capability.READ_DUTIES)
        minutes = monthly_minutes.build_monthly_minutes(
            self._sdk, uscc, request.month, equipment_kind=request.equipment_kind or None
        )
        html = _html(request.format)
        text = monthly_minutes.render_html(minutes) if html else monthly_minutes.render_markdown(minutes)
        return _document(f"月调度会议纪要-{uscc}-{request.month}", text, html=html)


def _html(number: int) -> bool:
    if number not in investigation_pb2.ReportFormat.values():
        raise InvalidArgument.single("format", number, "enum.known", "unknown ReportFormat value")
    return number == investigation_pb2.REPORT_FORMAT_HTML


def _document(stem: str, text: str, *, html: bool) -> risk_pb2.Document:
    return risk_pb2.Document(
        filename=f"{stem}.{'html' if html else 'md'}",
        content_type="text/html; charset=utf-8" if html else "text/markdown; charset=utf-8",
        data=text.encode(),
    )
