"""Benchmark: the gRPC gateway under concurrent load, from a separate client process, against a bare echo server.

What runs where (all loopback):

- this process hosts two servers, one after the other on the same machine and with the same settings (thread
  pool of ``GatewayConfig().max_workers`` workers, the gateway's channel options and ``maximum_concurrent_rpcs``):
  the gateway over a SQLite file, and a bare grpcio server whose one generic handler returns the request bytes
  (no interceptors, no protobuf parsing, no database) — the ceiling for a Python gRPC server on this machine;
- a **separate** client process (``python bench_gateway_load.py --client``, grpc.aio) keeps ``CONCURRENCY``
  unary calls in flight for ``SECONDS`` per phase and reports calls/s and p50/p99 latency.

Phases: ``echo`` (baseline), ``GetUnit`` (read: key check, store read, conversion), ``CreateEquipment``
(write: a transaction with its outbox event), ``echo_stream`` and ``WatchEvents`` (server streaming, events/s
over the feed the write phase filled).

Target (issue 10): GetUnit throughput at least half the echo server's. Reported, not asserted (bench/run.py).
Scale with ``DUALPREV_BENCH_SECONDS`` (default 4 per phase) and ``DUALPREV_BENCH_CONCURRENCY`` (default 16);
``DUALPREV_BENCH_WORKERS`` sets both servers' thread pools (default 16, the gateway's).
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine, Iterator
from concurrent import futures
from pathlib import Path
from typing import Any

import attrs
import grpc
import harness

SECONDS = float(os.environ.get("DUALPREV_BENCH_SECONDS", "4"))
CONCURRENCY = int(os.environ.get("DUALPREV_BENCH_CONCURRENCY", "16"))
WORKERS = int(os.environ.get("DUALPREV_BENCH_WORKERS", "16"))  # both servers' thread pools (the gateway default)
STREAMS = 4  # concurrent WatchEvents streams
ROUNDS = 3  # each phase runs ROUNDS times for SECONDS / ROUNDS, interleaved with its baseline
WARMUP_CALLS = 200
MAX_CALLS_PER_WORKER = 1_000_000  # a bound on every loop besides the clock
ECHO_STREAM_MESSAGES = 2_000
TARGET_READ_RATIO = 0.5


# ---------------------------------------------------------------------------------------------------------------
# client process
# ---------------------------------------------------------------------------------------------------------------


def _percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * fraction))]


Metadata = tuple[tuple[str, str], ...]


async def _unary_load(target: str, method: str, payload: bytes, metadata: Metadata) -> dict[str, Any]:
    """``CONCURRENCY`` workers each keep one call in flight until the clock runs out."""
    async with grpc.aio.insecure_channel(target) as channel:
        call: Any = channel.unary_unary(method)  # bytes in, bytes out: the client does the same work for every server
        for _ in range(WARMUP_CALLS // CONCURRENCY + 1):
            await asyncio.gather(*(call(payload, metadata=metadata, timeout=30) for _ in range(CONCURRENCY)))
        latencies: list[float] = []
        errors: dict[str, int] = {}
        end = time.perf_counter() + SECONDS / ROUNDS

        async def worker() -> None:
            for _ in range(MAX_CALLS_PER_WORKER):
                if time.perf_counter() >= end:
                    return
                t0 = time.perf_counter()
                try:
                    await call(payload, metadata=metadata, timeout=30)
                except grpc.aio.AioRpcError as error:
                    errors[error.code().name] = errors.get(error.code().name, 0) + 1
                    continue
                latencies.append(time.perf_counter() - t0)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        elapsed = time.perf_counter() - started
    return {"calls": len(latencies), "errors": errors, "seconds": elapsed, "latencies": latencies}


async def _stream_load(target: str, method: str, payload: bytes, metadata: Metadata) -> dict[str, Any]:
    """``STREAMS`` concurrent streams, each re-reading the whole stream until the clock runs out."""
    async with grpc.aio.insecure_channel(target) as channel:
        call: Any = channel.unary_stream(method)
        counts = [0] * STREAMS
        streams_done = [0] * STREAMS
        end = time.perf_counter() + SECONDS / ROUNDS

        async def worker(i: int) -> None:
            for _ in range(MAX_CALLS_PER_WORKER):
                if time.perf_counter() >= end:
                    return
                async for _message in call(payload, metadata=metadata, timeout=60):
                    counts[i] += 1
                streams_done[i] += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker(i) for i in range(STREAMS)))
        elapsed = time.perf_counter() - started
    return {"messages": sum(counts), "streams": sum(streams_done), "seconds": elapsed}


def _client_main(spec: dict[str, Any]) -> dict[str, Any]:
    metadata_for: dict[str, tuple[tuple[str, str], ...]] = {
        name: (("authorization", f"Bearer {token}"),) for name, token in spec["tokens"].items()
    }
    metadata_for["none"] = ()
    results: list[dict[str, Any]] = []
    for phase in spec["phases"]:
        runner: Callable[..., Coroutine[Any, Any, dict[str, Any]]] = (
            _stream_load if phase["streaming"] else _unary_load
        )
        measured: dict[str, Any] = asyncio.run(
            runner(phase["target"], phase["method"], bytes.fromhex(phase["payload"]), metadata_for[phase["key"]])
        )
        results.append({"name": phase["name"], **measured})
    return {"results": results}


def _merge(rounds: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Phases of the same name summed over the interleaved rounds (so load drifting on a shared machine hits the
    gateway and its baseline alike)."""
    merged: dict[str, dict[str, Any]] = {}
    for item in rounds:
        into = merged.setdefault(
            item["name"], {"calls": 0, "messages": 0, "streams": 0, "seconds": 0.0, "errors": {}, "latencies": []}
        )
        into["seconds"] += item["seconds"]
        into["calls"] += item.get("calls", 0)
        into["messages"] += item.get("messages", 0)
        into["streams"] += item.get("streams", 0)
        into["latencies"].extend(item.get("latencies", ()))
        for code, count in item.get("errors", {}).items():
            into["errors"][code] = into["errors"].get(code, 0) + count
    for into in merged.values():
        latencies = sorted(into.pop("latencies"))
        into["calls_per_s"] = into["calls"] / into["seconds"]
        into["messages_per_s"] = into["messages"] / into["seconds"]
        into["p50_ms"] = _percentile(latencies, 0.50) * 1000
        into["p99_ms"] = _percentile(latencies, 0.99) * 1000
    return merged


