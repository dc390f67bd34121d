"""Crane risk-identification templates and investigation checklist items (data, in Chinese).

Suggested L/E/C values come only from the LEC tables and L/S from 1–5 (Part C §7); a unit re-grades them for its
own crane. ``applies_to`` limits a template to the categories where the hazard exists (tipping to tower, mobile
and portal cranes; fall arresters to construction hoists; molten metal to metallurgical cranes).
"""

from __future__ import annotations

import functools

from dualprev_plugins._common import weekly_and_monthly_items
from dualprev_plugins._common.order74 import order74_source
from dualprev_plugins._common.rows import SAFETY_LAW_ARTICLE_40, daily_item, inspection_plan_item, risk_template
from dualprev_plugins.crane import findings as f
from dualprev_sdk.domain.common import ControlLevel, Frequency, SafetyRole, Source, SourceStatus
from dualprev_sdk.domain.risk import ControlMeasures
from dualprev_sdk.equipment_classes import ChecklistItem, RiskTemplate

__all__ = ["CHECKLIST_ITEMS", "RISK_TEMPLATES"]

CRANES = ("4100", "4200", "4300", "4400", "4700", "4900", "4A00")  # hook cranes
LIFTING = (*CRANES, "4800")  # everything with a hoisting mechanism and ropes
ALL = ()

_SOURCE = Source(
    document="dualprev-sdk 起重机械风险辨识模板",
    clause="典型风险点（参照 TSG Q7015-2016 检验项目归纳）",
    status=SourceStatus.GENERAL_KNOWLEDGE,
    note="建议值，使用单位应结合本单位设备实际重新辨识和评价",
)
_ORDER74 = order74_source("起重机械章周排查为第95条 [V-2nd]；日管控、月调度同一模式")


_template = functools.partial(risk_template, source=_SOURCE)


