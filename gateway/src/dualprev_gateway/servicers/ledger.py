"""LedgerService: units and equipment, AIP standard methods over ``sdk.ledger``.

Each method: parse the request (convert), check access (``dualprev_sdk.access``), call the SDK, convert back.
Out-of-scope calls are PERMISSION_DENIED whether or not the resource exists (AIP-211); NOT_FOUND is only
returned to callers whose scope would include the resource.

Reads that are answered as they are (Get, the enterprise's own ListUnits) may come from the SDK's read cache
(``cached=True``: this process's writes always visible, other processes' within ``read_cache_seconds``);
updates read fresh, because they build the new record on the one they read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import TypeVar

import grpc
from google.protobuf import empty_pb2

from dualprev_gateway import convert
from dualprev_gateway import equipment_event_convert as ec
from dualprev_gateway._generated.dualprev.v1 import ledger_pb2, ledger_pb2_grpc
from dualprev_gateway.auth import current_principal
from dualprev_gateway.idempotency import check_request_id
from dualprev_gateway.resource_scope import ScopeLookups
from dualprev_gateway.servicers.equipment_events import EquipmentEventCalls
from dualprev_gateway.servicers.ledger_import import import_ledger_call
from dualprev_sdk import access
from dualprev_sdk.access import Principal, PrincipalKind
from dualprev_sdk.domain.equipment import Equipment, EquipmentStatus
from dualprev_sdk.domain.equipment_events import EquipmentEvent, EquipmentEventDetails, EquipmentEventKind
from dualprev_sdk.domain.unit import UseUnit
from dualprev_sdk.errors import InvalidArgument, NotFound
from dualprev_sdk.services import equipment_events as event_use_cases
from dualprev_sdk.services.bootstrap import Dualprev

__all__ = ["LedgerServicer"]

T = TypeVar("T")

_UNIT_ERROR_FIELDS = {**convert.UNIT_FIELDS, "uscc": "uscc"}
_EQUIPMENT_ERROR_FIELDS = {**convert.EQUIPMENT_FIELDS, "equipment_id": "id", "parent": "unit_uscc"}


def _as_proto_errors(prefix: str, fields: dict[str, str], call: Callable[[], T]) -> T:
    try:
        return call()
    except InvalidArgument as exc:
        if all(v.field == "request_id" for v in exc.violations):
            raise  # a field of the request itself (a reused AIP-155 id), not of the resource
        raise convert.in_proto_terms(exc, prefix, fields) from None


def _prefix(value: str) -> str | None:
    """Filter values are prefixes: ``"4101*"`` and ``"4101"`` both mean "starts with 4101"."""
    value = value.removesuffix("*")
    return value or None


def _status(value: str) -> EquipmentStatus:
    name = value.removeprefix("EQUIPMENT_STATUS_").lower()
    try:
        return EquipmentStatus(name)
    except ValueError:
        allowed = ", ".join(s.value for s in EquipmentStatus)
        raise InvalidArgument.single("filter", value, "filter.status", f"status is one of {allowed}") from None


class LedgerServicer(ledger_pb2_grpc.LedgerServiceServicer):
    def __init__(self, sdk: Dualprev) -> None:
        self._sdk = sdk
        self._events = EquipmentEventCalls(sdk)
        self._scope = ScopeLookups(sdk)

    # -- access helpers ---------------------------------------------------------------------------------------

    def _readable_unit(self, principal: Principal, uscc: str) -> UseUnit:
        try:
            unit: UseUnit = self._sdk.ledger.get_unit(uscc, cached=True)
        except NotFound:
            access.require_unit_read(principal, uscc, None)  # PermissionDenied unless the scope covers it anyway
            raise
        access.require_unit_read(principal, uscc, unit.region_code)
        return unit

    def _readable_equipment(self, principal: Principal, uscc: str, equipment_id: str) -> Equipment:
        """``uscc`` may be ``-`` (AIP-159: equipment ids are unique across units), which lets a consumer of the
        event feed (subjects ``equipment/{id}``) read the equipment without knowing its unit."""
        agencies = self._scope.agencies(equipment_id)
        try:
            equipment: Equipment = self._sdk.ledger.get_equipment(equipment_id, cached=True)
            if uscc not in ("-", equipment.unit_uscc):
                raise NotFound("equipment", convert.equipment_name(uscc, equipment_id))
        except NotFound:
            access.require_equipment_read(principal, uscc, None, equipment_id, inspecting_agencies=frozenset)
            raise
        uscc = equipment.unit_uscc
        region = None
        if principal.kind is PrincipalKind.REGULATOR:
            region = self._sdk.ledger.get_unit(uscc, cached=True).region_code
        access.require_equipment_read(principal, uscc, region, equipment_id, inspecting_agencies=agencies)
        return equipment

    def _writable_equipment(self, principal: Principal, name: str, field: str) -> tuple[str, Equipment]:
        uscc, equipment_id = convert.parse_equipment_name(name, field)
        access.require_unit_write(principal, uscc)
        equipment: Equipment = self._sdk.ledger.get_equipment(equipment_id)
        if equipment.unit_uscc != uscc:
            raise NotFound("equipment", name)
        return uscc, equipment

    # -- units ------------------------------------------------------------------------------------------------

    def GetUnit(self, request: ledger_pb2.GetUnitRequest, context: grpc.ServicerContext) -> ledger_pb2.Unit:
        principal = current_principal()
        uscc = convert.parse_unit_name(request.name)
        return convert.unit_to_proto(self._readable_unit(principal, uscc))

    def ListUnits(
        self, request: ledger_pb2.ListUnitsRequest, context: grpc.ServicerContext
    ) -> ledger_pb2.ListUnitsResponse:
        principal = current_principal()
        terms = convert.parse_filter(request.filter, ("region_code",))
        wanted = _prefix(terms.get("region_code", ""))
        scope = access.unit_scope(principal)
        if scope.uscc is not None:  # an enterprise lists exactly its own unit
            units: list[UseUnit] = []
            try:
                unit = self._sdk.ledger.get_unit(scope.uscc, cached=True)
            except NotFound:
                unit = None
            if unit is not None and (wanted is None or unit.region_code.startswith(wanted)) and not request.page_token:
                units = [unit]
            return ledger_pb2.ListUnitsResponse(units=[convert.unit_to_proto(u) for u in units])
        if scope.agency is not None:
            return ledger_pb2.ListUnitsResponse()  # agencies see equipment, not unit registers
        region = wanted
        if scope.region_prefix is not None:
            region = convert.narrow_region(scope.region_prefix, wanted)
            if region is None:
                return ledger_pb2.ListUnitsResponse()
        page = self._sdk.ledger.list_units(
            region_prefix=region, page_size=request.page_size, page_token=request.page_token
        )
        return ledger_pb2.ListUnitsResponse(
            units=[convert.unit_to_proto(u) for u in page.items], next_page_token=page.next_page_token
        )

    def CreateUnit(self, request: ledger_pb2.CreateUnitRequest, context: grpc.ServicerContext) -> ledger_pb2.Unit:
        principal = current_principal()
        request_id = check_request_id(request.request_id)
        unit = convert.unit_from_proto(request.unit)
        access.require_unit_write(principal, unit.uscc)
        access.require_unit_designations_kept(principal, False, unit.demonstration, unit.uscc)
        created: UseUnit = _as_proto_errors(
            "unit",
            _UNIT_ERROR_FIELDS,
            lambda: self._sdk.ledger.create_unit(unit, request_id=request_id, caller=principal.key_id),
        )
        return convert.unit_to_proto(created)

    def UpdateUnit(self, request: ledger_pb2.UpdateUnitRequest, context: grpc.ServicerContext) -> ledger_pb2.Unit:
        principal = current_principal()
        uscc = convert.parse_unit_name(request.unit.name, "unit.name")
        access.require_unit_write(principal, uscc)
        expected = convert.expected_version(request.unit.etag, "unit.etag")
        current = self._sdk.ledger.get_unit(uscc)
        problems = convert.Violations()
        changed = convert.apply_mask(
            current,
            convert.unit_update_values(request.unit, "unit", problems),
            convert.UNIT_FIELDS,
            request.update_mask,
            conversion_problems=problems,
            prefix="unit",
        )
        access.require_unit_designations_kept(principal, current.demonstration, changed.demonstration, uscc)
        updated: UseUnit = _as_proto_errors(
            "unit", _UNIT_ERROR_FIELDS, lambda: self._sdk.ledger.update_unit(changed, expected_version=expected)
        )
        return convert.unit_to_proto(updated)

    def DeleteUnit(self, request: ledger_pb2.DeleteUnitRequest, context: grpc.ServicerContext) -> empty_pb2.Empty:
        principal = current_principal()
        uscc = convert.parse_unit_name(request.name)
        access.require_unit_write(principal, uscc)
        self._sdk.ledger.delete_unit(uscc, expected_version=convert.expected_version(request.etag))
        return empty_pb2.Empty()

    # -- equipment --------------------------------------------------------------------------------------------

    def GetEquipment(
        self, request: ledger_pb2.GetEquipmentRequest, context: grpc.ServicerContext
    ) -> ledger_pb2.Equipment:
        principal = current_principal()
        uscc, equipment_id = convert.parse_equipment_name(request.name)
        return convert.equipment_to_proto(self._readable_equipment(principal, uscc, equipment_id))

    def ListEquipment(
        self, request: ledger_pb2.ListEquipmentRequest, context: grpc.ServicerContext
    ) -> ledger_pb2.ListEquipmentResponse:
        principal = current_principal()
        parent = convert.parse_unit_name(request.parent, "parent", allow_wildcard=True)
        terms = convert.parse_filter(request.filter, ("region_code", "catalog_code", "status"))
        wanted_region = _prefix(terms.get("region_code", ""))
        catalog = _prefix(terms.get("catalog_code", ""))
        status = _status(terms["status"]) if "status" in terms else None
        scope = access.unit_scope(principal)
        unit_uscc: str | None = None if parent == "-" else parent
        region: str | None = wanted_region
        inspected_by: str | None = None
        if scope.agency is not None:
            # an agency lists exactly the equipment it has inspection records for (a query by agency), not units
            if unit_uscc is not None:
                access.require_unit_read(principal, unit_uscc, None)
            inspected_by = scope.agency
        elif unit_uscc is not None:
            self._readable_unit(principal, unit_uscc)
        elif scope.uscc is not None:
            unit_uscc = scope.uscc
        if scope.region_prefix is not None:
            region = convert.narrow_region(scope.region_prefix, wanted_region)
            if region is None:
                return ledger_pb2.ListEquipmentResponse()
        page = self._sdk.ledger.list_equipment(
            unit_uscc=unit_uscc,
            region_prefix=region,
            catalog_prefix=catalog,
            status=status,
            inspected_by=inspected_by,
            page_size=request.page_size,
            page_token=request.page_token,
        )
        return ledger_pb2.ListEquipmentResponse(
            equipment=[convert.equipment_to_proto(e) for e in page.items], next_page_token=page.next_page_token
        )

    def CreateEquipment(
        self, request: ledger_pb2.CreateEquipmentRequest, context: grpc.ServicerContext
    ) -> ledger_pb2.Equipment:
        principal = current_principal()
        request_id = check_request_id(request.request_id)
        uscc = convert.parse_unit_name(request.parent, "parent")
        access.require_unit_write(principal, uscc)
        if request.equipment_id and not convert.EQUIPMENT_ID.match(request.equipment_id):
            raise InvalidArgument.single(
                "equipment_id", request.equipment_id, "equipment_id.format", "1-63 characters of a-z, 0-9 and -"
            )
        equipment = convert.equipment_from_proto(request.equipment, uscc=uscc, equipment_id=request.equipment_id)
        created: Equipment = _as_proto_errors(
            "equipment",
            _EQUIPMENT_ERROR_FIELDS,
            lambda: self._sdk.ledger.create_equipment(equipment, request_id=request_id, caller=principal.key_id),
        )
        return convert.equipment_to_proto(created)

    def UpdateEquipment(
        self, request: ledger_pb2.UpdateEquipmentRequest, context: grpc.ServicerContext
    ) -> ledger_pb2.Equipment:
        principal = current_principal()
        _, current = self._writable_equipment(principal, request.equipment.name, "equipment.name")
        expected = convert.expected_version(request.equipment.etag, "equipment.etag")
        problems = convert.Violations()
        changed = convert.apply_mask(
            current,
            convert.equipment_values(request.equipment, "equipment", problems),
            convert.EQUIPMENT_FIELDS,
            request.update_mask,
            conversion_problems=problems,
            prefix="equipment",
        )
        updated: Equipment = _as_proto_errors(
            "equipment",
            _EQUIPMENT_ERROR_FIELDS,
            lambda: self._sdk.ledger.update_equipment(changed, expected_version=expected),
        )
        return convert.equipment_to_proto(updated)

    def DeleteEquipment(
        self, request: ledger_pb2.DeleteEquipmentRequest, context: grpc.ServicerContext
    ) -> empty_pb2.Empty:
        principal = current_principal()
        _, current = self._writable_equipment(principal, request.name, "name")
        self._sdk.ledger.delete_equipment(current.id, expected_version=convert.expected_version(request.etag))
        return empty_pb2.Empty()

    # -- equipment events (AIP-136 custom methods; servicers/equipment_events.py) --------------------------------

    def _record_event(
        self,
        name: str,
        actor: str,
        request_id: str,
        kind: EquipmentEventKind,
        parse: Callable[[convert.Violations], EquipmentEventDetails | None],
    ) -> ledger_pb2.RecordEquipmentEventResponse:
        """Only the unit records its equipment's events; the equipment is read fresh (an update path)."""
        principal = current_principal()
        _, equipment = self._writable_equipment(principal, name, "name")
        return self._events.record(principal, equipment, kind, person=actor, request_id=request_id, parse=parse)

    def RecordAccident(
        self, request: ledger_pb2.RecordAccidentRequest, context: grpc.ServicerContext
    ) -> ledger_pb2.RecordEquipmentEventResponse:
        return self._record_event(
            request.name,
            request.actor,
            request.request_id,
            EquipmentEventKind.ACCIDENT,
            lambda problems: ec.accident_from_proto(problems, request.accident, request.HasField("accident")),
        )

    def RecordMajorRepair(
        self, request: ledger_pb2.RecordMajorRepairRequest, context: grpc.ServicerContext
    ) -> ledger_pb2.RecordEquipmentEventResponse:
        return self._record_event(
            request.name,
            request.actor,
            request.request_id,
            EquipmentEventKind.MAJOR_REPAIR,
            lambda problems: ec.work_from_proto(problems, request.work, request.HasField("work"), alteration=False),
        )

    def RecordAlteration(
        self, request: ledger_pb2.RecordAlterationRequest, context: grpc.ServicerContext
    ) -> ledger_pb2.RecordEquipmentEventResponse:
        return self._record_event(
            request.name,
            request.actor,
            request.request_id,
            EquipmentEventKind.ALTERATION,
            lambda problems: ec.work_from_proto(problems, request.work, request.HasField("work"), alteration=True),
        )

    def RelocateEquipment(
        self, request: ledger_pb2.RelocateEquipmentRequest, context: grpc.ServicerContext
    ) -> ledger_pb2.RecordEquipmentEventResponse:
        principal = current_principal()
        _, equipment = self._writable_equipment(principal, request.name, "name")
        return self._events.relocate(principal, equipment, request)

    def SuspendEquipment(
        self, request: ledger_pb2.SuspendEquipmentRequest, context: grpc.ServicerContext
    ) -> ledger_pb2.RecordEquipmentEventResponse:
        return self._record_event(
            request.name,
            request.actor,
            request.request_id,
            EquipmentEventKind.SUSPENSION,
            lambda problems: ec.suspension_from_proto(problems, request.suspension, request.HasField("suspension")),
        )

    def RestartEquipment(
        self, request: ledger_pb2.RestartEquipmentRequest, context: grpc.ServicerContext
    ) -> ledger_pb2.RecordEquipmentEventResponse:
        return self._record_event(
            request.name,
            request.actor,
            request.request_id,
            EquipmentEventKind.RESTART,
            lambda problems: ec.restart_from_proto(problems, request.restart, request.HasField("restart")),
        )

    def ScrapEquipment(
        self, request: ledger_pb2.ScrapEquipmentRequest, context: grpc.ServicerContext
    ) -> ledger_pb2.RecordEquipmentEventResponse:
        return self._record_event(
            request.name,
            request.actor,
            request.request_id,
            EquipmentEventKind.SCRAPPING,
            lambda problems: ec.scrapping_from_proto(problems, request.scrapping, request.HasField("scrapping")),
        )

    def TransferEquipment(
        self, request: ledger_pb2.TransferEquipmentRequest, context: grpc.ServicerContext
    ) -> ledger_pb2.RecordEquipmentEventResponse:
        return self._record_event(
            request.name,
            request.actor,
            request.request_id,
            EquipmentEventKind.TRANSFER,
            lambda problems: ec.transfer_from_proto(problems, request.transfer, request.HasField("transfer")),
        )

    def RectifyAccident(
        self, request: ledger_pb2.RectifyAccidentRequest, context: grpc.ServicerContext
    ) -> ledger_pb2.EquipmentEvent:
        def close(event: EquipmentEvent, day: dt.date, actor: str, version: int) -> EquipmentEvent:
            return event_use_cases.rectify_accident(
                self._sdk, event.id, rectified_on=day, actor=actor, expected_version=version
            )

        return self._events.close_followup(
            current_principal(),
            request.name,
            etag=request.etag,
            day_text=request.rectified_on,
            day_field="rectified_on",
            changed_field="rectified_on",
            person=request.actor,
            writable=access.require_unit_write,
            close=close,
        )

    def RecordChangeRegistration(
        self, request: ledger_pb2.RecordChangeRegistrationRequest, context: grpc.ServicerContext
    ) -> ledger_pb2.EquipmentEvent:
        def close(event: EquipmentEvent, day: dt.date, actor: str, version: int) -> EquipmentEvent:
            return event_use_cases.record_change_registration(
                self._sdk, event.id, registered_on=day, actor=actor, expected_version=version
            )

        return self._events.close_followup(
            current_principal(),
            request.name,
            etag=request.etag,
            day_text=request.registered_on,
            day_field="registered_on",
            changed_field="change_registered_on",
            person=request.actor,
            writable=access.require_unit_write,
            close=close,
        )

    def ListEquipmentEvents(
        self, request: ledger_pb2.ListEquipmentEventsRequest, context: grpc.ServicerContext
    ) -> ledger_pb2.ListEquipmentEventsResponse:
        principal = current_principal()
        uscc, equipment_id = convert.parse_equipment_name(request.parent, "parent")
        return self._events.list_events(self._readable_equipment(principal, uscc, equipment_id), request)

    def GetEquipmentUsability(
        self, request: ledger_pb2.GetEquipmentUsabilityRequest, context: grpc.ServicerContext
    ) -> ledger_pb2.EquipmentUsability:
        principal = current_principal()
        if not request.name.endswith("/usability"):
            raise InvalidArgument.single(
                "name", request.name, "name.format", "expected units/{uscc}/equipment/{equipment}/usability"
            )
        uscc, equipment_id = convert.parse_equipment_name(request.name.removesuffix("/usability"), "name")
        return self._events.usability(self._readable_equipment(principal, uscc, equipment_id))

    # -- import -----------------------------------------------------------------------------------------------

    def ImportLedger(
        self, request_iterator: Iterator[ledger_pb2.ImportLedgerRequest], context: grpc.ServicerContext
    ) -> ledger_pb2.ImportLedgerResponse:
        return import_ledger_call(self._sdk, request_iterator)
