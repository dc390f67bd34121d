"""The elevator class as a specification: TSG T7001-2023 schedule, scope, GB 45067 4.6, parameters, staffing."""

from __future__ import annotations

import datetime as dt

import pytest
from dualprev_plugins import elevator
from dualprev_plugins.elevator import ElevatorClass, ElevatorParameters

from dualprev_sdk import Equipment, InvalidArgument, SourceStatus
from dualprev_sdk.domain.common import CrowdedPlaceType
from dualprev_sdk.domain.risk import ControlMeasures
from dualprev_sdk.equipment_classes import EquipmentClassRegistry, EquipmentState, InspectionFacts
from dualprev_sdk.plugins import PluginHost

LEC_L = {10, 6, 3, 1, 0.5, 0.2, 0.1}
LEC_E = {10, 6, 3, 2, 1, 0.5}
LEC_C = {100, 40, 15, 7, 3, 1}


@pytest.fixture
def lift() -> ElevatorClass:
    return ElevatorClass()


def due(lift: ElevatorClass, **facts: object) -> dict[str, dt.date]:
    return {d.kind: d.next_due for d in lift.next_due(InspectionFacts(catalog_code="3110", **facts))}  # type: ignore[arg-type]


def state(code: str, *findings: str, in_use: bool = True, conclusion: str | None = None) -> EquipmentState:
    equipment = Equipment(id="e1", unit_uscc="91410100MA00000000", catalog_code=code)
    return EquipmentState(equipment=equipment, in_use=in_use, findings=frozenset(findings), last_conclusion=conclusion)


def fired(lift: ElevatorClass, st: EquipmentState) -> set[str]:
    return {c.code for c in lift.major_hazard_criteria() if c.matches(st)}


# --- registration -------------------------------------------------------------------------------------------


def test_the_plugin_registers_the_class_that_owns_every_elevator_code() -> None:
    registry = EquipmentClassRegistry()
    elevator.dualprev_register_equipment_classes(registry)
    assert registry.require_for_code("3310").key == "elevator"
    assert registry.require_for_code("3110").kind_code == "3000"


def test_the_class_is_found_through_its_entry_point() -> None:
    host = PluginHost(disabled=[])
    assert host.equipment_classes.require_for_code("3210").key == "elevator"


# --- TSG T7001-2023 schedule --------------------------------------------------------------------------------


def test_a_passenger_lift_older_than_15_years_is_due_every_year(lift: ElevatorClass) -> None:
    dates = due(lift, commissioned_on=dt.date(2008, 5, 20), last_inspection_on=dt.date(2024, 5, 10))
    assert dates["periodic_inspection"] == dt.date(2025, 5, 20)  # year 17
    assert "self_test" not in dates
    dates = due(lift, commissioned_on=dt.date(2008, 5, 20), last_inspection_on=dt.date(2025, 5, 12))
    assert dates["periodic_inspection"] == dt.date(2026, 5, 20)  # year 18


def test_a_five_year_old_lift_gets_a_self_test_in_year_5_and_a_periodic_inspection_in_year_7(
    lift: ElevatorClass,
) -> None:
    # installation supervisory inspection passed 2021-03; periodic inspection of year 4 done 2025-03
    dates = due(lift, commissioned_on=dt.date(2021, 3, 15), last_inspection_on=dt.date(2025, 3, 10))
    assert dates["self_test"] == dt.date(2026, 3, 15)
    assert dates["periodic_inspection"] == dt.date(2028, 3, 15)


def test_after_the_year_5_self_test_the_next_self_test_is_year_6(lift: ElevatorClass) -> None:
    dates = due(
        lift,
        commissioned_on=dt.date(2021, 3, 15),
        last_inspection_on=dt.date(2025, 3, 10),  # periodic inspection, year 4
        last_inspections={"self_test": dt.date(2026, 2, 25)},  # self-test, year 5, a little early
    )
    assert dates["self_test"] == dt.date(2027, 3, 15)
    assert dates["periodic_inspection"] == dt.date(2028, 3, 15)


def test_a_new_lift_is_first_inspected_in_year_1(lift: ElevatorClass) -> None:
    dates = due(lift, commissioned_on=dt.date(2025, 7, 1))
    assert dates["periodic_inspection"] == dt.date(2026, 7, 1)
    assert "self_test" not in dates  # year 1 is an inspection year; no self-test comes before it


def test_a_periodic_inspection_two_months_early_still_counts_for_its_year(lift: ElevatorClass) -> None:
    # year 7 anniversary 2028-03-15, inspected 2028-01-20 on request
    dates = due(lift, commissioned_on=dt.date(2021, 3, 15), last_inspection_on=dt.date(2028, 1, 20))
    assert dates["periodic_inspection"] == dt.date(2030, 3, 15)  # year 9
    assert dates["self_test"] == dt.date(2029, 3, 15)  # year 8


