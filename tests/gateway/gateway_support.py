"""Constants and helpers shared by the gateway tests (imported by conftest and the test modules)."""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
from collections.abc import Callable

import dualprev_gateway._generated.dualprev.v1 as contract
import grpc
from dualprev_gateway._generated.dualprev.v1 import (
    credit_pb2,
    elevator_emergency_pb2,
    supervision_pb2,
    traceability_pb2,
)
from google.protobuf import message, message_factory, timestamp_pb2

from dualprev_sdk.access import PrincipalKind, issue_api_key
from dualprev_sdk.services.bootstrap import Dualprev

UNIT_A = "91410102MA9000003Q"  # 郑州市中原区
UNIT_B = "91410202MA9000003X"  # 开封市龙亭区
UNIT_NEW = "91410105MA90000034"  # 郑州市金水区, not in the seed
AGENCY = "AG1"
SCOPES = {
    PrincipalKind.ENTERPRISE: UNIT_A,
    PrincipalKind.REGULATOR: "4101",
    PrincipalKind.AGENCY: AGENCY,
    PrincipalKind.DATACENTER: "*",
}


def bearer(token: str) -> tuple[tuple[str, str], ...]:
    return (("authorization", f"Bearer {token}"),)


def _contract_methods() -> dict[str, tuple[type[message.Message], type[message.Message], bool]]:
    """Every RPC of every service in every proto file of the contract: path → (request, response, streaming)."""
    methods = {}
    for module_info in pkgutil.iter_modules(contract.__path__):
        if not module_info.name.endswith("_pb2"):
            continue
        module = importlib.import_module(f"{contract.__name__}.{module_info.name}")
        for service in module.DESCRIPTOR.services_by_name.values():
            for method in service.methods:
                methods[f"/{service.full_name}/{method.name}"] = (
                    message_factory.GetMessageClass(method.input_type),
                    message_factory.GetMessageClass(method.output_type),
                    method.server_streaming,
                )
    return methods


#: Every RPC of the contract: ``/package.Service/Method`` → (request class, response class, server streaming).
CONTRACT = _contract_methods()


#: Callers just outside the seed's scopes: 开封's regulator and the 开封 unit (UNIT_B).
OUTSIDERS = {"regulator-4102": (PrincipalKind.REGULATOR, "4102"), "enterprise-B": (PrincipalKind.ENTERPRISE, UNIT_B)}


def outsider_tokens(sdk: Dualprev) -> dict[str, str]:
    """Issue keys for :data:`OUTSIDERS` in the test's database; label → token."""
    tokens = {}
    with sdk.uow() as uow:
        for label, (kind, scope) in OUTSIDERS.items():
            issued = issue_api_key(kind, scope, label=label)
            uow.api_keys.add(issued.key)
            tokens[label] = issued.token
        uow.commit()
    return tokens


# -- authorization matrix rows of the traceability, 96333, credit and supervision services -----------------------
#: method → (request, expected code per principal kind); test_gateway_authorization_matrix adds these to its
#: MATRIX. The seed has no cylinders, incidents or blacklist entries: a name outside the seed is answered
#: PERMISSION_DENIED to everyone but the data centre (NOT_FOUND), exactly as for an out-of-scope one (AIP-211);
#: the per-service tests prove the allowed paths on real records of each kind.

_OK, _DENIED, _NOT_FOUND = grpc.StatusCode.OK, grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.NOT_FOUND
_E, _R, _A, _D = PrincipalKind.ENTERPRISE, PrincipalKind.REGULATOR, PrincipalKind.AGENCY, PrincipalKind.DATACENTER
_UNIT = f"units/{UNIT_A}"
_ONLY_DATACENTER_SEES_ABSENCE = {_E: _DENIED, _R: _DENIED, _A: _DENIED, _D: _NOT_FOUND}


def _now() -> timestamp_pb2.Timestamp:
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(dt.datetime.now(dt.UTC))
    return stamp


def _fill() -> traceability_pb2.Fill:
    return traceability_pb2.Fill(
        cylinder="cylinders/M-1", station=_UNIT, filler_id="f-1", medium="液化石油气", fill_time=_now()
    )


