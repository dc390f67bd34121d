"""Streaming readers for ledger files (csv and xlsx) and the writer of the rejected-rows file.

Both readers hold one row at a time: csv through the :mod:`csv` module over a decoded text stream, xlsx
through openpyxl's ``read_only`` mode. A 1,000,000-row ledger therefore costs the same memory as a
100-row one. The heading row need not be the first row: enterprise ledgers usually start with a title line
("XX公司特种设备台账") and sometimes a date line, so the reader picks the first of the opening rows that
matches enough template headings.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

from dualprev_sdk.errors import InvalidArgument
from dualprev_sdk.importing.template import HeaderMapping, map_headers

__all__ = [
    "HEADER_SEARCH_ROWS",
    "LedgerReader",
    "RejectedRowsWriter",
    "detect_format",
    "open_ledger",
    "open_rejected_writer",
]

#: How many opening rows may precede the heading row (title lines, "填报日期" lines).
HEADER_SEARCH_ROWS = 10
#: A row counts as the heading row when it names at least this many template columns.
MIN_RECOGNISED_HEADINGS = 3

Cell = Any  # str for csv; str / int / float / datetime / None for xlsx


def detect_format(path: Path) -> str:
    """``"csv"`` or ``"xlsx"`` from the file name; anything else is refused with a clear message."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return "csv"
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    raise InvalidArgument.single(
        "path", str(path), "ledger.format", "ledger files must be .csv or .xlsx (save .xls files as .xlsx first)"
    )


