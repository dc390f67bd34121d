"""Differentiated supervision (差异化监管) and double-random sampling (双随机、一公开) for regulators.

The seed: supervise "分区域、分级别、分行业、网格化", give crowded places and key equipment more attention, and
inspect units with regional or widespread serious hazards more often; combine with "双随机、一公开". Frequencies
and strata are rules as data (:class:`FrequencyRules`, :class:`SamplingRules`) because they are local policy,
not national regulation; the defaults are marked as such.

A draw is reproducible: the same seed and the same inputs (the pool and the inspectors, which are hashed and
recorded) always give the same targets and teams, so a published draw can be audited.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
import math
import random
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from dualprev_sdk.domain.common import RiskLevel, Source, SourceStatus
from dualprev_sdk.domain.credit import CreditClass
from dualprev_sdk.domain.hazard import HazardLevel
from dualprev_sdk.errors import FailedPrecondition, InvalidArgument

__all__ = [
    "Draw",
    "FrequencyRules",
    "HazardObservation",
    "InspectionOutcome",
    "Inspector",
    "PlanUnit",
    "PoolUnit",
    "RecordedDraw",
    "RiskBasisRules",
    "SamplingRules",
    "SupervisionPlan",
    "SupervisionProfile",
    "TargetResult",
    "TeamAssignment",
    "UnitFacts",
    "WidespreadAlert",
    "WidespreadFinding",
    "WidespreadRules",
    "detect_widespread",
    "draw",
    "draw_inputs_from_snapshot",
    "draw_inputs_snapshot",
    "hazard_signature",
    "inputs_digest",
    "supervision_profile",
    "unit_risk_level",
    "yearly_plan",
]

_POLICY = Source(
    document="dualprev-sdk default differentiated-supervision rules",
    status=SourceStatus.GENERAL_KNOWLEDGE,
    note="the seed names the factors (region, level, industry, grid, crowded places, key equipment, widespread "
    "hazards) and credit classes A-D raise or lower frequency (Part C §10); the numbers are product defaults",
)


@attrs.frozen(kw_only=True)
class UnitFacts:
    """What differentiated supervision looks at for one unit."""

    uscc: str
    region_code: str
    risk_level: RiskLevel = RiskLevel.LOW
    credit_class: CreditClass = CreditClass.B
    crowded_place_equipment: int = 0
    industry: str = ""
    open_major_hazards: int = 0
    widespread_hazard_alert: bool = False


@attrs.frozen(kw_only=True)
class FrequencyRules:
    """Inspections per year: a base by risk level, multiplied by the credit class, plus additions."""

    base_by_level: Mapping[RiskLevel, float] = attrs.field(
        factory=lambda: {RiskLevel.MAJOR: 4, RiskLevel.SIGNIFICANT: 2, RiskLevel.GENERAL: 1, RiskLevel.LOW: 0.5}
    )
    credit_multiplier: Mapping[CreditClass, float] = attrs.field(
        factory=lambda: {CreditClass.A: 0.5, CreditClass.B: 1.0, CreditClass.C: 1.5, CreditClass.D: 2.0}
    )
    crowded_place_addition: float = 1
    open_major_hazard_addition: float = 2
    widespread_hazard_addition: float = 1
    industry_additions: Mapping[str, float] = attrs.field(factory=dict)  # GB/T 4754 prefix → addition
    key_unit_threshold: float = 2  # at or above this many per year the unit is a key unit
    source: Source = _POLICY


@attrs.frozen(kw_only=True)
class SupervisionProfile:
    uscc: str
    inspections_per_year: float
    key_unit: bool
    reasons: tuple[str, ...]


def supervision_profile(unit: UnitFacts, rules: FrequencyRules | None = None) -> SupervisionProfile:
    """The unit's supervision frequency with the reason for every part of it."""
    rules = rules or FrequencyRules()
    base = rules.base_by_level[unit.risk_level]
    multiplier = rules.credit_multiplier[unit.credit_class]
    frequency = base * multiplier
    reasons = [
        f"{unit.risk_level.name_zh} base {base:g}/year",
        f"credit class {unit.credit_class.value} ×{multiplier:g}",
    ]
    if unit.crowded_place_equipment:
        frequency += rules.crowded_place_addition
        reasons.append(
            f"{unit.crowded_place_equipment} items in crowded public places +{rules.crowded_place_addition:g}"
        )
    if unit.open_major_hazards:
        frequency += rules.open_major_hazard_addition
        reasons.append(f"{unit.open_major_hazards} open major hazards +{rules.open_major_hazard_addition:g}")
    if unit.widespread_hazard_alert:
        frequency += rules.widespread_hazard_addition
        reasons.append(f"regional/widespread hazard alert +{rules.widespread_hazard_addition:g}")
    for prefix, addition in sorted(rules.industry_additions.items()):
        if unit.industry.startswith(prefix):
            frequency += addition
            reasons.append(f"industry {prefix} +{addition:g}")
    return SupervisionProfile(
        uscc=unit.uscc,
        inspections_per_year=frequency,
        key_unit=frequency >= rules.key_unit_threshold,
        reasons=tuple(reasons),
    )


