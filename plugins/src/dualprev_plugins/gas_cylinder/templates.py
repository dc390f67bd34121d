"""Gas cylinder risk templates and investigation checklist ([GK] typical practice for filling and use units)."""

from __future__ import annotations

import functools

from dualprev_plugins._common.gb45067 import INSPECTION_NONCONFORMING
from dualprev_plugins._common.order74 import order74_source, weekly_and_monthly_items
from dualprev_plugins._common.rows import TYPICAL_PRACTICE as TEMPLATE_SOURCE
from dualprev_plugins._common.rows import daily_item, risk_template
from dualprev_plugins.gas_cylinder.intervals import TSG23
from dualprev_sdk import ControlLevel, Frequency, SafetyRole
from dualprev_sdk.domain.risk import ControlMeasures
from dualprev_sdk.equipment_classes import ChecklistItem, RiskTemplate

_t = functools.partial(risk_template, source=TEMPLATE_SOURCE)


RISK_TEMPLATES: tuple[RiskTemplate, ...] = (
    _t(
        "GC-R01",
        "充装前检查（充装单位）",
        "未逐只检查瓶体标志、颜色标识和余压，错装、混装介质（如氧气瓶充装可燃气体）",
        ("容器爆炸", "火灾", "中毒和窒息"),
        (1, 6, 40),
        (3, 5),
        ControlMeasures(
            engineering=("充装接头专用化，采用电子标签或二维码充装前自动核验介质",),
            management=("执行充装前逐只检查并记录，无余压气瓶抽真空或置换后方可充装", "不合格气瓶隔离存放"),
            training=("充装人员持P证上岗",),
            ppe=("充装时佩戴防护眼镜、手套",),
            emergency=("发现错装立即停止充装，隔离气瓶并安全处置",),
        ),
        level=ControlLevel.DEPARTMENT,
        role=SafetyRole.OPERATOR,
        frequency=Frequency.PER_SHIFT,
    ),
    _t(
        "GC-R02",
        "液化气体充装量",
        "衡器失准或未复秤，液化气体超过充装系数超装，温度升高后瓶内压力急剧上升",
        ("容器爆炸",),
        (1, 6, 40),
        (3, 5),
        ControlMeasures(
            engineering=("使用自动切断的充装秤，衡器定期检定",),
            management=("充装后逐只复秤并记录，超装气瓶立即处理",),
            training=("培训充装系数和超装危害",),
            ppe=("佩戴防冻手套和护目镜",),
            emergency=("超装气瓶移至安全处倒出多余介质",),
        ),
        level=ControlLevel.DEPARTMENT,
        role=SafetyRole.OPERATOR,
        frequency=Frequency.PER_SHIFT,
    ),
    _t(
        "GC-R03",
        "瓶阀及瓶帽、防震圈",
        "瓶阀损坏、泄漏或缺瓶帽、防震圈，运输碰撞时瓶阀断裂，气瓶冲出或介质泄漏",
        ("物体打击", "火灾", "中毒和窒息"),
        (1, 6, 15),
        (3, 3),
        ControlMeasures(
            engineering=("气瓶配齐瓶帽和防震圈，瓶阀选用合格产品",),
            management=("每日检查瓶阀有无泄漏、损坏，损坏瓶阀由有资质单位更换",),
            training=("培训瓶阀正确开启方法（缓慢开启）",),
            ppe=("检查时佩戴防护手套",),
            emergency=("瓶阀泄漏时关阀、转移至通风处，严禁自行拆修",),
        ),
        level=ControlLevel.TEAM,
    ),
    _t(
        "GC-R04",
        "气瓶定期检验和报废",
        "超期未检、检验不合格或达到设计使用年限的气瓶继续充装、使用",
        ("容器爆炸",),
        (1, 6, 40),
        (3, 5),
        ControlMeasures(
            engineering=("建立气瓶信息化追溯，超期自动禁止充装",),
            management=("建立气瓶台账，到期前送检，报废气瓶做破坏性处理",),
            training=("培训识别检验钢印和检验标志",),
            ppe=("搬运待检气瓶时佩戴防护手套",),
            emergency=("发现超期气瓶立即停用隔离",),
        ),
        level=ControlLevel.DEPARTMENT,
    ),
    _t(
        "GC-R05",
        "气瓶储存",
        "氧气瓶与可燃气体气瓶混存，暴晒、靠近热源，无防倾倒措施，储存间通风不良",
        ("火灾", "其他爆炸", "容器爆炸"),
        (1, 6, 40),
        (3, 5),
        ControlMeasures(
            engineering=("储存间通风、防晒，设置可燃气体报警，气瓶设防倾倒链条",),
            management=("空瓶实瓶分开、性质相抵触的气体分间存放，设置明显标志",),
            training=("培训气瓶储存安全要求",),
            ppe=("进入储存间穿防静电工作服",),
            emergency=("配备灭火器材，泄漏或着火时疏散人员并报警",),
        ),
        level=ControlLevel.TEAM,
    ),
    _t(
        "GC-R06",
        "气瓶搬运和装卸",
        "抛、滑、滚、碰撞气瓶，用电磁起重机吊运，运输时未固定",
        ("物体打击", "容器爆炸"),
        (3, 6, 7),
        (3, 3),
        ControlMeasures(
            engineering=("使用专用手推车或气瓶笼搬运",),
            management=("装卸时轻装轻卸，运输时气瓶固定、瓶帽齐全",),
            training=("装卸人员接受气瓶搬运培训",),
            ppe=("佩戴防砸鞋和手套",),
            emergency=("气瓶跌落后检查瓶阀，发现泄漏立即隔离",),
        ),
        level=ControlLevel.POST,
        role=SafetyRole.OPERATOR,
    ),
    _t(
        "GC-R07",
        "氧气、乙炔气瓶使用（焊割作业）",
        "未安装回火防止器、气瓶与明火距离不足、乙炔瓶卧放使用、瓶内气体用尽未留余压",
        ("火灾", "其他爆炸"),
        (3, 3, 15),
        (3, 4),
        ControlMeasures(
            engineering=("乙炔瓶和氧气瓶出口安装回火防止器",),
            management=("执行动火审批，乙炔瓶直立使用，瓶内保留余压", "氧气瓶、乙炔瓶保持规定间距"),
            training=("焊割作业人员接受气瓶安全使用培训",),
            ppe=("佩戴焊接面罩、阻燃工作服",),
            emergency=("发生回火立即关闭乙炔瓶阀，着火时用干粉灭火器扑救",),
        ),
        level=ControlLevel.TEAM,
        role=SafetyRole.OPERATOR,
    ),
    _t(
        "GC-R08",
        "液化石油气钢瓶使用（餐饮等用户）",
        "减压阀、连接软管老化泄漏，气瓶倒置或用火加热，使用场所无燃气报警",
        ("火灾", "其他爆炸", "中毒和窒息"),
        (1, 6, 40),
        (3, 5),
        ControlMeasures(
            engineering=("安装可燃气体报警和自动切断装置，使用金属波纹软管",),
            management=("每日用前检查软管、减压阀有无泄漏", "严禁倒置、加热气瓶"),
            training=("对使用人员进行燃气安全教育",),
            ppe=("检漏使用肥皂水或检漏仪，严禁明火检漏",),
            emergency=("泄漏时关闭瓶阀、开窗通风，严禁开关电器，撤离并报警",),
        ),
        level=ControlLevel.DEPARTMENT,
    ),
    _t(
        "GC-R09",
        "有毒、腐蚀性气体气瓶（氯、氨等）",
        "瓶阀腐蚀泄漏、使用后未关阀，有毒气体扩散",
        ("中毒和窒息",),
        (1, 6, 40),
        (3, 5),
        ControlMeasures(
            engineering=("设置有毒气体报警和事故通风，配备应急处置设施（如碱液池）",),
            management=("按2年周期送检，使用后立即关阀并记录",),
            training=("培训有毒气体特性和应急处置",),
            ppe=("配备正压式空气呼吸器、防化服",),
            emergency=("泄漏时疏散下风向人员，佩戴呼吸器处置",),
        ),
        level=ControlLevel.DEPARTMENT,
    ),
)

