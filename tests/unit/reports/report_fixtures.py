"""In-memory units, equipment and risk points for the report tests (no database: reports are pure functions)."""

from __future__ import annotations

import datetime as dt

from dualprev_sdk.domain.common import ControlLevel, Frequency, Location, RiskLevel, SafetyRole
from dualprev_sdk.domain.equipment import Equipment
from dualprev_sdk.domain.risk import ControlMeasures, RiskPoint
from dualprev_sdk.domain.unit import UseUnit
from dualprev_sdk.reports.control_list import ControlList, ControlListRow

UNIT = UseUnit(uscc="91410100000000019L", name="郑州某机械制造有限公司", region_code="410105")
DAY = dt.date(2025, 11, 28)

LIFT = Equipment(
    id="E-LIFT-1",
    unit_uscc=UNIT.uscc,
    catalog_code="3110",
    name="1号客梯",
    equipment_code="31104101052019000001",
    rescue_code="235274",
    location=Location(building="办公楼", floor="1F", area="电梯厅"),
)
CRANE = Equipment(
    id="E-CRANE-1",
    unit_uscc=UNIT.uscc,
    catalog_code="4110",
    name="10t桥式起重机",
    location=Location(building="一号车间", floor="1F", area="装配区"),
)
BOILER = Equipment(
    id="E-BOILER-1",
    unit_uscc=UNIT.uscc,
    catalog_code="1210",
    name="4t燃气蒸汽锅炉",
    location=Location(building="锅炉房", floor="B1", area="锅炉间"),
)
CLASS_NAMES = {LIFT.id: "电梯", CRANE.id: "起重机械", BOILER.id: "锅炉"}


#: LEC factors that give each level under the default bands (D = L×E×C: 540, 270, 126, 42).
LEC_FOR = {
    RiskLevel.MAJOR: (6.0, 6.0, 15.0),
    RiskLevel.SIGNIFICANT: (3.0, 6.0, 15.0),
    RiskLevel.GENERAL: (3.0, 6.0, 7.0),
    RiskLevel.LOW: (1.0, 6.0, 7.0),
}


def point(
    point_id: str, equipment: Equipment, level: RiskLevel, *, accidents: tuple[str, ...] = ("机械伤害",)
) -> RiskPoint:
    l, e, c = LEC_FOR[level]  # noqa: E741
    return RiskPoint(
        id=point_id,
        unit_uscc=UNIT.uscc,
        equipment_id=equipment.id,
        template_code=point_id[-3:],
        component=f"{equipment.name}部件{point_id[-1]}",
        hazard_factor="制动器失效；制动力不足",
        accident_types=accidents,
        method="lec",
        factors={"l": l, "e": e, "c": c},
        score=l * e * c,
        level=level,
        measures=ControlMeasures(
            engineering=("制动器完好有效；按期检测", "设置超载保护"),
            management=("每日检查并记录",),
            training=("作业人员持证上岗",),
            ppe=("佩戴安全帽",),
            emergency=("立即停机并报告安全总监",),
        ),
        control_level=ControlLevel.DEPARTMENT,
        responsible_role=SafetyRole.SAFETY_OFFICER,
        responsible_person="安全员张三",
        check_frequency=Frequency.DAILY,
        version=1,
    )


POINTS = (
    point("RP-LIFT-001", LIFT, RiskLevel.SIGNIFICANT, accidents=("高处坠落", "机械伤害")),
    point("RP-LIFT-002", LIFT, RiskLevel.LOW, accidents=("触电",)),
    point("RP-CRANE-001", CRANE, RiskLevel.MAJOR, accidents=("起重伤害", "物体打击")),
    point("RP-BOILER-001", BOILER, RiskLevel.GENERAL, accidents=("锅炉爆炸", "灼烫")),
)
EQUIPMENT = (LIFT, CRANE, BOILER)


def control_list() -> ControlList:
    by_id = {e.id: e for e in EQUIPMENT}
    rows = tuple(
        ControlListRow(point=p, equipment=by_id[p.equipment_id or ""], class_name_zh=CLASS_NAMES[p.equipment_id or ""])
        for p in POINTS
    )
    return ControlList(unit=UNIT, rows=rows, generated_on=DAY)
