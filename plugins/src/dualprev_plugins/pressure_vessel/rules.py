"""Pressure vessel rules as data: scope, TSG 21 / TSG R0005 intervals, GB 45067 4.1/4.3/4.5, TSG 08, TSG Z6001."""

from __future__ import annotations

from collections.abc import Sequence

from dualprev_plugins._common.gb45067 import (
    INSPECTION_NONCONFORMING,
    conclusion_failed,
    criterion,
    filling_criteria,
    general_criteria,
)
from dualprev_plugins._common.intervals import IntervalRule
from dualprev_plugins._common.scope import Threshold
from dualprev_plugins.pressure_vessel.parameters import PressureVesselParameters, VesselClass
from dualprev_sdk import Equipment, Source, SourceStatus
from dualprev_sdk.equipment_classes import CertificateRequirement, MajorHazardCriterion, ManagementThreshold

STATIONARY, MOBILE, OXYGEN_CHAMBER = "2100", "2200", "2400"
CODES = (STATIONARY, MOBILE, OXYGEN_CHAMBER)
RAIL_TANK, ROAD_TANK, TUBE_TRAILER, TANK_CONTAINER, TUBE_BUNDLE = "2210", "2220", "2230", "2240", "2250"

# -- scope (Part C §1.4, [GK]) ---------------------------------------------------------------------------------------

SCOPE = (
    Threshold(
        name="max_working_pressure_mpa",
        label_zh="最高工作压力",
        unit="MPa",
        minimum=0.1,
        value=lambda p: p.max_working_pressure_mpa if p.max_working_pressure_mpa is not None else p.design_pressure_mpa,
    ),
    Threshold(name="volume_l", label_zh="容积", unit="L", minimum=30, value=lambda p: p.volume_l),
    Threshold(name="inner_diameter_mm", label_zh="内直径", unit="mm", minimum=150, value=lambda p: p.inner_diameter_mm),
)

# -- intervals (Part C §3) -------------------------------------------------------------------------------------------

TSG21 = Source(
    document="TSG 21-2016《固定式压力容器安全技术监察规程》",
    clause="定期检验周期",
    status=SourceStatus.SECONDARY,
    note="aspcms.cn/tech/1680576.html; czt.cc",
)
TSG21_NON_METAL = Source(
    document="TSG 21-2016《固定式压力容器安全技术监察规程》",
    clause="非金属压力容器定期检验周期",
    status=SourceStatus.SECONDARY,
    note="m.zhengss.com/shiti/126484",
)
TSG21_ANNUAL = Source(
    document="TSG 21-2016《固定式压力容器安全技术监察规程》",
    clause="年度检查",
    status=SourceStatus.SECONDARY,
    note="niuyw 特种设备检验周期一览表",
)
MOBILE_SOURCE = Source(
    document="TSG R0005《移动式压力容器安全技术监察规程》",
    clause="定期检验",
    status=SourceStatus.SECONDARY,
    note="niuyw; 100ye.net/g86701578.html",
)


def _pv(key: str, months: int, rule_zh: str, source: Source = TSG21, kind: str = "periodic_inspection") -> IntervalRule:
    return IntervalRule(key=key, kind=kind, months=months, rule_zh=rule_zh, source=source)


STATIONARY_FIRST = _pv("pv.stationary.first", 36, "金属压力容器首次定期检验：投用后3年内进行")
STATIONARY_BY_GRADE = {
    1: _pv("pv.stationary.grade_1_2", 72, "安全状况等级1、2级：一般每6年检验一次"),
    2: _pv("pv.stationary.grade_1_2", 72, "安全状况等级1、2级：一般每6年检验一次"),
    3: _pv("pv.stationary.grade_3", 36, "安全状况等级3级：一般每3～6年检验一次（默认取3年，可配置）"),
    4: _pv(
        "pv.stationary.grade_4",
        36,
        "安全状况等级4级：监控使用，检验周期由检验机构确定，累计监控使用时间不得超过3年",
    ),
}
NON_METAL_FIRST = _pv("pv.non_metal.first", 12, "非金属压力容器首次定期检验：投用后1年内进行", TSG21_NON_METAL)
NON_METAL_BY_GRADE = {
    1: _pv("pv.non_metal.grade_1", 36, "非金属压力容器安全状况等级1级：每3年检验一次", TSG21_NON_METAL),
    2: _pv("pv.non_metal.grade_2", 24, "非金属压力容器安全状况等级2级：每2年检验一次", TSG21_NON_METAL),
    3: _pv("pv.non_metal.grade_3", 12, "非金属压力容器安全状况等级3级：监控使用，不超过1年", TSG21_NON_METAL),
    4: _pv(
        "pv.non_metal.grade_4",
        12,
        "非金属压力容器安全状况等级4级：不得在当前介质下使用；改用其他介质时监控使用，不超过1年",
        TSG21_NON_METAL,
    ),
}
ANNUAL_CHECK = _pv("pv.annual_check", 12, "压力容器年度检查：使用单位每年至少进行一次", TSG21_ANNUAL, "annual_check")

