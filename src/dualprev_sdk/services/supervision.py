"""Supervision use cases (差异化监管、双随机、一公开): unit facts from the store, the yearly plan and key-unit list,
the inspectors roster, reproducible and auditable draws with their results and publication, and the detection
of regional or widespread hazards.

Where each factor of :class:`~dualprev_sdk.domain.supervision.UnitFacts` comes from (all set-based queries
over the units under the region prefix):

- risk level — the highest level of the unit's graded risk points (what ``grading.grade_unit`` scores from
  them) and of its open hazards mapped by :class:`~dualprev_sdk.domain.supervision.RiskBasisRules`; a unit
  with neither is "unassessed" (default: 一般风险);
- credit class — the class issued by the regulator, else the one computed from the records (services.credit);
- crowded-place equipment — equipment in use whose ``crowded_place`` is set;
- open major hazards — hazards graded major and not closed or cancelled;
- widespread-hazard alert — the unit is named in an open alert (:func:`detect_widespread_hazards`).

A draw is made from a pool built here (strata need the key-unit flag and the equipment kinds; avoidance needs
each unit's last inspectors, taken from the results recorded for earlier draws, and the declared conflicts),
then stored with its seed, the inputs' SHA-256 and the full inputs snapshot; :func:`verify_draw` re-runs it
from the snapshot alone.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import sqlalchemy as sa

from dualprev_sdk import timeutil
from dualprev_sdk.domain.common import RiskLevel
from dualprev_sdk.domain.credit import ClassificationModel
from dualprev_sdk.domain.equipment import EquipmentStatus
from dualprev_sdk.domain.hazard import HazardLevel, HazardState
from dualprev_sdk.domain.supervision import (
    FrequencyRules,
    HazardObservation,
    InspectionOutcome,
    Inspector,
    PlanUnit,
    PoolUnit,
    RecordedDraw,
    RiskBasisRules,
    SamplingRules,
    SupervisionPlan,
    TargetResult,
    UnitFacts,
    WidespreadAlert,
    WidespreadRules,
    detect_widespread,
    draw,
    draw_inputs_from_snapshot,
    draw_inputs_snapshot,
    inputs_digest,
    supervision_profile,
    unit_risk_level,
    yearly_plan,
)
from dualprev_sdk.errors import FailedPrecondition, InvalidArgument
from dualprev_sdk.store.base import starts_with
from dualprev_sdk.store.outbox import scope_of_units

if TYPE_CHECKING:
    from dualprev_sdk.services.bootstrap import Dualprev
    from dualprev_sdk.store.uow import UnitOfWork

__all__ = [
    "DrawVerification",
    "UnitSupervisionFacts",
    "add_inspector",
    "build_pool",
    "close_alert",
    "declare_conflict",
    "detect_widespread_hazards",
    "draw_inspections",
    "export_draw_results",
    "export_plan",
    "get_draw",
    "get_plan",
    "list_alerts",
    "list_inspectors",
    "plan_supervision",
    "publish_draw",
    "published_results",
    "record_draw_result",
    "supervision_facts",
    "verify_draw",
]


def _check_region(region_code: str) -> None:
    if not region_code.isdigit() or not 1 <= len(region_code) <= 12:
        raise InvalidArgument.single(
            "region_code", region_code, "region.prefix", "a GB/T 2260 code or code prefix (digits)"
        )


# ---------------------------------------------------------------------------------------------------------------
# unit facts
# ---------------------------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class UnitSupervisionFacts:
    """A unit's facts for supervision, with its name and why its risk level is what it is."""

    name: str
    facts: UnitFacts
    risk_reason: str
    equipment_kinds: frozenset[str]


