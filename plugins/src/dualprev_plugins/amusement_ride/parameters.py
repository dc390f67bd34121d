"""Technical parameters of a large amusement ride (大型游乐设施主要参数)."""

from __future__ import annotations

import enum

import attrs

from dualprev_plugins._common import in_range, non_negative, positive
from dualprev_sdk.equipment_classes import parameter

__all__ = ["RideGrade", "RideParameters"]


class RideGrade(enum.StrEnum):
    """设备级别 A/B/C as printed on the registration and inspection documents (the grading rules are not in the
    domain reference [GK], so the grade is taken as given)."""

    A = "A"
    B = "B"
    C = "C"

    @property
    def name_zh(self) -> str:
        return f"{self.value}级"


@attrs.frozen(kw_only=True)
class RideParameters:
    """主要参数 of one ride. ``max_speed_m_s`` and ``height_m`` decide whether it is special equipment at all."""

    grade: RideGrade | None = parameter(label_zh="设备级别（A/B/C级）", default=None)
    max_speed_m_s: float | None = parameter(label_zh="最大运行线速度", unit="m/s", default=None, validator=non_negative)
    height_m: float | None = parameter(label_zh="运行高度（距地面）", unit="m", default=None, validator=non_negative)
    passengers_count: int | None = parameter(
        label_zh="额定乘客人数", unit="人", default=None, validator=in_range(1, 100000)
    )
    track_length_m: float | None = parameter(label_zh="轨道长度", unit="m", default=None, validator=positive)
    commercial_operation: bool = parameter(label_zh="用于经营", default=True)