def yearly_plan(profiles: Sequence[SupervisionProfile], year: int) -> list[tuple[str, dt.date]]:
    """Spread each unit's inspections evenly over the year (fractions round up to at least one visit every
    1/frequency years: a unit at 0.5/year is visited in odd years only)."""
    plan: list[tuple[str, dt.date]] = []
    for profile in sorted(profiles, key=lambda p: p.uscc):
        frequency = profile.inspections_per_year
        if frequency <= 0:
            continue
        if frequency < 1:
            period = round(1 / frequency)
            offset = int(hashlib.sha256(profile.uscc.encode()).hexdigest(), 16) % period
            if year % period != offset:
                continue
            frequency = 1
        visits = math.ceil(frequency)
        for i in range(visits):
            month = 1 + (i * 12) // visits
            plan.append((profile.uscc, dt.date(year, month, 15)))
    return plan


# ---------------------------------------------------------------------------------------------------------------
# double-random sampling
# ---------------------------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class PoolUnit:
    """A unit in the 检查对象名录库 with what the strata and the avoidance rules need."""

    uscc: str
    region_code: str
    key_unit: bool = False
    equipment_classes: frozenset[str] = frozenset()  # catalogue kind codes present ("3000", "4000"…)
    last_inspectors: frozenset[str] = frozenset()


@attrs.frozen(kw_only=True)
class Inspector:
    """An entry of the 执法检查人员名录库; ``conflicts`` lists USCCs the inspector declared a conflict with."""

    id: str
    name: str
    conflicts: frozenset[str] = frozenset()


@attrs.frozen(kw_only=True)
class SamplingRules:
    min_fraction_of_units: float = 0.05
    min_fraction_of_key_units: float = 0.5
    one_per_equipment_class: bool = True
    team_size: int = 2
    max_units_per_inspector: int | None = None
    source: Source = Source(
        document="双随机、一公开 (国发〔2019〕5号)",
        status=SourceStatus.GENERAL_KNOWLEDGE,
        note="strata and team size are the issue's example defaults; load local rules",
    )


@attrs.frozen(kw_only=True)
class TeamAssignment:
    uscc: str
    inspectors: tuple[str, ...]


@attrs.frozen(kw_only=True)
class Draw:
    """A recorded draw: seed, hash of the inputs, rules, targets (with the stratum each came from) and teams."""

    seed: int
    inputs_sha256: str
    rules: SamplingRules
    targets: tuple[tuple[str, str], ...]  # (uscc, stratum)
    teams: tuple[TeamAssignment, ...]

    @property
    def target_usccs(self) -> tuple[str, ...]:
        return tuple(u for u, _ in self.targets)


