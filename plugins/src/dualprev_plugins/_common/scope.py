"""Catalogue scope thresholds (domain reference Part C §1.4, [GK]) as data.

A :class:`Threshold` reads one quantity from the parameter object and compares it with a minimum. An item
below any threshold is *not* special equipment; an item whose quantity is unknown stays in scope (the
conservative reading) with the gap named in the reasons.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import attrs

from dualprev_sdk import Source, SourceStatus
from dualprev_sdk.equipment_classes import ScopeCheck

__all__ = ["CATALOGUE_SCOPE", "Threshold", "check_thresholds"]

CATALOGUE_SCOPE = Source(
    document="特种设备目录（质检总局2014年第114号公告）",
    clause="说明",
    status=SourceStatus.GENERAL_KNOWLEDGE,
    note="thresholds per domain reference Part C §1.4; outline confirmed by m.zixin.com.cn/doc/4128317.html (OCR)",
)


@attrs.frozen(kw_only=True)
class Threshold:
    """``value(parameters) >= minimum`` (or ``>`` when not ``inclusive``); ``label_zh`` names the quantity."""

    name: str
    label_zh: str
    unit: str
    minimum: float
    value: Callable[[Any], float | None] = attrs.field(eq=False, repr=False)
    inclusive: bool = True

    def check(self, parameters: Any) -> tuple[bool | None, str]:
        value = self.value(parameters) if parameters is not None else None
        sign = "≥" if self.inclusive else ">"
        if value is None:
            condition = f"{self.label_zh}{sign}{self.minimum:g} {self.unit}"
            return None, f"未提供{self.label_zh}，按在目录范围内处理（范围条件：{condition}）"
        ok = value >= self.minimum if self.inclusive else value > self.minimum
        if ok:
            return True, ""
        return False, f"{self.label_zh} {value:g} {self.unit} 未达到目录范围 {sign}{self.minimum:g} {self.unit}"


def check_thresholds(
    thresholds: Sequence[Threshold], parameters: Any, *, source: Source = CATALOGUE_SCOPE, extra: Sequence[str] = ()
) -> ScopeCheck:
    """All thresholds must hold; ``extra`` carries class-specific exclusion reasons already decided."""
    out_reasons: list[str] = list(extra)
    unknown: list[str] = []
    for threshold in thresholds:
        ok, reason = threshold.check(parameters)
        if ok is False:
            out_reasons.append(reason)
        elif ok is None:
            unknown.append(reason)
    if out_reasons:
        return ScopeCheck(in_scope=False, reasons=(*out_reasons, "不属于特种设备目录范围"), source=source)
    return ScopeCheck(in_scope=True, reasons=tuple(unknown), source=source)
