"""Gas cylinders (气瓶, 2300), as specifications."""

from __future__ import annotations

import datetime as dt

import pytest
from dualprev_plugins.gas_cylinder import (
    CylinderConstruction,
    CylinderMaterial,
    GasCylinderClass,
    GasCylinderParameters,
    MediumCategory,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from dualprev_sdk import InvalidArgument, SourceStatus
from dualprev_sdk.equipment_classes import InspectionFacts
from dualprev_sdk.testing import make_equipment, make_state

D = dt.date
CYLINDER = GasCylinderClass()


def periodic(facts):
    return CYLINDER.next_due(facts)[0]


def test_a_cylinder_for_a_corrosive_gas_is_inspected_every_two_years(facts_for):
    due = periodic(facts_for("2310", {"medium": "氯", "medium_category": "corrosive"}, last=D(2024, 5, 20)))
    assert due.next_due == D(2026, 5, 20)
    assert due.kind == "periodic_inspection"


def test_general_gases_every_three_years_and_inert_gases_every_five_in_both_tables(facts_for):
    for table in ("tsg23_2021", "legacy"):
        overrides = {"gas_cylinder.table": table}
        general = periodic(facts_for("2310", {"medium_category": "general"}, last=D(2024, 1, 1), overrides=overrides))
        inert = periodic(facts_for("2310", {"medium_category": "inert"}, last=D(2024, 1, 1), overrides=overrides))
        assert general.next_due == D(2027, 1, 1)
        assert inert.next_due == D(2029, 1, 1)


def test_the_default_table_is_tsg_23_2021_and_it_is_cited_as_general_knowledge(facts_for):
    due = periodic(facts_for("2320", {"medium_category": "lpg", "material": "steel"}, last=D(2024, 3, 1)))
    assert due.next_due == D(2028, 3, 1)
    assert due.source.document.startswith("TSG 23-2021")
    assert due.source.status is SourceStatus.GENERAL_KNOWLEDGE


@pytest.mark.parametrize(
    ("parameters", "years"),
    [
        ({"medium_category": "lpg", "vehicle_fuel": True, "material": "steel"}, 5),
        ({"medium_category": "dissolved_acetylene", "construction": "filler_packed"}, 3),
        ({"medium_category": "cng", "vehicle_fuel": True}, 3),
        ({"medium_category": "general", "construction": "cryogenic_insulated"}, 3),
        ({"medium_category": "high_purity"}, 5),
        ({}, 3),
    ],
)
def test_the_tsg_23_table_picks_the_row_for_the_medium_and_type(facts_for, parameters, years):
    assert periodic(facts_for("23T0", parameters, last=D(2024, 6, 1))).next_due == D(2024 + years, 6, 1)


def test_a_never_inspected_cylinder_counts_from_its_manufacture_date(facts_for):
    due = periodic(
        facts_for("2310", {"medium_category": "corrosive"}, manufactured=D(2023, 2, 1), commissioned=D(2023, 9, 1))
    )
    assert due.next_due == D(2025, 2, 1)
    assert "制造日期" in due.note


def test_legacy_lpg_steel_cylinders_follow_the_4_4_4_3_schedule_from_manufacture(facts_for):
    params = {"medium_category": "lpg", "material": "steel", "manufactured_on": "2012-04-10"}
    legacy = {"gas_cylinder.table": "legacy"}
    assert periodic(facts_for("2320", params, commissioned=D(2012, 5, 1), overrides=legacy)).next_due == D(2016, 4, 10)
    assert periodic(facts_for("2320", params, last=D(2020, 4, 1), overrides=legacy)).next_due == D(2020, 4, 10)
    assert periodic(facts_for("2320", params, last=D(2024, 4, 12), overrides=legacy)).next_due == D(2027, 4, 10)
    assert periodic(facts_for("2320", params, last=D(2024, 4, 12), overrides=legacy)).source.document.startswith(
        "GB 8334"
    )


def test_legacy_aluminium_cylinders_in_sea_water_are_inspected_every_two_years(facts_for):
    params = {"material": "aluminium_alloy", "medium_category": "general", "corrosive_environment": True}
    due = periodic(facts_for("2310", params, last=D(2024, 1, 1), overrides={"gas_cylinder.table": "legacy"}))
    assert due.next_due == D(2026, 1, 1)
    assert due.source.status is SourceStatus.SECONDARY


def test_an_unknown_table_name_is_rejected_naming_the_configuration_key(facts_for):
    with pytest.raises(InvalidArgument) as caught:
        CYLINDER.next_due(facts_for("2310", last=D(2024, 1, 1), overrides={"gas_cylinder.table": "2099"}))
    assert caught.value.violations[0].field == "overrides.gas_cylinder.table"


def test_a_cylinder_past_its_design_life_must_not_be_used(facts_for):
    dues = CYLINDER.next_due(
        facts_for(
            "2310",
            {"medium_category": "general", "design_life_years": 10},
            manufactured=D(2010, 1, 1),
            last=D(2022, 1, 1),
        )
    )
    (life,) = [d for d in dues if d.kind == "design_life_end"]
    assert not life.use_allowed
    assert life.next_due == D(2022, 1, 1)


def test_a_cylinder_below_0_2_mpa_or_1_mpa_litre_is_not_special_equipment():
    assert not CYLINDER.check_scope(
        "2310", GasCylinderParameters(nominal_working_pressure_mpa=0.15, volume_l=40)
    ).in_scope
    small = CYLINDER.check_scope("2310", GasCylinderParameters(nominal_working_pressure_mpa=0.8, volume_l=1))
    assert not small.in_scope
    assert any("MPa·L" in r for r in small.reasons)
    assert CYLINDER.check_scope("2310", GasCylinderParameters(nominal_working_pressure_mpa=15, volume_l=40)).in_scope


def fired(state):
    return {c.code for c in CYLINDER.major_hazard_criteria() if c.matches(state)}


def test_a_broken_cylinder_valve_in_use_is_4_3_f_and_not_once_the_cylinder_is_out_of_use():
    cylinder = make_equipment("2310")
    assert fired(make_state(cylinder, "cylinder_valve_missing_or_failed")) == {"4.3f"}
    assert fired(make_state(cylinder, "cylinder_valve_missing_or_failed", in_use=False)) == set()


def test_filling_the_wrong_medium_is_4_5_b_whether_or_not_the_cylinder_is_in_use():
    cylinder = make_equipment("2320")
    assert fired(make_state(cylinder, "wrong_medium_filled", in_use=False)) == {"4.5b"}
    assert fired(make_state(cylinder, "filling_without_licence")) == {"4.5a"}


def test_a_filling_unit_needs_a_full_time_safety_manager_and_p_certified_fillers():
    (rule,) = CYLINDER.management_thresholds()
    assert rule.applies([], activities={"cylinder_filling"})
    assert not rule.applies([make_equipment("2310") for _ in range(100)])
    assert CYLINDER.certificate_requirements("2310")[0].categories == ("P",)


def test_cylinder_risks_cover_mis_filling_overfilling_valves_and_overdue_inspection():
    hazards = " ".join(t.hazard_factor for t in CYLINDER.risk_templates("2310"))
    for word in ("错装", "超装", "瓶阀", "超期未检"):
        assert word in hazards


@settings(deadline=None)
@given(
    category=st.sampled_from([m.value for m in MediumCategory]),
    material=st.sampled_from([m.value for m in CylinderMaterial]),
    construction=st.sampled_from([c.value for c in CylinderConstruction]),
    vehicle=st.booleans(),
    table=st.sampled_from(["tsg23_2021", "legacy"]),
    manufactured=st.dates(min_value=D(1990, 1, 1), max_value=D(2030, 12, 31)),
    gap_days=st.one_of(st.none(), st.integers(min_value=0, max_value=30 * 365)),
)
def test_every_cylinder_row_gives_a_cited_date_no_earlier_than_the_last_inspection(
    *, category, material, construction, vehicle, table, manufactured, gap_days
):
    params = CYLINDER.structure_parameters(
        {"medium_category": category, "material": material, "construction": construction, "vehicle_fuel": vehicle}
    )
    last = None if gap_days is None else manufactured + dt.timedelta(days=gap_days)
    facts = InspectionFacts(
        catalog_code="23T0",
        parameters=params,
        manufactured_on=manufactured,
        last_inspection_on=last,
        overrides={"gas_cylinder.table": table},
    )
    (due,) = CYLINDER.next_due(facts)
    assert due.next_due > (last or manufactured)
    assert due.source.document
