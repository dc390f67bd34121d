"""The 隐患排查清单 is derived from the class checklist items and the control list, and exported for printing."""

from __future__ import annotations

from pathlib import Path

import attrs
from openpyxl import load_workbook
from report_fixtures import CLASS_NAMES, DAY, EQUIPMENT, LIFT, POINTS, UNIT

from dualprev_sdk.domain.common import Frequency, SafetyRole
from dualprev_sdk.equipment_classes import ChecklistItem
from dualprev_sdk.reports.checklist import InvestigationChecklist, build_checklist, write_checklist_xlsx

SIGN = ChecklistItem(
    code="EL-D01",
    subject="使用标志",
    standard="使用标志在检验有效期内并置于显著位置",
    frequency=Frequency.DAILY,
    responsible_role=SafetyRole.SAFETY_OFFICER,
)
WEEKLY = ChecklistItem(
    code="EL-W01",
    subject="维保记录",
    standard="维保单位按期维保并签字",
    frequency=Frequency.WEEKLY,
    responsible_role=SafetyRole.SAFETY_DIRECTOR,
)
LIFT_2 = attrs.evolve(LIFT, id="E-LIFT-2", name="2号客梯")


def checklist() -> InvestigationChecklist:
    equipment = (*EQUIPMENT, LIFT_2)
    return build_checklist(
        UNIT,
        equipment,
        POINTS,
        {LIFT.id: [SIGN, WEEKLY], LIFT_2.id: [SIGN]},
        {**CLASS_NAMES, LIFT_2.id: "电梯"},
        generated_on=DAY,
    )


def test_a_class_item_appears_once_listing_every_piece_of_equipment_it_applies_to() -> None:
    entry = checklist().by_code()["EL-D01"]
    assert (entry.equipment_ids, entry.equipment_names) == ((LIFT.id, "E-LIFT-2"), ("1号客梯", "2号客梯"))
    assert (entry.subject, entry.standard, entry.frequency, entry.responsible_role) == (
        SIGN.subject,
        SIGN.standard,
        Frequency.DAILY,
        SafetyRole.SAFETY_OFFICER,
    )


def test_every_risk_point_becomes_an_item_checking_its_measures() -> None:
    entry = checklist().by_code()["RP-CRANE-001"]
    assert entry.origin == "risk_point"
    assert entry.standard.startswith("管控措施落实到位（工程技术：制动器完好有效；按期检测、设置超载保护")
    assert entry.basis == "风险管控清单 RP-CRANE-001"


def test_items_for_one_piece_of_equipment_can_be_filtered_by_frequency() -> None:
    daily = checklist().for_equipment(LIFT.id, frequencies={Frequency.DAILY})
    assert [e.code for e in daily] == ["EL-D01", "RP-LIFT-001", "RP-LIFT-002"]


def test_the_xlsx_lists_what_to_check_the_standard_the_frequency_and_the_role(tmp_path: Path) -> None:
    ws = load_workbook(write_checklist_xlsx(checklist(), tmp_path / "checklist.xlsx")).active
    assert ws is not None
    assert [c.value for c in ws[3]][:8] == [
        "序号",
        "设备类别",
        "排查项编号",
        "排查内容",
        "排查标准",
        "排查频次",
        "责任岗位",
        "适用设备",
    ]
    rows = {r[2]: r for r in ws.iter_rows(min_row=4, values_only=True)}
    assert rows["EL-W01"][5:8] == ("每周", "安全总监", "1号客梯")
    assert ws.freeze_panes == "A4"
    crane_level = next(c for c in ws[4 + list(rows).index("RP-CRANE-001")] if c.column == 9)
    assert (crane_level.value, crane_level.fill.fgColor.rgb) == ("重大风险", "00FF0000")
