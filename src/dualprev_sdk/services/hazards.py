"""Hazard use cases (隐患排查治理): each command in one unit of work, idempotent by request id, never lost to a race.

Every function loads the hazard by folding its events, issues one domain command, and in the same transaction:
appends the event to the hash-chained log (compare-and-swap on the hazard's version, so a concurrent writer gets
:class:`~dualprev_sdk.errors.ConcurrencyConflict` instead of overwriting), applies the side effects the event
implies (stop-use order on the equipment, a report to the regulator, the supervision listing) and writes an
outbox event carrying the event's hash (so the regulator's data centre holds independent copies of the chain).

Request ids (AIP-155): a command whose ``request_id`` already produced an event returns that event and the
hazard as it was right after it — the same result — and appends nothing. Reusing a request id for a different
command or hazard is an InvalidArgument.

Grading by rules asks the equipment-class plugin (through the plugin host's registry) for its GB 45067-2024
criteria and hands the domain a callable, so the domain itself never sees plugins.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, TypeVar

import attrs

from dualprev_sdk import timeutil
from dualprev_sdk.domain.common import SafetyRole
from dualprev_sdk.domain.equipment import Equipment
from dualprev_sdk.domain.hazard import (
    EVENT_TYPES,
    AcceptanceRecord,
    CommandContext,
    EscalationPolicy,
    EscalationTarget,
    Evidence,
    Hazard,
    HazardCancelled,
    HazardClosedOut,
    HazardCommand,
    HazardEscalated,
    HazardEvent,
    HazardFixedOnTheSpot,
    HazardGraded,
    HazardLevel,
    HazardSource,
    HazardState,
    HazardStatistics,
    ListedSupervision,
    RectificationPlan,
    RegulatorReport,
    RegulatorReportKind,
    SupervisionLifted,
    SupervisionListed,
    SupervisionStatus,
)
from dualprev_sdk.domain.hazard_chain import ChainRecord, ChainReport
from dualprev_sdk.equipment_classes import EquipmentState, MajorHazardCriterion
from dualprev_sdk.errors import ConcurrencyConflict, FailedPrecondition, InvalidArgument
from dualprev_sdk.store.hazards import StoredEvent
from dualprev_sdk.store.uow import UnitOfWork

if TYPE_CHECKING:
    from dualprev_sdk.services.bootstrap import Dualprev

__all__ = [
    "CommandResult",
    "HazardHistory",
    "SweepResult",
    "add_hazard_note",
    "cancel_hazard",
    "close_out_hazard",
    "complete_rectification",
    "fix_on_the_spot",
    "get_hazard",
    "grade_hazard_by_person",
    "grade_hazard_by_rules",
    "hazard_history",
    "hazard_resource",
    "hazard_statistics",
    "lift_supervision",
    "list_for_supervision",
    "list_hazards",
    "list_regulator_reports",
    "list_supervisions",
    "plan_rectification",
    "register_hazard",
    "reject_verification",
    "report_hazard",
    "retry_on_conflict",
    "start_rectification",
    "sweep_overdue",
    "verify_hazard_chain",
    "verify_rectification",
]

T = TypeVar("T")
SWEEP_ACTOR = "system:overdue-sweep"

#: The event type each command produces (both grading commands produce ``hazard.graded``).
_EVENT_TYPE_OF: dict[HazardCommand, str] = {
    **{cls.command: name for name, cls in EVENT_TYPES.items()},
    HazardCommand.GRADE_BY_PERSON: HazardGraded.type_name,
}


def hazard_resource(hazard_id: str) -> str:
    """AIP-122 resource name of a hazard (top level: hazards are listed across units by regulators)."""
    return f"hazards/{hazard_id}"


@attrs.frozen(kw_only=True)
class CommandResult:
    """What a command returns: the hazard right after the event, the event, and whether this was a replay of an
    earlier request with the same id (nothing new was written)."""

    hazard: Hazard
    event: HazardEvent
    replayed: bool = False


@attrs.frozen(kw_only=True)
class HazardHistory:
    """A hazard's full record for export: the fold (None when the stored record no longer folds), every stored
    event with its hashes, and the chain check."""

    hazard_id: str
    hazard: Hazard | None
    events: tuple[StoredEvent, ...]
    chain: ChainReport
    region_code: str
    catalog_code: str | None


@attrs.frozen(kw_only=True)
class SweepResult:
    """What one overdue sweep did: (hazard id, target) per escalation made, and hazards that were overdue."""

    overdue: tuple[str, ...]
    escalations: tuple[tuple[str, EscalationTarget], ...]


# ---------------------------------------------------------------------------------------------------------------
# The command pipeline
# ---------------------------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class _GeneratedRequest(CommandContext):
    """A context whose request id the SDK generated: it cannot have been seen before, so no replay lookup."""


def _context(actor: str, at: dt.datetime | None, request_id: str | None) -> CommandContext:
    if not actor.strip():
        raise InvalidArgument.single("actor", actor, "required", "every command names the person who issues it")
    if request_id is None:
        return _GeneratedRequest(actor=actor, at=at or timeutil.now(), request_id=str(uuid.uuid4()))
    return CommandContext(actor=actor, at=at or timeutil.now(), request_id=request_id)


def _replay(
    uow: UnitOfWork, ctx: CommandContext, command: HazardCommand, hazard_id: str | None
) -> CommandResult | None:
    if isinstance(ctx, _GeneratedRequest):
        return None
    found = uow.hazards.find_request(ctx.request_id)
    if found is None:
        return None
    stored_hazard, sequence, event_type = found
    if (hazard_id is not None and stored_hazard != hazard_id) or event_type != _EVENT_TYPE_OF[command]:
        raise InvalidArgument.single(
            "request_id",
            ctx.request_id,
            "request_id.reused",
            f"request id already used for {event_type} on hazard {stored_hazard!r}; use a new id for a new command",
        )
    hazard = uow.hazards.get(stored_hazard, up_to=sequence)
    return CommandResult(hazard=hazard, event=hazard.events[-1], replayed=True)


def _emit(uow: UnitOfWork, hazard: Hazard, records: Sequence[ChainRecord], region_code: str) -> None:
    for record in records:
        uow.emit(
            record.event_type,
            hazard_resource(hazard.id),
            {
                "hazard_id": hazard.id,
                "sequence": record.sequence,
                "hash": record.hash,
                "prev_hash": record.prev_hash,
                "unit_uscc": hazard.unit_uscc,
                "region_code": region_code,
                "state": hazard.state.value,
                "level": hazard.level.value if hazard.level else None,
                "event": dict(record.payload),
            },
        )


def _set_stop_order(uow: UnitOfWork, equipment: Equipment, order: str | None) -> None:
    """Write ``order`` on ``equipment`` (as read in this unit of work) if it changes anything."""
    if equipment.stop_use_order != order:
        uow.equipment.update(attrs.evolve(equipment, stop_use_order=order))
        uow.emit(
            "equipment.stop_use_changed",
            f"equipment/{equipment.id}",
            {"equipment_id": equipment.id, "stop_use_order": order},
        )


def _apply_effects(uow: UnitOfWork, hazard: Hazard, events: Iterable[HazardEvent], region_code: str) -> None:
    """Side effects of events, in the same transaction as the events themselves."""
    for event in events:
        match event:
            case HazardGraded(level=HazardLevel.MAJOR):
                if event.stop_use and hazard.equipment_id is not None:
                    equipment = uow.equipment.get(hazard.equipment_id)
                    if equipment.stop_use_order is None:
                        _set_stop_order(uow, equipment, hazard.id)
                uow.hazards.add_regulator_report(
                    RegulatorReport(
                        id=f"{hazard.id}#{event.sequence}",
                        hazard_id=hazard.id,
                        unit_uscc=hazard.unit_uscc,
                        region_code=event.regulator_region_code or region_code,
                        kind=RegulatorReportKind.MAJOR_HAZARD,
                        reported_at=event.occurred_at,
                        sequence=event.sequence,
                    )
                )
            case HazardClosedOut() | HazardCancelled() | HazardFixedOnTheSpot():
                if hazard.equipment_id is not None:
                    equipment = uow.equipment.get(hazard.equipment_id)
                    if equipment.stop_use_order == hazard.id:
                        others = uow.hazards.open_stop_orders(hazard.equipment_id, excluding=hazard.id)
                        _set_stop_order(uow, equipment, others[0] if others else None)
            case SupervisionListed() | SupervisionLifted():
                uow.hazards.record_supervision(hazard, region_code=region_code)
            case HazardEscalated(target=EscalationTarget.REGULATOR):
                uow.hazards.add_regulator_report(
                    RegulatorReport(
                        id=f"{hazard.id}#{event.sequence}",
                        hazard_id=hazard.id,
                        unit_uscc=hazard.unit_uscc,
                        region_code=region_code,
                        kind=RegulatorReportKind.OVERDUE_ESCALATION,
                        reported_at=event.occurred_at,
                        sequence=event.sequence,
                    )
                )
            case _:
                pass


def _execute(
    sdk: Dualprev,
    hazard_id: str,
    command: HazardCommand,
    ctx: CommandContext,
    act: Callable[[UnitOfWork, Hazard], HazardEvent],
) -> CommandResult:
    with sdk.uow() as uow:
        replayed = _replay(uow, ctx, command, hazard_id)
        if replayed is not None:
            return replayed
        hazard = uow.hazards.get(hazard_id)
        act(uow, hazard)
        events = list(hazard.pending)
        region_code = uow.hazards.region_of(hazard_id)
        records = uow.hazards.save(hazard)
        _apply_effects(uow, hazard, events, region_code)
        _emit(uow, hazard, records, region_code)
        uow.commit()
    return CommandResult(hazard=hazard, event=events[-1])


def retry_on_conflict(operation: Callable[[], T], *, attempts: int = 10, backoff_seconds: float = 0.005) -> T:
    """Run ``operation`` again when it loses an optimistic-concurrency race (it re-reads the hazard each time).

    Pass the same request id on every attempt: if an attempt did commit before failing to report back, the retry
    is answered from the record instead of acting twice.
    """
    for attempt in range(attempts):
        try:
            return operation()
        except ConcurrencyConflict:
            if attempt == attempts - 1:
                raise
            time.sleep(backoff_seconds * (attempt + 1))
    raise AssertionError("unreachable")


# ---------------------------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------------------------


def report_hazard(
    sdk: Dualprev,
    *,
    unit_uscc: str,
    equipment_id: str | None,
    source: HazardSource,
    source_reference: str,
    description: str,
    found_on: dt.date,
    finder: str,
    actor: str,
    hazard_id: str | None = None,
    location: str = "",
    photos: Sequence[str] = (),
    legal_basis: str = "",
    request_id: str | None = None,
    at: dt.datetime | None = None,
) -> CommandResult:
    """排查发现并上报 a hazard for a unit (and, usually, one piece of its equipment)."""
    ctx = _context(actor, at, request_id)
    with sdk.uow() as uow:
        replayed = _replay(uow, ctx, HazardCommand.REPORT, None)
        if replayed is not None:
            return replayed
        unit = uow.units.get(unit_uscc)
        catalog_code: str | None = None
        if equipment_id is not None:
            equipment = uow.equipment.get(equipment_id)
            if equipment.unit_uscc != unit_uscc:
                raise InvalidArgument.single(
                    "equipment_id",
                    equipment_id,
                    "hazard.equipment.unit",
                    f"equipment belongs to unit {equipment.unit_uscc}, not {unit_uscc}",
                )
            catalog_code = equipment.catalog_code
        hazard = Hazard.report(
            ctx,
            hazard_id=hazard_id or f"HZ-{uuid.uuid4().hex[:20]}",
            unit_uscc=unit_uscc,
            equipment_id=equipment_id,
            source=source,
            source_reference=source_reference,
            description=description,
            found_on=found_on,
            finder=finder,
            location=location,
            photos=photos,
            legal_basis=legal_basis,
        )
        event = hazard.pending[-1]
        records = uow.hazards.add(hazard, region_code=unit.region_code, catalog_code=catalog_code)
        _emit(uow, hazard, records, unit.region_code)
        uow.commit()
    return CommandResult(hazard=hazard, event=event)


def register_hazard(
    sdk: Dualprev,
    hazard_id: str,
    *,
    actor: str,
    note: str = "",
    request_id: str | None = None,
    at: dt.datetime | None = None,
) -> CommandResult:
    ctx = _context(actor, at, request_id)
    return _execute(sdk, hazard_id, HazardCommand.REGISTER, ctx, lambda _, h: h.register(ctx, note=note))


def grade_hazard_by_rules(
    sdk: Dualprev,
    hazard_id: str,
    *,
    actor: str,
    findings: Iterable[str] = (),
    in_use: bool | None = None,
    last_conclusion: str | None = None,
    last_safety_grade: int | None = None,
    inspection_overdue: bool = False,
    request_id: str | None = None,
    at: dt.datetime | None = None,
) -> CommandResult:
    """评估 by GB 45067-2024: the equipment-class plugin's criteria are matched against the equipment's state
    (finding codes the class defines, last inspection conclusion…); any match makes the hazard major."""
    ctx = _context(actor, at, request_id)

    def act(uow: UnitOfWork, hazard: Hazard) -> HazardEvent:
        if hazard.equipment_id is None:
            raise FailedPrecondition(
                f"hazard {hazard.id!r} is not about a piece of equipment; GB 45067 rules need one — grade by person",
                reason="HAZARD_NO_EQUIPMENT",
                metadata={"hazard_id": hazard.id},
            )
        equipment = uow.equipment.get(hazard.equipment_id)
        equipment_class = sdk.host.equipment_classes.for_code(equipment.catalog_code)
        if equipment_class is None:
            raise FailedPrecondition(
                f"no equipment-class plugin claims catalogue code {equipment.catalog_code!r}; grade by person",
                reason="EQUIPMENT_CLASS_UNKNOWN",
                metadata={"catalog_code": equipment.catalog_code},
            )
        state = EquipmentState(
            equipment=equipment,
            in_use=equipment.in_use if in_use is None else in_use,
            findings=frozenset(findings),
            last_conclusion=last_conclusion,
            last_safety_grade=last_safety_grade,
            inspection_overdue=inspection_overdue,
        )
        criteria: Sequence[MajorHazardCriterion] = equipment_class.major_hazard_criteria()

        def matching() -> list[MajorHazardCriterion]:
            return [c for c in criteria if c.matches(state)]

        region = uow.hazards.region_of(hazard.id)
        return hazard.grade_by_rules(ctx, matching_criteria=matching, regulator_region_code=region)

    return _execute(sdk, hazard_id, HazardCommand.GRADE_BY_RULES, ctx, act)


def grade_hazard_by_person(
    sdk: Dualprev,
    hazard_id: str,
    *,
    level: HazardLevel,
    reason: str,
    actor: str,
    request_id: str | None = None,
    at: dt.datetime | None = None,
) -> CommandResult:
    """评估 by a person with a written reason; a major grade goes to the regulator of the unit's region."""
    ctx = _context(actor, at, request_id)

    def act(uow: UnitOfWork, hazard: Hazard) -> HazardEvent:
        region = uow.hazards.region_of(hazard.id)
        return hazard.grade_by_person(ctx, level=level, reason=reason, regulator_region_code=region)

    return _execute(sdk, hazard_id, HazardCommand.GRADE_BY_PERSON, ctx, act)


