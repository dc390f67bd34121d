"""Safety accessories (安全附件): an example of a third-party equipment-class plugin.

Everything a plugin needs is here: a parameter type built with :func:`dualprev_sdk.equipment_classes.parameter`,
an :class:`~dualprev_sdk.equipment_classes.EquipmentClass` subclass, and one hook implementation registered under
the ``dualprev_sdk`` entry-point group in ``pyproject.toml``.

GB 45067-2024 judges safety accessories together with the equipment they protect (a failed safety valve is
4.2 d) on a boiler, 4.3 c) on a vessel, 4.4 b) on piping), so this class contributes no criteria of its own.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import attrs

from dualprev_sdk import (
    ControlLevel,
    FailedPrecondition,
    Frequency,
    InvalidArgument,
    SafetyRole,
    Source,
    SourceStatus,
    hookimpl,
)
from dualprev_sdk.domain.risk import ControlMeasures
from dualprev_sdk.equipment_classes import (
    CertificateRequirement,
    ChecklistItem,
    DueDate,
    EquipmentClass,
    EquipmentClassRegistry,
    InspectionFacts,
    RiskTemplate,
    parameter,
)
from dualprev_sdk.timeutil import add_months

__all__ = ["AccessoryType", "SafetyAccessoryClass", "SafetyAccessoryParameters", "dualprev_register_equipment_classes"]


class AccessoryType(enum.StrEnum):
    SAFETY_VALVE = "safety_valve"  # 安全阀 (7310)
    BURSTING_DISC = "bursting_disc"  # 爆破片装置 (F220)
    EMERGENCY_SHUTOFF_VALVE = "emergency_shutoff_valve"  # 紧急切断阀 (F230)
    CYLINDER_VALVE = "cylinder_valve"  # 气瓶阀门 (F260)


TYPE_BY_CODE = {
    "7310": AccessoryType.SAFETY_VALVE,
    "F220": AccessoryType.BURSTING_DISC,
    "F230": AccessoryType.EMERGENCY_SHUTOFF_VALVE,
    "F260": AccessoryType.CYLINDER_VALVE,
}


def _positive(_instance: Any, attribute: attrs.Attribute[Any], value: float | None) -> None:
    if value is not None and value <= 0:
        raise ValueError(f"{attribute.name} must be greater than 0, got {value!r}")


@attrs.frozen(kw_only=True)
class SafetyAccessoryParameters:
    accessory_type: AccessoryType | None = parameter(label_zh="附件类型", default=None)
    set_pressure_mpa: float | None = parameter(label_zh="整定压力", unit="MPa", default=None, validator=_positive)
    nominal_diameter_mm: float | None = parameter(label_zh="公称通径", unit="mm", default=None, validator=_positive)
    protected_equipment_code: str = parameter(label_zh="所保护设备代码", default="")


SAFETY_VALVE_SOURCE = Source(
    document="TSG 21-2016 / TSG ZF001",
    clause="安全阀校验周期",
    status=SourceStatus.SECONDARY,
    note="dualprev domain reference Part C §3 (100ye.net/g86701578.html)",
)
TEMPLATE_SOURCE = Source(document="通用做法", status=SourceStatus.GENERAL_KNOWLEDGE)


class SafetyAccessoryClass(EquipmentClass):
    """安全附件: safety valves yearly; other accessories need a configured interval (none is shipped)."""

    key: ClassVar[str] = "safety_accessory"
    kind_code: ClassVar[str] = "F000"
    catalog_codes: ClassVar[tuple[str, ...]] = ("F000", "7310")
    name_zh: ClassVar[str] = "安全附件"
    name_en: ClassVar[str] = "Safety accessories"
    parameters_type: ClassVar[type | None] = SafetyAccessoryParameters

    def example_parameters(self) -> Mapping[str, Any]:
        return {"accessory_type": "safety_valve", "set_pressure_mpa": 1.1, "nominal_diameter_mm": 50}

    def _type(self, catalog_code: str, parameters: Any) -> AccessoryType | None:
        if catalog_code in TYPE_BY_CODE:
            return TYPE_BY_CODE[catalog_code]
        return parameters.accessory_type if isinstance(parameters, SafetyAccessoryParameters) else None

    def next_due(self, facts: InspectionFacts) -> list[DueDate]:
        base = facts.last_inspection_on or facts.commissioned_on
        if base is None:
            raise InvalidArgument.single("last_inspection_on", None, "due.base_date", "give the last calibration date")
        kind = self._type(facts.catalog_code, facts.parameters)
        if kind == AccessoryType.SAFETY_VALVE:
            configured = facts.override("safety_accessory.safety_valve") or facts.override("interval_years")
            years = configured or 1
            source = (
                SAFETY_VALVE_SOURCE
                if configured is None
                else Source(document="configuration", status=SourceStatus.USER)
            )
            return [
                DueDate(
                    kind="periodic_inspection",
                    next_due=max(base, add_months(base, round(float(years) * 12))),
                    rule="安全阀每年至少校验一次",
                    source=source,
                )
            ]
        key = f"safety_accessory.{kind.value if kind else 'unknown'}"
        years = facts.override(key)
        if years is None:
            raise FailedPrecondition(f"no interval shipped for {facts.catalog_code}; configure {key!r} (years)")
        return [
            DueDate(
                kind="periodic_inspection",
                next_due=max(base, add_months(base, round(float(years) * 12))),
                rule="检查周期由配置给出",
                source=Source(document="configuration", clause=key, status=SourceStatus.USER),
            )
        ]

    def risk_templates(self, catalog_code: str) -> Sequence[RiskTemplate]:
        return (
            RiskTemplate(
                code="SA-R01",
                component="安全阀",
                hazard_factor="未按期校验、整定压力不当或阀芯锈死，超压时不能开启",
                accident_types=("容器爆炸", "锅炉爆炸"),
                suggested_lec=(1, 6, 40),
                suggested_ls=(3, 5),
                measures=ControlMeasures(
                    engineering=("安全阀与被保护设备间不设截止阀或截止阀全开铅封",),
                    management=("每年至少校验一次并铅封",),
                    training=("培训安全阀日常检查",),
                    ppe=("检查时佩戴防护手套",),
                    emergency=("失效时停用被保护设备",),
                ),
                control_level=ControlLevel.DEPARTMENT,
                source=TEMPLATE_SOURCE,
            ),
        )

    def checklist_items(self, catalog_code: str) -> Sequence[ChecklistItem]:
        def item(code: str, subject: str, standard: str, frequency: Frequency, role: SafetyRole) -> ChecklistItem:
            return ChecklistItem(
                code=code, subject=subject, standard=standard, frequency=frequency, responsible_role=role
            )

        return (
            item(
                "SA-D01",
                "安全阀铅封和泄漏",
                "铅封完好、无泄漏，在校验有效期内",
                Frequency.DAILY,
                SafetyRole.SAFETY_OFFICER,
            ),
            item(
                "SA-W01",
                "安全附件校验台账",
                "校验计划按期执行，台账与现场一致",
                Frequency.WEEKLY,
                SafetyRole.SAFETY_DIRECTOR,
            ),
            item(
                "SA-M01", "安全附件管理", "主要负责人听取安全附件管理情况汇报", Frequency.MONTHLY, SafetyRole.PRINCIPAL
            ),
        )

    def certificate_requirements(self, catalog_code: str, parameters: Any = None) -> Sequence[CertificateRequirement]:
        if self._type(catalog_code, parameters) != AccessoryType.SAFETY_VALVE:
            return ()
        return (
            CertificateRequirement(
                post_zh="安全阀校验（校验机构）",
                categories=("F",),
                source=Source(document="TSG Z6001-2019", clause="附件A F", status=SourceStatus.GENERAL_KNOWLEDGE),
            ),
        )


@hookimpl
def dualprev_register_equipment_classes(registry: EquipmentClassRegistry) -> None:
    registry.register(SafetyAccessoryClass())
