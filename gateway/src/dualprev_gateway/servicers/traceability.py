"""TraceabilityService: cylinders and mobile vessels over ``dualprev_sdk.services.traceability``.

Thin: parse, authorise with ``access.require_capability`` (policy as data in ``access.CAPABILITY_ACTORS``), call
the SDK, translate back. A cylinder's name does not carry its station, so a missing cylinder looks exactly like
one outside the caller's scope (PERMISSION_DENIED) to everyone but the data centre (AIP-211). A refused fill is
a normal answer listing every reason; only malformed or unauthorised requests are errors.
"""

from __future__ import annotations

from collections.abc import Iterator

import grpc

from dualprev_gateway import capability_convert as cc
from dualprev_gateway import convert
from dualprev_gateway._generated.dualprev.v1 import traceability_pb2, traceability_pb2_grpc
from dualprev_gateway.auth import current_principal
from dualprev_gateway.resource_scope import ScopeLookups, hidden_absence
from dualprev_sdk import timeutil
from dualprev_sdk.access import Capability, Principal, PrincipalKind, may_use, require_capability
from dualprev_sdk.domain.cylinder import (
    Cylinder,
    CylinderEvent,
    CylinderEventKind,
    FillRequest,
    LoadingRequest,
    Refusal,
    TraceWarning,
)
from dualprev_sdk.errors import InvalidArgument, NotFound, PermissionDenied
from dualprev_sdk.services import traceability as use_cases
from dualprev_sdk.services.bootstrap import Dualprev

__all__ = ["TraceabilityServicer"]

MAX_REGISTER = 10_000
USCC_LENGTH = 18
_FLOW_KINDS = (CylinderEventKind.DISPATCHED, CylinderEventKind.DELIVERED, CylinderEventKind.RETURNED)


def cylinder_name(tag: str) -> str:
    return f"cylinders/{tag}"


def _station_name(uscc: str) -> str:
    return convert.unit_name(uscc) if uscc else ""


def _cylinder_to_proto(cylinder: Cylinder) -> traceability_pb2.Cylinder:
    message = traceability_pb2.Cylinder(
        name=cylinder_name(cylinder.tag),
        tag=cylinder.tag,
        registration_code=cylinder.registration_code,
        serial_number=cylinder.serial_number,
        property_unit=_station_name(cylinder.property_unit_uscc),
        filling_station=_station_name(cylinder.filling_station_uscc),
        contracted_stations=[convert.unit_name(s) for s in cylinder.contracted_stations],
        medium=cylinder.medium,
        catalog_code=cylinder.catalog_code,
        manufactured_on=cc.iso(cylinder.manufactured_on),
        last_inspection_on=cc.iso(cylinder.last_inspection_on),
        next_inspection_due=cc.iso(cylinder.next_inspection_due),
        scrapped_on=cc.iso(cylinder.scrapped_on),
        status=cc.enum_to_proto(  # type: ignore[arg-type]
            cylinder.status_on(timeutil.today()), traceability_pb2.CylinderStatus, "CYLINDER_STATUS_"
        ),
        etag=convert.etag_of(cylinder.version),
    )
    if cylinder.design_life_years is not None:
        message.design_life_years = cylinder.design_life_years
    return message


def _event_to_proto(event: CylinderEvent) -> traceability_pb2.CylinderEvent:
    return traceability_pb2.CylinderEvent(
        kind=cc.enum_to_proto(event.kind, traceability_pb2.CylinderEventKind, "CYLINDER_EVENT_KIND_"),  # type: ignore[arg-type]
        event_time=cc.timestamp(event.at),
        station=_station_name(event.station_uscc),
        party=event.party,
        detail=cc.struct_of(event.detail),
    )


def _refusal_to_proto(refusal: Refusal) -> traceability_pb2.Refusal:
    return traceability_pb2.Refusal(
        reason=cc.enum_to_proto(refusal.reason, traceability_pb2.RefusalReason, "REFUSAL_REASON_"),  # type: ignore[arg-type]
        message=refusal.message,
        message_zh=refusal.message_zh,
    )


def _unit_field(problems: convert.Violations, field: str, name: str) -> str:
    try:
        return convert.parse_unit_name(name, field)
    except InvalidArgument as exc:
        problems.items.extend(exc.violations)
        return ""


