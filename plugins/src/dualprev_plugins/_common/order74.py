"""SAMR Order No. 74 (总局令第74号, in force 2023-05-05) duties every equipment chapter repeats.

Daily control (日管控) items are class-specific and live in each plugin; the weekly investigation by the safety
director (周排查) and the monthly dispatch by the principal (月调度) have the same shape in every chapter
(domain reference Part C §6.2, [V] for the 场车 chapter arts 142–144, [V-2nd] for the others), so they are
built here from the kind's Chinese name.
"""

from __future__ import annotations

from collections.abc import Iterable

from dualprev_sdk import Frequency, SafetyRole, Source, SourceStatus
from dualprev_sdk.equipment_classes import ChecklistItem

__all__ = ["ORDER74", "order74_source", "weekly_and_monthly_items"]

ORDER74 = "总局令第74号《特种设备使用单位落实使用安全主体责任监督管理规定》"


def order74_source(note: str = "") -> Source:
    return Source(
        document=ORDER74,
        clause="日管控、周排查、月调度",
        status=SourceStatus.SECONDARY,
        note=note or "pattern verified in the 场车 chapter (arts 142–144); same pattern per chapter",
    )


def weekly_and_monthly_items(prefix: str, kind_zh: str, applies_to: Iterable[str] = ()) -> tuple[ChecklistItem, ...]:
    """The 安全总监 weekly and 主要负责人 monthly items for a kind (``kind_zh`` = 锅炉, 压力容器…)."""
    codes = tuple(applies_to)
    source = order74_source()
    return (
        ChecklistItem(
            code=f"{prefix}-W01",
            subject=f"{kind_zh}每日安全检查记录及隐患处置情况",
            standard=f"安全员每日检查记录齐全（无问题也有记录）；发现的隐患已登记并跟踪整改，形成《每周{kind_zh}安全排查治理报告》",
            frequency=Frequency.WEEKLY,
            responsible_role=SafetyRole.SAFETY_DIRECTOR,
            applies_to=codes,
            source=source,
        ),
        ChecklistItem(
            code=f"{prefix}-W02",
            subject=f"{kind_zh}安全风险管控清单落实情况",
            standard="风险管控措施按清单落实，管控层级和责任人明确；风险变化时及时更新清单",
            frequency=Frequency.WEEKLY,
            responsible_role=SafetyRole.SAFETY_DIRECTOR,
            applies_to=codes,
            source=source,
        ),
        ChecklistItem(
            code=f"{prefix}-M01",
            subject=f"{kind_zh}安全调度",
            standard=f"主要负责人听取安全总监工作汇报，研究解决{kind_zh}安全问题，部署下月工作，形成《每月{kind_zh}安全调度会议纪要》",
            frequency=Frequency.MONTHLY,
            responsible_role=SafetyRole.PRINCIPAL,
            applies_to=codes,
            source=source,
        ),
    )