def _run_client(phases: list[dict[str, Any]], tokens: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Run the phases in a fresh interpreter (its own GIL), returning its JSON."""
    spec = json.dumps({"phases": phases, "tokens": tokens})
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--client"],
        input=spec,
        capture_output=True,
        text=True,
        check=False,
        timeout=60 + 4 * SECONDS * len(phases),
    )
    if proc.returncode != 0:
        raise RuntimeError(f"client process failed:\n{proc.stderr[-3000:]}")
    return _merge(json.loads(proc.stdout.strip().splitlines()[-1])["results"])


# ---------------------------------------------------------------------------------------------------------------
# servers (this process)
# ---------------------------------------------------------------------------------------------------------------


def _echo_server(config: Any, stream_item: bytes) -> tuple[grpc.Server, int]:
    """A bare server with the gateway's settings (pool size, options, concurrency bound) and nothing else."""

    def echo(request: bytes, _context: grpc.ServicerContext) -> bytes:
        return request

    def echo_stream(_request: bytes, _context: grpc.ServicerContext) -> Iterator[bytes]:
        for _ in range(ECHO_STREAM_MESSAGES):
            yield stream_item

    handler = grpc.method_handlers_generic_handler(
        "bench.Echo",
        {
            "Echo": grpc.unary_unary_rpc_method_handler(echo),
            "EchoStream": grpc.unary_stream_rpc_method_handler(echo_stream),
        },
    )
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=config.max_workers, thread_name_prefix="echo-grpc"),
        options=[
            ("grpc.so_reuseport", 0),
            ("grpc.keepalive_time_ms", int(config.keepalive_seconds * 1000)),
            ("grpc.keepalive_timeout_ms", 10_000),
        ],
        maximum_concurrent_rpcs=config.concurrent_rpcs,
    )
    server.add_generic_rpc_handlers((handler,))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    return server, port



