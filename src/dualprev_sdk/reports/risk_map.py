"""四色分布图 (four-colour risk map) of a unit: where its equipment is and how risky each place is.

Two drawings, chosen by the data:

* **Site plan** — when every piece of equipment has coordinates (``Location.x``/``y``, in the plan's units),
  each is a marker at its position inside a zone circle in its level's colour, scaled to the page.
* **Schematic** — otherwise: one block per building, one band per floor (top floor at the top, basements at
  the bottom), one cell per area, the cell filled with the colour of the highest risk in it and listing its
  equipment. Equipment without a building goes to "未注明建筑".

Each piece of equipment takes the highest level of its risk points (重大 > 较大 > 一般 > 低); equipment not yet
graded is grey. Every zone carries ``class="risk-zone"``, ``data-equipment`` / ``data-area`` and
``data-level`` so the file can be checked by machine as well as by eye. Landscape, legend with counts, title,
unit and date.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence

from dualprev_sdk.domain.common import RiskLevel
from dualprev_sdk.domain.equipment import Equipment
from dualprev_sdk.domain.risk import RiskPoint
from dualprev_sdk.domain.unit import UseUnit
from dualprev_sdk.reports.svg import LEVEL_TEXT_COLOR, SvgDocument, level_fill, text_width, wrap_text

__all__ = ["MAP_WIDTH", "UNGRADED_FILL", "equipment_levels", "floor_order", "render_risk_map"]

MAP_WIDTH = 1400.0
UNGRADED_FILL = "#BFBFBF"
_MARGIN = 40.0
_NO_BUILDING = "未注明建筑"
_NO_FLOOR = "—"
_NO_AREA = "（未注明区域）"


def equipment_levels(points: Sequence[RiskPoint]) -> dict[str, RiskLevel]:
    """The highest level of each piece of equipment's points."""
    out: dict[str, RiskLevel] = {}
    for point in points:
        if point.equipment_id is None:
            continue
        current = out.get(point.equipment_id)
        if current is None or point.level < current:
            out[point.equipment_id] = point.level
    return out


_FLOOR = re.compile(r"^\s*(B|负|地下)?\s*(\d+)\s*(F|层|楼)?\s*$", re.IGNORECASE)


def floor_order(floor: str) -> float:
    """Sort key, higher floors first when sorted descending: ``3F`` 3, ``B1``/``负1``/``地下1层`` -1, ``屋顶`` 1000."""
    if floor in ("屋顶", "顶层", "机房层", "RF"):
        return 1000.0
    m = _FLOOR.match(floor)
    if m is None:
        return 0.5  # unknown names between ground and first floor, stable by name
    value = float(m.group(2))
    return -value if m.group(1) else value


def _fill(level: RiskLevel | None) -> str:
    return level_fill(level) if level is not None else UNGRADED_FILL


def _text_color(level: RiskLevel | None) -> str:
    return LEVEL_TEXT_COLOR[level] if level is not None else "#000000"


def _short(level: RiskLevel | None) -> str:
    return level.name_zh if level is not None else "未评价"


def render_risk_map(
    unit: UseUnit,
    equipment: Sequence[Equipment],
    points: Sequence[RiskPoint],
    *,
    on: dt.date,
    class_names: Mapping[str, str] | None = None,
    plan_extent: tuple[float, float] | None = None,
) -> SvgDocument:
    """Draw the map. ``plan_extent`` (width, height of the site plan in its units) forces the site-plan drawing
    and fixes its scale; without it the plan is used when every item has coordinates."""
    levels = equipment_levels(points)
    class_names = class_names or {}
    doc = SvgDocument(MAP_WIDTH, 900, title=f"{unit.name}特种设备安全风险四色分布图")
    y = _header(doc, unit, on)
    y = _legend(doc, y, equipment, levels)
    located = bool(equipment) and all(e.location.x is not None and e.location.y is not None for e in equipment)
    if plan_extent is not None or located:
        y = _site_plan(doc, y, equipment=equipment, levels=levels, class_names=class_names, extent=plan_extent)
    else:
        y = _schematic(doc, y, equipment, levels, class_names)
    doc.text(
        _MARGIN,
        y + 34,
        "说明：区域颜色取该区域内设备的最高风险等级；设备风险等级取其风险点的最高等级（见《特种设备安全风险管控清单》）。",
        size=15,
        fill="#444444",
    )
    doc.height = y + 60
    doc.rect(6, 6, MAP_WIDTH - 12, doc.height - 12, fill="none", stroke="#333333", stroke_width=2, id="frame")
    return doc


