"""In-plant vehicle risk templates and checklist items (data, in Chinese).

Forklifts (51xx) and sightseeing cars/trains (52xx) share brakes, steering and the energy system; the rest is
specific. The daily/weekly/monthly items follow 总局令第74号 chapter 10 (场车, arts 142–144), the one chapter the
domain reference verified article by article.
"""

from __future__ import annotations

import functools

from dualprev_plugins._common import weekly_and_monthly_items
from dualprev_plugins._common.order74 import ORDER74
from dualprev_plugins._common.rows import SAFETY_LAW_ARTICLE_40, daily_item, inspection_plan_item, risk_template
from dualprev_plugins.in_plant_vehicle import findings as f
from dualprev_sdk.domain.common import ControlLevel, Frequency, SafetyRole, Source, SourceStatus
from dualprev_sdk.domain.risk import ControlMeasures
from dualprev_sdk.equipment_classes import ChecklistItem, RiskTemplate

__all__ = ["CHECKLIST_ITEMS", "RISK_TEMPLATES"]

FORKLIFTS = ("5100",)
SIGHTSEEING = ("5200",)
ALL = ()

_SOURCE = Source(
    document="dualprev-sdk 场（厂）内专用机动车辆风险辨识模板",
    clause="典型风险点",
    status=SourceStatus.GENERAL_KNOWLEDGE,
    note="建议值，使用单位应结合本单位车辆和作业环境重新辨识和评价",
)
_DAILY = Source(document=ORDER74, clause="第142条 日管控", status=SourceStatus.VERIFIED)


_template = functools.partial(risk_template, source=_SOURCE)


