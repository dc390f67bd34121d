"""Reading, mapping and validating equipment ledgers (设备台账) for import.

The use case that writes them is :func:`dualprev_sdk.services.ledger_import.import_ledger`; this package is
the part that needs no database: streaming readers for csv/xlsx, the column template and heading mapping,
row validation and the report types.
"""

from __future__ import annotations

from dualprev_sdk.importing.readers import open_ledger
from dualprev_sdk.importing.report import ImportReport, RowError, RowFlag
from dualprev_sdk.importing.template import LedgerColumn, ledger_columns, map_headers, normalize_header
from dualprev_sdk.importing.validation import LedgerRow, RowValidator, parse_date

__all__ = [
    "ImportReport",
    "LedgerColumn",
    "LedgerRow",
    "RowError",
    "RowFlag",
    "RowValidator",
    "ledger_columns",
    "map_headers",
    "normalize_header",
    "open_ledger",
    "parse_date",
]
