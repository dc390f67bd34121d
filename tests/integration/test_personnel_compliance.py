"""Personnel compliance over a unit with mixed personnel: valid, expired, wrong-category and legacy 2011
certificates, assigned operators, missing Order-74 roles, TSG 08 thresholds and "先培训后上岗"."""

from __future__ import annotations

import datetime as dt

import pytest
from inspection_world import FACTORY, TODAY, build, uscc

from dualprev_sdk import Equipment, RoleAssignment, SafetyRole, UseUnit
from dualprev_sdk.domain.personnel import (
    Certificate,
    ComplianceReport,
    FindingSeverity,
    Person,
    TrainingRecord,
    UnitSafetySetup,
)
from dualprev_sdk.errors import InvalidArgument
from dualprev_sdk.services import personnel as pers
from dualprev_sdk.services.bootstrap import Dualprev

VALID_ID = "11010519491231002X"  # the GB 11643 example number


def _staff(sdk: Dualprev) -> None:
    add = pers.add_person
    add(sdk, Person(
        id="P1", unit_uscc=FACTORY, name="王司机", id_number=VALID_ID, operates=("C1", "C2"),
        works_since=dt.date(2024, 3, 1),
        certificates=(Certificate(number="Q2-001", category_code="Q2", issued_on=dt.date(2024, 1, 10),
                                  limitation="限桥式起重机", authority="洛阳市市场监督管理局"),),
    ), today=TODAY)  # fmt: skip
    add(sdk, Person(
        id="P2", unit_uscc=FACTORY, name="刘指挥", operates=("C1", "C2"), works_since=dt.date(2024, 3, 1),
        certificates=(Certificate(number="Q3-2011", category_code="Q3", scheme_version="2011",
                                  issued_on=dt.date(2023, 6, 1), expires_on=dt.date(2027, 6, 1)),),
    ), today=TODAY)  # fmt: skip
    add(sdk, Person(
        id="P3", unit_uscc=FACTORY, name="张叉车",
        certificates=(Certificate(number="N2-2011", category_code="N2", scheme_version="2011",
                                  expires_on=dt.date(2027, 5, 1), confirmed_as=("N1",)),),
    ), today=TODAY)  # fmt: skip
    add(sdk, Person(
        id="P4", unit_uscc=FACTORY, name="陈司炉", operates=("B1",), works_since=dt.date(2020, 1, 1),
        certificates=(Certificate(number="G1-001", category_code="G1", issued_on=dt.date(2021, 6, 1),
                                  expires_on=dt.date(2025, 6, 1)),),
    ), today=TODAY)  # fmt: skip
    add(sdk, Person(
        id="P5", unit_uscc=FACTORY, name="赵老叉",
        certificates=(Certificate(number="N2-OLD", category_code="N2", scheme_version="2011",
                                  expires_on=dt.date(2027, 1, 1)),),
    ), today=TODAY)  # fmt: skip
    add(sdk, Person(
        id="P6", unit_uscc=FACTORY, name="孙观光", operates=("F1",),
        certificates=(Certificate(number="N2-2019", category_code="N2", issued_on=dt.date(2025, 1, 1)),),
    ), today=TODAY)  # fmt: skip
    add(sdk, Person(
        id="P7", unit_uscc=FACTORY, name="钱管道",
        certificates=(Certificate(number="D1-OLD", category_code="D1", scheme_version="2011",
                                  expires_on=dt.date(2027, 1, 1)),),
    ), today=TODAY)  # fmt: skip
    pers.record_training(sdk, TrainingRecord(
        id="T-2024-02", unit_uscc=FACTORY, topic="起重机械安全操作规程", held_on=dt.date(2024, 2, 20), hours=8,
        trainer="安全科", participants=("P1", "P2", "P3"),
    ))  # fmt: skip
    pers.record_training(sdk, TrainingRecord(
        id="T-2021-05", unit_uscc=FACTORY, topic="锅炉安全运行", held_on=dt.date(2021, 5, 10), hours=4,
        trainer="安全科", participants=("P4",),
    ))  # fmt: skip


@pytest.fixture
def report(sdk: Dualprev) -> ComplianceReport:
    build(sdk)
    _staff(sdk)
    return pers.check_personnel(sdk, FACTORY, today=TODAY)


def _pairs(report: ComplianceReport) -> set[tuple[str, str]]:
    return {(f.code, f.subject) for f in report.findings}


def test_expired_and_legacy_certificates_are_reported_per_person(report: ComplianceReport) -> None:
    certificates = {p for p in _pairs(report) if p[0].startswith("certificate.")}
    assert certificates == {
        ("certificate.legacy_review", "P2"),  # 2011 Q3 指挥 → 2019 Q1, inferred: a person confirms it
        ("certificate.expired", "P4"),
        ("certificate.legacy_review", "P5"),  # 2011 N2 is 叉车司机, not 2019 N2 (观光车)
        ("certificate.legacy_no_2019_item", "P7"),  # D1 has no 2019 item
    }


def test_each_post_needs_a_validly_certified_assigned_operator(report: ComplianceReport) -> None:
    uncertified = sorted(f.subject for f in report.findings if f.code == "operator.uncertified")
    # C1/C2: the Q2 driver is fine, the signaller only has an unconfirmed 2011 Q3; F1: its assigned operator holds
    # 2019 N2 (sightseeing), the confirmed 2011 forklift driver is not assigned to it; B1: G1 expired, no G3
    assert uncertified == ["B1", "B1", "C1", "C2", "F1"]


def test_a_confirmed_legacy_certificate_and_a_limited_q2_count(report: ComplianceReport) -> None:
    messages = " ".join(f.message_zh for f in report.findings if f.code == "operator.uncertified")
    assert "起重机司机" not in messages
    assert "叉车司机" in messages  # F1's assigned operator, not the unit pool


