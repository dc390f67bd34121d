"""The transactional outbox: every data change writes its event in the same transaction as the change.

Consumers (the NATS publisher, the regulator data-centre feed, the gateway's event stream) read the outbox in
``id`` order and remember the last ``id`` they handled: that integer is the cursor. For the cursor to be safe
the ids must become visible in id order. SQLite has one writer at a time, so that holds by construction; on
PostgreSQL sequence values are handed out at insert time but become visible at commit time, so a reader could
see id 11 before id 10 commits and skip 10 forever. :func:`write_events` therefore runs at the very end of a
unit of work, immediately before ``COMMIT``, under a transaction-scoped advisory lock: ids are assigned and
committed in the same order, and the lock is held only for the insert and the commit.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Sequence
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import Field, SQLModel

from dualprev_sdk import timeutil
from dualprev_sdk.serialization import converter
from dualprev_sdk.store.base import JSON_TYPE, UTCDateTime, table_of

__all__ = ["OUTBOX", "OutboxEvent", "OutboxRepository", "OutboxRow", "new_event", "read_after", "write_events"]

#: Key of the PostgreSQL advisory lock that orders outbox commits (an arbitrary constant: "dualprev" in ASCII).
OUTBOX_LOCK_KEY = 0x6475616C70726576


class OutboxRow(SQLModel, table=True):
    """``sqlite_autoincrement``: without it SQLite reuses the highest id after rows are pruned, and a consumer's
    cursor would then skip the new events."""

    __tablename__ = "outbox"
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(
        default=None,
        primary_key=True,
        sa_type=sa.BigInteger().with_variant(sa.Integer(), "sqlite"),  # SQLite rowid needs INTEGER
    )
    event_id: str = Field(sa_type=sa.String(36), unique=True)
    type: str = Field(sa_type=sa.String(100))
    resource: str = Field(sa_type=sa.String(300))
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON_TYPE)
    occurred_at: dt.datetime = Field(sa_type=UTCDateTime)


OUTBOX = table_of(OutboxRow)


@attrs.frozen(kw_only=True)
class OutboxEvent:
    """One recorded event. ``cursor`` (the row id) is 0 until the event is written.

    ``type`` is dotted and past tense (``unit.created``, ``equipment.updated``); ``resource`` is the AIP-122
    resource name of the thing that changed (``units/91410100MA00000000``).
    """

    event_id: str
    type: str
    resource: str
    payload: dict[str, Any]
    occurred_at: dt.datetime
    cursor: int = 0


def new_event(event_type: str, resource: str, payload: dict[str, Any]) -> OutboxEvent:
    """An event ready to write. The payload goes through the SDK's converter (dates → ISO text, enums → values,
    attrs objects → dicts) and must then be JSON: a bad payload fails here, naming the event, rather than at
    commit time with a bare serialiser error."""
    data = converter.unstructure(payload)
    try:
        json.dumps(data)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"payload of event {event_type!r} for {resource!r} is not JSON-serialisable: {exc}") from exc
    return OutboxEvent(
        event_id=str(uuid.uuid4()), type=event_type, resource=resource, payload=data, occurred_at=timeutil.now()
    )


def write_events(session: Session, events: Sequence[OutboxEvent]) -> None:
    """Insert ``events`` in order; call last before COMMIT (see the module docstring for why)."""
    if not events:
        return
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": OUTBOX_LOCK_KEY})
    session.execute(
        sa.insert(OUTBOX),
        [
            {
                "event_id": e.event_id,
                "type": e.type,
                "resource": e.resource,
                "payload": e.payload,
                "occurred_at": e.occurred_at,
            }
            for e in events
        ],
    )


def read_after(session: Session, cursor: int = 0, limit: int = 100) -> list[OutboxEvent]:
    """Events with ``cursor`` greater than ``cursor``, oldest first, at most ``limit``."""
    rows = session.execute(sa.select(OUTBOX).where(OUTBOX.c.id > cursor).order_by(OUTBOX.c.id).limit(limit)).mappings()
    return [
        OutboxEvent(
            cursor=r["id"],
            event_id=r["event_id"],
            type=r["type"],
            resource=r["resource"],
            payload=r["payload"],
            occurred_at=r["occurred_at"],
        )
        for r in rows
    ]


class OutboxRepository:
    """The outbox as seen from a unit of work: reading; writing goes through ``UnitOfWork.emit``."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def read_after(self, cursor: int = 0, limit: int = 100) -> list[OutboxEvent]:
        return read_after(self.session, cursor, limit)

    def prune(self, through: int) -> int:
        """Delete events up to and including cursor ``through`` once every consumer has passed it; the count.
        Cursors keep increasing afterwards on both backends."""
        result = self.session.execute(sa.delete(OUTBOX).where(OUTBOX.c.id <= through))
        return int(getattr(result, "rowcount", 0) or 0)

    def last_cursor(self) -> int:
        return int(self.session.execute(sa.select(sa.func.coalesce(sa.func.max(OUTBOX.c.id), 0))).scalar_one())
