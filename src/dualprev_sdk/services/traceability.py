"""Cylinder and mobile-vessel traceability use cases: registration, the filling interlock, flow events, trace
queries and warnings (气瓶/移动式压力容器信息化追溯).

Fills arrive as a stream from filling scales, tens of millions a year in a province, so :func:`record_fills`
works in chunks: per chunk, one query loads every cylinder it mentions, the interlock runs in memory, and one
executemany writes the fills and refusals, in one transaction per chunk. A chunk is all-or-nothing; the stream
as a whole is not a single transaction (a day's fills are independent facts) — the summary says how many
chunks committed. Each chunk writes one outbox event (``cylinder.fills_recorded``) with its counts rather than
one event per fill, which would double the write volume for no consumer's benefit.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from dualprev_sdk import timeutil
from dualprev_sdk.domain.cylinder import (
    Cylinder,
    CylinderEvent,
    CylinderEventKind,
    FillRequest,
    LoadingRequest,
    MobileVessel,
    Refusal,
    RefusalReason,
    TraceWarning,
    TraceWarningKind,
    check_fill,
    check_loading,
    trace_warnings,
)
from dualprev_sdk.domain.personnel import Certificate
from dualprev_sdk.equipment_classes import InspectionFacts
from dualprev_sdk.errors import FieldViolation, InvalidArgument
from dualprev_sdk.store.uow import UnitOfWork

if TYPE_CHECKING:
    from dualprev_sdk.services.bootstrap import Dualprev

__all__ = [
    "CylinderTrace",
    "FillOutcome",
    "FillSummary",
    "LoadingOutcome",
    "cylinder_resource",
    "cylinder_warning_key",
    "cylinder_warnings",
    "record_fill",
    "record_fills",
    "record_flow",
    "record_inspection",
    "record_loading",
    "register_cylinders",
    "scrap_cylinder",
    "trace_cylinder",
]

_FLOW_KINDS = {
    CylinderEventKind.DISPATCHED,
    CylinderEventKind.DELIVERED,
    CylinderEventKind.RETURNED,
}


def cylinder_resource(tag: str) -> str:
    return f"cylinders/{tag}"


@attrs.frozen(kw_only=True)
class FillOutcome:
    """The interlock's answer. ``duplicate`` means this fill id was recorded before and the answer is that
    recorded one (a scale resending after a lost reply gets the same result, and nothing is written twice)."""

    tag: str
    accepted: bool
    refusals: tuple[Refusal, ...] = ()
    duplicate: bool = False


@attrs.frozen(kw_only=True)
class FillSummary:
    fills: int
    refused: int
    chunks: int
    refusals_by_reason: Mapping[str, int]
    duplicates: int = 0


@attrs.frozen(kw_only=True)
class LoadingOutcome:
    equipment_id: str
    accepted: bool
    refusals: tuple[Refusal, ...] = ()


@attrs.frozen(kw_only=True)
class CylinderTrace:
    """The whole life of one cylinder, oldest event first."""

    cylinder: Cylinder
    events: tuple[CylinderEvent, ...]


def _validate_cylinder(cylinder: Cylinder, index: int | None) -> list[FieldViolation]:
    prefix = "" if index is None else f"cylinders[{index}]."
    out = []
    if not cylinder.tag.strip():
        out.append(
            FieldViolation(
                field=f"{prefix}tag", value=cylinder.tag, rule="required", message="a tag or 2-D code is required"
            )
        )
    if not cylinder.medium.strip():
        out.append(
            FieldViolation(
                field=f"{prefix}medium",
                value=cylinder.medium,
                rule="required",
                message="the filling medium is required",
            )
        )
    if not cylinder.catalog_code.startswith("23"):
        out.append(
            FieldViolation(
                field=f"{prefix}catalog_code",
                value=cylinder.catalog_code,
                rule="cylinder.catalog_code",
                message="a gas cylinder's catalogue code is 2300 or one of its varieties (2310, 2320, 23T0)",
            )
        )
    if not (cylinder.filling_station_uscc or cylinder.contracted_stations):
        out.append(
            FieldViolation(
                field=f"{prefix}filling_station_uscc",
                value="",
                rule="required",
                message="the owning filling station is required (fills are checked against it)",
            )
        )
    return out


def register_cylinders(
    sdk: Dualprev, cylinders: Iterable[Cylinder], *, at: dt.datetime | None = None, chunk_size: int = 1000
) -> int:
    """Register cylinders (建档) at ``at`` (default now). All or nothing: one bad or duplicate cylinder and none
    are written."""
    items = list(cylinders)
    violations = [v for i, c in enumerate(items) for v in _validate_cylinder(c, i)]
    if violations:
        raise InvalidArgument(violations)
    with sdk.uow() as uow:
        count = uow.cylinders.add_many(items, chunk_size=chunk_size)
        at = timeutil.ensure_aware(at, field="at") if at is not None else timeutil.now()
        uow.cylinders.append_events(
            [
                (
                    CylinderEvent(
                        cylinder_id=c.id, kind=CylinderEventKind.REGISTERED, at=at, station_uscc=c.filling_station_uscc
                    ),
                    c.tag,
                )
                for c in items
            ]
        )
        uow.emit(
            "cylinders.registered",
            "cylinders",
            {"count": count, "tags": [c.tag for c in items[:100]]},
            unit_uscc=_one_station(c.filling_station_uscc for c in items),
        )
        uow.commit()
    return count


def _one_station(stations: Iterable[str]) -> str | None:
    """The station a batch belongs to, so its event reaches that unit's feed; None for a mixed batch (those
    events reach the data centre only)."""
    found = {s for s in stations if s}
    return found.pop() if len(found) == 1 else None


def _certificates_loader(
    uow: UnitOfWork, cache: dict[str, tuple[Certificate, ...]]
) -> Callable[[str], tuple[Certificate, ...]]:
    def load(person_id: str) -> tuple[Certificate, ...]:
        if person_id not in cache:
            person = uow.people.find(person_id)
            cache[person_id] = () if person is None else tuple(person.certificates)
        return cache[person_id]

    return load


def _fill_event(
    cylinder: Cylinder | None, request: FillRequest, refusals: Sequence[Refusal]
) -> tuple[CylinderEvent, str]:
    detail: dict[str, Any] = {"filler_id": request.filler_id, "medium": request.medium}
    if request.quantity_kg is not None:
        detail["quantity_kg"] = request.quantity_kg
    if refusals:
        detail["reasons"] = [r.reason.value for r in refusals]
    else:
        detail["pre_checks"] = list(request.pre_checks)
        detail["post_checks"] = list(request.post_checks)
    event = CylinderEvent(
        cylinder_id=cylinder.id if cylinder else "",
        kind=CylinderEventKind.FILL_REFUSED if refusals else CylinderEventKind.FILLED,
        at=timeutil.ensure_aware(request.at, field="at"),
        station_uscc=request.station_uscc,
        detail=detail,
        request_id=request.fill_id,
    )
    return event, request.tag


def _recorded_outcome(tag: str, event: CylinderEvent) -> FillOutcome:
    """The outcome a fill id got when it was first recorded."""
    recorded = event.detail.get("reasons", ())
    reasons = [str(r) for r in recorded] if isinstance(recorded, list | tuple) else []
    refusals = tuple(Refusal(reason=RefusalReason(r), message="recorded earlier for this fill id") for r in reasons)
    return FillOutcome(tag=tag, accepted=event.kind is CylinderEventKind.FILLED, refusals=refusals, duplicate=True)


def record_fill(sdk: Dualprev, request: FillRequest) -> FillOutcome:
    """Run the interlock for one fill and record the fill or the refusal (with every reason)."""
    outcomes: list[FillOutcome] = []
    _record_chunk(sdk, [request], {}, outcomes)
    return outcomes[0]


@attrs.define
class _ChunkTally:
    fills: int = 0
    refused: int = 0
    duplicates: int = 0
    reasons: dict[str, int] = attrs.Factory(dict)


def _record_chunk(
    sdk: Dualprev,
    chunk: Sequence[FillRequest],
    certificate_cache: dict[str, tuple[Certificate, ...]],
    outcomes: list[FillOutcome] | None,
) -> _ChunkTally:
    tally = _ChunkTally()
    with sdk.uow() as uow:
        cylinders = uow.cylinders.by_tags([r.tag for r in chunk])
        earlier = uow.cylinders.recorded_requests(r.fill_id for r in chunk if r.fill_id)
        certificates = _certificates_loader(uow, certificate_cache)
        events: list[tuple[CylinderEvent, str]] = []
        for request in chunk:
            if request.fill_id and request.fill_id in earlier:
                tally.duplicates += 1
                if outcomes is not None:
                    outcomes.append(_recorded_outcome(request.tag, earlier[request.fill_id]))
                continue
            cylinder = cylinders.get(request.tag)
            day = request.at.astimezone(timeutil.SHANGHAI).date()
            refusals = check_fill(cylinder, request, certificates(request.filler_id), day=day)
            event = _fill_event(cylinder, request, refusals)
            events.append(event)
            if request.fill_id:
                earlier[request.fill_id] = event[0]  # the same id twice in one chunk is one fill
            if refusals:
                tally.refused += 1
                for r in refusals:
                    tally.reasons[r.reason.value] = tally.reasons.get(r.reason.value, 0) + 1
            else:
                tally.fills += 1
            if outcomes is not None:
                outcomes.append(FillOutcome(tag=request.tag, accepted=not refusals, refusals=refusals))
        uow.cylinders.append_events(events)
        uow.emit(
            "cylinder.fills_recorded",
            "cylinders",
            {
                "fills": tally.fills,
                "refused": tally.refused,
                "duplicates": tally.duplicates,
                "refusals_by_reason": tally.reasons,
                "stations": sorted({r.station_uscc for r in chunk}),
            },
            unit_uscc=_one_station(r.station_uscc for r in chunk),
        )

        uow.commit()
    return tally


def record_fills(
    sdk: Dualprev,
    requests: Iterable[FillRequest],
    *,
    chunk_size: int = 2000,
    on_chunk: Callable[[int], None] | None = None,
) -> FillSummary:
    """Stream fills through the interlock in chunks (bounded memory; one transaction per chunk). Fills carrying
    a ``fill_id`` that was recorded before are counted as duplicates and not written again, so a scale may
    resend a whole chunk after a lost reply."""
    iterator = iter(requests)
    total = _ChunkTally()
    chunks = 0
    cache: dict[str, tuple[Certificate, ...]] = {}
    while chunk := list(itertools.islice(iterator, chunk_size)):
        tally = _record_chunk(sdk, chunk, cache, None)
        total.fills += tally.fills
        total.refused += tally.refused
        total.duplicates += tally.duplicates
        for key, value in tally.reasons.items():
            total.reasons[key] = total.reasons.get(key, 0) + value
        chunks += 1
        if on_chunk is not None:
            on_chunk(len(chunk))
    return FillSummary(
        fills=total.fills,
        refused=total.refused,
        chunks=chunks,
        refusals_by_reason=total.reasons,
        duplicates=total.duplicates,
    )


def record_flow(
    sdk: Dualprev,
    tag: str,
    kind: CylinderEventKind,
    *,
    at: dt.datetime,
    station_uscc: str = "",
    party: str = "",
    detail: Mapping[str, Any] | None = None,
) -> CylinderEvent:
    """Record a dispatch, a delivery to a user (a unit's USCC or ``household:<address>``) or a return."""
    if kind not in _FLOW_KINDS:
        allowed = ", ".join(sorted(k.value for k in _FLOW_KINDS))
        raise InvalidArgument.single(
            "kind",
            kind.value,
            "cylinder.flow_kind",
            f"must be one of {allowed}; fills, inspections and scrapping have their own commands",
        )
    if kind is CylinderEventKind.DELIVERED and not party:
        raise InvalidArgument.single("party", party, "required", "a delivery names the user it went to")
    with sdk.uow() as uow:
        cylinder = uow.cylinders.get_by_tag(tag)
        event = CylinderEvent(
            cylinder_id=cylinder.id,
            kind=kind,
            at=timeutil.ensure_aware(at, field="at"),
            station_uscc=station_uscc,
            party=party,
            detail=dict(detail or {}),
        )
        uow.cylinders.append_events([(event, tag)])
        uow.emit(
            f"cylinder.{kind.value}",
            cylinder_resource(tag),
            {"party": party, "station_uscc": station_uscc},
            unit_uscc=cylinder.filling_station_uscc or None,
        )
        uow.commit()
    return event


def record_inspection(
    sdk: Dualprev,
    tag: str,
    *,
    inspected_on: dt.date,
    conclusion: str,
    next_due: dt.date | None = None,
    parameters: Mapping[str, Any] | None = None,
    agency: str = "",
    report_number: str = "",
) -> Cylinder:
    """Record a periodic inspection. ``next_due`` defaults to the gas-cylinder plugin's rule for the cylinder's
    catalogue code and ``parameters`` (medium category, material…); a failed inspection leaves no validity."""
    with sdk.uow() as uow:
        cylinder = uow.cylinders.get_by_tag(tag)
        if conclusion in ("不合格", "复检不合格", "failed"):
            due: dt.date | None = inspected_on  # not valid after the failed inspection
        elif next_due is not None:
            due = next_due
        else:
            due = _plugin_due(sdk, cylinder, inspected_on, parameters)
        cylinder.last_inspection_on = inspected_on
        cylinder.next_inspection_due = due
        uow.cylinders.update(cylinder)
        event = CylinderEvent(
            cylinder_id=cylinder.id,
            kind=CylinderEventKind.INSPECTED,
            at=dt.datetime.combine(inspected_on, dt.time(12), tzinfo=timeutil.SHANGHAI),
            detail={
                "conclusion": conclusion,
                "next_due": due.isoformat() if due else None,
                "agency": agency,
                "report_number": report_number,
            },
        )
        uow.cylinders.append_events([(event, tag)])
        uow.emit(
            "cylinder.inspected",
            cylinder_resource(tag),
            {"conclusion": conclusion, "next_due": due.isoformat() if due else None},
            unit_uscc=cylinder.filling_station_uscc or None,
        )
        uow.commit()
    return cylinder


def _plugin_due(
    sdk: Dualprev, cylinder: Cylinder, inspected_on: dt.date, parameters: Mapping[str, Any] | None
) -> dt.date:
    equipment_class = sdk.host.equipment_classes.for_code(cylinder.catalog_code)
    if equipment_class is None:
        raise InvalidArgument.single(
            "next_due",
            None,
            "required",
            f"no equipment-class plugin claims {cylinder.catalog_code}; give next_due explicitly",
        )
    params = equipment_class.structure_parameters(dict(parameters)) if parameters is not None else None
    facts = InspectionFacts(
        catalog_code=cylinder.catalog_code,
        parameters=params,
        manufactured_on=cylinder.manufactured_on,
        last_inspection_on=inspected_on,
    )
    dues = [d for d in equipment_class.next_due(facts) if d.kind == "periodic_inspection"] or equipment_class.next_due(
        facts
    )
    if not dues:
        raise InvalidArgument.single(
            "next_due", None, "required", "the plugin gives no due date for this cylinder; give next_due"
        )
    return dues[0].next_due


def scrap_cylinder(sdk: Dualprev, tag: str, *, on: dt.date, reason: str) -> Cylinder:
    """Scrap a cylinder (报废): it can never be filled again; its history stays."""
    if not reason.strip():
        raise InvalidArgument.single("reason", reason, "required", "scrapping records why")
    with sdk.uow() as uow:
        cylinder = uow.cylinders.get_by_tag(tag)
        cylinder.scrapped_on = on
        uow.cylinders.update(cylinder)
        event = CylinderEvent(
            cylinder_id=cylinder.id,
            kind=CylinderEventKind.SCRAPPED,
            at=dt.datetime.combine(on, dt.time(12), tzinfo=timeutil.SHANGHAI),
            detail={"reason": reason},
        )
        uow.cylinders.append_events([(event, tag)])
        uow.emit(
            "cylinder.scrapped",
            cylinder_resource(tag),
            {"on": on.isoformat(), "reason": reason},
            unit_uscc=cylinder.filling_station_uscc or None,
        )
        uow.commit()
    return cylinder


def trace_cylinder(sdk: Dualprev, tag: str) -> CylinderTrace:
    """The whole life of one cylinder: registration, fills and refusals, flow, inspections, scrapping."""
    with sdk.uow() as uow:
        cylinder = uow.cylinders.get_by_tag(tag)
        return CylinderTrace(cylinder=cylinder, events=tuple(uow.cylinders.events_for(cylinder.id)))


#: How many cylinders a warnings page walks at a time, at least (a tuning figure, not a rule).
WARNING_BATCH = 256


def cylinder_warnings(
    sdk: Dualprev,
    *,
    day: dt.date,
    station_uscc: str | None = None,
    window_days: int = 30,
    refusal_threshold: int = 3,
    region_prefix: str | None = None,
    after: str | None = None,
    limit: int | None = None,
) -> list[TraceWarning]:
    """Warnings over the events of the last ``window_days``: of one station's events (``station_uscc``), of the
    events at the stations of a region (``region_prefix``, a GB/T 2260 prefix of the station unit's region
    code), or of every event.

    Without ``after`` and ``limit`` every warning is returned, grouped by kind (as :func:`trace_warnings`
    gives them). With either, the result is one keyset page in :func:`cylinder_warning_key` order: the warnings
    whose key sorts above ``after``, at most ``limit``. Warnings are derived from events, so a page walks the
    cylinders with events in the window in tag order, a batch at a time, and stops once it has ``limit``
    warnings: memory and work follow the page and the cylinders walked to fill it, never the whole window.
    """
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=timeutil.SHANGHAI)
    start = end - dt.timedelta(days=window_days + 1)
    scope = {"station_uscc": station_uscc, "region_prefix": region_prefix}
    if after is None and limit is None:
        with sdk.uow() as uow:
            events = uow.cylinders.events_between(start, end, **scope)
            cylinders = uow.cylinders.by_ids(e.cylinder_id for e in events if e.cylinder_id)
        return trace_warnings(
            cylinders.values(), events, day=day, refusal_threshold=refusal_threshold, refusal_window_days=window_days
        )
    if limit is not None and limit < 1:
        raise InvalidArgument.single("limit", limit, "range", "at least 1")
    batch = min(max(2 * (limit or 0), WARNING_BATCH), 1000)
    page: list[tuple[str, TraceWarning]] = []
    above = after
    with sdk.uow() as uow:
        while limit is None or len(page) < limit:
            candidates = uow.cylinders.cylinders_with_events_between(start, end, above=above, limit=batch, **scope)
            if not candidates:
                break
            tags = dict(candidates)
            events = uow.cylinders.events_between(start, end, cylinder_ids=list(tags), **scope)
            cylinders = uow.cylinders.by_ids(c for c in tags if c)
            found = trace_warnings(
                cylinders.values(),
                events,
                day=day,
                refusal_threshold=refusal_threshold,
                refusal_window_days=window_days,
            )
            keyed = sorted((cylinder_warning_key(tags.get(w.cylinder_id, w.cylinder_id), w.kind), w) for w in found)
            page.extend(pair for pair in keyed if after is None or pair[0] > after)
            if len(candidates) < batch:
                break
            above = candidates[-1][1] + "|~"  # past every key of the last cylinder walked
    return [w for _, w in page[:limit]]


