"""InspectionService over ``dualprev_sdk.services.inspections``: records and due dates, reminders, the overdue
listing and sweep, agency findings and regulator notices.

Each method: parse, check the capability (``dualprev_sdk.access.CAPABILITY_ACTORS``) against the unit or the
region named in the request, call the SDK use case, convert back. Region-wide calls take ``regions/{code}``; a
regulator may name its own region or a part of it, never a wider one.
"""

from __future__ import annotations

import hashlib
import uuid

import attrs
import grpc

from dualprev_gateway import convert
from dualprev_gateway import inspection_convert as ic
from dualprev_gateway._generated.dualprev.v1 import inspections_pb2, inspections_pb2_grpc
from dualprev_gateway.auth import current_principal
from dualprev_gateway.capability_convert import actor, date_or_none, iso
from dualprev_gateway.resource_scope import ScopeLookups
from dualprev_sdk.access import Capability, PrincipalKind
from dualprev_sdk.domain.inspection import AgencyFinding, AgencySubmission, InspectionRecord, RegulatorNoticeKind
from dualprev_sdk.errors import InvalidArgument
from dualprev_sdk.services import inspections as use_cases
from dualprev_sdk.services.bootstrap import Dualprev

__all__ = ["InspectionServicer"]

_RECORD_ERROR_FIELDS = {"inspected_on": "inspected_on", "kind": "kind", "agency": "agency", "id": "inspection_id"}


