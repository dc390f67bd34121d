"""Pressure piping parameters (压力管道技术参数). A record is one pipeline (管道单元) with its length."""

from __future__ import annotations

import enum
import re
from typing import Any

import attrs

from dualprev_plugins._common.validators import in_range, positive
from dualprev_sdk.equipment_classes import parameter

__all__ = ["PIPE_CLASS_PATTERN", "PipeMaterial", "PipingMediumPhase", "PressurePipingParameters"]

#: GA (long-distance), GB (public: GB1 gas with pressure sub-grades I–VI, GB2 heat), GC (industrial), GD (power).
PIPE_CLASS_PATTERN = re.compile(r"^(GA[12]|GB1(-(I|II|III|IV|V|VI))?|GB2|GC[123]|GD[12])$")


def _pipe_class(_instance: Any, attribute: attrs.Attribute[Any], value: str | None) -> None:
    if value is not None and not PIPE_CLASS_PATTERN.match(value):
        raise ValueError(
            f"{attribute.name} must be a piping class like GC1, GC2, GB1-III, GB2, GA1 or GD1, got {value!r}"
        )


def _normalise_class(value: Any) -> Any:
    """``gc1`` → ``GC1``, ``GB1－Ⅲ`` (full-width) → ``GB1-III``: ledgers write classes many ways."""
    if not isinstance(value, str):
        return value
    text = value.strip().upper().replace("－", "-").replace("—", "-").replace(" ", "")
    for roman, ascii_ in (("Ⅵ", "VI"), ("Ⅳ", "IV"), ("Ⅴ", "V"), ("Ⅲ", "III"), ("Ⅱ", "II"), ("Ⅰ", "I")):
        text = text.replace(roman, ascii_)
    return text or None


class PipeMaterial(enum.StrEnum):
    STEEL = "steel"  # 钢质
    PE = "pe"  # 聚乙烯
    CAST_IRON = "cast_iron"  # 铸铁
    OTHER = "other"

    @property
    def name_zh(self) -> str:
        return {"steel": "钢质", "pe": "聚乙烯（PE）", "cast_iron": "铸铁", "other": "其他"}[self.value]


class PipingMediumPhase(enum.StrEnum):
    GAS = "gas"  # 气体
    LIQUEFIED_GAS = "liquefied_gas"  # 液化气体
    STEAM = "steam"  # 蒸汽
    LIQUID = "liquid"  # 液体

    @property
    def name_zh(self) -> str:
        return {"gas": "气体", "liquefied_gas": "液化气体", "steam": "蒸汽", "liquid": "液体"}[self.value]


@attrs.frozen(kw_only=True)
class PressurePipingParameters:
    """Hazard flags are ``None`` when unknown, so a missing answer never excludes a line from the catalogue."""

    pipe_class: str | None = parameter(
        label_zh="管道级别", default=None, converter=_normalise_class, validator=_pipe_class
    )
    nominal_diameter_mm: float | None = parameter(label_zh="公称直径", unit="mm", default=None, validator=positive)
    length_m: float | None = parameter(label_zh="管道长度", unit="m", default=None, validator=positive)
    design_pressure_mpa: float | None = parameter(label_zh="设计压力", unit="MPa", default=None, validator=positive)
    max_working_pressure_mpa: float | None = parameter(
        label_zh="最高工作压力", unit="MPa", default=None, validator=positive
    )
    medium: str = parameter(label_zh="输送介质", default="")
    medium_phase: PipingMediumPhase | None = parameter(label_zh="介质状态", default=None)
    medium_flammable: bool | None = parameter(label_zh="易燃易爆介质", default=None)
    medium_toxic: bool | None = parameter(label_zh="有毒介质", default=None)
    medium_corrosive: bool | None = parameter(label_zh="腐蚀性介质", default=None)
    material: PipeMaterial | None = parameter(label_zh="管道材料", default=None)
    safety_grade: int | None = parameter(label_zh="安全状况等级", default=None, validator=in_range(1, 5))

    @property
    def pressure_mpa(self) -> float | None:
        return self.max_working_pressure_mpa if self.max_working_pressure_mpa is not None else self.design_pressure_mpa
