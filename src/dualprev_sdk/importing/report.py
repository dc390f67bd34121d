"""What an import tells its caller: counts, every bad row with its reasons, and rows flagged for review."""

from __future__ import annotations

from typing import Any

import attrs

__all__ = ["ImportReport", "RowError", "RowFlag"]


@attrs.frozen(kw_only=True)
class RowError:
    """One broken rule in one row: the row number as the user sees it, the column heading as written in their
    file, the value found, a machine-readable rule and a reason in plain words."""

    row: int
    column: str
    value: Any
    rule: str
    reason: str

    def __str__(self) -> str:
        return f"第{self.row}行 [{self.column}] {self.value!r}: {self.reason} ({self.rule})"


@attrs.frozen(kw_only=True)
class RowFlag:
    """A row that was imported but needs a person's attention: an out-of-catalogue code (飞出目录), a legacy
    (2004) catalogue code mapped by inference, a parameter column no plugin understands."""

    row: int
    column: str
    value: Any
    flag: str
    note: str


@attrs.define(kw_only=True)
class ImportReport:
    """The outcome of one ``import_ledger`` call.

    ``committed`` is True only when rows were actually written. In the default all-or-nothing mode a single bad
    row leaves ``committed`` False and nothing written; ``errors`` then lists every violation of every bad row.
    ``errors`` and ``flags`` keep at most ``max_listed`` entries in memory (``error_count`` / ``flag_count`` are
    the true totals); the rejected-rows file, when asked for, always receives every bad row.
    """

    path: str
    format: str
    dry_run: bool
    skip_invalid: bool
    header_row: int = 0
    rows_read: int = 0
    rows_valid: int = 0
    rows_rejected: int = 0
    units_created: int = 0
    units_updated: int = 0
    units_unchanged: int = 0
    equipment_created: int = 0
    equipment_updated: int = 0
    equipment_unchanged: int = 0
    events_emitted: int = 0
    committed: bool = False
    rejected_path: str | None = None
    seconds: float = 0.0
    parameter_columns: tuple[str, ...] = ()
    errors: list[RowError] = attrs.field(factory=list)
    error_count: int = 0
    flags: list[RowFlag] = attrs.field(factory=list)
    flag_count: int = 0
    max_listed: int = 100_000

    @property
    def ok(self) -> bool:
        """No row was rejected."""
        return self.rows_rejected == 0

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < self.max_listed:
            self.errors.append(error)

    def add_flag(self, flag: RowFlag) -> None:
        self.flag_count += 1
        if len(self.flags) < self.max_listed:
            self.flags.append(flag)

    def summary(self) -> dict[str, Any]:
        """The counts as a plain dict (for ``--json`` output, events and logs)."""
        return {
            "path": self.path,
            "format": self.format,
            "dry_run": self.dry_run,
            "skip_invalid": self.skip_invalid,
            "rows_read": self.rows_read,
            "rows_valid": self.rows_valid,
            "rows_rejected": self.rows_rejected,
            "units_created": self.units_created,
            "units_updated": self.units_updated,
            "units_unchanged": self.units_unchanged,
            "equipment_created": self.equipment_created,
            "equipment_updated": self.equipment_updated,
            "equipment_unchanged": self.equipment_unchanged,
            "events_emitted": self.events_emitted,
            "committed": self.committed,
            "rejected_path": self.rejected_path,
            "error_count": self.error_count,
            "flag_count": self.flag_count,
            "seconds": round(self.seconds, 3),
        }
