"""Pressure piping risk templates and investigation checklist ([GK] typical practice; edit per unit)."""

from __future__ import annotations

import functools

from dualprev_plugins._common.gb45067 import INSPECTION_NONCONFORMING
from dualprev_plugins._common.order74 import order74_source, weekly_and_monthly_items
from dualprev_plugins._common.rows import TYPICAL_PRACTICE as TEMPLATE_SOURCE
from dualprev_plugins._common.rows import daily_item, risk_template
from dualprev_plugins.pressure_piping.rules import D7005, INDUSTRIAL, LONG_DISTANCE, PUBLIC, SAFETY_VALVE
from dualprev_sdk import ControlLevel, Frequency, SafetyRole
from dualprev_sdk.domain.risk import ControlMeasures
from dualprev_sdk.equipment_classes import ChecklistItem, RiskTemplate

BURIED = (LONG_DISTANCE, PUBLIC)


_t = functools.partial(risk_template, source=TEMPLATE_SOURCE)


RISK_TEMPLATES: tuple[RiskTemplate, ...] = (
    _t(
        "PP-R01",
        "输送易燃易爆介质的管道（法兰、阀门、焊口）",
        "密封失效、焊口缺陷或阀门填料泄漏，易燃介质泄漏遇点火源",
        ("火灾", "其他爆炸"),
        (1, 6, 40),
        (3, 5),
        ControlMeasures(
            engineering=("泄漏易发部位设置可燃气体检测报警", "管道静电接地和法兰跨接完好"),
            management=("按巡检路线每日检查密封点并记录", "动火、检修作业执行审批"),
            training=("培训泄漏识别和初期处置",),
            ppe=("巡检携带便携式可燃气体检测仪，穿防静电工作服",),
            emergency=("泄漏时切断上下游阀门、消除点火源、设置警戒",),
        ),
        level=ControlLevel.DEPARTMENT,
    ),
    _t(
        "PP-R02",
        "输送有毒介质的管道",
        "管道、阀门、取样口泄漏，有毒介质扩散",
        ("中毒和窒息",),
        (1, 6, 40),
        (3, 5),
        ControlMeasures(
            engineering=("设置有毒气体检测报警，重要部位采用密闭取样",),
            management=("定期检漏，设置警示标志",),
            training=("培训有毒介质特性及防护",),
            ppe=("配备防毒面具、正压式空气呼吸器",),
            emergency=("泄漏时疏散下风向人员，佩戴呼吸器关阀处置",),
        ),
        level=ControlLevel.DEPARTMENT,
    ),
    _t(
        "PP-R03",
        "管道本体（内、外腐蚀，保温层下腐蚀）",
        "介质冲刷和腐蚀造成壁厚减薄，保温层破损进水导致层下腐蚀，埋地管道防腐层破损",
        ("其他爆炸", "灼烫", "中毒和窒息"),
        (0.5, 6, 40),
        (2, 5),
        ControlMeasures(
            engineering=("按介质选材，采取防腐涂层、阴极保护", "弯头、三通等冲刷部位定点测厚"),
            management=("按期年度检查和定期检验，建立测厚台账",),
            training=("培训腐蚀和减薄的检查方法",),
            ppe=("检查时佩戴防护手套和护目镜",),
            emergency=("发现严重减薄或泄漏时降压、隔离并安排更换",),
        ),
        level=ControlLevel.TEAM,
        frequency=Frequency.MONTHLY,
    ),
    _t(
        "PP-R04",
        "支吊架",
        "支吊架脱落、变形、弹簧失效或基础下沉，管道失稳、下垂、异常振动，焊口开裂",
        ("物体打击", "其他爆炸"),
        (1, 6, 15),
        (3, 3),
        ControlMeasures(
            engineering=("支吊架按设计设置，重要管道设置限位和减振装置",),
            management=("巡检支吊架有无松动、脱落，弹簧支吊架定期检查指示位置",),
            training=("培训支吊架检查要点",),
            ppe=("高处检查时系安全带",),
            emergency=("管道明显下垂或振动时降压运行并加固",),
        ),
        level=ControlLevel.TEAM,
        frequency=Frequency.WEEKLY,
    ),
    _t(
        "PP-R05",
        "安全阀、爆破片和紧急切断装置",
        "安全泄放装置未按期校验或失效、紧急切断装置拒动，超压时不能保护管道",
        ("其他爆炸",),
        (1, 6, 40),
        (3, 5),
        ControlMeasures(
            engineering=("泄放装置能力满足要求，泄放管引至安全地点",),
            management=("安全阀每年至少校验一次，紧急切断装置定期试验",),
            training=("培训安全附件检查方法",),
            ppe=("检查时佩戴防护用品",),
            emergency=("装置失效时降压运行或停用相应管段",),
        ),
        level=ControlLevel.DEPARTMENT,
    ),
    _t(
        "PP-R06",
        "高温蒸汽、热力管道",
        "保温层缺失、疏水不畅造成水击，人员接触高温管道或被泄漏蒸汽烫伤",
        ("灼烫", "物体打击"),
        (3, 6, 3),
        (2, 3),
        ControlMeasures(
            engineering=("高温管道保温完好并设置防烫标识，疏水装置可靠",),
            management=("暖管时缓慢升温并充分疏水，防止水击",),
            training=("培训暖管和疏水操作",),
            ppe=("穿戴防烫工作服、手套",),
            emergency=("蒸汽泄漏时隔离管段，烫伤立即冷水冲洗并送医",),
        ),
        level=ControlLevel.POST,
        role=SafetyRole.OPERATOR,
    ),
    _t(
        "PP-R07",
        "埋地管道（第三方施工、占压）",
        "管道安全保护范围内违章施工开挖、重车碾压或建筑物占压，造成管道破裂泄漏",
        ("火灾", "其他爆炸", "中毒和窒息"),
        (1, 6, 40),
        (3, 5),
        ControlMeasures(
            engineering=("设置标志桩、警示牌和警示带，重点地段设置视频监控",),
            management=("定期巡线，与施工单位签订管道保护协议并现场监护",),
            training=("巡线人员接受管道保护和违章识别培训",),
            ppe=("巡线携带检测仪",),
            emergency=("管道破损泄漏时关闭阀室阀门、警戒疏散、报告有关部门",),
        ),
        level=ControlLevel.DEPARTMENT,
        applies_to=BURIED,
    ),
    _t(
        "PP-R08",
        "管道检修、动火和带压作业",
        "未可靠隔离、置换不彻底即动火或拆卸，带压紧固或带压堵漏操作不当",
        ("火灾", "其他爆炸", "中毒和窒息"),
        (1, 2, 40),
        (2, 5),
        ControlMeasures(
            engineering=("加装盲板隔离，置换后检测合格",),
            management=("执行动火、盲板抽堵作业审批，专人监护",),
            training=("作业人员接受检修安全培训",),
            ppe=("配备防护服、呼吸器和防爆工具",),
            emergency=("作业现场配备灭火器材和应急处置方案",),
        ),
        level=ControlLevel.DEPARTMENT,
        frequency=Frequency.PERIODIC,
    ),
    _t(
        "PP-R09",
        "工业管道运行参数",
        "操作失误或上游压力失控，管道超压、超温运行",
        ("其他爆炸", "灼烫"),
        (1, 6, 15),
        (3, 3),
        ControlMeasures(
            engineering=("设置压力、温度监测和超限报警",),
            management=("严格执行工艺指标，每班记录运行参数",),
            training=("操作人员掌握超压超温处置",),
            ppe=("巡检佩戴安全帽和防护眼镜",),
            emergency=("超压时开启泄压、切断来源并报告",),
        ),
        level=ControlLevel.TEAM,
        role=SafetyRole.OPERATOR,
        frequency=Frequency.PER_SHIFT,
        applies_to=(INDUSTRIAL,),
    ),
)

