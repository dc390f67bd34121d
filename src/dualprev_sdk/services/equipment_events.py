"""Equipment events as use cases: record an accident, a major repair or alteration, a relocation, a suspension,
restart, scrapping or transfer — each with all of its consequences in one transaction.

What one recorded event does, together or not at all:

* the event row (``uow.equipment_events``) and an ``equipment.<kind>`` outbox event;
* accident, major repair, alteration, relocation: every risk point of the equipment is marked for review
  (风险再评估; the reason names the event) with a version in each point's history and one
  ``risk_points.review_requested`` event, the same shape :func:`dualprev_sdk.services.risk.mark_for_review`
  writes — so these triggers no longer need a separate ``mark_for_review`` call;
* accident: the unit's ACCIDENT credit record with the accident's severity (id ``CR-ACC-<event id>``, built by
  the credit service's :func:`~dualprev_sdk.services.credit.build_credit_record`); until its conditions are
  rectified (:func:`rectify_accident`) the equipment's risk grade is 重大 by direct determination
  (:func:`accident_direct_facts`, read by ``services/equipment_risk.py``);
* relocation: the equipment's location in the ledger;
* suspension, restart, scrapping, transfer: the equipment's registration status and ``status_since``.

A location changed through the ledger (``update_equipment``) is recorded as a relocation by
:func:`relocation_from_ledger` in the ledger's own transaction, so no change of place escapes the trigger.

Retries: pass ``request_id``; the same request with the same content returns the first result (``replayed``),
with other content it is AlreadyExists.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import attrs

from dualprev_sdk import timeutil
from dualprev_sdk.domain.common import Location
from dualprev_sdk.domain.credit import CreditRecord, CreditRecordKind, credit_record_id
from dualprev_sdk.domain.equipment import Equipment, EquipmentStatus
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
    next_status,
    violations_of,
)
from dualprev_sdk.domain.inspection import InspectionKind
from dualprev_sdk.errors import AlreadyExists, FailedPrecondition, FieldViolation, InvalidArgument
from dualprev_sdk.grading.direct import DirectFacts
from dualprev_sdk.serialization import converter
from dualprev_sdk.services.credit import add_credit_record, build_credit_record
from dualprev_sdk.services.risk import mark_for_review_in
from dualprev_sdk.store.equipment_events import EventKey
from dualprev_sdk.store.uow import UnitOfWork

if TYPE_CHECKING:
    from dualprev_sdk.services.bootstrap import Dualprev

__all__ = [
    "LEDGER_ACTOR",
    "RecordedEvent",
    "Usability",
    "accident_direct_facts",
    "equipment_events",
    "equipment_events_page",
    "equipment_usability",
    "event_key",
    "get_equipment_event",
    "record_accident",
    "record_alteration",
    "record_change_registration",
    "record_equipment_event",
    "record_major_repair",
    "record_relocation",
    "record_restart",
    "record_scrapping",
    "record_suspension",
    "record_transfer",
    "rectify_accident",
    "relocation_from_ledger",
]

LEDGER_ACTOR = "system:ledger"
_ACTIVE_WORK = (EquipmentEventKind.MAJOR_REPAIR, EquipmentEventKind.ALTERATION)


@attrs.frozen(kw_only=True)
class RecordedEvent:
    """What recording did: the event, the equipment as it now stands, the risk points marked for review, the
    credit record written (accidents), and whether this was a replay of an earlier request."""

    event: EquipmentEvent
    equipment: Equipment
    marked_points: tuple[str, ...] = ()
    credit_record: CreditRecord | None = None
    replayed: bool = False


def _equipment_resource(equipment_id: str) -> str:
    return f"equipment/{equipment_id}"


def _check_common(actor: str, request_id: str) -> list[FieldViolation]:
    out = []
    if not actor.strip():
        out.append(FieldViolation(field="actor", value=actor, rule="required", message="who records it"))
    if len(request_id) > 128:
        out.append(FieldViolation(field="request_id", value=request_id, rule="length", message="at most 128"))
    return out


# ---------------------------------------------------------------------------------------------------------------
# consequences inside one unit of work
# ---------------------------------------------------------------------------------------------------------------


def _mark_points(uow: UnitOfWork, equipment: Equipment, event: EquipmentEvent) -> tuple[str, ...]:
    """Mark the equipment's risk points for review in this transaction, as the risk service's
    ``mark_for_review`` does (the event names the equipment event)."""
    trigger = event.kind.review_trigger
    if trigger is None:
        return ()
    marked = mark_for_review_in(
        uow,
        unit_uscc=equipment.unit_uscc,
        trigger=trigger,
        actor=event.actor,
        equipment_id=equipment.id,
        detail=f"{event.kind.name_zh} {event.day.isoformat()} ({event.id})",
        equipment_event_id=event.id,
    )
    return tuple(p.id for p in marked)


def _accident_credit(uow: UnitOfWork, event: EquipmentEvent, accident: Accident) -> CreditRecord:
    record = build_credit_record(
        unit_uscc=event.unit_uscc,
        kind=CreditRecordKind.ACCIDENT,
        occurred_on=accident.day,
        source=f"equipment accident record ({event.actor})",
        actor=event.actor,
        evidence=f"{_equipment_resource(event.equipment_id)}/events/{event.id}",
        severity=accident.severity.value,
        note=accident.description[:1000],
        record_id=credit_record_id("CR-ACC", event.id),
    )
    return add_credit_record(uow, record, actor=event.actor)


def _payload(event: EquipmentEvent, equipment: Equipment, **extra: Any) -> dict[str, Any]:
    return {
        "event_id": event.id,
        "equipment_id": equipment.id,
        "unit_uscc": equipment.unit_uscc,
        "kind": event.kind.value,
        "day": event.day.isoformat(),
        "status": equipment.status.value,
        "status_since": equipment.status_since.isoformat() if equipment.status_since else None,
        "location": converter.unstructure(equipment.location),
        "actor": event.actor,
        "request_id": event.request_id,
        **extra,
    }


def _record_in(
    uow: UnitOfWork, equipment: Equipment, details: EquipmentEventDetails, *, actor: str, request_id: str
) -> RecordedEvent:
    """Record ``details`` on ``equipment`` (as read in this unit of work) with every consequence."""
    status = next_status(equipment.status, details)
    event = EquipmentEvent(
        id=f"EE-{uuid.uuid4().hex[:24]}",
        equipment_id=equipment.id,
        unit_uscc=equipment.unit_uscc,
        details=details,
        actor=actor,
        recorded_at=timeutil.now(),
        request_id=request_id,
    )
    uow.equipment_events.add(event)
    after = equipment
    if isinstance(details, Relocation):
        after = uow.equipment.update(attrs.evolve(equipment, location=details.to_location))
    elif status is not None:
        after = uow.equipment.update(attrs.evolve(equipment, status=status, status_since=event.day))
    marked = _mark_points(uow, after, event)
    credit = _accident_credit(uow, event, details) if isinstance(details, Accident) else None
    uow.emit(
        f"equipment.{event.kind.value}",
        _equipment_resource(equipment.id),
        _payload(
            event,
            after,
            previous_status=equipment.status.value,
            marked_points=list(marked),
            credit_record_id=credit.id if credit else None,
        ),
    )
    return RecordedEvent(event=event, equipment=after, marked_points=marked, credit_record=credit)


def relocation_from_ledger(
    uow: UnitOfWork, before: Equipment, after: Equipment, *, actor: str = LEDGER_ACTOR
) -> RecordedEvent | None:
    """Called by the ledger's ``update_equipment`` inside its transaction: a changed location is a relocation
    (event row, risk points marked, outbox event). The ledger writes the equipment itself; this adds the rest.
    ``None`` when the location did not change."""
    if before.location == after.location:
        return None
    details = Relocation(moved_on=timeutil.today(), from_location=before.location, to_location=after.location)
    event = EquipmentEvent(
        id=f"EE-{uuid.uuid4().hex[:24]}",
        equipment_id=after.id,
        unit_uscc=after.unit_uscc,
        details=details,
        actor=actor,
        recorded_at=timeutil.now(),
    )
    uow.equipment_events.add(event)
    marked = _mark_points(uow, after, event)
    uow.emit("equipment.relocation", _equipment_resource(after.id), _payload(event, after, marked_points=list(marked)))
    return RecordedEvent(event=event, equipment=after, marked_points=marked)


# ---------------------------------------------------------------------------------------------------------------
# commands
# ---------------------------------------------------------------------------------------------------------------


def record_equipment_event(
    sdk: Dualprev,
    equipment_id: str,
    details: EquipmentEventDetails,
    *,
    actor: str,
    request_id: str = "",
    today: dt.date | None = None,
) -> RecordedEvent:
    """Record one event with all its consequences (see the module docstring) in one transaction.

    Bad details → one InvalidArgument naming every field (``details.<field>``); a status change the equipment's
    current status does not allow → FailedPrecondition; a relocation's ``from_location`` must be where the ledger
    has the equipment (:func:`record_relocation` fills it in).
    """
    return _record(sdk, equipment_id, details, actor=actor, request_id=request_id, today=today or timeutil.today())


def _record(
    sdk: Dualprev,
    equipment_id: str,
    details: EquipmentEventDetails,
    *,
    actor: str,
    request_id: str,
    today: dt.date,
    from_ledger: bool = False,
) -> RecordedEvent:
    """``from_ledger``: a relocation's ``from_location`` is taken from the ledger inside the transaction (so a
    concurrent move cannot slip between reading the place and recording the event); it is validated then."""
    violations = _check_common(actor, request_id)
    if not from_ledger:
        violations += violations_of(details, today)
    if violations:
        raise InvalidArgument(violations)
    try:
        return _record_once(
            sdk, equipment_id, details, actor=actor, request_id=request_id, today=today, from_ledger=from_ledger
        )
    except AlreadyExists:
        if not request_id:
            raise
        # two deliveries of one request raced: the loser's insert waited for the winner's unique key and failed;
        # its transaction is gone, and reading again replays the winner's result (or reports different content)
        return _record_once(
            sdk, equipment_id, details, actor=actor, request_id=request_id, today=today, from_ledger=from_ledger
        )


def _record_once(
    sdk: Dualprev,
    equipment_id: str,
    details: EquipmentEventDetails,
    *,
    actor: str,
    request_id: str,
    today: dt.date,
    from_ledger: bool,
) -> RecordedEvent:
    with sdk.uow() as uow:
        if request_id:
            earlier = uow.equipment_events.find_by_request(request_id)
            if earlier is not None:
                expected = details
                if from_ledger and isinstance(details, Relocation) and isinstance(earlier.details, Relocation):
                    expected = attrs.evolve(details, from_location=earlier.details.from_location)
                if earlier.equipment_id != equipment_id or earlier.details != expected:
                    raise AlreadyExists(
                        "equipment event request", request_id, f"request {request_id!r} recorded different content"
                    )
                credit = None
                if earlier.kind is EquipmentEventKind.ACCIDENT:
                    credit = uow.credit.get(credit_record_id("CR-ACC", earlier.id))
                return RecordedEvent(
                    event=earlier, equipment=uow.equipment.get(equipment_id), credit_record=credit, replayed=True
                )
        equipment = uow.equipment.get(equipment_id)
        if isinstance(details, Relocation):
            if from_ledger:
                details = attrs.evolve(details, from_location=equipment.location)
                violations = violations_of(details, today)
                if violations:
                    raise InvalidArgument(violations)
            elif details.from_location != equipment.location:
                raise InvalidArgument.single(
                    "details.from_location", details.from_location, "relocation.from", "is not where the ledger has it"
                )
        result = _record_in(uow, equipment, details, actor=actor, request_id=request_id)
        uow.commit()
    return result


def record_accident(
    sdk: Dualprev, equipment_id: str, accident: Accident, *, actor: str, request_id: str = ""
) -> RecordedEvent:
    """An accident: points marked for review, the ACCIDENT credit record, 重大 by direct determination until the
    conditions are rectified."""
    return record_equipment_event(sdk, equipment_id, accident, actor=actor, request_id=request_id)


def record_major_repair(
    sdk: Dualprev, equipment_id: str, repair: MajorRepair, *, actor: str, request_id: str = ""
) -> RecordedEvent:
    """A major repair: points marked for review; not usable until its supervisory inspection and change
    registration (:func:`equipment_usability`)."""
    return record_equipment_event(sdk, equipment_id, repair, actor=actor, request_id=request_id)


def record_alteration(
    sdk: Dualprev, equipment_id: str, alteration: Alteration, *, actor: str, request_id: str = ""
) -> RecordedEvent:
    """An alteration: as a major repair."""
    return record_equipment_event(sdk, equipment_id, alteration, actor=actor, request_id=request_id)


def record_relocation(
    sdk: Dualprev,
    equipment_id: str,
    *,
    to_location: Location,
    actor: str,
    moved_on: dt.date | None = None,
    note: str = "",
    request_id: str = "",
) -> RecordedEvent:
    """A change of place of use: the ledger's location moves and the points are marked for review. Where it came
    from is read from the ledger in the same transaction."""
    details = Relocation(
        moved_on=moved_on or timeutil.today(), from_location=Location(), to_location=to_location, note=note
    )
    return _record(
        sdk, equipment_id, details, actor=actor, request_id=request_id, today=timeutil.today(), from_ledger=True
    )


def record_suspension(
    sdk: Dualprev, equipment_id: str, suspension: Suspension, *, actor: str, request_id: str = ""
) -> RecordedEvent:
    return record_equipment_event(sdk, equipment_id, suspension, actor=actor, request_id=request_id)


def record_restart(
    sdk: Dualprev, equipment_id: str, restart: Restart, *, actor: str, request_id: str = ""
) -> RecordedEvent:
    return record_equipment_event(sdk, equipment_id, restart, actor=actor, request_id=request_id)


def record_scrapping(
    sdk: Dualprev, equipment_id: str, scrapping: Scrapping, *, actor: str, request_id: str = ""
) -> RecordedEvent:
    return record_equipment_event(sdk, equipment_id, scrapping, actor=actor, request_id=request_id)


def record_transfer(
    sdk: Dualprev, equipment_id: str, transfer: Transfer, *, actor: str, request_id: str = ""
) -> RecordedEvent:
    return record_equipment_event(sdk, equipment_id, transfer, actor=actor, request_id=request_id)


def _close_followup(
    sdk: Dualprev,
    event_id: str,
    *,
    actor: str,
    expected_version: int,
    change: dict[str, Any],
    kinds: tuple[EquipmentEventKind, ...],
    event_type: str,
) -> EquipmentEvent:
    if not actor.strip():
        raise InvalidArgument.single("actor", actor, "required", "who records it")
    with sdk.uow() as uow:
        event = uow.equipment_events.get(event_id)
        if event.kind not in kinds:
            allowed = ", ".join(k.value for k in kinds)
            raise FailedPrecondition(f"equipment event {event_id} is a {event.kind.value}; this applies to {allowed}")
        details = attrs.evolve(event.details, **change)
        violations = violations_of(details, timeutil.today())
        if violations:
            raise InvalidArgument(violations)
        stored = uow.equipment_events.update(attrs.evolve(event, details=details, version=expected_version))
        equipment = uow.equipment.get(event.equipment_id)
        uow.emit(event_type, _equipment_resource(event.equipment_id), _payload(stored, equipment, closed_by=actor))
        uow.commit()
    return stored


def rectify_accident(
    sdk: Dualprev, event_id: str, *, rectified_on: dt.date, actor: str, expected_version: int
) -> EquipmentEvent:
    """The accident's conditions have been removed: it no longer makes the equipment 重大 by direct determination
    (the credit record stays: records are facts)."""
    return _close_followup(
        sdk,
        event_id,
        actor=actor,
        expected_version=expected_version,
        change={"conditions_rectified": True, "rectified_on": rectified_on},
        kinds=(EquipmentEventKind.ACCIDENT,),
        event_type="equipment.accident_rectified",
    )


def record_change_registration(
    sdk: Dualprev, event_id: str, *, registered_on: dt.date, actor: str, expected_version: int
) -> EquipmentEvent:
    """The change registration (变更登记, 特设法 art. 47) after a major repair or alteration is done."""
    return _close_followup(
        sdk,
        event_id,
        actor=actor,
        expected_version=expected_version,
        change={"change_registered_on": registered_on},
        kinds=_ACTIVE_WORK,
        event_type="equipment.change_registered",
    )


# ---------------------------------------------------------------------------------------------------------------
# reads
# ---------------------------------------------------------------------------------------------------------------


def equipment_events(
    sdk: Dualprev, equipment_id: str, *, kinds: Iterable[EquipmentEventKind] | None = None
) -> list[EquipmentEvent]:
    """The equipment's recorded events, oldest first."""
    with sdk.uow() as uow:
        uow.equipment.get(equipment_id)
        return uow.equipment_events.for_equipment(equipment_id, kinds=kinds)


