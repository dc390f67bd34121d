"""Amusement-ride risk templates and checklist items (data, in Chinese).

Water rides (6D) and unpowered rides such as bungee and zip lines (6E) get their own templates on top of the ones
every ride shares (restraints, cabin doors, structure, brakes, operation, evacuation).
"""

from __future__ import annotations

import functools

from dualprev_plugins._common import weekly_and_monthly_items
from dualprev_plugins._common.order74 import order74_source
from dualprev_plugins._common.rows import SAFETY_LAW_ARTICLE_40, daily_item, inspection_plan_item, risk_template
from dualprev_plugins.amusement_ride import findings as f
from dualprev_sdk.domain.common import ControlLevel, Frequency, SafetyRole, Source, SourceStatus
from dualprev_sdk.domain.risk import ControlMeasures
from dualprev_sdk.equipment_classes import ChecklistItem, RiskTemplate

__all__ = ["CHECKLIST_ITEMS", "RISK_TEMPLATES"]

ALL = ()

_SOURCE = Source(
    document="dualprev-sdk 大型游乐设施风险辨识模板",
    clause="典型风险点",
    status=SourceStatus.GENERAL_KNOWLEDGE,
    note="建议值，使用单位应结合本单位设备实际重新辨识和评价",
)
_ORDER74 = order74_source()


_template = functools.partial(risk_template, source=_SOURCE)


