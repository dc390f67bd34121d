"""EventService: the transactional outbox as a resumable server stream.

The cursor on the wire is opaque (``base64url("v1:<outbox id>")``) so the server may change what it encodes;
the outbox guarantees ids become visible in id order, so "everything after cursor N" never skips or repeats.

The feed is scoped (``access.event_scope``): an enterprise receives its unit's events, a regulator its region's,
an agency those of the equipment it inspects, the data centre everything. A scoped stream's cursor still moves
past the rows it does not receive, so resuming from the last cursor neither re-reads nor skips anything, and a
cursor handed to another principal reveals nothing but a position.
"""

from __future__ import annotations

import base64
import binascii
import threading
import time
from collections.abc import Iterator
from typing import Any

import grpc
from google.protobuf import struct_pb2, timestamp_pb2

from dualprev_gateway._generated.dualprev.v1 import events_pb2, events_pb2_grpc
from dualprev_gateway.auth import current_principal
from dualprev_gateway.status import ResourceExhausted
from dualprev_sdk.access import UnitScope, event_scope
from dualprev_sdk.errors import InvalidArgument
from dualprev_sdk.events import OutboxEvent
from dualprev_sdk.services.bootstrap import Dualprev

__all__ = ["EventServicer", "decode_cursor", "encode_cursor"]

_CURSOR_VERSION = "v1:"


def encode_cursor(position: int) -> str:
    return base64.urlsafe_b64encode(f"{_CURSOR_VERSION}{position}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The outbox position of a wire cursor; "" is the beginning. A foreign string is INVALID_ARGUMENT."""
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if text.startswith(_CURSOR_VERSION) and (position := int(text.removeprefix(_CURSOR_VERSION))) >= 0:
            return position
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise InvalidArgument.single("cursor", cursor, "cursor.opaque", "not a cursor this server issued")


def _to_proto(event: Any) -> events_pb2.Event:
    payload = struct_pb2.Struct()
    payload.update(event.payload or {})
    occurred = timestamp_pb2.Timestamp()
    occurred.FromDatetime(event.occurred_at)
    return events_pb2.Event(
        cursor=encode_cursor(event.cursor),
        type=event.type,
        subject=event.resource,
        occurred_at=occurred,
        payload=payload,
    )


class EventServicer(events_pb2_grpc.EventServiceServicer):
    """Each caller watches the feed of its own scope; only the data centre watches the whole of it."""

    def __init__(self, sdk: Dualprev, *, poll_seconds: float = 0.2, batch: int = 200, max_followers: int = 1) -> None:
        self._sdk = sdk
        self._poll = poll_seconds
        self._batch = batch
        self._followers = threading.BoundedSemaphore(max_followers) if max_followers > 0 else None

    def WatchEvents(
        self, request: events_pb2.WatchEventsRequest, context: grpc.ServicerContext
    ) -> Iterator[events_pb2.Event]:
        scope = event_scope(current_principal())
        position = decode_cursor(request.cursor)
        if not request.follow:
            yield from self._catch_up(position, scope, tuple(request.type_prefixes), context, follow=False)
            return
        # A following stream holds a worker thread for as long as it lasts: refuse rather than starve unary calls.
        if self._followers is None or not self._followers.acquire(blocking=False):
            raise ResourceExhausted(
                "too many following event streams on this server; retry later with backoff",
                metadata={"limit": "max_event_followers"},
            )
        try:
            yield from self._catch_up(position, scope, tuple(request.type_prefixes), context, follow=True)
        finally:
            self._followers.release()

    def _read(self, position: int, scope: UnitScope) -> tuple[list[OutboxEvent], int]:
        return self._sdk.read_scoped_events(
            position,
            self._batch,
            unit_usccs=[scope.uscc] if scope.uscc else None,
            region_prefix=scope.region_prefix,
            agency=scope.agency,
            everything=scope.everything,
        )

    def _catch_up(
        self,
        position: int,
        scope: UnitScope,
        prefixes: tuple[str, ...],
        context: grpc.ServicerContext,
        *,
        follow: bool,
    ) -> Iterator[events_pb2.Event]:
        while context.is_active():
            events, position = self._read(position, scope)
            for event in events:
                if not prefixes or event.type.startswith(prefixes):
                    yield _to_proto(event)
            if len(events) == self._batch:
                continue  # more is waiting: no sleep
            if not follow:
                return
            # Honour the deadline: stop cleanly before it rather than sleep past it.
            remaining = context.time_remaining()
            if remaining is not None and remaining <= self._poll:
                return
            time.sleep(self._poll)
