"""Equipment-class plugin: gas cylinders (气瓶, catalogue category 2300: 2310 seamless, 2320 welded, 23T0 special).

Registered through the ``dualprev_sdk`` entry point ``gas_cylinder``. The inspection cycle depends on the medium
and the cylinder type; both the current TSG 23-2021 table ([GK], the default) and the older rule ([V-2nd]) are
data in :mod:`.intervals`, selectable with the configuration key ``gas_cylinder.table``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import attrs

from dualprev_plugins._common.intervals import GENERIC_PERIODIC_KEY
from dualprev_plugins._common.scope import check_thresholds
from dualprev_plugins._common.tabled import TabledEquipmentClass
from dualprev_plugins.gas_cylinder import intervals, rules
from dualprev_plugins.gas_cylinder.parameters import (
    CylinderConstruction,
    CylinderMaterial,
    GasCylinderParameters,
    MediumCategory,
)
from dualprev_plugins.gas_cylinder.templates import CHECKLIST_ITEMS, RISK_TEMPLATES
from dualprev_sdk import InvalidArgument, RiskLevel, Source, SourceStatus, hookimpl
from dualprev_sdk.equipment_classes import (
    CertificateRequirement,
    DueDate,
    EquipmentClassRegistry,
    InspectionFacts,
    ScopeCheck,
)
from dualprev_sdk.timeutil import add_years

__all__ = [
    "CylinderConstruction",
    "CylinderMaterial",
    "GasCylinderClass",
    "GasCylinderParameters",
    "MediumCategory",
    "dualprev_register_equipment_classes",
]

_CONSTRUCTION_BY_CODE = {"2310": CylinderConstruction.SEAMLESS, "2320": CylinderConstruction.WELDED}


def profile(catalog_code: str, parameters: Any) -> GasCylinderParameters:
    """The parameters with the construction filled in from the catalogue variety when not given."""
    params = parameters if isinstance(parameters, GasCylinderParameters) else GasCylinderParameters()
    if params.construction is None and catalog_code in _CONSTRUCTION_BY_CODE:
        params = attrs.evolve(params, construction=_CONSTRUCTION_BY_CODE[catalog_code])
    return params


class GasCylinderClass(TabledEquipmentClass):
    """气瓶."""

    key: ClassVar[str] = "gas_cylinder"
    kind_code: ClassVar[str] = "2000"
    catalog_codes: ClassVar[tuple[str, ...]] = rules.CODES
    name_zh: ClassVar[str] = "气瓶"
    name_en: ClassVar[str] = "Gas cylinders"
    parameters_type: ClassVar[type | None] = GasCylinderParameters
    inherent_risk: ClassVar[RiskLevel] = RiskLevel.SIGNIFICANT
    inherent_risk_source: ClassVar[Source | None] = Source(
        document="dualprev-sdk design choice",
        status=SourceStatus.GENERAL_KNOWLEDGE,
        note="mobile, numerous and handled by the public; flammable/toxic media (LPG, chlorine) → 较大 by default",
    )
    risk_template_table = RISK_TEMPLATES
    checklist_table = CHECKLIST_ITEMS
    criteria = rules.CRITERIA
    class_findings = rules.FINDINGS
    thresholds = rules.MANAGEMENT_THRESHOLDS

    def example_parameters(self) -> Mapping[str, Any]:
        return {
            "medium": "氯",
            "medium_category": "corrosive",
            "nominal_working_pressure_mpa": 2.0,
            "volume_l": 40,
            "material": "steel",
            "construction": "seamless",
        }

    def check_scope(self, catalog_code: str, parameters: Any) -> ScopeCheck:
        return check_thresholds(rules.SCOPE, parameters if isinstance(parameters, GasCylinderParameters) else None)

    # -- due dates -------------------------------------------------------------------------------------------

    def next_due(self, facts: InspectionFacts) -> list[DueDate]:
        params = profile(facts.catalog_code, facts.parameters)
        manufactured = facts.manufactured_on or params.manufactured_on
        table_name = facts.override(intervals.TABLE_KEY, intervals.DEFAULT_TABLE)
        if table_name not in intervals.TABLES:
            raise InvalidArgument.single(
                f"overrides.{intervals.TABLE_KEY}",
                table_name,
                "gas_cylinder.table",
                f"choose one of {', '.join(intervals.TABLES)}",
            )
        last = facts.last_inspection_on
        base = last or manufactured or facts.commissioned_on
        if base is None:
            raise InvalidArgument.single(
                "last_inspection_on",
                None,
                "due.base_date",
                "give the last inspection date, the manufacture date or the commissioning date",
            )
        note = "从未检验的气瓶自制造日期起算" if last is None and manufactured is not None else ""
        if (
            table_name == "legacy"
            and params.medium_category == MediumCategory.LPG
            and params.material == CylinderMaterial.STEEL
        ):
            periodic = self._lpg_steel_schedule(facts, base, manufactured)
        else:
            row = next(r for r in intervals.TABLES[table_name] if r.matches(params))
            periodic = row.rule.due(base, facts, note=note)
        dues = [periodic]
        if manufactured is not None and params.design_life_years:
            dues.append(self._design_life(params.design_life_years, manufactured, last or base))
        return dues

    def _lpg_steel_schedule(self, facts: InspectionFacts, base: dt.date, manufactured: dt.date | None) -> DueDate:
        rule = intervals.LPG_STEEL_RULE
        if manufactured is None or facts.override(rule.key) is not None or facts.override(GENERIC_PERIODIC_KEY):
            note = "" if manufactured is not None else "未提供制造日期，按4年周期自上次检验起算"
            return rule.due(base, facts, note=note)
        points = [add_years(manufactured, years) for years in intervals.LPG_STEEL_SCHEDULE_YEARS]
        upcoming = [p for p in points if p > base]
        if upcoming:
            return DueDate(kind=rule.kind, next_due=upcoming[0], rule=rule.rule_zh, source=rule.source)
        return DueDate(
            kind=rule.kind,
            next_due=add_years(base, 3),
            rule=rule.rule_zh,
            source=rule.source,
            note="制造后第四次检验周期已过，按3年计算；请核对设计使用年限",
        )

    def _design_life(self, years: int, manufactured: dt.date, floor: dt.date) -> DueDate:
        end = add_years(manufactured, years)
        if end >= floor:
            return DueDate(
                kind="design_life_end",
                next_due=end,
                rule=f"气瓶达到设计使用年限（{years}年）应当报废",
                source=intervals.DESIGN_LIFE,
            )
        return DueDate(
            kind="design_life_end",
            next_due=floor,
            rule=f"气瓶已超过设计使用年限（{years}年，{end.isoformat()}届满），应当报废，不得继续使用",
            source=intervals.DESIGN_LIFE,
            use_allowed=False,
        )

    # -- content ---------------------------------------------------------------------------------------------

    def required_certificates(self, catalog_code: str) -> tuple[str, ...]:
        return ("P",)

    def certificate_requirements(self, catalog_code: str, parameters: Any = None) -> Sequence[CertificateRequirement]:
        return (rules.FILLING,)


@hookimpl
def dualprev_register_equipment_classes(registry: EquipmentClassRegistry) -> None:
    registry.register(GasCylinderClass())
