"""Authentication, public health/reflection, request ids, and the no-traceback guarantee, over real sockets."""

from __future__ import annotations

import logging
import time

import grpc
import pytest
from dualprev_gateway._generated.dualprev.v1 import ledger_pb2, ledger_pb2_grpc, plugins_pb2, plugins_pb2_grpc
from dualprev_gateway.auth import CachedApiKeys
from dualprev_gateway.config import GatewayConfig
from dualprev_gateway.server import BUSINESS_SERVICES, Gateway, build_gateway
from gateway_support import UNIT_A, bearer
from google.protobuf.descriptor_pool import DescriptorPool
from google.rpc import error_details_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase
from grpc_status import rpc_status

from dualprev_sdk.access import ApiKey, InMemoryApiKeys, PrincipalKind
from dualprev_sdk.services.bootstrap import Dualprev


def _list_plugins(channel: grpc.Channel, metadata: tuple[tuple[str, str], ...] = ()) -> plugins_pb2.ListPluginsResponse:
    return plugins_pb2_grpc.PluginServiceStub(channel).ListPlugins(plugins_pb2.ListPluginsRequest(), metadata=metadata)


@pytest.mark.parametrize(
    "metadata",
    [
        (),
        (("authorization", "Basic dXNlcjpwdw=="),),
        (("authorization", "Bearer not-a-key"),),
        (("authorization", "Bearer dpk_0123456789abcdef_" + "A" * 43),),  # well-formed, unknown
    ],
    ids=["no key", "wrong scheme", "malformed key", "unknown key"],
)
def test_a_business_call_without_a_valid_key_is_unauthenticated(
    channel: grpc.Channel, metadata: tuple[tuple[str, str], ...]
) -> None:
    with pytest.raises(grpc.RpcError) as refused:
        _list_plugins(channel, metadata)
    assert refused.value.code() is grpc.StatusCode.UNAUTHENTICATED
    status = rpc_status.from_call(refused.value)  # type: ignore[arg-type]
    assert status is not None
    info = error_details_pb2.ErrorInfo()
    assert status.details[0].Unpack(info)
    assert info.reason == "UNAUTHENTICATED"


def _revoke_after_use(sdk: Dualprev, cache_seconds: float, token: str) -> tuple[Gateway, grpc.Channel]:
    built = build_gateway(GatewayConfig(address="127.0.0.1:0", api_key_cache_seconds=cache_seconds), sdk=sdk)
    built.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{built.port}")
    assert _list_plugins(channel, bearer(token)).plugins
    with sdk.uow() as uow:
        uow.api_keys.revoke(token.split("_")[1])
        uow.commit()
    return built, channel


def test_with_the_key_cache_off_a_revoked_key_stops_working_at_once(
    sdk: Dualprev, tokens: dict[PrincipalKind, str]
) -> None:
    built, channel = _revoke_after_use(sdk, 0, tokens[PrincipalKind.DATACENTER])
    try:
        with pytest.raises(grpc.RpcError) as refused:
            _list_plugins(channel, bearer(tokens[PrincipalKind.DATACENTER]))
        assert refused.value.code() is grpc.StatusCode.UNAUTHENTICATED
    finally:
        channel.close()
        built.stop(None).wait()


def test_a_revoked_key_stops_working_once_the_key_cache_time_has_passed(
    sdk: Dualprev, tokens: dict[PrincipalKind, str]
) -> None:
    token = tokens[PrincipalKind.DATACENTER]
    built, channel = _revoke_after_use(sdk, 0.5, token)
    try:
        assert _list_plugins(channel, bearer(token)).plugins, "the cached key record is reused for up to 0.5 s"
        time.sleep(0.6)
        with pytest.raises(grpc.RpcError) as refused:
            _list_plugins(channel, bearer(token))
        assert refused.value.code() is grpc.StatusCode.UNAUTHENTICATED
    finally:
        channel.close()
        built.stop(None).wait()


def test_a_cached_key_still_needs_its_secret(channel: grpc.Channel, tokens: dict[PrincipalKind, str]) -> None:
    token = tokens[PrincipalKind.DATACENTER]
    assert _list_plugins(channel, bearer(token)).plugins  # the key record is now cached
    prefix, key_id, secret = token.split("_", 2)
    forged = f"{prefix}_{key_id}_{'A' * len(secret)}"
    with pytest.raises(grpc.RpcError) as refused:
        _list_plugins(channel, bearer(forged))
    assert refused.value.code() is grpc.StatusCode.UNAUTHENTICATED


def test_plugins_are_listed_like_the_cli_does(channel: grpc.Channel, tokens: dict[PrincipalKind, str]) -> None:
    listed = _list_plugins(channel, bearer(tokens[PrincipalKind.AGENCY]))
    assert any(c.key for p in listed.plugins for c in p.equipment_classes), "built-in equipment classes are listed"


def test_health_checking_needs_no_key_and_reports_every_service_serving(channel: grpc.Channel) -> None:
    health = health_pb2_grpc.HealthStub(channel)
    for service in ("", *BUSINESS_SERVICES):
        reply = health.Check(health_pb2.HealthCheckRequest(service=service), timeout=5)
        assert reply.status == health_pb2.HealthCheckResponse.SERVING, service


def test_a_draining_server_reports_not_serving(gateway: Gateway, channel: grpc.Channel) -> None:
    gateway._set_health(health_pb2.HealthCheckResponse.NOT_SERVING)
    reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=""), timeout=5)
    assert reply.status == health_pb2.HealthCheckResponse.NOT_SERVING


