"""Benchmark: the 逾期未检 listing and the daily overdue sweep over a province-sized ledger (1,000,000 equipment
rows, 50,000 units, 175 Henan county codes), on SQLite and — when ``DUALPREV_TEST_POSTGRES_URL`` or
``DUALPREV_BENCH_POSTGRES_URL`` is set — on PostgreSQL.

The ledger: 90 % in use, 7 % suspended, 3 % scrapped; 2 % of the in-use items are past their due date. Earlier
sweeps are assumed to have run: every overdue item except the ones that fell due yesterday already has its case
(and hazard), as on any normal day. The daily sweep must then find the newly overdue items in the whole ledger,
report and grade a hazard for each, and a second run must find nothing.

Measured, per backend:

* **listing** — ``list_overdue`` (the rows ordered by region/unit/class as domain objects, and the counts by
  region, unit and kind) against the **baseline**: the same listing as one raw SQL query through ``sqlite3`` /
  ``psycopg`` in the same run, connected before the clock starts. Interleaved, best of 5 each.
  ``ratio`` = SDK seconds ÷ baseline seconds (target ≤ 2).
* **sweep** — ``sweep_overdue_inspections``: the set-based detection over the full ledger plus report → register
  → grade for each new hazard (seconds, and seconds per hazard), then the **second run** (nothing new: the
  detection scan and the pending-case query only).

``DUALPREV_BENCH_ROWS`` scales the ledger down for CI.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import sqlite3
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import harness

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
TODAY = dt.date(2026, 11, 20)
AT = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)
RATIO_TARGET = 2.0
CHUNK = 10_000
_VARIETIES = ("3110", "3110", "3110", "3110", "3120", "3310", "4110", "4170", "4210", "5110", "5110", "2150", "1100")


def _sizes() -> tuple[int, int, int]:
    rows = int(os.environ.get("DUALPREV_BENCH_ROWS", "1000000"))
    units = max(1, rows // 20)
    new_overdue = max(10, rows // 5000)
    return rows, units, new_overdue


def _regions() -> list[str]:
    from dualprev_sdk.regions import default_region_table

    codes = sorted(
        c for c in default_region_table().codes(include_retired=False) if c.startswith("41") and c[4:] != "00"
    )
    return codes or ["410105"]


def _ledger(rows: int, units: int, new_overdue: int) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """("unit" | "equipment" | "case", row) in insertion order; deterministic."""
    rnd = random.Random(20261120)
    regions = _regions()
    unit_region = {}
    now = AT.replace(tzinfo=None)
    for u in range(units):
        uscc = harness.uscc(f"{u + 1:08d}")
        region = regions[u % len(regions)]
        unit_region[uscc] = region
        yield "unit", (uscc, f"使用单位{u:06d}", region, "", "medium", None, None, "", "[]", False, 1, now, now)
    usccs = list(unit_region)
    yesterday = TODAY - dt.timedelta(days=1)
    new_every = max(1, rows // new_overdue)
    for n in range(rows):
        uscc = usccs[n % len(usccs)]
        draw = rnd.random()
        status = "in_use" if draw < 0.90 else ("suspended" if draw < 0.97 else "scrapped")
        overdue = rnd.random() < 0.02
        if n % new_every == 0 and status == "in_use":
            due = yesterday
        elif overdue:
            due = TODAY - dt.timedelta(days=rnd.randint(2, 365))
        else:
            due = TODAY + dt.timedelta(days=rnd.randint(0, 730))
        eid = f"E{n:09d}"
        yield "equipment", (eid, uscc, unit_region[uscc], _VARIETIES[n % len(_VARIETIES)], status, due, now)
        if due < yesterday and status == "in_use":
            yield "case", (eid, due, uscc, unit_region[uscc], _VARIETIES[n % len(_VARIETIES)], due, "history")


_EQUIPMENT_FIXED = {
    "registration_number": "",
    "unit_internal_number": "",
    "name": "",
    "model": "",
    "manufacturer": "",
    "location_address": "",
    "location_building": "",
    "location_floor": "",
    "location_area": "",
    "safety_officer": "",
    "out_of_catalog": False,
    "catalog_review": False,
    "version": 1,
}
_EQUIPMENT_VARIABLE = ("id", "unit_uscc", "region_code", "catalog_code", "status", "next_inspection_due", "created_at")
_EQUIPMENT_COLUMNS = (*_EQUIPMENT_VARIABLE, "updated_at", *_EQUIPMENT_FIXED)
_UNIT_COLUMNS = (
    "uscc", "name", "region_code", "industry", "size_class", "park", "grid_cell", "address", "roles",
    "demonstration", "version", "created_at", "updated_at",
)  # fmt: skip
_CASE_COLUMNS = (
    "equipment_id", "due_on", "unit_uscc", "region_code", "catalog_code", "detected_on", "sweep_id", "hazard_opened",
)  # fmt: skip


def _equipment_row(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return (*row, row[-1], *_EQUIPMENT_FIXED.values())


def _case_row(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return (*row, True)


# ---------------------------------------------------------------------------------------------------------------
# building the databases
# ---------------------------------------------------------------------------------------------------------------


def _sqlite_template(rows: int, units: int, new_overdue: int) -> Path:
    """A migrated SQLite file holding the ledger, built once per size and copied for each run."""
    import hashlib

    from dualprev_sdk.store.engine import make_engine
    from dualprev_sdk.store.migrate import MIGRATIONS_DIR, upgrade

    # the baseline keeps its revision id when regenerated, so the cache key is the migration files' content
    schema_hash = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(MIGRATIONS_DIR.rglob("*.py")))).hexdigest()
    path = WORK / f"overdue-{rows}-{schema_hash[:12]}.sqlite"
    if path.exists():
        return path
    WORK.mkdir(exist_ok=True)
    tmp = path.with_suffix(".tmp")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{tmp}")
    upgrade(engine)
    engine.dispose()
    db = sqlite3.connect(tmp, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")
    sql = {
        "unit": f"INSERT INTO units ({', '.join(_UNIT_COLUMNS)}) VALUES ({', '.join('?' * len(_UNIT_COLUMNS))})",
        "equipment": f"INSERT INTO equipment ({', '.join(_EQUIPMENT_COLUMNS)}) "
        f"VALUES ({', '.join('?' * len(_EQUIPMENT_COLUMNS))})",
        "case": f"INSERT INTO inspection_overdue_cases ({', '.join(_CASE_COLUMNS)}) "
        f"VALUES ({', '.join('?' * len(_CASE_COLUMNS))})",
    }
    shape = {"unit": lambda r: r, "equipment": _equipment_row, "case": _case_row}
    batches: dict[str, list[tuple[Any, ...]]] = {"unit": [], "equipment": [], "case": []}
    db.execute("BEGIN")
    for kind, row in _ledger(rows, units, new_overdue):
        batch = batches[kind]
        batch.append(tuple(v.isoformat(sep=" ") if isinstance(v, dt.datetime) else v for v in shape[kind](row)))
        if len(batch) >= CHUNK:
            for k in ("unit", "equipment", "case"):
                db.executemany(sql[k], batches[k])
                batches[k] = []
    for k in ("unit", "equipment", "case"):
        db.executemany(sql[k], batches[k])
    db.execute("COMMIT")
    db.execute("ANALYZE")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    tmp.rename(path)
    return path


def _postgres_url() -> str | None:
    return os.environ.get("DUALPREV_BENCH_POSTGRES_URL") or os.environ.get("DUALPREV_TEST_POSTGRES_URL")


def _postgres_schema(base: str, rows: int, units: int, new_overdue: int) -> tuple[str, str]:
    """A fresh schema holding the ledger (COPY), and the URL that selects it."""
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    from dualprev_sdk.store.engine import make_engine, normalise_url
    from dualprev_sdk.store.migrate import upgrade

    schema = f"dualprev_bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(base)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    url = make_url(normalise_url(base)).update_query_dict({"options": f"-csearch_path={schema}"})
    text = url.render_as_string(hide_password=False)
    engine = make_engine(text)
    upgrade(engine)
    engine.dispose()
    import psycopg

    with psycopg.connect(_psycopg_dsn(base), options=f"-csearch_path={schema}") as conn:
        with conn.cursor() as cur:
            copies = {
                "unit": f"COPY units ({', '.join(_UNIT_COLUMNS)}) FROM STDIN",
                "equipment": f"COPY equipment ({', '.join(_EQUIPMENT_COLUMNS)}) FROM STDIN",
                "case": f"COPY inspection_overdue_cases ({', '.join(_CASE_COLUMNS)}) FROM STDIN",
            }
            shape = {"unit": lambda r: r, "equipment": _equipment_row, "case": _case_row}
            for kind in ("unit", "equipment", "case"):  # one streaming pass per table: COPYs cannot interleave
                with cur.copy(copies[kind]) as copy:
                    for row_kind, row in _ledger(rows, units, new_overdue):
                        if row_kind == kind:
                            copy.write_row(
                                tuple(
                                    v.replace(tzinfo=dt.UTC) if isinstance(v, dt.datetime) else v
                                    for v in shape[kind](row)
                                )
                            )
            cur.execute("ANALYZE")
        conn.commit()
    return schema, text


def _psycopg_dsn(url: str) -> str:
    from sqlalchemy.engine import make_url

    from dualprev_sdk.store.engine import normalise_url

    return make_url(normalise_url(url)).set(drivername="postgresql").render_as_string(hide_password=False)


def _drop_schema(base: str, schema: str) -> None:
    import sqlalchemy as sa

    from dualprev_sdk.store.engine import make_engine

    admin = make_engine(base)
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


# ---------------------------------------------------------------------------------------------------------------
# measuring
# ---------------------------------------------------------------------------------------------------------------

_RAW_LISTING = (
    "SELECT id, unit_uscc, region_code, catalog_code, next_inspection_due, stop_use_order IS NOT NULL "
    "FROM equipment WHERE status = {p} AND next_inspection_due < {p} "
    "ORDER BY region_code, unit_uscc, catalog_code, id"
)


def _timed(fn: Any) -> tuple[float, float, Any]:
    """(wall seconds, this process's CPU seconds, result) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def _measure(url: str, raw: Any, *, in_process: bool) -> dict[str, Any]:
    """``in_process``: the database works in this process (SQLite), so CPU seconds measure both sides' work and
    are what the ratio uses — robust against other processes on a shared machine. For PostgreSQL the server's
    work is in another process, so the ratio uses wall seconds."""
    from dualprev_sdk.services.bootstrap import Dualprev
    from dualprev_sdk.services.inspections import list_overdue, sweep_overdue_inspections

    with Dualprev.open(url, migrate=False) as sdk:
        sdk.host.equipment_classes  # load plugins before the clock starts  # noqa: B018
        # interleaved, best of 5 each: on a shared machine both sides then see the same background load
        wall = {"raw": float("inf"), "sdk": float("inf")}
        cpu = {"raw": float("inf"), "sdk": float("inf")}
        for _ in range(5):
            seconds, cpu_seconds, raw_rows = _timed(raw)
            wall["raw"], cpu["raw"] = min(wall["raw"], seconds), min(cpu["raw"], cpu_seconds)
            seconds, cpu_seconds, listing = _timed(lambda: list_overdue(sdk, today=TODAY))
            wall["sdk"], cpu["sdk"] = min(wall["sdk"], seconds), min(cpu["sdk"], cpu_seconds)
        basis = cpu if in_process else wall
        if len(listing.items) != raw_rows:
            raise AssertionError(f"SDK listed {len(listing.items)} rows, raw SQL {raw_rows}")
        started = time.perf_counter()
        first = sweep_overdue_inspections(sdk, today=TODAY, at=AT)
        first_s = time.perf_counter() - started
        started = time.perf_counter()
        second = sweep_overdue_inspections(sdk, today=TODAY, at=AT)
        second_s = time.perf_counter() - started
    majors = sum(1 for o in first.opened if o.level is not None and o.level.value == "major")
    return {
        "listing_seconds": round(wall["sdk"], 4),
        "baseline_seconds": round(wall["raw"], 4),
        "listing_cpu_seconds": round(cpu["sdk"], 4),
        "baseline_cpu_seconds": round(cpu["raw"], 4),
        "ratio": round(basis["sdk"] / basis["raw"], 2) if basis["raw"] else None,
        "ratio_basis": "CPU seconds (SQLite runs in-process)" if in_process else "wall seconds",
        "wall_ratio": round(wall["sdk"] / wall["raw"], 2) if wall["raw"] else None,
        "overdue_listed": len(listing.items),
        "sweep_seconds": round(first_s, 3),
        "new_cases": len(first.detected),
        "hazards_opened": len(first.opened),
        "major_hazards": majors,
        "failed": len(first.failed),
        "seconds_per_hazard": round(first_s / len(first.opened), 4) if first.opened else None,
        "second_sweep_seconds": round(second_s, 3),
        "second_sweep_new": len(second.detected) + len(second.opened),
    }


def _sqlite_run(template: Path) -> dict[str, Any]:
    path = WORK / "overdue-run.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, path)

    db = sqlite3.connect(path)  # connected before the clock starts, as the SDK's pool is

    def raw() -> int:
        return len(db.execute(_RAW_LISTING.format(p="?"), ("in_use", TODAY.isoformat())).fetchall())

    try:
        return _measure(f"sqlite:///{path}", raw, in_process=True)
    finally:
        db.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def _postgres_run(base: str, rows: int, units: int, new_overdue: int) -> dict[str, Any]:
    import psycopg

    started = time.perf_counter()
    schema, url = _postgres_schema(base, rows, units, new_overdue)
    load_s = time.perf_counter() - started
    conn = psycopg.connect(_psycopg_dsn(base), options=f"-csearch_path={schema}", autocommit=True)
    try:

        def raw() -> int:
            return len(conn.execute(_RAW_LISTING.format(p="%s"), ("in_use", TODAY)).fetchall())

        return {**_measure(url, raw, in_process=False), "load_seconds": round(load_s, 1)}
    finally:
        conn.close()
        _drop_schema(base, schema)


def run() -> dict[str, Any]:
    rows, units, new_overdue = _sizes()
    started = time.perf_counter()
    template = _sqlite_template(rows, units, new_overdue)
    build_s = time.perf_counter() - started
    sqlite_result = _sqlite_run(template)
    backends = {"sqlite": sqlite_result}
    base = _postgres_url()
    if base:
        backends["postgresql"] = _postgres_run(base, rows, units, new_overdue)
    ratios = {name: r["ratio"] for name, r in backends.items()}
    targets = {
        f"{name}: listing ≤ {RATIO_TARGET:g}× raw SQL": r["ratio"] is not None and r["ratio"] <= RATIO_TARGET
        for name, r in backends.items()
    }
    targets.update(
        {f"{name}: second sweep creates nothing": r["second_sweep_new"] == 0 for name, r in backends.items()}
    )
    return {
        "name": "overdue_sweep",
        "description": f"逾期未检 listing and daily sweep over {rows:,} equipment rows ({units:,} units)",
        "seconds": sqlite_result["listing_seconds"],
        "baseline_seconds": sqlite_result["baseline_seconds"],
        "baseline": "the same listing as one raw SQL query via sqlite3 / psycopg (interleaved, best of 5)",
        "ratio": sqlite_result["ratio"],
        "ratio_basis": sqlite_result["ratio_basis"],
        "cpu_seconds": sqlite_result["listing_cpu_seconds"],
        "baseline_cpu_seconds": sqlite_result["baseline_cpu_seconds"],
        "ratios": ratios,
        "target": f"listing ≤ {RATIO_TARGET:g}× raw SQL; second sweep creates nothing",
        "passed": all(targets.values()),
        "targets": targets,
        "rows": rows,
        "units": units,
        "rows_per_s": round(rows / sqlite_result["second_sweep_seconds"])
        if sqlite_result["second_sweep_seconds"]
        else 0,
        "sqlite_build_seconds": round(build_s, 1),
        "backends": backends,
    }


if __name__ == "__main__":
    print(json.dumps(run(), ensure_ascii=False, indent=2))
    sys.exit(0)