def test_between_years_9_and_15_inspections_alternate_with_self_tests(lift: ElevatorClass) -> None:
    base = dt.date(2010, 9, 1)
    dates = due(lift, commissioned_on=base, last_inspection_on=dt.date(2019, 9, 3))  # year 9 inspected
    assert dates == {
        "self_test": dt.date(2020, 9, 1),
        "periodic_inspection": dt.date(2021, 9, 1),
        "maintenance": dt.date(2019, 9, 18),
    }


def test_a_due_date_is_never_earlier_than_the_last_inspection(lift: ElevatorClass) -> None:
    last = dt.date(2024, 6, 30)
    for commissioned in (dt.date(2000, 1, 1), dt.date(2015, 6, 30), dt.date(2023, 12, 31)):
        for d in lift.next_due(
            InspectionFacts(catalog_code="3110", commissioned_on=commissioned, last_inspection_on=last)
        ):
            assert d.next_due >= last


def test_every_due_date_cites_its_source(lift: ElevatorClass) -> None:
    dates = lift.next_due(InspectionFacts(catalog_code="3110", commissioned_on=dt.date(2021, 3, 15)))
    documents = {d.kind: d.source.document for d in dates}
    assert documents == {"periodic_inspection": "TSG T7001-2023", "maintenance": "特种设备安全监察条例"}
    assert all(d.source.status is SourceStatus.SECONDARY for d in dates)


def test_a_province_keeping_annual_inspections_overrides_the_schedule(lift: ElevatorClass) -> None:
    facts = InspectionFacts(
        catalog_code="3110",
        commissioned_on=dt.date(2021, 3, 15),
        last_inspection_on=dt.date(2025, 3, 10),
        overrides={"interval_years": 1},
    )
    [periodic] = [d for d in lift.next_due(facts) if d.kind == "periodic_inspection"]
    assert periodic.next_due == dt.date(2026, 3, 10)
    assert periodic.source.status is SourceStatus.USER
    assert "interval_years" in periodic.note
    assert not [d for d in lift.next_due(facts) if d.kind == "self_test"]


def test_the_annual_threshold_is_configurable(lift: ElevatorClass) -> None:
    facts = InspectionFacts(
        catalog_code="3110",
        commissioned_on=dt.date(2010, 5, 1),
        last_inspection_on=dt.date(2023, 5, 2),  # year 13
        overrides={"annual_after_year": 13},
    )
    dates = {d.kind: d.next_due for d in lift.next_due(facts)}
    assert dates["periodic_inspection"] == dt.date(2024, 5, 1)


def test_a_bad_override_is_rejected_naming_the_key(lift: ElevatorClass) -> None:
    facts = InspectionFacts(
        catalog_code="3110",
        commissioned_on=dt.date(2021, 3, 15),
        overrides={"periodic_inspection_years": "1,4,7", "maintenance_interval_days": 0},
    )
    with pytest.raises(InvalidArgument) as caught:
        lift.next_due(facts)
    fields = {v.field for v in caught.value.violations}
    assert fields == {"overrides.periodic_inspection_years", "overrides.maintenance_interval_days"}


def test_maintenance_is_due_15_days_after_the_last_maintenance(lift: ElevatorClass) -> None:
    facts = InspectionFacts(
        catalog_code="3110",
        commissioned_on=dt.date(2021, 3, 15),
        last_inspection_on=dt.date(2025, 3, 10),
        last_inspections={"maintenance": dt.date(2025, 11, 20)},
    )
    [maintenance] = [d for d in lift.next_due(facts) if d.kind == "maintenance"]
    assert maintenance.next_due == dt.date(2025, 12, 5)
    assert "第三十一条" in maintenance.source.clause


def test_without_a_commissioning_date_the_next_inspection_is_one_year_after_the_last(lift: ElevatorClass) -> None:
    [periodic, _] = lift.next_due(InspectionFacts(catalog_code="3110", last_inspection_on=dt.date(2025, 4, 1)))
    assert periodic.next_due == dt.date(2026, 4, 1)
    assert periodic.source.status is SourceStatus.GENERAL_KNOWLEDGE


# --- scope -------------------------------------------------------------------------------------------------


def test_a_single_household_lift_in_a_private_house_is_not_special_equipment(lift: ElevatorClass) -> None:
    check = lift.check_scope("3110", ElevatorParameters(single_household_non_public=True))
    assert not check.in_scope
    assert any("单一家庭" in r for r in check.reasons)
    assert check.source is not None
    assert check.source.status is SourceStatus.GENERAL_KNOWLEDGE


