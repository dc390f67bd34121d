"""Streaming readers: csv in UTF-8 or GB18030, xlsx, title rows above the headings, rejected-rows files."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from ledger_samples import VALID_ROW, write_csv, write_xlsx

from dualprev_sdk.errors import InvalidArgument
from dualprev_sdk.importing.readers import open_ledger, open_rejected_writer


def test_a_csv_ledger_with_a_title_row_is_read_from_the_heading_row_on(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [VALID_ROW, VALID_ROW], title="某公司特种设备台账")
    with open_ledger(path) as reader:
        rows = list(reader.rows())
    assert reader.header_row == 2
    assert [number for number, _ in rows] == [3, 4]
    assert "unit_uscc" in reader.mapping.columns


def test_a_gb18030_csv_as_saved_by_chinese_excel_is_decoded(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [VALID_ROW], encoding="gb18030")
    with open_ledger(path) as reader:
        (_, cells), *_ = list(reader.rows())
    assert reader.encoding == "gb18030"
    assert cells[0] == VALID_ROW["使用单位名称"]


def test_blank_lines_are_skipped_but_row_numbers_stay_those_of_the_file(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(list(VALID_ROW))
        writer.writerow([""] * len(VALID_ROW))
        writer.writerow(list(VALID_ROW.values()))
    with open_ledger(path) as reader:
        assert [n for n, _ in reader.rows()] == [3]


def test_an_xlsx_ledger_keeps_date_cells_as_dates(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "l.xlsx", [{**VALID_ROW, "制造日期": dt.datetime(2015, 3, 1)}], title="台账")
    with open_ledger(path) as reader:
        (number, cells), *_ = list(reader.rows())
    assert (reader.header_row, number) == (2, 3)
    assert cells[list(VALID_ROW).index("制造日期")] == dt.datetime(2015, 3, 1)


def test_a_file_without_a_recognisable_heading_row_is_refused_with_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    with pytest.raises(InvalidArgument) as caught:
        open_ledger(path)
    assert caught.value.violations[0].rule == "ledger.header_row"


def test_only_csv_and_xlsx_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "l.xls"
    path.write_bytes(b"x")
    with pytest.raises(InvalidArgument) as caught:
        open_ledger(path)
    assert caught.value.violations[0].rule == "ledger.format"


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_rejected_rows_file_has_the_input_format_headings_and_an_error_column(tmp_path: Path, suffix: str) -> None:
    source = (write_csv if suffix == ".csv" else write_xlsx)(tmp_path / f"in{suffix}", [VALID_ROW])
    target = tmp_path / f"rejected{suffix}"
    with open_ledger(source) as reader, open_rejected_writer(target, reader) as writer:
        for number, cells in reader.rows():
            writer.write(number, cells, "[统一社会信用代码] 校验位错误")
    if suffix == ".csv":
        with target.open(encoding="utf-8-sig", newline="") as fh:
            header, first = list(csv.reader(fh))
    else:
        sheet = openpyxl.load_workbook(target).active
        header, first = ([c.value for c in r] for r in sheet.iter_rows())
    assert header[: len(VALID_ROW)] == list(VALID_ROW)
    assert header[-2:] == ["原行号", "错误原因"]
    assert str(first[-2]) == "2"
    assert first[-1] == "[统一社会信用代码] 校验位错误"


def test_the_rejected_rows_file_must_have_the_input_format(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", [VALID_ROW])
    with open_ledger(source) as reader, pytest.raises(InvalidArgument):
        open_rejected_writer(tmp_path / "rejected.xlsx", reader)


def test_a_broken_csv_line_is_reported_with_its_line_number(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    lines = [",".join(VALID_ROW), ",".join(VALID_ROW.values()), "a," + "x" * 200_000]  # over csv's field limit
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with open_ledger(path) as reader, pytest.raises(InvalidArgument) as caught:
        list(reader.rows())
    assert caught.value.violations[0].rule == "ledger.csv_syntax"
    assert "line 3" in caught.value.violations[0].message


def test_a_file_that_changes_encoding_half_way_is_refused_not_misread(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    head = (",".join(VALID_ROW) + "\n" + ",".join(VALID_ROW.values()) + "\n") * 1
    filler = ("," * 10 + "\n") * 30_000  # push the bad bytes beyond the encoding sniffer's window
    path.write_bytes(head.encode("utf-8") + filler.encode("utf-8") + "郑州".encode("gb18030") + b"\n")
    with open_ledger(path) as reader, pytest.raises(InvalidArgument) as caught:
        list(reader.rows())
    assert caught.value.violations[0].rule == "ledger.encoding"


def test_the_sheet_can_be_chosen_by_name_and_a_wrong_name_lists_the_sheets(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.title = "说明"
    workbook.active.append(["本表为设备台账"])
    ledger = workbook.create_sheet("设备台账")
    ledger.append(list(VALID_ROW))
    ledger.append(list(VALID_ROW.values()))
    path = tmp_path / "l.xlsx"
    workbook.save(path)
    with open_ledger(path, sheet="设备台账") as reader:
        assert len(list(reader.rows())) == 1
    with pytest.raises(InvalidArgument) as caught:
        open_ledger(path, sheet="台账")
    assert "说明, 设备台账" in caught.value.violations[0].message