def get_equipment_event(sdk: Dualprev, event_id: str) -> EquipmentEvent:
    """One recorded event (NotFound when there is none)."""
    with sdk.uow() as uow:
        return uow.equipment_events.get(event_id)


def equipment_events_page(
    sdk: Dualprev,
    equipment_id: str,
    *,
    kinds: Iterable[EquipmentEventKind] | None = None,
    after: EventKey | None = None,
    limit: int = 50,
) -> list[EquipmentEvent]:
    """Up to ``limit`` of the equipment's events in :func:`equipment_events` order, after the event keyed
    ``after`` ((day, recorded at, id) of the previous page's last event): keyset paging in the query, so a page
    reads a page of rows however long the history. NotFound when the equipment does not exist."""
    with sdk.uow() as uow:
        uow.equipment.get(equipment_id)
        return uow.equipment_events.page_for_equipment(equipment_id, kinds=kinds, after=after, limit=limit)


def event_key(event: EquipmentEvent) -> EventKey:
    """The event's place in its item's history (the paging key of :func:`equipment_events_page`)."""
    return (event.day, event.recorded_at, event.id)


def accident_direct_facts(events: Iterable[EquipmentEvent], *, as_of: dt.date) -> DirectFacts:
    """Accidents that had happened by ``as_of`` with conditions not rectified by then, as the
    direct-determination counts (serious vs minor per :data:`~dualprev_sdk.domain.equipment_events.
    ACCIDENT_SEVERITY_SOURCE`)."""
    serious = minor = 0
    for event in events:
        d = event.details
        if not isinstance(d, Accident) or d.day > as_of:
            continue
        if d.conditions_rectified and d.rectified_on is not None and d.rectified_on <= as_of:
            continue
        if d.is_serious:
            serious += 1
        else:
            minor += 1
    return DirectFacts(serious_accidents_conditions_unchanged=serious, minor_accidents_conditions_unchanged=minor)


