"""Simplified mode (小微企业简易模式): from a unit's basic data and two pieces of equipment — a forklift and an air
receiver — one call produces graded risk points, the control list, the checklist, a month of Order 74 duties,
notification cards, the dossier and QR codes, all from the class plugins' defaults."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from dualprev_sdk import Equipment, RoleAssignment, SafetyRole, UseUnit
from dualprev_sdk.domain.duty import DutyKind
from dualprev_sdk.domain.unit import SizeClass
from dualprev_sdk.errors import InvalidArgument, NotFound
from dualprev_sdk.services.bootstrap import Dualprev
from dualprev_sdk.services.simplified import set_up_small_unit

NOVEMBER = dt.date(2025, 11, 1)


def minimal_unit(uscc: str) -> UseUnit:
    return UseUnit(
        uscc=uscc,
        name="郑州某小微机械加工厂",
        region_code="410105",
        size_class=SizeClass.MICRO,
        roles=(RoleAssignment(role=SafetyRole.PRINCIPAL, name="王五", phone="13800000003"),),
    )


def forklift_and_receiver(uscc: str) -> list[Equipment]:
    return [
        Equipment(id="", unit_uscc=uscc, catalog_code="5110", name="1号叉车"),
        Equipment(id="", unit_uscc="", catalog_code="2150", name="储气罐", commissioned_on=dt.date(2019, 5, 1)),
    ]


def test_a_micro_unit_with_a_forklift_and_an_air_receiver_gets_its_whole_package(
    sdk: Dualprev, make_uscc: Callable[[int], str], tmp_path: Path
) -> None:
    uscc = make_uscc(701)
    package = set_up_small_unit(sdk, minimal_unit(uscc), forklift_and_receiver(uscc), month=NOVEMBER, out=tmp_path)

    assert {e.catalog_code for e in package.equipment} == {"5110", "2150"}
    assert all(e.id and e.unit_uscc == uscc for e in package.equipment)
    # graded risk points from both classes' templates
    by_equipment = {p.equipment_id for p in package.risk_points}
    assert by_equipment == {e.id for e in package.equipment}
    assert all(p.score is not None and p.method for p in package.risk_points)
    assert len(package.control_list.rows) == len(package.risk_points)
    # the checklist covers both items
    assert {i for e in package.checklist.entries for i in e.equipment_ids} >= by_equipment
    assert {e.origin for e in package.checklist.entries} == {"class", "risk_point"}
    # a month of duties: 30 daily, 5 ISO weeks touching November 2025, 1 monthly
    kinds = [t.kind for t in package.tasks]
    assert (kinds.count(DutyKind.DAILY_CONTROL), kinds.count(DutyKind.MONTHLY_DISPATCH)) == (30, 1)
    assert kinds.count(DutyKind.WEEKLY_INVESTIGATION) in (4, 5)
    assert {t.assignee for t in package.tasks} == {"王五"}
    # the roles it had to assume are said, not hidden
    assert len(package.notes) >= 2
    assert any("安全员" in n for n in package.notes)
    # the air receiver's next inspection comes from the pressure-vessel plugin's rule
    receiver = next(e for e in package.equipment if e.catalog_code == "2150")
    assert receiver.next_inspection_due is not None
    assert receiver.next_inspection_due > dt.date(2019, 5, 1)
    # files: lists, map, a card and a QR code per item, the dossier
    kinds_written = sorted(f.kind for f in package.files)
    assert kinds_written.count("notification_card_svg") == 2
    assert kinds_written.count("qr_png") == 3
    assert {"control_list_xlsx", "checklist_xlsx", "risk_map_svg", "dossier_html", "dossier_xlsx"} <= set(kinds_written)
    for written in package.files:
        assert written.path.stat().st_size > 0
    sheet_titles = load_workbook(tmp_path / "风险管控清单.xlsx").sheetnames
    assert any("场" in t or "叉" in t for t in sheet_titles)
    assert any("压力容器" in t for t in sheet_titles)


def test_without_a_principal_or_equipment_nothing_is_written_and_every_problem_is_named(
    sdk: Dualprev, make_uscc: Callable[[int], str]
) -> None:
    uscc = make_uscc(702)
    unit = UseUnit(uscc=uscc, name="某小店", region_code="410105")
    with pytest.raises(InvalidArgument) as caught:
        set_up_small_unit(sdk, unit, [])
    assert {v.rule for v in caught.value.violations} == {"simplified.principal", "simplified.equipment"}
    with pytest.raises(NotFound):
        sdk.ledger.get_unit(uscc)


def test_a_bad_equipment_code_rejects_the_whole_set_up(sdk: Dualprev, make_uscc: Callable[[int], str]) -> None:
    uscc = make_uscc(703)
    items = forklift_and_receiver(uscc)
    items[1] = Equipment(id="", unit_uscc=uscc, catalog_code="2150", name="储气罐", equipment_code="2150XYZ")
    with pytest.raises(InvalidArgument) as caught:
        set_up_small_unit(sdk, minimal_unit(uscc), items)
    assert any(v.field.startswith("equipment[1].") for v in caught.value.violations)
    with pytest.raises(NotFound):
        sdk.ledger.get_unit(uscc)


def test_the_cli_command_sets_up_a_unit_from_options_alone(tmp_path: Path, make_uscc: Callable[[int], str]) -> None:
    uscc = make_uscc(704)
    db = f"sqlite:///{tmp_path / 'db.sqlite'}"
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            "from dualprev_sdk.cli.main import main; main()",
            "simplified",
            "--db",
            db,
            "--out",
            str(tmp_path / "out"),
            "--name",
            "郑州某汽修店",
            "--uscc",
            uscc,
            "--region",
            "410105",
            "--principal",
            "赵六",
            "-e",
            "5110:1号叉车",
            "-e",
            "2150:储气罐::2020-03-01",
            "--month",
            "2025-11",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    summary = json.loads(completed.stdout)
    assert summary["unit"] == uscc
    assert len(summary["equipment"]) == 2
    assert summary["risk_points"] > 0
    assert summary["duty_tasks"] >= 35
    assert all(Path(f["path"]).is_file() for f in summary["files"])


def test_a_retry_under_the_same_request_id_registers_nothing_and_completes_what_the_first_call_left(
    sdk: Dualprev, make_uscc: Callable[[int], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from dualprev_sdk.services import duties

    uscc = make_uscc(731)

    def lost_connection(*_args: object, **_kwargs: object) -> None:
        raise ConnectionError("the first attempt died after registering the unit")

    with monkeypatch.context() as patch:  # a failure part-way: the ledger part committed, no duty plan yet
        patch.setattr(duties, "create_plan", lost_connection)
        with pytest.raises(ConnectionError):
            set_up_small_unit(
                sdk,
                minimal_unit(uscc),
                forklift_and_receiver(uscc),
                month=NOVEMBER,
                request_id="setup-731",
                caller="k1",
            )
    with sdk.uow() as uow:
        registered = sorted(e.id for e in uow.equipment.list(unit_uscc=uscc, limit=10))
        assert uow.duties.list_plans(unit_uscc=uscc) == []

    again = set_up_small_unit(
        sdk, minimal_unit(uscc), forklift_and_receiver(uscc), month=NOVEMBER, request_id="setup-731", caller="k1"
    )
    assert again.replayed
    assert sorted(e.id for e in again.equipment) == registered  # nothing registered twice
    assert {p.equipment_id for p in again.risk_points} == set(registered)
    assert {p.kind for p in again.plans} == {
        DutyKind.DAILY_CONTROL,
        DutyKind.WEEKLY_INVESTIGATION,
        DutyKind.MONTHLY_DISPATCH,
    }  # the step the first attempt never reached
    assert again.tasks
    third = set_up_small_unit(
        sdk, minimal_unit(uscc), forklift_and_receiver(uscc), month=NOVEMBER, request_id="setup-731", caller="k1"
    )
    assert [p.id for p in third.plans] == [p.id for p in again.plans]
    assert {p.id for p in third.risk_points} == {p.id for p in again.risk_points}
    with pytest.raises(InvalidArgument) as reused:  # the same id from another caller (or for another request)
        set_up_small_unit(
            sdk, minimal_unit(uscc), forklift_and_receiver(uscc), month=NOVEMBER, request_id="setup-731", caller="k2"
        )
    assert [v.field for v in reused.value.violations] == ["request_id"]
