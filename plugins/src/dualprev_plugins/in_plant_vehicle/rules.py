"""In-plant vehicle rules as data: scope, TSG 81-2022 intervals, GB 45067 (4.1 only; 4.10 is an empty slot),
TSG 08 thresholds, N1/N2 certificates.

GB 45067-2024 clause 4.10 (场（厂）内专用机动车辆) holds about two lettered items, but their text was not retrieved
(domain reference Part C §2.1). The slot is declared in :data:`GB45067_4_10` with status [GK] "text not retrieved"
and :data:`CRITERIA_4_10` is empty on purpose: a criterion that decides whether a hazard is *major* must not be
guessed. Fill it from the official text (openstd.samr.gov.cn; full PDF on shidian.gov.cn) with
:func:`dualprev_plugins._common.gb45067.criterion`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from dualprev_plugins._common import general_criteria, require_base
from dualprev_plugins._common.catalogue import catalogue_gate
from dualprev_plugins._common.intervals import IntervalRule
from dualprev_plugins._common.management import in_use
from dualprev_plugins._common.scope import CATALOGUE_SCOPE
from dualprev_plugins.in_plant_vehicle.parameters import VehicleType, vehicle_type_of
from dualprev_sdk.domain.common import Source, SourceStatus
from dualprev_sdk.domain.equipment import Equipment
from dualprev_sdk.equipment_classes import (
    CertificateRequirement,
    DueDate,
    InspectionFacts,
    MajorHazardCriterion,
    ManagementThreshold,
    ScopeCheck,
)

__all__ = [
    "CRITERIA",
    "CRITERIA_4_10",
    "GB45067_4_10",
    "MANAGEMENT_THRESHOLDS",
    "SAFETY_MONITORING_FROM",
    "catalogue_gate",
    "safety_monitoring_required",
    "vehicle_certificates",
    "vehicle_due_dates",
    "vehicle_scope",
]

# -- scope ---------------------------------------------------------------------------------------------------------


_DEFINITION = Source(
    document="特种设备目录（质检总局2014年第114号公告）",
    clause="场（厂）内专用机动车辆 定义",
    status=SourceStatus.SECONDARY,
    note="除道路交通、农用车辆以外仅在工厂厂区、旅游景区、游乐场所等特定区域使用的专用机动车辆"
    "（Part C §1.4 [GK]；ForkLog 仓库引述同一定义 [V-2nd]）",
)


def vehicle_scope(catalog_code: str, parameters: Any) -> ScopeCheck:
    catalog_code, verdict = catalogue_gate(catalog_code)
    if verdict is not None:
        return verdict
    if getattr(parameters, "public_road_vehicle", False):
        return ScopeCheck(
            in_scope=False,
            reasons=("按道路机动车辆登记并上路行驶的车辆不属于场（厂）内专用机动车辆", "不属于特种设备目录范围"),
            source=_DEFINITION,
        )
    return ScopeCheck(in_scope=True, source=CATALOGUE_SCOPE)


# -- intervals (TSG 81-2022, [V-2nd] — verify) -------------------------------------------------------------------------

TSG81_IN_FORCE = dt.date(2022, 12, 1)
_TSG81 = Source(
    document="TSG 81-2022《场（厂）内专用机动车辆安全技术规程》",
    clause="4.2.1.2 定期检验周期",
    status=SourceStatus.SECONDARY,
    note="VERIFY: only seen in ForkLog core.js (cites TSG 81 4.2.1.2 and 市监特设发〔2022〕87号); "
    "next date accurate to the month, counted from the (first-)inspection pass date",
)
_N0001 = Source(
    document="TSG N0001-2017《场（厂）内专用机动车辆安全技术监察规程》",
    clause="定期检验周期（TSG 81-2022 实施前）",
    status=SourceStatus.SECONDARY,
    note="叉车原为每年1次（ForkLog 仓库：'was 1 year'）；TSG 81-2022 自2022-12-01起施行",
)

FORKLIFT = IntervalRule(
    key="in_plant_vehicle.interval_years.forklift",
    kind="periodic_inspection",
    months=24,
    rule_zh="叉车每2年进行一次定期检验",
    source=_TSG81,
)
SIGHTSEEING = IntervalRule(
    key="in_plant_vehicle.interval_years.sightseeing",
    kind="periodic_inspection",
    months=12,
    rule_zh="非公路用旅游观光车辆每年进行一次定期检验",
    source=_TSG81,
)
FORKLIFT_BEFORE_TSG81 = IntervalRule(
    key="in_plant_vehicle.interval_years.forklift_before_tsg81",
    kind="periodic_inspection",
    months=12,
    rule_zh="TSG 81-2022 施行前检验的叉车：检验有效期1年",
    source=_N0001,
)


def vehicle_due_dates(facts: InspectionFacts) -> list[DueDate]:
    """Forklifts every 2 years, sightseeing vehicles every year; a forklift last inspected under the old rules
    keeps the one-year validity printed on that report."""
    base, first = require_base(facts)
    note = "未记录定期检验，自投入使用（首次检验）日期起算" if first else ""
    vehicle_type = vehicle_type_of(facts.catalog_code, facts.parameters)
    if vehicle_type is VehicleType.FORKLIFT:
        rule = FORKLIFT_BEFORE_TSG81 if not first and base < TSG81_IN_FORCE else FORKLIFT
    elif vehicle_type is None:
        rule = SIGHTSEEING
        note = "; ".join(n for n in (note, "未能确定车辆类型，按每年检验保守计") if n)
    else:
        rule = SIGHTSEEING
    return [rule.due(base, facts, note=note)]


#: Forklifts manufactured from this date must carry a safety-monitoring device (TSG 81-2022, [V-2nd] — verify).
SAFETY_MONITORING_FROM = dt.date(2023, 12, 1)
SAFETY_MONITORING_SOURCE = Source(
    document="TSG 81-2022",
    clause="叉车安全监控装置",
    status=SourceStatus.SECONDARY,
    note="VERIFY: ForkLog core.js — forklifts made from 2023-12-01 must carry a safety-monitoring device",
)


def safety_monitoring_required(catalog_code: str, manufactured_on: dt.date | None) -> bool:
    """Whether a forklift must carry a safety-monitoring device (unknown manufacture date: not decided → False)."""
    return catalog_code.startswith("51") and manufactured_on is not None and manufactured_on >= SAFETY_MONITORING_FROM


# -- GB 45067-2024 --------------------------------------------------------------------------------------------------

#: The empty 4.10 slot, documented as data so that listings can show it is missing rather than absent by accident.
GB45067_4_10 = Source(
    document="GB 45067-2024",
    clause="4.10",
    status=SourceStatus.GENERAL_KNOWLEDGE,
    note="text not retrieved: clause 4.10 (场（厂）内专用机动车辆, about 2 items by the count of 47) must be filled "
    "from the official text; no criterion is invented meanwhile",
)
CRITERIA_4_10: tuple[MajorHazardCriterion, ...] = ()
CRITERIA: tuple[MajorHazardCriterion, ...] = (*general_criteria(("5000",)), *CRITERIA_4_10)

# -- TSG 08-2017 ----------------------------------------------------------------------------------------------------

#: "10台以上" in TSG 08 2.3 (3); kept as data.
PUBLIC_SIGHTSEEING_VEHICLE_COUNT = 10


def _public_sightseeing(equipment: Sequence[Equipment]) -> int:
    return sum(1 for e in in_use(equipment, "52") if getattr(e.parameters, "serves_public", False))


def needs_organisation(equipment: Sequence[Equipment]) -> bool:
    return _public_sightseeing(equipment) >= PUBLIC_SIGHTSEEING_VEHICLE_COUNT


MANAGEMENT_THRESHOLDS: tuple[ManagementThreshold, ...] = (
    ManagementThreshold(
        requirement="safety_management_organisation",
        code="tsg08.2.3(3):sightseeing",
        text="使用10台以上（含10台）为公众提供服务的非公路用旅游观光车辆的，应当设置特种设备安全管理机构",
        test=needs_organisation,
        source=Source(document="TSG 08-2017", clause="2.3", status=SourceStatus.VERIFIED),
    ),
    ManagementThreshold(
        requirement="full_time_safety_manager",
        code="tsg08.2.4.2(organisation:sightseeing)",
        text="因使用观光车辆而须设置安全管理机构的使用单位，应当配备专职安全管理员",
        test=needs_organisation,
        source=Source(document="TSG 08-2017", clause="2.4.2", status=SourceStatus.VERIFIED),
    ),
)

# -- certificates (TSG Z6001-2019 [V]) ------------------------------------------------------------------------------

_N1 = CertificateRequirement(
    post_zh="叉车司机",
    categories=("N1",),
    source=Source(document="TSG Z6001-2019", clause="附件A 场车作业 N1 叉车司机", status=SourceStatus.VERIFIED),
)
_N2 = CertificateRequirement(
    post_zh="观光车和观光列车司机",
    categories=("N2",),
    source=Source(
        document="TSG Z6001-2019", clause="附件A 场车作业 N2 观光车和观光列车司机", status=SourceStatus.VERIFIED
    ),
)


def vehicle_certificates(catalog_code: str, parameters: Any = None) -> tuple[CertificateRequirement, ...]:
    vehicle_type = vehicle_type_of(catalog_code, parameters)
    if vehicle_type is VehicleType.FORKLIFT:
        return (_N1,)
    if vehicle_type is None:
        return (_N1, _N2)
    return (_N2,)
