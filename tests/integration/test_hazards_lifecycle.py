"""The hazard lifecycle through the SDK on a real database: stop-use, regulator reports, supervision,
idempotent request ids, the overdue sweep and statistics."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
from hazard_world import (
    DEADLINE,
    REGION,
    acceptance,
    at,
    full_plan,
    open_world,
    report,
    to_closed,
    to_rectifying,
)

from dualprev_sdk.domain.hazard import (
    EscalationPolicy,
    EscalationTarget,
    Evidence,
    HazardLevel,
    HazardSource,
    HazardState,
    RegulatorReportKind,
    SupervisionStatus,
    ensure_in_use,
)
from dualprev_sdk.errors import FailedPrecondition, InvalidArgument, NotFound
from dualprev_sdk.services import hazards as hz
from dualprev_sdk.services.bootstrap import Dualprev
from dualprev_sdk.store.hazards import HAZARD_EVENTS


@pytest.fixture
def world(db_url: str) -> Iterator[Dualprev]:
    sdk = open_world(db_url)
    try:
        yield sdk
    finally:
        sdk.close()


def _event_count(sdk: Dualprev, hazard_id: str) -> int:
    with sdk.engine.connect() as conn:
        return int(
            conn.execute(
                sa.select(sa.func.count()).select_from(HAZARD_EVENTS).where(HAZARD_EVENTS.c.hazard_id == hazard_id)
            ).scalar_one()
        )


def test_a_major_hazard_stops_the_equipment_reports_to_the_regulator_and_is_closed_out_with_its_full_record(world):
    report(world)
    hz.register_hazard(world, "H-1", actor="安全员张三", at=at())
    graded = hz.grade_hazard_by_rules(world, "H-1", actor="安全总监", findings=["door_lock_circuit_shorted"], at=at())

    assert graded.hazard.level is HazardLevel.MAJOR
    assert [c.citation for c in graded.hazard.criteria] == ["GB 45067-2024 4.6 d)"]
    lift = world.ledger.get_equipment("E-1")
    assert lift.stop_use_order == "H-1"
    assert lift.in_use is False
    with pytest.raises(FailedPrecondition, match="H-1"):
        ensure_in_use(lift)
    (regulator_report,) = hz.list_regulator_reports(world, hazard_id="H-1")
    assert (regulator_report.region_code, regulator_report.kind) == (REGION, RegulatorReportKind.MAJOR_HAZARD)

    hz.list_for_supervision(world, "H-1", authority="金水区市场监管局", deadline=DEADLINE, actor="监管员", at=at())
    assert [s.status for _, s in hz.list_supervisions(world, region_prefix="4101")] == [SupervisionStatus.LISTED]

    hz.plan_rectification(world, "H-1", plan=full_plan(), actor="安全总监", at=at())
    hz.start_rectification(world, "H-1", actor="维保组长李四", at=at())
    hz.complete_rectification(
        world,
        "H-1",
        measures_taken="已更换继电器",
        evidence=[Evidence(kind="photo", reference="P-1")],
        actor="维保组长李四",
        at=at(days=5),
    )
    hz.verify_rectification(world, "H-1", actor="安全总监", acceptance=acceptance(), at=at(days=6))
    closed = hz.close_out_hazard(world, "H-1", actor="安全总监", at=at(days=6))
    hz.lift_supervision(world, "H-1", actor="监管员", reason="已销号", at=at(days=7))

    assert closed.hazard.state is HazardState.CLOSED
    assert world.ledger.get_equipment("E-1").in_use is True
    assert [s.status for _, s in hz.list_supervisions(world)] == [SupervisionStatus.LIFTED]
    assert _event_count(world, "H-1") == 10
    assert hz.verify_hazard_chain(world, "H-1").ok
    hazard_events = [e for e in world.read_events(limit=1000) if e.resource == "hazards/H-1"]
    assert len(hazard_events) == 10
    assert all(e.payload["hash"] and e.payload["hazard_id"] == "H-1" for e in hazard_events)


def test_the_same_request_id_returns_the_same_result_and_writes_no_second_event(world):
    report(world, request_id="req-report")
    first = hz.register_hazard(world, "H-1", actor="安全员张三", request_id="req-1", at=at())
    hz.add_hazard_note(world, "H-1", text="已通知维保", actor="安全员张三", at=at())

    again = hz.register_hazard(world, "H-1", actor="安全员张三", request_id="req-1", at=at())
    replayed_report = report(world, request_id="req-report")

    assert again.replayed is True
    assert again.event == first.event
    assert again.hazard == first.hazard  # the hazard as it was right after the original command
    assert replayed_report.replayed is True
    assert _event_count(world, "H-1") == 3


def test_a_request_id_reused_for_another_command_is_refused(world):
    report(world)
    hz.register_hazard(world, "H-1", actor="安全员张三", request_id="req-1", at=at())
    with pytest.raises(InvalidArgument, match="request id already used"):
        hz.add_hazard_note(world, "H-1", text="x", actor="安全员张三", request_id="req-1", at=at())


def test_a_forbidden_command_through_the_sdk_writes_nothing(world):
    report(world)
    with pytest.raises(FailedPrecondition, match="reported") as caught:
        hz.close_out_hazard(world, "H-1", actor="安全总监", at=at())
    assert "register" in str(caught.value)
    assert _event_count(world, "H-1") == 1


def test_a_hazard_on_another_units_equipment_or_an_unknown_unit_is_refused(world, make_uscc):
    with pytest.raises(NotFound):
        hz.report_hazard(
            world,
            unit_uscc=make_uscc(99),
            equipment_id=None,
            source=HazardSource.SELF_REPORT,
            source_reference="SR-1",
            description="x",
            found_on=at().date(),
            finder="张三",
            actor="张三",
            at=at(),
        )


def test_closing_one_of_two_major_hazards_on_a_lift_keeps_it_stopped_by_the_other(world):
    report(world, "H-1")
    report(world, "H-2", source_reference="DAILY-2")
    to_rectifying(world, "H-1", major=True)
    hz.register_hazard(world, "H-2", actor="安全员张三", at=at())
    hz.grade_hazard_by_person(
        world, "H-2", level=HazardLevel.MAJOR, reason="曳引机制动器失效", actor="安全总监", at=at()
    )
    assert world.ledger.get_equipment("E-1").stop_use_order == "H-1"
    hz.complete_rectification(
        world, "H-1", measures_taken="已修", evidence=[Evidence(kind="photo", reference="P")], actor="李四", at=at(1)
    )
    hz.verify_rectification(world, "H-1", actor="安全总监", acceptance=acceptance(), at=at(2))
    hz.close_out_hazard(world, "H-1", actor="安全总监", at=at(2))
    assert world.ledger.get_equipment("E-1").stop_use_order == "H-2"


def test_cancelling_a_false_major_report_releases_the_equipment(world):
    report(world)
    hz.register_hazard(world, "H-1", actor="安全员张三", at=at())
    hz.grade_hazard_by_person(world, "H-1", level=HazardLevel.MAJOR, reason="疑似门锁短接", actor="安全总监", at=at())
    assert world.ledger.get_equipment("E-1").in_use is False
    hz.cancel_hazard(world, "H-1", reason="复查：回路正常，误报", actor="安全总监", at=at())
    assert world.ledger.get_equipment("E-1").in_use is True


def test_grading_by_rules_needs_equipment(world):
    report(world, equipment_id=None)
    hz.register_hazard(world, "H-1", actor="安全员张三", at=at())
    with pytest.raises(FailedPrecondition, match="grade by person"):
        hz.grade_hazard_by_rules(world, "H-1", actor="安全总监", findings=["door_lock_circuit_shorted"], at=at())


def test_the_overdue_sweep_escalates_to_the_principal_then_the_regulator_and_is_idempotent(world):
    report(world, "H-GEN")
    report(world, "H-MAJ", equipment_id="E-2", source_reference="DAILY-2")
    to_rectifying(world, "H-GEN", major=False)
    to_rectifying(world, "H-MAJ", major=True)

    assert hz.sweep_overdue(world, DEADLINE, at=at(28)).escalations == ()

    late = DEADLINE + dt.timedelta(days=3)
    policy = EscalationPolicy(principal_after_days=1, regulator_after_days=3)
    first = hz.sweep_overdue(world, late, policy=policy, at=at(31))
    second = hz.sweep_overdue(world, late, policy=policy, at=at(31))

    assert sorted(first.escalations) == [
        ("H-GEN", EscalationTarget.PRINCIPAL),
        ("H-MAJ", EscalationTarget.PRINCIPAL),
        ("H-MAJ", EscalationTarget.REGULATOR),
    ]
    assert second.escalations == ()
    assert sorted(second.overdue) == ["H-GEN", "H-MAJ"]
    escalated = hz.get_hazard(world, "H-GEN").events[-1]
    assert escalated.type_name == "hazard.escalated"
    assert escalated.recipient == "总经理赵六"  # type: ignore[attr-defined]
    kinds = [r.kind for r in hz.list_regulator_reports(world, hazard_id="H-MAJ")]
    assert kinds == [RegulatorReportKind.MAJOR_HAZARD, RegulatorReportKind.OVERDUE_ESCALATION]
    outbox = [e.type for e in world.read_events(limit=1000) if e.type == "hazard.escalated"]
    assert len(outbox) == 3


def test_statistics_count_by_state_level_kind_unit_and_region_and_compute_the_rates(world):
    report(world, "H-1")
    report(world, "H-2", source_reference="2")
    report(world, "H-3", source_reference="3")
    report(world, "H-4", equipment_id=None, source_reference="4")
    to_closed(world, "H-1", major=True)  # found day 0, closed day 12, deadline day 28: on time
    to_rectifying(world, "H-2", major=False)
    hz.cancel_hazard(world, "H-4", reason="误报", actor="安全总监", at=at())

    stats = hz.hazard_statistics(world, today=DEADLINE + dt.timedelta(days=1))

    assert stats.total == 4
    assert stats.by_state == {"closed": 1, "rectifying": 1, "reported": 1, "cancelled": 1}
    assert stats.by_level == {"major": 1, "general": 1, "": 2}
    assert stats.by_equipment_kind == {"3000": 3, "": 1}
    assert stats.by_region == {REGION: 4}
    assert sum(stats.by_unit.values()) == 4
    assert stats.overdue == 1
    assert stats.rectification_rate == pytest.approx(1 / 3)
    assert stats.on_time_rate == 1.0
    assert stats.mean_days_to_close == pytest.approx(12.0)
    assert hz.hazard_statistics(world, region_prefix="4102").total == 0


def test_a_continued_use_criterion_does_not_match_on_a_lift_already_stopped(world):
    """GB 45067 items read "…仍继续使用": the same finding on a stopped lift is not major by that rule."""
    report(world, "H-1")
    report(world, "H-2", source_reference="DAILY-2")
    to_rectifying(world, "H-1", major=True)
    hz.register_hazard(world, "H-2", actor="安全员张三", at=at())
    graded = hz.grade_hazard_by_rules(world, "H-2", actor="安全总监", findings=["door_lock_circuit_shorted"], at=at())
    assert graded.hazard.level is HazardLevel.GENERAL


def _statements_of(sdk: Dualprev, read: Callable[[], object]) -> list[str]:
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    sa.event.listen(sdk.engine, "before_cursor_execute", record)
    try:
        read()
    finally:
        sa.event.remove(sdk.engine, "before_cursor_execute", record)
    return statements


def test_a_page_of_hazards_is_read_in_a_fixed_number_of_statements_and_folds_each_from_its_own_events(world):
    for n in range(1, 7):
        report(world, f"H-{n}", source_reference=str(n))
    to_closed(world, "H-2", major=True)
    to_rectifying(world, "H-5", major=False)
    hz.cancel_hazard(world, "H-6", reason="误报", actor="安全总监", at=at())

    small = _statements_of(world, lambda: hz.list_hazards(world, limit=2))
    large = _statements_of(world, lambda: hz.list_hazards(world, limit=6))
    first = hz.list_hazards(world, limit=4)
    rest = hz.list_hazards(world, after=first[-1].id, limit=4)
    one_by_one = [hz.get_hazard(world, f"H-{n}") for n in range(1, 7)]

    # the page's ids, then all their events: not one statement per hazard
    assert len(small) == len(large) == 2, large
    assert first + rest == one_by_one  # every hazard folded from its own events, in id order, across pages
    assert [h.state for h in rest] == [HazardState.RECTIFYING, HazardState.CANCELLED]
    assert [h.id for h in hz.list_hazards(world, state=HazardState.CLOSED)] == ["H-2"]
    assert hz.list_hazards(world, region_prefix="4102") == []
