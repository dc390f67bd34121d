"""The running gateway prunes expired AIP-155 request ids in the background: at start-up and then every
interval, logging one structured line per run; a failing run is logged and retried, never fatal; retention 0
turns it off; the pruner stops with the server (also on SIGTERM in a real process).

Effects are polled for with a generous deadline, never timed."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import grpc
import pytest
import sqlalchemy as sa
from dualprev_gateway.config import GatewayConfig
from dualprev_gateway.logging import JsonFormatter
from dualprev_gateway.server import Gateway, build_gateway
from grpc_health.v1 import health_pb2, health_pb2_grpc

from dualprev_sdk.services.bootstrap import Dualprev
from dualprev_sdk.store.request_ids import REQUEST_IDS

DEADLINE_SECONDS = 30.0
DUALPREV = str(Path(sys.executable).with_name("dualprev"))


def _store_id(database_url: str, request_id: str, age: dt.timedelta) -> None:
    engine = sa.create_engine(database_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.insert(REQUEST_IDS).values(
                    request_id=request_id,
                    operation="test.create",
                    resource=f"units/{request_id}",
                    caller="key-1",
                    fingerprint="0" * 64,
                    created_at=dt.datetime.now(dt.UTC) - age,
                )
            )
    finally:
        engine.dispose()


def _stored(database_url: str) -> set[str]:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            return set(conn.execute(sa.select(REQUEST_IDS.c.request_id)).scalars())
    finally:
        engine.dispose()


def _eventually(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"not within {DEADLINE_SECONDS}s: {what}")
        time.sleep(0.02)


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def lines(self, event: str) -> list[dict[str, object]]:
        entries = [json.loads(JsonFormatter().format(r)) for r in list(self.records)]
        return [e for e in entries if e.get("event") == event]


@pytest.fixture
def pruner_logs() -> Iterator[_Records]:
    logger = logging.getLogger("dualprev_gateway.pruning")
    handler, level = _Records(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _gateway(sdk: Dualprev, **config: float) -> Gateway:
    return build_gateway(GatewayConfig(address="127.0.0.1:0", max_workers=2, **config), sdk=sdk)


def test_a_running_server_prunes_ids_older_than_the_retention_and_logs_how_many(
    sdk: Dualprev, database_url: str, pruner_logs: _Records
) -> None:
    gateway = _gateway(sdk, request_id_retention_hours=1, request_id_prune_interval_seconds=0.05)
    gateway.start()
    try:
        _eventually(lambda: len(pruner_logs.lines("request_ids.pruned")) >= 1, "the start-up prune ran")
        # written after start-up: only a later, periodic run can remove it
        _store_id(database_url, "expired", dt.timedelta(hours=2))
        _store_id(database_url, "recent", dt.timedelta(minutes=10))
        _eventually(lambda: "expired" not in _stored(database_url), "the expired id was pruned")
        _eventually(
            lambda: any(line["removed"] == 1 for line in pruner_logs.lines("request_ids.pruned")),
            "a structured line reported the removal",
        )
        assert _stored(database_url) == {"recent"}
        line = next(line for line in pruner_logs.lines("request_ids.pruned") if line["removed"] == 1)
        assert line["retention_hours"] == 1
        assert line["level"] == "INFO"
    finally:
        gateway.stop(None).wait()
    assert gateway.pruner is not None
    assert not gateway.pruner.alive, "the pruner stops with the server"


def test_a_failing_prune_is_logged_and_retried_and_the_server_keeps_serving(
    sdk: Dualprev, database_url: str, pruner_logs: _Records
) -> None:
    with sdk.engine.begin() as conn:
        REQUEST_IDS.drop(conn)  # every prune now fails on the missing table
    gateway = _gateway(sdk, request_id_retention_hours=1, request_id_prune_interval_seconds=0.05)
    gateway.start()
    try:
        _eventually(lambda: len(pruner_logs.lines("request_ids.prune_failed")) >= 2, "failures were retried")
        failed = pruner_logs.lines("request_ids.prune_failed")[0]
        assert failed["level"] == "ERROR"
        assert "request_ids" in str(failed["error"])
        assert gateway.pruner is not None
        assert gateway.pruner.alive
        with grpc.insecure_channel(f"127.0.0.1:{gateway.port}") as channel:
            health = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=10)
        assert health.status == health_pb2.HealthCheckResponse.SERVING

        with sdk.engine.begin() as conn:  # the database recovers: the next run succeeds
            REQUEST_IDS.create(conn)
        _store_id(database_url, "expired", dt.timedelta(hours=2))
        _eventually(lambda: _stored(database_url) == set(), "pruning resumed after the failures")
    finally:
        gateway.stop(None).wait()


def test_retention_zero_starts_no_pruner(sdk: Dualprev) -> None:
    gateway = _gateway(sdk, request_id_retention_hours=0)
    gateway.start()
    try:
        assert gateway.pruner is None
    finally:
        gateway.stop(None).wait()


def test_the_served_process_prunes_at_start_up_from_its_environment_and_stops_on_sigterm(
    database_url: str,
) -> None:
    _store_id(database_url, "expired", dt.timedelta(hours=3))
    _store_id(database_url, "recent", dt.timedelta(minutes=10))
    env = {
        **os.environ,
        "DUALPREV_GATEWAY_GRACE_SECONDS": "1",
        "DUALPREV_GATEWAY_REQUEST_ID_RETENTION_HOURS": "2",
        "DUALPREV_GATEWAY_REQUEST_ID_PRUNE_INTERVAL_SECONDS": "3600",  # only the start-up run can do it
    }
    process = subprocess.Popen(
        [DUALPREV, "gateway", "serve", "--db", database_url, "--address", "127.0.0.1:0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline(), "the server announced its port"
        _eventually(lambda: _stored(database_url) == {"recent"}, "the start-up prune removed the expired id")
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
    assert process.stderr is not None
    logs = [json.loads(line) for line in process.stderr.read().splitlines() if line.startswith("{")]
    pruned = [entry for entry in logs if entry.get("event") == "request_ids.pruned"]
    assert pruned[0]["removed"] == 1
    assert pruned[0]["retention_hours"] == 2
    assert [entry["message"] for entry in logs if entry["message"] in ("stopping", "stopped")] == [
        "stopping",
        "stopped",
    ]
