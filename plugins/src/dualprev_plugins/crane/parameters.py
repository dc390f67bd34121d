"""Technical parameters of a lifting appliance (起重机械主要参数), with units in the field names.

``crane_type`` may be left empty: it follows from the catalogue code (41xx bridge, 43xx tower…). It exists for
ledgers that keep the kind code 4000 only, and for the few rules that depend on the type rather than the variety.
"""

from __future__ import annotations

import enum

import attrs

from dualprev_plugins._common import in_range, non_negative, positive
from dualprev_plugins._common.catalogue import national_code
from dualprev_sdk.equipment_classes import parameter

__all__ = ["CraneParameters", "CraneType", "crane_type_of"]


class CraneType(enum.StrEnum):
    """The crane categories of the 2014 catalogue (Part C §1.2)."""

    BRIDGE = "bridge"  # 4100 桥式起重机
    GANTRY = "gantry"  # 4200 门式起重机
    TOWER = "tower"  # 4300 塔式起重机
    MOBILE = "mobile"  # 4400 流动式起重机
    PORTAL = "portal"  # 4700 门座式起重机
    HOIST = "hoist"  # 4800 升降机
    CABLE = "cable"  # 4900 缆索式起重机
    MAST = "mast"  # 4A00 桅杆式起重机
    MECHANICAL_PARKING = "mechanical_parking"  # 4D00 机械式停车设备

    @property
    def name_zh(self) -> str:
        return _TYPE_ZH[self]

    @property
    def category_code(self) -> str:
        return _TYPE_CODE[self]


_TYPE_CODE = {
    CraneType.BRIDGE: "4100",
    CraneType.GANTRY: "4200",
    CraneType.TOWER: "4300",
    CraneType.MOBILE: "4400",
    CraneType.PORTAL: "4700",
    CraneType.HOIST: "4800",
    CraneType.CABLE: "4900",
    CraneType.MAST: "4A00",
    CraneType.MECHANICAL_PARKING: "4D00",
}
_TYPE_ZH = {
    CraneType.BRIDGE: "桥式起重机",
    CraneType.GANTRY: "门式起重机",
    CraneType.TOWER: "塔式起重机",
    CraneType.MOBILE: "流动式起重机",
    CraneType.PORTAL: "门座式起重机",
    CraneType.HOIST: "升降机",
    CraneType.CABLE: "缆索式起重机",
    CraneType.MAST: "桅杆式起重机",
    CraneType.MECHANICAL_PARKING: "机械式停车设备",
}


def crane_type_of(catalog_code: str, parameters: object = None) -> CraneType | None:
    """The crane type from the catalogue category (``4310`` → tower), else from the parameters."""
    catalog_code = national_code(catalog_code)
    for crane_type, code in _TYPE_CODE.items():
        if catalog_code[:2] == code[:2]:
            return crane_type
    declared = getattr(parameters, "crane_type", None)
    return declared if isinstance(declared, CraneType) else None


@attrs.frozen(kw_only=True)
class CraneParameters:
    """主要参数 of one lifting appliance; every field optional because the varieties differ so much."""

    crane_type: CraneType | None = parameter(label_zh="起重机械类型", default=None)
    rated_capacity_t: float | None = parameter(label_zh="额定起重量", unit="t", default=None, validator=positive)
    span_m: float | None = parameter(label_zh="跨度", unit="m", default=None, validator=positive)
    lifting_height_m: float | None = parameter(label_zh="起升高度", unit="m", default=None, validator=non_negative)
    rated_moment_t_m: float | None = parameter(
        label_zh="额定起重力矩（塔式起重机）", unit="t·m", default=None, validator=positive
    )
    productivity_t_h: float | None = parameter(
        label_zh="生产率（装卸桥）", unit="t/h", default=None, validator=positive
    )
    parking_levels: int | None = parameter(label_zh="停车设备层数", unit="层", default=None, validator=in_range(1, 200))
    parking_spaces_count: int | None = parameter(
        label_zh="停车泊位数", unit="个", default=None, validator=in_range(1, 100000)
    )
    handles_molten_metal: bool | None = parameter(label_zh="吊运熔融金属", default=None)
