"""Unit and area risk: a unit's level from its equipment and risk points, and roll-ups of many units.

A unit takes the highest level among everything graded in it (最高等级原则), can be raised further by direct
determination on the unit's own facts, and gets a score (points per item by level, ``data/aggregation.toml``)
so that units of the same colour can still be ranked. Roll-ups group graded items by region-code prefix
(province 2, prefecture 4, county 6 digits of GB/T 2260), by industry (GB/T 4754 section letter or division) or
by equipment class, counting items and units per level — the numbers behind a four-colour map.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Protocol

import attrs

from dualprev_sdk.domain.common import RiskLevel, Source
from dualprev_sdk.errors import FieldViolation, InvalidArgument
from dualprev_sdk.grading.direct import DirectFacts, DirectRule, determine, forced_level
from dualprev_sdk.grading.results import DirectFinding

__all__ = [
    "AggregationWeights",
    "LevelCounts",
    "RiskRecord",
    "RollUp",
    "UnitRiskGrade",
    "aggregation_weights",
    "grade_unit",
    "roll_up",
    "roll_up_by_equipment_class",
    "roll_up_by_industry",
    "roll_up_by_region",
]


class HasLevel(Protocol):
    """Anything graded: a Grade, an EquipmentRiskGrade, a RiskPoint."""

    @property
    def level(self) -> RiskLevel: ...


Graded = HasLevel | RiskLevel


def _level_of(item: Graded) -> RiskLevel:
    return item if isinstance(item, RiskLevel) else RiskLevel(item.level)


@attrs.frozen(kw_only=True)
class AggregationWeights:
    version: str = ""
    source: Source
    level_points: dict[str, float]

    def points(self, level: RiskLevel) -> float:
        return self.level_points[level.name]


def aggregation_weights(path: str | Path | None = None) -> AggregationWeights:
    """The shipped weights, or those of a TOML/JSON file of the same shape."""
    from dualprev_sdk.grading.api import data_path
    from dualprev_sdk.grading.methods import read_document
    from dualprev_sdk.serialization import structure

    weights = structure(read_document(path or data_path("aggregation.toml")), AggregationWeights)
    missing = [
        FieldViolation(
            field=f"level_points.{level.name}",
            value=None,
            rule="aggregation.level_points",
            message=f"points for {level.name} ({level.name_zh}) missing",
        )
        for level in RiskLevel
        if level.name not in weights.level_points
    ]
    if missing:
        raise InvalidArgument(missing)
    return weights


@functools.cache
def _default_weights() -> AggregationWeights:
    return aggregation_weights()


@attrs.frozen(kw_only=True)
class LevelCounts:
    """How many items are at each level (红/橙/黄/蓝)."""

    major: int = 0
    significant: int = 0
    general: int = 0
    low: int = 0

    @classmethod
    def of(cls, levels: Iterable[RiskLevel]) -> LevelCounts:
        counts = [0, 0, 0, 0]
        for level in levels:
            counts[int(level) - 1] += 1
        return cls(major=counts[0], significant=counts[1], general=counts[2], low=counts[3])

    def count(self, level: RiskLevel) -> int:
        return (self.major, self.significant, self.general, self.low)[int(level) - 1]

    @property
    def total(self) -> int:
        return self.major + self.significant + self.general + self.low

    @property
    def highest(self) -> RiskLevel | None:
        return next((level for level in RiskLevel if self.count(level)), None)

    def score(self, weights: AggregationWeights) -> float:
        return sum(self.count(level) * weights.points(level) for level in RiskLevel)

    def __add__(self, other: LevelCounts) -> LevelCounts:
        return LevelCounts(
            major=self.major + other.major,
            significant=self.significant + other.significant,
            general=self.general + other.general,
            low=self.low + other.low,
        )

    def to_dict(self) -> dict[str, int]:
        return {level.name_zh: self.count(level) for level in RiskLevel}


@attrs.frozen(kw_only=True)
class UnitRiskGrade:
    """A unit's level, what it is made of and why.

    ``scored_level`` is the highest level among its items (``LOW`` when nothing is graded yet, with
    ``counts.total == 0`` telling the two apart); ``level`` is after the unit's own direct determination.
    """

    unit_uscc: str
    level: RiskLevel
    scored_level: RiskLevel
    counts: LevelCounts
    equipment_counts: LevelCounts
    risk_point_counts: LevelCounts
    score: float
    findings: tuple[DirectFinding, ...] = ()
    source: Source

    @property
    def color(self) -> str:
        return self.level.color

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit_uscc": self.unit_uscc,
            "level": int(self.level),
            "level_name": self.level.name_zh,
            "color": self.color,
            "scored_level": int(self.scored_level),
            "score": self.score,
            "counts": self.counts.to_dict(),
            "equipment_counts": self.equipment_counts.to_dict(),
            "risk_point_counts": self.risk_point_counts.to_dict(),
            "direct_determination": [f.to_dict() for f in self.findings],
        }


def grade_unit(
    unit_uscc: str,
    *,
    equipment: Iterable[Graded] = (),
    risk_points: Iterable[Graded] = (),
    facts: DirectFacts | None = None,
    rules: Iterable[DirectRule] | None = None,
    weights: AggregationWeights | None = None,
) -> UnitRiskGrade:
    """Grade a unit from its equipment grades and risk points (anything with a ``level``, or bare levels)."""
    weights = weights or _default_weights()
    equipment_counts = LevelCounts.of(_level_of(e) for e in equipment)
    point_counts = LevelCounts.of(_level_of(p) for p in risk_points)
    counts = equipment_counts + point_counts
    scored = counts.highest or RiskLevel.LOW
    findings = determine(facts, rules) if facts is not None else ()
    return UnitRiskGrade(
        unit_uscc=unit_uscc,
        level=forced_level(scored, findings),
        scored_level=scored,
        counts=counts,
        equipment_counts=equipment_counts,
        risk_point_counts=point_counts,
        score=counts.score(weights),
        findings=findings,
        source=weights.source,
    )


# -- roll-ups ----------------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class RiskRecord:
    """One graded item (a piece of equipment, a risk point, or a whole unit) with the keys it is rolled up by."""

    unit_uscc: str
    level: RiskLevel
    region_code: str = ""
    industry: str = ""
    equipment_class: str = ""
    item_id: str = ""


@attrs.frozen(kw_only=True)
class RollUp:
    """One group of a roll-up: items per level, units per their highest level in the group, and a score."""

    key: str
    counts: LevelCounts
    unit_counts: LevelCounts
    score: float

    @property
    def highest(self) -> RiskLevel | None:
        return self.counts.highest

    @property
    def units(self) -> int:
        return self.unit_counts.total

    def to_dict(self) -> dict[str, Any]:
        highest = self.highest
        return {
            "key": self.key,
            "highest": int(highest) if highest else None,
            "highest_name": highest.name_zh if highest else None,
            "items": self.counts.to_dict(),
            "units": self.unit_counts.to_dict(),
            "score": self.score,
        }


def roll_up(
    records: Iterable[RiskRecord],
    key: Callable[[RiskRecord], str],
    *,
    weights: AggregationWeights | None = None,
) -> dict[str, RollUp]:
    """Group ``records`` by ``key``; the result is ordered by key. One pass, memory per group and unit."""
    weights = weights or _default_weights()
    items: dict[str, list[int]] = {}
    unit_highest: dict[str, dict[str, int]] = {}
    for record in records:
        group = key(record)
        level = int(record.level)
        items.setdefault(group, [0, 0, 0, 0])[level - 1] += 1
        units = unit_highest.setdefault(group, {})
        units[record.unit_uscc] = min(units.get(record.unit_uscc, 5), level)
    out: dict[str, RollUp] = {}
    for group in sorted(items):
        major, significant, general, low = items[group]
        group_counts = LevelCounts(major=major, significant=significant, general=general, low=low)
        out[group] = RollUp(
            key=group,
            counts=group_counts,
            unit_counts=LevelCounts.of(RiskLevel(v) for v in unit_highest[group].values()),
            score=group_counts.score(weights),
        )
    return out


def roll_up_by_region(
    records: Iterable[RiskRecord], prefix_length: int = 4, *, weights: AggregationWeights | None = None
) -> dict[str, RollUp]:
    """Group by the first ``prefix_length`` digits of the GB/T 2260 region code (2 province, 4 city, 6 county)."""
    if prefix_length < 1:
        raise InvalidArgument.single(
            "prefix_length", prefix_length, "roll_up.prefix_length", "the prefix must have at least one digit"
        )
    return roll_up(records, lambda r: r.region_code[:prefix_length], weights=weights)


def roll_up_by_industry(
    records: Iterable[RiskRecord], *, division: bool = False, weights: AggregationWeights | None = None
) -> dict[str, RollUp]:
    """Group by GB/T 4754 industry: the section letter (``C``), or with ``division`` the letter and two digits."""
    return roll_up(records, lambda r: r.industry[:3] if division else r.industry[:1], weights=weights)


def roll_up_by_equipment_class(
    records: Iterable[RiskRecord], *, weights: AggregationWeights | None = None
) -> dict[str, RollUp]:
    """Group by equipment class (the plugin's key: ``elevator``, ``boiler`` …)."""
    return roll_up(records, lambda r: r.equipment_class, weights=weights)
