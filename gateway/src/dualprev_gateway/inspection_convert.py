"""Protobuf ↔ inspection records, due dates, reminders, overdue listings and notices (InspectionService).

Pure translation: every problem of a request is collected so one INVALID_ARGUMENT names every bad field.
"""

from __future__ import annotations

import datetime as dt

from dualprev_gateway import convert
from dualprev_gateway._generated.dualprev.v1 import inspections_pb2
from dualprev_gateway.capability_convert import decode_key_token, encode_page_token, iso, parse_date, parse_region
from dualprev_sdk.domain.inspection import (
    InspectionConclusion,
    InspectionKind,
    InspectionRecord,
    InspectionValidity,
    OverdueCase,
    RegulatorNotice,
    Reminder,
)
from dualprev_sdk.equipment_classes import DueDate
from dualprev_sdk.errors import InvalidArgument
from dualprev_sdk.services.inspections import OpenedHazard, OverdueKey, OverdueListing

__all__ = [
    "Parent",
    "bounded",
    "decode_overdue_token",
    "due_date_to_proto",
    "encode_overdue_token",
    "inspection_name",
    "inspection_to_proto",
    "notice_to_proto",
    "opened_to_proto",
    "overdue_case_to_proto",
    "overdue_listing_to_proto",
    "overdue_page_size",
    "parse_parent",
    "record_from_proto",
    "reminder_to_proto",
    "validity_to_proto",
]

_KINDS = {kind: inspections_pb2.InspectionKind.Value(f"INSPECTION_KIND_{kind.name}") for kind in InspectionKind}
_KINDS_BACK = {v: k for k, v in _KINDS.items()}
_CONCLUSIONS = {
    c: inspections_pb2.InspectionConclusion.Value(f"INSPECTION_CONCLUSION_{c.name}") for c in InspectionConclusion
}
_CONCLUSIONS_BACK = {v: k for k, v in _CONCLUSIONS.items()}


class Parent:
    """``units/{uscc}`` or ``regions/{code}``: exactly one of the two is set."""

    def __init__(self, *, uscc: str | None = None, region: str | None = None) -> None:
        self.uscc = uscc
        self.region = region


def parse_parent(text: str, field: str = "parent", *, units: bool = True) -> Parent:
    if units and text.startswith("units/"):
        return Parent(uscc=convert.parse_unit_name(text, field))
    if not text.startswith("regions/"):
        expected = "`units/{uscc}` or `regions/{code}`" if units else "`regions/{code}`"
        raise InvalidArgument.single(field, text, "resource_name.parent", f"expected {expected}")
    return Parent(region=parse_region(text, field))


def inspection_name(uscc: str, equipment_id: str, inspection_id: str) -> str:
    return f"{convert.equipment_name(uscc, equipment_id)}/inspections/{inspection_id}"


def inspection_to_proto(record: InspectionRecord, uscc: str) -> inspections_pb2.Inspection:
    message = inspections_pb2.Inspection(
        name=inspection_name(uscc, record.equipment_id, record.id),
        kind=_KINDS[record.kind],
        inspected_on=record.inspected_on.isoformat(),
        conclusion=_CONCLUSIONS[record.conclusion],
        agency=record.agency,
        report_number=record.report_number,
        next_due=iso(record.next_due),
        due_rule=record.due_rule,
        use_allowed=record.use_allowed,
    )
    if record.safety_grade is not None:
        message.safety_grade = record.safety_grade
    return message


def record_from_proto(
    message: inspections_pb2.Inspection, *, record_id: str, equipment_id: str, prefix: str = "inspection"
) -> InspectionRecord:
    """A new record from a request (the SDK checks dates against today, agencies and grades further)."""
    problems = convert.Violations()
    kind = _KINDS_BACK.get(message.kind)
    if kind is None:
        problems.add(f"{prefix}.kind", message.kind, "required", "set a known InspectionKind")
    conclusion = _CONCLUSIONS_BACK.get(message.conclusion)
    if conclusion is None:
        problems.add(f"{prefix}.conclusion", message.conclusion, "required", "set a known InspectionConclusion")
    inspected_on = parse_date(problems, f"{prefix}.inspected_on", message.inspected_on, required=True)
    grade: int | None = message.safety_grade if message.HasField("safety_grade") else None
    if grade is not None and not 1 <= grade <= 5:
        problems.add(f"{prefix}.safety_grade", grade, "inspection.safety_grade.range", "安全状况等级为1–5级")
    problems.raise_if_any()
    assert kind is not None
    assert conclusion is not None
    assert inspected_on is not None
    return InspectionRecord(
        id=record_id,
        equipment_id=equipment_id,
        kind=kind,
        inspected_on=inspected_on,
        conclusion=conclusion,
        agency=message.agency.strip(),
        report_number=message.report_number.strip(),
        safety_grade=grade,
    )


def due_date_to_proto(due: DueDate) -> inspections_pb2.DueDate:
    return inspections_pb2.DueDate(
        kind=due.kind,
        next_due=due.next_due.isoformat(),
        rule=due.rule,
        source=convert.source_to_proto(due.source),
        use_allowed=due.use_allowed,
        note=due.note,
    )


