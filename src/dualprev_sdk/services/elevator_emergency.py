"""Elevator 96333 use cases: the rescue-code registry, incidents with their timings, response KPIs, re-dispatch,
fault frequency that opens hazards, and maintenance records (电梯应急处置平台).

Rescue codes are unique per *platform region*: by default the prefecture (the first four digits of the unit's
GB/T 2260 code), because each city runs its own 96333 platform (Zhengzhou since 2016). ``scope_digits``
changes that for a province-wide platform.

A lift whose faults in the policy window reach the threshold gets a hazard (source ``INCIDENT_96333``) through
the hazard lifecycle. The hazard's request id is derived from the incidents it covers, so a sweep that is
interrupted and re-run opens the same hazard, not a second one; the incidents are then linked to it and not
counted again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import sqlalchemy as sa

from dualprev_sdk import ids, timeutil
from dualprev_sdk.domain.elevator_emergency import (
    FaultFrequency,
    IncidentCause,
    MaintenanceRecord,
    RescueIncident,
    ResponseKpis,
    ResponsePolicy,
    fault_frequency,
    response_kpis,
)
from dualprev_sdk.domain.equipment import Equipment, EquipmentStatus
from dualprev_sdk.errors import AlreadyExists, FailedPrecondition, InvalidArgument
from dualprev_sdk.store.base import starts_with
from dualprev_sdk.store.equipment import EQUIPMENT

if TYPE_CHECKING:
    from dualprev_sdk.services.bootstrap import Dualprev

__all__ = [
    "FaultSweepResult",
    "fault_counts",
    "get_incident",
    "incident_resource",
    "incidents_for",
    "lift_for_code",
    "lift_units",
    "open_incident",
    "overdue_maintenance",
    "record_arrival",
    "record_dispatch",
    "record_maintenance",
    "record_release",
    "redispatch",
    "region_kpis",
    "register_rescue_code",
    "sweep_faults",
    "sweep_redispatch",
]

DEFAULT_SCOPE_DIGITS = 4


def incident_resource(incident_id: str) -> str:
    return f"rescueIncidents/{incident_id}"


def _platform_region(region_code: str, scope_digits: int) -> str:
    return region_code[:scope_digits]


def register_rescue_code(
    sdk: Dualprev, equipment_id: str, code: str, *, scope_digits: int = DEFAULT_SCOPE_DIGITS
) -> str:
    """Give a lift its 96333 rescue code (validated against its region's pattern, unique in its platform
    region) and record it on the equipment. Returns the normalised code."""
    with sdk.uow() as uow:
        equipment = uow.equipment.get(equipment_id)
        if not equipment.catalog_code.startswith("3"):
            raise InvalidArgument.single(
                "equipment_id",
                equipment_id,
                "rescue_code.elevator",
                f"catalogue code {equipment.catalog_code} is not an elevator (3xxx)",
            )
        unit = uow.units.get(equipment.unit_uscc)
        rescue = ids.validate_rescue_code(code, unit.region_code)
        uow.rescue.register_code(_platform_region(unit.region_code, scope_digits), rescue.code, equipment_id)
        equipment.rescue_code = rescue.code
        uow.equipment.update(equipment)
        uow.emit("equipment.rescue_code_registered", f"equipment/{equipment_id}", {"rescue_code": rescue.code})
        uow.commit()
    return rescue.code


def lift_for_code(
    sdk: Dualprev, *, region_code: str, rescue_code: str, scope_digits: int = DEFAULT_SCOPE_DIGITS
) -> Equipment:
    """The lift a 96333 caller in ``region_code`` names by the code read in the car (NotFound if none)."""
    with sdk.uow() as uow:
        return uow.equipment.get(
            uow.rescue.equipment_for_code(_platform_region(region_code, scope_digits), rescue_code)
        )


def open_incident(
    sdk: Dualprev,
    *,
    rescue_code: str,
    region_code: str,
    called_at: dt.datetime,
    cause: IncidentCause = IncidentCause.ENTRAPMENT,
    trapped_persons: int = 0,
    maintenance_unit: str = "",
    incident_id: str | None = None,
    scope_digits: int = DEFAULT_SCOPE_DIGITS,
) -> RescueIncident:
    """A 96333 call: the caller reads the code in the car; the platform finds the lift by it.

    A caller-chosen ``incident_id`` is also the retry key (AIP-155), checked in the same transaction like the
    equipment-event request ids: a repeat of the same call (same lift, call time, cause and trapped persons)
    returns the incident the first attempt opened, writing nothing; the id on another call is AlreadyExists."""
    timeutil.ensure_aware(called_at, field="called_at")
    if trapped_persons < 0:
        raise InvalidArgument.single("trapped_persons", trapped_persons, "non_negative", "cannot be negative")
    with sdk.uow() as uow:
        equipment_id = uow.rescue.equipment_for_code(_platform_region(region_code, scope_digits), rescue_code)
        if incident_id and (earlier := uow.rescue.find_incident(incident_id)) is not None:
            call = (equipment_id, called_at, cause, trapped_persons)
            if (earlier.equipment_id, earlier.called_at, earlier.cause, earlier.trapped_persons) != call:
                raise AlreadyExists(
                    "rescue incident", incident_id, f"incident {incident_id!r} was opened for another call"
                )
            return earlier
        equipment = uow.equipment.get(equipment_id)
        unit = uow.units.get(equipment.unit_uscc)
        incident = RescueIncident(
            id=incident_id or f"RI-{uuid.uuid4().hex[:20]}",
            equipment_id=equipment_id,
            rescue_code=rescue_code,
            called_at=called_at,
            cause=cause,
            trapped_persons=trapped_persons,
            maintenance_unit=maintenance_unit,
        )
        uow.rescue.add_incident(incident, region_code=unit.region_code)
        uow.emit(
            "rescue_incident.opened",
            incident_resource(incident.id),
            {"equipment_id": equipment_id, "cause": cause.value, "trapped_persons": trapped_persons},
        )
        uow.commit()
    return incident


def get_incident(sdk: Dualprev, incident_id: str) -> RescueIncident:
    with sdk.uow() as uow:
        return uow.rescue.get_incident(incident_id)


def lift_units(sdk: Dualprev, equipment_ids: Iterable[str]) -> dict[str, str]:
    """The use unit (USCC) of each lift, for naming incidents under their unit — one read for all of them."""
    with sdk.uow() as uow:
        return {e.id: e.unit_uscc for e in uow.equipment.find_many(equipment_ids).values()}


def _update(sdk: Dualprev, incident_id: str, event: str, change: dict[str, Any]) -> RescueIncident:
    with sdk.uow() as uow:
        incident = uow.rescue.get_incident(incident_id)
        for name, value in change.items():
            if isinstance(value, dt.datetime):
                timeutil.ensure_aware(value, field=name)
                if value < incident.called_at:
                    raise InvalidArgument.single(
                        name,
                        value.isoformat(),
                        "rescue.after_call",
                        f"cannot be before the call at {incident.called_at.isoformat()}",
                    )
        updated = attrs.evolve(incident, **change)
        uow.rescue.update_incident(updated)
        uow.emit(event, incident_resource(incident_id), {k: str(v) for k, v in change.items()})
        uow.commit()
    return updated


def record_dispatch(sdk: Dualprev, incident_id: str, *, at: dt.datetime, maintenance_unit: str = "") -> RescueIncident:
    change: dict[str, Any] = {"dispatched_at": at}
    if maintenance_unit:
        change["note"] = f"dispatched to {maintenance_unit}"
    return _update(sdk, incident_id, "rescue_incident.dispatched", change)


def record_arrival(sdk: Dualprev, incident_id: str, *, at: dt.datetime) -> RescueIncident:
    return _update(sdk, incident_id, "rescue_incident.arrived", {"arrived_at": at})


def record_release(sdk: Dualprev, incident_id: str, *, at: dt.datetime) -> RescueIncident:
    return _update(sdk, incident_id, "rescue_incident.released", {"released_at": at})


def redispatch(sdk: Dualprev, incident_id: str, *, to: str, at: dt.datetime) -> RescueIncident:
    """Send another rescue unit when the contracted maintenance unit has not arrived in time."""
    if not to.strip():
        raise InvalidArgument.single("to", to, "required", "name the unit re-dispatched to")
    return _update(sdk, incident_id, "rescue_incident.redispatched", {"redispatched_to": to, "redispatched_at": at})


def sweep_redispatch(
    sdk: Dualprev, *, now: dt.datetime, region_prefix: str = "", policy: ResponsePolicy | None = None
) -> list[RescueIncident]:
    """Incidents whose maintenance unit has not arrived within the limit and that nobody re-dispatched yet, by
    call time; ``region_prefix`` keeps those of lifts in that region (filtered in the query)."""
    policy = policy or ResponsePolicy()
    with sdk.uow() as uow:
        return uow.rescue.pending_arrivals(called_before=now - policy.redispatch_after, region_prefix=region_prefix)


def region_kpis(
    sdk: Dualprev, *, region_prefix: str, since: dt.datetime, until: dt.datetime, policy: ResponsePolicy | None = None
) -> ResponseKpis:
    with sdk.uow() as uow:
        incidents = uow.rescue.incidents(since=since, until=until, region_prefix=region_prefix)
    return response_kpis(incidents, policy or ResponsePolicy())


def fault_counts(
    sdk: Dualprev, equipment_id: str, *, now: dt.datetime, policy: ResponsePolicy | None = None
) -> FaultFrequency:
    """Faults and entrapments of one lift in the window: the equipment-risk factor."""
    policy = policy or ResponsePolicy()
    with sdk.uow() as uow:
        incidents = uow.rescue.incidents(since=now - policy.window, until=now, equipment_id=equipment_id)
    found = fault_frequency(incidents, now=now, policy=policy)
    return found.get(
        equipment_id,
        FaultFrequency(
            equipment_id=equipment_id, faults=0, entrapments=0, window_days=policy.window.days, opens_hazard=False
        ),
    )


@attrs.frozen(kw_only=True)
class FaultSweepResult:
    opened: tuple[tuple[str, str], ...]  # (equipment id, hazard id)
    examined: int


def sweep_faults(
    sdk: Dualprev,
    *,
    now: dt.datetime,
    region_prefix: str = "",
    policy: ResponsePolicy | None = None,
    actor: str = "96333",
) -> FaultSweepResult:
    """Open a hazard for every lift whose not-yet-linked faults in the window reach the threshold."""
    from dualprev_sdk.domain.hazard import HazardSource
    from dualprev_sdk.services import hazards

    policy = policy or ResponsePolicy()
    with sdk.uow() as uow:
        incidents = uow.rescue.incidents(
            since=now - policy.window, until=now, region_prefix=region_prefix, unlinked_only=True
        )
    frequencies = fault_frequency(incidents, now=now, policy=policy)
    opened: list[tuple[str, str]] = []
    for equipment_id, frequency in sorted(frequencies.items()):
        if not frequency.opens_hazard:
            continue
        covered = sorted(i.id for i in incidents if i.equipment_id == equipment_id and i.cause.counts_as_fault)
        request_id = "96333-faults-" + hashlib.sha256(",".join(covered).encode()).hexdigest()[:32]
        equipment = sdk.ledger.get_equipment(equipment_id)
        result = hazards.report_hazard(
            sdk,
            unit_uscc=equipment.unit_uscc,
            equipment_id=equipment_id,
            source=HazardSource.INCIDENT_96333,
            source_reference=",".join(covered),
            description=(
                f"96333平台{policy.window.days}天内记录该电梯故障{frequency.faults}次（其中困人{frequency.entrapments}次），"
                "达到预警阈值，需排查故障原因并整改"
            ),
            found_on=now.astimezone(timeutil.SHANGHAI).date(),
            finder="96333应急处置平台",
            actor=actor,
            request_id=request_id,
            at=now,
        )
        with sdk.uow() as uow:
            uow.rescue.link_hazard(covered, result.hazard.id)
            uow.emit(
                "rescue_incident.hazard_opened",
                f"equipment/{equipment_id}",
                {"hazard_id": result.hazard.id, "incidents": covered, "faults": frequency.faults},
            )
            uow.commit()
        opened.append((equipment_id, result.hazard.id))
    return FaultSweepResult(opened=tuple(opened), examined=len(frequencies))


def record_maintenance(sdk: Dualprev, record: MaintenanceRecord) -> MaintenanceRecord:
    """A maintenance visit (维保记录) for a lift; a record id already taken is AlreadyExists."""
    if not record.maintenance_unit.strip():
        raise InvalidArgument.single(
            "maintenance_unit", record.maintenance_unit, "required", "name the maintenance unit"
        )
    with sdk.uow() as uow:
        equipment = uow.equipment.get(record.equipment_id)
        if not equipment.catalog_code.startswith("3"):
            raise FailedPrecondition(f"equipment {record.equipment_id} is not an elevator ({equipment.catalog_code})")
        uow.rescue.add_maintenance(record)
        uow.emit(
            "elevator.maintained",
            f"equipment/{record.equipment_id}",
            {
                "performed_on": record.performed_on.isoformat(),
                "maintenance_unit": record.maintenance_unit,
                "items": list(record.items),
            },
        )
        uow.commit()
    return record


def overdue_maintenance(
    sdk: Dualprev,
    *,
    day: dt.date,
    region_prefix: str = "",
    policy: ResponsePolicy | None = None,
    after: str | None = None,
    limit: int | None = None,
) -> list[tuple[str, dt.date | None]]:
    """Lifts in use whose last maintenance is older than the interval (or missing), with that date, by
    equipment id; ``after`` and ``limit`` read one keyset page (the lifts whose id sorts above ``after``)."""
    policy = policy or ResponsePolicy()
    lifts = sa.select(EQUIPMENT.c.id).where(
        starts_with(EQUIPMENT.c.catalog_code, "3"), EQUIPMENT.c.status == EquipmentStatus.IN_USE.value
    )
    if region_prefix:
        lifts = lifts.where(starts_with(EQUIPMENT.c.region_code, region_prefix))
    before = day - policy.maintenance_interval
    with sdk.uow() as uow:
        # the same rule as domain.elevator_emergency.maintenance_overdue, as one grouped query
        return uow.rescue.maintenance_overdue(equipment_ids_sql=lifts, before=before, after=after, limit=limit)


def incidents_for(
    sdk: Dualprev, equipment_id: str, *, since: dt.datetime, until: dt.datetime
) -> Sequence[RescueIncident]:
    with sdk.uow() as uow:
        return uow.rescue.incidents(since=since, until=until, equipment_id=equipment_id)
