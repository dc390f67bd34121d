"""Boiler rules as data: scope thresholds, inspection intervals, GB 45067 criteria, TSG 08 thresholds,
certificates. Each value carries the source and status the domain reference gives it."""

from __future__ import annotations

from collections.abc import Sequence

from dualprev_plugins._common.gb45067 import INSPECTION_NONCONFORMING, conclusion_failed, criterion, general_criteria
from dualprev_plugins._common.intervals import IntervalRule
from dualprev_plugins._common.scope import Threshold
from dualprev_plugins.boiler.parameters import BoilerParameters
from dualprev_sdk import Equipment, Source, SourceStatus
from dualprev_sdk.equipment_classes import CertificateRequirement, MajorHazardCriterion, ManagementThreshold

CODES = ("1000",)
WATER_BOILERS = ("1100", "1200")  # steam and hot-water: water level, water treatment, blowdown

# -- scope (Part C §1.4, [GK]) -----------------------------------------------------------------------------------

STEAM_SCOPE = (
    Threshold(
        name="water_volume_l", label_zh="设计正常水位水容积", unit="L", minimum=30, value=lambda p: p.water_volume_l
    ),
    Threshold(
        name="rated_pressure_mpa",
        label_zh="额定蒸汽压力",
        unit="MPa",
        minimum=0.1,
        value=lambda p: p.rated_pressure_mpa,
    ),
)
HOT_WATER_SCOPE = (
    Threshold(
        name="rated_pressure_mpa",
        label_zh="额定出水压力",
        unit="MPa",
        minimum=0.1,
        value=lambda p: p.rated_pressure_mpa,
    ),
    Threshold(name="rated_power_mw", label_zh="额定热功率", unit="MW", minimum=0.1, value=lambda p: p.rated_power_mw),
)
THERMAL_OIL_SCOPE = (
    Threshold(name="rated_power_mw", label_zh="额定热功率", unit="MW", minimum=0.1, value=lambda p: p.rated_power_mw),
)

# -- intervals (Part C §3) -----------------------------------------------------------------------------------------

TSG11 = Source(
    document="TSG 11-2020《锅炉安全技术规程》",
    clause="定期检验",
    status=SourceStatus.SECONDARY,
    note="earlier TSG G0001-2012 wording quoted by 360docs.net/doc/3e11528754.html",
)
EXTERNAL = IntervalRule(
    key="boiler.external_inspection",
    kind="external_inspection",
    months=12,
    rule_zh="锅炉外部检验：每年进行一次",
    source=TSG11,
)
FIRST_INTERNAL = IntervalRule(
    key="boiler.first_internal_inspection",
    kind="internal_inspection",
    months=12,
    rule_zh="锅炉首次内部检验：投入运行后1年进行",
    source=TSG11,
)
INTERNAL = IntervalRule(
    key="boiler.internal_inspection",
    kind="internal_inspection",
    months=24,
    rule_zh="锅炉内部检验：一般每2年进行一次",
    source=TSG11,
)
UTILITY_INTERNAL = IntervalRule(
    key="boiler.utility_internal_inspection",
    kind="internal_inspection",
    months=36,
    rule_zh="电站锅炉内部检验：结合锅炉检修进行，一般每3～6年一次（取下限3年，可配置）",
    source=TSG11,
)
SAFETY_VALVE = IntervalRule(
    key="boiler.safety_valve",
    kind="safety_valve",
    months=12,
    rule_zh="锅炉安全阀：每年至少校验一次，一般在锅炉运行状态下进行",
    source=Source(
        document="TSG 11-2020 / TSG ZF001",
        clause="安全阀校验",
        status=SourceStatus.SECONDARY,
        note="100ye.net/g86701578.html",
    ),
)
PRESSURE_GAUGE = IntervalRule(
    key="pressure_gauge",
    kind="pressure_gauge",
    months=6,
    rule_zh="压力表：检定周期一般不超过6个月",
    source=Source(document="JJG 52", clause="检定周期", status=SourceStatus.GENERAL_KNOWLEDGE),
)

# -- GB 45067-2024 4.2 ([V-2nd]: m.stresscarki.com/g86715427.html, 100ye.com.cn/g86708273.html) ---------------------

FINDINGS: dict[str, str] = {
    INSPECTION_NONCONFORMING: "定期检验结论为不符合要求",
    "safety_valve_missing": "安全阀（爆破片）缺失",
    "thermal_instrument_failed": "热工仪表失效，无法监视、调整主要运行参数",
    "control_power_interrupted": "控制电（气）源中断，无法监视、调整主要运行参数",
    "safety_valve_failed": "安全阀（爆破片）失效",
    "alarm_system_missing_or_failed": "系统报警装置缺失或失效",
    "interlock_missing_or_failed": "联锁保护装置缺失或失效",
    "flame_failure_protection_missing_or_failed": "熄火保护装置缺失或失效",
    "pressure_part_leaking_in_operation": "运行中受压元件泄漏",
    "liquid_slag_cannot_be_discharged": "液态排渣锅炉无法排渣",
    "furnace_wall_red_hot": "炉墙烧红",
    "combustion_equipment_damaged": "燃烧设备损坏，严重威胁锅炉运行",
    "furnace_wall_collapsed": "炉墙倒塌，严重威胁锅炉运行",
    "boiler_frame_red_hot": "锅炉构架被烧红，严重威胁锅炉运行",
    "utility_main_steam_water_pipe_leaking": "电站锅炉主要汽水管道泄漏",
    "utility_connecting_pipe_burst": "电站锅炉范围内连接管道爆破",
}
_RESTORED = "the word 安全 is restored; some quoting pages drop it"


