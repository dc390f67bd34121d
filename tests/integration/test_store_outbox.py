"""The outbox: events are written in the same transaction as the change and read back after a cursor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import attrs
import pytest

from dualprev_sdk import Equipment, UseUnit
from dualprev_sdk.services.bootstrap import Dualprev


def test_every_ledger_change_records_one_event_in_order(sdk: Dualprev, make_uscc: Callable[[int], str]) -> None:
    unit = sdk.ledger.create_unit(UseUnit(uscc=make_uscc(1), name="某公司", region_code="410102"))
    equipment = sdk.ledger.create_equipment(Equipment(id="e1", unit_uscc=unit.uscc, catalog_code="9100"))
    sdk.ledger.update_unit(attrs.evolve(unit, name="新名"))
    sdk.ledger.delete_equipment(equipment.id)

    events = sdk.read_events()
    assert [(e.type, e.resource) for e in events] == [
        ("unit.created", f"units/{unit.uscc}"),
        ("equipment.created", "equipment/e1"),
        ("unit.updated", f"units/{unit.uscc}"),
        ("equipment.deleted", "equipment/e1"),
    ]
    cursors = [e.cursor for e in events]
    assert cursors == sorted(cursors)
    assert len(set(cursors)) == 4
    assert len({e.event_id for e in events}) == 4
    assert events[2].payload["name"] == "新名"
    assert events[2].payload["version"] == 2
    assert all(e.occurred_at.tzinfo is not None and e.occurred_at.utcoffset() == dt.timedelta(0) for e in events)


def test_reading_after_a_cursor_returns_only_newer_events_up_to_the_limit(
    sdk: Dualprev, make_uscc: Callable[[int], str]
) -> None:
    for n in range(1, 6):
        sdk.ledger.create_unit(UseUnit(uscc=make_uscc(n), name=f"公司{n}", region_code="410102"))
    everything = sdk.read_events()
    page = sdk.read_events(after=everything[1].cursor, limit=2)
    assert page == everything[2:4]
    assert sdk.read_events(after=everything[-1].cursor) == []


def test_events_of_a_rolled_back_unit_of_work_never_appear(sdk: Dualprev, make_uscc: Callable[[int], str]) -> None:
    with sdk.uow() as uow:
        uow.units.add(UseUnit(uscc=make_uscc(1), name="某公司", region_code="410102"))
        uow.emit("unit.created", f"units/{make_uscc(1)}", {"uscc": make_uscc(1)})
    with sdk.uow() as uow:
        uow.emit("note.kept", "notes/1", {"text": "中文内容"})
        uow.commit()
    events = sdk.read_events()
    assert [(e.type, e.payload) for e in events] == [("note.kept", {"text": "中文内容"})]


def test_event_payloads_are_stored_as_json_with_dates_as_iso_text(sdk: Dualprev) -> None:
    with sdk.uow() as uow:
        uow.emit("equipment.inspected", "equipment/e1", {"inspected_on": dt.date(2025, 5, 1), "grade": 2})
        uow.commit()
    assert sdk.read_events()[0].payload == {"inspected_on": "2025-05-01", "grade": 2}


def test_a_payload_that_is_not_json_is_refused_when_emitted_naming_the_event(sdk: Dualprev) -> None:
    with sdk.uow() as uow, pytest.raises(TypeError, match=r"thing\.happened"):
        uow.emit("thing.happened", "things/1", {"handle": object()})


def test_cursors_keep_increasing_after_consumed_events_are_pruned(sdk: Dualprev) -> None:
    with sdk.uow() as uow:
        for n in range(3):
            uow.emit("tick", f"ticks/{n}", {})
        uow.commit()
    last = sdk.read_events()[-1].cursor
    with sdk.uow() as uow:
        assert uow.outbox.prune(last) == 3
        uow.commit()
    with sdk.uow() as uow:
        uow.emit("tick", "ticks/3", {})
        uow.commit()
    assert [e.cursor > last for e in sdk.read_events()] == [True]
