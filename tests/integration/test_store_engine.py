"""Connection settings, and the outbox cursor staying safe while several writers commit at once."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from dualprev_sdk import UseUnit
from dualprev_sdk.services.bootstrap import Dualprev
from dualprev_sdk.store.engine import make_engine


def test_every_sqlite_connection_gets_the_sdk_pragmas(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'nested' / 'db.sqlite'}")
    try:
        with engine.connect() as conn:
            values = {
                name: conn.execute(sa.text(f"PRAGMA {name}")).scalar()
                for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
            }
    finally:
        engine.dispose()
    assert values == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 30000, "synchronous": 1}


def test_a_reader_following_the_cursor_never_skips_an_event_while_writers_race(
    sdk: Dualprev, make_uscc: Callable[[int], str]
) -> None:
    """On PostgreSQL ids are handed out before commit; without ordering, a reader could pass id 10 while the
    transaction holding id 9 is still open and never see 9. Writers here commit concurrently while a reader
    polls; every committed event must reach the reader."""
    writers, per_writer = 4, 10
    done = threading.Event()
    seen: list[int] = []
    errors: list[BaseException] = []

    def write(offset: int) -> None:
        try:
            for n in range(per_writer):
                number = offset * 100 + n + 1
                sdk.ledger.create_unit(UseUnit(uscc=make_uscc(number), name=f"公司{number}", region_code="410102"))
        except BaseException as exc:
            errors.append(exc)

    def read() -> None:
        cursor = 0
        while True:
            finished = done.is_set()
            for event in sdk.read_events(after=cursor, limit=7):
                seen.append(event.cursor)
                cursor = event.cursor
            time.sleep(0.001)  # a poller yields between polls; one that spins starves the writers of the GIL
            if finished and not sdk.read_events(after=cursor):
                return

    reader = threading.Thread(target=read)
    reader.start()
    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    done.set()
    reader.join(60)

    assert errors == []
    everything = [e.cursor for e in sdk.read_events(limit=1000)]
    assert len(everything) == writers * per_writer
    assert seen == everything
