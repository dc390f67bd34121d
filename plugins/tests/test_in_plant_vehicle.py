"""The in-plant vehicle class (5000) as a specification: TSG 81-2022 intervals, scope, the empty GB 45067 4.10."""

from __future__ import annotations

import datetime as dt

import pytest
from dualprev_plugins.in_plant_vehicle import InPlantVehicleClass, VehicleParameters, VehicleType
from dualprev_plugins.in_plant_vehicle.rules import CRITERIA_4_10, GB45067_4_10

from dualprev_sdk import Equipment, InvalidArgument, SourceStatus
from dualprev_sdk.equipment_classes import EquipmentClassRegistry, EquipmentState, InspectionFacts


@pytest.fixture
def vehicles() -> InPlantVehicleClass:
    return InPlantVehicleClass()


def periodic(vehicles: InPlantVehicleClass, code: str, **facts: object) -> dt.date:
    [due] = vehicles.next_due(InspectionFacts(catalog_code=code, **facts))  # type: ignore[arg-type]
    assert due.kind == "periodic_inspection"
    return due.next_due


def test_5000_is_the_in_plant_vehicle_kind_not_the_ropeways() -> None:
    from dualprev_plugins import in_plant_vehicle as plugin

    registry = EquipmentClassRegistry()
    plugin.dualprev_register_equipment_classes(registry)
    assert registry.require_for_code("5110").name_zh == "场（厂）内专用机动车辆"
    assert registry.for_code("9110") is None


# --- TSG 81-2022 ---------------------------------------------------------------------------------------------------


def test_a_forklift_is_inspected_every_two_years(vehicles: InPlantVehicleClass) -> None:
    assert periodic(vehicles, "5110", last_inspection_on=dt.date(2024, 6, 18)) == dt.date(2026, 6, 18)


def test_a_sightseeing_vehicle_is_inspected_every_year(vehicles: InPlantVehicleClass) -> None:
    assert periodic(vehicles, "5200", last_inspection_on=dt.date(2024, 6, 18)) == dt.date(2025, 6, 18)


def test_the_forklift_interval_is_marked_for_verification(vehicles: InPlantVehicleClass) -> None:
    [due] = vehicles.next_due(InspectionFacts(catalog_code="5110", last_inspection_on=dt.date(2024, 6, 18)))
    assert due.source.document.startswith("TSG 81-2022")
    assert due.source.status is SourceStatus.SECONDARY
    assert "VERIFY" in due.source.note


def test_a_forklift_inspected_before_tsg_81_took_effect_keeps_its_one_year_validity(
    vehicles: InPlantVehicleClass,
) -> None:
    assert periodic(vehicles, "5110", last_inspection_on=dt.date(2022, 8, 1)) == dt.date(2023, 8, 1)


def test_a_new_forklift_counts_from_its_first_inspection(vehicles: InPlantVehicleClass) -> None:
    [due] = vehicles.next_due(InspectionFacts(catalog_code="5110", commissioned_on=dt.date(2025, 3, 1)))
    assert due.next_due == dt.date(2027, 3, 1)
    assert "首次检验" in due.note


def test_a_province_can_keep_forklifts_on_a_yearly_cycle(vehicles: InPlantVehicleClass) -> None:
    facts = InspectionFacts(
        catalog_code="5110",
        last_inspection_on=dt.date(2024, 6, 18),
        overrides={"in_plant_vehicle.interval_years.forklift": 1},
    )
    [due] = vehicles.next_due(facts)
    assert due.next_due == dt.date(2025, 6, 18)
    assert due.source.status is SourceStatus.USER


# --- scope ---------------------------------------------------------------------------------------------------------


def test_an_explosion_proof_forklift_under_the_non_standard_code_5120_is_out_of_the_catalogue(
    vehicles: InPlantVehicleClass,
) -> None:
    check = vehicles.check_scope("5120", None)
    assert not check.in_scope
    assert "飞出目录" in check.reasons[0]


def test_a_vehicle_registered_for_public_roads_is_not_an_in_plant_vehicle(vehicles: InPlantVehicleClass) -> None:
    assert not vehicles.check_scope("5200", VehicleParameters(public_road_vehicle=True)).in_scope
    assert vehicles.check_scope("5200", VehicleParameters(seats_count=14)).in_scope


# --- GB 45067 ------------------------------------------------------------------------------------------------------


