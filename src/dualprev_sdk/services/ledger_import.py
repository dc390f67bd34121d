"""Import an equipment ledger (设备台账, csv or xlsx) into the store: ``import_ledger(sdk, path, ...)``.

How it works, and why:

* **Streaming, bounded memory.** Rows are read one at a time (csv module / openpyxl read-only), validated, and
  written in chunks of ``chunk_size`` rows. What stays in memory across the whole file is small and bounded
  per *distinct* value: the units already handled (one entry per USCC), a 64-bit fingerprint of every
  equipment key (to report a duplicate row instead of silently overwriting it), and the per-chunk event
  payloads.
* **Every violation of every row** is reported (row number, heading as written in the file, value, rule,
  reason), see :mod:`dualprev_sdk.importing.validation`.
* **Nothing half-written.** The whole import is one unit of work. By default a single bad row means nothing is
  committed (the rows keep being validated so the report lists every problem); with ``skip_invalid`` the good
  rows are committed and the bad ones go to the rejected-rows file. ``dry_run`` only reads: it validates and
  looks up what *would* be created or updated, and never executes a write.
* **Upsert by natural keys.** A unit is its USCC. Equipment is found by its equipment code when it has a real
  one, else by its registration number, else by (unit, 单位内编号); a row whose code is new also matches a
  stored record that has no code but the same registration number (the ledger gained codes since the last
  import). Re-importing the same file therefore changes nothing and creates nothing.
* **Empty cells never erase.** A column missing from the file, or an empty cell, leaves the stored value as
  it is: ledgers are partial views, and a blank is far more often "not filled in" than "now unknown".
* **Bulk writes.** SQLAlchemy Core ``executemany`` against the store's tables, one statement per chunk and
  kind (insert units, update units, insert equipment, update equipment); no ORM objects per row. On a fresh
  database (no equipment before the import) the per-chunk look-ups are skipped entirely: nothing can match
  except duplicates inside the file, which the fingerprints catch.
* **Events.** One ``ledger.chunk_imported`` outbox event per chunk that changed anything, and one
  ``ledger.imported`` summary event at the end, all in the import's transaction. A chunk event lists the USCCs
  created and updated, the ids of the equipment updated, and the equipment created as a range
  (``{"count", "first_id", "last_id"}``: ids created in one chunk are consecutive, see :class:`_IdFactory`),
  which keeps a million-row import's pending events to a few MB. Per-row events would double the rows
  written and blow the time budget of the benchmark (bench/bench_ledger_import.py).
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import secrets
import time
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import sqlalchemy as sa

from dualprev_sdk import timeutil
from dualprev_sdk.domain.unit import SizeClass
from dualprev_sdk.importing.lookups import Lookups
from dualprev_sdk.importing.readers import RejectedRowsWriter, open_ledger, open_rejected_writer
from dualprev_sdk.importing.report import ImportReport, RowError, RowFlag
from dualprev_sdk.importing.validation import LedgerRow, RowValidator
from dualprev_sdk.store.base import UTCDateTime
from dualprev_sdk.store.equipment import EQUIPMENT
from dualprev_sdk.store.outbox import scope_of_units
from dualprev_sdk.store.units import UNITS

if TYPE_CHECKING:
    from dualprev_sdk.services.bootstrap import Dualprev

__all__ = ["DEFAULT_CHUNK_SIZE", "ImportProgress", "import_ledger"]

DEFAULT_CHUNK_SIZE = 5_000
_DEFAULT_SIZE = SizeClass.MEDIUM.value
#: SQLite allows 32,766 bound parameters per statement; IN-lists for look-ups stay well below.
_LOOKUP_BATCH = 900

# Columns the ledger manages (others — roles, grid cell, stop-use order, coordinates — are never touched).
_UNIT_FIELDS = ("name", "region_code", "address", "industry", "size_class", "park")
_EQUIPMENT_FIELDS = (
    "unit_uscc",
    "region_code",
    "catalog_code",
    "equipment_code",
    "registration_number",
    "unit_internal_number",
    "name",
    "model",
    "manufacturer",
    "location_address",
    "location_building",
    "location_floor",
    "location_area",
    "crowded_place",
    "status",
    "manufactured_on",
    "commissioned_on",
    "registered_on",
    "design_life_years",
    "next_inspection_due",
    "safety_officer",
    "rescue_code",
    "parameters",
    "out_of_catalog",
    "catalog_review",
)
# Fields whose "not given" value in a parsed row is None / "" (kept from the stored row on update).
_EQUIPMENT_OPTIONAL = frozenset(_EQUIPMENT_FIELDS) - {
    "unit_uscc",
    "region_code",
    "catalog_code",
    "out_of_catalog",
    "catalog_review",
    "status",
}


class ImportProgress(Protocol):
    """Called every few thousand rows: rows read so far, and position/total in the reader's unit (bytes for
    csv, rows for xlsx; ``total`` may be ``None``)."""

    def __call__(self, rows_read: int, position: int, total: int | None) -> None: ...


def import_ledger(
    sdk: Dualprev,
    path: str | os.PathLike[str],
    *,
    dry_run: bool = False,
    skip_invalid: bool = False,
    rejected_path: str | os.PathLike[str] | None = None,
    progress: ImportProgress | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    sheet: str | None = None,
) -> ImportReport:
    """Import the ledger at ``path`` (csv or xlsx) through ``sdk`` (a :class:`~dualprev_sdk.Dualprev`).

    Returns the :class:`ImportReport`; ``report.committed`` says whether anything was written. File-level
    problems (unreadable file, no heading row) raise :class:`~dualprev_sdk.errors.InvalidArgument`; row-level
    problems are reported, never raised, so a caller sees all of them at once.
    """
    started = time.perf_counter()
    path = Path(path)
    with open_ledger(path, sheet=sheet) as reader:
        report = ImportReport(
            path=str(path),
            format=reader.format,
            dry_run=dry_run,
            skip_invalid=skip_invalid,
            header_row=reader.header_row,
            parameter_columns=tuple(h for _, h in reader.mapping.parameters),
            rejected_path=str(rejected_path) if rejected_path is not None else None,
        )
        validator = RowValidator(reader.mapping, lookups=Lookups(), equipment_classes=sdk.host.equipment_classes)
        header_errors = validator.header_errors()
        if header_errors:
            for error in header_errors:
                report.add_error(error)
            report.seconds = time.perf_counter() - started
            return report
        rejected: RejectedRowsWriter | None = None
        if rejected_path is not None:
            rejected = open_rejected_writer(rejected_path, reader)
        gc_was_enabled = gc.isenabled()
        # The loop allocates a few dicts per row and frees them a chunk later; the automatic cyclic collector
        # would walk the long-lived import state (key fingerprints, caches) over and over for nothing (~15% of
        # the time). A young-generation sweep after each chunk (see _run) still frees cyclic garbage.
        gc.disable()
        try:
            with sdk.uow() as uow:
                importer = _ChunkWriter(uow, report, dry_run=dry_run)
                _run(
                    reader=reader,
                    validator=validator,
                    writer=importer,
                    report=report,
                    rejected=rejected,
                    progress=progress,
                    chunk_size=chunk_size,
                    skip_invalid=skip_invalid,
                )
                keep = not dry_run and (skip_invalid or report.rows_rejected == 0) and report.rows_valid > 0
                if keep:
                    uow.emit(
                        "ledger.imported",
                        f"imports/{importer.import_id}",
                        _summary_payload(importer, report),
                        **scope_of_units(importer.unit_regions),
                    )
                    report.events_emitted += 1
                    uow.commit()
                    report.committed = True
                else:
                    report.events_emitted = 0
                    uow.rollback()
                    if not dry_run:
                        _forget_counts(report)
        finally:
            if gc_was_enabled:
                gc.enable()
            if rejected is not None:
                rejected.close()
    report.seconds = time.perf_counter() - started
    return report


def _forget_counts(report: ImportReport) -> None:
    """After a rollback nothing was created or updated; keep the counts only in dry runs ("would")."""
    report.units_created = report.units_updated = report.units_unchanged = 0
    report.equipment_created = report.equipment_updated = report.equipment_unchanged = 0


def _summary_payload(importer: _ChunkWriter, report: ImportReport) -> dict[str, Any]:
    summary = report.summary()
    summary.pop("seconds", None)
    summary["import_id"] = importer.import_id
    summary["committed"] = True
    return summary


def _run(
    *,
    reader: Any,
    validator: RowValidator,
    writer: _ChunkWriter,
    report: ImportReport,
    rejected: RejectedRowsWriter | None,
    progress: ImportProgress | None,
    chunk_size: int,
    skip_invalid: bool,
) -> None:
    validate = validator.validate
    # 64-bit fingerprints of the equipment keys seen so far: ~65 MB for a million rows, where a dict remembering
    # the first row number of each key would take ~100 MB; the report names the duplicated key instead.
    seen_keys: set[int] = set()
    units_seen: dict[str, tuple[int, tuple[Any, ...]]] = {}  # USCC → (first row, identity fields)
    mapping = reader.mapping
    uscc_heading = mapping.header_of("unit_uscc")
    key_heading = {
        "equipment_code": mapping.header_of("equipment_code"),
        "registration_number": mapping.header_of("registration_number"),
        "internal_number": mapping.header_of("unit_internal_number"),
    }
    chunk: list[LedgerRow] = []
    rows_read = 0
    add_error = report.add_error
    add_flag = report.add_flag
    for row_number, cells in reader.rows():
        rows_read += 1
        parsed, errors, flags = validate(row_number, cells)
        if parsed is not None:
            unit = parsed.unit
            identity = (unit["name"], unit["region_code"])
            first = units_seen.get(unit["uscc"])
            if first is None:
                units_seen[unit["uscc"]] = (row_number, identity)
            elif first[1] != identity:
                errors.append(
                    RowError(
                        row=row_number,
                        column=uscc_heading,
                        value=unit["uscc"],
                        rule="ledger.unit_conflict",
                        reason=(
                            f"同一统一社会信用代码在第{first[0]}行的单位名称或行政区划不同"
                            f"（{first[1][0]} {first[1][1]}）"
                        ),
                    )
                )
            fingerprint = hash((parsed.key_kind, parsed.key))
            if fingerprint in seen_keys:
                errors.append(
                    RowError(
                        row=row_number,
                        column=key_heading[parsed.key_kind],
                        value=parsed.key,
                        rule="ledger.duplicate_equipment",
                        reason=f"{key_heading[parsed.key_kind]} {parsed.key} 在本文件中出现多次（重复行）",
                    )
                )
            elif not errors:
                seen_keys.add(fingerprint)
        for flag in flags:
            add_flag(flag)
        if errors:
            report.rows_rejected += 1
            for error in errors:
                add_error(error)
            if rejected is not None:
                rejected.write(row_number, cells, "；".join(f"[{e.column}] {e.reason}" for e in errors))
            if not skip_invalid:
                writer.stop_writing()
            continue
        assert parsed is not None
        report.rows_valid += 1
        chunk.append(parsed)
        if len(chunk) >= chunk_size:
            writer.write(chunk)
            chunk = []
            # With the automatic collector paused, sweep what this chunk left behind (SQLAlchemy result objects
            # hold reference cycles): only the young generations, so the long-lived state is not walked again.
            gc.collect(1)
            if progress is not None:
                report.rows_read = rows_read
                progress(rows_read, reader.position(), reader.total)
    if chunk:
        writer.write(chunk)
    report.rows_read = rows_read
    if progress is not None:
        progress(rows_read, reader.total or reader.position(), reader.total)


class _BulkInsert:
    """``INSERT`` of many rows into one store table inside the import's transaction.

    PostgreSQL goes through SQLAlchemy Core (its insertmanyvalues batching is already the fast path there). On
    SQLite, Core's per-row bind processing (dates to text, JSON encoding, the UTC check of every timestamp)
    cost more than SQLite's own insert, so the rows are adapted here with the *same* storage formats the
    column types use and handed to the driver's ``executemany`` through ``exec_driver_sql``. The statement is
    still built from the store's table object, so a new column cannot be forgotten.
    """

    def __init__(self, connection: sa.Connection, table: sa.Table) -> None:
        self.connection = connection
        self.table = table
        self.names = [c.name for c in table.columns]
        self.sqlite = connection.dialect.name == "sqlite"
        self._json_cache: dict[int, tuple[Any, str]] = {}
        if self.sqlite:
            prep = connection.dialect.identifier_preparer
            columns = ", ".join(prep.format_column(c) for c in table.columns)
            marks = ", ".join("?" for _ in table.columns)
            self.sql = f"INSERT INTO {prep.format_table(table)} ({columns}) VALUES ({marks})"
            self.dates: list[int] = []
            self.instants: list[int] = []
            self.jsons: list[int] = []
            for index, column in enumerate(table.columns):
                kind = column.type
                if isinstance(kind, UTCDateTime):
                    self.instants.append(index)
                elif isinstance(kind, sa.JSON):
                    self.jsons.append(index)
                elif isinstance(kind, sa.DateTime):
                    raise TypeError(f"{table.name}.{column.name}: plain DateTime columns are not expected")
                elif isinstance(kind, sa.Date):
                    self.dates.append(index)

    def _json(self, value: Any) -> Any:
        if value is None:
            return None
        hit = self._json_cache.get(id(value))
        if hit is None or hit[0] is not value:
            hit = (value, json.dumps(value, ensure_ascii=False, separators=(",", ":")))
            if len(self._json_cache) > 100_000:
                self._json_cache.clear()
            self._json_cache[id(value)] = hit
        return hit[1]

    def __call__(self, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        if not self.sqlite:
            self.connection.execute(sa.insert(self.table), list(rows))
            return
        names, dates, instants, jsons = self.names, self.dates, self.instants, self.jsons
        stamp_cache: dict[dt.datetime, str] = {}
        params: list[tuple[Any, ...]] = []
        for row in rows:
            values = [row[name] for name in names]
            for index in dates:
                value = values[index]
                if value is not None:
                    values[index] = value.isoformat()
            for index in instants:
                value = values[index]
                text = stamp_cache.get(value)
                if text is None:
                    text = _sqlite_instant(value)
                    stamp_cache[value] = text
                values[index] = text
            for index in jsons:
                values[index] = self._json(values[index])
            params.append(tuple(values))
        self.connection.exec_driver_sql(self.sql, params)


def _sqlite_instant(value: dt.datetime) -> str:
    """An aware instant in the text form SQLAlchemy's SQLite DATETIME stores (naive UTC, microseconds)."""
    utc = timeutil.ensure_aware(value).astimezone(dt.UTC)
    return utc.strftime("%Y-%m-%d %H:%M:%S.") + f"{utc.microsecond:06d}"


