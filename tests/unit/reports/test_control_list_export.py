"""The 风险管控清单 export: a printable xlsx a safety officer can file, a csv, and reading an edited copy back."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook
from report_fixtures import DAY, UNIT, control_list

from dualprev_sdk.domain.common import RiskLevel
from dualprev_sdk.grading.api import get_method
from dualprev_sdk.reports.control_list import (
    HEADERS,
    read_control_list,
    write_control_list_csv,
    write_control_list_xlsx,
)


def level_of(method: str, factors: dict[str, float]) -> RiskLevel:
    return get_method(method).grade(**factors).level


@pytest.fixture
def xlsx(tmp_path: Path) -> Path:
    return write_control_list_xlsx(control_list(), tmp_path / "list.xlsx")


def test_there_is_one_sheet_per_equipment_class(xlsx: Path) -> None:
    assert load_workbook(xlsx).sheetnames == ["电梯", "起重机械", "锅炉"]


def test_the_title_names_the_unit_and_the_date(xlsx: Path) -> None:
    ws = load_workbook(xlsx)["电梯"]
    assert ws["A1"].value == f"{UNIT.name}特种设备安全风险管控清单（电梯）"
    assert DAY.isoformat() in ws["A2"].value
    assert UNIT.uscc in ws["A2"].value


def test_headings_are_chinese_on_the_third_row(xlsx: Path) -> None:
    ws = load_workbook(xlsx)["电梯"]
    assert tuple(c.value for c in ws[3]) == HEADERS


def test_level_cells_are_filled_with_the_level_colour(xlsx: Path) -> None:
    wb = load_workbook(xlsx)
    headers = list(HEADERS)
    level_col, colour_col = headers.index("风险等级") + 1, headers.index("风险颜色") + 1
    crane = wb["起重机械"]
    assert crane.cell(row=4, column=level_col).value == "重大风险"
    assert crane.cell(row=4, column=level_col).fill.fgColor.rgb == "00FF0000"
    assert crane.cell(row=4, column=colour_col).value == "红"
    lift = wb["电梯"]
    assert [lift.cell(row=r, column=level_col).fill.fgColor.rgb for r in (4, 5)] == ["00FF9900", "000070C0"]


def test_the_sheet_is_set_up_for_printing_on_a4_landscape_one_page_wide(xlsx: Path) -> None:
    ws = load_workbook(xlsx)["锅炉"]
    assert ws.freeze_panes == "A4"
    assert ws.print_title_rows == "$1:$3"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9  # A4
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True


def test_measures_are_one_per_line_and_survive_semicolons(tmp_path: Path, xlsx: Path) -> None:
    ws = load_workbook(xlsx)["电梯"]
    col = list(HEADERS).index("工程技术措施") + 1
    assert ws.cell(row=4, column=col).value == "制动器完好有效；按期检测\n设置超载保护"
    parsed = read_control_list(xlsx, grade=level_of)
    assert parsed.rows[0].measures.engineering == ("制动器完好有效；按期检测", "设置超载保护")


def test_reading_an_unedited_export_gives_back_every_point_unchanged(xlsx: Path) -> None:
    parsed = read_control_list(xlsx, grade=level_of)
    assert parsed.errors == ()
    original = {r.point.id: r.point for r in control_list().rows}
    assert {r.point_id for r in parsed.rows} == set(original)
    for row in parsed.rows:
        point = original[row.point_id or ""]
        assert (row.measures, row.accident_types, row.factors, row.version, row.sheet) == (
            point.measures,
            point.accident_types,
            point.factors,
            point.version,
            row.sheet,
        )


def test_the_csv_has_the_same_columns_with_a_bom_for_excel(tmp_path: Path) -> None:
    path = write_control_list_csv(control_list(), tmp_path / "list.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == HEADERS
    assert len(rows) == 1 + len(control_list().rows)
    assert read_control_list(path, grade=level_of).errors == ()


def test_every_unreadable_cell_is_reported_with_row_column_and_value(xlsx: Path, tmp_path: Path) -> None:
    wb = load_workbook(xlsx)
    ws = wb["电梯"]
    col = {h: i + 1 for i, h in enumerate(HEADERS)}
    ws.cell(row=4, column=col["管控层级"], value="集团级")
    ws.cell(row=4, column=col["评价因子"], value="L=3；E=6；C=4")  # 4 is not a C value of LEC
    ws.cell(row=5, column=col["风险等级"], value="重大风险")  # contradicts its factors (L1 E6 C7 = 42: 低)
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    parsed = read_control_list(edited, grade=level_of)
    found = {(e.row, e.column, e.rule) for e in parsed.errors}
    assert found == {
        (4, "电梯!管控层级", "control_list.control_level"),
        (4, "电梯!评价因子", "control_list.grade"),
        (5, "电梯!风险等级", "control_list.level.consistent"),
    }
    assert {r.point_id for r in parsed.rows} == {"RP-CRANE-001", "RP-BOILER-001"}
    level_error = next(e for e in parsed.errors if e.row == 5)
    assert level_error.value == "重大风险"
    assert "低风险" in level_error.reason
