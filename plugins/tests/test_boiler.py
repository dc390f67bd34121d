"""Boilers (锅炉): what the plugin promises, as specifications."""

from __future__ import annotations

import datetime as dt

import pytest
from dualprev_plugins.boiler import BoilerClass, BoilerParameters

from dualprev_sdk import InvalidArgument, SourceStatus
from dualprev_sdk.testing import make_equipment, make_state

D = dt.date
BOILER = BoilerClass()


def dues(facts):
    return {d.kind: d for d in BOILER.next_due(facts)}


def test_a_new_boiler_is_first_inspected_internally_and_externally_one_year_after_commissioning(facts_for):
    due = dues(facts_for("1100", {"medium": "steam"}, commissioned=D(2024, 3, 10)))
    assert due["internal_inspection"].next_due == D(2025, 3, 10)
    assert due["external_inspection"].next_due == D(2025, 3, 10)
    assert "首次内部检验" in due["internal_inspection"].rule
    assert due["internal_inspection"].source.document.startswith("TSG 11-2020")


def test_an_industrial_boiler_is_inspected_externally_every_year_and_internally_every_two_years(facts_for):
    due = dues(facts_for("1200", last=D(2024, 6, 30), commissioned=D(2015, 1, 1)))
    assert due["external_inspection"].next_due == D(2025, 6, 30)
    assert due["internal_inspection"].next_due == D(2026, 6, 30)
    assert due["periodic_inspection"].next_due == D(2025, 6, 30)
    assert BOILER.next_due(facts_for("1200", last=D(2024, 6, 30)))[0].kind == "periodic_inspection"


def test_the_internal_and_external_inspections_count_from_their_own_last_dates(facts_for):
    facts = facts_for(
        "1100",
        last=D(2025, 4, 1),
        last_inspections={"internal_inspection": D(2024, 4, 1), "safety_valve": D(2025, 1, 15)},
    )
    due = dues(facts)
    assert due["internal_inspection"].next_due == D(2026, 4, 1)
    assert due["external_inspection"].next_due == D(2026, 4, 1)
    assert due["safety_valve"].next_due == D(2026, 1, 15)


def test_a_utility_boiler_is_inspected_internally_every_three_years_by_default_and_that_is_configurable(facts_for):
    due = dues(facts_for("1100", {"utility": True}, last=D(2024, 5, 1)))
    assert due["internal_inspection"].next_due == D(2027, 5, 1)
    configured = dues(
        facts_for("1100", {"utility": True}, last=D(2024, 5, 1), overrides={"boiler.utility_internal_inspection": 6})
    )["internal_inspection"]
    assert configured.next_due == D(2030, 5, 1)
    assert configured.source.status is SourceStatus.USER
    assert "TSG 11-2020" in configured.source.note


def test_safety_valves_are_due_yearly_and_pressure_gauges_every_six_months(facts_for):
    due = dues(facts_for("1100", last=D(2024, 8, 31)))
    assert due["safety_valve"].next_due == D(2025, 8, 31)
    assert due["pressure_gauge"].next_due == D(2025, 2, 28)
    assert due["pressure_gauge"].source.status is SourceStatus.GENERAL_KNOWLEDGE


def test_a_due_date_needs_a_last_inspection_or_a_commissioning_date(facts_for):
    with pytest.raises(InvalidArgument) as caught:
        BOILER.next_due(facts_for("1100"))
    assert caught.value.violations[0].field == "last_inspection_on"


def test_a_non_positive_interval_override_is_rejected_naming_the_key(facts_for):
    with pytest.raises(InvalidArgument) as caught:
        BOILER.next_due(facts_for("1100", last=D(2024, 1, 1), overrides={"boiler.safety_valve": 0}))
    assert caught.value.violations[0].field == "overrides.boiler.safety_valve"


def test_a_steam_boiler_holding_less_than_30_litres_of_water_is_not_special_equipment():
    check = BOILER.check_scope("1100", BoilerParameters(water_volume_l=25, rated_pressure_mpa=0.7))
    assert not check.in_scope
    assert any("30" in r for r in check.reasons)
    assert check.source is not None
    assert check.source.status is SourceStatus.GENERAL_KNOWLEDGE


def test_a_hot_water_boiler_below_0_1_mw_is_out_of_scope_and_one_above_is_in():
    assert not BOILER.check_scope("1200", BoilerParameters(rated_pressure_mpa=0.4, rated_power_mw=0.05)).in_scope
    assert BOILER.check_scope("1200", BoilerParameters(rated_pressure_mpa=0.4, rated_power_mw=0.7)).in_scope