def supervision_facts(
    uow: UnitOfWork,
    region_prefix: str,
    *,
    today: dt.date,
    risk_rules: RiskBasisRules | None = None,
    model: ClassificationModel | None = None,
) -> list[UnitSupervisionFacts]:
    """Facts for every unit under the prefix, by USCC (six grouped queries, whatever the number of units)."""
    from dualprev_sdk.services.credit import credit_classes
    from dualprev_sdk.store.equipment import EQUIPMENT
    from dualprev_sdk.store.hazards import HAZARDS
    from dualprev_sdk.store.risk_points import RISK_POINTS
    from dualprev_sdk.store.units import UNITS

    u, e, h, rp = UNITS.c, EQUIPMENT.c, HAZARDS.c, RISK_POINTS.c
    risk_rules = risk_rules or RiskBasisRules()  # once, not per unit
    units = list(
        uow.session.execute(
            sa.select(u.uscc, u.name, u.region_code, u.industry)
            .where(starts_with(u.region_code, region_prefix))
            .order_by(u.uscc)
        )
    )
    points: dict[str, int] = dict(
        uow.session.execute(
            sa.select(rp.unit_uscc, sa.func.min(rp.level))
            .join(UNITS, u.uscc == rp.unit_uscc)
            .where(starts_with(u.region_code, region_prefix))
            .group_by(rp.unit_uscc)
        ).all()
    )
    open_levels: dict[str, Counter[str]] = {}
    for uscc, level, n in uow.session.execute(
        sa.select(h.unit_uscc, h.level, sa.func.count())
        .where(
            starts_with(h.region_code, region_prefix),
            h.state.not_in([HazardState.CLOSED.value, HazardState.CANCELLED.value]),
            h.level.is_not(None),
        )
        .group_by(h.unit_uscc, h.level)
    ):
        open_levels.setdefault(uscc, Counter())[level] += int(n)
    in_use = e.status == EquipmentStatus.IN_USE.value
    crowded: dict[str, int] = dict(
        uow.session.execute(
            sa.select(e.unit_uscc, sa.func.count())
            .where(starts_with(e.region_code, region_prefix), in_use, e.crowded_place.is_not(None))
            .group_by(e.unit_uscc)
        ).all()
    )
    kinds: dict[str, set[str]] = {}
    for uscc, kind in uow.session.execute(
        sa.select(e.unit_uscc, sa.func.substr(e.catalog_code, 1, 1))
        .where(starts_with(e.region_code, region_prefix), in_use)
        .distinct()
    ):
        kinds.setdefault(uscc, set()).add(f"{kind}000")
    usccs = [r.uscc for r in units]
    classes = credit_classes(uow, usccs, region_prefix=region_prefix, day=today, model=model)
    alerted = uow.supervision.units_with_open_alerts(usccs)
    out = []
    for row in units:
        hazard_counts = open_levels.get(row.uscc, Counter())
        level, reason = unit_risk_level(
            RiskLevel(points[row.uscc]) if row.uscc in points else None,
            [HazardLevel(k) for k in hazard_counts],
            risk_rules,
        )
        out.append(
            UnitSupervisionFacts(
                name=row.name,
                risk_reason=reason,
                equipment_kinds=frozenset(kinds.get(row.uscc, ())),
                facts=UnitFacts(
                    uscc=row.uscc,
                    region_code=row.region_code,
                    risk_level=level,
                    credit_class=classes[row.uscc],
                    crowded_place_equipment=int(crowded.get(row.uscc, 0)),
                    industry=row.industry,
                    open_major_hazards=hazard_counts.get(HazardLevel.MAJOR.value, 0),
                    widespread_hazard_alert=row.uscc in alerted,
                ),
            )
        )
    return out


# ---------------------------------------------------------------------------------------------------------------
# yearly plan and key-unit list
# ---------------------------------------------------------------------------------------------------------------


def _rules_data(rules: FrequencyRules) -> dict[str, Any]:
    return {
        "base_by_level": {str(int(k)): v for k, v in rules.base_by_level.items()},
        "credit_multiplier": {k.value: v for k, v in rules.credit_multiplier.items()},
        "crowded_place_addition": rules.crowded_place_addition,
        "open_major_hazard_addition": rules.open_major_hazard_addition,
        "widespread_hazard_addition": rules.widespread_hazard_addition,
        "industry_additions": dict(rules.industry_additions),
        "key_unit_threshold": rules.key_unit_threshold,
        "source": str(rules.source),
    }