CAPABILITY_MATRIX: dict[str, tuple[Callable[[], message.Message], dict[PrincipalKind, grpc.StatusCode]]] = {
    "/dualprev.v1.TraceabilityService/RegisterCylinders": (
        lambda: traceability_pb2.RegisterCylindersRequest(
            parent=_UNIT, cylinders=[traceability_pb2.Cylinder(tag="M-1", medium="液化石油气", catalog_code="2320")]
        ),
        {_E: _OK, _R: _DENIED, _A: _DENIED, _D: _DENIED},
    ),
    "/dualprev.v1.TraceabilityService/GetCylinder": (
        lambda: traceability_pb2.GetCylinderRequest(name="cylinders/M-1"),
        _ONLY_DATACENTER_SEES_ABSENCE,
    ),
    "/dualprev.v1.TraceabilityService/TraceCylinder": (
        lambda: traceability_pb2.TraceCylinderRequest(name="cylinders/M-1"),
        _ONLY_DATACENTER_SEES_ABSENCE,
    ),
    "/dualprev.v1.TraceabilityService/RecordFill": (  # refused (not registered): an answer, not an error
        lambda: traceability_pb2.RecordFillRequest(fill=_fill()),
        {_E: _OK, _R: _DENIED, _A: _DENIED, _D: _DENIED},
    ),
    "/dualprev.v1.TraceabilityService/RecordFills": (  # one message on the client stream
        lambda: traceability_pb2.RecordFillsRequest(fills=[_fill()]),
        {_E: _OK, _R: _DENIED, _A: _DENIED, _D: _DENIED},
    ),
    "/dualprev.v1.TraceabilityService/RecordCylinderFlow": (
        lambda: traceability_pb2.RecordCylinderFlowRequest(
            name="cylinders/M-1", kind=traceability_pb2.CYLINDER_EVENT_KIND_DISPATCHED, event_time=_now()
        ),
        _ONLY_DATACENTER_SEES_ABSENCE,
    ),
    "/dualprev.v1.TraceabilityService/RecordCylinderInspection": (
        lambda: traceability_pb2.RecordCylinderInspectionRequest(
            name="cylinders/M-1", inspected_on="2026-03-01", conclusion="合格", next_due="2030-03-01"
        ),
        _ONLY_DATACENTER_SEES_ABSENCE,
    ),
    "/dualprev.v1.TraceabilityService/ScrapCylinder": (
        lambda: traceability_pb2.ScrapCylinderRequest(name="cylinders/M-1", scrapped_on="2026-03-01", reason="腐蚀"),
        _ONLY_DATACENTER_SEES_ABSENCE,
    ),
    "/dualprev.v1.TraceabilityService/ListCylinderWarnings": (
        lambda: traceability_pb2.ListCylinderWarningsRequest(parent=_UNIT),
        {_E: _OK, _R: _OK, _A: _DENIED, _D: _OK},
    ),
    "/dualprev.v1.TraceabilityService/RecordLoading": (  # ea1 is a lift, not a 22xx vessel: past authorization
        lambda: traceability_pb2.RecordLoadingRequest(
            equipment=f"{_UNIT}/equipment/ea1", station=_UNIT, operator_id="op-1", medium="LNG", loading_time=_now()
        ),
        {_E: grpc.StatusCode.INVALID_ARGUMENT, _R: _DENIED, _A: _DENIED, _D: _DENIED},
    ),
    "/dualprev.v1.ElevatorEmergencyService/RegisterRescueCode": (
        lambda: elevator_emergency_pb2.RegisterRescueCodeRequest(
            equipment=f"{_UNIT}/equipment/ea1", rescue_code="410123"
        ),
        {_E: _OK, _R: _OK, _A: _DENIED, _D: _DENIED},
    ),
    "/dualprev.v1.ElevatorEmergencyService/OpenRescueIncident": (  # the seed's lift has no code yet
        lambda: elevator_emergency_pb2.OpenRescueIncidentRequest(
            region_code="410102", rescue_code="410123", call_time=_now()
        ),
        {_E: _DENIED, _R: _NOT_FOUND, _A: _DENIED, _D: _DENIED},
    ),
    "/dualprev.v1.ElevatorEmergencyService/RecordRescueProgress": (
        lambda: elevator_emergency_pb2.RecordRescueProgressRequest(
            name="rescueIncidents/ri-1", step=elevator_emergency_pb2.RESCUE_STEP_ARRIVED, step_time=_now()
        ),
        _ONLY_DATACENTER_SEES_ABSENCE,
    ),
    "/dualprev.v1.ElevatorEmergencyService/GetRescueIncident": (
        lambda: elevator_emergency_pb2.GetRescueIncidentRequest(name="rescueIncidents/ri-1"),
        _ONLY_DATACENTER_SEES_ABSENCE,
    ),
    "/dualprev.v1.ElevatorEmergencyService/ListIncidentsAwaitingRedispatch": (
        lambda: elevator_emergency_pb2.ListIncidentsAwaitingRedispatchRequest(region_code="4101"),
        {_E: _DENIED, _R: _OK, _A: _DENIED, _D: _OK},
    ),
    "/dualprev.v1.ElevatorEmergencyService/GetRescueKpis": (
        lambda: elevator_emergency_pb2.GetRescueKpisRequest(
            region_code="410102", start_time=timestamp_pb2.Timestamp(seconds=1_767_225_600), end_time=_now()
        ),
        {_E: _DENIED, _R: _OK, _A: _DENIED, _D: _OK},
    ),
    "/dualprev.v1.ElevatorEmergencyService/GetFaultCounts": (
        lambda: elevator_emergency_pb2.GetFaultCountsRequest(equipment=f"{_UNIT}/equipment/ea1"),
        {_E: _OK, _R: _OK, _A: _OK, _D: _OK},  # the agency inspects ea1
    ),
    "/dualprev.v1.ElevatorEmergencyService/SweepFaults": (
        lambda: elevator_emergency_pb2.SweepFaultsRequest(region_code="4101"),
        {_E: _DENIED, _R: _OK, _A: _DENIED, _D: _DENIED},
    ),
    "/dualprev.v1.ElevatorEmergencyService/RecordMaintenance": (
        lambda: elevator_emergency_pb2.RecordMaintenanceRequest(
            record=elevator_emergency_pb2.MaintenanceRecord(
                equipment=f"{_UNIT}/equipment/ea1", performed_on="2026-03-01", maintenance_unit="维保公司"
            )
        ),
        {_E: _OK, _R: _DENIED, _A: _DENIED, _D: _DENIED},
    ),
    "/dualprev.v1.ElevatorEmergencyService/ListOverdueMaintenance": (
        lambda: elevator_emergency_pb2.ListOverdueMaintenanceRequest(region_code="4101"),
        {_E: _DENIED, _R: _OK, _A: _DENIED, _D: _OK},
    ),
    "/dualprev.v1.CreditService/CreateCreditRecord": (
        lambda: credit_pb2.CreateCreditRecordRequest(
            parent=_UNIT,
            record=credit_pb2.CreditRecord(
                kind=credit_pb2.CREDIT_RECORD_KIND_ADMINISTRATIVE_PENALTY, occurred_on="2026-03-01", source="郑州市局"
            ),
        ),
        {_E: _DENIED, _R: _OK, _A: _DENIED, _D: _DENIED},
    ),
    "/dualprev.v1.CreditService/ListCreditRecords": (
        lambda: credit_pb2.ListCreditRecordsRequest(parent=_UNIT),
        {_E: _OK, _R: _OK, _A: _DENIED, _D: _OK},
    ),
    "/dualprev.v1.CreditService/ClassifyUnit": (
        lambda: credit_pb2.ClassifyUnitRequest(name=_UNIT),
        {_E: _OK, _R: _OK, _A: _DENIED, _D: _OK},
    ),
    "/dualprev.v1.CreditService/IssueCreditClass": (
        lambda: credit_pb2.IssueCreditClassRequest(
            name=_UNIT, credit_class=credit_pb2.CREDIT_CLASS_B, issued_on="2026-03-01", authority="郑州市局"
        ),
        {_E: _DENIED, _R: _OK, _A: _DENIED, _D: _DENIED},
    ),
    "/dualprev.v1.CreditService/DeriveCreditRecords": (
        lambda: credit_pb2.DeriveCreditRecordsRequest(region_code="4101"),
        {_E: _DENIED, _R: _OK, _A: _DENIED, _D: _DENIED},
    ),
    "/dualprev.v1.CreditService/SweepBlacklist": (
        lambda: credit_pb2.SweepBlacklistRequest(region_code="4101"),
        {_E: _DENIED, _R: _OK, _A: _DENIED, _D: _DENIED},
    ),
    "/dualprev.v1.CreditService/GetBlacklistEntry": (
        lambda: credit_pb2.GetBlacklistEntryRequest(name="blacklistEntries/BL-1"),
        _ONLY_DATACENTER_SEES_ABSENCE,
    ),
    "/dualprev.v1.CreditService/ListBlacklistEntries": (
        lambda: credit_pb2.ListBlacklistEntriesRequest(parent="units/-"),
        {_E: _OK, _R: _OK, _A: _OK, _D: _OK},  # filtered to the scope (an agency's holds none), never refused
    ),
    "/dualprev.v1.CreditService/ApplyForCreditRepair": (
        lambda: credit_pb2.ApplyForCreditRepairRequest(name="blacklistEntries/BL-1", applied_on="2026-03-01"),
        _ONLY_DATACENTER_SEES_ABSENCE,
    ),
    "/dualprev.v1.CreditService/DecideCreditRepair": (
        lambda: credit_pb2.DecideCreditRepairRequest(name="blacklistEntries/BL-1", approved=True),
        _ONLY_DATACENTER_SEES_ABSENCE,
    ),
    "/dualprev.v1.CreditService/ListBlacklistPublication": (  # public once published
        lambda: credit_pb2.ListBlacklistPublicationRequest(region_code="41"),
        {_E: _OK, _R: _OK, _A: _OK, _D: _OK},
    ),
    "/dualprev.v1.SupervisionService/PlanSupervision": (
        lambda: supervision_pb2.PlanSupervisionRequest(region_code="4101", year=2026),
        {_E: _DENIED, _R: _OK, _A: _DENIED, _D: _DENIED},
    ),
    "/dualprev.v1.SupervisionService/GetSupervisionPlan": (  # none planned in the seed
        lambda: supervision_pb2.GetSupervisionPlanRequest(name="regions/4101/supervisionPlans/2026"),
        {_E: _DENIED, _R: _NOT_FOUND, _A: _DENIED, _D: _NOT_FOUND},
    ),
    "/dualprev.v1.SupervisionService/AddInspector": (
        lambda: supervision_pb2.AddInspectorRequest(
            region_code="4101", inspector_id="insp-1", inspector=supervision_pb2.Inspector(display_name="执法员甲")
        ),
        {_E: _DENIED, _R: _OK, _A: _DENIED, _D: _DENIED},
    ),
    "/dualprev.v1.SupervisionService/ListInspectors": (
        lambda: supervision_pb2.ListInspectorsRequest(region_code="4101"),
        {_E: _DENIED, _R: _OK, _A: _DENIED, _D: _OK},
    ),
    "/dualprev.v1.SupervisionService/DrawInspections": (  # an empty roster cannot staff a team: past authorization
        lambda: supervision_pb2.DrawInspectionsRequest(region_code="4101", seed=20260301),
        {_E: _DENIED, _R: grpc.StatusCode.FAILED_PRECONDITION, _A: _DENIED, _D: _DENIED},
    ),
    "/dualprev.v1.SupervisionService/GetSamplingDraw": (
        lambda: supervision_pb2.GetSamplingDrawRequest(name="samplingDraws/dr-1"),
        _ONLY_DATACENTER_SEES_ABSENCE,
    ),
    "/dualprev.v1.SupervisionService/VerifySamplingDraw": (
        lambda: supervision_pb2.VerifySamplingDrawRequest(name="samplingDraws/dr-1"),
        _ONLY_DATACENTER_SEES_ABSENCE,
    ),
    "/dualprev.v1.SupervisionService/RecordDrawResult": (
        lambda: supervision_pb2.RecordDrawResultRequest(
            name="samplingDraws/dr-1",
            result=supervision_pb2.DrawResult(
                unit=_UNIT, outcome=supervision_pb2.INSPECTION_OUTCOME_NO_PROBLEM, inspected_on="2026-03-01"
            ),
        ),
        _ONLY_DATACENTER_SEES_ABSENCE,
    ),
    "/dualprev.v1.SupervisionService/PublishSamplingDraw": (
        lambda: supervision_pb2.PublishSamplingDrawRequest(name="samplingDraws/dr-1"),
        _ONLY_DATACENTER_SEES_ABSENCE,
    ),
    "/dualprev.v1.SupervisionService/ListPublishedResults": (  # public once published
        lambda: supervision_pb2.ListPublishedResultsRequest(region_code="41"),
        {_E: _OK, _R: _OK, _A: _OK, _D: _OK},
    ),
    "/dualprev.v1.SupervisionService/DetectWidespreadHazards": (
        lambda: supervision_pb2.DetectWidespreadHazardsRequest(region_code="4101"),
        {_E: _DENIED, _R: _OK, _A: _DENIED, _D: _DENIED},
    ),
    "/dualprev.v1.SupervisionService/ListWidespreadAlerts": (
        lambda: supervision_pb2.ListWidespreadAlertsRequest(region_code="4101"),
        {_E: _DENIED, _R: _OK, _A: _DENIED, _D: _OK},
    ),
    "/dualprev.v1.SupervisionService/GetRegionalStatistics": (
        lambda: supervision_pb2.GetRegionalStatisticsRequest(region_code="4101"),
        {_E: _DENIED, _R: _OK, _A: _DENIED, _D: _OK},
    ),
}
