"""Risk points (风险点) and their control measures: the rows of a unit's risk control list."""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from dualprev_sdk.domain.common import ControlLevel, Frequency, RiskLevel, SafetyRole

__all__ = [
    "GRADING_FIELDS",
    "ControlMeasures",
    "ReviewTrigger",
    "RiskPoint",
    "RiskPointChange",
    "RiskPointVersion",
    "changed_fields",
    "classify_change",
]


@attrs.frozen(kw_only=True)
class ControlMeasures:
    """管控措施 in the five categories every guide uses."""

    engineering: tuple[str, ...] = ()  # 工程技术措施
    management: tuple[str, ...] = ()  # 管理措施
    training: tuple[str, ...] = ()  # 培训教育措施
    ppe: tuple[str, ...] = ()  # 个体防护措施
    emergency: tuple[str, ...] = ()  # 应急处置措施

    def is_empty(self) -> bool:
        return not (self.engineering or self.management or self.training or self.ppe or self.emergency)


@attrs.define(kw_only=True)
class RiskPoint:
    """One identified risk of one piece of equipment (or of a unit-wide activity when ``equipment_id`` is None).

    ``method``/``factors``/``score`` record how it was graded so the grade can be explained and re-checked;
    ``needs_review`` is raised by reassessment triggers (accident, major repair, major hazard, relocation).
    """

    id: str
    unit_uscc: str
    equipment_id: str | None
    template_code: str = ""
    component: str  # 部位/作业活动
    hazard_factor: str  # 危险有害因素
    accident_types: tuple[str, ...] = ()  # GB 6441 事故类型
    method: str = ""
    factors: dict[str, float] = attrs.field(factory=dict)
    score: float | None = None
    level: RiskLevel = RiskLevel.LOW
    measures: ControlMeasures = attrs.field(factory=ControlMeasures)
    control_level: ControlLevel = ControlLevel.POST
    responsible_role: SafetyRole = SafetyRole.SAFETY_OFFICER
    responsible_person: str = ""
    check_frequency: Frequency = Frequency.DAILY
    needs_review: bool = False
    review_reason: str = ""
    version: int = 0


# ---------------------------------------------------------------------------------------------------------------
# Versions and reassessment triggers
# ---------------------------------------------------------------------------------------------------------------


class ReviewTrigger(enum.StrEnum):
    """Events after which a unit must re-identify and re-grade the affected risk points (风险再评估).

    The list is the one the issue names (accident, major repair or alteration, major hazard, change of place of
    use); guides phrase it as "发生事故、重大修理改造、重大事故隐患、使用场所变更后应重新辨识" [GK].
    """

    ACCIDENT = "accident"  # 发生事故
    MAJOR_REPAIR = "major_repair"  # 重大修理
    ALTERATION = "alteration"  # 改造
    MAJOR_HAZARD = "major_hazard"  # 重大事故隐患
    RELOCATION = "relocation"  # 使用场所变更 / 移装

    @property
    def name_zh(self) -> str:
        return _TRIGGER_ZH[self]


_TRIGGER_ZH = {
    ReviewTrigger.ACCIDENT: "发生事故",
    ReviewTrigger.MAJOR_REPAIR: "重大修理",
    ReviewTrigger.ALTERATION: "改造",
    ReviewTrigger.MAJOR_HAZARD: "重大事故隐患",
    ReviewTrigger.RELOCATION: "使用场所变更",
}


class RiskPointChange(enum.StrEnum):
    """What a version of a risk point records."""

    IDENTIFIED = "identified"  # generated from a class template
    ADDED = "added"  # added by hand
    EDITED = "edited"  # text, measures, responsibility changed
    REGRADED = "regraded"  # method / factors / level changed (a reason is required)
    REVIEW_REQUESTED = "review_requested"  # a trigger marked it
    REVIEWED = "reviewed"  # a person confirmed or re-graded it after a trigger
    REMOVED = "removed"

    @property
    def name_zh(self) -> str:
        return {
            "identified": "模板辨识",
            "added": "新增",
            "edited": "修改",
            "regraded": "重新评价",
            "review_requested": "待复评",
            "reviewed": "已复评",
            "removed": "删除",
        }[self.value]


@attrs.frozen(kw_only=True)
class RiskPointVersion:
    """One entry of a risk point's history: the point as it was right after the change, who, when and why.

    ``snapshot`` is a copy (risk points are mutable aggregates); for ``REMOVED`` it is the point as it was
    when removed, so a deleted point can still be read back in an audit.
    """

    point_id: str
    version: int
    change: RiskPointChange
    reason: str
    actor: str
    at: dt.datetime
    snapshot: RiskPoint


def changed_fields(before: RiskPoint, after: RiskPoint) -> list[str]:
    """Names of the fields that differ between two states of a point (``version`` ignored)."""
    return [
        f.name
        for f in attrs.fields(RiskPoint)
        if f.name != "version" and getattr(before, f.name) != getattr(after, f.name)
    ]


GRADING_FIELDS: frozenset[str] = frozenset({"method", "factors", "score", "level"})


def classify_change(before: RiskPoint, after: RiskPoint) -> RiskPointChange:
    """``REGRADED`` when any grading field moved, else ``EDITED``."""
    return RiskPointChange.REGRADED if GRADING_FIELDS & set(changed_fields(before, after)) else RiskPointChange.EDITED
