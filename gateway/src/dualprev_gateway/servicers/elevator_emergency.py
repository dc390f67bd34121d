"""ElevatorEmergencyService: the 96333 platform over ``dualprev_sdk.services.elevator_emergency``.

Thin: parse, authorise with ``access.require_capability`` (policy as data in ``access.CAPABILITY_ACTORS``), call
the SDK, translate back. A lift's name carries its unit, so scope is decided from the name before the lift is
looked up; an incident's name does not, so a missing incident looks like an out-of-scope one (PERMISSION_DENIED)
to everyone but the data centre (AIP-211). Region-wide reads and sweeps take a region code that must lie inside
the regulator's own region.
"""

from __future__ import annotations

import uuid

import attrs
import grpc

from dualprev_gateway import capability_convert as cc
from dualprev_gateway import convert
from dualprev_gateway._generated.dualprev.v1 import elevator_emergency_pb2 as pb
from dualprev_gateway._generated.dualprev.v1 import elevator_emergency_pb2_grpc
from dualprev_gateway.auth import current_principal
from dualprev_gateway.resource_scope import ScopeLookups, hidden_absence
from dualprev_sdk import timeutil
from dualprev_sdk.access import Capability, Principal, require_capability
from dualprev_sdk.domain.elevator_emergency import IncidentCause, MaintenanceRecord, RescueIncident
from dualprev_sdk.errors import InvalidArgument, NotFound
from dualprev_sdk.services import elevator_emergency as use_cases
from dualprev_sdk.services.bootstrap import Dualprev

__all__ = ["ElevatorEmergencyServicer"]

_CAUSE = (pb.IncidentCause, IncidentCause, "INCIDENT_CAUSE_")
_KINDS = ("half_monthly", "quarterly", "half_yearly", "yearly")


def incident_name(incident_id: str) -> str:
    return f"rescueIncidents/{incident_id}"


def _any_unit_equipment(equipment_id: str) -> str:
    return f"units/-/equipment/{equipment_id}"


