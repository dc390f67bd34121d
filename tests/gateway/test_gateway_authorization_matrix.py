"""Every RPC × every principal kind: the authorization contract in one table.

Adding an RPC to a .proto without adding it here fails ``test_every_rpc_in_the_contract_is_in_the_matrix``, so
nobody ships an endpoint whose access rules were never stated. Each case runs on its own copy of the seeded
database (see conftest), so writes cannot leak into other cases.

An expected code other than PERMISSION_DENIED for a write (ALREADY_EXISTS, FAILED_PRECONDITION) is deliberate:
it proves the call got past authorization and was refused by the domain instead.
"""

from __future__ import annotations

from collections.abc import Callable

import grpc
import pytest
from dualprev_gateway._generated.dualprev.v1 import events_pb2, hazards_pb2, ledger_pb2, plugins_pb2, traceability_pb2
from enterprise_matrix import ENTERPRISE_MATRIX
from gateway_support import CAPABILITY_MATRIX, CONTRACT, UNIT_A, bearer
from google.protobuf import field_mask_pb2, message
from lifecycle_matrix import LIFECYCLE_MATRIX
from operations_matrix import OPERATIONS_MATRIX

from dualprev_sdk.access import PrincipalKind

OK = grpc.StatusCode.OK
DENIED = grpc.StatusCode.PERMISSION_DENIED
E, R, A, D = PrincipalKind.ENTERPRISE, PrincipalKind.REGULATOR, PrincipalKind.AGENCY, PrincipalKind.DATACENTER
UNIT = f"units/{UNIT_A}"
LIFT = f"{UNIT}/equipment/ea1"

Request = Callable[[], message.Message]

