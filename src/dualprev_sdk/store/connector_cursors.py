"""Where each event connector has got to in the outbox: connector name → the last outbox id it acknowledged.

The relay (:mod:`dualprev_sdk.events`) reads events after this cursor, hands them to the connector, and moves
the cursor only after the connector acknowledged them. Moving it is a compare-and-swap on the cursor value
itself: ``UPDATE … SET cursor = :new WHERE name = :name AND cursor = :expected``. Two relays started for the
same connector by mistake therefore cannot move the cursor backwards or skip over each other's batches: the
loser gets a :class:`~dualprev_sdk.errors.ConcurrencyConflict`, re-reads the cursor and carries on from there
(the events it delivered meanwhile are redeliveries, which the receiving side drops by ``event_id``).

A connector with no row yet is at cursor 0 (it has seen nothing). The first advance inserts the row; an
insert race is detected by the primary key and reported the same way.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import attrs
import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import Field, SQLModel

from dualprev_sdk import timeutil
from dualprev_sdk.errors import ConcurrencyConflict, InvalidArgument
from dualprev_sdk.store.base import UTCDateTime, key_string, table_of

__all__ = ["CONNECTOR_CURSORS", "ConnectorCursor", "ConnectorCursorRepository", "ConnectorCursorRow"]

_KIND = "connector cursor"


class ConnectorCursorRow(SQLModel, table=True):
    __tablename__ = "connector_cursors"

    name: str = Field(sa_type=key_string(100), primary_key=True)
    cursor: int = Field(sa_type=sa.BigInteger(), default=0)
    updated_at: dt.datetime = Field(sa_type=UTCDateTime)


CONNECTOR_CURSORS = table_of(ConnectorCursorRow)


@attrs.frozen(kw_only=True)
class ConnectorCursor:
    """One connector's position. ``updated_at`` is None for a connector that has never acknowledged anything."""

    name: str
    cursor: int
    updated_at: dt.datetime | None


class ConnectorCursorRepository:
    """Connector cursors inside a unit of work (``uow.connector_cursors``)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, name: str) -> int:
        """The last outbox id ``name`` acknowledged; 0 when it has acknowledged nothing yet."""
        value = self.session.execute(
            sa.select(CONNECTOR_CURSORS.c.cursor).where(CONNECTOR_CURSORS.c.name == name)
        ).scalar_one_or_none()
        return int(value or 0)

    def all(self) -> list[ConnectorCursor]:
        rows = self.session.execute(sa.select(CONNECTOR_CURSORS).order_by(CONNECTOR_CURSORS.c.name)).mappings()
        return [ConnectorCursor(name=r["name"], cursor=int(r["cursor"]), updated_at=r["updated_at"]) for r in rows]

    def minimum(self, names: list[str] | None = None) -> int:
        """The lowest cursor among ``names`` (default: every stored connector), a connector without a row
        counting as 0: the outbox may be pruned through this id without any of them missing an event."""
        stored = {c.name: c.cursor for c in self.all()}
        wanted = list(stored) if names is None else names
        if not wanted:
            return 0
        return min(stored.get(name, 0) for name in wanted)

    def pending(self, name: str) -> int:
        """How many outbox events ``name`` has not acknowledged yet."""
        from dualprev_sdk.store.outbox import OUTBOX

        cursor = self.get(name)
        return int(
            self.session.execute(
                sa.select(sa.func.count()).select_from(OUTBOX).where(OUTBOX.c.id > cursor)
            ).scalar_one()
        )

    def advance(self, name: str, expected: int, new: int) -> None:
        """Move ``name`` from ``expected`` to ``new`` (``new > expected``) if nobody moved it meanwhile.

        A lost race (the stored cursor is no longer ``expected``) raises ConcurrencyConflict; the caller re-reads.
        """
        if new <= expected:
            raise InvalidArgument.single(
                "cursor", new, "cursor.forward", f"a connector cursor only moves forward (from {expected} to {new})"
            )
        now = timeutil.now()
        stmt = (
            sa.update(CONNECTOR_CURSORS)
            .where(CONNECTOR_CURSORS.c.name == name, CONNECTOR_CURSORS.c.cursor == expected)
            .values(cursor=new, updated_at=now)
        )
        result = cast(sa.CursorResult[Any], self.session.execute(stmt))
        if result.rowcount == 1:
            return
        exists = self.session.execute(
            sa.select(CONNECTOR_CURSORS.c.cursor).where(CONNECTOR_CURSORS.c.name == name)
        ).scalar_one_or_none()
        if exists is not None or expected != 0:
            raise ConcurrencyConflict(_KIND, name, expected)
        try:
            with self.session.begin_nested():  # a savepoint: a lost insert race leaves the transaction usable
                self.session.execute(sa.insert(CONNECTOR_CURSORS).values(name=name, cursor=new, updated_at=now))
        except sa.exc.IntegrityError as exc:
            raise ConcurrencyConflict(_KIND, name, expected) from exc

    def reset(self, name: str, cursor: int = 0) -> None:
        """Put ``name`` at ``cursor`` unconditionally (an operator's replay: the events after it are delivered
        again). Not used by the relay."""
        now = timeutil.now()
        result = cast(
            sa.CursorResult[Any],
            self.session.execute(
                sa.update(CONNECTOR_CURSORS)
                .where(CONNECTOR_CURSORS.c.name == name)
                .values(cursor=cursor, updated_at=now)
            ),
        )
        if result.rowcount == 0:
            self.session.execute(sa.insert(CONNECTOR_CURSORS).values(name=name, cursor=cursor, updated_at=now))