def test_clause_4_10_is_an_explicit_empty_slot_never_invented(vehicles: InPlantVehicleClass) -> None:
    assert CRITERIA_4_10 == ()
    assert {c.clause for c in vehicles.major_hazard_criteria()} == {"4.1"}
    assert GB45067_4_10.clause == "4.10"
    assert GB45067_4_10.status is SourceStatus.GENERAL_KNOWLEDGE
    assert "text not retrieved" in GB45067_4_10.note
    assert InPlantVehicleClass.major_hazard_slot is GB45067_4_10
    assert "4.10" in (InPlantVehicleClass.__doc__ or "")


def test_the_general_clause_4_1_items_still_apply_to_vehicles(vehicles: InPlantVehicleClass) -> None:
    st = EquipmentState(
        equipment=Equipment(id="v1", unit_uscc="91410100MA00000000", catalog_code="5110"),
        in_use=True,
        findings=frozenset({"accident_or_fault_not_cleared"}),
    )
    assert {c.code for c in vehicles.major_hazard_criteria() if c.matches(st)} == {"4.1b"}


def test_a_forklift_made_after_november_2023_without_a_monitoring_device_is_flagged(
    vehicles: InPlantVehicleClass,
) -> None:
    without = VehicleParameters(safety_monitoring_device=False)
    assert vehicles.missing_safety_monitoring("5110", dt.date(2024, 1, 5), without)
    assert not vehicles.missing_safety_monitoring("5110", dt.date(2023, 11, 30), without)
    assert not vehicles.missing_safety_monitoring("5110", dt.date(2024, 1, 5), VehicleParameters())


# --- parameters, templates, staffing, certificates -----------------------------------------------------------------


def test_bad_vehicle_parameters_are_rejected_naming_every_field(vehicles: InPlantVehicleClass) -> None:
    with pytest.raises(InvalidArgument) as caught:
        vehicles.structure_parameters({"rated_capacity_kg": 0, "max_speed_km_h": -5, "power": "steam"})
    assert {v.field for v in caught.value.violations} >= {"parameters.power"}
    with pytest.raises(InvalidArgument) as caught:
        vehicles.structure_parameters({"rated_capacity_kg": 0, "max_speed_km_h": -5})
    assert {v.field for v in caught.value.violations} == {"parameters.rated_capacity_kg", "parameters.max_speed_km_h"}


def test_forklift_templates_cover_overturning_brakes_forks_and_pedestrians(vehicles: InPlantVehicleClass) -> None:
    text = " ".join(t.component + t.hazard_factor for t in vehicles.risk_templates("5110"))
    for word in ("倾翻", "制动", "货叉", "人车混行", "液化石油气", "蓄电池", "超速"):
        assert word in text
    assert 6 <= len(vehicles.risk_templates("5110")) <= 12
    assert 6 <= len(vehicles.risk_templates("5200")) <= 12
    assert "CC-R02" not in {t.code for t in vehicles.risk_templates("5200")}


def test_daily_items_cite_article_142_of_order_74(vehicles: InPlantVehicleClass) -> None:
    daily = [i for i in vehicles.checklist_items("5110") if i.frequency.value == "daily"]
    assert daily
    assert all(i.source is not None and "142" in i.source.clause for i in daily)


def _sightseeing(n: int, *, public: bool) -> Equipment:
    return Equipment(
        id=f"v{n}",
        unit_uscc="91410100MA00000000",
        catalog_code="5200",
        parameters=VehicleParameters(vehicle_type=VehicleType.SIGHTSEEING_CAR, serves_public=public),
    )


def test_ten_public_sightseeing_vehicles_need_an_organisation_and_a_full_time_manager(
    vehicles: InPlantVehicleClass,
) -> None:
    fleet = [_sightseeing(n, public=True) for n in range(10)]
    assert all(t.applies(fleet) for t in vehicles.management_thresholds())
    assert not any(t.applies(fleet[:9]) for t in vehicles.management_thresholds())
    assert not any(
        t.applies([_sightseeing(n, public=False) for n in range(12)]) for t in vehicles.management_thresholds()
    )


def test_a_forklift_driver_needs_n1_and_a_sightseeing_driver_n2(vehicles: InPlantVehicleClass) -> None:
    assert vehicles.required_certificates("5110") == ("N1",)
    assert vehicles.required_certificates("5200") == ("N2",)
    assert all(r.source.status is SourceStatus.VERIFIED for r in vehicles.certificate_requirements("5110"))


def test_a_local_electric_sightseeing_car_code_is_inspected_yearly(vehicles: InPlantVehicleClass) -> None:
    # 5002 观光车：电动 is a local inspection-system code under 5200
    assert periodic(vehicles, "5002", last_inspection_on=dt.date(2024, 6, 18)) == dt.date(2025, 6, 18)
    assert vehicles.required_certificates("5002") == ("N2",)
