"""Protobuf ↔ hazard domain values (the ledger's translations live in :mod:`convert`)."""

from __future__ import annotations

import decimal
import re

from dualprev_gateway._generated.dualprev.v1 import hazards_pb2
from dualprev_gateway.convert import Violations, equipment_name, etag_of, iso, parse_date, timestamp, unit_name
from dualprev_sdk.domain.hazard import (
    AcceptanceRecord,
    Evidence,
    Hazard,
    HazardLevel,
    HazardSource,
    HazardState,
    RectificationPlan,
    SupervisionStatus,
)
from dualprev_sdk.errors import InvalidArgument

__all__ = [
    "acceptance_from_proto",
    "evidence_from_proto",
    "hazard_name",
    "hazard_to_proto",
    "level_from_proto",
    "parse_hazard_name",
    "plan_from_proto",
    "source_from_proto",
    "state_from_filter",
]

_HAZARD_NAME = re.compile(r"^hazards/([^/]+)$")


def hazard_name(hazard_id: str) -> str:
    return f"hazards/{hazard_id}"


def parse_hazard_name(name: str, field: str = "name") -> str:
    match = _HAZARD_NAME.match(name)
    if match is None:
        raise InvalidArgument.single(field, name, "resource_name.hazard", "expected `hazards/{hazard}`")
    return match.group(1)


def hazard_to_proto(hazard: Hazard) -> hazards_pb2.Hazard:
    message = hazards_pb2.Hazard(
        name=hazard_name(hazard.id),
        unit=unit_name(hazard.unit_uscc),
        equipment=equipment_name(hazard.unit_uscc, hazard.equipment_id) if hazard.equipment_id else "",
        source=hazards_pb2.HazardSource.Value(f"HAZARD_SOURCE_{hazard.source.name}"),
        source_reference=hazard.source_reference,
        description=hazard.description,
        location=hazard.location,
        found_on=iso(hazard.found_on),
        finder=hazard.finder,
        state=hazards_pb2.HazardState.Value(f"HAZARD_STATE_{hazard.state.name}"),
        level=hazards_pb2.HazardLevel.Value(f"HAZARD_LEVEL_{hazard.level.name if hazard.level else 'UNSPECIFIED'}"),
        grading_basis=hazards_pb2.GradingBasis.Value(
            f"GRADING_BASIS_{hazard.grading_basis.name if hazard.grading_basis else 'UNSPECIFIED'}"
        ),
        criteria=[
            hazards_pb2.CriterionCitation(clause=c.clause, item=c.item, text=c.text, citation=c.citation)
            for c in hazard.criteria
        ],
        grading_reason=hazard.grading_reason,
        stop_use=hazard.stop_use,
        evidence=[
            hazards_pb2.Evidence(kind=e.kind, reference=e.reference, description=e.description) for e in hazard.evidence
        ],
        rejections=hazard.rejections,
        cancel_reason=hazard.cancel_reason,
        allowed_commands=[c.value for c in hazard.allowed],
        etag=etag_of(hazard.version),
    )
    if hazard.plan is not None:
        plan = hazard.plan
        message.plan.CopyFrom(
            hazards_pb2.RectificationPlan(
                measures=plan.measures,
                responsible_person=plan.responsible_person,
                funds_yuan="" if plan.funds_yuan is None else str(plan.funds_yuan),
                deadline=iso(plan.deadline),
                contingency_plan=plan.contingency_plan,
            )
        )
    if hazard.acceptance is not None:
        a = hazard.acceptance
        message.acceptance.CopyFrom(
            hazards_pb2.AcceptanceRecord(
                accepted_by=a.accepted_by,
                organisation=a.organisation,
                conclusion=a.conclusion,
                accepted_on=a.accepted_on.isoformat(),
            )
        )
    if hazard.supervision is not None:
        s = hazard.supervision
        message.supervision.CopyFrom(
            hazards_pb2.Supervision(
                authority=s.authority,
                deadline=s.deadline.isoformat(),
                listed=s.status is SupervisionStatus.LISTED,
                listed_on=s.listed_on.isoformat(),
                lifted_on=iso(s.lifted_on),
            )
        )
    if (reported := timestamp(hazard.reported_at)) is not None:
        message.report_time.CopyFrom(reported)
    if (closed := timestamp(hazard.closed_at)) is not None:
        message.close_time.CopyFrom(closed)
    return message


def source_from_proto(problems: Violations, field: str, number: int) -> HazardSource | None:
    try:
        name = hazards_pb2.HazardSource.Name(number)  # type: ignore[arg-type]
    except ValueError:
        name = ""
    if number == 0 or not name:
        allowed = ", ".join(f"HAZARD_SOURCE_{s.name}" for s in HazardSource)
        problems.add(field, number, "hazard.source", f"one of {allowed}")
        return None
    return HazardSource[name.removeprefix("HAZARD_SOURCE_")]


def level_from_proto(problems: Violations, field: str, number: int) -> HazardLevel | None:
    if number == hazards_pb2.HAZARD_LEVEL_GENERAL:
        return HazardLevel.GENERAL
    if number == hazards_pb2.HAZARD_LEVEL_MAJOR:
        return HazardLevel.MAJOR
    problems.add(field, number, "hazard.level", "HAZARD_LEVEL_GENERAL or HAZARD_LEVEL_MAJOR")
    return None


def plan_from_proto(message: hazards_pb2.RectificationPlan, field: str = "plan") -> RectificationPlan:
    problems = Violations()
    funds: decimal.Decimal | None = None
    if message.funds_yuan:
        try:
            funds = decimal.Decimal(message.funds_yuan)
            if not funds.is_finite():
                raise decimal.InvalidOperation
        except decimal.InvalidOperation:
            problems.add(f"{field}.funds_yuan", message.funds_yuan, "decimal", "a decimal amount such as 12000.50")
    deadline = parse_date(problems, f"{field}.deadline", message.deadline)
    problems.raise_if_any()
    return RectificationPlan(
        measures=message.measures,
        responsible_person=message.responsible_person,
        funds_yuan=funds,
        deadline=deadline,
        contingency_plan=message.contingency_plan,
    )


def evidence_from_proto(items: list[hazards_pb2.Evidence] | tuple[hazards_pb2.Evidence, ...]) -> tuple[Evidence, ...]:
    return tuple(Evidence(kind=e.kind, reference=e.reference, description=e.description) for e in items)


def acceptance_from_proto(message: hazards_pb2.AcceptanceRecord, field: str = "acceptance") -> AcceptanceRecord:
    problems = Violations()
    accepted_on = parse_date(problems, f"{field}.accepted_on", message.accepted_on, required=True)
    problems.raise_if_any()
    assert accepted_on is not None
    return AcceptanceRecord(
        accepted_by=message.accepted_by,
        organisation=message.organisation,
        conclusion=message.conclusion,
        accepted_on=accepted_on,
    )


def state_from_filter(value: str) -> HazardState:
    name = value.removeprefix("HAZARD_STATE_").lower()
    try:
        return HazardState(name)
    except ValueError:
        allowed = ", ".join(s.value for s in HazardState)
        raise InvalidArgument.single("filter", value, "filter.state", f"state is one of {allowed}") from None
