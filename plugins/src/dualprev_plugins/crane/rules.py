"""Crane rules as data: catalogue scope, TSG Q7015-2016 intervals, GB 45067 4.1/4.7, certificates.

Intervals [V-2nd] (Part C §3): tower cranes, mobile cranes and hoists every year, except rubber-tyred container
gantries (4240) every 2 years; bridge, gantry, portal, cable, mast, railway cranes and mechanical parking every
2 years; cranes handling molten or hot metal every year. A province may shorten an interval (with approval) but not
below 6 months, so a configured interval under half a year is rejected. TSG 51-2023 (起重机械安全技术规程) was not
retrieved: if it changed the intervals, the configuration keys below carry the change.
"""

from __future__ import annotations

from typing import Any

from dualprev_plugins._common import conclusion_failed, general_criteria, require_base
from dualprev_plugins._common.catalogue import catalogue_gate
from dualprev_plugins._common.gb45067 import criterion
from dualprev_plugins._common.intervals import GENERIC_PERIODIC_KEY, IntervalRule
from dualprev_plugins._common.scope import CATALOGUE_SCOPE, Threshold
from dualprev_plugins.crane import findings as f
from dualprev_plugins.crane.parameters import CraneType, crane_type_of
from dualprev_sdk.domain.common import Source, SourceStatus
from dualprev_sdk.equipment_classes import (
    CertificateRequirement,
    DueDate,
    InspectionFacts,
    MajorHazardCriterion,
    ScopeCheck,
)
from dualprev_sdk.errors import InvalidArgument

__all__ = [
    "CERTIFICATE_LIMITATIONS",
    "CRITERIA",
    "catalogue_gate",
    "crane_certificates",
    "crane_due_dates",
    "crane_scope",
    "interval_rule",
]

# -- scope (Part C §1.4 [GK]; §1.2 out-of-catalogue codes [V]) --------------------------------------------------


HOIST_CAPACITY = Threshold(
    name="rated_capacity_t", label_zh="额定起重量", unit="t", minimum=0.5, value=lambda p: p.rated_capacity_t
)
CRANE_CAPACITY = Threshold(
    name="rated_capacity_t", label_zh="额定起重量", unit="t", minimum=3, value=lambda p: p.rated_capacity_t
)
TOWER_MOMENT = Threshold(
    name="rated_moment_t_m", label_zh="额定起重力矩", unit="t·m", minimum=40, value=lambda p: p.rated_moment_t_m
)
UNLOADER_PRODUCTIVITY = Threshold(
    name="productivity_t_h", label_zh="生产率", unit="t/h", minimum=300, value=lambda p: p.productivity_t_h
)
LIFTING_HEIGHT = Threshold(
    name="lifting_height_m", label_zh="起升高度", unit="m", minimum=2, value=lambda p: p.lifting_height_m
)
PARKING_LEVELS = Threshold(
    name="parking_levels", label_zh="停车设备层数", unit="层", minimum=2, value=lambda p: p.parking_levels
)


def crane_scope(catalog_code: str, parameters: Any) -> ScopeCheck:
    """Hoists ≥0.5 t; parking ≥2 levels; other cranes ≥3 t (or tower ≥40 t·m, or unloader ≥300 t/h) and ≥2 m."""
    catalog_code, verdict = catalogue_gate(catalog_code)
    if verdict is not None:
        return verdict
    crane_type = crane_type_of(catalog_code, parameters)
    if crane_type is CraneType.HOIST:
        return _combine([[HOIST_CAPACITY]], parameters)
    if crane_type is CraneType.MECHANICAL_PARKING:
        return _combine([[PARKING_LEVELS]], parameters)
    capacity = [CRANE_CAPACITY]
    if crane_type is CraneType.TOWER:
        capacity.append(TOWER_MOMENT)
    if catalog_code == "4280":
        capacity.append(UNLOADER_PRODUCTIVITY)
    return _combine([capacity, [LIFTING_HEIGHT]], parameters)


