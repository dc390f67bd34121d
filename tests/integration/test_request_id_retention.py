"""AIP-155 request ids are kept for a retention window: pruning deletes only ids created before the cutoff, in
bounded batches each committed on its own; a retry after its id was pruned creates anew, one within the window
still returns the first result."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from dualprev_sdk import Equipment, InvalidArgument, UseUnit
from dualprev_sdk.services.bootstrap import Dualprev
from dualprev_sdk.services.idempotency import DEFAULT_REQUEST_ID_RETENTION, prune_request_ids
from dualprev_sdk.store.request_ids import REQUEST_IDS

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
RETENTION = dt.timedelta(days=7)
CUTOFF = NOW - RETENTION


def _store_ids(sdk: Dualprev, created: dict[str, dt.datetime]) -> None:
    """Request ids as the create path leaves them, with chosen creation instants."""
    rows = [
        {
            "request_id": request_id,
            "operation": "test.create",
            "resource": f"units/{request_id}",
            "caller": "key-1",
            "fingerprint": "0" * 64,
            "created_at": at,
        }
        for request_id, at in created.items()
    ]
    with sdk.engine.begin() as conn:
        conn.execute(sa.insert(REQUEST_IDS), rows)


def _stored(sdk: Dualprev) -> set[str]:
    with sdk.engine.connect() as conn:
        return set(conn.execute(sa.select(REQUEST_IDS.c.request_id)).scalars())


@contextmanager
def _counting_commits(sdk: Dualprev) -> Iterator[list[int]]:
    """Counts the transactions committed on the SDK's engine meanwhile (a real engine event, no stand-in)."""
    commits: list[int] = []

    def on_commit(_conn: sa.Connection) -> None:
        commits.append(1)

    sa.event.listen(sdk.engine, "commit", on_commit)
    try:
        yield commits
    finally:
        sa.event.remove(sdk.engine, "commit", on_commit)


def test_pruning_deletes_only_ids_created_before_the_cutoff(sdk: Dualprev) -> None:
    _store_ids(
        sdk,
        {
            "old-1": CUTOFF - dt.timedelta(days=30),
            "old-2": CUTOFF - dt.timedelta(microseconds=1),
            "at-cutoff": CUTOFF,  # exactly RETENTION old: still inside the window
            "recent": NOW - dt.timedelta(hours=1),
        },
    )
    assert prune_request_ids(sdk, retention=RETENTION, now=NOW) == 2
    assert _stored(sdk) == {"at-cutoff", "recent"}
    assert prune_request_ids(sdk, retention=RETENTION, now=NOW) == 0  # idempotent
    assert _stored(sdk) == {"at-cutoff", "recent"}


def test_pruning_runs_in_batches_each_its_own_transaction(sdk: Dualprev) -> None:
    _store_ids(sdk, {f"old-{i}": CUTOFF - dt.timedelta(hours=i + 1) for i in range(5)})
    _store_ids(sdk, {f"new-{i}": NOW - dt.timedelta(minutes=i) for i in range(2)})
    with _counting_commits(sdk) as commits:
        removed = prune_request_ids(sdk, retention=RETENTION, now=NOW, batch_size=2)
    assert removed == 5
    assert len(commits) == 3  # 2 + 2 + 1: the short batch shows nothing older is left
    assert _stored(sdk) == {"new-0", "new-1"}


def test_the_repository_prunes_in_a_unit_of_work_of_its_own(sdk: Dualprev) -> None:
    _store_ids(sdk, {"old": CUTOFF - dt.timedelta(days=1)})
    with sdk.uow() as uow:
        uow.request_ids.lookup("old")  # the unit of work has begun a transaction
        with pytest.raises(RuntimeError, match="unit of work of its own"):
            uow.request_ids.prune(CUTOFF)
    with sdk.uow() as uow:
        assert uow.request_ids.prune(CUTOFF, batch_size=1) == 1
    assert _stored(sdk) == set()


def _new_equipment(sdk: Dualprev, uscc: str) -> Equipment:
    return Equipment(id="", unit_uscc=uscc, catalog_code="3110", name="1号客梯")


def test_a_retry_after_its_id_was_pruned_creates_again_and_one_within_retention_replays(
    sdk: Dualprev, make_uscc: Callable[[int], str]
) -> None:
    uscc = make_uscc(1)
    sdk.ledger.create_unit(UseUnit(uscc=uscc, name="郑州示例使用单位", region_code="410102"))
    asked = _new_equipment(sdk, uscc)
    expired_id, kept_id = uuid.uuid4().hex, uuid.uuid4().hex
    first = sdk.ledger.create_equipment(asked, request_id=expired_id, caller="key-1")
    later = dt.datetime.now(dt.UTC) + DEFAULT_REQUEST_ID_RETENTION + dt.timedelta(minutes=1)
    assert prune_request_ids(sdk.uow, now=later) == 1  # a unit-of-work factory works as well as the SDK
    kept = sdk.ledger.create_equipment(asked, request_id=kept_id, caller="key-1")
    assert prune_request_ids(sdk) == 0  # created just now: inside the default retention

    retried_late = sdk.ledger.create_equipment(asked, request_id=expired_id, caller="key-1")
    retried_in_time = sdk.ledger.create_equipment(asked, request_id=kept_id, caller="key-1")

    assert retried_late.id != first.id  # the id had expired: a new request, a new resource
    assert retried_in_time.id == kept.id  # still remembered: the first result
    assert _stored(sdk) == {expired_id, kept_id}  # the late retry claimed its id afresh


@pytest.mark.parametrize("retention", [dt.timedelta(0), dt.timedelta(days=-1)])
def test_a_retention_that_is_not_positive_is_invalid_and_deletes_nothing(
    sdk: Dualprev, retention: dt.timedelta
) -> None:
    _store_ids(sdk, {"old": CUTOFF - dt.timedelta(days=1)})
    with pytest.raises(InvalidArgument) as error:
        prune_request_ids(sdk, retention=retention, now=NOW)
    assert [(v.field, v.rule) for v in error.value.violations] == [("retention", "retention.positive")]
    assert _stored(sdk) == {"old"}


def test_a_naive_now_is_invalid(sdk: Dualprev) -> None:
    with pytest.raises(InvalidArgument) as error:
        prune_request_ids(sdk, retention=RETENTION, now=dt.datetime(2026, 6, 1, 12, 0))
    assert [v.field for v in error.value.violations] == ["now"]
