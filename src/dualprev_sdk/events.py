"""Delivering the outbox onward: event connectors, their registry, and the relay that feeds them.

Every data change writes its event to the outbox in the same transaction (:mod:`dualprev_sdk.store.outbox`).
A *connector* carries those events somewhere else — NATS JetStream for a regulator's data centre, a message
queue, a webhook. Plugins contribute connectors through the ``dualprev_register_event_connectors`` hook; the
*relay* (``dualprev events relay``) runs them.

The delivery guarantee is **at least once, in order, with no gaps**, and it survives crashes:

* each connector has its own cursor, stored in the database (``connector_cursors``): the last outbox id the
  connector *acknowledged*;
* the relay reads the events after that cursor in id order, hands them to :meth:`EventConnector.deliver`, and
  moves the cursor only after ``deliver`` returned (everything acknowledged) — or, when a connector reports a
  partial failure with :class:`DeliveryError`, only past the acknowledged prefix;
* a crash between the receiver's acknowledgement and the cursor update means the same events are delivered
  again after a restart. That is why every event carries ``event_id`` (a UUID) and the receiving side must be
  idempotent by it (JetStream does this with the ``Nats-Msg-Id`` header and its duplicate window);
* "no gaps" rests on the outbox's own guarantee that ids become visible in id order (see ``docs/storage.md``):
  everything after cursor N is exactly what the connector has not acknowledged yet.

Reading the outbox and moving the cursor are two short transactions; the network call happens between them,
with no transaction open, so a slow receiver never holds database locks.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import attrs

from dualprev_sdk.errors import AlreadyExists, ConcurrencyConflict, DualprevError, InvalidArgument, NotFound
from dualprev_sdk.store.outbox import OutboxEvent

if TYPE_CHECKING:
    from dualprev_sdk.plugins import PluginHost
    from dualprev_sdk.store.uow import UnitOfWorkFactory

__all__ = [
    "ConnectorRegistry",
    "ConnectorSpec",
    "DeliveryError",
    "DeliveryFailed",
    "EventConnector",
    "OutboxEvent",
    "Relay",
    "RelayStep",
    "load_connectors",
    "run_relays",
]

log = logging.getLogger(__name__)

HOOK_NAME = "dualprev_register_event_connectors"


# ---------------------------------------------------------------------------------------------------------------
# the connector protocol
# ---------------------------------------------------------------------------------------------------------------


@runtime_checkable
class EventConnector(Protocol):
    """What a connector implements.

    ``deliver`` receives a non-empty batch in outbox order (ascending ``cursor``) and returns only when the
    receiver has *acknowledged* every event of it (JetStream: the PubAck; HTTP: a 2xx). Any exception means "not
    acknowledged": the relay keeps its cursor and delivers the batch again later. A connector that knows how far
    it got raises :class:`DeliveryError` with ``acknowledged=n`` so that only the rest is retried. Events must be
    delivered in the order given, and the receiving side must drop an ``event_id`` it has already seen:
    redelivery after a crash is part of the contract, not an accident.

    ``close`` releases connections; the relay calls it once when it stops.
    """

    def deliver(self, events: Sequence[OutboxEvent]) -> None: ...

    def close(self) -> None: ...


class DeliveryError(Exception):
    """Raised by a connector whose receiver acknowledged only the first ``acknowledged`` events of a batch."""

    def __init__(self, message: str, *, acknowledged: int = 0) -> None:
        super().__init__(message)
        self.acknowledged = acknowledged


class DeliveryFailed(DualprevError):
    """A connector could not deliver; its cursor stays at ``cursor`` so the events are delivered again later."""

    reason = "EVENT_DELIVERY_FAILED"

    def __init__(self, connector: str, cursor: int, cause: BaseException) -> None:
        self.connector = connector
        self.cursor = cursor
        self.cause = cause
        super().__init__(
            f"connector {connector!r} failed to deliver the events after cursor {cursor}: "
            f"{type(cause).__name__}: {cause}",
            metadata={"connector": connector, "cursor": str(cursor)},
        )


# ---------------------------------------------------------------------------------------------------------------
# the registry plugins fill
# ---------------------------------------------------------------------------------------------------------------

ConnectorFactory = Callable[[], EventConnector]


@attrs.frozen(kw_only=True)
class ConnectorSpec:
    """A registered connector: its name (also the key of its cursor), how to build it, and who registered it.

    The factory is called only when a relay starts, so registering costs nothing and a connector's
    configuration (environment variables, credentials) is read at that moment, not at plugin load.
    """

    name: str
    factory: ConnectorFactory
    description: str = ""
    plugin: str | None = None


class ConnectorRegistry:
    """Connectors by name, filled through ``dualprev_register_event_connectors(registry)``::

        @hookimpl
        def dualprev_register_event_connectors(registry):
            registry.register(MyConnector.from_env, name="my-queue", description="…")

    The name is the connector's identity in the database (its cursor row): renaming a connector starts it from
    the beginning of the outbox. Two plugins registering the same name is an error that names both.
    """

    def __init__(self) -> None:
        self._specs: dict[str, ConnectorSpec] = {}

    def register(
        self, factory: ConnectorFactory, *, name: str, description: str = "", plugin_name: str | None = None
    ) -> ConnectorSpec:
        if not name or len(name) > 100 or not name.isascii() or any(c.isspace() for c in name):
            raise InvalidArgument.single(
                "name", name, "connector.name", "a connector name is 1-100 ASCII characters without spaces"
            )
        if not callable(factory):
            raise InvalidArgument.single("factory", factory, "connector.factory", "the factory must be callable")
        existing = self._specs.get(name)
        if existing is not None:
            raise AlreadyExists(
                "event connector",
                name,
                f"event connector {name!r} is registered by plugin {existing.plugin!r} and again by {plugin_name!r}",
            )
        spec = ConnectorSpec(name=name, factory=factory, description=description, plugin=plugin_name)
        self._specs[name] = spec
        return spec

    def get(self, name: str) -> ConnectorSpec:
        try:
            return self._specs[name]
        except KeyError:
            known = ", ".join(sorted(self._specs)) or "none"
            raise NotFound("event connector", name, f"no event connector {name!r}; registered: {known}") from None

    def names(self) -> list[str]:
        return sorted(self._specs)

    def __iter__(self) -> Iterator[ConnectorSpec]:
        return iter(self._specs[name] for name in self.names())

    def __len__(self) -> int:
        return len(self._specs)

    def __contains__(self, name: object) -> bool:
        return name in self._specs


def load_connectors(host: PluginHost | None = None) -> ConnectorRegistry:
    """Ask every plugin for its connectors (a plugin whose hook raises fails loading with its name)."""
    from dualprev_sdk.plugins import default_host

    registry: ConnectorRegistry = (host or default_host()).fill_registry(HOOK_NAME, ConnectorRegistry())
    return registry


# ---------------------------------------------------------------------------------------------------------------
# the relay
# ---------------------------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class RelayStep:
    """What one step did: ``delivered`` events acknowledged, the cursor before and after, and the error if the
    connector failed (the cursor then moved only past what was acknowledged, possibly not at all).
    ``conflict`` is True when another relay had moved the cursor first (nothing lost: this one re-reads)."""

    connector: str
    read: int
    delivered: int
    cursor_before: int
    cursor_after: int
    error: BaseException | None = None
    conflict: bool = False


class Relay:
    """Feeds one connector from the outbox, starting at its stored cursor.

    ``uow_factory`` is ``sdk.uow``. The relay keeps no state in memory that matters: kill it at any point and a
    new one resumes from the database.
    """

    def __init__(self, uow_factory: UnitOfWorkFactory, name: str, connector: EventConnector, *, batch: int = 100):
        if batch < 1:
            raise InvalidArgument.single("batch", batch, "batch.positive", "a relay batch holds at least one event")
        self.uow_factory = uow_factory
        self.name = name
        self.connector = connector
        self.batch = batch

    def cursor(self) -> int:
        """The connector's stored cursor (the last outbox id it acknowledged)."""
        with self.uow_factory() as uow:
            return uow.connector_cursors.get(self.name)

    def step(self) -> RelayStep:
        """Read one batch after the cursor, deliver it, move the cursor past what was acknowledged."""
        with self.uow_factory() as uow:
            before = uow.connector_cursors.get(self.name)
            events = uow.outbox.read_after(before, self.batch)
        if not events:
            return RelayStep(connector=self.name, read=0, delivered=0, cursor_before=before, cursor_after=before)
        acknowledged = len(events)
        error: BaseException | None = None
        try:
            self.connector.deliver(events)
        except DeliveryError as exc:
            acknowledged = max(0, min(exc.acknowledged, len(events)))
            error = exc
        except Exception as exc:  # any other failure: nothing of this batch counts as acknowledged
            acknowledged = 0
            error = exc
        after = before
        conflict = False
        if acknowledged:
            target = events[acknowledged - 1].cursor
            try:
                with self.uow_factory() as uow:
                    uow.connector_cursors.advance(self.name, before, target)
                    uow.commit()
                after = target
            except ConcurrencyConflict:
                # another relay for the same connector moved the cursor: it delivered these events too (or will);
                # the receiver drops the duplicates, and the next step starts from the stored cursor
                conflict = True
                log.warning("connector %s: cursor moved by another relay; re-reading it", self.name)
        if error is not None:
            log.warning(
                "connector %s: %d of %d events after cursor %d acknowledged; %s: %s",
                self.name,
                acknowledged,
                len(events),
                before,
                type(error).__name__,
                error,
            )
        return RelayStep(
            connector=self.name,
            read=len(events),
            delivered=acknowledged,
            cursor_before=before,
            cursor_after=after,
            error=error,
            conflict=conflict,
        )

    def drain(self, *, max_batches: int | None = None) -> int:
        """Step until the connector is caught up; the number of events delivered. A connector failure raises
        :class:`DeliveryFailed` (after keeping whatever was acknowledged)."""
        total = 0
        batches = 0
        while max_batches is None or batches < max_batches:
            result = self.step()
            batches += 1
            total += result.delivered
            if result.error is not None:
                raise DeliveryFailed(self.name, result.cursor_after, result.error) from result.error
            if result.read == 0:
                break
        return total


