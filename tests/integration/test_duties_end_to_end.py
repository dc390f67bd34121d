"""End to end: a unit with a lift, a crane and a boiler → control list and checklist (xlsx re-read) → Order 74
plans → a month of tasks → recorded results, failures opening hazards → missed-duty flags → weekly report and
monthly minutes → four-colour map and notification card (SVG parsed)."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

import attrs
import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from risk_world import BOILER, CRANE, LIFT, OTHER_REGION, at, make_equipment, make_unit, uscc, world

from dualprev_sdk.domain.duty import CheckResult, DutyKind, ItemResult, evidence_sha256
from dualprev_sdk.domain.equipment import EquipmentStatus
from dualprev_sdk.domain.hazard import HazardReported, HazardSource, HazardState
from dualprev_sdk.errors import AlreadyExists, FailedPrecondition
from dualprev_sdk.reports import monthly_minutes, weekly_report
from dualprev_sdk.reports.checklist import write_checklist_xlsx
from dualprev_sdk.reports.control_list import HEADERS, write_control_list_xlsx
from dualprev_sdk.services import duties, hazards, risk
from dualprev_sdk.services.bootstrap import Dualprev

NOV = [dt.date(2025, 11, d) for d in range(1, 31)]
SKIPPED_DAYS = {dt.date(2025, 11, d) for d in (12, 13, 14, 25)}
PHOTO = b"\x89PNG fake photo of a worn hook"


def record_all_pass(sdk: Dualprev, task_id: str, day: dt.date, **fail: str) -> duties.RecordResult:
    """Record every item of the task as passed, except ``fail`` = {item code: note} on the first matching item."""
    items = []
    failing = dict(fail)
    for item in duties.task_items(sdk, task_id):
        note = failing.pop(item.entry.code, None)
        items.append(
            ItemResult(
                item_code=item.entry.code,
                equipment_id=item.equipment_id,
                result=CheckResult.FAIL if note else CheckResult.PASS,
                note=note or "",
                evidence=(evidence_sha256(PHOTO),) if note else (),
            )
        )
    assert not failing, f"no item {failing} in task {task_id}"
    return duties.record_duty(sdk, task_id, recorded_by="安全员张三", items=items, at=at(day))


@pytest.fixture
def month(sdk: Dualprev, tmp_path: Path) -> dict[str, object]:
    unit = world(sdk)
    risk.identify_unit_risks(sdk, unit, actor="安全员张三")
    for plan in duties.order74_plans(unit, equipment_kind=None, starts_on=dt.date(2025, 11, 1)):
        duties.create_plan(sdk, plan, actor="安全总监李四")
    generated = duties.generate_tasks(sdk, dt.date(2025, 11, 1), dt.date(2025, 11, 30))
    tasks = duties.list_tasks(sdk, unit_uscc=unit)
    daily = {t.due_on: t for t in tasks if t.kind is DutyKind.DAILY_CONTROL}
    weekly = {t.period_key: t for t in tasks if t.kind is DutyKind.WEEKLY_INVESTIGATION}
    hazard_ids: list[str] = []
    crane_item = next(i.entry.code for i in duties.task_items(sdk, daily[NOV[0]].id) if i.equipment_id == CRANE)
    lift_item = next(i.entry.code for i in duties.task_items(sdk, daily[NOV[0]].id) if i.equipment_id == LIFT)
    for day in NOV:
        if day in SKIPPED_DAYS:
            continue
        if day == dt.date(2025, 11, 20):
            boiler = sdk.ledger.get_equipment(BOILER)
            sdk.ledger.update_equipment(attrs.evolve(boiler, status=EquipmentStatus.SUSPENDED))
        fail = {}
        if day == dt.date(2025, 11, 5):
            fail = {crane_item: "吊钩开口度超标，防脱钩装置变形"}
        if day == dt.date(2025, 11, 18):
            fail = {lift_item: "轿厢应急照明不亮"}
        result = record_all_pass(sdk, daily[day].id, day, **fail)
        hazard_ids.extend(result.hazard_ids)
    for key in ("2025-W44", "2025-W45", "2025-W46", "2025-W47"):  # W48 is never filed
        task = weekly[key]
        items = [
            ItemResult(item_code=i.entry.code, equipment_id=i.equipment_id, result=CheckResult.PASS)
            for i in duties.task_items(sdk, task.id)
        ]
        duties.record_duty(
            sdk,
            task.id,
            recorded_by="安全总监李四",
            items=items,
            summary=f"{key} 排查完成",
            next_steps="继续落实日管控",
            at=at(task.due_on),
        )
    return {"unit": unit, "generated": generated, "daily": daily, "weekly": weekly, "hazards": hazard_ids}


def test_a_month_of_tasks_is_one_per_day_week_and_month_and_regenerating_adds_nothing(
    sdk: Dualprev, month: dict[str, object]
) -> None:
    generated = month["generated"]
    assert isinstance(generated, duties.GenerationResult)
    assert (generated.created, generated.total) == (30 + 5 + 1, 36)
    assert duties.generate_tasks(sdk, dt.date(2025, 10, 20), dt.date(2025, 11, 30)).created == 0
    tasks = duties.list_tasks(sdk, unit_uscc=str(month["unit"]))
    assert {(t.kind, t.assignee) for t in tasks} == {
        (DutyKind.DAILY_CONTROL, "安全员张三"),
        (DutyKind.WEEKLY_INVESTIGATION, "安全总监李四"),
        (DutyKind.MONTHLY_DISPATCH, "总经理王五"),
    }


def test_failed_items_opened_hazards_linked_to_their_task_item(sdk: Dualprev, month: dict[str, object]) -> None:
    hazard_ids = month["hazards"]
    assert isinstance(hazard_ids, list)
    assert len(hazard_ids) == 2
    crane_hazard = hazards.get_hazard(sdk, hazard_ids[0])
    daily = month["daily"]
    assert isinstance(daily, dict)
    task = daily[dt.date(2025, 11, 5)]
    assert (crane_hazard.source, crane_hazard.equipment_id, crane_hazard.state) == (
        HazardSource.DAILY_CHECK,
        CRANE,
        HazardState.REPORTED,
    )
    assert crane_hazard.source_reference.startswith(f"duty:{task.id}:")
    assert "吊钩开口度超标" in crane_hazard.description
    reported = crane_hazard.events[0]
    assert isinstance(reported, HazardReported)
    assert reported.photos == (evidence_sha256(PHOTO),)
    with sdk.uow() as uow:
        stored = uow.duties.find_record_for_task(task.id)
    assert stored is not None
    assert [i.hazard_id for i in stored.failed_items] == [crane_hazard.id]
    assert not stored.zero_findings


def test_a_day_without_findings_is_still_a_record(sdk: Dualprev, month: dict[str, object]) -> None:
    daily = month["daily"]
    assert isinstance(daily, dict)
    with sdk.uow() as uow:
        record = uow.duties.find_record_for_task(daily[dt.date(2025, 11, 6)].id)
    assert record is not None
    assert record.zero_findings
    assert {i.result for i in record.items} == {CheckResult.PASS}


def test_a_task_is_recorded_once(sdk: Dualprev, month: dict[str, object]) -> None:
    daily = month["daily"]
    assert isinstance(daily, dict)
    with pytest.raises(AlreadyExists):
        duties.record_duty(sdk, daily[dt.date(2025, 11, 6)].id, recorded_by="安全员张三", items=(), at=at(NOV[5]))


def test_a_daily_check_refuses_equipment_that_is_not_in_use(sdk: Dualprev, month: dict[str, object]) -> None:
    daily = month["daily"]
    assert isinstance(daily, dict)
    task = daily[dt.date(2025, 11, 25)]
    assert BOILER not in {i.equipment_id for i in duties.task_items(sdk, task.id)}
    boiler_item = "BLR-D01"
    with pytest.raises(FailedPrecondition) as caught:
        duties.record_duty(
            sdk,
            task.id,
            recorded_by="安全员张三",
            items=[ItemResult(item_code=boiler_item, equipment_id=BOILER, result=CheckResult.PASS)],
            at=at(dt.date(2025, 11, 25)),
        )
    assert caught.value.reason == "EQUIPMENT_NOT_IN_USE"
    with sdk.uow() as uow:
        assert uow.duties.find_record_for_task(task.id) is None


def test_missed_daily_checks_weekly_report_and_monthly_minutes_are_flagged_with_dates(
    sdk: Dualprev, month: dict[str, object]
) -> None:
    unit = str(month["unit"])
    report = duties.missed_duties(sdk, as_of=dt.date(2025, 12, 1), unit_uscc=unit)
    assert list(report.daily_gaps().values()) == [
        [(dt.date(2025, 11, 12), dt.date(2025, 11, 14)), (dt.date(2025, 11, 25), dt.date(2025, 11, 25))]
    ]
    assert [(m.period_key, m.due_on) for m in report.of_kind(DutyKind.WEEKLY_INVESTIGATION)] == [
        ("2025-W48", dt.date(2025, 11, 30))
    ]
    assert [(m.period_key, m.assignee) for m in report.of_kind(DutyKind.MONTHLY_DISPATCH)] == [
        ("2025-11", "总经理王五")
    ]
    on_the_25th = duties.missed_duties(sdk, as_of=dt.date(2025, 11, 25), unit_uscc=unit)
    assert [m.period_key for m in on_the_25th.items] == ["2025-11-12", "2025-11-13", "2025-11-14"]


def test_missed_duties_are_found_across_a_region_by_code_prefix(sdk: Dualprev, month: dict[str, object]) -> None:
    other = make_unit(sdk, uscc(502), region=OTHER_REGION, name="洛阳某商场")
    make_equipment(sdk, other, prefix="LY-")
    for plan in duties.order74_plans(other, equipment_kind="3000", starts_on=dt.date(2025, 11, 1), kind_zh="电梯"):
        duties.create_plan(sdk, plan, actor="安全总监")
    duties.generate_tasks(sdk, dt.date(2025, 11, 1), dt.date(2025, 11, 30), unit_uscc=other)
    as_of = dt.date(2025, 12, 1)
    zhengzhou = duties.missed_duties(sdk, as_of=as_of, region_prefix="4101")
    province = duties.missed_duties(sdk, as_of=as_of, region_prefix="41")
    assert set(zhengzhou.by_unit()) == {month["unit"]}
    assert set(province.by_unit()) == {month["unit"], other}
    assert len(province.by_unit()[other]) == 30 + 5 + 1
    assert {m.region_code for m in province.by_unit()[other]} == {OTHER_REGION}


def test_the_weekly_report_is_generated_from_the_weeks_records(sdk: Dualprev, month: dict[str, object]) -> None:
    unit = str(month["unit"])
    w45 = weekly_report.build_weekly_report(sdk, unit, "2025-W45")
    assert (w45.start, w45.end, w45.daily_expected, w45.daily_recorded, w45.daily_zero_finding) == (
        dt.date(2025, 11, 3),
        dt.date(2025, 11, 9),
        7,
        7,
        6,
    )
    assert [(f.day, f.equipment, f.hazard_state) for f in w45.findings] == [
        (dt.date(2025, 11, 5), "10t桥式起重机", HazardState.REPORTED.name_zh)
    ]
    assert w45.results["fail"] == 1
    assert w45.weekly_summary == "2025-W45 排查完成"
    w46 = weekly_report.build_weekly_report(sdk, unit, "2025-W46")
    assert w46.missed_days == ((dt.date(2025, 11, 12), dt.date(2025, 11, 14)),)
    text = weekly_report.render_markdown(w46)
    assert text.startswith("# 《每周特种设备安全排查治理报告》")
    assert "| 7 | 4 | 4 | 2025-11-12至2025-11-14 |" in text
    html = weekly_report.render_html(w46)
    assert "<h1>《每周特种设备安全排查治理报告》</h1>" in html
    assert "<td>2025-11-12至2025-11-14</td>" in html


def test_the_monthly_minutes_summarise_the_month(sdk: Dualprev, month: dict[str, object], tmp_path: Path) -> None:
    unit = str(month["unit"])
    minutes = monthly_minutes.build_monthly_minutes(sdk, unit, "2025-11")
    assert (minutes.daily_expected, minutes.daily_recorded, minutes.weekly_expected, minutes.weekly_recorded) == (
        30,
        26,
        5,
        4,
    )
    assert minutes.weekly_missing == ("2025-W48",)
    assert (minutes.principal, minutes.recorded, len(minutes.findings)) == ("总经理王五", False, 2)
    path = weekly_report.write_document(monthly_minutes.render_markdown(minutes), minutes.title, tmp_path / "m.md")
    text = path.read_text(encoding="utf-8")
    assert "《每月特种设备安全调度会议纪要》" in text
    assert "| 日管控（每日安全检查记录） | 30 | 26 | 2025-11-12至2025-11-14、2025-11-25 |" in text


def test_the_exported_control_list_and_checklist_hold_the_units_points(
    sdk: Dualprev, month: dict[str, object], tmp_path: Path
) -> None:
    unit = str(month["unit"])
    control_list = risk.build_control_list(sdk, unit)
    wb = load_workbook(write_control_list_xlsx(control_list, tmp_path / "list.xlsx"))
    assert wb.sheetnames == ["电梯", "起重机械", "锅炉"]
    level_col = list(HEADERS).index("风险等级") + 1
    for ws in wb.worksheets:
        for row in range(4, ws.max_row + 1):
            point = next(r.point for r in control_list.rows if r.point.id == ws.cell(row=row, column=1).value)
            cell = ws.cell(row=row, column=level_col)
            assert (cell.value, cell.fill.fgColor.rgb) == (point.level.name_zh, "00" + point.level.hex_color)
    assert sum(ws.max_row - 3 for ws in wb.worksheets) == len(control_list.rows)
    checklist = risk.build_investigation_checklist(sdk, unit)
    ws = load_workbook(write_checklist_xlsx(checklist, tmp_path / "checklist.xlsx")).active
    assert ws is not None
    codes = [r[2] for r in ws.iter_rows(min_row=4, values_only=True)]
    assert set(codes) == {e.code for e in checklist.entries}
    assert {"EL-D01", "QZ-D01", "BLR-D01"} <= set(codes)
    assert set(control_list_ids := [r.point.id for r in control_list.rows]) <= set(codes)
    assert len(control_list_ids) > 20


def test_the_map_and_the_card_show_each_places_highest_level(sdk: Dualprev, month: dict[str, object]) -> None:
    unit = str(month["unit"])
    with sdk.uow() as uow:
        points = uow.risk_points.list_all(unit_uscc=unit)
    worst = {e: min(p.level for p in points if p.equipment_id == e) for e in (LIFT, CRANE, BOILER)}
    root = ET.fromstring(risk.risk_map(sdk, unit, on=dt.date(2025, 12, 1)).to_string().encode())
    zones = {z.get("data-equipment"): z for z in root.iter() if z.get("class") == "risk-zone"}
    assert {e: zones[e].get("fill") for e in (LIFT, CRANE, BOILER)} == {
        e: f"#{lvl.hex_color}" for e, lvl in worst.items()
    }
    card = ET.fromstring(risk.notification_card(sdk, LIFT, on=dt.date(2025, 12, 1)).to_string().encode())
    band = card.find(".//*[@id='level-band']")
    assert band is not None
    assert band.get("fill") == f"#{worst[LIFT].hex_color}"
    emergency = card.find(".//*[@id='emergency']")
    assert emergency is not None
    assert "96333" in (emergency.text or "")


def test_a_report_drafted_before_the_week_ends_does_not_count_coming_days_as_missed(
    sdk: Dualprev, month: dict[str, object]
) -> None:
    unit = str(month["unit"])
    assert weekly_report.build_weekly_report(sdk, unit, "2025-W48", as_of=dt.date(2025, 11, 25)).missed_days == ()
    assert weekly_report.build_weekly_report(sdk, unit, "2025-W48", as_of=dt.date(2025, 12, 1)).missed_days == (
        (dt.date(2025, 11, 25), dt.date(2025, 11, 25)),
    )
    early = monthly_minutes.build_monthly_minutes(sdk, unit, "2025-11", as_of=dt.date(2025, 11, 28))
    assert (early.daily_gaps, early.weekly_missing) == (
        ((dt.date(2025, 11, 12), dt.date(2025, 11, 14)), (dt.date(2025, 11, 25), dt.date(2025, 11, 25))),
        (),
    )


def test_a_months_records_are_read_with_their_items_in_a_fixed_number_of_statements(
    sdk: Dualprev, month: dict[str, object]
) -> None:
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    with sdk.uow() as uow:
        sa.event.listen(sdk.engine, "before_cursor_execute", record)
        try:
            pairs = uow.duties.list_records(unit_uscc=str(month["unit"]), due_from=NOV[0], due_to=NOV[-1])
        finally:
            sa.event.remove(sdk.engine, "before_cursor_execute", record)
        one_by_one = [uow.duties.get_record(r.id) for _, r in pairs]

    assert len(pairs) > 25  # every recorded daily check and weekly investigation of the month
    assert [r for _, r in pairs] == one_by_one  # the items come back with each record, in order
    assert all(task.id == r.task_id for task, r in pairs)
    # the tasks with their record ids, the records, their items: not two statements per record
    assert len(statements) == 3, statements
