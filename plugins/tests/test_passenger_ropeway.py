"""The passenger-ropeway class (9000) as a specification: scope, yearly inspection, GB 45067 4.8, TSG 08, S1/S2."""

from __future__ import annotations

import datetime as dt

import pytest
from dualprev_plugins.passenger_ropeway import PassengerRopewayClass, RopewayParameters, RopewayType

from dualprev_sdk import Equipment, EquipmentStatus, InvalidArgument, RiskLevel, SourceStatus
from dualprev_sdk.equipment_classes import EquipmentClassRegistry, EquipmentState, InspectionFacts


@pytest.fixture
def ropeways() -> PassengerRopewayClass:
    return PassengerRopewayClass()


def fired(ropeways: PassengerRopewayClass, code: str, *findings: str, conclusion: str | None = None) -> set[str]:
    st = EquipmentState(
        equipment=Equipment(id="s1", unit_uscc="91410100MA00000000", catalog_code=code),
        in_use=True,
        findings=frozenset(findings),
        last_conclusion=conclusion,
    )
    return {c.code for c in ropeways.major_hazard_criteria() if c.matches(st)}


def _line(code: str, **kw: object) -> Equipment:
    return Equipment(id=f"s-{code}", unit_uscc="91410100MA00000000", catalog_code=code, **kw)  # type: ignore[arg-type]


def test_9000_is_the_ropeway_kind() -> None:
    from dualprev_plugins import passenger_ropeway as plugin

    registry = EquipmentClassRegistry()
    plugin.dualprev_register_equipment_classes(registry)
    assert registry.require_for_code("9120").name_zh == "客运索道"
    assert registry.for_code("5110") is None


def test_a_ropeway_is_inspected_every_year_as_general_knowledge(ropeways: PassengerRopewayClass) -> None:
    [due] = ropeways.next_due(InspectionFacts(catalog_code="9120", last_inspection_on=dt.date(2025, 7, 20)))
    assert due.next_due == dt.date(2026, 7, 20)
    assert due.source.document == "TSG S7001"
    assert due.source.status is SourceStatus.GENERAL_KNOWLEDGE


def test_a_ropeway_used_only_for_internal_commuting_is_not_special_equipment(ropeways: PassengerRopewayClass) -> None:
    check = ropeways.check_scope("9110", RopewayParameters(public_service=False))
    assert not check.in_scope
    assert "内部通勤" in check.reasons[0]
    assert ropeways.check_scope("9110", RopewayParameters(length_m=1200)).in_scope


# --- GB 45067 4.8 -----------------------------------------------------------------------------------------------


def test_a_shorted_safety_circuit_fires_4_8_e(ropeways: PassengerRopewayClass) -> None:
    assert fired(ropeways, "9120", "safety_circuit_shorted") == {"4.8e"}


def test_backup_power_or_auxiliary_drive_not_working_fires_4_8_d(ropeways: PassengerRopewayClass) -> None:
    assert fired(ropeways, "9210", "backup_power_not_working") == {"4.8d"}
    assert fired(ropeways, "9310", "auxiliary_drive_not_working") == {"4.8d"}


def test_a_carrier_door_that_cannot_lock_fires_4_8_c_on_aerial_ropeways_and_funiculars_only(
    ropeways: PassengerRopewayClass,
) -> None:
    assert fired(ropeways, "9110", "carrier_door_cannot_lock") == {"4.8c"}
    assert fired(ropeways, "9220", "carrier_door_cannot_lock") == {"4.8c"}
    assert fired(ropeways, "9310", "carrier_door_cannot_lock") == set()


def test_a_missing_emergency_stop_switch_fires_4_8_b(ropeways: PassengerRopewayClass) -> None:
    assert fired(ropeways, "9110", "emergency_stop_switch_missing") == {"4.8b"}


def test_a_failed_on_recheck_conclusion_fires_4_8_a(ropeways: PassengerRopewayClass) -> None:
    assert fired(ropeways, "9120", conclusion="复检不合格") == {"4.8a"}


# --- staffing, parameters, templates, certificates -----------------------------------------------------------------


def test_any_aerial_ropeway_or_funicular_needs_an_organisation(ropeways: PassengerRopewayClass) -> None:
    organisation = next(
        t for t in ropeways.management_thresholds() if t.requirement == "safety_management_organisation"
    )
    assert organisation.applies([_line("9110")])
    assert organisation.applies([_line("9220")])
    assert not organisation.applies([_line("9310")])
    assert not organisation.applies([_line("9110", status=EquipmentStatus.SCRAPPED)])


def test_a_surface_lift_needs_a_full_time_safety_manager(ropeways: PassengerRopewayClass) -> None:
    managers = [t for t in ropeways.management_thresholds() if t.requirement == "full_time_safety_manager"]
    assert any(t.applies([_line("9320")]) for t in managers)
    assert any(t.applies([_line("9120")]) for t in managers)


def test_the_ropeway_type_and_length_are_validated(ropeways: PassengerRopewayClass) -> None:
    params = ropeways.structure_parameters(ropeways.example_parameters())
    assert params.ropeway_type is RopewayType.AERIAL_CIRCULATING
    assert RopewayType.SURFACE_LIFT_LOW.catalog_code == "9310"
    with pytest.raises(InvalidArgument) as caught:
        ropeways.structure_parameters({"length_m": 0, "speed_m_s": -2})
    assert {v.field for v in caught.value.violations} == {"parameters.length_m", "parameters.speed_m_s"}


def test_ropeway_templates_cover_grips_ropes_emergency_stop_backup_power_and_evacuation(
    ropeways: PassengerRopewayClass,
) -> None:
    text = " ".join(t.component for t in ropeways.risk_templates("9120"))
    for word in ("抱索器", "钢丝绳", "紧急停车", "备用电源", "救援"):
        assert word in text
    for code in ("9110", "9210", "9310"):
        assert 6 <= len(ropeways.risk_templates(code)) <= 12
    assert "SD-R01" not in {t.code for t in ropeways.risk_templates("9210")}  # funiculars have no grips


def test_a_ropeway_driver_needs_s2_and_a_repairer_s1_marked_unverified(ropeways: PassengerRopewayClass) -> None:
    assert ropeways.required_certificates("9110") == ("S2",)
    driver, repairer = ropeways.certificate_requirements("9110")
    assert (driver.categories, repairer.categories) == (("S2",), ("S1",))
    assert driver.source.status is SourceStatus.GENERAL_KNOWLEDGE


def test_the_ropeway_class_carries_the_highest_inherent_risk_documented_as_general_knowledge() -> None:
    assert PassengerRopewayClass.inherent_risk is RiskLevel.MAJOR
    source = PassengerRopewayClass.inherent_risk_source
    assert source is not None
    assert source.status is SourceStatus.GENERAL_KNOWLEDGE
