"""风险管控清单 (risk control list): the document, its xlsx/csv export, and reading an edited copy back.

Layout of the xlsx (what a safety officer prints and files, Order 74 art. 141 《XX安全风险管控清单》): one sheet per
equipment class; row 1 the title with the unit's name, row 2 the unit, USCC and date, row 3 the Chinese headings
(frozen, repeated on every printed page); the 风险等级/风险颜色 cells filled with the level's colour; A4
landscape, fitted to one page wide. The csv has the same columns in one file (UTF-8 with BOM, so Excel on a
Chinese Windows opens it correctly).

Reading back (:func:`read_control_list`) turns every row into an :class:`EditedRow` and collects every cell
that cannot be understood as a :class:`~dualprev_sdk.importing.report.RowError` (row number as the user sees
it, the heading, the value, the reason) — the same error type the ledger import reports. Whether the edits
may be applied (does the point exist, was it changed meanwhile, is a re-grade explained) is decided by the
service, which writes all rows or none.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from dualprev_sdk.domain.common import ControlLevel, Frequency, RiskLevel, SafetyRole
from dualprev_sdk.domain.equipment import Equipment
from dualprev_sdk.domain.risk import ControlMeasures, RiskPoint
from dualprev_sdk.domain.unit import UseUnit
from dualprev_sdk.errors import InvalidArgument
from dualprev_sdk.importing.report import RowError
from dualprev_sdk.reports.xlsx import BORDER, print_landscape, style_level_cell, write_headings, write_title

__all__ = [
    "HEADERS",
    "ControlList",
    "ControlListRow",
    "EditedRow",
    "ParsedControlList",
    "format_factors",
    "read_control_list",
    "write_control_list_csv",
    "write_control_list_xlsx",
]

MEASURE_SEPARATOR = "；"
_SPLIT = re.compile(r"[；;\n]+")
_LINES = re.compile(r"[\r\n]+")
_ACCIDENT_SPLIT = re.compile(r"[、，,；;/\s]+")


@attrs.frozen(kw_only=True)
class ControlListRow:
    """One risk point with the equipment it belongs to (None for unit-wide activities) and its class label."""

    point: RiskPoint
    equipment: Equipment | None
    class_name_zh: str


@attrs.frozen(kw_only=True)
class ControlList:
    """A unit's control list as of ``generated_on`` (rows ordered by class, equipment, level, id)."""

    unit: UseUnit
    rows: tuple[ControlListRow, ...]
    generated_on: dt.date

    def by_class(self) -> dict[str, list[ControlListRow]]:
        out: dict[str, list[ControlListRow]] = {}
        for row in self.rows:
            out.setdefault(row.class_name_zh, []).append(row)
        return out

    def level_counts(self) -> dict[RiskLevel, int]:
        counts = dict.fromkeys(RiskLevel, 0)
        for row in self.rows:
            counts[row.point.level] += 1
        return counts


def format_factors(point: RiskPoint) -> str:
    """``L=1；E=6；C=40`` — the factor names upper-case, as the guides write them."""
    return MEASURE_SEPARATOR.join(f"{k.upper()}={_num(v)}" for k, v in point.factors.items())


