"""The relay's delivery contract, with an in-process connector on a real SQLite file: at least once, in outbox
order, no gaps, the cursor moved only past what the connector acknowledged, resumable after a crash."""

from __future__ import annotations

import shutil
import threading
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.exc import OperationalError

from dualprev_sdk import hookimpl
from dualprev_sdk.errors import AlreadyExists, NotFound
from dualprev_sdk.events import (
    ConnectorRegistry,
    DeliveryError,
    DeliveryFailed,
    EventConnector,
    OutboxEvent,
    Relay,
    RelayStep,
    load_connectors,
    run_relays,
)
from dualprev_sdk.plugins import PluginHost, PluginLoadError
from dualprev_sdk.services.bootstrap import Dualprev
from dualprev_sdk.store.engine import make_engine
from dualprev_sdk.store.migrate import upgrade
from dualprev_sdk.store.uow import UnitOfWork


class Crash(BaseException):
    """Stands for the relay process dying (kill -9): nothing after the raise runs, not even ``except Exception``."""


class Receiver:
    """The receiving side: keeps every delivery, and de-duplicates by event_id as the contract requires."""

    def __init__(self) -> None:
        self.deliveries: list[OutboxEvent] = []

    @property
    def unique(self) -> list[OutboxEvent]:
        return list({e.event_id: e for e in self.deliveries}.values())


class InProcessConnector:
    """Delivers to a :class:`Receiver`; can be told to fail at a given outbox cursor, once."""

    def __init__(
        self,
        receiver: Receiver,
        *,
        fail_at: int | None = None,
        report_progress: bool = False,
        crash_after_batch: bool = False,
    ) -> None:
        self.receiver = receiver
        self.fail_at = fail_at
        self.report_progress = report_progress
        self.crash_after_batch = crash_after_batch
        self.batches: list[list[int]] = []
        self.closed = False

    def deliver(self, events: Sequence[OutboxEvent]) -> None:
        self.batches.append([e.cursor for e in events])
        for index, event in enumerate(events):
            if event.cursor == self.fail_at:
                self.fail_at = None
                if self.report_progress:
                    raise DeliveryError("receiver went away", acknowledged=index)
                raise ConnectionError("receiver went away")
            self.receiver.deliveries.append(event)
        if self.crash_after_batch:
            raise Crash

    def close(self) -> None:
        self.closed = True


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("events") / "template.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    return path


@pytest.fixture
def sdk(template: Path, tmp_path: Path) -> Iterator[Dualprev]:
    path = tmp_path / "dualprev.sqlite"
    shutil.copyfile(template, path)
    with Dualprev.open(f"sqlite:///{path}", host=PluginHost(entry_points=False), migrate=False) as opened:
        yield opened


def write_events(sdk: Dualprev, count: int, *, start: int = 0) -> list[int]:
    """``count`` committed changes, each with its event; their outbox cursors, in commit order."""
    event_ids = set()
    for number in range(start, start + count):
        with sdk.uow() as uow:
            event_ids.add(uow.emit("thing.created", f"things/{number}", {"number": number}).event_id)
            uow.commit()
    return [e.cursor for e in sdk.read_events(after=0, limit=10_000) if e.event_id in event_ids]


def test_the_in_process_connector_satisfies_the_connector_protocol() -> None:
    assert isinstance(InProcessConnector(Receiver()), EventConnector)


def test_a_connector_receives_every_event_once_in_outbox_order(sdk: Dualprev) -> None:
    cursors = write_events(sdk, 7)
    receiver = Receiver()
    relay = Relay(sdk.uow, "test", InProcessConnector(receiver), batch=3)

    assert relay.drain() == 7

    assert [e.cursor for e in receiver.deliveries] == cursors
    assert [e.payload["number"] for e in receiver.deliveries] == list(range(7))
    assert relay.cursor() == cursors[-1]
    assert relay.drain() == 0  # caught up: nothing is delivered twice