RISK_TEMPLATES: tuple[RiskTemplate, ...] = (
    _template(
        "YL-R01",
        "乘客束缚装置（安全带、安全压杠、安全挡杆）",
        "束缚装置缺失、锁紧失效或未确认锁紧即启动，乘客在运行中被甩出",
        ("高处坠落", "其他伤害"),
        (1, 6, 40),
        (2, 5),
        ControlMeasures(
            engineering=("安全压杠设置可靠锁紧和电气联锁，未锁紧不能启动",),
            management=("每班运行前逐一检查束缚装置，开机前服务人员逐一确认锁紧",),
            training=("操作和服务人员掌握束缚装置检查确认方法",),
            ppe=("乘客按要求系好安全带、压好压杠",),
            emergency=("发现束缚装置失效立即停机，疏导乘客离开",),
        ),
        level=ControlLevel.COMPANY,
        role=SafetyRole.SAFETY_DIRECTOR,
    ),
    _template(
        "YL-R02",
        "座舱舱门锁紧装置",
        "舱门锁紧装置缺失或失效，运行中舱门打开，乘客坠落",
        ("高处坠落",),
        (1, 6, 40),
        (2, 5),
        ControlMeasures(
            engineering=("舱门设两道锁紧装置或锁紧加保险，乘客在舱内不能自行打开",),
            management=("运行前检查每个舱门锁紧状态",),
            training=("服务人员掌握舱门锁闭确认要领",),
            ppe=("高处检查舱门时佩戴安全带",),
            emergency=("舱门异常打开时立即停机并安抚乘客",),
        ),
        level=ControlLevel.COMPANY,
        role=SafetyRole.SAFETY_DIRECTOR,
    ),
    _template(
        "YL-R03",
        "主要受力部件、焊缝与螺栓",
        "主要受力部件疲劳裂纹、腐蚀，重要焊缝开裂，重要螺栓松动或断裂，结构失稳或部件脱落",
        ("坍塌", "高处坠落", "物体打击"),
        (0.5, 6, 100),
        (1, 5),
        ControlMeasures(
            engineering=("重要螺栓采取防松措施，关键焊缝定期无损检测",),
            management=("按说明书周期检查主要受力部件，超过设计使用期限须评估",),
            training=("维修人员掌握裂纹和松动的检查方法",),
            ppe=("登高检查佩戴安全带、安全帽",),
            emergency=("发现裂纹或严重变形立即停用并报告",),
        ),
        level=ControlLevel.COMPANY,
        role=SafetyRole.SAFETY_DIRECTOR,
        frequency=Frequency.WEEKLY,
    ),
    _template(
        "YL-R04",
        "制动装置与止逆行装置",
        "滑行车、架空游览车制动失效或止逆行装置失效，车辆溜车、倒滑、相互碰撞",
        ("机械伤害", "其他伤害"),
        (1, 6, 40),
        (2, 5),
        ControlMeasures(
            engineering=("制动装置和止逆行装置完好，制动距离满足要求",),
            management=("每日试运行检查制动和止逆效果",),
            training=("操作人员掌握紧急制动操作",),
            ppe=("检修制动装置时佩戴防护手套",),
            emergency=("制动异常立即停止发车并组织乘客疏散",),
        ),
        level=ControlLevel.DEPARTMENT,
    ),
    _template(
        "YL-R05",
        "限位、限速、防碰撞及缓冲装置",
        "限位装置、限速装置失效导致超行程、超速，防碰撞及缓冲装置缺失导致撞击",
        ("机械伤害",),
        (1, 6, 15),
        (2, 4),
        ControlMeasures(
            engineering=("限位、限速、防碰撞和缓冲装置齐全有效",),
            management=("定期试验各安全保护装置并记录",),
            training=("维修人员掌握安全保护装置试验方法",),
            ppe=("试验时人员佩戴安全帽",),
            emergency=("保护装置动作后查明原因再恢复运行",),
        ),
        level=ControlLevel.DEPARTMENT,
    ),
    _template(
        "YL-R06",
        "运营操作与乘客管理",
        "操作人员无证或离岗，超员运行，不符合身高、健康要求的乘客乘坐，未确认安全即启动",
        ("其他伤害", "高处坠落"),
        (3, 6, 15),
        (3, 4),
        ControlMeasures(
            engineering=("设置身高测量标识和启动前确认按钮",),
            management=("操作人员持Y2证上岗，严格执行乘客须知和限载规定",),
            training=("定期开展操作规程和服务规范培训",),
            ppe=("操作人员穿工作服，佩戴工作牌",),
            emergency=("乘客身体不适时立即停机救护",),
        ),
        level=ControlLevel.DEPARTMENT,
    ),
    _template(
        "YL-R07",
        "电气系统与紧急停止装置",
        "漏电、接地不良，紧急停止按钮失效，控制系统故障误动作",
        ("触电", "机械伤害"),
        (1, 6, 15),
        (2, 4),
        ControlMeasures(
            engineering=("设置漏电保护和可靠接地，操作台和站台设紧急停止按钮",),
            management=("每日检查紧急停止按钮，电气维修执行停电挂牌",),
            training=("电工持证作业",),
            ppe=("电气作业佩戴绝缘手套、穿绝缘鞋",),
            emergency=("发生触电立即断电施救",),
        ),
        level=ControlLevel.TEAM,
    ),
    _template(
        "YL-R08",
        "突发停机与高空救援",
        "停电或故障停机，乘客滞留高空或轨道中途，救援不及时或救援设备缺失",
        ("高处坠落", "其他伤害"),
        (1, 3, 15),
        (2, 4),
        ControlMeasures(
            engineering=("配置应急电源或手动释放装置，配备高空救援设备",),
            management=("制定滞留乘客救援预案，定期演练",),
            training=("救援人员掌握高空救援技能",),
            ppe=("救援人员佩戴安全带、安全帽",),
            emergency=("停机后立即安抚乘客，按预案组织疏散救援",),
        ),
        level=ControlLevel.DEPARTMENT,
        role=SafetyRole.SAFETY_DIRECTOR,
        frequency=Frequency.MONTHLY,
    ),
    _template(
        "YL-R09",
        "水上游乐设施水域与滑道",
        "水深超标、救生员不足导致溺水，滑道接缝错位划伤，出口区碰撞",
        ("淹溺", "其他伤害"),
        (1, 6, 40),
        (2, 5),
        ControlMeasures(
            engineering=("滑道接缝平滑，出口水深和缓冲区满足要求",),
            management=("按规定配备救生员，控制发车间隔",),
            training=("救生员持证上岗并定期演练",),
            ppe=("乘客按要求穿救生衣",),
            emergency=("发生溺水立即施救并实施心肺复苏",),
        ),
        level=ControlLevel.COMPANY,
        role=SafetyRole.SAFETY_DIRECTOR,
        applies_to=("6D00",),
    ),
    _template(
        "YL-R10",
        "无动力游乐设施绳索与连接件（蹦极、滑索）",
        "弹性绳、承载索老化断裂，吊具、连接件、安全带失效，乘客坠落",
        ("高处坠落",),
        (1, 6, 40),
        (2, 5),
        ControlMeasures(
            engineering=("承载索和弹性绳按使用次数和期限更换，连接件设双保险",),
            management=("每次出发前双人复核连接状态",),
            training=("操作人员掌握穿戴和连接检查程序",),
            ppe=("乘客穿戴全身式安全带、头盔",),
            emergency=("乘客悬停时按预案组织高空救援",),
        ),
        level=ControlLevel.COMPANY,
        role=SafetyRole.SAFETY_DIRECTOR,
        applies_to=("6E00",),
    ),
    _template(
        "YL-R11",
        "安全栅栏与候乘区",
        "运行区域未有效隔离，游客进入运动部件区域或在出入口拥挤",
        ("机械伤害", "物体打击"),
        (1, 6, 15),
        (2, 4),
        ControlMeasures(
            engineering=("设置安全栅栏和出入口闸门，运行区域与候乘区隔离",),
            management=("安排服务人员维持秩序",),
            training=("服务人员掌握客流疏导",),
            ppe=("服务人员穿反光背心",),
            emergency=("发现游客闯入立即急停",),
        ),
        level=ControlLevel.TEAM,
    ),
    _template(
        "YL-R12",
        "恶劣天气运营",
        "大风、雷雨、高温等恶劣天气继续运营，结构受力超限或雷击",
        ("高处坠落", "触电"),
        (1, 3, 40),
        (2, 5),
        ControlMeasures(
            engineering=("高大设施设置风速仪和防雷装置",),
            management=("制定恶劣天气停运规定并落实",),
            training=("操作人员掌握停运条件",),
            ppe=("检查防雷装置时佩戴绝缘手套",),
            emergency=("天气突变立即停止运营并疏散乘客",),
        ),
        level=ControlLevel.DEPARTMENT,
    ),
)