RISK_TEMPLATES: tuple[RiskTemplate, ...] = (
    _template(
        "QZ-R01",
        "起升高度限位器及运行行程限位器",
        "上升极限位置限制器、运行行程限位开关失效或被短接，吊具冲顶过卷、大小车撞击端部",
        ("起重伤害", "物体打击"),
        (1, 6, 15),
        (2, 4),
        ControlMeasures(
            engineering=("起升高度限位器、运行限位开关及缓冲器齐全有效，严禁短接",),
            management=("作业前空载试验限位器动作，维修后复核",),
            training=("司机掌握限位器失效时的停机处置",),
            ppe=("检查限位器时佩戴安全帽、安全带",),
            emergency=("限位失效立即停机并切断电源，挂牌报修",),
        ),
        level=ControlLevel.TEAM,
    ),
    _template(
        "QZ-R02",
        "起重量限制器、起重力矩限制器（超载保护）",
        "起重量限制器或力矩限制器失效、被拆除或短接，超载起吊导致结构破坏、重物坠落或整机倾覆",
        ("起重伤害", "坍塌"),
        (1, 6, 40),
        (2, 5),
        ControlMeasures(
            engineering=("起重量限制器、起重力矩限制器齐全有效并定期标定",),
            management=("严禁超载和斜拉歪吊，重量不明的物件不得起吊",),
            training=("司机、指挥人员掌握额定起重量表和力矩曲线",),
            ppe=("作业人员佩戴安全帽",),
            emergency=("超载报警时停止起升，缓慢放下重物后再处理",),
        ),
        level=ControlLevel.COMPANY,
        role=SafetyRole.SAFETY_DIRECTOR,
    ),
    _template(
        "QZ-R03",
        "吊钩及防脱钩装置",
        "吊钩危险断面磨损、出现裂纹或开口度超标，防脱钩装置缺失或损坏，吊索脱钩",
        ("物体打击", "起重伤害"),
        (1, 6, 15),
        (2, 4),
        ControlMeasures(
            engineering=("吊钩防脱钩装置完好，吊钩不得补焊",),
            management=("定期检查吊钩磨损、裂纹和开口度，达到报废条件立即更换",),
            training=("司索人员掌握吊钩报废判定",),
            ppe=("司索人员佩戴安全帽、防护手套，穿防砸鞋",),
            emergency=("发现吊钩裂纹立即停用，重物落地后处置",),
        ),
        level=ControlLevel.TEAM,
        frequency=Frequency.WEEKLY,
        applies_to=CRANES,
    ),
    _template(
        "QZ-R04",
        "钢丝绳及吊索具",
        "钢丝绳断丝、断股、磨损、变形或锈蚀超标，吊索具选用不当、捆绑不牢，重物坠落",
        ("物体打击", "起重伤害"),
        (3, 6, 15),
        (3, 4),
        ControlMeasures(
            engineering=("钢丝绳端部固定和排绳装置完好，卷筒上保留足够安全圈",),
            management=("每日目视检查钢丝绳，吊索具建立台账定期检查，达到报废标准立即更换",),
            training=("司索人员掌握吊索具选用和捆绑方法",),
            ppe=("检查钢丝绳时佩戴防护手套",),
            emergency=("吊运中发现断股立即将重物放至安全位置",),
        ),
        level=ControlLevel.DEPARTMENT,
        frequency=Frequency.DAILY,
        applies_to=LIFTING,
    ),
    _template(
        "QZ-R05",
        "起升机构制动器",
        "制动器失效、制动力矩不足或制动衬磨损超标，重物下滑或坠落",
        ("起重伤害", "物体打击"),
        (1, 6, 15),
        (2, 5),
        ControlMeasures(
            engineering=("起升机构制动器可靠，制动轮无裂纹，制动间隙合适",),
            management=("作业前试吊检验制动效果，定期检查调整制动器",),
            training=("司机掌握溜钩时的应急操作",),
            ppe=("维修制动器时佩戴防护手套",),
            emergency=("发生溜钩立即鸣铃警示，疏散下方人员，将重物落至安全地点",),
        ),
        level=ControlLevel.DEPARTMENT,
        role=SafetyRole.SAFETY_DIRECTOR,
    ),
    _template(
        "QZ-R06",
        "整机稳定性（抗倾覆）",
        "支腿未全伸或地基不实、超力矩作业、风速超限未停止作业、夹轨器或锚定装置失效，整机倾覆",
        ("起重伤害", "坍塌"),
        (1, 3, 40),
        (2, 5),
        ControlMeasures(
            engineering=("力矩限制器、风速仪、夹轨器及锚定装置有效", "流动式起重机支腿垫板满足地基承载要求"),
            management=("大风、雷雨等恶劣天气停止作业，非工作状态按要求锚定或回转自由",),
            training=("司机掌握额定起重力矩曲线和抗风要求",),
            ppe=("作业人员佩戴安全帽",),
            emergency=("出现倾覆征兆立即停止作业并撤离危险区域人员",),
        ),
        level=ControlLevel.COMPANY,
        role=SafetyRole.SAFETY_DIRECTOR,
        applies_to=("4300", "4400", "4700"),
    ),
    _template(
        "QZ-R07",
        "大车、小车运行及防碰撞",
        "同轨多台起重机或与相邻设备碰撞，运行限位、缓冲器、防碰撞装置缺失或失效",
        ("起重伤害", "机械伤害"),
        (1, 6, 7),
        (2, 3),
        ControlMeasures(
            engineering=("同轨多台起重机设置防碰撞装置，端部设止挡和缓冲器",),
            management=("交叉作业统一指挥，明确作业区域",),
            training=("司机熟悉作业区域和相邻设备",),
            ppe=("轨道检查人员佩戴安全帽、安全带",),
            emergency=("发生碰撞立即停机检查结构和限位装置",),
        ),
        level=ControlLevel.TEAM,
        applies_to=("4100", "4200", "4700"),
    ),
    _template(
        "QZ-R08",
        "急停开关及电气设备",
        "急停开关缺失或失效，滑触线防护缺失、接地不良或绝缘损坏，无法紧急断电或人员触电",
        ("触电", "起重伤害"),
        (1, 6, 15),
        (2, 4),
        ControlMeasures(
            engineering=("司机室和操作位置设置急停开关，滑触线设置防护，保护接地可靠",),
            management=("每日作业前试验急停开关，电气维修执行停电挂牌",),
            training=("电气维修人员持证作业",),
            ppe=("电气作业佩戴绝缘手套、穿绝缘鞋",),
            emergency=("发生触电立即切断电源并施救",),
        ),
        level=ControlLevel.DEPARTMENT,
    ),
    _template(
        "QZ-R09",
        "司索与指挥作业",
        "无证指挥或信号不清，人员站在重物下方或吊运路线上，重物摆动、碰撞",
        ("起重伤害", "物体打击"),
        (3, 6, 15),
        (3, 4),
        ControlMeasures(
            engineering=("作业区域设置警戒线和警示标志",),
            management=("执行“十不吊”，专人持证指挥，统一指挥信号",),
            training=("司索、指挥人员培训考核后持Q1证上岗",),
            ppe=("佩戴安全帽，穿反光背心、防砸鞋",),
            emergency=("重物坠落或人员受伤时立即停止作业并救护",),
        ),
        level=ControlLevel.DEPARTMENT,
        applies_to=CRANES,
    ),
    _template(
        "QZ-R10",
        "熔融金属吊运",
        "吊运钢水包、铁水包时起升机构制动器失效或钢丝绳过热损伤，盛装容器倾翻，熔融金属喷溅",
        ("灼烫", "起重伤害"),
        (0.5, 6, 100),
        (1, 5),
        ControlMeasures(
            engineering=("起升机构设置两套制动器，钢丝绳和电气设备设置隔热防护",),
            management=("吊运路线避开人员通道，吊运前确认包体和吊具完好",),
            training=("司机和指挥人员掌握熔融金属吊运规程",),
            ppe=("佩戴隔热面罩，穿阻燃防护服",),
            emergency=("发生喷溅、倾翻立即撤离人员并启动灼烫事故应急预案",),
        ),
        level=ControlLevel.COMPANY,
        role=SafetyRole.SAFETY_DIRECTOR,
        applies_to=("4150",),
    ),
    _template(
        "QZ-R11",
        "施工升降机防坠安全器与层门",
        "防坠安全器超过标定期限或失效，吊笼门、层门联锁失效，吊笼坠落或人员坠落",
        ("高处坠落", "起重伤害"),
        (1, 6, 40),
        (2, 5),
        ControlMeasures(
            engineering=("防坠安全器在标定有效期内，吊笼门和层门电气联锁有效",),
            management=("按规定进行坠落试验，严禁超员超载",),
            training=("司机掌握防坠安全器动作后的复位程序",),
            ppe=("乘员和司机佩戴安全帽",),
            emergency=("防坠安全器动作后由专业人员检查确认方可恢复",),
        ),
        level=ControlLevel.COMPANY,
        role=SafetyRole.SAFETY_DIRECTOR,
        applies_to=("4860",),
    ),
    _template(
        "QZ-R12",
        "机械式停车设备防坠与人车检测",
        "防坠落装置失效致载车板坠落，人或车误入运行区域未检测，超限车辆入库",
        ("机械伤害", "物体打击"),
        (1, 6, 15),
        (2, 4),
        ControlMeasures(
            engineering=("防坠落装置、人车误入检测装置、车辆尺寸检测装置有效",),
            management=("存取车由操作人员确认无人后操作，车内不得留人",),
            training=("操作人员和车主知晓安全存取车须知",),
            ppe=("维修人员佩戴安全帽",),
            emergency=("发生载车板坠落或夹人立即急停并报警",),
        ),
        level=ControlLevel.DEPARTMENT,
        applies_to=("4D00",),
    ),
    _template(
        "QZ-R13",
        "塔式起重机顶升加节与附着",
        "顶升加节时顶升横梁脱出或违规回转，附着装置失效或未按要求附着",
        ("坍塌", "高处坠落"),
        (1, 2, 40),
        (2, 5),
        ControlMeasures(
            engineering=("顶升横梁防脱装置有效，附着装置按说明书设置",),
            management=("顶升加节由专业人员按方案进行，风速超限不得顶升",),
            training=("安装维修人员接受专项交底",),
            ppe=("高处作业佩戴安全带、安全帽",),
            emergency=("顶升异常立即停止并锁定，撤离人员",),
        ),
        level=ControlLevel.COMPANY,
        role=SafetyRole.SAFETY_DIRECTOR,
        frequency=Frequency.MONTHLY,
        applies_to=("4300",),
    ),
    _template(
        "QZ-R14",
        "检修维护及高处作业",
        "登机检修未停机断电、未系安全带，检修中误启动",
        ("高处坠落", "触电", "机械伤害"),
        (1, 3, 15),
        (2, 4),
        ControlMeasures(
            engineering=("检修通道、栏杆、走台完好",),
            management=("检修执行停电挂牌和作业许可，设专人监护",),
            training=("检修人员接受高处作业安全培训",),
            ppe=("佩戴安全带、安全帽，穿防滑鞋",),
            emergency=("人员坠落或触电立即停电并施救",),
        ),
        level=ControlLevel.TEAM,
        role=SafetyRole.MAINTENANCE,
        frequency=Frequency.PER_SHIFT,
    ),
)


