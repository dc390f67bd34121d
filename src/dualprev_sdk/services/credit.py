"""Credit use cases (信用监管): records from events and by hand, classification with the regulator's override,
the blacklist (entry, expiry, credit repair, history, publication and export).

"From events": :func:`derive_credit_records` sweeps what the SDK knows — major hazards past their deadline,
major hazards repeated on the same equipment, equipment used while overdue for inspection (the inspections
store's overdue query), equipment in use without registration, demonstration enterprises, a calendar year without
findings, and (opt-in) uncertified operators from the personnel check — and records each fact once: a derived
record's id is built from the fact (``CR-MHO-<hazard>``, ``CR-UWO-<equipment>-<due date>``…), so a
second run finds it stored and writes nothing.

Every change is one unit of work with its outbox events.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import attrs
import sqlalchemy as sa

from dualprev_sdk import timeutil
from dualprev_sdk.domain.credit import (
    PUBLICATION_TEMPLATE,
    BlacklistEntry,
    BlacklistPolicy,
    BlacklistStatus,
    ClassificationModel,
    CreditClass,
    CreditClassification,
    CreditRecord,
    CreditRecordKind,
    DerivationRules,
    IssuedClass,
    MajorHazardFact,
    RepairApplication,
    Severity,
    blacklist_reason,
    blacklist_triggers,
    classify,
    credit_record_id,
    overdue_major_hazard_records,
    publication_list,
    publication_text,
    repeated_major_hazard_records,
)
from dualprev_sdk.domain.equipment import EquipmentStatus
from dualprev_sdk.domain.hazard import HazardLevel, HazardState
from dualprev_sdk.errors import FieldViolation, InvalidArgument
from dualprev_sdk.store.base import starts_with
from dualprev_sdk.store.credit import BlacklistHistoryItem
from dualprev_sdk.store.uow import UnitOfWork

if TYPE_CHECKING:
    from dualprev_sdk.services.bootstrap import Dualprev

__all__ = [
    "BlacklistHistoryItem",
    "BlacklistSweepResult",
    "DerivationResult",
    "add_credit_record",
    "apply_for_credit_repair",
    "blacklist_history",
    "blacklist_publication",
    "build_credit_record",
    "classify_unit",
    "credit_classes",
    "decide_credit_repair",
    "derive_credit_records",
    "export_blacklist_publication",
    "issue_credit_class",
    "list_blacklist",
    "list_credit_records",
    "record_credit_event",
    "sweep_blacklist",
]

DERIVE_ACTOR = "system:credit-sweep"
BLACKLIST_ACTOR = "system:blacklist-sweep"


def _unit_resource(uscc: str) -> str:
    return f"units/{uscc}"


def _record_payload(record: CreditRecord) -> dict[str, object]:
    return {
        "record_id": record.id,
        "unit_uscc": record.unit_uscc,
        "kind": record.kind.value,
        "occurred_on": record.occurred_on.isoformat(),
        "source": record.source,
        "severity": record.severity,
        "evidence": record.evidence,
    }


def _entry_payload(entry: BlacklistEntry) -> dict[str, object]:
    return {
        "entry_id": entry.id,
        "unit_uscc": entry.unit_uscc,
        "region_code": entry.region_code,
        "status": entry.status.value,
        "listed_on": entry.listed_on.isoformat(),
        "removed_on": entry.removed_on.isoformat() if entry.removed_on else None,
        "trigger_record_ids": list(entry.trigger_record_ids),
    }


# ---------------------------------------------------------------------------------------------------------------
# records
# ---------------------------------------------------------------------------------------------------------------


def record_credit_event(
    sdk: Dualprev,
    *,
    unit_uscc: str,
    kind: CreditRecordKind,
    occurred_on: dt.date,
    source: str,
    actor: str,
    evidence: str = "",
    severity: str = "",
    note: str = "",
    record_id: str | None = None,
) -> CreditRecord:
    """A regulator records a fact by hand (penalty, accident, refusal of inspection…). With ``record_id`` the
    call is idempotent: the same id with the same content returns the stored record, with other content it is
    AlreadyExists."""
    record = build_credit_record(
        unit_uscc=unit_uscc,
        kind=kind,
        occurred_on=occurred_on,
        source=source,
        actor=actor,
        evidence=evidence,
        severity=severity,
        note=note,
        record_id=record_id,
    )
    with sdk.uow() as uow:
        stored = add_credit_record(uow, record, actor=actor)
        uow.commit()
    return stored


def build_credit_record(
    *,
    unit_uscc: str,
    kind: CreditRecordKind,
    occurred_on: dt.date,
    source: str,
    actor: str,
    evidence: str = "",
    severity: str = "",
    note: str = "",
    record_id: str | None = None,
) -> CreditRecord:
    """Validate a hand-recorded fact and build its record (every broken rule in one InvalidArgument). Shared by
    :func:`record_credit_event` and by use cases that record a credit fact inside their own transaction (an
    equipment accident)."""
    violations = []
    if not source.strip():
        violations.append(FieldViolation(field="source", value=source, rule="required", message="who says so"))
    if not actor.strip():
        violations.append(FieldViolation(field="actor", value=actor, rule="required", message="who records it"))
    if severity not in Severity._value2member_map_:
        allowed = ", ".join(s.value for s in Severity if s.value)
        violations.append(
            FieldViolation(field="severity", value=severity, rule="credit.severity", message=f"one of {allowed}")
        )
    if kind is CreditRecordKind.ACCIDENT and not severity:
        violations.append(
            FieldViolation(
                field="severity", value=severity, rule="credit.accident.severity", message="an accident has a severity"
            )
        )
    if occurred_on > timeutil.today():
        violations.append(
            FieldViolation(field="occurred_on", value=occurred_on, rule="not_future", message="a fact is in the past")
        )
    if violations:
        raise InvalidArgument(violations)
    return CreditRecord(
        id=record_id or f"CR-{uuid.uuid4().hex[:24]}",
        unit_uscc=unit_uscc,
        kind=kind,
        occurred_on=occurred_on,
        source=source,
        evidence=evidence,
        severity=severity,
        note=note,
    )


def add_credit_record(uow: UnitOfWork, record: CreditRecord, *, actor: str) -> CreditRecord:
    """Store ``record`` with its event in the caller's open unit of work (the caller commits). Idempotent on the
    record id: the same content already stored is returned as is, other content under that id is AlreadyExists."""
    uow.units.get(record.unit_uscc)
    if uow.credit.existing_ids([record.id]):
        stored = uow.credit.get(record.id)
        if stored == record:
            return stored
    uow.credit.add(record)
    uow.emit("credit.record_added", _unit_resource(record.unit_uscc), {**_record_payload(record), "actor": actor})
    return record


@attrs.frozen(kw_only=True)
class DerivationResult:
    """What one sweep recorded (new records only) and how many facts it found already recorded."""

    added: tuple[CreditRecord, ...]
    already_recorded: int


def _major_hazard_facts(uow: UnitOfWork, region_prefix: str | None) -> list[MajorHazardFact]:
    from dualprev_sdk.store.hazards import HAZARDS

    h = HAZARDS.c
    stmt = sa.select(h.id, h.unit_uscc, h.equipment_id, h.found_on, h.deadline, h.state, h.closed_day).where(
        h.level == HazardLevel.MAJOR.value, h.state != HazardState.CANCELLED.value
    )
    if region_prefix:
        stmt = stmt.where(starts_with(h.region_code, region_prefix))
    return [
        MajorHazardFact(
            hazard_id=r.id,
            unit_uscc=r.unit_uscc,
            equipment_id=r.equipment_id,
            found_on=r.found_on,
            deadline=r.deadline,
            open=r.state != HazardState.CLOSED.value,
            closed_on=dt.date.fromordinal(r.closed_day) if r.closed_day else None,
        )
        for r in uow.session.execute(stmt)
    ]


def _unregistered(
    uow: UnitOfWork, today: dt.date, region_prefix: str | None, rules: DerivationRules
) -> list[CreditRecord]:
    from dualprev_sdk.store.equipment import EQUIPMENT

    e = EQUIPMENT.c
    cutoff = today - dt.timedelta(days=rules.registration_grace_days)
    stmt = sa.select(e.id, e.unit_uscc, e.commissioned_on).where(
        e.status == EquipmentStatus.IN_USE.value,
        e.commissioned_on.is_not(None),
        e.commissioned_on < cutoff,
        e.registered_on.is_(None),
        e.registration_number == "",
    )
    if region_prefix:
        stmt = stmt.where(starts_with(e.region_code, region_prefix))
    return [
        CreditRecord(
            id=credit_record_id("CR-UNREG", r.id),
            unit_uscc=r.unit_uscc,
            kind=CreditRecordKind.UNREGISTERED_EQUIPMENT,
            occurred_on=r.commissioned_on + dt.timedelta(days=rules.registration_grace_days + 1),
            source=DERIVE_ACTOR,
            evidence=f"equipment/{r.id}",
            note=f"投入使用（{r.commissioned_on}）后{rules.registration_grace_days}日内未办理使用登记",
        )
        for r in uow.session.execute(stmt)
    ]


def _used_while_overdue(uow: UnitOfWork, today: dt.date, region_prefix: str | None) -> list[CreditRecord]:
    """In use (not stopped by a major hazard) past the next inspection date: the inspections store's query."""
    return [
        CreditRecord(
            id=credit_record_id("CR-UWO", f"{item.equipment_id}-{item.next_inspection_due:%Y%m%d}"),
            unit_uscc=item.unit_uscc,
            kind=CreditRecordKind.USED_WHILE_OVERDUE,
            occurred_on=item.next_inspection_due + dt.timedelta(days=1),
            source=DERIVE_ACTOR,
            evidence=f"equipment/{item.equipment_id}",
            note=f"下次检验日期{item.next_inspection_due}，逾期未检仍在使用",
        )
        for item in uow.inspections.overdue(today, region_prefix=region_prefix)
        if not item.stopped
    ]


