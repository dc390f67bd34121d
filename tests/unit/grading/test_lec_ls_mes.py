"""Worked cases of the built-in methods: every band, the boundaries, and rejected factors."""

from __future__ import annotations

import pytest

from dualprev_sdk.errors import InvalidArgument
from dualprev_sdk.grading import RiskLevel, builtin_method, grade, grade_lec, grade_ls, grade_mes

# -- LEC ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("factors", "score", "level", "band"),
    [
        ((10, 6, 7), 420, RiskLevel.MAJOR, "extremely_dangerous"),  # D > 320
        ((6, 6, 7), 252, RiskLevel.SIGNIFICANT, "highly_dangerous"),  # 160 < D ≤ 320
        ((3, 6, 7), 126, RiskLevel.GENERAL, "notably_dangerous"),  # 70 < D ≤ 160
        ((3, 3, 7), 63, RiskLevel.LOW, "generally_dangerous"),  # 20 < D ≤ 70
        ((1, 2, 7), 14, RiskLevel.LOW, "slightly_dangerous"),  # D ≤ 20
    ],
)
def test_lec_grades_every_band_with_variant_a_levels(
    factors: tuple[float, float, float], score: float, level: RiskLevel, band: str
) -> None:
    result = grade_lec(*factors)
    assert result.method == "lec"
    assert result.score == score
    assert result.level is level
    assert result.band.key == band


def test_lec_keeps_its_own_five_band_wording() -> None:
    labels = [b.label_zh for b in builtin_method("lec").bands]
    assert [label[:4] for label in labels] == ["极其危险", "高度危险", "显著危险", "一般危险", "稍有危险"]


def test_a_lec_score_of_exactly_70_belongs_to_the_lower_band() -> None:
    result = grade_lec(10, 1, 7)  # the only way the table reaches 70
    assert result.score == 70
    assert result.level is RiskLevel.LOW
    assert result.band.key == "generally_dangerous"


def test_a_lec_score_just_above_70_is_general_risk() -> None:
    assert grade_lec(1, 6, 15).score == 90
    assert grade_lec(1, 6, 15).level is RiskLevel.GENERAL


@pytest.mark.parametrize(
    ("score", "level", "band"),
    [
        (320, RiskLevel.SIGNIFICANT, "highly_dangerous"),
        (320.5, RiskLevel.MAJOR, "extremely_dangerous"),
        (160, RiskLevel.GENERAL, "notably_dangerous"),
        (160.5, RiskLevel.SIGNIFICANT, "highly_dangerous"),
        (70, RiskLevel.LOW, "generally_dangerous"),
        (20, RiskLevel.LOW, "slightly_dangerous"),
    ],
)
def test_lec_boundaries_160_and_320_belong_to_the_lower_band(score: float, level: RiskLevel, band: str) -> None:
    # the factor tables cannot produce exactly 160 or 320, so the band table is asked directly
    found = builtin_method("lec").classify(score)
    assert found.level is level
    assert found.key == band


def test_lec_accepts_fractional_table_values_given_as_ints_or_floats() -> None:
    assert grade_lec(0.5, 6, 40) == grade_lec(0.5, 6.0, 40.0)
    assert grade_lec(l=0.1, e=0.5, c=1).score == 0.05


def test_lec_rejects_a_value_outside_the_table_naming_the_factor_and_allowed_values() -> None:
    with pytest.raises(InvalidArgument) as caught:
        grade_lec(4, 6, 7)
    [violation] = caught.value.violations
    assert violation.field == "l"
    assert violation.value == 4
    assert "10, 6, 3, 1, 0.5, 0.2, 0.1" in violation.message
    assert "事故发生的可能性" in str(caught.value)


def test_lec_lists_every_bad_factor_not_just_the_first() -> None:
    with pytest.raises(InvalidArgument) as caught:
        grade_lec(4, 5, 8)
    assert [v.field for v in caught.value.violations] == ["l", "e", "c"]
    assert "100, 40, 15, 7, 3, 1" in caught.value.violations[2].message


@pytest.mark.parametrize("bad", ["6", None, float("nan"), True])
def test_lec_rejects_values_that_are_not_table_numbers(bad: object) -> None:
    with pytest.raises(InvalidArgument):
        grade_lec(bad, 6, 7)  # type: ignore[arg-type]


