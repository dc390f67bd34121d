"""People, their operator certificates (TSG Z6001-2019; 2011-era codes kept with their scheme), training
records and the compliance findings computed over them.

The certificate catalogue is data taken from the domain reference Part C §5 and carries each entry's status.
The 2011 → 2019 conversion table follows the conversion notes there ([V]: 一级锅炉司炉 → 工业锅炉司炉;
二/三级锅炉司炉 → 工业 *or* 电站 depending on the boiler; 索道维修(限电气) → 客运索道修理 *and* 司机;
水上游乐设施操作与维修 → 大型游乐设施修理 *and* 操作). Every other row is an inference from the item names
([GK]) and is flagged ``review`` so a person confirms it before a legacy certificate counts; D1–D3 (pressure
piping) have no 2019 item at all [V].

The same letters mean different things in the two schemes (N2 = 叉车司机 in 2011, 观光车司机 in 2019), so a
certificate always carries its ``scheme_version`` and nothing compares bare codes across schemes.
"""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from dualprev_sdk.domain.common import Source, SourceStatus

__all__ = [
    "CATEGORIES_2011",
    "CATEGORIES_2019",
    "CONVERSIONS_2011",
    "Certificate",
    "CertificateCategory",
    "ComplianceFinding",
    "ComplianceReport",
    "FindingSeverity",
    "LegacyConversion",
    "Person",
    "TrainingRecord",
    "UnitSafetySetup",
    "convert_legacy",
    "effective_categories",
]

SCHEME_2019 = "2019"
SCHEME_2011 = "2011"

_Z6001_V = Source(document="TSG Z6001-2019", clause="附件A", status=SourceStatus.VERIFIED)
_Z6001_GK = Source(document="TSG Z6001-2019", clause="附件A", status=SourceStatus.GENERAL_KNOWLEDGE)
_LIST_2011 = Source(document="TSG Z6001-2011 作业项目目录 (legacy)", status=SourceStatus.VERIFIED)
_CONVERSION_V = Source(
    document="市监特设〔2019〕32号 附件 特种设备作业人员证书换发对应",
    status=SourceStatus.VERIFIED,
    note="conversion note quoted in the domain reference Part C §5",
)
_CONVERSION_GK = Source(
    document="dualprev-sdk inference from item names",
    status=SourceStatus.GENERAL_KNOWLEDGE,
    note="not in the retrieved conversion notes; confirm against 市监特设〔2019〕32号 annex",
)


@attrs.frozen(kw_only=True)
class CertificateCategory:
    code: str
    scheme_version: str
    kind_zh: str  # 种类
    item_zh: str  # 作业项目
    source: Source


def _c19(code: str, kind: str, item: str, verified: bool = True) -> CertificateCategory:
    return CertificateCategory(
        code=code, scheme_version=SCHEME_2019, kind_zh=kind, item_zh=item, source=_Z6001_V if verified else _Z6001_GK
    )


#: TSG Z6001-2019 operator items (Part C §5); status per row as in the reference.
CATEGORIES_2019: dict[str, CertificateCategory] = {
    c.code: c
    for c in (
        _c19("A", "特种设备安全管理", "特种设备安全管理"),
        _c19("G1", "锅炉作业", "工业锅炉司炉"),
        _c19("G2", "锅炉作业", "电站锅炉司炉", verified=False),
        _c19("G3", "锅炉作业", "锅炉水处理"),
        _c19("R1", "压力容器作业", "快开门式压力容器操作"),
        _c19("R2", "压力容器作业", "移动式压力容器充装"),
        _c19("R3", "压力容器作业", "氧舱维护保养", verified=False),
        _c19("P", "气瓶作业", "气瓶充装"),
        _c19("T", "电梯作业", "电梯修理", verified=False),
        _c19("Q1", "起重机械作业", "起重机指挥"),
        _c19("Q2", "起重机械作业", "起重机司机"),
        _c19("S1", "客运索道作业", "客运索道修理", verified=False),
        _c19("S2", "客运索道作业", "客运索道司机", verified=False),
        _c19("Y1", "大型游乐设施作业", "大型游乐设施修理", verified=False),
        _c19("Y2", "大型游乐设施作业", "大型游乐设施操作", verified=False),
        _c19("N1", "场（厂）内专用机动车辆作业", "叉车司机"),
        _c19("N2", "场（厂）内专用机动车辆作业", "观光车和观光列车司机"),
        _c19("F", "安全附件维修作业", "安全阀校验", verified=False),
    )
}

