"""The hazard state machine, specified by its transition table and by the rules around each command."""

from __future__ import annotations

import datetime as dt
import decimal

import attrs
import pytest
from hazard_drive import (
    DEADLINE,
    OVERDUE_DAY,
    REACHABLE,
    REGION,
    T0,
    acceptance,
    ctx,
    describe,
    drive,
    full_plan,
    graded,
    invoke,
    reported,
)

from dualprev_sdk.domain.equipment import Equipment, EquipmentStatus
from dualprev_sdk.domain.hazard import (
    TRANSITIONS,
    EscalationPolicy,
    EscalationTarget,
    Evidence,
    GradingBasis,
    Hazard,
    HazardCommand,
    HazardLevel,
    HazardState,
    HazardVocabulary,
    RectificationPlan,
    SupervisionStatus,
    allowed_commands,
    ensure_in_use,
)
from dualprev_sdk.equipment_classes import EquipmentState, MajorHazardCriterion
from dualprev_sdk.errors import FailedPrecondition, InvalidArgument

_ALLOWED = [
    pytest.param(row, state, level, id=f"{row.command.value}-from-{state.value}-{describe(level)}")
    for row in TRANSITIONS
    for state, level in REACHABLE
    if row.allows(state, level)
]

_FORBIDDEN = [
    pytest.param(command, state, level, id=f"{command.value}-from-{state.value}-{describe(level)}")
    for state, level in REACHABLE
    for command in HazardCommand
    if command is not HazardCommand.REPORT and command not in allowed_commands(state, level)
]


def _prepare(hazard: Hazard, command: HazardCommand) -> None:
    """Commands whose row allows them but that need a precondition outside the state (a listing to lift)."""
    if command is HazardCommand.LIFT_SUPERVISION and hazard.state is HazardState.CLOSED:
        return  # a closed hazard is only liftable if it was listed before closing; covered separately
    if command is HazardCommand.LIFT_SUPERVISION:
        invoke(hazard, HazardCommand.LIST_FOR_SUPERVISION)


@pytest.mark.parametrize(("row", "state", "level"), _ALLOWED)
def test_every_allowed_transition_moves_the_hazard_to_its_target_and_records_one_event(row, state, level):
    hazard = drive(state, level)
    if row.command is HazardCommand.LIFT_SUPERVISION and state is HazardState.CLOSED:
        hazard = graded(HazardLevel.MAJOR)
        invoke(hazard, HazardCommand.LIST_FOR_SUPERVISION)
        for command in (
            HazardCommand.PLAN_RECTIFICATION,
            HazardCommand.START_RECTIFICATION,
            HazardCommand.COMPLETE_RECTIFICATION,
            HazardCommand.VERIFY,
            HazardCommand.CLOSE_OUT,
        ):
            invoke(hazard, command)
    _prepare(hazard, row.command)
    before = len(hazard.events)

    event = invoke(hazard, row.command)

    assert hazard.state is (row.target or state)
    assert len(hazard.events) == before + 1
    assert event.sequence == hazard.version == before + 1
    assert Hazard.from_events(hazard.events) == hazard


@pytest.mark.parametrize(("command", "state", "level"), _FORBIDDEN)
def test_every_forbidden_command_fails_naming_the_state_and_the_allowed_commands(command, state, level):
    hazard = drive(state, level)
    before = list(hazard.events)

    with pytest.raises(FailedPrecondition) as caught:
        invoke(hazard, command)

    message = str(caught.value)
    assert state.value in message
    assert command.value in message
    for allowed in allowed_commands(state, level):
        assert allowed.value in message
    assert caught.value.metadata["state"] == state.value
    assert hazard.events == before
    assert hazard.state is state


def test_the_table_reaches_every_state_from_reported():
    reachable = {HazardState.REPORTED}
    changed = True
    while changed:
        changed = False
        for row in TRANSITIONS:
            if row.target and row.sources & reachable and row.target not in reachable:
                reachable.add(row.target)
                changed = True
    assert reachable == set(HazardState)


def test_a_major_hazard_goes_from_report_to_close_out_with_every_step_on_record():
    hazard = graded(HazardLevel.MAJOR)
    for command in (
        HazardCommand.PLAN_RECTIFICATION,
        HazardCommand.START_RECTIFICATION,
        HazardCommand.COMPLETE_RECTIFICATION,
        HazardCommand.VERIFY,
        HazardCommand.CLOSE_OUT,
    ):
        invoke(hazard, command)
    assert hazard.state is HazardState.CLOSED
    assert [e.type_name for e in hazard.events] == [
        "hazard.reported",
        "hazard.registered",
        "hazard.graded",
        "hazard.rectification_planned",
        "hazard.rectification_started",
        "hazard.rectification_completed",
        "hazard.verified",
        "hazard.closed_out",
    ]
    assert hazard.stop_use is False
    assert hazard.closed_at == T0


