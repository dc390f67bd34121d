"""隐患排查清单 (investigation checklist): what to check, the standard to meet, how often and by whom.

It is derived, never typed in: one entry per checklist item the equipment-class plugin contributes (the Order 74
daily/weekly/monthly items, GB 45067-linked items), listing the unit's equipment it applies to, plus one entry
per risk point of the control list ("are its control measures in place?"), so the list a safety officer walks
with covers both what the regulation names and what the unit itself identified.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import attrs
from openpyxl import Workbook
from openpyxl.styles import Alignment

from dualprev_sdk.domain.common import Frequency, RiskLevel, SafetyRole
from dualprev_sdk.domain.equipment import Equipment
from dualprev_sdk.domain.risk import RiskPoint
from dualprev_sdk.domain.unit import UseUnit
from dualprev_sdk.equipment_classes import ChecklistItem
from dualprev_sdk.reports.xlsx import BORDER, print_landscape, style_level_cell, write_headings, write_title

__all__ = ["ChecklistEntry", "InvestigationChecklist", "build_checklist", "write_checklist_xlsx"]

_FREQUENCY_ORDER = {f: i for i, f in enumerate(Frequency)}


@attrs.frozen(kw_only=True)
class ChecklistEntry:
    """One line of the checklist. ``code`` is the class item code (``EL-D01``) or the risk point id; a duty record
    names the item it checked by this code."""

    code: str
    class_name_zh: str
    subject: str
    standard: str
    frequency: Frequency
    responsible_role: SafetyRole
    equipment_ids: tuple[str, ...]
    equipment_names: tuple[str, ...]
    origin: str  # "class" | "risk_point"
    basis: str = ""  # the item's source citation
    level: RiskLevel | None = None  # risk points only
    finding_code: str | None = None


@attrs.frozen(kw_only=True)
class InvestigationChecklist:
    unit: UseUnit
    entries: tuple[ChecklistEntry, ...]
    generated_on: dt.date

    def for_equipment(
        self, equipment_id: str, *, frequencies: Iterable[Frequency] | None = None
    ) -> list[ChecklistEntry]:
        wanted = set(frequencies) if frequencies is not None else None
        return [
            e for e in self.entries if equipment_id in e.equipment_ids and (wanted is None or e.frequency in wanted)
        ]

    def by_code(self) -> dict[str, ChecklistEntry]:
        return {e.code: e for e in self.entries}


def _measures_text(point: RiskPoint) -> str:
    m = point.measures
    parts = [
        ("工程技术", m.engineering),
        ("管理", m.management),
        ("培训教育", m.training),
        ("个体防护", m.ppe),
        ("应急处置", m.emergency),
    ]
    return "；".join(f"{label}：{'、'.join(items)}" for label, items in parts if items)


def build_checklist(
    unit: UseUnit,
    equipment: Sequence[Equipment],
    points: Sequence[RiskPoint],
    class_items: Mapping[str, Sequence[ChecklistItem]],
    class_names: Mapping[str, str],
    *,
    generated_on: dt.date,
) -> InvestigationChecklist:
    """``class_items`` maps an equipment id to the items its class contributes for its catalogue code;
    ``class_names`` maps an equipment id to its class's Chinese name."""
    by_id = {e.id: e for e in equipment}
    merged: dict[tuple[str, str], tuple[ChecklistItem, list[str]]] = {}
    for eq in equipment:
        for item in class_items.get(eq.id, ()):
            key = (class_names.get(eq.id, ""), item.code)
            merged.setdefault(key, (item, []))[1].append(eq.id)
    entries: list[ChecklistEntry] = []
    for (class_name, _), (item, ids) in merged.items():
        entries.append(
            ChecklistEntry(
                code=item.code,
                class_name_zh=class_name,
                subject=item.subject,
                standard=item.standard,
                frequency=item.frequency,
                responsible_role=item.responsible_role,
                equipment_ids=tuple(ids),
                equipment_names=tuple(by_id[i].name or i for i in ids),
                origin="class",
                basis=str(item.source) if item.source else "",
                finding_code=item.finding_code,
            )
        )
    for point in points:
        owner = by_id.get(point.equipment_id or "")
        entries.append(
            ChecklistEntry(
                code=point.id,
                class_name_zh=class_names.get(point.equipment_id or "", "单位级"),
                subject=f"{point.component}：{point.hazard_factor}",
                standard=f"管控措施落实到位（{_measures_text(point)}）",
                frequency=point.check_frequency,
                responsible_role=point.responsible_role,
                equipment_ids=(point.equipment_id,) if point.equipment_id else (),
                equipment_names=((owner.name or owner.id),) if owner else (),
                origin="risk_point",
                basis=f"风险管控清单 {point.id}",
                level=point.level,
            )
        )
    entries.sort(key=lambda e: (e.class_name_zh, e.origin != "class", _FREQUENCY_ORDER[e.frequency], e.code))
    return InvestigationChecklist(unit=unit, entries=tuple(entries), generated_on=generated_on)


_HEADERS = (
    ("序号", 6),
    ("设备类别", 10),
    ("排查项编号", 16),
    ("排查内容", 36),
    ("排查标准", 48),
    ("排查频次", 8),
    ("责任岗位", 10),
    ("适用设备", 20),
    ("风险等级", 10),
    ("来源/依据", 24),
)


def write_checklist_xlsx(checklist: InvestigationChecklist, path: str | Path) -> Path:
    """One sheet, printable like the control list (title, frozen and repeated headings, A4 landscape)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "隐患排查清单"
    write_title(
        ws,
        f"{checklist.unit.name}特种设备隐患排查清单",
        f"使用单位：{checklist.unit.name}　统一社会信用代码：{checklist.unit.uscc}　"
        f"编制日期：{checklist.generated_on.isoformat()}　共{len(checklist.entries)}项",
        columns=len(_HEADERS),
    )
    write_headings(ws, 3, _HEADERS)
    for i, entry in enumerate(checklist.entries, start=1):
        values = (
            i,
            entry.class_name_zh,
            entry.code,
            entry.subject,
            entry.standard,
            entry.frequency.name_zh,
            entry.responsible_role.name_zh,
            "、".join(entry.equipment_names),
            entry.level.name_zh if entry.level else "",
            entry.basis,
        )
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=3 + i, column=col, value=value)
            cell.border = BORDER
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        if entry.level is not None:
            style_level_cell(ws.cell(row=3 + i, column=9), entry.level)
    print_landscape(ws, heading_rows=3)
    target = Path(path)
    wb.save(target)
    return target
