"""EmergencyService over a real channel: a plan for the lifts, its review (conditional), a drill of it, the check
saying what is missing, and who may see and change what."""

from __future__ import annotations

import datetime as dt

import grpc
import pytest
from dualprev_gateway._generated.dualprev.v1 import emergency_pb2 as pb
from dualprev_gateway._generated.dualprev.v1 import emergency_pb2_grpc
from dualprev_gateway.client import error_details
from gateway_support import UNIT_A, UNIT_B, bearer

from dualprev_sdk import timeutil
from dualprev_sdk.access import PrincipalKind

E, R, A, D = PrincipalKind.ENTERPRISE, PrincipalKind.REGULATOR, PrincipalKind.AGENCY, PrincipalKind.DATACENTER
UNIT = f"units/{UNIT_A}"
APPROVED = (timeutil.today() - dt.timedelta(days=100)).isoformat()


@pytest.fixture
def emergency(channel: grpc.Channel) -> emergency_pb2_grpc.EmergencyServiceStub:
    return emergency_pb2_grpc.EmergencyServiceStub(channel)


def _plan(emergency: emergency_pb2_grpc.EmergencyServiceStub, token: str) -> pb.EmergencyPlan:
    return emergency.CreateEmergencyPlan(
        pb.CreateEmergencyPlanRequest(
            parent=UNIT,
            emergency_plan_id="lifts",
            emergency_plan=pb.EmergencyPlan(title="电梯困人应急预案", equipment_kind="3000", approved_on=APPROVED),
        ),
        metadata=bearer(token),
        timeout=10,
    )


def test_without_a_plan_the_check_names_the_lifts_and_a_plan_and_drill_answer_it(
    emergency: emergency_pb2_grpc.EmergencyServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    before = emergency.CheckUnitEmergency(pb.CheckUnitEmergencyRequest(parent=UNIT), metadata=bearer(tokens[R]))
    assert "plan.missing" in {f.code for f in before.findings}
    assert all(f.source.document for f in before.findings)
    plan = _plan(emergency, tokens[E])
    assert plan.name == f"{UNIT}/emergencyPlans/lifts"
    drill = emergency.RecordEmergencyDrill(
        pb.RecordEmergencyDrillRequest(
            parent=UNIT,
            emergency_drill=pb.EmergencyDrill(
                emergency_plan=plan.name, held_on=APPROVED, scenario="轿厢困人解救", participants=["李四", "王五"]
            ),
        ),
        metadata=bearer(tokens[E]),
        timeout=10,
    )
    assert drill.emergency_plan == plan.name
    after = emergency.CheckUnitEmergency(pb.CheckUnitEmergencyRequest(parent=UNIT), metadata=bearer(tokens[D]))
    assert "plan.missing" not in {f.code for f in after.findings}
    drills = emergency.ListEmergencyDrills(pb.ListEmergencyDrillsRequest(parent=UNIT), metadata=bearer(tokens[R]))
    assert [d.scenario for d in drills.emergency_drills] == ["轿厢困人解救"]


def test_a_review_is_conditional_on_the_etag(
    emergency: emergency_pb2_grpc.EmergencyServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    plan = _plan(emergency, tokens[E])
    today = timeutil.today().isoformat()
    reviewed = emergency.ReviewEmergencyPlan(
        pb.ReviewEmergencyPlanRequest(name=plan.name, reviewed_on=today, etag=plan.etag), metadata=bearer(tokens[E])
    )
    assert reviewed.reviewed_on == today
    with pytest.raises(grpc.RpcError) as stale:
        emergency.ReviewEmergencyPlan(
            pb.ReviewEmergencyPlanRequest(name=plan.name, reviewed_on=today, etag=plan.etag), metadata=bearer(tokens[E])
        )
    assert stale.value.code() is grpc.StatusCode.ABORTED


def test_a_drill_of_another_units_plan_or_in_the_future_is_refused_naming_the_fields(
    emergency: emergency_pb2_grpc.EmergencyServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    with pytest.raises(grpc.RpcError) as refused:
        emergency.RecordEmergencyDrill(
            pb.RecordEmergencyDrillRequest(
                parent=UNIT,
                emergency_drill=pb.EmergencyDrill(
                    emergency_plan=f"units/{UNIT_B}/emergencyPlans/x", held_on="2026-02-30", scenario="演练"
                ),
            ),
            metadata=bearer(tokens[E]),
        )
    assert refused.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    fields = {f for f, _ in error_details(refused.value).field_violations}
    assert fields == {"emergency_drill.emergency_plan", "emergency_drill.held_on"}


@pytest.mark.parametrize("kind", [R, A, D])
def test_only_the_unit_keeps_its_plans(
    emergency: emergency_pb2_grpc.EmergencyServiceStub, tokens: dict[PrincipalKind, str], kind: PrincipalKind
) -> None:
    with pytest.raises(grpc.RpcError) as refused:
        _plan(emergency, tokens[kind])
    assert refused.value.code() is grpc.StatusCode.PERMISSION_DENIED


def test_agencies_and_other_units_read_no_plans(
    emergency: emergency_pb2_grpc.EmergencyServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    for kind, parent in ((A, UNIT), (E, f"units/{UNIT_B}")):
        with pytest.raises(grpc.RpcError) as refused:
            emergency.ListEmergencyPlans(pb.ListEmergencyPlansRequest(parent=parent), metadata=bearer(tokens[kind]))
        assert refused.value.code() is grpc.StatusCode.PERMISSION_DENIED