def test_a_rejected_verification_sends_the_hazard_back_to_rectifying_and_counts_the_rejection():
    hazard = drive(HazardState.RECTIFIED, HazardLevel.GENERAL)
    hazard.reject_verification(ctx("安全总监"), reason="照片看不清")
    assert hazard.state is HazardState.RECTIFYING
    assert hazard.rejections == 1
    invoke(hazard, HazardCommand.COMPLETE_RECTIFICATION)
    invoke(hazard, HazardCommand.VERIFY)
    assert hazard.state is HazardState.VERIFIED


def test_a_general_hazard_fixed_on_the_spot_is_closed_in_one_recorded_step():
    hazard = graded(HazardLevel.GENERAL)
    event = hazard.fix_on_the_spot(
        ctx("安全员张三"), measures_taken="当场紧固松动螺栓", evidence=[Evidence(kind="photo", reference="P-9")]
    )
    assert hazard.state is HazardState.CLOSED
    assert event.type_name == "hazard.fixed_on_the_spot"
    assert hazard.rectifier == "安全员张三"


def test_a_major_hazard_cannot_be_fixed_on_the_spot():
    hazard = graded(HazardLevel.MAJOR)
    with pytest.raises(FailedPrecondition, match="fix_on_the_spot"):
        invoke(hazard, HazardCommand.FIX_ON_THE_SPOT)


def test_cancelling_a_false_report_needs_a_reason():
    hazard = reported()
    with pytest.raises(InvalidArgument) as caught:
        hazard.cancel(ctx(), reason="  ")
    assert caught.value.violations[0].field == "reason"
    hazard.cancel(ctx(), reason="误报")
    assert hazard.state is HazardState.CANCELLED
    assert hazard.cancel_reason == "误报"


# -- grading ------------------------------------------------------------------------------------------------------


def _door_lock_criterion() -> MajorHazardCriterion:
    return MajorHazardCriterion(
        clause="4.6",
        item="d",
        text="乘客与载货电梯门锁回路被短接",
        applies_to=("31", "32"),
        predicate=lambda state: "door_lock_circuit_shorted" in state.findings,
        finding_codes=("door_lock_circuit_shorted",),
    )


def test_grading_by_the_gb45067_rules_makes_a_matching_hazard_major_and_records_the_clause():
    criterion = _door_lock_criterion()
    lift = Equipment(id="E-1", unit_uscc="91410100MA44XXXX0X", catalog_code="3110")
    state = EquipmentState(equipment=lift, in_use=True, findings=frozenset({"door_lock_circuit_shorted"}))
    hazard = reported()
    hazard.register(ctx())

    hazard.grade_by_rules(
        ctx(), matching_criteria=lambda: [c for c in [criterion] if c.matches(state)], regulator_region_code=REGION
    )

    assert hazard.level is HazardLevel.MAJOR
    assert hazard.grading_basis is GradingBasis.RULES
    assert [c.citation for c in hazard.criteria] == ["GB 45067-2024 4.6 d)"]
    assert hazard.stop_use is True
    assert hazard.regulator_region_code == REGION


def test_grading_by_the_rules_with_no_matching_clause_makes_the_hazard_general():
    criterion = _door_lock_criterion()
    lift = Equipment(id="E-1", unit_uscc="91410100MA44XXXX0X", catalog_code="3110")
    state = EquipmentState(equipment=lift, in_use=True, findings=frozenset({"light_broken"}))
    hazard = reported()
    hazard.register(ctx())
    hazard.grade_by_rules(ctx(), matching_criteria=lambda: [c for c in [criterion] if c.matches(state)])
    assert hazard.level is HazardLevel.GENERAL
    assert hazard.criteria == ()
    assert hazard.stop_use is False


def test_a_person_grading_a_hazard_must_write_a_reason():
    hazard = reported()
    hazard.register(ctx())
    with pytest.raises(InvalidArgument, match="reason"):
        hazard.grade_by_person(ctx(), level=HazardLevel.GENERAL, reason="")


def test_a_major_hazard_needs_the_regulator_region_to_report_to():
    hazard = reported()
    hazard.register(ctx())
    with pytest.raises(InvalidArgument, match="regulator_region_code"):
        hazard.grade_by_person(ctx(), level=HazardLevel.MAJOR, reason="门锁短接")