def _unit_usccs(uow: UnitOfWork, region_prefix: str | None) -> list[str]:
    from dualprev_sdk.store.units import UNITS

    stmt = sa.select(UNITS.c.uscc).order_by(UNITS.c.uscc)
    if region_prefix:
        stmt = stmt.where(starts_with(UNITS.c.region_code, region_prefix))
    return list(uow.session.execute(stmt).scalars())


def _demonstration(uow: UnitOfWork, today: dt.date, region_prefix: str | None) -> list[CreditRecord]:
    from dualprev_sdk.store.units import UNITS

    u = UNITS.c
    stmt = sa.select(u.uscc).where(u.demonstration.is_(True))
    if region_prefix:
        stmt = stmt.where(starts_with(u.region_code, region_prefix))
    return [
        CreditRecord(
            id=credit_record_id("CR-DEMO", f"{uscc}-{today.year}"),
            unit_uscc=uscc,
            kind=CreditRecordKind.DEMONSTRATION_ENTERPRISE,
            occurred_on=today,
            source=DERIVE_ACTOR,
            evidence=f"units/{uscc}",
            note=f"{today.year}年度双重预防示范企业",
        )
        for uscc in uow.session.execute(stmt).scalars()
    ]


def _years_without_findings(uow: UnitOfWork, today: dt.date, region_prefix: str | None) -> list[CreditRecord]:
    """YEARS_WITHOUT_FINDINGS for last calendar year, for units recorded in the SDK before it began that had no
    hazard found and no bad credit record in it (anti-joins, one statement)."""
    from dualprev_sdk.store.credit import CREDIT_RECORDS
    from dualprev_sdk.store.hazards import HAZARDS
    from dualprev_sdk.store.units import UNITS

    year = today.year - 1
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    u, h, c = UNITS.c, HAZARDS.c, CREDIT_RECORDS.c
    began = dt.datetime(year, 1, 1, tzinfo=timeutil.SHANGHAI)
    bad = [k.value for k in CreditRecordKind if not k.is_good]
    stmt = sa.select(u.uscc).where(
        u.created_at < began,
        ~sa.select(h.id)
        .where(h.unit_uscc == u.uscc, h.found_day >= start.toordinal(), h.found_day <= end.toordinal())
        .exists(),
        ~sa.select(c.id)
        .where(c.unit_uscc == u.uscc, c.kind.in_(bad), c.occurred_on >= start, c.occurred_on <= end)
        .exists(),
    )
    if region_prefix:
        stmt = stmt.where(starts_with(u.region_code, region_prefix))
    return [
        CreditRecord(
            id=credit_record_id("CR-YWF", f"{uscc}-{year}"),
            unit_uscc=uscc,
            kind=CreditRecordKind.YEARS_WITHOUT_FINDINGS,
            occurred_on=end,
            source=DERIVE_ACTOR,
            evidence=f"units/{uscc}",
            note=f"{year}年度未发现隐患、无不良信用记录",
        )
        for uscc in uow.session.execute(stmt).scalars()
    ]


