"""Pressure vessel parameters (压力容器技术参数): stationary, mobile and oxygen chambers."""

from __future__ import annotations

import enum

import attrs

from dualprev_plugins._common.validators import in_range, positive
from dualprev_sdk.equipment_classes import parameter

__all__ = ["MaterialKind", "MediumPhase", "PressureVesselParameters", "TubeTrailerMediaClass", "VesselClass"]


class VesselClass(enum.StrEnum):
    """压力容器类别 (TSG 21-2016); also encoded by the 2014 varieties 2170/2150/2130."""

    I = "I"  # noqa: E741 - the regulation's own name
    II = "II"
    III = "III"

    @property
    def name_zh(self) -> str:
        return {"I": "第一类", "II": "第二类", "III": "第三类"}[self.value]


class MaterialKind(enum.StrEnum):
    """Metal and non-metallic vessels have different inspection cycles (Part C §3)."""

    METAL = "metal"  # 金属
    NON_METAL = "non_metal"  # 非金属

    @property
    def name_zh(self) -> str:
        return {"metal": "金属", "non_metal": "非金属"}[self.value]


class MediumPhase(enum.StrEnum):
    """The catalogue counts gases, liquefied gases and liquids at or above their standard boiling point."""

    GAS = "gas"  # 气体
    LIQUEFIED_GAS = "liquefied_gas"  # 液化气体
    LIQUID_AT_OR_ABOVE_BOILING_POINT = "liquid_at_or_above_boiling_point"  # 最高工作温度高于等于标准沸点的液体
    LIQUID_BELOW_BOILING_POINT = "liquid_below_boiling_point"  # 低于标准沸点的液体

    @property
    def name_zh(self) -> str:
        return {
            "gas": "气体",
            "liquefied_gas": "液化气体",
            "liquid_at_or_above_boiling_point": "高于等于标准沸点的液体",
            "liquid_below_boiling_point": "低于标准沸点的液体",
        }[self.value]


class TubeTrailerMediaClass(enum.StrEnum):
    """长管拖车充装介质类别: decides its inspection cycle (A: 3/5 years, B: 4/6 years, Part C §3)."""

    A = "A"
    B = "B"


@attrs.frozen(kw_only=True)
class PressureVesselParameters:
    """Design data of a vessel; quantities are optional (unknown keeps the item in scope)."""

    design_pressure_mpa: float | None = parameter(label_zh="设计压力", unit="MPa", default=None, validator=positive)
    max_working_pressure_mpa: float | None = parameter(
        label_zh="最高工作压力", unit="MPa", default=None, validator=positive
    )
    volume_l: float | None = parameter(label_zh="容积", unit="L", default=None, validator=positive)
    inner_diameter_mm: float | None = parameter(label_zh="内直径", unit="mm", default=None, validator=positive)
    medium: str = parameter(label_zh="介质", default="")
    medium_phase: MediumPhase | None = parameter(label_zh="介质状态", default=None)
    vessel_class: VesselClass | None = parameter(label_zh="容器类别", default=None)
    safety_grade: int | None = parameter(label_zh="安全状况等级", default=None, validator=in_range(1, 5))
    quick_opening_door: bool = parameter(label_zh="快开门式", default=False)
    material: MaterialKind = parameter(label_zh="材料", default=MaterialKind.METAL)
    tube_trailer_media_class: TubeTrailerMediaClass | None = parameter(label_zh="长管拖车介质类别", default=None)