def _combine(conditions: list[list[Threshold]], parameters: Any) -> ScopeCheck:
    """Every condition must hold; a condition holds when any of its alternative thresholds does.

    A condition none of whose quantities is known stays in scope (the conservative reading) with the gap named.
    """
    out: list[str] = []
    unknown: list[str] = []
    for alternatives in conditions:
        results = [t.check(parameters) for t in alternatives]
        if any(ok is True for ok, _ in results):
            continue
        if any(ok is None for ok, _ in results):
            unknown.extend(reason for ok, reason in results if ok is None)
            continue
        out.append("；或".join(reason for _, reason in results))
    if out:
        return ScopeCheck(in_scope=False, reasons=(*out, "不属于特种设备目录范围"), source=CATALOGUE_SCOPE)
    return ScopeCheck(in_scope=True, reasons=tuple(unknown), source=CATALOGUE_SCOPE)


# -- intervals (TSG Q7015-2016, [V-2nd]) ---------------------------------------------------------------------------

Q7015 = Source(
    document="TSG Q7015-2016《起重机械定期检验规则》",
    clause="定期检验周期",
    status=SourceStatus.SECONDARY,
    note="lvyouzhishi.com (translation of the rule) and a stored page on 起重机械定期检验周期; "
    "TSG 51-2023 not retrieved — check whether it changed the intervals",
)

YEARLY_TYPES = IntervalRule(
    key="crane.interval_years.tower_mobile_hoist",
    kind="periodic_inspection",
    months=12,
    rule_zh="塔式起重机、流动式起重机、升降机每年检验1次",
    source=Q7015,
)
RTG = IntervalRule(
    key="crane.interval_years.rtg",
    kind="periodic_inspection",
    months=24,
    rule_zh="轮胎式集装箱门式起重机每2年检验1次",
    source=Q7015,
)
MOLTEN_METAL = IntervalRule(
    key="crane.interval_years.molten_metal",
    kind="periodic_inspection",
    months=12,
    rule_zh="吊运熔融金属或炽热金属的起重机每年检验1次",
    source=Q7015,
)
BIENNIAL_TYPES = IntervalRule(
    key="crane.interval_years.biennial",
    kind="periodic_inspection",
    months=24,
    rule_zh="桥式、门式、门座式、缆索式、桅杆式、铁路起重机及机械式停车设备等每2年检验1次",
    source=Q7015,
)

#: Shortest interval a province may set (TSG Q7015-2016, [V-2nd]).
MINIMUM_INTERVAL_MONTHS = 6

#: 4150 is the metallurgical overhead crane; unless the ledger says otherwise it is taken to carry molten metal.
METALLURGICAL = "4150"
RAILWAY_CRANE = "4450"


def interval_rule(catalog_code: str, parameters: Any) -> tuple[IntervalRule, str]:
    """The interval rule for the item and, when it rests on an assumption, a note saying which."""
    molten = getattr(parameters, "handles_molten_metal", None)
    if molten:
        return MOLTEN_METAL, ""
    if molten is None and catalog_code == METALLURGICAL:
        return MOLTEN_METAL, "冶金桥式起重机未注明是否吊运熔融金属，按吊运熔融金属保守计"
    if catalog_code == "4240":
        return RTG, ""
    if catalog_code == RAILWAY_CRANE:
        return BIENNIAL_TYPES, ""
    if crane_type_of(catalog_code, parameters) in (CraneType.TOWER, CraneType.MOBILE, CraneType.HOIST):
        return YEARLY_TYPES, ""
    if crane_type_of(catalog_code, parameters) is None:
        return YEARLY_TYPES, "未能从代码或参数确定起重机类型，按每年检验保守计"
    return BIENNIAL_TYPES, ""


