"""Gas cylinder rules as data: scope, GB 45067 4.1/4.3 a,f/4.5, TSG 08 filling threshold, the P certificate."""

from __future__ import annotations

from collections.abc import Sequence

from dualprev_plugins._common.gb45067 import (
    INSPECTION_NONCONFORMING,
    conclusion_failed,
    criterion,
    filling_criteria,
    general_criteria,
)
from dualprev_plugins._common.scope import Threshold
from dualprev_sdk import Equipment, Source, SourceStatus
from dualprev_sdk.equipment_classes import CertificateRequirement, MajorHazardCriterion, ManagementThreshold

CODES = ("2300",)

# -- scope (Part C §1.4, [GK]) ---------------------------------------------------------------------------------------


def _pressure_volume(p: object) -> float | None:
    pressure = getattr(p, "nominal_working_pressure_mpa", None)
    volume = getattr(p, "volume_l", None)
    return None if pressure is None or volume is None else pressure * volume


SCOPE = (
    Threshold(
        name="nominal_working_pressure_mpa",
        label_zh="公称工作压力",
        unit="MPa",
        minimum=0.2,
        value=lambda p: p.nominal_working_pressure_mpa,
    ),
    Threshold(name="pressure_volume", label_zh="压力与容积的乘积", unit="MPa·L", minimum=1.0, value=_pressure_volume),
)

# -- GB 45067-2024 (4.3 [V-2nd] m.scxkrz.cn/g86705063.html; 4.5 [V-2nd]) ----------------------------------------------

FINDINGS: dict[str, str] = {
    INSPECTION_NONCONFORMING: "定期检验结论为不符合要求（不合格）",
    "cylinder_valve_missing_or_failed": "气瓶瓶阀缺失或失效",
    "pressure_relief_device_missing_or_failed": "气瓶安全泄压装置缺失或失效",
    "emergency_shutoff_missing_or_failed": "气瓶紧急切断装置缺失或失效",
    "filling_without_licence": "未经许可擅自从事气瓶充装",
    "wrong_medium_filled": "气瓶错装介质",
    "filling_facility_emergency_shutoff_missing_or_failed": "充装设备设施上的紧急切断装置缺失或失效",
}


def _criteria() -> tuple[MajorHazardCriterion, ...]:
    return (
        *general_criteria(CODES),
        criterion(
            "4.3",
            "a",
            "定期检验的检验结论为不符合要求",
            CODES,
            (INSPECTION_NONCONFORMING,),
            predicate=conclusion_failed,
        ),
        criterion(
            "4.3",
            "f",
            "气瓶的瓶阀、安全泄压装置、紧急切断装置缺失或失效",
            CODES,
            (
                "cylinder_valve_missing_or_failed",
                "pressure_relief_device_missing_or_failed",
                "emergency_shutoff_missing_or_failed",
            ),
        ),
        *filling_criteria(CODES, "气瓶"),
    )


CRITERIA = _criteria()

# -- TSG 08-2017 2.4.2(3) ([V]) ------------------------------------------------------------------------------------


def _never(_equipment: Sequence[Equipment]) -> bool:
    return False


MANAGEMENT_THRESHOLDS = (
    ManagementThreshold(
        code="tsg08.2.4.2(3).cylinder_filling",
        requirement="full_time_safety_manager",
        text="从事气瓶充装的，应当配备专职安全管理员（气瓶不计入在用特种设备台数）",
        test=_never,
        activities=("cylinder_filling",),
        source=Source(document="TSG 08-2017", clause="2.4.2(3)", status=SourceStatus.VERIFIED),
    ),
)

FILLING = CertificateRequirement(
    post_zh="气瓶充装（充装单位）",
    categories=("P",),
    source=Source(document="TSG Z6001-2019", clause="附件A P", status=SourceStatus.VERIFIED),
)