def _header(doc: SvgDocument, unit: UseUnit, on: dt.date) -> float:
    doc.text(
        MAP_WIDTH / 2,
        64,
        f"{unit.name}特种设备安全风险四色分布图",
        size=36,
        font_weight="bold",
        text_anchor="middle",
        id="title",
    )
    doc.text(
        MAP_WIDTH / 2,
        100,
        f"使用单位：{unit.name}　统一社会信用代码：{unit.uscc}　绘制日期：{on.isoformat()}",
        size=18,
        fill="#333333",
        text_anchor="middle",
        id="subtitle",
    )
    return 124.0


def _legend(doc: SvgDocument, y: float, equipment: Sequence[Equipment], levels: Mapping[str, RiskLevel]) -> float:
    counts = dict.fromkeys(RiskLevel, 0)
    ungraded = 0
    for eq in equipment:
        if eq.id in levels:
            counts[levels[eq.id]] += 1
        else:
            ungraded += 1
    entries: list[tuple[RiskLevel | None, str]] = [
        (lvl, f"{lvl.name_zh}（{lvl.color_zh}）{counts[lvl]}台") for lvl in RiskLevel
    ]
    if ungraded:
        entries.append((None, f"未评价（灰）{ungraded}台"))
    doc.open_group(id="legend")
    slot = (MAP_WIDTH - 2 * _MARGIN) / len(entries)
    for i, (lvl, label) in enumerate(entries):
        x = _MARGIN + i * slot
        doc.rect(
            x,
            y,
            46,
            30,
            fill=_fill(lvl),
            stroke="#333333",
            stroke_width=1,
            class_="legend-swatch",
            data_level=str(int(lvl)) if lvl is not None else "",
        )
        doc.text(x + 56, y + 22, label, size=18)
    doc.close_group()
    return y + 54


def _site_plan(
    doc: SvgDocument,
    y: float,
    *,
    equipment: Sequence[Equipment],
    levels: Mapping[str, RiskLevel],
    class_names: Mapping[str, str],
    extent: tuple[float, float] | None,
) -> float:
    xs = [e.location.x or 0.0 for e in equipment]
    ys = [e.location.y or 0.0 for e in equipment]
    plan_w, plan_h = extent or ((max(xs) if xs else 1.0) * 1.1 or 1.0, (max(ys) if ys else 1.0) * 1.1 or 1.0)
    box_w = MAP_WIDTH - 2 * _MARGIN
    scale = box_w / plan_w
    box_h = max(plan_h * scale, 300.0)
    doc.rect(_MARGIN, y, box_w, box_h, fill="#FAFAFA", stroke="#333333", stroke_width=2, id="site-plan")
    for eq in sorted(equipment, key=lambda e: -int(levels.get(e.id, RiskLevel.LOW))):
        lvl = levels.get(eq.id)
        cx = _MARGIN + (eq.location.x or 0.0) * scale
        cy = y + (eq.location.y or 0.0) * scale
        doc.circle(
            cx,
            cy,
            46,
            fill=_fill(lvl),
            fill_opacity="0.45",
            stroke=_fill(lvl),
            stroke_width=2,
            class_="risk-zone",
            data_equipment=eq.id,
            data_level=str(int(lvl)) if lvl is not None else "",
        )
        doc.circle(cx, cy, 9, fill=_fill(lvl), stroke="#000000", stroke_width=2, class_="equipment-marker")
        label = f"{eq.name or eq.id}（{_short(lvl)}）"
        doc.text(cx, cy + 66, label, size=16, text_anchor="middle", font_weight="bold")
        if class_names.get(eq.id):
            doc.text(cx, cy + 86, class_names[eq.id], size=14, text_anchor="middle", fill="#444444")
    return y + box_h