def plan_supervision(
    sdk: Dualprev,
    *,
    region_code: str,
    year: int,
    actor: str,
    today: dt.date | None = None,
    rules: FrequencyRules | None = None,
    risk_rules: RiskBasisRules | None = None,
    model: ClassificationModel | None = None,
) -> SupervisionPlan:
    """Compute and store the region's yearly plan (each unit's frequency with its reasons, the key-unit list,
    visit dates); planning the same region and year again replaces the plan (version + 1)."""
    _check_region(region_code)
    today = today or timeutil.today()
    rules = rules or FrequencyRules()
    with sdk.uow() as uow:
        facts = supervision_facts(uow, region_code, today=today, risk_rules=risk_rules, model=model)
        profiles = {f.facts.uscc: supervision_profile(f.facts, rules) for f in facts}
        units = tuple(
            PlanUnit(
                uscc=f.facts.uscc,
                name=f.name,
                region_code=f.facts.region_code,
                risk_level=f.facts.risk_level,
                credit_class=f.facts.credit_class,
                inspections_per_year=profiles[f.facts.uscc].inspections_per_year,
                key_unit=profiles[f.facts.uscc].key_unit,
                reasons=(f.risk_reason, *profiles[f.facts.uscc].reasons),
            )
            for f in facts
        )
        plan = SupervisionPlan(
            id=f"SP-{region_code}-{year}",
            region_code=region_code,
            year=year,
            units=units,
            visits=tuple(sorted(yearly_plan(list(profiles.values()), year), key=lambda v: (v[1], v[0]))),
            created_at=timeutil.now(),
        )
        stored = uow.supervision.save_plan(plan, rules=_rules_data(rules))
        uow.emit(
            "supervision.plan_saved",
            f"supervisionPlans/{plan.id}",
            {
                "plan_id": plan.id,
                "region_code": region_code,
                "year": year,
                "version": stored.version,
                "units": len(units),
                "key_units": len(stored.key_units),
                "visits": len(plan.visits),
                "actor": actor,
            },
        )
        uow.commit()
    return stored


def get_plan(sdk: Dualprev, *, region_code: str, year: int) -> SupervisionPlan:
    with sdk.uow() as uow:
        plan = uow.supervision.find_plan(region_code, year)
    if plan is None:
        raise FailedPrecondition(
            f"no supervision plan for region {region_code} in {year}; make one with plan_supervision",
            metadata={"region_code": region_code, "year": str(year)},
        )
    return plan


PLAN_HEADERS = (
    "统一社会信用代码",
    "单位名称",
    "行政区划代码",
    "风险等级",
    "信用风险分类",
    "年度检查频次",
    "重点监督检查单位",
    "计划检查日期",
    "依据",
)


def export_plan(plan: SupervisionPlan, path: str | Path, *, key_units_only: bool = False) -> Path:
    """The yearly plan (or, with ``key_units_only``, the 重点监督检查单位名录) as .xlsx or .csv."""
    from dualprev_sdk.services.statistics import write_table

    visits: dict[str, list[str]] = {}
    for uscc, day in plan.visits:
        visits.setdefault(uscc, []).append(day.isoformat())
    units = plan.key_units if key_units_only else plan.units
    rows = [
        [
            u.uscc,
            u.name,
            u.region_code,
            u.risk_level.name_zh,
            f"{u.credit_class.value}（{u.credit_class.name_zh}）",
            u.inspections_per_year,
            "是" if u.key_unit else "否",
            "、".join(visits.get(u.uscc, [])),
            "；".join(u.reasons),
        ]
        for u in units
    ]
    title = "重点监督检查单位名录" if key_units_only else "特种设备年度监督检查计划"
    return write_table(path, f"{title}（{plan.region_code}，{plan.year}年）", PLAN_HEADERS, rows)


# ---------------------------------------------------------------------------------------------------------------
# inspectors roster
# ---------------------------------------------------------------------------------------------------------------


def add_inspector(
    sdk: Dualprev,
    *,
    inspector_id: str,
    name: str,
    region_code: str,
    actor: str,
    conflicts: Sequence[str] = (),
    day: dt.date | None = None,
) -> Inspector:
    """Add an inspector to the 执法检查人员名录库 of a regulator's region."""
    _check_region(region_code)
    if not name.strip():
        raise InvalidArgument.single("name", name, "required", "an inspector has a name")
    inspector = Inspector(id=inspector_id, name=name, conflicts=frozenset(conflicts))
    with sdk.uow() as uow:
        uow.supervision.add_inspector(inspector, region_code=region_code, declared_on=day or timeutil.today())
        uow.emit(
            "supervision.inspector_added",
            f"inspectors/{inspector_id}",
            {"inspector_id": inspector_id, "name": name, "region_code": region_code, "actor": actor},
        )
        uow.commit()
    return inspector


def declare_conflict(
    sdk: Dualprev, inspector_id: str, uscc: str, *, actor: str, reason: str = "", day: dt.date | None = None
) -> bool:
    """Record a declared conflict of interest (the inspector is never drawn for the unit); idempotent."""
    with sdk.uow() as uow:
        added = uow.supervision.declare_conflict(inspector_id, uscc, declared_on=day or timeutil.today(), reason=reason)
        if added:
            uow.emit(
                "supervision.conflict_declared",
                f"inspectors/{inspector_id}",
                {"inspector_id": inspector_id, "unit_uscc": uscc, "reason": reason, "actor": actor},
            )
        uow.commit()
    return added


