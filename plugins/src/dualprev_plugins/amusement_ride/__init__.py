"""Equipment-class plugin: large amusement rides (大型游乐设施, catalogue kind 6000).

Scope (≥2 m/s or ≥2 m, commercial only), the yearly inspection [GK], GB 45067 4.1/4.9, TSG 08 thresholds and
Y1/Y2 certificates are in :mod:`.rules`; risk templates and the Order No. 74 checklist in :mod:`.content`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from dualprev_plugins._common.tabled import TabledEquipmentClass
from dualprev_plugins.amusement_ride.content import CHECKLIST_ITEMS, RISK_TEMPLATES
from dualprev_plugins.amusement_ride.findings import FINDINGS
from dualprev_plugins.amusement_ride.parameters import RideGrade, RideParameters
from dualprev_plugins.amusement_ride.rules import (
    CERTIFICATES,
    CRITERIA,
    MANAGEMENT_THRESHOLDS,
    ride_due_dates,
    ride_scope,
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

__all__ = ["AmusementRideClass", "RideGrade", "RideParameters", "dualprev_register_equipment_classes"]


class AmusementRideClass(TabledEquipmentClass):
    """大型游乐设施."""

    key: ClassVar[str] = "amusement_ride"
    kind_code: ClassVar[str] = "6000"
    catalog_codes: ClassVar[tuple[str, ...]] = ("6000",)
    name_zh: ClassVar[str] = "大型游乐设施"
    name_en: ClassVar[str] = "Large amusement rides"
    parameters_type: ClassVar[type | None] = RideParameters
    inherent_risk: ClassVar[RiskLevel] = RiskLevel.SIGNIFICANT
    inherent_risk_source: ClassVar[Source | None] = Source(
        document="dualprev-sdk 设备固有风险",
        clause="大型游乐设施",
        status=SourceStatus.GENERAL_KNOWLEDGE,
        note="design choice: carries the public at speed and height, in crowded parks; override per unit",
    )
    risk_template_table = RISK_TEMPLATES
    checklist_table = CHECKLIST_ITEMS
    criteria = CRITERIA
    class_findings = FINDINGS
    thresholds = MANAGEMENT_THRESHOLDS

    def example_parameters(self) -> Mapping[str, Any] | None:
        """A B-grade roller coaster: 20 m/s, 30 m high, 24 riders."""
        return {"grade": "B", "max_speed_m_s": 20, "height_m": 30, "passengers_count": 24, "track_length_m": 680}

    def check_scope(self, catalog_code: str, parameters: Any) -> ScopeCheck:
        return ride_scope(catalog_code, parameters)

    def next_due(self, facts: InspectionFacts) -> list[DueDate]:
        """Yearly periodic inspection ([GK], configurable)."""
        return ride_due_dates(facts)

    def required_certificates(self, catalog_code: str) -> tuple[str, ...]:
        return ("Y2",)

    def certificate_requirements(self, catalog_code: str, parameters: Any = None) -> Sequence[CertificateRequirement]:
        return CERTIFICATES


@hookimpl
def dualprev_register_equipment_classes(registry: EquipmentClassRegistry) -> None:
    registry.register(AmusementRideClass())