class ElevatorEmergencyServicer(elevator_emergency_pb2_grpc.ElevatorEmergencyServiceServicer):
    def __init__(self, sdk: Dualprev) -> None:
        self._sdk = sdk
        self._scope = ScopeLookups(sdk)

    # -- helpers ----------------------------------------------------------------------------------------------------

    def _incident(self, principal: Principal, capability: Capability, name: str) -> tuple[RescueIncident, str]:
        """The named incident and its lift's unit (USCC), once the caller may act on that unit."""
        incident_id = cc.parse_simple_name(name, "rescueIncidents")
        try:
            incident = use_cases.get_incident(self._sdk, incident_id)
            uscc = self._sdk.ledger.get_equipment(incident.equipment_id).unit_uscc
        except NotFound as absent:
            raise hidden_absence(principal, name) or absent from None
        self._scope.require(principal, capability, uscc, resource=name)
        return incident, uscc

    @staticmethod
    def _incident_to_proto(incident: RescueIncident, uscc: str | None) -> pb.RescueIncident:
        """``uscc`` is the lift's unit; ``None`` (lift not found) names it under the ``-`` wildcard."""
        lift = (
            convert.equipment_name(uscc, incident.equipment_id)
            if uscc is not None
            else _any_unit_equipment(incident.equipment_id)
        )
        return pb.RescueIncident(
            name=incident_name(incident.id),
            equipment=lift,
            rescue_code=incident.rescue_code,
            call_time=cc.timestamp(incident.called_at),
            cause=cc.enum_to_proto(incident.cause, pb.IncidentCause, "INCIDENT_CAUSE_"),  # type: ignore[arg-type]
            trapped_persons=incident.trapped_persons,
            maintenance_unit=incident.maintenance_unit,
            dispatch_time=cc.timestamp(incident.dispatched_at),
            arrival_time=cc.timestamp(incident.arrived_at),
            release_time=cc.timestamp(incident.released_at),
            redispatched_to=incident.redispatched_to or "",
            redispatch_time=cc.timestamp(incident.redispatched_at),
            note=incident.note,
            etag=convert.etag_of(incident.version),
        )

    # -- codes and incidents ----------------------------------------------------------------------------------------

    def RegisterRescueCode(
        self, request: pb.RegisterRescueCodeRequest, context: grpc.ServicerContext
    ) -> pb.RegisterRescueCodeResponse:
        principal = current_principal()
        _, equipment_id = self._scope.equipment(
            principal, request.equipment, Capability.REGISTER_RESCUE_CODE, "equipment"
        )
        try:
            code = use_cases.register_rescue_code(self._sdk, equipment_id, request.rescue_code)
        except InvalidArgument as exc:
            raise convert.in_proto_terms(exc, "", {"equipment": "equipment_id"}) from None
        return pb.RegisterRescueCodeResponse(equipment=request.equipment, rescue_code=code)

    def OpenRescueIncident(
        self, request: pb.OpenRescueIncidentRequest, context: grpc.ServicerContext
    ) -> pb.RescueIncident:
        principal = current_principal()
        problems = convert.Violations()
        if not (len(request.region_code) == 6 and request.region_code.isdigit()):
            problems.add("region_code", request.region_code, "region.code", "a 6-digit GB/T 2260 region code")
        called_at = cc.to_datetime(problems, "call_time", request.call_time, request.HasField("call_time"))
        cause = cc.enum_from_proto(problems, "cause", request.cause, _CAUSE, required=False)
        if request.trapped_persons < 0:
            problems.add("trapped_persons", request.trapped_persons, "non_negative", "cannot be negative")
        if request.incident_id and not convert.EQUIPMENT_ID.match(request.incident_id):
            problems.add("incident_id", request.incident_id, "id.format", "1-63 of a-z 0-9 -, starting alphanumeric")
        if not request.rescue_code.strip():
            problems.add("rescue_code", request.rescue_code, "required", "the code read in the car is required")
        cc.max_length(problems, "rescue_code", request.rescue_code, 32)
        cc.max_length(problems, "maintenance_unit", request.maintenance_unit, 200)
        problems.raise_if_any()
        assert called_at is not None
        require_capability(
            principal,
            Capability.OPEN_RESCUE_INCIDENT,
            f"regions/{request.region_code}",
            region_code=request.region_code,
        )
        # The lift the code names must lie in the caller's region too (a county's platform answers its own lifts).
        rescue_code = request.rescue_code.strip()
        lift = use_cases.lift_for_code(self._sdk, region_code=request.region_code, rescue_code=rescue_code)
        self._scope.require(principal, Capability.OPEN_RESCUE_INCIDENT, lift.unit_uscc)
        # a retry with the same incident_id returns the first incident; the id on another call is ALREADY_EXISTS
        incident = use_cases.open_incident(
            self._sdk,
            rescue_code=rescue_code,
            region_code=request.region_code,
            called_at=called_at,
            cause=cause or IncidentCause.ENTRAPMENT,
            trapped_persons=request.trapped_persons,
            maintenance_unit=request.maintenance_unit,
            incident_id=request.incident_id or None,
        )
        return self._incident_to_proto(incident, lift.unit_uscc)

    def RecordRescueProgress(
        self, request: pb.RecordRescueProgressRequest, context: grpc.ServicerContext
    ) -> pb.RescueIncident:
        principal = current_principal()
        problems = convert.Violations()
        at = cc.to_datetime(problems, "step_time", request.step_time, request.HasField("step_time"))
        steps = (
            pb.RESCUE_STEP_DISPATCHED,
            pb.RESCUE_STEP_ARRIVED,
            pb.RESCUE_STEP_RELEASED,
            pb.RESCUE_STEP_REDISPATCHED,
        )
        if request.step not in steps:
            problems.add("step", request.step, "enum.known", "DISPATCHED, ARRIVED, RELEASED or REDISPATCHED")
        if request.step == pb.RESCUE_STEP_REDISPATCHED and not request.party.strip():
            problems.add("party", request.party, "required", "name the unit re-dispatched to")
        cc.max_length(problems, "party", request.party, 200)
        problems.raise_if_any()
        assert at is not None
        incident, uscc = self._incident(principal, Capability.RECORD_RESCUE_PROGRESS, request.name)
        try:
            if request.step == pb.RESCUE_STEP_DISPATCHED:
                updated = use_cases.record_dispatch(self._sdk, incident.id, at=at, maintenance_unit=request.party)
            elif request.step == pb.RESCUE_STEP_ARRIVED:
                updated = use_cases.record_arrival(self._sdk, incident.id, at=at)
            elif request.step == pb.RESCUE_STEP_RELEASED:
                updated = use_cases.record_release(self._sdk, incident.id, at=at)
            else:
                updated = use_cases.redispatch(self._sdk, incident.id, to=request.party, at=at)
        except InvalidArgument as exc:  # the SDK names its arguments; the client sent step_time and party
            renamed = {"dispatched_at": "step_time", "arrived_at": "step_time", "released_at": "step_time"}
            renamed |= {"redispatched_at": "step_time", "to": "party"}
            restated = [attrs.evolve(v, field=renamed.get(v.field, v.field)) for v in exc.violations]
            raise InvalidArgument(restated, reason=exc.reason, metadata=exc.metadata) from None
        return self._incident_to_proto(updated, uscc)

    def GetRescueIncident(
        self, request: pb.GetRescueIncidentRequest, context: grpc.ServicerContext
    ) -> pb.RescueIncident:
        principal = current_principal()
        return self._incident_to_proto(*self._incident(principal, Capability.READ_RESCUE_INCIDENT, request.name))

    def ListIncidentsAwaitingRedispatch(
        self, request: pb.ListIncidentsAwaitingRedispatchRequest, context: grpc.ServicerContext
    ) -> pb.ListIncidentsAwaitingRedispatchResponse:
        principal = current_principal()
        problems = convert.Violations()
        now = cc.to_datetime(problems, "as_of_time", request.as_of_time, request.HasField("as_of_time"), required=False)
        problems.raise_if_any()
        region = self._scope.region_wide(principal, request.region_code, Capability.READ_RESCUE_KPIS, "region_code")
        pending = use_cases.sweep_redispatch(self._sdk, now=now or timeutil.now(), region_prefix=region)
        units = use_cases.lift_units(self._sdk, {i.equipment_id for i in pending})
        return pb.ListIncidentsAwaitingRedispatchResponse(
            incidents=[self._incident_to_proto(i, units.get(i.equipment_id)) for i in pending]
        )

    def GetRescueKpis(self, request: pb.GetRescueKpisRequest, context: grpc.ServicerContext) -> pb.RescueKpis:
        principal = current_principal()
        problems = convert.Violations()
        start = cc.to_datetime(problems, "start_time", request.start_time, request.HasField("start_time"))
        end = cc.to_datetime(problems, "end_time", request.end_time, request.HasField("end_time"))
        if start is not None and end is not None and end <= start:
            problems.add("end_time", end.isoformat(), "range.order", "must be after start_time")
        problems.raise_if_any()
        assert start is not None
        assert end is not None
        region = self._scope.region_wide(principal, request.region_code, Capability.READ_RESCUE_KPIS, "region_code")
        kpis = use_cases.region_kpis(self._sdk, region_prefix=region, since=start, until=end)
        message = pb.RescueKpis(
            incident_count=kpis.incidents,
            arrived_count=kpis.arrived,
            arrived_within_limit_count=kpis.arrived_within_limit,
            trapped_persons=kpis.trapped_persons,
            redispatched_count=kpis.redispatched,
        )
        for field in (
            "arrival_rate_within_limit",
            "median_arrival_minutes",
            "mean_arrival_minutes",
            "median_release_minutes",
            "max_release_minutes",
        ):
            if (value := getattr(kpis, field)) is not None:
                setattr(message, field, value)
        return message

    # -- faults and maintenance -----------------------------------------------------------------------------------

    def GetFaultCounts(self, request: pb.GetFaultCountsRequest, context: grpc.ServicerContext) -> pb.FaultCounts:
        principal = current_principal()
        problems = convert.Violations()
        now = cc.to_datetime(problems, "as_of_time", request.as_of_time, request.HasField("as_of_time"), required=False)
        problems.raise_if_any()
        _, equipment_id = self._scope.equipment(principal, request.equipment, Capability.READ_FAULT_COUNTS, "equipment")
        counts = use_cases.fault_counts(self._sdk, equipment_id, now=now or timeutil.now())
        return pb.FaultCounts(
            equipment=request.equipment,
            fault_count=counts.faults,
            entrapment_count=counts.entrapments,
            window_days=counts.window_days,
            opens_hazard=counts.opens_hazard,
        )

    def SweepFaults(self, request: pb.SweepFaultsRequest, context: grpc.ServicerContext) -> pb.SweepFaultsResponse:
        principal = current_principal()
        region = self._scope.region_wide(principal, request.region_code, Capability.SWEEP_RESCUE, "region_code")
        result = use_cases.sweep_faults(self._sdk, now=timeutil.now(), region_prefix=region, actor=cc.actor(principal))
        return pb.SweepFaultsResponse(
            opened=[
                pb.OpenedFaultHazard(equipment=_any_unit_equipment(e), hazard=f"hazards/{h}") for e, h in result.opened
            ],
            examined_count=result.examined,
        )

    def RecordMaintenance(
        self, request: pb.RecordMaintenanceRequest, context: grpc.ServicerContext
    ) -> pb.MaintenanceRecord:
        principal = current_principal()
        record = request.record
        problems = convert.Violations()
        performed_on = cc.parse_date(problems, "record.performed_on", record.performed_on, required=True)
        if not record.maintenance_unit.strip():
            problems.add("record.maintenance_unit", record.maintenance_unit, "required", "name the maintenance unit")
        cc.max_length(problems, "record.maintenance_unit", record.maintenance_unit, 200)
        if record.kind and record.kind not in _KINDS:
            problems.add("record.kind", record.kind, "maintenance.kind", f"one of {', '.join(_KINDS)}")
        if record.record_id and not convert.EQUIPMENT_ID.match(record.record_id):
            problems.add("record.record_id", record.record_id, "id.format", "1-63 of a-z 0-9 -")
        problems.raise_if_any()
        assert performed_on is not None
        _, equipment_id = self._scope.equipment(
            principal, record.equipment, Capability.RECORD_MAINTENANCE, "record.equipment"
        )
        stored = MaintenanceRecord(
            id=record.record_id or f"mr-{uuid.uuid4().hex[:20]}",
            equipment_id=equipment_id,
            performed_on=performed_on,
            maintenance_unit=record.maintenance_unit.strip(),
            items=tuple(record.items),
            kind=record.kind or "half_monthly",
        )
        use_cases.record_maintenance(self._sdk, stored)
        return pb.MaintenanceRecord(
            record_id=stored.id,
            equipment=record.equipment,
            performed_on=performed_on.isoformat(),
            maintenance_unit=stored.maintenance_unit,
            items=list(stored.items),
            kind=stored.kind,
        )

    def ListOverdueMaintenance(
        self, request: pb.ListOverdueMaintenanceRequest, context: grpc.ServicerContext
    ) -> pb.ListOverdueMaintenanceResponse:
        principal = current_principal()
        day = cc.date_or_none(request.day, "day") or timeutil.today()
        region = self._scope.region_wide(principal, request.region_code, Capability.READ_RESCUE_KPIS, "region_code")
        rows, token = cc.keyset_page(
            lambda after, limit: use_cases.overdue_maintenance(
                self._sdk, day=day, region_prefix=region, after=after, limit=limit
            ),
            lambda row: row[0],
            request.page_size,
            request.page_token,
            region,
            day.isoformat(),
        )
        return pb.ListOverdueMaintenanceResponse(
            next_page_token=token,
            lifts=[
                pb.OverdueMaintenance(equipment=_any_unit_equipment(e), last_performed_on=cc.iso(last))
                for e, last in rows
            ],
        )
