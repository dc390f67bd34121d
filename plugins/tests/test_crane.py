"""The crane class as a specification: TSG Q7015-2016 intervals, catalogue scope, GB 45067 4.7, Q1/Q2."""

from __future__ import annotations

import datetime as dt

import pytest
from dualprev_plugins.crane import CraneClass, CraneParameters, CraneType

from dualprev_sdk import Equipment, InvalidArgument, SourceStatus
from dualprev_sdk.equipment_classes import EquipmentClassRegistry, EquipmentState, InspectionFacts
from dualprev_sdk.testing import LEC_C, LEC_E, LEC_L

LAST = dt.date(2025, 4, 10)


@pytest.fixture
def crane() -> CraneClass:
    return CraneClass()


def periodic(crane: CraneClass, code: str, parameters: CraneParameters | None = None, **facts: object) -> dt.date:
    facts.setdefault("last_inspection_on", LAST)
    dues = crane.next_due(InspectionFacts(catalog_code=code, parameters=parameters, **facts))  # type: ignore[arg-type]
    [due] = [d for d in dues if d.kind == "periodic_inspection"]
    return due.next_due


def fired(crane: CraneClass, code: str, *findings: str, conclusion: str | None = None, in_use: bool = True) -> set[str]:
    st = EquipmentState(
        equipment=Equipment(id="q1", unit_uscc="91410100MA00000000", catalog_code=code),
        in_use=in_use,
        findings=frozenset(findings),
        last_conclusion=conclusion,
    )
    return {c.code for c in crane.major_hazard_criteria() if c.matches(st)}


# --- intervals --------------------------------------------------------------------------------------------------


def test_a_bridge_crane_is_inspected_every_two_years(crane: CraneClass) -> None:
    assert periodic(crane, "4110") == dt.date(2027, 4, 10)


def test_a_tower_crane_is_inspected_every_year(crane: CraneClass) -> None:
    assert periodic(crane, "4310") == dt.date(2026, 4, 10)


@pytest.mark.parametrize(("code", "years"), [("4420", 1), ("4860", 1), ("4870", 1), ("4210", 2), ("4710", 2)])
def test_mobile_cranes_and_hoists_are_yearly_and_gantry_and_portal_cranes_biennial(
    crane: CraneClass, code: str, years: int
) -> None:
    assert periodic(crane, code) == dt.date(2025 + years, 4, 10)


def test_a_rubber_tyred_container_gantry_is_inspected_every_two_years(crane: CraneClass) -> None:
    assert periodic(crane, "4240") == dt.date(2027, 4, 10)


def test_a_railway_crane_is_inspected_every_two_years_although_it_is_a_mobile_crane(crane: CraneClass) -> None:
    assert periodic(crane, "4450") == dt.date(2027, 4, 10)


def test_mechanical_parking_is_inspected_every_two_years(crane: CraneClass) -> None:
    assert periodic(crane, "4D00") == dt.date(2027, 4, 10)


def test_a_bridge_crane_handling_molten_metal_is_inspected_every_year(crane: CraneClass) -> None:
    assert periodic(crane, "4110", CraneParameters(handles_molten_metal=True)) == dt.date(2026, 4, 10)


def test_a_metallurgical_crane_is_yearly_unless_the_ledger_says_it_carries_no_molten_metal(crane: CraneClass) -> None:
    assert periodic(crane, "4150") == dt.date(2026, 4, 10)
    assert periodic(crane, "4150", CraneParameters(handles_molten_metal=False)) == dt.date(2027, 4, 10)


def test_the_first_inspection_counts_from_commissioning(crane: CraneClass) -> None:
    facts = InspectionFacts(catalog_code="4310", commissioned_on=dt.date(2025, 9, 1))
    [due] = crane.next_due(facts)
    assert due.next_due == dt.date(2026, 9, 1)
    assert due.source.document.startswith("TSG Q7015-2016")
    assert due.source.status is SourceStatus.SECONDARY


def test_a_province_may_shorten_a_crane_interval_to_six_months(crane: CraneClass) -> None:
    facts = InspectionFacts(catalog_code="4110", last_inspection_on=LAST, overrides={"interval_years": 0.5})
    [due] = crane.next_due(facts)
    assert due.next_due == dt.date(2025, 10, 10)
    assert due.source.status is SourceStatus.USER


