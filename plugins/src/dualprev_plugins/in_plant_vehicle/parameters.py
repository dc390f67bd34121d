"""Technical parameters of a site/in-plant special motor vehicle (场（厂）内专用机动车辆主要参数)."""

from __future__ import annotations

import enum

import attrs

from dualprev_plugins._common import in_range, positive
from dualprev_plugins._common.catalogue import national_code
from dualprev_sdk.equipment_classes import parameter

__all__ = ["PowerType", "VehicleParameters", "VehicleType", "vehicle_type_of"]


class VehicleType(enum.StrEnum):
    FORKLIFT = "forklift"  # 5110 叉车
    SIGHTSEEING_CAR = "sightseeing_car"  # 5200 观光车
    SIGHTSEEING_TRAIN = "sightseeing_train"  # 5200 观光列车

    @property
    def name_zh(self) -> str:
        return {"forklift": "叉车", "sightseeing_car": "观光车", "sightseeing_train": "观光列车"}[self.value]


class PowerType(enum.StrEnum):
    INTERNAL_COMBUSTION = "internal_combustion"  # 内燃（柴油、汽油、液化石油气）
    ELECTRIC = "electric"  # 电动（蓄电池）

    @property
    def name_zh(self) -> str:
        return {"internal_combustion": "内燃", "electric": "电动"}[self.value]


def vehicle_type_of(catalog_code: str, parameters: object = None) -> VehicleType | None:
    """叉车 for 51xx; for 52xx the ledger says car or train (观光车 when it does not)."""
    catalog_code = national_code(catalog_code)
    declared = getattr(parameters, "vehicle_type", None)
    if catalog_code.startswith("51"):
        return VehicleType.FORKLIFT
    if catalog_code.startswith("52"):
        sightseeing = (VehicleType.SIGHTSEEING_CAR, VehicleType.SIGHTSEEING_TRAIN)
        return declared if declared in sightseeing else VehicleType.SIGHTSEEING_CAR
    return declared if isinstance(declared, VehicleType) else None


@attrs.frozen(kw_only=True)
class VehicleParameters:
    """主要参数 of one vehicle: a forklift's rated capacity, a sightseeing vehicle's seats."""

    vehicle_type: VehicleType | None = parameter(label_zh="车辆类型", default=None)
    rated_capacity_kg: int | None = parameter(
        label_zh="额定起重量（叉车）", unit="kg", default=None, validator=positive
    )
    seats_count: int | None = parameter(
        label_zh="额定载客人数（座位数）", unit="座", default=None, validator=in_range(1, 500)
    )
    power: PowerType | None = parameter(label_zh="动力方式", default=None)
    max_speed_km_h: float | None = parameter(label_zh="最高行驶速度", unit="km/h", default=None, validator=positive)
    safety_monitoring_device: bool | None = parameter(label_zh="安全监控装置", default=None)
    serves_public: bool = parameter(label_zh="为公众提供服务（观光车辆）", default=False)
    public_road_vehicle: bool = parameter(label_zh="按道路机动车辆登记上路行驶", default=False)