def _sniff_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when the opening bytes decode as UTF-8, else GB18030 — what Excel on a
    Chinese Windows writes when a user picks "CSV (逗号分隔)"."""
    with path.open("rb") as fh:
        head = fh.read(256 * 1024)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not merely a character cut at the buffer's end
            return "gb18030"
    return "utf-8"


class LedgerReader:
    """An open ledger: its heading mapping and an iterator over the data rows.

    ``rows()`` yields ``(row_number, cells)`` where ``row_number`` is the 1-based line/row number as the user
    sees it in their editor, so error reports point at the right line.
    """

    def __init__(
        self,
        path: Path,
        fmt: str,
        *,
        header_row: int,
        mapping: HeaderMapping,
        rows: Iterator[tuple[int, Sequence[Cell]]],
        closer: Any,
        encoding: str | None,
        preamble: list[Sequence[Cell]],
        sheet_name: str | None,
        position: Any = None,
        total: int | None = None,
    ) -> None:
        self.path = path
        self.format = fmt
        self.header_row = header_row
        self.mapping = mapping
        self.encoding = encoding
        self.preamble = preamble  # the rows above the heading row (kept for the rejected-rows file)
        self.sheet_name = sheet_name
        self._rows = rows
        self._closer = closer
        self._position = position
        #: Progress denominator: bytes for csv, rows for xlsx (``None`` when the sheet does not say).
        self.total = total

    def position(self) -> int:
        """Progress numerator in the unit of :attr:`total` (approximate: csv reads ahead in blocks)."""
        return int(self._position()) if self._position is not None else 0

    @property
    def size_bytes(self) -> int:
        return os.path.getsize(self.path)

    def rows(self) -> Iterator[tuple[int, Sequence[Cell]]]:
        return self._rows

    def close(self) -> None:
        if self._closer is not None:
            self._closer.close()
            self._closer = None

    def __enter__(self) -> LedgerReader:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _find_header(
    first_rows: Iterator[tuple[int, Sequence[Cell]]], path: Path
) -> tuple[int, HeaderMapping, list[Sequence[Cell]]]:
    preamble: list[Sequence[Cell]] = []
    best: tuple[int, HeaderMapping] | None = None
    for row_number, cells in first_rows:
        mapping = map_headers(cells)
        if mapping.recognised >= MIN_RECOGNISED_HEADINGS:
            return row_number, mapping, preamble
        if best is None or mapping.recognised > best[1].recognised:
            best = (row_number, mapping)
        preamble.append(cells)
        if len(preamble) >= HEADER_SEARCH_ROWS:
            break
    found = best[1].recognised if best else 0
    raise InvalidArgument.single(
        "header",
        str(path),
        "ledger.header_row",
        f"no heading row found in the first {HEADER_SEARCH_ROWS} rows (best row names {found} template columns; "
        f"expected at least {MIN_RECOGNISED_HEADINGS}, e.g. 使用单位名称, 统一社会信用代码, 设备代码)",
    )


def open_ledger(path: str | os.PathLike[str], *, sheet: str | None = None) -> LedgerReader:
    """Open a csv or xlsx ledger for streaming. The caller closes it (``with open_ledger(p) as reader``)."""
    path = Path(path)
    if not path.is_file():
        raise InvalidArgument.single("path", str(path), "ledger.exists", "ledger file not found")
    fmt = detect_format(path)
    if fmt == "csv":
        return _open_csv(path)
    return _open_xlsx(path, sheet)


def _open_csv(path: Path) -> LedgerReader:
    encoding = _sniff_encoding(path)
    fh = path.open("r", encoding=encoding, newline="")
    reader = csv.reader(fh)

    def numbered() -> Iterator[tuple[int, Sequence[Cell]]]:
        # csv.reader's line_num counts physical lines; a cell with an embedded newline would skew a simple
        # counter, so report the line the record *started* on.
        start = 1
        try:
            for cells in reader:
                yield start, cells
                start = reader.line_num + 1
        except csv.Error as exc:  # an unterminated quote, a cell over the field-size limit, a NUL byte
            raise InvalidArgument.single(
                f"row[{start}]", str(path), "ledger.csv_syntax", f"line {start}: not readable as csv: {exc}"
            ) from None
        except UnicodeDecodeError as exc:
            raise InvalidArgument.single(
                f"row[{start}]",
                str(path),
                "ledger.encoding",
                f"near line {start}: the file is not {encoding} throughout ({exc.reason}); save it as UTF-8",
            ) from None

    rows = numbered()
    try:
        header_row, mapping, preamble = _find_header(rows, path)
    except BaseException:
        fh.close()
        raise
    raw: Any = fh.buffer
    return LedgerReader(
        path,
        "csv",
        header_row=header_row,
        mapping=mapping,
        rows=_skip_blank(rows),
        closer=fh,
        encoding=encoding,
        preamble=preamble,
        sheet_name=None,
        position=raw.tell,
        total=path.stat().st_size,
    )


def _skip_blank(rows: Iterator[tuple[int, Sequence[Cell]]]) -> Iterator[tuple[int, Sequence[Cell]]]:
    for number, cells in rows:
        for cell in cells:
            if cell is not None and cell != "" and (not isinstance(cell, str) or cell.strip()):
                yield number, cells
                break


def _open_xlsx(path: Path, sheet: str | None) -> LedgerReader:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException …
        raise InvalidArgument.single("path", str(path), "ledger.xlsx", f"not a readable .xlsx file: {exc}") from None
    try:
        if sheet is not None:
            if sheet not in workbook.sheetnames:
                raise InvalidArgument.single(
                    "sheet", sheet, "ledger.sheet", f"no such sheet; the workbook has {', '.join(workbook.sheetnames)}"
                )
            worksheet = workbook[sheet]
        else:
            worksheet = workbook.worksheets[0]
        # openpyxl's read-only mode trusts the sheet's stored dimensions, which some writers leave wrong; keep
        # the stated row count only as the progress estimate.
        total = worksheet.max_row if isinstance(worksheet.max_row, int) and worksheet.max_row > 1 else None
        worksheet.reset_dimensions()
        current = [0]

        def numbered() -> Iterator[tuple[int, Sequence[Cell]]]:
            for number, cells in enumerate(worksheet.iter_rows(values_only=True), start=1):
                current[0] = number
                yield number, cells

        rows = numbered()
        header_row, mapping, preamble = _find_header(rows, path)
    except BaseException:
        workbook.close()
        raise
    return LedgerReader(
        path,
        "xlsx",
        header_row=header_row,
        mapping=mapping,
        rows=_skip_blank(rows),
        closer=workbook,
        encoding=None,
        preamble=preamble,
        sheet_name=worksheet.title,
        position=lambda: current[0],
        total=total,
    )


# ---------------------------------------------------------------------------------------------------------------
# rejected rows
# ---------------------------------------------------------------------------------------------------------------

ERROR_COLUMN = "错误原因"
ROW_COLUMN = "原行号"


class RejectedRowsWriter(Protocol):
    """Writes each rejected row as it was read, plus the original row number and the reasons."""

    def write(self, row_number: int, cells: Sequence[Cell], reasons: str) -> None: ...

    def close(self) -> None: ...

    def __enter__(self) -> RejectedRowsWriter: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...


class _CsvRejected:
    def __init__(self, path: Path, headers: Sequence[str], encoding: str) -> None:
        # Write UTF-8 with a BOM so Excel opens the Chinese text correctly, whatever the input encoding was.
        self._fh: io.TextIOWrapper | None = path.open("w", encoding="utf-8-sig", newline="")
        self._writer = csv.writer(self._fh)
        self._width = len(headers)
        self._writer.writerow([*headers, ROW_COLUMN, ERROR_COLUMN])

    def write(self, row_number: int, cells: Sequence[Cell], reasons: str) -> None:
        padded = [_cell_text(c) for c in cells[: self._width]]
        padded.extend([""] * (self._width - len(padded)))
        self._writer.writerow([*padded, row_number, reasons])

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def __enter__(self) -> _CsvRejected:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class _XlsxRejected:
    def __init__(self, path: Path, headers: Sequence[str]) -> None:
        import openpyxl

        self._path = path
        self._workbook: Any = openpyxl.Workbook(write_only=True)
        self._sheet = self._workbook.create_sheet("被拒绝的行")
        self._width = len(headers)
        self._sheet.append([*headers, ROW_COLUMN, ERROR_COLUMN])

    def write(self, row_number: int, cells: Sequence[Cell], reasons: str) -> None:
        padded = list(cells[: self._width])
        padded.extend([None] * (self._width - len(padded)))
        self._sheet.append([*padded, row_number, reasons])

    def close(self) -> None:
        if self._workbook is not None:
            self._workbook.save(self._path)
            self._workbook = None

    def __enter__(self) -> _XlsxRejected:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _cell_text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat()
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell)


def open_rejected_writer(path: str | os.PathLike[str], reader: LedgerReader) -> RejectedRowsWriter:
    """A writer for rejected rows in the same format as the input (csv → csv, xlsx → xlsx), with the input's
    heading row followed by the 原行号 and 错误原因 columns."""
    target = Path(path)
    fmt = detect_format(target)
    if fmt != reader.format:
        raise InvalidArgument.single(
            "rejected_path",
            str(target),
            "ledger.rejected_format",
            f"the rejected-rows file must have the input's format ({reader.format})",
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        return _CsvRejected(target, reader.mapping.headers, reader.encoding or "utf-8")
    return _XlsxRejected(target, reader.mapping.headers)