#: method → (request, expected code per principal kind)
MATRIX: dict[str, tuple[Request, dict[PrincipalKind, grpc.StatusCode]]] = {
    "/dualprev.v1.PluginService/ListPlugins": (
        plugins_pb2.ListPluginsRequest,
        {E: OK, R: OK, A: OK, D: OK},
    ),
    "/dualprev.v1.LedgerService/GetUnit": (
        lambda: ledger_pb2.GetUnitRequest(name=UNIT),
        {E: OK, R: OK, A: DENIED, D: OK},
    ),
    "/dualprev.v1.LedgerService/ListUnits": (
        ledger_pb2.ListUnitsRequest,
        {E: OK, R: OK, A: OK, D: OK},  # filtered to the scope, never refused
    ),
    "/dualprev.v1.LedgerService/CreateUnit": (
        lambda: ledger_pb2.CreateUnitRequest(
            unit=ledger_pb2.Unit(uscc=UNIT_A, display_name="重复", region_code="410102")
        ),
        {E: grpc.StatusCode.ALREADY_EXISTS, R: DENIED, A: DENIED, D: DENIED},
    ),
    "/dualprev.v1.LedgerService/UpdateUnit": (
        lambda: ledger_pb2.UpdateUnitRequest(
            unit=ledger_pb2.Unit(name=UNIT, address="郑州市中原区"),
            update_mask=field_mask_pb2.FieldMask(paths=["address"]),
        ),
        {E: OK, R: DENIED, A: DENIED, D: DENIED},
    ),
    "/dualprev.v1.LedgerService/DeleteUnit": (
        lambda: ledger_pb2.DeleteUnitRequest(name=UNIT),
        {E: grpc.StatusCode.FAILED_PRECONDITION, R: DENIED, A: DENIED, D: DENIED},  # it still holds equipment
    ),
    "/dualprev.v1.LedgerService/GetEquipment": (
        lambda: ledger_pb2.GetEquipmentRequest(name=LIFT),
        {E: OK, R: OK, A: OK, D: OK},  # the agency inspects ea1
    ),
    "/dualprev.v1.LedgerService/ListEquipment": (
        lambda: ledger_pb2.ListEquipmentRequest(parent="units/-"),
        {E: OK, R: OK, A: OK, D: OK},
    ),
    "/dualprev.v1.LedgerService/CreateEquipment": (
        lambda: ledger_pb2.CreateEquipmentRequest(parent=UNIT, equipment=ledger_pb2.Equipment(catalog_code="3110")),
        {E: OK, R: DENIED, A: DENIED, D: DENIED},
    ),
    "/dualprev.v1.LedgerService/UpdateEquipment": (
        lambda: ledger_pb2.UpdateEquipmentRequest(
            equipment=ledger_pb2.Equipment(name=LIFT, model="TKJ1000"),
            update_mask=field_mask_pb2.FieldMask(paths=["model"]),
        ),
        {E: OK, R: DENIED, A: DENIED, D: DENIED},
    ),
    "/dualprev.v1.LedgerService/DeleteEquipment": (
        lambda: ledger_pb2.DeleteEquipmentRequest(name=LIFT),
        {E: grpc.StatusCode.FAILED_PRECONDITION, R: DENIED, A: DENIED, D: DENIED},  # its inspection history stays
    ),
    # Hazards: each command targets a seeded hazard in a state that allows it (see conftest._seed_hazards).
    "/dualprev.v1.HazardService/ReportHazard": (
        lambda: hazards_pb2.ReportHazardRequest(
            parent=UNIT,
            equipment=LIFT,
            source=hazards_pb2.HAZARD_SOURCE_INSPECTION_AGENCY,
            source_reference="定检报告 2026-0305",
            description="限速器动作速度超差",
            found_on="2026-03-05",
        ),
        {E: OK, R: OK, A: OK, D: DENIED},  # the agency inspects ea1
    ),
    "/dualprev.v1.HazardService/RegisterHazard": (
        lambda: hazards_pb2.RegisterHazardRequest(name="hazards/hz-reported"),
        {E: OK, R: DENIED, A: DENIED, D: DENIED},
    ),
    "/dualprev.v1.HazardService/GradeHazard": (
        lambda: hazards_pb2.GradeHazardRequest(
            name="hazards/hz-registered",
            person=hazards_pb2.GradeByPerson(level=hazards_pb2.HAZARD_LEVEL_GENERAL, reason="不涉及GB 45067条款"),
        ),
        {E: OK, R: OK, A: DENIED, D: DENIED},
    ),
    "/dualprev.v1.HazardService/PlanRectification": (
        lambda: hazards_pb2.PlanRectificationRequest(
            name="hazards/hz-graded",
            plan=hazards_pb2.RectificationPlan(measures="更换", responsible_person="张三", deadline="2099-12-31"),
        ),
        {E: OK, R: DENIED, A: DENIED, D: DENIED},
    ),
    "/dualprev.v1.HazardService/StartRectification": (
        lambda: hazards_pb2.StartRectificationRequest(name="hazards/hz-planned"),
        {E: OK, R: DENIED, A: DENIED, D: DENIED},
    ),
    "/dualprev.v1.HazardService/RecordRectified": (
        lambda: hazards_pb2.RecordRectifiedRequest(
            name="hazards/hz-rectifying",
            measures_taken="已更换",
            evidence=[hazards_pb2.Evidence(kind="photo", reference="p2.jpg")],
        ),
        {E: OK, R: DENIED, A: DENIED, D: DENIED},
    ),
    "/dualprev.v1.HazardService/FixOnTheSpot": (
        lambda: hazards_pb2.FixOnTheSpotRequest(
            name="hazards/hz-graded",
            measures_taken="当场紧固",
            evidence=[hazards_pb2.Evidence(kind="photo", reference="p3.jpg")],
        ),
        {E: OK, R: DENIED, A: DENIED, D: DENIED},
    ),
    "/dualprev.v1.HazardService/VerifyHazard": (
        lambda: hazards_pb2.VerifyHazardRequest(name="hazards/hz-rectified"),
        {E: OK, R: OK, A: DENIED, D: DENIED},
    ),
    "/dualprev.v1.HazardService/RejectVerification": (
        lambda: hazards_pb2.RejectVerificationRequest(name="hazards/hz-rectified", reason="证据不足"),
        {E: OK, R: OK, A: DENIED, D: DENIED},
    ),
    "/dualprev.v1.HazardService/CloseOutHazard": (
        lambda: hazards_pb2.CloseOutHazardRequest(name="hazards/hz-verified"),
        {E: OK, R: OK, A: DENIED, D: DENIED},
    ),
    "/dualprev.v1.HazardService/CancelHazard": (
        lambda: hazards_pb2.CancelHazardRequest(name="hazards/hz-reported", reason="误报"),
        {E: OK, R: OK, A: DENIED, D: DENIED},
    ),
    "/dualprev.v1.HazardService/ListForSupervision": (
        lambda: hazards_pb2.ListForSupervisionRequest(
            name="hazards/hz-major", authority="郑州市市场监督管理局", deadline="2099-06-30"
        ),
        {E: DENIED, R: OK, A: DENIED, D: DENIED},
    ),
    "/dualprev.v1.HazardService/LiftSupervision": (
        lambda: hazards_pb2.LiftSupervisionRequest(name="hazards/hz-listed", reason="整改完成"),
        {E: DENIED, R: OK, A: DENIED, D: DENIED},
    ),
    "/dualprev.v1.HazardService/AddHazardNote": (
        lambda: hazards_pb2.AddHazardNoteRequest(
            name="hazards/hz-planned", text="已订购钢丝绳", attachments=["po.pdf"]
        ),
        {E: OK, R: OK, A: DENIED, D: DENIED},
    ),
    "/dualprev.v1.HazardService/GetHazard": (
        lambda: hazards_pb2.GetHazardRequest(name="hazards/hz-reported"),
        {E: OK, R: OK, A: OK, D: OK},  # the agency reads hazards on equipment it inspects
    ),
    "/dualprev.v1.HazardService/ListHazards": (
        lambda: hazards_pb2.ListHazardsRequest(parent="units/-"),
        {E: OK, R: OK, A: OK, D: OK},
    ),
    "/dualprev.v1.HazardService/VerifyChain": (
        hazards_pb2.VerifyChainRequest,  # every hazard: the data centre only
        {E: DENIED, R: DENIED, A: DENIED, D: OK},
    ),
    "/dualprev.v1.EventService/WatchEvents": (
        events_pb2.WatchEventsRequest,
        {E: OK, R: OK, A: OK, D: OK},  # each receives only its scope's events: test_gateway_events_scope
    ),
}
MATRIX.update(CAPABILITY_MATRIX)  # traceability, 96333, credit, supervision (see gateway_support)
MATRIX.update(OPERATIONS_MATRIX)  # ledger import, risk, inspections (see operations_matrix)
MATRIX.update(LIFECYCLE_MATRIX)  # equipment events (see lifecycle_matrix)
MATRIX.update(ENTERPRISE_MATRIX)  # small units, dossier, five standards, parks, equipment risk


