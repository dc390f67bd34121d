"""Pressure vessels (压力容器: 2100 stationary, 2200 mobile, 2400 oxygen chambers), as specifications."""

from __future__ import annotations

import datetime as dt

import pytest
from dualprev_plugins.pressure_vessel import MediumPhase, PressureVesselClass, PressureVesselParameters, VesselClass
from hypothesis import given, settings
from hypothesis import strategies as st

from dualprev_sdk import InvalidArgument, SourceStatus
from dualprev_sdk.equipment_classes import InspectionFacts
from dualprev_sdk.testing import make_equipment, make_state

D = dt.date
PV = PressureVesselClass()


def periodic(facts):
    (due,) = [d for d in PV.next_due(facts) if d.kind == "periodic_inspection"]
    return due


def test_a_new_stationary_vessel_is_first_inspected_within_three_years_of_commissioning(facts_for):
    due = periodic(facts_for("2150", commissioned=D(2024, 2, 29)))
    assert due.next_due == D(2027, 2, 28)
    assert due.source.document.startswith("TSG 21-2016")


@pytest.mark.parametrize("grade", [1, 2])
def test_a_stationary_vessel_of_safety_grade_1_or_2_is_inspected_every_six_years(facts_for, grade):
    due = periodic(facts_for("2130", last=D(2023, 9, 1), grade=grade))
    assert due.next_due == D(2029, 9, 1)
    assert "6年" in due.rule
    assert due.use_allowed


def test_a_grade_3_vessel_defaults_to_three_years_and_a_province_may_configure_up_to_six(facts_for):
    assert periodic(facts_for("2170", last=D(2024, 1, 10), grade=3)).next_due == D(2027, 1, 10)
    configured = periodic(facts_for("2170", last=D(2024, 1, 10), grade=3, overrides={"pv.stationary.grade_3": 5}))
    assert configured.next_due == D(2029, 1, 10)
    assert configured.source.status is SourceStatus.USER


def test_a_grade_4_vessel_is_in_monitored_use_for_at_most_three_years(facts_for):
    due = periodic(facts_for("2130", last=D(2024, 6, 1), grade=4))
    assert due.next_due <= D(2027, 6, 1)
    assert "监控使用" in due.rule
    assert due.use_allowed


def test_a_grade_5_vessel_must_not_be_used_and_is_due_at_once(facts_for):
    due = periodic(facts_for("2130", last=D(2024, 6, 1), grade=5))
    assert not due.use_allowed
    assert due.next_due == D(2024, 6, 1)
    assert "不得继续使用" in due.rule


def test_the_grade_may_come_from_the_parameters_when_the_last_report_is_not_in_the_ledger(facts_for):
    assert periodic(facts_for("2150", {"safety_grade": 1}, last=D(2020, 5, 5))).next_due == D(2026, 5, 5)


def test_an_unknown_grade_gets_the_grade_3_interval_with_a_note(facts_for):
    due = periodic(facts_for("2150", last=D(2020, 5, 5)))
    assert due.next_due == D(2023, 5, 5)
    assert "未知" in due.note


def test_a_non_metallic_vessel_follows_its_own_shorter_cycle(facts_for):
    assert periodic(facts_for("2150", {"material": "non_metal"}, commissioned=D(2024, 1, 1))).next_due == D(2025, 1, 1)
    assert periodic(facts_for("2150", {"material": "non_metal"}, last=D(2024, 1, 1), grade=2)).next_due == D(2026, 1, 1)


def test_stationary_vessels_get_a_yearly_annual_check_safety_valve_and_half_yearly_gauges(facts_for):
    dues = {d.kind: d.next_due for d in PV.next_due(facts_for("2130", last=D(2024, 3, 31), grade=2))}
    assert dues["annual_check"] == D(2025, 3, 31)
    assert dues["safety_valve"] == D(2025, 3, 31)
    assert dues["pressure_gauge"] == D(2024, 9, 30)


