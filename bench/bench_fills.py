"""Benchmark: 1,000,000 cylinder fills through the filling interlock into SQLite, against raw ``sqlite3``.

* **baseline** — a hand-written recorder with no interlock: the same fill rows (tag, cylinder id, time,
  station, filler, medium, quantity, checks as JSON) inserted with ``sqlite3`` ``executemany`` in chunks of
  5,000 into a table with the same columns and indexes as the store's ``cylinder_events``.
* **sdk** — ``record_fills(sdk, stream)``: per chunk, the cylinders are loaded in one query, every fill goes
  through ``check_fill`` (registration, ownership/contract, scrapping, inspection validity, design life,
  medium, the filler's P certificate), and fills and refusals are written with one executemany, one
  transaction and one outbox event per chunk.

Both write into fresh SQLite files with the store's PRAGMAs. 2 % of the fills are built to be refused (an
unregistered tag, an expired cylinder, a wrong medium) so the refusal path is exercised too. The issue sets no
ratio target, so the result is reported, not judged; ``DUALPREV_BENCH_ROWS`` shrinks the run for CI.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import harness

CHUNK = 5_000


def _sizes() -> tuple[int, int]:
    fills = int(os.environ.get("DUALPREV_BENCH_ROWS", "1000000"))
    return fills, max(100, fills // 10)


def _requests(fills: int, cylinders: int) -> Iterator[Any]:
    from dualprev_sdk.domain.cylinder import FillRequest
    from dualprev_sdk.timeutil import SHANGHAI

    start = dt.datetime(2026, 6, 1, 6, 0, tzinfo=SHANGHAI)
    station = harness.uscc("00000001")
    for n in range(fills):
        k = n % cylinders
        medium = "丙烷" if n % 100 == 37 else "液化石油气"  # 1 % wrong medium
        tag = f"UNKNOWN{n}" if n % 200 == 11 else f"T{k:08d}"  # 0.5 % unregistered
        yield FillRequest(
            tag=tag,
            station_uscc=station,
            filler_id=f"filler-{n % 10}",
            medium=medium,
            at=start + dt.timedelta(seconds=3 * n),
            quantity_kg=14.5,
            pre_checks=("外观", "瓶阀"),
            post_checks=("泄漏",),
        )


def _setup_sdk(path: Path, cylinders: int) -> Any:
    from dualprev_sdk.domain.cylinder import Cylinder
    from dualprev_sdk.domain.personnel import Certificate, Person
    from dualprev_sdk.domain.unit import UseUnit
    from dualprev_sdk.services import traceability
    from dualprev_sdk.services.bootstrap import Dualprev

    station = harness.uscc("00000001")
    sdk = Dualprev.open(f"sqlite:///{path}")
    sdk.ledger.create_unit(UseUnit(uscc=station, name="郑州某液化气充装站", region_code="410105"))
    with sdk.uow() as uow:
        for i in range(10):
            cert = Certificate(number=f"P-{i}", category_code="P", expires_on=dt.date(2029, 1, 1))
            uow.people.add(Person(id=f"filler-{i}", unit_uscc=station, name=f"充装工{i}", certificates=(cert,)))
        uow.commit()
    batch = [
        Cylinder(
            id=f"CY{k:08d}",
            tag=f"T{k:08d}",
            filling_station_uscc=station,
            medium="液化石油气",
            catalog_code="2320",
            manufactured_on=dt.date(2021, 1, 1),
            design_life_years=8,
            next_inspection_due=dt.date(2026, 3, 1) if k % 200 == 5 else dt.date(2029, 1, 1),  # 0.5 % expired
        )
        for k in range(cylinders)
    ]
    for start in range(0, cylinders, 20_000):
        traceability.register_cylinders(sdk, batch[start : start + 20_000], chunk_size=5_000)
    return sdk


def phase_sdk(fills: int, cylinders: int, directory: str) -> dict[str, Any]:
    from dualprev_sdk.services import traceability

    sdk = _setup_sdk(Path(directory) / "sdk.sqlite", cylinders)
    started = time.perf_counter()
    summary = traceability.record_fills(sdk, _requests(fills, cylinders), chunk_size=CHUNK)
    seconds = time.perf_counter() - started
    sdk.close()
    return {
        "seconds": seconds,
        "fills": summary.fills,
        "refused": summary.refused,
        "refusals_by_reason": dict(summary.refusals_by_reason),
        "peak_rss_mb": harness.peak_rss_mb(),
    }


def phase_baseline(fills: int, cylinders: int, directory: str) -> dict[str, Any]:
    import sqlalchemy as sa
    from sqlalchemy.schema import CreateIndex, CreateTable

    from dualprev_sdk.store.engine import make_engine
    from dualprev_sdk.store.traceability import CYLINDER_EVENTS

    path = Path(directory) / "raw.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    table = CYLINDER_EVENTS.to_metadata(sa.MetaData())
    for fk in list(table.foreign_keys):
        table.constraints.discard(fk.constraint)  # no cylinders table on the raw side
    ddl = [str(CreateTable(table).compile(engine))] + [str(CreateIndex(i).compile(engine)) for i in table.indexes]
    engine.dispose()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    for statement in ddl:
        conn.execute(statement)
    sql = "INSERT INTO cylinder_events (cylinder_id, tag, kind, at, station_uscc, party, detail) VALUES (?,?,?,?,?,?,?)"
    started = time.perf_counter()
    rows: list[tuple[Any, ...]] = []
    for request in _requests(fills, cylinders):
        detail = json.dumps(
            {
                "filler_id": request.filler_id,
                "medium": request.medium,
                "quantity_kg": request.quantity_kg,
                "pre_checks": list(request.pre_checks),
                "post_checks": list(request.post_checks),
            },
            ensure_ascii=False,
        )
        at = request.at.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
        rows.append(("CY" + request.tag[1:], request.tag, "filled", at, request.station_uscc, "", detail))
        if len(rows) == CHUNK:
            with conn:
                conn.executemany(sql, rows)
            rows.clear()
    if rows:
        with conn:
            conn.executemany(sql, rows)
    seconds = time.perf_counter() - started
    stored = conn.execute("SELECT count(*) FROM cylinder_events").fetchone()[0]
    conn.close()
    return {"seconds": seconds, "stored": stored, "peak_rss_mb": harness.peak_rss_mb()}


def run() -> dict[str, Any]:
    fills, cylinders = _sizes()
    with tempfile.TemporaryDirectory(prefix="dualprev-bench-fills-") as directory:
        baseline = harness.call_in_child(__file__, "phase_baseline", fills, cylinders, directory)
        sdk = harness.call_in_child(__file__, "phase_sdk", fills, cylinders, directory)
    ratio = sdk["seconds"] / baseline["seconds"]
    return {
        "name": "fills_interlock",
        "rows": fills,
        "seconds": round(sdk["seconds"], 2),
        "baseline_seconds": round(baseline["seconds"], 2),
        "ratio": round(ratio, 2),
        "rows_per_s": round(fills / sdk["seconds"]),
        "baseline_rows_per_s": round(fills / baseline["seconds"]),
        "refused": sdk["refused"],
        "refusals_by_reason": sdk["refusals_by_reason"],
        "peak_rss_mb": round(sdk["peak_rss_mb"], 1),
        "baseline_peak_rss_mb": round(baseline["peak_rss_mb"], 1),
        "target": "reported: records/s and ratio to raw sqlite3 (the issue sets no threshold)",
        "passed": True,
    }


if __name__ == "__main__":
    print(json.dumps(run(), ensure_ascii=False, indent=2))
