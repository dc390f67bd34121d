"""Parks (一园一策) and demonstration enterprises (示范企业).

The seed asks regulators to build dual prevention park by park ("一园一策") and to set up, in every city, one or
two demonstration enterprises for each class of special equipment ("每个地市按照每类特种设备分别建立 1 至 2 家示范
试点企业"). Units carry ``park`` and ``demonstration`` in the ledger; this module reads them back as

* a park report: the park's units on a four-colour map (each unit coloured by its highest risk), their open and
  overdue hazards, overdue inspections and missed duties;
* the demonstration coverage per city × equipment class, each cell marked missing (0), met (1–2) or above the
  plan's range (>2, not wrong — just more than the plan asks).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import sqlalchemy as sa

from dualprev_sdk import timeutil
from dualprev_sdk.domain.common import RiskLevel
from dualprev_sdk.domain.unit import UseUnit
from dualprev_sdk.store.base import starts_with

if TYPE_CHECKING:
    from dualprev_sdk.reports.svg import SvgDocument
    from dualprev_sdk.services.bootstrap import Dualprev

__all__ = [
    "DEMONSTRATION_RANGE",
    "CoverageRow",
    "DemonstrationCoverage",
    "ParkReport",
    "ParkUnit",
    "demonstration_coverage",
    "list_parks",
    "park_report",
    "render_park_map",
    "set_demonstration",
    "set_park",
    "write_coverage_xlsx",
    "write_park_report_html",
]

#: "1 至 2 家" per city and class (豫市监办〔2021〕55号 二（四）).
DEMONSTRATION_RANGE = (1, 2)


def _in_region(column: sa.ColumnElement[str], region_prefix: str | None) -> sa.ColumnElement[bool]:
    return starts_with(column, region_prefix) if region_prefix else sa.true()


def list_parks(sdk: Dualprev, *, region_prefix: str | None = None) -> dict[str, int]:
    """Park name → number of units in it (under ``region_prefix``): one GROUP BY."""
    from dualprev_sdk.store.units import UNITS

    u = UNITS.c
    stmt = (
        sa.select(u.park, sa.func.count())
        .where(u.park.is_not(None), u.park != "", _in_region(u.region_code, region_prefix))
        .group_by(u.park)
    )
    with sdk.uow() as uow:
        return {str(park): int(n) for park, n in sorted(uow.session.execute(stmt).all())}


def set_park(sdk: Dualprev, uscc: str, park: str | None) -> UseUnit:
    """Put a unit in a park (or take it out with ``None``)."""
    unit = sdk.ledger.get_unit(uscc)
    return sdk.ledger.update_unit(attrs.evolve(unit, park=(park or "").strip() or None))


def set_demonstration(sdk: Dualprev, uscc: str, demonstration: bool) -> UseUnit:
    """Flag (or unflag) a unit as a demonstration enterprise."""
    unit = sdk.ledger.get_unit(uscc)
    return sdk.ledger.update_unit(attrs.evolve(unit, demonstration=demonstration))


# ---------------------------------------------------------------------------------------------------------------
# park report
# ---------------------------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class ParkUnit:
    unit: UseUnit
    equipment: int
    highest_risk: RiskLevel | None
    level_counts: dict[RiskLevel, int]
    open_hazards: int
    major_open_hazards: int
    overdue_hazards: int
    overdue_inspections: int
    missed_duties: int | None  # None when the duties service is not installed


@attrs.frozen(kw_only=True)
class ParkReport:
    park: str
    as_of: dt.date
    units: tuple[ParkUnit, ...]

    @property
    def totals(self) -> dict[str, int]:
        return {
            "units": len(self.units),
            "equipment": sum(u.equipment for u in self.units),
            "open_hazards": sum(u.open_hazards for u in self.units),
            "major_open_hazards": sum(u.major_open_hazards for u in self.units),
            "overdue_hazards": sum(u.overdue_hazards for u in self.units),
            "overdue_inspections": sum(u.overdue_inspections for u in self.units),
            "missed_duties": sum(u.missed_duties or 0 for u in self.units),
        }


def park_report(
    sdk: Dualprev, park: str, *, today: dt.date | None = None, region_prefix: str | None = None
) -> ParkReport:
    """The park's units with their risk, hazards, overdue inspections and missed duties on ``today``.

    The counts are GROUP BYs over the park's units (equipment, risk points, open hazards from the hazards
    projection), so the report costs a few statements plus one missed-duties query per unit, not a replay of
    every hazard."""
    from dualprev_sdk.domain.equipment import EquipmentStatus
    from dualprev_sdk.domain.hazard import HazardLevel, HazardState
    from dualprev_sdk.store.equipment import EQUIPMENT
    from dualprev_sdk.store.hazards import HAZARDS
    from dualprev_sdk.store.risk_points import RISK_POINTS
    from dualprev_sdk.store.units import UNITS, unit_from_row

    today = today or timeutil.today()
    u, e, h, rp = UNITS.c, EQUIPMENT.c, HAZARDS.c, RISK_POINTS.c
    in_park = sa.select(u.uscc).where(u.park == park, _in_region(u.region_code, region_prefix))
    overdue_due = sa.case((e.next_inspection_due < today, 1), else_=0)
    major = sa.case((h.level == HazardLevel.MAJOR.value, 1), else_=0)
    overdue_deadline = sa.case((h.deadline < today, 1), else_=0)
    open_state = h.state.not_in([HazardState.CLOSED.value, HazardState.CANCELLED.value])
    with sdk.uow() as uow:
        session = uow.session
        members = [
            unit_from_row(r)
            for r in session.execute(sa.select(UNITS).where(u.uscc.in_(in_park)).order_by(u.uscc)).mappings()
        ]
        equipment: dict[str, tuple[int, int]] = {
            uscc: (int(n), int(late or 0))
            for uscc, n, late in session.execute(
                sa.select(e.unit_uscc, sa.func.count(), sa.func.sum(overdue_due))
                .where(e.unit_uscc.in_(in_park), e.status == EquipmentStatus.IN_USE.value)
                .group_by(e.unit_uscc)
            )
        }
        levels: dict[str, dict[RiskLevel, int]] = {}
        for uscc, level, n in session.execute(
            sa.select(rp.unit_uscc, rp.level, sa.func.count())
            .where(rp.unit_uscc.in_(in_park))
            .group_by(rp.unit_uscc, rp.level)
        ):
            levels.setdefault(uscc, dict.fromkeys(RiskLevel, 0))[RiskLevel(level)] += int(n)
        open_hazards: dict[str, tuple[int, int, int]] = {
            uscc: (int(n), int(m or 0), int(late or 0))
            for uscc, n, m, late in session.execute(
                sa.select(h.unit_uscc, sa.func.count(), sa.func.sum(major), sa.func.sum(overdue_deadline))
                .where(h.unit_uscc.in_(in_park), open_state)
                .group_by(h.unit_uscc)
            )
        }
        missed = {m.uscc: len(uow.duties.missed(as_of=today, unit_uscc=m.uscc)) for m in members}
    rows: list[ParkUnit] = []
    for unit in members:
        counts = levels.get(unit.uscc, dict.fromkeys(RiskLevel, 0))
        in_use, overdue_inspections = equipment.get(unit.uscc, (0, 0))
        open_, major_open, overdue_hazards = open_hazards.get(unit.uscc, (0, 0, 0))
        rows.append(
            ParkUnit(
                unit=unit,
                equipment=in_use,
                highest_risk=min((level for level, n in counts.items() if n), default=None),
                level_counts=counts,
                open_hazards=open_,
                major_open_hazards=major_open,
                overdue_hazards=overdue_hazards,
                overdue_inspections=overdue_inspections,
                missed_duties=missed[unit.uscc],
            )
        )
    rows.sort(key=lambda r: (int(r.highest_risk or 5), -r.open_hazards, r.unit.uscc))
    return ParkReport(park=park, as_of=today, units=tuple(rows))


def render_park_map(report: ParkReport) -> SvgDocument:
    """The park's four-colour map: one tile per unit, coloured by its highest risk level, with its counts."""
    from dualprev_sdk.reports.svg import LEVEL_TEXT_COLOR, SvgDocument

    columns = 4
    tile_w, tile_h, gap, top = 230.0, 92.0, 12.0, 64.0
    rows = max(1, (len(report.units) + columns - 1) // columns)
    width = columns * tile_w + (columns + 1) * gap
    doc = SvgDocument(width, top + rows * (tile_h + gap) + 48, title=f"{report.park} 安全风险四色分布图")
    doc.text(gap, 30, f"{report.park} 特种设备安全风险四色分布图", size=20, **{"font-weight": "bold"})
    doc.text(gap, 52, f"截至 {report.as_of.isoformat()}，{len(report.units)} 家单位（按单位最高风险等级着色）", size=12)
    for index, row in enumerate(report.units):
        x = gap + (index % columns) * (tile_w + gap)
        y = top + (index // columns) * (tile_h + gap)
        level = row.highest_risk
        fill = f"#{level.hex_color}" if level is not None else "#DDDDDD"
        ink = LEVEL_TEXT_COLOR[level] if level is not None else "#000000"
        doc.rect(x, y, tile_w, tile_h, fill=fill, stroke="#333333", **{"stroke-width": 1})
        doc.text(x + 8, y + 22, row.unit.name[:16], size=13, fill=ink, **{"font-weight": "bold"})
        doc.text(x + 8, y + 42, level.name_zh if level is not None else "未辨识", size=12, fill=ink)
        doc.text(x + 8, y + 62, f"设备 {row.equipment} 台 · 未销号隐患 {row.open_hazards}", size=11, fill=ink)
        doc.text(
            x + 8, y + 80, f"逾期隐患 {row.overdue_hazards} · 逾期未检 {row.overdue_inspections}", size=11, fill=ink
        )
    legend_y = top + rows * (tile_h + gap) + 20
    for n, level in enumerate(RiskLevel):
        doc.rect(gap + n * 120, legend_y, 18, 14, fill=f"#{level.hex_color}", stroke="#333333")
        doc.text(gap + n * 120 + 24, legend_y + 12, level.name_zh, size=12)
    return doc


def render_park_report_html(report: ParkReport) -> str:
    import importlib.resources

    import jinja2

    text = importlib.resources.files("dualprev_sdk.reports").joinpath("templates/park.html.j2").read_text("utf-8")
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    svg = render_park_map(report).to_string()
    svg = svg[svg.find("<svg") :]  # inline: drop the XML declaration
    return env.from_string(text).render(r=report, t=report.totals, svg=svg)


def write_park_report_html(report: ParkReport, path: str | Path) -> Path:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_park_report_html(report), encoding="utf-8")
    return target


# ---------------------------------------------------------------------------------------------------------------
# demonstration coverage
# ---------------------------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class CoverageRow:
    city_code: str  # prefecture-level GB/T 2260 code (410100)
    city_name: str
    class_key: str
    class_name_zh: str
    units_with_class: int
    demonstration_units: tuple[str, ...]  # USCCs

    @property
    def status(self) -> str:
        """ "missing" (0), "met" (1–2) or "above" (>2) against the plan's 1–2 per city and class."""
        low, high = DEMONSTRATION_RANGE
        n = len(self.demonstration_units)
        return "missing" if n < low else "met" if n <= high else "above"

    @property
    def status_zh(self) -> str:
        return {"missing": "缺示范企业", "met": "已覆盖", "above": "多于2家"}[self.status]


@attrs.frozen(kw_only=True)
class DemonstrationCoverage:
    rows: tuple[CoverageRow, ...]

    @property
    def covered_classes(self) -> int:
        return sum(1 for r in self.rows if r.status != "missing")


def _city_of(region_code: str) -> str:
    return "419001" if region_code.startswith("4190") else region_code[:4] + "00"


def demonstration_coverage(sdk: Dualprev, *, region_prefix: str | None = "41") -> DemonstrationCoverage:
    """For every city × equipment class that has units using that class: how many demonstration units use it.

    One DISTINCT query gives each unit's catalogue codes (a province has tens of thousands of units: no query
    per unit); the codes are mapped to classes by the plugins in memory."""
    from dualprev_sdk.regions import default_region_table
    from dualprev_sdk.store.equipment import EQUIPMENT
    from dualprev_sdk.store.units import UNITS

    u, e = UNITS.c, EQUIPMENT.c
    stmt = (
        sa.select(u.uscc, u.region_code, u.demonstration, e.catalog_code)
        .join(EQUIPMENT, e.unit_uscc == u.uscc)
        .where(_in_region(u.region_code, region_prefix))
        .distinct()
    )
    with sdk.uow() as uow:
        used = uow.session.execute(stmt).all()
    table = default_region_table()
    cells: dict[tuple[str, str], tuple[set[str], set[str]]] = {}
    names: dict[str, str] = {}
    for uscc, region_code, demonstration, code in used:
        cls = sdk.host.equipment_classes.for_code(code)
        if cls is None:
            continue
        names[cls.key] = cls.name_zh
        users, demos = cells.setdefault((_city_of(region_code), cls.key), (set(), set()))
        users.add(uscc)
        if demonstration:
            demos.add(uscc)
    rows = []
    for (city, key), (users, demos) in sorted(cells.items()):
        region = table.get(city)
        rows.append(
            CoverageRow(
                city_code=city,
                city_name=region.name if region is not None else city,
                class_key=key,
                class_name_zh=names[key],
                units_with_class=len(users),
                demonstration_units=tuple(sorted(demos)),
            )
        )
    return DemonstrationCoverage(rows=tuple(rows))


def write_coverage_xlsx(coverage: DemonstrationCoverage, path: str | Path) -> Path:
    """The coverage table (地市 × 设备类别) with a fill per status."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    workbook = Workbook()
    ws: Any = workbook.active
    ws.title = "示范企业覆盖"
    headers: Sequence[str] = (
        "地市",
        "行政区划代码",
        "设备类别",
        "使用该类设备的单位",
        "示范企业数",
        "示范企业",
        "状态",
    )
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    fills = {"missing": "FFC7CE", "met": "C6EFCE", "above": "FFEB9C"}
    for row in coverage.rows:
        ws.append(
            [
                row.city_name,
                row.city_code,
                row.class_name_zh,
                row.units_with_class,
                len(row.demonstration_units),
                "\n".join(row.demonstration_units),
                row.status_zh,
            ]
        )
        ws.cell(row=ws.max_row, column=7).fill = PatternFill("solid", fgColor=fills[row.status])
    for letter, width in zip("ABCDEFG", (12, 14, 22, 18, 12, 24, 12), strict=True):
        ws.column_dimensions[letter].width = width
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(target)
    return target
