"""Inspection use cases: record an inspection (and move the equipment's due date), validity, reminders, the
overdue listing and sweep (逾期未检), and the inspection-agency workflow.

Every state change of the inspection side happens in one unit of work with its outbox events. Hazards are
opened through the hazard use cases (:mod:`dualprev_sdk.services.hazards`: report → register → grade by the
class's GB 45067 rules), each of which is its own transaction with its own hash-chained events; they are
called with *deterministic* hazard and request ids derived from what caused them — (equipment, due date) for
the sweep, (report, finding) for an agency — so a run that stops half-way is finished by the next run without
duplicating anything: the hazard commands answer a repeated request id from the record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import attrs

from dualprev_sdk import timeutil
from dualprev_sdk.domain.equipment import Equipment, EquipmentStatus
from dualprev_sdk.domain.hazard import HazardLevel, HazardSource
from dualprev_sdk.domain.inspection import (
    NONCONFORMING_FINDING,
    AgencyFinding,
    AgencySubmission,
    InspectionConclusion,
    InspectionKind,
    InspectionRecord,
    InspectionValidity,
    OverdueCase,
    OverduePolicy,
    RegulatorNotice,
    RegulatorNoticeKind,
    Reminder,
    ReminderKind,
    ReminderPolicy,
    validity_of,
)
from dualprev_sdk.equipment_classes import DueDate, InspectionFacts
from dualprev_sdk.errors import AlreadyExists, ConcurrencyConflict, DualprevError, FailedPrecondition, InvalidArgument
from dualprev_sdk.services import hazards as hazard_cases
from dualprev_sdk.store.inspections import OverdueItem, OverdueKey, PendingCase, link_notice
from dualprev_sdk.store.uow import UnitOfWork

if TYPE_CHECKING:
    from dualprev_sdk.services.bootstrap import Dualprev

__all__ = [
    "AgencyResult",
    "OpenedHazard",
    "OverdueItem",
    "OverdueKey",
    "OverdueListing",
    "OverdueSweepResult",
    "RecordedInspection",
    "inspection_reminders",
    "inspection_validity",
    "list_overdue",
    "list_regulator_notices",
    "record_inspection",
    "submit_agency_findings",
    "sweep_overdue_inspections",
]

SWEEP_ACTOR = "system:inspection-overdue-sweep"

#: Due-date kinds that are not the agency's periodic inspection (self-tests, maintenance, accessories,
#: design-life ends): the equipment's ``next_inspection_due`` is never taken from them while another exists.
_NOT_PERIODIC = frozenset(
    {"self_test", "maintenance", "annual_check", "design_life_end", "safety_valve", "pressure_gauge"}
)


@attrs.frozen(kw_only=True)
class RecordedInspection:
    record: InspectionRecord
    due_dates: tuple[DueDate, ...]
    equipment: Equipment


def _resource(equipment_id: str) -> str:
    return f"equipment/{equipment_id}"


def _periodic(due_dates: Sequence[DueDate]) -> DueDate | None:
    """The due date that becomes the equipment's ``next_inspection_due``: a no-use verdict first, then the
    ``periodic_inspection`` kind, else the earliest agency inspection (boilers: external/internal)."""
    blocked = [d for d in due_dates if not d.use_allowed]
    if blocked:
        return min(blocked, key=lambda d: d.next_due)
    named = [d for d in due_dates if d.kind == "periodic_inspection"]
    if named:
        return min(named, key=lambda d: d.next_due)
    agency = [d for d in due_dates if d.kind not in _NOT_PERIODIC]
    if agency:
        return min(agency, key=lambda d: d.next_due)
    return min(due_dates, key=lambda d: d.next_due) if due_dates else None


def inspection_facts(
    uow: UnitOfWork, equipment: Equipment, *, overrides: Mapping[str, Any] | None = None
) -> InspectionFacts:
    """What the class's due-date rule may look at, read from the store (the newest agency inspection sets
    the base; self-tests and annual checks count for their own kinds)."""
    agency = uow.inspections.latest(
        equipment.id, kinds=(InspectionKind.PERIODIC, InspectionKind.SUPERVISORY, InspectionKind.FIRST)
    )
    own: dict[str, dt.date] = {}
    for kind, key in ((InspectionKind.SELF_TEST, "self_test"), (InspectionKind.ANNUAL_CHECK, "annual_check")):
        found = uow.inspections.latest(equipment.id, kind=kind)
        if found is not None:
            own[key] = found.inspected_on
    return InspectionFacts(
        catalog_code=equipment.catalog_code,
        parameters=equipment.parameters,
        commissioned_on=equipment.commissioned_on,
        manufactured_on=equipment.manufactured_on,
        last_inspection_on=agency.inspected_on if agency else None,
        last_safety_grade=agency.safety_grade if agency else None,
        last_conclusion=(
            agency.conclusion.value if agency and agency.conclusion is not InspectionConclusion.SAFETY_GRADE else None
        ),
        overrides=dict(overrides or {}),
        last_inspections=own,
    )


def _record(
    sdk: Dualprev,
    uow: UnitOfWork,
    record: InspectionRecord,
    *,
    today: dt.date,
    overrides: Mapping[str, Any] | None,
) -> RecordedInspection:
    violations = record.violations(today)
    if violations:
        raise InvalidArgument(violations)
    equipment = uow.equipment.get(record.equipment_id)
    stored = uow.inspections.add(attrs.evolve(record, use_allowed=record.use_allowed and not record.failed))
    equipment_class = sdk.host.equipment_classes.for_code(equipment.catalog_code)
    due_dates: tuple[DueDate, ...] = ()
    chosen: DueDate | None = None
    if equipment_class is not None:
        due_dates = tuple(equipment_class.next_due(inspection_facts(uow, equipment, overrides=overrides)))
        chosen = _periodic(due_dates)
    if chosen is not None:
        rule = f"{chosen.rule}（{chosen.source}）" + (f"；{chosen.note}" if chosen.note else "")
        stored = uow.inspections.update(
            attrs.evolve(
                stored,
                next_due=chosen.next_due,
                due_rule=rule[:500],
                use_allowed=stored.use_allowed and chosen.use_allowed,
            )
        )
    elif record.next_due is not None:
        stored = uow.inspections.update(attrs.evolve(stored, due_rule="按检验报告所载下次检验日期（无设备类别规则）"))
    newest = uow.inspections.latest(equipment.id)
    newest_is_this = newest is not None and newest.id == stored.id
    if newest_is_this and stored.next_due is not None and equipment.next_inspection_due != stored.next_due:
        equipment = uow.equipment.update(attrs.evolve(equipment, next_inspection_due=stored.next_due))
    uow.emit(
        "inspection.recorded",
        _resource(equipment.id),
        {
            "inspection_id": stored.id,
            "equipment_id": equipment.id,
            "unit_uscc": equipment.unit_uscc,
            "kind": stored.kind.value,
            "inspected_on": stored.inspected_on.isoformat(),
            "conclusion": stored.conclusion.value,
            "safety_grade": stored.safety_grade,
            "agency": stored.agency,
            "report_number": stored.report_number,
            "next_due": stored.next_due.isoformat() if stored.next_due else None,
            "due_rule": stored.due_rule,
            "use_allowed": stored.use_allowed,
        },
    )
    return RecordedInspection(record=stored, due_dates=due_dates, equipment=equipment)


def record_inspection(
    sdk: Dualprev,
    record: InspectionRecord,
    *,
    today: dt.date | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> RecordedInspection:
    """Store an inspection report and, in the same transaction, the equipment's next due date from its class's
    rule (``overrides`` are the class's documented configuration keys)."""
    with sdk.uow() as uow:
        result = _record(sdk, uow, record, today=today or timeutil.today(), overrides=overrides)
        uow.commit()
    return result


def inspection_validity(
    sdk: Dualprev, equipment_id: str, *, today: dt.date | None = None, policy: ReminderPolicy | None = None
) -> InspectionValidity:
    """The equipment's current validity: valid, due soon (apply now), overdue, or not allowed to be used."""
    with sdk.uow() as uow:
        equipment = uow.equipment.get(equipment_id)
        last = uow.inspections.latest(
            equipment_id, kinds=(InspectionKind.PERIODIC, InspectionKind.SUPERVISORY, InspectionKind.FIRST)
        )
    return validity_of(equipment_id, equipment.next_inspection_due, today or timeutil.today(), last=last, policy=policy)


# ---------------------------------------------------------------------------------------------------------------
# Reminders
# ---------------------------------------------------------------------------------------------------------------


def inspection_reminders(
    sdk: Dualprev,
    *,
    today: dt.date | None = None,
    unit_uscc: str | None = None,
    region_prefix: str | None = None,
    policy: ReminderPolicy | None = None,
    limit: int = 10_000,
) -> list[Reminder]:
    """What units must do soon: apply for inspections (≥1 month before due), register use (≤30 days after
    commissioning), have certificates reviewed (≥1 month before expiry); each with its source. Overdue
    inspections are not repeated here: they are :func:`list_overdue`'s."""
    today = today or timeutil.today()
    policy = policy or ReminderPolicy()
    out: list[Reminder] = []
    with sdk.uow() as uow:
        horizon = policy.inspection_horizon(today)
        for equipment in uow.equipment.list(
            unit_uscc=unit_uscc, region_prefix=region_prefix, status=EquipmentStatus.IN_USE, due_before=horizon,
            limit=limit,
        ):  # fmt: skip
            due = equipment.next_inspection_due
            if due is None or due < today:
                continue
            act_by = policy.inspection_apply_by(due)
            out.append(
                Reminder(
                    kind=ReminderKind.APPLY_FOR_INSPECTION,
                    unit_uscc=equipment.unit_uscc,
                    subject_id=equipment.id,
                    act_by=act_by,
                    due=due,
                    late=today > act_by,
                    source=policy.inspection_source,
                    detail=f"{equipment.name or equipment.catalog_code} 下次检验日期 {due.isoformat()}，"
                    f"应于 {act_by.isoformat()} 前申请检验",
                )
            )
        if unit_uscc is not None:
            for equipment in uow.equipment.list(unit_uscc=unit_uscc, status=EquipmentStatus.IN_USE, limit=limit):
                if equipment.commissioned_on is None or equipment.registered_on is not None:
                    continue
                deadline = policy.registration_deadline(equipment.commissioned_on)
                if deadline - dt.timedelta(days=policy.warning_days) > today:
                    continue
                out.append(
                    Reminder(
                        kind=ReminderKind.REGISTER_USE,
                        unit_uscc=equipment.unit_uscc,
                        subject_id=equipment.id,
                        act_by=deadline,
                        due=deadline,
                        late=today > deadline,
                        source=policy.registration_source,
                        detail=f"投入使用日期 {equipment.commissioned_on.isoformat()}，应于 {deadline.isoformat()} "
                        "前办理使用登记",
                    )
                )
            people = {p.id: p for p in uow.people.for_unit(unit_uscc)}
            for person_id, cert in uow.people.certificates_expiring(
                policy.certificate_horizon(today), unit_uscc=unit_uscc
            ):
                if cert.expires_on is None or cert.expires_on < today:
                    continue  # expired certificates are compliance violations, not reminders
                act_by = policy.certificate_review_by(cert.expires_on)
                name = people[person_id].name if person_id in people else person_id
                out.append(
                    Reminder(
                        kind=ReminderKind.REVIEW_CERTIFICATE,
                        unit_uscc=unit_uscc,
                        subject_id=person_id,
                        act_by=act_by,
                        due=cert.expires_on,
                        late=today > act_by,
                        source=policy.certificate_source,
                        detail=f"{name} 的 {cert.category_code} 证（{cert.number}）{cert.expires_on.isoformat()} 到期，"
                        f"应于 {act_by.isoformat()} 前申请复审",
                    )
                )
    return sorted(out, key=lambda r: (r.act_by, r.kind.value, r.subject_id))


# ---------------------------------------------------------------------------------------------------------------
# Overdue listing and sweep
# ---------------------------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class OverdueListing:
    """Overdue equipment (逾期未检) with counts by region, unit and equipment kind. The counts always cover every
    overdue item, listed or not; ``next_after`` is the cursor of the next page (the last listed row's key) when
    ``limit`` left rows out, else None."""

    as_of: dt.date
    items: tuple[OverdueItem, ...]
    by_region: Mapping[str, int]
    by_unit: Mapping[str, int]
    by_kind: Mapping[str, int]
    total: int
    next_after: OverdueKey | None = None


def list_overdue(
    sdk: Dualprev,
    *,
    today: dt.date | None = None,
    region_prefix: str | None = None,
    catalog_prefix: str | None = None,
    unit_uscc: str | None = None,
    limit: int | None = None,
    after: OverdueKey | None = None,
) -> OverdueListing:
    """Equipment in use past its due date, by unit, region and class: one indexed range query for the rows; the
    counts are folded from those rows, or — when the rows are one page of several — come from one GROUP BY in the
    database so they still cover everything.

    Paging is keyset-based: ``limit`` rows at most, from the row after ``after`` (the previous page's
    ``next_after``) in (region, unit, catalogue code, equipment id) order, so a page is stable under concurrent
    changes and a later page reads from the cursor on rather than skipping an offset. One row more than
    ``limit`` is read to tell whether another page follows."""
    if limit is not None and limit < 1:
        raise InvalidArgument.single("limit", limit, "limit.positive", "at least one row per page")
    today = today or timeutil.today()
    where = {"region_prefix": region_prefix, "catalog_prefix": catalog_prefix, "unit_uscc": unit_uscc}
    with sdk.uow() as uow:
        items = uow.inspections.overdue(today, **where, limit=None if limit is None else limit + 1, after=after)
        more = limit is not None and len(items) > limit
        if more:
            del items[limit:]
        counts = uow.inspections.overdue_counts(today, **where) if more or after is not None else None
    by_region: Counter[str] = Counter()
    by_unit: Counter[str] = Counter()
    by_kind: Counter[str] = Counter()
    if counts is None:  # every row is here: count in C over the rows (no second query)
        by_region.update(i.region_code for i in items)
        by_unit.update(i.unit_uscc for i in items)
        by_kind.update(i.catalog_code[:1] + "000" for i in items)
    else:
        for region, unit, catalog, n in counts:
            by_region[region] += n
            by_unit[unit] += n
            by_kind[catalog[:1] + "000"] += n
    return OverdueListing(  # rows and counts come ordered by region, unit, class already
        as_of=today,
        items=tuple(items),
        by_region=dict(by_region),
        by_unit=dict(by_unit),
        by_kind=dict(sorted(by_kind.items())),
        total=sum(by_region.values()),
        next_after=items[-1].key if more else None,
    )


@attrs.frozen(kw_only=True)
class OpenedHazard:
    cause: str  # overdue case id or "<inspection id>#<finding position>"
    hazard_id: str
    level: HazardLevel | None
    criteria: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class OverdueSweepResult:
    """What one sweep did: the newly detected cases (each with a regulator notice), the hazards opened (new or
    finished from an interrupted run), and cases that could not be processed with the reason."""

    detected: tuple[OverdueCase, ...]
    opened: tuple[OpenedHazard, ...]
    failed: tuple[tuple[str, str], ...] = ()


def _stable_id(prefix: str, key: str) -> str:
    return f"{prefix}-{hashlib.sha256(key.encode()).hexdigest()[:24]}"


def _open_hazard(
    sdk: Dualprev,
    *,
    key: str,
    hazard_id: str,
    unit_uscc: str,
    equipment_id: str,
    source: HazardSource,
    source_reference: str,
    description: str,
    found_on: dt.date,
    finder: str,
    actor: str,
    at: dt.datetime,
    findings: Sequence[str],
    last_conclusion: str | None,
    last_safety_grade: int | None,
    inspection_overdue: bool,
    location: str = "",
    legal_basis: str = "",
) -> OpenedHazard:
    """report → register → grade by rules, each with a request id derived from ``key`` (replayed if done)."""
    hazard_cases.report_hazard(
        sdk,
        hazard_id=hazard_id,
        unit_uscc=unit_uscc,
        equipment_id=equipment_id,
        source=source,
        source_reference=source_reference,
        description=description,
        found_on=found_on,
        finder=finder,
        actor=actor,
        location=location,
        legal_basis=legal_basis,
        request_id=f"{key}:report",
        at=at,
    )
    hazard_cases.register_hazard(sdk, hazard_id, actor=actor, note="系统自动登记", request_id=f"{key}:register", at=at)
    graded = hazard_cases.grade_hazard_by_rules(
        sdk,
        hazard_id,
        actor=actor,
        findings=findings,
        last_conclusion=last_conclusion,
        last_safety_grade=last_safety_grade,
        inspection_overdue=inspection_overdue,
        request_id=f"{key}:grade",
        at=at,
    )
    return OpenedHazard(
        cause=key,
        hazard_id=hazard_id,
        level=graded.hazard.level,
        criteria=tuple(c.citation for c in graded.hazard.criteria),
    )


def _open_with_retries(sdk: Dualprev, arguments: Mapping[str, Any], *, attempts: int = 6) -> OpenedHazard:
    """A concurrent sweep may write the same hazard between our replay check and our write (a conflict, or a
    state that no longer allows the step). Each retry re-reads, and the request ids answer whatever the other
    sweep already did from the record, so a few attempts always converge."""
    for attempt in range(attempts):
        try:
            return _open_hazard(sdk, **arguments)
        except (ConcurrencyConflict, FailedPrecondition, AlreadyExists):
            if attempt == attempts - 1:
                raise
            time.sleep(0.01 * (attempt + 1))
    raise AssertionError("unreachable")


def sweep_overdue_inspections(
    sdk: Dualprev,
    *,
    today: dt.date | None = None,
    region_prefix: str | None = None,
    actor: str = SWEEP_ACTOR,
    policy: OverduePolicy | None = None,
    at: dt.datetime | None = None,
    workers: int | None = None,
) -> OverdueSweepResult:
    """逾期未检 sweep over the whole ledger (or one region).

    1. One transaction, set-based: every in-use item past its due date that no earlier sweep recorded for that
       due date becomes an overdue case plus a notice to its region's regulator (``INSERT … SELECT`` over the
       status/due indexes), with one outbox event per new case.
    2. For every case whose hazard is not open yet (new ones, and any left by an interrupted run): report,
       register and grade a hazard by the class's GB 45067 rules — major only where a criterion matches (a
       crane never inspected, 4.7 a); an overdue item is otherwise a general hazard.

    Running it twice creates nothing new: the cases' unique (equipment, due date) key, and request ids
    derived from it for every hazard command. ``workers`` hazards are opened at once (default 4 on
    PostgreSQL, 1 on SQLite); each is its own transactions, so the order does not matter.
    """
    today = today or timeutil.today()
    at = at or timeutil.now()
    policy = policy or OverduePolicy()
    found_on = min(today, at.astimezone(timeutil.SHANGHAI).date())
    sweep_id = uuid.uuid4().hex
    with sdk.uow() as uow:
        detected = uow.inspections.detect_overdue(today, sweep_id=sweep_id, region_prefix=region_prefix, reported_at=at)
        for case in detected:
            uow.emit(
                "inspection.overdue_reported",
                _resource(case.equipment_id),
                {
                    "equipment_id": case.equipment_id,
                    "unit_uscc": case.unit_uscc,
                    "region_code": case.region_code,
                    "catalog_code": case.catalog_code,
                    "due_on": case.due_on.isoformat(),
                    "detected_on": case.detected_on.isoformat(),
                    "notice_id": f"overdue:{case.id}",
                    "notice_kind": RegulatorNoticeKind.OVERDUE_INSPECTION.value,
                },
            )
        uow.commit()
    with sdk.uow() as uow:
        pending = uow.inspections.pending_cases()
    selected = [p for p in pending if not region_prefix or p.case.region_code.startswith(region_prefix)]

    def open_one(item: PendingCase) -> tuple[str, OpenedHazard | str]:
        case = item.case
        key = f"overdue-inspection:{case.equipment_id}:{case.due_on.isoformat()}"
        days = (today - case.due_on).days
        arguments: dict[str, Any] = {
            "key": key,
            "hazard_id": case.hazard_id or _stable_id("HZ-OD", key),
            "unit_uscc": case.unit_uscc,
            "equipment_id": case.equipment_id,
            "source": HazardSource.PERIODIC_INVESTIGATION,
            "source_reference": f"逾期未检:{case.due_on.isoformat()}",
            "description": f"在用特种设备逾期未检：下次检验日期 {case.due_on.isoformat()}，至 {today.isoformat()} "
            f"已逾期 {days} 天仍在使用",
            "found_on": found_on,
            "finder": actor,
            "actor": actor,
            "at": at,
            "findings": () if item.inspected_ever else policy.never_inspected_findings,
            "last_conclusion": None
            if item.last_conclusion == InspectionConclusion.SAFETY_GRADE
            else item.last_conclusion,
            "last_safety_grade": item.last_safety_grade,
            "inspection_overdue": True,
            "legal_basis": "特种设备安全法第四十条（未经定期检验或者检验不合格的特种设备，不得继续使用）",
        }
        try:
            return case.id, attrs.evolve(_open_with_retries(sdk, arguments), cause=case.id)
        except DualprevError as exc:
            return case.id, str(exc)

    if workers is None:
        # PostgreSQL overlaps the commits of independent hazards; SQLite has one writer at a time anyway
        workers = 4 if sdk.engine.dialect.name == "postgresql" else 1
    if workers > 1 and len(selected) > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            outcomes = list(pool.map(open_one, selected))
    else:
        outcomes = [open_one(item) for item in selected]
    opened = [o for _, o in outcomes if isinstance(o, OpenedHazard)]
    failed = [(case_id, o) for case_id, o in outcomes if isinstance(o, str)]
    links = {o.cause: o.hazard_id for o in opened}
    if links:
        with sdk.uow() as uow:
            uow.inspections.mark_cases_opened(links)
            uow.commit()
    return OverdueSweepResult(detected=tuple(detected), opened=tuple(opened), failed=tuple(failed))


def list_regulator_notices(
    sdk: Dualprev, *, region_prefix: str | None = None, kind: RegulatorNoticeKind | None = None
) -> list[RegulatorNotice]:
    """Reports to regulators (逾期未检, serious findings), by region prefix."""
    with sdk.uow() as uow:
        return uow.inspections.notices(region_prefix=region_prefix, kind=kind)


# ---------------------------------------------------------------------------------------------------------------
# Inspection-agency workflow
# ---------------------------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class AgencyResult:
    recorded: RecordedInspection
    hazards: tuple[OpenedHazard, ...]
    notices: tuple[str, ...]
    replayed: bool = False


def submit_agency_findings(
    sdk: Dualprev,
    submission: AgencySubmission,
    *,
    actor: str | None = None,
    today: dt.date | None = None,
    at: dt.datetime | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> AgencyResult:
    """An inspection agency submits a report and its findings for equipment it inspected.

    One transaction stores the report (moving the equipment's due date), its findings, a notification to the
    unit (outbox event ``inspection.findings_submitted`` on ``units/<uscc>``) and a notice to the regulator of
    the unit's region for each serious finding (and for a nonconforming conclusion). Then each finding becomes
    a hazard in the unit's lifecycle — source 检验机构, graded by the class's GB 45067 rules with the finding
    code and the report's conclusion. Submitting the same report again finishes what is missing and adds
    nothing else.
    """
    today = today or timeutil.today()
    at = at or timeutil.now()
    actor = actor or f"agency:{submission.agency}"
    violations = submission.violations(today)
    if violations:
        raise InvalidArgument(violations)
    record = attrs.evolve(submission.record, agency=submission.record.agency or submission.agency)
    findings = list(submission.findings)
    if record.failed and not findings:
        grade = f"安全状况等级{record.safety_grade}级" if record.safety_grade else record.conclusion.value
        findings.append(
            AgencyFinding(code=NONCONFORMING_FINDING, description=f"定期检验结论：{grade}（不符合要求）", serious=True)
        )
    notice_ids: list[str] = []
    with sdk.uow() as uow:
        existing = uow.inspections.find(record.id)
        replayed = existing is not None
        if existing is not None:
            if existing.report_number != record.report_number or existing.equipment_id != record.equipment_id:
                raise InvalidArgument.single(
                    "record.id", record.id, "inspection.id.reused", "该检验记录编号已用于另一份报告"
                )
            equipment = uow.equipment.get(record.equipment_id)
            recorded = RecordedInspection(record=existing, due_dates=(), equipment=equipment)
            findings = [f for f, _ in uow.inspections.findings(record.id)]
            notice_ids = [f"finding:{record.id}:{i}" for i, f in enumerate(findings) if f.serious or record.failed]
        else:
            recorded = _record(sdk, uow, record, today=today, overrides=overrides)
            equipment = recorded.equipment
            unit = uow.units.get(equipment.unit_uscc)
            uow.inspections.add_findings(record.id, findings)
            for i, finding in enumerate(findings):
                if not (finding.serious or record.failed):
                    continue
                notice = RegulatorNotice(
                    id=f"finding:{record.id}:{i}",
                    kind=RegulatorNoticeKind.SERIOUS_FINDING,
                    equipment_id=equipment.id,
                    unit_uscc=unit.uscc,
                    region_code=unit.region_code,
                    reported_at=at,
                    report_number=record.report_number,
                    detail=f"{finding.code}: {finding.description}",
                )
                if uow.inspections.add_notice(notice):
                    notice_ids.append(notice.id)
            uow.emit(
                "inspection.findings_submitted",
                f"units/{unit.uscc}",
                {
                    "unit_uscc": unit.uscc,
                    "region_code": unit.region_code,
                    "equipment_id": equipment.id,
                    "inspection_id": record.id,
                    "agency": record.agency,
                    "report_number": record.report_number,
                    "conclusion": record.conclusion.value,
                    "safety_grade": record.safety_grade,
                    "findings": [
                        {"code": f.code, "description": f.description, "serious": f.serious} for f in findings
                    ],
                    "regulator_notices": notice_ids,
                },
            )
            uow.commit()
    last_conclusion = None if record.conclusion is InspectionConclusion.SAFETY_GRADE else record.conclusion.value
    opened: list[OpenedHazard] = []
    for i, finding in enumerate(findings):
        key = f"agency:{record.id}:{i}"
        arguments: dict[str, Any] = {
            "key": key,
            "hazard_id": _stable_id("HZ-IA", key),
            "unit_uscc": equipment.unit_uscc,
            "equipment_id": equipment.id,
            "source": HazardSource.INSPECTION_AGENCY,
            "source_reference": record.report_number,
            "description": finding.description,
            "found_on": min(record.inspected_on, at.astimezone(timeutil.SHANGHAI).date()),
            "finder": submission.inspector or record.agency,
            "actor": actor,
            "at": at,
            "findings": (finding.code,),
            "last_conclusion": last_conclusion,
            "last_safety_grade": record.safety_grade,
            "inspection_overdue": False,
            "location": finding.location,
        }
        opened.append(_open_with_retries(sdk, arguments))
    with sdk.uow() as uow:
        for i, hazard in enumerate(opened):
            uow.inspections.link_finding(record.id, i, hazard.hazard_id)
            if f"finding:{record.id}:{i}" in notice_ids:
                link_notice(uow.session, f"finding:{record.id}:{i}", hazard.hazard_id)
        uow.commit()
    return AgencyResult(recorded=recorded, hazards=tuple(opened), notices=tuple(notice_ids), replayed=replayed)
