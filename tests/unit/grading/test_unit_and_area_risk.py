"""Unit and area risk: the highest level wins, counts per level, a score, roll-ups by region/industry/class."""

from __future__ import annotations

import pytest

from dualprev_sdk.errors import InvalidArgument
from dualprev_sdk.grading import (
    DirectFacts,
    LevelCounts,
    RiskLevel,
    RiskRecord,
    grade_lec,
    grade_ls,
    grade_unit,
    roll_up_by_equipment_class,
    roll_up_by_industry,
    roll_up_by_region,
)

RED, ORANGE, YELLOW, BLUE = RiskLevel.MAJOR, RiskLevel.SIGNIFICANT, RiskLevel.GENERAL, RiskLevel.LOW


def test_a_unit_takes_the_highest_level_of_its_equipment_and_risk_points() -> None:
    result = grade_unit("U1", equipment=[BLUE, YELLOW, BLUE], risk_points=[grade_lec(6, 6, 7), grade_ls(1, 1)])
    assert result.level is ORANGE
    assert result.counts == LevelCounts(significant=1, general=1, low=3)
    assert result.equipment_counts.total == 3
    assert result.risk_point_counts.total == 2
    assert result.score == 5 + 2 + 3 * 1  # default points: 重大 10, 较大 5, 一般 2, 低 1


def test_more_orange_items_rank_a_unit_higher_at_the_same_colour() -> None:
    one = grade_unit("A", equipment=[ORANGE])
    ten = grade_unit("B", equipment=[ORANGE] * 10)
    assert one.level is ten.level is ORANGE
    assert ten.score > one.score


def test_a_unit_with_an_open_major_hazard_is_red_citing_the_rule() -> None:
    result = grade_unit("U2", equipment=[BLUE, BLUE], facts=DirectFacts(open_major_hazards=("H-3",)))
    assert result.scored_level is BLUE
    assert result.level is RED
    assert result.findings[0].rule == "open_major_accident_hazard"
    assert result.to_dict()["direct_determination"][0]["detail"] == "H-3"


def test_a_unit_with_nothing_graded_is_low_with_zero_counts() -> None:
    result = grade_unit("U3")
    assert result.level is BLUE
    assert result.counts.total == 0


RECORDS = [
    RiskRecord(unit_uscc="U1", level=RED, region_code="410102", industry="C26", equipment_class="boiler"),
    RiskRecord(unit_uscc="U1", level=YELLOW, region_code="410102", industry="C26", equipment_class="elevator"),
    RiskRecord(unit_uscc="U2", level=ORANGE, region_code="410105", industry="F52", equipment_class="elevator"),
    RiskRecord(unit_uscc="U3", level=BLUE, region_code="410305", industry="C13", equipment_class="elevator"),
    RiskRecord(unit_uscc="U3", level=BLUE, region_code="410305", industry="C13", equipment_class="crane"),
]


def test_roll_up_by_prefecture_counts_items_and_units_by_their_highest_level() -> None:
    groups = roll_up_by_region(RECORDS, 4)
    assert list(groups) == ["4101", "4103"]
    zhengzhou = groups["4101"]
    assert zhengzhou.counts == LevelCounts(major=1, significant=1, general=1)
    assert zhengzhou.unit_counts == LevelCounts(major=1, significant=1)  # U1 counts once, at its highest
    assert zhengzhou.units == 2
    assert zhengzhou.highest is RED
    assert groups["4103"].highest is BLUE
    assert zhengzhou.to_dict()["items"]["重大风险"] == 1


def test_roll_up_by_county_and_province() -> None:
    assert set(roll_up_by_region(RECORDS, 6)) == {"410102", "410105", "410305"}
    [province] = roll_up_by_region(RECORDS, 2).values()
    assert province.counts.total == 5
    assert province.units == 3


def test_roll_up_by_industry_section_or_division() -> None:
    assert set(roll_up_by_industry(RECORDS)) == {"C", "F"}
    assert roll_up_by_industry(RECORDS)["C"].units == 2
    assert set(roll_up_by_industry(RECORDS, division=True)) == {"C26", "C13", "F52"}


def test_roll_up_by_equipment_class() -> None:
    groups = roll_up_by_equipment_class(RECORDS)
    assert groups["elevator"].counts == LevelCounts(significant=1, general=1, low=1)
    assert groups["elevator"].units == 3
    assert groups["boiler"].highest is RED


def test_a_region_prefix_must_have_a_digit() -> None:
    with pytest.raises(InvalidArgument):
        roll_up_by_region(RECORDS, 0)
