"""``dualprev gateway serve`` as a real process (graceful SIGTERM, survival of SIGKILL), and mutual TLS."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from dualprev_gateway._generated.dualprev.v1 import (
    events_pb2,
    events_pb2_grpc,
    hazards_pb2,
    hazards_pb2_grpc,
    ledger_pb2,
    ledger_pb2_grpc,
)
from dualprev_gateway.config import GatewayConfig, TlsConfig
from dualprev_gateway.server import build_gateway
from gateway_support import UNIT_A, bearer
from grpc_health.v1 import health_pb2, health_pb2_grpc

from dualprev_sdk.access import PrincipalKind
from dualprev_sdk.services import hazards as hazards_service
from dualprev_sdk.services.bootstrap import Dualprev

DUALPREV = str(Path(sys.executable).with_name("dualprev"))


@pytest.fixture
def served(database_url: str) -> Iterator[tuple[subprocess.Popen[str], int]]:
    env = {**os.environ, "DUALPREV_GATEWAY_GRACE_SECONDS": "1"}
    process = subprocess.Popen(
        [DUALPREV, "gateway", "serve", "--db", database_url, "--address", "127.0.0.1:0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line, process.stderr.read() if process.stderr else "no output"
        yield process, int(json.loads(line)["port"])
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def test_sigterm_drains_in_flight_calls_and_exits_cleanly(
    served: tuple[subprocess.Popen[str], int], tokens: dict[PrincipalKind, str]
) -> None:
    process, port = served
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        health = health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(), metadata=(("x-request-id", "probe-1"),), timeout=5
        )
        assert health.status == health_pb2.HealthCheckResponse.SERVING
        stream = events_pb2_grpc.EventServiceStub(channel).WatchEvents(
            events_pb2.WatchEventsRequest(follow=True), metadata=bearer(tokens[PrincipalKind.DATACENTER]), timeout=30
        )
        first = next(stream)  # a long-lived call is in flight
        assert first.type
        ended = threading.Event()

        def drain() -> None:
            try:
                for _ in stream:
                    pass
            except grpc.RpcError:
                pass
            ended.set()

        threading.Thread(target=drain, daemon=True).start()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
        assert ended.wait(timeout=5), "the in-flight stream was ended by the shutdown, not left hanging"
    assert process.stderr is not None
    logs = [json.loads(line) for line in process.stderr.read().splitlines() if line.startswith("{")]
    probe = [entry for entry in logs if entry.get("request_id") == "probe-1"]
    assert probe[0]["method"] == "/grpc.health.v1.Health/Check", "every call leaves one structured access-log line"
    assert probe[0]["code"] == "OK"
    assert [entry["message"] for entry in logs if entry["message"] in ("serving", "stopping", "stopped")] == [
        "serving",
        "stopping",
        "stopped",
    ]


# -- mutual TLS --------------------------------------------------------------------------------------------------


def _certificates(tmp: Path) -> dict[str, Path]:
    """A throw-away CA, a server certificate for 127.0.0.1/localhost and a client certificate, as PEM files."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.UTC)

    def key() -> ec.EllipticCurvePrivateKey:
        return ec.generate_private_key(ec.SECP256R1())

    def name(common: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])

    ca_key = key()
    ca = (
        x509.CertificateBuilder()
        .subject_name(name("dualprev test CA"))
        .issuer_name(name("dualprev test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )

    def issue(common: str, usage: x509.ObjectIdentifier, san: list[x509.GeneralName]) -> tuple[bytes, bytes]:
        leaf_key = key()
        builder = (
            x509.CertificateBuilder()
            .subject_name(name(common))
            .issuer_name(ca.subject)
            .public_key(leaf_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        )
        if san:
            builder = builder.add_extension(x509.SubjectAlternativeName(san), critical=False)
        cert = builder.sign(ca_key, hashes.SHA256())
        pem_key = leaf_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        return cert.public_bytes(serialization.Encoding.PEM), pem_key

    import ipaddress

    server_cert, server_key = issue(
        "localhost",
        ExtendedKeyUsageOID.SERVER_AUTH,
        [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))],
    )
    client_cert, client_key = issue("enterprise-erp", ExtendedKeyUsageOID.CLIENT_AUTH, [])
    files = {
        "ca": ca.public_bytes(serialization.Encoding.PEM),
        "server_cert": server_cert,
        "server_key": server_key,
        "client_cert": client_cert,
        "client_key": client_key,
    }
    paths = {}
    for label, data in files.items():
        paths[label] = tmp / f"{label}.pem"
        paths[label].write_bytes(data)
    return paths


def test_with_a_client_ca_configured_only_clients_holding_a_certificate_from_it_get_in(
    sdk: Dualprev, tmp_path: Path
) -> None:
    pem = _certificates(tmp_path)
    config = GatewayConfig(
        address="127.0.0.1:0",
        tls=TlsConfig(
            cert_file=str(pem["server_cert"]), key_file=str(pem["server_key"]), client_ca_file=str(pem["ca"])
        ),
    )
    gateway = build_gateway(config, sdk=sdk)
    gateway.start()
    try:
        target = f"127.0.0.1:{gateway.port}"
        with_cert = grpc.ssl_channel_credentials(
            root_certificates=pem["ca"].read_bytes(),
            private_key=pem["client_key"].read_bytes(),
            certificate_chain=pem["client_cert"].read_bytes(),
        )
        with grpc.secure_channel(target, with_cert) as channel:
            reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5)
            assert reply.status == health_pb2.HealthCheckResponse.SERVING

        without_cert = grpc.ssl_channel_credentials(root_certificates=pem["ca"].read_bytes())
        with grpc.secure_channel(target, without_cert) as channel, pytest.raises(grpc.RpcError) as refused:
            health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5)
        assert refused.value.code() is grpc.StatusCode.UNAVAILABLE

        with grpc.insecure_channel(target) as channel, pytest.raises(grpc.RpcError) as plaintext:
            health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5)
        assert plaintext.value.code() is grpc.StatusCode.UNAVAILABLE
    finally:
        gateway.stop(None).wait()