def test_every_rpc_in_the_contract_is_in_the_matrix() -> None:
    missing = sorted(set(CONTRACT) - set(MATRIX))
    assert not missing, f"add these RPCs to MATRIX with the expected code for every principal kind: {missing}"
    assert sorted(set(MATRIX) - set(CONTRACT)) == [], "the matrix names RPCs the contract no longer has"
    for path, (_, expected) in MATRIX.items():
        assert set(expected) == set(PrincipalKind), f"{path} must state every principal kind"


@pytest.mark.parametrize("kind", list(PrincipalKind), ids=lambda k: k.value)
@pytest.mark.parametrize("path", sorted(MATRIX))
def test_each_principal_kind_gets_exactly_the_access_the_matrix_states(
    path: str, kind: PrincipalKind, channel: grpc.Channel, tokens: dict[PrincipalKind, str]
) -> None:
    build, expected = MATRIX[path]
    request_type, response_type, streaming = CONTRACT[path]
    request = build()
    assert isinstance(request, request_type)
    metadata = bearer(tokens[kind])
    try:
        if streaming:
            call = channel.unary_stream(
                path, request_serializer=request_type.SerializeToString, response_deserializer=response_type.FromString
            )
            list(call(request, metadata=metadata, timeout=10))
        else:
            unary = channel.unary_unary(
                path, request_serializer=request_type.SerializeToString, response_deserializer=response_type.FromString
            )
            unary(request, metadata=metadata, timeout=10)
        code = OK
    except grpc.RpcError as error:
        code = error.code()
    assert code is expected[kind], f"{kind.value} calling {path}"


#: Second requests for RPCs whose access differs by request shape: method → [(label, request, expected)].
#: ``units/-`` lists every station the caller may see: an enterprise its own, a regulator its region's.
VARIANTS: dict[str, list[tuple[str, Request, dict[PrincipalKind, grpc.StatusCode]]]] = {
    "/dualprev.v1.TraceabilityService/ListCylinderWarnings": [
        (
            "every station",
            lambda: traceability_pb2.ListCylinderWarningsRequest(parent="units/-"),
            {E: OK, R: OK, A: DENIED, D: OK},
        ),
    ],
}


@pytest.mark.parametrize("kind", list(PrincipalKind), ids=lambda k: k.value)
@pytest.mark.parametrize(
    ("path", "label"), [(path, label) for path, cases in sorted(VARIANTS.items()) for label, _, _ in cases]
)
def test_each_principal_kind_gets_exactly_the_access_the_variants_state(
    path: str, label: str, kind: PrincipalKind, channel: grpc.Channel, tokens: dict[PrincipalKind, str]
) -> None:
    build, expected = next((b, e) for name, b, e in VARIANTS[path] if name == label)
    assert set(expected) == set(PrincipalKind)
    request_type, response_type, _ = CONTRACT[path]
    request = build()
    assert isinstance(request, request_type)
    unary = channel.unary_unary(
        path, request_serializer=request_type.SerializeToString, response_deserializer=response_type.FromString
    )
    try:
        unary(request, metadata=bearer(tokens[kind]), timeout=10)
        code = OK
    except grpc.RpcError as error:
        code = error.code()
    assert code is expected[kind], f"{kind.value} calling {path} ({label})"
