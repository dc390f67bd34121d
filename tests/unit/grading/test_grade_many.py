"""Batch grading: one method, a stream of factor tuples, lazily, positions in errors."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from dualprev_sdk.errors import InvalidArgument, NotFound
from dualprev_sdk.grading import GradingMethodRegistry, RiskLevel, builtin_method, grade_lec, grade_many


def test_grade_many_gives_the_same_grades_as_one_at_a_time() -> None:
    items = [(6, 6, 7), (10, 1, 7), (0.5, 6, 40)]
    assert list(grade_many("lec", items, registry=_registry())) == [grade_lec(*i) for i in items]


def test_grade_many_accepts_lists_as_well_as_tuples() -> None:
    assert next(grade_many(builtin_method("ls"), [[4, 5]])).level is RiskLevel.MAJOR


def test_grade_many_is_lazy_and_streams_an_endless_source() -> None:
    def endless() -> Iterator[tuple[int, int]]:
        yield from itertools.cycle([(1, 1), (5, 5)])

    first = list(itertools.islice(grade_many(builtin_method("ls"), endless()), 4))
    assert [g.level for g in first] == [RiskLevel.LOW, RiskLevel.MAJOR] * 2


def test_an_invalid_item_fails_with_its_position_and_factor() -> None:
    graded = grade_many(builtin_method("lec"), [(6, 6, 7), (6, 6, 7), (6, 4, 7)])
    assert next(graded).score == 252
    assert next(graded).score == 252
    with pytest.raises(InvalidArgument) as caught:
        next(graded)
    assert caught.value.violations[0].field == "items[2].e"


def test_an_item_with_the_wrong_number_of_factors_is_reported() -> None:
    with pytest.raises(InvalidArgument) as caught:
        list(grade_many(builtin_method("lec"), [(6, 6)]))
    assert caught.value.violations[0].field == "items[0]"
    assert "3 factors" in caught.value.violations[0].message


def test_an_unknown_method_fails_before_the_first_item() -> None:
    with pytest.raises(NotFound):
        grade_many("nope", [(1, 1)], registry=_registry())


def _registry() -> GradingMethodRegistry:
    registry = GradingMethodRegistry()
    for name in ("lec", "ls"):
        registry.register(builtin_method(name), plugin_name="test")
    return registry
