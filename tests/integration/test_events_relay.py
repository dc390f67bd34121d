"""The relay on real databases (SQLite file, and PostgreSQL when its URL is set): domain changes reach a
connector in commit order while writers race, two relays for one connector never lose or reorder anything,
the stored cursor only moves forward, and the ``dualprev events`` commands read the same outbox."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence

import pytest
from typer.testing import CliRunner

from dualprev_sdk import UseUnit
from dualprev_sdk.cli.main import _load_command_modules, app
from dualprev_sdk.errors import ConcurrencyConflict, InvalidArgument
from dualprev_sdk.events import OutboxEvent, Relay, run_relays
from dualprev_sdk.services.bootstrap import Dualprev


class Collector:
    """A receiver that is idempotent by event_id, as every connector's receiving side must be."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.deliveries: list[OutboxEvent] = []

    def deliver(self, events: Sequence[OutboxEvent]) -> None:
        with self.lock:
            self.deliveries.extend(events)

    def close(self) -> None:
        pass

    def unique_cursors(self) -> list[int]:
        return sorted({e.event_id: e.cursor for e in self.deliveries}.values())


def _create_units(sdk: Dualprev, make_uscc: Callable[[int], str], numbers: range) -> None:
    for number in numbers:
        sdk.ledger.create_unit(UseUnit(uscc=make_uscc(number), name=f"公司{number}", region_code="410102"))


def test_ledger_changes_reach_a_connector_as_their_events_in_commit_order(
    sdk: Dualprev, make_uscc: Callable[[int], str]
) -> None:
    _create_units(sdk, make_uscc, range(1, 4))
    collector = Collector()

    Relay(sdk.uow, "collector", collector, batch=2).drain()

    assert [e.type for e in collector.deliveries] == ["unit.created"] * 3
    assert [e.resource.rsplit("/", 1)[1] for e in collector.deliveries] == [make_uscc(n) for n in range(1, 4)]
    assert [e.cursor for e in collector.deliveries] == [e.cursor for e in sdk.read_events()]


def test_a_relay_following_racing_writers_delivers_every_event_once_in_order(
    sdk: Dualprev, make_uscc: Callable[[int], str]
) -> None:
    """The relay's 'no gaps' rests on the outbox making ids visible in id order even while writers commit
    concurrently (PostgreSQL's advisory lock); here it polls in small batches while four writers race."""
    writers, per_writer = 4, 10
    collector = Collector()
    relay = Relay(sdk.uow, "collector", collector, batch=3)
    stop = threading.Event()
    errors: list[BaseException] = []

    def write(offset: int) -> None:
        try:
            _create_units(sdk, make_uscc, range(offset * 100 + 1, offset * 100 + per_writer + 1))
        except BaseException as exc:
            errors.append(exc)

    follower = threading.Thread(target=run_relays, args=([relay],), kwargs={"stop": stop, "poll_interval": 0.01})
    follower.start()
    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    stop.set()
    follower.join(60)
    relay.drain()

    assert errors == []
    everything = [e.cursor for e in sdk.read_events(limit=1000)]
    assert len(everything) == writers * per_writer
    assert [e.cursor for e in collector.deliveries] == everything  # no gap, no repeat, commit order


def test_two_relays_for_the_same_connector_at_once_lose_nothing_and_end_at_the_last_event(
    sdk: Dualprev, make_uscc: Callable[[int], str]
) -> None:
    _create_units(sdk, make_uscc, range(1, 31))
    collector = Collector()
    seen_cursors: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            relay = Relay(sdk.uow, "collector", collector, batch=4)
            while True:
                step = relay.step()
                seen_cursors.append(step.cursor_after)
                if step.read == 0:
                    return
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    everything = [e.cursor for e in sdk.read_events(limit=1000)]
    assert collector.unique_cursors() == everything
    with sdk.uow() as uow:
        assert uow.connector_cursors.get("collector") == everything[-1]
        assert uow.connector_cursors.pending("collector") == 0


def test_the_stored_cursor_moves_only_forward_and_only_from_the_value_read(sdk: Dualprev) -> None:
    with sdk.uow() as uow:
        uow.connector_cursors.advance("feed", 0, 5)
        uow.commit()
    with sdk.uow() as uow, pytest.raises(ConcurrencyConflict):
        uow.connector_cursors.advance("feed", 0, 7)  # somebody else already moved it from 0
    with sdk.uow() as uow:
        with pytest.raises(InvalidArgument):
            uow.connector_cursors.advance("feed", 5, 3)
        uow.connector_cursors.advance("feed", 5, 9)
        uow.commit()
    with sdk.uow() as uow:
        assert uow.connector_cursors.get("feed") == 9
        assert [(c.name, c.cursor) for c in uow.connector_cursors.all()] == [("feed", 9)]


def test_two_first_advances_of_a_new_connector_cannot_both_win(sdk: Dualprev) -> None:
    first, second = sdk.uow(), sdk.uow()
    with first, second:
        first.connector_cursors.advance("feed", 0, 4)
        first.commit()
        with pytest.raises(ConcurrencyConflict):
            second.connector_cursors.advance("feed", 0, 6)
    with sdk.uow() as uow:
        assert uow.connector_cursors.get("feed") == 4


# -- the commands --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    _load_command_modules()
    return CliRunner()


def test_events_tail_prints_the_events_after_a_cursor_as_json_lines(
    sdk: Dualprev, make_uscc: Callable[[int], str], db_url: str, runner: CliRunner
) -> None:
    _create_units(sdk, make_uscc, range(1, 4))
    first = sdk.read_events()[0].cursor

    result = runner.invoke(app, ["events", "tail", "--after", str(first), "--db", db_url])

    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["cursor"] for line in lines] == [e.cursor for e in sdk.read_events(after=first)]
    assert lines[0]["type"] == "unit.created"
    assert lines[0]["payload"]["name"] == "公司2"


def test_relaying_to_a_connector_nobody_registered_fails_naming_it(db_url: str, runner: CliRunner) -> None:
    result = runner.invoke(app, ["events", "relay", "--once", "--connector", "no-such-connector", "--db", db_url])

    assert result.exit_code != 0
    assert "no-such-connector" in str(result.exception) + result.output
