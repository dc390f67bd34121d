"""HazardService over a real channel: the closed loop, state errors that say what is allowed, rich violations."""

from __future__ import annotations

import uuid

import grpc
import pytest
from dualprev_gateway._generated.dualprev.v1 import hazards_pb2, hazards_pb2_grpc
from gateway_support import UNIT_A, bearer
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from dualprev_sdk.access import PrincipalKind


@pytest.fixture
def hazards(channel: grpc.Channel) -> hazards_pb2_grpc.HazardServiceStub:
    return hazards_pb2_grpc.HazardServiceStub(channel)


def test_an_enterprise_runs_a_general_hazard_through_the_whole_loop_over_grpc(
    hazards: hazards_pb2_grpc.HazardServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    me = bearer(tokens[PrincipalKind.ENTERPRISE])
    reported = hazards.ReportHazard(
        hazards_pb2.ReportHazardRequest(
            parent=f"units/{UNIT_A}",
            equipment=f"units/{UNIT_A}/equipment/ea1",
            source=hazards_pb2.HAZARD_SOURCE_WEEKLY_INVESTIGATION,
            source_reference="周排查表 2026-W10",
            description="轿厢应急照明不亮",
            found_on="2026-03-06",
            finder="安全员王五",
        ),
        metadata=me,
    )
    name = reported.name
    assert reported.state == hazards_pb2.HAZARD_STATE_REPORTED
    assert "register" in reported.allowed_commands

    hazards.RegisterHazard(hazards_pb2.RegisterHazardRequest(name=name), metadata=me)
    graded = hazards.GradeHazard(
        hazards_pb2.GradeHazardRequest(
            name=name, person=hazards_pb2.GradeByPerson(level=hazards_pb2.HAZARD_LEVEL_GENERAL, reason="照明故障")
        ),
        metadata=me,
    )
    assert graded.level == hazards_pb2.HAZARD_LEVEL_GENERAL
    planned = hazards.PlanRectification(
        hazards_pb2.PlanRectificationRequest(
            name=name,
            plan=hazards_pb2.RectificationPlan(
                measures="更换应急电源", responsible_person="王五", deadline="2099-01-31"
            ),
        ),
        metadata=me,
    )
    assert planned.plan.deadline == "2099-01-31"
    hazards.StartRectification(hazards_pb2.StartRectificationRequest(name=name), metadata=me)
    hazards.RecordRectified(
        hazards_pb2.RecordRectifiedRequest(
            name=name, measures_taken="已更换", evidence=[hazards_pb2.Evidence(kind="photo", reference="after.jpg")]
        ),
        metadata=me,
    )
    with pytest.raises(grpc.RpcError) as own_work:  # whoever rectified may not accept the rectification
        hazards.VerifyHazard(hazards_pb2.VerifyHazardRequest(name=name), metadata=me)
    assert own_work.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    hazards.VerifyHazard(hazards_pb2.VerifyHazardRequest(name=name), metadata=bearer(tokens[PrincipalKind.REGULATOR]))
    closed = hazards.CloseOutHazard(hazards_pb2.CloseOutHazardRequest(name=name), metadata=me)
    assert closed.state == hazards_pb2.HAZARD_STATE_CLOSED
    assert closed.HasField("close_time")

    chain = hazards.VerifyChain(hazards_pb2.VerifyChainRequest(name=name), metadata=me)
    assert chain.events_checked == 8  # report, register, grade, plan, start, rectified, verify, close
    assert list(chain.breaks) == []


def test_a_command_the_state_does_not_allow_is_failed_precondition(
    hazards: hazards_pb2_grpc.HazardServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    with pytest.raises(grpc.RpcError) as refused:
        hazards.CloseOutHazard(
            hazards_pb2.CloseOutHazardRequest(name="hazards/hz-reported"),
            metadata=bearer(tokens[PrincipalKind.ENTERPRISE]),
        )
    assert refused.value.code() is grpc.StatusCode.FAILED_PRECONDITION
    assert "reported" in refused.value.details()


def test_a_major_hazard_plan_missing_assurances_lists_each_one_as_a_violation(
    hazards: hazards_pb2_grpc.HazardServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    with pytest.raises(grpc.RpcError) as invalid:
        hazards.PlanRectification(
            hazards_pb2.PlanRectificationRequest(
                name="hazards/hz-major", plan=hazards_pb2.RectificationPlan(measures="更换制动器")
            ),
            metadata=bearer(tokens[PrincipalKind.ENTERPRISE]),
        )
    assert invalid.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    status = rpc_status.from_call(invalid.value)  # type: ignore[arg-type]
    assert status is not None
    bad = error_details_pb2.BadRequest()
    assert any(d.Unpack(bad) for d in status.details if d.Is(error_details_pb2.BadRequest.DESCRIPTOR))
    assert {"plan.responsible_person", "plan.deadline"} <= {v.field for v in bad.field_violations}


def test_a_repeated_command_with_the_same_request_id_changes_nothing_the_second_time(
    hazards: hazards_pb2_grpc.HazardServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    me = bearer(tokens[PrincipalKind.ENTERPRISE])
    request = hazards_pb2.RegisterHazardRequest(name="hazards/hz-reported", request_id=str(uuid.uuid4()))
    first = hazards.RegisterHazard(request, metadata=me)
    again = hazards.RegisterHazard(request, metadata=me)
    assert again.state == first.state == hazards_pb2.HAZARD_STATE_REGISTERED
    assert again.etag == first.etag


def test_a_hazard_that_does_not_exist_looks_out_of_scope_except_to_the_data_centre(
    hazards: hazards_pb2_grpc.HazardServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    request = hazards_pb2.GetHazardRequest(name="hazards/nope")
    with pytest.raises(grpc.RpcError) as enterprise:
        hazards.GetHazard(request, metadata=bearer(tokens[PrincipalKind.ENTERPRISE]))
    assert enterprise.value.code() is grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.RpcError) as centre:
        hazards.GetHazard(request, metadata=bearer(tokens[PrincipalKind.DATACENTER]))
    assert centre.value.code() is grpc.StatusCode.NOT_FOUND


def test_hazard_lists_are_scoped_filtered_and_paged(
    hazards: hazards_pb2_grpc.HazardServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    regulator = bearer(tokens[PrincipalKind.REGULATOR])
    graded = hazards.ListHazards(
        hazards_pb2.ListHazardsRequest(parent="units/-", filter='state = "graded"'), metadata=regulator
    )
    assert sorted(h.name for h in graded.hazards) == ["hazards/hz-graded", "hazards/hz-listed", "hazards/hz-major"]
    seen: list[str] = []
    token = ""
    while True:
        page = hazards.ListHazards(
            hazards_pb2.ListHazardsRequest(parent=f"units/{UNIT_A}", page_size=4, page_token=token), metadata=regulator
        )
        seen.extend(h.name for h in page.hazards)
        token = page.next_page_token
        if not token:
            break
    assert len(seen) == len(set(seen)) == 9
    elsewhere = hazards.ListHazards(
        hazards_pb2.ListHazardsRequest(parent="units/-", filter='region_code = "4102*"'), metadata=regulator
    )
    assert list(elsewhere.hazards) == []


def test_a_report_missing_what_the_domain_requires_names_the_request_fields(
    hazards: hazards_pb2_grpc.HazardServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    with pytest.raises(grpc.RpcError) as invalid:
        hazards.ReportHazard(
            hazards_pb2.ReportHazardRequest(
                parent=f"units/{UNIT_A}",
                source=hazards_pb2.HAZARD_SOURCE_DAILY_CHECK,
                description="护栏松动",
                found_on="2026-03-07",
            ),
            metadata=bearer(tokens[PrincipalKind.ENTERPRISE]),
        )
    assert invalid.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    status = rpc_status.from_call(invalid.value)  # type: ignore[arg-type]
    assert status is not None
    bad = error_details_pb2.BadRequest()
    assert any(d.Unpack(bad) for d in status.details if d.Is(error_details_pb2.BadRequest.DESCRIPTOR))
    assert "source_reference" in {v.field for v in bad.field_violations}