def plan_rectification(
    sdk: Dualprev,
    hazard_id: str,
    *,
    plan: RectificationPlan,
    actor: str,
    request_id: str | None = None,
    at: dt.datetime | None = None,
) -> CommandResult:
    ctx = _context(actor, at, request_id)
    return _execute(
        sdk, hazard_id, HazardCommand.PLAN_RECTIFICATION, ctx, lambda _, h: h.plan_rectification(ctx, plan=plan)
    )


def start_rectification(
    sdk: Dualprev,
    hazard_id: str,
    *,
    actor: str,
    note: str = "",
    request_id: str | None = None,
    at: dt.datetime | None = None,
) -> CommandResult:
    ctx = _context(actor, at, request_id)
    return _execute(
        sdk, hazard_id, HazardCommand.START_RECTIFICATION, ctx, lambda _, h: h.start_rectification(ctx, note=note)
    )


def complete_rectification(
    sdk: Dualprev,
    hazard_id: str,
    *,
    measures_taken: str,
    evidence: Sequence[Evidence],
    actor: str,
    request_id: str | None = None,
    at: dt.datetime | None = None,
) -> CommandResult:
    ctx = _context(actor, at, request_id)
    return _execute(
        sdk,
        hazard_id,
        HazardCommand.COMPLETE_RECTIFICATION,
        ctx,
        lambda _, h: h.complete_rectification(ctx, measures_taken=measures_taken, evidence=evidence),
    )


