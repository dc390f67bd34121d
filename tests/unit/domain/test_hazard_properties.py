"""Properties over random command sequences: the chain always verifies and the state is always the fold.

Each step either picks one of the commands the table allows now (so runs reach deep states such as close-out)
or any command at all (so refusals are exercised too).
"""

from __future__ import annotations

from hazard_drive import invoke, reported
from hypothesis import given, settings
from hypothesis import strategies as st

from dualprev_sdk.domain.hazard import Hazard, HazardCommand, allowed_commands
from dualprev_sdk.domain.hazard_chain import ChainHead, chain_events, verify_chain
from dualprev_sdk.errors import FailedPrecondition

_COMMANDS = [c for c in HazardCommand if c is not HazardCommand.REPORT]
_STEPS = st.lists(st.tuples(st.booleans(), st.integers(min_value=0, max_value=1000)), max_size=40)


def _pick(hazard: Hazard, prefer_allowed: bool, index: int) -> HazardCommand:
    allowed = allowed_commands(hazard.state, hazard.level)
    pool = allowed if prefer_allowed and allowed else _COMMANDS
    return pool[index % len(pool)]


def _run(steps: list[tuple[bool, int]]) -> Hazard:
    hazard = reported()
    for prefer_allowed, index in steps:
        command = _pick(hazard, prefer_allowed, index)
        try:
            invoke(hazard, command)
        except FailedPrecondition:
            continue
    return hazard


@settings(max_examples=300, deadline=None)
@given(_STEPS)
def test_any_command_sequence_keeps_a_verifiable_chain_and_a_state_equal_to_the_fold(steps):
    hazard = reported()
    for prefer_allowed, index in steps:
        command = _pick(hazard, prefer_allowed, index)
        allowed_before = allowed_commands(hazard.state, hazard.level)
        events_before = len(hazard.events)
        state_before = hazard.state
        try:
            invoke(hazard, command)
        except FailedPrecondition:
            # refused: nothing recorded, nothing changed
            assert len(hazard.events) == events_before
            assert hazard.state is state_before
        else:
            assert command in allowed_before
            assert len(hazard.events) == events_before + 1

        assert Hazard.from_events(hazard.events) == hazard
        records = chain_events(hazard.events)
        head = ChainHead(hazard_id=hazard.id, version=hazard.version, head_hash=records[-1].hash)
        assert verify_chain(records, [head]).ok
    assert [e.sequence for e in hazard.events] == list(range(1, hazard.version + 1))


@settings(max_examples=100, deadline=None)
@given(_STEPS, st.data())
def test_any_single_edit_anywhere_in_a_random_history_is_detected(steps, data):
    records = chain_events(_run(steps).events)
    index = data.draw(st.integers(min_value=0, max_value=len(records) - 1))
    victim = records[index]
    records[index] = type(victim)(
        hazard_id=victim.hazard_id,
        sequence=victim.sequence,
        event_type=victim.event_type,
        payload={**victim.payload, "actor": victim.payload["actor"] + "（改）"},
        prev_hash=victim.prev_hash,
        hash=victim.hash,
    )
    breaks = verify_chain(records).breaks
    assert [(b.sequence, b.problem) for b in breaks] == [(victim.sequence, "hash_mismatch")]
