"""AIP-155 request ids survive the gateway: a CreateUnit retried after a server restart (a second server on the
same database) returns the first unit; another API key reusing the id is INVALID_ARGUMENT on ``request_id``."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import grpc
import pytest
import sqlalchemy as sa
from dualprev_gateway._generated.dualprev.v1 import ledger_pb2, ledger_pb2_grpc
from dualprev_gateway.config import GatewayConfig
from dualprev_gateway.server import build_gateway
from gateway_support import UNIT_A, UNIT_NEW, bearer
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from dualprev_sdk.access import PrincipalKind, issue_api_key
from dualprev_sdk.services.bootstrap import Dualprev
from dualprev_sdk.store.equipment import EQUIPMENT
from dualprev_sdk.store.units import UNITS


@contextmanager
def _server(database_url: str) -> Iterator[ledger_pb2_grpc.LedgerServiceStub]:
    """One gateway process' worth: its own SDK (engine, pool) and server on the database, stopped on exit."""
    with Dualprev.open(database_url, migrate=False) as sdk:
        gateway = build_gateway(GatewayConfig(address="127.0.0.1:0", max_workers=2), sdk=sdk)
        gateway.start()
        try:
            with grpc.insecure_channel(f"127.0.0.1:{gateway.port}") as channel:
                yield ledger_pb2_grpc.LedgerServiceStub(channel)
        finally:
            gateway.stop(None).wait()


@pytest.fixture
def new_unit_keys(database_url: str) -> dict[str, str]:
    """Two API keys of the not-yet-registered unit UNIT_NEW (say, its web app and its import job)."""
    tokens = {}
    with Dualprev.open(database_url, migrate=False) as sdk, sdk.uow() as uow:
        for label in ("web", "import"):
            issued = issue_api_key(PrincipalKind.ENTERPRISE, UNIT_NEW, label=label)
            uow.api_keys.add(issued.key)
            tokens[label] = issued.token
        uow.commit()
    return tokens


def _count(database_url: str, table: sa.Table, *where: sa.ColumnElement[bool]) -> int:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(table).where(*where)).scalar_one())
    finally:
        engine.dispose()


def _violations(error: grpc.RpcError) -> list[tuple[str, str]]:
    status = rpc_status.from_call(error)
    assert status is not None
    found = []
    for detail in status.details:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            found += [(v.field, v.reason) for v in bad.field_violations]
    return found


def _create_unit(request_id: str, display_name: str = "郑州金水示例单位") -> ledger_pb2.CreateUnitRequest:
    return ledger_pb2.CreateUnitRequest(
        unit=ledger_pb2.Unit(uscc=UNIT_NEW, display_name=display_name, region_code="410105"),
        request_id=request_id,
    )


def test_a_create_unit_retried_after_a_server_restart_returns_the_first_unit(
    database_url: str, new_unit_keys: dict[str, str]
) -> None:
    request_id = str(uuid.uuid4())
    web = bearer(new_unit_keys["web"])
    with _server(database_url) as ledger:
        first = ledger.CreateUnit(_create_unit(request_id), metadata=web)
    with _server(database_url) as restarted:
        again = restarted.CreateUnit(_create_unit(request_id), metadata=web)
        written_differently = restarted.CreateUnit(_create_unit(request_id.upper().replace("-", "")), metadata=web)
    assert again == first
    assert written_differently == first
    assert _count(database_url, UNITS, UNITS.c.uscc == UNIT_NEW) == 1


def test_another_key_reusing_a_request_id_is_invalid_argument_on_request_id(
    database_url: str, new_unit_keys: dict[str, str]
) -> None:
    request_id = str(uuid.uuid4())
    with _server(database_url) as ledger:
        ledger.CreateUnit(_create_unit(request_id), metadata=bearer(new_unit_keys["web"]))
    with _server(database_url) as restarted, pytest.raises(grpc.RpcError) as reused:
        restarted.CreateUnit(_create_unit(request_id), metadata=bearer(new_unit_keys["import"]))
    assert reused.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert [field for field, _ in _violations(reused.value)] == ["request_id"]


def test_a_request_id_reused_for_a_different_unit_is_invalid_argument(
    database_url: str, new_unit_keys: dict[str, str]
) -> None:
    request_id = str(uuid.uuid4())
    web = bearer(new_unit_keys["web"])
    with _server(database_url) as ledger:
        ledger.CreateUnit(_create_unit(request_id), metadata=web)
        with pytest.raises(grpc.RpcError) as changed:
            ledger.CreateUnit(_create_unit(request_id, display_name="另一个名称"), metadata=web)
    assert changed.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert [field for field, _ in _violations(changed.value)] == ["request_id"]


def test_create_equipment_without_an_id_retried_on_another_server_returns_the_same_generated_id(
    database_url: str, tokens: dict[PrincipalKind, str]
) -> None:
    request = ledger_pb2.CreateEquipmentRequest(
        parent=f"units/{UNIT_A}",
        equipment=ledger_pb2.Equipment(catalog_code="3110", display_name="5号客梯"),
        request_id=str(uuid.uuid4()),
    )
    me = bearer(tokens[PrincipalKind.ENTERPRISE])
    before = _count(database_url, EQUIPMENT, EQUIPMENT.c.unit_uscc == UNIT_A)
    with _server(database_url) as one, _server(database_url) as other:  # two gateway processes, one database
        first = one.CreateEquipment(request, metadata=me)
        again = other.CreateEquipment(request, metadata=me)
    assert again.name == first.name
    assert _count(database_url, EQUIPMENT, EQUIPMENT.c.unit_uscc == UNIT_A) == before + 1
