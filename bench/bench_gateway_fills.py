"""Benchmark: the scale feed over gRPC — ``TraceabilityService/RecordFills`` (client streaming) against the SDK's
``record_fills`` in process, and against ``RecordFill`` one unary call per fill.

* **baseline** — ``record_fills(sdk, requests)`` called in process: the interlock and the chunked writes alone.
* **stream** — the same number of fills sent as one ``RecordFills`` client stream through the gateway
  (interceptors, key lookup once, protobuf decoding per fill, the station's access check once), same store.
* **batched** — the same stream with ``BATCH`` fills per message (``RecordFillsRequest.fills`` is repeated).
* **unary** — ``RecordFill`` per fill (``DUALPREV_BENCH_UNARY`` calls): what a scale that does not stream pays.

Each run writes to its own fresh SQLite file with the same registered cylinders and certified filler. The issue
sets no threshold; the ratio stream/baseline is reported. ``DUALPREV_BENCH_ROWS`` sets the fill count (20,000).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import harness
from dualprev_gateway._generated.dualprev.v1 import traceability_pb2 as tp
from dualprev_gateway._generated.dualprev.v1 import traceability_pb2_grpc
from dualprev_gateway.config import GatewayConfig
from dualprev_gateway.server import build_gateway
from google.protobuf import timestamp_pb2

from dualprev_sdk import UseUnit
from dualprev_sdk.access import issue_api_key
from dualprev_sdk.domain.cylinder import Cylinder, FillRequest
from dualprev_sdk.domain.personnel import Certificate, Person
from dualprev_sdk.services import traceability
from dualprev_sdk.services.bootstrap import Dualprev

ROWS = int(os.environ.get("DUALPREV_BENCH_ROWS", "20000"))
UNARY = int(os.environ.get("DUALPREV_BENCH_UNARY", "1000"))
BATCH = 200  # fills per stream message in the batched run
CYLINDERS = 1000
START = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)


STATION = harness.uscc("MA900002", "410105")


def _open(directory: str, name: str) -> tuple[Dualprev, str]:
    sdk = Dualprev.open(f"sqlite:///{Path(directory) / name}")
    sdk.ledger.create_unit(UseUnit(uscc=STATION, name="基准充装站", region_code="410105"))
    traceability.register_cylinders(
        sdk,
        [
            Cylinder(
                id=f"CY-{n}",
                tag=f"B{n:06d}",
                filling_station_uscc=STATION,
                medium="液化石油气",
                catalog_code="2320",
                next_inspection_due=dt.date(2030, 1, 1),
            )
            for n in range(CYLINDERS)
        ],
    )
    issued = issue_api_key("enterprise", STATION)
    with sdk.uow() as uow:
        uow.people.add(
            Person(
                id="filler",
                unit_uscc=STATION,
                name="充装工",
                certificates=(Certificate(number="P-1", category_code="P", expires_on=dt.date(2030, 1, 1)),),
            )
        )
        uow.api_keys.add(issued.key)
        uow.commit()
    return sdk, issued.token


def _at(n: int) -> dt.datetime:
    return START + dt.timedelta(seconds=n)


def _sdk_requests(count: int) -> Iterator[FillRequest]:
    for n in range(count):
        yield FillRequest(
            tag=f"B{n % CYLINDERS:06d}",
            station_uscc=STATION,
            filler_id="filler",
            medium="液化石油气",
            at=_at(n),
            quantity_kg=14.5,
        )


def _proto_fill(n: int) -> tp.Fill:
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(_at(n))
    return tp.Fill(
        cylinder=f"cylinders/B{n % CYLINDERS:06d}",
        station=f"units/{STATION}",
        filler_id="filler",
        medium="液化石油气",
        fill_time=stamp,
        quantity_kg=14.5,
    )


def run() -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="dualprev-bench-fills-") as directory:
        sdk, _ = _open(directory, "baseline.sqlite")
        with sdk:
            started = time.perf_counter()
            baseline_summary = traceability.record_fills(sdk, _sdk_requests(ROWS))
            baseline = time.perf_counter() - started
        sdk, token = _open(directory, "gateway.sqlite")
        with sdk:
            gateway = build_gateway(GatewayConfig(address="127.0.0.1:0"), sdk=sdk)
            gateway.start()
            try:
                with grpc.insecure_channel(f"127.0.0.1:{gateway.port}") as channel:
                    stub = traceability_pb2_grpc.TraceabilityServiceStub(channel)
                    metadata = (("authorization", f"Bearer {token}"),)
                    feed = (tp.RecordFillsRequest(fills=[_proto_fill(n)]) for n in range(ROWS))
                    started = time.perf_counter()
                    summary = stub.RecordFills(feed, metadata=metadata, timeout=600)
                    stream = time.perf_counter() - started
                    batches = (
                        tp.RecordFillsRequest(fills=[_proto_fill(n) for n in range(b, min(b + BATCH, 2 * ROWS))])
                        for b in range(ROWS, 2 * ROWS, BATCH)
                    )
                    started = time.perf_counter()
                    batched_summary = stub.RecordFills(batches, metadata=metadata, timeout=600)
                    batched = time.perf_counter() - started
                    started = time.perf_counter()
                    for n in range(2 * ROWS, 2 * ROWS + UNARY):
                        stub.RecordFill(tp.RecordFillRequest(fill=_proto_fill(n)), metadata=metadata, timeout=10)
                    unary = time.perf_counter() - started
            finally:
                gateway.stop(None).wait()
    assert summary.filled_count == batched_summary.filled_count == baseline_summary.fills == ROWS
    return {
        "name": "gateway_fill_stream",
        "rows": ROWS,
        "seconds": round(stream, 2),
        "baseline_seconds": round(baseline, 2),
        "ratio": round(stream / baseline, 2),
        "rows_per_s": round(ROWS / stream),
        "baseline_rows_per_s": round(ROWS / baseline),
        "batched_seconds": round(batched, 2),
        "batched_ratio": round(batched / baseline, 2),
        "batched_rows_per_s": round(ROWS / batched),
        "batch": BATCH,
        "unary_calls": UNARY,
        "unary_fills_per_s": round(UNARY / unary),
        "peak_rss_mb": round(harness.peak_rss_mb(), 1),
        "target": "reported: stream vs in-process SDK, and unary per-fill (the issue sets no threshold)",
        "passed": True,
    }


if __name__ == "__main__":
    print(json.dumps(run(), ensure_ascii=False, indent=2))