# -- LS ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("factors", "score", "level"),
    [
        ((5, 5), 25, RiskLevel.MAJOR),
        ((4, 5), 20, RiskLevel.MAJOR),  # boundary 20
        ((4, 4), 16, RiskLevel.SIGNIFICANT),  # boundary 16
        ((3, 5), 15, RiskLevel.SIGNIFICANT),  # boundary 15
        ((3, 4), 12, RiskLevel.GENERAL),  # boundary 12
        ((3, 3), 9, RiskLevel.GENERAL),  # boundary 9
        ((2, 4), 8, RiskLevel.LOW),  # boundary 8: 低 in the default reading
        ((1, 1), 1, RiskLevel.LOW),
    ],
)
def test_ls_grades_every_band_and_boundary(factors: tuple[int, int], score: float, level: RiskLevel) -> None:
    result = grade_ls(*factors)
    assert result.score == score
    assert result.level is level
    assert result.band.label_zh == level.name_zh


def test_ls_rejects_a_severity_of_6() -> None:
    with pytest.raises(InvalidArgument) as caught:
        grade_ls(3, 6)
    [violation] = caught.value.violations
    assert violation.field == "s"
    assert "1, 2, 3, 4, 5" in violation.message


def test_ls_can_be_graded_by_name_through_the_registry() -> None:
    from dualprev_sdk.grading import grading_methods
    from dualprev_sdk.plugins import PluginHost

    registry = grading_methods(PluginHost(entry_points=False))
    assert grade("ls", l=4, s=4, registry=registry).level is RiskLevel.SIGNIFICANT


# -- MES ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("factors", "score", "level", "band"),
    [
        ((5, 6, 8), 240, RiskLevel.MAJOR, "extremely_dangerous"),
        ((3, 6, 10), 180, RiskLevel.MAJOR, "extremely_dangerous"),  # boundary 180
        ((5, 3, 10), 150, RiskLevel.MAJOR, "highly_dangerous"),
        ((3, 3, 10), 90, RiskLevel.MAJOR, "highly_dangerous"),  # boundary 90
        ((5, 2, 8), 80, RiskLevel.SIGNIFICANT, "class_3"),
        ((5, 10, 1), 50, RiskLevel.SIGNIFICANT, "class_3"),  # boundary 50
        ((3, 2, 8), 48, RiskLevel.GENERAL, "class_4"),
        ((5, 2, 2), 20, RiskLevel.GENERAL, "class_4"),  # boundary 20
        ((3, 6, 1), 18, RiskLevel.LOW, "class_5"),
        ((1, 0.5, 1), 0.5, RiskLevel.LOW, "class_5"),
    ],
)
def test_mes_grades_every_band(factors: tuple[float, float, float], score: float, level: RiskLevel, band: str) -> None:
    result = grade_mes(*factors)
    assert result.score == score
    assert result.level is level
    assert result.band.key == band


def test_mes_rejects_a_control_state_of_2() -> None:
    with pytest.raises(InvalidArgument) as caught:
        grade_mes(2, 6, 8)
    assert caught.value.violations[0].field == "m"
    assert "1, 3, 5" in caught.value.violations[0].message


# -- calling conventions -----------------------------------------------------------------------------------------


def test_factors_can_be_given_by_name_and_missing_or_unknown_names_are_reported() -> None:
    method = builtin_method("lec")
    assert method.grade(c=7, l=6, e=6) is method.grade(6, 6, 7)
    with pytest.raises(InvalidArgument) as caught:
        method.grade(l=6, x=1)
    fields = {v.field for v in caught.value.violations}
    assert fields == {"x", "e", "c"}


def test_a_grade_is_frozen_and_reports_its_colour_and_factors() -> None:
    result = grade_lec(6, 6, 7)
    assert result.color == "orange"
    assert dict(result.factors) == {"l": 6, "e": 6, "c": 7}
    with pytest.raises(AttributeError):
        result.level = RiskLevel.LOW  # type: ignore[misc]


def test_every_builtin_method_cites_its_source() -> None:
    for name in ("lec", "ls", "mes"):
        method = builtin_method(name)
        assert method.source.document
        assert method.bands_source is not None
    assert str(builtin_method("lec").bands_source.status) == "CONFLICT"  # type: ignore[union-attr]