def run() -> dict[str, Any]:
    from dualprev_gateway._generated.dualprev.v1 import events_pb2, ledger_pb2
    from dualprev_gateway.config import GatewayConfig
    from dualprev_gateway.server import build_gateway
    from dualprev_gateway.servicers.events import _to_proto

    from dualprev_sdk import Equipment, UseUnit
    from dualprev_sdk.access import issue_api_key
    from dualprev_sdk.services.bootstrap import Dualprev

    config = GatewayConfig(address="127.0.0.1:0", max_workers=WORKERS)
    uscc = harness.uscc("MA900002", "410105")
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    with tempfile.TemporaryDirectory(prefix="dualprev-bench-load-") as directory:
        url = f"sqlite:///{Path(directory) / 'gateway.sqlite'}"
        with Dualprev.open(url) as sdk:
            sdk.ledger.create_unit(UseUnit(uscc=uscc, name="负载基准单位", region_code="410105"))
            sdk.ledger.create_equipment(Equipment(id="lift-1", unit_uscc=uscc, catalog_code="3110", name="1号客梯"))
            enterprise = issue_api_key("enterprise", uscc)
            datacenter = issue_api_key("datacenter", "*")
            with sdk.uow() as uow:
                uow.api_keys.add(enterprise.key)
                uow.api_keys.add(datacenter.key)
                uow.commit()
            tokens = {"enterprise": enterprise.token, "datacenter": datacenter.token}
            read = ledger_pb2.GetUnitRequest(name=f"units/{uscc}").SerializeToString().hex()
            write = ledger_pb2.CreateEquipmentRequest(
                parent=f"units/{uscc}",
                equipment=ledger_pb2.Equipment(catalog_code="3110", display_name="负载测试电梯", model="TKJ1000"),
            ).SerializeToString()
            watch = events_pb2.WatchEventsRequest().SerializeToString().hex()

            events_at_start = sdk.read_events(0, 1_000)
            stream_item = _to_proto(events_at_start[-1]).SerializeToString()
        # The gateway opens its own SDK, exactly as `dualprev gateway serve` does.
        gateway = build_gateway(attrs.evolve(config, db=url))
        gateway.start()
        echo_server, echo_port = _echo_server(config, stream_item)
        try:
            target, echo_target = f"127.0.0.1:{gateway.port}", f"127.0.0.1:{echo_port}"

            def phase(name: str, where: str, method: str, payload: str, key: str = "none") -> dict[str, Any]:
                streaming = name in ("watch_events", "echo_stream")
                return {"name": name, "target": where, "method": method, "payload": payload, "key": key,
                        "streaming": streaming}

            unary_round = [
                phase("echo", echo_target, "/bench.Echo/Echo", read),
                phase("get_unit", target, "/dualprev.v1.LedgerService/GetUnit", read, "datacenter"),
                phase("health", target, "/grpc.health.v1.Health/Check", ""),
                phase("echo_write_payload", echo_target, "/bench.Echo/Echo", write.hex()),
                phase("create_equipment", target, "/dualprev.v1.LedgerService/CreateEquipment", write.hex(),
                      "enterprise"),
            ]
            stream_round = [
                phase("echo_stream", echo_target, "/bench.Echo/EchoStream", watch),
                phase("watch_events", target, "/dualprev.v1.EventService/WatchEvents", watch, "datacenter"),
            ]
            # Interleaved rounds: gateway and baseline see the same (shared, drifting) machine load.
            measured = _run_client(unary_round * ROUNDS + stream_round * ROUNDS, tokens)
            events_in_feed = len(gateway.sdk.read_events(0, 1_000_000))
        finally:
            gateway.stop(None).wait()
            echo_server.stop(None).wait()
            gateway.sdk.close()
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)

    health = measured["health"]
    get_unit, create, watch_events = measured["get_unit"], measured["create_equipment"], measured["watch_events"]
    echo, echo_write, echo_stream = measured["echo"], measured["echo_write_payload"], measured["echo_stream"]
    read_ratio = get_unit["calls_per_s"] / echo["calls_per_s"]
    passed = read_ratio >= TARGET_READ_RATIO and not get_unit["errors"] and not create["errors"]

    def r(value: float, digits: int = 2) -> float:
        return round(value, digits)

    return {
        "name": "gateway_load",
        "rows": get_unit["calls"],
        "seconds": r(get_unit["seconds"]),
        "baseline_seconds": r(echo["seconds"]),
        # Throughput ratio as a time ratio (like the other benchmarks): seconds per call, gateway / echo.
        "ratio": r(echo["calls_per_s"] / get_unit["calls_per_s"]),
        "rows_per_s": round(get_unit["calls_per_s"]),
        "baseline_rows_per_s": round(echo["calls_per_s"]),
        "concurrency": CONCURRENCY,
        "seconds_per_phase": SECONDS,
        "rounds": ROUNDS,
        "server_workers": config.max_workers,
        "get_unit_calls_per_s": round(get_unit["calls_per_s"]),
        "get_unit_p50_ms": r(get_unit["p50_ms"], 3),
        "get_unit_p99_ms": r(get_unit["p99_ms"], 3),
        "get_unit_errors": get_unit["errors"],
        "echo_calls_per_s": round(echo["calls_per_s"]),
        "echo_p50_ms": r(echo["p50_ms"], 3),
        "echo_p99_ms": r(echo["p99_ms"], 3),
        "read_throughput_vs_echo": r(read_ratio, 3),
        "health_calls_per_s": round(health["calls_per_s"]),
        "health_p50_ms": r(health["p50_ms"], 3),
        "health_p99_ms": r(health["p99_ms"], 3),
        "create_equipment_calls_per_s": round(create["calls_per_s"]),
        "create_equipment_p50_ms": r(create["p50_ms"], 3),
        "create_equipment_p99_ms": r(create["p99_ms"], 3),
        "create_equipment_errors": create["errors"],
        "echo_write_payload_calls_per_s": round(echo_write["calls_per_s"]),
        "write_throughput_vs_echo": r(create["calls_per_s"] / echo_write["calls_per_s"], 3),
        "watch_events_per_s": round(watch_events["messages_per_s"]),
        "watch_events_streams": watch_events["streams"],
        "events_in_feed": events_in_feed,
        "echo_stream_messages_per_s": round(echo_stream["messages_per_s"]),
        "stream_throughput_vs_echo": r(watch_events["messages_per_s"] / echo_stream["messages_per_s"], 3),
        "server_cpu_seconds": r(
            (cpu_after.ru_utime + cpu_after.ru_stime) - (cpu_before.ru_utime + cpu_before.ru_stime)
        ),
        "peak_rss_mb": round(harness.peak_rss_mb(), 1),
        "target": f"GetUnit throughput >= {TARGET_READ_RATIO:g} x echo at {CONCURRENCY} in flight",
        "passed": passed,
    }


if __name__ == "__main__":
    if sys.argv[1:] == ["--client"]:
        print(json.dumps(_client_main(json.loads(sys.stdin.read()))))
    else:
        print(json.dumps(run(), ensure_ascii=False, indent=2))