def fix_on_the_spot(
    sdk: Dualprev,
    hazard_id: str,
    *,
    measures_taken: str,
    evidence: Sequence[Evidence],
    actor: str,
    request_id: str | None = None,
    at: dt.datetime | None = None,
) -> CommandResult:
    ctx = _context(actor, at, request_id)
    return _execute(
        sdk,
        hazard_id,
        HazardCommand.FIX_ON_THE_SPOT,
        ctx,
        lambda _, h: h.fix_on_the_spot(ctx, measures_taken=measures_taken, evidence=evidence),
    )


def verify_rectification(
    sdk: Dualprev,
    hazard_id: str,
    *,
    actor: str,
    acceptance: AcceptanceRecord | None = None,
    note: str = "",
    request_id: str | None = None,
    at: dt.datetime | None = None,
) -> CommandResult:
    ctx = _context(actor, at, request_id)
    return _execute(
        sdk, hazard_id, HazardCommand.VERIFY, ctx, lambda _, h: h.verify(ctx, acceptance=acceptance, note=note)
    )


def reject_verification(
    sdk: Dualprev,
    hazard_id: str,
    *,
    reason: str,
    actor: str,
    request_id: str | None = None,
    at: dt.datetime | None = None,
) -> CommandResult:
    ctx = _context(actor, at, request_id)
    return _execute(
        sdk, hazard_id, HazardCommand.REJECT_VERIFICATION, ctx, lambda _, h: h.reject_verification(ctx, reason=reason)
    )