def test_a_failure_mid_batch_keeps_the_cursor_and_the_whole_batch_is_delivered_again(sdk: Dualprev) -> None:
    cursors = write_events(sdk, 5)
    receiver = Receiver()
    connector = InProcessConnector(receiver, fail_at=cursors[2])
    relay = Relay(sdk.uow, "test", connector, batch=5)

    failed = relay.step()

    assert isinstance(failed.error, ConnectionError)
    assert failed.delivered == 0
    assert relay.cursor() == 0
    assert relay.drain() == 5
    assert connector.batches == [cursors, cursors]  # the same batch again, from its first event
    assert [e.cursor for e in receiver.deliveries] == cursors[:2] + cursors  # at least once...
    assert [e.cursor for e in receiver.unique] == cursors  # ...and exactly once after de-duplication by event_id


def test_a_partial_acknowledgement_moves_the_cursor_past_the_acknowledged_prefix_only(sdk: Dualprev) -> None:
    cursors = write_events(sdk, 5)
    receiver = Receiver()
    relay = Relay(sdk.uow, "test", InProcessConnector(receiver, fail_at=cursors[3], report_progress=True), batch=5)

    failed = relay.step()

    assert (failed.delivered, failed.cursor_after) == (3, cursors[2])
    assert relay.cursor() == cursors[2]
    relay.drain()
    assert [e.cursor for e in receiver.deliveries] == cursors  # nothing acknowledged was sent twice


def test_drain_reports_a_failing_connector_by_name_and_keeps_its_cursor(sdk: Dualprev) -> None:
    cursors = write_events(sdk, 3)
    relay = Relay(sdk.uow, "regulator-feed", InProcessConnector(Receiver(), fail_at=cursors[0]))

    with pytest.raises(DeliveryFailed) as raised:
        relay.drain()

    assert raised.value.connector == "regulator-feed"
    assert raised.value.cursor == 0
    assert "regulator-feed" in str(raised.value)
    assert "receiver went away" in str(raised.value)


def test_a_relay_that_crashes_after_delivering_is_resumed_by_a_new_one_without_losing_an_event(sdk: Dualprev) -> None:
    cursors = write_events(sdk, 6)
    receiver = Receiver()
    crashing = Relay(sdk.uow, "test", InProcessConnector(receiver, crash_after_batch=True), batch=4)

    with pytest.raises(Crash):
        crashing.step()  # the receiver has the first 4, the cursor was never moved

    assert Relay(sdk.uow, "test", InProcessConnector(receiver)).cursor() == 0
    restarted = Relay(sdk.uow, "test", InProcessConnector(receiver), batch=4)
    assert restarted.drain() == 6
    assert [e.cursor for e in receiver.deliveries] == cursors[:4] + cursors
    assert [e.cursor for e in receiver.unique] == cursors


def test_events_committed_while_the_relay_runs_arrive_in_order_without_gaps(sdk: Dualprev) -> None:
    receiver = Receiver()
    relay = Relay(sdk.uow, "test", InProcessConnector(receiver), batch=2)
    written: list[int] = []
    for round_number in range(5):
        written += write_events(sdk, 3, start=round_number * 3)
        relay.step()  # lags behind on purpose: 2 per step, 3 written per round
    relay.drain()

    delivered = [e.cursor for e in receiver.deliveries]
    assert delivered == sorted(written)
    assert len(set(delivered)) == len(delivered) == 15


def test_each_connector_keeps_its_own_cursor(sdk: Dualprev) -> None:
    cursors = write_events(sdk, 4)
    fast, slow = Receiver(), Receiver()
    Relay(sdk.uow, "fast", InProcessConnector(fast)).drain()
    Relay(sdk.uow, "slow", InProcessConnector(slow), batch=1).step()

    with sdk.uow() as uow:
        assert uow.connector_cursors.get("fast") == cursors[-1]
        assert uow.connector_cursors.get("slow") == cursors[0]
        assert uow.connector_cursors.minimum() == cursors[0]
        assert uow.connector_cursors.minimum(["fast", "never-ran"]) == 0


def test_a_relay_that_lost_the_race_for_the_cursor_never_moves_it_backwards(sdk: Dualprev) -> None:
    cursors = write_events(sdk, 4)
    receiver = Receiver()
    other = Relay(sdk.uow, "test", InProcessConnector(receiver))

    class RacedConnector(InProcessConnector):
        def deliver(self, events: Sequence[OutboxEvent]) -> None:
            super().deliver(events)
            other.drain()  # a second relay for the same connector delivers everything meanwhile

    slow = Relay(sdk.uow, "test", RacedConnector(receiver), batch=2)
    result = slow.step()

    assert result.conflict
    assert result.error is None
    assert slow.cursor() == cursors[-1]
    assert [e.cursor for e in receiver.unique] == cursors