def _num(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _location(eq: Equipment | None) -> str:
    if eq is None:
        return ""
    loc = eq.location
    parts = [p for p in (loc.building, loc.floor, loc.area) if p]
    return " ".join(parts) or loc.address


def _join(items: Sequence[str]) -> str:
    """One measure per line: measures often contain ；themselves, so only a line break separates them."""
    return "\n".join(items)


Getter = Callable[[ControlListRow], Any]

#: (heading, getter, column width). The order is the printed order; the reader goes by heading, not position.
COLUMNS: tuple[tuple[str, Getter, int], ...] = (
    ("风险点编号", lambda r: r.point.id, 18),
    ("设备类别", lambda r: r.class_name_zh, 10),
    ("设备ID", lambda r: r.point.equipment_id or "", 14),
    ("设备名称", lambda r: r.equipment.name if r.equipment else "单位级", 14),
    ("设备代码", lambda r: r.equipment.equipment_code if r.equipment else "", 16),
    ("安装位置", lambda r: _location(r.equipment), 14),
    ("部位/作业活动", lambda r: r.point.component, 16),
    ("危险有害因素", lambda r: r.point.hazard_factor, 30),
    ("可能导致的事故类型", lambda r: "、".join(r.point.accident_types), 14),
    ("评价方法", lambda r: r.point.method.upper(), 8),
    ("评价因子", lambda r: format_factors(r.point), 14),
    ("风险值", lambda r: _num(r.point.score), 8),
    ("风险等级", lambda r: r.point.level.name_zh, 10),
    ("风险颜色", lambda r: r.point.level.color_zh, 8),
    ("工程技术措施", lambda r: _join(r.point.measures.engineering), 30),
    ("管理措施", lambda r: _join(r.point.measures.management), 30),
    ("培训教育措施", lambda r: _join(r.point.measures.training), 24),
    ("个体防护措施", lambda r: _join(r.point.measures.ppe), 20),
    ("应急处置措施", lambda r: _join(r.point.measures.emergency), 26),
    ("管控层级", lambda r: r.point.control_level.name_zh, 10),
    ("责任岗位", lambda r: r.point.responsible_role.name_zh, 10),
    ("责任人", lambda r: r.point.responsible_person, 10),
    ("排查频次", lambda r: r.point.check_frequency.name_zh, 8),
    ("待复评", lambda r: "是" if r.point.needs_review else "", 8),
    ("版本", lambda r: r.point.version, 6),
    ("变更原因", lambda r: "", 16),
    ("删除", lambda r: "", 6),
)
HEADERS: tuple[str, ...] = tuple(c[0] for c in COLUMNS)
_LEVEL_COLUMNS = ("风险等级", "风险颜色")
_WRAP_COLUMNS = {
    "危险有害因素",
    "工程技术措施",
    "管理措施",
    "培训教育措施",
    "个体防护措施",
    "应急处置措施",
    "部位/作业活动",
}
HEADER_ROW = 3


def _title(control_list: ControlList) -> str:
    return f"{control_list.unit.name}特种设备安全风险管控清单"


def _subtitle(control_list: ControlList) -> str:
    counts = control_list.level_counts()
    tally = "，".join(f"{lvl.name_zh}{counts[lvl]}项" for lvl in RiskLevel)
    return (
        f"使用单位：{control_list.unit.name}　统一社会信用代码：{control_list.unit.uscc}　"
        f"编制日期：{control_list.generated_on.isoformat()}　共{len(control_list.rows)}项（{tally}）"
    )


def _sheet_title(name: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "", name)[:28] or "清单"
    title, n = base, 2
    while title in taken:
        title, n = f"{base}{n}", n + 1
    taken.add(title)
    return title


def write_control_list_xlsx(control_list: ControlList, path: str | Path) -> Path:
    """One sheet per equipment class (an empty list still gets one sheet with the headings)."""
    wb = Workbook()
    wb.remove(wb.active)
    groups = control_list.by_class() or {"风险管控清单": []}
    taken: set[str] = set()
    for class_name, rows in groups.items():
        ws = wb.create_sheet(_sheet_title(class_name, taken))
        _fill_sheet(ws, control_list, class_name, rows)
    target = Path(path)
    wb.save(target)
    return target


def _fill_sheet(ws: Worksheet, control_list: ControlList, class_name: str, rows: Sequence[ControlListRow]) -> None:
    last_col = get_column_letter(len(COLUMNS))
    write_title(ws, f"{_title(control_list)}（{class_name}）", _subtitle(control_list), columns=len(COLUMNS))
    ws.row_dimensions[1].height = 30
    write_headings(ws, HEADER_ROW, ((heading, width) for heading, _, width in COLUMNS))
    for r, row in enumerate(rows, start=HEADER_ROW + 1):
        for col, (heading, getter, _) in enumerate(COLUMNS, start=1):
            cell = ws.cell(row=r, column=col, value=getter(row))
            cell.border = BORDER
            cell.alignment = Alignment(vertical="top", wrap_text=heading in _WRAP_COLUMNS)
            if heading in _LEVEL_COLUMNS:
                style_level_cell(cell, row.point.level)
                cell.alignment = Alignment(horizontal="center", vertical="center")
    print_landscape(ws, heading_rows=HEADER_ROW)
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last_col}{max(HEADER_ROW, HEADER_ROW + len(rows))}"


def write_control_list_csv(control_list: ControlList, path: str | Path) -> Path:
    """All classes in one file with the same headings (no title rows: a csv is for machines and re-import)."""
    target = Path(path)
    with target.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADERS)
        for row in control_list.rows:
            writer.writerow([getter(row) for _, getter, _ in COLUMNS])
    return target


