"""Equipment-class plugin: lifting appliances (起重机械, catalogue kind 4000).

Bridge, gantry, tower, mobile, portal, cable and mast cranes, hoists (construction and simple hoists) and mechanical
parking. Scope thresholds, TSG Q7015-2016 intervals, GB 45067 4.1/4.7 and Q1/Q2 certificates are in :mod:`.rules`;
risk templates and the Order No. 74 checklist in :mod:`.content`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from dualprev_plugins._common.tabled import TabledEquipmentClass
from dualprev_plugins.crane.content import CHECKLIST_ITEMS, RISK_TEMPLATES
from dualprev_plugins.crane.findings import FINDINGS
from dualprev_plugins.crane.parameters import CraneParameters, CraneType, crane_type_of
from dualprev_plugins.crane.rules import CRITERIA, crane_certificates, crane_due_dates, crane_scope
from dualprev_sdk import hookimpl
from dualprev_sdk.domain.common import RiskLevel, Source, SourceStatus
from dualprev_sdk.equipment_classes import (
    CertificateRequirement,
    DueDate,
    EquipmentClassRegistry,
    InspectionFacts,
    ScopeCheck,
)

__all__ = [
    "CraneClass",
    "CraneParameters",
    "CraneType",
    "crane_type_of",
    "dualprev_register_equipment_classes",
]


class CraneClass(TabledEquipmentClass):
    """起重机械."""

    key: ClassVar[str] = "crane"
    kind_code: ClassVar[str] = "4000"
    catalog_codes: ClassVar[tuple[str, ...]] = ("4000",)
    name_zh: ClassVar[str] = "起重机械"
    name_en: ClassVar[str] = "Lifting appliances (cranes, hoists, mechanical parking)"
    parameters_type: ClassVar[type | None] = CraneParameters
    inherent_risk: ClassVar[RiskLevel] = RiskLevel.SIGNIFICANT
    inherent_risk_source: ClassVar[Source | None] = Source(
        document="dualprev-sdk 设备固有风险",
        clause="起重机械",
        status=SourceStatus.GENERAL_KNOWLEDGE,
        note="design choice: suspended loads, tipping and falls make 起重伤害 typically fatal; override per unit",
    )
    risk_template_table = RISK_TEMPLATES
    checklist_table = CHECKLIST_ITEMS
    criteria = CRITERIA
    class_findings = FINDINGS

    def example_parameters(self) -> Mapping[str, Any] | None:
        """A 10 t, 22.5 m span general overhead crane lifting 12 m."""
        return {"crane_type": "bridge", "rated_capacity_t": 10, "span_m": 22.5, "lifting_height_m": 12}

    def check_scope(self, catalog_code: str, parameters: Any) -> ScopeCheck:
        return crane_scope(catalog_code, parameters)

    def next_due(self, facts: InspectionFacts) -> list[DueDate]:
        """Periodic inspection by crane type (TSG Q7015-2016); configurable, never below 6 months."""
        return crane_due_dates(facts)

    def required_certificates(self, catalog_code: str) -> tuple[str, ...]:
        return ("Q2",)

    def certificate_requirements(self, catalog_code: str, parameters: Any = None) -> Sequence[CertificateRequirement]:
        return crane_certificates(catalog_code, parameters)


@hookimpl
def dualprev_register_equipment_classes(registry: EquipmentClassRegistry) -> None:
    registry.register(CraneClass())
