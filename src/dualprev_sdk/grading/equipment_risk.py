"""Equipment risk (设备风险): one explainable grade per piece of equipment.

A lift is orange because of *something*: it is 17 years old, it stands in a mall and trapped passengers twice
this year. The grade therefore is a sum of points, one line per factor, and the result keeps every line —
including those that contributed nothing — so the explanation is the calculation itself. The factors are
those the domain reference lists (Part C §7.5, [GK]): the class's inherent risk, its condition (age against
design life, last inspection conclusion, overdue inspection, open hazards by level, faults and entrapments in
a recent window, overdue maintenance) and its place (a crowded public place and its type). The points,
windows and thresholds are data (``data/equipment_risk.toml``, a design default marked GK), overridable as a
whole file or key by key.

The input is a plain attrs record of facts (:class:`EquipmentRiskInput`) so services can fill it from the store
and tests need no plugin: the class's inherent risk is an input, not a lookup.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from dualprev_sdk.domain.common import CrowdedPlaceType, RiskLevel, Source
from dualprev_sdk.domain.equipment import Equipment
from dualprev_sdk.domain.inspection import InspectionConclusion
from dualprev_sdk.equipment_classes import EquipmentClassRegistry
from dualprev_sdk.errors import FieldViolation, InvalidArgument
from dualprev_sdk.grading.bands import Band, BandTable
from dualprev_sdk.grading.direct import DirectFacts, DirectRule, determine, forced_level
from dualprev_sdk.grading.results import DirectFinding

__all__ = [
    "Contribution",
    "EquipmentRiskConfig",
    "EquipmentRiskGrade",
    "EquipmentRiskInput",
    "equipment_risk_config",
    "grade_equipment",
]


# -- configuration (data) ----------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Step:
    """A threshold step: from ``at_least`` upwards, ``points`` (the first reached step in the list wins)."""

    at_least: float
    points: float
    label_zh: str = ""


@attrs.frozen(kw_only=True)
class AgeWeights:
    design_life_ratio: tuple[Step, ...] = ()
    service_years: tuple[Step, ...] = ()


@attrs.frozen(kw_only=True)
class InspectionWeights:
    missing: float = 0
    overdue: float = 0
    conclusion: dict[str, float] = attrs.Factory(dict)
    safety_grade: dict[str, float] = attrs.Factory(dict)


@attrs.frozen(kw_only=True)
class HazardWeights:
    major_each: float = 0
    major_cap: float = 0
    general_each: float = 0
    general_cap: float = 0


@attrs.frozen(kw_only=True)
class IncidentWeights:
    window_days: int = 365
    fault_each: float = 0
    fault_cap: float = 0
    entrapment_each: float = 0
    entrapment_cap: float = 0


@attrs.frozen(kw_only=True)
class MaintenanceWeights:
    overdue: float = 0


@attrs.frozen(kw_only=True)
class PlaceWeights:
    not_crowded: float = 0
    crowded: dict[str, float] = attrs.Factory(dict)


@attrs.frozen(kw_only=True)
class EquipmentRiskConfig:
    """Weights, windows, thresholds and bands of the equipment-risk grade, with their source."""

    version: str = ""
    source: Source
    inherent: dict[str, float]
    age: AgeWeights = AgeWeights()
    inspection: InspectionWeights = InspectionWeights()
    hazards: HazardWeights = HazardWeights()
    incidents: IncidentWeights = IncidentWeights()
    maintenance: MaintenanceWeights = MaintenanceWeights()
    place: PlaceWeights = PlaceWeights()
    bands: tuple[Band, ...]

    @property
    def band_table(self) -> BandTable:
        return BandTable(self.bands)

    def validate(self) -> EquipmentRiskConfig:
        violations: list[FieldViolation] = []
        for level in RiskLevel:
            if level.name not in self.inherent:
                violations.append(
                    FieldViolation(
                        field=f"inherent.{level.name}",
                        value=None,
                        rule="equipment_risk.inherent",
                        message=f"points for inherent risk {level.name} ({level.name_zh}) missing",
                    )
                )
        violations += _unknown_keys(self.inherent, {lv.name for lv in RiskLevel}, "inherent")
        violations += _unknown_keys(
            self.inspection.conclusion,
            {c.value for c in InspectionConclusion if c is not InspectionConclusion.SAFETY_GRADE},
            "inspection.conclusion",
        )
        violations += _unknown_keys(self.inspection.safety_grade, {"1", "2", "3", "4", "5"}, "inspection.safety_grade")
        violations += _unknown_keys(self.place.crowded, {p.value for p in CrowdedPlaceType}, "place.crowded")
        if self.incidents.window_days <= 0:
            violations.append(
                FieldViolation(
                    field="incidents.window_days",
                    value=self.incidents.window_days,
                    rule="equipment_risk.window",
                    message="the window must be at least one day",
                )
            )
        try:
            table = BandTable(self.bands)
            table.check_continuous()
        except InvalidArgument as exc:
            violations += exc.violations
        if violations:
            raise InvalidArgument(violations)
        return self


def _unknown_keys(mapping: Mapping[str, float], allowed: set[str], field: str) -> list[FieldViolation]:
    return [
        FieldViolation(
            field=f"{field}.{key}",
            value=key,
            rule="equipment_risk.key",
            message=f"unknown key {key!r}; allowed: {', '.join(sorted(allowed))}",
        )
        for key in mapping
        if key not in allowed
    ]


def _deep_merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Tables merge key by key; any other value (lists such as bands included) replaces the default."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def equipment_risk_config(
    path: str | Path | None = None, *, overrides: Mapping[str, Any] | None = None
) -> EquipmentRiskConfig:
    """The shipped configuration, overridden key by key by a file (TOML/JSON) and/or a mapping.

    ``equipment_risk_config(overrides={"incidents": {"window_days": 180}})`` keeps every other default. A file or
    mapping that changes a value should also change ``source`` so the grade cites the right document.
    """
    from dualprev_sdk.grading.api import data_path
    from dualprev_sdk.grading.methods import read_document
    from dualprev_sdk.serialization import structure

    data = read_document(data_path("equipment_risk.toml"))
    if path is not None:
        data = _deep_merge(data, read_document(path))
    if overrides:
        data = _deep_merge(data, overrides)
    return structure(data, EquipmentRiskConfig).validate()


@functools.cache
def default_equipment_risk_config() -> EquipmentRiskConfig:
    """The shipped configuration, loaded once."""
    return equipment_risk_config()


# -- input (facts) -----------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class EquipmentRiskInput:
    """The facts the equipment-risk grade is computed from, as of one day.

    ``inherent_risk`` is the equipment class's (``EquipmentClass.inherent_risk`` of its plugin); services take it
    from the plugin, tests give it directly. Dates are Asia/Shanghai calendar dates. ``direct`` carries further
    facts for direct determination (accidents, mandatory violations…); ``open_major_hazards`` is added to it.
    """

    equipment_id: str
    inherent_risk: RiskLevel
    as_of: dt.date
    catalog_code: str = ""
    equipment_class: str = ""
    commissioned_on: dt.date | None = None
    design_life_years: float | None = None
    last_inspection_conclusion: InspectionConclusion | None = None
    last_safety_grade: int | None = None
    next_inspection_due: dt.date | None = None
    open_major_hazards: tuple[str, ...] = ()
    open_general_hazards: int = 0
    fault_dates: tuple[dt.date, ...] = ()
    entrapment_dates: tuple[dt.date, ...] = ()
    maintenance_due: dt.date | None = None
    crowded_place: CrowdedPlaceType | None = None
    direct: DirectFacts = attrs.Factory(DirectFacts)

    @classmethod
    def from_equipment(
        cls, equipment: Equipment, *, inherent_risk: RiskLevel, as_of: dt.date, equipment_class: str = "", **facts: Any
    ) -> EquipmentRiskInput:
        """Fill the ledger facts from an :class:`Equipment`; the condition facts come as keyword arguments."""
        return cls(
            equipment_id=equipment.id,
            inherent_risk=inherent_risk,
            as_of=as_of,
            catalog_code=equipment.catalog_code,
            equipment_class=equipment_class,
            commissioned_on=facts.pop("commissioned_on", equipment.commissioned_on or equipment.manufactured_on),
            design_life_years=facts.pop("design_life_years", equipment.design_life_years),
            next_inspection_due=facts.pop("next_inspection_due", equipment.next_inspection_due),
            crowded_place=facts.pop("crowded_place", equipment.crowded_place),
            **facts,
        )

    @staticmethod
    def inherent_risk_of(catalog_code: str, classes: EquipmentClassRegistry) -> tuple[RiskLevel, str]:
        """The inherent risk and class key the owning equipment-class plugin declares for ``catalog_code``.

        Raises ``NotFound`` when no installed plugin claims the code, rather than guessing a level.
        """
        owner = classes.require_for_code(catalog_code)
        return owner.inherent_risk, owner.key

    def direct_facts(self) -> DirectFacts:
        return self.direct.merged(DirectFacts(open_major_hazards=self.open_major_hazards))


# -- result ------------------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Contribution:
    """One line of the explanation: a factor, its value as a person reads it, the points it added, and why."""

    factor: str
    label_zh: str
    value: str
    points: float
    rule: str = ""


@attrs.frozen(kw_only=True)
class EquipmentRiskGrade:
    """The equipment's grade with every factor's contribution and the direct-determination findings."""

    equipment_id: str
    score: float
    level: RiskLevel
    band: Band
    contributions: tuple[Contribution, ...]
    findings: tuple[DirectFinding, ...] = ()
    scored_level: RiskLevel
    source: Source
    config_version: str = ""

    @property
    def color(self) -> str:
        return self.level.color

    def contribution(self, factor: str) -> Contribution:
        return next(c for c in self.contributions if c.factor == factor)

    def explain(self) -> str:
        """The grade as a person reads it, in Chinese: the total, one line per factor, then any forcing rule."""
        head = f"设备 {self.equipment_id}：{self.level.name_zh}（{self.level.color_zh}），得分 {_num(self.score)}"
        if self.scored_level is not self.level:
            head += f"；按得分为{self.scored_level.name_zh}，经直接判定为{self.level.name_zh}"
        lines = [head]
        for c in self.contributions:
            why = f"（{c.rule}）" if c.rule else ""
            lines.append(f"  {c.label_zh}：{c.value} → +{_num(c.points)}{why}")
        for f in self.findings:
            detail = f"：{f.detail}" if f.detail else ""
            lines.append(f"  直接判定 {f.level.name_zh}：{f.text_zh}{detail} [{f.source}，{f.source.status}]")
        lines.append(f"  权重来源：{self.source}（{self.source.status}）")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "equipment_id": self.equipment_id,
            "score": self.score,
            "level": int(self.level),
            "level_name": self.level.name_zh,
            "color": self.color,
            "band": self.band.label_zh,
            "scored_level": int(self.scored_level),
            "contributions": [attrs.asdict(c) for c in self.contributions],
            "direct_determination": [f.to_dict() for f in self.findings],
            "source": str(self.source),
            "config_version": self.config_version,
        }


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _step(steps: Iterable[Step], measured: float) -> Step | None:
    return next((s for s in steps if measured >= s.at_least), None)


# -- the calculation ---------------------------------------------------------------------------------------------


def _age(facts: EquipmentRiskInput, config: EquipmentRiskConfig) -> Contribution:
    if facts.commissioned_on is None:
        return Contribution(factor="age", label_zh="使用年限", value="未知（无投用日期）", points=0)
    years = (facts.as_of - facts.commissioned_on).days / 365.25
    if facts.design_life_years:
        ratio = years / facts.design_life_years
        step = _step(config.age.design_life_ratio, ratio)
        value = f"{years:.1f} 年（设计使用年限 {_num(facts.design_life_years)} 年，{ratio:.0%}）"
    else:
        step = _step(config.age.service_years, years)
        value = f"{years:.1f} 年（设计使用年限未知）"
    return Contribution(
        factor="age",
        label_zh="使用年限",
        value=value,
        points=step.points if step else 0,
        rule=step.label_zh if step else "",
    )


def _inspection(facts: EquipmentRiskInput, config: EquipmentRiskConfig) -> Contribution:
    weights = config.inspection
    conclusion = facts.last_inspection_conclusion
    if conclusion is InspectionConclusion.SAFETY_GRADE or (conclusion is None and facts.last_safety_grade is not None):
        grade = facts.last_safety_grade
        points = weights.safety_grade.get(str(grade), weights.missing) if grade is not None else weights.missing
        value = f"安全状况等级 {grade} 级" if grade is not None else "安全状况等级未知"
        return Contribution(factor="inspection_conclusion", label_zh="最近一次检验结论", value=value, points=points)
    if conclusion is None:
        return Contribution(
            factor="inspection_conclusion",
            label_zh="最近一次检验结论",
            value="无检验记录",
            points=weights.missing,
            rule="无检验结论",
        )
    return Contribution(
        factor="inspection_conclusion",
        label_zh="最近一次检验结论",
        value=str(conclusion.value),
        points=weights.conclusion.get(conclusion.value, 0),
    )


def _overdue_inspection(facts: EquipmentRiskInput, config: EquipmentRiskConfig) -> Contribution:
    due = facts.next_inspection_due
    if due is None:
        return Contribution(factor="inspection_overdue", label_zh="逾期未检", value="下次检验日期未知", points=0)
    if due < facts.as_of:
        days = (facts.as_of - due).days
        return Contribution(
            factor="inspection_overdue",
            label_zh="逾期未检",
            value=f"逾期 {days} 天（应于 {due.isoformat()} 前检验）",
            points=config.inspection.overdue,
            rule="超过下次检验日期",
        )
    return Contribution(
        factor="inspection_overdue", label_zh="逾期未检", value=f"未逾期（下次检验 {due.isoformat()}）", points=0
    )


def _hazards(facts: EquipmentRiskInput, config: EquipmentRiskConfig) -> tuple[Contribution, Contribution]:
    w = config.hazards
    major = len(facts.open_major_hazards)
    general = facts.open_general_hazards
    return (
        Contribution(
            factor="open_major_hazards",
            label_zh="未消除的重大事故隐患",
            value=f"{major} 项" + (f"（{', '.join(facts.open_major_hazards)}）" if major else ""),
            points=min(major * w.major_each, w.major_cap),
            rule=f"每项 +{_num(w.major_each)}，上限 {_num(w.major_cap)}" if major else "",
        ),
        Contribution(
            factor="open_general_hazards",
            label_zh="未消除的一般事故隐患",
            value=f"{general} 项",
            points=min(general * w.general_each, w.general_cap),
            rule=f"每项 +{_num(w.general_each)}，上限 {_num(w.general_cap)}" if general else "",
        ),
    )


def _incidents(facts: EquipmentRiskInput, config: EquipmentRiskConfig) -> tuple[Contribution, Contribution]:
    w = config.incidents
    since = facts.as_of - dt.timedelta(days=w.window_days)
    faults = sum(1 for d in facts.fault_dates if since < d <= facts.as_of)
    entrapments = sum(1 for d in facts.entrapment_dates if since < d <= facts.as_of)
    return (
        Contribution(
            factor="faults",
            label_zh=f"近 {w.window_days} 天故障",
            value=f"{faults} 次",
            points=min(faults * w.fault_each, w.fault_cap),
            rule=f"每次 +{_num(w.fault_each)}，上限 {_num(w.fault_cap)}" if faults else "",
        ),
        Contribution(
            factor="entrapments",
            label_zh=f"近 {w.window_days} 天困人",
            value=f"{entrapments} 次",
            points=min(entrapments * w.entrapment_each, w.entrapment_cap),
            rule=f"每次 +{_num(w.entrapment_each)}，上限 {_num(w.entrapment_cap)}" if entrapments else "",
        ),
    )


def _maintenance(facts: EquipmentRiskInput, config: EquipmentRiskConfig) -> Contribution:
    due = facts.maintenance_due
    if due is not None and due < facts.as_of:
        return Contribution(
            factor="maintenance_overdue",
            label_zh="维护保养逾期",
            value=f"逾期 {(facts.as_of - due).days} 天",
            points=config.maintenance.overdue,
            rule="超过维护保养到期日",
        )
    value = "未逾期" if due is not None else "维护保养到期日未知"
    return Contribution(factor="maintenance_overdue", label_zh="维护保养逾期", value=value, points=0)


def _place(facts: EquipmentRiskInput, config: EquipmentRiskConfig) -> Contribution:
    place = facts.crowded_place
    if place is None:
        return Contribution(
            factor="place", label_zh="使用场所", value="非公众聚集场所", points=config.place.not_crowded
        )
    return Contribution(
        factor="place",
        label_zh="使用场所",
        value=f"公众聚集场所：{place.name_zh}",
        points=config.place.crowded.get(place.value, 0),
        rule="TSG 08 2.3 公众聚集场所",
    )


def grade_equipment(
    facts: EquipmentRiskInput,
    *,
    config: EquipmentRiskConfig | None = None,
    rules: Iterable[DirectRule] | None = None,
) -> EquipmentRiskGrade:
    """Grade one piece of equipment: the points of every factor, the band of the total, then direct rules."""
    config = config or default_equipment_risk_config()
    inherent = Contribution(
        factor="inherent_risk",
        label_zh="设备类别固有风险",
        value=f"{facts.inherent_risk.name_zh}" + (f"（{facts.equipment_class}）" if facts.equipment_class else ""),
        points=config.inherent[facts.inherent_risk.name],
    )
    contributions = (
        inherent,
        _age(facts, config),
        _inspection(facts, config),
        _overdue_inspection(facts, config),
        *_hazards(facts, config),
        *_incidents(facts, config),
        _maintenance(facts, config),
        _place(facts, config),
    )
    score = round(sum(c.points for c in contributions), 6)
    band = config.band_table.classify(score)
    findings = determine(facts.direct_facts(), rules)
    return EquipmentRiskGrade(
        equipment_id=facts.equipment_id,
        score=score,
        level=forced_level(band.level, findings),
        scored_level=band.level,
        band=band,
        contributions=contributions,
        findings=findings,
        source=config.source,
        config_version=config.version,
    )
