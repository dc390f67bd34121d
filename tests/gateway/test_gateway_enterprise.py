"""EnterpriseService over a real channel: a small unit set up end to end and its dossier downloaded and opened,
retries under a request id, bad input named by field, the five standards as the SDK scores them, parks and
demonstration enterprises from the regulator's side, QR codes, and explainable equipment risk grades."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import grpc
import openpyxl
import pytest
from dualprev_gateway._generated.dualprev.v1 import (
    common_pb2,
    enterprise_pb2,
    enterprise_pb2_grpc,
    ledger_pb2,
)
from dualprev_gateway.client import error_details
from gateway_support import UNIT_A, UNIT_B, UNIT_NEW, bearer, outsider_tokens

from dualprev_sdk.access import PrincipalKind, issue_api_key
from dualprev_sdk.domain.equipment import Equipment
from dualprev_sdk.services import equipment_risk, five_standards
from dualprev_sdk.services.bootstrap import Dualprev

E, R, A, D = PrincipalKind.ENTERPRISE, PrincipalKind.REGULATOR, PrincipalKind.AGENCY, PrincipalKind.DATACENTER
UNIT = f"units/{UNIT_A}"
LIFT = f"{UNIT}/equipment/ea1"
PARK = "郑州经济技术开发区"


@pytest.fixture
def enterprise(channel: grpc.Channel) -> enterprise_pb2_grpc.EnterpriseServiceStub:
    return enterprise_pb2_grpc.EnterpriseServiceStub(channel)


@pytest.fixture
def new_unit_key(sdk: Dualprev) -> str:
    """An enterprise key for UNIT_NEW, a unit not yet registered (it sets itself up)."""
    issued = issue_api_key(E, UNIT_NEW, label="郑州某汽修店")
    with sdk.uow() as uow:
        uow.api_keys.add(issued.key)
        uow.commit()
    return issued.token


def _small_unit_request(request_id: str = "") -> enterprise_pb2.SetUpSmallUnitRequest:
    return enterprise_pb2.SetUpSmallUnitRequest(
        unit=ledger_pb2.Unit(
            uscc=UNIT_NEW,
            display_name="郑州某汽修店",
            region_code="410105",
            size_class=ledger_pb2.SIZE_CLASS_MICRO,
            roles=[
                ledger_pb2.RoleAssignment(
                    role=ledger_pb2.SAFETY_ROLE_PRINCIPAL, person_name="王五", phone="13800000003"
                )
            ],
        ),
        equipment=[
            ledger_pb2.Equipment(catalog_code="5110", display_name="1号叉车"),
            ledger_pb2.Equipment(catalog_code="2150", display_name="储气罐", commissioned_on="2019-05-01"),
        ],
        duty_month=dt.date.today().strftime("%Y-%m"),
        request_id=request_id,
    )


def test_a_small_unit_is_set_up_in_one_call_and_its_dossier_downloads_as_html_and_xlsx(
    enterprise: enterprise_pb2_grpc.EnterpriseServiceStub, new_unit_key: str
) -> None:
    package = enterprise.SetUpSmallUnit(_small_unit_request(), metadata=bearer(new_unit_key), timeout=60)
    assert package.unit.name == f"units/{UNIT_NEW}"
    assert package.unit.size_class == ledger_pb2.SIZE_CLASS_MICRO
    assert sorted(e.display_name for e in package.equipment) == ["1号叉车", "储气罐"]
    receiver = next(e for e in package.equipment if e.display_name == "储气罐")
    assert receiver.next_inspection_due, "the pressure-vessel rule filled the due date from commissioning"
    assert package.risk_points
    assert all(p.level != common_pb2.RISK_LEVEL_UNSPECIFIED for p in package.risk_points)
    assert len(package.control_list.rows) == len(package.risk_points)
    assert package.checklist_item_count > len(package.risk_points)  # class items plus one per point
    assert len(package.duty_plans) == 3
    assert package.duty_task_count > 0
    assert any("安全总监" in note for note in package.notes), "the defaulted roles are said out loud"
    assert not package.replayed

    html = enterprise.GetUnitDossier(
        enterprise_pb2.GetUnitDossierRequest(unit=f"units/{UNIT_NEW}"), metadata=bearer(new_unit_key), timeout=30
    )
    assert html.content_type.startswith("text/html")
    assert html.filename.endswith(".html")
    page = html.data.decode()
    assert "郑州某汽修店" in page
    assert UNIT_NEW in page
    assert f"dualprev://units/{UNIT_NEW}" in page
    assert "data:image/svg+xml" in page

    xlsx = enterprise.GetUnitDossier(
        enterprise_pb2.GetUnitDossierRequest(unit=f"units/{UNIT_NEW}", format=enterprise_pb2.DOSSIER_FORMAT_XLSX),
        metadata=bearer(new_unit_key),
        timeout=30,
    )
    assert xlsx.filename.endswith(".xlsx")
    assert "spreadsheetml" in xlsx.content_type
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx.data))
    assert {"单位信息", "设备与检验", "风险管控清单", "五有自评"} <= set(workbook.sheetnames)
    info = {row[0]: row[1] for row in workbook["单位信息"].iter_rows(min_row=2, values_only=True)}
    assert info["单位名称"] == "郑州某汽修店"
    assert info["统一社会信用代码"] == UNIT_NEW
    equipment_rows = list(workbook["设备与检验"].iter_rows(min_row=2, values_only=True))
    assert sorted(row[2] for row in equipment_rows) == ["1号叉车", "储气罐"]
    assert len(list(workbook["风险管控清单"].iter_rows(min_row=2))) == len(package.risk_points)


def test_a_retry_with_the_same_request_id_replays_and_a_changed_request_is_refused(
    enterprise: enterprise_pb2_grpc.EnterpriseServiceStub, new_unit_key: str, sdk: Dualprev
) -> None:
    request_id = str(uuid.uuid4())
    first = enterprise.SetUpSmallUnit(_small_unit_request(request_id), metadata=bearer(new_unit_key), timeout=60)
    again = enterprise.SetUpSmallUnit(_small_unit_request(request_id), metadata=bearer(new_unit_key), timeout=60)
    assert again.replayed
    assert not first.replayed
    assert sorted(e.name for e in again.equipment) == sorted(e.name for e in first.equipment)
    assert sorted(p.name for p in again.risk_points) == sorted(p.name for p in first.risk_points)
    assert [p.name for p in again.duty_plans] == [p.name for p in first.duty_plans]
    assert again.duty_task_count == first.duty_task_count
    with sdk.uow() as uow:
        assert len(uow.equipment.list(unit_uscc=UNIT_NEW, limit=100)) == 2  # registered once

    changed = _small_unit_request(request_id)
    changed.unit.display_name = "另一个名字"
    with pytest.raises(grpc.RpcError) as refused:
        enterprise.SetUpSmallUnit(changed, metadata=bearer(new_unit_key), timeout=60)
    assert refused.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert [f for f, _ in error_details(refused.value).field_violations] == ["request_id"]

    with pytest.raises(grpc.RpcError) as exists:  # without a request id a retry is ALREADY_EXISTS
        enterprise.SetUpSmallUnit(_small_unit_request(), metadata=bearer(new_unit_key), timeout=60)
    assert exists.value.code() is grpc.StatusCode.ALREADY_EXISTS


def test_bad_input_names_every_field_in_the_requests_terms_and_writes_nothing(
    enterprise: enterprise_pb2_grpc.EnterpriseServiceStub, new_unit_key: str, sdk: Dualprev
) -> None:
    request = _small_unit_request()
    request.equipment[1].commissioned_on = "2019-02-30"
    request.equipment.append(ledger_pb2.Equipment(display_name="没有类别"))
    request.duty_month = "2025-13"
    with pytest.raises(grpc.RpcError) as refused:
        enterprise.SetUpSmallUnit(request, metadata=bearer(new_unit_key), timeout=30)
    assert refused.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    fields = {f for f, _ in error_details(refused.value).field_violations}
    assert fields == {"equipment[1].commissioned_on", "equipment[2].catalog_code", "duty_month"}

    no_principal = _small_unit_request()
    del no_principal.unit.roles[:]
    with pytest.raises(grpc.RpcError) as refused:
        enterprise.SetUpSmallUnit(no_principal, metadata=bearer(new_unit_key), timeout=30)
    assert [f for f, _ in error_details(refused.value).field_violations] == ["unit.roles"]

    nowhere = _small_unit_request()  # the ledger's own checks, restated in the request's terms
    nowhere.unit.region_code = "999999"
    nowhere.equipment[0].equipment_code = "12"
    with pytest.raises(grpc.RpcError) as refused:
        enterprise.SetUpSmallUnit(nowhere, metadata=bearer(new_unit_key), timeout=30)
    fields = {f for f, _ in error_details(refused.value).field_violations}
    assert fields == {"unit.region_code", "equipment[0].equipment_code"}
    with sdk.uow() as uow:
        assert not uow.units.exists(UNIT_NEW)


def test_the_five_standards_come_back_exactly_as_the_sdk_scores_them(
    enterprise: enterprise_pb2_grpc.EnterpriseServiceStub, tokens: dict[PrincipalKind, str], sdk: Dualprev
) -> None:
    as_of = dt.date(2026, 4, 1)
    reply = enterprise.AssessFiveStandards(
        enterprise_pb2.AssessFiveStandardsRequest(unit=UNIT, as_of=as_of.isoformat()),
        metadata=bearer(tokens[R]),
        timeout=30,
    )
    expected = five_standards.assessment_document(five_standards.assess_unit(sdk, UNIT_A, today=as_of))
    assert reply.unit == UNIT
    assert reply.as_of == expected["as_of"]
    assert reply.total == pytest.approx(expected["total"])
    assert reply.passed == expected["passed"]
    assert reply.pass_mark == expected["pass_mark"]
    assert reply.product_default_model
    assert [s.key for s in reply.standards] == [s["key"] for s in expected["standards"]]
    assert [s.score for s in reply.standards] == pytest.approx([s["score"] for s in expected["standards"]])
    assert [s.weight for s in reply.standards] == pytest.approx([s["weight"] for s in expected["standards"]])
    assert [[e.text_zh for e in s.evidence] for s in reply.standards] == [
        [e["text_zh"] for e in s["evidence"]] for s in expected["standards"]
    ]
    assert reply.model_source.status == "GK"  # the scoring model is a product default, and says so


def test_a_regulator_designates_a_park_and_a_demonstration_unit_and_reads_the_park_report(
    enterprise: enterprise_pb2_grpc.EnterpriseServiceStub, tokens: dict[PrincipalKind, str], sdk: Dualprev
) -> None:
    regulator = bearer(tokens[R])
    placed = enterprise.SetUnitPark(enterprise_pb2.SetUnitParkRequest(unit=UNIT, park=PARK), metadata=regulator)
    assert placed.park == PARK
    flagged = enterprise.SetDemonstration(
        enterprise_pb2.SetDemonstrationRequest(unit=UNIT, demonstration=True), metadata=regulator
    )
    assert flagged.demonstration

    listed = enterprise.ListParks(enterprise_pb2.ListParksRequest(parent="regions/4101"), metadata=regulator)
    assert [(p.display_name, p.unit_count) for p in listed.parks] == [(PARK, 1)]

    report = enterprise.GetParkReport(
        enterprise_pb2.GetParkReportRequest(parent="regions/4101", park=PARK), metadata=regulator, timeout=30
    )
    assert report.park == PARK
    assert report.region == "regions/4101"
    assert [u.unit for u in report.units] == [UNIT]
    row = report.units[0]
    assert row.demonstration
    assert row.equipment_count == 1
    assert row.open_hazards > 0
    assert report.totals.units == 1
    assert report.totals.open_hazards == row.open_hazards

    coverage = enterprise.GetDemonstrationCoverage(
        enterprise_pb2.GetDemonstrationCoverageRequest(parent="regions/4101"), metadata=regulator
    )
    lifts = [r for r in coverage.rows if r.city == "regions/410100" and UNIT in r.demonstration_units]
    assert len(lifts) == 1
    assert lifts[0].status == enterprise_pb2.COVERAGE_STATUS_MET

    with pytest.raises(grpc.RpcError) as wider:  # a city regulator may not ask for the province
        enterprise.GetParkReport(
            enterprise_pb2.GetParkReportRequest(parent="regions/41", park=PARK), metadata=regulator
        )
    assert wider.value.code() is grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.RpcError) as nameless:
        enterprise.GetParkReport(enterprise_pb2.GetParkReportRequest(parent="regions/4101"), metadata=regulator)
    assert [f for f, _ in error_details(nameless.value).field_violations] == ["park"]
    kaifeng = outsider_tokens(sdk)["regulator-4102"]
    with pytest.raises(grpc.RpcError) as outside:
        enterprise.SetUnitPark(enterprise_pb2.SetUnitParkRequest(unit=UNIT, park="开封园区"), metadata=bearer(kaifeng))
    assert outside.value.code() is grpc.StatusCode.PERMISSION_DENIED
    assert sdk.ledger.get_unit(UNIT_A).park == PARK  # stored, not only answered


def test_parks_page_with_tokens_bound_to_the_region(
    enterprise: enterprise_pb2_grpc.EnterpriseServiceStub, tokens: dict[PrincipalKind, str], sdk: Dualprev
) -> None:
    regulator = bearer(tokens[R])
    # UNIT_B is in 开封 (4102): the data centre sees both parks, a page at a time; 郑州's regulator only its own.
    enterprise.SetUnitPark(enterprise_pb2.SetUnitParkRequest(unit=UNIT, park="甲园区"), metadata=regulator)
    kaifeng = bearer(outsider_tokens(sdk)["regulator-4102"])
    enterprise.SetUnitPark(enterprise_pb2.SetUnitParkRequest(unit="units/" + UNIT_B, park="乙园区"), metadata=kaifeng)
    seen: list[str] = []
    token = ""
    for _ in range(3):
        page = enterprise.ListParks(
            enterprise_pb2.ListParksRequest(parent="regions/41", page_size=1, page_token=token),
            metadata=bearer(tokens[D]),
        )
        seen.extend(p.display_name for p in page.parks)
        token = page.next_page_token
        if not token:
            break
    assert sorted(seen) == ["乙园区", "甲园区"]
    assert len(seen) == 2
    own = enterprise.ListParks(enterprise_pb2.ListParksRequest(parent="regions/4101"), metadata=regulator)
    assert [p.display_name for p in own.parks] == ["甲园区"]
    first = enterprise.ListParks(
        enterprise_pb2.ListParksRequest(parent="regions/41", page_size=1), metadata=bearer(tokens[D])
    )
    with pytest.raises(grpc.RpcError) as rebound:
        enterprise.ListParks(
            enterprise_pb2.ListParksRequest(parent="regions/4101", page_size=1, page_token=first.next_page_token),
            metadata=bearer(tokens[D]),
        )
    assert [f for f, _ in error_details(rebound.value).field_violations] == ["page_token"]
    with pytest.raises(grpc.RpcError) as negative:
        enterprise.ListParks(enterprise_pb2.ListParksRequest(parent="regions/4101", page_size=-1), metadata=regulator)
    assert [f for f, _ in error_details(negative.value).field_violations] == ["page_size"]


def test_qr_codes_name_the_record_and_only_https_bases_are_accepted(
    enterprise: enterprise_pb2_grpc.EnterpriseServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    code = enterprise.GetQrCode(
        enterprise_pb2.GetQrCodeRequest(name=LIFT, base_url="https://sbj.example.cn/"), metadata=bearer(tokens[E])
    )
    assert code.uri == "https://sbj.example.cn/equipment/ea1"  # top level: the code survives a transfer
    assert code.image.content_type == "image/png"
    assert code.image.data.startswith(b"\x89PNG\r\n\x1a\n")
    unit_code = enterprise.GetQrCode(enterprise_pb2.GetQrCodeRequest(name=UNIT), metadata=bearer(tokens[D]))
    assert unit_code.uri == f"dualprev://units/{UNIT_A}"
    with pytest.raises(grpc.RpcError) as plain:
        enterprise.GetQrCode(
            enterprise_pb2.GetQrCodeRequest(name=UNIT, base_url="http://sbj.example.cn"), metadata=bearer(tokens[E])
        )
    assert [f for f, _ in error_details(plain.value).field_violations] == ["base_url"]


def test_equipment_risk_grades_explain_themselves_and_page_highest_risk_first(
    enterprise: enterprise_pb2_grpc.EnterpriseServiceStub, tokens: dict[PrincipalKind, str], sdk: Dualprev
) -> None:
    for index in range(3):
        sdk.ledger.create_equipment(
            Equipment(id=f"ea-extra-{index}", unit_uscc=UNIT_A, catalog_code="3110", name=f"{index + 2}号客梯")
        )
    as_of = dt.date(2026, 4, 1)
    one = enterprise.GetEquipmentRiskGrade(
        enterprise_pb2.GetEquipmentRiskGradeRequest(equipment=LIFT, as_of=as_of.isoformat()),
        metadata=bearer(tokens[A]),  # the agency inspects ea1
    )
    expected = equipment_risk.grade_equipment_risk(sdk, "ea1", as_of=as_of)
    assert one.equipment == LIFT
    assert one.score == pytest.approx(expected.score)
    assert [c.factor for c in one.contributions] == [c.factor for c in expected.contributions]
    assert "ea1" in one.explanation_zh
    assert one.source.document

    names: list[str] = []
    token = ""
    for _ in range(10):
        page = enterprise.ListUnitEquipmentRiskGrades(
            enterprise_pb2.ListUnitEquipmentRiskGradesRequest(
                parent=UNIT, as_of=as_of.isoformat(), page_size=1, page_token=token
            ),
            metadata=bearer(tokens[E]),
        )
        names.extend(g.equipment for g in page.grades)
        token = page.next_page_token
        if not token:
            break
    whole = equipment_risk.grade_unit_equipment_risk(sdk, UNIT_A, as_of=as_of)
    assert names == [f"{UNIT}/equipment/{g.equipment_id}" for g in whole.grades]
    assert len(names) == 4

    with pytest.raises(grpc.RpcError) as other_filter:  # a token is bound to the request it was issued for
        enterprise.ListUnitEquipmentRiskGrades(
            enterprise_pb2.ListUnitEquipmentRiskGradesRequest(
                parent=UNIT, page_size=1, page_token=page_token_of(enterprise, tokens, as_of)
            ),
            metadata=bearer(tokens[E]),
        )
    assert [f for f, _ in error_details(other_filter.value).field_violations] == ["page_token"]
    with pytest.raises(grpc.RpcError) as bad_day:
        enterprise.GetEquipmentRiskGrade(
            enterprise_pb2.GetEquipmentRiskGradeRequest(equipment=LIFT, as_of="2026-02-30"), metadata=bearer(tokens[E])
        )
    assert [f for f, _ in error_details(bad_day.value).field_violations] == ["as_of"]


def page_token_of(
    enterprise: enterprise_pb2_grpc.EnterpriseServiceStub, tokens: dict[PrincipalKind, str], as_of: dt.date
) -> str:
    first = enterprise.ListUnitEquipmentRiskGrades(
        enterprise_pb2.ListUnitEquipmentRiskGradesRequest(parent=UNIT, as_of=as_of.isoformat(), page_size=1),
        metadata=bearer(tokens[E]),
    )
    return first.next_page_token