def _uncertified_operators(sdk: Dualprev, today: dt.date, usccs: Sequence[str]) -> list[CreditRecord]:
    """UNCERTIFIED_OPERATOR from the personnel compliance check (``operator.uncertified``): one record per
    equipment item and year, so a daily sweep does not count a standing violation every day."""
    from dualprev_sdk.services.personnel import check_personnel

    out = []
    for uscc in usccs:
        for finding in check_personnel(sdk, uscc, today=today).findings:
            if finding.code == "operator.uncertified":
                out.append(
                    CreditRecord(
                        id=credit_record_id("CR-UNCERT", f"{finding.subject}-{today.year}"),
                        unit_uscc=uscc,
                        kind=CreditRecordKind.UNCERTIFIED_OPERATOR,
                        occurred_on=today,
                        source=DERIVE_ACTOR,
                        evidence=f"equipment/{finding.subject}",
                        note=finding.message_zh,
                    )
                )
    return out


def derive_credit_records(
    sdk: Dualprev,
    *,
    today: dt.date | None = None,
    region_prefix: str | None = None,
    rules: DerivationRules | None = None,
    personnel: bool = False,
) -> DerivationResult:
    """Record every credit-relevant fact the SDK knows that is not recorded yet (one transaction). With
    ``personnel`` the personnel compliance check runs for every unit first (one read per unit) and uncertified
    operators are recorded too."""
    today = today or timeutil.today()
    rules = rules or DerivationRules()
    operators: list[CreditRecord] = []
    if personnel:
        with sdk.uow() as uow:
            usccs = _unit_usccs(uow, region_prefix)
        operators = _uncertified_operators(sdk, today, usccs)
    with sdk.uow() as uow:
        hazards = _major_hazard_facts(uow, region_prefix)
        found = [
            *overdue_major_hazard_records(hazards, today=today, source=DERIVE_ACTOR),
            *repeated_major_hazard_records(hazards, rules=rules, source=DERIVE_ACTOR),
            *_used_while_overdue(uow, today, region_prefix),
            *_unregistered(uow, today, region_prefix, rules),
            *_demonstration(uow, today, region_prefix),
            *_years_without_findings(uow, today, region_prefix),
            *operators,
        ]
        # one record per fact: a fact found twice in this run (two certificate requirements of one item…) once
        found = list({r.id: r for r in reversed(found) if r.occurred_on <= today}.values())
        stored = uow.credit.existing_ids([r.id for r in found])
        new = sorted((r for r in found if r.id not in stored), key=lambda r: (r.unit_uscc, r.occurred_on, r.id))
        uow.credit.add_many(new)
        for record in new:
            uow.emit("credit.record_added", _unit_resource(record.unit_uscc), _record_payload(record))
        uow.commit()
    return DerivationResult(added=tuple(new), already_recorded=len(stored))