RISK_TEMPLATES: tuple[RiskTemplate, ...] = (
    _template(
        "CC-R01",
        "叉车行驶作业",
        "超速行驶、急转弯、载物遮挡视线时正向行驶、倒车未观察，撞击人员或设施",
        ("车辆伤害",),
        (3, 6, 15),
        (3, 4),
        ControlMeasures(
            engineering=("安装限速装置、蓝光警示灯和倒车报警器",),
            management=("厂区划定限速和行驶路线，货物遮挡视线时倒车行驶或专人引导",),
            training=("司机持N1证上岗，定期开展安全驾驶培训",),
            ppe=("司机佩戴安全帽，系好安全带",),
            emergency=("发生碰撞立即停车、保护现场并救护伤员",),
        ),
        level=ControlLevel.DEPARTMENT,
        applies_to=FORKLIFTS,
    ),
    _template(
        "CC-R02",
        "叉车稳定性（倾翻）",
        "超载、偏载、货叉升高行驶、坡道上转弯或横向行驶，叉车侧翻或纵向倾翻压伤司机",
        ("车辆伤害", "机械伤害"),
        (1, 6, 15),
        (2, 5),
        ControlMeasures(
            engineering=("护顶架、安全带完好，额定起重量曲线标牌清晰",),
            management=("严禁超载、偏载，货叉离地适当高度行驶，坡道上不得转弯",),
            training=("培训司机倾翻时不得跳车，应握紧方向盘、身体前倾",),
            ppe=("作业时系好安全带",),
            emergency=("发生倾翻立即切断动力，组织起吊救援被压人员",),
        ),
        level=ControlLevel.DEPARTMENT,
        role=SafetyRole.SAFETY_DIRECTOR,
        applies_to=FORKLIFTS,
    ),
    _template(
        "CC-R03",
        "制动与转向系统",
        "行车制动、驻车制动失效或制动距离过长，转向失灵，车辆失控",
        ("车辆伤害",),
        (1, 6, 15),
        (2, 4),
        ControlMeasures(
            engineering=("行车、驻车制动装置和转向系统定期维护",),
            management=("出车前检查制动和转向，不合格不得出车",),
            training=("司机掌握出车前检查项目",),
            ppe=("检修时佩戴防护手套",),
            emergency=("制动失灵时利用低速挡和驻车制动减速，避开人员",),
        ),
        level=ControlLevel.TEAM,
    ),
    _template(
        "CC-R04",
        "货叉、起升链条与门架",
        "货叉裂纹或磨损超标、起升链条伸长或断裂、门架变形，货物坠落",
        ("物体打击",),
        (1, 6, 7),
        (2, 3),
        ControlMeasures(
            engineering=("货叉定位销、链条、门架及挡货架完好",),
            management=("定期检查货叉和链条，达到报废条件立即更换",),
            training=("司机掌握货物叉取和堆垛要领",),
            ppe=("装卸人员佩戴安全帽，穿防砸鞋",),
            emergency=("货物坠落时立即停止作业并清理现场",),
        ),
        level=ControlLevel.TEAM,
        frequency=Frequency.WEEKLY,
        applies_to=FORKLIFTS,
    ),
    _template(
        "CC-R05",
        "人车混行区域",
        "厂区、仓库人车混行，视线盲区和交叉路口未设警示，行人进入作业区域",
        ("车辆伤害",),
        (3, 6, 15),
        (3, 4),
        ControlMeasures(
            engineering=("划分人行通道和车辆通道，盲区设凸面镜，交叉口设警示标志",),
            management=("作业区域禁止无关人员进入，制定厂内交通规则",),
            training=("对全体员工进行厂内交通安全教育",),
            ppe=("进入作业区人员穿反光背心",),
            emergency=("发生人员伤害立即停车、报告并救护",),
        ),
        level=ControlLevel.DEPARTMENT,
        role=SafetyRole.SAFETY_DIRECTOR,
        applies_to=FORKLIFTS,
    ),
    _template(
        "CC-R06",
        "违规载人与无证驾驶",
        "货叉或托盘载人登高作业，无证或酒后驾驶，钥匙随意放置被无证人员启动",
        ("高处坠落", "车辆伤害"),
        (1, 3, 15),
        (2, 4),
        ControlMeasures(
            engineering=("车辆钥匙集中管理，安全监控装置实行驾驶员身份识别",),
            management=("严禁货叉载人，驾驶员持证并登记备案",),
            training=("开展违章典型案例教育",),
            ppe=("登高作业使用专用作业平台并系安全带",),
            emergency=("发现违规立即制止并停车",),
        ),
        level=ControlLevel.TEAM,
        applies_to=FORKLIFTS,
    ),
    _template(
        "CC-R07",
        "动力能源系统（液化石油气、蓄电池）",
        "液化石油气钢瓶或管路泄漏，蓄电池充电产生氢气聚集、电解液泄漏，内燃车辆在通风不良场所排放废气",
        ("火灾", "其他爆炸", "灼烫", "中毒和窒息"),
        (1, 3, 15),
        (2, 4),
        ControlMeasures(
            engineering=("充电区独立设置并通风良好，配备灭火器；燃气车辆管路定期检漏",),
            management=("充电区严禁烟火，蓄电池按规程维护",),
            training=("司机和充电人员掌握泄漏和火灾处置",),
            ppe=("添加电解液时佩戴护目镜和耐酸手套",),
            emergency=("发生泄漏或起火立即断电、切断气源、疏散人员并灭火",),
        ),
        level=ControlLevel.DEPARTMENT,
        frequency=Frequency.WEEKLY,
    ),
    _template(
        "CC-R08",
        "叉车安全监控装置",
        "安全监控装置缺失、失效或被人为屏蔽，超速、超载、未系安全带等违规行为无法报警和记录",
        ("车辆伤害",),
        (1, 6, 7),
        (2, 3),
        ControlMeasures(
            engineering=("按要求装设安全监控装置并保持有效",),
            management=("定期导出监控记录，分析违规行为",),
            training=("司机了解监控装置功能，不得屏蔽",),
            ppe=("按装置提示系好安全带",),
            emergency=("装置失效时停用车辆并报修",),
        ),
        level=ControlLevel.TEAM,
        frequency=Frequency.WEEKLY,
        applies_to=FORKLIFTS,
    ),
    _template(
        "CC-R09",
        "观光车辆行驶路线与坡道",
        "超出规定路线或在超过设计坡度的道路上行驶，弯道和下坡超速，与游客、其他车辆碰撞或翻车",
        ("车辆伤害",),
        (1, 6, 40),
        (2, 5),
        ControlMeasures(
            engineering=("规定路线设置限速、坡道和弯道警示标志，路面条件满足车辆要求",),
            management=("按使用登记的路线运行，恶劣天气停运",),
            training=("司机熟悉线路和坡道操作要领",),
            ppe=("司机系好安全带",),
            emergency=("发生事故立即停车，疏散乘客并救护伤员",),
        ),
        level=ControlLevel.COMPANY,
        role=SafetyRole.SAFETY_DIRECTOR,
        applies_to=SIGHTSEEING,
    ),
    _template(
        "CC-R10",
        "观光车辆驾驶员",
        "无N2证驾驶、疲劳驾驶或酒后驾驶，运行中接打电话",
        ("车辆伤害",),
        (1, 6, 40),
        (2, 5),
        ControlMeasures(
            engineering=("车辆安装行驶记录或监控装置",),
            management=("驾驶员持证上岗，班前检查身体和精神状态，合理安排轮休",),
            training=("定期开展安全驾驶和应急处置培训",),
            ppe=("司机穿着统一识别服装",),
            emergency=("驾驶员身体不适时立即靠边停车并报告",),
        ),
        level=ControlLevel.DEPARTMENT,
        applies_to=SIGHTSEEING,
    ),
    _template(
        "CC-R11",
        "乘客上下车与载客",
        "车辆未停稳上下车、超员载客，乘客在行驶中站立或探身，被甩出或挤压",
        ("车辆伤害", "其他伤害"),
        (3, 6, 7),
        (3, 3),
        ControlMeasures(
            engineering=("设置扶手、护栏或安全带，标明额定载客人数",),
            management=("停稳后上下客，严禁超员，开车前提醒乘客坐稳",),
            training=("司机开车前宣讲乘车须知",),
            ppe=("乘客按要求系好安全带",),
            emergency=("乘客跌落时立即停车救护",),
        ),
        level=ControlLevel.TEAM,
        applies_to=SIGHTSEEING,
    ),
    _template(
        "CC-R12",
        "观光列车牵引连接装置",
        "牵引车与车厢或车厢之间的连接装置脱开、安全链缺失，车厢溜滑",
        ("车辆伤害",),
        (0.5, 6, 40),
        (1, 5),
        ControlMeasures(
            engineering=("连接装置设防脱保险和辅助安全链",),
            management=("每日出车前检查连接装置",),
            training=("司机掌握连接装置检查方法",),
            ppe=("检查连接装置时佩戴防护手套",),
            emergency=("发生脱钩立即停车并制动车厢，疏散乘客",),
        ),
        level=ControlLevel.DEPARTMENT,
        applies_to=SIGHTSEEING,
    ),
)


