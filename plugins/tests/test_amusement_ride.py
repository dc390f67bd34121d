"""The amusement-ride class (6000) as a specification: scope, yearly inspection, GB 45067 4.9, TSG 08, Y1/Y2."""

from __future__ import annotations

import datetime as dt

import pytest
from dualprev_plugins.amusement_ride import AmusementRideClass, RideGrade, RideParameters

from dualprev_sdk import Equipment, InvalidArgument, SourceStatus
from dualprev_sdk.equipment_classes import EquipmentClassRegistry, EquipmentState, InspectionFacts


@pytest.fixture
def rides() -> AmusementRideClass:
    return AmusementRideClass()


def fired(rides: AmusementRideClass, code: str, *findings: str, conclusion: str | None = None) -> set[str]:
    st = EquipmentState(
        equipment=Equipment(id="r1", unit_uscc="91410100MA00000000", catalog_code=code),
        in_use=True,
        findings=frozenset(findings),
        last_conclusion=conclusion,
    )
    return {c.code for c in rides.major_hazard_criteria() if c.matches(st)}


def _ride(n: int) -> Equipment:
    return Equipment(id=f"r{n}", unit_uscc="91410100MA00000000", catalog_code="6200")


def test_the_plugin_registers_the_ride_class() -> None:
    from dualprev_plugins import amusement_ride as plugin

    registry = EquipmentClassRegistry()
    plugin.dualprev_register_equipment_classes(registry)
    assert registry.require_for_code("6E40").key == "amusement_ride"


def test_a_ride_is_inspected_every_year_as_general_knowledge(rides: AmusementRideClass) -> None:
    [due] = rides.next_due(InspectionFacts(catalog_code="6200", last_inspection_on=dt.date(2025, 5, 1)))
    assert due.next_due == dt.date(2026, 5, 1)
    assert due.source.status is SourceStatus.GENERAL_KNOWLEDGE


def test_the_yearly_interval_can_be_configured(rides: AmusementRideClass) -> None:
    facts = InspectionFacts(
        catalog_code="6200", last_inspection_on=dt.date(2025, 5, 1), overrides={"amusement_ride.interval_years": 0.5}
    )
    [due] = rides.next_due(facts)
    assert due.next_due == dt.date(2025, 11, 1)
    assert due.source.status is SourceStatus.USER


# --- scope ---------------------------------------------------------------------------------------------------------


def test_a_slow_low_ride_is_not_special_equipment(rides: AmusementRideClass) -> None:
    check = rides.check_scope("6600", RideParameters(max_speed_m_s=1.5, height_m=1.2))
    assert not check.in_scope
    assert "不属于特种设备目录范围" in check.reasons


@pytest.mark.parametrize(("speed", "height"), [(2.0, 0.5), (0.8, 2.0), (12.0, 25.0)])
def test_speed_of_2_m_s_or_height_of_2_m_brings_a_ride_into_scope(
    rides: AmusementRideClass, speed: float, height: float
) -> None:
    assert rides.check_scope("6600", RideParameters(max_speed_m_s=speed, height_m=height)).in_scope


def test_a_non_commercial_ride_is_not_special_equipment(rides: AmusementRideClass) -> None:
    params = RideParameters(max_speed_m_s=10, height_m=10, commercial_operation=False)
    assert not rides.check_scope("6200", params).in_scope


def test_bumper_boats_under_the_dropped_code_6d30_are_out_of_the_catalogue(rides: AmusementRideClass) -> None:
    assert not rides.check_scope("6D30", None).in_scope


# --- GB 45067 4.9 -----------------------------------------------------------------------------------------------------


def test_a_missing_restraint_is_4_9_b_and_a_failed_restraint_is_4_9_d(rides: AmusementRideClass) -> None:
    assert fired(rides, "6200", "passenger_restraint_missing") == {"4.9b"}
    assert fired(rides, "6200", "passenger_restraint_failed") == {"4.9d"}


def test_a_missing_cabin_door_lock_fires_4_9_c(rides: AmusementRideClass) -> None:
    assert fired(rides, "6100", "cabin_door_lock_missing") == {"4.9c"}


def test_failed_brakes_or_anti_rollback_devices_fire_4_9_d(rides: AmusementRideClass) -> None:
    assert fired(rides, "6200", "brake_device_failed") == {"4.9d"}
    assert fired(rides, "6200", "anti_rollback_device_missing") == {"4.9d"}


def test_a_cracked_main_load_bearing_part_fires_4_9_e(rides: AmusementRideClass) -> None:
    assert fired(rides, "6500", "structural_crack_or_deformation") == {"4.9e"}


def test_a_failed_inspection_fires_4_9_a(rides: AmusementRideClass) -> None:
    assert fired(rides, "6200", conclusion="不合格") == {"4.9a"}
    assert fired(rides, "6200", conclusion="合格") == set()


def test_the_4_9_items_cite_the_secondary_source(rides: AmusementRideClass) -> None:
    items = [c for c in rides.major_hazard_criteria() if c.clause == "4.9"]
    assert [c.item for c in items] == ["a", "b", "c", "d", "e"]
    assert all(c.source.status is SourceStatus.SECONDARY for c in items)


# --- parameters, templates, staffing, certificates -----------------------------------------------------------------


def test_the_ride_grade_is_one_of_a_b_c(rides: AmusementRideClass) -> None:
    assert rides.structure_parameters({"grade": "A"}).grade is RideGrade.A
    with pytest.raises(InvalidArgument) as caught:
        rides.structure_parameters({"grade": "D", "height_m": -1})
    assert {v.field for v in caught.value.violations} >= {"parameters.grade"}


def test_bad_numbers_are_rejected_naming_every_field(rides: AmusementRideClass) -> None:
    with pytest.raises(InvalidArgument) as caught:
        rides.structure_parameters({"height_m": -1, "passengers_count": 0})
    assert {v.field for v in caught.value.violations} == {"parameters.height_m", "parameters.passengers_count"}


def test_ride_templates_cover_restraints_cabin_doors_structure_and_brakes(rides: AmusementRideClass) -> None:
    text = " ".join(t.component for t in rides.risk_templates("6200"))
    for word in ("乘客束缚装置", "舱门锁紧", "受力部件", "制动装置"):
        assert word in text
    assert 6 <= len(rides.risk_templates("6200")) <= 12
    assert "YL-R09" in {t.code for t in rides.risk_templates("6D20")}
    assert "YL-R09" not in {t.code for t in rides.risk_templates("6200")}


def test_any_ride_needs_a_full_time_safety_manager_and_ten_need_an_organisation(rides: AmusementRideClass) -> None:
    thresholds = {t.requirement: t for t in rides.management_thresholds()}
    assert thresholds["full_time_safety_manager"].applies([_ride(1)])
    assert not thresholds["safety_management_organisation"].applies([_ride(n) for n in range(9)])
    assert thresholds["safety_management_organisation"].applies([_ride(n) for n in range(10)])


def test_a_ride_operator_needs_y2_and_a_repairer_y1_marked_unverified(rides: AmusementRideClass) -> None:
    assert rides.required_certificates("6200") == ("Y2",)
    operator, repairer = rides.certificate_requirements("6200")
    assert (operator.categories, repairer.categories) == (("Y2",), ("Y1",))
    assert operator.source.status is SourceStatus.GENERAL_KNOWLEDGE
