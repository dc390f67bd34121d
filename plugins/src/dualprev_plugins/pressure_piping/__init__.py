"""Equipment-class plugin: pressure piping (压力管道, kind 8000: 8100 long-distance, 8200 public, 8300 industrial).

Registered through the ``dualprev_sdk`` entry point ``pressure_piping``. Industrial piping follows TSG D7005-2018
by class and safety grade ([GK]); public piping follows TSG D7004-2010 by pressure class and material
([V-2nd]); long-distance pipelines and GB1-I/II gas lines follow TSG D7003, whose intervals the reference does not
give, so they need a configured interval. TSG Z6001-2019 has no piping operator item, so no certificate is
required of piping operators.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from dualprev_plugins._common.intervals import configured_only, require_base
from dualprev_plugins._common.scope import check_thresholds
from dualprev_plugins._common.tabled import TabledEquipmentClass
from dualprev_plugins.pressure_piping import rules
from dualprev_plugins.pressure_piping.parameters import PipeMaterial, PipingMediumPhase, PressurePipingParameters
from dualprev_plugins.pressure_piping.templates import CHECKLIST_ITEMS, RISK_TEMPLATES
from dualprev_sdk import RiskLevel, Source, SourceStatus, hookimpl
from dualprev_sdk.equipment_classes import (
    DueDate,
    EquipmentClassRegistry,
    InspectionFacts,
    ScopeCheck,
)

__all__ = [
    "PipeMaterial",
    "PipingMediumPhase",
    "PressurePipingClass",
    "PressurePipingParameters",
    "dualprev_register_equipment_classes",
]

UNKNOWN_GRADE_NOTE = "安全状况等级未知，按3级规则（较短周期）计算"


def _params(value: Any) -> PressurePipingParameters:
    return value if isinstance(value, PressurePipingParameters) else PressurePipingParameters()


class PressurePipingClass(TabledEquipmentClass):
    """压力管道."""

    key: ClassVar[str] = "pressure_piping"
    kind_code: ClassVar[str] = "8000"
    catalog_codes: ClassVar[tuple[str, ...]] = rules.CODES
    name_zh: ClassVar[str] = "压力管道"
    name_en: ClassVar[str] = "Pressure piping"
    parameters_type: ClassVar[type | None] = PressurePipingParameters
    inherent_risk: ClassVar[RiskLevel] = RiskLevel.GENERAL
    inherent_risk_source: ClassVar[Source | None] = Source(
        document="dualprev-sdk design choice",
        status=SourceStatus.GENERAL_KNOWLEDGE,
        note="most use-unit piping is low-energy per metre; hazardous media raise individual risk points → 一般",
    )
    risk_template_table = RISK_TEMPLATES
    checklist_table = CHECKLIST_ITEMS
    criteria = rules.CRITERIA
    class_findings = rules.FINDINGS
    thresholds = rules.MANAGEMENT_THRESHOLDS

    def example_parameters(self) -> Mapping[str, Any]:
        return {
            "pipe_class": "GC2",
            "nominal_diameter_mm": 150,
            "length_m": 820,
            "design_pressure_mpa": 1.6,
            "max_working_pressure_mpa": 1.0,
            "medium": "蒸汽",
            "medium_phase": "steam",
            "material": "steel",
            "safety_grade": 2,
        }

    # -- scope -----------------------------------------------------------------------------------------------

    def check_scope(self, catalog_code: str, parameters: Any) -> ScopeCheck:
        p = _params(parameters)
        flags = (p.medium_flammable, p.medium_toxic, p.medium_corrosive)
        harmless = all(flag is False for flag in flags)
        extra: list[str] = []
        if p.medium_phase == PipingMediumPhase.LIQUID and harmless:
            extra.append("输送介质为非易燃、无毒、无腐蚀性液体，不满足目录介质条件")
        pressure, diameter = p.pressure_mpa, p.nominal_diameter_mm
        if (
            p.medium_phase == PipingMediumPhase.GAS
            and harmless
            and diameter is not None
            and diameter < rules.EXCLUSION_DN_MM
            and pressure is not None
            and pressure < rules.EXCLUSION_PRESSURE_MPA
        ):
            extra.append(
                f"公称直径小于{rules.EXCLUSION_DN_MM} mm且最高工作压力小于{rules.EXCLUSION_PRESSURE_MPA:g} MPa的"
                "无毒、不可燃、无腐蚀性气体管道，不属于目录范围"
            )
        return check_thresholds(
            rules.SCOPE, parameters if isinstance(parameters, PressurePipingParameters) else None, extra=extra
        )

    # -- due dates -------------------------------------------------------------------------------------------

    def next_due(self, facts: InspectionFacts) -> list[DueDate]:
        code = facts.catalog_code
        p = _params(facts.parameters)
        if code.startswith("83"):
            dues = self._industrial(facts, p)
        elif code.startswith("82"):
            dues = self._public(facts, p)
        elif code.startswith("81"):
            base, _ = require_base(facts)
            configured = configured_only(
                facts,
                key="piping.long_distance.periodic_years",
                kind="periodic_inspection",
                base=base,
                what_zh="长输管道定期检验（TSG D7003）",
            )
            dues = [] if configured is None else [configured]
        else:
            dues = []  # the bare kind code 8000: the category (8100/8200/8300) decides the rule, so none applies
        if not dues:
            return []  # no shipped periodic rule for this item: the report's date stands (see configured_only)
        for rule in (rules.SAFETY_VALVE, rules.PRESSURE_GAUGE):
            base, _ = require_base(facts, rule.kind)
            dues.append(rule.due(base, facts))
        return dues

    def _industrial(self, facts: InspectionFacts, p: PressurePipingParameters) -> list[DueDate]:
        base, first = require_base(facts)
        grade = facts.last_safety_grade if facts.last_safety_grade is not None else p.safety_grade
        pipe_class = p.pipe_class or ""
        periodic: DueDate | None
        if pipe_class.startswith(("GA", "GB", "GD")):
            periodic = configured_only(
                facts,
                key=f"piping.industrial.{pipe_class[:2].lower()}.periodic_years",
                kind="periodic_inspection",
                base=base,
                what_zh=f"{pipe_class}级管道定期检验",
            )
        elif first:
            periodic = rules.INDUSTRIAL_FIRST.due(base, facts)
        elif grade in (1, 2):
            if pipe_class == "GC3":
                periodic = rules.INDUSTRIAL_GC3.due(base, facts)
            else:
                note = "" if pipe_class else "未提供管道级别，按GC1、GC2级（较短周期）计算"
                periodic = rules.INDUSTRIAL_GC1_GC2.due(base, facts, note=note)
        elif grade in (3, None):
            periodic = rules.INDUSTRIAL_GRADE_3.due(base, facts, note="" if grade else UNKNOWN_GRADE_NOTE)
        else:
            periodic = configured_only(
                facts,
                key=f"piping.industrial.grade_{grade}",
                kind="periodic_inspection",
                base=base,
                what_zh=f"安全状况等级{grade}级的工业管道",
            )
        if periodic is None:
            return []
        annual_base, _ = require_base(facts, "annual_check")
        return [periodic, rules.INDUSTRIAL_ANNUAL.due(annual_base, facts)]

    def _public(self, facts: InspectionFacts, p: PressurePipingParameters) -> list[DueDate]:
        base, _ = require_base(facts)
        pipe_class = p.pipe_class or ""
        periodic: DueDate | None
        if p.material in (PipeMaterial.PE, PipeMaterial.CAST_IRON):
            periodic = rules.PUBLIC_PE_CAST_IRON.due(base, facts)
        elif pipe_class in ("GB1-I", "GB1-II"):
            periodic = configured_only(
                facts,
                key="piping.public.gb1_i_ii.periodic_years",
                kind="periodic_inspection",
                base=base,
                what_zh=f"{pipe_class}级公用管道（按TSG D7003长输管道规则）",
            )
        elif pipe_class in ("GB1-IV", "GB1-V", "GB1-VI", "GB2"):
            periodic = rules.PUBLIC_12_YEARS.due(base, facts)
        else:
            note = "" if pipe_class == "GB1-III" else "未提供压力级别，按GB1-III级（较短周期）计算"
            periodic = rules.PUBLIC_GB1_III.due(base, facts, note=note)
        if periodic is None:
            return []
        annual_base, _ = require_base(facts, "annual_check")
        return [periodic, rules.PUBLIC_ANNUAL.due(annual_base, facts)]

    # -- content ---------------------------------------------------------------------------------------------


@hookimpl
def dualprev_register_equipment_classes(registry: EquipmentClassRegistry) -> None:
    registry.register(PressurePipingClass())