def list_inspectors(sdk: Dualprev, *, region_prefix: str | None = None) -> list[Inspector]:
    with sdk.uow() as uow:
        return uow.supervision.inspectors(region_prefix)


# ---------------------------------------------------------------------------------------------------------------
# double-random draws
# ---------------------------------------------------------------------------------------------------------------


def build_pool(
    uow: UnitOfWork,
    region_prefix: str,
    *,
    today: dt.date,
    rules: FrequencyRules | None = None,
    risk_rules: RiskBasisRules | None = None,
    model: ClassificationModel | None = None,
) -> list[PoolUnit]:
    """The 检查对象名录库 of the region from the store: every unit, key units by the frequency rules, the
    equipment kinds in use, and the team of each unit's last inspected draw."""
    facts = supervision_facts(uow, region_prefix, today=today, risk_rules=risk_rules, model=model)
    last = uow.supervision.last_inspectors([f.facts.uscc for f in facts])
    return [
        PoolUnit(
            uscc=f.facts.uscc,
            region_code=f.facts.region_code,
            key_unit=supervision_profile(f.facts, rules).key_unit,
            equipment_classes=f.equipment_kinds,
            last_inspectors=last.get(f.facts.uscc, frozenset()),
        )
        for f in facts
    ]


def draw_inspections(
    sdk: Dualprev,
    *,
    region_code: str,
    seed: int,
    actor: str,
    rules: SamplingRules | None = None,
    frequency_rules: FrequencyRules | None = None,
    title: str = "",
    draw_id: str | None = None,
    today: dt.date | None = None,
) -> RecordedDraw:
    """Draw targets and teams for the region and store the draw with everything needed to audit it. A draw that
    cannot satisfy the strata or avoidance rules raises FailedPrecondition naming the unit; nothing is stored."""
    _check_region(region_code)
    rules = rules or SamplingRules()
    today = today or timeutil.today()
    with sdk.uow() as uow:
        pool = build_pool(uow, region_code, today=today, rules=frequency_rules)
        if not pool:
            raise FailedPrecondition(f"region {region_code} has no units to draw from")
        inspectors = uow.supervision.inspectors(region_code)
        result = draw(pool, inspectors, seed=seed, rules=rules)
        recorded = RecordedDraw(
            id=draw_id or f"DR-{uuid.uuid4().hex[:20]}",
            region_code=region_code,
            draw=result,
            inputs=draw_inputs_snapshot(pool, inspectors, rules),
            drawn_at=timeutil.now(),
            drawn_by=actor,
            title=title,
        )
        uow.supervision.add_draw(recorded)
        uow.emit(
            "supervision.draw_made",
            f"samplingDraws/{recorded.id}",
            {
                "draw_id": recorded.id,
                "region_code": region_code,
                "seed": seed,
                "inputs_sha256": result.inputs_sha256,
                "targets": [list(t) for t in result.targets],
                "teams": {t.uscc: list(t.inspectors) for t in result.teams},
                "actor": actor,
            },
        )
        uow.commit()
    return recorded


def get_draw(sdk: Dualprev, draw_id: str) -> RecordedDraw:
    with sdk.uow() as uow:
        return uow.supervision.get_draw(draw_id)


@attrs.frozen(kw_only=True)
class DrawVerification:
    """The outcome of re-running a stored draw from its snapshot: ``ok`` only when the snapshot still hashes to
    the recorded SHA-256 and the re-run gives the stored targets, strata and teams."""

    draw_id: str
    ok: bool
    stored_sha256: str
    snapshot_sha256: str
    problems: tuple[str, ...]


def verify_draw(sdk: Dualprev, draw_id: str) -> DrawVerification:
    stored = get_draw(sdk, draw_id)
    pool, inspectors, rules = draw_inputs_from_snapshot(stored.inputs)
    digest = inputs_digest(pool, inspectors, rules)
    problems = []
    if digest != stored.draw.inputs_sha256:
        problems.append(f"the inputs snapshot hashes to {digest}, the draw recorded {stored.draw.inputs_sha256}")
    try:
        again = draw(pool, inspectors, seed=stored.draw.seed, rules=rules)
    except FailedPrecondition as exc:
        problems.append(f"the re-run fails: {exc}")
    else:
        if tuple(sorted(again.targets)) != tuple(sorted(stored.draw.targets)):
            problems.append("the re-run draws other targets or strata than the stored ones")
        if {t.uscc: t.inspectors for t in again.teams} != {t.uscc: t.inspectors for t in stored.draw.teams}:
            problems.append("the re-run assigns other teams than the stored ones")
    return DrawVerification(
        draw_id=draw_id,
        ok=not problems,
        stored_sha256=stored.draw.inputs_sha256,
        snapshot_sha256=digest,
        problems=tuple(problems),
    )