def close_out_hazard(
    sdk: Dualprev,
    hazard_id: str,
    *,
    actor: str,
    note: str = "",
    request_id: str | None = None,
    at: dt.datetime | None = None,
) -> CommandResult:
    """销号; a major hazard's stop-use order on the equipment is lifted in the same transaction."""
    ctx = _context(actor, at, request_id)
    return _execute(sdk, hazard_id, HazardCommand.CLOSE_OUT, ctx, lambda _, h: h.close_out(ctx, note=note))


def cancel_hazard(
    sdk: Dualprev,
    hazard_id: str,
    *,
    reason: str,
    actor: str,
    request_id: str | None = None,
    at: dt.datetime | None = None,
) -> CommandResult:
    ctx = _context(actor, at, request_id)
    return _execute(sdk, hazard_id, HazardCommand.CANCEL, ctx, lambda _, h: h.cancel(ctx, reason=reason))


def list_for_supervision(
    sdk: Dualprev,
    hazard_id: str,
    *,
    authority: str,
    deadline: dt.date,
    actor: str,
    request_id: str | None = None,
    at: dt.datetime | None = None,
) -> CommandResult:
    """挂牌督办 by the regulator."""
    ctx = _context(actor, at, request_id)
    return _execute(
        sdk,
        hazard_id,
        HazardCommand.LIST_FOR_SUPERVISION,
        ctx,
        lambda _, h: h.list_for_supervision(ctx, authority=authority, deadline=deadline),
    )


