"""The unit of work keeps nothing unless committed, and a failure part-way leaves nothing half-written."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from dualprev_sdk import AlreadyExists, Equipment, UseUnit
from dualprev_sdk.services.bootstrap import Dualprev


def _unit(uscc: str) -> UseUnit:
    return UseUnit(uscc=uscc, name="某公司", region_code="410102")


def test_changes_are_rolled_back_unless_commit_is_called(sdk: Dualprev, make_uscc: Callable[[int], str]) -> None:
    with sdk.uow() as uow:
        uow.units.add(_unit(make_uscc(1)))
        uow.emit("unit.created", f"units/{make_uscc(1)}", {})
        assert uow.units.exists(make_uscc(1))  # visible inside its own transaction
    with sdk.uow() as uow:
        assert not uow.units.exists(make_uscc(1))
        assert uow.outbox.read_after(0) == []


def test_committed_changes_are_visible_to_the_next_unit_of_work(sdk: Dualprev, make_uscc: Callable[[int], str]) -> None:
    with sdk.uow() as uow:
        uow.units.add(_unit(make_uscc(1)))
        uow.commit()
    with sdk.uow() as uow:
        assert uow.units.get(make_uscc(1)).version == 1


def test_an_error_part_way_through_leaves_nothing_written(sdk: Dualprev, make_uscc: Callable[[int], str]) -> None:
    sdk.ledger.create_unit(_unit(make_uscc(1)))

    def register_two_units() -> None:
        with sdk.uow() as uow:
            uow.units.add(_unit(make_uscc(2)))
            uow.equipment.add(Equipment(id="e1", unit_uscc=make_uscc(2), catalog_code="9100"))
            uow.emit("unit.created", f"units/{make_uscc(2)}", {})
            uow.units.add(_unit(make_uscc(1)))  # taken: the whole unit of work must vanish
            uow.commit()

    with pytest.raises(AlreadyExists):
        register_two_units()
    with sdk.uow() as uow:
        assert not uow.units.exists(make_uscc(2))
        assert uow.equipment.find("e1") is None
        assert [e.type for e in uow.outbox.read_after(0)] == ["unit.created"]  # only the first unit's event


def test_an_exception_in_caller_code_after_writes_rolls_back(sdk: Dualprev, make_uscc: Callable[[int], str]) -> None:
    class Boom(Exception):
        pass

    def fail_after_writing() -> None:
        with sdk.uow() as uow:
            uow.units.add(_unit(make_uscc(3)))
            raise Boom

    with pytest.raises(Boom):
        fail_after_writing()
    assert sdk.ledger.list_units().items == ()


def test_a_unit_of_work_cannot_be_used_outside_its_with_block(sdk: Dualprev) -> None:
    uow = sdk.uow()
    with pytest.raises(RuntimeError):
        uow.commit()
