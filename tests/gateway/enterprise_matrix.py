"""Authorization matrix rows of EnterpriseService (small units, dossier, five standards, parks, equipment risk).

``test_gateway_authorization_matrix`` adds these to its MATRIX (every RPC × every principal kind); kept apart so
the services added at the same time do not edit one table. The seed's unit UNIT_A (410102) lies in the
regulator's region 4101 and its lift ``ea1`` is inspected by the agency.
"""

from __future__ import annotations

from collections.abc import Callable

import grpc
from dualprev_gateway._generated.dualprev.v1 import enterprise_pb2, ledger_pb2
from gateway_support import UNIT_A
from google.protobuf import message

from dualprev_sdk.access import PrincipalKind

OK, DENIED = grpc.StatusCode.OK, grpc.StatusCode.PERMISSION_DENIED
E, R, A, D = PrincipalKind.ENTERPRISE, PrincipalKind.REGULATOR, PrincipalKind.AGENCY, PrincipalKind.DATACENTER
UNIT = f"units/{UNIT_A}"
LIFT = f"{UNIT}/equipment/ea1"
REGION = "regions/4101"  # the regulator's own region
UNIT_READERS = {E: OK, R: OK, A: DENIED, D: OK}
REGION_READERS = {E: DENIED, R: OK, A: DENIED, D: OK}
ONLY_THE_REGULATOR = {E: DENIED, R: OK, A: DENIED, D: DENIED}

ENTERPRISE_MATRIX: dict[str, tuple[Callable[[], message.Message], dict[PrincipalKind, grpc.StatusCode]]] = {
    "/dualprev.v1.EnterpriseService/SetUpSmallUnit": (
        lambda: enterprise_pb2.SetUpSmallUnitRequest(
            unit=ledger_pb2.Unit(
                uscc=UNIT_A,
                display_name="重复",
                region_code="410102",
                roles=[ledger_pb2.RoleAssignment(role=ledger_pb2.SAFETY_ROLE_PRINCIPAL, person_name="王五")],
            ),
            equipment=[ledger_pb2.Equipment(catalog_code="5110", display_name="1号叉车")],
        ),
        # past authorization, refused by the ledger: the seed already holds the unit
        {E: grpc.StatusCode.ALREADY_EXISTS, R: DENIED, A: DENIED, D: DENIED},
    ),
    "/dualprev.v1.EnterpriseService/GetUnitDossier": (
        lambda: enterprise_pb2.GetUnitDossierRequest(unit=UNIT),
        UNIT_READERS,  # the dossier holds the unit's people and every hazard: not an agency's
    ),
    "/dualprev.v1.EnterpriseService/GetQrCode": (
        lambda: enterprise_pb2.GetQrCodeRequest(name=LIFT),
        UNIT_READERS,
    ),
    "/dualprev.v1.EnterpriseService/AssessFiveStandards": (
        lambda: enterprise_pb2.AssessFiveStandardsRequest(unit=UNIT),
        UNIT_READERS,
    ),
    "/dualprev.v1.EnterpriseService/ListParks": (
        lambda: enterprise_pb2.ListParksRequest(parent=REGION),
        REGION_READERS,
    ),
    "/dualprev.v1.EnterpriseService/SetUnitPark": (
        lambda: enterprise_pb2.SetUnitParkRequest(unit=UNIT, park="郑州经济技术开发区"),
        ONLY_THE_REGULATOR,
    ),
    "/dualprev.v1.EnterpriseService/SetDemonstration": (
        lambda: enterprise_pb2.SetDemonstrationRequest(unit=UNIT, demonstration=True),
        ONLY_THE_REGULATOR,
    ),
    "/dualprev.v1.EnterpriseService/GetParkReport": (
        lambda: enterprise_pb2.GetParkReportRequest(parent=REGION, park="郑州经济技术开发区"),
        REGION_READERS,
    ),
    "/dualprev.v1.EnterpriseService/GetDemonstrationCoverage": (
        lambda: enterprise_pb2.GetDemonstrationCoverageRequest(parent=REGION),
        REGION_READERS,
    ),
    "/dualprev.v1.EnterpriseService/GetEquipmentRiskGrade": (
        lambda: enterprise_pb2.GetEquipmentRiskGradeRequest(equipment=LIFT),
        {E: OK, R: OK, A: OK, D: OK},  # the agency inspects ea1
    ),
    "/dualprev.v1.EnterpriseService/ListUnitEquipmentRiskGrades": (
        lambda: enterprise_pb2.ListUnitEquipmentRiskGradesRequest(parent=UNIT),
        UNIT_READERS,  # an agency reads the grade of the equipment it inspects, not the unit's whole list
    ),
}
