"""Editing the exported 风险管控清单 and importing it back: round trip, row errors, all-or-nothing, dry run."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from risk_world import CRANE, LIFT, world

from dualprev_sdk.domain.common import ControlLevel, RiskLevel
from dualprev_sdk.domain.risk import RiskPoint, RiskPointChange
from dualprev_sdk.reports.control_list import HEADERS, write_control_list_csv, write_control_list_xlsx
from dualprev_sdk.services import risk
from dualprev_sdk.services.bootstrap import Dualprev

COL = {h: i + 1 for i, h in enumerate(HEADERS)}


@pytest.fixture
def unit(sdk: Dualprev) -> str:
    uscc = world(sdk)
    risk.identify_unit_risks(sdk, uscc, actor="安全员张三")
    return uscc


def all_points(sdk: Dualprev, unit: str) -> dict[str, RiskPoint]:
    with sdk.uow() as uow:
        return {p.id: p for p in uow.risk_points.list_all(unit_uscc=unit)}


def export(sdk: Dualprev, unit: str, path: Path) -> Path:
    return write_control_list_xlsx(risk.build_control_list(sdk, unit), path)


def row_of(ws, point_id: str) -> int:  # type: ignore[no-untyped-def]
    for row in range(4, ws.max_row + 1):
        if ws.cell(row=row, column=1).value == point_id:
            return row
    raise AssertionError(point_id)


def test_an_unedited_export_imports_as_all_unchanged(sdk: Dualprev, unit: str, tmp_path: Path) -> None:
    before = all_points(sdk, unit)
    events = len(sdk.read_events(limit=10_000))
    report = risk.import_control_list(sdk, export(sdk, unit, tmp_path / "l.xlsx"), unit_uscc=unit, actor="安全总监李四")
    assert (report.committed, report.rows_read, report.points_unchanged, report.points_updated) == (
        True,
        len(before),
        len(before),
        0,
    )
    assert all_points(sdk, unit) == before
    assert len(sdk.read_events(limit=10_000)) == events


def test_edits_add_and_delete_round_trip(sdk: Dualprev, unit: str, tmp_path: Path) -> None:
    path = export(sdk, unit, tmp_path / "l.xlsx")
    before = all_points(sdk, unit)
    lift_points = sorted(p for p in before if before[p].equipment_id == LIFT)
    crane_points = sorted(p for p in before if before[p].equipment_id == CRANE)
    edited_id, regraded_id, deleted_id = lift_points[0], lift_points[1], crane_points[0]
    wb = load_workbook(path)
    lifts, cranes = wb["电梯"], wb["起重机械"]
    r = row_of(lifts, edited_id)
    lifts.cell(row=r, column=COL["管理措施"], value="每日巡查门锁\n每月核对维保记录")
    lifts.cell(row=r, column=COL["责任人"], value="维保组长赵六")
    r = row_of(lifts, regraded_id)
    lifts.cell(row=r, column=COL["评价方法"], value="LEC")
    lifts.cell(row=r, column=COL["评价因子"], value="L=6；E=6；C=15")
    lifts.cell(row=r, column=COL["风险等级"], value="重大风险")
    lifts.cell(row=r, column=COL["变更原因"], value="本月两次困人")
    cranes.cell(row=row_of(cranes, deleted_id), column=COL["删除"], value="是")
    cranes.cell(row=row_of(cranes, deleted_id), column=COL["变更原因"], value="与QZ-R02重复")
    new_row = cranes.max_row + 1
    for heading, value in {
        "设备ID": CRANE,
        "部位/作业活动": "检修平台",
        "危险有害因素": "检修平台护栏缺失",
        "可能导致的事故类型": "高处坠落",
        "评价方法": "LS",
        "评价因子": "L=4；S=5",
        "工程技术措施": "加装防护栏杆",
        "管控层级": "公司级",
        "责任岗位": "安全总监",
        "排查频次": "每周",
    }.items():
        cranes.cell(row=new_row, column=COL[heading], value=value)
    wb.save(path)

    report = risk.import_control_list(sdk, path, unit_uscc=unit, actor="安全总监李四")

    assert report.errors == []
    assert (report.points_updated, report.points_created, report.points_removed) == (2, 1, 1)
    after = all_points(sdk, unit)
    assert after[edited_id].measures.management == ("每日巡查门锁", "每月核对维保记录")
    assert after[edited_id].responsible_person == "维保组长赵六"
    assert (after[regraded_id].level, after[regraded_id].score) == (RiskLevel.MAJOR, 540.0)
    assert deleted_id not in after
    (added,) = set(after) - set(before)
    assert (after[added].level, after[added].control_level, after[added].equipment_id) == (
        RiskLevel.MAJOR,
        ControlLevel.COMPANY,
        CRANE,
    )
    regrade = risk.risk_point_history(sdk, regraded_id)[-1]
    assert (regrade.change, regrade.reason) == (RiskPointChange.REGRADED, "本月两次困人")
    assert risk.risk_point_history(sdk, deleted_id)[-1].change is RiskPointChange.REMOVED
    assert sdk.read_events(limit=10_000)[-1].type == "risk_points.imported"
    # and the new state exports and re-imports unchanged
    again = risk.import_control_list(sdk, export(sdk, unit, tmp_path / "2.xlsx"), unit_uscc=unit, actor="x")
    assert (again.points_unchanged, again.points_updated) == (len(after), 0)


def test_bad_rows_are_all_reported_and_nothing_is_written(sdk: Dualprev, unit: str, tmp_path: Path) -> None:
    path = export(sdk, unit, tmp_path / "l.xlsx")
    before = all_points(sdk, unit)
    events = len(sdk.read_events(limit=10_000))
    lift_points = sorted(p for p in before if before[p].equipment_id == LIFT)
    wb = load_workbook(path)
    lifts = wb["电梯"]
    good = row_of(lifts, lift_points[0])
    lifts.cell(row=good, column=COL["责任人"], value="维保组长赵六")  # a valid edit that must not be applied
    no_reason = row_of(lifts, lift_points[1])
    lifts.cell(row=no_reason, column=COL["评价因子"], value="L=6；E=6；C=15")
    lifts.cell(row=no_reason, column=COL["风险等级"], value="重大风险")
    stale = row_of(lifts, lift_points[2])
    lifts.cell(row=stale, column=COL["版本"], value=7)
    bad_role = row_of(lifts, lift_points[3])
    lifts.cell(row=bad_role, column=COL["责任岗位"], value="车间主任")
    foreign = row_of(lifts, lift_points[4])
    lifts.cell(row=foreign, column=COL["设备ID"], value="E-ELSEWHERE")
    wb.save(path)

    report = risk.import_control_list(sdk, path, unit_uscc=unit, actor="安全总监李四")

    assert not report.committed
    got = {(e.row, e.column, e.rule) for e in report.errors}
    assert got == {
        (no_reason, "电梯!变更原因", "risk.regrade.reason"),
        (stale, "电梯!版本", "control_list.version.stale"),
        (bad_role, "电梯!责任岗位", "control_list.role"),
        (foreign, "电梯!设备ID", "control_list.equipment.fixed"),
        (foreign, "电梯!设备ID", "control_list.equipment.unknown"),
    }
    assert report.rows_rejected == 4
    assert next(e for e in report.errors if e.row == stale).value == 7
    assert all_points(sdk, unit) == before
    assert len(sdk.read_events(limit=10_000)) == events


def test_a_dry_run_counts_the_changes_and_writes_nothing(sdk: Dualprev, unit: str, tmp_path: Path) -> None:
    path = write_control_list_csv(risk.build_control_list(sdk, unit), tmp_path / "l.csv")
    text = path.read_text(encoding="utf-8-sig").replace("安全员张三", "安全员孙七")
    path.write_text(text, encoding="utf-8-sig")
    before = all_points(sdk, unit)
    changed = sum(p.responsible_person == "安全员张三" for p in before.values())
    report = risk.import_control_list(sdk, path, unit_uscc=unit, actor="安全总监李四", dry_run=True)
    assert (report.dry_run, report.committed, report.points_updated, report.error_count) == (True, False, changed, 0)
    assert all_points(sdk, unit) == before


def test_a_point_named_twice_or_a_new_row_repeated_is_a_row_error(sdk: Dualprev, unit: str, tmp_path: Path) -> None:
    path = export(sdk, unit, tmp_path / "l.xlsx")
    before = all_points(sdk, unit)
    wb = load_workbook(path)
    cranes = wb["起重机械"]
    first_id = cranes.cell(row=4, column=1).value
    copy_row = cranes.max_row + 1
    for col in range(1, len(HEADERS) + 1):
        cranes.cell(row=copy_row, column=col, value=cranes.cell(row=4, column=col).value)
    new_rows = (copy_row + 1, copy_row + 2)
    for row in new_rows:
        for heading, value in {
            "设备ID": CRANE,
            "部位/作业活动": "吊钩",
            "危险有害因素": "吊钩变形",
            "管理措施": "每日检查",
        }.items():
            cranes.cell(row=row, column=COL[heading], value=value)
        cranes.cell(row=row, column=COL["风险等级"], value="一般风险")
    wb.save(path)
    report = risk.import_control_list(sdk, path, unit_uscc=unit, actor="安全总监李四")
    assert {(e.row, e.rule) for e in report.errors} == {
        (copy_row, "control_list.point.duplicate"),
        (new_rows[1], "control_list.point.duplicate"),
    }
    assert f"第{new_rows[0]}行" in next(e.reason for e in report.errors if e.row == new_rows[1])
    assert first_id in before
    assert all_points(sdk, unit) == before