# ---------------------------------------------------------------------------------------------------------------
# classification
# ---------------------------------------------------------------------------------------------------------------


def issue_credit_class(
    sdk: Dualprev,
    *,
    unit_uscc: str,
    credit_class: CreditClass,
    issued_on: dt.date,
    authority: str,
    actor: str,
    note: str = "",
) -> IssuedClass:
    """The regulator issues the unit's class; from ``issued_on`` it overrides the computed one."""
    if not authority.strip():
        raise InvalidArgument.single("authority", authority, "required", "the issuing authority is required")
    issued = IssuedClass(
        unit_uscc=unit_uscc, credit_class=credit_class, issued_on=issued_on, authority=authority, note=note
    )
    with sdk.uow() as uow:
        uow.units.get(unit_uscc)
        uow.credit.add_issued_class(issued)
        uow.emit(
            "credit.class_issued",
            _unit_resource(unit_uscc),
            {
                "unit_uscc": unit_uscc,
                "credit_class": credit_class.value,
                "issued_on": issued_on.isoformat(),
                "authority": authority,
                "note": note,
                "actor": actor,
            },
        )
        uow.commit()
    return issued


def classify_unit(
    sdk: Dualprev, unit_uscc: str, *, day: dt.date | None = None, model: ClassificationModel | None = None
) -> CreditClassification:
    """The unit's class on ``day`` with its explanation; a class issued by the regulator overrides and says so."""
    day = day or timeutil.today()
    model = model or ClassificationModel.default()
    with sdk.uow() as uow:
        uow.units.get(unit_uscc)
        records = uow.credit.for_unit(unit_uscc, since=timeutil.add_years(day, -model.window_years), until=day)
        issued = [i for i in uow.credit.issued_classes(unit_uscc) if i.issued_on <= day]
    latest = issued[-1] if issued else None
    return classify(
        unit_uscc,
        records,
        day=day,
        model=model,
        issued_class=latest.credit_class if latest else None,
        issued_note=latest.describe() if latest else "",
    )


