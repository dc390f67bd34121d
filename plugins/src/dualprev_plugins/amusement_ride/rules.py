"""Amusement-ride rules as data: catalogue scope, yearly inspection, GB 45067 4.1/4.9, TSG 08, Y1/Y2."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dualprev_plugins._common import conclusion_failed, general_criteria
from dualprev_plugins._common.catalogue import catalogue_gate
from dualprev_plugins._common.gb45067 import criterion
from dualprev_plugins._common.intervals import IntervalRule, single_periodic_due
from dualprev_plugins._common.management import in_use
from dualprev_plugins._common.scope import CATALOGUE_SCOPE, Threshold
from dualprev_plugins.amusement_ride import findings as f
from dualprev_sdk.domain.common import Source, SourceStatus
from dualprev_sdk.domain.equipment import Equipment
from dualprev_sdk.equipment_classes import (
    CertificateRequirement,
    DueDate,
    InspectionFacts,
    MajorHazardCriterion,
    ManagementThreshold,
    ScopeCheck,
)

__all__ = [
    "CERTIFICATES",
    "CRITERIA",
    "MANAGEMENT_THRESHOLDS",
    "catalogue_gate",
    "ride_due_dates",
    "ride_scope",
]

# -- scope (Part C §1.4 [GK]) ----------------------------------------------------------------------------------------


SPEED = Threshold(
    name="max_speed_m_s", label_zh="最大运行线速度", unit="m/s", minimum=2, value=lambda p: p.max_speed_m_s
)
HEIGHT = Threshold(name="height_m", label_zh="运行高度", unit="m", minimum=2, value=lambda p: p.height_m)


def ride_scope(catalog_code: str, parameters: Any) -> ScopeCheck:
    """Commercial rides with a maximum linear speed ≥2 m/s *or* a height ≥2 m above ground."""
    catalog_code, verdict = catalogue_gate(catalog_code)
    if verdict is not None:
        return verdict
    if parameters is not None and not getattr(parameters, "commercial_operation", True):
        return ScopeCheck(
            in_scope=False,
            reasons=("非经营性的游乐设施（含体育运动、文艺演出等专用设施）", "不属于特种设备目录范围"),
            source=CATALOGUE_SCOPE,
        )
    results = [SPEED.check(parameters), HEIGHT.check(parameters)]
    if any(ok is True for ok, _ in results):
        return ScopeCheck(in_scope=True, source=CATALOGUE_SCOPE)
    if any(ok is None for ok, _ in results):
        return ScopeCheck(in_scope=True, reasons=tuple(r for ok, r in results if ok is None), source=CATALOGUE_SCOPE)
    return ScopeCheck(
        in_scope=False,
        reasons=("；且".join(r for _, r in results), "不属于特种设备目录范围"),
        source=CATALOGUE_SCOPE,
    )


# -- inspection ([GK]) ---------------------------------------------------------------------------------------------

YEARLY = IntervalRule(
    key="amusement_ride.interval_years",
    kind="periodic_inspection",
    months=12,
    rule_zh="大型游乐设施每年进行一次定期检验",
    source=Source(
        document="TSG 71 / TSG Y7002",
        clause="定期检验周期",
        status=SourceStatus.GENERAL_KNOWLEDGE,
        note="yearly interval from general knowledge (domain reference Part C §3); configurable",
    ),
)


def ride_due_dates(facts: InspectionFacts) -> list[DueDate]:
    return single_periodic_due(YEARLY, facts)


# -- GB 45067-2024 4.9 ([V-2nd], m.scxkrz.cn keeps the full wording) -----------------------------------------------

_NOTE = "条文措辞引自解读网页（原编号5.9.x，m.scxkrz.cn），须以官方文本核对"

CRITERIA: tuple[MajorHazardCriterion, ...] = (
    *general_criteria(("6000",)),
    criterion(
        "4.9",
        "a",
        '检验结论为"不合格"',
        ("6000",),
        predicate=lambda state: conclusion_failed(state, grade_5_fails=False),
        note=_NOTE + "；复检不合格同为不合格结论",
    ),
    criterion(
        "4.9",
        "b",
        "安全带、安全压杠和安全挡杆等乘客束缚装置缺失",
        ("6000",),
        (f.PASSENGER_RESTRAINT_MISSING,),
        note=_NOTE,
    ),
    criterion("4.9", "c", "座舱舱门锁紧装置缺失", ("6000",), (f.CABIN_DOOR_LOCK_MISSING,), note=_NOTE),
    criterion(
        "4.9",
        "d",
        "制动装置、限位装置、防碰撞及缓冲装置、止逆行装置、限速装置、座舱安全保护装置缺失或失效，或乘客束缚装置失效",
        ("6000",),
        f.PROTECTIVE_DEVICE_FINDINGS,
        note=_NOTE,
    ),
    criterion(
        "4.9",
        "e",
        "主要受力部件、重要焊缝及重要螺栓出现裂纹、严重变形等超标缺陷",
        ("6000",),
        (f.STRUCTURAL_DEFECT,),
        note=_NOTE,
    ),
)

# -- TSG 08-2017 --------------------------------------------------------------------------------------------------

RIDE_COUNT_FOR_ORGANISATION = 10


def _rides(equipment: Sequence[Equipment]) -> list[Equipment]:
    return in_use(equipment, "6")


MANAGEMENT_THRESHOLDS: tuple[ManagementThreshold, ...] = (
    ManagementThreshold(
        requirement="safety_management_organisation",
        code="tsg08.2.3(3):rides",
        text="使用10台以上（含10台）大型游乐设施的，应当设置特种设备安全管理机构",
        test=lambda equipment: len(_rides(equipment)) >= RIDE_COUNT_FOR_ORGANISATION,
        source=Source(document="TSG 08-2017", clause="2.3", status=SourceStatus.VERIFIED),
    ),
    ManagementThreshold(
        requirement="full_time_safety_manager",
        code="tsg08.2.4.2(5):rides",
        text="使用大型游乐设施的，应当配备专职安全管理员",
        test=lambda equipment: bool(_rides(equipment)),
        source=Source(document="TSG 08-2017", clause="2.4.2", status=SourceStatus.VERIFIED),
    ),
)

# -- certificates (TSG Z6001-2019, [GK] per the 2019 conversion note) -----------------------------------------------

_Y = Source(
    document="TSG Z6001-2019",
    clause="附件A 大型游乐设施作业 Y1 修理、Y2 操作",
    status=SourceStatus.GENERAL_KNOWLEDGE,
    note="codes inferred from the 2019 conversion note (水上游乐设施操作与维修 → 大型游乐设施修理和操作)",
)
CERTIFICATES: tuple[CertificateRequirement, ...] = (
    CertificateRequirement(post_zh="大型游乐设施操作", categories=("Y2",), source=_Y),
    CertificateRequirement(post_zh="大型游乐设施修理", categories=("Y1",), source=_Y),
)