def test_run_relays_keeps_delivering_to_healthy_connectors_while_one_fails(sdk: Dualprev) -> None:
    cursors = write_events(sdk, 3)
    healthy_receiver = Receiver()

    class AlwaysDown:
        def deliver(self, events: Sequence[OutboxEvent]) -> None:
            raise ConnectionError("down")

        def close(self) -> None:
            pass

    stop = threading.Event()
    steps: list[RelayStep] = []

    def record(step: RelayStep) -> None:
        steps.append(step)
        if step.connector == "healthy" and step.cursor_after == cursors[-1]:
            stop.set()

    relays = [Relay(sdk.uow, "down", AlwaysDown()), Relay(sdk.uow, "healthy", InProcessConnector(healthy_receiver))]
    worker = threading.Thread(target=run_relays, args=(relays,), kwargs={"stop": stop, "on_step": record})
    worker.start()
    worker.join(timeout=30)

    assert not worker.is_alive()
    assert [e.cursor for e in healthy_receiver.deliveries] == cursors
    assert any(s.connector == "down" and s.error is not None for s in steps)
    with sdk.uow() as uow:
        assert uow.connector_cursors.get("down") == 0


def test_run_relays_outlives_a_database_that_fails_for_a_moment(sdk: Dualprev) -> None:
    """Fault injection at the unit-of-work factory: the first two units of work cannot connect."""
    cursors = write_events(sdk, 2)
    receiver = Receiver()
    failures = [OperationalError("SELECT 1", {}, ConnectionError("database restarting"))] * 2

    def flaky_uow() -> UnitOfWork:
        if failures:
            raise failures.pop()
        return sdk.uow()

    stop = threading.Event()
    steps: list[RelayStep] = []

    def record(step: RelayStep) -> None:
        steps.append(step)
        if step.cursor_after == cursors[-1]:
            stop.set()

    relay = Relay(flaky_uow, "test", InProcessConnector(receiver))
    worker = threading.Thread(
        target=run_relays, args=([relay],), kwargs={"stop": stop, "on_step": record, "retry_floor": 0.01}
    )
    worker.start()
    worker.join(timeout=30)

    assert not worker.is_alive()
    assert [type(s.error) for s in steps[:2]] == [OperationalError, OperationalError]
    assert [e.cursor for e in receiver.deliveries] == cursors


def test_a_batch_size_below_one_is_refused(sdk: Dualprev) -> None:
    with pytest.raises(ValueError, match="batch"):
        Relay(sdk.uow, "test", InProcessConnector(Receiver()), batch=0)


Fault = tuple[str, int]  # ("ok", 0) | ("fail_at", k) | ("partial", k) | ("crash_after", 0)

faults = st.one_of(
    st.just(("ok", 0)),
    st.tuples(st.sampled_from(["fail_at", "partial"]), st.integers(min_value=0, max_value=9)),
    st.just(("crash_after", 0)),
)


class ScriptedConnector:
    """Fails each delivery attempt as the script says: raise at the k-th event (nothing acknowledged), report k
    acknowledged, or die after the receiver got the whole batch (a crash before the cursor update)."""

    def __init__(self, receiver: Receiver, script: list[Fault]) -> None:
        self.receiver = receiver
        self.script = script
        self.batches: list[list[int]] = []

    def deliver(self, events: Sequence[OutboxEvent]) -> None:
        self.batches.append([e.cursor for e in events])
        kind, k = self.script.pop(0) if self.script else ("ok", 0)
        k = min(k, len(events) - 1)
        if kind in ("fail_at", "partial"):
            self.receiver.deliveries.extend(events[:k])
            if kind == "partial":
                raise DeliveryError("stopped", acknowledged=k)
            raise ConnectionError("stopped")
        self.receiver.deliveries.extend(events)
        if kind == "crash_after":
            raise Crash

    def close(self) -> None:
        pass