_daily = functools.partial(daily_item, source=_DAILY)


CHECKLIST_ITEMS: tuple[ChecklistItem, ...] = (
    _daily("CC-D01", "使用登记标志与号牌", "使用登记标志、号牌齐全有效，检验在有效期内"),
    _daily("CC-D02", "制动、转向、灯光与警示装置", "出车前检查行车和驻车制动、转向、灯光、喇叭、倒车报警有效"),
    _daily("CC-D03", "货叉、链条、门架与护顶架", "货叉无裂纹，链条无断裂，门架无变形，护顶架和安全带完好", FORKLIFTS),
    _daily(
        "CC-D04",
        "叉车安全监控装置",
        "2023年12月1日起制造的叉车装设安全监控装置且工作正常",
        FORKLIFTS,
        f.SAFETY_MONITORING_DEVICE_MISSING,
    ),
    _daily("CC-D05", "动力能源系统", "燃气管路无泄漏，蓄电池无漏液，充电区通风良好并配备灭火器"),
    _daily("CC-D06", "驾驶员持证", "叉车司机持有效N1证件，观光车辆司机持有效N2证件"),
    _daily(
        "CC-D07",
        "观光车辆运行线路与乘客须知",
        "按登记线路运行，限速、坡道警示标志齐全，乘车须知和额定载客人数标识清晰",
        SIGHTSEEING,
    ),
    _daily(
        "CC-D08",
        "每日场车安全检查记录",
        "按《场车安全风险管控清单》检查在用车辆和作业区域，形成《每日场车安全检查记录》，未发现问题也应记录",
    ),
    *weekly_and_monthly_items("CC", "场车"),
    ChecklistItem(
        code="CC-W03",
        subject="厂内交通与作业区域",
        standard="人车分流、限速和警示标志落实，违章驾驶行为已纠正",
        frequency=Frequency.WEEKLY,
        responsible_role=SafetyRole.SAFETY_DIRECTOR,
        source=Source(document=ORDER74, clause="第143条 周排查", status=SourceStatus.VERIFIED),
    ),
    inspection_plan_item("CC"),
    ChecklistItem(
        code="CC-P01",
        subject="定期检验结论",
        standard="定期检验结论为合格且在有效期内，未经检验或检验不合格的车辆未投入使用",
        frequency=Frequency.PERIODIC,
        responsible_role=SafetyRole.SAFETY_OFFICER,
        source=SAFETY_LAW_ARTICLE_40,
    ),
)
