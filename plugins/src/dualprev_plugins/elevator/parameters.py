"""Technical parameters of an elevator (电梯主要参数), with units in the field names.

One type covers lifts (31xx/32xx/34xx) and escalators/moving walks (33xx): every field is optional because a
ledger row for an escalator has no stops and a lift has no inclination. Validators are plain attrs validators
(shared with the other classes), so a direct construction fails on the first bad field, naming it, and
:meth:`~dualprev_sdk.equipment_classes.EquipmentClass.structure_parameters` names every bad field at once; types
and enum values are checked when plain data is structured.
"""

from __future__ import annotations

import enum
from typing import Any

import attrs

from dualprev_plugins._common import in_range, non_negative, positive
from dualprev_sdk.equipment_classes import parameter

__all__ = ["DriveType", "ElevatorParameters", "MachineRoomType"]


class MachineRoomType(enum.StrEnum):
    """有机房 / 无机房 (inspection systems' local sub-varieties 3001/3002 encode the same thing)."""

    MACHINE_ROOM = "machine_room"
    MACHINE_ROOMLESS = "machine_roomless"

    @property
    def name_zh(self) -> str:
        return {"machine_room": "有机房", "machine_roomless": "无机房"}[self.value]


class DriveType(enum.StrEnum):
    """驱动方式 of a lift; escalators and moving walks leave it empty."""

    TRACTION = "traction"
    POSITIVE = "positive"
    HYDRAULIC = "hydraulic"

    @property
    def name_zh(self) -> str:
        return {"traction": "曳引驱动", "positive": "强制驱动", "hydraulic": "液压驱动"}[self.value]


def _digits(low: int, high: int) -> Any:
    def check(_: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None:
            return
        if not isinstance(value, str) or not value.isascii() or not value.isdigit() or not low <= len(value) <= high:
            raise ValueError(f"{attribute.name} must be {low}–{high} digits, got {value!r}")

    return check


@attrs.frozen(kw_only=True)
class ElevatorParameters:
    """主要参数 of one elevator. ``rescue_code`` is the 96333 emergency identification code on the rescue sign
    in the car (6 digits in Henan; 5 in Zhangzhou's 96196 scheme, Part C §9.5), so 5–8 digits are accepted and the
    region-specific form is checked by :func:`dualprev_sdk.ids.validate_rescue_code`."""

    rated_load_kg: int | None = parameter(label_zh="额定载重量", unit="kg", default=None, validator=positive)
    rated_speed_m_s: float | None = parameter(label_zh="额定速度", unit="m/s", default=None, validator=positive)
    stops: int | None = parameter(label_zh="层站数（停站数）", unit="站", default=None, validator=in_range(2, 500))
    machine_room: MachineRoomType | None = parameter(label_zh="机房型式（有机房/无机房）", default=None)
    drive: DriveType | None = parameter(label_zh="驱动方式", default=None)
    rescue_code: str | None = parameter(
        label_zh="96333应急救援识别码",
        default=None,
        validator=_digits(5, 8),
    )
    # escalators and moving walks (33xx)
    inclination_deg: float | None = parameter(label_zh="倾斜角", unit="°", default=None, validator=in_range(0, 90))
    step_width_mm: int | None = parameter(
        label_zh="名义宽度（梯级/踏板宽度）", unit="mm", default=None, validator=positive
    )
    rise_m: float | None = parameter(label_zh="提升高度", unit="m", default=None, validator=non_negative)
    # scope and TSG 08 facts
    single_household_non_public: bool = parameter(label_zh="非公共场所单一家庭自用", default=False)
    public_operating_service: bool = parameter(label_zh="为公众提供运营服务", default=False)