_ITEMS_2011: tuple[tuple[str, str], ...] = (
    ("A1", "特种设备安全管理负责人"),
    ("A2", "质量管理负责人"),
    ("A3", "锅炉压力容器压力管道安全管理"),
    ("A4", "电梯安全管理"),
    ("A5", "起重机械安全管理"),
    ("A6", "客运索道安全管理"),
    ("A7", "大型游乐设施安全管理"),
    ("A8", "场车安全管理"),
    ("G1", "一级锅炉司炉"),
    ("G2", "二级锅炉司炉"),
    ("G3", "三级锅炉司炉"),
    ("G4", "一级锅炉水质处理"),
    ("G5", "二级锅炉水质处理"),
    ("G6", "锅炉能效作业"),
    ("R1", "固定式压力容器操作"),
    ("R2", "移动式压力容器充装"),
    ("R3", "氧舱维护保养"),
    ("P1", "永久气体气瓶充装"),
    ("P2", "液化气体气瓶充装"),
    ("P3", "溶解乙炔气瓶充装"),
    ("P4", "液化石油气瓶充装"),
    ("P5", "车用气瓶充装"),
    ("D1", "压力管道巡检维护"),
    ("D2", "带压封堵"),
    ("D3", "带压密封"),
    ("T1", "电梯机械安装维修"),
    ("T2", "电梯电气安装维修"),
    ("T3", "电梯司机"),
    ("Q1", "起重机械机械安装维修"),
    ("Q2", "起重机械电气安装维修"),
    ("Q3", "起重机械指挥"),
    ("Q4", "桥门式起重机司机"),
    ("Q5", "塔式起重机司机"),
    ("Q6", "门座式起重机司机"),
    ("Q7", "缆索式起重机司机"),
    ("Q8", "流动式起重机司机"),
    ("Q9", "升降机司机"),
    ("Q10", "机械式停车设备司机"),
    ("S1", "客运索道安装"),
    ("S2", "客运索道维修"),
    ("S3", "客运索道司机"),
    ("S4", "客运索道编索"),
    ("Y1", "大型游乐设施安装"),
    ("Y2", "大型游乐设施维修"),
    ("Y3", "大型游乐设施操作"),
    ("Y4", "水上游乐设施操作与维修"),
    ("N1", "场车维修"),
    ("N2", "叉车司机"),
    ("N3", "搬运车牵引车推顶车司机"),
    ("N4", "内燃观光车司机"),
    ("N5", "蓄电池观光车司机"),
    ("F1", "安全阀校验"),
    ("F2", "安全阀维修"),
)

#: The 2011 list (Part C §5, [V]), kept to read old data.
CATEGORIES_2011: dict[str, CertificateCategory] = {
    code: CertificateCategory(code=code, scheme_version=SCHEME_2011, kind_zh="", item_zh=item, source=_LIST_2011)
    for code, item in _ITEMS_2011
}


@attrs.frozen(kw_only=True)
class LegacyConversion:
    """What a 2011 item becomes under TSG Z6001-2019.

    ``targets``: the 2019 codes it converts to (all of them when ``alternatives`` is false — e.g. 水上游乐设施
    操作与维修 → Y1 *and* Y2; one of them when true — 二级锅炉司炉 → G1 *or* G2 by the actual boiler).
    ``review``: a person must confirm before the legacy certificate counts (ambiguous or inferred rows).
    ``limitation``: the 2019 certificate's scope note (``限桥式起重机``) where the old item named a crane type.
    """

    code_2011: str
    targets: tuple[str, ...]
    alternatives: bool = False
    review: bool = False
    limitation: str = ""
    note: str = ""
    source: Source = _CONVERSION_GK


def _conv(code: str, targets: tuple[str, ...], **kw: object) -> LegacyConversion:
    kw.setdefault("review", True)
    return LegacyConversion(code_2011=code, targets=targets, **kw)  # type: ignore[arg-type]


