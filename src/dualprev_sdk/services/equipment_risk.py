"""Equipment risk from the database: fill :class:`~dualprev_sdk.grading.equipment_risk.EquipmentRiskInput`
for one piece of equipment (or every item of a unit) and return the explainable grade.

Where each fact comes from:

* inherent risk and class — the equipment-class plugin that claims the catalogue code;
* age against design life, crowded place, next due date — the ledger row;
* last conclusion / safety grade — the newest agency inspection (periodic, supervisory, first);
* open hazards by level — the hazards projection (not closed, not cancelled; an ungraded open hazard counts as
  general until it is graded);
* accidents whose conditions are not rectified yet — the equipment-events repository, as direct-determination
  facts (Part C §7.4 item 2);
* faults, entrapments and maintenance — the 96333 module's repository (``uow.rescue``) through
  :func:`elevator_incident_source`, the default; any other source can be passed as ``incidents=`` (the hook),
  and ``incidents=None`` leaves those factors empty.

Reads only: the grade is computed, not stored, so it always reflects the current record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

import attrs

from dualprev_sdk import timeutil
from dualprev_sdk.domain.elevator_emergency import IncidentCause, ResponsePolicy
from dualprev_sdk.domain.equipment import Equipment, EquipmentStatus
from dualprev_sdk.domain.equipment_events import EquipmentEventKind
from dualprev_sdk.domain.inspection import InspectionConclusion, InspectionKind
from dualprev_sdk.errors import NotFound
from dualprev_sdk.grading.direct import DirectRule
from dualprev_sdk.grading.equipment_risk import (
    EquipmentRiskConfig,
    EquipmentRiskGrade,
    EquipmentRiskInput,
    default_equipment_risk_config,
    grade_equipment,
)
from dualprev_sdk.services.equipment_events import accident_direct_facts
from dualprev_sdk.store.uow import UnitOfWork

if TYPE_CHECKING:
    from dualprev_sdk.services.bootstrap import Dualprev

__all__ = [
    "IncidentHistory",
    "IncidentSource",
    "UnitEquipmentRisk",
    "elevator_incident_source",
    "equipment_risk_inputs",
    "grade_equipment_risk",
    "grade_unit_equipment_risk",
]

_AGENCY_KINDS = (InspectionKind.PERIODIC, InspectionKind.SUPERVISORY, InspectionKind.FIRST)


@attrs.frozen(kw_only=True)
class IncidentHistory:
    """Faults, entrapments and the next maintenance due date of one item, for the grade's condition factors."""

    fault_dates: tuple[dt.date, ...] = ()
    entrapment_dates: tuple[dt.date, ...] = ()
    maintenance_due: dt.date | None = None


#: The hook: (unit of work, equipment, window start, as-of day) → history per equipment id.
IncidentSource = Callable[[UnitOfWork, Sequence[Equipment], dt.date, dt.date], Mapping[str, IncidentHistory]]


def elevator_incident_source(
    uow: UnitOfWork, equipment: Sequence[Equipment], since: dt.date, as_of: dt.date
) -> Mapping[str, IncidentHistory]:
    """96333 incidents and maintenance records of the lifts among ``equipment`` from the elevator-emergency
    repository (``uow.rescue``): entrapments (困人), faults and accidents in the window, and the next maintenance
    due date (last visit + the 15-day interval of the 96333 module's :class:`ResponsePolicy`). A lift with no
    maintenance record gets no due date (unknown, no points) rather than "overdue", so a ledger imported without
    its maintenance history is not graded up wholesale. Two set-based reads for all the lifts, not two per lift."""
    lifts = [e for e in equipment if e.catalog_code.startswith("3")]
    if not lifts:
        return {}
    interval = ResponsePolicy().maintenance_interval
    start = dt.datetime.combine(since, dt.time.min, tzinfo=timeutil.SHANGHAI)
    end = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time.min, tzinfo=timeutil.SHANGHAI)
    ids = [lift.id for lift in lifts]
    incidents = uow.rescue.incidents_of(ids, since=start, until=end)
    last_visits = uow.rescue.last_maintenance_of(ids)
    out: dict[str, IncidentHistory] = {}
    for lift in lifts:
        faults: list[dt.date] = []
        entrapments: list[dt.date] = []
        for incident in incidents.get(lift.id, ()):
            day = incident.called_at.astimezone(timeutil.SHANGHAI).date()
            if incident.cause is IncidentCause.ENTRAPMENT:
                entrapments.append(day)
            elif incident.cause in (IncidentCause.FAULT, IncidentCause.ACCIDENT):
                faults.append(day)
        last = last_visits.get(lift.id)
        out[lift.id] = IncidentHistory(
            fault_dates=tuple(faults),
            entrapment_dates=tuple(entrapments),
            maintenance_due=None if last is None else last + interval,
        )
    return out


