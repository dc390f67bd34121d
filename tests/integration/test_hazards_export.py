"""A hazard's full history exports as JSON and xlsx, with the chain check of the moment."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator

import openpyxl
import pytest
import sqlalchemy as sa
from hazard_world import open_world, report, to_closed

from dualprev_sdk.errors import FailedPrecondition
from dualprev_sdk.reports.hazard_history import FORMAT, write_history_json, write_history_xlsx
from dualprev_sdk.services import hazards as hz
from dualprev_sdk.services.bootstrap import Dualprev


@pytest.fixture
def world(db_url: str) -> Iterator[Dualprev]:
    sdk = open_world(db_url)
    try:
        report(sdk, "H-1")
        to_closed(sdk, "H-1", major=True)
        yield sdk
    finally:
        sdk.close()


def test_the_json_export_holds_every_event_with_its_hashes_and_the_chain_result(world, tmp_path):
    path = write_history_json(hz.hazard_history(world, "H-1"), tmp_path / "H-1.json")
    doc = json.loads(path.read_text(encoding="utf-8"))

    assert doc["format"] == FORMAT
    assert doc["hazard"]["state"] == "closed"
    assert doc["hazard"]["level_zh"] == "重大事故隐患"
    assert doc["hazard"]["level_samr_zh"] == "严重事故隐患"
    assert doc["hazard"]["criteria"] == ["GB 45067-2024 4.6 d)"]
    assert [e["sequence"] for e in doc["events"]] == list(range(1, 9))
    assert [e["label_zh"] for e in doc["events"]][:3] == ["隐患上报", "登记", "定级"]
    assert all(b["prev_hash"] == a["hash"] for a, b in itertools.pairwise(doc["events"]))
    assert doc["chain"] == {"ok": True, "events_checked": 8, "breaks": []}


def test_the_xlsx_export_has_a_summary_one_row_per_event_and_the_chain_check(world, tmp_path):
    path = write_history_xlsx(hz.hazard_history(world, "H-1"), tmp_path / "H-1.xlsx")
    book = openpyxl.load_workbook(path)

    assert book.sheetnames == ["隐患概况", "处理记录", "链校验"]
    summary = {row[0]: row[1] for row in book["隐患概况"].iter_rows(min_row=2, values_only=True)}
    assert summary["隐患编号"] == "H-1"
    assert summary["当前状态"] == "已销号"
    events = list(book["处理记录"].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in events] == list(range(1, 9))
    assert book["链校验"]["B1"].value == "完整"


def test_an_export_of_a_tampered_record_says_so(world, tmp_path):
    with world.engine.begin() as conn:
        conn.execute(
            sa.text(
                'UPDATE hazard_events SET payload = replace(payload, \'"note":""\', \'"note":"补"\') WHERE sequence = 5'
            )
        )
    path = write_history_xlsx(hz.hazard_history(world, "H-1"), tmp_path / "H-1.xlsx")
    book = openpyxl.load_workbook(path)
    assert book["链校验"]["B1"].value == "已被篡改"
    assert book["链校验"]["A4"].value == 5


def test_a_record_altered_until_it_no_longer_reads_is_refused_on_load_but_still_exported(world, tmp_path):
    with world.engine.begin() as conn:
        conn.execute(sa.text("UPDATE hazard_events SET payload = '{}' WHERE hazard_id = 'H-1' AND sequence = 3"))

    with pytest.raises(FailedPrecondition) as caught:
        hz.get_hazard(world, "H-1")
    assert caught.value.reason == "HAZARD_RECORD_UNREADABLE"
    assert caught.value.metadata == {"hazard_id": "H-1", "sequence": "3"}

    doc = json.loads(write_history_json(hz.hazard_history(world, "H-1"), tmp_path / "H-1.json").read_text("utf-8"))
    assert doc["hazard"]["id"] == "H-1"
    assert doc["hazard"]["state"] is None
    assert len(doc["events"]) == 8
    assert [b["sequence"] for b in doc["chain"]["breaks"]] == [3]