def lift_supervision(
    sdk: Dualprev,
    hazard_id: str,
    *,
    actor: str,
    reason: str = "",
    request_id: str | None = None,
    at: dt.datetime | None = None,
) -> CommandResult:
    ctx = _context(actor, at, request_id)
    return _execute(
        sdk, hazard_id, HazardCommand.LIFT_SUPERVISION, ctx, lambda _, h: h.lift_supervision(ctx, reason=reason)
    )


def add_hazard_note(
    sdk: Dualprev,
    hazard_id: str,
    *,
    text: str,
    actor: str,
    attachments: Sequence[str] = (),
    request_id: str | None = None,
    at: dt.datetime | None = None,
) -> CommandResult:
    ctx = _context(actor, at, request_id)
    return _execute(
        sdk, hazard_id, HazardCommand.ADD_NOTE, ctx, lambda _, h: h.add_note(ctx, text=text, attachments=attachments)
    )


# ---------------------------------------------------------------------------------------------------------------
# The overdue sweep
# ---------------------------------------------------------------------------------------------------------------


def sweep_overdue(
    sdk: Dualprev,
    today: dt.date | None = None,
    *,
    policy: EscalationPolicy | None = None,
    at: dt.datetime | None = None,
    actor: str = SWEEP_ACTOR,
) -> SweepResult:
    """Find overdue rectifications and escalate each one step up the line it has not reached yet: an event on
    the hazard's record (and the outbox) naming the unit's principal, then, for major hazards, the regulator.

    Idempotent: an escalation is keyed on (deadline, target) in the hazard's own state, and its request id is
    derived from the same key, so running the sweep twice — or two sweeps at once — escalates nothing new.
    Each hazard is one transaction, so one conflict does not undo the rest.
    """
    today = today or timeutil.today()
    policy = policy or EscalationPolicy()
    with sdk.uow() as uow:
        overdue = uow.hazards.overdue_ids(today)
    made: list[tuple[str, EscalationTarget]] = []
    for hazard_id in overdue:

        def escalate(hid: str = hazard_id) -> list[tuple[str, EscalationTarget]]:
            return _escalate_one(sdk, hid, today, policy, at=at, actor=actor)

        made.extend(retry_on_conflict(escalate))
    return SweepResult(overdue=tuple(overdue), escalations=tuple(made))


