"""The print layout the SDK's printable workbooks share: a title and subtitle over the table, grey bordered
headings, risk-level cells in the level's colour, and A4 landscape printing fitted to the page width with the
headings repeated on every page.

One place for it, so the 风险管控清单, the 隐患排查清单 and the 一企一档 sheets print alike and a change to the
layout is made once. The level colours and their text colours are those of the SVG cards and maps
(:data:`dualprev_sdk.reports.svg.LEVEL_TEXT_COLOR`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from dualprev_sdk.domain.common import RiskLevel
from dualprev_sdk.reports.svg import LEVEL_TEXT_COLOR

__all__ = ["BORDER", "print_landscape", "style_level_cell", "write_headings", "write_title"]

_THIN = Side(style="thin", color="808080")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADING_FILL = PatternFill("solid", fgColor="D9D9D9")


def write_title(ws: Any, title: str, subtitle: str, *, columns: int) -> None:
    """Row 1 the title (large, bold, centred) and row 2 the subtitle, each merged across ``columns``."""
    last = get_column_letter(columns)
    ws["A1"] = title
    ws["A1"].font = Font(size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(f"A1:{last}1")
    ws["A2"] = subtitle
    ws.merge_cells(f"A2:{last}2")


def write_headings(ws: Any, row: int, headings: Iterable[tuple[str, float]]) -> None:
    """The table's headings in ``row`` (bold, grey, bordered, centred) and each column's width."""
    for col, (heading, width) in enumerate(headings, start=1):
        cell = ws.cell(row=row, column=col, value=heading)
        cell.font = Font(bold=True)
        cell.fill = _HEADING_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(col)].width = width


def style_level_cell(cell: Any, level: RiskLevel) -> None:
    """A risk-level cell in the level's colour, its text bold in the colour readable on it."""
    cell.fill = PatternFill("solid", fgColor=level.hex_color)
    cell.font = Font(bold=True, color=LEVEL_TEXT_COLOR[level].removeprefix("#"))


def print_landscape(ws: Any, *, heading_rows: int) -> None:
    """Freeze and repeat the first ``heading_rows`` rows; print A4 landscape, as wide as the page and as many
    pages tall as the table needs."""
    ws.freeze_panes = ws.cell(row=heading_rows + 1, column=1)
    ws.print_title_rows = f"1:{heading_rows}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
