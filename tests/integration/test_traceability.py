"""Cylinder traceability end to end on every backend: registration, the filling interlock with every refusal
recorded, flow events, inspection and scrapping, a whole life traced back, warnings, and mobile-vessel loading."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import attrs
import pytest

from dualprev_sdk import Equipment, EquipmentStatus, InvalidArgument, NotFound, UseUnit
from dualprev_sdk.domain.cylinder import (
    Cylinder,
    CylinderEventKind,
    FillRequest,
    LoadingRequest,
    RefusalReason,
    TraceWarning,
    TraceWarningKind,
)
from dualprev_sdk.domain.personnel import Certificate, Person
from dualprev_sdk.services import traceability as trace
from dualprev_sdk.services.bootstrap import Dualprev
from dualprev_sdk.timeutil import SHANGHAI

T0 = dt.datetime(2026, 6, 1, 8, 0, tzinfo=SHANGHAI)


@pytest.fixture
def station(sdk: Dualprev, make_uscc: Callable[[int], str]) -> str:
    uscc = make_uscc(1)
    sdk.ledger.create_unit(UseUnit(uscc=uscc, name="郑州某燃气充装站", region_code="410105"))
    with sdk.uow() as uow:
        uow.people.add(
            Person(
                id="filler-1",
                unit_uscc=uscc,
                name="王充装",
                certificates=(Certificate(number="TS-P-1", category_code="P", expires_on=dt.date(2028, 1, 1)),),
            )
        )
        uow.people.add(Person(id="filler-2", unit_uscc=uscc, name="无证人员"))
        uow.commit()
    return uscc


def cylinder(n: int, station: str, **changes: object) -> Cylinder:
    base: dict[str, object] = {
        "id": f"CY-{n}",
        "tag": f"TAG{n:06d}",
        "filling_station_uscc": station,
        "medium": "液化石油气",
        "catalog_code": "2320",
        "manufactured_on": dt.date(2020, 1, 1),
        "design_life_years": 8,
        "last_inspection_on": dt.date(2024, 1, 1),
        "next_inspection_due": dt.date(2028, 1, 1),
    }
    base.update(changes)
    return Cylinder(**base)  # type: ignore[arg-type]


def register(sdk: Dualprev, cylinders: list[Cylinder]) -> int:
    """Register the day before the fills the tests simulate, so the trace reads in time order."""
    return trace.register_cylinders(sdk, cylinders, at=T0 - dt.timedelta(days=1))


def fill(
    tag: str, station: str, *, filler: str = "filler-1", medium: str = "液化石油气", minutes: int = 0
) -> FillRequest:
    return FillRequest(
        tag=tag,
        station_uscc=station,
        filler_id=filler,
        medium=medium,
        at=T0 + dt.timedelta(minutes=minutes),
        quantity_kg=14.5,
        pre_checks=("外观", "瓶阀", "检验有效期"),
        post_checks=("泄漏", "重量复检"),
    )


def test_a_cylinder_is_traced_through_its_whole_life(sdk: Dualprev, station: str) -> None:
    assert register(sdk, [cylinder(1, station)]) == 1
    assert trace.record_fill(sdk, fill("TAG000001", station)).accepted
    trace.record_flow(
        sdk, "TAG000001", CylinderEventKind.DISPATCHED, at=T0 + dt.timedelta(hours=1), station_uscc=station
    )
    trace.record_flow(
        sdk,
        "TAG000001",
        CylinderEventKind.DELIVERED,
        at=T0 + dt.timedelta(hours=3),
        party="household:金水区文化路 12 号",
    )
    trace.record_flow(sdk, "TAG000001", CylinderEventKind.RETURNED, at=T0 + dt.timedelta(days=20), station_uscc=station)
    trace.record_inspection(
        sdk, "TAG000001", inspected_on=dt.date(2027, 12, 1), conclusion="合格", next_due=dt.date(2031, 12, 1)
    )
    trace.scrap_cylinder(sdk, "TAG000001", on=dt.date(2028, 1, 1), reason="达到设计使用年限")
    life = trace.trace_cylinder(sdk, "TAG000001")
    assert [e.kind for e in life.events] == [
        CylinderEventKind.REGISTERED,
        CylinderEventKind.FILLED,
        CylinderEventKind.DISPATCHED,
        CylinderEventKind.DELIVERED,
        CylinderEventKind.RETURNED,
        CylinderEventKind.INSPECTED,
        CylinderEventKind.SCRAPPED,
    ]
    assert life.events[1].detail["quantity_kg"] == 14.5
    assert life.cylinder.scrapped_on == dt.date(2028, 1, 1)
    refused = trace.record_fill(sdk, fill("TAG000001", station, minutes=60 * 24 * 800))
    assert {r.reason for r in refused.refusals} >= {RefusalReason.SCRAPPED}


def test_refusals_are_recorded_with_every_reason(sdk: Dualprev, station: str, make_uscc: Callable[[int], str]) -> None:
    register(sdk, [cylinder(2, station, next_inspection_due=dt.date(2026, 5, 1))])
    outcome = trace.record_fill(sdk, fill("TAG000002", make_uscc(99), filler="filler-2", medium="二甲醚"))
    assert not outcome.accepted
    assert {r.reason for r in outcome.refusals} == {
        RefusalReason.NOT_OWNED_BY_STATION,
        RefusalReason.INSPECTION_EXPIRED,
        RefusalReason.MEDIUM_MISMATCH,
        RefusalReason.FILLER_NOT_CERTIFIED,
    }
    events = trace.trace_cylinder(sdk, "TAG000002").events
    assert events[-1].kind is CylinderEventKind.FILL_REFUSED
    assert set(events[-1].detail["reasons"]) == {r.reason.value for r in outcome.refusals}  # type: ignore[arg-type]


def test_an_unregistered_tag_is_refused_and_the_refusal_kept(sdk: Dualprev, station: str) -> None:
    outcome = trace.record_fill(sdk, fill("NOPE", station))
    assert [r.reason for r in outcome.refusals] == [RefusalReason.NOT_REGISTERED]
    with pytest.raises(NotFound):
        trace.trace_cylinder(sdk, "NOPE")


def test_a_stream_of_fills_is_checked_in_chunks(sdk: Dualprev, station: str) -> None:
    register(sdk, [cylinder(n, station) for n in range(1, 51)])
    stream = (fill(f"TAG{n % 60:06d}", station, minutes=n) for n in range(1, 301))  # 10 in 60 tags are unknown
    summary = trace.record_fills(sdk, stream, chunk_size=64)
    assert summary.chunks == 5
    assert summary.fills + summary.refused == 300
    assert summary.refusals_by_reason == {"not_registered": summary.refused}
    assert summary.refused == sum(1 for n in range(1, 301) if n % 60 == 0 or n % 60 > 50)


def test_registration_is_all_or_nothing_and_names_every_bad_field(sdk: Dualprev, station: str) -> None:
    with pytest.raises(InvalidArgument) as err:
        register(sdk, [cylinder(3, station), cylinder(4, station, medium="", catalog_code="3110")])
    assert {v.field for v in err.value.violations} == {"cylinders[1].medium", "cylinders[1].catalog_code"}
    with pytest.raises(NotFound):
        trace.trace_cylinder(sdk, "TAG000003")


def test_warnings_find_overdue_cylinders_in_circulation_and_repeated_refusals(sdk: Dualprev, station: str) -> None:
    register(sdk, [cylinder(5, station, next_inspection_due=dt.date(2026, 6, 3)), cylinder(6, station, medium="丙烷")])
    trace.record_fill(sdk, fill("TAG000005", station))
    trace.record_flow(sdk, "TAG000005", CylinderEventKind.DELIVERED, at=T0 + dt.timedelta(hours=2), party="unit:x")
    for i in range(3):
        trace.record_fill(sdk, fill("TAG000006", station, minutes=10 + i))  # wrong medium each time
    kinds = {w.kind for w in trace.cylinder_warnings(sdk, day=dt.date(2026, 6, 10))}
    assert kinds == {TraceWarningKind.OVERDUE_IN_CIRCULATION, TraceWarningKind.REPEATED_REFUSALS}


def test_mobile_vessel_loading_interlock(sdk: Dualprev, station: str) -> None:
    sdk.ledger.create_equipment(
        Equipment(
            id="tanker-1",
            unit_uscc=station,
            catalog_code="2220",
            name="液化石油气汽车罐车",
            next_inspection_due=dt.date(2027, 1, 1),
            parameters={"medium": "液化石油气", "design_pressure_mpa": 1.77, "volume_l": 23500},
        )
    )
    with sdk.uow() as uow:
        uow.people.add(
            Person(
                id="op-1",
                unit_uscc=station,
                name="李操作",
                certificates=(Certificate(number="R2-1", category_code="R2", expires_on=dt.date(2028, 1, 1)),),
            )
        )
        uow.commit()
    request = LoadingRequest(
        equipment_id="tanker-1", station_uscc=station, operator_id="op-1", medium="液化石油气", at=T0
    )
    assert trace.record_loading(sdk, request).accepted
    bad = LoadingRequest(equipment_id="tanker-1", station_uscc=station, operator_id="filler-1", medium="液氨", at=T0)
    assert {r.reason for r in trace.record_loading(sdk, bad).refusals} == {
        RefusalReason.MEDIUM_MISMATCH,
        RefusalReason.FILLER_NOT_CERTIFIED,
    }
    equipment = sdk.ledger.get_equipment("tanker-1")
    sdk.ledger.update_equipment(
        Equipment(
            **{
                **{
                    f: getattr(equipment, f)
                    for f in ("id", "unit_uscc", "catalog_code", "name", "next_inspection_due", "parameters", "version")
                },
                "status": EquipmentStatus.SUSPENDED,
            }
        )
    )
    assert {r.reason for r in trace.record_loading(sdk, request).refusals} == {RefusalReason.VESSEL_NOT_IN_USE}


def test_a_resent_fill_id_is_recorded_once_and_gets_its_first_answer(sdk: Dualprev, station: str) -> None:
    register(sdk, [cylinder(n, station) for n in range(1, 11)])

    def stream() -> list[FillRequest]:
        return [
            attrs.evolve(
                fill(f"TAG{n:06d}", station, minutes=n, medium="丙烷" if n == 3 else "液化石油气"),
                fill_id=f"scale-7/{n}",
            )
            for n in range(1, 11)
        ]

    first = trace.record_fills(sdk, stream(), chunk_size=4)
    assert (first.fills, first.refused, first.duplicates) == (9, 1, 0)
    again = trace.record_fills(sdk, stream(), chunk_size=3)  # the scale resends after a lost reply
    assert (again.fills, again.refused, again.duplicates) == (0, 0, 10)
    single = trace.record_fill(sdk, stream()[2])
    assert single.duplicate
    assert not single.accepted
    assert [r.reason for r in single.refusals] == [RefusalReason.MEDIUM_MISMATCH]
    assert len(trace.trace_cylinder(sdk, "TAG000003").events) == 2  # registered + one refusal


def test_a_stations_cylinder_events_reach_its_own_feed_and_not_another_units(
    sdk: Dualprev, station: str, make_uscc: Callable[[int], str]
) -> None:
    register(sdk, [cylinder(1, station)])
    trace.record_fill(sdk, fill("TAG000001", station))
    trace.record_flow(sdk, "TAG000001", CylinderEventKind.DISPATCHED, at=T0 + dt.timedelta(hours=1))
    own, _ = sdk.read_scoped_events(0, 100, unit_usccs=[station])
    other, _ = sdk.read_scoped_events(0, 100, unit_usccs=[make_uscc(42)])
    regional, _ = sdk.read_scoped_events(0, 100, region_prefix="4101")
    cylinder_types = {"cylinders.registered", "cylinder.fills_recorded", "cylinder.dispatched"}
    assert cylinder_types <= {e.type for e in own}
    assert cylinder_types <= {e.type for e in regional}
    assert not cylinder_types & {e.type for e in other}


@pytest.fixture
def three_stations(sdk: Dualprev, station: str, make_uscc: Callable[[int], str]) -> dict[str, str]:
    """The fixture's 郑州 station (410105), a second one in 郑州 (410102) and one in 开封 (410202)."""
    stations = {"zz-1": station, "zz-2": make_uscc(2), "kf": make_uscc(3)}
    sdk.ledger.create_unit(UseUnit(uscc=stations["zz-2"], name="郑州另一充装站", region_code="410102"))
    sdk.ledger.create_unit(UseUnit(uscc=stations["kf"], name="开封某充装站", region_code="410202"))
    return stations