@pytest.fixture(scope="module")
def shared_sdk(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dualprev]:
    path = tmp_path_factory.mktemp("events-property") / "dualprev.sqlite"
    shutil.copyfile(template, path)
    with Dualprev.open(f"sqlite:///{path}", host=PluginHost(entry_points=False), migrate=False) as opened:
        write_events(opened, 23)
        yield opened


@given(script=st.lists(faults, max_size=12), batch=st.integers(min_value=1, max_value=8))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_under_any_sequence_of_failures_and_crashes_every_event_arrives_in_order_with_no_gap(
    shared_sdk: Dualprev, script: list[Fault], batch: int
) -> None:
    everything = [e.cursor for e in shared_sdk.read_events(limit=1000)]
    name = f"property-{uuid.uuid4().hex}"  # a fresh cursor per example
    receiver = Receiver()
    connector = ScriptedConnector(receiver, list(script))
    stored: list[int] = []
    for _ in range(len(script) + len(everything) + 2):  # enough attempts to finish once the script is used up
        relay = Relay(shared_sdk.uow, name, connector, batch=batch)  # a new relay, as after a restart
        try:
            step = relay.step()
        except Crash:
            pass
        else:
            if step.read == 0:
                break
        stored.append(relay.cursor())

    assert stored == sorted(stored)  # the stored cursor never moves backwards
    for attempt in connector.batches:  # every batch starts right after an acknowledged event: no gap
        assert attempt == everything[everything.index(attempt[0]) :][: len(attempt)]
        assert everything.index(attempt[0]) == 0 or everything[everything.index(attempt[0]) - 1] in [0, *stored]
    first_arrivals = [e.cursor for e in receiver.unique]
    assert first_arrivals == everything  # all of them, in outbox order, once after de-duplication
    assert Relay(shared_sdk.uow, name, connector).cursor() == everything[-1]


# -- the registry and the plugin hook ---------------------------------------------------------------------------


class QueuePlugin:
    @hookimpl
    def dualprev_register_event_connectors(self, registry: ConnectorRegistry) -> None:
        registry.register(lambda: InProcessConnector(Receiver()), name="queue", description="an in-process queue")


class SecondQueuePlugin:
    @hookimpl
    def dualprev_register_event_connectors(self, registry: ConnectorRegistry) -> None:
        registry.register(lambda: InProcessConnector(Receiver()), name="queue")


def test_a_plugin_registers_a_connector_through_the_hook_and_is_named_as_its_owner() -> None:
    host = PluginHost(entry_points=False, extra_plugins=[("queue-plugin", QueuePlugin())])

    registry = load_connectors(host)

    spec = registry.get("queue")
    assert (spec.plugin, spec.description) == ("queue-plugin", "an in-process queue")
    assert isinstance(spec.factory(), EventConnector)
    assert registry.names() == ["queue"]
    assert "queue" in registry
    assert len(registry) == 1


def test_two_plugins_registering_the_same_connector_name_fail_loading_naming_both() -> None:
    host = PluginHost(entry_points=False, extra_plugins=[("first", QueuePlugin()), ("second", SecondQueuePlugin())])

    with pytest.raises(PluginLoadError) as raised:
        load_connectors(host)

    assert "'first'" in str(raised.value)
    assert "'second'" in str(raised.value)


def test_an_unknown_connector_is_not_found_and_the_message_lists_the_registered_ones() -> None:
    registry = ConnectorRegistry()
    registry.register(lambda: InProcessConnector(Receiver()), name="queue")

    with pytest.raises(NotFound, match="registered: queue"):
        registry.get("nats")


def test_a_connector_name_with_spaces_is_refused() -> None:
    with pytest.raises(ValueError, match="connector name"):
        ConnectorRegistry().register(lambda: InProcessConnector(Receiver()), name="my queue")


def test_registering_the_same_name_twice_directly_is_already_exists() -> None:
    registry = ConnectorRegistry()
    registry.register(lambda: InProcessConnector(Receiver()), name="queue", plugin_name="a")
    with pytest.raises(AlreadyExists):
        registry.register(lambda: InProcessConnector(Receiver()), name="queue", plugin_name="b")
