"""Optimistic concurrency: two writers that read the same version cannot both win."""

from __future__ import annotations

import threading
from collections.abc import Callable

import attrs
import pytest

from dualprev_sdk import ConcurrencyConflict, Equipment, NotFound, UseUnit
from dualprev_sdk.services.bootstrap import Dualprev


def test_the_second_of_two_updates_from_the_same_version_is_a_concurrency_conflict(
    sdk: Dualprev, make_uscc: Callable[[int], str]
) -> None:
    unit = sdk.ledger.create_unit(UseUnit(uscc=make_uscc(1), name="原名", region_code="410102"))
    with sdk.uow() as first, sdk.uow() as second:
        mine = first.units.get(unit.uscc)
        theirs = second.units.get(unit.uscc)
        first.units.update(attrs.evolve(mine, name="第一个"))
        first.commit()
        with pytest.raises(ConcurrencyConflict) as caught:
            second.units.update(attrs.evolve(theirs, name="第二个"))
    assert caught.value.expected_version == 1
    stored = sdk.ledger.get_unit(unit.uscc)
    assert (stored.name, stored.version) == ("第一个", 2)


def test_a_writer_blocked_by_an_open_transaction_loses_once_it_commits(
    sdk: Dualprev, make_uscc: Callable[[int], str]
) -> None:
    """The loser really runs concurrently: it waits on the winner's lock (row lock on PostgreSQL, the write
    lock on SQLite) and must then see the new version instead of overwriting it."""
    sdk.ledger.create_unit(UseUnit(uscc=make_uscc(1), name="某公司", region_code="410102"))
    equipment = sdk.ledger.create_equipment(Equipment(id="e1", unit_uscc=make_uscc(1), catalog_code="9100"))
    outcome: list[BaseException | None] = []
    started = threading.Event()

    def loser() -> None:
        try:
            with sdk.uow() as uow:
                started.set()
                uow.equipment.update(attrs.evolve(equipment, name="loser"))
                uow.commit()
            outcome.append(None)
        except BaseException as exc:
            outcome.append(exc)

    with sdk.uow() as winner:
        winner.equipment.update(attrs.evolve(equipment, name="winner"))
        thread = threading.Thread(target=loser)
        thread.start()
        started.wait(5)
        thread.join(0.3)  # give the loser time to reach the lock and block on it
        winner.commit()
    thread.join(10)

    assert len(outcome) == 1
    assert isinstance(outcome[0], ConcurrencyConflict)
    assert sdk.ledger.get_equipment("e1").name == "winner"


def test_updating_or_deleting_a_record_that_is_gone_is_not_found(
    sdk: Dualprev, make_uscc: Callable[[int], str]
) -> None:
    ghost = UseUnit(uscc=make_uscc(8), name="不存在", region_code="410102", version=1)
    with pytest.raises(NotFound):
        sdk.ledger.update_unit(ghost)
    with pytest.raises(NotFound):
        sdk.ledger.delete_unit(ghost.uscc, expected_version=1)


def test_deleting_with_a_stale_version_is_a_concurrency_conflict(
    sdk: Dualprev, make_uscc: Callable[[int], str]
) -> None:
    unit = sdk.ledger.create_unit(UseUnit(uscc=make_uscc(1), name="某公司", region_code="410102"))
    sdk.ledger.update_unit(attrs.evolve(unit, name="改名"))
    with pytest.raises(ConcurrencyConflict):
        sdk.ledger.delete_unit(unit.uscc, expected_version=unit.version)