def _tag(problems: convert.Violations, field: str, name: str) -> str:
    try:
        return cc.parse_simple_name(name, "cylinders", field)
    except InvalidArgument as exc:
        problems.items.extend(exc.violations)
        return ""


def _cylinder_from_proto(
    message: traceability_pb2.Cylinder, station: str, path: str, problems: convert.Violations
) -> Cylinder:
    tag = message.tag.strip()
    if not tag or "/" in tag:
        problems.add(f"{path}.tag", message.tag, "cylinder.tag", "a tag without slashes is required")
    for field, limit in (("tag", 61), ("registration_code", 32), ("serial_number", 64), ("medium", 64)):
        cc.max_length(problems, f"{path}.{field}", getattr(message, field), limit)
    cc.max_length(problems, f"{path}.catalog_code", message.catalog_code, 8)
    if message.filling_station and message.filling_station != convert.unit_name(station):
        problems.add(f"{path}.filling_station", message.filling_station, "cylinder.station", "must be `parent`")
    contracted = tuple(
        _unit_field(problems, f"{path}.contracted_stations[{i}]", s) for i, s in enumerate(message.contracted_stations)
    )
    prop = _unit_field(problems, f"{path}.property_unit", message.property_unit) if message.property_unit else ""
    for field, uscc in ((f"{path}.property_unit", prop), *((f"{path}.contracted_stations", c) for c in contracted)):
        if uscc and len(uscc) != USCC_LENGTH:
            problems.add(field, uscc, "uscc.length", f"a USCC has {USCC_LENGTH} characters")
    life = message.design_life_years if message.HasField("design_life_years") else None
    if life is not None and life <= 0:
        problems.add(f"{path}.design_life_years", life, "positive", "must be positive")
    return Cylinder(
        id=f"CY-{tag}",
        tag=tag,
        registration_code=message.registration_code,
        serial_number=message.serial_number,
        property_unit_uscc=prop,
        filling_station_uscc=station,
        contracted_stations=contracted,
        medium=message.medium,
        catalog_code=message.catalog_code or "2300",
        manufactured_on=cc.parse_date(problems, f"{path}.manufactured_on", message.manufactured_on),
        design_life_years=life,
        last_inspection_on=cc.parse_date(problems, f"{path}.last_inspection_on", message.last_inspection_on),
        next_inspection_due=cc.parse_date(problems, f"{path}.next_inspection_due", message.next_inspection_due),
    )


def _fill_from_proto(message: traceability_pb2.Fill, path: str) -> FillRequest:
    problems = convert.Violations()
    tag = _tag(problems, f"{path}.cylinder", message.cylinder)
    station = _unit_field(problems, f"{path}.station", message.station)
    if not message.filler_id.strip():
        problems.add(f"{path}.filler_id", message.filler_id, "required", "the filler's person id is required")
    if not message.medium.strip():
        problems.add(f"{path}.medium", message.medium, "required", "the medium about to be filled is required")
    cc.max_length(problems, f"{path}.filler_id", message.filler_id, 64)
    cc.max_length(problems, f"{path}.medium", message.medium, 64)
    cc.max_length(problems, f"{path}.fill_id", message.fill_id, 128)
    at = cc.to_datetime(problems, f"{path}.fill_time", message.fill_time, message.HasField("fill_time"))
    quantity = message.quantity_kg if message.HasField("quantity_kg") else None
    if quantity is not None and not quantity >= 0:
        problems.add(f"{path}.quantity_kg", quantity, "non_negative", "cannot be negative")
    problems.raise_if_any()
    assert at is not None
    return FillRequest(
        tag=tag,
        station_uscc=station,
        filler_id=message.filler_id.strip(),
        medium=message.medium,
        at=at,
        quantity_kg=quantity,
        pre_checks=tuple(message.pre_checks),
        post_checks=tuple(message.post_checks),
        fill_id=message.fill_id.strip() or None,
    )