@pytest.mark.parametrize(
    ("code", "grade", "expected"),
    [
        ("2220", 2, D(2029, 4, 1)),  # road tanker 5 years
        ("2210", 1, D(2028, 4, 1)),  # rail tanker 4 years
        ("2240", 3, D(2026, 10, 1)),  # tank container 2.5 years
        ("2220", 3, D(2027, 4, 1)),
    ],
)
def test_mobile_tanks_follow_the_variety_and_grade_table(facts_for, code, grade, expected):
    assert periodic(facts_for(code, last=D(2024, 4, 1), grade=grade)).next_due == expected


def test_a_new_road_tanker_is_first_inspected_after_one_year_and_pressure_tested_within_six(facts_for):
    dues = {d.kind: d for d in PV.next_due(facts_for("2220", commissioned=D(2024, 7, 1)))}
    assert dues["periodic_inspection"].next_due == D(2025, 7, 1)
    assert dues["annual_inspection"].next_due == D(2025, 7, 1)
    assert dues["pressure_test"].next_due == D(2030, 7, 1)


def test_a_tube_trailer_cycle_depends_on_its_media_class(facts_for):
    assert periodic(facts_for("2230", {"tube_trailer_media_class": "B"}, commissioned=D(2024, 1, 1))).next_due == D(
        2028, 1, 1
    )
    assert periodic(facts_for("2230", {"tube_trailer_media_class": "A"}, last=D(2024, 1, 1))).next_due == D(2029, 1, 1)


def test_varieties_without_a_shipped_rule_give_no_date_until_configured_instead_of_guessing(facts_for):
    assert PV.next_due(facts_for("2410", last=D(2024, 1, 1))) == []
    assert PV.next_due(facts_for("2250", last=D(2024, 1, 1))) == []
    assert PV.next_due(facts_for("2220", last=D(2024, 1, 1), grade=4)) == []
    due = periodic(facts_for("2410", last=D(2024, 1, 1), overrides={"pv.oxygen_chamber.periodic_years": 3}))
    assert due.next_due == D(2027, 1, 1)
    assert due.source.status is SourceStatus.USER
    assert due.source.clause == "pv.oxygen_chamber.periodic_years"


def test_a_vessel_below_30_litres_or_150_mm_is_not_special_equipment():
    small = PV.check_scope(
        "2170", PressureVesselParameters(max_working_pressure_mpa=0.8, volume_l=25, inner_diameter_mm=300)
    )
    assert not small.in_scope
    assert any("容积" in r for r in small.reasons)
    narrow = PV.check_scope(
        "2170", PressureVesselParameters(design_pressure_mpa=1.0, volume_l=50, inner_diameter_mm=100)
    )
    assert not narrow.in_scope
    assert PV.check_scope(
        "2170", PressureVesselParameters(design_pressure_mpa=1.0, volume_l=50, inner_diameter_mm=200)
    ).in_scope


def test_a_vessel_holding_a_liquid_below_its_boiling_point_is_out_of_scope():
    check = PV.check_scope(
        "2150",
        PressureVesselParameters(
            max_working_pressure_mpa=1.0,
            volume_l=500,
            inner_diameter_mm=600,
            medium_phase=MediumPhase.LIQUID_BELOW_BOILING_POINT,
        ),
    )
    assert not check.in_scope


def test_a_safety_grade_outside_1_to_5_is_rejected_naming_the_field():
    with pytest.raises(InvalidArgument) as caught:
        PV.structure_parameters({"safety_grade": 6, "vessel_class": "IV"})
    assert "parameters.vessel_class" in {v.field for v in caught.value.violations}
    with pytest.raises(InvalidArgument) as caught:
        PV.structure_parameters({"safety_grade": 6})
    assert [v.field for v in caught.value.violations] == ["parameters.safety_grade"]


def fired(state):
    return {c.code for c in PV.major_hazard_criteria() if c.matches(state)}


