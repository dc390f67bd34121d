"""Passenger-ropeway risk templates and checklist items (data, in Chinese).

Grips and line structures belong to aerial ropeways (91xx; grips also to surface lifts), track and car brakes to
funiculars (92xx), tow hangers to surface lifts (93xx); ropes, drives, safety circuits, backup power and evacuation
to all.
"""

from __future__ import annotations

import functools

from dualprev_plugins._common import weekly_and_monthly_items
from dualprev_plugins._common.order74 import order74_source
from dualprev_plugins._common.rows import SAFETY_LAW_ARTICLE_40, daily_item, inspection_plan_item, risk_template
from dualprev_plugins.passenger_ropeway import findings as f
from dualprev_sdk.domain.common import ControlLevel, Frequency, SafetyRole, Source, SourceStatus
from dualprev_sdk.domain.risk import ControlMeasures
from dualprev_sdk.equipment_classes import ChecklistItem, RiskTemplate

__all__ = ["CHECKLIST_ITEMS", "RISK_TEMPLATES"]

ALL = ()
AERIAL = ("9100",)
FUNICULAR = ("9200",)
SURFACE = ("9300",)
WITH_CARRIERS = ("9100", "9200")

_SOURCE = Source(
    document="dualprev-sdk 客运索道风险辨识模板",
    clause="典型风险点",
    status=SourceStatus.GENERAL_KNOWLEDGE,
    note="建议值，使用单位应结合本单位索道实际重新辨识和评价",
)
_ORDER74 = order74_source()


_template = functools.partial(risk_template, source=_SOURCE)