#: 2011 → 2019. Rows from the conversion notes are [V] and need no review unless the note itself says "depending
#: on"; every other row is inferred from the names and flagged for review.
CONVERSIONS_2011: dict[str, LegacyConversion] = {
    c.code_2011: c
    for c in (
        *(_conv(f"A{n}", ("A",), note="各类安全管理项目合并为特种设备安全管理") for n in range(1, 9)),
        LegacyConversion(code_2011="G1", targets=("G1",), note="一级锅炉司炉 → 工业锅炉司炉", source=_CONVERSION_V),
        LegacyConversion(
            code_2011="G2",
            targets=("G1", "G2"),
            alternatives=True,
            review=True,
            note="二级锅炉司炉 → 工业锅炉司炉或电站锅炉司炉（按实际操作的锅炉）",
            source=_CONVERSION_V,
        ),
        LegacyConversion(
            code_2011="G3",
            targets=("G1", "G2"),
            alternatives=True,
            review=True,
            note="三级锅炉司炉 → 工业锅炉司炉或电站锅炉司炉（按实际操作的锅炉）",
            source=_CONVERSION_V,
        ),
        _conv("G4", ("G3",), note="锅炉水质处理 → 锅炉水处理"),
        _conv("G5", ("G3",), note="锅炉水质处理 → 锅炉水处理"),
        _conv("G6", (), note="2019目录无锅炉能效作业项目"),
        _conv("R1", ("R1",), note="固定式压力容器操作 → 快开门式压力容器操作？范围不同，须核实"),
        _conv("R2", ("R2",), note="移动式压力容器充装，名称相同"),
        _conv("R3", ("R3",), note="氧舱维护保养，名称相同"),
        *(_conv(f"P{n}", ("P",), note="各类气瓶充装合并为气瓶充装") for n in range(1, 6)),
        LegacyConversion(
            code_2011="D1",
            targets=(),
            review=True,
            note="2019目录无压力管道作业项目（D1/D2/D3已取消）",
            source=_Z6001_V,
        ),
        LegacyConversion(
            code_2011="D2",
            targets=(),
            review=True,
            note="2019目录无压力管道作业项目（D1/D2/D3已取消）",
            source=_Z6001_V,
        ),
        LegacyConversion(
            code_2011="D3",
            targets=(),
            review=True,
            note="2019目录无压力管道作业项目（D1/D2/D3已取消）",
            source=_Z6001_V,
        ),
        _conv("T1", ("T",), note="电梯安装维修 → 电梯修理"),
        _conv("T2", ("T",), note="电梯安装维修 → 电梯修理"),
        _conv("T3", (), note="2019目录未列电梯司机项目"),
        _conv("Q1", (), note="起重机械安装维修不在2019作业人员目录（属维修单位）"),
        _conv("Q2", (), note="起重机械安装维修不在2019作业人员目录（属维修单位）"),
        _conv("Q3", ("Q1",), note="起重机械指挥 → 起重机指挥"),
        _conv("Q4", ("Q2",), limitation="限桥式/门式起重机", note="司机项目合并为起重机司机并注明限制范围"),
        _conv("Q5", ("Q2",), limitation="限塔式起重机", note="司机项目合并为起重机司机并注明限制范围"),
        _conv("Q6", ("Q2",), limitation="限门座式起重机", note="司机项目合并为起重机司机并注明限制范围"),
        _conv("Q7", ("Q2",), limitation="限缆索式起重机", note="司机项目合并为起重机司机并注明限制范围"),
        _conv("Q8", ("Q2",), limitation="限流动式起重机", note="司机项目合并为起重机司机并注明限制范围"),
        _conv("Q9", ("Q2",), note="升降机司机 → 起重机司机？限制范围未检索到"),
        _conv("Q10", ("Q2",), note="机械式停车设备司机 → 起重机司机？限制范围未检索到"),
        _conv("S1", ("S1",), note="客运索道安装 → 客运索道修理"),
        LegacyConversion(
            code_2011="S2",
            targets=("S1", "S2"),
            review=True,
            note="索道维修（限电气）可换发客运索道修理和客运索道司机；其他维修项目须核实",
            source=_CONVERSION_V,
        ),
        _conv("S3", ("S2",), note="客运索道司机，名称相同"),
        _conv("S4", ("S1",), note="客运索道编索 → 客运索道修理"),
        _conv("Y1", ("Y1",), note="大型游乐设施安装 → 修理"),
        _conv("Y2", ("Y1",), note="大型游乐设施维修 → 修理"),
        _conv("Y3", ("Y2",), note="大型游乐设施操作，名称相同"),
        LegacyConversion(
            code_2011="Y4",
            targets=("Y1", "Y2"),
            note="水上游乐设施操作与维修 → 大型游乐设施修理和操作",
            source=_CONVERSION_V,
        ),
        _conv("N1", (), note="场车维修不在2019作业人员目录"),
        _conv("N2", ("N1",), note="2011年N2叉车司机 → 2019年N1叉车司机（同一字母含义不同）"),
        _conv("N3", ("N1",), note="搬运车牵引车推顶车司机 → 叉车司机？须核实"),
        _conv("N4", ("N2",), note="内燃观光车司机 → 观光车和观光列车司机"),
        _conv("N5", ("N2",), note="蓄电池观光车司机 → 观光车和观光列车司机"),
        _conv("F1", ("F",), note="安全阀校验，名称相同"),
        _conv("F2", ("F",), note="安全阀维修 → 安全阀校验？须核实"),
    )
}