#: Mobile tanks (road 2220, rail 2210, tank container 2240): new tank first at 1 year, then by grade.
MOBILE_FIRST = _pv("pv.mobile.first", 12, "移动式压力容器（罐车、罐式集装箱）新罐首次全面检验：1年", MOBILE_SOURCE)
MOBILE_BY_GRADE: dict[str, dict[str, IntervalRule]] = {
    ROAD_TANK: {
        "1_2": _pv("pv.mobile.2220.grade_1_2", 60, "汽车罐车安全状况等级1、2级：每5年全面检验一次", MOBILE_SOURCE),
        "3": _pv("pv.mobile.2220.grade_3", 36, "汽车罐车安全状况等级3级：每3年全面检验一次", MOBILE_SOURCE),
    },
    RAIL_TANK: {
        "1_2": _pv("pv.mobile.2210.grade_1_2", 48, "铁路罐车安全状况等级1、2级：每4年全面检验一次", MOBILE_SOURCE),
        "3": _pv("pv.mobile.2210.grade_3", 24, "铁路罐车安全状况等级3级：每2年全面检验一次", MOBILE_SOURCE),
    },
    TANK_CONTAINER: {
        "1_2": _pv("pv.mobile.2240.grade_1_2", 60, "罐式集装箱安全状况等级1、2级：每5年全面检验一次", MOBILE_SOURCE),
        "3": _pv("pv.mobile.2240.grade_3", 30, "罐式集装箱安全状况等级3级：每2.5年全面检验一次", MOBILE_SOURCE),
    },
}
MOBILE_ANNUAL = _pv("pv.mobile.annual", 12, "移动式压力容器年度检验：每年一次", MOBILE_SOURCE, "annual_inspection")
MOBILE_PRESSURE_TEST = _pv(
    "pv.mobile.pressure_test", 72, "移动式压力容器耐压试验：至少每6年一次", MOBILE_SOURCE, "pressure_test"
)
TUBE_TRAILER_FIRST = {
    "A": _pv("pv.tube_trailer.first_a", 36, "长管拖车（A类介质）首次定期检验：3年", MOBILE_SOURCE),
    "B": _pv("pv.tube_trailer.first_b", 48, "长管拖车（B类介质）首次定期检验：4年", MOBILE_SOURCE),
}
TUBE_TRAILER_NEXT = {
    "A": _pv("pv.tube_trailer.a", 60, "长管拖车（A类介质）定期检验：每5年一次", MOBILE_SOURCE),
    "B": _pv("pv.tube_trailer.b", 72, "长管拖车（B类介质）定期检验：每6年一次", MOBILE_SOURCE),
}
SAFETY_VALVE = _pv(
    "pv.safety_valve",
    12,
    "压力容器安全阀：每年至少校验一次（符合条件的弹簧直接载荷式安全阀可延长至3年或5年，需配置）",
    Source(
        document="TSG 21-2016 / TSG ZF001",
        clause="安全阀校验周期",
        status=SourceStatus.SECONDARY,
        note="100ye.net/g86701578.html",
    ),
    "safety_valve",
)
PRESSURE_GAUGE = _pv(
    "pressure_gauge",
    6,
    "压力表：检定周期一般不超过6个月",
    Source(document="JJG 52", clause="检定周期", status=SourceStatus.GENERAL_KNOWLEDGE),
    "pressure_gauge",
)
NO_USE_GRADE_5 = "安全状况等级5级：应当对缺陷进行处理，否则不得继续使用"

# -- GB 45067-2024 4.3 ([V-2nd] m.scxkrz.cn/g86705063.html) and 4.5 ([V-2nd]) ------------------------------------------

FINDINGS: dict[str, str] = {
    INSPECTION_NONCONFORMING: "定期检验结论为不符合要求",
    "stationary_vessel_used_as_mobile": "固定式压力容器改做移动式压力容器使用",
    "safety_valve_missing_or_failed": "安全阀缺失或失效",
    "bursting_disc_missing_or_failed": "爆破片缺失或失效",
    "emergency_shutoff_missing_or_failed": "紧急切断装置缺失或失效",
    "quick_opening_interlock_missing_or_failed": "快开门式压力容器快开安全保护联锁装置缺失或失效",
    "oxygen_chamber_grounding_missing_or_failed": "氧舱接地装置缺失或失效",
    "filling_without_licence": "未经许可擅自从事移动式压力容器充装",
    "wrong_medium_filled": "错装介质",
    "filling_facility_emergency_shutoff_missing_or_failed": "充装设备设施上的紧急切断装置缺失或失效",
}


