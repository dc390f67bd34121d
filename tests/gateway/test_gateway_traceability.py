"""TraceabilityService over a real channel: a station registers cylinders, the interlock accepts and refuses
fills (a refusal is an answer listing every reason, never an error), the scale streams its fills, the agency
records an inspection, and the trace reads the whole life back — each caller only within its scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import grpc
import pytest
from dualprev_gateway._generated.dualprev.v1 import traceability_pb2 as tp
from dualprev_gateway._generated.dualprev.v1 import traceability_pb2_grpc
from gateway_support import AGENCY, OUTSIDERS, UNIT_A, UNIT_B, bearer, outsider_tokens
from google.protobuf import timestamp_pb2
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from dualprev_sdk.access import PrincipalKind, issue_api_key
from dualprev_sdk.domain.cylinder import Cylinder, FillRequest
from dualprev_sdk.domain.equipment import Equipment
from dualprev_sdk.domain.personnel import Certificate, Person
from dualprev_sdk.domain.unit import UseUnit
from dualprev_sdk.services import traceability as use_cases
from dualprev_sdk.services.bootstrap import Dualprev

STATION = f"units/{UNIT_A}"
FILL_TIME = dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)  # after registration, which is stamped when the test runs
TODAY = FILL_TIME.astimezone(dt.timezone(dt.timedelta(hours=8))).date().isoformat()


@pytest.fixture
def trace(channel: grpc.Channel) -> traceability_pb2_grpc.TraceabilityServiceStub:
    return traceability_pb2_grpc.TraceabilityServiceStub(channel)


@pytest.fixture
def filler(sdk: Dualprev) -> str:
    """A filler of UNIT_A holding a valid TSG Z6001 P (气瓶充装) certificate."""
    with sdk.uow() as uow:
        uow.people.add(
            Person(
                id="filler-1",
                unit_uscc=UNIT_A,
                name="充装工赵六",
                certificates=(Certificate(number="P-001", category_code="P", expires_on=dt.date(2029, 12, 31)),),
            )
        )
        uow.commit()
    return "filler-1"


def _stamp(value: dt.datetime) -> timestamp_pb2.Timestamp:
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(value)
    return stamp


def _fill(tag: str, filler: str, *, medium: str = "液化石油气", minutes: int = 0) -> tp.Fill:
    return tp.Fill(
        cylinder=f"cylinders/{tag}",
        station=STATION,
        filler_id=filler,
        medium=medium,
        fill_time=_stamp(FILL_TIME + dt.timedelta(minutes=minutes)),
        quantity_kg=14.5,
        pre_checks=["外观", "阀门"],
    )


def _register(trace: traceability_pb2_grpc.TraceabilityServiceStub, token: str, *tags: str) -> None:
    trace.RegisterCylinders(
        tp.RegisterCylindersRequest(
            parent=STATION,
            cylinders=[
                tp.Cylinder(
                    tag=tag,
                    medium="液化石油气",
                    catalog_code="2320",
                    manufactured_on="2022-01-10",
                    design_life_years=8,
                    last_inspection_on="2025-06-01",
                    next_inspection_due="2029-06-01",
                )
                for tag in tags
            ],
        ),
        metadata=bearer(token),
    )


def test_a_station_registers_a_cylinder_fills_it_and_a_wrong_medium_is_refused_with_its_reason(
    trace: traceability_pb2_grpc.TraceabilityServiceStub, tokens: dict[PrincipalKind, str], filler: str
) -> None:
    me = tokens[PrincipalKind.ENTERPRISE]
    _register(trace, me, "LPG-0001")

    accepted = trace.RecordFill(tp.RecordFillRequest(fill=_fill("LPG-0001", filler)), metadata=bearer(me))
    assert accepted.accepted
    assert list(accepted.refusals) == []

    refused = trace.RecordFill(
        tp.RecordFillRequest(fill=_fill("LPG-0001", filler, medium="二甲醚", minutes=5)), metadata=bearer(me)
    )
    assert not refused.accepted
    assert [r.reason for r in refused.refusals] == [tp.REFUSAL_REASON_MEDIUM_MISMATCH]
    assert refused.refusals[0].message_zh == "充装介质与登记介质不符"

    unknown = trace.RecordFill(tp.RecordFillRequest(fill=_fill("NOPE-9", "nobody")), metadata=bearer(me))
    assert {r.reason for r in unknown.refusals} == {
        tp.REFUSAL_REASON_NOT_REGISTERED,
        tp.REFUSAL_REASON_FILLER_NOT_CERTIFIED,
    }


def test_the_scale_streams_its_fills_and_gets_one_summary_with_refusals_by_reason(
    trace: traceability_pb2_grpc.TraceabilityServiceStub, tokens: dict[PrincipalKind, str], filler: str
) -> None:
    me = tokens[PrincipalKind.ENTERPRISE]
    _register(trace, me, "LPG-0100", "LPG-0101")

    def feed() -> Iterator[tp.RecordFillsRequest]:
        for minute, tag in enumerate(["LPG-0100", "LPG-0101", "LPG-0100", "UNREGISTERED-1"]):
            yield tp.RecordFillsRequest(fills=[_fill(tag, filler, minutes=minute)])

    summary = trace.RecordFills(feed(), metadata=bearer(me))
    assert (summary.filled_count, summary.refused_count, summary.chunk_count) == (3, 1, 1)
    assert dict(summary.refusals_by_reason) == {"not_registered": 1}

    life = trace.TraceCylinder(tp.TraceCylinderRequest(name="cylinders/LPG-0100"), metadata=bearer(me))
    kinds = [e.kind for e in life.events]
    assert kinds == [tp.CYLINDER_EVENT_KIND_REGISTERED, tp.CYLINDER_EVENT_KIND_FILLED, tp.CYLINDER_EVENT_KIND_FILLED]
    assert life.events[1].detail["quantity_kg"] == 14.5


def test_a_resent_fill_id_is_answered_with_its_first_outcome_and_recorded_once(
    trace: traceability_pb2_grpc.TraceabilityServiceStub, tokens: dict[PrincipalKind, str], filler: str
) -> None:
    me = tokens[PrincipalKind.ENTERPRISE]
    _register(trace, me, "LPG-0200")
    fill = _fill("LPG-0200", filler, medium="二甲醚")
    fill.fill_id = "scale-3/000123"
    first = trace.RecordFill(tp.RecordFillRequest(fill=fill), metadata=bearer(me))
    resent = trace.RecordFill(tp.RecordFillRequest(fill=fill), metadata=bearer(me))
    assert (first.accepted, first.duplicate) == (False, False)
    assert (resent.accepted, resent.duplicate) == (False, True)
    assert [r.reason for r in resent.refusals] == [tp.REFUSAL_REASON_MEDIUM_MISMATCH]
    summary = trace.RecordFills(iter([tp.RecordFillsRequest(fills=[fill])]), metadata=bearer(me))
    assert (summary.filled_count, summary.refused_count, summary.duplicate_count) == (0, 0, 1)
    life = trace.TraceCylinder(tp.TraceCylinderRequest(name="cylinders/LPG-0200"), metadata=bearer(me))
    assert [e.kind for e in life.events] == [
        tp.CYLINDER_EVENT_KIND_REGISTERED,
        tp.CYLINDER_EVENT_KIND_FILL_REFUSED,
    ]


def test_a_stream_with_another_stations_fill_is_refused_as_permission_denied(
    trace: traceability_pb2_grpc.TraceabilityServiceStub, tokens: dict[PrincipalKind, str], filler: str
) -> None:
    foreign = _fill("LPG-0200", filler)
    foreign.station = f"units/{UNIT_B}"
    with pytest.raises(grpc.RpcError) as caught:
        trace.RecordFills(
            iter([tp.RecordFillsRequest(fills=[foreign])]), metadata=bearer(tokens[PrincipalKind.ENTERPRISE])
        )
    assert caught.value.code() is grpc.StatusCode.PERMISSION_DENIED


def test_flow_inspection_by_the_agency_and_the_trace_read_by_each_kind_within_its_scope(
    trace: traceability_pb2_grpc.TraceabilityServiceStub,
    tokens: dict[PrincipalKind, str],
    filler: str,
    sdk: Dualprev,
) -> None:
    me = tokens[PrincipalKind.ENTERPRISE]
    _register(trace, me, "LPG-0300")
    name = "cylinders/LPG-0300"
    flow = trace.RecordCylinderFlow(
        tp.RecordCylinderFlowRequest(
            name=name,
            kind=tp.CYLINDER_EVENT_KIND_DELIVERED,
            event_time=_stamp(FILL_TIME),
            party="household:郑州市中原区建设路1号",
        ),
        metadata=bearer(me),
    )
    assert flow.station == STATION

    agency = tokens[PrincipalKind.AGENCY]
    # before inspecting it, the agency cannot read the cylinder
    with pytest.raises(grpc.RpcError) as before:
        trace.GetCylinder(tp.GetCylinderRequest(name=name), metadata=bearer(agency))
    assert before.value.code() is grpc.StatusCode.PERMISSION_DENIED
    inspected = trace.RecordCylinderInspection(
        tp.RecordCylinderInspectionRequest(
            name=name, inspected_on="2026-03-01", conclusion="合格", next_due="2030-03-01", report_number="QP-9"
        ),
        metadata=bearer(agency),
    )
    assert inspected.next_inspection_due == "2030-03-01"
    assert trace.GetCylinder(tp.GetCylinderRequest(name=name), metadata=bearer(agency)).tag == "LPG-0300"

    for kind in (PrincipalKind.ENTERPRISE, PrincipalKind.REGULATOR, PrincipalKind.DATACENTER):
        life = trace.TraceCylinder(tp.TraceCylinderRequest(name=name), metadata=bearer(tokens[kind]))
        by_kind = {e.kind: e for e in life.events}
        assert set(by_kind) == {
            tp.CYLINDER_EVENT_KIND_REGISTERED,
            tp.CYLINDER_EVENT_KIND_DELIVERED,
            tp.CYLINDER_EVENT_KIND_INSPECTED,
        }
        assert by_kind[tp.CYLINDER_EVENT_KIND_INSPECTED].detail["agency"] == AGENCY

    # a regulator of 开封 and the 开封 unit see nothing of a 郑州 station's cylinder, nor whether it exists
    with sdk.uow() as uow:
        kaifeng = issue_api_key(PrincipalKind.REGULATOR, "4102")
        other_unit = issue_api_key(PrincipalKind.ENTERPRISE, UNIT_B)
        uow.api_keys.add(kaifeng.key)
        uow.api_keys.add(other_unit.key)
        uow.commit()
    for token in (kaifeng.token, other_unit.token):
        for target in (name, "cylinders/NO-SUCH"):
            with pytest.raises(grpc.RpcError) as caught:
                trace.TraceCylinder(tp.TraceCylinderRequest(name=target), metadata=bearer(token))
            assert caught.value.code() is grpc.StatusCode.PERMISSION_DENIED
        with pytest.raises(grpc.RpcError) as caught:
            trace.ScrapCylinder(
                tp.ScrapCylinderRequest(name=name, scrapped_on="2026-03-02", reason="腐蚀"), metadata=bearer(token)
            )
        assert caught.value.code() is grpc.StatusCode.PERMISSION_DENIED


def test_a_scrapped_cylinder_is_refused_and_warnings_list_it_for_the_station_and_its_regulator(
    trace: traceability_pb2_grpc.TraceabilityServiceStub, tokens: dict[PrincipalKind, str], filler: str
) -> None:
    me = tokens[PrincipalKind.ENTERPRISE]
    _register(trace, me, "LPG-0400")
    trace.ScrapCylinder(
        tp.ScrapCylinderRequest(name="cylinders/LPG-0400", scrapped_on=TODAY, reason="腐蚀严重"),
        metadata=bearer(me),
    )
    for minute in range(3):
        outcome = trace.RecordFill(
            tp.RecordFillRequest(fill=_fill("LPG-0400", filler, minutes=minute)), metadata=bearer(me)
        )
        assert [r.reason for r in outcome.refusals] == [tp.REFUSAL_REASON_SCRAPPED]
    for kind in (PrincipalKind.ENTERPRISE, PrincipalKind.REGULATOR):
        listed = trace.ListCylinderWarnings(
            tp.ListCylinderWarningsRequest(parent=STATION, day=TODAY), metadata=bearer(tokens[kind])
        )
        assert [(w.kind, w.cylinder) for w in listed.warnings] == [
            (tp.CYLINDER_WARNING_KIND_REPEATED_REFUSALS, "cylinders/LPG-0400")
        ]


def test_registration_lists_every_bad_field_in_one_bad_request(
    trace: traceability_pb2_grpc.TraceabilityServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    with pytest.raises(grpc.RpcError) as caught:
        trace.RegisterCylinders(
            tp.RegisterCylindersRequest(
                parent=STATION,
                cylinders=[tp.Cylinder(tag="", medium="氧气", manufactured_on="2026-02-30", catalog_code="2320")],
            ),
            metadata=bearer(tokens[PrincipalKind.ENTERPRISE]),
        )
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    status = rpc_status.from_call(caught.value)
    assert status is not None
    bad = error_details_pb2.BadRequest()
    status.details[1].Unpack(bad)  # details[0] is the ErrorInfo
    assert {v.field for v in bad.field_violations} == {"cylinders[0].tag", "cylinders[0].manufactured_on"}


# -- who may touch a real cylinder: every principal kind and two callers just outside the scopes ---------------

OK, DENIED = grpc.StatusCode.OK, grpc.StatusCode.PERMISSION_DENIED
WHO = [k.value for k in PrincipalKind] + list(OUTSIDERS)
CYLINDER = "cylinders/SCOPE-1"
Call = Callable[[traceability_pb2_grpc.TraceabilityServiceStub, tuple[tuple[str, str], ...]], object]

#: rpc → (call, expected per caller; callers not named are denied). The cylinder belongs to UNIT_A's station and
#: was inspected by the agency AG1.
SCOPE: dict[str, tuple[Call, dict[str, grpc.StatusCode]]] = {
    "GetCylinder": (
        lambda s, m: s.GetCylinder(tp.GetCylinderRequest(name=CYLINDER), metadata=m),
        {"enterprise": OK, "regulator": OK, "agency": OK, "datacenter": OK},
    ),
    "TraceCylinder": (
        lambda s, m: s.TraceCylinder(tp.TraceCylinderRequest(name=CYLINDER), metadata=m),
        {"enterprise": OK, "regulator": OK, "agency": OK, "datacenter": OK},
    ),
    "RecordCylinderFlow": (
        lambda s, m: s.RecordCylinderFlow(
            tp.RecordCylinderFlowRequest(
                name=CYLINDER, kind=tp.CYLINDER_EVENT_KIND_DISPATCHED, event_time=_stamp(FILL_TIME)
            ),
            metadata=m,
        ),
        {"enterprise": OK},
    ),
    "RecordCylinderInspection": (
        lambda s, m: s.RecordCylinderInspection(
            tp.RecordCylinderInspectionRequest(
                name=CYLINDER, inspected_on="2026-03-02", conclusion="合格", next_due="2030-03-02"
            ),
            metadata=m,
        ),
        {"agency": OK},
    ),
    "ScrapCylinder": (
        lambda s, m: s.ScrapCylinder(
            tp.ScrapCylinderRequest(name=CYLINDER, scrapped_on="2026-03-02", reason="腐蚀"), metadata=m
        ),
        {"enterprise": OK},
    ),
    "RecordFill": (
        lambda s, m: s.RecordFill(tp.RecordFillRequest(fill=_fill("SCOPE-1", "filler-1")), metadata=m),
        {"enterprise": OK},
    ),
    "ListCylinderWarnings": (
        lambda s, m: s.ListCylinderWarnings(tp.ListCylinderWarningsRequest(parent=STATION), metadata=m),
        {"enterprise": OK, "regulator": OK, "datacenter": OK},
    ),
    "ListCylinderWarnings of every station": (  # each caller gets its own stations' (see the test below)
        lambda s, m: s.ListCylinderWarnings(tp.ListCylinderWarningsRequest(parent="units/-"), metadata=m),
        {"enterprise": OK, "regulator": OK, "datacenter": OK, "regulator-4102": OK, "enterprise-B": OK},
    ),
}


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("rpc", sorted(SCOPE))
def test_each_caller_reaches_a_real_cylinder_exactly_as_its_scope_allows(
    rpc: str,
    who: str,
    trace: traceability_pb2_grpc.TraceabilityServiceStub,
    tokens: dict[PrincipalKind, str],
    sdk: Dualprev,
) -> None:
    _register(trace, tokens[PrincipalKind.ENTERPRISE], "SCOPE-1")
    trace.RecordCylinderInspection(
        tp.RecordCylinderInspectionRequest(name=CYLINDER, inspected_on="2026-03-01", conclusion="合格"),
        metadata=bearer(tokens[PrincipalKind.AGENCY]),
    )
    token = {k.value: t for k, t in tokens.items()} | outsider_tokens(sdk)
    call, expected = SCOPE[rpc]
    try:
        call(trace, bearer(token[who]))
        code = OK
    except grpc.RpcError as error:
        code = error.code()
    assert code is expected.get(who, DENIED), f"{who} calling {rpc}"


def test_a_tanker_is_loaded_with_its_own_medium_and_refused_another_with_every_reason(
    trace: traceability_pb2_grpc.TraceabilityServiceStub, tokens: dict[PrincipalKind, str], sdk: Dualprev
) -> None:
    sdk.ledger.create_equipment(
        Equipment(
            id="tanker-1",
            unit_uscc=UNIT_A,
            catalog_code="2220",
            name="液化石油气汽车罐车",
            next_inspection_due=dt.date(2030, 1, 1),
            parameters={"medium": "液化石油气", "design_pressure_mpa": 1.77, "volume_l": 23500},
        )
    )
    with sdk.uow() as uow:
        uow.people.add(
            Person(
                id="op-1",
                unit_uscc=UNIT_A,
                name="李操作",
                certificates=(Certificate(number="R2-1", category_code="R2", expires_on=dt.date(2030, 1, 1)),),
            )
        )
        uow.commit()
    me = bearer(tokens[PrincipalKind.ENTERPRISE])

    def load(operator: str, medium: str) -> tp.LoadingOutcome:
        return trace.RecordLoading(
            tp.RecordLoadingRequest(
                equipment=f"{STATION}/equipment/tanker-1",
                station=STATION,
                operator_id=operator,
                medium=medium,
                loading_time=_stamp(FILL_TIME),
                quantity_kg=9800,
            ),
            metadata=me,
        )

    assert load("op-1", "液化石油气").accepted
    refused = load("nobody", "液氨")
    assert not refused.accepted
    assert {r.reason for r in refused.refusals} == {
        tp.REFUSAL_REASON_MEDIUM_MISMATCH,
        tp.REFUSAL_REASON_FILLER_NOT_CERTIFIED,
    }


def test_text_longer_than_the_store_keeps_is_invalid_before_anything_is_written(
    trace: traceability_pb2_grpc.TraceabilityServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    """PostgreSQL refuses over-long text mid-transaction and SQLite silently keeps it: both are answered up front."""
    with pytest.raises(grpc.RpcError) as caught:
        trace.RegisterCylinders(
            tp.RegisterCylindersRequest(
                parent=STATION,
                cylinders=[tp.Cylinder(tag="T" * 62, medium="氧" * 65, registration_code="R" * 33)],
            ),
            metadata=bearer(tokens[PrincipalKind.ENTERPRISE]),
        )
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    status = rpc_status.from_call(caught.value)
    assert status is not None
    bad = error_details_pb2.BadRequest()
    assert status.details[1].Unpack(bad)
    assert {(v.field, v.reason) for v in bad.field_violations} == {
        ("cylinders[0].tag", "max_length"),
        ("cylinders[0].medium", "max_length"),
        ("cylinders[0].registration_code", "max_length"),
    }


# -- warnings of every station a caller may see, page by page -------------------------------------------------

ZZ_STATION = "91410105MA90000034"  # a second 郑州 station (410105), beside UNIT_A (410102); UNIT_B is in 开封


def _refusals_at(sdk: Dualprev, station: str, tags: list[str]) -> None:
    """Each tag registered to ``station`` and refused three times there (a wrong medium): one warning each."""
    use_cases.register_cylinders(
        sdk,
        [
            Cylinder(id=f"id-{tag}", tag=tag, filling_station_uscc=station, medium="液化石油气", catalog_code="2320")
            for tag in tags
        ],
        at=FILL_TIME - dt.timedelta(days=1),
    )
    requests = [
        FillRequest(
            tag=tag,
            station_uscc=station,
            filler_id="nobody",
            medium="二甲醚",
            at=FILL_TIME + dt.timedelta(minutes=i),
            quantity_kg=14.5,
        )
        for tag in tags
        for i in range(3)
    ]
    use_cases.record_fills(sdk, requests)


@pytest.fixture
def stations_with_warnings(sdk: Dualprev) -> dict[str, list[str]]:
    """Warned cylinders at three stations: UNIT_A and ZZ_STATION in 郑州 (4101), UNIT_B in 开封 (4102)."""
    sdk.ledger.create_unit(UseUnit(uscc=ZZ_STATION, name="郑州某充装站", region_code="410105"))
    tags = {
        UNIT_A: [f"A-{n:02d}" for n in range(7)],
        ZZ_STATION: [f"Z-{n:02d}" for n in range(6)],
        UNIT_B: [f"B-{n:02d}" for n in range(4)],
    }
    for station, station_tags in tags.items():
        _refusals_at(sdk, station, station_tags)
    return tags


def _all_pages(trace: traceability_pb2_grpc.TraceabilityServiceStub, token: str, page_size: int) -> list[list[str]]:
    pages: list[list[str]] = []
    page_token = ""
    while True:
        listed = trace.ListCylinderWarnings(
            tp.ListCylinderWarningsRequest(parent="units/-", day=TODAY, page_size=page_size, page_token=page_token),
            metadata=bearer(token),
        )
        pages.append([w.cylinder for w in listed.warnings])
        page_token = listed.next_page_token
        if not page_token:
            return pages


def test_a_regulator_lists_the_warnings_of_every_station_in_its_region_and_no_other(
    trace: traceability_pb2_grpc.TraceabilityServiceStub,
    tokens: dict[PrincipalKind, str],
    sdk: Dualprev,
    stations_with_warnings: dict[str, list[str]],
) -> None:
    names = {station: [f"cylinders/{t}" for t in tags] for station, tags in stations_with_warnings.items()}
    expected = {
        PrincipalKind.REGULATOR: sorted(names[UNIT_A] + names[ZZ_STATION]),  # 4101: both 郑州 stations
        PrincipalKind.ENTERPRISE: sorted(names[UNIT_A]),  # its own station only
        PrincipalKind.DATACENTER: sorted(names[UNIT_A] + names[ZZ_STATION] + names[UNIT_B]),
    }
    for kind, cylinders in expected.items():
        (page,) = _all_pages(trace, tokens[kind], 0)
        assert page == cylinders, kind
    outsiders = outsider_tokens(sdk)
    assert _all_pages(trace, outsiders["regulator-4102"], 0) == [sorted(names[UNIT_B])]
    with pytest.raises(grpc.RpcError) as denied:
        _all_pages(trace, tokens[PrincipalKind.AGENCY], 0)
    assert denied.value.code() is grpc.StatusCode.PERMISSION_DENIED


@pytest.mark.parametrize("page_size", [1, 4, 13])
def test_warnings_larger_than_a_page_are_walked_page_by_page_without_gaps_or_repeats(
    trace: traceability_pb2_grpc.TraceabilityServiceStub,
    tokens: dict[PrincipalKind, str],
    stations_with_warnings: dict[str, list[str]],
    page_size: int,
) -> None:
    regulator = tokens[PrincipalKind.REGULATOR]
    (everything,) = _all_pages(trace, regulator, 100)
    assert len(everything) == 13
    pages = _all_pages(trace, regulator, page_size)
    assert all(len(p) == page_size for p in pages[:-1])
    assert 0 < len(pages[-1]) <= page_size
    assert [c for p in pages for c in p] == everything
    with pytest.raises(grpc.RpcError) as moved:  # a token belongs to the listing it came from
        trace.ListCylinderWarnings(
            tp.ListCylinderWarningsRequest(parent=STATION, day=TODAY, page_token=_next_token(trace, regulator)),
            metadata=bearer(regulator),
        )
    assert moved.value.code() is grpc.StatusCode.INVALID_ARGUMENT


def _next_token(trace: traceability_pb2_grpc.TraceabilityServiceStub, token: str) -> str:
    listed = trace.ListCylinderWarnings(
        tp.ListCylinderWarningsRequest(parent="units/-", day=TODAY, page_size=1), metadata=bearer(token)
    )
    return listed.next_page_token
