"""``dualprev inspections overdue|sweep|reminders`` and ``dualprev personnel check`` through ``main()``."""

from __future__ import annotations

import json
import sys

import pytest
from inspection_world import FACTORY, LUOYANG, build

from dualprev_sdk.cli.main import main
from dualprev_sdk.services.bootstrap import Dualprev


def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["dualprev", *args])
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, capsys.readouterr().out


@pytest.fixture
def world(db_url: str) -> str:
    with Dualprev.open(db_url, migrate=False) as sdk:
        build(sdk)
    return db_url


def test_overdue_lists_a_region_as_json_and_exits_1(
    world: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(monkeypatch, capsys, "inspections", "overdue", "--region", "4103", "--today", "2026-11-20",
                    "--json", "--db", world)  # fmt: skip
    data = json.loads(out)
    assert code == 1
    assert (data["total"], data["by_region"]) == (3, {LUOYANG: 3})
    assert [i["equipment_id"] for i in data["items"]] == ["C1", "C2", "F1"]


def test_nothing_overdue_exits_0(
    world: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(monkeypatch, capsys, "inspections", "overdue", "--today", "2026-01-01", "--db", world)
    assert code == 0
    assert "共 0 台" in out


def test_sweep_twice_reports_nothing_new_the_second_time(
    world: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    first = json.loads(run(monkeypatch, capsys, "inspections", "sweep", "--json", "--today", "2026-11-20",
                           "--db", world)[1])  # fmt: skip
    second = json.loads(run(monkeypatch, capsys, "inspections", "sweep", "--json", "--today", "2026-11-20",
                            "--db", world)[1])  # fmt: skip
    assert (len(first["detected"]), len(first["hazards"])) == (5, 5)
    assert (second["detected"], second["hazards"]) == ([], [])


def test_personnel_check_exits_1_and_names_the_missing_roles(
    world: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(monkeypatch, capsys, "personnel", "check", FACTORY, "--today", "2026-11-20", "--json",
                    "--db", world)  # fmt: skip
    data = json.loads(out)
    assert code == 1
    assert not data["compliant"]
    assert "role.safety_director.missing" in {f["code"] for f in data["findings"]}
