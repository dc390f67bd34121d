"""RiskService over a real channel: identification from the lift templates, edits and re-grades with etags and
reasons, versions, the control list as rows and as files, the SVG card and map, and who may see what."""

from __future__ import annotations

import base64
import csv
import hashlib
import io

import grpc
import openpyxl
import pytest
from dualprev_gateway._generated.dualprev.v1 import common_pb2, risk_pb2, risk_pb2_grpc
from dualprev_gateway.client import error_details
from gateway_support import UNIT_A, UNIT_B, bearer
from google.protobuf import field_mask_pb2

from dualprev_sdk.access import PrincipalKind
from dualprev_sdk.domain.risk import ControlMeasures, RiskPoint
from dualprev_sdk.services import risk as risk_cases
from dualprev_sdk.services.bootstrap import Dualprev

E, R, A, D = PrincipalKind.ENTERPRISE, PrincipalKind.REGULATOR, PrincipalKind.AGENCY, PrincipalKind.DATACENTER
UNIT = f"units/{UNIT_A}"
LIFT = f"{UNIT}/equipment/ea1"


@pytest.fixture
def risk(channel: grpc.Channel) -> risk_pb2_grpc.RiskServiceStub:
    return risk_pb2_grpc.RiskServiceStub(channel)


@pytest.fixture
def identified(risk: risk_pb2_grpc.RiskServiceStub, tokens: dict[PrincipalKind, str]) -> list[risk_pb2.RiskPoint]:
    reply = risk.IdentifyRisks(risk_pb2.IdentifyRisksRequest(parent=UNIT), metadata=bearer(tokens[E]), timeout=30)
    return list(reply.created)


def test_identifying_a_units_risks_grades_every_lift_point_and_a_second_run_adds_nothing(
    risk: risk_pb2_grpc.RiskServiceStub, tokens: dict[PrincipalKind, str], identified: list[risk_pb2.RiskPoint]
) -> None:
    assert identified, "the elevator plugin's templates produce points for ea1"
    assert {p.equipment for p in identified} == {LIFT}
    assert all(p.level != common_pb2.RISK_LEVEL_UNSPECIFIED and p.etag for p in identified)
    again = risk.IdentifyRisks(risk_pb2.IdentifyRisksRequest(parent=UNIT), metadata=bearer(tokens[E]), timeout=30)
    assert list(again.created) == []
    assert sorted(again.existing) == sorted(p.name for p in identified)


def test_points_are_listed_a_page_at_a_time_and_filtered_by_level(
    risk: risk_pb2_grpc.RiskServiceStub, tokens: dict[PrincipalKind, str], identified: list[risk_pb2.RiskPoint]
) -> None:
    seen: list[str] = []
    token = ""
    for _ in range(len(identified) + 1):
        page = risk.ListRiskPoints(
            risk_pb2.ListRiskPointsRequest(parent=UNIT, page_size=2, page_token=token),
            metadata=bearer(tokens[R]),
            timeout=10,
        )
        seen.extend(p.name for p in page.risk_points)
        token = page.next_page_token
        if not token:
            break
    assert sorted(seen) == sorted(p.name for p in identified)
    level = identified[0].level
    name = common_pb2.RiskLevel.Name(level).removeprefix("RISK_LEVEL_").lower()
    filtered = risk.ListRiskPoints(
        risk_pb2.ListRiskPointsRequest(parent=UNIT, filter=f'level = "{name}"'), metadata=bearer(tokens[D]), timeout=10
    )
    assert filtered.risk_points
    assert {p.level for p in filtered.risk_points} == {level}
    with pytest.raises(grpc.RpcError) as foreign:
        risk.ListRiskPoints(
            risk_pb2.ListRiskPointsRequest(parent=UNIT, page_token=token or "bm90LWEtdG9rZW4"),
            metadata=bearer(tokens[E]),
            timeout=10,
        )
    assert foreign.value.code() is grpc.StatusCode.INVALID_ARGUMENT