def test_reflection_needs_no_key_and_describes_the_business_services(channel: grpc.Channel) -> None:
    database = ProtoReflectionDescriptorDatabase(channel)
    assert set(BUSINESS_SERVICES) <= set(database.get_services())
    pool = DescriptorPool(database)
    ledger = pool.FindServiceByName("dualprev.v1.LedgerService")
    assert "GetUnit" in [m.name for m in ledger.methods]
    assert pool.FindMessageTypeByName("dualprev.v1.Unit").fields_by_name["etag"].number == 12


def test_the_request_id_a_client_sends_is_echoed_in_the_trailers(
    channel: grpc.Channel, tokens: dict[PrincipalKind, str]
) -> None:
    stub = ledger_pb2_grpc.LedgerServiceStub(channel)
    _, call = stub.GetUnit.with_call(
        ledger_pb2.GetUnitRequest(name=f"units/{UNIT_A}"),
        metadata=(*bearer(tokens[PrincipalKind.DATACENTER]), ("x-request-id", "req-123")),
    )
    assert ("x-request-id", "req-123") in tuple(call.trailing_metadata())


def test_a_server_generates_a_request_id_when_the_client_sends_none_or_junk(
    channel: grpc.Channel, tokens: dict[PrincipalKind, str]
) -> None:
    stub = ledger_pb2_grpc.LedgerServiceStub(channel)
    _, call = stub.GetUnit.with_call(
        ledger_pb2.GetUnitRequest(name=f"units/{UNIT_A}"),
        metadata=(*bearer(tokens[PrincipalKind.DATACENTER]), ("x-request-id", "bad id with spaces")),
    )
    echoed = dict(call.trailing_metadata())["x-request-id"]
    assert len(echoed) == 32
    assert echoed != "bad id with spaces"


def test_an_unexpected_failure_is_internal_with_the_request_id_and_no_traceback(
    channel: grpc.Channel, sdk: Dualprev, tokens: dict[PrincipalKind, str], caplog: pytest.LogCaptureFixture
) -> None:
    with sdk.engine.begin() as connection:  # break the database underneath the server
        connection.exec_driver_sql("ALTER TABLE units RENAME TO units_gone")
    stub = ledger_pb2_grpc.LedgerServiceStub(channel)
    with caplog.at_level(logging.ERROR, logger="dualprev_gateway"), pytest.raises(grpc.RpcError) as failed:
        stub.GetUnit(
            ledger_pb2.GetUnitRequest(name=f"units/{UNIT_A}"),
            metadata=(*bearer(tokens[PrincipalKind.DATACENTER]), ("x-request-id", "req-boom")),
        )
    error = failed.value
    assert error.code() is grpc.StatusCode.INTERNAL
    assert "req-boom" in error.details()
    for leak in ("Traceback", "sqlite", "units", "OperationalError"):
        assert leak not in error.details()
    assert ("x-request-id", "req-boom") in tuple(error.trailing_metadata())
    logged = [r for r in caplog.records if getattr(r, "fields", {}).get("request_id") == "req-boom"]
    assert logged
    assert logged[0].exc_info is not None, "the traceback goes to the log instead"


def test_every_call_leaves_one_access_log_line_saying_who_called_what_and_how_it_ended(
    channel: grpc.Channel, tokens: dict[PrincipalKind, str], caplog: pytest.LogCaptureFixture
) -> None:
    stub = ledger_pb2_grpc.LedgerServiceStub(channel)
    token = tokens[PrincipalKind.REGULATOR]
    with caplog.at_level(logging.INFO, logger="dualprev_gateway"):
        stub.GetUnit(
            ledger_pb2.GetUnitRequest(name=f"units/{UNIT_A}"), metadata=(*bearer(token), ("x-request-id", "audit-1"))
        )
    lines = [getattr(r, "fields", {}) for r in caplog.records if r.getMessage() == "call"]
    audit = [f for f in lines if f.get("request_id") == "audit-1"]
    assert len(audit) == 1
    assert audit[0]["method"] == "/dualprev.v1.LedgerService/GetUnit"
    assert audit[0]["code"] == "OK"
    assert audit[0]["principal"] == "regulator:4101"
    assert audit[0]["key_id"] == token.split("_")[1]


class _CountingKeys:
    """A real in-memory key source that counts look-ups (how often the cache goes to the store)."""

    def __init__(self) -> None:
        self.keys = InMemoryApiKeys()
        self.lookups = 0

    def find(self, key_id: str) -> ApiKey | None:
        self.lookups += 1
        return self.keys.find(key_id)


def test_the_key_cache_asks_the_store_once_per_key_until_the_time_passes_and_never_remembers_unknown_ids() -> None:
    source = _CountingKeys()
    token = source.keys.issue(PrincipalKind.DATACENTER, "*")
    key_id = token.split("_")[1]
    cache = CachedApiKeys(source, ttl=0.3)
    assert all(cache.find(key_id) is not None for _ in range(5))
    assert source.lookups == 1
    assert cache.find("0123456789abcdef") is None
    assert cache.find("0123456789abcdef") is None
    assert source.lookups == 3, "an unknown id is asked every time, so a key issued a moment ago works at once"
    time.sleep(0.35)
    cache.find(key_id)
    assert source.lookups == 4


def test_the_key_cache_forgets_the_least_recently_used_keys_beyond_its_capacity() -> None:
    source = _CountingKeys()
    ids = [source.keys.issue(PrincipalKind.DATACENTER, "*").split("_")[1] for _ in range(3)]
    cache = CachedApiKeys(source, ttl=60, capacity=2)
    for key_id in ids:
        cache.find(key_id)
    cache.find(ids[2])
    cache.find(ids[1])
    assert source.lookups == 3, "the two most recent stay cached"
    cache.find(ids[0])
    assert source.lookups == 4, "the oldest was forgotten"