def test_an_interval_below_six_months_is_rejected_naming_the_key(crane: CraneClass) -> None:
    facts = InspectionFacts(
        catalog_code="4310", last_inspection_on=LAST, overrides={"crane.interval_years.tower_mobile_hoist": 0.25}
    )
    with pytest.raises(InvalidArgument) as caught:
        crane.next_due(facts)
    assert caught.value.violations[0].field == "overrides.crane.interval_years.tower_mobile_hoist"


def test_without_any_date_the_due_date_cannot_be_computed(crane: CraneClass) -> None:
    with pytest.raises(InvalidArgument):
        crane.next_due(InspectionFacts(catalog_code="4110"))


# --- scope ------------------------------------------------------------------------------------------------------


def test_a_2_t_bridge_crane_is_not_special_equipment(crane: CraneClass) -> None:
    check = crane.check_scope("4110", CraneParameters(rated_capacity_t=2, lifting_height_m=6))
    assert not check.in_scope
    assert any("额定起重量" in r for r in check.reasons)
    assert check.source is not None
    assert check.source.status is SourceStatus.GENERAL_KNOWLEDGE


def test_a_0_3_t_hoist_is_not_special_equipment_but_a_0_5_t_hoist_is(crane: CraneClass) -> None:
    assert not crane.check_scope("4870", CraneParameters(rated_capacity_t=0.3)).in_scope
    assert crane.check_scope("4870", CraneParameters(rated_capacity_t=0.5)).in_scope


def test_a_crane_lifting_less_than_2_m_is_not_special_equipment(crane: CraneClass) -> None:
    assert not crane.check_scope("4110", CraneParameters(rated_capacity_t=5, lifting_height_m=1.5)).in_scope


def test_a_light_tower_crane_is_in_scope_by_its_40_t_m_moment(crane: CraneClass) -> None:
    params = CraneParameters(rated_capacity_t=2, rated_moment_t_m=63, lifting_height_m=30)
    assert crane.check_scope("4310", params).in_scope
    small = CraneParameters(rated_capacity_t=2, rated_moment_t_m=25, lifting_height_m=30)
    check = crane.check_scope("4310", small)
    assert not check.in_scope
    assert any("起重力矩" in r for r in check.reasons)


def test_an_unloader_bridge_is_in_scope_by_its_300_t_per_hour_productivity(crane: CraneClass) -> None:
    params = CraneParameters(rated_capacity_t=2, productivity_t_h=600, lifting_height_m=20)
    assert crane.check_scope("4280", params).in_scope


def test_single_level_parking_is_not_special_equipment(crane: CraneClass) -> None:
    assert not crane.check_scope("4D00", CraneParameters(parking_levels=1)).in_scope
    assert crane.check_scope("4D00", CraneParameters(parking_levels=2)).in_scope


def test_a_crane_with_unknown_capacity_stays_in_scope_with_the_gap_named(crane: CraneClass) -> None:
    check = crane.check_scope("4110", CraneParameters(lifting_height_m=10))
    assert check.in_scope
    assert any("未提供额定起重量" in r for r in check.reasons)


def test_an_out_of_catalogue_legacy_code_is_not_special_equipment(crane: CraneClass) -> None:
    check = crane.check_scope("4B00", None)
    assert not check.in_scope
    assert "飞出目录" in check.reasons[0]


# --- GB 45067 4.7 -----------------------------------------------------------------------------------------------


def test_a_missing_load_limiter_and_a_failed_moment_limiter_are_different_items(crane: CraneClass) -> None:
    assert fired(crane, "4110", "load_limiter_missing") == {"4.7d"}
    assert fired(crane, "4310", "moment_limiter_failed") == {"4.7e"}
    assert fired(crane, "4860", "fall_arrester_failed") == {"4.7e"}