def test_a_boiler_with_unknown_ratings_stays_in_scope_and_says_what_is_missing():
    check = BOILER.check_scope("1300", BoilerParameters())
    assert check.in_scope
    assert any("额定热功率" in r for r in check.reasons)


def test_bad_boiler_parameters_are_rejected_naming_every_field():
    with pytest.raises(InvalidArgument) as caught:
        BOILER.structure_parameters({"rated_pressure_mpa": -1, "water_volume_l": 0, "medium": "lava"})
    assert {v.field for v in caught.value.violations} >= {"parameters.medium"}
    with pytest.raises(InvalidArgument) as caught:
        BOILER.structure_parameters({"rated_pressure_mpa": -1, "water_volume_l": 0})
    assert {v.field for v in caught.value.violations} == {"parameters.rated_pressure_mpa", "parameters.water_volume_l"}


def criteria_matching(state):
    return {c.code for c in BOILER.major_hazard_criteria() if c.matches(state)}


def test_a_failed_low_water_interlock_on_a_boiler_in_use_is_a_major_accident_hazard_under_4_2_f():
    boiler = make_equipment("1100", BoilerParameters())
    assert criteria_matching(make_state(boiler, "interlock_missing_or_failed")) == {"4.2f"}
    assert criteria_matching(make_state(boiler, "interlock_missing_or_failed", in_use=False)) == set()


def test_a_nonconforming_periodic_inspection_conclusion_is_4_2_a_and_a_conforming_one_is_nothing():
    boiler = make_equipment("1200")
    assert criteria_matching(make_state(boiler, last_conclusion="不符合要求")) == {"4.2a"}
    assert criteria_matching(make_state(boiler, last_conclusion="符合要求")) == set()
    assert criteria_matching(make_state(boiler, "accident_or_fault_not_cleared")) == {"4.1b"}


def test_every_boiler_criterion_cites_gb_45067_with_its_status():
    criteria = {c.code: c for c in BOILER.major_hazard_criteria()}
    assert set(criteria) == {"4.1a", "4.1b", "4.1c", *(f"4.2{x}" for x in "abcdefghij")}
    assert criteria["4.2b"].source.status is SourceStatus.SECONDARY
    assert criteria["4.1a"].source.status is SourceStatus.GENERAL_KNOWLEDGE
    assert criteria["4.2b"].citation == "GB 45067-2024 4.2 b)"


def test_an_industrial_steam_boiler_needs_a_g1_operator_and_a_g3_water_treatment_operator():
    posts = BOILER.certificate_requirements("1100", BoilerParameters())
    assert [p.categories for p in posts] == [("G1",), ("G3",)]


def test_a_utility_boiler_needs_g2_and_a_thermal_oil_heater_needs_no_water_treatment_operator():
    assert BOILER.certificate_requirements("1100", BoilerParameters(utility=True))[0].categories == ("G2",)
    assert [p.categories for p in BOILER.certificate_requirements("1320", BoilerParameters())] == [("G1",)]


def test_a_unit_with_a_2_5_mpa_boiler_needs_a_full_time_safety_manager_and_one_with_1_6_mpa_does_not():
    (manager,) = [t for t in BOILER.management_thresholds() if t.requirement == "full_time_safety_manager"]
    assert manager.applies([make_equipment("1100", BoilerParameters(rated_pressure_mpa=2.5))])
    assert not manager.applies([make_equipment("1100", BoilerParameters(rated_pressure_mpa=1.6))])
    assert manager.source.clause == "2.4.2(1)"


def test_a_unit_with_a_utility_boiler_needs_a_safety_management_organisation():
    (organisation,) = [t for t in BOILER.management_thresholds() if t.requirement == "safety_management_organisation"]
    assert organisation.applies([make_equipment("1100", BoilerParameters(utility=True))])
    assert not organisation.applies([make_equipment("1100", BoilerParameters())])


def test_a_thermal_oil_heater_gets_oil_fire_risks_and_no_water_level_risks():
    codes = {t.code for t in BOILER.risk_templates("1310")}
    assert "BLR-R12" in codes
    assert not codes & {"BLR-R01", "BLR-R02", "BLR-R07", "BLR-R08"}
    assert {"BLR-R01", "BLR-R02"} <= {t.code for t in BOILER.risk_templates("1100")}


def test_the_low_water_risk_point_is_a_boiler_explosion_risk_graded_orange_by_lec():
    (low_water,) = [t for t in BOILER.risk_templates("1100") if t.code == "BLR-R01"]
    assert "缺水" in low_water.hazard_factor
    assert "锅炉爆炸" in low_water.accident_types
    likelihood, exposure, consequence = low_water.suggested_lec or (0, 0, 0)
    assert 160 < likelihood * exposure * consequence <= 320