_DAILY = order74_source("日管控: 安全员每日检查在用气瓶，形成《每日气瓶安全检查记录》")


_daily = functools.partial(daily_item, source=_DAILY)


CHECKLIST_ITEMS: tuple[ChecklistItem, ...] = (
    _daily("GC-D01", "气瓶检验有效期", "在用气瓶均在定期检验有效期内，检验标志清晰，无报废气瓶"),
    _daily(
        "GC-D02",
        "瓶阀、瓶帽、防震圈",
        "瓶阀无泄漏、损坏，瓶帽、防震圈齐全",
        finding="cylinder_valve_missing_or_failed",
    ),
    _daily(
        "GC-D03",
        "安全泄压装置",
        "易熔合金塞、爆破片等安全泄压装置完好，无泄漏、无缺失",
        finding="pressure_relief_device_missing_or_failed",
    ),
    _daily(
        "GC-D04",
        "气瓶储存",
        "分类分间存放，防倾倒措施有效，远离热源，储存间通风和可燃（有毒）气体报警正常",
    ),
    _daily(
        "GC-D05",
        "充装前检查记录（充装单位）",
        "逐只检查介质、颜色标识、检验期限和余压并记录，无错装",
        finding="wrong_medium_filled",
    ),
    _daily(
        "GC-D06",
        "充装量复秤（充装单位）",
        "液化气体充装后逐只复秤，充装量不超过规定，衡器在检定有效期内",
        finding="beyond_rated_parameters_or_scope",
    ),
    _daily(
        "GC-D07",
        "充装设备紧急切断装置（充装单位）",
        "充装设备设施上的紧急切断装置完好、动作可靠",
        finding="filling_facility_emergency_shutoff_missing_or_failed",
    ),
    *weekly_and_monthly_items("GC", "气瓶"),
    ChecklistItem(
        code="GC-P01",
        subject="气瓶定期检验送检",
        standard="按介质和瓶种确定的检验周期送检，到期前安排送检，检验不合格气瓶报废处理",
        frequency=Frequency.PERIODIC,
        responsible_role=SafetyRole.SAFETY_OFFICER,
        source=TSG23,
        finding_code=INSPECTION_NONCONFORMING,
    ),
)