def record_draw_result(
    sdk: Dualprev,
    draw_id: str,
    *,
    uscc: str,
    outcome: InspectionOutcome,
    inspected_on: dt.date,
    actor: str,
    note: str = "",
) -> TargetResult:
    """Record the inspection outcome of one target (idempotent for the same result); the team becomes the unit's
    "last inspectors" for the avoidance rule of later draws."""
    result = TargetResult(uscc=uscc, outcome=outcome, inspected_on=inspected_on, note=note)
    with sdk.uow() as uow:
        if uow.supervision.record_result(draw_id, result):
            uow.emit(
                "supervision.result_recorded",
                f"samplingDraws/{draw_id}",
                {
                    "draw_id": draw_id,
                    "unit_uscc": uscc,
                    "outcome": outcome.value,
                    "inspected_on": inspected_on.isoformat(),
                    "actor": actor,
                },
            )
        uow.commit()
    return result


def publish_draw(sdk: Dualprev, draw_id: str, *, day: dt.date, actor: str) -> bool:
    """Mark the draw's results public (一公开); idempotent."""
    with sdk.uow() as uow:
        changed = uow.supervision.publish_draw(draw_id, day)
        if changed:
            uow.emit(
                "supervision.draw_published",
                f"samplingDraws/{draw_id}",
                {"draw_id": draw_id, "published_on": day.isoformat(), "actor": actor},
            )
        uow.commit()
    return changed


def published_results(
    sdk: Dualprev,
    *,
    region_prefix: str | None = None,
    after: tuple[dt.datetime, str, str] | None = None,
    limit: int | None = None,
) -> list[tuple[RecordedDraw, TargetResult]]:
    """Results of published draws, oldest draw first, in (drawn at, draw id, USCC) order; ``after`` and
    ``limit`` read one keyset page instead of every result."""
    with sdk.uow() as uow:
        return uow.supervision.published_results(region_prefix, after=after, limit=limit)


RESULT_HEADERS = (
    "抽查任务",
    "抽取日期",
    "随机种子",
    "统一社会信用代码",
    "单位名称",
    "抽取类别",
    "检查人员",
    "检查日期",
    "检查结果",
    "说明",
)


def export_draw_results(sdk: Dualprev, draw_id: str, path: str | Path) -> Path:
    """One draw's targets, teams and results as .xlsx/.csv (for publication once published)."""
    from dualprev_sdk.services.statistics import write_table

    with sdk.uow() as uow:
        recorded = uow.supervision.get_draw(draw_id)
        names = {uscc: unit.name for uscc, unit in uow.units.find_many(recorded.draw.target_usccs).items()}
        people = {i.id: i.name for i in uow.supervision.inspectors(active_only=False)}
    teams = {t.uscc: t.inspectors for t in recorded.draw.teams}
    stratum_zh = {"key_unit": "重点单位", "random": "随机"}
    rows = []
    for uscc, stratum in recorded.draw.targets:
        result = recorded.results.get(uscc)
        kind = stratum_zh.get(stratum, stratum.replace("equipment_class:", "设备种类 "))
        rows.append(
            [
                recorded.title or recorded.id,
                recorded.drawn_at.astimezone(timeutil.SHANGHAI).date().isoformat(),
                recorded.draw.seed,
                uscc,
                names.get(uscc, ""),  # a unit deleted since the draw keeps its USCC in the row
                kind,
                "、".join(people.get(i, i) for i in teams.get(uscc, ())),
                result.inspected_on.isoformat() if result else "",
                result.outcome.name_zh if result else "",
                result.note if result else "",
            ]
        )
    return write_table(path, f"“双随机、一公开”抽查结果（{recorded.region_code}）", RESULT_HEADERS, rows)


# ---------------------------------------------------------------------------------------------------------------
# regional / widespread hazards
# ---------------------------------------------------------------------------------------------------------------