def crane_due_dates(facts: InspectionFacts) -> list[DueDate]:
    rule, note = interval_rule(facts.catalog_code, facts.parameters)
    for key in (rule.key, GENERIC_PERIODIC_KEY):
        value = facts.override(key)
        if value is None:
            continue
        if isinstance(value, int | float) and not isinstance(value, bool) and 0 < value * 12 < MINIMUM_INTERVAL_MONTHS:
            raise InvalidArgument.single(
                f"overrides.{key}",
                value,
                "override.crane.minimum_interval",
                "a crane's inspection interval may be shortened but not below 6 months (TSG Q7015-2016)",
            )
        break
    base, first = require_base(facts)
    if first:
        note = "; ".join(n for n in (note, "未记录定期检验，自投入使用（首次/监督检验）日期起算") if n)
    return [rule.due(base, facts, note=note)]


# -- GB 45067-2024 4.7 ([V-2nd]) -------------------------------------------------------------------------------------

_NOTE = "条文措辞引自解读网页（原编号5.7.x），须以官方文本核对"
_DEVICES = "起重量限制器、起重力矩限制器、防坠安全器、超载检测装置"

CRITERIA: tuple[MajorHazardCriterion, ...] = (
    *general_criteria(("4000",)),
    criterion("4.7", "a", "未经监督检验或首次检验", ("4000",), (f.NO_SUPERVISORY_OR_FIRST_INSPECTION,), note=_NOTE),
    criterion(
        "4.7",
        "b",
        '监督检验、首次检验或定期检验（含复检）结论为"不合格"',
        ("4000",),
        predicate=lambda state: conclusion_failed(state, grade_5_fails=False),
        note=_NOTE,
    ),
    criterion(
        "4.7", "c", "急停开关缺失或失效", ("4000",), (f.EMERGENCY_STOP_MISSING, f.EMERGENCY_STOP_FAILED), note=_NOTE
    ),
    criterion("4.7", "d", f"{_DEVICES}缺失", ("4000",), f.MISSING_DEVICES, note=_NOTE),
    criterion("4.7", "e", f"{_DEVICES}失效", ("4000",), f.FAILED_DEVICES, note=_NOTE),
)

# -- certificates (TSG Z6001-2019) -----------------------------------------------------------------------------------

#: Q2 certificates carry a limitation naming the crane type (Part C §5 [V]); hoists and mechanical parking have no
#: limitation text in the reference, so none is invented for them.
CERTIFICATE_LIMITATIONS: dict[CraneType, str] = {
    CraneType.BRIDGE: "限桥式起重机",
    CraneType.GANTRY: "限门式起重机",
    CraneType.TOWER: "限塔式起重机",
    CraneType.PORTAL: "限门座式起重机",
    CraneType.CABLE: "限缆索式起重机",
    CraneType.MOBILE: "限流动式起重机",
}
_Z6001 = Source(
    document="TSG Z6001-2019", clause="附件A 起重机械作业 Q1 起重机指挥、Q2 起重机司机", status=SourceStatus.VERIFIED
)


def crane_certificates(catalog_code: str, parameters: Any = None) -> tuple[CertificateRequirement, ...]:
    crane_type = crane_type_of(catalog_code, parameters)
    limitation = CERTIFICATE_LIMITATIONS.get(crane_type) if crane_type else None
    if limitation:
        driver = CertificateRequirement(post_zh=f"起重机司机（{limitation}）", categories=("Q2",), source=_Z6001)
    else:
        driver = CertificateRequirement(
            post_zh="起重机司机",
            categories=("Q2",),
            source=Source(
                document="TSG Z6001-2019",
                clause="附件A Q2 起重机司机",
                status=SourceStatus.GENERAL_KNOWLEDGE,
                note="升降机、机械式停车设备等的 Q2 限制范围说明未检索到，须核实是否需要持证及限制范围",
            ),
        )
    if crane_type in (CraneType.HOIST, CraneType.MECHANICAL_PARKING):
        return (driver,)
    return (driver, CertificateRequirement(post_zh="起重机指挥（司索）", categories=("Q1",), source=_Z6001))
