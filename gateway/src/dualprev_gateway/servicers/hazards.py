"""HazardService: the hazard loop's commands and reads over ``dualprev_sdk.services.hazards``.

Each command: parse, load the hazard, check ``access.require_hazard_command`` against the hazard's unit and
region, call the SDK use case (which enforces the state machine and idempotency), return the hazard.
Hazard names do not carry the unit, so a missing hazard looks exactly like an out-of-scope one
(PERMISSION_DENIED) to everyone but the data centre, which may see every hazard (AIP-211).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import grpc

from dualprev_gateway import convert
from dualprev_gateway import hazard_convert as hc
from dualprev_gateway._generated.dualprev.v1 import hazards_pb2, hazards_pb2_grpc
from dualprev_gateway.auth import current_principal
from dualprev_gateway.capability_convert import actor, keyset_page
from dualprev_gateway.resource_scope import ScopeLookups, hidden_absence
from dualprev_sdk import access
from dualprev_sdk.access import Principal
from dualprev_sdk.domain.hazard import Hazard, HazardCommand
from dualprev_sdk.errors import InvalidArgument, NotFound
from dualprev_sdk.services import hazards as use_cases
from dualprev_sdk.services.bootstrap import Dualprev

__all__ = ["HazardServicer"]

#: ReportHazardRequest field → report_hazard argument, to restate SDK violations in the client's terms.
_REPORT_FIELDS = {"parent": "unit_uscc", "equipment": "equipment_id", "hazard_id": "hazard_id"}


class HazardServicer(hazards_pb2_grpc.HazardServiceServicer):
    def __init__(self, sdk: Dualprev) -> None:
        self._sdk = sdk
        self._scope = ScopeLookups(sdk)

    # -- access helpers ---------------------------------------------------------------------------------------

    def _load(self, principal: Principal, name: str, field: str = "name") -> Hazard:
        hazard_id = hc.parse_hazard_name(name, field)
        try:
            hazard: Hazard = use_cases.get_hazard(self._sdk, hazard_id)
        except NotFound as absent:
            raise hidden_absence(principal, name) or absent from None
        return hazard

    def _command(
        self,
        name: str,
        command: HazardCommand,
        run: Callable[[str, str, str | None], use_cases.CommandResult],
        request_id: str,
    ) -> hazards_pb2.Hazard:
        """Load, authorise ``command``, then ``run(hazard_id, actor, request_id)``."""
        principal = current_principal()
        hazard = self._load(principal, name)
        access.require_hazard_command(
            principal,
            command,
            hazard.unit_uscc,
            self._scope.region_for(principal, hazard.unit_uscc),
            equipment_id=hazard.equipment_id,
            inspecting_agencies=self._scope.agencies(hazard.equipment_id),
        )
        result = run(hazard.id, actor(principal), request_id or None)
        return hc.hazard_to_proto(result.hazard)

    # -- commands ---------------------------------------------------------------------------------------------

    def ReportHazard(
        self, request: hazards_pb2.ReportHazardRequest, context: grpc.ServicerContext
    ) -> hazards_pb2.Hazard:
        principal = current_principal()
        uscc = convert.parse_unit_name(request.parent, "parent")
        problems = convert.Violations()
        equipment_id: str | None = None
        if request.equipment:
            try:
                equipment_uscc, equipment_id = convert.parse_equipment_name(request.equipment, "equipment")
            except InvalidArgument as exc:
                problems.items.extend(exc.violations)
            else:
                if equipment_uscc != uscc:
                    problems.add("equipment", request.equipment, "hazard.equipment.parent", "must be under `parent`")
        source = hc.source_from_proto(problems, "source", request.source)
        found_on = convert.parse_date(problems, "found_on", request.found_on, required=True)
        if not request.description.strip():
            problems.add("description", request.description, "required", "say what is wrong")
        problems.raise_if_any()
        assert source is not None
        assert found_on is not None
        access.require_hazard_command(
            principal,
            HazardCommand.REPORT,
            uscc,
            self._scope.region_for(principal, uscc),
            equipment_id=equipment_id,
            inspecting_agencies=self._scope.agencies(equipment_id),
        )
        report = functools.partial(
            use_cases.report_hazard,
            self._sdk,
            unit_uscc=uscc,
            equipment_id=equipment_id,
            source=source,
            source_reference=request.source_reference,
            description=request.description,
            found_on=found_on,
            finder=request.finder or actor(principal),
            actor=actor(principal),
            hazard_id=request.hazard_id or None,
            location=request.location,
            photos=tuple(request.photos),
            legal_basis=request.legal_basis,
            request_id=request.request_id or None,
        )
        try:
            result = report()
        except InvalidArgument as exc:  # the SDK names its arguments; the client sent proto fields
            raise convert.in_proto_terms(exc, "", _REPORT_FIELDS) from None
        return hc.hazard_to_proto(result.hazard)

    def RegisterHazard(
        self, request: hazards_pb2.RegisterHazardRequest, context: grpc.ServicerContext
    ) -> hazards_pb2.Hazard:
        return self._command(
            request.name,
            HazardCommand.REGISTER,
            lambda hazard_id, actor, rid: use_cases.register_hazard(
                self._sdk, hazard_id, actor=actor, note=request.note, request_id=rid
            ),
            request.request_id,
        )

    def GradeHazard(self, request: hazards_pb2.GradeHazardRequest, context: grpc.ServicerContext) -> hazards_pb2.Hazard:
        basis = request.WhichOneof("basis")
        if basis == "rules":
            rules = request.rules
            return self._command(
                request.name,
                HazardCommand.GRADE_BY_RULES,
                lambda hazard_id, actor, rid: use_cases.grade_hazard_by_rules(
                    self._sdk,
                    hazard_id,
                    actor=actor,
                    findings=tuple(rules.findings),
                    in_use=rules.in_use if rules.HasField("in_use") else None,
                    last_conclusion=rules.last_conclusion or None,
                    last_safety_grade=rules.last_safety_grade if rules.HasField("last_safety_grade") else None,
                    inspection_overdue=rules.inspection_overdue,
                    request_id=rid,
                ),
                request.request_id,
            )
        if basis == "person":
            problems = convert.Violations()
            level = hc.level_from_proto(problems, "person.level", request.person.level)
            if not request.person.reason.strip():
                problems.add("person.reason", request.person.reason, "required", "a person's grading needs a reason")
            problems.raise_if_any()
            assert level is not None
            return self._command(
                request.name,
                HazardCommand.GRADE_BY_PERSON,
                lambda hazard_id, actor, rid: use_cases.grade_hazard_by_person(
                    self._sdk, hazard_id, level=level, reason=request.person.reason, actor=actor, request_id=rid
                ),
                request.request_id,
            )
        raise InvalidArgument.single("basis", None, "required", "set `rules` or `person`")

    def PlanRectification(
        self, request: hazards_pb2.PlanRectificationRequest, context: grpc.ServicerContext
    ) -> hazards_pb2.Hazard:
        plan = hc.plan_from_proto(request.plan)
        return self._command(
            request.name,
            HazardCommand.PLAN_RECTIFICATION,
            lambda hazard_id, actor, rid: use_cases.plan_rectification(
                self._sdk, hazard_id, plan=plan, actor=actor, request_id=rid
            ),
            request.request_id,
        )

    def StartRectification(
        self, request: hazards_pb2.StartRectificationRequest, context: grpc.ServicerContext
    ) -> hazards_pb2.Hazard:
        return self._command(
            request.name,
            HazardCommand.START_RECTIFICATION,
            lambda hazard_id, actor, rid: use_cases.start_rectification(
                self._sdk, hazard_id, actor=actor, note=request.note, request_id=rid
            ),
            request.request_id,
        )

    def RecordRectified(
        self, request: hazards_pb2.RecordRectifiedRequest, context: grpc.ServicerContext
    ) -> hazards_pb2.Hazard:
        evidence = hc.evidence_from_proto(tuple(request.evidence))
        return self._command(
            request.name,
            HazardCommand.COMPLETE_RECTIFICATION,
            lambda hazard_id, actor, rid: use_cases.complete_rectification(
                self._sdk,
                hazard_id,
                measures_taken=request.measures_taken,
                evidence=evidence,
                actor=actor,
                request_id=rid,
            ),
            request.request_id,
        )

    def FixOnTheSpot(
        self, request: hazards_pb2.FixOnTheSpotRequest, context: grpc.ServicerContext
    ) -> hazards_pb2.Hazard:
        evidence = hc.evidence_from_proto(tuple(request.evidence))
        return self._command(
            request.name,
            HazardCommand.FIX_ON_THE_SPOT,
            lambda hazard_id, actor, rid: use_cases.fix_on_the_spot(
                self._sdk,
                hazard_id,
                measures_taken=request.measures_taken,
                evidence=evidence,
                actor=actor,
                request_id=rid,
            ),
            request.request_id,
        )

    def VerifyHazard(
        self, request: hazards_pb2.VerifyHazardRequest, context: grpc.ServicerContext
    ) -> hazards_pb2.Hazard:
        acceptance = hc.acceptance_from_proto(request.acceptance) if request.HasField("acceptance") else None
        return self._command(
            request.name,
            HazardCommand.VERIFY,
            lambda hazard_id, actor, rid: use_cases.verify_rectification(
                self._sdk, hazard_id, actor=actor, acceptance=acceptance, note=request.note, request_id=rid
            ),
            request.request_id,
        )

    def RejectVerification(
        self, request: hazards_pb2.RejectVerificationRequest, context: grpc.ServicerContext
    ) -> hazards_pb2.Hazard:
        return self._command(
            request.name,
            HazardCommand.REJECT_VERIFICATION,
            lambda hazard_id, actor, rid: use_cases.reject_verification(
                self._sdk, hazard_id, reason=request.reason, actor=actor, request_id=rid
            ),
            request.request_id,
        )

    def CloseOutHazard(
        self, request: hazards_pb2.CloseOutHazardRequest, context: grpc.ServicerContext
    ) -> hazards_pb2.Hazard:
        return self._command(
            request.name,
            HazardCommand.CLOSE_OUT,
            lambda hazard_id, actor, rid: use_cases.close_out_hazard(
                self._sdk, hazard_id, actor=actor, note=request.note, request_id=rid
            ),
            request.request_id,
        )

    def CancelHazard(
        self, request: hazards_pb2.CancelHazardRequest, context: grpc.ServicerContext
    ) -> hazards_pb2.Hazard:
        return self._command(
            request.name,
            HazardCommand.CANCEL,
            lambda hazard_id, actor, rid: use_cases.cancel_hazard(
                self._sdk, hazard_id, reason=request.reason, actor=actor, request_id=rid
            ),
            request.request_id,
        )

    def ListForSupervision(
        self, request: hazards_pb2.ListForSupervisionRequest, context: grpc.ServicerContext
    ) -> hazards_pb2.Hazard:
        problems = convert.Violations()
        deadline = convert.parse_date(problems, "deadline", request.deadline, required=True)
        if not request.authority.strip():
            problems.add("authority", request.authority, "required", "name the supervising authority")
        problems.raise_if_any()
        assert deadline is not None
        return self._command(
            request.name,
            HazardCommand.LIST_FOR_SUPERVISION,
            lambda hazard_id, actor, rid: use_cases.list_for_supervision(
                self._sdk, hazard_id, authority=request.authority, deadline=deadline, actor=actor, request_id=rid
            ),
            request.request_id,
        )

    def LiftSupervision(
        self, request: hazards_pb2.LiftSupervisionRequest, context: grpc.ServicerContext
    ) -> hazards_pb2.Hazard:
        return self._command(
            request.name,
            HazardCommand.LIFT_SUPERVISION,
            lambda hazard_id, actor, rid: use_cases.lift_supervision(
                self._sdk, hazard_id, actor=actor, reason=request.reason, request_id=rid
            ),
            request.request_id,
        )

    def AddHazardNote(
        self, request: hazards_pb2.AddHazardNoteRequest, context: grpc.ServicerContext
    ) -> hazards_pb2.Hazard:
        return self._command(
            request.name,
            HazardCommand.ADD_NOTE,
            lambda hazard_id, actor, rid: use_cases.add_hazard_note(
                self._sdk,
                hazard_id,
                text=request.text,
                actor=actor,
                attachments=tuple(request.attachments),
                request_id=rid,
            ),
            request.request_id,
        )

    # -- reads ------------------------------------------------------------------------------------------------

    def _require_read(self, principal: Principal, hazard: Hazard) -> None:
        access.require_hazard_read(
            principal,
            hazard.unit_uscc,
            self._scope.region_for(principal, hazard.unit_uscc),
            equipment_id=hazard.equipment_id,
            inspecting_agencies=self._scope.agencies(hazard.equipment_id),
        )

    def GetHazard(self, request: hazards_pb2.GetHazardRequest, context: grpc.ServicerContext) -> hazards_pb2.Hazard:
        principal = current_principal()
        hazard = self._load(principal, request.name)
        self._require_read(principal, hazard)
        return hc.hazard_to_proto(hazard)

    def ListHazards(
        self, request: hazards_pb2.ListHazardsRequest, context: grpc.ServicerContext
    ) -> hazards_pb2.ListHazardsResponse:
        principal = current_principal()
        parent = convert.parse_unit_name(request.parent, "parent", allow_wildcard=True)
        terms = convert.parse_filter(request.filter, ("state", "region_code"))
        state = hc.state_from_filter(terms["state"]) if "state" in terms else None
        wanted_region = terms.get("region_code", "").removesuffix("*") or None
        size = convert.page_size(request.page_size)
        scope = access.unit_scope(principal)
        unit_uscc = None if parent == "-" else parent
        inspected_by: str | None = None
        if scope.agency is not None:
            # an agency lists the hazards on the equipment it has inspection records for (a query by agency)
            if unit_uscc is not None:
                access.require_unit_read(principal, unit_uscc, None)
            inspected_by = scope.agency
        elif unit_uscc is not None:
            access.require_hazard_read(principal, unit_uscc, self._scope.region_for(principal, unit_uscc))
        elif scope.uscc is not None:
            unit_uscc = scope.uscc
        region = wanted_region
        if scope.region_prefix is not None:
            region = convert.narrow_region(scope.region_prefix, wanted_region)
            if region is None:
                return hazards_pb2.ListHazardsResponse()
        query: tuple[str, ...] = (unit_uscc or "", region or "", state.value if state else "")
        if inspected_by is not None:  # only then, so tokens issued before agencies could list keep working
            query = (*query, f"agency:{inspected_by}")
        hazards, token = keyset_page(
            lambda after, limit: use_cases.list_hazards(
                self._sdk,
                unit_uscc=unit_uscc,
                region_prefix=region,
                state=state,
                inspected_by=inspected_by,
                after=after,
                limit=limit,
            ),
            lambda hazard: hazard.id,
            size,
            request.page_token,
            *query,
        )
        return hazards_pb2.ListHazardsResponse(hazards=[hc.hazard_to_proto(h) for h in hazards], next_page_token=token)

    def VerifyChain(
        self, request: hazards_pb2.VerifyChainRequest, context: grpc.ServicerContext
    ) -> hazards_pb2.VerifyChainResponse:
        principal = current_principal()
        if request.name:
            hazard = self._load(principal, request.name)
            self._require_read(principal, hazard)
            report = use_cases.verify_hazard_chain(self._sdk, hazard.id)
        else:
            access.require_datacenter(principal, "verify every hazard chain")
            report = use_cases.verify_hazard_chain(self._sdk)
        return hazards_pb2.VerifyChainResponse(
            hazards_checked=report.hazards_checked,
            events_checked=report.events_checked,
            breaks=[
                hazards_pb2.ChainBreak(
                    hazard=hc.hazard_name(b.hazard_id),
                    sequence=b.sequence,
                    problem=b.problem,
                    expected=str(b.expected),
                    actual=str(b.actual),
                )
                for b in report.breaks
            ],
        )
