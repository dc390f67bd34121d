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
import hashlib
import json
import math
import random
from collections import Counter
from collections.abc import Mapping, Sequence

import attrs

from dualprev_sdk.domain.common import RiskLevel, Source, SourceStatus
from dualprev_sdk.domain.credit import CreditClass
from dualprev_sdk.errors import FailedPrecondition

__all__ = [
    "Draw",
    "FrequencyRules",
    "Inspector",
    "PoolUnit",
    "SamplingRules",
    "SupervisionProfile",
    "TeamAssignment",
    "UnitFacts",
    "draw",
    "supervision_profile",
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