def cylinder_warning_key(tag: str, kind: TraceWarningKind) -> str:
    """The order of paged warnings and the key a page resumes after: ``tag|kind`` (an unregistered tag's
    refusals have the tag ``""``)."""
    return f"{tag}|{kind.value}"


def record_loading(sdk: Dualprev, request: LoadingRequest) -> LoadingOutcome:
    """The loading/unloading interlock for a mobile pressure vessel (22xx in the ledger), recorded either way."""
    with sdk.uow() as uow:
        equipment = uow.equipment.find(request.equipment_id)
        vessel: MobileVessel | None = None
        if equipment is not None:
            if not equipment.catalog_code.startswith("22"):
                raise InvalidArgument.single(
                    "equipment_id",
                    request.equipment_id,
                    "mobile_vessel.catalog_code",
                    f"catalogue code {equipment.catalog_code} is not a mobile pressure vessel (22xx)",
                )
            params = equipment.parameters
            medium = params.get("medium") if isinstance(params, dict) else getattr(params, "medium", None)
            vessel = MobileVessel(
                equipment_id=equipment.id,
                catalog_code=equipment.catalog_code,
                media=tuple(m for m in [medium] if m),
                in_use=equipment.in_use,
                next_inspection_due=equipment.next_inspection_due,
            )
        person = uow.people.find(request.operator_id)
        certificates = () if person is None else tuple(person.certificates)
        day = request.at.astimezone(timeutil.SHANGHAI).date()
        refusals = check_loading(vessel, request, certificates, day=day)
        uow.cylinders.add_loading(
            {
                "equipment_id": request.equipment_id,
                "station_uscc": request.station_uscc,
                "operator_id": request.operator_id,
                "medium": request.medium,
                "at": timeutil.ensure_aware(request.at, field="at"),
                "unloading": request.unloading,
                "quantity_kg": request.quantity_kg,
                "refused": bool(refusals),
                "reasons": [r.reason.value for r in refusals],
            }
        )
        uow.emit(
            "mobile_vessel.loading_refused" if refusals else "mobile_vessel.loaded",
            f"equipment/{request.equipment_id}",
            {"medium": request.medium, "reasons": [r.reason.value for r in refusals], "unloading": request.unloading},
        )
        uow.commit()
    return LoadingOutcome(equipment_id=request.equipment_id, accepted=not refusals, refusals=refusals)
