"""Gas cylinder parameters (气瓶技术参数). The medium category and construction decide the inspection cycle."""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from dualprev_plugins._common.validators import positive
from dualprev_sdk.equipment_classes import parameter

__all__ = ["CylinderConstruction", "CylinderMaterial", "GasCylinderParameters", "MediumCategory"]


class MediumCategory(enum.StrEnum):
    """充装介质类别 as the interval tables distinguish them (Part C §3)."""

    CORROSIVE = "corrosive"  # 腐蚀性气体（氯、氨、二氧化硫…）
    GENERAL = "general"  # 一般气体（氧、空气、二氧化碳…）
    INERT = "inert"  # 惰性气体（氮、氩、氦、六氟化硫…）
    HIGH_PURITY = "high_purity"  # 纯度≥99.999%的高纯气体
    LPG = "lpg"  # 液化石油气
    DME = "dme"  # 液化二甲醚
    DISSOLVED_ACETYLENE = "dissolved_acetylene"  # 溶解乙炔
    CNG = "cng"  # 压缩天然气
    HYDROGEN = "hydrogen"  # 氢气

    @property
    def name_zh(self) -> str:
        return {
            "corrosive": "腐蚀性气体",
            "general": "一般气体",
            "inert": "惰性气体",
            "high_purity": "高纯气体",
            "lpg": "液化石油气",
            "dme": "液化二甲醚",
            "dissolved_acetylene": "溶解乙炔",
            "cng": "压缩天然气",
            "hydrogen": "氢气",
        }[self.value]


class CylinderConstruction(enum.StrEnum):
    """结构型式: 2310 seamless, 2320 welded; 23T0 special cylinders are one of the last three."""

    SEAMLESS = "seamless"  # 无缝
    WELDED = "welded"  # 焊接
    FIBRE_WRAPPED = "fibre_wrapped"  # 纤维缠绕
    FILLER_PACKED = "filler_packed"  # 内装填料（乙炔）
    CRYOGENIC_INSULATED = "cryogenic_insulated"  # 低温绝热

    @property
    def name_zh(self) -> str:
        return {
            "seamless": "无缝气瓶",
            "welded": "焊接气瓶",
            "fibre_wrapped": "纤维缠绕气瓶",
            "filler_packed": "内装填料气瓶",
            "cryogenic_insulated": "低温绝热气瓶",
        }[self.value]


class CylinderMaterial(enum.StrEnum):
    STEEL = "steel"  # 钢质
    ALUMINIUM_ALLOY = "aluminium_alloy"  # 铝合金
    COMPOSITE = "composite"  # 复合材料
    OTHER = "other"

    @property
    def name_zh(self) -> str:
        return {"steel": "钢质", "aluminium_alloy": "铝合金", "composite": "复合材料", "other": "其他"}[self.value]


@attrs.frozen(kw_only=True)
class GasCylinderParameters:
    """One cylinder (气瓶). ``manufactured_on`` starts the inspection count of a never-inspected cylinder."""

    medium: str = parameter(label_zh="充装介质", default="")
    medium_category: MediumCategory | None = parameter(label_zh="介质类别", default=None)
    nominal_working_pressure_mpa: float | None = parameter(
        label_zh="公称工作压力", unit="MPa", default=None, validator=positive
    )
    volume_l: float | None = parameter(label_zh="公称容积", unit="L", default=None, validator=positive)
    material: CylinderMaterial | None = parameter(label_zh="材料", default=None)
    construction: CylinderConstruction | None = parameter(label_zh="结构型式", default=None)
    vehicle_fuel: bool = parameter(label_zh="车用气瓶", default=False)
    corrosive_environment: bool = parameter(label_zh="腐蚀性环境（如海水）使用", default=False)
    manufactured_on: dt.date | None = parameter(label_zh="制造日期", default=None)
    design_life_years: int | None = parameter(label_zh="设计使用年限", default=None, validator=positive)