def test_an_edit_is_conditional_on_the_etag_and_recorded_as_a_version(
    risk: risk_pb2_grpc.RiskServiceStub, tokens: dict[PrincipalKind, str], identified: list[risk_pb2.RiskPoint]
) -> None:
    point = identified[0]
    edited = risk.UpdateRiskPoint(
        risk_pb2.UpdateRiskPointRequest(
            risk_point=risk_pb2.RiskPoint(name=point.name, responsible_person="王五", etag=point.etag),
            update_mask=field_mask_pb2.FieldMask(paths=["responsible_person"]),
        ),
        metadata=bearer(tokens[E]),
        timeout=10,
    )
    assert edited.responsible_person == "王五"
    assert edited.etag != point.etag
    assert edited.level == point.level, "fields outside the mask are left alone"
    with pytest.raises(grpc.RpcError) as stale:
        risk.UpdateRiskPoint(
            risk_pb2.UpdateRiskPointRequest(
                risk_point=risk_pb2.RiskPoint(name=point.name, responsible_person="赵六", etag=point.etag),
                update_mask=field_mask_pb2.FieldMask(paths=["responsible_person"]),
            ),
            metadata=bearer(tokens[E]),
            timeout=10,
        )
    assert stale.value.code() is grpc.StatusCode.ABORTED
    versions = risk.ListRiskPointVersions(
        risk_pb2.ListRiskPointVersionsRequest(name=point.name), metadata=bearer(tokens[R]), timeout=10
    ).versions
    assert [v.change for v in versions] == ["identified", "edited"]
    assert versions[-1].snapshot.responsible_person == "王五"
    assert versions[-1].actor.startswith("enterprise:")


def test_a_regrade_needs_a_reason_and_changes_the_level_by_the_methods_bands(
    risk: risk_pb2_grpc.RiskServiceStub, tokens: dict[PrincipalKind, str], identified: list[risk_pb2.RiskPoint]
) -> None:
    point = identified[0]
    factors = {"l": 10.0, "e": 10.0, "c": 100.0}  # D = 10000: the top LEC band
    with pytest.raises(grpc.RpcError) as no_reason:
        risk.RegradeRiskPoint(
            risk_pb2.RegradeRiskPointRequest(name=point.name, method="lec", factors=factors),
            metadata=bearer(tokens[E]),
            timeout=10,
        )
    assert no_reason.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert "reason" in [f for f, _ in error_details(no_reason.value).field_violations]
    regraded = risk.RegradeRiskPoint(
        risk_pb2.RegradeRiskPointRequest(name=point.name, method="lec", factors=factors, reason="曳引机更换后复评"),
        metadata=bearer(tokens[E]),
        timeout=10,
    )
    assert regraded.level == common_pb2.RISK_LEVEL_MAJOR
    assert regraded.score == pytest.approx(10000)


