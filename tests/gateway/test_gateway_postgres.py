"""The gateway on PostgreSQL (production): keys, ledger, hazard loop and the event feed over a real channel.

Runs only with ``DUALPREV_TEST_POSTGRES_URL`` (the ``pg`` tox env / CI), in a throw-away schema.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from dualprev_gateway._generated.dualprev.v1 import events_pb2, hazards_pb2, ledger_pb2
from dualprev_gateway.client import connect
from dualprev_gateway.config import GatewayConfig
from dualprev_gateway.server import build_gateway
from gateway_support import UNIT_A
from sqlalchemy.engine import make_url

from dualprev_sdk.access import issue_api_key
from dualprev_sdk.services.bootstrap import Dualprev
from dualprev_sdk.store.engine import make_engine, normalise_url

POSTGRES_ENV = "DUALPREV_TEST_POSTGRES_URL"
pytestmark = pytest.mark.postgres


@pytest.fixture
def postgres_sdk() -> Iterator[Dualprev]:
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"PostgreSQL run skipped: set {POSTGRES_ENV} to enable it")
    schema = f"dualprev_gateway_{uuid.uuid4().hex[:12]}"
    admin = make_engine(base)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(normalise_url(base)).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        with Dualprev.open(url.render_as_string(hide_password=False)) as sdk:
            yield sdk
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_the_gateway_serves_keys_ledger_hazards_and_events_on_postgresql(postgres_sdk: Dualprev) -> None:
    enterprise = issue_api_key("enterprise", UNIT_A)
    regulator = issue_api_key("regulator", "4101")
    centre = issue_api_key("datacenter", "*")
    with postgres_sdk.uow() as uow:
        for issued in (enterprise, regulator, centre):
            uow.api_keys.add(issued.key)
        uow.commit()
    gateway = build_gateway(GatewayConfig(address="127.0.0.1:0", max_workers=4), sdk=postgres_sdk)
    gateway.start()
    target = f"127.0.0.1:{gateway.port}"
    try:
        with connect(target, enterprise.token) as unit_client, connect(target, regulator.token) as regulator_client:
            unit = unit_client.ledger.CreateUnit(
                ledger_pb2.CreateUnitRequest(
                    unit=ledger_pb2.Unit(uscc=UNIT_A, display_name="郑州示例单位", region_code="410102"),
                    request_id=str(uuid.uuid4()),
                )
            )
            lift = unit_client.ledger.CreateEquipment(
                ledger_pb2.CreateEquipmentRequest(
                    parent=unit.name, equipment_id="lift-1", equipment=ledger_pb2.Equipment(catalog_code="3110")
                )
            )
            hazard = unit_client.hazards.ReportHazard(
                hazards_pb2.ReportHazardRequest(
                    parent=unit.name,
                    equipment=lift.name,
                    source=hazards_pb2.HAZARD_SOURCE_DAILY_CHECK,
                    source_reference="日检-9",
                    description="底坑积水",
                    found_on="2026-03-08",
                )
            )
            unit_client.hazards.RegisterHazard(hazards_pb2.RegisterHazardRequest(name=hazard.name))
            graded = regulator_client.hazards.GradeHazard(
                hazards_pb2.GradeHazardRequest(
                    name=hazard.name,
                    person=hazards_pb2.GradeByPerson(level=hazards_pb2.HAZARD_LEVEL_GENERAL, reason="一般"),
                )
            )
            assert graded.state == hazards_pb2.HAZARD_STATE_GRADED
        with connect(target, centre.token) as centre_client:
            events = list(centre_client.events.WatchEvents(events_pb2.WatchEventsRequest(), timeout=10))
            resumed = list(
                centre_client.events.WatchEvents(events_pb2.WatchEventsRequest(cursor=events[1].cursor), timeout=10)
            )
        assert [e.type for e in events][:2] == ["unit.created", "equipment.created"]
        assert [e.cursor for e in resumed] == [e.cursor for e in events[2:]]
        assert {"hazard.reported", "hazard.registered", "hazard.graded"} <= {e.type for e in events}
    finally:
        gateway.stop(None).wait()
