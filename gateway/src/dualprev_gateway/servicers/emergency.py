"""EmergencyService over ``dualprev_sdk.services.emergency``: plans, reviews, drills and the unit's check.

Names carry the unit, so scope (``MANAGE_EMERGENCY`` / ``READ_EMERGENCY``) is checked before existence.
"""

from __future__ import annotations

import re
import uuid

import grpc

from dualprev_gateway import convert
from dualprev_gateway._generated.dualprev.v1 import emergency_pb2, emergency_pb2_grpc
from dualprev_gateway.auth import current_principal
from dualprev_gateway.capability_convert import iso, parse_date
from dualprev_gateway.resource_scope import ScopeLookups
from dualprev_sdk.access import Capability
from dualprev_sdk.domain.emergency import EmergencyDrill, EmergencyPlan
from dualprev_sdk.errors import InvalidArgument, NotFound
from dualprev_sdk.services import emergency as use_cases
from dualprev_sdk.services.bootstrap import Dualprev

__all__ = ["EmergencyServicer"]

_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_PLAN = re.compile(r"^units/([^/]+)/emergencyPlans/([A-Za-z0-9_-]{1,64})$")


def _plan_name(plan: EmergencyPlan) -> str:
    return f"units/{plan.unit_uscc}/emergencyPlans/{plan.id}"


def _parse_plan_name(name: str, field: str) -> tuple[str, str]:
    match = _PLAN.match(name)
    if match is None:
        raise InvalidArgument.single(
            field, name, "resource_name.emergency_plan", "expected `units/{uscc}/emergencyPlans/{plan}`"
        )
    return match.group(1), match.group(2)


def _plan_to_proto(plan: EmergencyPlan) -> emergency_pb2.EmergencyPlan:
    return emergency_pb2.EmergencyPlan(
        name=_plan_name(plan),
        title=plan.title,
        equipment_kind=plan.equipment_kind or "",
        approved_on=plan.approved_on.isoformat(),
        reviewed_on=iso(plan.reviewed_on),
        next_review_due=iso(plan.next_review_due),
        etag=convert.etag_of(plan.version),
    )


def _drill_to_proto(drill: EmergencyDrill) -> emergency_pb2.EmergencyDrill:
    return emergency_pb2.EmergencyDrill(
        name=f"units/{drill.unit_uscc}/emergencyDrills/{drill.id}",
        emergency_plan=f"units/{drill.unit_uscc}/emergencyPlans/{drill.plan_id}",
        held_on=drill.held_on.isoformat(),
        scenario=drill.scenario,
        participants=list(drill.participants),
        notes=drill.notes,
    )


def _checked_id(value: str, field: str, prefix: str) -> str:
    if value and not _ID.match(value):
        raise InvalidArgument.single(field, value, f"{field}.format", "1-64 of A-Z a-z 0-9 - _")
    return value or f"{prefix}-{uuid.uuid4().hex[:16]}"


