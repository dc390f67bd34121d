"""The traceability, 96333, credit and supervision services on PostgreSQL (production), over a real channel.

Runs only with ``DUALPREV_TEST_POSTGRES_URL`` (the ``pg`` tox env / CI), in a throw-away schema: the streamed
fills and the trace, a 96333 incident retried by id and its KPIs, a classification and a blacklist sweep, a draw
verified from its snapshot and statistics by region — and over-long text answered INVALID_ARGUMENT, which
PostgreSQL (unlike SQLite) would otherwise refuse mid-transaction.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator

import grpc
import pytest
import sqlalchemy as sa
from dualprev_gateway._generated.dualprev.v1 import (
    credit_pb2,
    credit_pb2_grpc,
    elevator_emergency_pb2,
    elevator_emergency_pb2_grpc,
    supervision_pb2,
    supervision_pb2_grpc,
    traceability_pb2,
    traceability_pb2_grpc,
)
from dualprev_gateway.config import GatewayConfig
from dualprev_gateway.server import build_gateway
from gateway_support import UNIT_A, bearer
from google.protobuf import timestamp_pb2
from sqlalchemy.engine import make_url

from dualprev_sdk.access import issue_api_key
from dualprev_sdk.domain.equipment import Equipment
from dualprev_sdk.domain.personnel import Certificate, Person
from dualprev_sdk.domain.unit import UseUnit
from dualprev_sdk.services.bootstrap import Dualprev
from dualprev_sdk.store.engine import make_engine, normalise_url

POSTGRES_ENV = "DUALPREV_TEST_POSTGRES_URL"
pytestmark = pytest.mark.postgres
UNIT = f"units/{UNIT_A}"
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


@pytest.fixture
def postgres_sdk() -> Iterator[Dualprev]:
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"PostgreSQL run skipped: set {POSTGRES_ENV} to enable it")
    schema = f"dualprev_capabilities_{uuid.uuid4().hex[:12]}"
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


def _stamp(value: dt.datetime) -> timestamp_pb2.Timestamp:
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(value)
    return stamp


def test_the_four_capability_services_work_end_to_end_on_postgresql(postgres_sdk: Dualprev) -> None:
    sdk = postgres_sdk
    sdk.ledger.create_unit(UseUnit(uscc=UNIT_A, name="郑州示例充装站", region_code="410102"))
    sdk.ledger.create_equipment(Equipment(id="ea1", unit_uscc=UNIT_A, catalog_code="3110", name="1号客梯"))
    unit, regulator = issue_api_key("enterprise", UNIT_A), issue_api_key("regulator", "4101")
    with sdk.uow() as uow:
        uow.api_keys.add(unit.key)
        uow.api_keys.add(regulator.key)
        uow.people.add(
            Person(
                id="filler-1",
                unit_uscc=UNIT_A,
                name="充装工",
                certificates=(Certificate(number="P-1", category_code="P", expires_on=dt.date(2030, 1, 1)),),
            )
        )
        uow.commit()
    me, them = bearer(unit.token), bearer(regulator.token)
    gateway = build_gateway(GatewayConfig(address="127.0.0.1:0", max_workers=4), sdk=sdk)
    gateway.start()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{gateway.port}") as channel:
            trace = traceability_pb2_grpc.TraceabilityServiceStub(channel)
            trace.RegisterCylinders(
                traceability_pb2.RegisterCylindersRequest(
                    parent=UNIT,
                    cylinders=[
                        traceability_pb2.Cylinder(
                            tag=f"PG-{n}", medium="液化石油气", catalog_code="2320", next_inspection_due="2030-01-01"
                        )
                        for n in range(3)
                    ],
                ),
                metadata=me,
            )
            fills = [
                traceability_pb2.Fill(
                    cylinder=f"cylinders/PG-{n % 4}",
                    station=UNIT,
                    filler_id="filler-1",
                    medium="液化石油气",
                    fill_time=_stamp(NOW + dt.timedelta(hours=1, minutes=n)),
                )
                for n in range(8)
            ]
            summary = trace.RecordFills(iter([traceability_pb2.RecordFillsRequest(fills=fills)]), metadata=me)
            assert (summary.filled_count, summary.refused_count) == (6, 2)
            life = trace.TraceCylinder(traceability_pb2.TraceCylinderRequest(name="cylinders/PG-0"), metadata=them)
            assert len(life.events) == 3
            with pytest.raises(grpc.RpcError) as too_long:
                trace.RegisterCylinders(
                    traceability_pb2.RegisterCylindersRequest(
                        parent=UNIT, cylinders=[traceability_pb2.Cylinder(tag="X" * 70, medium="氧")]
                    ),
                    metadata=me,
                )
            assert too_long.value.code() is grpc.StatusCode.INVALID_ARGUMENT

            emergency = elevator_emergency_pb2_grpc.ElevatorEmergencyServiceStub(channel)
            emergency.RegisterRescueCode(
                elevator_emergency_pb2.RegisterRescueCodeRequest(
                    equipment=f"{UNIT}/equipment/ea1", rescue_code="410123"
                ),
                metadata=me,
            )
            opening = elevator_emergency_pb2.OpenRescueIncidentRequest(
                region_code="410102",
                rescue_code="410123",
                call_time=_stamp(NOW - dt.timedelta(hours=1)),
                incident_id="ri-pg",
            )
            first = emergency.OpenRescueIncident(opening, metadata=them)
            assert emergency.OpenRescueIncident(opening, metadata=them) == first
            kpis = emergency.GetRescueKpis(
                elevator_emergency_pb2.GetRescueKpisRequest(
                    region_code="4101", start_time=_stamp(NOW - dt.timedelta(days=1)), end_time=_stamp(NOW)
                ),
                metadata=them,
            )
            assert kpis.incident_count == 1

            credit = credit_pb2_grpc.CreditServiceStub(channel)
            credit.CreateCreditRecord(
                credit_pb2.CreateCreditRecordRequest(
                    parent=UNIT,
                    record=credit_pb2.CreditRecord(
                        kind=credit_pb2.CREDIT_RECORD_KIND_ACCIDENT,
                        occurred_on="2025-01-10",
                        source="郑州市市场监督管理局",
                        severity=credit_pb2.CREDIT_SEVERITY_GENERAL,
                    ),
                ),
                metadata=them,
            )
            explained = credit.ClassifyUnit(credit_pb2.ClassifyUnitRequest(name=UNIT, day="2025-06-01"), metadata=me)
            assert len(explained.contributions) == 1
            swept = credit.SweepBlacklist(
                credit_pb2.SweepBlacklistRequest(region_code="4101", day="2025-01-15"), metadata=them
            )
            assert [e.unit for e in swept.listed] == [UNIT]

            supervision = supervision_pb2_grpc.SupervisionServiceStub(channel)
            for n, person in enumerate(["执法员甲", "执法员乙"]):
                supervision.AddInspector(
                    supervision_pb2.AddInspectorRequest(
                        region_code="4101",
                        inspector_id=f"i-{n}",
                        inspector=supervision_pb2.Inspector(display_name=person),
                    ),
                    metadata=them,
                )
            drawn = supervision.DrawInspections(
                supervision_pb2.DrawInspectionsRequest(region_code="4101", seed=2**62, draw_id="dr-pg"), metadata=them
            )
            verified = supervision.VerifySamplingDraw(
                supervision_pb2.VerifySamplingDrawRequest(name=drawn.name), metadata=them
            )
            assert verified.reproduced
            stats = supervision.GetRegionalStatistics(
                supervision_pb2.GetRegionalStatisticsRequest(region_code="4101"), metadata=them
            )
            assert {n.key: n.unit_count for n in stats.nodes}["410102"] == 1
    finally:
        gateway.stop(None).wait()