def credit_classes(
    uow: UnitOfWork,
    usccs: Sequence[str],
    *,
    region_prefix: str | None,
    day: dt.date,
    model: ClassificationModel | None = None,
) -> dict[str, CreditClass]:
    """USCC → class in force on ``day`` for many units: two queries (records in the window, issued classes),
    classified in memory. Used by supervision and statistics."""
    model = model or ClassificationModel.default()
    records: dict[str, list[CreditRecord]] = {}
    for record in uow.credit.for_region(region_prefix, since=timeutil.add_years(day, -model.window_years), until=day):
        records.setdefault(record.unit_uscc, []).append(record)
    issued = uow.credit.issued_classes_in_force(region_prefix, day)
    without_records = classify("", (), day=day, model=model).credit_class  # most units: classified once
    out = {}
    for uscc in usccs:
        if uscc in issued:
            out[uscc] = issued[uscc].credit_class
        elif uscc in records:
            out[uscc] = classify(uscc, records[uscc], day=day, model=model).credit_class
        else:
            out[uscc] = without_records
    return out


# ---------------------------------------------------------------------------------------------------------------
# blacklist
# ---------------------------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class BlacklistSweepResult:
    listed: tuple[BlacklistEntry, ...]
    expired: tuple[BlacklistEntry, ...]