class EmergencyServicer(emergency_pb2_grpc.EmergencyServiceServicer):
    def __init__(self, sdk: Dualprev) -> None:
        self._sdk = sdk
        self._scope = ScopeLookups(sdk)

    def CreateEmergencyPlan(
        self, request: emergency_pb2.CreateEmergencyPlanRequest, context: grpc.ServicerContext
    ) -> emergency_pb2.EmergencyPlan:
        principal = current_principal()
        uscc = self._scope.unit(principal, request.parent, Capability.MANAGE_EMERGENCY)
        plan_id = _checked_id(request.emergency_plan_id, "emergency_plan_id", "EP")
        message = request.emergency_plan
        problems = convert.Violations()
        approved_on = parse_date(problems, "emergency_plan.approved_on", message.approved_on, required=True)
        next_review = parse_date(problems, "emergency_plan.next_review_due", message.next_review_due)
        problems.raise_if_any()
        assert approved_on is not None
        plan = EmergencyPlan(
            id=plan_id,
            unit_uscc=uscc,
            title=message.title.strip(),
            equipment_kind=message.equipment_kind.strip() or None,
            approved_on=approved_on,
            next_review_due=next_review,
        )
        try:
            return _plan_to_proto(use_cases.add_plan(self._sdk, plan))
        except InvalidArgument as exc:
            raise convert.in_proto_terms(exc, "emergency_plan", {}) from None

    def ListEmergencyPlans(
        self, request: emergency_pb2.ListEmergencyPlansRequest, context: grpc.ServicerContext
    ) -> emergency_pb2.ListEmergencyPlansResponse:
        principal = current_principal()
        uscc = self._scope.unit(principal, request.parent, Capability.READ_EMERGENCY)
        with self._sdk.uow() as uow:
            plans = uow.emergency.plans(uscc)
        return emergency_pb2.ListEmergencyPlansResponse(emergency_plans=[_plan_to_proto(p) for p in plans])

    def ReviewEmergencyPlan(
        self, request: emergency_pb2.ReviewEmergencyPlanRequest, context: grpc.ServicerContext
    ) -> emergency_pb2.EmergencyPlan:
        principal = current_principal()
        uscc, plan_id = _parse_plan_name(request.name, "name")
        self._scope.require(principal, Capability.MANAGE_EMERGENCY, uscc, resource=request.name)
        problems = convert.Violations()
        reviewed_on = parse_date(problems, "reviewed_on", request.reviewed_on, required=True)
        next_review = parse_date(problems, "next_review_due", request.next_review_due)
        expected = convert.expected_version(request.etag)
        problems.raise_if_any()
        assert reviewed_on is not None
        with self._sdk.uow() as uow:
            try:
                plan = uow.emergency.get_plan(plan_id)
            except NotFound:
                plan = None
        if plan is None or plan.unit_uscc != uscc:
            raise NotFound("emergency plan", request.name)
        stored = use_cases.review_plan(
            self._sdk,
            plan_id,
            reviewed_on=reviewed_on,
            next_review_due=next_review,
            expected_version=plan.version if expected is None else expected,
        )
        return _plan_to_proto(stored)

    def RecordEmergencyDrill(
        self, request: emergency_pb2.RecordEmergencyDrillRequest, context: grpc.ServicerContext
    ) -> emergency_pb2.EmergencyDrill:
        principal = current_principal()
        uscc = self._scope.unit(principal, request.parent, Capability.MANAGE_EMERGENCY)
        drill_id = _checked_id(request.emergency_drill_id, "emergency_drill_id", "ED")
        message = request.emergency_drill
        problems = convert.Violations()
        held_on = parse_date(problems, "emergency_drill.held_on", message.held_on, required=True)
        plan_id = ""
        try:
            plan_uscc, plan_id = _parse_plan_name(message.emergency_plan, "emergency_drill.emergency_plan")
        except InvalidArgument as exc:
            problems.items.extend(exc.violations)
        else:
            if plan_uscc != uscc:
                problems.add(
                    "emergency_drill.emergency_plan",
                    message.emergency_plan,
                    "emergency.drill.plan_unit",
                    "预案不属于该单位",
                )
        problems.raise_if_any()
        assert held_on is not None
        drill = EmergencyDrill(
            id=drill_id,
            unit_uscc=uscc,
            plan_id=plan_id,
            held_on=held_on,
            scenario=message.scenario.strip(),
            participants=tuple(p.strip() for p in message.participants if p.strip()),
            notes=message.notes,
        )
        try:
            return _drill_to_proto(use_cases.add_drill(self._sdk, drill))
        except InvalidArgument as exc:
            raise convert.in_proto_terms(exc, "emergency_drill", {"emergency_plan": "plan_id"}) from None

    def ListEmergencyDrills(
        self, request: emergency_pb2.ListEmergencyDrillsRequest, context: grpc.ServicerContext
    ) -> emergency_pb2.ListEmergencyDrillsResponse:
        principal = current_principal()
        uscc = self._scope.unit(principal, request.parent, Capability.READ_EMERGENCY)
        with self._sdk.uow() as uow:
            drills = uow.emergency.drills(uscc)
        return emergency_pb2.ListEmergencyDrillsResponse(emergency_drills=[_drill_to_proto(d) for d in drills])

    def CheckUnitEmergency(
        self, request: emergency_pb2.CheckUnitEmergencyRequest, context: grpc.ServicerContext
    ) -> emergency_pb2.CheckUnitEmergencyResponse:
        principal = current_principal()
        problems = convert.Violations()
        as_of = parse_date(problems, "as_of", request.as_of)
        problems.raise_if_any()
        uscc = self._scope.unit(principal, request.parent, Capability.READ_EMERGENCY)
        findings = use_cases.check_unit_emergency(self._sdk, uscc, today=as_of)
        return emergency_pb2.CheckUnitEmergencyResponse(
            findings=[
                emergency_pb2.EmergencyFinding(
                    code=f.code,
                    subject=f.subject,
                    message=f.message_zh,
                    source=convert.source_to_proto(f.source),
                )
                for f in findings
            ]
        )
