"""Drive a hazard through its lifecycle in tests: one valid call per command, and a path to every state."""

from __future__ import annotations

import datetime as dt
import decimal
import itertools
from typing import Any

from dualprev_sdk.domain.hazard import (
    AcceptanceRecord,
    CommandContext,
    EscalationTarget,
    Evidence,
    Hazard,
    HazardCommand,
    HazardEvent,
    HazardLevel,
    HazardSource,
    HazardState,
    RectificationPlan,
)

T0 = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
DEADLINE = dt.date(2025, 3, 31)
OVERDUE_DAY = dt.date(2025, 4, 10)
REGION = "410102"

_ids = itertools.count(1)


def ctx(actor: str = "安全员张三", *, request_id: str | None = None, at: dt.datetime = T0) -> CommandContext:
    return CommandContext(actor=actor, at=at, request_id=request_id or f"req-{next(_ids)}")


def full_plan() -> RectificationPlan:
    return RectificationPlan(
        measures="更换门锁回路继电器，恢复门锁回路",
        responsible_person="维保组长李四",
        funds_yuan=decimal.Decimal("3500.00"),
        deadline=DEADLINE,
        contingency_plan="停梯并设置警示，启用备用电梯",
    )


def acceptance() -> AcceptanceRecord:
    return AcceptanceRecord(
        accepted_by="检验员王五", organisation="河南省特种设备检验技术研究院", conclusion="合格", accepted_on=DEADLINE
    )


def reported(hazard_id: str = "H-1", *, equipment_id: str | None = "E-1") -> Hazard:
    return Hazard.report(
        ctx("安全员张三"),
        hazard_id=hazard_id,
        unit_uscc="91410100MA44XXXX0X",
        equipment_id=equipment_id,
        source=HazardSource.DAILY_CHECK,
        source_reference="DAILY-2025-03-03",
        description="乘客电梯门锁回路被短接",
        found_on=T0.date(),
        finder="安全员张三",
    )


def invoke(hazard: Hazard, command: HazardCommand) -> HazardEvent:
    """Issue ``command`` with arguments that are valid whatever the hazard's level."""
    match command:
        case HazardCommand.REGISTER:
            return hazard.register(ctx())
        case HazardCommand.GRADE_BY_RULES:
            return hazard.grade_by_rules(ctx(), matching_criteria=lambda: [], regulator_region_code=REGION)
        case HazardCommand.GRADE_BY_PERSON:
            return hazard.grade_by_person(
                ctx(), level=HazardLevel.MAJOR, reason="门锁回路短接", regulator_region_code=REGION
            )
        case HazardCommand.PLAN_RECTIFICATION:
            return hazard.plan_rectification(ctx("安全总监"), plan=full_plan())
        case HazardCommand.START_RECTIFICATION:
            return hazard.start_rectification(ctx("维保组长李四"))
        case HazardCommand.COMPLETE_RECTIFICATION:
            return hazard.complete_rectification(
                ctx("维保组长李四"), measures_taken="已更换继电器", evidence=[Evidence(kind="photo", reference="P-1")]
            )
        case HazardCommand.FIX_ON_THE_SPOT:
            return hazard.fix_on_the_spot(
                ctx("安全员张三"), measures_taken="当场紧固", evidence=[Evidence(kind="photo", reference="P-2")]
            )
        case HazardCommand.VERIFY:
            return hazard.verify(ctx("安全总监"), acceptance=acceptance())
        case HazardCommand.REJECT_VERIFICATION:
            return hazard.reject_verification(ctx("安全总监"), reason="继电器型号不符")
        case HazardCommand.CLOSE_OUT:
            return hazard.close_out(ctx("安全总监"))
        case HazardCommand.CANCEL:
            return hazard.cancel(ctx("安全总监"), reason="误报：回路正常")
        case HazardCommand.LIST_FOR_SUPERVISION:
            return hazard.list_for_supervision(ctx("区市场监管局"), authority="金水区市场监管局", deadline=DEADLINE)
        case HazardCommand.LIFT_SUPERVISION:
            return hazard.lift_supervision(ctx("区市场监管局"), reason="已整改")
        case HazardCommand.ESCALATE_OVERDUE:
            return hazard.escalate_overdue(ctx("sweep"), target=EscalationTarget.PRINCIPAL, today=OVERDUE_DAY)
        case HazardCommand.ADD_NOTE:
            return hazard.add_note(ctx(), text="已联系维保单位")
    raise AssertionError(command)


def graded(level: HazardLevel, hazard_id: str = "H-1") -> Hazard:
    hazard = reported(hazard_id)
    hazard.register(ctx())
    hazard.grade_by_person(
        ctx(),
        level=level,
        reason="按现场情况判定",
        regulator_region_code=REGION if level is HazardLevel.MAJOR else None,
    )
    return hazard


_PATH_AFTER_GRADING: dict[HazardState, tuple[HazardCommand, ...]] = {
    HazardState.GRADED: (),
    HazardState.PLANNED: (HazardCommand.PLAN_RECTIFICATION,),
    HazardState.RECTIFYING: (HazardCommand.PLAN_RECTIFICATION, HazardCommand.START_RECTIFICATION),
    HazardState.RECTIFIED: (
        HazardCommand.PLAN_RECTIFICATION,
        HazardCommand.START_RECTIFICATION,
        HazardCommand.COMPLETE_RECTIFICATION,
    ),
    HazardState.VERIFIED: (
        HazardCommand.PLAN_RECTIFICATION,
        HazardCommand.START_RECTIFICATION,
        HazardCommand.COMPLETE_RECTIFICATION,
        HazardCommand.VERIFY,
    ),
    HazardState.CLOSED: (
        HazardCommand.PLAN_RECTIFICATION,
        HazardCommand.START_RECTIFICATION,
        HazardCommand.COMPLETE_RECTIFICATION,
        HazardCommand.VERIFY,
        HazardCommand.CLOSE_OUT,
    ),
}


def drive(state: HazardState, level: HazardLevel | None) -> Hazard:
    """A hazard in ``state`` with ``level`` (None = not graded yet)."""
    if level is None:
        hazard = reported()
        if state is HazardState.REPORTED:
            return hazard
        if state is HazardState.CANCELLED:
            hazard.cancel(ctx(), reason="误报")
            return hazard
        hazard.register(ctx())
        assert state is HazardState.REGISTERED
        return hazard
    hazard = graded(level)
    if state is HazardState.CANCELLED:
        hazard.cancel(ctx(), reason="误报")
        return hazard
    for command in _PATH_AFTER_GRADING[state]:
        invoke(hazard, command)
    assert hazard.state is state
    return hazard


#: Every (state, level) a hazard can be in.
REACHABLE: tuple[tuple[HazardState, HazardLevel | None], ...] = (
    (HazardState.REPORTED, None),
    (HazardState.REGISTERED, None),
    (HazardState.CANCELLED, None),
    *((s, lvl) for lvl in HazardLevel for s in (*_PATH_AFTER_GRADING, HazardState.CANCELLED)),
)


def describe(value: Any) -> str:
    return getattr(value, "value", None) or "ungraded"
