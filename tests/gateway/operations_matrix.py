"""Authorization matrix rows of the ledger import, risk, inspection, duty and personnel RPCs.

``test_gateway_authorization_matrix`` adds these to its MATRIX (every RPC × every principal kind); kept apart
from ``gateway_support`` so the services added at the same time do not edit one table. A client-streaming RPC
is called with one message, which is what a unary call puts on the wire.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import grpc
from dualprev_gateway._generated.dualprev.v1 import (
    common_pb2,
    emergency_pb2,
    inspections_pb2,
    investigation_pb2,
    ledger_pb2,
    personnel_pb2,
    risk_pb2,
)
from gateway_support import UNIT_A
from google.protobuf import message

from dualprev_sdk.access import PrincipalKind

OK, DENIED, NOT_FOUND = grpc.StatusCode.OK, grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.NOT_FOUND
E, R, A, D = PrincipalKind.ENTERPRISE, PrincipalKind.REGULATOR, PrincipalKind.AGENCY, PrincipalKind.DATACENTER
UNIT = f"units/{UNIT_A}"
LIFT = f"{UNIT}/equipment/ea1"
#: The seed has no risk points: a point outside the seed is PERMISSION_DENIED to all but the data centre
#: (NOT_FOUND), exactly as an out-of-scope one (AIP-211); test_gateway_risk proves the allowed paths on real points.
NO_POINT = "riskPoints/RP-not-in-the-seed"
ONLY_DATACENTER_SEES_ABSENCE = {E: DENIED, R: DENIED, A: DENIED, D: NOT_FOUND}
UNIT_READERS = {E: OK, R: OK, A: DENIED, D: OK}
ONLY_THE_UNIT = {E: OK, R: DENIED, A: DENIED, D: DENIED}
REGION = "regions/4101"  # the regulator's own region


def _report(kind: int, report_number: str = "") -> inspections_pb2.Inspection:
    return inspections_pb2.Inspection(
        kind=kind,  # type: ignore[arg-type]
        inspected_on=(dt.date.today() - dt.timedelta(days=2)).isoformat(),
        conclusion=inspections_pb2.INSPECTION_CONCLUSION_PASSED,
        report_number=report_number,
    )


_LEDGER_CSV = (
    "使用单位名称,统一社会信用代码,所在地区(行政区划代码),设备品种(代码),单位内编号,设备名称\n"
    f"郑州示例电梯使用单位,{UNIT_A},410102,3110,DT-9,9号客梯\n"
).encode()

OPERATIONS_MATRIX: dict[str, tuple[Callable[[], message.Message], dict[PrincipalKind, grpc.StatusCode]]] = {
    "/dualprev.v1.LedgerService/ImportLedger": (
        lambda: ledger_pb2.ImportLedgerRequest(parent=UNIT, filename="台账.csv", dry_run=True, chunk=_LEDGER_CSV),
        {E: OK, R: DENIED, A: DENIED, D: DENIED},
    ),
    "/dualprev.v1.RiskService/IdentifyRisks": (
        lambda: risk_pb2.IdentifyRisksRequest(parent=UNIT),
        ONLY_THE_UNIT,
    ),
    "/dualprev.v1.RiskService/GetRiskPoint": (
        lambda: risk_pb2.GetRiskPointRequest(name=NO_POINT),
        ONLY_DATACENTER_SEES_ABSENCE,
    ),
    "/dualprev.v1.RiskService/ListRiskPoints": (
        lambda: risk_pb2.ListRiskPointsRequest(parent=UNIT),
        UNIT_READERS,  # an agency reads the points of equipment it inspects, not the unit's whole list
    ),
    "/dualprev.v1.RiskService/CreateRiskPoint": (
        lambda: risk_pb2.CreateRiskPointRequest(
            parent=UNIT,
            risk_point=risk_pb2.RiskPoint(
                equipment=LIFT,
                component="轿厢",
                hazard_factor="轿厢照明不足",
                level=common_pb2.RISK_LEVEL_MAJOR,
                measures=risk_pb2.ControlMeasures(management=["每日检查照明"]),
            ),
        ),
        ONLY_THE_UNIT,
    ),
    "/dualprev.v1.RiskService/UpdateRiskPoint": (
        lambda: risk_pb2.UpdateRiskPointRequest(risk_point=risk_pb2.RiskPoint(name=NO_POINT, component="x")),
        ONLY_DATACENTER_SEES_ABSENCE,
    ),
    "/dualprev.v1.RiskService/RegradeRiskPoint": (
        lambda: risk_pb2.RegradeRiskPointRequest(name=NO_POINT, method="lec", reason="复评"),
        ONLY_DATACENTER_SEES_ABSENCE,
    ),
    "/dualprev.v1.RiskService/DeleteRiskPoint": (
        lambda: risk_pb2.DeleteRiskPointRequest(name=NO_POINT, reason="不再适用"),
        ONLY_DATACENTER_SEES_ABSENCE,
    ),
    "/dualprev.v1.RiskService/ListRiskPointVersions": (
        lambda: risk_pb2.ListRiskPointVersionsRequest(name=NO_POINT),
        ONLY_DATACENTER_SEES_ABSENCE,
    ),
    "/dualprev.v1.RiskService/GetControlList": (
        lambda: risk_pb2.GetControlListRequest(parent=UNIT),
        UNIT_READERS,
    ),
    "/dualprev.v1.RiskService/ExportControlList": (
        lambda: risk_pb2.ExportControlListRequest(parent=UNIT, format=risk_pb2.CONTROL_LIST_FORMAT_CSV),
        UNIT_READERS,
    ),
    "/dualprev.v1.RiskService/RenderNotificationCard": (
        lambda: risk_pb2.RenderNotificationCardRequest(equipment=LIFT),
        {E: OK, R: OK, A: OK, D: OK},  # the agency inspects ea1
    ),
    "/dualprev.v1.RiskService/RenderRiskMap": (
        lambda: risk_pb2.RenderRiskMapRequest(parent=UNIT),
        UNIT_READERS,
    ),
    "/dualprev.v1.InspectionService/RecordInspection": (  # an annual check needs no agency: E and A both may
        lambda: inspections_pb2.RecordInspectionRequest(
            parent=LIFT, inspection=_report(inspections_pb2.INSPECTION_KIND_ANNUAL_CHECK)
        ),
        {E: OK, R: DENIED, A: OK, D: DENIED},
    ),
    "/dualprev.v1.InspectionService/GetInspectionValidity": (
        lambda: inspections_pb2.GetInspectionValidityRequest(name=LIFT),
        {E: OK, R: OK, A: OK, D: OK},
    ),
    "/dualprev.v1.InspectionService/ListInspectionReminders": (
        lambda: inspections_pb2.ListInspectionRemindersRequest(parent=UNIT),
        UNIT_READERS,
    ),
    "/dualprev.v1.InspectionService/GetOverdueListing": (
        lambda: inspections_pb2.GetOverdueListingRequest(parent=REGION),
        {E: DENIED, R: OK, A: DENIED, D: OK},  # an enterprise lists its own unit (`units/{uscc}`)
    ),
    "/dualprev.v1.InspectionService/SweepOverdueInspections": (
        lambda: inspections_pb2.SweepOverdueInspectionsRequest(parent=REGION),
        {E: DENIED, R: OK, A: DENIED, D: DENIED},
    ),
    "/dualprev.v1.InspectionService/SubmitAgencyFindings": (
        lambda: inspections_pb2.SubmitAgencyFindingsRequest(
            parent=LIFT, inspection=_report(inspections_pb2.INSPECTION_KIND_PERIODIC, "AG1-M-1")
        ),
        {E: DENIED, R: DENIED, A: OK, D: DENIED},  # AG1 inspects ea1
    ),
    "/dualprev.v1.InspectionService/ListRegulatorNotices": (
        lambda: inspections_pb2.ListRegulatorNoticesRequest(parent=REGION),
        {E: DENIED, R: OK, A: DENIED, D: OK},
    ),
    "/dualprev.v1.InvestigationService/CreateDutyPlan": (
        lambda: investigation_pb2.CreateDutyPlanRequest(
            parent=UNIT,
            duty_plan=investigation_pb2.DutyPlan(
                kind=investigation_pb2.DUTY_KIND_DAILY_CONTROL, starts_on="2026-01-01"
            ),
        ),
        ONLY_THE_UNIT,
    ),
    "/dualprev.v1.InvestigationService/ListDutyPlans": (
        lambda: investigation_pb2.ListDutyPlansRequest(parent=UNIT),
        UNIT_READERS,
    ),
    "/dualprev.v1.InvestigationService/DeactivateDutyPlan": (
        lambda: investigation_pb2.DeactivateDutyPlanRequest(name="dutyPlans/not-in-the-seed", reason="停用"),
        ONLY_DATACENTER_SEES_ABSENCE,
    ),
    "/dualprev.v1.InvestigationService/GenerateDutyTasks": (  # the seed has no plans: nothing owed, still allowed
        lambda: investigation_pb2.GenerateDutyTasksRequest(parent=UNIT, start_date="2026-01-01", end_date="2026-01-31"),
        ONLY_THE_UNIT,
    ),
    "/dualprev.v1.InvestigationService/ListDutyTasks": (
        lambda: investigation_pb2.ListDutyTasksRequest(parent=UNIT),
        UNIT_READERS,
    ),
    "/dualprev.v1.InvestigationService/ListDutyTaskItems": (
        lambda: investigation_pb2.ListDutyTaskItemsRequest(name="dutyTasks/not-in-the-seed"),
        ONLY_DATACENTER_SEES_ABSENCE,
    ),
    "/dualprev.v1.InvestigationService/RecordDuty": (
        lambda: investigation_pb2.RecordDutyRequest(name="dutyTasks/not-in-the-seed", recorded_by="李四"),
        ONLY_DATACENTER_SEES_ABSENCE,
    ),
    "/dualprev.v1.InvestigationService/ListMissedDuties": (
        lambda: investigation_pb2.ListMissedDutiesRequest(parent=REGION),
        {E: DENIED, R: OK, A: DENIED, D: OK},  # an enterprise lists its own unit's
    ),
    "/dualprev.v1.InvestigationService/RenderWeeklyReport": (
        lambda: investigation_pb2.RenderWeeklyReportRequest(parent=UNIT, week="2026-W10"),
        UNIT_READERS,
    ),
    "/dualprev.v1.InvestigationService/RenderMonthlyMinutes": (
        lambda: investigation_pb2.RenderMonthlyMinutesRequest(parent=UNIT, month="2026-03"),
        UNIT_READERS,
    ),
    "/dualprev.v1.PersonnelService/CreatePerson": (
        lambda: personnel_pb2.CreatePersonRequest(parent=UNIT, person=personnel_pb2.Person(display_name="王安全")),
        ONLY_THE_UNIT,
    ),
    "/dualprev.v1.PersonnelService/GetPerson": (  # the name says the unit: scope first, then NOT_FOUND
        lambda: personnel_pb2.GetPersonRequest(name=f"{UNIT}/people/not-in-the-seed"),
        {E: NOT_FOUND, R: NOT_FOUND, A: DENIED, D: NOT_FOUND},
    ),
    "/dualprev.v1.PersonnelService/ListPeople": (
        lambda: personnel_pb2.ListPeopleRequest(parent=UNIT),
        UNIT_READERS,
    ),
    "/dualprev.v1.PersonnelService/UpdatePerson": (
        lambda: personnel_pb2.UpdatePersonRequest(
            person=personnel_pb2.Person(name=f"{UNIT}/people/not-in-the-seed", phone="13800000000")
        ),
        {E: NOT_FOUND, R: DENIED, A: DENIED, D: DENIED},
    ),
    "/dualprev.v1.PersonnelService/RecordTraining": (
        lambda: personnel_pb2.RecordTrainingRequest(
            parent=UNIT, training_record=personnel_pb2.TrainingRecord(topic="应急演练", held_on="2026-03-01", hours=2)
        ),
        ONLY_THE_UNIT,
    ),
    "/dualprev.v1.PersonnelService/ListTrainingRecords": (
        lambda: personnel_pb2.ListTrainingRecordsRequest(parent=UNIT),
        UNIT_READERS,
    ),
    "/dualprev.v1.PersonnelService/SetSafetySetup": (
        lambda: personnel_pb2.SetSafetySetupRequest(
            safety_setup=personnel_pb2.SafetySetup(name=f"{UNIT}/safetySetup", has_organisation=True)
        ),
        ONLY_THE_UNIT,
    ),
    "/dualprev.v1.PersonnelService/CheckPersonnelCompliance": (
        lambda: personnel_pb2.CheckPersonnelComplianceRequest(parent=UNIT),
        UNIT_READERS,
    ),
    "/dualprev.v1.EmergencyService/CreateEmergencyPlan": (
        lambda: emergency_pb2.CreateEmergencyPlanRequest(
            parent=UNIT, emergency_plan=emergency_pb2.EmergencyPlan(title="综合应急预案", approved_on="2026-01-10")
        ),
        ONLY_THE_UNIT,
    ),
    "/dualprev.v1.EmergencyService/ListEmergencyPlans": (
        lambda: emergency_pb2.ListEmergencyPlansRequest(parent=UNIT),
        UNIT_READERS,
    ),
    "/dualprev.v1.EmergencyService/ReviewEmergencyPlan": (  # the name says the unit: scope first, then NOT_FOUND
        lambda: emergency_pb2.ReviewEmergencyPlanRequest(
            name=f"{UNIT}/emergencyPlans/not-in-the-seed", reviewed_on="2026-03-01"
        ),
        {E: NOT_FOUND, R: DENIED, A: DENIED, D: DENIED},
    ),
    "/dualprev.v1.EmergencyService/RecordEmergencyDrill": (  # no plan in the seed: past authorization, then refused
        lambda: emergency_pb2.RecordEmergencyDrillRequest(
            parent=UNIT,
            emergency_drill=emergency_pb2.EmergencyDrill(
                emergency_plan=f"{UNIT}/emergencyPlans/not-in-the-seed", held_on="2026-03-01", scenario="困人解救"
            ),
        ),
        {E: NOT_FOUND, R: DENIED, A: DENIED, D: DENIED},
    ),
    "/dualprev.v1.EmergencyService/ListEmergencyDrills": (
        lambda: emergency_pb2.ListEmergencyDrillsRequest(parent=UNIT),
        UNIT_READERS,
    ),
    "/dualprev.v1.EmergencyService/CheckUnitEmergency": (
        lambda: emergency_pb2.CheckUnitEmergencyRequest(parent=UNIT),
        UNIT_READERS,
    ),
}
