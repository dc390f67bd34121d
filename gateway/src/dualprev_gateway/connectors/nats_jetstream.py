"""The reference event connector: the outbox published to NATS JetStream, for a regulator's data centre.

Registered through the ``dualprev_sdk`` entry-point group (``nats_jetstream`` in ``gateway/pyproject.toml``) as
connector ``nats-jetstream``; run it with ``dualprev events relay --connector nats-jetstream``. It needs the
``nats`` extra (``pip install 'dualprev-gateway[nats]'``); the module imports ``nats`` only when the connector
is built, so installing the gateway without the extra never breaks plugin loading.

Each event becomes one JetStream message on ``<prefix>.<event type>`` (``dualprev.events.unit.created``) whose
body is the event as JSON and whose ``Nats-Msg-Id`` header is the event's ``event_id``. The relay redelivers
after a crash or a lost acknowledgement; JetStream drops a message whose id it has seen within the stream's
duplicate window, so a redelivery inside that window is stored once. A batch is published pipelined (every
message sent, then the PubAcks awaited in order); the relay's cursor moves only over the prefix of the batch
whose PubAcks arrived.

Configuration (environment, read when the relay starts):

=================================  ===============================  ==========================================
variable                           default                          meaning
=================================  ===============================  ==========================================
``DUALPREV_NATS_URL``              ``$NATS_URL``, else              server(s), comma-separated
                                   ``nats://127.0.0.1:4222``
``DUALPREV_NATS_STREAM``           ``DUALPREV_EVENTS``              the JetStream stream
``DUALPREV_NATS_SUBJECT_PREFIX``   ``dualprev.events``              subjects are ``<prefix>.<event type>``
``DUALPREV_NATS_DUPLICATE_WINDOW`` ``600`` (seconds)                only when the connector creates the stream
``DUALPREV_NATS_ACK_TIMEOUT``      ``10`` (seconds)                 wait for a batch's PubAcks
``DUALPREV_NATS_CREATE_STREAM``    ``true``                         create the stream if it does not exist
=================================  ===============================  ==========================================

An existing stream is used as it is (its owner sets retention, replicas and the duplicate window); it must
capture ``<prefix>.>``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from dualprev_sdk import hookimpl
from dualprev_sdk.errors import FailedPrecondition, FieldViolation, InvalidArgument
from dualprev_sdk.events import ConnectorRegistry, DeliveryError, OutboxEvent

if TYPE_CHECKING:
    from nats.aio.client import Client as NatsClient
    from nats.js.client import JetStreamContext

__all__ = ["CONNECTOR_NAME", "NatsJetStreamConnector", "dualprev_register_event_connectors", "event_message"]

CONNECTOR_NAME = "nats-jetstream"
DEFAULT_URL = "nats://127.0.0.1:4222"
DEFAULT_STREAM = "DUALPREV_EVENTS"
DEFAULT_SUBJECT_PREFIX = "dualprev.events"

log = logging.getLogger(__name__)

_TOKEN = re.compile(r"[^A-Za-z0-9_-]")
_STREAM_NAME = re.compile(r"^[A-Za-z0-9_-]{1,255}$")


def _subject_token(text: str) -> str:
    """One subject token: NATS reserves ``.``, ``*``, ``>`` and whitespace inside tokens."""
    return _TOKEN.sub("_", text) or "_"


def event_message(event: OutboxEvent, subject_prefix: str) -> tuple[str, bytes, dict[str, str]]:
    """The subject, body and headers ``event`` is published with (what a data centre's consumer reads)."""
    subject = ".".join([subject_prefix, *(_subject_token(part) for part in event.type.split("."))])
    body = json.dumps(
        {
            "event_id": event.event_id,
            "type": event.type,
            "resource": event.resource,
            "occurred_at": event.occurred_at.isoformat(),
            "cursor": event.cursor,
            "payload": event.payload,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()
    headers = {
        "Nats-Msg-Id": event.event_id,
        "Content-Type": "application/json",
        "Dualprev-Event-Type": event.type,
        "Dualprev-Resource": event.resource,
        "Dualprev-Cursor": str(event.cursor),
    }
    return subject, body, headers


async def _log_nats_error(exc: Exception) -> None:
    """One line per client error (the client's default prints a traceback for every refused connection)."""
    log.warning("nats: %s: %s", type(exc).__name__, exc)


def _flag(text: str, name: str) -> bool:
    lowered = text.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise InvalidArgument.single(name, text, "flag", f"{name} is true or false")


def _seconds(text: str, name: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if value <= 0:
        raise InvalidArgument.single(name, text, "seconds.positive", f"{name} is a positive number of seconds")
    return value


class NatsJetStreamConnector:
    """Publishes batches of outbox events to a JetStream stream and returns once every PubAck arrived.

    The connector owns a private asyncio event loop (the relay is synchronous); the NATS connection is opened
    on the first delivery and kept until :meth:`close`.
    """

    def __init__(
        self,
        *,
        url: str = DEFAULT_URL,
        stream: str = DEFAULT_STREAM,
        subject_prefix: str = DEFAULT_SUBJECT_PREFIX,
        duplicate_window: float = 600.0,
        ack_timeout: float = 10.0,
        connect_timeout: float = 5.0,
        create_stream: bool = True,
    ) -> None:
        violations = []
        if not _STREAM_NAME.match(stream):
            violations.append(("stream", stream, "letters, digits, '_' and '-' only"))
        tokens = subject_prefix.split(".")
        if not all(tokens) or any(_subject_token(t) != t for t in tokens):
            violations.append(("subject_prefix", subject_prefix, "dot-separated tokens of letters, digits, '_', '-'"))
        if violations:
            raise InvalidArgument(
                [FieldViolation(field=f, value=v, rule="nats.name", message=m) for f, v, m in violations]
            )
        self.url = url
        self.stream = stream
        self.subject_prefix = subject_prefix
        self.duplicate_window = duplicate_window
        self.ack_timeout = ack_timeout
        self.connect_timeout = connect_timeout
        self.create_stream = create_stream
        self._runner: asyncio.Runner | None = None
        self._nc: NatsClient | None = None
        self._js: JetStreamContext | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> NatsJetStreamConnector:
        """Configured from ``DUALPREV_NATS_*`` (see the module docstring); fails early on a bad value."""
        env = os.environ if environ is None else environ
        return cls(
            url=env.get("DUALPREV_NATS_URL") or env.get("NATS_URL") or DEFAULT_URL,
            stream=env.get("DUALPREV_NATS_STREAM") or DEFAULT_STREAM,
            subject_prefix=env.get("DUALPREV_NATS_SUBJECT_PREFIX") or DEFAULT_SUBJECT_PREFIX,
            duplicate_window=_seconds(
                env.get("DUALPREV_NATS_DUPLICATE_WINDOW", "600"), "DUALPREV_NATS_DUPLICATE_WINDOW"
            ),
            ack_timeout=_seconds(env.get("DUALPREV_NATS_ACK_TIMEOUT", "10"), "DUALPREV_NATS_ACK_TIMEOUT"),
            create_stream=_flag(env.get("DUALPREV_NATS_CREATE_STREAM", "true"), "DUALPREV_NATS_CREATE_STREAM"),
        )

    def subject_for(self, event: OutboxEvent) -> str:
        return event_message(event, self.subject_prefix)[0]

    # -- the EventConnector protocol ----------------------------------------------------------------------------

    def deliver(self, events: Sequence[OutboxEvent]) -> None:
        if self._runner is None:
            self._runner = asyncio.Runner()
        self._runner.run(self._deliver(events))

    def close(self) -> None:
        runner, self._runner = self._runner, None
        if runner is None:
            return
        try:
            if self._nc is not None and not self._nc.is_closed:
                runner.run(self._nc.close())
        finally:
            self._nc = self._js = None
            runner.close()

    # -- asyncio side -------------------------------------------------------------------------------------------

    async def _jetstream(self) -> JetStreamContext:
        if self._js is not None and self._nc is not None and not self._nc.is_closed:
            return self._js
        try:
            import nats
            from nats.js.errors import NotFoundError
        except ImportError as exc:  # the extra is missing
            raise FailedPrecondition(
                "the nats-jetstream connector needs nats-py: pip install 'dualprev-gateway[nats]'"
            ) from exc
        servers = [s.strip() for s in self.url.split(",") if s.strip()]
        nc = await nats.connect(
            servers,
            name="dualprev-events-relay",
            connect_timeout=self.connect_timeout,
            # a few quick attempts, then fail the delivery: the relay's own backoff does the patient retrying
            max_reconnect_attempts=3,
            reconnect_time_wait=0.5,
            error_cb=_log_nats_error,
        )
        js = nc.jetstream(timeout=self.ack_timeout)
        try:
            await js.stream_info(self.stream)
        except NotFoundError:
            if not self.create_stream:
                await nc.close()
                raise FailedPrecondition(
                    f"JetStream stream {self.stream!r} does not exist and DUALPREV_NATS_CREATE_STREAM is off"
                ) from None
            await js.add_stream(
                name=self.stream,
                subjects=[f"{self.subject_prefix}.>"],
                duplicate_window=self.duplicate_window,
            )
        except BaseException:
            await nc.close()
            raise
        self._nc, self._js = nc, js
        return js

    async def _deliver(self, events: Sequence[OutboxEvent]) -> None:
        js = await self._jetstream()
        pending: list[asyncio.Future[Any]] = []
        send_error: BaseException | None = None
        try:
            for event in events:
                subject, body, headers = event_message(event, self.subject_prefix)
                pending.append(await js.publish_async(subject, body, headers=headers, stream=self.stream))
        except Exception as exc:  # a message could not be sent: the ones before it may still be acknowledged
            send_error = exc
        acknowledged = 0
        try:
            if pending:  # one wait for the whole batch (a timer per message costs more than the publish itself)
                await asyncio.wait(pending, timeout=self.ack_timeout)
            for future in pending:
                problem: BaseException | None
                if not future.done():
                    problem = TimeoutError(f"no PubAck within {self.ack_timeout} s")
                elif future.cancelled():
                    problem = asyncio.CancelledError("publish cancelled")
                else:
                    problem = future.exception()
                if problem is not None:
                    raise DeliveryError(
                        f"no PubAck for event {events[acknowledged].event_id} (cursor {events[acknowledged].cursor}) "
                        f"from stream {self.stream!r}: {type(problem).__name__}: {problem}",
                        acknowledged=acknowledged,
                    ) from problem
                acknowledged += 1
        finally:
            for future in pending[acknowledged:]:
                future.cancel()
        if send_error is not None:
            raise DeliveryError(
                f"publishing to stream {self.stream!r} failed after {acknowledged} events: "
                f"{type(send_error).__name__}: {send_error}",
                acknowledged=acknowledged,
            ) from send_error


@hookimpl
def dualprev_register_event_connectors(registry: ConnectorRegistry) -> None:
    registry.register(
        NatsJetStreamConnector.from_env,
        name=CONNECTOR_NAME,
        description="NATS JetStream (数据中心): one message per event, Nats-Msg-Id = event_id",
    )
