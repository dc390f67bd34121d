"""Pressure piping (压力管道, 8000), as specifications."""

from __future__ import annotations

import datetime as dt

import pytest
from dualprev_plugins.pressure_piping import PipingMediumPhase, PressurePipingClass, PressurePipingParameters

from dualprev_sdk import InvalidArgument, SourceStatus
from dualprev_sdk.testing import make_equipment, make_state

D = dt.date
PIPING = PressurePipingClass()


def periodic(facts):
    return PIPING.next_due(facts)[0]


def test_new_industrial_piping_is_first_inspected_within_three_years(facts_for):
    assert periodic(facts_for("8310", {"pipe_class": "GC2"}, commissioned=D(2024, 10, 8))).next_due == D(2027, 10, 8)


@pytest.mark.parametrize(("pipe_class", "years"), [("GC1", 6), ("GC2", 6), ("GC3", 9)])
def test_industrial_piping_of_grade_1_or_2_is_inspected_by_its_class(facts_for, pipe_class, years):
    due = periodic(facts_for("8310", {"pipe_class": pipe_class}, last=D(2024, 1, 15), grade=2))
    assert due.next_due == D(2024 + years, 1, 15)
    assert due.source.status is SourceStatus.GENERAL_KNOWLEDGE


def test_grade_3_industrial_piping_is_inspected_within_three_years(facts_for):
    assert periodic(facts_for("8320", {"pipe_class": "GC3"}, last=D(2024, 1, 15), grade=3)).next_due == D(2027, 1, 15)


def test_grade_4_industrial_piping_gives_no_date_until_an_interval_is_configured(facts_for):
    assert PIPING.next_due(facts_for("8310", {"pipe_class": "GC1"}, last=D(2024, 1, 1), grade=4)) == []
    configured = facts_for(
        "8310", {"pipe_class": "GC1"}, last=D(2024, 1, 1), grade=4, overrides={"piping.industrial.grade_4": 1}
    )
    assert periodic(configured).next_due == D(2025, 1, 1)


@pytest.mark.parametrize(
    ("parameters", "years"),
    [
        ({"pipe_class": "GB1-III"}, 8),
        ({"pipe_class": "GB1-IV"}, 12),
        ({"pipe_class": "GB1-VI"}, 12),
        ({"pipe_class": "GB2"}, 12),
        ({"pipe_class": "GB1-IV", "material": "pe"}, 15),
        ({"pipe_class": "gb1－Ⅲ"}, 8),  # as ledgers write it
    ],
)
def test_public_piping_full_inspection_follows_its_pressure_class_and_material(facts_for, parameters, years):
    due = periodic(facts_for("8210", parameters, last=D(2020, 6, 1)))
    assert due.next_due == D(2020 + years, 6, 1)
    assert due.source.document.startswith("TSG D7004-2010")


def test_long_distance_pipelines_give_no_date_until_an_interval_is_configured(facts_for):
    assert PIPING.next_due(facts_for("8120", last=D(2024, 1, 1))) == []
    due = periodic(facts_for("8120", last=D(2024, 1, 1), overrides={"piping.long_distance.periodic_years": 3}))
    assert due.next_due == D(2027, 1, 1)


def test_the_bare_kind_code_gives_no_date_because_the_category_decides_the_rule(facts_for):
    assert PIPING.next_due(facts_for("8000", last=D(2024, 1, 1))) == []


def test_safety_valves_yearly_and_an_annual_check(facts_for):
    dues = {d.kind: d.next_due for d in PIPING.next_due(facts_for("8310", last=D(2024, 2, 29), grade=1))}
    assert dues["annual_check"] == D(2025, 2, 28)
    assert dues["safety_valve"] == D(2025, 2, 28)


def test_piping_of_dn_50_or_less_is_not_special_equipment():
    check = PIPING.check_scope("8310", PressurePipingParameters(nominal_diameter_mm=50, max_working_pressure_mpa=1.0))
    assert not check.in_scope
    assert any("公称直径" in r for r in check.reasons)
    assert PIPING.check_scope(
        "8310", PressurePipingParameters(nominal_diameter_mm=65, max_working_pressure_mpa=1.0)
    ).in_scope


def test_small_low_pressure_harmless_gas_lines_are_excluded_but_not_when_the_gas_is_flammable():
    harmless = PressurePipingParameters(
        nominal_diameter_mm=100,
        max_working_pressure_mpa=0.8,
        medium_phase=PipingMediumPhase.GAS,
        medium_flammable=False,
        medium_toxic=False,
        medium_corrosive=False,
    )
    assert not PIPING.check_scope("8310", harmless).in_scope
    flammable = PressurePipingParameters(
        nominal_diameter_mm=100, max_working_pressure_mpa=0.8, medium_phase=PipingMediumPhase.GAS, medium_flammable=True
    )
    assert PIPING.check_scope("8310", flammable).in_scope


def test_an_unknown_piping_class_is_rejected_naming_the_field():
    with pytest.raises(InvalidArgument) as caught:
        PIPING.structure_parameters({"pipe_class": "GZ9", "length_m": 0})
    assert {v.field for v in caught.value.violations} == {"parameters.pipe_class", "parameters.length_m"}


def fired(state):
    return {c.code for c in PIPING.major_hazard_criteria() if c.matches(state)}


def test_a_failed_bursting_disc_on_piping_in_use_is_4_4_b_and_not_allowed_to_use_is_4_4_a():
    line = make_equipment("8310")
    assert fired(make_state(line, "bursting_disc_missing_or_failed")) == {"4.4b"}
    assert fired(make_state(line, last_conclusion="不允许使用")) == {"4.4a"}
    assert fired(make_state(line, last_conclusion="允许使用", last_safety_grade=2)) == set()


def test_ten_km_of_industrial_piping_requires_a_full_time_safety_manager():
    (rule,) = PIPING.management_thresholds()
    lines = [make_equipment("8310", PressurePipingParameters(length_m=2500)) for _ in range(3)]
    assert not rule.applies(lines)
    assert rule.applies([*lines, make_equipment("8320", PressurePipingParameters(length_m=2500))])
    assert not rule.applies([make_equipment("8210", PressurePipingParameters(length_m=50_000))])


def test_piping_needs_no_operator_certificate_under_tsg_z6001_2019():
    assert PIPING.certificate_requirements("8310") == ()


def test_buried_public_piping_gets_third_party_damage_risks_and_industrial_piping_does_not():
    assert "PP-R07" in {t.code for t in PIPING.risk_templates("8210")}
    assert "PP-R07" not in {t.code for t in PIPING.risk_templates("8310")}
    hazards = " ".join(t.hazard_factor + t.component for t in PIPING.risk_templates("8310"))
    for word in ("泄漏", "腐蚀", "支吊架"):
        assert word in hazards


def test_piping_registered_under_the_kind_code_gets_the_items_of_every_category_under_it():
    assert "PP-R07" in {t.code for t in PIPING.risk_templates("8000")}
    buried_items = {i.code for i in PIPING.checklist_items("8210")} - {i.code for i in PIPING.checklist_items("8310")}
    assert buried_items
    assert buried_items <= {i.code for i in PIPING.checklist_items("8000")}
