"""Equipment events (accidents, repairs, alterations, relocations, suspension, restart, scrapping, transfer) ↔
protobuf, and their resource names.

The proto detail messages carry the SDK's details field for field, with two differences a wire contract wants:
the days of the status events are named for what they are (``restarted_on``, not ``on``), and an empty day means
today (Asia/Shanghai). :data:`DETAIL_FIELDS` maps each kind's SDK field names to the proto ones, so the SDK's
violations (``details.on``) are restated in the client's terms (``restart.restarted_on``).
"""

from __future__ import annotations

import datetime as dt
import re

from dualprev_gateway._generated.dualprev.v1 import ledger_pb2
from dualprev_gateway.convert import (
    Violations,
    equipment_name,
    equipment_to_proto,
    etag_of,
    iso,
    location_from_proto,
    location_to_proto,
    parse_date,
    timestamp,
)
from dualprev_sdk import timeutil
from dualprev_sdk.domain.common import Location
from dualprev_sdk.domain.credit import Severity
from dualprev_sdk.domain.equipment_events import (
    Accident,
    Alteration,
    EquipmentEvent,
    EquipmentEventDetails,
    EquipmentEventKind,
    MajorRepair,
    Relocation,
    Restart,
    Scrapping,
    Suspension,
    Transfer,
)
from dualprev_sdk.errors import FieldViolation, InvalidArgument
from dualprev_sdk.services.equipment_events import RecordedEvent

__all__ = [
    "DETAIL_FIELDS",
    "accident_from_proto",
    "day_or_today",
    "event_name",
    "event_to_proto",
    "in_proto_terms",
    "kind_from_filter",
    "parse_event_name",
    "recorded_to_proto",
    "relocation_target_from_proto",
    "restart_from_proto",
    "scrapping_from_proto",
    "suspension_from_proto",
    "transfer_from_proto",
    "work_from_proto",
]

_EVENT_NAME = re.compile(r"^units/([^/]+)/equipment/([^/]+)/events/([^/]+)$")

#: Per kind: the request field holding the details, and SDK detail field → proto field where they differ.
DETAIL_FIELDS: dict[EquipmentEventKind, tuple[str, dict[str, str]]] = {
    EquipmentEventKind.ACCIDENT: ("accident", {}),
    EquipmentEventKind.MAJOR_REPAIR: ("work", {}),
    EquipmentEventKind.ALTERATION: ("work", {}),
    EquipmentEventKind.RELOCATION: ("relocation", {}),
    EquipmentEventKind.SUSPENSION: ("suspension", {}),
    EquipmentEventKind.RESTART: ("restart", {"on": "restarted_on"}),
    EquipmentEventKind.SCRAPPING: ("scrapping", {"on": "scrapped_on"}),
    EquipmentEventKind.TRANSFER: ("transfer", {"on": "transferred_on"}),
}

_SEVERITY = {
    ledger_pb2.ACCIDENT_SEVERITY_EXTRAORDINARY: Severity.EXTRAORDINARY,
    ledger_pb2.ACCIDENT_SEVERITY_MAJOR: Severity.MAJOR,
    ledger_pb2.ACCIDENT_SEVERITY_SERIOUS: Severity.SERIOUS,
    ledger_pb2.ACCIDENT_SEVERITY_GENERAL: Severity.GENERAL,
}
_SEVERITY_TO_PROTO = {v: k for k, v in _SEVERITY.items()}


# -- names ------------------------------------------------------------------------------------------------------


def event_name(event: EquipmentEvent) -> str:
    return f"{equipment_name(event.unit_uscc, event.equipment_id)}/events/{event.id}"


def parse_event_name(name: str, field: str = "name") -> tuple[str, str, str]:
    """``units/{uscc}/equipment/{equipment}/events/{event}`` → (uscc, equipment id, event id)."""
    match = _EVENT_NAME.match(name)
    if match is None:
        raise InvalidArgument.single(
            field, name, "name.format", "expected units/{uscc}/equipment/{equipment}/events/{event}"
        )
    return match.group(1), match.group(2), match.group(3)


# -- dates and places -------------------------------------------------------------------------------------------


def day_or_today(problems: Violations, field: str, text: str) -> dt.date | None:
    """An ISO date, or today (Asia/Shanghai) when empty."""
    return parse_date(problems, field, text) if text else timeutil.today()


# -- proto → SDK details ------------------------------------------------------------------------------------------
# Each returns None after adding its problems; the servicer raises them all at once with the request's own.