def _observations(uow: UnitOfWork, region_prefix: str, start: dt.date, today: dt.date) -> list[HazardObservation]:
    from dualprev_sdk.store.hazards import HAZARD_EVENTS, HAZARDS
    from dualprev_sdk.store.units import UNITS

    h, u, ev = HAZARDS.c, UNITS.c, HAZARD_EVENTS.c
    rows = list(
        uow.session.execute(
            sa.select(
                h.id, h.unit_uscc, h.region_code, u.industry, h.equipment_kind, h.found_on, h.description, h.level
            )
            .join(UNITS, u.uscc == h.unit_uscc)
            .where(
                starts_with(h.region_code, region_prefix),
                h.found_day >= start.toordinal(),
                h.found_day <= today.toordinal(),
                h.state != HazardState.CANCELLED.value,
            )
        )
    )
    criteria: dict[str, tuple[str, ...]] = {}
    ids = [r.id for r in rows]
    for i in range(0, len(ids), 500):
        graded = uow.session.execute(
            sa.select(ev.hazard_id, ev.payload)
            .where(ev.hazard_id.in_(ids[i : i + 500]), ev.event_type == "hazard.graded")
            .order_by(ev.hazard_id, ev.sequence)
        )
        for hazard_id, payload in graded:  # the last grading wins
            cited = json.loads(payload).get("criteria") or []
            criteria[hazard_id] = tuple(f"{c.get('clause', '')}{c.get('item', '')}" for c in cited)
    return [
        HazardObservation(
            hazard_id=r.id,
            unit_uscc=r.unit_uscc,
            region_code=r.region_code,
            industry=r.industry,
            equipment_kind=r.equipment_kind,
            found_on=r.found_on,
            description=r.description,
            criteria=criteria.get(r.id, ()),
            major=r.level == HazardLevel.MAJOR.value,
        )
        for r in rows
    ]


def detect_widespread_hazards(
    sdk: Dualprev,
    *,
    region_prefix: str,
    today: dt.date | None = None,
    rules: WidespreadRules | None = None,
) -> list[WidespreadAlert]:
    """Raise an alert (stored, outbox event) for each hazard type seen in more than the threshold of units of one
    region or industry within the window; returns the new alerts. A pattern already alerted (open or closed) is not
    raised again, so the detection can run on a schedule."""
    _check_region(region_prefix)
    today = today or timeutil.today()
    rules = rules or WidespreadRules()
    start = today - dt.timedelta(days=rules.window_days)
    new: list[WidespreadAlert] = []
    with sdk.uow() as uow:
        findings = detect_widespread(_observations(uow, region_prefix, start, today), today=today, rules=rules)
        for finding in findings:
            alert = WidespreadAlert(
                id=finding.id,
                scope_kind=finding.scope_kind,
                scope=finding.scope,
                signature=finding.signature,
                units=finding.units,
                hazards=finding.hazards,
                window_start=finding.window_start,
                window_end=finding.window_end,
                raised_at=timeutil.now(),
            )
            if uow.supervision.add_alert(alert):
                uow.emit(
                    "supervision.widespread_hazard_alert",
                    f"widespreadAlerts/{alert.id}",
                    {
                        "alert_id": alert.id,
                        "scope_kind": alert.scope_kind,
                        "scope": alert.scope,
                        "signature": alert.signature,
                        "units": list(alert.units),
                        "hazards": list(alert.hazards),
                        "window_start": alert.window_start.isoformat(),
                        "window_end": alert.window_end.isoformat(),
                    },
                    **scope_of_units(uow.supervision.alert_unit_regions(alert.id), region_only=True),
                )
                new.append(alert)
        uow.commit()
    return new


def list_alerts(sdk: Dualprev, *, open_only: bool = True, region_prefix: str | None = None) -> list[WidespreadAlert]:
    with sdk.uow() as uow:
        return uow.supervision.alerts(open_only=open_only, scope_prefix=region_prefix)


def close_alert(sdk: Dualprev, alert_id: str, *, day: dt.date, actor: str) -> bool:
    """Close an alert once the pattern is dealt with; its units stop getting the extra inspections."""
    with sdk.uow() as uow:
        changed = uow.supervision.close_alert(alert_id, day)
        if changed:
            uow.emit(
                "supervision.widespread_hazard_alert_closed",
                f"widespreadAlerts/{alert_id}",
                {"alert_id": alert_id, "closed_on": day.isoformat(), "actor": actor},
                **scope_of_units(uow.supervision.alert_unit_regions(alert_id), region_only=True),
            )
        uow.commit()
    return changed
