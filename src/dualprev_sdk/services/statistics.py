"""Regulator statistics (监管统计): units, equipment, open hazards by level, overdue inspections, credit classes and
risk levels — by region along the GB/T 2260 tree (county → prefecture → province), or by the unit's risk level,
industry (GB/T 4754), grid cell or equipment kind.

Every count is a ``GROUP BY`` in the database (a handful of statements whatever the number of units); only the
roll-up of the per-code groups up the region tree, and the credit classes (classified from each unit's records by
the model, see :func:`dualprev_sdk.services.credit.credit_classes`), are done in memory.

The region tree is read from the codes themselves: a county ``410102`` belongs to ``410100`` and ``410000``;
a provincially administered county-level city (``419001`` 济源) rolls up through ``419000``
(省直辖县级行政区划) as GB/T 2260 lists it.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import sqlalchemy as sa

from dualprev_sdk import timeutil
from dualprev_sdk.domain.credit import ClassificationModel, CreditClass
from dualprev_sdk.domain.equipment import EquipmentStatus
from dualprev_sdk.domain.hazard import HazardState
from dualprev_sdk.errors import InvalidArgument
from dualprev_sdk.store.base import starts_with

if TYPE_CHECKING:
    from dualprev_sdk.services.bootstrap import Dualprev
    from dualprev_sdk.store.uow import UnitOfWork

__all__ = [
    "STATISTICS_HEADERS",
    "GroupBy",
    "StatisticsNode",
    "export_statistics",
    "region_chain",
    "regional_statistics",
    "statistics_rows",
    "write_table",
]

UNASSESSED = "unassessed"
UNGRADED = "ungraded"


class GroupBy(enum.StrEnum):
    REGION = "region"  # the GB/T 2260 tree
    LEVEL = "level"  # the unit's risk level (highest graded risk point)
    INDUSTRY = "industry"  # GB/T 4754 section letter (门类)
    GRID = "grid"  # the unit's grid cell (网格)
    CLASS = "class"  # equipment kind (种类, catalogue code X000)


@attrs.frozen(kw_only=True)
class StatisticsNode:
    """One group: a region of the tree (``depth`` 1 province, 2 prefecture, 3 county) or one dimension value."""

    key: str
    name: str
    depth: int
    units: int = 0
    equipment: int = 0
    equipment_in_use: int = 0
    open_hazards: Mapping[str, int] = attrs.field(factory=dict)  # "major" / "general" / "ungraded"
    overdue_inspections: int = 0
    credit_classes: Mapping[str, int] = attrs.field(factory=dict)  # "A".."D"
    risk_levels: Mapping[str, int] = attrs.field(factory=dict)  # "1".."4" / "unassessed"

    @property
    def open_hazards_total(self) -> int:
        return sum(self.open_hazards.values())


def region_chain(code: str) -> list[str]:
    """Province, prefecture and county codes a region code rolls up through (6-digit, deduplicated)."""
    code = code[:6].ljust(6, "0")
    chain = [code[:2] + "0000", code[:4] + "00", code]
    return list(dict.fromkeys(chain))


def _depth(code: str) -> int:
    if code.endswith("0000"):
        return 1
    if code.endswith("00"):
        return 2
    return 3


def _region_name(code: str) -> str:
    from dualprev_sdk.regions import default_region_table

    try:
        region = default_region_table().get(code)
    except Exception:  # the names are a convenience; a missing table must not fail the counts
        return ""
    return region.name if region is not None else ""


def _unit_keys(group_by: GroupBy, region_prefix: str, industry_digits: int) -> sa.Subquery:
    """(uscc, key): the group(s) each unit under the prefix belongs to."""
    from dualprev_sdk.store.equipment import EQUIPMENT
    from dualprev_sdk.store.risk_points import RISK_POINTS
    from dualprev_sdk.store.units import UNITS

    u = UNITS.c
    in_region = starts_with(u.region_code, region_prefix) if region_prefix else sa.true()
    if group_by is GroupBy.CLASS:
        e = EQUIPMENT.c
        kind = sa.func.substr(e.catalog_code, 1, 1) + "000"
        where = starts_with(e.region_code, region_prefix) if region_prefix else sa.true()
        return sa.select(e.unit_uscc.label("uscc"), kind.label("key")).where(where).distinct().subquery()
    key: sa.ColumnElement[Any]
    if group_by is GroupBy.REGION:
        key = u.region_code
    elif group_by is GroupBy.INDUSTRY:
        key = sa.func.coalesce(sa.func.nullif(sa.func.substr(u.industry, 1, industry_digits), ""), "-")
    elif group_by is GroupBy.GRID:
        key = sa.func.coalesce(u.grid_cell, "-")
    else:
        lowest = sa.select(sa.func.min(RISK_POINTS.c.level)).where(RISK_POINTS.c.unit_uscc == u.uscc).scalar_subquery()
        key = sa.func.coalesce(sa.cast(lowest, sa.String), UNASSESSED)
    return sa.select(u.uscc.label("uscc"), key.label("key")).where(in_region).subquery()


def _grouped(uow: UnitOfWork, stmt: sa.Select[Any]) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in uow.session.execute(stmt)]


def regional_statistics(
    sdk: Dualprev,
    *,
    region_prefix: str,
    by: GroupBy = GroupBy.REGION,
    today: dt.date | None = None,
    model: ClassificationModel | None = None,
    industry_digits: int = 1,
) -> list[StatisticsNode]:
    """The statistics for everything under ``region_prefix`` (``41`` = 河南省), grouped ``by``."""
    from dualprev_sdk.services.credit import credit_classes
    from dualprev_sdk.store.equipment import EQUIPMENT
    from dualprev_sdk.store.hazards import HAZARDS
    from dualprev_sdk.store.inspections import overdue_filter
    from dualprev_sdk.store.risk_points import RISK_POINTS

    if not region_prefix.isdigit() or len(region_prefix) > 6:
        raise InvalidArgument.single(
            "region_prefix", region_prefix, "region.prefix", "a GB/T 2260 code prefix of 1–6 digits"
        )
    today = today or timeutil.today()
    e, h = EQUIPMENT.c, HAZARDS.c
    with sdk.uow() as uow:
        keys = _unit_keys(by, region_prefix, industry_digits)
        unit_keys = _grouped(uow, sa.select(keys.c.uscc, keys.c.key))
        units = Counter(str(k) for _, k in unit_keys)

        if by is GroupBy.CLASS:
            eq_key: sa.ColumnElement[Any] = sa.func.substr(e.catalog_code, 1, 1) + "000"
            hz_key: sa.ColumnElement[Any] = sa.func.coalesce(h.equipment_kind, "-")
            eq_from: Any = EQUIPMENT
            hz_from: Any = HAZARDS
            eq_where = [starts_with(e.region_code, region_prefix)]
            hz_where = [starts_with(h.region_code, region_prefix)]
        else:
            eq_key, hz_key = keys.c.key, keys.c.key
            eq_from = EQUIPMENT.join(keys, keys.c.uscc == e.unit_uscc)
            hz_from = HAZARDS.join(keys, keys.c.uscc == h.unit_uscc)
            eq_where, hz_where = [], []

        in_use = sa.case((e.status == EquipmentStatus.IN_USE.value, 1), else_=0)
        equipment = {
            str(k): (int(n), int(m or 0))
            for k, n, m in _grouped(
                uow,
                sa.select(eq_key, sa.func.count(), sa.func.sum(in_use))
                .select_from(eq_from)
                .where(*eq_where)
                .group_by(eq_key),
            )
        }
        overdue = {
            str(k): int(n)
            for k, n in _grouped(
                uow,
                sa.select(eq_key, sa.func.count())
                .select_from(eq_from)
                .where(*eq_where, *overdue_filter(today))
                .group_by(eq_key),
            )
        }
        level = sa.func.coalesce(h.level, UNGRADED)
        open_state = h.state.not_in([HazardState.CLOSED.value, HazardState.CANCELLED.value])
        hazards: dict[str, Counter[str]] = {}
        for k, lvl, n in _grouped(
            uow,
            sa.select(hz_key, level, sa.func.count())
            .select_from(hz_from)
            .where(*hz_where, open_state)
            .group_by(hz_key, level),
        ):
            hazards.setdefault(str(k), Counter())[str(lvl)] += int(n)

        lowest = (
            sa.select(RISK_POINTS.c.unit_uscc.label("uscc"), sa.func.min(RISK_POINTS.c.level).label("lvl"))
            .group_by(RISK_POINTS.c.unit_uscc)
            .subquery()
        )
        risk: dict[str, Counter[str]] = {}
        for k, lvl, n in _grouped(
            uow,
            sa.select(keys.c.key, lowest.c.lvl, sa.func.count())
            .select_from(keys.join(lowest, lowest.c.uscc == keys.c.uscc))
            .group_by(keys.c.key, lowest.c.lvl),
        ):
            risk.setdefault(str(k), Counter())[str(int(lvl))] += int(n)
        for k, n in units.items():
            assessed = sum(risk.get(k, Counter()).values())
            if n - assessed:
                risk.setdefault(k, Counter())[UNASSESSED] += n - assessed

        usccs = sorted({u for u, _ in unit_keys})
        classes = credit_classes(uow, usccs, region_prefix=region_prefix, day=today, model=model)
        credit: dict[str, Counter[str]] = {}
        for uscc, k in unit_keys:
            credit.setdefault(str(k), Counter())[classes[uscc].value] += 1

    groups = sorted(set(units) | set(equipment) | set(hazards) | set(overdue))
    if by is not GroupBy.REGION:
        return [_node(k, "", 0, units, equipment, overdue, hazards, credit, risk, [k]) for k in groups]
    tree: dict[str, list[str]] = {}
    for code in groups:
        for node in region_chain(code):
            if node.startswith(region_prefix):
                tree.setdefault(node, []).append(code)
    return [
        _node(node, _region_name(node), _depth(node), units, equipment, overdue, hazards, credit, risk, members)
        for node, members in sorted(tree.items())
    ]


def _node(  # noqa: PLR0917 - private: the metric maps in a fixed order
    key: str,
    name: str,
    depth: int,
    units: Mapping[str, int],
    equipment: Mapping[str, tuple[int, int]],
    overdue: Mapping[str, int],
    hazards: Mapping[str, Counter[str]],
    credit: Mapping[str, Counter[str]],
    risk: Mapping[str, Counter[str]],
    members: Iterable[str],
) -> StatisticsNode:
    members = list(members)

    def total(counters: Mapping[str, Counter[str]]) -> dict[str, int]:
        out: Counter[str] = Counter()
        for m in members:
            out.update(counters.get(m, Counter()))
        return dict(sorted(out.items()))

    return StatisticsNode(
        key=key,
        name=name,
        depth=depth,
        units=sum(units.get(m, 0) for m in members),
        equipment=sum(equipment.get(m, (0, 0))[0] for m in members),
        equipment_in_use=sum(equipment.get(m, (0, 0))[1] for m in members),
        open_hazards=total(hazards),
        overdue_inspections=sum(overdue.get(m, 0) for m in members),
        credit_classes=total(credit),
        risk_levels=total(risk),
    )


# ---------------------------------------------------------------------------------------------------------------
# tables out
# ---------------------------------------------------------------------------------------------------------------

STATISTICS_HEADERS = (
    "分组",
    "名称",
    "使用单位数",
    "设备数",
    "在用设备数",
    "未闭环隐患",
    "其中重大隐患",
    "其中一般隐患",
    "逾期未检设备",
    "A类",
    "B类",
    "C类",
    "D类",
    "重大风险单位",
    "较大风险单位",
    "一般风险单位",
    "低风险单位",
    "未评估单位",
)


def statistics_rows(nodes: Sequence[StatisticsNode]) -> list[list[Any]]:
    """Rows for :data:`STATISTICS_HEADERS` (the tree indented by depth in the name column)."""
    return [
        [
            n.key,
            ("　" * max(0, n.depth - 1)) + n.name,
            n.units,
            n.equipment,
            n.equipment_in_use,
            n.open_hazards_total,
            n.open_hazards.get("major", 0),
            n.open_hazards.get("general", 0),
            n.overdue_inspections,
            *(n.credit_classes.get(c.value, 0) for c in CreditClass),
            *(n.risk_levels.get(str(i), 0) for i in range(1, 5)),
            n.risk_levels.get(UNASSESSED, 0),
        ]
        for n in nodes
    ]


def export_statistics(nodes: Sequence[StatisticsNode], path: str | Path, *, title: str = "特种设备监管统计") -> Path:
    return write_table(path, title, STATISTICS_HEADERS, statistics_rows(nodes))


def write_table(path: str | Path, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Path:
    """A table as .xlsx (a title row, bold headers, frozen header) or .csv (UTF-8 with BOM so Excel reads the
    Chinese; headers only, no title — a csv is for machines)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(headers)
            writer.writerows(rows)
        return path
    if suffix != ".xlsx":
        raise InvalidArgument.single("path", str(path), "export.format", "export to .xlsx or .csv")
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Sheet1"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(list(headers))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    sheet.freeze_panes = "A3"
    book.save(path)
    return path