def inputs_digest(pool: Sequence[PoolUnit], inspectors: Sequence[Inspector], rules: SamplingRules) -> str:
    """SHA-256 over a canonical JSON of everything the draw depends on (order-independent)."""
    canonical = {
        "pool": sorted(
            [u.uscc, u.region_code, u.key_unit, sorted(u.equipment_classes), sorted(u.last_inspectors)] for u in pool
        ),
        "inspectors": sorted([i.id, sorted(i.conflicts)] for i in inspectors),
        "rules": [
            rules.min_fraction_of_units,
            rules.min_fraction_of_key_units,
            rules.one_per_equipment_class,
            rules.team_size,
            rules.max_units_per_inspector,
        ],
    }
    return hashlib.sha256(json.dumps(canonical, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()


def draw(
    pool: Sequence[PoolUnit], inspectors: Sequence[Inspector], *, seed: int, rules: SamplingRules | None = None
) -> Draw:
    """Draw inspection targets and teams.

    Strata, in order: at least ``min_fraction_of_key_units`` of the key units; at least one unit per equipment
    class present in the pool; then random units up to ``min_fraction_of_units`` of the pool. Teams: at least
    ``team_size`` inspectors per unit, never the inspector of the last visit, never one with a declared conflict.
    Raises :class:`FailedPrecondition` naming the unit when no valid team exists.
    """
    rules = rules or SamplingRules()
    if rules.team_size < 2:
        raise FailedPrecondition(f"team_size is {rules.team_size}; 双随机 inspections need at least two inspectors")
    units = sorted(pool, key=lambda u: u.uscc)
    people = sorted(inspectors, key=lambda i: i.id)
    rng = random.Random(seed)
    chosen: dict[str, str] = {}

    key_units = [u for u in units if u.key_unit]
    for unit in rng.sample(key_units, math.ceil(rules.min_fraction_of_key_units * len(key_units))):
        chosen[unit.uscc] = "key_unit"
    if rules.one_per_equipment_class:
        for kind in sorted({k for u in units for k in u.equipment_classes}):
            if any(kind in u.equipment_classes for u in units if u.uscc in chosen):
                continue
            candidates = [u for u in units if kind in u.equipment_classes]
            chosen[rng.choice(candidates).uscc] = f"equipment_class:{kind}"
    needed = math.ceil(rules.min_fraction_of_units * len(units))
    rest = [u for u in units if u.uscc not in chosen]
    for unit in rng.sample(rest, max(0, min(len(rest), needed - len(chosen)))):
        chosen[unit.uscc] = "random"

    by_uscc = {u.uscc: u for u in units}
    load: Counter[str] = Counter()
    teams: list[TeamAssignment] = []
    for uscc in sorted(chosen):
        unit = by_uscc[uscc]
        eligible = [
            p
            for p in people
            if p.id not in unit.last_inspectors
            and uscc not in p.conflicts
            and (rules.max_units_per_inspector is None or load[p.id] < rules.max_units_per_inspector)
        ]
        if len(eligible) < rules.team_size:
            raise FailedPrecondition(
                f"unit {uscc}: only {len(eligible)} eligible inspectors after avoidance (last visit "
                f"{sorted(unit.last_inspectors)}, declared conflicts, workload cap) but a team needs {rules.team_size}"
            )
        team = tuple(sorted(p.id for p in rng.sample(eligible, rules.team_size)))
        load.update(team)
        teams.append(TeamAssignment(uscc=uscc, inspectors=team))
    return Draw(
        seed=seed,
        inputs_sha256=inputs_digest(units, people, rules),
        rules=rules,
        targets=tuple(sorted(chosen.items())),
        teams=tuple(teams),
    )


# ---------------------------------------------------------------------------------------------------------------
# the draw's inputs as an auditable snapshot
# ---------------------------------------------------------------------------------------------------------------


def draw_inputs_snapshot(
    pool: Sequence[PoolUnit], inspectors: Sequence[Inspector], rules: SamplingRules
) -> dict[str, Any]:
    """Everything a draw depends on as plain JSON-able data, sorted, so it can be stored with the draw and the
    draw re-run from it by anyone (:func:`draw_inputs_from_snapshot`)."""
    return {
        "pool": [
            {
                "uscc": u.uscc,
                "region_code": u.region_code,
                "key_unit": u.key_unit,
                "equipment_classes": sorted(u.equipment_classes),
                "last_inspectors": sorted(u.last_inspectors),
            }
            for u in sorted(pool, key=lambda u: u.uscc)
        ],
        "inspectors": [
            {"id": i.id, "name": i.name, "conflicts": sorted(i.conflicts)}
            for i in sorted(inspectors, key=lambda i: i.id)
        ],
        "rules": {
            "min_fraction_of_units": rules.min_fraction_of_units,
            "min_fraction_of_key_units": rules.min_fraction_of_key_units,
            "one_per_equipment_class": rules.one_per_equipment_class,
            "team_size": rules.team_size,
            "max_units_per_inspector": rules.max_units_per_inspector,
        },
    }


def draw_inputs_from_snapshot(
    snapshot: Mapping[str, Any],
) -> tuple[list[PoolUnit], list[Inspector], SamplingRules]:
    """The pool, roster and rules back from a stored snapshot (InvalidArgument when it is not one)."""
    try:
        pool = [
            PoolUnit(
                uscc=str(u["uscc"]),
                region_code=str(u["region_code"]),
                key_unit=bool(u["key_unit"]),
                equipment_classes=frozenset(u["equipment_classes"]),
                last_inspectors=frozenset(u["last_inspectors"]),
            )
            for u in snapshot["pool"]
        ]
        people = [
            Inspector(id=str(i["id"]), name=str(i["name"]), conflicts=frozenset(i["conflicts"]))
            for i in snapshot["inspectors"]
        ]
        r = snapshot["rules"]
        rules = SamplingRules(
            min_fraction_of_units=float(r["min_fraction_of_units"]),
            min_fraction_of_key_units=float(r["min_fraction_of_key_units"]),
            one_per_equipment_class=bool(r["one_per_equipment_class"]),
            team_size=int(r["team_size"]),
            max_units_per_inspector=None if r["max_units_per_inspector"] is None else int(r["max_units_per_inspector"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidArgument.single("snapshot", "…", "draw.snapshot", f"not a draw inputs snapshot: {exc!r}") from exc
    return pool, people, rules


# ---------------------------------------------------------------------------------------------------------------
# the unit's risk level for supervision
# ---------------------------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class RiskBasisRules:
    """Which risk level supervision uses for a unit: the highest of its graded risk points (the scored level of
    ``grading.grade_unit``) and of its open hazards mapped through ``open_hazard_level``; a unit with neither is
    ``unassessed_level`` (unknown is not low)."""

    open_hazard_level: Mapping[HazardLevel, RiskLevel] = attrs.field(
        factory=lambda: {HazardLevel.MAJOR: RiskLevel.MAJOR, HazardLevel.GENERAL: RiskLevel.GENERAL}
    )
    unassessed_level: RiskLevel = RiskLevel.GENERAL
    source: Source = _POLICY


def unit_risk_level(
    highest_point_level: RiskLevel | None,
    open_hazard_levels: Iterable[HazardLevel],
    rules: RiskBasisRules | None = None,
) -> tuple[RiskLevel, str]:
    """The level and why (lower number = higher risk)."""
    rules = rules or RiskBasisRules()
    candidates: list[tuple[RiskLevel, str]] = []
    if highest_point_level is not None:
        candidates.append((highest_point_level, f"risk points: highest {highest_point_level.name_zh}"))
    for level in sorted(set(open_hazard_levels)):
        mapped = rules.open_hazard_level.get(level)
        if mapped is not None:
            candidates.append((mapped, f"open {level.name_zh} → {mapped.name_zh}"))
    if not candidates:
        return rules.unassessed_level, f"no graded risk point or open hazard → {rules.unassessed_level.name_zh}"
    return min(candidates, key=lambda c: int(c[0]))


# ---------------------------------------------------------------------------------------------------------------
# regional or widespread hazards (区域性、普遍性隐患)
# ---------------------------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class WidespreadRules:
    """The same hazard type in more than ``more_than_units`` units of one region (``region_digits`` of the
    GB/T 2260 code: 4 = prefecture, 6 = county) or one industry (``industry_digits`` of the GB/T 4754 code)
    within ``window_days``. A hazard's type is its equipment kind plus each GB 45067 clause/item it was graded
    by; without criteria, the first matching ``description_categories`` entry (category → keywords), else the
    description itself with blanks and punctuation removed."""

    more_than_units: int = 2
    window_days: int = 90
    region_digits: int = 4
    industry_digits: int = 3
    description_categories: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    major_only: bool = False  # True: count only 重大（严重）事故隐患, the seed's "普遍严重事故隐患"
    source: Source = Source(
        document="豫市监办〔2021〕55号 (seed): 对存在区域性或者普遍严重事故隐患的特种设备使用单位，加大监督检查频次",
        status=SourceStatus.GENERAL_KNOWLEDGE,
        note="the seed asks for the detection; the threshold, window and groupings are product defaults",
    )


@attrs.frozen(kw_only=True)
class HazardObservation:
    hazard_id: str
    unit_uscc: str
    region_code: str
    industry: str
    equipment_kind: str | None
    found_on: dt.date
    description: str
    criteria: tuple[str, ...] = ()  # "4.6d"
    major: bool = False


@attrs.frozen(kw_only=True)
class WidespreadFinding:
    scope_kind: str  # "region" | "industry"
    scope: str
    signature: str
    units: tuple[str, ...]
    hazards: tuple[str, ...]
    window_start: dt.date
    window_end: dt.date

    @property
    def id(self) -> str:
        key = f"{self.scope_kind}|{self.scope}|{self.signature}"
        return "WA-" + hashlib.sha256(key.encode()).hexdigest()[:32]


_BLANKS = re.compile(r"[\s\W_]+", re.UNICODE)


def hazard_signature(observation: HazardObservation, rules: WidespreadRules | None = None) -> list[str]:
    """The hazard's type(s) (see :class:`WidespreadRules`)."""
    rules = rules or WidespreadRules()
    kind = observation.equipment_kind or "-"
    if observation.criteria:
        return [f"{kind}|GB45067 {c}" for c in sorted(set(observation.criteria))]
    for category, keywords in sorted(rules.description_categories.items()):
        if any(k in observation.description for k in keywords):
            return [f"{kind}|{category}"]
    text = _BLANKS.sub("", observation.description)
    return [f"{kind}|{text}"] if text else []


def detect_widespread(
    observations: Iterable[HazardObservation], *, today: dt.date, rules: WidespreadRules | None = None
) -> list[WidespreadFinding]:
    """Hazard types seen in more than the threshold of units of one region or industry within the window."""
    rules = rules or WidespreadRules()
    start = today - dt.timedelta(days=rules.window_days)
    groups: dict[tuple[str, str, str], dict[str, list[str]]] = {}
    for obs in observations:
        if not start <= obs.found_on <= today or (rules.major_only and not obs.major):
            continue
        scopes = [("region", obs.region_code[: rules.region_digits])]
        if obs.industry:
            scopes.append(("industry", obs.industry[: rules.industry_digits]))
        for signature in hazard_signature(obs, rules):
            for scope_kind, scope in scopes:
                groups.setdefault((scope_kind, scope, signature), {}).setdefault(obs.unit_uscc, []).append(
                    obs.hazard_id
                )
    return [
        WidespreadFinding(
            scope_kind=scope_kind,
            scope=scope,
            signature=signature,
            units=tuple(sorted(units)),
            hazards=tuple(sorted(h for hs in units.values() for h in hs)),
            window_start=start,
            window_end=today,
        )
        for (scope_kind, scope, signature), units in sorted(groups.items())
        if len(units) > rules.more_than_units
    ]


# ---------------------------------------------------------------------------------------------------------------
# persisted shapes: plans, recorded draws with results, alerts
# ---------------------------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class PlanUnit:
    """One row of a yearly plan (and of the key-unit list, 重点监督检查单位名录, when ``key_unit``)."""

    uscc: str
    name: str
    region_code: str
    risk_level: RiskLevel
    credit_class: CreditClass
    inspections_per_year: float
    key_unit: bool
    reasons: tuple[str, ...]


@attrs.frozen(kw_only=True)
class SupervisionPlan:
    id: str
    region_code: str
    year: int
    units: tuple[PlanUnit, ...]
    visits: tuple[tuple[str, dt.date], ...]
    created_at: dt.datetime
    version: int = 1

    @property
    def key_units(self) -> tuple[PlanUnit, ...]:
        return tuple(u for u in self.units if u.key_unit)


class InspectionOutcome(enum.StrEnum):
    """Result of a 双随机 inspection, as published."""

    NO_PROBLEM = "no_problem"  # 未发现问题
    PROBLEMS_CORRECTED = "problems_corrected"  # 发现问题已责令改正
    PROBLEMS_FOUND = "problems_found"  # 发现问题待整改
    CASE_OPENED = "case_opened"  # 立案查处
    NOT_FOUND = "not_found"  # 未发现检查对象（无法联系）

    @property
    def name_zh(self) -> str:
        return {
            "no_problem": "未发现问题",
            "problems_corrected": "发现问题已责令改正",
            "problems_found": "发现问题待整改",
            "case_opened": "发现问题已立案查处",
            "not_found": "未找到检查对象",
        }[self.value]


@attrs.frozen(kw_only=True)
class TargetResult:
    uscc: str
    outcome: InspectionOutcome
    inspected_on: dt.date
    note: str = ""


@attrs.frozen(kw_only=True)
class RecordedDraw:
    """A stored draw: the draw itself, the inputs snapshot it was made from, and results as they come in."""

    id: str
    region_code: str
    draw: Draw
    inputs: Mapping[str, Any]
    drawn_at: dt.datetime
    drawn_by: str
    title: str = ""
    published_on: dt.date | None = None
    results: Mapping[str, TargetResult] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class WidespreadAlert:
    id: str
    scope_kind: str
    scope: str
    signature: str
    units: tuple[str, ...]
    hazards: tuple[str, ...]
    window_start: dt.date
    window_end: dt.date
    raised_at: dt.datetime
    open: bool = True