RISK_TEMPLATES: tuple[RiskTemplate, ...] = (
    _template(
        "SD-R01",
        "抱索器",
        "抱索力不足导致吊具在钢丝绳上滑移碰撞，脱挂式抱索器开闭异常或未可靠抱紧即出站",
        ("高处坠落", "物体打击"),
        (0.5, 6, 100),
        (1, 5),
        ControlMeasures(
            engineering=("站内设抱索力检测装置，抱索器开闭和位置检测有效",),
            management=("按规定周期对抱索器进行移位和无损检测",),
            training=("维修人员掌握抱索器检查和调整方法",),
            ppe=("检修抱索器时佩戴安全帽、防护手套",),
            emergency=("抱索力检测报警时立即停车，将该吊具退出运行",),
        ),
        level=ControlLevel.COMPANY,
        role=SafetyRole.SAFETY_DIRECTOR,
        applies_to=(*AERIAL, *SURFACE),
    ),
    _template(
        "SD-R02",
        "钢丝绳（承载索、运载索、牵引索）",
        "钢丝绳断丝、磨损、锈蚀超标，编接段或端部固定缺陷，钢丝绳断裂",
        ("高处坠落", "坍塌"),
        (0.5, 6, 100),
        (1, 5),
        ControlMeasures(
            engineering=("钢丝绳张紧装置有效，按规定进行钢丝绳无损检测",),
            management=("每日目视巡检钢丝绳，建立钢丝绳检测和截绳记录",),
            training=("维修人员掌握钢丝绳报废标准",),
            ppe=("线路巡检佩戴安全带、安全帽",),
            emergency=("发现断股或异常立即停运并组织线路救援",),
        ),
        level=ControlLevel.COMPANY,
        role=SafetyRole.SAFETY_DIRECTOR,
    ),
    _template(
        "SD-R03",
        "驱动机与制动器",
        "工作制动器或紧急制动器失效、制动力矩不足，索道倒转或不能停车",
        ("高处坠落", "其他伤害"),
        (1, 6, 40),
        (2, 5),
        ControlMeasures(
            engineering=("工作制动器和紧急制动器独立可靠，设防倒转保护",),
            management=("每日试车检查制动，定期进行制动试验",),
            training=("司机掌握紧急制动操作",),
            ppe=("维修制动器时佩戴防护手套",),
            emergency=("制动异常立即使用紧急制动器停车，组织乘客疏散",),
        ),
        level=ControlLevel.COMPANY,
        role=SafetyRole.SAFETY_DIRECTOR,
    ),
    _template(
        "SD-R04",
        "紧急停车开关与电气安全回路",
        "控制室、站台、机房紧急停车开关缺失或失效，电气安全回路故障后被短接继续运行",
        ("高处坠落", "其他伤害"),
        (1, 6, 40),
        (2, 5),
        ControlMeasures(
            engineering=("控制室、站台、机房设紧急停车开关，安全回路设短接检测",),
            management=("严禁短接安全回路运行，故障排除并确认后方可恢复",),
            training=("司机和维修人员接受安全回路短接危害教育",),
            ppe=("电气维修佩戴绝缘手套",),
            emergency=("安全回路故障时停运排查，必要时启动救援",),
        ),
        level=ControlLevel.COMPANY,
        role=SafetyRole.SAFETY_DIRECTOR,
    ),
    _template(
        "SD-R05",
        "辅机与备用电源",
        "主驱动故障或停电时辅机、备用电源不能正常启动，乘客滞留线路",
        ("高处坠落", "其他伤害"),
        (1, 3, 40),
        (2, 5),
        ControlMeasures(
            engineering=("配置辅机或备用驱动、备用电源并保持可用",),
            management=("定期试验辅机和备用电源启动并记录",),
            training=("司机掌握主辅机切换操作",),
            ppe=("操作备用发电机时佩戴听力防护用品",),
            emergency=("主机故障时启用辅机将乘客运回站内",),
        ),
        level=ControlLevel.DEPARTMENT,
        role=SafetyRole.SAFETY_DIRECTOR,
        frequency=Frequency.WEEKLY,
    ),
    _template(
        "SD-R06",
        "线路救援与乘客疏散",
        "索道无法运行时救援设备、人员不足或救援预案不可行，乘客长时间滞留空中",
        ("高处坠落", "其他伤害"),
        (1, 3, 40),
        (2, 5),
        ControlMeasures(
            engineering=("配备与线路相适应的救援设备（缓降器、救援吊具等）",),
            management=("制定线路救援预案并定期演练，明确救援时限和分工",),
            training=("救援队员接受高空救援培训并考核",),
            ppe=("救援人员佩戴全身式安全带、头盔",),
            emergency=("启动救援预案，安抚乘客并有序疏散",),
        ),
        level=ControlLevel.COMPANY,
        role=SafetyRole.SAFETY_DIRECTOR,
        frequency=Frequency.MONTHLY,
        applies_to=WITH_CARRIERS,
    ),
    _template(
        "SD-R07",
        "吊厢、吊篮、客车门锁闭",
        "运载工具门不能锁闭或运行中自行打开，乘客坠落",
        ("高处坠落",),
        (1, 6, 40),
        (2, 5),
        ControlMeasures(
            engineering=("门锁闭装置可靠，出站前门锁闭检测有效",),
            management=("站台服务人员逐个确认门已锁闭",),
            training=("服务人员掌握门锁闭确认方法",),
            ppe=("站台服务人员系安全绳",),
            emergency=("发现门不能锁闭立即停止该运载工具载客，必要时停运",),
        ),
        level=ControlLevel.COMPANY,
        role=SafetyRole.SAFETY_DIRECTOR,
        applies_to=WITH_CARRIERS,
    ),
    _template(
        "SD-R08",
        "站台上下车",
        "乘客上下车时被吊椅或吊厢撞击、跌落，儿童和老人无人引导，站台拥挤",
        ("机械伤害", "高处坠落"),
        (3, 6, 7),
        (3, 3),
        ControlMeasures(
            engineering=("站台设防护栏、上下车区域标识，吊椅设护栏和脚踏",),
            management=("站台配足服务人员引导乘客，控制进站人数",),
            training=("服务人员掌握协助乘客上下车要领",),
            ppe=("服务人员穿反光背心",),
            emergency=("乘客跌倒时立即减速或停车",),
        ),
        level=ControlLevel.TEAM,
    ),
    _template(
        "SD-R09",
        "支架、托压索轮组及线路",
        "钢丝绳脱索、托压索轮组损坏，支架结构损坏或线路下方障碍物",
        ("坍塌", "高处坠落"),
        (0.5, 6, 100),
        (1, 5),
        ControlMeasures(
            engineering=("托压索轮组设防脱索装置和脱索检测开关",),
            management=("定期巡检线路、支架和轮组，清理线路障碍",),
            training=("巡线人员掌握脱索征兆判断",),
            ppe=("攀爬支架佩戴安全带、安全帽",),
            emergency=("发生脱索立即停车并按预案处置",),
        ),
        level=ControlLevel.COMPANY,
        role=SafetyRole.SAFETY_DIRECTOR,
        frequency=Frequency.WEEKLY,
        applies_to=AERIAL,
    ),
    _template(
        "SD-R10",
        "大风、雷电等恶劣天气",
        "风速超限仍运行导致吊具摆动碰撞支架，雷电击中线路或站房",
        ("高处坠落", "触电"),
        (1, 3, 40),
        (2, 5),
        ControlMeasures(
            engineering=("设风速仪和防雷接地装置",),
            management=("规定停运风速并严格执行，雷电天气停运",),
            training=("司机掌握大风减速、停运规定",),
            ppe=("检查防雷装置佩戴绝缘手套",),
            emergency=("天气突变时减速回收乘客并停运",),
        ),
        level=ControlLevel.DEPARTMENT,
    ),
    _template(
        "SD-R11",
        "拖牵器与拖牵线路",
        "拖牵器脱落或回弹，滑行者摔倒后被拖行，线路与雪道交叉",
        ("其他伤害", "机械伤害"),
        (3, 6, 3),
        (3, 2),
        ControlMeasures(
            engineering=("拖牵线路设脱离区和越位停车开关",),
            management=("上牵引处安排服务人员，线路与雪道隔离",),
            training=("向滑雪者讲解乘坐拖牵方法",),
            ppe=("滑雪者佩戴头盔",),
            emergency=("有人摔倒时立即停车",),
        ),
        level=ControlLevel.TEAM,
        applies_to=SURFACE,
    ),
    _template(
        "SD-R12",
        "客运缆车车辆与轨道",
        "缆车车辆制动器（轨道制动）失效、轨道变形或道岔异常，车辆溜车或碰撞",
        ("其他伤害", "机械伤害"),
        (0.5, 6, 100),
        (1, 5),
        ControlMeasures(
            engineering=("车辆设独立的轨道制动装置，轨道和道岔定期测量",),
            management=("每日试车检查车辆制动和轨道状况",),
            training=("司机掌握车辆紧急制动操作",),
            ppe=("轨道巡检佩戴安全帽、反光背心",),
            emergency=("车辆溜车时启动紧急制动并疏散乘客",),
        ),
        level=ControlLevel.COMPANY,
        role=SafetyRole.SAFETY_DIRECTOR,
        applies_to=FUNICULAR,
    ),
)


