"""Equipment risk: one explainable grade per piece of equipment; changing one fact moves the grade and says why."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import pytest

from dualprev_sdk.domain.common import CrowdedPlaceType, RiskLevel, SourceStatus
from dualprev_sdk.domain.equipment import Equipment
from dualprev_sdk.domain.inspection import InspectionConclusion
from dualprev_sdk.equipment_classes import DueDate, EquipmentClass, EquipmentClassRegistry, InspectionFacts
from dualprev_sdk.errors import InvalidArgument, NotFound
from dualprev_sdk.grading import (
    DirectFacts,
    EquipmentRiskInput,
    equipment_risk_config,
    grade_equipment,
)

AS_OF = dt.date(2026, 11, 1)

# A passenger lift of an ordinary (一般) inherent risk, 8 years old, inspected 合格, nothing open: 20 points.
BASE = EquipmentRiskInput(
    equipment_id="EL-001",
    equipment_class="elevator",
    catalog_code="3110",
    inherent_risk=RiskLevel.GENERAL,
    as_of=AS_OF,
    commissioned_on=dt.date(2018, 11, 1),
    last_inspection_conclusion=InspectionConclusion.PASSED,
    next_inspection_due=dt.date(2027, 5, 1),
    maintenance_due=dt.date(2026, 11, 10),
)


def test_a_young_lift_in_good_order_is_low_risk_and_every_factor_is_listed() -> None:
    result = grade_equipment(BASE)
    assert result.level is RiskLevel.LOW
    assert result.score == 20
    assert [c.factor for c in result.contributions] == [
        "inherent_risk",
        "age",
        "inspection_conclusion",
        "inspection_overdue",
        "open_major_hazards",
        "open_general_hazards",
        "faults",
        "entrapments",
        "maintenance_overdue",
        "place",
    ]
    assert result.contribution("inherent_risk").points == 20
    assert sum(c.points for c in result.contributions) == result.score


def test_a_lift_older_than_15_years_in_a_mall_with_two_entrapments_is_orange_and_the_explanation_says_why() -> None:
    facts = attrs.evolve(
        BASE,
        commissioned_on=dt.date(2009, 5, 1),
        crowded_place=CrowdedPlaceType.MALL,
        entrapment_dates=(dt.date(2026, 3, 1), dt.date(2026, 8, 1)),
    )
    result = grade_equipment(facts)
    assert result.level is RiskLevel.SIGNIFICANT
    assert result.color == "orange"
    assert result.score == 50
    text = result.explain()
    assert "较大风险（橙）" in text
    assert "使用 15 年及以上" in text
    assert "商场" in text
    assert "困人：2 次 → +10" in text


@pytest.mark.parametrize(
    ("change", "factor", "points", "level"),
    [
        ({"commissioned_on": dt.date(2010, 1, 1)}, "age", 10, RiskLevel.GENERAL),
        (
            {"last_inspection_conclusion": InspectionConclusion.FAILED},
            "inspection_conclusion",
            30,
            RiskLevel.SIGNIFICANT,
        ),
        ({"next_inspection_due": dt.date(2026, 10, 1)}, "inspection_overdue", 25, RiskLevel.GENERAL),
        ({"open_general_hazards": 2}, "open_general_hazards", 10, RiskLevel.GENERAL),
        ({"fault_dates": tuple(dt.date(2026, m, 1) for m in range(1, 5))}, "faults", 12, RiskLevel.GENERAL),
        ({"maintenance_due": dt.date(2026, 10, 15)}, "maintenance_overdue", 10, RiskLevel.GENERAL),
        ({"crowded_place": CrowdedPlaceType.KINDERGARTEN}, "place", 15, RiskLevel.GENERAL),
        ({"inherent_risk": RiskLevel.MAJOR}, "inherent_risk", 40, RiskLevel.GENERAL),
    ],
)
def test_changing_one_factor_moves_the_grade_and_the_explanation_names_it(
    change: dict[str, object], factor: str, points: float, level: RiskLevel
) -> None:
    before = grade_equipment(BASE)
    after = grade_equipment(attrs.evolve(BASE, **change))
    assert after.level is level
    assert after.level < before.level  # a smaller number is a higher risk
    assert after.contribution(factor).points == points
    assert before.contribution(factor).points in (0, 20)
    moved = [c.factor for c, b in zip(after.contributions, before.contributions, strict=True) if c.points != b.points]
    assert moved == [factor]
    line = next(line for line in after.explain().splitlines() if after.contribution(factor).label_zh in line)
    assert f"+{points:g}" in line


def test_an_open_major_hazard_forces_red_whatever_the_points_and_cites_the_rule() -> None:
    result = grade_equipment(attrs.evolve(BASE, open_major_hazards=("H-9 GB 45067-2024 4.6 d)",)))
    assert result.score == 60  # 20 inherent + 40 for the hazard
    assert result.scored_level is RiskLevel.SIGNIFICANT
    assert result.level is RiskLevel.MAJOR
    assert result.findings[0].rule == "open_major_accident_hazard"
    assert "直接判定 重大风险" in result.explain()
    assert "H-9" in result.explain()


def test_other_direct_facts_also_force_red() -> None:
    result = grade_equipment(attrs.evolve(BASE, direct=DirectFacts(serious_accidents_conditions_unchanged=1)))
    assert result.level is RiskLevel.MAJOR
    assert result.scored_level is RiskLevel.LOW


def test_faults_outside_the_window_do_not_count_and_the_window_is_data() -> None:
    old = attrs.evolve(BASE, fault_dates=(dt.date(2025, 6, 1), dt.date(2025, 7, 1), dt.date(2025, 8, 1)))
    assert grade_equipment(old).contribution("faults").points == 0
    wide = equipment_risk_config(overrides={"incidents": {"window_days": 730}})
    result = grade_equipment(old, config=wide)
    assert result.contribution("faults").points == 9
    assert result.contribution("faults").label_zh == "近 730 天故障"


def test_age_is_judged_against_design_life_when_it_is_known() -> None:
    near_end = attrs.evolve(BASE, commissioned_on=dt.date(2010, 11, 1), design_life_years=20)  # 16 of 20 years
    contribution = grade_equipment(near_end).contribution("age")
    assert contribution.points == 10
    assert "80%" in contribution.value
    beyond = attrs.evolve(BASE, commissioned_on=dt.date(2000, 1, 1), design_life_years=20)
    assert grade_equipment(beyond).contribution("age").points == 20


def test_pressure_equipment_is_judged_by_its_safety_grade() -> None:
    vessel = attrs.evolve(
        BASE, catalog_code="2110", last_inspection_conclusion=InspectionConclusion.SAFETY_GRADE, last_safety_grade=4
    )
    contribution = grade_equipment(vessel).contribution("inspection_conclusion")
    assert contribution.points == 15
    assert "4 级" in contribution.value


def test_the_weights_are_data_with_a_gk_source_and_can_be_overridden_from_a_file(tmp_path: Path) -> None:
    default = equipment_risk_config()
    assert default.source.status is SourceStatus.GENERAL_KNOWLEDGE
    path = tmp_path / "henan.toml"
    path.write_text(
        '[source]\ndocument = "某省设备风险权重"\nstatus = "user"\n[place.crowded]\nmall = 30\n', encoding="utf-8"
    )
    config = equipment_risk_config(path)
    assert config.place.crowded["mall"] == 30
    assert config.place.crowded["school"] == default.place.crowded["school"]
    result = grade_equipment(attrs.evolve(BASE, crowded_place=CrowdedPlaceType.MALL), config=config)
    assert result.level is RiskLevel.SIGNIFICANT
    assert "某省设备风险权重" in result.explain()


def test_a_bad_override_is_refused_naming_every_bad_key() -> None:
    with pytest.raises(InvalidArgument) as caught:
        equipment_risk_config(overrides={"place": {"crowded": {"airport": 10}}, "incidents": {"window_days": 0}})
    fields = {v.field for v in caught.value.violations}
    assert fields == {"place.crowded.airport", "incidents.window_days"}


def test_bands_with_a_gap_are_refused() -> None:
    bands = [
        {"key": "high", "label_zh": "高", "level": 1, "lower": 50, "lower_inclusive": True},
        {"key": "low", "label_zh": "低", "level": 4, "upper": 40},
    ]
    with pytest.raises(InvalidArgument) as caught:
        equipment_risk_config(overrides={"bands": bands})
    assert caught.value.violations[0].rule == "bands.continuous"


def test_the_input_can_be_filled_from_a_ledger_equipment_record() -> None:
    equipment = Equipment(
        id="EL-7",
        unit_uscc="91410100MA00000000",
        catalog_code="3110",
        commissioned_on=dt.date(2008, 1, 1),
        crowded_place=CrowdedPlaceType.HOSPITAL,
        next_inspection_due=dt.date(2026, 6, 30),
    )
    facts = EquipmentRiskInput.from_equipment(
        equipment, inherent_risk=RiskLevel.GENERAL, as_of=AS_OF, equipment_class="elevator", open_general_hazards=1
    )
    result = grade_equipment(facts)
    assert result.contribution("inspection_overdue").points == 25
    assert result.contribution("place").points == 15
    assert result.to_dict()["contributions"][0]["factor"] == "inherent_risk"


class _Lift(EquipmentClass):
    key = "test_lift"
    kind_code = "3000"
    catalog_codes = ("3000",)
    name_zh = "电梯"
    name_en = "lift"
    inherent_risk = RiskLevel.SIGNIFICANT

    def next_due(self, facts: InspectionFacts) -> list[DueDate]:
        return []


def test_services_take_the_inherent_risk_from_the_class_that_claims_the_code() -> None:
    classes = EquipmentClassRegistry()
    classes.register(_Lift(), plugin_name="test")
    assert EquipmentRiskInput.inherent_risk_of("3110", classes) == (RiskLevel.SIGNIFICANT, "test_lift")
    with pytest.raises(NotFound):
        EquipmentRiskInput.inherent_risk_of("4110", classes)
