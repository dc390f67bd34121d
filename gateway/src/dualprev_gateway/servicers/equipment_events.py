"""LedgerService's equipment-event methods (AIP-136 custom methods on equipment) over
``dualprev_sdk.services.equipment_events``; :class:`~dualprev_gateway.servicers.ledger.LedgerServicer` delegates
to :class:`EquipmentEventCalls` after it has checked who may read or change the equipment.

Retries (AIP-155): the SDK keeps an event's request id in the event's own row (unique), in the event's
transaction, and replays the first result for the same id and content. The gateway hands it the caller's key id
and the canonical UUID (``<key id>:<uuid>``), so ids are per API key as for CreateEquipment: another key's
request with the same UUID is a request of its own, never a replay of someone else's event, and learns nothing
about it. The same id with different content is INVALID_ARGUMENT ``request_id.reused``, as everywhere else on
this API (the SDK says AlreadyExists; the wire convention is the AIP's).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import attrs

from dualprev_gateway import convert
from dualprev_gateway import equipment_event_convert as ec
from dualprev_gateway._generated.dualprev.v1 import ledger_pb2
from dualprev_gateway.capability_convert import key_date, key_datetime, key_parts, keyset_page
from dualprev_gateway.idempotency import check_request_id
from dualprev_sdk.access import Principal
from dualprev_sdk.domain.equipment import Equipment
from dualprev_sdk.domain.equipment_events import EquipmentEvent, EquipmentEventDetails, EquipmentEventKind
from dualprev_sdk.errors import AlreadyExists, InvalidArgument, NotFound
from dualprev_sdk.services import equipment_events as use_cases
from dualprev_sdk.services.bootstrap import Dualprev
from dualprev_sdk.services.equipment_events import RecordedEvent

__all__ = ["MAX_ACTOR", "EquipmentEventCalls", "recorded_actor"]

#: The person named in a request (the event's actor column also holds the calling key).
MAX_ACTOR = 64


def recorded_actor(principal: Principal, person: str) -> str:
    """Who the event records as acting: the person the caller named, and the key that made the call (so an
    audit finds the credential)."""
    key = f"{principal.kind.value}:{principal.scope} (key {principal.key_id or '-'})"
    return f"{person.strip()} / {key}" if person.strip() else key


def _check_actor(problems: convert.Violations, person: str, field: str = "actor") -> None:
    if len(person) > MAX_ACTOR:
        problems.add(field, person, "length", f"at most {MAX_ACTOR} characters")


class EquipmentEventCalls:
    def __init__(self, sdk: Dualprev) -> None:
        self._sdk = sdk

    # -- commands -------------------------------------------------------------------------------------------------

    def record(
        self,
        principal: Principal,
        equipment: Equipment,
        kind: EquipmentEventKind,
        *,
        person: str,
        request_id: str,
        parse: Callable[[convert.Violations], EquipmentEventDetails | None],
    ) -> ledger_pb2.RecordEquipmentEventResponse:
        """Parse every field (all problems in one answer), then record ``kind`` on ``equipment`` (already
        checked writable by the caller)."""
        problems = convert.Violations()
        try:
            canonical = check_request_id(request_id)
        except InvalidArgument as exc:
            problems.items.extend(exc.violations)
            canonical = ""
        _check_actor(problems, person)
        details = parse(problems)
        problems.raise_if_any()
        assert details is not None
        recorded = self._record(
            principal,
            kind,
            person,
            canonical,
            lambda actor, rid: use_cases.record_equipment_event(
                self._sdk, equipment.id, details, actor=actor, request_id=rid
            ),
        )
        return ec.recorded_to_proto(recorded)

    def relocate(
        self, principal: Principal, equipment: Equipment, request: ledger_pb2.RelocateEquipmentRequest
    ) -> ledger_pb2.RecordEquipmentEventResponse:
        problems = convert.Violations()
        try:
            canonical = check_request_id(request.request_id)
        except InvalidArgument as exc:
            problems.items.extend(exc.violations)
            canonical = ""
        _check_actor(problems, request.actor)
        target = ec.relocation_target_from_proto(problems, request.relocation, request.HasField("relocation"))
        problems.raise_if_any()
        assert target is not None
        to_location, moved_on, note = target
        recorded = self._record(
            principal,
            EquipmentEventKind.RELOCATION,
            request.actor,
            canonical,
            lambda actor, rid: use_cases.record_relocation(
                self._sdk,
                equipment.id,
                to_location=to_location,
                moved_on=moved_on,
                note=note,
                actor=actor,
                request_id=rid,
            ),
        )
        return ec.recorded_to_proto(recorded)

    def _record(
        self,
        principal: Principal,
        kind: EquipmentEventKind,
        person: str,
        canonical: str,
        run: Callable[[str, str], RecordedEvent],
    ) -> RecordedEvent:
        """``run(actor, request id)`` with the SDK's answers restated in the request's terms."""
        request_id = f"{principal.key_id or '-'}:{canonical}" if canonical else ""
        try:
            return run(recorded_actor(principal, person), request_id)
        except InvalidArgument as exc:
            raise InvalidArgument(ec.in_proto_terms(exc.violations, kind), reason=exc.reason) from None
        except AlreadyExists:
            if not request_id:
                raise
            raise InvalidArgument.single(
                "request_id", canonical, "request_id.reused", "this id was used for a different request; use a new one"
            ) from None

    def close_followup(
        self,
        principal: Principal,
        name: str,
        *,
        etag: str,
        day_text: str,
        day_field: str,
        changed_field: str,
        person: str,
        writable: Callable[[Principal, str], None],
        close: Callable[[EquipmentEvent, dt.date, str, int], EquipmentEvent],
    ) -> ledger_pb2.EquipmentEvent:
        """RectifyAccident / RecordChangeRegistration: the event named, in the unit the name says (checked by
        ``writable`` before anything is read), closed conditionally on ``etag`` (or on the version just read)."""
        uscc, equipment_id, event_id = ec.parse_event_name(name)
        writable(principal, uscc)
        problems = convert.Violations()
        expected: int | None = None
        try:
            expected = convert.expected_version(etag)
        except InvalidArgument as exc:
            problems.items.extend(exc.violations)
        _check_actor(problems, person)
        day = ec.day_or_today(problems, day_field, day_text)
        problems.raise_if_any()
        assert day is not None
        try:
            event = use_cases.get_equipment_event(self._sdk, event_id)
        except NotFound:
            raise NotFound("equipment event", name) from None
        if event.unit_uscc != uscc or event.equipment_id != equipment_id:
            raise NotFound("equipment event", name)
        version = event.version if expected is None else expected
        try:
            closed = close(event, day, recorded_actor(principal, person), version)
        except InvalidArgument as exc:  # the SDK names the event's field; the client sent ``day_field``
            renamed = [
                attrs.evolve(v, field=day_field) if v.field == f"details.{changed_field}" else v for v in exc.violations
            ]
            raise InvalidArgument(renamed, reason=exc.reason) from None
        return ec.event_to_proto(closed)

    # -- reads ----------------------------------------------------------------------------------------------------

    def list_events(
        self, equipment: Equipment, request: ledger_pb2.ListEquipmentEventsRequest
    ) -> ledger_pb2.ListEquipmentEventsResponse:
        terms = convert.parse_filter(request.filter, ("kind",))
        kind = ec.kind_from_filter(terms["kind"]) if "kind" in terms else None
        token_in = request.page_token

        def fetch(after: str | None, limit: int) -> list[EquipmentEvent]:
            key = None
            if after is not None:
                day, recorded_at, event_id = key_parts(token_in, after, 3)
                key = (key_date(token_in, day), key_datetime(token_in, recorded_at), event_id)
            return use_cases.equipment_events_page(
                self._sdk, equipment.id, kinds=[kind] if kind else None, after=key, limit=limit
            )

        events, token = keyset_page(
            fetch,
            lambda e: f"{e.day.isoformat()}|{e.recorded_at.astimezone(dt.UTC).isoformat()}|{e.id}",
            request.page_size,
            request.page_token,
            equipment.id,
            kind.value if kind else "",
        )
        return ledger_pb2.ListEquipmentEventsResponse(
            equipment_events=[ec.event_to_proto(e) for e in events], next_page_token=token
        )

    def usability(self, equipment: Equipment) -> ledger_pb2.EquipmentUsability:
        result = use_cases.equipment_usability(self._sdk, equipment.id)
        return ledger_pb2.EquipmentUsability(
            name=f"{convert.equipment_name(equipment.unit_uscc, equipment.id)}/usability",
            usable=result.usable,
            reasons=list(result.reasons),
        )
