"""Equipment-class plugin: elevators (电梯, catalogue kind 3000).

Registered through the ``dualprev_sdk`` entry point ``elevator`` exactly like a third-party plugin. The class works
on 2014 catalogue codes; legacy 2004 codes (where 3310 meant a hydraulic passenger lift, not an escalator) are
mapped by :mod:`dualprev_sdk.catalog` before they reach it.

What it knows, each value citing its source: the TSG T7001-2023 year-of-life inspection schedule with TSG T7008-2023
self-tests and 15-day maintenance (:mod:`.schedule`), risk templates for lifts and escalators and the Order No. 74
checklist (:mod:`.content`), GB 45067-2024 4.1/4.6 criteria, TSG 08-2017 staffing rules and the T certificate
(:mod:`.hazards`) and the catalogue's single-household exclusion. 96333 rescue codes are checked per region by
:func:`dualprev_sdk.ids.validate_rescue_code`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from dualprev_plugins._common.scope import CATALOGUE_SCOPE
from dualprev_plugins._common.tabled import TabledEquipmentClass
from dualprev_plugins.elevator.content import CHECKLIST_ITEMS, RISK_TEMPLATES
from dualprev_plugins.elevator.findings import FINDINGS
from dualprev_plugins.elevator.hazards import CERTIFICATES, CRITERIA, MANAGEMENT_THRESHOLDS
from dualprev_plugins.elevator.parameters import DriveType, ElevatorParameters, MachineRoomType
from dualprev_plugins.elevator.schedule import elevator_due_dates
from dualprev_sdk import hookimpl
from dualprev_sdk.catalog import CodeStatus, classify
from dualprev_sdk.domain.common import RiskLevel, Source, SourceStatus
from dualprev_sdk.equipment_classes import (
    CertificateRequirement,
    DueDate,
    EquipmentClassRegistry,
    InspectionFacts,
    ScopeCheck,
)

__all__ = [
    "DriveType",
    "ElevatorClass",
    "ElevatorParameters",
    "MachineRoomType",
    "dualprev_register_equipment_classes",
]


class ElevatorClass(TabledEquipmentClass):
    """电梯: traction and positive-drive lifts, hydraulic lifts, escalators and moving walks, other lifts."""

    key: ClassVar[str] = "elevator"
    kind_code: ClassVar[str] = "3000"
    catalog_codes: ClassVar[tuple[str, ...]] = ("3000",)
    name_zh: ClassVar[str] = "电梯"
    name_en: ClassVar[str] = "Elevators, escalators and moving walks"
    parameters_type: ClassVar[type | None] = ElevatorParameters
    inherent_risk: ClassVar[RiskLevel] = RiskLevel.SIGNIFICANT
    inherent_risk_source: ClassVar[Source | None] = Source(
        document="dualprev-sdk 设备固有风险",
        clause="电梯",
        status=SourceStatus.GENERAL_KNOWLEDGE,
        note="design choice: carries the public, mostly in crowded places; entrapment and falls are frequent "
        "(Zhengzhou 96333 data, Part C §7.5). Override per unit where a provincial guide says otherwise",
    )
    risk_template_table = RISK_TEMPLATES
    checklist_table = CHECKLIST_ITEMS
    criteria = CRITERIA
    class_findings = FINDINGS
    thresholds = MANAGEMENT_THRESHOLDS

    def example_parameters(self) -> Mapping[str, Any] | None:
        """A 1000 kg, 1.75 m/s machine-room-less traction passenger lift serving 18 stops."""
        return {
            "rated_load_kg": 1000,
            "rated_speed_m_s": 1.75,
            "stops": 18,
            "machine_room": "machine_roomless",
            "drive": "traction",
            "rescue_code": "235274",
        }

    def check_scope(self, catalog_code: str, parameters: Any) -> ScopeCheck:
        """Lifts in non-public places used by a single household are not special equipment (catalogue note)."""
        if getattr(parameters, "single_household_non_public", False):
            return ScopeCheck(
                in_scope=False,
                reasons=("非公共场所安装且仅供单一家庭使用的电梯", "不属于特种设备目录范围"),
                source=CATALOGUE_SCOPE,
            )
        if classify(catalog_code).status not in (CodeStatus.NATIONAL, CodeStatus.LOCAL):
            # a 2004-era code (3500 自动扶梯, where 2014 says 3310) or an unknown one: keep it, ask a person
            return ScopeCheck(
                in_scope=True,
                reasons=(
                    f"代码 {catalog_code} 不是2014版目录的电梯代码（可能是2004版旧代码），请先按目录映射并人工复核",
                ),
                source=CATALOGUE_SCOPE,
            )
        return ScopeCheck(in_scope=True, source=CATALOGUE_SCOPE)

    def next_due(self, facts: InspectionFacts) -> list[DueDate]:
        """Periodic inspection (TSG T7001-2023), self-test (TSG T7008-2023) and maintenance (every 15 days)."""
        return elevator_due_dates(facts)

    def required_certificates(self, catalog_code: str) -> tuple[str, ...]:
        return ("T",)

    def certificate_requirements(self, catalog_code: str, parameters: Any = None) -> Sequence[CertificateRequirement]:
        return CERTIFICATES


@hookimpl
def dualprev_register_equipment_classes(registry: EquipmentClassRegistry) -> None:
    registry.register(ElevatorClass())
