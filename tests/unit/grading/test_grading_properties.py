"""Properties of every built-in and example method: monotone in every factor; exactly one level per valid input."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dualprev_sdk.grading import GradingMethod, builtin_method, grade_many, load_method

DATA = Path(__file__).parent / "data"
METHODS: list[GradingMethod] = [
    builtin_method("lec"),
    builtin_method("ls"),
    builtin_method("mes"),
    load_method(DATA / "enterprise_4x5.toml"),
    load_method(DATA / "province_3x3.json"),
]


def positions(method: GradingMethod) -> st.SearchStrategy[tuple[int, ...]]:
    return st.tuples(*(st.integers(0, len(f.values) - 1) for f in method.factors))


def values_at(method: GradingMethod, at: tuple[int, ...]) -> tuple[float, ...]:
    return tuple(f.values[i].value for f, i in zip(method.factors, at, strict=True))


def ordered_by_risk(method: GradingMethod, factor: int) -> list[int]:
    """Positions of a factor's values from least to most risky (ascending value for every shipped method)."""
    values = method.factors[factor].values
    return sorted(range(len(values)), key=lambda i: values[i].value)


@pytest.mark.parametrize("method", METHODS, ids=lambda m: m.name)
@given(data=st.data())
def test_raising_any_one_factor_never_lowers_the_risk(method: GradingMethod, data: st.DataObject) -> None:
    at = list(data.draw(positions(method)))
    factor = data.draw(st.integers(0, len(method.factors) - 1))
    order = ordered_by_risk(method, factor)
    lower, higher = sorted(data.draw(st.lists(st.sampled_from(order), min_size=2, max_size=2)), key=order.index)
    at[factor] = lower
    before = method.grade(*values_at(method, tuple(at)))
    at[factor] = higher
    after = method.grade(*values_at(method, tuple(at)))
    # RiskLevel: 1 = 重大 is the most severe, so "not lower risk" means "not a larger number"
    assert after.level <= before.level
    if before.score is not None and after.score is not None:
        assert after.score >= before.score


@pytest.mark.parametrize("method", METHODS, ids=lambda m: m.name)
@given(data=st.data())
def test_every_valid_input_lands_in_exactly_one_band(method: GradingMethod, data: st.DataObject) -> None:
    values = values_at(method, data.draw(positions(method)))
    result = method.grade(*values)
    if result.score is not None:
        holding = [b for b in method.bands if b.contains(result.score)]
        assert holding == [result.band]
    assert result.level is result.band.level


@pytest.mark.parametrize("method", METHODS, ids=lambda m: m.name)
def test_the_whole_domain_is_graded_and_batch_agrees_with_single_grading(method: GradingMethod) -> None:
    domain = list(method.domain())
    expected = 1
    for factor in method.factors:
        expected *= len(factor.values)
    assert len(domain) == expected
    assert list(grade_many(method, domain)) == [method.grade(*v) for v in domain]


@given(score=st.floats(min_value=0, max_value=10_000, allow_nan=False))
def test_any_lec_score_has_exactly_one_band(score: float) -> None:
    method = builtin_method("lec")
    assert sum(1 for b in method.bands if b.contains(score)) == 1
