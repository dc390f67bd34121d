"""Regulator statistics over a generated province with known answers, on SQLite and PostgreSQL: every count at
every level of the GB/T 2260 tree, and by risk level, industry, grid and equipment kind."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from regulator_world import COUNTIES, PREFECTURES, TODAY, build_province

from dualprev_sdk.services.bootstrap import Dualprev
from dualprev_sdk.services.statistics import (
    STATISTICS_HEADERS,
    GroupBy,
    StatisticsNode,
    export_statistics,
    region_chain,
    regional_statistics,
)


@pytest.fixture
def province(sdk: Dualprev, make_uscc: Callable[[int], str]) -> Dualprev:
    build_province(sdk, make_uscc)
    return sdk


def _by_key(nodes: list[StatisticsNode]) -> dict[str, StatisticsNode]:
    return {n.key: n for n in nodes}


def _county_index(county: str) -> int:
    for counties in PREFECTURES.values():
        if county in counties:
            return counties.index(county)
    raise AssertionError(county)


def test_a_county_rolls_up_to_its_prefecture_and_province() -> None:
    assert region_chain("410102") == ["410000", "410100", "410102"]
    assert region_chain("410100") == ["410000", "410100"]
    assert region_chain("419001") == ["410000", "419000", "419001"]


def test_every_level_of_the_tree_has_the_exact_counts(province: Dualprev) -> None:
    nodes = _by_key(regional_statistics(province, region_prefix="41", today=TODAY))
    assert set(nodes) == {"410000", *PREFECTURES, *COUNTIES}

    whole = nodes["410000"]
    assert whole.name == "河南省"
    assert whole.depth == 1
    assert (whole.units, whole.equipment, whole.equipment_in_use) == (18, 36, 36)
    assert whole.open_hazards == {"general": 9, "major": 3}
    assert whole.overdue_inspections == 9
    assert whole.credit_classes == {"A": 16, "C": 1, "D": 1}
    assert whole.risk_levels == {"1": 6, "2": 4, "3": 2, "unassessed": 6}

    for prefecture in PREFECTURES:
        node = nodes[prefecture]
        assert node.depth == 2
        assert (node.units, node.equipment, node.overdue_inspections) == (6, 12, 3)
        majors = 3 if prefecture == "410300" else 0
        assert node.open_hazards == ({"general": 3, "major": majors} if majors else {"general": 3})
    assert nodes["410100"].name == "郑州市"
    assert nodes["410200"].risk_levels == {"unassessed": 6}
    assert nodes["410300"].risk_levels == {"1": 3, "2": 2, "3": 1}
    assert nodes["410200"].credit_classes == {"A": 5, "C": 1}
    assert nodes["410300"].credit_classes == {"A": 5, "D": 1}

    for county in COUNTIES:
        node = nodes[county]
        c = _county_index(county)
        assert node.depth == 3
        assert (node.units, node.equipment, node.overdue_inspections) == (c + 1, 2 * (c + 1), 1)
        assert node.open_hazards.get("general") == 1  # the cancelled hazard in 410102 is not counted
        assert node.open_hazards.get("major", 0) == (1 if county.startswith("4103") else 0)


def test_a_prefecture_prefix_shows_only_its_part_of_the_tree(province: Dualprev) -> None:
    nodes = _by_key(regional_statistics(province, region_prefix="4102", today=TODAY))
    assert set(nodes) == {"410200", "410202", "410203", "410204"}
    assert nodes["410200"].units == 6


def test_by_risk_level_industry_grid_and_equipment_kind(province: Dualprev) -> None:
    level = _by_key(regional_statistics(province, region_prefix="41", by=GroupBy.LEVEL, today=TODAY))
    assert {k: n.units for k, n in level.items()} == {"1": 6, "2": 4, "3": 2, "unassessed": 6}
    assert level["1"].overdue_inspections == 6  # the first unit of each assessed county: level 1, overdue lift

    industry = _by_key(regional_statistics(province, region_prefix="41", by=GroupBy.INDUSTRY, today=TODAY))
    assert {k: n.units for k, n in industry.items()} == {"C": 6, "H": 12}
    assert industry["H"].open_hazards == {"general": 6, "major": 3}

    grid = _by_key(regional_statistics(province, region_prefix="4101", by=GroupBy.GRID, today=TODAY))
    assert {k: n.units for k, n in grid.items()} == {"G-4101-0": 1, "G-4101-1": 2, "G-4101-2": 3}

    kinds = _by_key(regional_statistics(province, region_prefix="41", by=GroupBy.CLASS, today=TODAY))
    assert {k: (n.units, n.equipment, n.overdue_inspections) for k, n in kinds.items()} == {
        "3000": (18, 18, 9),
        "4000": (18, 18, 0),
    }
    assert kinds["3000"].open_hazards == {"general": 9}
    assert kinds["4000"].open_hazards == {"major": 3}


def test_the_statistics_export_has_chinese_headers(province: Dualprev, tmp_path: Path) -> None:
    nodes = regional_statistics(province, region_prefix="41", today=TODAY)
    path = export_statistics(nodes, tmp_path / "stats.xlsx")
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1] == STATISTICS_HEADERS
    assert rows[2][:4] == ("410000", "河南省", 18, 36)
    csv_text = export_statistics(nodes, tmp_path / "stats.csv").read_text(encoding="utf-8-sig")
    assert csv_text.splitlines()[0].startswith("分组,名称,使用单位数")
