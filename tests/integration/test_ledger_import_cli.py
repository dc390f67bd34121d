"""``dualprev import ledger FILE`` through the real console entry point, on the shipped example ledger."""

from __future__ import annotations

import csv
import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from dualprev_sdk.cli.main import main
from dualprev_sdk.store.engine import make_engine

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
Runner = Callable[..., tuple[int, str, str]]


@pytest.fixture
def dualprev(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Runner:
    def run(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["dualprev", *args])
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.sqlite'}"


def stored_equipment(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(sa.text("SELECT count(*) FROM equipment")).scalar_one())
    finally:
        engine.dispose()


def test_a_dry_run_of_the_example_ledger_exits_0_and_writes_nothing(dualprev: Runner, db: str) -> None:
    code, out, _ = dualprev("import", "ledger", str(EXAMPLES / "ledger-example.xlsx"), "--db", db, "--dry-run")
    assert code == 0
    assert "试运行" in out
    assert stored_equipment(db) == 0


def test_the_example_imports_from_xlsx_and_reimports_from_csv_without_changes(dualprev: Runner, db: str) -> None:
    code, out, _ = dualprev("import", "ledger", str(EXAMPLES / "ledger-example.xlsx"), "--db", db, "--json")
    first = json.loads(out)
    assert code == 0
    assert (first["committed"], first["units_created"], first["equipment_created"]) == (True, 3, 9)
    assert {f["flag"] for f in first["flags"]} == {"catalog.legacy_review", "catalog.out_of_catalog"}
    code, out, _ = dualprev("import", "ledger", str(EXAMPLES / "ledger-example.csv"), "--db", db, "--json")
    again = json.loads(out)
    assert code == 0
    assert (again["equipment_created"], again["equipment_updated"], again["equipment_unchanged"]) == (0, 0, 9)
    assert stored_equipment(db) == 9


def _broken_copy(tmp_path: Path) -> Path:
    """The example csv with a bad region code in its third data row (file row 5)."""
    source = EXAMPLES / "ledger-example.csv"
    with source.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[4][2] = "999999"
    target = tmp_path / "broken.csv"
    with target.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return target


def test_a_bad_row_exits_1_lists_the_row_and_writes_nothing(dualprev: Runner, db: str, tmp_path: Path) -> None:
    code, out, _ = dualprev("import", "ledger", str(_broken_copy(tmp_path)), "--db", db)
    assert code == 1
    assert "所在地区(行政区划代码)" in out
    assert "999999" in out
    assert "未写入任何数据" in out
    assert stored_equipment(db) == 0


def test_skip_invalid_writes_the_good_rows_and_a_rejected_file_next_to_the_input(
    dualprev: Runner, db: str, tmp_path: Path
) -> None:
    broken = _broken_copy(tmp_path)
    code, _, _ = dualprev("import", "ledger", str(broken), "--db", db, "--skip-invalid")
    assert code == 0
    assert stored_equipment(db) == 8
    rejected = tmp_path / "broken.rejected.csv"
    with rejected.open(encoding="utf-8-sig", newline="") as fh:
        header, row = list(csv.reader(fh))
    assert header[-2:] == ["原行号", "错误原因"]
    assert row[-2] == "5"
    assert "所在地区" in row[-1]


def test_a_missing_file_is_a_clear_error(dualprev: Runner, db: str, tmp_path: Path) -> None:
    code, _, err = dualprev("import", "ledger", str(tmp_path / "nope.csv"), "--db", db)
    assert code == 1
    assert "not found" in err


def test_the_progress_bar_reports_to_stderr_and_does_not_change_the_result(
    dualprev: Runner, db: str, tmp_path: Path
) -> None:
    copy = tmp_path / "ledger.csv"
    shutil.copyfile(EXAMPLES / "ledger-example.csv", copy)
    code, _, err = dualprev("import", "ledger", str(copy), "--db", db, "--progress")
    assert code == 0
    assert "导入台账" in err
    assert stored_equipment(db) == 9