_DAILY = order74_source("日管控: 安全员每日检查在用压力管道，形成《每日压力管道安全检查记录》")


_daily = functools.partial(daily_item, source=_DAILY)


CHECKLIST_ITEMS: tuple[ChecklistItem, ...] = (
    _daily("PP-D01", "管道泄漏", "法兰、阀门、焊口、取样口等密封点无泄漏，无异常声响和气味"),
    _daily(
        "PP-D02",
        "安全阀、爆破片和紧急切断装置",
        "安全阀在校验有效期内、铅封完好；爆破片在更换周期内；紧急切断装置动作可靠",
        finding="safety_valve_missing_or_failed",
    ),
    _daily("PP-D03", "支吊架", "支吊架完好，无脱落、变形、松动，弹簧支吊架指示在规定范围内"),
    _daily("PP-D04", "防腐层和保温层", "防腐层、保温层完好，无破损、进水，外表面无明显腐蚀"),
    _daily(
        "PP-D05",
        "运行压力、温度",
        "运行压力、温度不超过设计和使用登记规定，压力表在检定有效期内",
        finding="beyond_rated_parameters_or_scope",
    ),
    _daily(
        "PP-D06",
        "管道沿线（埋地管道）",
        "标志桩、警示牌完好，管道安全保护范围内无违章施工、占压和开挖",
        applies_to=BURIED,
    ),
    *weekly_and_monthly_items("PP", "压力管道"),
    ChecklistItem(
        code="PP-Y01",
        subject="压力管道年度检查",
        standard="每年至少进行一次年度检查，检查报告和问题整改记录齐全",
        frequency=Frequency.YEARLY,
        responsible_role=SafetyRole.SAFETY_OFFICER,
        source=D7005,
    ),
    ChecklistItem(
        code="PP-Y02",
        subject="安全阀校验",
        standard="安全阀每年至少校验一次（延长周期须符合条件），校验后铅封",
        frequency=Frequency.YEARLY,
        responsible_role=SafetyRole.SAFETY_OFFICER,
        source=SAFETY_VALVE.source,
        finding_code="safety_valve_missing_or_failed",
    ),
    ChecklistItem(
        code="PP-P01",
        subject="压力管道定期检验",
        standard="按管道级别和安全状况等级确定的周期进行定期检验，检验结论允许使用后方可继续使用",
        frequency=Frequency.PERIODIC,
        responsible_role=SafetyRole.SAFETY_OFFICER,
        source=D7005,
        finding_code=INSPECTION_NONCONFORMING,
    ),
)
