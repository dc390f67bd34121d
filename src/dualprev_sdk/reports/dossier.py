"""一企一档一码: the unit dossier (HTML that prints to A4, and xlsx) and a QR code per unit and per equipment.

The seed asks small and micro enterprises to rely on the work-safety "one enterprise, one file, one code": the
file is everything a regulator or a new safety officer needs on one page set — the unit, its equipment with
inspection validity, the certified people, the risk control list and the hazards not yet closed — and the code
is a QR label on the wall or on the equipment that leads to the same record in the system.

The dossier is *derived*: :func:`build_dossier` reads the store and the files are rendered from that, so it can
be regenerated at any time and never drifts from the data. QR codes encode a stable URI of the record built from
its AIP-122 resource name: ``dualprev://units/{uscc}`` and ``dualprev://equipment/{id}`` by default, or
``{base_url}/units/{uscc}`` when an https base URL is configured (a unit's own portal, a regulator's site).
"""

from __future__ import annotations

import datetime as dt
import importlib.resources
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import segno

from dualprev_sdk import timeutil
from dualprev_sdk.domain.common import RiskLevel
from dualprev_sdk.domain.equipment import Equipment
from dualprev_sdk.domain.hazard import Hazard
from dualprev_sdk.domain.inspection import InspectionKind, InspectionValidity, ValidityStatus, validity_of
from dualprev_sdk.domain.personnel import Person
from dualprev_sdk.domain.risk import RiskPoint
from dualprev_sdk.domain.unit import UseUnit
from dualprev_sdk.errors import InvalidArgument

if TYPE_CHECKING:
    from jinja2 import Template

    from dualprev_sdk.services.bootstrap import Dualprev
    from dualprev_sdk.services.five_standards import FiveStandardsAssessment

__all__ = [
    "DEFAULT_SCHEME",
    "Dossier",
    "DossierEquipment",
    "build_dossier",
    "equipment_uri",
    "qr_svg_data_uri",
    "render_dossier_html",
    "unit_uri",
    "write_dossier_html",
    "write_dossier_xlsx",
    "write_qr_png",
]

#: The URI scheme used when no base URL is configured: an app that knows the scheme opens the record.
DEFAULT_SCHEME = "dualprev://"
_ALL = 1_000_000
_AGENCY_KINDS = (InspectionKind.PERIODIC, InspectionKind.SUPERVISORY, InspectionKind.FIRST)


def _base(base_url: str | None) -> str:
    if base_url is None:
        return DEFAULT_SCHEME
    if not base_url.startswith("https://"):
        raise InvalidArgument.single(
            "base_url", base_url, "dossier.base_url.https", "a QR code must lead to an https:// address"
        )
    return base_url.rstrip("/") + "/"


def unit_uri(uscc: str, *, base_url: str | None = None) -> str:
    """The stable URI of a unit's record: ``dualprev://units/{uscc}`` or ``{base_url}/units/{uscc}``."""
    return f"{_base(base_url)}units/{uscc}"


def equipment_uri(equipment_id: str, *, base_url: str | None = None) -> str:
    """The stable URI of an equipment record (top level: equipment changes hands, its record does not)."""
    return f"{_base(base_url)}equipment/{equipment_id}"


@attrs.frozen(kw_only=True)
class DossierEquipment:
    equipment: Equipment
    class_name_zh: str
    uri: str
    validity: InspectionValidity
    highest_risk: RiskLevel | None
    risk_points: int
    open_hazards: int


@attrs.frozen(kw_only=True)
class Dossier:
    """Everything the dossier shows, read in one unit of work."""

    unit: UseUnit
    region_name: str
    unit_uri: str
    generated_on: dt.date
    equipment: tuple[DossierEquipment, ...]
    people: tuple[Person, ...]
    risk_points: tuple[RiskPoint, ...]
    open_hazards: tuple[Hazard, ...]
    five_standards: FiveStandardsAssessment | None = None

    @property
    def level_counts(self) -> dict[RiskLevel, int]:
        counts = dict.fromkeys(RiskLevel, 0)
        for point in self.risk_points:
            counts[point.level] += 1
        return counts

    @property
    def validity_counts(self) -> dict[ValidityStatus, int]:
        counts = dict.fromkeys(ValidityStatus, 0)
        for row in self.equipment:
            counts[row.validity.status] += 1
        return {k: v for k, v in counts.items() if v}

    def equipment_name(self, equipment_id: str | None) -> str:
        for row in self.equipment:
            if row.equipment.id == equipment_id:
                return row.equipment.name or row.equipment.id
        return "单位级" if equipment_id is None else equipment_id


