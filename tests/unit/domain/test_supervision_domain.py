"""Differentiated supervision frequencies and reproducible, auditable double-random draws."""

from __future__ import annotations

import math

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from dualprev_sdk.domain.common import RiskLevel
from dualprev_sdk.domain.credit import CreditClass
from dualprev_sdk.domain.supervision import (
    Draw,
    FrequencyRules,
    Inspector,
    PoolUnit,
    SamplingRules,
    UnitFacts,
    draw,
    supervision_profile,
    yearly_plan,
)
from dualprev_sdk.errors import FailedPrecondition


def facts(**changes: object) -> UnitFacts:
    base: dict[str, object] = {"uscc": "U1", "region_code": "410105"}
    base.update(changes)
    return UnitFacts(**base)  # type: ignore[arg-type]


def test_frequency_grows_with_risk_credit_crowded_places_and_open_major_hazards() -> None:
    low = supervision_profile(facts())
    assert low.inspections_per_year == 0.5
    assert not low.key_unit
    worst = supervision_profile(
        facts(
            risk_level=RiskLevel.MAJOR,
            credit_class=CreditClass.D,
            crowded_place_equipment=12,
            open_major_hazards=1,
            widespread_hazard_alert=True,
        )
    )
    assert worst.inspections_per_year == 4 * 2 + 1 + 2 + 1
    assert worst.key_unit
    assert len(worst.reasons) == 5


def test_a_credit_a_unit_is_inspected_less_than_a_credit_c_unit_at_the_same_risk() -> None:
    a = supervision_profile(facts(risk_level=RiskLevel.GENERAL, credit_class=CreditClass.A))
    c = supervision_profile(facts(risk_level=RiskLevel.GENERAL, credit_class=CreditClass.C))
    assert a.inspections_per_year < c.inspections_per_year


def test_industry_rules_are_data() -> None:
    rules = FrequencyRules(industry_additions={"C26": 1.0})  # 化学原料和化学制品制造业
    assert supervision_profile(facts(industry="C2614"), rules).inspections_per_year == 1.5


def test_yearly_plan_spreads_visits_and_visits_half_yearly_units_every_other_year() -> None:
    profiles = [supervision_profile(facts(uscc="K", risk_level=RiskLevel.MAJOR)), supervision_profile(facts(uscc="L"))]
    plan_2026 = yearly_plan(profiles, 2026)
    plan_2027 = yearly_plan(profiles, 2027)
    assert [d.month for u, d in plan_2026 if u == "K"] == [1, 4, 7, 10]
    assert sum(1 for u, _ in plan_2026 + plan_2027 if u == "L") == 1


def make_pool(n: int, key_every: int = 4) -> list[PoolUnit]:
    kinds = ["3000", "4000", "5000", "2100", "1000"]
    return [
        PoolUnit(
            uscc=f"U{i:04d}",
            region_code="410105",
            key_unit=i % key_every == 0,
            equipment_classes=frozenset({kinds[i % len(kinds)]}),
            last_inspectors=frozenset({f"I{i % 7}"}),
        )
        for i in range(n)
    ]


INSPECTORS = [Inspector(id=f"I{i}", name=f"检查员{i}") for i in range(8)]


def test_the_same_seed_and_inputs_give_the_same_draw_and_a_different_seed_another() -> None:
    pool = make_pool(200)
    first = draw(pool, INSPECTORS, seed=20260601)
    again = draw(list(reversed(pool)), list(reversed(INSPECTORS)), seed=20260601)
    assert first == again
    assert first.inputs_sha256 == again.inputs_sha256
    assert draw(pool, INSPECTORS, seed=1).target_usccs != first.target_usccs


def check_strata_and_avoidance(
    pool: list[PoolUnit], inspectors: list[Inspector], rules: SamplingRules, result: Draw
) -> None:
    targets = set(result.target_usccs)
    assert len(targets) >= math.ceil(rules.min_fraction_of_units * len(pool))
    key = [u for u in pool if u.key_unit]
    assert sum(1 for u in key if u.uscc in targets) >= math.ceil(rules.min_fraction_of_key_units * len(key))
    for kind in {k for u in pool for k in u.equipment_classes}:
        assert any(kind in u.equipment_classes for u in pool if u.uscc in targets)
    by_uscc = {u.uscc: u for u in pool}
    conflicts = {i.id: i.conflicts for i in inspectors}
    assert {t.uscc for t in result.teams} == targets
    for team in result.teams:
        assert len(set(team.inspectors)) >= rules.team_size
        assert not set(team.inspectors) & by_uscc[team.uscc].last_inspectors
        assert all(team.uscc not in conflicts[i] for i in team.inspectors)


@given(
    n=st.integers(min_value=1, max_value=120),
    key_every=st.integers(min_value=1, max_value=10),
    n_inspectors=st.integers(min_value=2, max_value=12),
    conflict_every=st.integers(min_value=2, max_value=9),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_strata_and_avoidance_always_hold_or_the_draw_fails_naming_a_unit_without_a_possible_team(
    n: int, key_every: int, n_inspectors: int, conflict_every: int, seed: int
) -> None:
    pool = make_pool(n, key_every)
    inspectors = [
        Inspector(id=f"I{i}", name=str(i), conflicts=frozenset(u.uscc for u in pool[i::conflict_every]))
        for i in range(n_inspectors)
    ]
    rules = SamplingRules()
    infeasible = {
        u.uscc
        for u in pool
        if sum(1 for i in inspectors if i.id not in u.last_inspectors and u.uscc not in i.conflicts) < rules.team_size
    }
    failure: FailedPrecondition | None = None
    try:
        result = draw(pool, inspectors, seed=seed, rules=rules)
    except FailedPrecondition as exc:
        failure = exc
    event("draw succeeded" if failure is None else "draw failed: no possible team")
    if failure is None:
        check_strata_and_avoidance(pool, inspectors, rules, result)
    else:
        failed_unit = str(failure).split(":")[0].removeprefix("unit ")
        assert failed_unit in infeasible, str(failure)


def test_a_unit_whose_every_inspector_is_excluded_fails_naming_the_unit() -> None:
    pool = [PoolUnit(uscc="U1", region_code="410105", key_unit=True, last_inspectors=frozenset({"I0"}))]
    inspectors = [Inspector(id="I0", name="a"), Inspector(id="I1", name="b", conflicts=frozenset({"U1"}))]
    with pytest.raises(FailedPrecondition, match="unit U1: only 0 eligible"):
        draw(pool, inspectors, seed=7)


def test_teams_smaller_than_two_are_refused() -> None:
    with pytest.raises(FailedPrecondition, match="at least two"):
        draw(make_pool(5), INSPECTORS, seed=1, rules=SamplingRules(team_size=1))
