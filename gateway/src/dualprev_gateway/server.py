"""Building and running the gRPC server.

``build_server(config)`` wires everything and binds the port but does not start: tests call it with
``address="127.0.0.1:0"`` and read the bound port; ``serve()`` adds start-up, signal handling and graceful
shutdown for production. The pieces:

- interceptors, outermost first: request id (+ access log + the one error mapping), then authentication;
- business services: plugins, ledger, hazards, events (each servicer thin: proto → SDK call → proto);
- standard health checking (``grpc.health.v1``; every service SERVING once started, NOT_SERVING while
  draining) and server reflection (so grpcurl and other languages' tooling can discover the API);
- housekeeping: the request id pruner (:mod:`dualprev_gateway.pruning`), started and stopped with the server.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Sequence
from concurrent import futures
from types import FrameType
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from dualprev_gateway._generated.dualprev.v1 import (
    credit_pb2,
    credit_pb2_grpc,
    elevator_emergency_pb2,
    elevator_emergency_pb2_grpc,
    emergency_pb2,
    emergency_pb2_grpc,
    enterprise_pb2,
    enterprise_pb2_grpc,
    events_pb2,
    events_pb2_grpc,
    hazards_pb2,
    hazards_pb2_grpc,
    inspections_pb2,
    inspections_pb2_grpc,
    investigation_pb2,
    investigation_pb2_grpc,
    ledger_pb2,
    ledger_pb2_grpc,
    personnel_pb2,
    personnel_pb2_grpc,
    plugins_pb2,
    plugins_pb2_grpc,
    risk_pb2,
    risk_pb2_grpc,
    supervision_pb2,
    supervision_pb2_grpc,
    traceability_pb2,
    traceability_pb2_grpc,
)
from dualprev_gateway.auth import AuthInterceptor, CachedApiKeys
from dualprev_gateway.config import GatewayConfig
from dualprev_gateway.interceptors import RequestIdInterceptor
from dualprev_gateway.pruning import RequestIdPruner
from dualprev_gateway.servicers.credit import CreditServicer
from dualprev_gateway.servicers.elevator_emergency import ElevatorEmergencyServicer
from dualprev_gateway.servicers.emergency import EmergencyServicer
from dualprev_gateway.servicers.enterprise import EnterpriseServicer
from dualprev_gateway.servicers.events import EventServicer
from dualprev_gateway.servicers.hazards import HazardServicer
from dualprev_gateway.servicers.inspections import InspectionServicer
from dualprev_gateway.servicers.investigation import InvestigationServicer
from dualprev_gateway.servicers.ledger import LedgerServicer
from dualprev_gateway.servicers.personnel import PersonnelServicer
from dualprev_gateway.servicers.plugins import PluginServicer
from dualprev_gateway.servicers.risk import RiskServicer
from dualprev_gateway.servicers.supervision import SupervisionServicer
from dualprev_gateway.servicers.traceability import TraceabilityServicer
from dualprev_sdk.access import ApiKeySource
from dualprev_sdk.plugins import PluginHost
from dualprev_sdk.services.bootstrap import Dualprev

__all__ = ["BUSINESS_SERVICES", "Gateway", "build_server", "serve"]

log = logging.getLogger("dualprev_gateway.server")

#: How long ``Gateway.stop(None)`` waits for a prune in progress (its thread is a daemon: never longer).
PRUNER_STOP_SECONDS = 5.0

#: Full names of the business services this server registers (reflection and health list them too).
BUSINESS_SERVICES: tuple[str, ...] = (
    plugins_pb2.DESCRIPTOR.services_by_name["PluginService"].full_name,
    ledger_pb2.DESCRIPTOR.services_by_name["LedgerService"].full_name,
    hazards_pb2.DESCRIPTOR.services_by_name["HazardService"].full_name,
    events_pb2.DESCRIPTOR.services_by_name["EventService"].full_name,
    traceability_pb2.DESCRIPTOR.services_by_name["TraceabilityService"].full_name,
    elevator_emergency_pb2.DESCRIPTOR.services_by_name["ElevatorEmergencyService"].full_name,
    credit_pb2.DESCRIPTOR.services_by_name["CreditService"].full_name,
    supervision_pb2.DESCRIPTOR.services_by_name["SupervisionService"].full_name,
    risk_pb2.DESCRIPTOR.services_by_name["RiskService"].full_name,
    inspections_pb2.DESCRIPTOR.services_by_name["InspectionService"].full_name,
    investigation_pb2.DESCRIPTOR.services_by_name["InvestigationService"].full_name,
    personnel_pb2.DESCRIPTOR.services_by_name["PersonnelService"].full_name,
    emergency_pb2.DESCRIPTOR.services_by_name["EmergencyService"].full_name,
    enterprise_pb2.DESCRIPTOR.services_by_name["EnterpriseService"].full_name,
)


class Gateway:
    """A built server plus what serving it needs: the bound port, the health servicer to flip on drain, and the
    background housekeeping (the request id pruner, None when retention is off)."""

    def __init__(
        self,
        server: grpc.Server,
        port: int,
        health_servicer: health.HealthServicer,
        sdk: Dualprev,
        *,
        owns_sdk: bool,
        pruner: RequestIdPruner | None = None,
    ) -> None:
        self.server = server
        self.port = port
        self.health = health_servicer
        self.sdk = sdk
        self.owns_sdk = owns_sdk  # opened by build_gateway, so closed by serve()
        self.pruner = pruner

    def start(self) -> None:
        self.server.start()
        self._set_health(health_pb2.HealthCheckResponse.SERVING)
        if self.pruner is not None:
            self.pruner.start()

    def stop(self, grace: float | None) -> threading.Event:
        """Mark NOT_SERVING (load balancers stop routing), refuse new calls, let running ones finish; stop the
        pruner (waiting at most ``grace`` seconds, or :data:`PRUNER_STOP_SECONDS`, for a run in progress)."""
        self._set_health(health_pb2.HealthCheckResponse.NOT_SERVING)
        stopped = self.server.stop(grace)
        if self.pruner is not None:
            self.pruner.stop(timeout=PRUNER_STOP_SECONDS if grace is None else max(grace, 0.1))
        return stopped

    def _set_health(self, status: Any) -> None:
        self.health.set("", status)
        for name in BUSINESS_SERVICES:
            self.health.set(name, status)


def build_gateway(
    config: GatewayConfig,
    *,
    sdk: Dualprev | None = None,
    keys: ApiKeySource | None = None,
    plugin_host: PluginHost | None = None,
    extra_interceptors: Sequence[grpc.ServerInterceptor] = (),
) -> Gateway:
    """Wire and bind (not start) a server. ``sdk`` defaults to ``Dualprev.open(config.db)`` (then closed by
    ``serve``); ``keys`` to the API keys stored in that database; ``plugin_host`` to the SDK's."""
    owns_sdk = sdk is None
    if sdk is None:
        # One pooled connection per worker: with the default pool (5) busy workers open and close connections
        # (and re-run the SQLite PRAGMAs) on every call beyond it.
        sdk = Dualprev.open(config.db, engine_options={"pool_size": config.max_workers})
    if config.read_cache_seconds > 0 and sdk.read_cache is None:
        sdk.enable_read_cache(config.read_cache_seconds)
    if keys is None:
        keys = sdk.api_key_source()
    if config.api_key_cache_seconds > 0:
        keys = CachedApiKeys(keys, ttl=config.api_key_cache_seconds)
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=config.max_workers, thread_name_prefix="dualprev-grpc"),
        interceptors=[RequestIdInterceptor(), AuthInterceptor(keys), *extra_interceptors],
        options=[
            ("grpc.so_reuseport", 0),
            ("grpc.keepalive_time_ms", int(config.keepalive_seconds * 1000)),
            ("grpc.keepalive_timeout_ms", 10_000),
        ],
        maximum_concurrent_rpcs=config.concurrent_rpcs,
    )
    plugins_pb2_grpc.add_PluginServiceServicer_to_server(PluginServicer(plugin_host or sdk.host), server)
    ledger_pb2_grpc.add_LedgerServiceServicer_to_server(LedgerServicer(sdk), server)
    hazards_pb2_grpc.add_HazardServiceServicer_to_server(HazardServicer(sdk), server)
    events_pb2_grpc.add_EventServiceServicer_to_server(
        EventServicer(
            sdk,
            poll_seconds=config.events_poll_seconds,
            batch=config.events_batch,
            max_followers=config.event_followers,
        ),
        server,
    )
    traceability_pb2_grpc.add_TraceabilityServiceServicer_to_server(TraceabilityServicer(sdk), server)
    elevator_emergency_pb2_grpc.add_ElevatorEmergencyServiceServicer_to_server(ElevatorEmergencyServicer(sdk), server)
    credit_pb2_grpc.add_CreditServiceServicer_to_server(CreditServicer(sdk), server)
    supervision_pb2_grpc.add_SupervisionServiceServicer_to_server(SupervisionServicer(sdk), server)
    risk_pb2_grpc.add_RiskServiceServicer_to_server(RiskServicer(sdk), server)
    inspections_pb2_grpc.add_InspectionServiceServicer_to_server(InspectionServicer(sdk), server)
    investigation_pb2_grpc.add_InvestigationServiceServicer_to_server(InvestigationServicer(sdk), server)
    personnel_pb2_grpc.add_PersonnelServiceServicer_to_server(PersonnelServicer(sdk), server)
    emergency_pb2_grpc.add_EmergencyServiceServicer_to_server(EmergencyServicer(sdk), server)
    enterprise_pb2_grpc.add_EnterpriseServiceServicer_to_server(EnterpriseServicer(sdk), server)
    health_servicer = health.HealthServicer(experimental_non_blocking=True)
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    reflection.enable_server_reflection(
        (*BUSINESS_SERVICES, health_pb2.DESCRIPTOR.services_by_name["Health"].full_name, reflection.SERVICE_NAME),
        server,
    )
    port = _bind(server, config)
    retention = config.request_id_retention
    pruner = (
        None
        if retention is None
        else RequestIdPruner(sdk, retention=retention, interval=config.request_id_prune_interval_seconds)
    )
    return Gateway(server, port, health_servicer, sdk, owns_sdk=owns_sdk, pruner=pruner)