def test_a_failed_inspection_fires_4_7_b_and_a_never_inspected_crane_4_7_a(crane: CraneClass) -> None:
    assert fired(crane, "4210", conclusion="不合格") == {"4.7b"}
    assert fired(crane, "4210", conclusion="复检不合格") == {"4.7b"}
    assert fired(crane, "4420", "no_supervisory_or_first_inspection") == {"4.7a"}


def test_a_failed_emergency_stop_on_a_crane_out_of_use_is_not_a_major_hazard(crane: CraneClass) -> None:
    assert fired(crane, "4110", "emergency_stop_failed") == {"4.7c"}
    assert fired(crane, "4110", "emergency_stop_failed", in_use=False) == set()


def test_every_4_7_item_is_present_and_cited(crane: CraneClass) -> None:
    items = {c.code: c for c in crane.major_hazard_criteria()}
    assert {"4.1a", "4.1b", "4.1c", "4.7a", "4.7b", "4.7c", "4.7d", "4.7e"} == set(items)
    assert items["4.7d"].text == "起重量限制器、起重力矩限制器、防坠安全器、超载检测装置缺失"
    assert items["4.7d"].source.status is SourceStatus.SECONDARY


# --- parameters -------------------------------------------------------------------------------------------------


def test_bad_crane_parameters_are_rejected_naming_every_field(crane: CraneClass) -> None:
    with pytest.raises(InvalidArgument) as caught:
        crane.structure_parameters({"rated_capacity_t": 0, "span_m": -3, "crane_type": "gantry"})
    assert {v.field for v in caught.value.violations} == {"parameters.rated_capacity_t", "parameters.span_m"}


def test_an_unknown_crane_type_is_rejected(crane: CraneClass) -> None:
    with pytest.raises(InvalidArgument) as caught:
        crane.structure_parameters({"crane_type": "sky_hook"})
    assert caught.value.violations[0].field == "parameters.crane_type"


def test_the_crane_type_follows_the_catalogue_code(crane: CraneClass) -> None:
    params = crane.structure_parameters(crane.example_parameters())
    assert params.crane_type is CraneType.BRIDGE
    assert CraneType.TOWER.category_code == "4300"


# --- templates, checklist, certificates -------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["4110", "4150", "4210", "4310", "4420", "4710", "4860", "4870", "4D00"])
def test_every_variety_gets_six_to_twelve_templates_with_table_values(crane: CraneClass, code: str) -> None:
    templates = crane.risk_templates(code)
    assert 6 <= len(templates) <= 12
    for t in templates:
        assert t.suggested_lec is not None
        assert t.suggested_lec[0] in LEC_L
        assert t.suggested_lec[1] in LEC_E
        assert t.suggested_lec[2] in LEC_C


def test_tipping_is_a_risk_of_tower_cranes_but_not_of_bridge_cranes(crane: CraneClass) -> None:
    assert "QZ-R06" in {t.code for t in crane.risk_templates("4310")}
    assert "QZ-R06" not in {t.code for t in crane.risk_templates("4110")}
    assert "QZ-R10" in {t.code for t in crane.risk_templates("4150")}


def test_a_bridge_crane_driver_needs_q2_limited_to_bridge_cranes_and_a_signaller_q1(crane: CraneClass) -> None:
    driver, signaller = crane.certificate_requirements("4110")
    assert driver.categories == ("Q2",)
    assert "限桥式起重机" in driver.post_zh
    assert signaller.categories == ("Q1",)


def test_a_construction_hoist_driver_requirement_is_marked_unverified(crane: CraneClass) -> None:
    [driver] = crane.certificate_requirements("4860")
    assert driver.source.status is SourceStatus.GENERAL_KNOWLEDGE


def test_the_plugin_registers_the_crane_class() -> None:
    from dualprev_plugins import crane as plugin

    registry = EquipmentClassRegistry()
    plugin.dualprev_register_equipment_classes(registry)
    assert registry.require_for_code("4D00").key == "crane"


def test_a_local_parking_sub_variety_code_is_judged_as_mechanical_parking(crane: CraneClass) -> None:
    # 4001 升降横移 is a local inspection-system code under 4D00
    assert periodic(crane, "4001") == dt.date(2027, 4, 10)
    assert not crane.check_scope("4001", CraneParameters(parking_levels=1)).in_scope
