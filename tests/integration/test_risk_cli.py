"""``dualprev risk …`` and ``dualprev duty …`` through the real console entry point, on a SQLite file."""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from openpyxl import load_workbook
from risk_world import LIFT, UNIT, world

from dualprev_sdk.cli.main import main
from dualprev_sdk.reports.control_list import HEADERS
from dualprev_sdk.services.bootstrap import Dualprev


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    with Dualprev.open(url) as sdk:
        world(sdk)
    return url


def dualprev(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["dualprev", *args])
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_from_identification_to_files_and_missed_duties(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def run(*args: str) -> str:
        code, out, err = dualprev(monkeypatch, capsys, *args, "--db", db)
        assert code == 0, err
        return out

    identified = json.loads(run("risk", "identify", UNIT, "--actor", "安全员张三", "--json"))
    assert identified["created"] > 20
    xlsx = tmp_path / "list.xlsx"
    run("risk", "export", UNIT, "--out", str(xlsx))
    assert load_workbook(xlsx)["电梯"].cell(row=3, column=1).value == HEADERS[0]
    summary = json.loads(run("risk", "import", UNIT, str(xlsx), "--actor", "安全总监李四", "--dry-run", "--json"))
    assert (summary["points_unchanged"], summary["committed"], summary["errors"]) == (identified["created"], False, [])
    card = tmp_path / "card.svg"
    run("risk", "card", LIFT, "--out", str(card))
    assert ET.parse(card).getroot().find(".//*[@id='level-band']") is not None
    run("risk", "map", UNIT, "--out", str(tmp_path / "map.svg"))
    run("risk", "checklist", UNIT, "--out", str(tmp_path / "checklist.xlsx"))
    run("duty", "order74", UNIT, "--actor", "安全总监李四", "--from", "2025-11-01")
    assert "新建任务 36 项" in run("duty", "generate", "--from", "2025-11-01", "--to", "2025-11-30")
    missed = json.loads(run("duty", "missed", "--region", "4101", "--as-of", "2025-11-10", "--json"))
    assert [m["period_key"] for m in missed if m["kind"] == "weekly_investigation"] == ["2025-W44", "2025-W45"]
    assert len([m for m in missed if m["kind"] == "daily_control"]) == 9
    report = tmp_path / "w45.html"
    run("duty", "weekly-report", UNIT, "2025-W45", "--out", str(report))
    assert "《每周特种设备安全排查治理报告》" in report.read_text(encoding="utf-8")


def test_a_rejected_import_exits_1_and_names_row_and_column(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    dualprev(monkeypatch, capsys, "risk", "identify", UNIT, "--actor", "安全员张三", "--db", db)
    csv_path = tmp_path / "list.csv"
    dualprev(monkeypatch, capsys, "risk", "export", UNIT, "--out", str(csv_path), "--db", db)
    text = csv_path.read_text(encoding="utf-8-sig").replace("每日", "天天", 1)
    csv_path.write_text(text, encoding="utf-8-sig")
    code, out, err = dualprev(monkeypatch, capsys, "risk", "import", UNIT, str(csv_path), "--actor", "x", "--db", db)
    assert code == 1
    assert "[排查频次] '天天': 无法识别" in err
    assert "拒绝 1 行" in out