# ---------------------------------------------------------------------------------------------------------------
# Reading an edited list
# ---------------------------------------------------------------------------------------------------------------

_LEVEL_BY_TEXT = {**{lvl.name_zh: lvl for lvl in RiskLevel}, **{lvl.name_zh[:-2]: lvl for lvl in RiskLevel}}
_CONTROL_BY_TEXT = {c.name_zh: c for c in ControlLevel} | {c.value: c for c in ControlLevel}
_ROLE_BY_TEXT = {r.name_zh: r for r in SafetyRole} | {r.value: r for r in SafetyRole}
_FREQ_BY_TEXT = {f.name_zh: f for f in Frequency} | {f.value: f for f in Frequency}
_FACTOR = re.compile(r"^\s*([A-Za-z]+)\s*[=＝:：]\s*([0-9]+(?:\.[0-9]+)?)\s*$")
_REQUIRED = ("部位/作业活动", "危险有害因素")


@attrs.frozen(kw_only=True)
class EditedRow:
    """A row of an edited control list, understood but not yet checked against the database."""

    sheet: str
    row: int
    point_id: str | None
    equipment_id: str | None
    component: str
    hazard_factor: str
    accident_types: tuple[str, ...]
    method: str
    factors: dict[str, float]
    level: RiskLevel | None
    measures: ControlMeasures
    control_level: ControlLevel
    responsible_role: SafetyRole
    responsible_person: str
    check_frequency: Frequency
    version: int | None
    reason: str
    delete: bool

    def column(self, heading: str) -> str:
        """How an error names the column: the heading, prefixed with the sheet when the file has several."""
        return f"{self.sheet}!{heading}" if self.sheet else heading


@attrs.frozen(kw_only=True)
class ParsedControlList:
    rows: tuple[EditedRow, ...]
    errors: tuple[RowError, ...]
    rows_read: int
    format: str


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _split(value: str, pattern: re.Pattern[str] = _LINES) -> tuple[str, ...]:
    return tuple(p.strip() for p in pattern.split(value) if p.strip())


def _sheets(path: Path) -> Iterator[tuple[str, Iterator[tuple[int, list[Any]]]]]:
    if path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = [(i, list(r)) for i, r in enumerate(csv.reader(fh), start=1)]
        yield "", iter(rows)
        return
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise InvalidArgument.single("path", str(path), "control_list.format", "a control list is .xlsx or .csv")
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        multi = len(wb.worksheets) > 1
        for ws in wb.worksheets:
            rows = [(i, list(r)) for i, r in enumerate(ws.iter_rows(values_only=True), start=1)]
            yield (ws.title if multi else ""), iter(rows)
    finally:
        wb.close()


def read_control_list(path: str | Path, *, grade: Callable[[str, dict[str, float]], RiskLevel]) -> ParsedControlList:
    """Parse every sheet of an edited control list; ``grade(method, factors)`` re-computes the level so a level
    cell that contradicts its factors is reported instead of silently winning. Nothing is written here."""
    source = Path(path)
    rows: list[EditedRow] = []
    errors: list[RowError] = []
    read = 0
    for sheet, numbered in _sheets(source):
        header: dict[str, int] | None = None
        for number, cells in numbered:
            texts = [_text(c) for c in cells]
            if header is None:
                if "风险点编号" in texts and "危险有害因素" in texts:
                    header = {h: i for i, h in enumerate(texts) if h}
                    missing = [
                        h for h in ("风险点编号", "设备ID", *_REQUIRED, "评价方法", "评价因子") if h not in header
                    ]
                    for h in missing:
                        errors.append(
                            RowError(row=number, column=h, value=None, rule="control_list.heading", reason="缺少该列")
                        )
                    if missing:
                        break
                continue
            if not any(texts):
                continue
            read += 1
            parsed, row_errors = _parse_row(sheet, number, header, texts, grade)
            errors.extend(row_errors)
            if parsed is not None and not row_errors:
                rows.append(parsed)
        if header is None:
            errors.append(
                RowError(
                    row=1,
                    column=sheet or "-",
                    value=None,
                    rule="control_list.heading",
                    reason="未找到表头行（风险点编号…）",
                )
            )
    return ParsedControlList(rows=tuple(rows), errors=tuple(errors), rows_read=read, format=source.suffix.lower()[1:])


