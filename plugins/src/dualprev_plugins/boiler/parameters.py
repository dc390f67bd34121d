"""Boiler parameters (锅炉技术参数), units in the field names and metadata."""

from __future__ import annotations

import enum

import attrs

from dualprev_plugins._common.validators import positive
from dualprev_sdk.equipment_classes import parameter

__all__ = ["BoilerMedium", "BoilerParameters", "FuelType"]


class BoilerMedium(enum.StrEnum):
    """What the boiler produces; decides which catalogue threshold applies (Part C §1.4)."""

    STEAM = "steam"  # 蒸汽
    HOT_WATER = "hot_water"  # 热水
    ORGANIC_HEAT_CARRIER = "organic_heat_carrier"  # 有机热载体（导热油）

    @property
    def name_zh(self) -> str:
        return {"steam": "蒸汽", "hot_water": "热水", "organic_heat_carrier": "有机热载体"}[self.value]


class FuelType(enum.StrEnum):
    COAL = "coal"  # 燃煤
    GAS = "gas"  # 燃气
    OIL = "oil"  # 燃油
    BIOMASS = "biomass"  # 生物质
    ELECTRIC = "electric"  # 电加热
    WASTE_HEAT = "waste_heat"  # 余热
    OTHER = "other"

    @property
    def name_zh(self) -> str:
        return {
            "coal": "燃煤",
            "gas": "燃气",
            "oil": "燃油",
            "biomass": "生物质",
            "electric": "电加热",
            "waste_heat": "余热",
            "other": "其他",
        }[self.value]


@attrs.frozen(kw_only=True)
class BoilerParameters:
    """A boiler's rating. Every quantity is optional: ledgers are often incomplete, and a missing value keeps the
    item in scope (conservative) rather than guessing."""

    rated_pressure_mpa: float | None = parameter(label_zh="额定工作压力", unit="MPa", default=None, validator=positive)
    rated_evaporation_t_h: float | None = parameter(label_zh="额定蒸发量", unit="t/h", default=None, validator=positive)
    rated_power_mw: float | None = parameter(label_zh="额定热功率", unit="MW", default=None, validator=positive)
    water_volume_l: float | None = parameter(label_zh="设计正常水位水容积", unit="L", default=None, validator=positive)
    medium: BoilerMedium | None = parameter(label_zh="介质", default=None)
    fuel: FuelType | None = parameter(label_zh="燃料", default=None)
    utility: bool = parameter(label_zh="电站锅炉", default=False)