def accident_from_proto(problems: Violations, message: ledger_pb2.EquipmentAccident, present: bool) -> Accident | None:
    start = len(problems.items)
    if not present:
        problems.add("accident", None, "required", "describe the accident")
        return None
    occurred_at: dt.datetime | None = None
    if not message.HasField("occurred_at"):
        problems.add("accident.occurred_at", None, "required", "when it happened")
    else:
        try:
            occurred_at = message.occurred_at.ToDatetime(tzinfo=dt.UTC)
        except (ValueError, OverflowError, OSError):
            problems.add("accident.occurred_at", message.occurred_at.seconds, "timestamp.range", "out of range")
    severity = _SEVERITY.get(message.severity)
    if severity is None:
        allowed = ", ".join(ledger_pb2.AccidentSeverity.Name(k) for k in _SEVERITY)
        problems.add("accident.severity", message.severity, "accident.severity", f"one of {allowed}")
    if message.conditions_rectified or message.rectified_on:
        problems.add(
            "accident.conditions_rectified", True, "output_only", "record the rectification with RectifyAccident"
        )
    if len(problems.items) > start or occurred_at is None or severity is None:
        return None
    return Accident(
        occurred_at=occurred_at,
        severity=severity,
        description=message.description,
        deaths=message.deaths,
        serious_injuries=message.serious_injuries,
        minor_injuries=message.minor_injuries,
        major_loss=message.major_loss,
    )


def work_from_proto(
    problems: Violations, message: ledger_pb2.EquipmentWork, present: bool, *, alteration: bool
) -> MajorRepair | Alteration | None:
    if not present:
        problems.add("work", None, "required", "describe the work")
        return None
    start = len(problems.items)
    performed_on = day_or_today(problems, "work.performed_on", message.performed_on)
    registered = parse_date(problems, "work.change_registered_on", message.change_registered_on)
    supervised = parse_date(problems, "work.supervisory_inspection_on", message.supervisory_inspection_on)
    if len(problems.items) > start or performed_on is None:
        return None
    kind = Alteration if alteration else MajorRepair
    return kind(
        performed_on=performed_on,
        contractor=message.contractor,
        description=message.description,
        change_registration_needed=(
            message.change_registration_needed if message.HasField("change_registration_needed") else True
        ),
        change_registered_on=registered,
        supervisory_inspection_passed=message.supervisory_inspection_passed,
        supervisory_inspection_on=supervised,
        supervisory_report=message.supervisory_report,
    )


def relocation_target_from_proto(
    problems: Violations, message: ledger_pb2.EquipmentRelocation, present: bool
) -> tuple[Location, dt.date, str] | None:
    """(to, day, note): where it came from is the ledger's business (read in the SDK's transaction)."""
    if not present or not message.HasField("to_location"):
        problems.add("relocation.to_location", None, "required", "where the equipment now stands")
        return None
    moved_on = day_or_today(problems, "relocation.moved_on", message.moved_on)
    if moved_on is None:
        return None
    return location_from_proto(message.to_location), moved_on, message.note


def suspension_from_proto(
    problems: Violations, message: ledger_pb2.EquipmentSuspension, present: bool
) -> Suspension | None:
    start = len(problems.items)
    since = day_or_today(problems, "suspension.since", message.since)
    until = parse_date(problems, "suspension.planned_until", message.planned_until)
    notified = parse_date(problems, "suspension.notified_on", message.notified_on)
    if len(problems.items) > start or since is None:
        return None
    return Suspension(since=since, reason=message.reason, planned_until=until, notified_on=notified)


def restart_from_proto(problems: Violations, message: ledger_pb2.EquipmentRestart, present: bool) -> Restart | None:
    if not present:
        problems.add("restart.self_check_done", False, "restart.self_check", "self-check before restarting")
        return None
    on = day_or_today(problems, "restart.restarted_on", message.restarted_on)
    if on is None:
        return None
    return Restart(on=on, self_check_done=message.self_check_done, note=message.note)


def scrapping_from_proto(
    problems: Violations, message: ledger_pb2.EquipmentScrapping, present: bool
) -> Scrapping | None:
    if not present:
        problems.add("scrapping.reason", "", "required", "why the equipment is scrapped")
        return None
    start = len(problems.items)
    on = day_or_today(problems, "scrapping.scrapped_on", message.scrapped_on)
    cancelled = parse_date(problems, "scrapping.registration_cancelled_on", message.registration_cancelled_on)
    if len(problems.items) > start or on is None:
        return None
    return Scrapping(
        on=on, reason=message.reason, function_destroyed=message.function_destroyed, registration_cancelled_on=cancelled
    )


def transfer_from_proto(problems: Violations, message: ledger_pb2.EquipmentTransfer, present: bool) -> Transfer | None:
    if not present:
        problems.add("transfer.to_unit_uscc", "", "required", "name the receiving unit (USCC or name)")
        return None
    on = day_or_today(problems, "transfer.transferred_on", message.transferred_on)
    if on is None:
        return None
    return Transfer(on=on, to_unit_uscc=message.to_unit_uscc, to_unit_name=message.to_unit_name, note=message.note)