def _parse_row(
    sheet: str,
    number: int,
    header: dict[str, int],
    texts: list[str],
    grade: Callable[[str, dict[str, float]], RiskLevel],
) -> tuple[EditedRow | None, list[RowError]]:
    errors: list[RowError] = []

    def cell(heading: str) -> str:
        i = header.get(heading)
        return texts[i] if i is not None and i < len(texts) else ""

    def err(heading: str, value: Any, rule: str, reason: str) -> None:
        errors.append(
            RowError(
                row=number, column=f"{sheet}!{heading}" if sheet else heading, value=value, rule=rule, reason=reason
            )
        )

    delete = cell("删除") in ("是", "Y", "y", "1", "删除")
    for heading in _REQUIRED:
        if not cell(heading) and not delete:
            err(heading, "", "required", "必填")

    def lookup(heading: str, table: dict[str, Any], default: Any, rule: str) -> Any:
        value = cell(heading)
        if not value:
            return default
        if value not in table:
            allowed = "、".join(sorted({k for k in table if not k.isascii()}))
            err(heading, value, rule, f"无法识别，可填：{allowed}")
            return default
        return table[value]

    control_level = lookup("管控层级", _CONTROL_BY_TEXT, ControlLevel.POST, "control_list.control_level")
    role = lookup("责任岗位", _ROLE_BY_TEXT, SafetyRole.SAFETY_OFFICER, "control_list.role")
    frequency = lookup("排查频次", _FREQ_BY_TEXT, Frequency.DAILY, "control_list.frequency")
    level = lookup("风险等级", _LEVEL_BY_TEXT, None, "control_list.level")

    method = cell("评价方法").lower()
    factors: dict[str, float] = {}
    for part in _split(cell("评价因子"), _SPLIT):
        m = _FACTOR.match(part)
        if m is None:
            err("评价因子", cell("评价因子"), "control_list.factors", f"“{part}”应写成 L=3 的形式，各因子以；分隔")
            continue
        factors[m.group(1).lower()] = float(m.group(2))
    if method and factors and not delete:
        try:
            computed = grade(method, factors)
        except InvalidArgument as exc:
            reasons = "；".join(v.message for v in exc.violations)
            err("评价因子", cell("评价因子"), "control_list.grade", f"按{method.upper()}法无法评价：{reasons}")
        except Exception as exc:  # an unknown method name (NotFound) and the like
            err("评价方法", cell("评价方法"), "control_list.method", f"评价方法不可用：{exc}")
        else:
            if level is not None and level is not computed:
                err(
                    "风险等级",
                    cell("风险等级"),
                    "control_list.level.consistent",
                    f"与评价因子计算结果（{computed.name_zh}）不一致；修改等级请修改评价因子",
                )
            level = computed
    elif (method or factors) and not delete:
        err(
            "评价因子" if method else "评价方法",
            cell("评价因子") or cell("评价方法"),
            "control_list.grade",
            "评价方法和评价因子须同时填写",
        )

    measures = ControlMeasures(
        engineering=_split(cell("工程技术措施")),
        management=_split(cell("管理措施")),
        training=_split(cell("培训教育措施")),
        ppe=_split(cell("个体防护措施")),
        emergency=_split(cell("应急处置措施")),
    )
    if measures.is_empty() and not delete:
        err("管理措施", "", "control_list.measures", "至少填写一类管控措施")
    version_text = cell("版本")
    version: int | None = None
    if version_text:
        try:
            version = int(float(version_text))
        except ValueError:
            err("版本", version_text, "control_list.version", "版本应为整数（导出时的值，请勿修改）")
    point_id = cell("风险点编号") or None
    if delete and point_id is None:
        err("删除", cell("删除"), "control_list.delete", "只能删除已有编号的风险点")
    if errors:
        return None, errors
    return (
        EditedRow(
            sheet=sheet,
            row=number,
            point_id=point_id,
            equipment_id=cell("设备ID") or None,
            component=cell("部位/作业活动"),
            hazard_factor=cell("危险有害因素"),
            accident_types=tuple(p for p in _ACCIDENT_SPLIT.split(cell("可能导致的事故类型")) if p),
            method=method,
            factors=factors,
            level=level,
            measures=measures,
            control_level=control_level,
            responsible_role=role,
            responsible_person=cell("责任人"),
            check_frequency=frequency,
            version=version,
            reason=cell("变更原因"),
            delete=delete,
        ),
        [],
    )