def _criteria() -> tuple[MajorHazardCriterion, ...]:
    s, m, o = STATIONARY, MOBILE, OXYGEN_CHAMBER
    return (
        *general_criteria(CODES),
        criterion(
            "4.3",
            "a",
            "定期检验的检验结论为不符合要求",
            CODES,
            (INSPECTION_NONCONFORMING,),
            predicate=conclusion_failed,
            note="safety grade 5 is read as 不符合要求 ([GK])",
        ),
        criterion("4.3", "b", "固定式压力容器改做移动式压力容器使用", (s, m), ("stationary_vessel_used_as_mobile",)),
        criterion(
            "4.3",
            "c",
            "固定式、移动式压力容器的安全阀、爆破片、紧急切断装置缺失或失效",
            (s, m),
            (
                "safety_valve_missing_or_failed",
                "bursting_disc_missing_or_failed",
                "emergency_shutoff_missing_or_failed",
            ),
        ),
        criterion(
            "4.3",
            "d",
            "快开门式固定式压力容器的快开安全保护联锁装置缺失或失效",
            (s,),
            ("quick_opening_interlock_missing_or_failed",),
        ),
        criterion("4.3", "e", "氧舱的接地装置缺失或失效", (o,), ("oxygen_chamber_grounding_missing_or_failed",)),
        *filling_criteria((m,), "移动式压力容器"),
    )


CRITERIA = _criteria()

# -- TSG 08-2017 (Part C §4, [V]) --------------------------------------------------------------------------------------

#: TSG 08-2017 2.4.2(2): this many class III stationary vessels need a full-time safety manager.
CLASS_III_VESSELS_FOR_FULL_TIME_MANAGER = 5


def _is_class_iii(e: Equipment) -> bool:
    if e.catalog_code == "2130":
        return True
    params = e.parameters
    return (
        e.catalog_code.startswith("21")
        and isinstance(params, PressureVesselParameters)
        and params.vessel_class == VesselClass.III
    )


def _many_class_iii(equipment: Sequence[Equipment]) -> bool:
    return sum(1 for e in equipment if _is_class_iii(e)) >= CLASS_III_VESSELS_FOR_FULL_TIME_MANAGER


def _uses_mobile(equipment: Sequence[Equipment]) -> bool:
    return any(e.catalog_code.startswith("22") for e in equipment)


def _never(_equipment: Sequence[Equipment]) -> bool:
    return False


def _tsg08(clause: str) -> Source:
    return Source(document="TSG 08-2017", clause=clause, status=SourceStatus.VERIFIED)


MANAGEMENT_THRESHOLDS = (
    ManagementThreshold(
        code="tsg08.2.3(1).plant",
        requirement="safety_management_organisation",
        text="使用石油化工、化工成套装置的，应当设置特种设备安全管理机构",
        test=_never,
        activities=("petrochemical_complete_plant",),
        source=_tsg08("2.3(1)"),
    ),
    ManagementThreshold(
        code="tsg08.2.4.2(2)",
        requirement="full_time_safety_manager",
        text=f"使用{CLASS_III_VESSELS_FOR_FULL_TIME_MANAGER}台以上（含）第Ⅲ类固定式压力容器的，应当配备专职安全管理员",
        test=_many_class_iii,
        source=_tsg08("2.4.2(2)"),
    ),
    ManagementThreshold(
        code="tsg08.2.4.2(3).mobile_pv_filling",
        requirement="full_time_safety_manager",
        text="从事移动式压力容器充装的，应当配备专职安全管理员",
        test=_never,
        activities=("mobile_pv_filling",),
        source=_tsg08("2.4.2(3)"),
    ),
    ManagementThreshold(
        code="tsg08.2.4.2(5).mobile_pv",
        requirement="full_time_safety_manager",
        text="使用移动式压力容器的，应当配备专职安全管理员",
        test=_uses_mobile,
        source=_tsg08("2.4.2(5)"),
    ),
)

# -- TSG Z6001-2019 (Part C §5) ----------------------------------------------------------------------------------------

QUICK_OPENING = CertificateRequirement(
    post_zh="快开门式压力容器操作",
    categories=("R1",),
    source=Source(document="TSG Z6001-2019", clause="附件A R1", status=SourceStatus.VERIFIED),
)
MOBILE_FILLING = CertificateRequirement(
    post_zh="移动式压力容器充装（充装单位）",
    categories=("R2",),
    source=Source(document="TSG Z6001-2019", clause="附件A R2", status=SourceStatus.VERIFIED),
)
OXYGEN_CHAMBER_MAINTENANCE = CertificateRequirement(
    post_zh="氧舱维护保养",
    categories=("R3",),
    source=Source(
        document="TSG Z6001-2019", clause="附件A R3", status=SourceStatus.GENERAL_KNOWLEDGE, note="kept from 2011"
    ),
)