def test_the_two_tiers_are_named_in_each_of_the_three_vocabularies():
    assert HazardLevel.MAJOR.label(HazardVocabulary.GB_45067) == "重大事故隐患"
    assert HazardLevel.MAJOR.label(HazardVocabulary.SAMR_ORDERS) == "严重事故隐患"
    assert HazardLevel.GENERAL.label(HazardVocabulary.SAMR_ORDERS) == "一般事故隐患"


# -- rectification plan -------------------------------------------------------------------------------------------


def test_a_major_hazard_plan_missing_all_five_assurances_fails_once_listing_every_one():
    hazard = graded(HazardLevel.MAJOR)
    with pytest.raises(InvalidArgument) as caught:
        hazard.plan_rectification(ctx(), plan=RectificationPlan())
    assert [v.field for v in caught.value.violations] == [
        "plan.measures",
        "plan.responsible_person",
        "plan.funds_yuan",
        "plan.deadline",
        "plan.contingency_plan",
    ]
    assert hazard.state is HazardState.GRADED


def test_a_major_hazard_plan_missing_only_funds_names_only_funds():
    hazard = graded(HazardLevel.MAJOR)
    with pytest.raises(InvalidArgument) as caught:
        hazard.plan_rectification(ctx(), plan=attrs.evolve(full_plan(), funds_yuan=None))
    assert [v.field for v in caught.value.violations] == ["plan.funds_yuan"]


def test_a_general_hazard_plan_needs_only_a_responsible_person_and_a_deadline():
    hazard = graded(HazardLevel.GENERAL)
    with pytest.raises(InvalidArgument) as caught:
        hazard.plan_rectification(ctx(), plan=RectificationPlan(measures="紧固"))
    assert [v.field for v in caught.value.violations] == ["plan.responsible_person", "plan.deadline"]
    hazard.plan_rectification(ctx(), plan=RectificationPlan(responsible_person="李四", deadline=DEADLINE))
    assert hazard.state is HazardState.PLANNED


def test_a_plan_deadline_before_the_planning_day_and_negative_funds_are_refused():
    hazard = graded(HazardLevel.MAJOR)
    plan = attrs.evolve(full_plan(), deadline=T0.date() - dt.timedelta(days=1), funds_yuan=decimal.Decimal(-1))
    with pytest.raises(InvalidArgument) as caught:
        hazard.plan_rectification(ctx(), plan=plan)
    assert {v.rule for v in caught.value.violations} == {"hazard.plan.funds", "hazard.plan.deadline_after_planning"}


# -- rectification and verification ---------------------------------------------------------------------------


def test_completing_a_rectification_needs_evidence():
    hazard = drive(HazardState.RECTIFYING, HazardLevel.GENERAL)
    with pytest.raises(InvalidArgument, match="evidence"):
        hazard.complete_rectification(ctx(), measures_taken="已更换", evidence=[])


def test_the_rectifier_cannot_verify_their_own_work():
    hazard = drive(HazardState.RECTIFIED, HazardLevel.GENERAL)
    with pytest.raises(InvalidArgument) as caught:
        hazard.verify(ctx(hazard.rectifier))
    assert caught.value.violations[0].rule == "hazard.verify.independent"
    with pytest.raises(InvalidArgument):
        hazard.reject_verification(ctx(hazard.rectifier), reason="自己不满意")


def test_verifying_a_major_hazard_needs_an_acceptance_record():
    hazard = drive(HazardState.RECTIFIED, HazardLevel.MAJOR)
    with pytest.raises(InvalidArgument, match="acceptance"):
        hazard.verify(ctx("安全总监"))
    with pytest.raises(InvalidArgument) as caught:
        hazard.verify(ctx("安全总监"), acceptance=attrs.evolve(acceptance(), organisation="", conclusion=""))
    assert [v.field for v in caught.value.violations] == ["acceptance.organisation", "acceptance.conclusion"]
    hazard.verify(ctx("安全总监"), acceptance=acceptance())
    assert hazard.acceptance == acceptance()


def test_a_general_hazard_is_verified_without_an_acceptance_record():
    hazard = drive(HazardState.RECTIFIED, HazardLevel.GENERAL)
    hazard.verify(ctx("安全总监"))
    assert hazard.state is HazardState.VERIFIED


# -- supervision and escalation ---------------------------------------------------------------------------------


def test_a_regulator_lists_a_major_hazard_for_supervision_and_lifts_it():
    hazard = graded(HazardLevel.MAJOR)
    invoke(hazard, HazardCommand.LIST_FOR_SUPERVISION)
    assert hazard.supervision is not None
    assert hazard.supervision.status is SupervisionStatus.LISTED
    with pytest.raises(FailedPrecondition, match="already listed"):
        invoke(hazard, HazardCommand.LIST_FOR_SUPERVISION)
    invoke(hazard, HazardCommand.LIFT_SUPERVISION)
    assert hazard.supervision.status is SupervisionStatus.LIFTED
    assert hazard.supervision.lifted_on == T0.date()