class InspectionServicer(inspections_pb2_grpc.InspectionServiceServicer):
    def __init__(self, sdk: Dualprev) -> None:
        self._sdk = sdk
        self._scope = ScopeLookups(sdk)

    # -- records ----------------------------------------------------------------------------------------------

    def RecordInspection(
        self, request: inspections_pb2.RecordInspectionRequest, context: grpc.ServicerContext
    ) -> inspections_pb2.RecordInspectionResponse:
        principal = current_principal()
        uscc, equipment_id = self._scope.equipment(principal, request.parent, Capability.RECORD_INSPECTION, "parent")
        if request.inspection_id and not convert.EQUIPMENT_ID.match(request.inspection_id.lower()):
            raise InvalidArgument.single(
                "inspection_id", request.inspection_id, "inspection_id.format", "1-63 of a-z 0-9 and -"
            )
        record = ic.record_from_proto(
            request.inspection,
            record_id=request.inspection_id or f"insp-{uuid.uuid4().hex[:16]}",
            equipment_id=equipment_id,
        )
        if principal.kind is PrincipalKind.AGENCY:  # an agency records under its own id, nobody else's
            if record.agency not in ("", principal.scope):
                raise InvalidArgument.single(
                    "inspection.agency", record.agency, "inspection.agency.own", "an agency records its own reports"
                )
            record = _with_agency(record, principal.scope)
        try:
            recorded = use_cases.record_inspection(self._sdk, record)
        except InvalidArgument as exc:
            raise convert.in_proto_terms(exc, "inspection", _RECORD_ERROR_FIELDS) from None
        return inspections_pb2.RecordInspectionResponse(
            inspection=ic.inspection_to_proto(recorded.record, uscc),
            due_dates=[ic.due_date_to_proto(d) for d in recorded.due_dates],
            next_inspection_due=iso(recorded.equipment.next_inspection_due),
        )

    def GetInspectionValidity(
        self, request: inspections_pb2.GetInspectionValidityRequest, context: grpc.ServicerContext
    ) -> inspections_pb2.InspectionValidity:
        principal = current_principal()
        today = date_or_none(request.as_of, "as_of")
        uscc, equipment_id = self._scope.equipment(principal, request.name, Capability.READ_INSPECTIONS, "name")
        validity = use_cases.inspection_validity(self._sdk, equipment_id, today=today)
        return ic.validity_to_proto(validity, uscc)

    def ListInspectionReminders(
        self, request: inspections_pb2.ListInspectionRemindersRequest, context: grpc.ServicerContext
    ) -> inspections_pb2.ListInspectionRemindersResponse:
        principal = current_principal()
        parent = ic.parse_parent(request.parent)
        today = date_or_none(request.as_of, "as_of")
        limit = ic.bounded(request.max_reminders, "max_reminders", default=1000, maximum=10_000)
        self._scope.parent(principal, parent, Capability.READ_INSPECTIONS, request.parent)
        reminders = use_cases.inspection_reminders(
            self._sdk, today=today, unit_uscc=parent.uscc, region_prefix=parent.region, limit=limit
        )
        return inspections_pb2.ListInspectionRemindersResponse(reminders=[ic.reminder_to_proto(r) for r in reminders])

    # -- overdue ----------------------------------------------------------------------------------------------

    def GetOverdueListing(
        self, request: inspections_pb2.GetOverdueListingRequest, context: grpc.ServicerContext
    ) -> inspections_pb2.OverdueListing:
        principal = current_principal()
        parent = ic.parse_parent(request.parent)
        today = date_or_none(request.as_of, "as_of")
        limit = ic.overdue_page_size(request.max_items, request.page_size)
        catalog = request.catalog_code.strip().removesuffix("*")
        if catalog and not catalog.isdigit():
            raise InvalidArgument.single("catalog_code", request.catalog_code, "catalog_code.digits", "digits only")
        self._scope.parent(principal, parent, Capability.LIST_OVERDUE_INSPECTIONS, request.parent)
        query = (request.parent, request.as_of, catalog)
        after = ic.decode_overdue_token(request.page_token, *query)
        # keyset paging in the SDK's query: the page reads from the cursor on; the counts cover everything
        listing = use_cases.list_overdue(
            self._sdk,
            today=today,
            region_prefix=parent.region,
            catalog_prefix=catalog or None,
            unit_uscc=parent.uscc,
            limit=limit,
            after=after,
        )
        token = ic.encode_overdue_token(listing.next_after, *query) if listing.next_after is not None else ""
        return ic.overdue_listing_to_proto(listing, token)

    def SweepOverdueInspections(
        self, request: inspections_pb2.SweepOverdueInspectionsRequest, context: grpc.ServicerContext
    ) -> inspections_pb2.SweepOverdueInspectionsResponse:
        principal = current_principal()
        parent = ic.parse_parent(request.parent, units=False)
        self._scope.parent(principal, parent, Capability.SWEEP_OVERDUE_INSPECTIONS, request.parent)
        result = use_cases.sweep_overdue_inspections(
            self._sdk, region_prefix=parent.region, actor=f"{use_cases.SWEEP_ACTOR} for {actor(principal)}"
        )
        return inspections_pb2.SweepOverdueInspectionsResponse(
            detected=[ic.overdue_case_to_proto(c) for c in result.detected],
            opened=[ic.opened_to_proto(o) for o in result.opened],
            failed=[inspections_pb2.FailedCase(cause=cause, reason=reason) for cause, reason in result.failed],
        )

    # -- agencies and regulators ------------------------------------------------------------------------------

    def SubmitAgencyFindings(
        self, request: inspections_pb2.SubmitAgencyFindingsRequest, context: grpc.ServicerContext
    ) -> inspections_pb2.SubmitAgencyFindingsResponse:
        principal = current_principal()
        uscc, equipment_id = self._scope.equipment(
            principal, request.parent, Capability.SUBMIT_AGENCY_FINDINGS, "parent"
        )
        if request.inspection.agency not in ("", principal.scope):
            raise InvalidArgument.single(
                "inspection.agency", request.inspection.agency, "inspection.agency.own", "an agency submits its own"
            )
        if request.inspection_id and not convert.EQUIPMENT_ID.match(request.inspection_id.lower()):
            raise InvalidArgument.single(
                "inspection_id", request.inspection_id, "inspection_id.format", "1-63 of a-z 0-9 and -"
            )
        derived = hashlib.sha256(
            f"{principal.scope}\x1f{equipment_id}\x1f{request.inspection.report_number.strip()}".encode()
        ).hexdigest()[:20]
        record = ic.record_from_proto(
            request.inspection, record_id=request.inspection_id or f"insp-{derived}", equipment_id=equipment_id
        )
        submission = AgencySubmission(
            agency=principal.scope,
            record=_with_agency(record, principal.scope),
            findings=tuple(
                AgencyFinding(
                    code=f.code.strip(), description=f.description.strip(), serious=f.serious, location=f.location
                )
                for f in request.findings
            ),
            inspector=request.inspector,
        )
        try:
            result = use_cases.submit_agency_findings(self._sdk, submission, actor=actor(principal))
        except InvalidArgument as exc:
            raise convert.in_proto_terms(exc, "", {"inspection": "record"}) from None
        return inspections_pb2.SubmitAgencyFindingsResponse(
            inspection=ic.inspection_to_proto(result.recorded.record, uscc),
            due_dates=[ic.due_date_to_proto(d) for d in result.recorded.due_dates],
            hazards=[ic.opened_to_proto(h) for h in result.hazards],
            notices=list(result.notices),
            replayed=result.replayed,
        )

    def ListRegulatorNotices(
        self, request: inspections_pb2.ListRegulatorNoticesRequest, context: grpc.ServicerContext
    ) -> inspections_pb2.ListRegulatorNoticesResponse:
        principal = current_principal()
        parent = ic.parse_parent(request.parent, units=False)
        terms = convert.parse_filter(request.filter, ("kind",))
        kind: RegulatorNoticeKind | None = None
        if "kind" in terms:
            try:
                kind = RegulatorNoticeKind(terms["kind"])
            except ValueError:
                allowed = ", ".join(k.value for k in RegulatorNoticeKind)
                raise InvalidArgument.single(
                    "filter", terms["kind"], "filter.kind", f"kind is one of {allowed}"
                ) from None
        self._scope.parent(principal, parent, Capability.READ_REGULATOR_NOTICES, request.parent)
        notices = use_cases.list_regulator_notices(self._sdk, region_prefix=parent.region, kind=kind)
        return inspections_pb2.ListRegulatorNoticesResponse(notices=[ic.notice_to_proto(n) for n in notices])


def _with_agency(record: InspectionRecord, agency: str) -> InspectionRecord:
    return attrs.evolve(record, agency=agency)
