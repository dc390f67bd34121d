"""Technical parameters of a passenger ropeway (客运索道主要参数)."""

from __future__ import annotations

import enum

import attrs

from dualprev_plugins._common import in_range, non_negative, positive
from dualprev_plugins._common.catalogue import national_code
from dualprev_sdk.equipment_classes import parameter

__all__ = ["RopewayParameters", "RopewayType", "ropeway_type_of"]


class RopewayType(enum.StrEnum):
    """The six varieties of kind 9000 (Part C §1.2)."""

    AERIAL_REVERSIBLE = "aerial_reversible"  # 9110 往复式客运架空索道
    AERIAL_CIRCULATING = "aerial_circulating"  # 9120 循环式客运架空索道
    FUNICULAR_REVERSIBLE = "funicular_reversible"  # 9210 往复式客运缆车
    FUNICULAR_CIRCULATING = "funicular_circulating"  # 9220 循环式客运缆车
    SURFACE_LIFT_LOW = "surface_lift_low"  # 9310 低位客运拖牵索道
    SURFACE_LIFT_HIGH = "surface_lift_high"  # 9320 高位客运拖牵索道

    @property
    def name_zh(self) -> str:
        return _ZH[self]

    @property
    def catalog_code(self) -> str:
        return _CODE[self]


_CODE = {
    RopewayType.AERIAL_REVERSIBLE: "9110",
    RopewayType.AERIAL_CIRCULATING: "9120",
    RopewayType.FUNICULAR_REVERSIBLE: "9210",
    RopewayType.FUNICULAR_CIRCULATING: "9220",
    RopewayType.SURFACE_LIFT_LOW: "9310",
    RopewayType.SURFACE_LIFT_HIGH: "9320",
}
_ZH = {
    RopewayType.AERIAL_REVERSIBLE: "往复式客运架空索道",
    RopewayType.AERIAL_CIRCULATING: "循环式客运架空索道",
    RopewayType.FUNICULAR_REVERSIBLE: "往复式客运缆车",
    RopewayType.FUNICULAR_CIRCULATING: "循环式客运缆车",
    RopewayType.SURFACE_LIFT_LOW: "低位客运拖牵索道",
    RopewayType.SURFACE_LIFT_HIGH: "高位客运拖牵索道",
}


def ropeway_type_of(catalog_code: str, parameters: object = None) -> RopewayType | None:
    catalog_code = national_code(catalog_code)
    for ropeway_type, code in _CODE.items():
        if catalog_code == code:
            return ropeway_type
    declared = getattr(parameters, "ropeway_type", None)
    return declared if isinstance(declared, RopewayType) else None


@attrs.frozen(kw_only=True)
class RopewayParameters:
    """主要参数 of one ropeway line."""

    ropeway_type: RopewayType | None = parameter(label_zh="索道型式", default=None)
    length_m: float | None = parameter(label_zh="线路斜长", unit="m", default=None, validator=positive)
    vertical_rise_m: float | None = parameter(label_zh="高差", unit="m", default=None, validator=non_negative)
    speed_m_s: float | None = parameter(label_zh="运行速度", unit="m/s", default=None, validator=positive)
    capacity_persons_h: int | None = parameter(label_zh="运量", unit="人/h", default=None, validator=positive)
    carriers_count: int | None = parameter(
        label_zh="运载工具（吊厢、吊椅、车辆）数量", unit="个", default=None, validator=in_range(1, 10000)
    )
    detachable_grips: bool | None = parameter(label_zh="脱挂式抱索器", default=None)
    public_service: bool = parameter(label_zh="面向公众运营", default=True)