def build_dossier(
    sdk: Dualprev,
    uscc: str,
    *,
    today: dt.date | None = None,
    base_url: str | None = None,
    with_five_standards: bool = True,
) -> Dossier:
    """Read the unit's dossier from the store as of ``today`` (default: today in Asia/Shanghai), with the unit's
    "五有" self-assessment unless ``with_five_standards`` is False."""
    from dualprev_sdk.regions import default_region_table

    today = today or timeutil.today()
    with sdk.uow() as uow:
        unit = uow.units.get(uscc)
        equipment = [
            e for e in uow.equipment.list(unit_uscc=uscc, limit=_ALL) if e.status.value in ("in_use", "suspended")
        ]
        latest = uow.inspections.latest_for_many([e.id for e in equipment], kinds=_AGENCY_KINDS)
        points = tuple(uow.risk_points.list_all(unit_uscc=uscc))
        people = tuple(uow.people.for_unit(uscc))
        hazard_ids = uow.hazards.ids(unit_uscc=uscc, limit=_ALL)
        found = uow.hazards.by_ids(hazard_ids)  # one read of all their events, not one per hazard
        hazards = [found[i] for i in hazard_ids]
    open_hazards = tuple(h for h in hazards if not h.state.is_terminal)
    rows: list[DossierEquipment] = []
    for eq in sorted(equipment, key=lambda e: (e.catalog_code, e.unit_internal_number, e.id)):
        cls = sdk.host.equipment_classes.for_code(eq.catalog_code)
        own_points = [p for p in points if p.equipment_id == eq.id]
        rows.append(
            DossierEquipment(
                equipment=eq,
                class_name_zh=cls.name_zh if cls is not None else f"其他（{eq.catalog_code}）",
                uri=equipment_uri(eq.id, base_url=base_url),
                validity=validity_of(eq.id, eq.next_inspection_due, today, last=latest.get(eq.id)),
                highest_risk=min((p.level for p in own_points), default=None),
                risk_points=len(own_points),
                open_hazards=sum(1 for h in open_hazards if h.equipment_id == eq.id),
            )
        )
    region = default_region_table().get(unit.region_code)
    assessment = None
    if with_five_standards:
        from dualprev_sdk.services.five_standards import assess_unit

        assessment = assess_unit(sdk, uscc, today=today)
    return Dossier(
        unit=unit,
        region_name=region.full_name if region is not None else unit.region_code,
        unit_uri=unit_uri(uscc, base_url=base_url),
        generated_on=today,
        equipment=tuple(rows),
        people=people,
        risk_points=tuple(sorted(points, key=lambda p: (int(p.level), p.equipment_id or "", p.id))),
        open_hazards=tuple(sorted(open_hazards, key=lambda h: (h.level is None, str(h.level), h.id))),
        five_standards=assessment,
    )


# ---------------------------------------------------------------------------------------------------------------
# QR codes
# ---------------------------------------------------------------------------------------------------------------


def _qr(uri: str) -> segno.QRCode:
    # Error level M survives a scuffed label; the URI is short, so the symbol stays small.
    return segno.make(uri, error="m", micro=False)


