"""Benchmark: per-call cost of the gRPC gateway against a bare echo server on the same loopback.

Measured in the same process and run, one client thread making sequential unary calls:

- baseline ``echo``: a generic gRPC handler that returns the request bytes (no interceptors, no protobuf
  parsing, no database) — the floor for a gRPC round trip on this machine;
- ``health``: ``grpc.health.v1.Health/Check`` through the gateway (request-id interceptor, access log, the
  error guard; no key, no database);
- ``get_unit``: ``LedgerService/GetUnit`` with a bearer key — the full path: interceptors, API-key lookup in the
  store (one SQLite unit of work), the ledger read (another), protobuf conversion.

``ratio`` = get_unit seconds / echo seconds for the same number of calls: what authentication, the store and
the conversions cost per call. ``DUALPREV_BENCH_CALLS`` overrides the call count (default 2,000).
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from concurrent import futures
from pathlib import Path
from typing import Any

import grpc
import harness
from dualprev_gateway._generated.dualprev.v1 import ledger_pb2, ledger_pb2_grpc
from dualprev_gateway.config import GatewayConfig
from dualprev_gateway.server import build_gateway
from grpc_health.v1 import health_pb2, health_pb2_grpc

from dualprev_sdk import UseUnit
from dualprev_sdk.access import issue_api_key
from dualprev_sdk.services.bootstrap import Dualprev

CALLS = int(os.environ.get("DUALPREV_BENCH_CALLS", "2000"))
WARMUP = 100


def _time_calls(call: Callable[[], object]) -> dict[str, float]:
    for _ in range(WARMUP):
        call()
    latencies = []
    started = time.perf_counter()
    for _ in range(CALLS):
        t0 = time.perf_counter()
        call()
        latencies.append(time.perf_counter() - t0)
    seconds = time.perf_counter() - started
    latencies.sort()
    return {
        "seconds": seconds,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "calls_per_s": CALLS / seconds,
    }


def _echo_server() -> tuple[grpc.Server, int]:
    def echo(request: bytes, _context: grpc.ServicerContext) -> bytes:
        return request

    handler = grpc.method_handlers_generic_handler("bench.Echo", {"Echo": grpc.unary_unary_rpc_method_handler(echo)})
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=16))
    server.add_generic_rpc_handlers((handler,))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    return server, port


def run() -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="dualprev-bench-gateway-") as directory:
        url = f"sqlite:///{Path(directory) / 'gateway.sqlite'}"
        uscc = harness.uscc("MA900001", "410105")
        with Dualprev.open(url) as sdk:
            sdk.ledger.create_unit(UseUnit(uscc=uscc, name="基准单位", region_code="410105"))
            issued = issue_api_key("datacenter", "*")
            with sdk.uow() as uow:
                uow.api_keys.add(issued.key)
                uow.commit()
            gateway = build_gateway(GatewayConfig(address="127.0.0.1:0"), sdk=sdk)
            gateway.start()
            echo_server, echo_port = _echo_server()
            try:
                request = ledger_pb2.GetUnitRequest(name=f"units/{uscc}")
                payload = request.SerializeToString()
                with grpc.insecure_channel(f"127.0.0.1:{echo_port}") as channel:
                    echo_call = channel.unary_unary("/bench.Echo/Echo")
                    echo = _time_calls(lambda: echo_call(payload, timeout=10))
                with grpc.insecure_channel(f"127.0.0.1:{gateway.port}") as channel:
                    health_stub = health_pb2_grpc.HealthStub(channel)
                    health = _time_calls(lambda: health_stub.Check(health_pb2.HealthCheckRequest(), timeout=10))
                    ledger = ledger_pb2_grpc.LedgerServiceStub(channel)
                    metadata = (("authorization", f"Bearer {issued.token}"),)
                    get_unit = _time_calls(lambda: ledger.GetUnit(request, metadata=metadata, timeout=10))
            finally:
                gateway.stop(None).wait()
                echo_server.stop(None).wait()
    return {
        "name": "gateway_per_call",
        "rows": CALLS,
        "seconds": round(get_unit["seconds"], 2),
        "baseline_seconds": round(echo["seconds"], 2),
        "ratio": round(get_unit["seconds"] / echo["seconds"], 2),
        "rows_per_s": round(get_unit["calls_per_s"]),
        "baseline_rows_per_s": round(echo["calls_per_s"]),
        "echo_p50_ms": round(echo["p50_ms"], 3),
        "echo_p99_ms": round(echo["p99_ms"], 3),
        "health_p50_ms": round(health["p50_ms"], 3),
        "health_p99_ms": round(health["p99_ms"], 3),
        "get_unit_p50_ms": round(get_unit["p50_ms"], 3),
        "get_unit_p99_ms": round(get_unit["p99_ms"], 3),
        "peak_rss_mb": round(harness.peak_rss_mb(), 1),
        "target": "reported: per-call latency and ratio to a bare echo server (the issue sets no threshold)",
        "passed": True,
    }


if __name__ == "__main__":
    print(json.dumps(run(), ensure_ascii=False, indent=2))
