"""Equipment-class plugin: pressure vessels (压力容器) — stationary 2100, mobile 2200, oxygen chambers 2400.

Gas cylinders (2300) are a class of their own (:mod:`dualprev_plugins.gas_cylinder`). Registered through the
``dualprev_sdk`` entry point ``pressure_vessel``. Intervals follow TSG 21-2016 by safety grade (first within 3
years; grades 1–2 every 6 years; 3 every 3–6 years, 3 by default; 4 monitored, at most 3 years; 5 no use) and
the TSG R0005-era mobile table; each value is data in :mod:`.rules` with its configuration key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from dualprev_plugins._common.intervals import configured_only, require_base
from dualprev_plugins._common.scope import CATALOGUE_SCOPE, check_thresholds
from dualprev_plugins._common.tabled import TabledEquipmentClass
from dualprev_plugins.pressure_vessel import rules
from dualprev_plugins.pressure_vessel.parameters import (
    MaterialKind,
    MediumPhase,
    PressureVesselParameters,
    TubeTrailerMediaClass,
    VesselClass,
)
from dualprev_plugins.pressure_vessel.templates import CHECKLIST_ITEMS, RISK_TEMPLATES
from dualprev_sdk import RiskLevel, Source, SourceStatus, hookimpl
from dualprev_sdk.equipment_classes import (
    CertificateRequirement,
    DueDate,
    EquipmentClassRegistry,
    InspectionFacts,
    ScopeCheck,
)

__all__ = [
    "MaterialKind",
    "MediumPhase",
    "PressureVesselClass",
    "PressureVesselParameters",
    "TubeTrailerMediaClass",
    "VesselClass",
    "dualprev_register_equipment_classes",
]

UNKNOWN_GRADE_NOTE = "安全状况等级未知，按3级规则（较短周期）计算"


def _params(facts_or_value: Any) -> PressureVesselParameters | None:
    return facts_or_value if isinstance(facts_or_value, PressureVesselParameters) else None


def _grade(facts: InspectionFacts) -> int | None:
    params = _params(facts.parameters)
    if facts.last_safety_grade is not None:
        return facts.last_safety_grade
    return params.safety_grade if params else None


class PressureVesselClass(TabledEquipmentClass):
    """压力容器（不含气瓶）."""

    key: ClassVar[str] = "pressure_vessel"
    kind_code: ClassVar[str] = "2000"
    catalog_codes: ClassVar[tuple[str, ...]] = rules.CODES
    name_zh: ClassVar[str] = "压力容器"
    name_en: ClassVar[str] = "Pressure vessels (stationary, mobile, oxygen chambers)"
    parameters_type: ClassVar[type | None] = PressureVesselParameters
    inherent_risk: ClassVar[RiskLevel] = RiskLevel.SIGNIFICANT
    inherent_risk_source: ClassVar[Source | None] = Source(
        document="dualprev-sdk design choice",
        status=SourceStatus.GENERAL_KNOWLEDGE,
        note="stored pressure energy and often hazardous media (容器爆炸, 中毒和窒息) → 较大 by default",
    )
    risk_template_table = RISK_TEMPLATES
    checklist_table = CHECKLIST_ITEMS
    criteria = rules.CRITERIA
    class_findings = rules.FINDINGS
    thresholds = rules.MANAGEMENT_THRESHOLDS

    def example_parameters(self) -> Mapping[str, Any]:
        return {
            "design_pressure_mpa": 1.6,
            "max_working_pressure_mpa": 1.2,
            "volume_l": 5000,
            "inner_diameter_mm": 1400,
            "medium": "压缩空气",
            "medium_phase": "gas",
            "vessel_class": "II",
            "safety_grade": 2,
        }

    # -- scope -----------------------------------------------------------------------------------------------

    def check_scope(self, catalog_code: str, parameters: Any) -> ScopeCheck:
        if catalog_code.startswith("24"):
            return ScopeCheck(in_scope=True, reasons=("氧舱均属特种设备目录范围",), source=CATALOGUE_SCOPE)
        params = _params(parameters)
        extra = []
        if params is not None and params.medium_phase == MediumPhase.LIQUID_BELOW_BOILING_POINT:
            extra.append("介质为低于标准沸点的液体，不满足目录介质条件")
        return check_thresholds(rules.SCOPE, params, extra=extra)

    # -- due dates -------------------------------------------------------------------------------------------

    def next_due(self, facts: InspectionFacts) -> list[DueDate]:
        code = facts.catalog_code
        if code.startswith("24"):
            base, _ = require_base(facts)
            periodic = configured_only(
                facts,
                key="pv.oxygen_chamber.periodic_years",
                kind="periodic_inspection",
                base=base,
                what_zh="氧舱定期检验",
            )
            return [] if periodic is None else [periodic, self._gauge(facts)]
        dues = self._mobile(facts) if code.startswith("22") else self._stationary(facts)
        if not dues:
            return []  # no shipped periodic rule for this item: the report's date stands (see configured_only)
        valve_base, _ = require_base(facts, "safety_valve")
        return [*dues, rules.SAFETY_VALVE.due(valve_base, facts), self._gauge(facts)]

    def _gauge(self, facts: InspectionFacts) -> DueDate:
        base, _ = require_base(facts, "pressure_gauge")
        return rules.PRESSURE_GAUGE.due(base, facts)

    def _stationary(self, facts: InspectionFacts) -> list[DueDate]:
        params = _params(facts.parameters)
        metal = params is None or params.material == MaterialKind.METAL
        base, first = require_base(facts)
        grade = _grade(facts)
        if first:
            periodic = (rules.STATIONARY_FIRST if metal else rules.NON_METAL_FIRST).due(base, facts)
        elif grade == 5:
            periodic = DueDate(
                kind="periodic_inspection",
                next_due=base,
                rule=rules.NO_USE_GRADE_5,
                source=rules.TSG21 if metal else rules.TSG21_NON_METAL,
                use_allowed=False,
                note="no further interval: the vessel must not be used until the defects are treated",
            )
        else:
            table = rules.STATIONARY_BY_GRADE if metal else rules.NON_METAL_BY_GRADE
            if grade is None:
                periodic = table[3].due(base, facts, note=UNKNOWN_GRADE_NOTE)
            else:
                periodic = table[grade].due(base, facts)
        annual_base, _ = require_base(facts, "annual_check")
        return [periodic, rules.ANNUAL_CHECK.due(annual_base, facts)]

    def _mobile(self, facts: InspectionFacts) -> list[DueDate]:
        variety = facts.catalog_code[:3] + "0"
        base, first = require_base(facts)
        grade = _grade(facts)
        annual_base, _ = require_base(facts, "annual_inspection")
        annual = rules.MOBILE_ANNUAL.due(annual_base, facts)
        if variety in rules.MOBILE_BY_GRADE:
            table = rules.MOBILE_BY_GRADE[variety]
            if first:
                periodic = rules.MOBILE_FIRST.due(base, facts)
            elif grade in (1, 2):
                periodic = table["1_2"].due(base, facts)
            elif grade in (3, None):
                periodic = table["3"].due(base, facts, note="" if grade else UNKNOWN_GRADE_NOTE)
            else:
                configured = configured_only(
                    facts,
                    key=f"pv.mobile.{variety}.grade_{grade}",
                    kind="periodic_inspection",
                    base=base,
                    what_zh=f"安全状况等级{grade}级的移动式压力容器",
                )
                if configured is None:
                    return []
                periodic = configured
            test_base, _ = require_base(facts, "pressure_test")
            note = "" if "pressure_test" in facts.last_inspections else "未提供上次耐压试验日期，按上次检验日期计算"
            return [periodic, annual, rules.MOBILE_PRESSURE_TEST.due(test_base, facts, note=note)]
        if variety == rules.TUBE_TRAILER:
            params = _params(facts.parameters)
            media = params.tube_trailer_media_class if params else None
            key = (media or TubeTrailerMediaClass.A).value
            rule = rules.TUBE_TRAILER_FIRST[key] if first else rules.TUBE_TRAILER_NEXT[key]
            note = "" if media else "未提供长管拖车介质类别，按A类（较短周期）计算"
            return [rule.due(base, facts, note=note), annual]
        configured = configured_only(
            facts,
            key=f"pv.mobile.{variety}.periodic_years",
            kind="periodic_inspection",
            base=base,
            what_zh="移动式压力容器（该品种）定期检验",
        )
        return [] if configured is None else [configured, annual]

    # -- content ---------------------------------------------------------------------------------------------

    def required_certificates(self, catalog_code: str) -> tuple[str, ...]:
        if catalog_code.startswith("22"):
            return ("R2",)
        if catalog_code.startswith("24"):
            return ("R3",)
        return ()

    def certificate_requirements(self, catalog_code: str, parameters: Any = None) -> Sequence[CertificateRequirement]:
        if catalog_code.startswith("22"):
            return (rules.MOBILE_FILLING,)
        if catalog_code.startswith("24"):
            return (rules.OXYGEN_CHAMBER_MAINTENANCE,)
        params = _params(parameters)
        return (rules.QUICK_OPENING,) if params is not None and params.quick_opening_door else ()


@hookimpl
def dualprev_register_equipment_classes(registry: EquipmentClassRegistry) -> None:
    registry.register(PressureVesselClass())