def _bind(server: grpc.Server, config: GatewayConfig) -> int:
    if config.tls is None:
        port = server.add_insecure_port(config.address)
    else:
        cert, key, client_ca = config.tls.read()
        credentials = grpc.ssl_server_credentials(
            [(key, cert)], root_certificates=client_ca, require_client_auth=client_ca is not None
        )
        port = server.add_secure_port(config.address, credentials)
    if port == 0:
        raise OSError(f"could not bind the gRPC server to {config.address}")
    return port


def build_server(config: GatewayConfig, **kwargs: Any) -> tuple[grpc.Server, int]:
    """``(server, port)``: the bound, not yet started server. See :func:`build_gateway` for the keywords."""
    gateway = build_gateway(config, **kwargs)
    return gateway.server, gateway.port


def serve(
    config: GatewayConfig,
    *,
    on_started: Callable[[Gateway], None] | None = None,
    **kwargs: Any,
) -> None:
    """Run until SIGTERM or SIGINT, then drain: NOT_SERVING, refuse new calls, give running calls
    ``grace_seconds`` to finish, and return."""
    gateway = build_gateway(config, **kwargs)
    stop_requested = threading.Event()

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        log.info("stopping", extra={"fields": {"signal": signal.Signals(signum).name}})
        stop_requested.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        gateway.start()
        log.info(
            "serving",
            extra={"fields": {"address": config.address, "port": gateway.port, "tls": config.tls is not None}},
        )
        if on_started is not None:
            on_started(gateway)
        while not stop_requested.wait(timeout=1.0):
            pass
        gateway.stop(config.grace_seconds).wait()
        log.info("stopped", extra={"fields": {"grace_seconds": config.grace_seconds}})
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if gateway.owns_sdk:
            gateway.sdk.close()
