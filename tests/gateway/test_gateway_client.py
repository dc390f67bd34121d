"""dualprev_gateway.client: the key rides on every call, stubs are ready, error details come back unpacked."""

from __future__ import annotations

import grpc
import pytest
from dualprev_gateway._generated.dualprev.v1 import events_pb2, ledger_pb2
from dualprev_gateway.client import connect, error_details
from dualprev_gateway.server import Gateway
from gateway_support import UNIT_A

from dualprev_sdk.access import PrincipalKind


def test_the_client_authenticates_every_call_and_unpacks_rich_errors(
    gateway: Gateway, tokens: dict[PrincipalKind, str]
) -> None:
    with connect(f"127.0.0.1:{gateway.port}", tokens[PrincipalKind.ENTERPRISE]) as client:
        assert client.ledger.GetUnit(ledger_pb2.GetUnitRequest(name=f"units/{UNIT_A}")).uscc == UNIT_A
        with pytest.raises(grpc.RpcError) as failed:
            client.ledger.CreateEquipment(
                ledger_pb2.CreateEquipmentRequest(
                    parent=f"units/{UNIT_A}", equipment=ledger_pb2.Equipment(catalog_code="3110", registered_on="x")
                ),
                metadata=(("x-request-id", "client-1"),),
            )
        details = error_details(failed.value)
        assert details.code is grpc.StatusCode.INVALID_ARGUMENT
        assert details.reason == "INVALID_ARGUMENT"
        assert details.domain == "dualprev.dev"
        assert details.request_id == "client-1"
        assert [field for field, _ in details.field_violations] == ["equipment.registered_on"]


def test_the_client_streams_with_the_key_too(gateway: Gateway, tokens: dict[PrincipalKind, str]) -> None:
    with connect(f"127.0.0.1:{gateway.port}", tokens[PrincipalKind.DATACENTER]) as client:
        events = list(client.events.WatchEvents(events_pb2.WatchEventsRequest(type_prefixes=["unit."]), timeout=10))
    assert {e.type for e in events} == {"unit.created"}


def test_a_wrong_key_is_unauthenticated_through_the_client(gateway: Gateway) -> None:
    with connect(f"127.0.0.1:{gateway.port}", "dpk_nope") as client, pytest.raises(grpc.RpcError) as refused:
        client.ledger.GetUnit(ledger_pb2.GetUnitRequest(name=f"units/{UNIT_A}"))
    assert error_details(refused.value).reason == "UNAUTHENTICATED"
