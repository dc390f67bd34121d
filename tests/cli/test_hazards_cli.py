"""``dualprev hazards …`` through the real entry point: the chain check passes on an honest record and exits 1
naming the break after a stored event is edited; the sweep and the exports work from the command line."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import sys
from pathlib import Path

import pytest

from dualprev_sdk import Equipment, UseUnit, ids
from dualprev_sdk.cli.main import main
from dualprev_sdk.domain.hazard import Evidence, HazardLevel, HazardSource
from dualprev_sdk.services import hazards
from dualprev_sdk.services.bootstrap import Dualprev

AT = dt.datetime(2026, 5, 6, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["dualprev", *args])
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, _ = capsys.readouterr()
    return code, out


@pytest.fixture
def database(tmp_path: Path) -> tuple[str, Path, str]:
    """A database with one hazard taken from report to close-out on the spot."""
    path = tmp_path / "dualprev.sqlite"
    url = f"sqlite:///{path}"
    org = "00000007"
    first17 = "91410100" + org + ids.organization_code_check_character(org)
    uscc = first17 + ids.uscc_check_character(first17)
    with Dualprev.open(url) as sdk:
        sdk.ledger.create_unit(UseUnit(uscc=uscc, name="郑州某物业公司", region_code="410105"))
        sdk.ledger.create_equipment(Equipment(id="lift-1", unit_uscc=uscc, catalog_code="3110", name="1号客梯"))
        reported = hazards.report_hazard(
            sdk,
            unit_uscc=uscc,
            equipment_id="lift-1",
            source=HazardSource.DAILY_CHECK,
            source_reference="daily-2026-05-06",
            description="轿厢照明一盏不亮",
            found_on=AT.date(),
            finder="安全员张三",
            actor="安全员张三",
            at=AT,
        )
        hazard_id = reported.hazard.id
        hazards.register_hazard(sdk, hazard_id, actor="安全员张三", at=AT)
        hazards.grade_hazard_by_person(
            sdk, hazard_id, level=HazardLevel.GENERAL, reason="不影响运行安全", actor="安全员张三", at=AT
        )
        hazards.fix_on_the_spot(
            sdk,
            hazard_id,
            measures_taken="更换灯管",
            evidence=[Evidence(kind="photo", reference="sha256:ab12")],
            actor="安全员张三",
            at=AT,
        )
    return url, path, hazard_id


def test_verify_chain_passes_then_names_an_edited_event(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], database: tuple[str, Path, str]
) -> None:
    url, path, hazard_id = database
    code, out = run(monkeypatch, capsys, "hazards", "verify-chain", "--db", url, "--json")
    assert code == 0
    assert json.loads(out)["ok"] is True
    with sqlite3.connect(path) as conn:
        conn.execute(
            "UPDATE hazard_events SET payload = replace(payload, '更换灯管', '未整改') WHERE hazard_id = ?",
            (hazard_id,),
        )
    code, out = run(monkeypatch, capsys, "hazards", "verify-chain", "--db", url, "--json")
    report = json.loads(out)
    assert code == 1
    assert report["ok"] is False
    assert {(b["hazard_id"], b["problem"]) for b in report["breaks"]} >= {(hazard_id, "hash_mismatch")}


def test_history_export_and_sweep_and_stats(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], database: tuple[str, Path, str], tmp_path: Path
) -> None:
    url, _, hazard_id = database
    out_file = tmp_path / "history.json"
    code, _ = run(monkeypatch, capsys, "hazards", "history", hazard_id, "--out", str(out_file), "--db", url)
    assert code == 0
    assert hazard_id in out_file.read_text(encoding="utf-8")
    code, out = run(monkeypatch, capsys, "hazards", "sweep", "--today", "2026-06-30", "--db", url, "--json")
    assert code == 0
    assert json.loads(out) == {"overdue": [], "escalations": []}
    code, out = run(monkeypatch, capsys, "hazards", "stats", "--db", url, "--json")
    assert code == 0
    assert json.loads(out)["closed"] == 1
    code, _ = run(monkeypatch, capsys, "hazards", "history", hazard_id, "--out", str(tmp_path / "h.txt"), "--db", url)
    assert code == 2
