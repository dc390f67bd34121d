"""Scoped outbox: each event records the unit, region and equipment it concerns, and a scoped reader walks the
feed with the same cursor guarantees as the data centre (no gaps, no duplicates) while skipping other scopes."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from dualprev_sdk import Equipment, UseUnit
from dualprev_sdk.domain.hazard import HazardSource
from dualprev_sdk.domain.inspection import InspectionConclusion, InspectionKind, InspectionRecord
from dualprev_sdk.domain.personnel import Person
from dualprev_sdk.services import elevator_emergency as e96333
from dualprev_sdk.services import hazards as hazard_use_cases
from dualprev_sdk.services import personnel
from dualprev_sdk.services.bootstrap import Dualprev
from dualprev_sdk.store.outbox import OutboxEvent

ZHENGZHOU, KAIFENG = "410102", "410202"

Scope = tuple[str | None, str | None, str | None]


@pytest.fixture
def two_units(sdk: Dualprev, make_uscc: Callable[[int], str]) -> tuple[str, str]:
    """Unit A in 郑州 with lift ``a1``, unit B in 开封 with lift ``b1``; agency ``AG1`` inspected ``a1``."""
    a, b = make_uscc(1), make_uscc(2)
    sdk.ledger.create_unit(UseUnit(uscc=a, name="郑州某公司", region_code=ZHENGZHOU))
    sdk.ledger.create_unit(UseUnit(uscc=b, name="开封某商场", region_code=KAIFENG))
    sdk.ledger.create_equipment(Equipment(id="a1", unit_uscc=a, catalog_code="3110"))
    sdk.ledger.create_equipment(Equipment(id="b1", unit_uscc=b, catalog_code="3110"))
    with sdk.uow() as uow:
        uow.inspections.add(
            InspectionRecord(
                id="insp-a1",
                equipment_id="a1",
                kind=InspectionKind.PERIODIC,
                inspected_on=dt.date(2026, 3, 1),
                conclusion=InspectionConclusion.PASSED,
                agency="AG1",
            )
        )
        uow.commit()
    return a, b


def _scopes(sdk: Dualprev) -> dict[tuple[str, str], Scope]:
    return {(e.type, e.resource): (e.unit_uscc, e.region_code, e.equipment_id) for e in sdk.read_events(limit=1000)}


def _read_all(sdk: Dualprev, page: int, **scope: Any) -> Iterator[OutboxEvent]:
    cursor = 0
    while True:
        with sdk.uow() as uow:
            events, cursor = uow.outbox.read_scoped(cursor, page, **scope)
        yield from events
        if len(events) < page:
            return


def test_ledger_events_carry_the_unit_and_region_their_resource_name_points_to(
    sdk: Dualprev, two_units: tuple[str, str]
) -> None:
    a, b = two_units
    scopes = _scopes(sdk)
    assert scopes[("unit.created", f"units/{a}")] == (a, ZHENGZHOU, None)
    assert scopes[("unit.created", f"units/{b}")] == (b, KAIFENG, None)
    assert scopes[("equipment.created", "equipment/a1")] == (a, ZHENGZHOU, "a1")
    assert scopes[("equipment.created", "equipment/b1")] == (b, KAIFENG, "b1")


def test_a_deleted_equipment_or_unit_keeps_the_scope_its_earlier_events_recorded(
    sdk: Dualprev, make_uscc: Callable[[int], str]
) -> None:
    """The row is gone by commit time, yet the unit must still learn that its equipment was deleted."""
    uscc = make_uscc(3)
    sdk.ledger.create_unit(UseUnit(uscc=uscc, name="某公司", region_code=KAIFENG))
    sdk.ledger.create_equipment(Equipment(id="gone", unit_uscc=uscc, catalog_code="3110"))
    sdk.ledger.delete_equipment("gone")
    sdk.ledger.delete_unit(uscc)

    scopes = _scopes(sdk)
    assert scopes[("equipment.deleted", "equipment/gone")] == (uscc, KAIFENG, "gone")
    assert scopes[("unit.deleted", f"units/{uscc}")] == (uscc, KAIFENG, None)


def test_hazard_events_carry_the_hazards_unit_region_and_equipment(sdk: Dualprev, two_units: tuple[str, str]) -> None:
    _, b = two_units
    hazard_use_cases.report_hazard(
        sdk,
        unit_uscc=b,
        equipment_id="b1",
        source=HazardSource.DAILY_CHECK,
        source_reference="日检-001",
        description="扶梯梳齿板断齿",
        found_on=dt.date(2026, 3, 2),
        finder="李四",
        actor="test",
        hazard_id="H-B",
    )
    hazard_events = [e for e in sdk.read_events(limit=1000) if e.resource == "hazards/H-B"]
    assert hazard_events
    assert {(e.unit_uscc, e.region_code, e.equipment_id) for e in hazard_events} == {(b, KAIFENG, "b1")}


def test_people_and_96333_incidents_are_placed_in_their_unit_but_incidents_not_on_the_agencys_equipment(
    sdk: Dualprev, two_units: tuple[str, str]
) -> None:
    """An agency may not read 96333 incidents (CAPABILITY_ACTORS), so their events name no equipment."""
    a, b = two_units
    personnel.add_person(sdk, Person(id="P-B", unit_uscc=b, name="安全员"))
    e96333.register_rescue_code(sdk, "a1", "235274")
    incident = e96333.open_incident(
        sdk, rescue_code="235274", region_code=ZHENGZHOU, called_at=dt.datetime(2026, 3, 1, 8, tzinfo=dt.UTC)
    )
    e96333.record_dispatch(sdk, incident.id, at=dt.datetime(2026, 3, 1, 8, 2, tzinfo=dt.UTC))

    scopes = _scopes(sdk)
    assert scopes[("person.created", "people/P-B")] == (b, KAIFENG, None)
    incident_scopes = {v for (_, resource), v in scopes.items() if resource == f"rescueIncidents/{incident.id}"}
    assert incident_scopes == {(a, ZHENGZHOU, None)}
    with sdk.uow() as uow:
        agency_feed, _ = uow.outbox.read_scoped(0, 1000, agency="AG1")
    assert agency_feed
    assert not [e for e in agency_feed if e.resource.startswith("rescueIncidents/")]


def test_resources_outside_the_scoped_kinds_stay_unscoped_unless_the_service_names_the_unit(
    sdk: Dualprev, two_units: tuple[str, str]
) -> None:
    a, _ = two_units
    with sdk.uow() as uow:
        uow.emit("cylinder.filled", "cylinders/T-1", {})
        uow.emit("credit.noted", "blacklistEntries/B-1", {}, unit_uscc=a)  # the region is looked up
        uow.emit("equipment.checked", "equipment/not-in-the-ledger", {})
        uow.commit()
        written = {e.resource: (e.unit_uscc, e.region_code, e.equipment_id) for e in uow.committed_events}

    assert written == {
        "cylinders/T-1": (None, None, None),
        "blacklistEntries/B-1": (a, ZHENGZHOU, None),
        "equipment/not-in-the-ledger": (None, None, "not-in-the-ledger"),
    }
    assert {k: v for k, v in _scopes(sdk).items() if k[1] in written} == {
        ("cylinder.filled", "cylinders/T-1"): (None, None, None),
        ("credit.noted", "blacklistEntries/B-1"): (a, ZHENGZHOU, None),
        ("equipment.checked", "equipment/not-in-the-ledger"): (None, None, "not-in-the-ledger"),
    }


def test_placing_a_large_commit_costs_one_look_up_per_resource_kind(sdk: Dualprev, two_units: tuple[str, str]) -> None:
    a, b = two_units
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    with sdk.uow() as uow:
        uow.equipment.add_many(
            Equipment(id=f"bulk-{i}", unit_uscc=(a, b)[i % 2], catalog_code="3110") for i in range(600)
        )
        for i in range(600):
            uow.emit("equipment.created", f"equipment/bulk-{i}", {})
        uow.emit("unit.updated", f"units/{a}", {})
        sa.event.listen(sdk.engine, "before_cursor_execute", record)
        try:
            uow.commit()
        finally:
            sa.event.remove(sdk.engine, "before_cursor_execute", record)

    look_ups = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    advisory = [s for s in look_ups if "pg_advisory_xact_lock" in s]
    # equipment in two chunks of 500 ids, then the units' regions once; no per-event query
    assert len(look_ups) - len(advisory) == 3, look_ups
    placed = [e for e in sdk.read_events(limit=10_000) if e.resource.startswith("equipment/bulk-")]
    assert {(e.unit_uscc, e.region_code) for e in placed} == {(a, ZHENGZHOU), (b, KAIFENG)}


def test_each_scope_reads_exactly_its_own_events_in_order_across_pages(
    sdk: Dualprev, two_units: tuple[str, str]
) -> None:
    a, b = two_units
    for i in range(5):  # interleave the two units so every page mixes scopes
        sdk.ledger.create_equipment(Equipment(id=f"xa{i}", unit_uscc=a, catalog_code="3110"))
        sdk.ledger.create_equipment(Equipment(id=f"xb{i}", unit_uscc=b, catalog_code="3110"))
    everything = sdk.read_events(limit=1000)

    def expected(keep: Callable[[OutboxEvent], bool]) -> list[int]:
        return [e.cursor for e in everything if keep(e)]

    cases: list[tuple[dict[str, Any], list[int]]] = [
        ({"unit_usccs": [a]}, expected(lambda e: e.unit_uscc == a)),
        ({"unit_usccs": [a, b]}, expected(lambda e: e.unit_uscc in (a, b))),
        ({"region_prefix": "4102"}, expected(lambda e: (e.region_code or "").startswith("4102"))),
        ({"region_prefix": "41"}, expected(lambda e: e.region_code is not None)),
        ({"agency": "AG1"}, expected(lambda e: e.equipment_id == "a1")),
        ({"agency": "AG-unknown"}, []),
        ({"everything": True}, [e.cursor for e in everything]),
        ({}, []),  # no scope at all is an empty feed, never the whole province
    ]
    for scope, cursors in cases:
        for page in (1, 3, 100):
            got = [e.cursor for e in _read_all(sdk, page, **scope)]
            assert got == cursors, (scope, page)
    assert expected(lambda e: e.unit_uscc == a)
    assert expected(lambda e: e.equipment_id == "a1")


def test_a_scoped_reader_moves_its_cursor_past_other_scopes_rows(sdk: Dualprev, two_units: tuple[str, str]) -> None:
    a, b = two_units
    with sdk.uow() as uow:
        own, cursor = uow.outbox.read_scoped(0, 100, unit_usccs=[a])
        last = uow.outbox.last_cursor()
    assert own
    assert cursor == last  # past B's rows too, so the next poll does not re-read them
    for i in range(3):
        sdk.ledger.create_equipment(Equipment(id=f"only-b{i}", unit_uscc=b, catalog_code="3110"))
    with sdk.uow() as uow:
        more, after = uow.outbox.read_scoped(cursor, 100, unit_usccs=[a])
        assert (more, after) == ([], uow.outbox.last_cursor())
        assert after > cursor
        assert uow.outbox.read_scoped(after, 100, unit_usccs=[a]) == ([], after)


def test_a_scoped_reader_polling_during_concurrent_commits_misses_nothing_and_repeats_nothing(
    sdk: Dualprev, two_units: tuple[str, str]
) -> None:
    a, b = two_units
    per_writer = 15

    def write(uscc: str, prefix: str) -> None:
        for i in range(per_writer):
            sdk.ledger.create_equipment(Equipment(id=f"{prefix}{i}", unit_uscc=uscc, catalog_code="3110"))

    writers = [threading.Thread(target=write, args=(u, p)) for u, p in ((a, "ca"), (b, "cb"), (a, "cc"))]
    for thread in writers:
        thread.start()
    seen: list[OutboxEvent] = []
    cursor = 0
    while True:
        done = not any(t.is_alive() for t in writers)
        with sdk.uow() as uow:
            events, cursor = uow.outbox.read_scoped(cursor, 4, unit_usccs=[a])
        seen.extend(events)
        if done and len(events) < 4:
            break
    for thread in writers:
        thread.join()

    cursors = [e.cursor for e in seen]
    assert len(cursors) == len(set(cursors)), "no duplicates"
    assert cursors == [e.cursor for e in sdk.read_events(limit=10_000) if e.unit_uscc == a], "no gaps"
    assert sum(e.resource.startswith(("equipment/ca", "equipment/cc")) for e in seen) == 2 * per_writer


def test_a_resource_name_too_long_to_be_a_unit_or_equipment_is_left_unplaced_rather_than_failing_the_commit(
    sdk: Dualprev,
) -> None:
    with sdk.uow() as uow:
        uow.emit("unit.noted", "units/" + "9" * 40, {})
        uow.emit("equipment.noted", "equipment/" + "x" * 100, {})
        uow.commit()
    placed = [(e.unit_uscc, e.region_code, e.equipment_id) for e in sdk.read_events(limit=10)]
    assert placed == [(None, None, None), (None, None, None)]