def sweep_blacklist(
    sdk: Dualprev,
    *,
    today: dt.date | None = None,
    region_prefix: str | None = None,
    policy: BlacklistPolicy | None = None,
    authority: str = "",
    template: str = PUBLICATION_TEMPLATE,
    actor: str = BLACKLIST_ACTOR,
) -> BlacklistSweepResult:
    """Remove entries whose period ran out, and list units whose new records meet the entry rules (records older
    than the listing period are not listed any more). A record lists its unit once: a second run lists nothing.
    A new trigger while the unit is already listed makes a new entry with its own period and reason."""
    today = today or timeutil.today()
    policy = policy or BlacklistPolicy()
    listed: list[BlacklistEntry] = []
    expired: list[BlacklistEntry] = []
    with sdk.uow() as uow:
        for entry in uow.credit.blacklist_entries(region_prefix=region_prefix, status=BlacklistStatus.LISTED):
            if entry.expire(today):
                uow.credit.save_blacklist_entry(entry)
                uow.credit.add_history(
                    entry.id, day=today, action="removed_expired", actor=actor, detail=f"期满（{entry.expires_on}）移出"
                )
                uow.emit("credit.blacklist_removed", f"blacklistEntries/{entry.id}", _entry_payload(entry))
                expired.append(entry)
        since = timeutil.add_years(today, -policy.listing_years)
        candidates = blacklist_triggers(uow.credit.for_region(region_prefix, until=today), policy)
        candidates = [r for r in candidates if r.occurred_on > since]
        taken = uow.credit.listed_record_ids([r.id for r in candidates])
        by_unit: dict[str, list[CreditRecord]] = {}
        for record in candidates:
            if record.id not in taken:
                by_unit.setdefault(record.unit_uscc, []).append(record)
        units = uow.units.find_many(by_unit)  # credit records reference their unit (foreign key): all found
        for uscc, triggers in sorted(by_unit.items()):
            unit = units[uscc]
            ids = tuple(sorted(r.id for r in triggers))
            reason = blacklist_reason(triggers)
            entry = BlacklistEntry(
                id="BL-" + hashlib.sha256("|".join(ids).encode()).hexdigest()[:24],
                unit_uscc=uscc,
                region_code=unit.region_code,
                listed_on=today,
                reason=reason,
                trigger_record_ids=ids,
                publication_text=publication_text(
                    unit_name=unit.name,
                    unit_uscc=uscc,
                    reason=reason,
                    listed_on=today,
                    policy=policy,
                    authority=authority,
                    template=template,
                ),
                policy=policy,
            )
            uow.credit.add_blacklist_entry(entry)
            uow.credit.add_history(entry.id, day=today, action="listed", actor=actor, detail=reason)
            uow.emit("credit.blacklist_listed", f"blacklistEntries/{entry.id}", _entry_payload(entry))
            listed.append(entry)
        uow.commit()
    return BlacklistSweepResult(listed=tuple(listed), expired=tuple(expired))


def apply_for_credit_repair(
    sdk: Dualprev, entry_id: str, application: RepairApplication, *, actor: str
) -> BlacklistEntry:
    """The unit applies for credit repair (信用修复); the domain checks the earliest date and the conditions."""
    with sdk.uow() as uow:
        entry = uow.credit.get_blacklist_entry(entry_id)
        entry.apply_for_repair(application)
        uow.credit.save_blacklist_entry(entry)
        uow.credit.add_history(
            entry_id, day=application.applied_on, action="repair_applied", actor=actor, detail=application.statement
        )
        uow.emit("credit.repair_applied", f"blacklistEntries/{entry_id}", _entry_payload(entry))
        uow.commit()
    return entry


def decide_credit_repair(
    sdk: Dualprev, entry_id: str, *, approved: bool, day: dt.date, decided_by: str, note: str = ""
) -> BlacklistEntry:
    """The regulator decides the pending application; approval removes the entry from the list that day."""
    if not decided_by.strip():
        raise InvalidArgument.single("decided_by", decided_by, "required", "the deciding authority is required")
    with sdk.uow() as uow:
        entry = uow.credit.get_blacklist_entry(entry_id)
        entry.decide_repair(approved=approved, day=day, decided_by=decided_by, note=note)
        uow.credit.save_blacklist_entry(entry)
        uow.credit.add_history(
            entry_id,
            day=day,
            action="repair_approved" if approved else "repair_rejected",
            actor=decided_by,
            detail=note,
        )
        uow.emit(
            "credit.blacklist_removed" if approved else "credit.repair_rejected",
            f"blacklistEntries/{entry_id}",
            _entry_payload(entry),
        )
        uow.commit()
    return entry


