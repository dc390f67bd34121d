"""Random command sequences through the SDK on a real database: the stored chain always verifies, the hazard
read back is the fold of its stored events, and the projection row agrees with it."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hazard_world import DEADLINE, acceptance, at, full_plan, open_world, report
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dualprev_sdk.domain.hazard import EscalationTarget, Evidence, Hazard, HazardCommand, HazardLevel
from dualprev_sdk.errors import FailedPrecondition
from dualprev_sdk.services import hazards as hz
from dualprev_sdk.services.bootstrap import Dualprev

_Call = Callable[[Dualprev, str], Any]

_CALLS: dict[HazardCommand, _Call] = {
    HazardCommand.REGISTER: lambda s, h: hz.register_hazard(s, h, actor="安全员", at=at()),
    HazardCommand.GRADE_BY_RULES: lambda s, h: hz.grade_hazard_by_rules(
        s, h, actor="安全总监", findings=["door_lock_circuit_shorted"], in_use=True, at=at()
    ),
    HazardCommand.GRADE_BY_PERSON: lambda s, h: hz.grade_hazard_by_person(
        s, h, level=HazardLevel.GENERAL, reason="现场判定", actor="安全总监", at=at()
    ),
    HazardCommand.PLAN_RECTIFICATION: lambda s, h: hz.plan_rectification(s, h, plan=full_plan(), actor="总监", at=at()),
    HazardCommand.START_RECTIFICATION: lambda s, h: hz.start_rectification(s, h, actor="李四", at=at()),
    HazardCommand.COMPLETE_RECTIFICATION: lambda s, h: hz.complete_rectification(
        s, h, measures_taken="已修", evidence=[Evidence(kind="photo", reference="P")], actor="李四", at=at(1)
    ),
    HazardCommand.FIX_ON_THE_SPOT: lambda s, h: hz.fix_on_the_spot(
        s, h, measures_taken="当场修复", evidence=[Evidence(kind="photo", reference="P")], actor="安全员", at=at()
    ),
    HazardCommand.VERIFY: lambda s, h: hz.verify_rectification(s, h, actor="总监", acceptance=acceptance(), at=at(2)),
    HazardCommand.REJECT_VERIFICATION: lambda s, h: hz.reject_verification(
        s, h, reason="不合格", actor="总监", at=at(2)
    ),
    HazardCommand.CLOSE_OUT: lambda s, h: hz.close_out_hazard(s, h, actor="总监", at=at(2)),
    HazardCommand.CANCEL: lambda s, h: hz.cancel_hazard(s, h, reason="误报", actor="总监", at=at()),
    HazardCommand.LIST_FOR_SUPERVISION: lambda s, h: hz.list_for_supervision(
        s, h, authority="区局", deadline=DEADLINE, actor="监管员", at=at()
    ),
    HazardCommand.LIFT_SUPERVISION: lambda s, h: hz.lift_supervision(s, h, actor="监管员", at=at()),
    HazardCommand.ESCALATE_OVERDUE: lambda s, h: hz.sweep_overdue(s, DEADLINE + dt.timedelta(days=10)),
    HazardCommand.ADD_NOTE: lambda s, h: hz.add_hazard_note(s, h, text="备注", actor="安全员", at=at()),
}
_COMMANDS = sorted(_CALLS, key=list(HazardCommand).index)
_ids = itertools.count(1)


@pytest.fixture
def world(db_url: str) -> Iterator[Dualprev]:
    if "postgresql" in db_url:
        pytest.skip("the PostgreSQL leg of this property runs in the lifecycle tests; one backend keeps it fast")
    sdk = open_world(db_url)
    try:
        yield sdk
    finally:
        sdk.close()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.booleans(), st.integers(min_value=0, max_value=1000)), max_size=14))
def test_random_command_sequences_through_the_sdk_keep_a_verifiable_chain_and_a_consistent_projection(world, steps):
    hazard_id = f"P-{next(_ids)}"
    report(world, hazard_id, equipment_id=None)  # no equipment: rules grading is refused, a refusal path too
    for prefer_allowed, index in steps:
        hazard = hz.get_hazard(world, hazard_id)
        allowed = [c for c in hazard.allowed if c in _CALLS]
        pool = allowed if prefer_allowed and allowed else _COMMANDS
        command = pool[index % len(pool)]
        before = hazard.version
        try:
            _CALLS[command](world, hazard_id)
        except FailedPrecondition:
            assert hz.get_hazard(world, hazard_id).version == before

    with world.uow() as uow:
        stored = uow.hazards.stored_events(hazard_id)
        row = uow.hazards.projection(hazard_id)
    hazard = hz.get_hazard(world, hazard_id)
    folded = Hazard.from_events(hazard.events)
    assert folded == hazard
    assert [s.record.sequence for s in stored] == list(range(1, hazard.version + 1))
    assert (row["state"], row["version"], row["head_hash"]) == (
        hazard.state.value,
        hazard.version,
        stored[-1].record.hash,
    )
    assert hz.verify_hazard_chain(world, hazard_id).ok
    assert EscalationTarget.REGULATOR not in {t for _, t in hazard.escalations}  # general hazards never go up