def _criteria() -> tuple[MajorHazardCriterion, ...]:
    c = CODES
    return (
        *general_criteria(c),
        criterion(
            "4.2", "a", "定期检验的检验结论为不符合要求", c, (INSPECTION_NONCONFORMING,), predicate=conclusion_failed
        ),
        criterion("4.2", "b", "安全阀（爆破片）缺失", c, ("safety_valve_missing",), note=_RESTORED),
        criterion(
            "4.2",
            "c",
            "热工仪表失效或控制电（气）源中断，导致无法监视、调整主要运行参数",
            c,
            ("thermal_instrument_failed", "control_power_interrupted"),
        ),
        criterion("4.2", "d", "安全阀（爆破片）失效", c, ("safety_valve_failed",), note=_RESTORED),
        criterion(
            "4.2",
            "e",
            "系统报警装置缺失或失效",
            c,
            ("alarm_system_missing_or_failed",),
            note="a qualifier word before 系统 may be missing in the quoting page",
        ),
        criterion("4.2", "f", "联锁保护装置缺失或失效", c, ("interlock_missing_or_failed",)),
        criterion("4.2", "g", "熄火保护装置缺失或失效", c, ("flame_failure_protection_missing_or_failed",)),
        criterion(
            "4.2",
            "h",
            "运行中受压元件泄漏、液态排渣锅炉无法排渣、炉墙烧红",
            c,
            ("pressure_part_leaking_in_operation", "liquid_slag_cannot_be_discharged", "furnace_wall_red_hot"),
        ),
        criterion(
            "4.2",
            "i",
            "燃烧设备损坏、炉墙倒塌或者锅炉构架被烧红等，严重威胁锅炉运行",
            c,
            ("combustion_equipment_damaged", "furnace_wall_collapsed", "boiler_frame_red_hot"),
        ),
        criterion(
            "4.2",
            "j",
            "电站锅炉主要汽水管道泄漏或锅炉范围内连接管道爆破",
            c,
            ("utility_main_steam_water_pipe_leaking", "utility_connecting_pipe_burst"),
        ),
    )


CRITERIA = _criteria()

# -- TSG 08-2017 staffing thresholds (Part C §4, [V]) ---------------------------------------------------------------

#: TSG 08-2017 2.4.2(1): a boiler at or above this rated working pressure needs a full-time safety manager.
FULL_TIME_MANAGER_PRESSURE_MPA = 2.5


def _is_boiler(e: Equipment) -> bool:
    return e.catalog_code.startswith("1")


def _utility_boiler(equipment: Sequence[Equipment]) -> bool:
    return any(_is_boiler(e) and isinstance(e.parameters, BoilerParameters) and e.parameters.utility for e in equipment)


def _high_pressure_boiler(equipment: Sequence[Equipment]) -> bool:
    return any(
        _is_boiler(e)
        and isinstance(e.parameters, BoilerParameters)
        and e.parameters.rated_pressure_mpa is not None
        and e.parameters.rated_pressure_mpa >= FULL_TIME_MANAGER_PRESSURE_MPA
        for e in equipment
    )


MANAGEMENT_THRESHOLDS = (
    ManagementThreshold(
        code="tsg08.2.3(1).utility_boiler",
        requirement="safety_management_organisation",
        text="使用电站锅炉的，应当设置特种设备安全管理机构",
        test=_utility_boiler,
        source=Source(
            document="TSG 08-2017",
            clause="2.3(1)",
            status=SourceStatus.VERIFIED,
            note="fujian.gov.cn FAQ 2023-01-31 quoting TSG 08",
        ),
    ),
    ManagementThreshold(
        code="tsg08.2.4.2(1)",
        requirement="full_time_safety_manager",
        text=f"使用额定工作压力大于或者等于{FULL_TIME_MANAGER_PRESSURE_MPA:g} MPa锅炉的，应当配备专职安全管理员",
        test=_high_pressure_boiler,
        source=Source(document="TSG 08-2017", clause="2.4.2(1)", status=SourceStatus.VERIFIED),
    ),
)

# -- TSG Z6001-2019 (Part C §5) -------------------------------------------------------------------------------------

INDUSTRIAL_OPERATOR = CertificateRequirement(
    post_zh="锅炉司炉（工业锅炉）",
    categories=("G1",),
    source=Source(document="TSG Z6001-2019", clause="附件A G1", status=SourceStatus.VERIFIED),
)
UTILITY_OPERATOR = CertificateRequirement(
    post_zh="锅炉司炉（电站锅炉）",
    categories=("G2",),
    source=Source(document="TSG Z6001-2019", clause="附件A G2", status=SourceStatus.GENERAL_KNOWLEDGE),
)
WATER_TREATMENT = CertificateRequirement(
    post_zh="锅炉水处理",
    categories=("G3",),
    source=Source(document="TSG Z6001-2019", clause="附件A G3", status=SourceStatus.VERIFIED),
)
