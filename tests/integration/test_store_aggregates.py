"""Risk points, inspections, people with certificates and credit records: stored and read back whole."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import attrs
import pytest

from dualprev_sdk import (
    AlreadyExists,
    ConcurrencyConflict,
    ControlLevel,
    Equipment,
    FailedPrecondition,
    Frequency,
    RiskLevel,
    SafetyRole,
    UseUnit,
)
from dualprev_sdk.domain.credit import CreditRecord, CreditRecordKind
from dualprev_sdk.domain.inspection import InspectionConclusion, InspectionKind, InspectionRecord
from dualprev_sdk.domain.personnel import Certificate, Person
from dualprev_sdk.domain.risk import ControlMeasures, RiskPoint
from dualprev_sdk.services.bootstrap import Dualprev


@pytest.fixture
def unit_with_lift(sdk: Dualprev, make_uscc: Callable[[int], str]) -> tuple[str, str]:
    unit = sdk.ledger.create_unit(UseUnit(uscc=make_uscc(1), name="某商场", region_code="410102"))
    lift = sdk.ledger.create_equipment(Equipment(id="lift-1", unit_uscc=unit.uscc, catalog_code="9110"))
    return unit.uscc, lift.id


def test_a_risk_point_with_factors_and_measures_round_trips(sdk: Dualprev, unit_with_lift: tuple[str, str]) -> None:
    uscc, lift = unit_with_lift
    point = RiskPoint(
        id="rp-1",
        unit_uscc=uscc,
        equipment_id=lift,
        template_code="elevator.door_lock",
        component="层门门锁",
        hazard_factor="门锁失效导致剪切",
        accident_types=("剪切", "坠落"),
        method="lec",
        factors={"L": 3.0, "E": 6.0, "C": 15.0},
        score=270.0,
        level=RiskLevel.SIGNIFICANT,
        measures=ControlMeasures(engineering=("门锁回路检测",), management=("每日巡检",), emergency=("96333救援",)),
        control_level=ControlLevel.DEPARTMENT,
        responsible_role=SafetyRole.SAFETY_OFFICER,
        responsible_person="李四",
        check_frequency=Frequency.WEEKLY,
        needs_review=True,
        review_reason="重大维修后",
    )
    with sdk.uow() as uow:
        stored = uow.risk_points.add(point)
        uow.commit()
    with sdk.uow() as uow:
        assert uow.risk_points.get("rp-1") == attrs.evolve(point, version=1)
        assert [p.id for p in uow.risk_points.list(unit_uscc=uscc, level=RiskLevel.SIGNIFICANT)] == ["rp-1"]
        uow.risk_points.update(attrs.evolve(stored, needs_review=False))
        uow.commit()
    with sdk.uow() as uow, pytest.raises(ConcurrencyConflict):
        uow.risk_points.update(attrs.evolve(stored, level=RiskLevel.LOW))


def test_equipment_with_inspections_cannot_be_deleted_and_the_latest_inspection_is_found(
    sdk: Dualprev, unit_with_lift: tuple[str, str]
) -> None:
    _, lift = unit_with_lift
    older = InspectionRecord(
        id="i-1",
        equipment_id=lift,
        kind=InspectionKind.PERIODIC,
        inspected_on=dt.date(2024, 5, 1),
        conclusion=InspectionConclusion.PASSED,
        agency="河南省特种设备安全检测研究院",
        report_number="DT-2024-001",
        next_due=dt.date(2025, 5, 31),
    )
    newer = attrs.evolve(older, id="i-2", inspected_on=dt.date(2025, 5, 10), report_number="DT-2025-001")
    with sdk.uow() as uow:
        uow.inspections.add_many([older, newer])
        uow.commit()
    with sdk.uow() as uow:
        assert uow.inspections.latest(lift) == attrs.evolve(newer, version=1)
        assert [r.id for r in uow.inspections.for_equipment(lift)] == ["i-2", "i-1"]
    with pytest.raises(FailedPrecondition):
        sdk.ledger.delete_equipment(lift)


def test_a_person_keeps_their_certificates_in_order_and_expiring_ones_are_found(
    sdk: Dualprev, unit_with_lift: tuple[str, str]
) -> None:
    uscc, _ = unit_with_lift
    person = Person(
        id="p-1",
        unit_uscc=uscc,
        name="王五",
        phone="13900000000",
        certificates=(
            Certificate(number="T-2", category_code="T", expires_on=dt.date(2027, 1, 1)),
            Certificate(
                number="N1-1",
                category_code="N1",
                scheme_version="2011",
                expires_on=dt.date(2025, 3, 1),
                authority="郑州市监局",
            ),
        ),
    )
    with sdk.uow() as uow:
        stored = uow.people.add(person)
        uow.commit()
    with sdk.uow() as uow:
        assert uow.people.get("p-1") == attrs.evolve(person, version=1)
        expiring = uow.people.certificates_expiring(dt.date(2026, 1, 1), unit_uscc=uscc)
        assert [(pid, c.number) for pid, c in expiring] == [("p-1", "N1-1")]
        uow.people.update(attrs.evolve(stored, certificates=person.certificates[:1]))
        uow.commit()
    with sdk.uow() as uow:
        assert [c.number for c in uow.people.get("p-1").certificates] == ["T-2"]
        uow.people.delete("p-1", expected_version=2)
        uow.commit()
    with sdk.uow() as uow:
        assert uow.people.find("p-1") is None


def test_credit_records_are_append_only_and_read_in_date_order(sdk: Dualprev, unit_with_lift: tuple[str, str]) -> None:
    uscc, _ = unit_with_lift
    later = CreditRecord(
        id="c-2", unit_uscc=uscc, kind=CreditRecordKind.ACCIDENT, occurred_on=dt.date(2025, 2, 1), source="事故报告"
    )
    earlier = attrs.evolve(later, id="c-1", kind=CreditRecordKind.USED_WHILE_OVERDUE, occurred_on=dt.date(2024, 7, 1))
    with sdk.uow() as uow:
        uow.credit.add(later)
        uow.credit.add(earlier)
        uow.commit()
    with sdk.uow() as uow:
        assert list(uow.credit.for_unit(uscc)) == [earlier, later]
        assert list(uow.credit.for_unit(uscc, since=dt.date(2025, 1, 1))) == [later]
        with pytest.raises(AlreadyExists):
            uow.credit.add(earlier)


def test_a_bulk_add_naming_a_stored_key_is_refused_whole_and_names_that_key(
    sdk: Dualprev, unit_with_lift: tuple[str, str], make_uscc: Callable[[int], str]
) -> None:
    uscc, lift = unit_with_lift
    record = InspectionRecord(
        id="i-1",
        equipment_id=lift,
        kind=InspectionKind.PERIODIC,
        inspected_on=dt.date(2024, 5, 1),
        conclusion=InspectionConclusion.PASSED,
    )
    with sdk.uow() as uow:
        uow.inspections.add(record)
        uow.commit()
    new_unit = UseUnit(uscc=make_uscc(2), name="某医院", region_code="410102")
    with sdk.uow() as uow, pytest.raises(AlreadyExists) as taken:
        uow.units.add_many([new_unit, UseUnit(uscc=uscc, name="重复", region_code="410102")], chunk_size=1)
    assert taken.value.key == uscc
    with sdk.uow() as uow, pytest.raises(AlreadyExists) as taken:
        uow.inspections.add_many([attrs.evolve(record, id="i-2"), record])
    assert taken.value.key == "i-1"
    with sdk.uow() as uow, pytest.raises(AlreadyExists) as repeated:
        uow.inspections.add_many([attrs.evolve(record, id="i-3"), attrs.evolve(record, id="i-3")])
    assert repeated.value.key == "i-3"
    with sdk.uow() as uow:
        assert uow.inspections.find("i-2") is None
        assert uow.units.find(new_unit.uscc) is None
