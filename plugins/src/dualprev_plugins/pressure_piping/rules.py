"""Pressure piping rules as data: scope, TSG D7005 / D7004 intervals, GB 45067 4.1/4.4, TSG 08 10 km threshold."""

from __future__ import annotations

from collections.abc import Sequence

from dualprev_plugins._common.gb45067 import INSPECTION_NONCONFORMING, conclusion_failed, criterion, general_criteria
from dualprev_plugins._common.intervals import IntervalRule
from dualprev_plugins._common.scope import Threshold
from dualprev_plugins.pressure_piping.parameters import PressurePipingParameters
from dualprev_sdk import Equipment, Source, SourceStatus
from dualprev_sdk.equipment_classes import MajorHazardCriterion, ManagementThreshold

CODES = ("8000",)
LONG_DISTANCE, PUBLIC, INDUSTRIAL = "8100", "8200", "8300"

# -- scope (Part C §1.4, [GK]) ---------------------------------------------------------------------------------------

SCOPE = (
    Threshold(
        name="max_working_pressure_mpa",
        label_zh="最高工作压力",
        unit="MPa",
        minimum=0.1,
        value=lambda p: p.pressure_mpa,
    ),
    Threshold(
        name="nominal_diameter_mm",
        label_zh="公称直径",
        unit="mm",
        minimum=50,
        inclusive=False,
        value=lambda p: p.nominal_diameter_mm,
    ),
)
#: Excluded from the catalogue: DN < 150 and p < 1.6 MPa carrying a non-toxic, non-flammable, non-corrosive gas.
EXCLUSION_DN_MM = 150
EXCLUSION_PRESSURE_MPA = 1.6

# -- intervals (Part C §3) -------------------------------------------------------------------------------------------

D7005 = Source(
    document="TSG D7005-2018《压力管道定期检验规则——工业管道》",
    clause="定期检验周期",
    status=SourceStatus.GENERAL_KNOWLEDGE,
    note="domain reference Part C §3 marks the industrial piping intervals [GK]",
)
D7004 = Source(
    document="TSG D7004-2010《压力管道定期检验规则——公用管道》",
    clause="全面检验周期",
    status=SourceStatus.SECONDARY,
    note="100ye.net; m.osakaduluthinc.com (云南技能考试网 text)",
)


def _rule(key: str, years: float, text: str, source: Source, kind: str = "periodic_inspection") -> IntervalRule:
    return IntervalRule(key=key, kind=kind, months=round(years * 12), rule_zh=text, source=source)


INDUSTRIAL_FIRST = _rule("piping.industrial.first", 3, "工业管道首次定期检验：投用后3年内进行", D7005)
INDUSTRIAL_GC1_GC2 = _rule(
    "piping.industrial.gc1_gc2.grade_1_2", 6, "工业管道GC1、GC2级，安全状况等级1、2级：不超过6年", D7005
)
INDUSTRIAL_GC3 = _rule("piping.industrial.gc3.grade_1_2", 9, "工业管道GC3级，安全状况等级1、2级：不超过9年", D7005)
INDUSTRIAL_GRADE_3 = _rule("piping.industrial.grade_3", 3, "工业管道安全状况等级3级：不超过3年", D7005)
INDUSTRIAL_ANNUAL = _rule("piping.industrial.annual_check", 1, "工业管道年度检查：每年至少一次", D7005, "annual_check")

PUBLIC_GB1_III = _rule("piping.public.gb1_iii", 8, "公用管道GB1-III级（次高压燃气）：全面检验不超过8年", D7004)
PUBLIC_12_YEARS = _rule(
    "piping.public.gb1_iv_to_vi_gb2", 12, "公用管道GB1-IV级（次高压）、中压燃气管道及GB2热力管道：不超过12年", D7004
)
PUBLIC_PE_CAST_IRON = _rule("piping.public.pe_cast_iron", 15, "聚乙烯或铸铁材质公用管道：全面检验不超过15年", D7004)
PUBLIC_ANNUAL = _rule(
    "piping.public.annual_check", 1, "公用管道年度检查：每年一次（全面检验年度可不进行）", D7004, "annual_check"
)
SAFETY_VALVE = _rule(
    "piping.safety_valve",
    1,
    "压力管道安全阀：每年至少校验一次（工业管道符合条件的可延长至不超过3年，需配置）",
    Source(
        document="TSG D7005-2018 / TSG ZF001",
        clause="安全阀校验周期",
        status=SourceStatus.SECONDARY,
        note="100ye.net/g86701578.html",
    ),
    "safety_valve",
)
PRESSURE_GAUGE = _rule(
    "pressure_gauge",
    0.5,
    "压力表：检定周期一般不超过6个月",
    Source(document="JJG 52", clause="检定周期", status=SourceStatus.GENERAL_KNOWLEDGE),
    "pressure_gauge",
)

# -- GB 45067-2024 4.4 ([V-2nd] m.stresscarki.com/g86707986.html) ------------------------------------------------------

FINDINGS: dict[str, str] = {
    INSPECTION_NONCONFORMING: "定期检验结论为不符合要求或不允许使用",
    "safety_valve_missing_or_failed": "安全阀缺失或失效",
    "bursting_disc_missing_or_failed": "爆破片装置缺失或失效",
    "emergency_shutoff_missing_or_failed": "紧急切断装置缺失或失效",
}


def _criteria() -> tuple[MajorHazardCriterion, ...]:
    return (
        *general_criteria(CODES),
        criterion(
            "4.4",
            "a",
            "定期检验的检验结论为不符合要求或不允许使用",
            CODES,
            (INSPECTION_NONCONFORMING,),
            predicate=conclusion_failed,
        ),
        criterion(
            "4.4",
            "b",
            "安全阀、爆破片装置、紧急切断装置缺失或失效",
            CODES,
            (
                "safety_valve_missing_or_failed",
                "bursting_disc_missing_or_failed",
                "emergency_shutoff_missing_or_failed",
            ),
        ),
    )


CRITERIA = _criteria()

# -- TSG 08-2017 2.4.2(4) ([V]) ----------------------------------------------------------------------------------------

#: Total length of industrial piping (m) at which a full-time safety manager is required.
INDUSTRIAL_PIPING_LENGTH_FOR_FULL_TIME_MANAGER_M = 10_000


def industrial_piping_length_m(equipment: Sequence[Equipment]) -> float:
    return sum(
        e.parameters.length_m
        for e in equipment
        if e.catalog_code.startswith("83")
        and isinstance(e.parameters, PressurePipingParameters)
        and e.parameters.length_m is not None
    )


def _long_industrial_piping(equipment: Sequence[Equipment]) -> bool:
    return industrial_piping_length_m(equipment) >= INDUSTRIAL_PIPING_LENGTH_FOR_FULL_TIME_MANAGER_M


MANAGEMENT_THRESHOLDS = (
    ManagementThreshold(
        code="tsg08.2.4.2(4)",
        requirement="full_time_safety_manager",
        text="使用10 km以上（含）工业管道的，应当配备专职安全管理员",
        test=_long_industrial_piping,
        source=Source(document="TSG 08-2017", clause="2.4.2(4)", status=SourceStatus.VERIFIED),
    ),
)

CERTIFICATE_NOTE = (
    "TSG Z6001-2019 has no pressure-piping operator item: "  # Part C §0.1 item 3
    "the 2011 items D1/D2/D3 (巡检维护/带压封堵/带压密封) were dropped"
)
