"""Passenger-ropeway rules as data: scope, yearly inspection [GK], GB 45067 4.1/4.8, TSG 08, S1/S2."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dualprev_plugins._common import conclusion_failed, general_criteria
from dualprev_plugins._common.catalogue import catalogue_gate
from dualprev_plugins._common.gb45067 import criterion
from dualprev_plugins._common.intervals import IntervalRule, single_periodic_due
from dualprev_plugins._common.management import in_use
from dualprev_plugins._common.scope import CATALOGUE_SCOPE
from dualprev_plugins.passenger_ropeway import findings as f
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
    "ropeway_due_dates",
    "ropeway_scope",
]

AERIAL_AND_FUNICULAR = ("9100", "9200")
SURFACE_LIFTS = ("9300",)


def ropeway_scope(catalog_code: str, parameters: Any) -> ScopeCheck:
    """Powered ropeways carrying the public; non-public ropeways and those only for a unit's own commuting are not
    special equipment (Part C §1.4, [GK])."""
    catalog_code, verdict = catalogue_gate(catalog_code)
    if verdict is not None:
        return verdict
    if parameters is not None and not getattr(parameters, "public_service", True):
        return ScopeCheck(
            in_scope=False,
            reasons=("非公用客运索道或仅供单位内部通勤的索道", "不属于特种设备目录范围"),
            source=CATALOGUE_SCOPE,
        )
    return ScopeCheck(in_scope=True, source=CATALOGUE_SCOPE)


YEARLY = IntervalRule(
    key="passenger_ropeway.interval_years",
    kind="periodic_inspection",
    months=12,
    rule_zh="客运索道每年进行一次定期检验",
    source=Source(
        document="TSG S7001",
        clause="定期检验周期",
        status=SourceStatus.GENERAL_KNOWLEDGE,
        note="yearly interval from general knowledge (domain reference Part C §3); configurable",
    ),
)


def ropeway_due_dates(facts: InspectionFacts) -> list[DueDate]:
    return single_periodic_due(YEARLY, facts)


# -- GB 45067-2024 4.8 ([V-2nd]) -------------------------------------------------------------------------------------

_NOTE = "条文措辞引自解读网页（原编号5.8.x），须以官方文本核对"

CRITERIA: tuple[MajorHazardCriterion, ...] = (
    *general_criteria(("9000",)),
    criterion(
        "4.8",
        "a",
        '检验结论为"不合格"或"复检不合格"',
        ("9000",),
        predicate=lambda state: conclusion_failed(state, grade_5_fails=False),
        note=_NOTE,
    ),
    criterion(
        "4.8", "b", "控制室、站台、机房紧急停车开关缺失", ("9000",), (f.EMERGENCY_STOP_SWITCH_MISSING,), note=_NOTE
    ),
    criterion(
        "4.8",
        "c",
        "吊厢、吊篮、客车门不能锁闭且未停用",
        AERIAL_AND_FUNICULAR,
        (f.CARRIER_DOOR_CANNOT_LOCK,),
        note=_NOTE + "；拖牵索道无吊厢、吊篮、客车，不适用",
    ),
    criterion(
        "4.8",
        "d",
        "辅机、备用电源不能正常工作",
        ("9000",),
        (f.AUXILIARY_DRIVE_NOT_WORKING, f.BACKUP_POWER_NOT_WORKING),
        note=_NOTE,
    ),
    criterion(
        "4.8", "e", "电气安全回路发生故障后采用短接方法继续运行", ("9000",), (f.SAFETY_CIRCUIT_SHORTED,), note=_NOTE
    ),
)

# -- TSG 08-2017 ---------------------------------------------------------------------------------------------------


def _registered(equipment: Sequence[Equipment], prefixes: tuple[str, ...]) -> bool:
    return bool(in_use(equipment, *(p.rstrip("0") for p in prefixes)))


def uses_aerial_ropeway_or_funicular(equipment: Sequence[Equipment]) -> bool:
    return _registered(equipment, AERIAL_AND_FUNICULAR)


def uses_surface_lift(equipment: Sequence[Equipment]) -> bool:
    return _registered(equipment, SURFACE_LIFTS)


MANAGEMENT_THRESHOLDS: tuple[ManagementThreshold, ...] = (
    ManagementThreshold(
        requirement="safety_management_organisation",
        code="tsg08.2.3(4)",
        text="使用客运架空索道或者客运缆车的，应当设置特种设备安全管理机构",
        test=uses_aerial_ropeway_or_funicular,
        source=Source(document="TSG 08-2017", clause="2.3", status=SourceStatus.VERIFIED),
    ),
    ManagementThreshold(
        requirement="full_time_safety_manager",
        code="tsg08.2.4.2(organisation:ropeway)",
        text="因使用客运架空索道或客运缆车而设置安全管理机构的使用单位，应当配备专职安全管理员",
        test=uses_aerial_ropeway_or_funicular,
        source=Source(document="TSG 08-2017", clause="2.4.2", status=SourceStatus.VERIFIED),
    ),
    ManagementThreshold(
        requirement="full_time_safety_manager",
        code="tsg08.2.4.2(5):surface_lift",
        text="使用客运拖牵索道的，应当配备专职安全管理员",
        test=uses_surface_lift,
        source=Source(document="TSG 08-2017", clause="2.4.2", status=SourceStatus.VERIFIED),
    ),
)

# -- certificates (TSG Z6001-2019, [GK] per the 2019 conversion note) --------------------------------------------------

_S = Source(
    document="TSG Z6001-2019",
    clause="附件A 客运索道作业 S1 修理、S2 司机",
    status=SourceStatus.GENERAL_KNOWLEDGE,
    note="codes inferred from the 2019 conversion note (索道维修 → 客运索道修理、客运索道司机)",
)
CERTIFICATES: tuple[CertificateRequirement, ...] = (
    CertificateRequirement(post_zh="客运索道司机", categories=("S2",), source=_S),
    CertificateRequirement(post_zh="客运索道修理", categories=("S1",), source=_S),
)