def write_qr_png(uri: str, path: str | Path, *, scale: int = 8) -> Path:
    """A PNG QR code of ``uri`` (quiet zone included) for printing on a label."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    _qr(uri).save(str(target), kind="png", scale=scale, border=4)
    return target


def qr_svg_data_uri(uri: str, *, scale: int = 3) -> str:
    """The QR code as an SVG data URI, to embed in HTML without a separate file."""
    return str(_qr(uri).svg_data_uri(scale=scale, border=2))


# ---------------------------------------------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------------------------------------------


@cache
def _template() -> Template:
    import jinja2

    text = (
        importlib.resources.files("dualprev_sdk.reports")
        .joinpath("templates/dossier.html.j2")
        .read_text(encoding="utf-8")
    )
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env.from_string(text)


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value is not None else "—"


def render_dossier_html(dossier: Dossier) -> str:
    """The dossier as one self-contained HTML page (inline CSS and QR codes; A4 print styles)."""
    from dualprev_sdk.domain.common import CrowdedPlaceType

    def place(value: CrowdedPlaceType | None) -> str:
        return value.name_zh if value is not None else ""

    return _template().render(
        d=dossier,
        unit=dossier.unit,
        levels=list(RiskLevel),
        unit_qr=qr_svg_data_uri(dossier.unit_uri, scale=4),
        equipment_qr={row.equipment.id: qr_svg_data_uri(row.uri, scale=2) for row in dossier.equipment},
        date=_date,
        place=place,
    )


def write_dossier_html(dossier: Dossier, path: str | Path) -> Path:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_dossier_html(dossier), encoding="utf-8")
    return target


# ---------------------------------------------------------------------------------------------------------------
# xlsx
# ---------------------------------------------------------------------------------------------------------------


def _sheet(
    workbook: Any, title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[int]
) -> Any:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from dualprev_sdk.reports.xlsx import print_landscape

    ws = workbook.create_sheet(title)
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in rows:
        ws.append(list(row))
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    print_landscape(ws, heading_rows=1)
    return ws


def write_dossier_xlsx(dossier: Dossier, path: str | Path) -> Path:
    """The dossier as a workbook: 单位信息, 设备与检验, 人员证书, 风险管控清单, 未销号隐患 (and 五有自评)."""
    from openpyxl import Workbook
    from openpyxl.styles import PatternFill

    unit = dossier.unit
    workbook = Workbook()
    workbook.remove(workbook.active)
    info = [
        ("单位名称", unit.name),
        ("统一社会信用代码", unit.uscc),
        ("所在地区", f"{dossier.region_name}（{unit.region_code}）"),
        ("单位地址", unit.address),
        ("所属行业", unit.industry),
        ("企业规模", unit.size_class.name_zh),
        ("所在园区", unit.park or ""),
        ("示范企业", "是" if unit.demonstration else "否"),
        *((role.role.name_zh, f"{role.name} {role.phone}".strip()) for role in unit.roles),
        ("一企一码", dossier.unit_uri),
        ("生成日期", dossier.generated_on.isoformat()),
    ]
    _sheet(workbook, "单位信息", ("项目", "内容"), info, (20, 60))
    _sheet(
        workbook,
        "设备与检验",
        (
            "单位内编号",
            "设备类别",
            "设备名称",
            "设备代码",
            "使用登记证编号",
            "使用地点",
            "下次检验日期",
            "检验有效期",
            "最高风险等级",
            "风险点",
            "未销号隐患",
            "设备码",
        ),
        [
            (
                r.equipment.unit_internal_number,
                r.class_name_zh,
                r.equipment.name,
                r.equipment.equipment_code,
                r.equipment.registration_number,
                " ".join(
                    x
                    for x in (r.equipment.location.building, r.equipment.location.floor, r.equipment.location.area)
                    if x
                ),
                _date(r.equipment.next_inspection_due),
                r.validity.status.name_zh,
                r.highest_risk.name_zh if r.highest_risk is not None else "",
                r.risk_points,
                r.open_hazards,
                r.uri,
            )
            for r in dossier.equipment
        ],
        (12, 14, 18, 22, 20, 22, 14, 18, 12, 8, 10, 40),
    )
    _sheet(
        workbook,
        "人员证书",
        ("姓名", "电话", "证书编号", "作业项目", "发证日期", "有效期至", "操作设备数"),
        [
            (p.name, p.phone, c.number, c.category_code, _date(c.issued_on), _date(c.expires_on), len(p.operates))
            for p in dossier.people
            for c in (p.certificates or ())
        ],
        (12, 16, 20, 10, 12, 12, 10),
    )
    risk = _sheet(
        workbook,
        "风险管控清单",
        ("设备", "部位/作业活动", "危险有害因素", "风险等级", "管控层级", "责任人", "排查频次"),
        [
            (
                dossier.equipment_name(p.equipment_id),
                p.component,
                p.hazard_factor,
                p.level.name_zh,
                p.control_level.name_zh,
                p.responsible_person,
                p.check_frequency.name_zh,
            )
            for p in dossier.risk_points
        ],
        (18, 22, 40, 10, 10, 12, 10),
    )
    for row_number, point in enumerate(dossier.risk_points, start=2):
        risk.cell(row=row_number, column=4).fill = PatternFill("solid", fgColor=point.level.hex_color)
    _sheet(
        workbook,
        "未销号隐患",
        ("隐患编号", "设备", "发现日期", "描述", "等级", "状态", "整改期限", "责任人"),
        [
            (
                h.id,
                dossier.equipment_name(h.equipment_id),
                _date(h.found_on),
                h.description,
                h.level.name_zh if h.level is not None else "未定级",
                h.state.name_zh,
                _date(h.plan.deadline if h.plan is not None else None),
                h.plan.responsible_person if h.plan is not None else "",
            )
            for h in dossier.open_hazards
        ],
        (26, 18, 12, 36, 12, 14, 12, 12),
    )
    if dossier.five_standards is not None:
        assessment = dossier.five_standards
        _sheet(
            workbook,
            "五有自评",
            ("标准", "得分", "权重", "依据"),
            [
                *(
                    (s.standard.name_zh, s.score, s.standard.weight, "\n".join(e.text_zh for e in s.evidence))
                    for s in assessment.scores
                ),
                ("总分（产品默认评分方法）", assessment.total, "", "达标" if assessment.passed else "未达标"),
            ],
            (34, 8, 8, 70),
        )
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(target)
    return target