_daily = functools.partial(daily_item, source=_ORDER74)


CHECKLIST_ITEMS: tuple[ChecklistItem, ...] = (
    _daily("SD-D01", "运营前检查与试车", "每日运营前按操作规程检查设备并试车，确认正常并记录后方可载客"),
    _daily(
        "SD-D02",
        "紧急停车开关",
        "控制室、站台、机房紧急停车开关齐全、标识清晰、动作有效",
        ALL,
        f.EMERGENCY_STOP_SWITCH_MISSING,
    ),
    _daily(
        "SD-D03",
        "吊厢、吊篮、客车门锁闭",
        "运载工具门能可靠锁闭，出站前锁闭检测有效",
        WITH_CARRIERS,
        f.CARRIER_DOOR_CANNOT_LOCK,
    ),
    _daily("SD-D04", "辅机与备用电源", "辅机（备用驱动）和备用电源处于可用状态", ALL, f.BACKUP_POWER_NOT_WORKING),
    _daily("SD-D05", "钢丝绳与抱索器", "钢丝绳无断股和明显变形，抱索器抱索力检测正常", (*AERIAL, *SURFACE)),
    _daily("SD-D06", "风速与天气", "风速仪工作正常，风速超过规定值时减速或停运"),
    _daily("SD-D07", "作业人员持证", "客运索道司机持有效S2证件，修理人员持有效S1证件"),
    _daily(
        "SD-D08",
        "每日客运索道安全检查记录",
        "按《客运索道安全风险管控清单》检查并形成《每日客运索道安全检查记录》，未发现问题也应记录",
    ),
    *weekly_and_monthly_items("SD", "客运索道"),
    ChecklistItem(
        code="SD-W03",
        subject="电气安全回路",
        standard="电气安全回路无短接，故障记录中的每次故障均已排除后才恢复运行",
        frequency=Frequency.WEEKLY,
        responsible_role=SafetyRole.SAFETY_DIRECTOR,
        source=_ORDER74,
        finding_code=f.SAFETY_CIRCUIT_SHORTED,
    ),
    ChecklistItem(
        code="SD-W04",
        subject="辅机启动试验",
        standard="辅机（备用驱动）按规定进行启动试验并能正常运行",
        frequency=Frequency.WEEKLY,
        responsible_role=SafetyRole.SAFETY_DIRECTOR,
        source=_ORDER74,
        finding_code=f.AUXILIARY_DRIVE_NOT_WORKING,
    ),
    inspection_plan_item("SD"),
    ChecklistItem(
        code="SD-P01",
        subject="定期检验结论",
        standard="定期检验结论为合格或复检合格且在有效期内",
        frequency=Frequency.PERIODIC,
        responsible_role=SafetyRole.SAFETY_OFFICER,
        source=SAFETY_LAW_ARTICLE_40,
    ),
    ChecklistItem(
        code="SD-P02",
        subject="线路救援演练",
        standard="按客运索道事故应急预案组织线路救援演练并记录，频次以本单位预案为准",
        frequency=Frequency.YEARLY,
        responsible_role=SafetyRole.SAFETY_DIRECTOR,
        applies_to=WITH_CARRIERS,
        source=Source(document="TSG 08-2017", clause="应急预案与演练", status=SourceStatus.GENERAL_KNOWLEDGE),
    ),
)
