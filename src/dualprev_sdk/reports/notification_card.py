"""风险告知卡 (risk notification card): the sheet posted at a piece of equipment (or for one risk point).

What it carries: equipment name, code, registration number and location; a band in the colour of the highest
risk level; the main hazards; accident types; control measures; emergency measures; the responsible person and
phone; emergency numbers (119, 120, and 96333 with the rescue code for lifts); warning signs. The layout is A4
portrait proportions (840 wide) and grows downwards with its content; long lists are cut with a pointer to the
control list, so the card stays readable from a metre away.

Warning-sign captions follow the usual GB 2894 wording (当心坠落, 当心吊物…) chosen from the accident types; a
caller may pass its own. They are captions, not reproductions of the standard's pictograms.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from dualprev_sdk.domain.common import RiskLevel
from dualprev_sdk.domain.equipment import Equipment
from dualprev_sdk.domain.risk import RiskPoint
from dualprev_sdk.domain.unit import UseUnit
from dualprev_sdk.reports.svg import LEVEL_TEXT_COLOR, SvgDocument, level_fill, wrap_text

__all__ = ["CARD_WIDTH", "EMERGENCY_NUMBERS", "render_notification_card", "warning_signs_for"]

CARD_WIDTH = 840.0
_MARGIN = 32.0
_INNER = CARD_WIDTH - 2 * _MARGIN

#: Caption per accident type (GB 6441 names as the templates write them) [GK: GB 2894 sign wording].
_SIGN_BY_ACCIDENT = {
    "高处坠落": "当心坠落",
    "机械伤害": "当心机械伤人",
    "起重伤害": "当心吊物",
    "物体打击": "当心落物",
    "触电": "当心触电",
    "灼烫": "当心烫伤",
    "火灾": "当心火灾",
    "锅炉爆炸": "当心爆炸",
    "容器爆炸": "当心爆炸",
    "其他爆炸": "当心爆炸",
    "中毒和窒息": "当心中毒",
    "车辆伤害": "当心车辆",
    "挤压": "当心夹手",
    "淹溺": "当心落水",
}

#: 119 fire, 120 ambulance everywhere; 96333 for lifts (kind 3000).
EMERGENCY_NUMBERS: tuple[tuple[str, str], ...] = (("火警", "119"), ("急救", "120"))
LIFT_EMERGENCY = ("电梯应急救援", "96333")


def warning_signs_for(points: Sequence[RiskPoint], *, limit: int = 5) -> list[str]:
    """Captions for the accident types of ``points``, most frequent first, without repeats."""
    counts: dict[str, int] = {}
    for point in points:
        for accident in point.accident_types:
            sign = _SIGN_BY_ACCIDENT.get(accident)
            if sign:
                counts[sign] = counts.get(sign, 0) + 1
    ordered = sorted(counts, key=lambda s: -counts[s])
    return (ordered or ["注意安全"])[:limit]


def _unique(items: Sequence[str], limit: int) -> tuple[list[str], bool]:
    seen: list[str] = []
    for item in items:
        if item and item not in seen:
            seen.append(item)
    return seen[:limit], len(seen) > limit


def _location(eq: Equipment) -> str:
    loc = eq.location
    return " ".join(p for p in (loc.building, loc.floor, loc.area) if p) or loc.address or "—"


def render_notification_card(
    unit: UseUnit,
    equipment: Equipment,
    points: Sequence[RiskPoint],
    *,
    equipment_class_zh: str = "",
    responsible: str = "",
    phone: str = "",
    on: dt.date,
    warning_signs: Sequence[str] | None = None,
    max_items: int = 6,
) -> SvgDocument:
    """The card for ``equipment`` over ``points`` (all its points, or one: a card per risk point)."""
    ordered = sorted(points, key=lambda p: (int(p.level), p.id))
    level = ordered[0].level if ordered else RiskLevel.LOW
    hazards, more_hazards = _unique([f"{p.component}：{p.hazard_factor}" for p in ordered], max_items)
    accidents, _ = _unique([a for p in ordered for a in p.accident_types], 12)
    controls, more_controls = _unique(
        [m for p in ordered for m in (*p.measures.engineering, *p.measures.management, *p.measures.ppe)], max_items + 2
    )
    emergency, more_emergency = _unique([m for p in ordered for m in p.measures.emergency], 4)
    signs = list(warning_signs) if warning_signs is not None else warning_signs_for(ordered)
    numbers = list(EMERGENCY_NUMBERS)
    if equipment.kind_code == "3000":
        numbers.append(LIFT_EMERGENCY)

    doc = SvgDocument(CARD_WIDTH, 1188, title=f"{equipment.name}风险告知卡")
    body: list[tuple[str, list[str], bool, str]] = [
        ("主要危险有害因素", hazards, more_hazards, "hazards"),
        ("可能导致的事故类型", ["、".join(accidents)] if accidents else ["—"], False, "accidents"),
        ("管控措施", controls, more_controls, "controls"),
        ("应急处置措施", emergency, more_emergency, "emergency"),
    ]
    # --- frame and colour band
    fill, text_color = level_fill(level), LEVEL_TEXT_COLOR[level]
    doc.rect(_MARGIN, 24, _INNER, 96, fill=fill, id="level-band", data_level=str(int(level)))
    doc.text(
        CARD_WIDTH / 2,
        70,
        "安全风险告知卡",
        size=40,
        fill=text_color,
        font_weight="bold",
        text_anchor="middle",
        id="title",
    )
    doc.text(
        CARD_WIDTH / 2,
        106,
        f"风险等级：{level.name_zh}（{level.color_zh}色）",
        size=24,
        fill=text_color,
        text_anchor="middle",
        id="level-text",
    )
    # --- identity table
    y = 140.0
    rows = [
        ("设备名称", equipment.name or equipment.id, "设备类别", equipment_class_zh or equipment.catalog_code),
        ("设备代码", equipment.equipment_code, "使用登记证编号", equipment.registration_number or "—"),
        ("安装位置", _location(equipment), "单位内编号", equipment.unit_internal_number or "—"),
    ]
    col = [_MARGIN, _MARGIN + 130, _MARGIN + _INNER / 2, _MARGIN + _INNER / 2 + 150]
    for row in rows:
        doc.rect(_MARGIN, y, _INNER, 40, fill="none", stroke="#333333", stroke_width=1.5)
        doc.rect(col[0], y, 130, 40, fill="#EEEEEE", stroke="#333333", stroke_width=1.5)
        doc.rect(col[2], y, 150, 40, fill="#EEEEEE", stroke="#333333", stroke_width=1.5)
        doc.text(col[0] + 10, y + 27, row[0], size=18, font_weight="bold")
        doc.text(col[1] + 10, y + 27, _fit(row[1], _INNER / 2 - 150, 18), size=18)
        doc.text(col[2] + 10, y + 27, row[2], size=18, font_weight="bold")
        doc.text(col[3] + 10, y + 27, _fit(row[3], _INNER / 2 - 170, 18), size=18)
        y += 40
    y += 18
    # --- sections
    for heading, items, more, section_id in body:
        doc.open_group(id=f"section-{section_id}")
        doc.rect(_MARGIN, y, _INNER, 34, fill=fill, id=f"heading-{section_id}")
        doc.text(_MARGIN + 12, y + 24, heading, size=20, fill=text_color, font_weight="bold")
        y += 34 + 26
        for n, item in enumerate(items, start=1):
            prefix = f"{n}. " if len(items) > 1 else ""
            y = doc.text_block(_MARGIN + 14, y, prefix + item, width=_INNER - 28, size=17, line_height=1.4) + 4
        if more:
            y = doc.text_block(
                _MARGIN + 14,
                y,
                "……其余内容详见本单位《特种设备安全风险管控清单》",
                width=_INNER - 28,
                size=15,
                fill="#555555",
            )
        doc.close_group()
        y += 10
    # --- warning signs
    doc.rect(_MARGIN, y, _INNER, 34, fill=fill)
    doc.text(_MARGIN + 12, y + 24, "警示标志", size=20, fill=text_color, font_weight="bold")
    y += 44
    doc.open_group(id="warning-signs")
    slot = _INNER / max(len(signs), 1)
    for i, sign in enumerate(signs):
        cx = _MARGIN + slot * i + slot / 2
        doc.polygon(
            [(cx, y), (cx - 44, y + 76), (cx + 44, y + 76)],
            fill="#FFD200",
            stroke="#000000",
            stroke_width=5,
            class_="sign",
        )
        doc.text(cx, y + 66, "!", size=44, font_weight="bold", text_anchor="middle")
        doc.text(cx, y + 104, sign, size=18, font_weight="bold", text_anchor="middle", class_="sign-caption")
    doc.close_group()
    y += 124
    # --- responsibility and emergency numbers
    doc.rect(_MARGIN, y, _INNER, 92, fill="#F4F4F4", stroke="#333333", stroke_width=1.5, id="contacts")
    doc.text(
        _MARGIN + 14, y + 32, f"责任人：{responsible or '—'}　　联系电话：{phone or '—'}", size=20, id="responsible"
    )
    numbers_text = "　".join(f"{label} {number}" for label, number in numbers)
    doc.text(
        _MARGIN + 14, y + 70, f"应急电话：{numbers_text}", size=20, font_weight="bold", fill="#C00000", id="emergency"
    )
    y += 92
    if equipment.kind_code == "3000" and equipment.rescue_code:
        doc.text(_MARGIN + 14, y + 28, f"96333 应急救援识别码：{equipment.rescue_code}", size=18, id="rescue-code")
        y += 36
    y = max(y + 30, CARD_WIDTH * 1.414 - 28)  # the footer sits at the bottom of an A4-proportioned sheet
    doc.text(_MARGIN, y, f"使用单位：{unit.name}", size=16, fill="#333333", id="footer-unit")
    doc.text(CARD_WIDTH - _MARGIN, y, f"制卡日期：{on.isoformat()}", size=16, fill="#333333", text_anchor="end")
    height = y + 28
    doc.height = height
    doc.rect(8, 8, CARD_WIDTH - 16, height - 16, fill="none", stroke=fill, stroke_width=8, id="border")
    return doc


def _fit(text: str, width: float, size: float) -> str:
    """One line: cut with an ellipsis when it does not fit."""
    lines = wrap_text(text, width, size)
    return lines[0] + ("…" if len(lines) > 1 else "")
