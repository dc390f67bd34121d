"""Value objects shared by several aggregates: citations, roles, locations, the four risk levels."""

from __future__ import annotations

import enum

import attrs

__all__ = [
    "ControlLevel",
    "CrowdedPlaceType",
    "Frequency",
    "Location",
    "RiskLevel",
    "SafetyRole",
    "Source",
    "SourceStatus",
]


class SourceStatus(enum.StrEnum):
    """How sure a regulatory fact is, using the markers of the domain reference (Part C §0)."""

    VERIFIED = "V"
    SECONDARY = "V-2nd"
    GENERAL_KNOWLEDGE = "GK"
    CONFLICT = "CONFLICT"
    USER = "user"  # supplied by configuration, not by the shipped data


@attrs.frozen(kw_only=True)
class Source:
    """Where a rule comes from: ``Source(document="TSG T7001-2023", clause="2.2")``.

    Every regulatory value in the SDK carries one, because rules change (TSG T7001-2023 replaced annual lift
    inspections) and a safety officer must be able to check what the software relied on.
    """

    document: str
    clause: str = ""
    status: SourceStatus = SourceStatus.SECONDARY
    note: str = ""

    def __str__(self) -> str:
        clause = f" {self.clause}" if self.clause else ""
        return f"{self.document}{clause}"


class RiskLevel(enum.IntEnum):
    """The four risk levels of every Chinese dual-prevention guide (domain reference Part C §7).

    Lower number = higher risk, as in the guides (1级 = 重大风险).
    """

    MAJOR = 1
    SIGNIFICANT = 2
    GENERAL = 3
    LOW = 4

    @property
    def name_zh(self) -> str:
        return _LEVEL_ZH[self]

    @property
    def color(self) -> str:
        """The colour name used on control lists and four-colour maps."""
        return _LEVEL_COLOR[self]

    @property
    def color_zh(self) -> str:
        return _LEVEL_COLOR_ZH[self]

    @property
    def hex_color(self) -> str:
        """The print colour for fills (RGB hex without '#')."""
        return _LEVEL_HEX[self]

    @property
    def default_control_level(self) -> ControlLevel:
        """The typical control level for this risk level (Part C §7, [GK]); user data may override it."""
        return _LEVEL_CONTROL[self]


_LEVEL_ZH = {
    RiskLevel.MAJOR: "重大风险",
    RiskLevel.SIGNIFICANT: "较大风险",
    RiskLevel.GENERAL: "一般风险",
    RiskLevel.LOW: "低风险",
}
_LEVEL_COLOR = {
    RiskLevel.MAJOR: "red",
    RiskLevel.SIGNIFICANT: "orange",
    RiskLevel.GENERAL: "yellow",
    RiskLevel.LOW: "blue",
}
_LEVEL_COLOR_ZH = {RiskLevel.MAJOR: "红", RiskLevel.SIGNIFICANT: "橙", RiskLevel.GENERAL: "黄", RiskLevel.LOW: "蓝"}
_LEVEL_HEX = {
    RiskLevel.MAJOR: "FF0000",
    RiskLevel.SIGNIFICANT: "FF9900",
    RiskLevel.GENERAL: "FFFF00",
    RiskLevel.LOW: "0070C0",
}


class ControlLevel(enum.StrEnum):
    """管控层级: who owns the control of a risk point."""

    COMPANY = "company"  # 公司级
    DEPARTMENT = "department"  # 部门/车间级
    TEAM = "team"  # 班组级
    POST = "post"  # 岗位级

    @property
    def name_zh(self) -> str:
        return {"company": "公司级", "department": "部门级", "team": "班组级", "post": "岗位级"}[self.value]


_LEVEL_CONTROL = {
    RiskLevel.MAJOR: ControlLevel.COMPANY,
    RiskLevel.SIGNIFICANT: ControlLevel.DEPARTMENT,
    RiskLevel.GENERAL: ControlLevel.TEAM,
    RiskLevel.LOW: ControlLevel.POST,
}


class SafetyRole(enum.StrEnum):
    """Roles of SAMR Order No. 74 plus the operational roles the lists name."""

    PRINCIPAL = "principal"  # 主要负责人
    SAFETY_DIRECTOR = "safety_director"  # 安全总监
    SAFETY_OFFICER = "safety_officer"  # 安全员
    OPERATOR = "operator"  # 作业人员
    MAINTENANCE = "maintenance"  # 维护保养人员

    @property
    def name_zh(self) -> str:
        return {
            "principal": "主要负责人",
            "safety_director": "安全总监",
            "safety_officer": "安全员",
            "operator": "作业人员",
            "maintenance": "维护保养人员",
        }[self.value]


class Frequency(enum.StrEnum):
    """How often a check or duty recurs."""

    PER_SHIFT = "per_shift"
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half_yearly"
    YEARLY = "yearly"
    PERIODIC = "periodic"  # by the periodic-inspection cycle

    @property
    def name_zh(self) -> str:
        return {
            "per_shift": "每班",
            "daily": "每日",
            "weekly": "每周",
            "monthly": "每月",
            "quarterly": "每季度",
            "half_yearly": "每半年",
            "yearly": "每年",
            "periodic": "定期",
        }[self.value]


class CrowdedPlaceType(enum.StrEnum):
    """公众聚集场所 types named in TSG 08 2.3 and inspection software (Part C §7.5)."""

    SCHOOL = "school"  # 学校
    KINDERGARTEN = "kindergarten"  # 幼儿园
    HOSPITAL = "hospital"  # 医院
    STATION = "station"  # 车站
    PASSENGER_TERMINAL = "passenger_terminal"  # 客运码头
    MALL = "mall"  # 商场
    STADIUM = "stadium"  # 体育场馆
    EXHIBITION_HALL = "exhibition_hall"  # 展览馆
    PARK = "park"  # 公园
    OTHER = "other"  # 其他公众聚集场所

    @property
    def name_zh(self) -> str:
        return {
            "school": "学校",
            "kindergarten": "幼儿园",
            "hospital": "医院",
            "station": "车站",
            "passenger_terminal": "客运码头",
            "mall": "商场",
            "stadium": "体育场馆",
            "exhibition_hall": "展览馆",
            "park": "公园",
            "other": "其他公众聚集场所",
        }[self.value]


@attrs.frozen(kw_only=True)
class Location:
    """Where a piece of equipment stands: a schematic position (building/floor/area) and, where the unit has a
    site plan, coordinates on it (in the plan's own units)."""

    address: str = ""
    building: str = ""
    floor: str = ""
    area: str = ""
    x: float | None = None
    y: float | None = None