def test_a_point_added_by_hand_is_graded_by_its_factors_and_can_be_removed(
    risk: risk_pb2_grpc.RiskServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    created = risk.CreateRiskPoint(
        risk_pb2.CreateRiskPointRequest(
            parent=UNIT,
            risk_point_id="RP-manual-1",
            risk_point=risk_pb2.RiskPoint(
                equipment=LIFT,
                component="机房",
                hazard_factor="机房门未锁闭",
                method="lec",
                factors={"l": 1.0, "e": 3.0, "c": 7.0},
                measures=risk_pb2.ControlMeasures(management=["机房门上锁，钥匙专人保管"]),
            ),
            reason="日常巡查发现",
        ),
        metadata=bearer(tokens[E]),
        timeout=10,
    )
    assert created.name == "riskPoints/RP-manual-1"
    assert created.level == common_pb2.RISK_LEVEL_LOW
    risk.DeleteRiskPoint(
        risk_pb2.DeleteRiskPointRequest(name=created.name, etag=created.etag, reason="机房改造后不再适用"),
        metadata=bearer(tokens[E]),
        timeout=10,
    )
    with pytest.raises(grpc.RpcError) as gone:
        risk.GetRiskPoint(risk_pb2.GetRiskPointRequest(name=created.name), metadata=bearer(tokens[D]), timeout=10)
    assert gone.value.code() is grpc.StatusCode.NOT_FOUND


def test_a_point_without_measures_is_refused_naming_the_request_field(
    risk: risk_pb2_grpc.RiskServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    with pytest.raises(grpc.RpcError) as refused:
        risk.CreateRiskPoint(
            risk_pb2.CreateRiskPointRequest(
                parent=UNIT, risk_point=risk_pb2.RiskPoint(equipment=f"units/{UNIT_B}/equipment/eb1")
            ),
            metadata=bearer(tokens[E]),
            timeout=10,
        )
    assert refused.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert "risk_point.equipment" in [f for f, _ in error_details(refused.value).field_violations]


def _unit_level_point(point_id: str, factors: dict[str, float]) -> RiskPoint:
    return RiskPoint(
        id=point_id,
        unit_uscc=UNIT_A,
        equipment_id=None,
        component="作业现场",
        hazard_factor="人员未按规定佩戴防护用品",
        accident_types=("其他伤害",),
        method="ls",
        factors=factors,
        measures=ControlMeasures(management=("班前检查",)),
    )


def test_pages_follow_the_control_list_order_in_the_database_and_refuse_another_querys_token(
    risk: risk_pb2_grpc.RiskServiceStub,
    tokens: dict[PrincipalKind, str],
    identified: list[risk_pb2.RiskPoint],
    sdk: Dualprev,
) -> None:
    for number, factors in enumerate(({"l": 1, "s": 2}, {"l": 4, "s": 5}, {"l": 2, "s": 3})):
        risk_cases.add_risk_point(sdk, _unit_level_point(f"RP-UNIT-{number}", factors), actor="安全员张三")
    printed = [
        row.risk_point.name
        for row in risk.GetControlList(
            risk_pb2.GetControlListRequest(parent=UNIT), metadata=bearer(tokens[E]), timeout=10
        ).rows
    ]
    assert len(printed) == len(identified) + 3
    pages: list[list[str]] = []
    tokens_seen: list[str] = []
    token = ""
    while True:
        page = risk.ListRiskPoints(
            risk_pb2.ListRiskPointsRequest(parent=UNIT, page_size=3, page_token=token),
            metadata=bearer(tokens[E]),
            timeout=10,
        )
        pages.append([p.name for p in page.risk_points])
        token = page.next_page_token
        if not token:
            break
        tokens_seen.append(token)
    assert len(pages) > 2
    assert all(len(p) == 3 for p in pages[:-1])
    assert [name for p in pages for name in p] == printed  # the printed order, no gaps, no repeats
    # a token belongs to the query it was issued for: another filter (or another parent) is refused
    for other in (
        risk_pb2.ListRiskPointsRequest(parent=UNIT, filter='needs_review = "false"', page_token=tokens_seen[0]),
        risk_pb2.ListRiskPointsRequest(parent=f"units/{UNIT_B}", page_token=tokens_seen[0]),
    ):
        with pytest.raises(grpc.RpcError) as refused:
            risk.ListRiskPoints(other, metadata=bearer(tokens[D]), timeout=10)
        assert refused.value.code() is grpc.StatusCode.INVALID_ARGUMENT
        assert [f for f, _ in error_details(refused.value).field_violations] == ["page_token"]
    # a token issued before keyset paging (an offset into the same order) still continues the list
    digest = hashlib.sha256("\x1f".join((UNIT_A, "")).encode()).hexdigest()[:12]
    legacy = base64.urlsafe_b64encode(f"v1:3:{digest}".encode()).decode().rstrip("=")
    resumed = risk.ListRiskPoints(
        risk_pb2.ListRiskPointsRequest(parent=UNIT, page_size=4, page_token=legacy),
        metadata=bearer(tokens[E]),
        timeout=10,
    )
    assert [p.name for p in resumed.risk_points] == printed[3:7]
    follow = risk.ListRiskPoints(
        risk_pb2.ListRiskPointsRequest(parent=UNIT, page_size=1000, page_token=resumed.next_page_token),
        metadata=bearer(tokens[E]),
        timeout=10,
    )
    assert [p.name for p in follow.risk_points] == printed[7:]
    assert follow.next_page_token == ""


def test_the_control_list_comes_as_rows_and_as_xlsx_and_csv_files(
    risk: risk_pb2_grpc.RiskServiceStub, tokens: dict[PrincipalKind, str], identified: list[risk_pb2.RiskPoint]
) -> None:
    rows = risk.GetControlList(risk_pb2.GetControlListRequest(parent=UNIT), metadata=bearer(tokens[R]), timeout=10)
    assert len(rows.rows) == len(identified)
    assert {r.equipment_display_name for r in rows.rows} == {"1号客梯"}
    assert sum(c.count for c in rows.level_counts) == len(identified)
    xlsx = risk.ExportControlList(
        risk_pb2.ExportControlListRequest(parent=UNIT), metadata=bearer(tokens[E]), timeout=30
    )
    assert xlsx.filename.endswith(".xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx.data), read_only=True)
    assert workbook.sheetnames
    exported = risk.ExportControlList(
        risk_pb2.ExportControlListRequest(parent=UNIT, format=risk_pb2.CONTROL_LIST_FORMAT_CSV),
        metadata=bearer(tokens[E]),
        timeout=30,
    )
    table = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig"))))
    assert len(table) == 1 + len(identified)


def test_the_notification_card_and_the_four_colour_map_are_svg(
    risk: risk_pb2_grpc.RiskServiceStub, tokens: dict[PrincipalKind, str], identified: list[risk_pb2.RiskPoint]
) -> None:
    card = risk.RenderNotificationCard(
        risk_pb2.RenderNotificationCardRequest(equipment=LIFT), metadata=bearer(tokens[A]), timeout=30
    )
    assert card.content_type == "image/svg+xml"
    assert b"<svg" in card.data
    assert "1号客梯" in card.data.decode()
    one = risk.RenderNotificationCard(
        risk_pb2.RenderNotificationCardRequest(equipment=LIFT, risk_point=identified[0].name),
        metadata=bearer(tokens[E]),
        timeout=30,
    )
    assert b"<svg" in one.data
    drawing = risk.RenderRiskMap(risk_pb2.RenderRiskMapRequest(parent=UNIT), metadata=bearer(tokens[D]), timeout=30)
    assert b"<svg" in drawing.data


@pytest.mark.parametrize(
    ("kind", "expected"),
    [(E, grpc.StatusCode.OK), (R, grpc.StatusCode.OK), (A, grpc.StatusCode.OK), (D, grpc.StatusCode.OK)],
)
def test_a_point_on_an_inspected_lift_is_readable_by_every_kind_in_scope(
    risk: risk_pb2_grpc.RiskServiceStub,
    tokens: dict[PrincipalKind, str],
    identified: list[risk_pb2.RiskPoint],
    kind: PrincipalKind,
    expected: grpc.StatusCode,
) -> None:
    got = risk.GetRiskPoint(risk_pb2.GetRiskPointRequest(name=identified[0].name), metadata=bearer(tokens[kind]))
    assert got.name == identified[0].name


@pytest.mark.parametrize("kind", [R, A, D])
def test_only_the_unit_changes_its_risk_points(
    risk: risk_pb2_grpc.RiskServiceStub,
    tokens: dict[PrincipalKind, str],
    identified: list[risk_pb2.RiskPoint],
    kind: PrincipalKind,
) -> None:
    with pytest.raises(grpc.RpcError) as refused:
        risk.RegradeRiskPoint(
            risk_pb2.RegradeRiskPointRequest(
                name=identified[0].name, method="lec", factors={"l": 1, "e": 1, "c": 1}, reason="试图修改"
            ),
            metadata=bearer(tokens[kind]),
            timeout=10,
        )
    assert refused.value.code() is grpc.StatusCode.PERMISSION_DENIED


def test_an_agency_reads_points_of_what_it_inspects_but_not_the_units_whole_list(
    risk: risk_pb2_grpc.RiskServiceStub, tokens: dict[PrincipalKind, str], identified: list[risk_pb2.RiskPoint]
) -> None:
    with pytest.raises(grpc.RpcError) as refused:
        risk.GetControlList(risk_pb2.GetControlListRequest(parent=UNIT), metadata=bearer(tokens[A]), timeout=10)
    assert refused.value.code() is grpc.StatusCode.PERMISSION_DENIED


def test_another_units_lists_and_unknown_points_are_outside_an_enterprises_scope(
    risk: risk_pb2_grpc.RiskServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    other = f"units/{UNIT_B}"
    for call in (
        lambda: risk.ListRiskPoints(risk_pb2.ListRiskPointsRequest(parent=other), metadata=bearer(tokens[E])),
        lambda: risk.GetRiskPoint(risk_pb2.GetRiskPointRequest(name="riskPoints/RP-nope"), metadata=bearer(tokens[E])),
        lambda: risk.RenderRiskMap(risk_pb2.RenderRiskMapRequest(parent=other), metadata=bearer(tokens[R])),
    ):
        with pytest.raises(grpc.RpcError) as refused:
            call()
        assert refused.value.code() is grpc.StatusCode.PERMISSION_DENIED