def _refused_thrice(sdk: Dualprev, tag: str, station: str) -> None:
    for i in range(3):
        trace.record_fill(sdk, fill(tag, station, medium="二甲醚", minutes=i))


def _keys(sdk: Dualprev, warnings: list[TraceWarning]) -> list[str]:
    with sdk.uow() as uow:
        tags = {c.id: c.tag for c in uow.cylinders.by_ids(w.cylinder_id for w in warnings).values()}
    return [trace.cylinder_warning_key(tags.get(w.cylinder_id, w.cylinder_id), w.kind) for w in warnings]


def _warning_world(sdk: Dualprev, stations: dict[str, str]) -> None:
    """Warnings at every station. Tags P1 and P10 test the key order (``P10|`` sorts before ``P1|``), an
    unregistered tag's refusals form the ``""`` group, and one 郑州 cylinder is overdue out in circulation."""
    cylinders = [cylinder(n, stations["zz-1"]) for n in range(1, 5)]
    cylinders += [cylinder(n, stations["zz-2"]) for n in range(11, 14)]
    cylinders += [cylinder(n, stations["kf"]) for n in range(21, 24)]
    cylinders += [
        cylinder(31, stations["zz-1"], tag="P1"),
        cylinder(32, stations["zz-1"], tag="P10"),
        cylinder(33, stations["zz-2"], next_inspection_due=dt.date(2026, 6, 3)),
    ]
    register(sdk, cylinders)
    for c in cylinders[:-1]:
        _refused_thrice(sdk, c.tag, c.filling_station_uscc)
    _refused_thrice(sdk, "NOT-REGISTERED", stations["zz-1"])
    trace.record_fill(sdk, fill("TAG000033", stations["zz-2"]))
    trace.record_flow(
        sdk,
        "TAG000033",
        CylinderEventKind.DELIVERED,
        at=T0 + dt.timedelta(hours=2),
        station_uscc=stations["zz-2"],
        party="unit:x",
    )