def equipment_risk_inputs(
    sdk: Dualprev,
    uow: UnitOfWork,
    equipment: Sequence[Equipment],
    *,
    as_of: dt.date,
    window_days: int,
    incidents: IncidentSource | None = elevator_incident_source,
) -> tuple[list[EquipmentRiskInput], list[tuple[str, str]]]:
    """The grade's facts for ``equipment`` in a handful of set-based reads; items no installed plugin claims
    come back as (id, reason) instead of a guessed inherent risk."""
    ids = [e.id for e in equipment]
    latest = uow.inspections.latest_for_many(ids, kinds=_AGENCY_KINDS)
    hazards = uow.inspections.open_hazards(ids)
    history = incidents(uow, equipment, as_of - dt.timedelta(days=window_days), as_of) if incidents else {}
    accidents = uow.equipment_events.pending_for_many(ids, kinds=(EquipmentEventKind.ACCIDENT,))
    out: list[EquipmentRiskInput] = []
    ungraded: list[tuple[str, str]] = []
    for item in equipment:
        try:
            inherent, key = EquipmentRiskInput.inherent_risk_of(item.catalog_code, sdk.host.equipment_classes)
        except NotFound as exc:
            ungraded.append((item.id, str(exc)))
            continue
        last = latest.get(item.id)
        open_hazards = hazards.get(item.id, [])
        past = history.get(item.id, IncidentHistory())
        out.append(
            EquipmentRiskInput.from_equipment(
                item,
                inherent_risk=inherent,
                as_of=as_of,
                equipment_class=key,
                last_inspection_conclusion=(
                    None if last is None or last.conclusion is InspectionConclusion.SAFETY_GRADE else last.conclusion
                ),
                last_safety_grade=None if last is None else last.safety_grade,
                open_major_hazards=tuple(h for h, level in open_hazards if level == "major"),
                open_general_hazards=sum(1 for _, level in open_hazards if level != "major"),
                fault_dates=past.fault_dates,
                entrapment_dates=past.entrapment_dates,
                maintenance_due=past.maintenance_due,
                direct=accident_direct_facts(accidents.get(item.id, ()), as_of=as_of),
            )
        )
    return out, ungraded


def grade_equipment_risk(
    sdk: Dualprev,
    equipment_id: str,
    *,
    as_of: dt.date | None = None,
    config: EquipmentRiskConfig | None = None,
    rules: Sequence[DirectRule] | None = None,
    incidents: IncidentSource | None = elevator_incident_source,
) -> EquipmentRiskGrade:
    """The explainable equipment-risk grade of one item from what the database knows about it. ``rules``
    defaults to every plugin's direct-determination rules (the built-ins and any third party's)."""
    as_of = as_of or timeutil.today()
    config = config or default_equipment_risk_config()
    with sdk.uow() as uow:
        equipment = uow.equipment.get(equipment_id)
        inputs, ungraded = equipment_risk_inputs(
            sdk, uow, [equipment], as_of=as_of, window_days=config.incidents.window_days, incidents=incidents
        )
    if ungraded:
        raise NotFound("equipment class for catalogue code", equipment.catalog_code, ungraded[0][1])
    return grade_equipment(inputs[0], config=config, rules=sdk.host.direct_rules if rules is None else rules)


@attrs.frozen(kw_only=True)
class UnitEquipmentRisk:
    unit_uscc: str
    as_of: dt.date
    grades: tuple[EquipmentRiskGrade, ...]
    ungraded: tuple[tuple[str, str], ...] = ()


def grade_unit_equipment_risk(
    sdk: Dualprev,
    uscc: str,
    *,
    as_of: dt.date | None = None,
    config: EquipmentRiskConfig | None = None,
    rules: Sequence[DirectRule] | None = None,
    incidents: IncidentSource | None = elevator_incident_source,
    include_stopped: bool = False,
) -> UnitEquipmentRisk:
    """Every in-use item of a unit (``include_stopped`` adds suspended ones), graded; highest risk first."""
    as_of = as_of or timeutil.today()
    config = config or default_equipment_risk_config()
    with sdk.uow() as uow:
        uow.units.get(uscc)
        items: list[Equipment] = []
        after: str | None = None
        while True:
            page = uow.equipment.list(unit_uscc=uscc, after=after, limit=1000)
            items.extend(
                e
                for e in page
                if e.status is EquipmentStatus.IN_USE or (include_stopped and e.status is EquipmentStatus.SUSPENDED)
            )
            if len(page) < 1000:
                break
            after = page[-1].id
        inputs, ungraded = equipment_risk_inputs(
            sdk, uow, items, as_of=as_of, window_days=config.incidents.window_days, incidents=incidents
        )
    chosen = sdk.host.direct_rules if rules is None else rules
    grades = sorted(
        (grade_equipment(facts, config=config, rules=chosen) for facts in inputs),
        key=lambda g: (g.level.value, -g.score, g.equipment_id),
    )
    return UnitEquipmentRisk(unit_uscc=uscc, as_of=as_of, grades=tuple(grades), ungraded=tuple(ungraded))