def test_an_ordinary_passenger_lift_is_in_scope(lift: ElevatorClass) -> None:
    assert lift.check_scope("3110", ElevatorParameters(rated_load_kg=1000)).in_scope


def test_a_legacy_code_outside_the_2014_catalogue_is_kept_but_flagged_for_review(lift: ElevatorClass) -> None:
    check = lift.check_scope("3500", None)
    assert check.in_scope
    assert "2004" in check.reasons[0]


# --- GB 45067-2024 ----------------------------------------------------------------------------------------


def test_a_shorted_door_lock_circuit_on_a_passenger_lift_in_use_is_a_major_hazard(lift: ElevatorClass) -> None:
    assert fired(lift, state("3110", "door_lock_circuit_shorted")) == {"4.6d"}
    assert fired(lift, state("3220", "door_lock_circuit_shorted")) == {"4.6d"}


def test_a_door_lock_short_reported_on_an_escalator_does_not_fire_4_6_d(lift: ElevatorClass) -> None:
    assert fired(lift, state("3310", "door_lock_circuit_shorted")) == set()


def test_a_stopped_lift_is_not_a_major_hazard_because_it_is_not_in_continued_use(lift: ElevatorClass) -> None:
    assert fired(lift, state("3110", "door_lock_circuit_shorted", in_use=False)) == set()


def test_escalator_items_fire_only_on_escalators_and_moving_walks(lift: ElevatorClass) -> None:
    assert fired(lift, state("3310", "escalator_emergency_stop_missing")) == {"4.6c"}
    assert fired(lift, state("3320", "handrail_obstacle_guard_missing")) == {"4.6e"}
    assert fired(lift, state("3110", "escalator_emergency_stop_failed", "handrail_obstacle_guard_missing")) == set()


def test_anti_pinch_failure_fires_on_lifts_but_not_on_a_dumbwaiter(lift: ElevatorClass) -> None:
    assert fired(lift, state("3120", "door_anti_pinch_failed")) == {"4.6b"}
    assert fired(lift, state("3430", "door_anti_pinch_failed")) == set()


def test_a_failed_or_failed_on_recheck_conclusion_fires_4_6_a_for_lifts(lift: ElevatorClass) -> None:
    assert fired(lift, state("3110", conclusion="不合格")) == {"4.6a"}
    assert fired(lift, state("3210", conclusion="复检不合格")) == {"4.6a"}
    assert fired(lift, state("3110", conclusion="复检合格")) == set()


def test_a_failed_escalator_inspection_is_not_4_6_a_in_the_reference_reading(lift: ElevatorClass) -> None:
    # Part C §2.1: 4.6 a/b/d concern passenger and goods lifts only; to be checked against the official text
    assert fired(lift, state("3310", conclusion="不合格")) == set()


def test_the_general_items_of_clause_4_1_apply_to_every_elevator(lift: ElevatorClass) -> None:
    assert fired(lift, state("3310", "scrapping_condition_reached")) == {"4.1a"}
    assert fired(lift, state("3110", "beyond_rated_parameters_or_scope")) == {"4.1c"}


def test_every_criterion_cites_gb_45067_with_its_item_and_the_4_6_items_are_secondary(lift: ElevatorClass) -> None:
    criteria = lift.major_hazard_criteria()
    assert {c.code for c in criteria if c.clause == "4.6"} == {"4.6a", "4.6b", "4.6c", "4.6d", "4.6e"}
    for c in criteria:
        assert c.source.document == "GB 45067-2024"
        assert c.source.clause.startswith(f"{c.clause} {c.item}")
        if c.clause == "4.6":
            assert c.source.status is SourceStatus.SECONDARY
    assert set(lift.findings()) >= {"door_lock_circuit_shorted", "handrail_obstacle_guard_missing", "scrapped"}


# --- parameters ----------------------------------------------------------------------------------------------


def test_parameters_are_structured_from_ledger_data(lift: ElevatorClass) -> None:
    params = lift.structure_parameters(
        {
            "rated_load_kg": 1000,
            "rated_speed_m_s": 1.75,
            "stops": 18,
            "machine_room": "machine_roomless",
            "drive": "traction",
        }
    )
    assert params == ElevatorParameters(
        rated_load_kg=1000,
        rated_speed_m_s=1.75,
        stops=18,
        machine_room=elevator.MachineRoomType.MACHINE_ROOMLESS,
        drive=elevator.DriveType.TRACTION,
    )