def list_blacklist(
    sdk: Dualprev,
    *,
    region_prefix: str | None = None,
    unit_uscc: str | None = None,
    status: BlacklistStatus | None = None,
    after: tuple[dt.date, str, str] | None = None,
    limit: int | None = None,
) -> list[BlacklistEntry]:
    """Entries oldest listing first, in (listing date, USCC, id) order; ``after`` and ``limit`` read one keyset
    page (the entries above the key ``after``, at most ``limit``) instead of the whole list."""
    with sdk.uow() as uow:
        return uow.credit.blacklist_entries(
            region_prefix=region_prefix, unit_uscc=unit_uscc, status=status, after=after, limit=limit
        )


def list_credit_records(
    sdk: Dualprev,
    unit_uscc: str,
    *,
    after: tuple[dt.date, str] | None = None,
    limit: int | None = None,
) -> list[CreditRecord]:
    """A unit's credit records in (date, id) order; ``after`` and ``limit`` read one keyset page."""
    with sdk.uow() as uow:
        return list(uow.credit.for_unit(unit_uscc, after=after, limit=limit))


def blacklist_history(sdk: Dualprev, entry_id: str) -> list[BlacklistHistoryItem]:
    with sdk.uow() as uow:
        uow.credit.get_blacklist_entry(entry_id)
        return uow.credit.history(entry_id)


def blacklist_publication(
    sdk: Dualprev,
    *,
    region_prefix: str,
    day: dt.date | None = None,
    after: tuple[dt.date, str, str] | None = None,
    limit: int | None = None,
) -> list[BlacklistEntry]:
    """Entries listed on ``day`` under a region prefix (GB/T 2260), oldest listing first.

    With ``after`` or ``limit`` one keyset page in (listing date, USCC, id) order is read, the "listed on
    ``day``" rule applied in the query (the same rule as :func:`publication_list`)."""
    day = day or timeutil.today()
    with sdk.uow() as uow:
        if after is not None or limit is not None:
            return uow.credit.blacklist_entries(region_prefix=region_prefix, listed_on=day, after=after, limit=limit)
        entries = uow.credit.blacklist_entries(region_prefix=region_prefix, listed_on_or_before=day)
    return publication_list(entries, region_prefix=region_prefix, day=day)


PUBLICATION_HEADERS = (
    "序号",
    "单位名称",
    "统一社会信用代码",
    "行政区划代码",
    "列入日期",
    "列入事由",
    "列入期限至",
    "公示内容",
)


def export_blacklist_publication(
    sdk: Dualprev, path: str | Path, *, region_prefix: str, day: dt.date | None = None
) -> Path:
    """The publication list as .xlsx or .csv with Chinese headers (特种设备安全不良记录“黑名单”公示名单)."""
    from dualprev_sdk.services.statistics import write_table

    day = day or timeutil.today()
    entries = blacklist_publication(sdk, region_prefix=region_prefix, day=day)
    with sdk.uow() as uow:
        units = uow.units.find_many(e.unit_uscc for e in entries)  # an entry references its unit (foreign key)
    names = {uscc: unit.name for uscc, unit in units.items()}
    rows = [
        [
            i,
            names[e.unit_uscc],
            e.unit_uscc,
            e.region_code,
            e.listed_on.isoformat(),
            e.reason,
            e.expires_on.isoformat(),
            e.publication_text,
        ]
        for i, e in enumerate(entries, start=1)
    ]
    return write_table(
        path, f"特种设备安全不良记录“黑名单”公示名单（{region_prefix}，{day}）", PUBLICATION_HEADERS, rows
    )