def _escalate_one(
    sdk: Dualprev,
    hazard_id: str,
    today: dt.date,
    policy: EscalationPolicy,
    *,
    at: dt.datetime | None,
    actor: str,
) -> list[tuple[str, EscalationTarget]]:
    with sdk.uow() as uow:
        hazard = uow.hazards.get(hazard_id)
        due = hazard.due_escalations(today, policy)
        if not due:
            return []
        region_code = uow.hazards.region_of(hazard_id)
        unit = uow.units.get(hazard.unit_uscc)
        principals = "、".join(r.name for r in unit.holders_of(SafetyRole.PRINCIPAL)) or unit.name
        made: list[tuple[str, EscalationTarget]] = []
        for target, _days in due:
            assert hazard.deadline is not None
            ctx = CommandContext(
                actor=actor,
                at=at or timeutil.now(),
                request_id=f"sweep:{hazard_id}:{hazard.deadline.isoformat()}:{target.value}",
            )
            recipient = principals if target is EscalationTarget.PRINCIPAL else region_code
            hazard.escalate_overdue(ctx, target=target, today=today, recipient=recipient)
            made.append((hazard_id, target))
        events = list(hazard.pending)
        records = uow.hazards.save(hazard)
        _apply_effects(uow, hazard, events, region_code)
        _emit(uow, hazard, records, region_code)
        uow.commit()
        return made