def validity_to_proto(validity: InspectionValidity, uscc: str) -> inspections_pb2.InspectionValidity:
    message = inspections_pb2.InspectionValidity(
        equipment=convert.equipment_name(uscc, validity.equipment_id),
        status=validity.status.value,
        next_due=iso(validity.next_due),
        apply_by=iso(validity.apply_by),
    )
    if validity.days_left is not None:
        message.days_left = validity.days_left
    if validity.last is not None:
        message.last.CopyFrom(inspection_to_proto(validity.last, uscc))
    return message


def reminder_to_proto(reminder: Reminder) -> inspections_pb2.Reminder:
    return inspections_pb2.Reminder(
        kind=reminder.kind.value,
        unit=convert.unit_name(reminder.unit_uscc),
        subject=reminder.subject_id,
        act_by=reminder.act_by.isoformat(),
        due=reminder.due.isoformat(),
        late=reminder.late,
        source=convert.source_to_proto(reminder.source),
        detail=reminder.detail,
    )


def overdue_listing_to_proto(listing: OverdueListing, next_page_token: str = "") -> inspections_pb2.OverdueListing:
    return inspections_pb2.OverdueListing(
        next_page_token=next_page_token,
        as_of=listing.as_of.isoformat(),
        items=[
            inspections_pb2.OverdueItem(
                equipment=convert.equipment_name(item.unit_uscc, item.equipment_id),
                region_code=item.region_code,
                catalog_code=item.catalog_code,
                next_inspection_due=item.next_inspection_due.isoformat(),
                stopped=item.stopped,
            )
            for item in listing.items
        ],
        by_region=dict(listing.by_region),
        by_unit=dict(listing.by_unit),
        by_kind=dict(listing.by_kind),
        total=listing.total,
    )


def _hazard_name(hazard_id: str | None) -> str:
    return f"hazards/{hazard_id}" if hazard_id else ""


def overdue_case_to_proto(case: OverdueCase) -> inspections_pb2.OverdueCase:
    return inspections_pb2.OverdueCase(
        id=case.id,
        equipment=convert.equipment_name(case.unit_uscc, case.equipment_id),
        due_on=case.due_on.isoformat(),
        region_code=case.region_code,
        catalog_code=case.catalog_code,
        detected_on=case.detected_on.isoformat(),
        hazard=_hazard_name(case.hazard_id),
    )


def opened_to_proto(opened: OpenedHazard) -> inspections_pb2.OpenedHazard:
    return inspections_pb2.OpenedHazard(
        cause=opened.cause,
        hazard=_hazard_name(opened.hazard_id),
        level=opened.level.value if opened.level is not None else "",
        criteria=list(opened.criteria),
    )


def notice_to_proto(notice: RegulatorNotice) -> inspections_pb2.RegulatorNotice:
    message = inspections_pb2.RegulatorNotice(
        id=notice.id,
        kind=notice.kind.value,
        equipment=convert.equipment_name(notice.unit_uscc, notice.equipment_id),
        region_code=notice.region_code,
        due_on=iso(notice.due_on),
        report_number=notice.report_number,
        hazard=_hazard_name(notice.hazard_id),
        detail=notice.detail,
    )
    message.report_time.FromDatetime(notice.reported_at.astimezone(dt.UTC))
    return message


def bounded(requested: int, field: str, *, default: int, maximum: int) -> int:
    if requested < 0:
        problems = convert.Violations()
        problems.add(field, requested, "limit.non_negative", "must be 0 (default) or positive")
        problems.raise_if_any()
    return default if requested == 0 else min(requested, maximum)


# -- paging of the overdue listing (AIP-158) --------------------------------------------------------------------


def overdue_page_size(max_items: int, page_size: int) -> int:
    """Rows per page: ``page_size`` by AIP-158 (capped at 1000), or — when it is 0 — ``max_items`` by its own
    older rule (0 = 1000, at most 100,000). Both given is ambiguous, so it is refused naming ``page_size``."""
    if max_items and page_size:
        raise InvalidArgument.single(
            "page_size", page_size, "page_size.exclusive", "give page_size or max_items, not both"
        )
    if page_size:
        return convert.page_size(page_size)
    return bounded(max_items, "max_items", default=1000, maximum=100_000)


def encode_overdue_token(after: OverdueKey, *query: str) -> str:
    """Opaque: the last listed row's key (region, unit, catalogue code, equipment id) and the query (parent,
    as_of, catalogue prefix) it continues."""
    return encode_page_token(tuple(after), "GetOverdueListing", *query)


def decode_overdue_token(token: str, *query: str) -> OverdueKey | None:
    """The cursor in a token issued for the same query; None for the first page. Anything else is
    INVALID_ARGUMENT naming ``page_token``."""
    key = decode_key_token(token, 4, "GetOverdueListing", *query)
    return None if key is None else OverdueKey(*key)