@attrs.define
class _Backoff:
    """Per-connector retry delay after a failure: doubles up to ``ceiling``, resets on success."""

    floor: float
    ceiling: float
    delay: float = 0.0
    not_before: float = 0.0

    def failed(self, now: float) -> None:
        self.delay = self.floor if self.delay == 0 else min(self.ceiling, self.delay * 2)
        self.not_before = now + self.delay

    def succeeded(self) -> None:
        self.delay = 0.0
        self.not_before = 0.0


def run_relays(
    relays: Iterable[Relay],
    *,
    stop: threading.Event | None = None,
    poll_interval: float = 1.0,
    retry_floor: float = 0.5,
    retry_ceiling: float = 30.0,
    on_step: Callable[[RelayStep], None] | None = None,
) -> None:
    """Run relays side by side until ``stop`` is set: each is stepped in turn; one that is caught up is polled
    every ``poll_interval`` seconds, one that failed — its connector, or reading and writing the database — is
    retried with exponential backoff (``retry_floor`` up to ``retry_ceiling`` seconds) without holding up the
    others. A long-running relay therefore outlives a database restart as well as a receiver outage."""
    stop = stop or threading.Event()
    relays = list(relays)
    backoff = {relay.name: _Backoff(retry_floor, retry_ceiling) for relay in relays}
    known_cursor = dict.fromkeys(backoff, 0)
    while not stop.is_set():
        busy = False
        now = time.monotonic()
        for relay in relays:
            state = backoff[relay.name]
            if stop.is_set():
                break
            if state.not_before > now:
                continue
            try:
                result = relay.step()
            except Exception as exc:  # the database itself failed (restart, network): retry like a delivery
                log.warning("connector %s: relay step failed: %s: %s", relay.name, type(exc).__name__, exc)
                cursor = known_cursor[relay.name]
                result = RelayStep(
                    connector=relay.name, read=0, delivered=0, cursor_before=cursor, cursor_after=cursor, error=exc
                )
            known_cursor[relay.name] = result.cursor_after
            if on_step is not None:
                on_step(result)
            if result.error is not None:
                state.failed(time.monotonic())
            else:
                state.succeeded()
                busy = busy or result.read > 0
        if busy:
            continue
        waits = [s.not_before - time.monotonic() for s in backoff.values() if s.not_before > 0]
        stop.wait(max(0.0, min([poll_interval, *waits])))