def test_a_disabled_quick_opening_door_interlock_is_4_3_d_only_on_a_stationary_vessel_in_use():
    autoclave = make_equipment("2150", PressureVesselParameters(quick_opening_door=True))
    assert fired(make_state(autoclave, "quick_opening_interlock_missing_or_failed")) == {"4.3d"}
    assert fired(make_state(autoclave, "quick_opening_interlock_missing_or_failed", in_use=False)) == set()
    tanker = make_equipment("2220")
    assert fired(make_state(tanker, "quick_opening_interlock_missing_or_failed")) == set()


def test_a_failed_emergency_shutoff_is_4_3_c_on_a_tanker_and_4_5_c_on_the_filling_facility_even_when_stopped():
    tanker = make_equipment("2220")
    assert fired(make_state(tanker, "emergency_shutoff_missing_or_failed")) == {"4.3c"}
    assert fired(make_state(tanker, "filling_facility_emergency_shutoff_missing_or_failed", in_use=False)) == {"4.5c"}


def test_safety_grade_5_or_a_nonconforming_report_is_4_3_a():
    vessel = make_equipment("2130")
    assert fired(make_state(vessel, last_safety_grade=5)) == {"4.3a"}
    assert fired(make_state(vessel, last_conclusion="不符合要求")) == {"4.3a"}
    assert fired(make_state(vessel, last_safety_grade=3, last_conclusion="符合要求")) == set()


def test_an_oxygen_chamber_without_grounding_is_4_3_e():
    assert fired(make_state(make_equipment("2410"), "oxygen_chamber_grounding_missing_or_failed")) == {"4.3e"}


def test_five_class_iii_vessels_need_a_full_time_safety_manager_and_four_do_not():
    (rule,) = [t for t in PV.management_thresholds() if t.code == "tsg08.2.4.2(2)"]
    four = [make_equipment("2150", PressureVesselParameters(vessel_class=VesselClass.III)) for _ in range(3)]
    four.append(make_equipment("2130"))
    assert not rule.applies(four)
    assert rule.applies([*four, make_equipment("2130")])


def test_mobile_vessel_users_and_filling_units_need_a_full_time_safety_manager():
    by_code = {t.code: t for t in PV.management_thresholds()}
    assert by_code["tsg08.2.4.2(5).mobile_pv"].applies([make_equipment("2230")])
    assert by_code["tsg08.2.4.2(3).mobile_pv_filling"].applies([], activities=["mobile_pv_filling"])
    assert not by_code["tsg08.2.4.2(3).mobile_pv_filling"].applies([make_equipment("2130")])


def test_only_quick_opening_vessels_need_r1_and_oxygen_chambers_need_r3():
    assert PV.certificate_requirements("2150", PressureVesselParameters()) == ()
    assert PV.certificate_requirements("2150", PressureVesselParameters(quick_opening_door=True))[0].categories == (
        "R1",
    )
    assert PV.required_certificates("2410") == ("R3",)


def test_tankers_get_loading_and_transport_risks_and_oxygen_chambers_get_fire_risks():
    assert {"PV-R09", "PV-R10"} <= {t.code for t in PV.risk_templates("2220")}
    chamber = {t.code for t in PV.risk_templates("2410")}
    assert "PV-R11" in chamber
    assert "PV-R04" not in chamber
    assert len(chamber) >= 6


@settings(deadline=None)
@given(
    code=st.sampled_from(["2130", "2150", "2170", "2210", "2220", "2230", "2240"]),
    grade=st.one_of(st.none(), st.integers(min_value=1, max_value=3)),
    material=st.sampled_from(["metal", "non_metal"]),
    last=st.dates(min_value=D(2000, 1, 1), max_value=D(2040, 12, 31)),
)
def test_no_vessel_rule_dates_an_inspection_before_the_last_one(code, grade, material, last):
    params = PV.structure_parameters({"material": material})
    facts = InspectionFacts(catalog_code=code, parameters=params, last_inspection_on=last, last_safety_grade=grade)
    for due in PV.next_due(facts):
        assert due.next_due >= last
        assert due.source.document