def test_missing_order74_roles_and_unnamed_safety_officers(report: ComplianceReport) -> None:
    roles = {p for p in _pairs(report) if p[0].startswith(("role.", "equipment."))}
    assert roles == {
        ("role.safety_director.missing", "1000"),
        ("role.safety_director.missing", "4000"),
        ("role.safety_director.missing", "5000"),
        ("role.safety_officer.missing", "1000"),
        ("role.safety_officer.missing", "4000"),
        ("role.safety_officer.missing", "5000"),
        ("equipment.safety_officer.missing", "C2"),
        ("equipment.safety_officer.not_appointed", "C1"),
        ("equipment.safety_officer.not_appointed", "F1"),
        ("equipment.safety_officer.not_appointed", "B1"),
    }


def test_operating_before_any_recorded_training_is_flagged(report: ComplianceReport) -> None:
    training = {p for p in _pairs(report) if p[0].startswith("training.")}
    assert training == {
        ("training.after_start", "P4"),
        ("training.none_before_work", "P5"),
        ("training.none_before_work", "P6"),
        ("training.none_before_work", "P7"),
    }


def test_a_small_unit_needs_no_organisation_and_the_report_is_not_compliant(report: ComplianceReport) -> None:
    assert not any(code.startswith("tsg08.") for code in report.codes())
    assert not report.compliant


def test_twenty_forklifts_need_a_full_time_safety_manager_with_an_a_certificate(sdk: Dualprev) -> None:
    unit = uscc(303)
    sdk.ledger.create_unit(
        UseUnit(uscc=unit, name="郑州某物流有限公司", region_code="410102",
                roles=(RoleAssignment(role=SafetyRole.PRINCIPAL, name="周总"),))
    )  # fmt: skip
    for n in range(20):
        sdk.ledger.create_equipment(Equipment(id=f"FL{n:02d}", unit_uscc=unit, catalog_code="5110"))
    codes = pers.check_personnel(sdk, unit, today=TODAY).codes()
    assert "tsg08.full_time_manager.missing" in codes
    assert "tsg08.organisation.missing" not in codes
    pers.add_person(sdk, Person(
        id="M1", unit_uscc=unit, name="吴专职", full_time_safety_manager=True,
        certificates=(Certificate(number="A-001", category_code="A", issued_on=dt.date(2025, 3, 1)),),
    ), today=TODAY)  # fmt: skip
    assert "tsg08.full_time_manager.missing" not in pers.check_personnel(sdk, unit, today=TODAY).codes()


def test_fifty_units_need_an_organisation_but_gas_cylinders_do_not_count(sdk: Dualprev) -> None:
    unit = uscc(404)
    sdk.ledger.create_unit(UseUnit(uscc=unit, name="郑州某化工有限公司", region_code="410102"))
    for n in range(49):
        sdk.ledger.create_equipment(Equipment(id=f"V{n:02d}", unit_uscc=unit, catalog_code="2150"))
    sdk.ledger.create_equipment(Equipment(id="GC1", unit_uscc=unit, catalog_code="2310"))
    assert "tsg08.organisation.missing" not in pers.check_personnel(sdk, unit, today=TODAY).codes()
    sdk.ledger.create_equipment(Equipment(id="V49", unit_uscc=unit, catalog_code="2150"))
    report = pers.check_personnel(sdk, unit, today=TODAY)
    assert "tsg08.organisation.missing" in report.codes()
    pers.set_safety_setup(sdk, UnitSafetySetup(unit_uscc=unit, has_organisation=True, organisation_name="安全科"))
    assert "tsg08.organisation.missing" not in pers.check_personnel(sdk, unit, today=TODAY).codes()


def test_a_bad_id_number_and_an_unknown_code_are_reported_together(sdk: Dualprev) -> None:
    build(sdk)
    with pytest.raises(InvalidArgument) as caught:
        pers.add_person(sdk, Person(
            id="PX", unit_uscc=FACTORY, name="错误", id_number="110105194912310021",
            certificates=(Certificate(number="X", category_code="Z9"),),
        ), today=TODAY)  # fmt: skip
    assert {v.field for v in caught.value.violations} >= {"id_number", "certificates[0].category_code"}


def test_a_2019_certificate_given_its_issue_date_expires_after_four_years(sdk: Dualprev) -> None:
    build(sdk)
    _staff(sdk)
    with sdk.uow() as uow:
        assert uow.people.get("P1").certificates[0].expires_on == dt.date(2028, 1, 10)


def test_violations_are_errors_and_review_items_are_warnings(report: ComplianceReport) -> None:
    severities = {f.code: f.severity for f in report.findings}
    assert severities["certificate.expired"] is FindingSeverity.VIOLATION
    assert severities["certificate.legacy_review"] is FindingSeverity.WARNING


def test_a_q2_limited_to_tower_cranes_does_not_qualify_for_a_bridge_crane(sdk: Dualprev) -> None:
    build(sdk)
    pers.add_person(sdk, Person(
        id="PT", unit_uscc=FACTORY, name="塔吊司机", operates=("C2",),
        certificates=(
            Certificate(number="Q2-T", category_code="Q2", issued_on=dt.date(2025, 1, 1), limitation="限塔式起重机"),
            Certificate(number="Q1-T", category_code="Q1", issued_on=dt.date(2025, 1, 1)),
        ),
    ), today=TODAY)  # fmt: skip
    report = pers.check_personnel(sdk, FACTORY, today=TODAY)
    posts = [f.message_zh for f in report.about("C2") if f.code == "operator.uncertified"]
    assert len(posts) == 1
    assert "起重机司机（限桥式起重机）" in posts[0]
