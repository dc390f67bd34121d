"""Equipment-class plugin: boilers (锅炉, catalogue kind 1000: 1100 steam, 1200 hot water, 1300 thermal oil).

Registered through the ``dualprev_sdk`` entry point ``boiler`` exactly like a third-party plugin. Rules are data
in :mod:`.rules` (scope thresholds, TSG 11-2020 intervals, GB 45067-2024 4.1/4.2, TSG 08-2017 thresholds,
TSG Z6001-2019 certificates) and content in :mod:`.templates` (risk templates, Order No. 74 checklist).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from dualprev_plugins._common.intervals import GENERIC_PERIODIC_KEY, IntervalRule, require_base
from dualprev_plugins._common.scope import check_thresholds
from dualprev_plugins._common.tabled import TabledEquipmentClass
from dualprev_plugins.boiler import rules
from dualprev_plugins.boiler.parameters import BoilerMedium, BoilerParameters, FuelType
from dualprev_plugins.boiler.templates import CHECKLIST_ITEMS, RISK_TEMPLATES
from dualprev_sdk import RiskLevel, Source, SourceStatus, hookimpl
from dualprev_sdk.equipment_classes import (
    CertificateRequirement,
    DueDate,
    EquipmentClassRegistry,
    InspectionFacts,
    ScopeCheck,
)

__all__ = ["BoilerClass", "BoilerMedium", "BoilerParameters", "FuelType", "dualprev_register_equipment_classes"]


def _medium(catalog_code: str, parameters: BoilerParameters | None) -> BoilerMedium | None:
    """The catalogue category decides the medium; the parameter fills in for the bare kind code 1000."""
    if catalog_code.startswith("11"):
        return BoilerMedium.STEAM
    if catalog_code.startswith("12"):
        return BoilerMedium.HOT_WATER
    if catalog_code.startswith("13"):
        return BoilerMedium.ORGANIC_HEAT_CARRIER
    return parameters.medium if parameters is not None else None


class BoilerClass(TabledEquipmentClass):
    """锅炉. External inspection yearly, internal every two years (first one year after commissioning), safety
    valves yearly, pressure gauges half-yearly — each overridable by its configuration key in :mod:`.rules`."""

    key: ClassVar[str] = "boiler"
    kind_code: ClassVar[str] = "1000"
    catalog_codes: ClassVar[tuple[str, ...]] = rules.CODES
    name_zh: ClassVar[str] = "锅炉"
    name_en: ClassVar[str] = "Boilers"
    parameters_type: ClassVar[type | None] = BoilerParameters
    inherent_risk: ClassVar[RiskLevel] = RiskLevel.SIGNIFICANT
    inherent_risk_source: ClassVar[Source | None] = Source(
        document="dualprev-sdk design choice",
        status=SourceStatus.GENERAL_KNOWLEDGE,
        note="pressure-bearing, high-temperature equipment with explosion potential (锅炉爆炸) → 较大 by default",
    )
    risk_template_table = RISK_TEMPLATES
    checklist_table = CHECKLIST_ITEMS
    criteria = rules.CRITERIA
    class_findings = rules.FINDINGS
    thresholds = rules.MANAGEMENT_THRESHOLDS

    def example_parameters(self) -> Mapping[str, Any]:
        return {
            "rated_pressure_mpa": 1.25,
            "rated_evaporation_t_h": 4,
            "water_volume_l": 6500,
            "medium": "steam",
            "fuel": "gas",
            "utility": False,
        }

    # -- scope -----------------------------------------------------------------------------------------------

    def check_scope(self, catalog_code: str, parameters: Any) -> ScopeCheck:
        medium = _medium(catalog_code, parameters)
        if medium == BoilerMedium.STEAM:
            return check_thresholds(rules.STEAM_SCOPE, parameters)
        if medium == BoilerMedium.HOT_WATER:
            return check_thresholds(rules.HOT_WATER_SCOPE, parameters)
        if medium == BoilerMedium.ORGANIC_HEAT_CARRIER:
            return check_thresholds(rules.THERMAL_OIL_SCOPE, parameters)
        return ScopeCheck(in_scope=True, reasons=("未提供介质（蒸汽/热水/有机热载体），无法核对目录范围条件",))

    # -- due dates -------------------------------------------------------------------------------------------

    def next_due(self, facts: InspectionFacts) -> list[DueDate]:
        params = facts.parameters if isinstance(facts.parameters, BoilerParameters) else None
        utility = bool(params and params.utility)

        external_base, _ = require_base(facts, "external_inspection")
        external = rules.EXTERNAL.due(external_base, facts)

        internal_base, first = require_base(facts, "internal_inspection")
        internal_rule = rules.UTILITY_INTERNAL if utility else (rules.FIRST_INTERNAL if first else rules.INTERNAL)
        note = "电站锅炉首次内部检验结合第一次检修进行；未提供检修计划时按周期下限估算" if utility and first else ""
        internal = internal_rule.due(internal_base, facts, note=note)

        soonest = min((external, internal), key=lambda d: d.next_due)
        periodic = DueDate(
            kind="periodic_inspection",
            next_due=soonest.next_due,
            rule=f"定期检验（{soonest.rule}）",
            source=soonest.source,
            note=soonest.note,
        )
        if facts.override(GENERIC_PERIODIC_KEY) is not None:
            generic = IntervalRule(
                key=GENERIC_PERIODIC_KEY,
                kind="periodic_inspection",
                months=12,
                rule_zh="锅炉定期检验",
                source=rules.TSG11,
            )
            periodic = generic.due(require_base(facts)[0], facts)

        dues = [periodic, external, internal]
        for rule in (rules.SAFETY_VALVE, rules.PRESSURE_GAUGE):
            base, _ = require_base(facts, rule.kind)
            dues.append(rule.due(base, facts))
        return dues

    # -- content ---------------------------------------------------------------------------------------------

    def required_certificates(self, catalog_code: str) -> tuple[str, ...]:
        return ("G1",)

    def certificate_requirements(self, catalog_code: str, parameters: Any = None) -> Sequence[CertificateRequirement]:
        utility = isinstance(parameters, BoilerParameters) and parameters.utility
        out = [rules.UTILITY_OPERATOR if utility else rules.INDUSTRIAL_OPERATOR]
        if _medium(catalog_code, parameters) != BoilerMedium.ORGANIC_HEAT_CARRIER:
            out.append(rules.WATER_TREATMENT)
        return tuple(out)


@hookimpl
def dualprev_register_equipment_classes(registry: EquipmentClassRegistry) -> None:
    registry.register(BoilerClass())