_daily = functools.partial(daily_item, source=_ORDER74)


CHECKLIST_ITEMS: tuple[ChecklistItem, ...] = (
    _daily("YL-D01", "运营前试运行", "每日运营前进行安全检查和空载试运行，确认正常并记录后方可载客"),
    _daily(
        "YL-D02",
        "乘客束缚装置",
        "安全带、安全压杠、安全挡杆齐全，锁紧和联锁有效",
        ALL,
        f.PASSENGER_RESTRAINT_FAILED,
    ),
    _daily("YL-D03", "座舱舱门锁紧装置", "舱门锁紧装置齐全有效，乘客不能自行打开"),
    _daily("YL-D04", "制动、止逆、限位、限速装置", "试运行中制动、止逆行、限位和限速装置动作正常"),
    _daily("YL-D05", "安全栅栏与乘客须知", "安全栅栏完好，乘客须知、身高限制和警示标识清晰"),
    _daily("YL-D06", "操作人员持证与在岗", "操作人员持有效Y2证件，运行期间不得离岗"),
    _daily(
        "YL-D07",
        "每日大型游乐设施安全检查记录",
        "按《大型游乐设施安全风险管控清单》检查并形成《每日大型游乐设施安全检查记录》，未发现问题也应记录",
    ),
    *weekly_and_monthly_items("YL", "大型游乐设施"),
    ChecklistItem(
        code="YL-W03",
        subject="主要受力部件、焊缝与螺栓",
        standard="主要受力部件、重要焊缝无裂纹和严重变形，重要螺栓无松动断裂",
        frequency=Frequency.WEEKLY,
        responsible_role=SafetyRole.SAFETY_DIRECTOR,
        source=_ORDER74,
        finding_code=f.STRUCTURAL_DEFECT,
    ),
    inspection_plan_item("YL"),
    ChecklistItem(
        code="YL-P01",
        subject="定期检验结论",
        standard="定期检验结论为合格且在有效期内",
        frequency=Frequency.PERIODIC,
        responsible_role=SafetyRole.SAFETY_OFFICER,
        source=SAFETY_LAW_ARTICLE_40,
    ),
    ChecklistItem(
        code="YL-P02",
        subject="应急救援演练",
        standard="按大型游乐设施事故应急预案组织滞留乘客救援演练并记录，频次以本单位预案为准",
        frequency=Frequency.YEARLY,
        responsible_role=SafetyRole.SAFETY_DIRECTOR,
        source=Source(document="TSG 08-2017", clause="应急预案与演练", status=SourceStatus.GENERAL_KNOWLEDGE),
    ),
)