def test_lifting_supervision_that_was_never_listed_is_refused():
    hazard = graded(HazardLevel.MAJOR)
    with pytest.raises(FailedPrecondition, match="not under listed supervision"):
        invoke(hazard, HazardCommand.LIFT_SUPERVISION)


def test_an_overdue_general_hazard_owes_an_escalation_to_the_principal_only_once():
    hazard = drive(HazardState.RECTIFYING, HazardLevel.GENERAL)
    policy = EscalationPolicy()
    assert hazard.due_escalations(DEADLINE, policy) == []
    assert hazard.due_escalations(OVERDUE_DAY, policy) == [(EscalationTarget.PRINCIPAL, 10)]
    hazard.escalate_overdue(ctx("sweep"), target=EscalationTarget.PRINCIPAL, today=OVERDUE_DAY)
    assert hazard.due_escalations(OVERDUE_DAY, policy) == []
    with pytest.raises(FailedPrecondition, match="already escalated"):
        hazard.escalate_overdue(ctx("sweep"), target=EscalationTarget.PRINCIPAL, today=OVERDUE_DAY)


def test_an_overdue_major_hazard_goes_to_the_principal_and_then_the_regulator():
    hazard = drive(HazardState.PLANNED, HazardLevel.MAJOR)
    policy = EscalationPolicy(principal_after_days=1, regulator_after_days=5)
    assert hazard.due_escalations(DEADLINE + dt.timedelta(days=2), policy) == [(EscalationTarget.PRINCIPAL, 2)]
    assert hazard.due_escalations(DEADLINE + dt.timedelta(days=5), policy) == [
        (EscalationTarget.PRINCIPAL, 5),
        (EscalationTarget.REGULATOR, 5),
    ]


def test_a_hazard_that_is_not_overdue_cannot_be_escalated():
    hazard = drive(HazardState.RECTIFYING, HazardLevel.MAJOR)
    with pytest.raises(FailedPrecondition, match="not overdue"):
        hazard.escalate_overdue(ctx(), target=EscalationTarget.PRINCIPAL, today=DEADLINE)


def test_a_general_hazard_is_never_escalated_to_the_regulator():
    hazard = drive(HazardState.RECTIFYING, HazardLevel.GENERAL)
    with pytest.raises(FailedPrecondition, match="only major hazards"):
        hazard.escalate_overdue(ctx(), target=EscalationTarget.REGULATOR, today=OVERDUE_DAY)


# -- reporting and stop-use -------------------------------------------------------------------------------------


def test_a_report_lists_every_missing_field_and_refuses_a_future_finding_date():
    with pytest.raises(InvalidArgument) as caught:
        Hazard.report(
            ctx(),
            hazard_id="H-9",
            unit_uscc="",
            equipment_id=None,
            source=reported().source,
            source_reference="",
            description="",
            found_on=T0.date() + dt.timedelta(days=1),
            finder="",
        )
    assert [v.field for v in caught.value.violations] == [
        "unit_uscc",
        "source_reference",
        "description",
        "finder",
        "found_on",
    ]


def test_a_naive_command_time_is_refused():
    with pytest.raises(InvalidArgument, match="time zone"):
        ctx(at=dt.datetime(2025, 3, 3, 9, 0))  # naive on purpose


def test_equipment_stopped_by_a_major_hazard_refuses_operations_that_assume_it_is_in_use():
    lift = Equipment(id="E-1", unit_uscc="91410100MA44XXXX0X", catalog_code="3110", stop_use_order="H-1")
    with pytest.raises(FailedPrecondition, match="H-1") as caught:
        ensure_in_use(lift)
    assert caught.value.reason == "EQUIPMENT_STOPPED_BY_HAZARD"
    ensure_in_use(attrs.evolve(lift, stop_use_order=None))


def test_equipment_suspended_by_registration_is_not_in_use_either():
    lift = Equipment(id="E-1", unit_uscc="91410100MA44XXXX0X", catalog_code="3110", status=EquipmentStatus.SUSPENDED)
    with pytest.raises(FailedPrecondition, match="suspended"):
        ensure_in_use(lift)


def test_a_unit_wide_major_hazard_without_equipment_stops_nothing():
    hazard = reported(equipment_id=None)
    hazard.register(ctx())
    hazard.grade_by_person(ctx(), level=HazardLevel.MAJOR, reason="安全管理机构未设置", regulator_region_code=REGION)
    assert hazard.stop_use is False
