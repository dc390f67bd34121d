"""``dualprev check …`` and ``dualprev catalog …`` run through the real console entry point ``main()``.

Going through ``main`` (not the bare typer app) makes ``_load_command_modules`` run and exercises the exit-code
handling a shell script sees.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable

import pytest

from dualprev_sdk.cli.main import main

Runner = Callable[..., tuple[int, str, str]]


def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["dualprev", *args])
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def dualprev(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Runner:
    return lambda *args: run(monkeypatch, capsys, *args)


def test_a_valid_uscc_exits_0_and_prints_its_parts(dualprev: Runner) -> None:
    code, out, _ = dualprev("check", "uscc", "914101006831917309")
    assert code == 0
    assert "valid" in out
    assert "410100 河南省/郑州市" in out
    assert "organization_code: 683191730" in out


def test_an_invalid_uscc_exits_1_with_the_reason(dualprev: Runner) -> None:
    code, out, err = dualprev("check", "uscc", "914101006831917308")
    assert code == 1
    assert "position 18" in err
    assert "expected '9'" in err
    assert "uscc.check_character" in err
    assert "valid\n" not in out


def test_json_output_for_a_valid_and_an_invalid_value(dualprev: Runner) -> None:
    code, out, _ = dualprev("check", "uscc", "91330100799655058b", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["valid"] is True
    assert data["code"] == "91330100799655058B"
    assert data["region"]["full_name"] == "浙江省/杭州市"

    code, out, _ = dualprev("check", "uscc", "91330100799655O58B", "--json")
    assert code == 1
    data = json.loads(out)
    assert data["valid"] is False
    assert data["violations"][0]["rule"] == "uscc.alphabet"


def test_check_region_prints_the_chain_and_marks_retired_codes(dualprev: Runner) -> None:
    code, out, _ = dualprev("check", "region", "410211")
    assert code == 0
    assert "河南省/开封市/金明区" in out
    assert "retired: True" in out
    code, _, err = dualprev("check", "region", "419999")
    assert code == 1
    assert "region.unknown" in err


def test_check_equipment_code_accepts_the_legacy_20_character_code(dualprev: Runner) -> None:
    code, out, _ = dualprev("check", "equipment-code", "31106401052014080025", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["format"] == "legacy_registration"
    assert data["region"]["full_name"] == "宁夏回族自治区/银川市/西夏区"
    code, _, err = dualprev("check", "equipment-code", "31106401052014130025")
    assert code == 1
    assert "equipment_code.month" in err


def test_check_registration_number_normalises_brackets(dualprev: Runner) -> None:
    code, out, _ = dualprev("check", "registration-number", "梯11豫A00001（17）")
    assert code == 0
    assert "text: 梯11豫A00001(17)" in out
    assert "city_name: 郑州" in out


def test_check_rescue_code_uses_the_region_pattern(dualprev: Runner) -> None:
    assert dualprev("check", "rescue-code", "235274", "--region", "410102")[0] == 0
    code, _, err = dualprev("check", "rescue-code", "12345", "--region", "410102")
    assert code == 1
    assert "rescue_code.format" in err
    assert dualprev("check", "rescue-code", "12345", "--region", "350602")[0] == 0


def test_check_id_number(dualprev: Runner) -> None:
    code, out, _ = dualprev("check", "id-number", "11010519491231002X")
    assert code == 0
    assert "birth_date: 1949-12-31" in out
    code, _, err = dualprev("check", "id-number", "110105194912310021")
    assert code == 1
    assert "id_number.check_character" in err


def test_catalog_prints_the_entry_and_its_parent_chain(dualprev: Runner) -> None:
    code, out, _ = dualprev("catalog", "3110")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("3110 曳引驱动乘客电梯")
    assert any("3000 电梯" in line for line in lines)
    assert any("3100 曳引与强制驱动电梯" in line for line in lines)


def test_catalog_json_for_a_legacy_code_carries_the_review_flag(dualprev: Runner) -> None:
    code, out, _ = dualprev("catalog", "3310", "--catalog-version", "2004-legacy", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["status"] == "legacy"
    assert data["needs_review"] is True
    assert data["entry"]["code"] == "3210"
    assert [e["code"] for e in data["chain"]] == ["3000", "3200", "3210"]


def test_catalog_flags_out_of_catalogue_codes_and_fails_on_unknown_ones(dualprev: Runner) -> None:
    code, out, _ = dualprev("catalog", "4430")
    assert code == 0
    assert "飞出目录" in out
    code, _, err = dualprev("catalog", "9999")
    assert code == 1
    assert "9999" in err