# -- crash durability --------------------------------------------------------------------------------------------


def _serve(database_url: str) -> tuple[subprocess.Popen[str], int]:
    process = subprocess.Popen(
        [DUALPREV, "gateway", "serve", "--db", database_url, "--address", "127.0.0.1:0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line, "the server did not start"
    return process, int(json.loads(line)["port"])


def test_a_killed_server_loses_no_acknowledged_write_or_event_and_the_hazard_chains_still_verify(
    database_url: str, tokens: dict[PrincipalKind, str]
) -> None:
    process, port = _serve(database_url)
    acknowledged: list[str] = []
    stop = threading.Event()

    def write() -> None:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = ledger_pb2_grpc.LedgerServiceStub(channel)
            for i in range(5000):  # bounded; the kill comes long before
                if stop.is_set():
                    return
                try:
                    stub.CreateEquipment(
                        ledger_pb2.CreateEquipmentRequest(
                            parent=f"units/{UNIT_A}",
                            equipment_id=f"k-{i}",
                            equipment=ledger_pb2.Equipment(catalog_code="3110"),
                        ),
                        metadata=bearer(tokens[PrincipalKind.ENTERPRISE]),
                        timeout=5,
                    )
                except grpc.RpcError:
                    return  # the server is gone
                acknowledged.append(f"k-{i}")

    reported: list[str] = []  # hazards whose report was acknowledged
    registered: list[str] = []  # … and whose registration was acknowledged too

    def report_hazards() -> None:
        """A second writer, concurrently: hazard commands, each appending to a hash chain."""
        me = bearer(tokens[PrincipalKind.ENTERPRISE])
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = hazards_pb2_grpc.HazardServiceStub(channel)
            for i in range(5000):  # bounded; the kill comes long before
                if stop.is_set():
                    return
                try:
                    hazard = stub.ReportHazard(
                        hazards_pb2.ReportHazardRequest(
                            parent=f"units/{UNIT_A}",
                            equipment=f"units/{UNIT_A}/equipment/ea1",
                            source=hazards_pb2.HAZARD_SOURCE_DAILY_CHECK,
                            source_reference=f"daily-{i}",
                            description="压力表超过检定有效期",
                            found_on="2026-03-06",
                            finder="安全员王五",
                        ),
                        metadata=me,
                        timeout=5,
                    )
                    reported.append(hazard.name)
                    stub.RegisterHazard(hazards_pb2.RegisterHazardRequest(name=hazard.name), metadata=me, timeout=5)
                    registered.append(hazard.name)
                except grpc.RpcError:
                    return  # the server is gone

    writers = [threading.Thread(target=write, daemon=True), threading.Thread(target=report_hazards, daemon=True)]
    for writer in writers:
        writer.start()
    deadline = time.monotonic() + 20
    while (len(acknowledged) < 30 or len(registered) < 10) and time.monotonic() < deadline:
        time.sleep(0.01)
    process.kill()  # SIGKILL mid-stream of writes: no shutdown code runs
    process.wait(timeout=10)
    stop.set()
    for writer in writers:
        writer.join(timeout=10)
    assert len(acknowledged) >= 30
    assert len(registered) >= 10

    with Dualprev.open(database_url, migrate=False) as sdk:
        with sdk.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        stored = {e.id for e in sdk.ledger.list_equipment(unit_uscc=UNIT_A, page_size=1000).items}
        events = [e.resource for e in sdk.read_events(0, 100_000) if e.type == "equipment.created"]
        chain = hazards_service.verify_hazard_chain(sdk)
        states = {name: hazards_service.get_hazard(sdk, name.removeprefix("hazards/")).state for name in reported}
        hazard_events = [e.resource for e in sdk.read_events(0, 100_000) if e.type.startswith("hazard.")]
    assert chain.ok, chain.breaks
    assert chain.hazards_checked >= len(reported)
    for name in registered:  # every acknowledged command is on the record
        assert states[name].value != "reported", f"{name}: acknowledged registration lost"
        assert hazard_events.count(name) >= 2, f"{name}: an acknowledged command has no event"
    crashed_ids = {i for i in stored if i.startswith("k-")}
    assert set(acknowledged) <= crashed_ids, "every acknowledged create survived"
    created_events = [r.removeprefix("equipment/") for r in events if r.startswith("equipment/k-")]
    assert sorted(created_events) == sorted(crashed_ids), "one event per stored row: no row without its event"

    process, port = _serve(database_url)  # and the server comes back on the same database
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            health = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5)
            assert health.status == health_pb2.HealthCheckResponse.SERVING
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=15)
