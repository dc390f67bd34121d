"""Elevator major-hazard criteria (GB 45067-2024 4.1 and 4.6), TSG 08-2017 staffing rules, certificates.

Which varieties an item covers is data next to the item. 4.6 a), b), d) name 乘客与载货电梯: traction and
positive-drive lifts (31xx) and hydraulic lifts (32xx). a) (a failed inspection) is also applied to the other lifts
(34xx: explosion-proof, firefighters, dumbwaiters) because nothing in the wording restricts it beyond "电梯"; b)
and d) are applied to explosion-proof and firefighters lifts (3410/3420), which carry passengers or goods, and not
to dumbwaiters (3430), which carry neither. c) and e) name escalators and moving walks (33xx).
"""

from __future__ import annotations

from collections.abc import Sequence

from dualprev_plugins._common import conclusion_failed, general_criteria
from dualprev_plugins._common.gb45067 import criterion
from dualprev_plugins._common.management import in_use
from dualprev_plugins.elevator import findings as f
from dualprev_sdk.domain.common import Source, SourceStatus
from dualprev_sdk.domain.equipment import Equipment
from dualprev_sdk.equipment_classes import CertificateRequirement, MajorHazardCriterion, ManagementThreshold

__all__ = [
    "CERTIFICATES",
    "CRITERIA",
    "ESCALATOR_CODES",
    "FAILED_INSPECTION_CODES",
    "MANAGEMENT_THRESHOLDS",
    "PASSENGER_GOODS_CODES",
]

PASSENGER_GOODS_CODES = ("3100", "3200", "3410", "3420")
FAILED_INSPECTION_CODES = ("3100", "3200", "3400")
ESCALATOR_CODES = ("3300",)

_NOTE = "条文措辞引自解读网页（原编号5.6.x），项目顺序可能与官方文本不同，须以官方文本核对"

CRITERIA: tuple[MajorHazardCriterion, ...] = (
    *general_criteria(("3000",)),
    criterion(
        "4.6",
        "a",
        '检验结论为"不合格"或"复检不合格"',
        FAILED_INSPECTION_CODES,
        predicate=lambda state: conclusion_failed(state, grade_5_fails=False),
        note=_NOTE,
    ),
    criterion(
        "4.6", "b", "乘客与载货电梯门防夹安全装置失效", PASSENGER_GOODS_CODES, (f.DOOR_ANTI_PINCH_FAILED,), note=_NOTE
    ),
    criterion(
        "4.6",
        "c",
        "自动扶梯、自动人行道紧急停止开关缺失或失效",
        ESCALATOR_CODES,
        (f.ESCALATOR_EMERGENCY_STOP_MISSING, f.ESCALATOR_EMERGENCY_STOP_FAILED),
        note=_NOTE,
    ),
    criterion(
        "4.6", "d", "乘客与载货电梯门锁回路被短接", PASSENGER_GOODS_CODES, (f.DOOR_LOCK_CIRCUIT_SHORTED,), note=_NOTE
    ),
    criterion(
        "4.6",
        "e",
        "自动扶梯、自动人行道扶手带外缘与任何障碍物之间距离小于400 mm时，未按要求装设防护挡板",
        ESCALATOR_CODES,
        (f.HANDRAIL_OBSTACLE_GUARD_MISSING,),
        note=_NOTE,
    ),
)

_TSG08_23 = Source(
    document="TSG 08-2017",
    clause="2.3",
    status=SourceStatus.VERIFIED,
    note="fujian.gov.cn 2023-01-31 答问引述；TSG 08 可能已由 TSG 08—2026 替代（未核实）",
)
_TSG08_242 = Source(document="TSG 08-2017", clause="2.4.2", status=SourceStatus.VERIFIED)

#: "30台以上" in the rule; kept as data so a revised TSG 08 is one edit.
CROWDED_PLACE_ELEVATOR_COUNT = 30


def _registered(equipment: Sequence[Equipment]) -> list[Equipment]:
    """Elevators the unit still uses or keeps registered (scrapped and transferred ones no longer count)."""
    return in_use(equipment, "3")


def needs_organisation(equipment: Sequence[Equipment]) -> bool:
    """TSG 08-2017 2.3 (2): public operating service, or ≥30 elevators in crowded public places."""
    lifts = _registered(equipment)
    if any(getattr(e.parameters, "public_operating_service", False) for e in lifts):
        return True
    return sum(1 for e in lifts if e.crowded_place is not None) >= CROWDED_PLACE_ELEVATOR_COUNT


MANAGEMENT_THRESHOLDS: tuple[ManagementThreshold, ...] = (
    ManagementThreshold(
        requirement="safety_management_organisation",
        code="tsg08.2.3(2)",
        text="使用为公众提供运营服务电梯的，或者在公众聚集场所使用30台以上（含30台）电梯的，应当设置特种设备安全管理机构",
        test=needs_organisation,
        source=_TSG08_23,
    ),
    ManagementThreshold(
        requirement="full_time_safety_manager",
        code="tsg08.2.4.2(organisation:elevator)",
        text="因使用电梯而须设置安全管理机构的使用单位，应当配备专职安全管理员",
        test=needs_organisation,
        source=_TSG08_242,
    ),
)

CERTIFICATES: tuple[CertificateRequirement, ...] = (
    CertificateRequirement(
        post_zh="电梯修理（含维护保养）",
        categories=("T",),
        source=Source(
            document="TSG Z6001-2019",
            clause="附件A 电梯作业 T 电梯修理",
            status=SourceStatus.GENERAL_KNOWLEDGE,
            note="T 项目含维护保养作业；维保人员通常属于维保单位",
        ),
    ),
)
