"""Tampering with the stored log behind the SDK's back (raw SQL) is found by ``verify_hazard_chain`` and located:
hazard id, sequence, expected vs actual hash."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from hazard_world import at, open_world, report, to_closed

from dualprev_sdk.services import hazards as hz
from dualprev_sdk.services.bootstrap import Dualprev


@pytest.fixture
def world(db_url: str) -> Iterator[Dualprev]:
    sdk = open_world(db_url)
    try:
        report(sdk, "H-1")
        to_closed(sdk, "H-1", major=True)
        report(sdk, "H-2", equipment_id="E-2", source_reference="2")
        hz.register_hazard(sdk, "H-2", actor="安全员张三", at=at())
        yield sdk
    finally:
        sdk.close()


def _sql(sdk: Dualprev, statement: str, **params: object) -> None:
    with sdk.engine.begin() as conn:
        conn.execute(sa.text(statement), params)


def _payload(sdk: Dualprev, hazard_id: str, sequence: int) -> dict[str, object]:
    with sdk.engine.connect() as conn:
        text = conn.execute(
            sa.text("SELECT payload FROM hazard_events WHERE hazard_id = :h AND sequence = :s"),
            {"h": hazard_id, "s": sequence},
        ).scalar_one()
    return dict(json.loads(text))


def test_an_untouched_database_verifies(world):
    report = hz.verify_hazard_chain(world)
    assert report.ok
    assert (report.hazards_checked, report.events_checked) == (2, 10)


def test_an_event_edited_with_raw_sql_is_reported_with_its_hazard_sequence_and_hashes(world):
    payload = _payload(world, "H-1", 3)
    payload["level"] = "general"  # someone downgrades a major hazard after the fact
    _sql(
        world,
        "UPDATE hazard_events SET payload = :p WHERE hazard_id = 'H-1' AND sequence = 3",
        p=json.dumps(payload, ensure_ascii=False),
    )

    report = hz.verify_hazard_chain(world)

    assert not report.ok
    (problem,) = report.breaks
    assert (problem.hazard_id, problem.sequence, problem.problem) == ("H-1", 3, "hash_mismatch")
    assert problem.expected != problem.actual
    assert len(problem.expected) == len(problem.actual) == 64
    assert hz.verify_hazard_chain(world, "H-2").ok  # other hazards are unaffected


def test_a_whitespace_only_edit_of_the_stored_json_is_not_a_break(world):
    payload = _payload(world, "H-1", 2)
    _sql(
        world,
        "UPDATE hazard_events SET payload = :p WHERE hazard_id = 'H-1' AND sequence = 2",
        p=json.dumps(payload, ensure_ascii=False, indent=2),
    )
    assert hz.verify_hazard_chain(world).ok  # the hash is over the canonical form, not the bytes on disk


def test_a_deleted_event_is_reported(world):
    _sql(world, "DELETE FROM hazard_events WHERE hazard_id = 'H-1' AND sequence = 4")
    problems = {(b.hazard_id, b.sequence, b.problem) for b in hz.verify_hazard_chain(world).breaks}
    assert ("H-1", 5, "sequence_gap") in problems
    assert ("H-1", 5, "link_mismatch") in problems


def test_a_deleted_last_event_is_reported_against_the_hazard_head(world):
    _sql(world, "DELETE FROM hazard_events WHERE hazard_id = 'H-1' AND sequence = 8")
    (problem,) = hz.verify_hazard_chain(world).breaks
    assert (problem.hazard_id, problem.sequence, problem.problem) == ("H-1", 7, "head_mismatch")


def test_reordered_events_are_reported(world):
    # swap sequences 4 and 5 (via a temporary number: (hazard, sequence) is unique)
    _sql(world, "UPDATE hazard_events SET sequence = -1 WHERE hazard_id = 'H-1' AND sequence = 4")
    _sql(world, "UPDATE hazard_events SET sequence = 4 WHERE hazard_id = 'H-1' AND sequence = 5")
    _sql(world, "UPDATE hazard_events SET sequence = 5 WHERE hazard_id = 'H-1' AND sequence = -1")
    problems = {(b.sequence, b.problem) for b in hz.verify_hazard_chain(world, "H-1").breaks}
    assert {(4, "hash_mismatch"), (5, "hash_mismatch")} <= problems


def test_an_inserted_event_is_reported(world):
    with world.engine.begin() as conn:
        row = (
            conn.execute(sa.text("SELECT * FROM hazard_events WHERE hazard_id = 'H-2' AND sequence = 2"))
            .mappings()
            .one()
        )
        conn.execute(
            sa.text(
                "INSERT INTO hazard_events (hazard_id, sequence, event_type, payload, prev_hash, hash, request_id, "
                "actor, occurred_at) VALUES (:hazard_id, 3, :event_type, :payload, :hash, :hash, 'forged', "
                ":actor, :occurred_at)"
            ),
            dict(row),
        )
    problems = {(b.hazard_id, b.sequence, b.problem) for b in hz.verify_hazard_chain(world).breaks}
    assert ("H-2", 3, "hash_mismatch") in problems
    assert ("H-2", 3, "head_mismatch") in problems