class TraceabilityServicer(traceability_pb2_grpc.TraceabilityServiceServicer):
    def __init__(self, sdk: Dualprev) -> None:
        self._sdk = sdk
        self._scope = ScopeLookups(sdk)

    def _load(self, principal: Principal, name: str, field: str = "name") -> Cylinder:
        tag = cc.parse_simple_name(name, "cylinders", field)
        with self._sdk.uow() as uow:
            cylinder = uow.cylinders.find_by_tag(tag)
        if cylinder is None:
            raise hidden_absence(principal, name) or NotFound("cylinder", tag)
        return cylinder

    def _inspected_by(self, cylinder: Cylinder, agency: str) -> bool:
        with self._sdk.uow() as uow:
            events = uow.cylinders.events_for(cylinder.id)
        return any(e.kind is CylinderEventKind.INSPECTED and e.detail.get("agency") == agency for e in events)

    def _require(self, principal: Principal, capability: Capability, cylinder: Cylinder) -> None:
        owners = {cylinder.filling_station_uscc, cylinder.property_unit_uscc, *cylinder.contracted_stations} - {""}
        uscc = principal.scope if principal.scope in owners else cylinder.filling_station_uscc
        require_capability(
            principal,
            capability,
            cylinder_name(cylinder.tag),
            uscc=uscc,
            region_code=self._scope.region_for(principal, cylinder.filling_station_uscc),
            agency_involved=lambda: self._inspected_by(cylinder, principal.scope),
        )

    # -- cylinders ------------------------------------------------------------------------------------------------

    def RegisterCylinders(
        self, request: traceability_pb2.RegisterCylindersRequest, context: grpc.ServicerContext
    ) -> traceability_pb2.RegisterCylindersResponse:
        principal = current_principal()
        station = convert.parse_unit_name(request.parent, "parent")
        self._scope.require(principal, Capability.REGISTER_CYLINDERS, station)
        problems = convert.Violations()
        if not request.cylinders:
            problems.add("cylinders", [], "required", "send at least one cylinder")
        if len(request.cylinders) > MAX_REGISTER:
            problems.add("cylinders", len(request.cylinders), "max_items", f"at most {MAX_REGISTER} per call")
        cylinders = [
            _cylinder_from_proto(c, station, f"cylinders[{i}]", problems) for i, c in enumerate(request.cylinders)
        ]
        problems.raise_if_any()
        count = use_cases.register_cylinders(self._sdk, cylinders)
        return traceability_pb2.RegisterCylindersResponse(
            registered_count=count, names=[cylinder_name(c.tag) for c in cylinders]
        )

    def GetCylinder(
        self, request: traceability_pb2.GetCylinderRequest, context: grpc.ServicerContext
    ) -> traceability_pb2.Cylinder:
        principal = current_principal()
        cylinder = self._load(principal, request.name)
        self._require(principal, Capability.READ_CYLINDER, cylinder)
        return _cylinder_to_proto(cylinder)

    def TraceCylinder(
        self, request: traceability_pb2.TraceCylinderRequest, context: grpc.ServicerContext
    ) -> traceability_pb2.TraceCylinderResponse:
        principal = current_principal()
        cylinder = self._load(principal, request.name)
        self._require(principal, Capability.READ_CYLINDER, cylinder)
        trace = use_cases.trace_cylinder(self._sdk, cylinder.tag)
        return traceability_pb2.TraceCylinderResponse(
            cylinder=_cylinder_to_proto(trace.cylinder), events=[_event_to_proto(e) for e in trace.events]
        )

    # -- fills ------------------------------------------------------------------------------------------------------

    def RecordFill(
        self, request: traceability_pb2.RecordFillRequest, context: grpc.ServicerContext
    ) -> traceability_pb2.FillOutcome:
        principal = current_principal()
        fill = _fill_from_proto(request.fill, "fill")
        self._scope.require(principal, Capability.RECORD_FILL, fill.station_uscc)
        outcome = use_cases.record_fill(self._sdk, fill)
        return traceability_pb2.FillOutcome(
            cylinder=cylinder_name(outcome.tag),
            accepted=outcome.accepted,
            refusals=[_refusal_to_proto(r) for r in outcome.refusals],
            duplicate=outcome.duplicate,
        )

    def RecordFills(
        self, request_iterator: Iterator[traceability_pb2.RecordFillsRequest], context: grpc.ServicerContext
    ) -> traceability_pb2.RecordFillsResponse:
        """Fills are checked as they arrive; a bad or foreign fill ends the call with its index, after the
        chunks before it were committed (each chunk is its own transaction, as in the SDK)."""
        principal = current_principal()
        allowed: set[str] = set()

        def fills() -> Iterator[FillRequest]:
            index = 0  # across messages: the position of the fill in the whole stream
            for item in request_iterator:
                for message in item.fills:
                    fill = _fill_from_proto(message, f"fills[{index}]")
                    if fill.station_uscc not in allowed:
                        self._scope.require(principal, Capability.RECORD_FILL, fill.station_uscc)
                        allowed.add(fill.station_uscc)
                    index += 1
                    yield fill

        summary = use_cases.record_fills(self._sdk, fills())
        return traceability_pb2.RecordFillsResponse(
            filled_count=summary.fills,
            refused_count=summary.refused,
            chunk_count=summary.chunks,
            refusals_by_reason=dict(summary.refusals_by_reason),
            duplicate_count=summary.duplicates,
        )

    # -- flow, inspection, scrapping ----------------------------------------------------------------------------

    def RecordCylinderFlow(
        self, request: traceability_pb2.RecordCylinderFlowRequest, context: grpc.ServicerContext
    ) -> traceability_pb2.CylinderEvent:
        principal = current_principal()
        problems = convert.Violations()
        kind = cc.enum_from_proto(
            problems,
            "kind",
            request.kind,
            (traceability_pb2.CylinderEventKind, CylinderEventKind, "CYLINDER_EVENT_KIND_"),
            required=True,
        )
        if kind is not None and kind not in _FLOW_KINDS:
            problems.add("kind", request.kind, "cylinder.flow_kind", "DISPATCHED, DELIVERED or RETURNED")
        at = cc.to_datetime(problems, "event_time", request.event_time, request.HasField("event_time"))
        cc.max_length(problems, "party", request.party, 200)
        problems.raise_if_any()
        assert kind is not None
        assert at is not None
        cylinder = self._load(principal, request.name)
        self._require(principal, Capability.RECORD_CYLINDER_FLOW, cylinder)
        event = use_cases.record_flow(
            self._sdk, cylinder.tag, kind, at=at, station_uscc=principal.scope, party=request.party
        )
        return _event_to_proto(event)

    def RecordCylinderInspection(
        self, request: traceability_pb2.RecordCylinderInspectionRequest, context: grpc.ServicerContext
    ) -> traceability_pb2.Cylinder:
        principal = current_principal()
        problems = convert.Violations()
        inspected_on = cc.parse_date(problems, "inspected_on", request.inspected_on, required=True)
        next_due = cc.parse_date(problems, "next_due", request.next_due)
        if not request.conclusion.strip():
            problems.add("conclusion", request.conclusion, "required", "the inspection's conclusion is required")
        problems.raise_if_any()
        assert inspected_on is not None
        cylinder = self._load(principal, request.name)
        # The agency records an inspection it performed itself (any registered cylinder may be brought to it);
        # the record names the calling agency, so it can only speak for itself.
        require_capability(
            principal, Capability.RECORD_CYLINDER_INSPECTION, cylinder_name(cylinder.tag), agency_involved=lambda: True
        )
        updated = use_cases.record_inspection(
            self._sdk,
            cylinder.tag,
            inspected_on=inspected_on,
            conclusion=request.conclusion.strip(),
            next_due=next_due,
            agency=principal.scope,
            report_number=request.report_number,
        )
        return _cylinder_to_proto(updated)

    def ScrapCylinder(
        self, request: traceability_pb2.ScrapCylinderRequest, context: grpc.ServicerContext
    ) -> traceability_pb2.Cylinder:
        principal = current_principal()
        problems = convert.Violations()
        on = cc.parse_date(problems, "scrapped_on", request.scrapped_on, required=True)
        if not request.reason.strip():
            problems.add("reason", request.reason, "required", "scrapping records why")
        problems.raise_if_any()
        assert on is not None
        cylinder = self._load(principal, request.name)
        self._require(principal, Capability.SCRAP_CYLINDER, cylinder)
        return _cylinder_to_proto(use_cases.scrap_cylinder(self._sdk, cylinder.tag, on=on, reason=request.reason))

    # -- warnings and loading ---------------------------------------------------------------------------------------

    def ListCylinderWarnings(
        self, request: traceability_pb2.ListCylinderWarningsRequest, context: grpc.ServicerContext
    ) -> traceability_pb2.ListCylinderWarningsResponse:
        principal = current_principal()
        station = convert.parse_unit_name(request.parent, "parent", allow_wildcard=True)
        problems = convert.Violations()
        day = cc.parse_date(problems, "day", request.day) or timeutil.today()
        if request.window_days < 0 or request.window_days > 3660:
            problems.add("window_days", request.window_days, "range", "0 (default 30) to 3660 days")
        problems.raise_if_any()
        station_filter: str | None = None
        region_filter: str | None = None
        if station == "-":
            # every station the caller may see: the data centre all, a regulator those of its region (by the
            # station unit's region code), an enterprise its own; an agency reads no station's warnings
            if not may_use(
                principal, Capability.READ_CYLINDER_WARNINGS, uscc=principal.scope, region_code=principal.scope
            ):
                raise PermissionDenied(f"{principal} may not {Capability.READ_CYLINDER_WARNINGS.value} any station")
            if principal.kind is PrincipalKind.ENTERPRISE:
                station_filter = principal.scope
            elif principal.kind is PrincipalKind.REGULATOR:
                region_filter = principal.scope
        else:
            self._scope.require(principal, Capability.READ_CYLINDER_WARNINGS, station)
            station_filter = station
        tags: dict[str, str] = {}

        def fetch(after: str | None, limit: int) -> list[TraceWarning]:
            found = use_cases.cylinder_warnings(
                self._sdk,
                day=day,
                station_uscc=station_filter,
                region_prefix=region_filter,
                window_days=request.window_days or 30,
                after=after,
                limit=limit,
            )
            with self._sdk.uow() as uow:
                tags.update({c.id: c.tag for c in uow.cylinders.by_ids(w.cylinder_id for w in found).values()})
            return found

        warnings, token = cc.keyset_page(
            fetch,
            lambda w: use_cases.cylinder_warning_key(tags.get(w.cylinder_id, w.cylinder_id), w.kind),
            request.page_size,
            request.page_token,
            station,
            day.isoformat(),
            str(request.window_days),
        )
        return traceability_pb2.ListCylinderWarningsResponse(
            next_page_token=token,
            warnings=[
                traceability_pb2.CylinderWarning(
                    kind=cc.enum_to_proto(  # type: ignore[arg-type]
                        w.kind, traceability_pb2.CylinderWarningKind, "CYLINDER_WARNING_KIND_"
                    ),
                    cylinder=cylinder_name(tags.get(w.cylinder_id, w.cylinder_id)),
                    message=w.message,
                )
                for w in warnings
            ],
        )

    def RecordLoading(
        self, request: traceability_pb2.RecordLoadingRequest, context: grpc.ServicerContext
    ) -> traceability_pb2.LoadingOutcome:
        principal = current_principal()
        problems = convert.Violations()
        equipment_id = ""
        try:
            _, equipment_id = convert.parse_equipment_name(request.equipment, "equipment")
        except InvalidArgument as exc:
            problems.items.extend(exc.violations)
        station = _unit_field(problems, "station", request.station)
        if not request.operator_id.strip():
            problems.add("operator_id", request.operator_id, "required", "the operator's person id is required")
        if not request.medium.strip():
            problems.add("medium", request.medium, "required", "the medium is required")
        cc.max_length(problems, "operator_id", request.operator_id, 64)
        cc.max_length(problems, "medium", request.medium, 64)
        at = cc.to_datetime(problems, "loading_time", request.loading_time, request.HasField("loading_time"))
        quantity = request.quantity_kg if request.HasField("quantity_kg") else None
        if quantity is not None and not quantity >= 0:
            problems.add("quantity_kg", quantity, "non_negative", "cannot be negative")
        problems.raise_if_any()
        assert at is not None
        self._scope.require(principal, Capability.RECORD_LOADING, station)
        try:
            outcome = use_cases.record_loading(
                self._sdk,
                LoadingRequest(
                    equipment_id=equipment_id,
                    station_uscc=station,
                    operator_id=request.operator_id.strip(),
                    medium=request.medium,
                    at=at,
                    unloading=request.unloading,
                    quantity_kg=quantity,
                ),
            )
        except InvalidArgument as exc:
            raise convert.in_proto_terms(exc, "", {"equipment": "equipment_id"}) from None
        return traceability_pb2.LoadingOutcome(
            equipment=request.equipment,
            accepted=outcome.accepted,
            refusals=[_refusal_to_proto(r) for r in outcome.refusals],
        )