def in_proto_terms(violations: list[FieldViolation], kind: EquipmentEventKind) -> list[FieldViolation]:
    """The SDK names detail fields ``details.<field>``; the client sent ``<request field>.<proto field>``."""
    request_field, renamed = DETAIL_FIELDS[kind]
    out = []
    for v in violations:
        head, _, rest = v.field.partition(".")
        field = f"{request_field}.{renamed.get(rest, rest)}" if head == "details" else v.field
        out.append(FieldViolation(field=field, value=v.value, rule=v.rule, message=v.message))
    return out


# -- SDK → proto ---------------------------------------------------------------------------------------------------


def _details_to_proto(message: ledger_pb2.EquipmentEvent, details: EquipmentEventDetails) -> None:
    if isinstance(details, Accident):
        message.accident.CopyFrom(
            ledger_pb2.EquipmentAccident(
                occurred_at=timestamp(details.occurred_at),
                severity=_SEVERITY_TO_PROTO.get(details.severity, ledger_pb2.ACCIDENT_SEVERITY_UNSPECIFIED),
                description=details.description,
                deaths=details.deaths,
                serious_injuries=details.serious_injuries,
                minor_injuries=details.minor_injuries,
                major_loss=details.major_loss,
                conditions_rectified=details.conditions_rectified,
                rectified_on=iso(details.rectified_on),
            )
        )
    elif isinstance(details, MajorRepair | Alteration):
        work = ledger_pb2.EquipmentWork(
            performed_on=iso(details.performed_on),
            contractor=details.contractor,
            description=details.description,
            change_registration_needed=details.change_registration_needed,
            change_registered_on=iso(details.change_registered_on),
            supervisory_inspection_passed=details.supervisory_inspection_passed,
            supervisory_inspection_on=iso(details.supervisory_inspection_on),
            supervisory_report=details.supervisory_report,
        )
        (message.alteration if isinstance(details, Alteration) else message.major_repair).CopyFrom(work)
    elif isinstance(details, Relocation):
        message.relocation.CopyFrom(
            ledger_pb2.EquipmentRelocation(
                moved_on=iso(details.moved_on),
                from_location=location_to_proto(details.from_location),
                to_location=location_to_proto(details.to_location),
                note=details.note,
            )
        )
    elif isinstance(details, Suspension):
        message.suspension.CopyFrom(
            ledger_pb2.EquipmentSuspension(
                since=iso(details.since),
                reason=details.reason,
                planned_until=iso(details.planned_until),
                notified_on=iso(details.notified_on),
            )
        )
    elif isinstance(details, Restart):
        message.restart.CopyFrom(
            ledger_pb2.EquipmentRestart(
                restarted_on=iso(details.on), self_check_done=details.self_check_done, note=details.note
            )
        )
    elif isinstance(details, Scrapping):
        message.scrapping.CopyFrom(
            ledger_pb2.EquipmentScrapping(
                scrapped_on=iso(details.on),
                reason=details.reason,
                function_destroyed=details.function_destroyed,
                registration_cancelled_on=iso(details.registration_cancelled_on),
            )
        )
    else:
        message.transfer.CopyFrom(
            ledger_pb2.EquipmentTransfer(
                transferred_on=iso(details.on),
                to_unit_uscc=details.to_unit_uscc,
                to_unit_name=details.to_unit_name,
                note=details.note,
            )
        )


def event_to_proto(event: EquipmentEvent) -> ledger_pb2.EquipmentEvent:
    message = ledger_pb2.EquipmentEvent(
        name=event_name(event),
        kind=ledger_pb2.EquipmentEventKind.Value(f"EQUIPMENT_EVENT_KIND_{event.kind.name}"),
        day=event.day.isoformat(),
        actor=event.actor,
        record_time=timestamp(event.recorded_at),
        etag=etag_of(event.version),
    )
    _details_to_proto(message, event.details)
    return message


def recorded_to_proto(recorded: RecordedEvent) -> ledger_pb2.RecordEquipmentEventResponse:
    credit = recorded.credit_record
    return ledger_pb2.RecordEquipmentEventResponse(
        event=event_to_proto(recorded.event),
        equipment=equipment_to_proto(recorded.equipment),
        marked_risk_points=[f"riskPoints/{p}" for p in recorded.marked_points],
        credit_record=f"units/{credit.unit_uscc}/creditRecords/{credit.id}" if credit else "",
        replayed=recorded.replayed,
    )


# -- listing ------------------------------------------------------------------------------------------------------


def kind_from_filter(value: str) -> EquipmentEventKind:
    name = value.removeprefix("EQUIPMENT_EVENT_KIND_").lower()
    try:
        return EquipmentEventKind(name)
    except ValueError:
        allowed = ", ".join(k.value for k in EquipmentEventKind)
        raise InvalidArgument.single("filter", value, "filter.kind", f"kind is one of {allowed}") from None
