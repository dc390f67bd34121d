"""The NATS JetStream connector against the real server at ``$NATS_URL`` (default nats://127.0.0.1:4222).

Each test gets its own stream and subject prefix, so runs never see each other's messages. Without a
reachable server the tests are skipped with the reason — except in CI (``CI=true``), where a missing server is
a failure: the CI script starts one.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from urllib.parse import urlsplit

import attrs
import nats
import pytest
from dualprev_gateway.connectors.nats_jetstream import (
    CONNECTOR_NAME,
    NatsJetStreamConnector,
    event_message,
)
from nats.aio.msg import Msg
from nats.js.api import ConsumerConfig, DeliverPolicy

from dualprev_sdk import timeutil
from dualprev_sdk.errors import FailedPrecondition, InvalidArgument
from dualprev_sdk.events import OutboxEvent, Relay, load_connectors
from dualprev_sdk.plugins import PluginHost
from dualprev_sdk.services.bootstrap import Dualprev
from dualprev_sdk.store.engine import make_engine
from dualprev_sdk.store.migrate import upgrade

NATS_URL = os.environ.get("NATS_URL") or "nats://127.0.0.1:4222"


class Crash(BaseException):
    """The relay process dying right after the PubAcks arrived, before it stored the cursor."""


@attrs.frozen
class IsolatedStream:
    url: str
    name: str
    prefix: str

    def connector(
        self, cls: type[NatsJetStreamConnector] = NatsJetStreamConnector, *, create_stream: bool = True
    ) -> NatsJetStreamConnector:
        return cls(
            url=self.url,
            stream=self.name,
            subject_prefix=self.prefix,
            duplicate_window=120.0,
            create_stream=create_stream,
        )


class CrashesAfterPubAck(NatsJetStreamConnector):
    def deliver(self, events: Sequence[OutboxEvent]) -> None:
        super().deliver(events)
        raise Crash


def _reachable(url: str) -> bool:
    parts = urlsplit(url.split(",", maxsplit=1)[0])
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 4222), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def nats_url() -> str:
    if not _reachable(NATS_URL):
        reason = f"NATS JetStream is not reachable at {NATS_URL} (set NATS_URL, or start nats-server -js)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true: {reason}")
        pytest.skip(reason)
    return NATS_URL


async def _delete_stream(url: str, name: str) -> None:
    nc = await nats.connect(url)
    try:
        await nc.jetstream().delete_stream(name)
    except nats.js.errors.NotFoundError:
        pass
    finally:
        await nc.close()


@pytest.fixture
def stream(nats_url: str) -> Iterator[IsolatedStream]:
    token = uuid.uuid4().hex[:12]
    created = IsolatedStream(url=nats_url, name=f"DUALPREV_TEST_{token}", prefix=f"test_{token}.events")
    yield created
    asyncio.run(_delete_stream(nats_url, created.name))


@pytest.fixture(scope="module")
def _template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("nats") / "template.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    return path


@pytest.fixture
def events_sdk(_template: Path, tmp_path: Path) -> Iterator[Dualprev]:
    path = tmp_path / "events.sqlite"
    shutil.copyfile(_template, path)
    with Dualprev.open(f"sqlite:///{path}", host=PluginHost(entry_points=False), migrate=False) as sdk:
        yield sdk


def _write(sdk: Dualprev, count: int) -> list[OutboxEvent]:
    for number in range(count):
        with sdk.uow() as uow:
            kind = "unit" if number % 2 else "equipment"
            uow.emit(f"{kind}.created", f"{kind}s/{number}", {"number": number, "名称": f"设备{number}"})
            uow.commit()
    return sdk.read_events(after=0, limit=10_000)


async def _consume(stream: IsolatedStream, expected: int) -> list[Msg]:
    """The first ``expected`` messages of the stream, in stream order, through an ephemeral pull consumer."""
    nc = await nats.connect(stream.url)
    try:
        js = nc.jetstream()
        subscription = await js.pull_subscribe(
            f"{stream.prefix}.>", stream=stream.name, config=ConsumerConfig(deliver_policy=DeliverPolicy.ALL)
        )
        received: list[Msg] = []
        while len(received) < expected:  # extra messages would show in the stream's stored count
            try:
                batch = await subscription.fetch(batch=expected - len(received), timeout=2.0)
            except TimeoutError:  # nats.errors.TimeoutError, or asyncio's own from a lapsed deadline
                break  # fewer than expected: the assertion on the list says which are missing
            for message in batch:
                await message.ack()
            received.extend(batch)
        return received
    finally:
        await nc.close()


async def _stored_messages(stream: IsolatedStream) -> int:
    nc = await nats.connect(stream.url)
    try:
        info = await nc.jetstream().stream_info(stream.name)
        return int(info.state.messages)
    finally:
        await nc.close()


def test_every_event_reaches_jetstream_exactly_once_by_msg_id_after_a_forced_redelivery(
    events_sdk: Dualprev, stream: IsolatedStream
) -> None:
    events = _write(events_sdk, 25)

    crashing = stream.connector(CrashesAfterPubAck)
    try:
        with pytest.raises(Crash):
            Relay(events_sdk.uow, CONNECTOR_NAME, crashing, batch=10).step()
    finally:
        crashing.close()

    connector = stream.connector()
    try:
        relay = Relay(events_sdk.uow, CONNECTOR_NAME, connector, batch=10)
        assert relay.cursor() == 0  # the crash came before the cursor moved: the first 10 go out again
        assert relay.drain() == 25
        assert relay.cursor() == events[-1].cursor
    finally:
        connector.close()

    received = asyncio.run(_consume(stream, expected=25))
    msg_ids = [m.headers["Nats-Msg-Id"] if m.headers else None for m in received]
    assert msg_ids == [e.event_id for e in events]  # each once, in outbox order
    assert asyncio.run(_stored_messages(stream)) == 25  # the 10 redelivered were dropped by the duplicate window
    first = received[0]
    assert first.subject == f"{stream.prefix}.{events[0].type}"
    assert first.headers is not None
    assert first.headers["Dualprev-Cursor"] == str(events[0].cursor)


def test_the_message_body_is_the_event_as_json(events_sdk: Dualprev, stream: IsolatedStream) -> None:
    events = _write(events_sdk, 2)
    connector = stream.connector()
    try:
        Relay(events_sdk.uow, CONNECTOR_NAME, connector).drain()
    finally:
        connector.close()

    body = json.loads(asyncio.run(_consume(stream, expected=2))[1].data)
    assert body == {
        "event_id": events[1].event_id,
        "type": "unit.created",
        "resource": "units/1",
        "occurred_at": events[1].occurred_at.isoformat(),
        "cursor": events[1].cursor,
        "payload": {"number": 1, "名称": "设备1"},
    }


def test_a_stream_that_is_missing_and_may_not_be_created_keeps_the_cursor(
    events_sdk: Dualprev, stream: IsolatedStream
) -> None:
    _write(events_sdk, 3)
    connector = stream.connector(create_stream=False)
    try:
        step = Relay(events_sdk.uow, CONNECTOR_NAME, connector).step()
    finally:
        connector.close()

    assert isinstance(step.error, FailedPrecondition)
    assert stream.name in str(step.error)
    assert (step.delivered, step.cursor_after) == (0, 0)


def test_a_subject_outside_the_stream_is_not_acknowledged_and_not_counted(
    events_sdk: Dualprev, stream: IsolatedStream
) -> None:
    """The stream exists but does not capture this prefix: no PubAck, so nothing counts as delivered."""
    _write(events_sdk, 2)
    first = stream.connector()
    try:
        Relay(events_sdk.uow, "first", first).drain()  # creates the stream for stream.prefix
    finally:
        first.close()
    elsewhere = NatsJetStreamConnector(
        url=stream.url, stream=stream.name, subject_prefix=f"{stream.prefix}_other", ack_timeout=2.0
    )
    try:
        step = Relay(events_sdk.uow, "elsewhere", elsewhere).step()
    finally:
        elsewhere.close()

    assert step.error is not None
    assert (step.delivered, step.cursor_after) == (0, 0)


def _relay_process(stream: IsolatedStream, db_url: str, *args: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "DUALPREV_NATS_URL": stream.url,
        "DUALPREV_NATS_STREAM": stream.name,
        "DUALPREV_NATS_SUBJECT_PREFIX": stream.prefix,
    }
    command = [sys.executable, "-c", "from dualprev_sdk.cli.main import main; main()", "events", "relay"]
    return subprocess.Popen(
        [*command, "--connector", CONNECTOR_NAME, "--db", db_url, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_the_relay_command_resumes_from_the_cursor_an_earlier_relay_stored(
    events_sdk: Dualprev, stream: IsolatedStream, monkeypatch: pytest.MonkeyPatch
) -> None:
    events = _write(events_sdk, 4)
    db_url = events_sdk.engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("DUALPREV_NATS_URL", stream.url)
    monkeypatch.setenv("DUALPREV_NATS_STREAM", stream.name)
    monkeypatch.setenv("DUALPREV_NATS_SUBJECT_PREFIX", stream.prefix)
    connector = load_connectors(PluginHost()).get(CONNECTOR_NAME).factory()  # the installed plugin, from env
    try:
        assert Relay(events_sdk.uow, CONNECTOR_NAME, connector).drain() == 4
    finally:
        connector.close()

    more = _write(events_sdk, 2)[4:]
    command = _relay_process(stream, db_url, "--once", "--batch", "4")
    out, err = command.communicate(timeout=60)

    assert command.returncode == 0, err
    assert json.loads(out) == {"connector": CONNECTOR_NAME, "delivered": 2, "cursor": more[-1].cursor}
    assert asyncio.run(_stored_messages(stream)) == 6
    assert [m.headers["Nats-Msg-Id"] if m.headers else None for m in asyncio.run(_consume(stream, 6))] == [
        e.event_id for e in [*events, *more]
    ]


def test_the_following_relay_delivers_new_commits_and_stops_cleanly_on_sigterm(
    events_sdk: Dualprev, stream: IsolatedStream
) -> None:
    db_url = events_sdk.engine.url.render_as_string(hide_password=False)
    relay = _relay_process(stream, db_url, "--poll", "0.1")
    try:
        assert relay.stdout is not None
        assert json.loads(relay.stdout.readline())["event"] == "relaying"
        events = _write(events_sdk, 3)
        report = json.loads(relay.stdout.readline())
        while report["cursor"] < events[-1].cursor:  # the commits may arrive in one batch or several
            report = json.loads(relay.stdout.readline())
        relay.send_signal(signal.SIGTERM)
        _, err = relay.communicate(timeout=30)
    finally:
        if relay.poll() is None:
            relay.kill()
            relay.wait()
    assert relay.returncode == 0, err
    assert asyncio.run(_stored_messages(stream)) == 3


# -- registration and configuration (no server needed) ----------------------------------------------------------


def test_an_unreachable_server_fails_the_step_quickly_and_keeps_the_cursor(events_sdk: Dualprev) -> None:
    _write(events_sdk, 2)
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    connector = NatsJetStreamConnector(url=f"nats://127.0.0.1:{port}", connect_timeout=1.0)
    try:
        step = Relay(events_sdk.uow, CONNECTOR_NAME, connector).step()
    finally:
        connector.close()

    assert step.error is not None
    assert (step.delivered, step.cursor_after) == (0, 0)


def test_the_connector_is_registered_by_the_gateway_distribution_through_the_entry_point() -> None:
    spec = load_connectors(PluginHost()).get(CONNECTOR_NAME)

    assert spec.plugin == "nats_jetstream"
    assert isinstance(spec.factory(), NatsJetStreamConnector)


def test_configuration_comes_from_the_environment() -> None:
    connector = NatsJetStreamConnector.from_env(
        {
            "NATS_URL": "nats://ignored:4222",
            "DUALPREV_NATS_URL": "nats://10.0.0.5:4222",
            "DUALPREV_NATS_STREAM": "REGULATOR_FEED",
            "DUALPREV_NATS_SUBJECT_PREFIX": "henan.dualprev",
            "DUALPREV_NATS_DUPLICATE_WINDOW": "3600",
            "DUALPREV_NATS_CREATE_STREAM": "false",
        }
    )

    assert (connector.url, connector.stream, connector.subject_prefix) == (
        "nats://10.0.0.5:4222",
        "REGULATOR_FEED",
        "henan.dualprev",
    )
    assert connector.duplicate_window == 3600.0
    assert connector.create_stream is False


def test_bad_configuration_names_every_bad_setting() -> None:
    with pytest.raises(InvalidArgument) as raised:
        NatsJetStreamConnector(stream="has space", subject_prefix="a..b")

    assert [v.field for v in raised.value.violations] == ["stream", "subject_prefix"]
    with pytest.raises(InvalidArgument, match="DUALPREV_NATS_DUPLICATE_WINDOW"):
        NatsJetStreamConnector.from_env({"DUALPREV_NATS_DUPLICATE_WINDOW": "soon"})


def test_an_event_type_with_characters_nats_reserves_still_makes_a_valid_subject() -> None:
    event = OutboxEvent(
        event_id=str(uuid.uuid4()),
        type="hazard.step recorded*",
        resource="hazards/1",
        payload={},
        occurred_at=timeutil.now(),
    )

    subject, _, headers = event_message(event, "dualprev.events")

    assert subject == "dualprev.events.hazard.step_recorded_"
    assert headers["Nats-Msg-Id"] == event.event_id
