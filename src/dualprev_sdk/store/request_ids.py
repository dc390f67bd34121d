"""AIP-155 request ids: which create a ``request_id`` already made, for whom, and from what request.

A client that retries a create after a lost answer sends the same request id; the retry must return what the
first attempt created, whichever gateway process it reaches and whether or not the server restarted meanwhile.
So the ids live in the database, written in the same transaction as the resource they guard: either both the
resource and its request id are committed, or neither is (a rolled-back create leaves the id free to retry).

``request_id`` is the primary key, so two concurrent attempts with one id cannot both insert: the second waits
for the first transaction (PostgreSQL's unique index, SQLite's single writer) and then fails on the key, and
the caller reads the winner's row instead of creating a duplicate (:mod:`dualprev_sdk.services.idempotency`).

``fingerprint`` is the SHA-256 of the canonical request and ``caller`` who sent it: a reused id with another
request or from another caller is a client bug (or a guessed id), never a replay.

Ids are kept for a retention window, not forever: :meth:`RequestIdRepository.prune` deletes those created
before a cutoff (``dualprev maintenance prune-request-ids``, or the gateway's background pruner), using the
index on ``created_at``.
"""

from __future__ import annotations

import datetime as dt

import attrs
import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlmodel import Field, SQLModel

from dualprev_sdk import timeutil
from dualprev_sdk.store.base import UTCDateTime, key_string, table_of

__all__ = [
    "DEFAULT_PRUNE_BATCH",
    "REQUEST_IDS",
    "RequestIdClaimed",
    "RequestIdRecord",
    "RequestIdRepository",
    "RequestIdRow",
]

MAX_REQUEST_ID_LENGTH = 128

#: Ids deleted per transaction by :meth:`RequestIdRepository.prune`: small enough that one batch holds SQLite's
#: write lock (or PostgreSQL's row locks) only briefly, large enough that a big backlog needs few round trips.
DEFAULT_PRUNE_BATCH = 1000


class RequestIdRow(SQLModel, table=True):
    """One request id and the create it made. ``resource`` is empty only inside the claiming transaction."""

    __tablename__ = "request_ids"

    request_id: str = Field(sa_type=key_string(MAX_REQUEST_ID_LENGTH), primary_key=True)
    operation: str = Field(sa_type=key_string(100))
    resource: str = Field(default="", sa_type=key_string(300))
    caller: str = Field(default="", sa_type=sa.String(200))
    fingerprint: str = Field(sa_type=sa.String(64))
    #: Indexed for :meth:`RequestIdRepository.prune`, which reads the oldest ids first.
    created_at: dt.datetime = Field(sa_type=UTCDateTime, index=True)


REQUEST_IDS = table_of(RequestIdRow)


@attrs.frozen(kw_only=True)
class RequestIdRecord:
    """What a stored request id says: the operation, who asked, what they asked for, and what it created."""

    request_id: str
    operation: str
    resource: str
    caller: str
    fingerprint: str
    created_at: dt.datetime


class RequestIdClaimed(Exception):
    """Another transaction holds (or committed) this request id; roll back and read it with ``lookup``."""

    def __init__(self, request_id: str) -> None:
        super().__init__(f"request id {request_id!r} is already claimed")
        self.request_id = request_id


class RequestIdRepository:
    """Request ids inside a unit of work (``uow.request_ids``)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def lookup(self, request_id: str) -> RequestIdRecord | None:
        row = (
            self.session.execute(sa.select(REQUEST_IDS).where(REQUEST_IDS.c.request_id == request_id))
            .mappings()
            .one_or_none()
        )
        if row is None:
            return None
        return RequestIdRecord(
            request_id=row["request_id"],
            operation=row["operation"],
            resource=row["resource"],
            caller=row["caller"],
            fingerprint=row["fingerprint"],
            created_at=row["created_at"],
        )

    def claim(self, request_id: str, operation: str, fingerprint: str, caller: str) -> None:
        """Insert the id before the create runs, so a concurrent duplicate blocks on the key here, not after
        having created a second resource. Raises :class:`RequestIdClaimed` when the key is taken; the transaction
        is then unusable (PostgreSQL aborts it), so the caller rolls back and reads the id in a new one. Call it
        before any other write of the transaction, so that rollback loses nothing.

        No savepoint on purpose: SQLite's driver would open the transaction with the ``SAVEPOINT`` itself and
        commit the claim on ``RELEASE``, apart from the create it guards."""
        try:
            self.session.execute(
                sa.insert(REQUEST_IDS).values(
                    request_id=request_id,
                    operation=operation,
                    resource="",
                    caller=caller,
                    fingerprint=fingerprint,
                    created_at=timeutil.now(),
                )
            )
        except sa.exc.IntegrityError as exc:
            raise RequestIdClaimed(request_id) from exc

    def record(self, request_id: str, resource: str) -> None:
        """Name the resource the claimed id created (same transaction as the create)."""
        self.session.execute(
            sa.update(REQUEST_IDS).where(REQUEST_IDS.c.request_id == request_id).values(resource=resource)
        )

    def prune(self, older_than: dt.datetime, *, batch_size: int = DEFAULT_PRUNE_BATCH) -> int:
        """Delete the ids created before ``older_than``, oldest first, at most ``batch_size`` per transaction;
        the number deleted.

        Each batch is committed on its own, so a years-long backlog never becomes one giant transaction that
        holds SQLite's single write lock (every create waits for it) or bloats PostgreSQL's undo for minutes.
        That is safe because the deletion is idempotent and needs no atomicity across batches: an id past its
        retention has no further use, so a prune interrupted halfway (or two prunes at once) leaves only ids
        that the next prune removes, never anything inconsistent. An id in flight is not touched: a create
        commits its id with a fresh ``created_at``, and an uncommitted claim is invisible here.

        What pruning means for clients: a retry that arrives after its id was pruned is treated as a new
        request and creates again. That is the contract of AIP-155's retention window — a request id is
        honoured for a bounded time, and a client must not retry with it after that.

        Because it commits, it must own its unit of work: call it first in a fresh ``with sdk.uow() as uow:``
        (anything written earlier in the same unit of work would be committed by the first batch, so that is
        refused with ``RuntimeError``).
        """
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        if self.session.in_transaction():
            raise RuntimeError(
                "prune commits batch by batch; call it in a unit of work of its own, before anything else"
            )
        oldest = (
            sa.select(REQUEST_IDS.c.request_id)
            .where(REQUEST_IDS.c.created_at < older_than)
            .order_by(REQUEST_IDS.c.created_at)
            .limit(batch_size)
        )
        statement = sa.delete(REQUEST_IDS).where(REQUEST_IDS.c.request_id.in_(oldest.scalar_subquery()))
        removed = 0
        while True:
            try:
                result = self.session.execute(statement)
                self.session.commit()
            except BaseException:
                self.session.rollback()
                raise
            deleted = int(getattr(result, "rowcount", 0) or 0)
            removed += deleted
            if deleted < batch_size:  # the last, short batch: nothing older is left (or a concurrent prune took it)
                return removed
