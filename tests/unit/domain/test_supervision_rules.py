"""The risk level supervision uses, hazard types and widespread-hazard detection, the draw's inputs snapshot,
and plans for units visited more than monthly."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from dualprev_sdk.domain.common import RiskLevel
from dualprev_sdk.domain.hazard import HazardLevel
from dualprev_sdk.domain.supervision import (
    HazardObservation,
    Inspector,
    PoolUnit,
    RiskBasisRules,
    SamplingRules,
    SupervisionProfile,
    WidespreadRules,
    detect_widespread,
    draw_inputs_from_snapshot,
    draw_inputs_snapshot,
    hazard_signature,
    inputs_digest,
    unit_risk_level,
    yearly_plan,
)

TODAY = dt.date(2026, 6, 1)


def test_the_risk_level_is_the_highest_of_risk_points_and_open_hazards_and_unknown_is_not_low() -> None:
    assert unit_risk_level(RiskLevel.GENERAL, [])[0] is RiskLevel.GENERAL
    assert unit_risk_level(RiskLevel.LOW, [HazardLevel.MAJOR])[0] is RiskLevel.MAJOR
    assert unit_risk_level(RiskLevel.SIGNIFICANT, [HazardLevel.GENERAL])[0] is RiskLevel.SIGNIFICANT
    level, reason = unit_risk_level(None, [])
    assert level is RiskLevel.GENERAL
    assert "no graded risk point" in reason
    assert unit_risk_level(None, [], RiskBasisRules(unassessed_level=RiskLevel.LOW))[0] is RiskLevel.LOW


def obs(
    n: int,
    *,
    unit: str | None = None,
    region: str = "410102",
    industry: str = "C2614",
    found_on: dt.date = TODAY,
    description: str = "制动器失效",
    criteria: tuple[str, ...] = (),
    major: bool = False,
    kind: str = "3000",
) -> HazardObservation:
    return HazardObservation(
        hazard_id=f"H{n}",
        unit_uscc=unit or f"U{n}",
        region_code=region,
        industry=industry,
        equipment_kind=kind,
        found_on=found_on,
        description=description,
        criteria=criteria,
        major=major,
    )


def test_a_hazard_type_is_the_kind_with_each_gb45067_item_else_a_category_else_the_plain_description() -> None:
    assert hazard_signature(obs(1, criteria=("4.6d", "4.6b"))) == ["3000|GB45067 4.6b", "3000|GB45067 4.6d"]
    rules = WidespreadRules(description_categories={"制动": ("制动器", "刹车")})
    assert hazard_signature(obs(1, description="刹车片磨损"), rules) == ["3000|制动"]
    assert hazard_signature(obs(1, description=" 门锁 回路，短接。")) == ["3000|门锁回路短接"]


def test_more_than_the_threshold_of_units_in_a_region_within_the_window_raises_a_finding() -> None:
    three = [obs(n, region="410102", industry="") for n in (1, 2, 3)]
    findings = detect_widespread(three, today=TODAY)
    assert [(f.scope_kind, f.scope, f.units) for f in findings] == [("region", "4101", ("U1", "U2", "U3"))]
    assert detect_widespread(three[:2], today=TODAY) == []  # two is not more than two
    same_unit = [obs(n, unit="U1", industry="") for n in (1, 2, 3)]
    assert detect_widespread(same_unit, today=TODAY) == []  # units are counted, not hazards
    old = [obs(n, industry="", found_on=TODAY - dt.timedelta(days=91)) for n in (1, 2, 3)]
    assert detect_widespread(old, today=TODAY) == []


def test_an_industry_scope_spans_regions_and_major_only_ignores_general_hazards() -> None:
    spread = [obs(n, region=r) for n, r in ((1, "410102"), (2, "410202"), (3, "410302"))]
    findings = detect_widespread(spread, today=TODAY)
    assert [(f.scope_kind, f.scope) for f in findings] == [("industry", "C26")]
    assert findings[0].id == detect_widespread(list(reversed(spread)), today=TODAY)[0].id
    assert detect_widespread(spread, today=TODAY, rules=WidespreadRules(major_only=True)) == []


pools = st.lists(
    st.builds(
        PoolUnit,
        uscc=st.text("ABCDEF0123", min_size=3, max_size=6),
        region_code=st.sampled_from(["410102", "410202"]),
        key_unit=st.booleans(),
        equipment_classes=st.frozensets(st.sampled_from(["2000", "3000", "4000"])),
        last_inspectors=st.frozensets(st.sampled_from(["I1", "I2", "I3"])),
    ),
    max_size=8,
    unique_by=lambda u: u.uscc,
)


@given(pool=pools, cap=st.one_of(st.none(), st.integers(1, 5)))
def test_a_snapshot_gives_back_the_same_inputs_and_hash(pool: list[PoolUnit], cap: int | None) -> None:
    people = [Inspector(id="I1", name="甲", conflicts=frozenset({"ABC"})), Inspector(id="I2", name="乙")]
    rules = SamplingRules(max_units_per_inspector=cap, min_fraction_of_units=0.3)
    back_pool, back_people, back_rules = draw_inputs_from_snapshot(draw_inputs_snapshot(pool, people, rules))
    assert sorted(back_pool, key=lambda u: u.uscc) == sorted(pool, key=lambda u: u.uscc)
    assert back_people == people
    assert inputs_digest(back_pool, back_people, back_rules) == inputs_digest(pool, people, rules)


def test_a_unit_visited_more_than_monthly_gets_every_visit_even_when_two_share_a_month() -> None:
    plan = yearly_plan([SupervisionProfile(uscc="U1", inspections_per_year=14, key_unit=True, reasons=())], 2027)
    assert len(plan) == 14
