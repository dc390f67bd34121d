"""Differentiated supervision, double-random draws and widespread-hazard alerts on a real database (SQLite and
PostgreSQL): facts from the store, a persisted and exportable plan with its key-unit list, draws that are
reproducible from their recorded seed and inputs (the same on both backends), auditable, avoid last inspectors
and declared conflicts, and whose results are published."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from regulator_world import TODAY, World, build_province

from dualprev_sdk.domain.common import RiskLevel
from dualprev_sdk.domain.credit import CreditClass
from dualprev_sdk.domain.supervision import InspectionOutcome, Inspector, PoolUnit, SamplingRules, draw
from dualprev_sdk.errors import FailedPrecondition
from dualprev_sdk.services import supervision as sv
from dualprev_sdk.services.bootstrap import Dualprev
from dualprev_sdk.store.supervision import SAMPLING_DRAWS

LUOYANG = "4103"


@pytest.fixture
def world(sdk: Dualprev, make_uscc: Callable[[int], str]) -> World:
    built = build_province(sdk, make_uscc)
    for n in range(1, 7):
        sv.add_inspector(sdk, inspector_id=f"LY-{n}", name=f"洛阳监察员{n}", region_code="410300", actor="洛阳市局")
    sv.add_inspector(sdk, inspector_id="ZZ-1", name="郑州监察员1", region_code="410100", actor="郑州市局")
    return built


def _facts(sdk: Dualprev, prefix: str) -> dict[str, sv.UnitSupervisionFacts]:
    with sdk.uow() as uow:
        return {f.facts.uscc: f for f in sv.supervision_facts(uow, prefix, today=TODAY)}


def test_unit_facts_come_from_risk_points_open_hazards_credit_and_crowded_places(sdk: Dualprev, world: World) -> None:
    facts = _facts(sdk, LUOYANG)
    first = facts[world.unit("410302")].facts
    assert first.risk_level is RiskLevel.MAJOR
    assert first.credit_class is CreditClass.A
    assert (first.crowded_place_equipment, first.open_major_hazards) == (1, 1)
    assert facts[world.unit("410303")].facts.credit_class is CreditClass.D  # the serious accident
    third = facts[world.unit("410304", 3)]
    assert third.facts.risk_level is RiskLevel.GENERAL
    assert third.equipment_kinds == {"3000", "4000"}
    unassessed = _facts(sdk, "410204")[world.unit("410204", 3)]
    assert unassessed.facts.risk_level is RiskLevel.GENERAL  # unknown is not low
    assert "no graded risk point" in unassessed.risk_reason


def test_the_yearly_plan_is_persisted_with_its_key_unit_list_replaced_on_replanning_and_exportable(
    sdk: Dualprev, world: World, tmp_path: Path
) -> None:
    plan = sv.plan_supervision(sdk, region_code=LUOYANG, year=2027, actor="洛阳市局", today=TODAY)
    by_unit = {u.uscc: u for u in plan.units}
    assert len(plan.units) == 6
    # 重大风险 4/year × A 0.5, + crowded place 1, + open major hazard 2
    assert by_unit[world.unit("410302")].inspections_per_year == 5
    # class D doubles: 4 × 2 + 1 + 2
    assert by_unit[world.unit("410303")].inspections_per_year == 11
    assert {u.uscc for u in plan.key_units} == {world.unit(c) for c in ("410302", "410303", "410304")}
    assert sum(1 for u, _ in plan.visits if u == world.unit("410303")) == 11

    stored = sv.get_plan(sdk, region_code=LUOYANG, year=2027)
    assert stored.units == plan.units
    assert stored.visits == plan.visits
    again = sv.plan_supervision(sdk, region_code=LUOYANG, year=2027, actor="洛阳市局", today=TODAY)
    assert again.version == 2
    with pytest.raises(FailedPrecondition):
        sv.get_plan(sdk, region_code=LUOYANG, year=2030)

    path = sv.export_plan(stored, tmp_path / "重点单位.xlsx", key_units_only=True)
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "重点监督检查单位名录（4103，2027年）"
    assert rows[1] == sv.PLAN_HEADERS
    assert len(rows) == 2 + 3


def _expected_pool(world: World) -> list[PoolUnit]:
    """The pool of 洛阳 as the world defines it: first units are key units, every unit has a lift and a crane."""
    return [
        PoolUnit(
            uscc=uscc,
            region_code=county,
            key_unit=k == 0,
            equipment_classes=frozenset({"3000", "4000"}),
        )
        for county in ("410302", "410303", "410304")
        for k, uscc in enumerate(world.units[county])
    ]


def test_a_draw_is_the_domain_draw_of_the_pool_the_store_holds_and_the_same_seed_gives_the_same_draw(
    sdk: Dualprev, world: World
) -> None:
    inspectors = [Inspector(id=f"LY-{n}", name=f"洛阳监察员{n}") for n in range(1, 7)]
    expected = draw(_expected_pool(world), inspectors, seed=20270101)
    first = sv.draw_inspections(sdk, region_code=LUOYANG, seed=20270101, actor="洛阳市局", today=TODAY)
    assert first.draw.inputs_sha256 == expected.inputs_sha256
    assert first.draw.targets == expected.targets
    assert first.draw.teams == expected.teams
    second = sv.draw_inspections(sdk, region_code=LUOYANG, seed=20270101, actor="洛阳市局", today=TODAY)
    assert (second.draw.targets, second.draw.teams) == (first.draw.targets, first.draw.teams)
    assert sv.get_draw(sdk, first.id).draw == first.draw
    assert {"ZZ-1"}.isdisjoint({i for t in first.draw.teams for i in t.inspectors})  # another region's roster


def test_verify_draw_re_runs_it_from_the_snapshot_and_notices_a_changed_snapshot(sdk: Dualprev, world: World) -> None:
    recorded = sv.draw_inspections(sdk, region_code=LUOYANG, seed=7, actor="洛阳市局", today=TODAY)
    report = sv.verify_draw(sdk, recorded.id)
    assert report.ok, report.problems
    inputs = dict(recorded.inputs)
    inputs["inspectors"] = [i for i in inputs["inspectors"] if i["id"] != "LY-1"]
    with sdk.engine.begin() as conn:
        conn.execute(sa.update(SAMPLING_DRAWS).where(SAMPLING_DRAWS.c.id == recorded.id).values(inputs=inputs))
    tampered = sv.verify_draw(sdk, recorded.id)
    assert not tampered.ok
    assert "hashes to" in tampered.problems[0]


def test_the_next_draw_avoids_the_last_inspectors_and_declared_conflicts(sdk: Dualprev, world: World) -> None:
    rules = SamplingRules(min_fraction_of_units=1.0)  # every unit, so every unit's avoidance is exercised
    first = sv.draw_inspections(sdk, region_code=LUOYANG, seed=1, rules=rules, actor="洛阳市局", today=TODAY)
    teams = {t.uscc: set(t.inspectors) for t in first.draw.teams}
    for uscc in first.draw.target_usccs:
        sv.record_draw_result(
            sdk, first.id, uscc=uscc, outcome=InspectionOutcome.NO_PROBLEM, inspected_on=TODAY, actor="洛阳市局"
        )
    target = world.unit("410302")
    conflicted = next(f"LY-{n}" for n in range(1, 7) if f"LY-{n}" not in teams[target])
    assert sv.declare_conflict(sdk, conflicted, target, actor=conflicted, reason="亲属任职")
    assert not sv.declare_conflict(sdk, conflicted, target, actor=conflicted)  # idempotent
    second = sv.draw_inspections(sdk, region_code=LUOYANG, seed=1, rules=rules, actor="洛阳市局", today=TODAY)
    for team in second.draw.teams:
        assert teams[team.uscc].isdisjoint(team.inspectors), team
    assert conflicted not in next(t.inspectors for t in second.draw.teams if t.uscc == target)
    assert sv.verify_draw(sdk, second.id).ok


def test_a_draw_without_enough_inspectors_fails_naming_the_unit_and_stores_nothing(sdk: Dualprev, world: World) -> None:
    with pytest.raises(FailedPrecondition, match=r"unit \w+: only 1 eligible"):
        sv.draw_inspections(sdk, region_code="4101", seed=3, actor="郑州市局", today=TODAY)
    with sdk.uow() as uow:
        assert uow.supervision.draw_ids() == []


def test_results_are_published_and_exported(sdk: Dualprev, world: World, tmp_path: Path) -> None:
    recorded = sv.draw_inspections(
        sdk, region_code=LUOYANG, seed=5, title="2027年第一批", actor="洛阳市局", today=TODAY
    )
    uscc = recorded.draw.target_usccs[0]
    sv.record_draw_result(
        sdk,
        recorded.id,
        uscc=uscc,
        outcome=InspectionOutcome.PROBLEMS_CORRECTED,
        inspected_on=TODAY,
        note="责令改正",
        actor="洛阳市局",
    )
    assert sv.published_results(sdk, region_prefix=LUOYANG) == []
    assert sv.publish_draw(sdk, recorded.id, day=TODAY, actor="洛阳市局")
    assert not sv.publish_draw(sdk, recorded.id, day=TODAY, actor="洛阳市局")
    published = sv.published_results(sdk, region_prefix=LUOYANG)
    assert [(d.id, r.uscc, r.outcome) for d, r in published] == [
        (recorded.id, uscc, InspectionOutcome.PROBLEMS_CORRECTED)
    ]
    text = sv.export_draw_results(sdk, recorded.id, tmp_path / "结果.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == ",".join(sv.RESULT_HEADERS)
    assert "发现问题已责令改正" in text


def test_widespread_hazards_raise_alerts_once_and_the_alerted_units_get_more_inspections(
    sdk: Dualprev, world: World
) -> None:
    new = sv.detect_widespread_hazards(sdk, region_prefix="41", today=TODAY)
    assert sorted((a.scope_kind, a.scope, a.signature) for a in new) == [
        ("industry", "C26", "3000|安全保护装置失效"),
        ("industry", "H61", "3000|安全保护装置失效"),
        ("industry", "H61", "4000|安全保护装置失效"),
        ("region", "4101", "3000|安全保护装置失效"),
        ("region", "4102", "3000|安全保护装置失效"),
        ("region", "4103", "3000|安全保护装置失效"),
        ("region", "4103", "4000|安全保护装置失效"),
    ]
    assert sv.detect_widespread_hazards(sdk, region_prefix="41", today=TODAY) == []
    assert len([e for e in sdk.read_events(limit=10_000) if e.type == "supervision.widespread_hazard_alert"]) == 7
    facts = _facts(sdk, LUOYANG)
    assert facts[world.unit("410302")].facts.widespread_hazard_alert
    assert not facts[world.unit("410303", 2)].facts.widespread_hazard_alert
    plan = sv.plan_supervision(sdk, region_code=LUOYANG, year=2027, actor="洛阳市局", today=TODAY)
    assert next(u for u in plan.units if u.uscc == world.unit("410302")).inspections_per_year == 6
    for alert in sv.list_alerts(sdk):
        assert sv.close_alert(sdk, alert.id, day=TODAY, actor="洛阳市局")
    assert not _facts(sdk, LUOYANG)[world.unit("410302")].facts.widespread_hazard_alert
    assert sv.detect_widespread_hazards(sdk, region_prefix="41", today=TODAY) == []  # closed is not re-raised


def test_hazards_graded_by_the_same_gb45067_item_in_several_units_are_one_type_whatever_their_wording(
    sdk: Dualprev, world: World
) -> None:
    from dualprev_sdk.domain.hazard import HazardSource
    from dualprev_sdk.services import hazards as hz

    units = [world.unit("410103", 2), world.unit("410105", 2), world.unit("410105", 3)]
    for n, unit in enumerate(units):
        hz.report_hazard(
            sdk,
            hazard_id=f"DL-{n}",
            unit_uscc=unit,
            equipment_id=f"L-{unit}",
            source=HazardSource.INSPECTION_AGENCY,
            source_reference=f"JY-{n}",
            description=["门锁回路被短接", "层门门锁短接运行", "轿门锁回路短接"][n],
            found_on=TODAY,
            finder="检验员",
            actor="检验员",
        )
        hz.register_hazard(sdk, f"DL-{n}", actor="安全员")
        hz.grade_hazard_by_rules(sdk, f"DL-{n}", actor="安全总监", findings=["door_lock_circuit_shorted"])
    new = sv.detect_widespread_hazards(sdk, region_prefix="4101", today=TODAY)
    by_scope = {(a.scope_kind, a.scope): a for a in new if a.signature == "3000|GB45067 4.6d"}
    assert set(by_scope) == {("region", "4101"), ("industry", "C26")}
    assert set(by_scope[("region", "4101")].units) == set(units)


# -- property: strata and avoidance over the store-built pool ----------------------------------------------------


# each example writes a draw to the database: a third of the profile's examples (20 under "ci")
@settings(
    max_examples=max(10, settings().max_examples // 3),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    seed=st.integers(min_value=0, max_value=2**40),
    fraction=st.floats(min_value=0.0, max_value=1.0),
    key_fraction=st.floats(min_value=0.0, max_value=1.0),
    team_size=st.integers(min_value=2, max_value=4),
    cap=st.one_of(st.none(), st.integers(min_value=1, max_value=6)),
)
def test_strata_and_avoidance_hold_over_the_store_built_pool_or_the_draw_fails_with_a_reason(  # noqa: PLR0917
    sdk: Dualprev,
    world: World,
    seed: int,
    fraction: float,
    key_fraction: float,
    team_size: int,
    cap: int | None,
) -> None:
    rules = SamplingRules(
        min_fraction_of_units=fraction,
        min_fraction_of_key_units=key_fraction,
        team_size=team_size,
        max_units_per_inspector=cap,
    )
    try:
        recorded = sv.draw_inspections(sdk, region_code=LUOYANG, seed=seed, rules=rules, actor="洛阳市局", today=TODAY)
    except FailedPrecondition as exc:
        reason = str(exc)
        assert reason.startswith("unit ")
        assert "eligible inspectors" in reason
        return
    with sdk.uow() as uow:
        pool = {u.uscc: u for u in sv.build_pool(uow, LUOYANG, today=TODAY)}
        roster = {i.id: i for i in uow.supervision.inspectors(LUOYANG)}
    chosen = dict(recorded.draw.targets)
    keys = [u for u in pool.values() if u.key_unit]
    assert sum(1 for u in keys if u.uscc in chosen) >= math.ceil(key_fraction * len(keys))
    for kind in {k for u in pool.values() for k in u.equipment_classes}:
        assert any(kind in pool[u].equipment_classes for u in chosen)
    assert len(chosen) >= min(len(pool), math.ceil(fraction * len(pool)))
    load: dict[str, int] = {}
    for team in recorded.draw.teams:
        assert len(set(team.inspectors)) == team_size
        for inspector in team.inspectors:
            assert inspector in roster
            assert team.uscc not in roster[inspector].conflicts
            load[inspector] = load.get(inspector, 0) + 1
    assert cap is None or max(load.values()) <= cap
    assert sv.verify_draw(sdk, recorded.id).ok


def test_published_results_are_read_a_page_at_a_time_in_the_order_of_the_whole_list(
    sdk: Dualprev, world: World
) -> None:
    for seed in (5, 6):
        recorded = sv.draw_inspections(
            sdk, region_code=LUOYANG, seed=seed, title=f"第{seed}批", actor="洛阳市局", today=TODAY
        )
        for uscc in recorded.draw.target_usccs:
            sv.record_draw_result(
                sdk,
                recorded.id,
                uscc=uscc,
                outcome=InspectionOutcome.NO_PROBLEM,
                inspected_on=TODAY,
                actor="洛阳市局",
            )
        sv.publish_draw(sdk, recorded.id, day=TODAY, actor="洛阳市局")
    everything = [(d.id, r.uscc) for d, r in sv.published_results(sdk, region_prefix=LUOYANG)]
    assert len(everything) > 3
    for size in (1, 2, 3):
        walked: list[tuple[str, str]] = []
        after = None
        while True:
            page = sv.published_results(sdk, region_prefix=LUOYANG, after=after, limit=size)
            assert len(page) <= size
            walked += [(d.id, r.uscc) for d, r in page]
            if len(page) < size:
                break
            after = (page[-1][0].drawn_at, page[-1][0].id, page[-1][1].uscc)
        assert walked == everything


def test_a_regulators_records_reach_its_regions_feed_and_never_the_units(sdk: Dualprev, world: World) -> None:
    """Plans, rosters, draws and alerts are the regulators': 洛阳's feed carries them, a drawn unit's does not (a
    双随机 draw must not warn the units it picked), and 郑州's regulators see only their own."""
    sv.plan_supervision(sdk, region_code=LUOYANG, year=2027, actor="洛阳市局", today=TODAY)
    drawn = sv.draw_inspections(sdk, region_code=LUOYANG, seed=3, actor="洛阳市局", today=TODAY)
    sv.detect_widespread_hazards(sdk, region_prefix="41", today=TODAY)
    luoyang, _ = sdk.read_scoped_events(region_prefix=LUOYANG, limit=10_000)
    zhengzhou, _ = sdk.read_scoped_events(region_prefix="4101", limit=10_000)
    picked, _ = sdk.read_scoped_events(unit_usccs=list(drawn.draw.target_usccs), limit=10_000)

    def kinds(events: list[Any]) -> set[str]:
        return {e.type for e in events if e.type.startswith("supervision.")}

    assert kinds(luoyang) == {
        "supervision.inspector_added",
        "supervision.plan_saved",
        "supervision.draw_made",
        "supervision.widespread_hazard_alert",
    }
    assert kinds(picked) == set()
    assert {e.resource for e in zhengzhou if e.type == "supervision.inspector_added"} == {"inspectors/ZZ-1"}
    # an alert reaches the regulators of the level holding all its units (a city's, or the province's)
    alerts = [e for e in sdk.read_events(limit=10_000) if e.type == "supervision.widespread_hazard_alert"]
    assert {e.payload["scope"]: e.region_code for e in alerts if e.payload["scope_kind"] == "region"} == {
        "4101": "4101",
        "4102": "4102",
        "4103": "4103",
    }
    assert all(e.unit_uscc is None for e in alerts)
    industry = {e.region_code for e in alerts if e.payload["scope_kind"] == "industry"}
    assert industry <= {"41", "4101", "4102", "4103"}, industry


def test_conflicts_declared_with_a_new_inspector_are_on_the_roster_and_stay_idempotent(
    sdk: Dualprev, world: World
) -> None:
    units = sorted({world.unit("410302"), world.unit("410303")})
    sv.add_inspector(
        sdk, inspector_id="LY-C", name="洛阳监察员C", region_code="410300", actor="洛阳市局", conflicts=units
    )
    roster = {i.id: i for i in sv.list_inspectors(sdk, region_prefix=LUOYANG)}
    assert roster["LY-C"].conflicts == frozenset(units)
    assert not sv.declare_conflict(sdk, "LY-C", units[0], actor="LY-C")  # already declared when added
