"""EventService.WatchEvents: the outbox as a resumable stream, with no gaps or duplicates across reconnects."""

from __future__ import annotations

import time

import grpc
import pytest
from dualprev_gateway._generated.dualprev.v1 import events_pb2, events_pb2_grpc
from gateway_support import UNIT_A, bearer

from dualprev_sdk.access import PrincipalKind
from dualprev_sdk.domain.equipment import Equipment
from dualprev_sdk.services.bootstrap import Dualprev


@pytest.fixture
def events(channel: grpc.Channel) -> events_pb2_grpc.EventServiceStub:
    return events_pb2_grpc.EventServiceStub(channel)


def _add_equipment(sdk: Dualprev, count: int, start: int = 0) -> None:
    for i in range(start, start + count):
        sdk.ledger.create_equipment(Equipment(id=f"extra-{i}", unit_uscc=UNIT_A, catalog_code="3110"))


def test_a_consumer_that_reconnects_from_its_last_cursor_misses_nothing_and_sees_nothing_twice(
    events: events_pb2_grpc.EventServiceStub, sdk: Dualprev, tokens: dict[PrincipalKind, str]
) -> None:
    center = bearer(tokens[PrincipalKind.DATACENTER])
    _add_equipment(sdk, 6)
    everything = list(events.WatchEvents(events_pb2.WatchEventsRequest(), metadata=center, timeout=10))
    assert len(everything) >= 10

    first_part = []
    stream = events.WatchEvents(events_pb2.WatchEventsRequest(follow=True), metadata=center, timeout=10)
    for event in stream:
        first_part.append(event)
        if len(first_part) == 3:
            stream.cancel()  # the connection drops mid-stream
            break
    _add_equipment(sdk, 2, start=100)  # written while the consumer was away
    resumed = list(
        events.WatchEvents(events_pb2.WatchEventsRequest(cursor=first_part[-1].cursor), metadata=center, timeout=10)
    )

    seen = [e.cursor for e in (*first_part, *resumed)]
    assert len(seen) == len(set(seen)), "no duplicates"
    assert seen == [e.cursor for e in everything] + seen[len(everything) :]
    assert [e.subject for e in resumed[-2:]] == ["equipment/extra-100", "equipment/extra-101"]


def test_type_prefixes_select_events_without_breaking_resumption(
    events: events_pb2_grpc.EventServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    units_only = list(
        events.WatchEvents(
            events_pb2.WatchEventsRequest(type_prefixes=["unit."]),
            metadata=bearer(tokens[PrincipalKind.DATACENTER]),
            timeout=10,
        )
    )
    assert units_only
    assert {e.type for e in units_only} == {"unit.created"}


def test_a_following_stream_delivers_new_events_and_ends_at_the_clients_deadline(
    events: events_pb2_grpc.EventServiceStub, sdk: Dualprev, tokens: dict[PrincipalKind, str]
) -> None:
    center = bearer(tokens[PrincipalKind.DATACENTER])
    last = list(events.WatchEvents(events_pb2.WatchEventsRequest(), metadata=center, timeout=10))[-1].cursor
    stream = events.WatchEvents(events_pb2.WatchEventsRequest(cursor=last, follow=True), metadata=center, timeout=1.5)
    _add_equipment(sdk, 1, start=200)
    started = time.monotonic()
    received: list[events_pb2.Event] = []
    ended_with = grpc.StatusCode.OK
    try:
        received.extend(stream)
    except grpc.RpcError as error:  # the deadline may win the race with the server's own clean end
        ended_with = error.code()
    assert ended_with in (grpc.StatusCode.OK, grpc.StatusCode.DEADLINE_EXCEEDED)
    assert [e.subject for e in received] == ["equipment/extra-200"]
    assert time.monotonic() - started < 3


def test_only_the_data_centre_receives_the_whole_feed(
    events: events_pb2_grpc.EventServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    """Everyone may watch; each receives its scope (test_gateway_events_scope proves exactly which events)."""

    def watch(kind: PrincipalKind) -> list[str]:
        request = events_pb2.WatchEventsRequest()
        return [e.cursor for e in events.WatchEvents(request, metadata=bearer(tokens[kind]), timeout=5)]

    everything = watch(PrincipalKind.DATACENTER)
    regional = watch(PrincipalKind.REGULATOR)
    assert regional
    assert set(regional) < set(everything)


def test_a_cursor_the_server_did_not_issue_is_invalid_argument(
    events: events_pb2_grpc.EventServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    with pytest.raises(grpc.RpcError) as invalid:
        list(
            events.WatchEvents(
                events_pb2.WatchEventsRequest(cursor="12"), metadata=bearer(tokens[PrincipalKind.DATACENTER]), timeout=5
            )
        )
    assert invalid.value.code() is grpc.StatusCode.INVALID_ARGUMENT


def test_following_streams_are_capped_so_unary_calls_always_find_a_worker(
    sdk: Dualprev, tokens: dict[PrincipalKind, str]
) -> None:
    from dualprev_gateway._generated.dualprev.v1 import ledger_pb2, ledger_pb2_grpc
    from dualprev_gateway.config import GatewayConfig
    from dualprev_gateway.server import build_gateway

    gateway = build_gateway(
        GatewayConfig(address="127.0.0.1:0", max_workers=4, events_poll_seconds=0.05), sdk=sdk
    )  # 4 workers → at most 2 followers
    gateway.start()
    center = bearer(tokens[PrincipalKind.DATACENTER])
    try:
        with grpc.insecure_channel(f"127.0.0.1:{gateway.port}") as channel:
            stub = events_pb2_grpc.EventServiceStub(channel)
            follow = events_pb2.WatchEventsRequest(follow=True)
            streams = [stub.WatchEvents(follow, metadata=center, timeout=20) for _ in range(2)]
            for stream in streams:
                next(stream)  # both are running and holding a worker
            with pytest.raises(grpc.RpcError) as refused:
                next(stub.WatchEvents(follow, metadata=center, timeout=20))
            assert refused.value.code() is grpc.StatusCode.RESOURCE_EXHAUSTED
            unit = ledger_pb2_grpc.LedgerServiceStub(channel).GetUnit(
                ledger_pb2.GetUnitRequest(name=f"units/{UNIT_A}"), metadata=center, timeout=5
            )
            assert unit.uscc == UNIT_A
            streams[0].cancel()
            time.sleep(0.3)  # the server notices the cancellation at its next poll
            assert next(stub.WatchEvents(follow, metadata=center, timeout=20)).cursor
            streams[1].cancel()
    finally:
        gateway.stop(None).wait()


def test_calls_beyond_the_concurrency_limit_are_refused_not_queued_without_bound(
    sdk: Dualprev, tokens: dict[PrincipalKind, str]
) -> None:
    from dualprev_gateway.config import GatewayConfig
    from dualprev_gateway.server import build_gateway
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    gateway = build_gateway(
        GatewayConfig(address="127.0.0.1:0", max_concurrent_rpcs=1, events_poll_seconds=0.05), sdk=sdk
    )
    gateway.start()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{gateway.port}") as channel:
            stream = events_pb2_grpc.EventServiceStub(channel).WatchEvents(
                events_pb2.WatchEventsRequest(follow=True),
                metadata=bearer(tokens[PrincipalKind.DATACENTER]),
                timeout=20,
            )
            next(stream)  # the one allowed call is in progress
            with pytest.raises(grpc.RpcError) as refused:
                health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=5)
            assert refused.value.code() is grpc.StatusCode.RESOURCE_EXHAUSTED
            stream.cancel()
    finally:
        gateway.stop(None).wait()