def test_a_region_prefix_lists_the_warnings_of_every_station_in_the_region_and_no_other(
    sdk: Dualprev, three_stations: dict[str, str]
) -> None:
    _warning_world(sdk, three_stations)
    day = dt.date(2026, 6, 10)
    everywhere = trace.cylinder_warnings(sdk, day=day)
    zhengzhou = trace.cylinder_warnings(sdk, day=day, region_prefix="4101")
    kaifeng = trace.cylinder_warnings(sdk, day=day, region_prefix="4102")
    one = trace.cylinder_warnings(sdk, day=day, station_uscc=three_stations["zz-2"])
    assert {w.cylinder_id for w in kaifeng} == {"CY-21", "CY-22", "CY-23"}
    assert {w.cylinder_id for w in one} == {"CY-11", "CY-12", "CY-13", "CY-33"}
    assert {w.cylinder_id for w in zhengzhou} == {w.cylinder_id for w in everywhere} - {"CY-21", "CY-22", "CY-23"}
    assert "" in {w.cylinder_id for w in zhengzhou}  # the unregistered tag's refusals at the 郑州 station
    assert sorted(_keys(sdk, everywhere)) == sorted(_keys(sdk, zhengzhou) + _keys(sdk, kaifeng))
    assert trace.cylinder_warnings(sdk, day=day, region_prefix="4103") == []


@pytest.mark.parametrize("batch", [1, 3, 256])
@pytest.mark.parametrize("size", [1, 2, 5])
def test_warning_pages_walk_the_full_list_in_key_order_without_gaps_or_repeats(
    sdk: Dualprev, three_stations: dict[str, str], monkeypatch: pytest.MonkeyPatch, batch: int, size: int
) -> None:
    _warning_world(sdk, three_stations)
    monkeypatch.setattr(trace, "WARNING_BATCH", batch)  # small batches cross batch boundaries inside a page
    day = dt.date(2026, 6, 10)
    for scope in ({}, {"region_prefix": "4101"}, {"station_uscc": three_stations["zz-1"]}):
        expected = sorted(_keys(sdk, trace.cylinder_warnings(sdk, day=day, **scope)))  # type: ignore[arg-type]
        walked: list[str] = []
        after: str | None = None
        while True:
            page = trace.cylinder_warnings(sdk, day=day, after=after, limit=size, **scope)  # type: ignore[arg-type]
            assert len(page) <= size
            walked += _keys(sdk, page)
            if len(page) < size:
                break
            after = walked[-1]
        assert walked == expected, scope
    assert expected.index("P10|repeated_refusals") < expected.index("P1|repeated_refusals")