@attrs.frozen(kw_only=True)
class Usability:
    """Whether the equipment may be used now, and every reason it may not (Chinese, for people)."""

    equipment_id: str
    usable: bool
    reasons: tuple[str, ...] = ()


def equipment_usability(sdk: Dualprev, equipment_id: str) -> Usability:
    """Usable = registered in use, no stop-use order, and every major repair or alteration has passed its
    supervisory inspection (recorded on the work, or a passed 监督检验 in the inspections store on or after the
    work) and, where needed, its change registration (特设法 art. 47). Periodic-inspection validity is the
    inspections service's :func:`~dualprev_sdk.services.inspections.inspection_validity`, not repeated here."""
    reasons: list[str] = []
    with sdk.uow() as uow:
        equipment = uow.equipment.get(equipment_id)
        works = uow.equipment_events.pending_for_many([equipment_id], kinds=_ACTIVE_WORK).get(equipment_id, [])
        supervisory = uow.inspections.latest(equipment_id, kind=InspectionKind.SUPERVISORY) if works else None
    if equipment.status is not EquipmentStatus.IN_USE:
        reasons.append(f"登记状态为{equipment.status.name_zh}")
    if equipment.stop_use_order is not None:
        reasons.append(f"重大事故隐患{equipment.stop_use_order}责令停止使用")
    for event in works:
        work = event.details
        assert isinstance(work, MajorRepair | Alteration)
        passed = work.supervisory_inspection_passed or (
            supervisory is not None
            and supervisory.inspected_on >= work.performed_on
            and not supervisory.failed
            and supervisory.use_allowed
        )
        what = f"{event.kind.name_zh}（{work.performed_on.isoformat()}，{event.id}）"
        if not passed:
            reasons.append(f"{what}未经监督检验合格")
        if work.awaits_change_registration:
            reasons.append(f"{what}未办理变更登记")
    return Usability(equipment_id=equipment_id, usable=not reasons, reasons=tuple(reasons))
