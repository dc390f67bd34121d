"""Equipment-class plugin: site/in-plant special motor vehicles (场（厂）内专用机动车辆, catalogue kind 5000).

Forklifts (5100/5110) and off-road sightseeing cars and trains (5200). 5000 is this kind and 9000 the passenger
ropeways — the project brief once had them swapped (domain reference Part C §0.1).

**GB 45067-2024 clause 4.10 is an explicit empty slot.** Its text was not retrieved, so
:meth:`InPlantVehicleClass.major_hazard_criteria` returns only the general clause 4.1 items; the slot is documented
as data in :data:`dualprev_plugins.in_plant_vehicle.rules.GB45067_4_10` (status [GK], "text not retrieved") and must
be filled from the official text, never guessed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from dualprev_plugins._common.tabled import TabledEquipmentClass
from dualprev_plugins.in_plant_vehicle.content import CHECKLIST_ITEMS, RISK_TEMPLATES
from dualprev_plugins.in_plant_vehicle.findings import FINDINGS
from dualprev_plugins.in_plant_vehicle.parameters import PowerType, VehicleParameters, VehicleType, vehicle_type_of
from dualprev_plugins.in_plant_vehicle.rules import (
    CRITERIA,
    GB45067_4_10,
    MANAGEMENT_THRESHOLDS,
    safety_monitoring_required,
    vehicle_certificates,
    vehicle_due_dates,
    vehicle_scope,
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
    "GB45067_4_10",
    "InPlantVehicleClass",
    "PowerType",
    "VehicleParameters",
    "VehicleType",
    "dualprev_register_equipment_classes",
    "safety_monitoring_required",
    "vehicle_type_of",
]


class InPlantVehicleClass(TabledEquipmentClass):
    """场（厂）内专用机动车辆. GB 45067 4.10 is deliberately empty until its official text is filled in."""

    key: ClassVar[str] = "in_plant_vehicle"
    kind_code: ClassVar[str] = "5000"
    catalog_codes: ClassVar[tuple[str, ...]] = ("5000",)
    name_zh: ClassVar[str] = "场（厂）内专用机动车辆"
    name_en: ClassVar[str] = "Site and in-plant special motor vehicles"
    parameters_type: ClassVar[type | None] = VehicleParameters
    inherent_risk: ClassVar[RiskLevel] = RiskLevel.SIGNIFICANT
    inherent_risk_source: ClassVar[Source | None] = Source(
        document="dualprev-sdk 设备固有风险",
        clause="场车",
        status=SourceStatus.GENERAL_KNOWLEDGE,
        note="design choice: forklifts work among pedestrians and tip over; sightseeing vehicles carry the public",
    )
    #: The GB 45067 clause this class would add beyond 4.1, and why it is empty.
    major_hazard_slot: ClassVar[Source] = GB45067_4_10
    risk_template_table = RISK_TEMPLATES
    checklist_table = CHECKLIST_ITEMS
    #: Clause 4.1 only: clause 4.10 is an empty slot (text not retrieved), see :data:`major_hazard_slot`.
    criteria = CRITERIA
    class_findings = FINDINGS
    thresholds = MANAGEMENT_THRESHOLDS

    def example_parameters(self) -> Mapping[str, Any] | None:
        """A 3 t electric counterbalance forklift with a safety-monitoring device."""
        return {
            "vehicle_type": "forklift",
            "rated_capacity_kg": 3000,
            "power": "electric",
            "max_speed_km_h": 15,
            "safety_monitoring_device": True,
        }

    def check_scope(self, catalog_code: str, parameters: Any) -> ScopeCheck:
        return vehicle_scope(catalog_code, parameters)

    def next_due(self, facts: InspectionFacts) -> list[DueDate]:
        """Forklifts every 2 years, sightseeing vehicles every year (TSG 81-2022, [V-2nd] — verify)."""
        return vehicle_due_dates(facts)

    def required_certificates(self, catalog_code: str) -> tuple[str, ...]:
        return tuple(c for r in vehicle_certificates(catalog_code) for c in r.categories)

    def certificate_requirements(self, catalog_code: str, parameters: Any = None) -> Sequence[CertificateRequirement]:
        return vehicle_certificates(catalog_code, parameters)

    def missing_safety_monitoring(self, catalog_code: str, manufactured_on: dt.date | None, parameters: Any) -> bool:
        """A forklift made from 2023-12-01 whose ledger says it has no safety-monitoring device."""
        return safety_monitoring_required(catalog_code, manufactured_on) and (
            getattr(parameters, "safety_monitoring_device", None) is False
        )


@hookimpl
def dualprev_register_equipment_classes(registry: EquipmentClassRegistry) -> None:
    registry.register(InPlantVehicleClass())