def test_bad_parameters_are_rejected_naming_every_field(lift: ElevatorClass) -> None:
    with pytest.raises(InvalidArgument) as caught:
        lift.structure_parameters({"rated_load_kg": -630, "stops": 1, "rescue_code": "12-34"})
    fields = {v.field for v in caught.value.violations}
    assert fields == {"parameters.rated_load_kg", "parameters.stops", "parameters.rescue_code"}


def test_a_directly_built_parameter_object_names_the_bad_field() -> None:
    with pytest.raises(ValueError, match="rated_speed_m_s"):
        ElevatorParameters(rated_speed_m_s=0)


def test_an_unknown_machine_room_type_is_rejected(lift: ElevatorClass) -> None:
    with pytest.raises(InvalidArgument) as caught:
        lift.structure_parameters({"machine_room": "半地下"})
    assert caught.value.violations[0].field == "parameters.machine_room"


# --- templates, checklist, staffing, certificates --------------------------------------------------------------


@pytest.mark.parametrize("code", ["3110", "3120", "3210", "3310", "3320", "3410", "3430"])
def test_every_variety_gets_six_to_twelve_risk_templates_with_table_values(lift: ElevatorClass, code: str) -> None:
    templates = lift.risk_templates(code)
    assert 6 <= len(templates) <= 12
    for t in templates:
        assert t.suggested_lec is not None
        assert t.suggested_ls is not None
        l_value, e_value, c_value = t.suggested_lec
        assert l_value in LEC_L
        assert e_value in LEC_E
        assert c_value in LEC_C
        assert all(1 <= x <= 5 for x in t.suggested_ls)
        assert t.accident_types
        assert t.measures != ControlMeasures()
        assert t.measures.engineering
        assert t.measures.management
        assert t.measures.emergency


def test_lift_templates_cover_door_locks_brakes_and_entrapment_and_escalator_templates_cover_comb_plates(
    lift: ElevatorClass,
) -> None:
    lift_text = " ".join(t.hazard_factor for t in lift.risk_templates("3110"))
    assert "门锁回路短接" in lift_text
    assert "制动器失效" in lift_text
    assert "困人" in lift_text
    escalator_text = " ".join(t.component for t in lift.risk_templates("3310"))
    assert "梳齿板" in escalator_text
    assert "扶手带" in escalator_text
    assert "紧急停止开关" in escalator_text
    assert "门锁" not in escalator_text


def test_the_checklist_has_daily_weekly_and_monthly_items_for_the_three_order_74_roles(lift: ElevatorClass) -> None:
    items = lift.checklist_items("3110")
    by_frequency = {(i.frequency.value, i.responsible_role.value) for i in items}
    assert {("daily", "safety_officer"), ("weekly", "safety_director"), ("monthly", "principal")} <= by_frequency
    assert "EL-D05" not in {i.code for i in items}  # escalator emergency stop
    assert "EL-D05" in {i.code for i in lift.checklist_items("3310")}


def test_checklist_finding_codes_are_ones_the_criteria_understand(lift: ElevatorClass) -> None:
    known = set(lift.findings())
    for code in ("3110", "3310"):
        for item in lift.checklist_items(code):
            assert item.finding_code is None or item.finding_code in known


def _lift(n: int, **kw: object) -> Equipment:
    return Equipment(id=f"e{n}", unit_uscc="91410100MA00000000", catalog_code="3110", **kw)  # type: ignore[arg-type]


def test_thirty_lifts_in_a_hospital_need_a_safety_management_organisation(lift: ElevatorClass) -> None:
    [organisation, _] = lift.management_thresholds()
    hospital = [_lift(n, crowded_place=CrowdedPlaceType.HOSPITAL) for n in range(30)]
    assert organisation.applies(hospital)
    assert not organisation.applies(hospital[:29])
    assert not organisation.applies([_lift(n) for n in range(40)])


def test_a_lift_providing_public_operating_service_needs_an_organisation_and_a_full_time_manager(
    lift: ElevatorClass,
) -> None:
    service = [_lift(1, parameters=ElevatorParameters(public_operating_service=True))]
    assert all(t.applies(service) for t in lift.management_thresholds())


def test_lift_maintenance_needs_the_t_certificate(lift: ElevatorClass) -> None:
    assert lift.required_certificates("3110") == ("T",)
    [requirement] = lift.certificate_requirements("3110")
    assert requirement.categories == ("T",)
    assert requirement.source.status is SourceStatus.GENERAL_KNOWLEDGE


def test_the_inherent_risk_is_documented_as_general_knowledge(lift: ElevatorClass) -> None:
    assert lift.inherent_risk_source is not None
    assert lift.inherent_risk_source.status is SourceStatus.GENERAL_KNOWLEDGE
