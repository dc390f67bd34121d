"""Run a create use case under an AIP-155 ``request_id``, durably: retries return the first result.

The request id is claimed in the create's own transaction (:mod:`dualprev_sdk.store.request_ids`), so it is
committed exactly when the resource is. Outcomes for a call with a request id:

- id unknown → claim it, create, name the created resource on the id, commit (one transaction);
- id known, same operation, same request fingerprint, same caller → read the resource created the first time
  and return it, writing nothing (the client lost the first answer and retried);
- id known with anything else different → ``InvalidArgument`` on ``request_id`` (rule ``request_id.reused``):
  reusing an id for another request is a client bug, and answering with someone else's resource would leak it;
- two attempts at once → the primary key lets one claim win; the other fails on the key after the winner
  committed, rolls back, and answers from the winner's row as a replay. Exactly one create.

Without a request id the create simply runs. The helper is generic: ledger creates use it today, and any other
create use case can (pass its own ``operation`` name, canonical payload and read-back).

Ids are honoured for a retention window (:data:`DEFAULT_REQUEST_ID_RETENTION`, configurable), after which
:func:`prune_request_ids` deletes them and a late retry counts as a new request, as AIP-155 allows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from typing import Any, Protocol, TypeVar, runtime_checkable

from dualprev_sdk import timeutil
from dualprev_sdk.errors import InvalidArgument
from dualprev_sdk.store.request_ids import (
    DEFAULT_PRUNE_BATCH,
    MAX_REQUEST_ID_LENGTH,
    RequestIdClaimed,
    RequestIdRecord,
)
from dualprev_sdk.store.uow import UnitOfWork, UnitOfWorkFactory

__all__ = [
    "DEFAULT_REQUEST_ID_RETENTION",
    "HasUnitOfWork",
    "check_request_id",
    "fingerprint",
    "prune_request_ids",
    "run_create",
]

T = TypeVar("T")

#: How long a request id is honoured by default. A product default, not a regulatory value: it only has to
#: outlast any client's retry horizon (retries come seconds to hours after the lost answer; a week also covers
#: a client that was offline over a long weekend). Deployments choose their own via the CLI or gateway config.
DEFAULT_REQUEST_ID_RETENTION = dt.timedelta(days=7)


@runtime_checkable
class HasUnitOfWork(Protocol):
    """Anything that opens units of work with ``.uow()`` (the :class:`~dualprev_sdk.services.bootstrap.Dualprev`)."""

    def uow(self) -> UnitOfWork: ...


def fingerprint(payload: Any) -> str:
    """SHA-256 of the canonical JSON of ``payload`` (sorted keys, no spaces): equal requests hash equal."""
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def check_request_id(request_id: str | None) -> str | None:
    """``None`` for no request id (an empty string too); a too-long one is InvalidArgument."""
    if not request_id:
        return None
    if len(request_id) > MAX_REQUEST_ID_LENGTH:
        raise InvalidArgument.single(
            "request_id", request_id, "request_id.length", f"must be at most {MAX_REQUEST_ID_LENGTH} characters"
        )
    return request_id


def _answer(
    uow: UnitOfWork,
    record: RequestIdRecord,
    *,
    operation: str,
    digest: str,
    caller: str,
    read: Callable[[UnitOfWork, str], T],
) -> T:
    if record.operation != operation or record.fingerprint != digest or record.caller != caller:
        raise InvalidArgument.single(
            "request_id",
            record.request_id,
            "request_id.reused",
            "this request id was already used for a different request or by a different caller; "
            "a retry must repeat the same request, and a new request needs a new id (AIP-155)",
        )
    return read(uow, record.resource)


def run_create(
    uow: UnitOfWork,
    *,
    request_id: str | None,
    operation: str,
    payload: Any,
    caller: str,
    create: Callable[[UnitOfWork], T],
    resource_of: Callable[[T], str],
    read: Callable[[UnitOfWork, str], T],
) -> T:
    """Create with ``create(uow)`` inside ``uow`` (entered and committed here), guarded by ``request_id``.

    ``payload`` is the canonical request (fingerprinted; pass it before any server-side defaulting such as a
    generated id, or every retry would differ), ``resource_of`` names what was created, and ``read`` reads it
    back by that name for a replay. ``create`` must not commit; it may emit outbox events.
    """
    request_id = check_request_id(request_id)
    if request_id is None:
        with uow:
            created = create(uow)
            uow.commit()
        return created
    digest = fingerprint(payload)

    def answer(found: RequestIdRecord) -> T:
        return _answer(uow, found, operation=operation, digest=digest, caller=caller, read=read)

    try:
        with uow:
            found = uow.request_ids.lookup(request_id)
            if found is not None:
                return answer(found)
            uow.request_ids.claim(request_id, operation, digest, caller)
            created = create(uow)
            uow.request_ids.record(request_id, resource_of(created))
            uow.commit()
        return created
    except RequestIdClaimed:
        pass  # a concurrent attempt with this id won the key and has committed: answer from its row
    with uow:
        found = uow.request_ids.lookup(request_id)
        if found is None:  # pragma: no cover - the key was taken, so the winner's row is committed
            raise RuntimeError(f"request id {request_id!r} was claimed but is not stored")
        return answer(found)


def prune_request_ids(
    source: HasUnitOfWork | UnitOfWorkFactory,
    *,
    retention: dt.timedelta = DEFAULT_REQUEST_ID_RETENTION,
    now: dt.datetime | None = None,
    batch_size: int = DEFAULT_PRUNE_BATCH,
) -> int:
    """Delete request ids created more than ``retention`` before ``now`` (default: the current instant); the count.

    ``source`` is the SDK or a unit-of-work factory. Deletion runs in batches of ``batch_size``, each its own
    transaction (see :meth:`~dualprev_sdk.store.request_ids.RequestIdRepository.prune` for why that is safe);
    a retry arriving after its id was pruned creates anew. A zero or negative ``retention`` would delete ids
    whose creates clients may still be retrying, so it is InvalidArgument rather than "delete everything".
    """
    if retention <= dt.timedelta(0):
        raise InvalidArgument.single(
            "retention", str(retention), "retention.positive", "the request id retention must be longer than zero"
        )
    if batch_size < 1:
        raise InvalidArgument.single("batch_size", batch_size, "batch_size.positive", "must be at least 1")
    at = timeutil.now() if now is None else timeutil.ensure_aware(now, field="now")
    factory: UnitOfWorkFactory = source.uow if isinstance(source, HasUnitOfWork) else source
    with factory() as uow:
        return uow.request_ids.prune(at - retention, batch_size=batch_size)
