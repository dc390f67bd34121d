"""Two writers on one hazard: every race is detected (ConcurrencyConflict) and retried, no update is lost."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from hazard_world import at, open_world, report

from dualprev_sdk.errors import ConcurrencyConflict, DualprevError
from dualprev_sdk.services import hazards as hz
from dualprev_sdk.services.bootstrap import Dualprev
from dualprev_sdk.store.hazards import HAZARD_EVENTS

NOTES_PER_WRITER = 15


@pytest.fixture
def world(db_url: str) -> Iterator[Dualprev]:
    sdk = open_world(db_url)
    try:
        report(sdk, "H-1")
        yield sdk
    finally:
        sdk.close()


def test_two_writers_adding_notes_to_one_hazard_lose_no_update(world):
    barrier = threading.Barrier(2)
    conflicts: list[int] = []
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        barrier.wait()
        for n in range(NOTES_PER_WRITER):
            request_id = f"{name}-{n}"
            attempts = 0
            while True:
                try:
                    hz.add_hazard_note(world, "H-1", text=f"{name} 第{n}条", actor=name, request_id=request_id, at=at())
                    break
                except ConcurrencyConflict:
                    attempts += 1
                    if attempts > 200:
                        raise
                except DualprevError as exc:  # pragma: no cover - reported below
                    errors.append(exc)
                    return
            conflicts.append(attempts)

    threads = [threading.Thread(target=writer, args=(name,)) for name in ("writer-a", "writer-b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    with world.engine.connect() as conn:
        count = conn.execute(
            sa.select(sa.func.count()).select_from(HAZARD_EVENTS).where(HAZARD_EVENTS.c.hazard_id == "H-1")
        ).scalar_one()
    assert count == 1 + 2 * NOTES_PER_WRITER  # the report plus every note of both writers
    hazard = hz.get_hazard(world, "H-1")
    assert hazard.notes == 2 * NOTES_PER_WRITER
    assert hazard.version == count
    assert hz.verify_hazard_chain(world, "H-1").ok


def test_a_writer_holding_a_stale_copy_gets_a_concurrency_conflict_and_writes_nothing(world):
    ctx_a = hz._context("甲", at(), "a-1")
    ctx_b = hz._context("乙", at(), "b-1")
    with world.uow() as first, world.uow() as second:
        mine = first.hazards.get("H-1")
        theirs = second.hazards.get("H-1")
        mine.add_note(ctx_a, text="甲的记录")
        first.hazards.save(mine)
        first.commit()
        theirs.add_note(ctx_b, text="乙的记录")
        with pytest.raises(ConcurrencyConflict):
            second.hazards.save(theirs)
    assert hz.get_hazard(world, "H-1").version == 2
