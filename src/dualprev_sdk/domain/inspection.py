"""Inspection records (检验记录): periodic inspections, self-tests and supervisory inspections."""

from __future__ import annotations

import datetime as dt
import enum

import attrs

__all__ = ["InspectionConclusion", "InspectionKind", "InspectionRecord"]


class InspectionKind(enum.StrEnum):
    PERIODIC = "periodic"  # 定期检验
    SELF_TEST = "self_test"  # 自行检测 (elevators, TSG T7008-2023)
    SUPERVISORY = "supervisory"  # 监督检验
    FIRST = "first"  # 首次检验
    ANNUAL_CHECK = "annual_check"  # 年度检查 (use unit)


class InspectionConclusion(enum.StrEnum):
    """Conclusions as written on reports. Pressure equipment reports a safety grade (1–5) instead."""

    PASSED = "合格"
    PASSED_ON_RECHECK = "复检合格"
    FAILED = "不合格"
    FAILED_ON_RECHECK = "复检不合格"
    SAFETY_GRADE = "安全状况等级"  # the grade itself is in ``InspectionRecord.safety_grade``

    @property
    def allows_use(self) -> bool:
        return self in (InspectionConclusion.PASSED, InspectionConclusion.PASSED_ON_RECHECK)


@attrs.define(kw_only=True)
class InspectionRecord:
    id: str
    equipment_id: str
    kind: InspectionKind
    inspected_on: dt.date
    conclusion: InspectionConclusion
    agency: str = ""
    report_number: str = ""
    safety_grade: int | None = None  # 1–5 for pressure vessels and piping
    next_due: dt.date | None = None
    version: int = 0
