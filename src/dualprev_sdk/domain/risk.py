"""Risk points (风险点) and their control measures: the rows of a unit's risk control list."""

from __future__ import annotations

import attrs

from dualprev_sdk.domain.common import ControlLevel, Frequency, RiskLevel, SafetyRole

__all__ = ["ControlMeasures", "RiskPoint"]


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