def convert_legacy(code_2011: str) -> LegacyConversion:
    """The conversion row of a 2011 item; an unknown code converts to nothing, flagged for review."""
    found = CONVERSIONS_2011.get(code_2011.strip().upper())
    if found is not None:
        return found
    return LegacyConversion(code_2011=code_2011, targets=(), review=True, note="不是2011目录中的作业项目代码")


@attrs.frozen(kw_only=True)
class Certificate:
    """《特种设备安全管理和作业人员证》 item. ``scheme_version`` matters: N2 is 叉车司机 in 2011 and
    观光车司机 in 2019. ``review_confirmed`` records that a person confirmed what an ambiguous legacy item
    converts to (``confirmed_as``)."""

    number: str
    category_code: str  # "N1", "Q2", "A"…
    scheme_version: str = SCHEME_2019  # "2019" (TSG Z6001-2019) or "2011"
    issued_on: dt.date | None = None
    expires_on: dt.date | None = None
    authority: str = ""
    limitation: str = ""  # e.g. "限桥式起重机"
    confirmed_as: tuple[str, ...] = ()

    def valid_on(self, day: dt.date) -> bool:
        return self.expires_on is None or day <= self.expires_on

    @property
    def known(self) -> bool:
        catalogue = CATEGORIES_2019 if self.scheme_version == SCHEME_2019 else CATEGORIES_2011
        return self.category_code in catalogue


def effective_categories(certificate: Certificate) -> tuple[tuple[str, ...], LegacyConversion | None]:
    """The 2019 categories a certificate counts for, and the conversion used (None for 2019 certificates).

    A legacy item counts only when its conversion needs no review, or a person recorded ``confirmed_as``.
    """
    if certificate.scheme_version == SCHEME_2019:
        return ((certificate.category_code,) if certificate.known else ()), None
    conversion = convert_legacy(certificate.category_code)
    if certificate.confirmed_as:
        return tuple(c for c in certificate.confirmed_as if c in conversion.targets or not conversion.targets), (
            conversion
        )
    if conversion.review:
        return (), conversion
    return conversion.targets, conversion


@attrs.define(kw_only=True)
class Person:
    """Someone working at a unit. ``operates`` lists the equipment ids the person operates (作业岗位);
    ``works_since`` is the day they started that work (上岗日期), checked against training ("先培训后上岗")."""

    id: str
    unit_uscc: str
    name: str
    id_number: str | None = None  # GB 11643 personal ID, validated where given
    phone: str = ""
    certificates: tuple[Certificate, ...] = ()
    operates: tuple[str, ...] = ()
    works_since: dt.date | None = None
    full_time_safety_manager: bool = False  # 专职安全管理员 (TSG 08-2017 2.4.2)
    version: int = 0


@attrs.define(kw_only=True)
class TrainingRecord:
    """A training session (培训记录): topic, date, hours, trainer and who attended."""

    id: str
    unit_uscc: str
    topic: str
    held_on: dt.date
    hours: float
    trainer: str
    participants: tuple[str, ...] = ()  # person ids
    version: int = 0


@attrs.define(kw_only=True)
class UnitSafetySetup:
    """How a unit organises safety management, as it declares it: whether it has a safety management
    organisation (安全管理机构, TSG 08-2017 2.3) and which filling activities it performs (they trigger 2.4.2
    (3) whatever the equipment list says)."""

    unit_uscc: str
    has_organisation: bool = False
    organisation_name: str = ""
    activities: tuple[str, ...] = ()
    version: int = 0


class FindingSeverity(enum.StrEnum):
    VIOLATION = "violation"  # 不符合要求
    WARNING = "warning"  # 须核实/即将到期
    INFO = "info"

    @property
    def name_zh(self) -> str:
        return {"violation": "不符合", "warning": "提示", "info": "信息"}[self.value]


@attrs.frozen(kw_only=True)
class ComplianceFinding:
    """One result of a personnel compliance check: what, about which subject, why (with the rule's source)."""

    code: str  # "certificate.expired", "operator.uncertified", "role.safety_director.missing", …
    severity: FindingSeverity
    subject: str  # equipment id, person id, equipment kind or the unit
    message_zh: str
    source: Source | None = None


@attrs.frozen(kw_only=True)
class ComplianceReport:
    unit_uscc: str
    as_of: dt.date
    findings: tuple[ComplianceFinding, ...]

    @property
    def compliant(self) -> bool:
        return not any(f.severity is FindingSeverity.VIOLATION for f in self.findings)

    def codes(self) -> list[str]:
        return sorted({f.code for f in self.findings})

    def about(self, subject: str) -> list[ComplianceFinding]:
        return [f for f in self.findings if f.subject == subject]
