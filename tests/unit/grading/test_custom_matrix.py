"""A custom matrix loaded from a file is used end to end, and a broken file is refused with every problem named."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from dualprev_sdk.domain.common import SourceStatus
from dualprev_sdk.errors import InvalidArgument
from dualprev_sdk.grading import (
    RiskLevel,
    grade_lec,
    grade_many,
    load_method,
    method_from_data,
)
from dualprev_sdk.grading.api import data_path

DATA = Path(__file__).parent / "data"
ENTERPRISE = DATA / "enterprise_4x5.toml"
PROVINCE = DATA / "province_3x3.json"


def test_an_enterprise_matrix_from_toml_grades_by_its_own_cells_bands_and_colours() -> None:
    method = load_method(ENTERPRISE)
    assert method.name == "acme-4x5"
    assert method.source.status is SourceStatus.USER
    high = method.grade(likelihood=4, severity=4)
    assert high.score == 20
    assert high.level is RiskLevel.MAJOR
    assert high.color == "#C00000"
    # a cell that is not the product of its axes: 2 × 3 would be 6, the enterprise says 7
    middle = method.grade(likelihood=2, severity=3)
    assert middle.score == 7
    assert middle.level is RiskLevel.GENERAL
    assert middle.band.label_zh == "一般风险（黄）"


def test_band_boundaries_of_a_custom_matrix_follow_its_declared_inclusiveness() -> None:
    method = load_method(ENTERPRISE)
    assert method.grade(likelihood=2, severity=5).level is RiskLevel.MAJOR  # 16 is in [16, +∞)
    assert method.grade(likelihood=2, severity=4).level is RiskLevel.SIGNIFICANT  # 11 in [10, 16)
    assert method.grade(likelihood=1, severity=5).level is RiskLevel.SIGNIFICANT  # 10 in [10, 16)
    assert method.grade(likelihood=4, severity=1).level is RiskLevel.LOW  # 4 in (-∞, 5)


def test_a_province_matrix_from_json_may_give_levels_directly_in_its_cells() -> None:
    method = load_method(PROVINCE)
    result = method.grade(likelihood=2, severity=3)
    assert result.level is RiskLevel.MAJOR
    assert result.score is None
    assert result.band.key == "major"


def test_a_custom_matrix_grades_in_batch_too() -> None:
    method = load_method(ENTERPRISE)
    levels = [g.level for g in grade_many(method, [(1, 1), (3, 3), (4, 5)])]
    assert levels == [RiskLevel.LOW, RiskLevel.SIGNIFICANT, RiskLevel.MAJOR]


def test_a_custom_matrix_rejects_an_axis_value_it_does_not_define() -> None:
    method = load_method(ENTERPRISE)
    with pytest.raises(InvalidArgument) as caught:
        method.grade(likelihood=5, severity=1)
    assert caught.value.violations[0].field == "likelihood"
    assert "1, 2, 3, 4" in caught.value.violations[0].message


def test_a_province_can_load_its_own_lec_table_with_variant_b_levels(tmp_path: Path) -> None:
    data = tomllib.loads(data_path("lec.toml").read_text(encoding="utf-8"))
    data["name"] = "lec-variant-b"
    for band in data["bands"]:
        band["level"] = {1: 1, 2: 1, 3: 2, 4: 3}[band["level"]] if band["key"] != "slightly_dangerous" else 4
    path = tmp_path / "lec-b.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    variant_b = load_method(path)
    assert grade_lec(6, 6, 7, method=variant_b).level is RiskLevel.MAJOR  # D = 252
    assert grade_lec(6, 6, 7).level is RiskLevel.SIGNIFICANT  # the default is untouched


def _minimal(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "t",
        "kind": "product",
        "source": {"document": "test"},
        "factors": [{"name": "a", "values": [{"value": 1}, {"value": 2}]}],
        "bands": [
            {"key": "high", "label_zh": "高", "level": 1, "lower": 2, "lower_inclusive": True},
            {"key": "low", "label_zh": "低", "level": 4, "upper": 2, "upper_inclusive": False},
        ],
    }
    data.update(changes)
    return data


def test_overlapping_bands_are_refused_naming_both() -> None:
    bands = [
        {"key": "high", "label_zh": "高", "level": 1, "lower": 2, "lower_inclusive": True},
        {"key": "low", "label_zh": "低", "level": 4, "upper": 2, "upper_inclusive": True},
    ]
    with pytest.raises(InvalidArgument) as caught:
        method_from_data(_minimal(bands=bands))
    [violation] = caught.value.violations
    assert violation.rule == "bands.no_overlap"
    assert "'low'" in violation.message
    assert "'high'" in violation.message


def test_a_score_the_method_can_produce_but_no_band_holds_is_refused() -> None:
    bands = [{"key": "high", "label_zh": "高", "level": 1, "lower": 2, "lower_inclusive": True}]
    with pytest.raises(InvalidArgument) as caught:
        method_from_data(_minimal(bands=bands))
    assert caught.value.violations[0].rule == "bands.covered"
    assert "a=1" in caught.value.violations[0].message


def test_a_matrix_whose_cells_do_not_match_its_axes_is_refused_with_the_cell_path() -> None:
    data = _minimal(kind="matrix", cells=[1, "nowhere"])
    data["factors"] = [{"name": "a", "values": [{"value": 1}, {"value": 2}]}]
    with pytest.raises(InvalidArgument) as caught:
        method_from_data(data)
    [violation] = caught.value.violations
    assert violation.field == "cells[1]"
    assert "nowhere" in violation.message


def test_a_matrix_with_a_missing_row_is_refused() -> None:
    data = _minimal(kind="matrix", cells=[[1, 2]])
    data["factors"] = [
        {"name": "a", "values": [{"value": 1}, {"value": 2}]},
        {"name": "b", "values": [{"value": 1}, {"value": 2}]},
    ]
    with pytest.raises(InvalidArgument) as caught:
        method_from_data(data)
    assert caught.value.violations[0].field == "cells"
    assert caught.value.violations[0].rule == "method.cells_shape"


def test_a_typo_in_a_method_file_is_reported_with_the_file_and_field(tmp_path: Path) -> None:
    path = tmp_path / "typo.toml"
    path.write_text(
        ENTERPRISE.read_text(encoding="utf-8").replace(
            "lower_inclusive = true\ncolor", "lower_inclusiv = true\ncolor", 1
        ),
        encoding="utf-8",
    )
    with pytest.raises(InvalidArgument) as caught:
        load_method(path)
    assert str(path) in str(caught.value)
    assert any("lower_inclusiv" in v.message or "lower_inclusiv" in v.field for v in caught.value.violations)


def test_a_file_that_is_not_toml_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("name = [unclosed", encoding="utf-8")
    with pytest.raises(InvalidArgument) as caught:
        load_method(path)
    assert caught.value.violations[0].rule == "file.syntax"


def test_loaded_methods_are_values_that_compare_and_hash() -> None:
    first, second = load_method(ENTERPRISE), load_method(ENTERPRISE)
    assert first == second
    assert len({first, second, load_method(PROVINCE)}) == 2
