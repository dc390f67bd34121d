"""The hash chain: every kind of tampering is found and located (hazard, sequence, expected vs actual)."""

from __future__ import annotations

import itertools

import attrs
from hazard_drive import drive

from dualprev_sdk.domain.hazard import HazardLevel, HazardState
from dualprev_sdk.domain.hazard_chain import (
    GENESIS_HASH,
    ChainHead,
    ChainRecord,
    canonical_json,
    chain_events,
    event_hash,
    verify_chain,
)


def _chain() -> tuple[list[ChainRecord], ChainHead]:
    hazard = drive(HazardState.CLOSED, HazardLevel.MAJOR)
    records = chain_events(hazard.events)
    return records, ChainHead(hazard_id=hazard.id, version=hazard.version, head_hash=records[-1].hash)


def test_an_untouched_chain_verifies():
    records, head = _chain()
    report = verify_chain(records, [head])
    assert report.ok
    assert report.events_checked == 8
    assert records[0].prev_hash == GENESIS_HASH
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(records))


def test_the_hash_covers_the_sequence_the_hazard_id_the_type_and_the_link():
    base = {"hazard_id": "H-1", "sequence": 1, "event_type": "hazard.reported", "payload": {"a": 1}}
    reference = event_hash(**base, prev_hash=GENESIS_HASH)
    assert event_hash(**{**base, "sequence": 2}, prev_hash=GENESIS_HASH) != reference
    assert event_hash(**{**base, "hazard_id": "H-2"}, prev_hash=GENESIS_HASH) != reference
    assert event_hash(**{**base, "event_type": "hazard.cancelled"}, prev_hash=GENESIS_HASH) != reference
    assert event_hash(**base, prev_hash="1" * 64) != reference


def test_canonical_json_does_not_depend_on_key_order():
    assert canonical_json({"b": 1, "a": "隐患"}) == canonical_json({"a": "隐患", "b": 1}) == '{"a":"隐患","b":1}'


def test_an_edited_event_is_reported_at_its_sequence_with_expected_and_actual_hash():
    records, head = _chain()
    edited = attrs.evolve(records[2], payload={**records[2].payload, "level": "general"})
    records[2] = edited

    report = verify_chain(records, [head])

    assert not report.ok
    (problem,) = report.breaks
    assert (problem.hazard_id, problem.sequence, problem.problem) == ("H-1", 3, "hash_mismatch")
    assert problem.actual == edited.hash
    assert problem.expected == edited.recomputed_hash()
    assert "H-1" in str(problem)


def test_a_deleted_event_in_the_middle_is_reported_as_a_gap_and_a_broken_link():
    records, head = _chain()
    del records[3]
    report = verify_chain(records, [head])
    assert [(b.sequence, b.problem) for b in report.breaks] == [(5, "sequence_gap"), (5, "link_mismatch")]


def test_a_deleted_last_event_is_caught_by_the_hazard_head():
    records, head = _chain()
    records.pop()
    assert verify_chain(records).ok  # the chain alone cannot know it lost its tail …
    (problem,) = verify_chain(records, [head]).breaks  # … the hazard row's head can
    assert problem.problem == "head_mismatch"


def test_reordered_events_are_reported():
    records, head = _chain()
    a, b = records[3], records[4]
    records[3] = attrs.evolve(b, sequence=a.sequence)
    records[4] = attrs.evolve(a, sequence=b.sequence)
    problems = {(x.sequence, x.problem) for x in verify_chain(records, [head]).breaks}
    assert {(4, "hash_mismatch"), (5, "hash_mismatch")} <= problems


def test_an_inserted_event_is_reported_even_with_a_correct_own_hash():
    records, head = _chain()
    forged_payload = {**records[1].payload, "note": "补登"}
    forged = ChainRecord(
        hazard_id="H-1",
        sequence=3,
        event_type="hazard.registered",
        payload=forged_payload,
        prev_hash=records[1].hash,
        hash=event_hash(
            hazard_id="H-1",
            sequence=3,
            event_type="hazard.registered",
            payload=forged_payload,
            prev_hash=records[1].hash,
        ),
    )
    later = [attrs.evolve(r, sequence=r.sequence + 1) for r in records[2:]]
    tampered = [*records[:2], forged, *later]
    problems = verify_chain(tampered, [head]).breaks
    assert problems
    assert any(p.sequence == 4 and p.problem in ("hash_mismatch", "link_mismatch") for p in problems)


def test_chains_of_several_hazards_are_checked_independently():
    first, head1 = _chain()
    second = chain_events(drive(HazardState.RECTIFYING, HazardLevel.GENERAL).events)
    second = [attrs.evolve(r, hazard_id="H-2") for r in second]  # same events under another id: hashes break
    report = verify_chain([*first, *second], [head1])
    assert report.hazards_checked == 2
    assert {b.hazard_id for b in report.breaks} == {"H-2"}
