"""Equipment-class plugin: passenger ropeways (客运索道, catalogue kind 9000).

Aerial ropeways (9100), funiculars (9200) and surface lifts (9300). 9000 is this kind and 5000 the in-plant
vehicles — the project brief once had them swapped (domain reference Part C §0.1). Scope, the yearly inspection
[GK], GB 45067 4.1/4.8, TSG 08 thresholds and S1/S2 are in :mod:`.rules`; templates and checklist in :mod:`.content`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from dualprev_plugins._common.tabled import TabledEquipmentClass
from dualprev_plugins.passenger_ropeway.content import CHECKLIST_ITEMS, RISK_TEMPLATES
from dualprev_plugins.passenger_ropeway.findings import FINDINGS
from dualprev_plugins.passenger_ropeway.parameters import RopewayParameters, RopewayType, ropeway_type_of
from dualprev_plugins.passenger_ropeway.rules import (
    CERTIFICATES,
    CRITERIA,
    MANAGEMENT_THRESHOLDS,
    ropeway_due_dates,
    ropeway_scope,
)
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
    "PassengerRopewayClass",
    "RopewayParameters",
    "RopewayType",
    "dualprev_register_equipment_classes",
    "ropeway_type_of",
]


class PassengerRopewayClass(TabledEquipmentClass):
    """客运索道."""

    key: ClassVar[str] = "passenger_ropeway"
    kind_code: ClassVar[str] = "9000"
    catalog_codes: ClassVar[tuple[str, ...]] = ("9000",)
    name_zh: ClassVar[str] = "客运索道"
    name_en: ClassVar[str] = "Passenger ropeways"
    parameters_type: ClassVar[type | None] = RopewayParameters
    inherent_risk: ClassVar[RiskLevel] = RiskLevel.MAJOR
    inherent_risk_source: ClassVar[Source | None] = Source(
        document="dualprev-sdk 设备固有风险",
        clause="客运索道",
        status=SourceStatus.GENERAL_KNOWLEDGE,
        note="design choice: many passengers suspended at height with rescue depending on the line; an accident "
        "is a group casualty. TSG 08 requires an organisation for any aerial ropeway or funicular. Override per unit",
    )
    risk_template_table = RISK_TEMPLATES
    checklist_table = CHECKLIST_ITEMS
    criteria = CRITERIA
    class_findings = FINDINGS
    thresholds = MANAGEMENT_THRESHOLDS

    def example_parameters(self) -> Mapping[str, Any] | None:
        """A detachable circulating gondola: 2,100 m, 6 m/s, 1,800 persons per hour."""
        return {
            "ropeway_type": "aerial_circulating",
            "length_m": 2100,
            "vertical_rise_m": 620,
            "speed_m_s": 6,
            "capacity_persons_h": 1800,
            "carriers_count": 96,
            "detachable_grips": True,
        }

    def check_scope(self, catalog_code: str, parameters: Any) -> ScopeCheck:
        return ropeway_scope(catalog_code, parameters)

    def next_due(self, facts: InspectionFacts) -> list[DueDate]:
        """Yearly periodic inspection ([GK], configurable)."""
        return ropeway_due_dates(facts)

    def required_certificates(self, catalog_code: str) -> tuple[str, ...]:
        return ("S2",)

    def certificate_requirements(self, catalog_code: str, parameters: Any = None) -> Sequence[CertificateRequirement]:
        return CERTIFICATES


@hookimpl
def dualprev_register_equipment_classes(registry: EquipmentClassRegistry) -> None:
    registry.register(PassengerRopewayClass())