def _schematic(
    doc: SvgDocument,
    y: float,
    equipment: Sequence[Equipment],
    levels: Mapping[str, RiskLevel],
    class_names: Mapping[str, str],
) -> float:
    buildings: dict[str, dict[str, dict[str, list[Equipment]]]] = {}
    for eq in equipment:
        loc = eq.location
        building = loc.building or _NO_BUILDING
        floor = loc.floor or _NO_FLOOR
        area = loc.area or _NO_AREA
        buildings.setdefault(building, {}).setdefault(floor, {}).setdefault(area, []).append(eq)
    if not buildings:
        doc.text(MAP_WIDTH / 2, y + 60, "本单位台账中暂无设备", size=22, text_anchor="middle")
        return y + 100
    names = sorted(buildings, key=lambda b: (b == _NO_BUILDING, b))
    per_row = min(3, len(names))
    gap = 24.0
    block_w = (MAP_WIDTH - 2 * _MARGIN - gap * (per_row - 1)) / per_row
    row_top = y
    for start in range(0, len(names), per_row):
        row_bottom = row_top
        for i, name in enumerate(names[start : start + per_row]):
            x = _MARGIN + i * (block_w + gap)
            bottom = _building(
                doc, x, row_top, block_w, name=name, floors=buildings[name], levels=levels, class_names=class_names
            )
            row_bottom = max(row_bottom, bottom)
        row_top = row_bottom + gap
    return row_top - gap


def _building(
    doc: SvgDocument,
    x: float,
    y: float,
    width: float,
    *,
    name: str,
    floors: Mapping[str, Mapping[str, Sequence[Equipment]]],
    levels: Mapping[str, RiskLevel],
    class_names: Mapping[str, str],
) -> float:
    doc.open_group(class_="building", data_building=name)
    doc.rect(x, y, width, 44, fill="#404040")
    doc.text(x + width / 2, y + 30, name, size=22, fill="#FFFFFF", font_weight="bold", text_anchor="middle")
    top = y + 44
    label_w = 70.0
    for floor in sorted(floors, key=lambda f: (-floor_order(f), f)):
        areas = floors[floor]
        cell_w = (width - label_w) / len(areas)
        texts: dict[str, list[str]] = {}
        for area, items in areas.items():
            lines: list[str] = []
            for eq in sorted(items, key=lambda e: (int(levels.get(e.id, RiskLevel.LOW)), e.name)):
                kind = class_names.get(eq.id, "")
                entry = f"● {eq.name or eq.id}{'（' + kind + '）' if kind else ''} {_short(levels.get(eq.id))}"
                lines.extend(wrap_text(entry, cell_w - 20, 15))
            texts[area] = lines
        height = max(90.0, 44 + 22 * max(len(v) for v in texts.values()) + 12)
        doc.rect(x, top, label_w, height, fill="#E8E8E8", stroke="#333333", stroke_width=1.5)
        doc.text(x + label_w / 2, top + height / 2 + 7, floor, size=20, font_weight="bold", text_anchor="middle")
        for j, (area, items) in enumerate(areas.items()):
            worst = min((levels[e.id] for e in items if e.id in levels), default=None)
            cx = x + label_w + j * cell_w
            doc.rect(
                cx,
                top,
                cell_w,
                height,
                fill=_fill(worst),
                stroke="#333333",
                stroke_width=1.5,
                class_="risk-zone",
                data_area=f"{name}/{floor}/{area}",
                data_equipment=" ".join(e.id for e in items),
                data_level=str(int(worst)) if worst is not None else "",
            )
            color = _text_color(worst)
            title = area if text_width(area, 18) < cell_w - 16 else wrap_text(area, cell_w - 16, 18)[0]
            doc.text(cx + 10, top + 28, title, size=18, font_weight="bold", fill=color)
            for k, line in enumerate(texts[area]):
                doc.text(cx + 10, top + 54 + 22 * k, line, size=15, fill=color)
        top += height
    doc.rect(x, y, width, top - y, fill="none", stroke="#000000", stroke_width=2.5)
    doc.close_group()
    return top
