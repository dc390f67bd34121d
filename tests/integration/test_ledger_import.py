"""``import_ledger`` on real databases (a SQLite file, and PostgreSQL when DUALPREV_TEST_POSTGRES_URL is set)."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import openpyxl
import pytest
import sqlalchemy as sa

from dualprev_sdk import ids
from dualprev_sdk.equipment_classes import DueDate, EquipmentClass, InspectionFacts, parameter
from dualprev_sdk.errors import InvalidArgument
from dualprev_sdk.plugins import PluginHost
from dualprev_sdk.services.bootstrap import Dualprev
from dualprev_sdk.services.ledger_import import import_ledger
from dualprev_sdk.store.equipment import EQUIPMENT
from dualprev_sdk.store.outbox import OUTBOX
from dualprev_sdk.store.units import UNITS

# ---------------------------------------------------------------------------------------------------------------
# a small world: two units, three lifts, with a test lift class so parameters are mapped without the built-ins
# ---------------------------------------------------------------------------------------------------------------


def _uscc(number: int) -> str:
    org = f"{number:08d}"
    first17 = "91410100" + org + ids.organization_code_check_character(org)
    return first17 + ids.uscc_check_character(first17)


HEADINGS = (
    "使用单位名称",
    "统一社会信用代码",
    "所在地区(行政区划代码)",
    "设备品种(代码)",
    "设备代码",
    "使用登记证编号",
    "单位内编号",
    "设备名称",
    "投用日期",
    "下次检验日期",
    "额定载重量(kg)",
)


def ledger_rows() -> list[list[str]]:
    return [
        ["甲公司", _uscc(1), "410105", "3110", "311010890201500001", "梯11豫A00001(17)", "DT-1", "1号梯", "2015-10-08",
         "2026-10-07", "1000"],
        ["甲公司", _uscc(1), "410105", "3110", "-", "梯11豫A00002(17)", "DT-2", "2号梯", "2016-01-05", "2026-12-01",
         "800"],
        ["乙公司", _uscc(2), "410102", "3310", "-", "", "FT-1", "扶梯", "2018-05-20", "2026-05-19", ""],
    ]  # fmt: skip


@attrs.define(kw_only=True)
class _LiftParameters:
    rated_load_kg: int | None = parameter(label_zh="额定载重量", unit="kg", default=None)


class _Lift(EquipmentClass):
    key = "test_lift"
    kind_code = "3000"
    catalog_codes = ("3000",)
    name_zh = "电梯"
    name_en = "Lift (test)"
    parameters_type = _LiftParameters

    def next_due(self, facts: InspectionFacts) -> list[DueDate]:
        return []


class _TestPlugin:
    from dualprev_sdk.hookspecs import hookimpl

    @staticmethod
    @hookimpl
    def dualprev_register_equipment_classes(registry: Any) -> None:
        registry.register(_Lift())


@pytest.fixture
def sdk(db_url: str) -> Iterator[Dualprev]:
    host = PluginHost(entry_points=False, extra_plugins=[("ledger_test", _TestPlugin)], disabled=[])
    with Dualprev.open(db_url, migrate=False, host=host) as opened:
        yield opened


def write(path: Path, rows: Sequence[Sequence[Any]], headings: Sequence[str] = HEADINGS, title: str = "") -> Path:
    if path.suffix == ".xlsx":
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        if title:
            sheet.append([title])
        sheet.append(list(headings))
        for r in rows:
            sheet.append(list(r))
        workbook.save(path)
        return path
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        if title:
            writer.writerow([title])
        writer.writerow(headings)
        writer.writerows(rows)
    return path


def counts(sdk: Dualprev) -> dict[str, int]:
    with sdk.engine.connect() as connection:
        return {
            table.name: connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            for table in (UNITS, EQUIPMENT, OUTBOX)
        }


def equipment_rows(sdk: Dualprev) -> dict[str, Mapping[str, Any]]:
    with sdk.engine.connect() as connection:
        return {r["name"]: r for r in connection.execute(sa.select(EQUIPMENT)).mappings()}


# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_clean_ledger_creates_units_and_equipment_in_one_go(sdk: Dualprev, tmp_path: Path, suffix: str) -> None:
    report = import_ledger(sdk, write(tmp_path / f"ledger{suffix}", ledger_rows(), title="特种设备台账"))
    assert report.committed
    assert report.ok
    assert (report.units_created, report.equipment_created) == (2, 3)
    assert counts(sdk)["units"] == 2
    assert counts(sdk)["equipment"] == 3
    stored = equipment_rows(sdk)
    assert stored["1号梯"]["parameters"] == {"rated_load_kg": 1000}
    assert stored["2号梯"]["equipment_code"] is None
    assert stored["扶梯"]["region_code"] == "410102"
    loaded = sdk.uow()
    with loaded as uow:
        lift = uow.equipment.get(stored["1号梯"]["id"])
    assert lift.parameters == _LiftParameters(rated_load_kg=1000)
    assert str(lift.next_inspection_due) == "2026-10-07"


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_an_invalid_row_leaves_nothing_written(sdk: Dualprev, tmp_path: Path, suffix: str) -> None:
    rows = ledger_rows()
    rows[2][1] = _uscc(2)[:-1] + ("0" if _uscc(2)[-1] != "0" else "1")  # wrong check character on the last row
    rows[2][8] = "2018-02-30"
    report = import_ledger(sdk, write(tmp_path / f"ledger{suffix}", rows), chunk_size=1)
    assert not report.committed
    assert counts(sdk) == {"units": 0, "equipment": 0, "outbox": 0}
    assert {(e.row, e.column) for e in report.errors} == {(4, "统一社会信用代码"), (4, "投用日期")}
    assert report.rows_rejected == 1
    assert report.equipment_created == 0


def test_a_dry_run_reports_what_would_change_and_writes_nothing(sdk: Dualprev, tmp_path: Path) -> None:
    report = import_ledger(sdk, write(tmp_path / "ledger.csv", ledger_rows()), dry_run=True)
    assert report.dry_run
    assert not report.committed
    assert (report.units_created, report.equipment_created) == (2, 3)
    assert counts(sdk) == {"units": 0, "equipment": 0, "outbox": 0}


def test_a_dry_run_lists_every_bad_row_with_row_column_value_and_reason(sdk: Dualprev, tmp_path: Path) -> None:
    rows = ledger_rows()
    rows[0][2] = "999999"
    rows[1][3] = "9990"
    report = import_ledger(sdk, write(tmp_path / "ledger.csv", rows), dry_run=True)
    assert [(e.row, e.column, e.value) for e in report.errors] == [
        (2, "所在地区(行政区划代码)", "999999"),
        (3, "设备品种(代码)", "9990"),
    ]
    assert all(e.reason for e in report.errors)
    assert counts(sdk)["equipment"] == 0


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_skip_invalid_imports_the_good_rows_and_writes_the_bad_ones_to_a_rejected_file(
    sdk: Dualprev, tmp_path: Path, suffix: str
) -> None:
    rows = ledger_rows()
    rows[1][4] = "31101089"  # too short to be an equipment code
    rejected = tmp_path / f"rejected{suffix}"
    report = import_ledger(sdk, write(tmp_path / f"ledger{suffix}", rows), skip_invalid=True, rejected_path=rejected)
    assert report.committed
    assert report.rows_rejected == 1
    assert counts(sdk)["equipment"] == 2
    if suffix == ".csv":
        with rejected.open(encoding="utf-8-sig", newline="") as fh:
            header, bad = list(csv.reader(fh))
    else:
        header, bad = ([c.value for c in r] for r in openpyxl.load_workbook(rejected).active.iter_rows())
    assert header == [*HEADINGS, "原行号", "错误原因"]
    assert bad[4] == "31101089"
    assert str(bad[-2]) == "3"
    assert "设备代码" in bad[-1]


def test_reimporting_the_same_ledger_changes_nothing_and_duplicates_nothing(sdk: Dualprev, tmp_path: Path) -> None:
    path = write(tmp_path / "ledger.csv", ledger_rows())
    import_ledger(sdk, path)
    before = equipment_rows(sdk)
    again = import_ledger(sdk, path)
    assert (again.units_created, again.equipment_created, again.equipment_updated) == (0, 0, 0)
    assert (again.units_unchanged, again.equipment_unchanged) == (2, 3)
    assert equipment_rows(sdk) == before


def test_reimporting_a_changed_ledger_updates_by_natural_key_and_bumps_the_version(
    sdk: Dualprev, tmp_path: Path
) -> None:
    import_ledger(sdk, write(tmp_path / "v1.csv", ledger_rows()))
    rows = ledger_rows()
    rows[0][9] = "2027-10-07"  # by equipment code
    rows[1][9] = "2027-12-01"  # by registration number
    rows[2][9] = "2027-05-19"  # by (unit, 单位内编号)
    rows[2][0] = "乙公司（更名）"
    report = import_ledger(sdk, write(tmp_path / "v2.csv", rows))
    assert (report.equipment_created, report.equipment_updated, report.units_updated) == (0, 3, 1)
    stored = equipment_rows(sdk)
    assert {str(r["next_inspection_due"]) for r in stored.values()} == {"2027-10-07", "2027-12-01", "2027-05-19"}
    assert {r["version"] for r in stored.values()} == {2}
    assert counts(sdk)["equipment"] == 3


def test_a_ledger_that_gained_equipment_codes_updates_the_records_found_by_registration_number(
    sdk: Dualprev, tmp_path: Path
) -> None:
    import_ledger(sdk, write(tmp_path / "v1.csv", ledger_rows()))
    rows = ledger_rows()
    rows[1][4] = "311010890201600002"
    report = import_ledger(sdk, write(tmp_path / "v2.csv", rows))
    assert (report.equipment_created, report.equipment_updated) == (0, 1)
    assert equipment_rows(sdk)["2号梯"]["equipment_code"] == "311010890201600002"


def test_empty_cells_do_not_erase_stored_values(sdk: Dualprev, tmp_path: Path) -> None:
    import_ledger(sdk, write(tmp_path / "v1.csv", ledger_rows()))
    rows = ledger_rows()
    rows[0][7], rows[0][10] = "1号梯", ""
    report = import_ledger(sdk, write(tmp_path / "v2.csv", rows))
    assert report.equipment_updated == 0
    assert equipment_rows(sdk)["1号梯"]["parameters"] == {"rated_load_kg": 1000}


def test_the_same_equipment_twice_in_one_file_is_a_duplicate_row(sdk: Dualprev, tmp_path: Path) -> None:
    rows = ledger_rows()
    rows.append(list(rows[0]))
    report = import_ledger(sdk, write(tmp_path / "ledger.csv", rows))
    assert not report.committed
    assert [(e.row, e.rule) for e in report.errors] == [(5, "ledger.duplicate_equipment")]
    assert "311010890201500001" in report.errors[0].reason


def test_a_unit_spelled_two_ways_in_one_file_is_reported(sdk: Dualprev, tmp_path: Path) -> None:
    rows = ledger_rows()
    rows[1][0] = "甲公司（分厂）"
    report = import_ledger(sdk, write(tmp_path / "ledger.csv", rows))
    assert [(e.row, e.rule) for e in report.errors] == [(3, "ledger.unit_conflict")]


def test_aliases_and_full_width_headings_are_understood(sdk: Dualprev, tmp_path: Path) -> None:
    headings = ("单位名称", "社会信用代码", "行政区划代码", "品种代码", "注册代码", "使用登记证号", "内部编号",
                "设备名称", "投入使用日期", "下次定检日期", "额定载重量（kg）")  # fmt: skip
    report = import_ledger(sdk, write(tmp_path / "ledger.csv", ledger_rows(), headings))
    assert report.committed
    assert report.equipment_created == 3
    assert equipment_rows(sdk)["1号梯"]["parameters"] == {"rated_load_kg": 1000}


def test_changes_are_announced_in_the_outbox_in_the_same_transaction(sdk: Dualprev, tmp_path: Path) -> None:
    report = import_ledger(sdk, write(tmp_path / "ledger.csv", ledger_rows()), chunk_size=2)
    events = sdk.read_events(0, 100)
    assert [e.type for e in events] == ["ledger.chunk_imported", "ledger.chunk_imported", "ledger.imported"]
    created = [e.payload["equipment_created"] for e in events[:2]]
    assert [c["count"] for c in created] == [2, 1]
    ids = sorted(r["id"] for r in equipment_rows(sdk).values())
    assert (created[0]["first_id"], created[0]["last_id"], created[1]["first_id"]) == tuple(ids)
    assert events[-1].payload["equipment_created"] == 3
    assert report.events_emitted == 3


def test_missing_required_columns_stop_the_import_before_any_row(sdk: Dualprev, tmp_path: Path) -> None:
    headings = [h for h in HEADINGS if h != "统一社会信用代码"]
    rows = [[c for h, c in zip(HEADINGS, r, strict=True) if h != "统一社会信用代码"] for r in ledger_rows()]
    report = import_ledger(sdk, write(tmp_path / "ledger.csv", rows, headings))
    assert report.rows_read == 0
    assert not report.committed
    assert [e.rule for e in report.errors] == ["ledger.required_column"]


@pytest.mark.parametrize("chunk_size", [1, 2, 5000])
@pytest.mark.parametrize("bad_index", [0, 1, 2])
def test_wherever_the_bad_row_is_and_however_big_the_chunks_nothing_is_written(
    sdk: Dualprev, tmp_path: Path, chunk_size: int, bad_index: int
) -> None:
    rows = ledger_rows()
    rows[bad_index][8] = "2099-01-01"  # commissioned in the future
    report = import_ledger(sdk, write(tmp_path / "ledger.csv", rows), chunk_size=chunk_size)
    assert not report.committed
    assert [(e.row, e.rule) for e in report.errors] == [(bad_index + 2, "date.future")]
    assert counts(sdk) == {"units": 0, "equipment": 0, "outbox": 0}


def test_an_import_that_fails_half_way_through_the_file_leaves_nothing_written(sdk: Dualprev, tmp_path: Path) -> None:
    path = write(tmp_path / "ledger.csv", ledger_rows())
    with path.open("a", encoding="utf-8") as fh:
        fh.write("丙公司," + "x" * 200_000 + "\n")  # unreadable line after the good rows
    with pytest.raises(InvalidArgument):
        import_ledger(sdk, path, chunk_size=1)
    assert counts(sdk) == {"units": 0, "equipment": 0, "outbox": 0}


def test_a_dry_run_can_write_the_bad_rows_to_a_rejected_file(sdk: Dualprev, tmp_path: Path) -> None:
    rows = ledger_rows()
    rows[0][3] = "9990"
    rejected = tmp_path / "bad.csv"
    report = import_ledger(sdk, write(tmp_path / "ledger.csv", rows), dry_run=True, rejected_path=rejected)
    assert report.rows_rejected == 1
    assert rejected.read_text(encoding="utf-8-sig").count("\n") == 2
    assert counts(sdk)["equipment"] == 0


def test_progress_is_reported_per_chunk_with_the_file_size_as_total(sdk: Dualprev, tmp_path: Path) -> None:
    path = write(tmp_path / "ledger.csv", ledger_rows())
    calls: list[tuple[int, int, int | None]] = []
    import_ledger(sdk, path, chunk_size=1, progress=lambda *args: calls.append(args))
    assert [c[0] for c in calls] == [1, 2, 3, 3]
    assert all(c[2] == path.stat().st_size for c in calls)
    assert calls[-1][1] == path.stat().st_size


def test_import_events_reach_the_feeds_of_the_units_they_wrote(sdk: Dualprev, tmp_path: Path) -> None:
    """A chunk of one unit's rows is that unit's event; the summary over two 郑州 districts is 郑州's (4101)."""
    report = import_ledger(sdk, write(tmp_path / "ledger.csv", ledger_rows()), chunk_size=2)
    assert report.committed
    events = [e for e in sdk.read_events(limit=100) if e.type.startswith("ledger.")]
    chunks = [(e.payload["rows"], e.unit_uscc, e.region_code) for e in events if e.type == "ledger.chunk_imported"]
    assert chunks == [([2, 3], _uscc(1), "410105"), ([4, 4], _uscc(2), "410102")]
    (summary,) = [e for e in events if e.type == "ledger.imported"]
    assert (summary.unit_uscc, summary.region_code) == (None, "4101")
    own, _ = sdk.read_scoped_events(unit_usccs=[_uscc(2)], limit=100)
    assert [e.type for e in own] == ["ledger.chunk_imported"]
