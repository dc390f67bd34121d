"""ElevatorEmergencyService over a real channel: a 96333 call found by the lift's rescue code, the rescue from
dispatch to release, the region's figures, repeated faults opening a hazard, and maintenance overdue lists —
each caller within its scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import grpc
import pytest
from dualprev_gateway._generated.dualprev.v1 import elevator_emergency_pb2 as pb
from dualprev_gateway._generated.dualprev.v1 import elevator_emergency_pb2_grpc
from gateway_support import OUTSIDERS, UNIT_A, UNIT_B, bearer, outsider_tokens
from google.protobuf import timestamp_pb2
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from dualprev_sdk.access import PrincipalKind, issue_api_key
from dualprev_sdk.services.bootstrap import Dualprev

LIFT = f"units/{UNIT_A}/equipment/ea1"
CALL = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(hours=2)


@pytest.fixture
def emergency(channel: grpc.Channel) -> elevator_emergency_pb2_grpc.ElevatorEmergencyServiceStub:
    return elevator_emergency_pb2_grpc.ElevatorEmergencyServiceStub(channel)


def _at(minutes: float) -> timestamp_pb2.Timestamp:
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(CALL + dt.timedelta(minutes=minutes))
    return stamp


def _open(
    emergency: elevator_emergency_pb2_grpc.ElevatorEmergencyServiceStub,
    token: str,
    minutes: float = 0,
    *,
    trapped_persons: int = 0,
    maintenance_unit: str = "",
) -> pb.RescueIncident:
    return emergency.OpenRescueIncident(
        pb.OpenRescueIncidentRequest(
            region_code="410102",
            rescue_code="410123",
            call_time=_at(minutes),
            trapped_persons=trapped_persons,
            maintenance_unit=maintenance_unit,
        ),
        metadata=bearer(token),
    )


def test_a_96333_call_finds_the_lift_by_its_code_and_the_rescue_runs_through_to_the_region_figures(
    emergency: elevator_emergency_pb2_grpc.ElevatorEmergencyServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    unit, regulator = tokens[PrincipalKind.ENTERPRISE], tokens[PrincipalKind.REGULATOR]
    registered = emergency.RegisterRescueCode(
        pb.RegisterRescueCodeRequest(equipment=LIFT, rescue_code="４１０１２３"), metadata=bearer(unit)
    )
    assert registered.rescue_code == "410123"  # normalised (full-width digits)

    opened = _open(emergency, regulator, trapped_persons=2, maintenance_unit="郑州某电梯维保公司")
    assert opened.equipment == LIFT
    assert opened.cause == pb.INCIDENT_CAUSE_ENTRAPMENT
    for step, minutes in ((pb.RESCUE_STEP_DISPATCHED, 2), (pb.RESCUE_STEP_ARRIVED, 18), (pb.RESCUE_STEP_RELEASED, 25)):
        emergency.RecordRescueProgress(
            pb.RecordRescueProgressRequest(name=opened.name, step=step, step_time=_at(minutes)),
            metadata=bearer(regulator),
        )
    read = emergency.GetRescueIncident(pb.GetRescueIncidentRequest(name=opened.name), metadata=bearer(unit))
    assert read.release_time.ToDatetime(tzinfo=dt.UTC) == CALL + dt.timedelta(minutes=25)

    kpis = emergency.GetRescueKpis(
        pb.GetRescueKpisRequest(region_code="4101", start_time=_at(-60), end_time=_at(60)), metadata=bearer(regulator)
    )
    assert (kpis.incident_count, kpis.arrived_within_limit_count, kpis.trapped_persons) == (1, 1, 2)
    assert kpis.median_arrival_minutes == pytest.approx(18)
    assert kpis.max_release_minutes == pytest.approx(25)
    empty = emergency.GetRescueKpis(
        pb.GetRescueKpisRequest(region_code="4101", start_time=_at(600), end_time=_at(700)), metadata=bearer(regulator)
    )
    assert empty.incident_count == 0
    assert not empty.HasField("median_arrival_minutes")


def test_a_step_before_the_call_is_invalid_and_names_step_time(
    emergency: elevator_emergency_pb2_grpc.ElevatorEmergencyServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    emergency.RegisterRescueCode(
        pb.RegisterRescueCodeRequest(equipment=LIFT, rescue_code="410123"),
        metadata=bearer(tokens[PrincipalKind.ENTERPRISE]),
    )
    regulator = tokens[PrincipalKind.REGULATOR]
    opened = _open(emergency, regulator)
    with pytest.raises(grpc.RpcError) as caught:
        emergency.RecordRescueProgress(
            pb.RecordRescueProgressRequest(name=opened.name, step=pb.RESCUE_STEP_ARRIVED, step_time=_at(-5)),
            metadata=bearer(regulator),
        )
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    status = rpc_status.from_call(caught.value)
    assert status is not None
    bad = error_details_pb2.BadRequest()
    assert status.details[1].Unpack(bad)
    assert [(v.field, v.reason) for v in bad.field_violations] == [("step_time", "rescue.after_call")]


def test_other_regions_and_units_neither_read_nor_drive_an_incident(
    emergency: elevator_emergency_pb2_grpc.ElevatorEmergencyServiceStub,
    tokens: dict[PrincipalKind, str],
    sdk: Dualprev,
) -> None:
    emergency.RegisterRescueCode(
        pb.RegisterRescueCodeRequest(equipment=LIFT, rescue_code="410123"),
        metadata=bearer(tokens[PrincipalKind.REGULATOR]),  # the regulator may register codes in its region too
    )
    opened = _open(emergency, tokens[PrincipalKind.REGULATOR])
    with sdk.uow() as uow:
        kaifeng = issue_api_key(PrincipalKind.REGULATOR, "4102")
        other_unit = issue_api_key(PrincipalKind.ENTERPRISE, UNIT_B)
        uow.api_keys.add(kaifeng.key)
        uow.api_keys.add(other_unit.key)
        uow.commit()
    for token in (kaifeng.token, other_unit.token, tokens[PrincipalKind.AGENCY]):
        with pytest.raises(grpc.RpcError) as caught:
            emergency.GetRescueIncident(pb.GetRescueIncidentRequest(name=opened.name), metadata=bearer(token))
        assert caught.value.code() is grpc.StatusCode.PERMISSION_DENIED
        with pytest.raises(grpc.RpcError) as caught:
            emergency.RecordRescueProgress(
                pb.RecordRescueProgressRequest(name=opened.name, step=pb.RESCUE_STEP_ARRIVED, step_time=_at(3)),
                metadata=bearer(token),
            )
        assert caught.value.code() is grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.RpcError) as caught:  # 开封 cannot open incidents on 郑州's platform
        _open(emergency, kaifeng.token)
    assert caught.value.code() is grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.RpcError) as caught:  # nor read 郑州's figures, nor the province's
        emergency.GetRescueKpis(
            pb.GetRescueKpisRequest(region_code="41", start_time=_at(-60), end_time=_at(60)),
            metadata=bearer(tokens[PrincipalKind.REGULATOR]),
        )
    assert caught.value.code() is grpc.StatusCode.PERMISSION_DENIED


def test_three_entrapments_open_one_hazard_and_a_lift_without_maintenance_is_listed_overdue(
    emergency: elevator_emergency_pb2_grpc.ElevatorEmergencyServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    unit, regulator = tokens[PrincipalKind.ENTERPRISE], tokens[PrincipalKind.REGULATOR]
    emergency.RegisterRescueCode(
        pb.RegisterRescueCodeRequest(equipment=LIFT, rescue_code="410123"), metadata=bearer(unit)
    )
    for minutes in (0, 10, 20):
        _open(emergency, regulator, minutes=minutes)
    counts = emergency.GetFaultCounts(pb.GetFaultCountsRequest(equipment=LIFT), metadata=bearer(unit))
    assert (counts.fault_count, counts.entrapment_count, counts.opens_hazard) == (3, 3, True)

    swept = emergency.SweepFaults(pb.SweepFaultsRequest(region_code="4101"), metadata=bearer(regulator))
    assert [o.equipment for o in swept.opened] == ["units/-/equipment/ea1"]
    again = emergency.SweepFaults(pb.SweepFaultsRequest(region_code="4101"), metadata=bearer(regulator))
    assert list(again.opened) == []

    overdue = emergency.ListOverdueMaintenance(
        pb.ListOverdueMaintenanceRequest(region_code="4101"), metadata=bearer(regulator)
    )
    assert [(lift.equipment, lift.last_performed_on) for lift in overdue.lifts] == [("units/-/equipment/ea1", "")]
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date().isoformat()
    emergency.RecordMaintenance(
        pb.RecordMaintenanceRequest(
            record=pb.MaintenanceRecord(
                equipment=LIFT, performed_on=today, maintenance_unit="郑州某电梯维保公司", items=["A1", "A2"]
            )
        ),
        metadata=bearer(unit),
    )
    after = emergency.ListOverdueMaintenance(
        pb.ListOverdueMaintenanceRequest(region_code="4101"), metadata=bearer(regulator)
    )
    assert list(after.lifts) == []


# -- who may touch a real incident and lift: every principal kind and two callers just outside the scopes -------

OK, DENIED = grpc.StatusCode.OK, grpc.StatusCode.PERMISSION_DENIED
WHO = [k.value for k in PrincipalKind] + list(OUTSIDERS)
INCIDENT = "rescueIncidents/ri-scope"
Call = Callable[[elevator_emergency_pb2_grpc.ElevatorEmergencyServiceStub, tuple[tuple[str, str], ...]], object]

#: rpc → (call, expected per caller; callers not named are denied). The lift ea1 of UNIT_A (郑州) carries code
#: 410123 and has one open incident; the agency AG1 inspects it.
SCOPE: dict[str, tuple[Call, dict[str, grpc.StatusCode]]] = {
    "GetRescueIncident": (
        lambda s, m: s.GetRescueIncident(pb.GetRescueIncidentRequest(name=INCIDENT), metadata=m),
        {"enterprise": OK, "regulator": OK, "datacenter": OK},
    ),
    "RecordRescueProgress": (
        lambda s, m: s.RecordRescueProgress(
            pb.RecordRescueProgressRequest(name=INCIDENT, step=pb.RESCUE_STEP_ARRIVED, step_time=_at(12)), metadata=m
        ),
        {"regulator": OK},
    ),
    "OpenRescueIncident": (
        lambda s, m: s.OpenRescueIncident(
            pb.OpenRescueIncidentRequest(region_code="410102", rescue_code="410123", call_time=_at(30)), metadata=m
        ),
        {"regulator": OK},
    ),
    "RegisterRescueCode": (
        lambda s, m: s.RegisterRescueCode(
            pb.RegisterRescueCodeRequest(equipment=LIFT, rescue_code="410123"), metadata=m
        ),
        {"enterprise": OK, "regulator": OK},
    ),
    "GetFaultCounts": (
        lambda s, m: s.GetFaultCounts(pb.GetFaultCountsRequest(equipment=LIFT), metadata=m),
        {"enterprise": OK, "regulator": OK, "agency": OK, "datacenter": OK},
    ),
    "RecordMaintenance": (
        lambda s, m: s.RecordMaintenance(
            pb.RecordMaintenanceRequest(
                record=pb.MaintenanceRecord(equipment=LIFT, performed_on="2026-03-01", maintenance_unit="维保公司")
            ),
            metadata=m,
        ),
        {"enterprise": OK},
    ),
}


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("rpc", sorted(SCOPE))
def test_each_caller_reaches_a_real_incident_and_lift_exactly_as_its_scope_allows(
    rpc: str,
    who: str,
    emergency: elevator_emergency_pb2_grpc.ElevatorEmergencyServiceStub,
    tokens: dict[PrincipalKind, str],
    sdk: Dualprev,
) -> None:
    emergency.RegisterRescueCode(
        pb.RegisterRescueCodeRequest(equipment=LIFT, rescue_code="410123"),
        metadata=bearer(tokens[PrincipalKind.ENTERPRISE]),
    )
    emergency.OpenRescueIncident(
        pb.OpenRescueIncidentRequest(
            region_code="410102", rescue_code="410123", call_time=_at(0), incident_id="ri-scope"
        ),
        metadata=bearer(tokens[PrincipalKind.REGULATOR]),
    )
    token = {k.value: t for k, t in tokens.items()} | outsider_tokens(sdk)
    call, expected = SCOPE[rpc]
    try:
        call(emergency, bearer(token[who]))
        code = OK
    except grpc.RpcError as error:
        code = error.code()
    assert code is expected.get(who, DENIED), f"{who} calling {rpc}"


def test_a_retried_open_with_the_same_incident_id_returns_the_first_incident_and_another_call_is_refused(
    emergency: elevator_emergency_pb2_grpc.ElevatorEmergencyServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    emergency.RegisterRescueCode(
        pb.RegisterRescueCodeRequest(equipment=LIFT, rescue_code="410123"),
        metadata=bearer(tokens[PrincipalKind.ENTERPRISE]),
    )
    regulator = bearer(tokens[PrincipalKind.REGULATOR])

    def open_(minutes: float) -> pb.RescueIncident:
        return emergency.OpenRescueIncident(
            pb.OpenRescueIncidentRequest(
                region_code="410102", rescue_code="410123", call_time=_at(minutes), incident_id="ri-retry"
            ),
            metadata=regulator,
        )

    first = open_(0)
    assert open_(0) == first  # the response was lost and the platform retried
    with pytest.raises(grpc.RpcError) as caught:
        open_(40)  # another call reusing the id
    assert caught.value.code() is grpc.StatusCode.ALREADY_EXISTS
    kpis = emergency.GetRescueKpis(
        pb.GetRescueKpisRequest(region_code="4101", start_time=_at(-60), end_time=_at(60)), metadata=regulator
    )
    assert kpis.incident_count == 1
