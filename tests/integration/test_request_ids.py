"""AIP-155 request ids are stored with the create they guard: a retry returns the first result, on every backend,
from any process; a reused id with another request or caller is refused; concurrent duplicates create once."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable

import pytest
import sqlalchemy as sa

from dualprev_sdk import Equipment, InvalidArgument, NotFound, UseUnit
from dualprev_sdk.services import idempotency
from dualprev_sdk.services.bootstrap import Dualprev
from dualprev_sdk.services.ledger import equipment_resource
from dualprev_sdk.store.equipment import EQUIPMENT
from dualprev_sdk.store.outbox import OUTBOX
from dualprev_sdk.store.request_ids import REQUEST_IDS
from dualprev_sdk.store.units import UNITS
from dualprev_sdk.store.uow import UnitOfWork


def _unit(uscc: str, name: str = "郑州示例使用单位") -> UseUnit:
    return UseUnit(uscc=uscc, name=name, region_code="410102")


def _count(sdk: Dualprev, table: sa.Table, *where: sa.ColumnElement[bool]) -> int:
    with sdk.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table).where(*where)).scalar_one())


def test_a_create_retried_with_its_request_id_returns_the_first_unit_without_writing_again(
    db_url: str, make_uscc: Callable[[int], str]
) -> None:
    request_id = uuid.uuid4().hex
    with Dualprev.open(db_url, migrate=False) as first_process:
        first = first_process.ledger.create_unit(_unit(make_uscc(1)), request_id=request_id, caller="key-1")
        events = _count(first_process, OUTBOX)
    with Dualprev.open(db_url, migrate=False) as restarted:  # another process, or the same one restarted
        again = restarted.ledger.create_unit(_unit(make_uscc(1)), request_id=request_id, caller="key-1")
        assert again == first
        assert _count(restarted, UNITS) == 1
        assert _count(restarted, OUTBOX) == events  # the replay emitted nothing


def test_an_equipment_create_without_an_id_replays_to_the_generated_id(
    sdk: Dualprev, make_uscc: Callable[[int], str]
) -> None:
    uscc = make_uscc(2)
    sdk.ledger.create_unit(_unit(uscc))
    asked = Equipment(id="", unit_uscc=uscc, catalog_code="3110", name="1号客梯")
    request_id = uuid.uuid4().hex
    first = sdk.ledger.create_equipment(asked, request_id=request_id, caller="key-1")
    again = sdk.ledger.create_equipment(asked, request_id=request_id, caller="key-1")
    assert first.id
    assert again.id == first.id
    assert _count(sdk, EQUIPMENT, EQUIPMENT.c.unit_uscc == uscc) == 1


def test_a_request_id_reused_for_a_different_request_is_invalid_and_creates_nothing(
    sdk: Dualprev, make_uscc: Callable[[int], str]
) -> None:
    request_id = uuid.uuid4().hex
    sdk.ledger.create_unit(_unit(make_uscc(3)), request_id=request_id, caller="key-1")
    with pytest.raises(InvalidArgument) as changed:
        sdk.ledger.create_unit(_unit(make_uscc(4)), request_id=request_id, caller="key-1")
    assert [(v.field, v.rule) for v in changed.value.violations] == [("request_id", "request_id.reused")]
    assert _count(sdk, UNITS) == 1


def test_a_request_id_reused_by_another_caller_is_invalid_even_with_the_same_request(
    sdk: Dualprev, make_uscc: Callable[[int], str]
) -> None:
    request_id = uuid.uuid4().hex
    sdk.ledger.create_unit(_unit(make_uscc(5)), request_id=request_id, caller="key-1")
    with pytest.raises(InvalidArgument) as other:
        sdk.ledger.create_unit(_unit(make_uscc(5)), request_id=request_id, caller="key-2")
    assert [(v.field, v.rule) for v in other.value.violations] == [("request_id", "request_id.reused")]


def test_a_request_id_of_one_operation_cannot_replay_another(sdk: Dualprev, make_uscc: Callable[[int], str]) -> None:
    uscc = make_uscc(6)
    request_id = uuid.uuid4().hex
    sdk.ledger.create_unit(_unit(uscc), request_id=request_id, caller="key-1")
    with pytest.raises(InvalidArgument):
        sdk.ledger.create_equipment(
            Equipment(id="e-1", unit_uscc=uscc, catalog_code="3110", name="1号客梯"),
            request_id=request_id,
            caller="key-1",
        )
    assert _count(sdk, EQUIPMENT) == 0


def test_a_failed_create_leaves_its_request_id_free_for_the_retry(
    sdk: Dualprev, make_uscc: Callable[[int], str]
) -> None:
    uscc = make_uscc(7)
    asked = Equipment(id="e-1", unit_uscc=uscc, catalog_code="3110", name="1号客梯")
    request_id = uuid.uuid4().hex
    with pytest.raises(NotFound):  # the unit does not exist yet
        sdk.ledger.create_equipment(asked, request_id=request_id, caller="key-1")
    assert _count(sdk, REQUEST_IDS) == 0
    sdk.ledger.create_unit(_unit(uscc))
    assert sdk.ledger.create_equipment(asked, request_id=request_id, caller="key-1").id == "e-1"


def test_without_a_request_id_a_second_create_is_a_second_record(
    sdk: Dualprev, make_uscc: Callable[[int], str]
) -> None:
    uscc = make_uscc(8)
    sdk.ledger.create_unit(_unit(uscc))
    asked = Equipment(id="", unit_uscc=uscc, catalog_code="3110", name="1号客梯")
    assert sdk.ledger.create_equipment(asked).id != sdk.ledger.create_equipment(asked).id
    assert _count(sdk, REQUEST_IDS) == 0


def test_two_threads_creating_with_one_request_id_make_one_record_and_both_get_it(
    sdk: Dualprev, make_uscc: Callable[[int], str]
) -> None:
    """The winner holds its claim for a while before committing, so the loser has passed the lookup and must
    be stopped by the key itself, then answer from the winner's row."""
    uscc = make_uscc(9)
    sdk.ledger.create_unit(_unit(uscc))
    request_id = uuid.uuid4().hex
    barrier = threading.Barrier(2)
    creates: list[str] = []
    results: list[Equipment] = []
    errors: list[BaseException] = []

    def slow_create(uow: UnitOfWork) -> Equipment:
        stored = uow.equipment.add(Equipment(id=uuid.uuid4().hex, unit_uscc=uscc, catalog_code="3110", name="客梯"))
        creates.append(stored.id)
        time.sleep(0.3)
        return stored

    def attempt() -> None:
        barrier.wait()
        try:
            results.append(
                idempotency.run_create(
                    sdk.uow(),
                    request_id=request_id,
                    operation="test.create_equipment",
                    payload={"name": "客梯"},
                    caller="key-1",
                    create=slow_create,
                    resource_of=lambda e: equipment_resource(e.id),
                    read=lambda uow, name: uow.equipment.get(name.removeprefix("equipment/")),
                )
            )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert len(creates) == 1
    assert [r.id for r in results] == [creates[0], creates[0]]
    assert _count(sdk, EQUIPMENT, EQUIPMENT.c.unit_uscc == uscc) == 1
    assert _count(sdk, REQUEST_IDS) == 1


def test_four_threads_retrying_one_equipment_create_through_the_ledger_store_one_record(
    sdk: Dualprev, make_uscc: Callable[[int], str]
) -> None:
    uscc = make_uscc(10)
    sdk.ledger.create_unit(_unit(uscc))
    asked = Equipment(id="", unit_uscc=uscc, catalog_code="3110", name="2号客梯")
    request_id = uuid.uuid4().hex
    barrier = threading.Barrier(4)
    ids: list[str] = []

    def attempt() -> None:
        barrier.wait()
        ids.append(sdk.ledger.create_equipment(asked, request_id=request_id, caller="key-1").id)

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert len(ids) == 4
    assert len(set(ids)) == 1
    assert _count(sdk, EQUIPMENT, EQUIPMENT.c.unit_uscc == uscc) == 1