class _IdFactory:
    """Equipment ids: 32 hex characters, time-ordered within an import (``<ms since epoch><random><counter>``).

    Time-ordered keys append at the right edge of the primary-key B-tree instead of splitting random pages,
    which is most of the difference between a bulk insert that scales and one that does not.
    """

    def __init__(self) -> None:
        millis = int(time.time() * 1000) & ((1 << 48) - 1)
        self._prefix = f"{millis:012x}{secrets.randbits(32):08x}"
        self._counter = 0

    def __call__(self) -> str:
        self._counter += 1
        return f"{self._prefix}{self._counter:012x}"


class _ChunkWriter:
    """Writes validated chunks inside the import's unit of work (or only looks them up, in a dry run)."""

    def __init__(self, uow: Any, report: ImportReport, *, dry_run: bool) -> None:
        self.uow = uow
        self.report = report
        self.dry_run = dry_run
        self.writing = not dry_run
        self.import_id = str(uuid.uuid4())
        self.connection: sa.Connection = uow.session.connection()
        self.units_done: set[str] = set()
        self.unit_regions: dict[str, str] = {}  # whose feeds the import's events reach (scope_of_units)
        self.new_id = _IdFactory()
        self.chunks = 0
        # Nothing stored yet → no row of this file can match a stored one; skip the look-ups.
        self.fresh_equipment = self.connection.execute(sa.select(EQUIPMENT.c.id).limit(1)).first() is None
        self.fresh_units = self.connection.execute(sa.select(UNITS.c.uscc).limit(1)).first() is None
        self.insert_units = _BulkInsert(self.connection, UNITS)
        self.insert_equipment = _BulkInsert(self.connection, EQUIPMENT)

    def stop_writing(self) -> None:
        """An all-or-nothing import met a bad row: keep validating, stop sending writes that will be undone."""
        self.writing = False

    # -- one chunk ---------------------------------------------------------------------------------------------

    def write(self, chunk: Sequence[LedgerRow]) -> None:
        if not self.writing and not self.dry_run:
            return
        self.chunks += 1
        now = timeutil.now()
        units_created, units_updated = self._units(chunk, now)
        equipment_created, equipment_updated = self._equipment(chunk, now)
        if self.writing and (units_created or units_updated or equipment_created["count"] or equipment_updated):
            in_chunk = {row.unit["uscc"] for row in chunk}
            self.uow.emit(
                "ledger.chunk_imported",
                f"imports/{self.import_id}",
                {
                    "import_id": self.import_id,
                    "chunk": self.chunks,
                    "rows": [chunk[0].row, chunk[-1].row],
                    "units_created": units_created,
                    "units_updated": units_updated,
                    "equipment_created": equipment_created,  # a range: ids are consecutive within a chunk
                    "equipment_updated": equipment_updated,
                },
                **scope_of_units({u: self.unit_regions[u] for u in in_chunk}),
            )
            self.report.events_emitted += 1

    def _units(self, chunk: Sequence[LedgerRow], now: dt.datetime) -> tuple[list[str], list[str]]:
        pending: dict[str, dict[str, Any]] = {}
        for row in chunk:
            uscc = row.unit["uscc"]
            if uscc not in self.units_done and uscc not in pending:
                pending[uscc] = row.unit
        if not pending:
            return [], []
        self.units_done.update(pending)
        self.unit_regions.update((uscc, unit["region_code"]) for uscc, unit in pending.items())
        stored = {} if self.fresh_units else self._fetch(UNITS, UNITS.c.uscc, list(pending))
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        moved: list[dict[str, Any]] = []
        for uscc, unit in pending.items():
            old = stored.get(uscc)
            if old is None:
                inserts.append(
                    {
                        "uscc": uscc,
                        "name": unit["name"],
                        "region_code": unit["region_code"],
                        "address": unit["address"] or "",
                        "industry": unit["industry"] or "",
                        "size_class": unit["size_class"] or _DEFAULT_SIZE,
                        "park": unit["park"],
                        "grid_cell": None,
                        "roles": [],
                        "demonstration": False,
                        "version": 1,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                continue
            new = {
                "name": unit["name"],
                "region_code": unit["region_code"],
                "address": unit["address"] or old["address"],
                "industry": unit["industry"] or old["industry"],
                "size_class": unit["size_class"] or old["size_class"],
                "park": unit["park"] if unit["park"] is not None else old["park"],
            }
            if any(new[f] != old[f] for f in _UNIT_FIELDS):
                updates.append({**new, "b_uscc": uscc, "updated_at": now})
                if new["region_code"] != old["region_code"]:
                    moved.append({"b_uscc": uscc, "region_code": new["region_code"]})
            else:
                self.report.units_unchanged += 1
        self.report.units_created += len(inserts)
        self.report.units_updated += len(updates)
        if self.writing:
            self.insert_units(inserts)
            if updates:
                self.connection.execute(
                    sa.update(UNITS)
                    .where(UNITS.c.uscc == sa.bindparam("b_uscc"))
                    .values(
                        **{f: sa.bindparam(f) for f in _UNIT_FIELDS},
                        updated_at=sa.bindparam("updated_at"),
                        version=UNITS.c.version + 1,
                    ),
                    updates,
                )
            if moved:  # equipment rows carry a copy of their unit's region (see store.equipment)
                self.connection.execute(
                    sa.update(EQUIPMENT)
                    .where(EQUIPMENT.c.unit_uscc == sa.bindparam("b_uscc"))
                    .values(region_code=sa.bindparam("region_code")),
                    moved,
                )
        return [u["uscc"] for u in inserts], [u["b_uscc"] for u in updates]

    def _equipment(self, chunk: Sequence[LedgerRow], now: dt.datetime) -> tuple[dict[str, Any], list[str]]:
        matches = {} if self.fresh_equipment else self._match(chunk)
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        new_id = self.new_id
        for row in chunk:
            values = row.equipment
            old = matches.get(row.row)
            if old is None:
                values["id"] = new_id()
                values["version"] = 1
                values["created_at"] = now
                values["updated_at"] = now
                inserts.append(values)
                continue
            values = {name: values[name] for name in _EQUIPMENT_FIELDS}
            for name in _EQUIPMENT_OPTIONAL:
                if values[name] in (None, ""):
                    values[name] = old[name]
            if values["parameters"] is None:
                values["parameters"] = old["parameters"]
            if any(values[f] != old[f] for f in _EQUIPMENT_FIELDS):
                values["b_id"] = old["id"]
                values["updated_at"] = now
                updates.append(values)
            else:
                self.report.equipment_unchanged += 1
        self.report.equipment_created += len(inserts)
        self.report.equipment_updated += len(updates)
        if self.writing:
            self.insert_equipment(inserts)
            if updates:
                self.connection.execute(
                    sa.update(EQUIPMENT)
                    .where(EQUIPMENT.c.id == sa.bindparam("b_id"))
                    .values(
                        **{f: sa.bindparam(f) for f in _EQUIPMENT_FIELDS},
                        updated_at=sa.bindparam("updated_at"),
                        version=EQUIPMENT.c.version + 1,
                    ),
                    updates,
                )
        created: dict[str, Any] = {"count": len(inserts)}
        if inserts:
            created["first_id"], created["last_id"] = inserts[0]["id"], inserts[-1]["id"]
        return created, [v["b_id"] for v in updates]

    # -- look-ups ----------------------------------------------------------------------------------------------

    def _fetch(self, table: sa.Table, column: sa.Column[Any], keys: Sequence[Any]) -> dict[Any, Any]:
        found: dict[Any, Any] = {}
        name = column.name
        for start in range(0, len(keys), _LOOKUP_BATCH):
            batch = keys[start : start + _LOOKUP_BATCH]
            stmt = sa.select(*_compared_columns(table)).where(column.in_(batch))
            for record in self.connection.execute(stmt).mappings():
                found[record[name]] = record
        return found

    def _match(self, chunk: Sequence[LedgerRow]) -> dict[int, Any]:
        """Stored equipment for the rows of ``chunk`` (row number → stored row), by natural key."""
        result: dict[int, Any] = {}
        by_code = [r for r in chunk if r.key_kind == "equipment_code"]
        if by_code:
            stored = self._fetch(EQUIPMENT, EQUIPMENT.c.equipment_code, [r.key for r in by_code])
            for r in by_code:
                if r.key in stored:
                    result[r.row] = stored[r.key]
        # Registration number: the row's own key, or a fallback for a coded row matching an uncoded record.
        by_registration = [
            r
            for r in chunk
            if r.row not in result and r.equipment["registration_number"] and r.key_kind != "internal_number"
        ]
        if by_registration:
            stored = self._fetch(
                EQUIPMENT,
                EQUIPMENT.c.registration_number,
                [r.equipment["registration_number"] for r in by_registration],
            )
            for r in by_registration:
                hit = stored.get(r.equipment["registration_number"])
                if hit is not None and (r.key_kind == "registration_number" or hit["equipment_code"] is None):
                    result[r.row] = hit
        by_internal = [r for r in chunk if r.row not in result and r.equipment["unit_internal_number"]]
        if by_internal:
            units = sorted({r.equipment["unit_uscc"] for r in by_internal})
            pairs: dict[tuple[str, str], Any] = {}
            for start in range(0, len(units), _LOOKUP_BATCH):
                stmt = sa.select(*_compared_columns(EQUIPMENT)).where(
                    EQUIPMENT.c.unit_uscc.in_(units[start : start + _LOOKUP_BATCH]),
                    EQUIPMENT.c.unit_internal_number != "",
                )
                for record in self.connection.execute(stmt).mappings():
                    pairs[(record["unit_uscc"], record["unit_internal_number"])] = record
            for r in by_internal:
                hit = pairs.get((r.equipment["unit_uscc"], r.equipment["unit_internal_number"]))
                if hit is None:
                    continue
                # an internal number only identifies records that have no stronger key of their own
                if r.key_kind == "internal_number" or (
                    hit["equipment_code"] is None and not hit["registration_number"]
                ):
                    result[r.row] = hit
        return result


def _compared_columns(table: sa.Table) -> list[sa.Column[Any]]:
    """What a look-up reads back: the key and the ledger-managed columns (not timestamps, roles, coordinates),
    so re-importing a million rows does not parse a million unused values."""
    if table is UNITS:
        return [UNITS.c.uscc, *(UNITS.c[f] for f in _UNIT_FIELDS)]
    return [EQUIPMENT.c.id, *(EQUIPMENT.c[f] for f in _EQUIPMENT_FIELDS)]


def describe_errors(errors: Iterable[RowError], flags: Iterable[RowFlag] = ()) -> list[str]:
    """Plain lines for logs and the CLI's non-rich output."""
    return [str(e) for e in errors] + [f"第{f.row}行 [{f.column}] {f.value!r}: {f.note} ({f.flag})" for f in flags]