_daily = functools.partial(daily_item, source=_ORDER74)


CHECKLIST_ITEMS: tuple[ChecklistItem, ...] = (
    _daily("QZ-D01", "使用标志与操作规程", "使用登记标志在检验有效期内并置于显著位置，操作规程和额定起重量标识清晰"),
    _daily(
        "QZ-D02",
        "起重量限制器、起重力矩限制器",
        "超载保护装置齐全有效，未被拆除、短接或调整失准",
        ALL,
        "load_limiter_failed",
    ),
    _daily("QZ-D03", "急停开关", "急停开关齐全，试验时能切断动力电源", ALL, f.EMERGENCY_STOP_FAILED),
    _daily("QZ-D04", "限位器与制动器", "起升高度限位、运行限位动作有效；空载试验制动可靠无溜钩"),
    _daily(
        "QZ-D05",
        "吊钩、钢丝绳及吊索具",
        "吊钩防脱钩装置完好，钢丝绳无断股、明显变形，吊索具在检查有效期内",
        LIFTING,
    ),
    _daily("QZ-D06", "持证上岗", "司机持有效Q2证件，指挥人员持有效Q1证件", CRANES),
    _daily(
        "QZ-D07",
        "作业环境与抗风",
        "作业区域设置警戒，风速超过说明书规定时停止作业，非工作状态锚定可靠",
        ("4300", "4400", "4700", "4200"),
    ),
    _daily(
        "QZ-D08",
        "施工升降机防坠安全器与门联锁",
        "防坠安全器在标定有效期内，吊笼门、层门联锁有效",
        ("4860",),
        "fall_arrester_failed",
    ),
    _daily(
        "QZ-D09",
        "停车设备防坠与人车误入检测",
        "防坠落装置、人车误入检测装置、车辆尺寸及重量检测装置有效，出入口警示标识清晰",
        ("4D00",),
    ),
    _daily(
        "QZ-D10",
        "每日起重机械安全检查记录",
        "按《起重机械安全风险管控清单》检查在用设备并形成《每日起重机械安全检查记录》，未发现问题也应记录",
    ),
    *weekly_and_monthly_items("QZ", "起重机械"),
    ChecklistItem(
        code="QZ-W03",
        subject="钢丝绳、制动器、吊钩专项排查",
        standard="检查钢丝绳、制动器、吊钩磨损和损伤情况及上周维修记录，达到报废条件的已更换",
        frequency=Frequency.WEEKLY,
        responsible_role=SafetyRole.SAFETY_DIRECTOR,
        applies_to=LIFTING,
        source=_ORDER74,
    ),
    inspection_plan_item("QZ"),
    ChecklistItem(
        code="QZ-P01",
        subject="定期检验结论",
        standard="定期检验（含复检）结论为合格且在有效期内；新装设备已经监督检验或首次检验",
        frequency=Frequency.PERIODIC,
        responsible_role=SafetyRole.SAFETY_OFFICER,
        source=SAFETY_LAW_ARTICLE_40,
        finding_code=f.NO_SUPERVISORY_OR_FIRST_INSPECTION,
    ),
)