# ---------------------------------------------------------------------------------------------------------------
# Reads
# ---------------------------------------------------------------------------------------------------------------


def get_hazard(sdk: Dualprev, hazard_id: str) -> Hazard:
    with sdk.uow() as uow:
        return uow.hazards.get(hazard_id)


def list_hazards(
    sdk: Dualprev,
    *,
    unit_uscc: str | None = None,
    region_prefix: str | None = None,
    state: HazardState | None = None,
    inspected_by: str | None = None,
    after: str | None = None,
    limit: int = 100,
) -> list[Hazard]:
    """One keyset page of hazards in id order: those whose id sorts above ``after``, at most ``limit``, filtered
    as :meth:`HazardRepository.ids <dualprev_sdk.store.hazards.HazardRepository.ids>` filters (``inspected_by``:
    only hazards on equipment that agency has inspection records for). The page's events are read together, so
    a page costs the same few statements whatever its size."""
    with sdk.uow() as uow:
        ids = uow.hazards.ids(
            unit_uscc=unit_uscc,
            region_prefix=region_prefix,
            state=state,
            inspected_by=inspected_by,
            after=after,
            limit=limit,
        )
        hazards = uow.hazards.by_ids(ids)
    return [hazards[i] for i in ids]


def hazard_history(sdk: Dualprev, hazard_id: str) -> HazardHistory:
    """The full record of one hazard with its chain verified, for the JSON and xlsx exports.

    A record altered so badly that it no longer folds is still exported (``hazard`` is None): an auditor needs
    the damaged record most of all.
    """
    with sdk.uow() as uow:
        row = uow.hazards.projection(hazard_id)
        stored = uow.hazards.stored_events(hazard_id)
        try:
            hazard: Hazard | None = uow.hazards.get(hazard_id)
        except FailedPrecondition:
            hazard = None
        report = uow.hazards.verify_chain(hazard_id)
    return HazardHistory(
        hazard_id=hazard_id,
        hazard=hazard,
        events=tuple(stored),
        chain=report,
        region_code=str(row["region_code"]),
        catalog_code=row["catalog_code"],
    )


def verify_hazard_chain(sdk: Dualprev, hazard_id: str | None = None) -> ChainReport:
    """Check the stored log of one hazard, or of every hazard: edits, deletions, insertions, reorderings."""
    with sdk.uow() as uow:
        return uow.hazards.verify_chain(hazard_id)


def hazard_statistics(
    sdk: Dualprev,
    *,
    today: dt.date | None = None,
    unit_uscc: str | None = None,
    region_prefix: str | None = None,
) -> HazardStatistics:
    with sdk.uow() as uow:
        return uow.hazards.statistics(today=today or timeutil.today(), unit_uscc=unit_uscc, region_prefix=region_prefix)


def list_regulator_reports(
    sdk: Dualprev, *, hazard_id: str | None = None, region_prefix: str | None = None
) -> list[RegulatorReport]:
    with sdk.uow() as uow:
        return uow.hazards.regulator_reports(hazard_id=hazard_id, region_prefix=region_prefix)


def list_supervisions(
    sdk: Dualprev, *, region_prefix: str | None = None, status: SupervisionStatus | None = None
) -> list[tuple[str, ListedSupervision]]:
    with sdk.uow() as uow:
        return uow.hazards.supervisions(region_prefix=region_prefix, status=status)
