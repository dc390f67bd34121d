"""SupervisionService: plans, the inspectors roster, 双随机 draws, widespread alerts and statistics over
``dualprev_sdk.services.supervision`` and ``dualprev_sdk.services.statistics``.

Thin: parse, authorise with ``access.require_capability`` (policy as data in ``access.CAPABILITY_ACTORS``), call
the SDK, translate back. Everything here is the regulator's, within its region; the data centre reads; published
results (一公开) are public to any authenticated caller. A region wider than the caller's is PERMISSION_DENIED,
not silently narrowed: a plan or a figure must cover what its region says. A draw's name does not carry its
region, so a missing draw looks like an out-of-scope one (PERMISSION_DENIED) to everyone but the data centre.
"""

from __future__ import annotations

import datetime as dt
import re

import grpc

from dualprev_gateway import capability_convert as cc
from dualprev_gateway import convert
from dualprev_gateway._generated.dualprev.v1 import supervision_pb2 as pb
from dualprev_gateway._generated.dualprev.v1 import supervision_pb2_grpc
from dualprev_gateway.auth import current_principal
from dualprev_gateway.resource_scope import ScopeLookups, hidden_absence
from dualprev_sdk import timeutil
from dualprev_sdk.access import Capability, Principal, require_capability
from dualprev_sdk.domain.supervision import (
    InspectionOutcome,
    Inspector,
    RecordedDraw,
    SupervisionPlan,
    TargetResult,
    WidespreadAlert,
)
from dualprev_sdk.errors import InvalidArgument, NotFound
from dualprev_sdk.services import statistics
from dualprev_sdk.services import supervision as use_cases
from dualprev_sdk.services.bootstrap import Dualprev

__all__ = ["SupervisionServicer"]

_OUTCOME = (pb.InspectionOutcome, InspectionOutcome, "INSPECTION_OUTCOME_")
_PLAN_NAME = re.compile(r"^regions/(\d{2}(?:\d{2}){0,2})/supervisionPlans/(\d{4})$")
_GROUPING = {
    pb.STATISTICS_GROUPING_UNSPECIFIED: statistics.GroupBy.REGION,
    pb.STATISTICS_GROUPING_REGION: statistics.GroupBy.REGION,
    pb.STATISTICS_GROUPING_LEVEL: statistics.GroupBy.LEVEL,
    pb.STATISTICS_GROUPING_INDUSTRY: statistics.GroupBy.INDUSTRY,
    pb.STATISTICS_GROUPING_GRID: statistics.GroupBy.GRID,
    pb.STATISTICS_GROUPING_CLASS: statistics.GroupBy.CLASS,
}
_MIN_YEAR, _MAX_YEAR = 2000, 2100


def draw_name(draw_id: str) -> str:
    return f"samplingDraws/{draw_id}"


def plan_name(region_code: str, year: int) -> str:
    return f"regions/{region_code}/supervisionPlans/{year}"


def _plan_to_proto(plan: SupervisionPlan) -> pb.SupervisionPlan:
    return pb.SupervisionPlan(
        name=plan_name(plan.region_code, plan.year),
        region_code=plan.region_code,
        year=plan.year,
        units=[
            pb.PlanUnit(
                unit=convert.unit_name(u.uscc),
                display_name=u.name,
                region_code=u.region_code,
                risk_level=int(u.risk_level),
                credit_class=u.credit_class.value,
                inspections_per_year=u.inspections_per_year,
                key_unit=u.key_unit,
                reasons=list(u.reasons),
            )
            for u in plan.units
        ],
        key_units=[convert.unit_name(u.uscc) for u in plan.key_units],
        visits=[pb.PlannedVisit(unit=convert.unit_name(uscc), visit_on=day.isoformat()) for uscc, day in plan.visits],
        create_time=cc.timestamp(plan.created_at),
        version=plan.version,
    )


def _result_to_proto(result: TargetResult, draw_id: str = "") -> pb.DrawResult:
    return pb.DrawResult(
        unit=convert.unit_name(result.uscc),
        outcome=cc.enum_to_proto(result.outcome, pb.InspectionOutcome, "INSPECTION_OUTCOME_"),  # type: ignore[arg-type]
        inspected_on=result.inspected_on.isoformat(),
        note=result.note,
        draw=draw_name(draw_id) if draw_id else "",
    )


def _draw_to_proto(recorded: RecordedDraw) -> pb.SamplingDraw:
    teams = {t.uscc: t.inspectors for t in recorded.draw.teams}
    return pb.SamplingDraw(
        name=draw_name(recorded.id),
        region_code=recorded.region_code,
        title=recorded.title,
        seed=recorded.draw.seed,
        inputs_sha256=recorded.draw.inputs_sha256,
        targets=[
            pb.DrawTarget(
                unit=convert.unit_name(uscc),
                stratum=stratum,
                inspectors=[f"inspectors/{i}" for i in teams.get(uscc, ())],
            )
            for uscc, stratum in recorded.draw.targets
        ],
        draw_time=cc.timestamp(recorded.drawn_at),
        drawn_by=recorded.drawn_by,
        published_on=cc.iso(recorded.published_on),
        results=[_result_to_proto(r) for _, r in sorted(recorded.results.items())],
    )


def _inspector_to_proto(inspector: Inspector) -> pb.Inspector:
    return pb.Inspector(
        name=f"inspectors/{inspector.id}",
        display_name=inspector.name,
        conflicts=[convert.unit_name(u) for u in sorted(inspector.conflicts)],
    )


def _alert_to_proto(alert: WidespreadAlert) -> pb.WidespreadAlert:
    return pb.WidespreadAlert(
        name=f"widespreadAlerts/{alert.id}",
        scope_kind=alert.scope_kind,
        scope=alert.scope,
        signature=alert.signature,
        units=[convert.unit_name(u) for u in alert.units],
        hazards=[f"hazards/{h}" for h in alert.hazards],
        window_start=alert.window_start.isoformat(),
        window_end=alert.window_end.isoformat(),
        open=alert.open,
    )


class SupervisionServicer(supervision_pb2_grpc.SupervisionServiceServicer):
    def __init__(self, sdk: Dualprev) -> None:
        self._sdk = sdk
        self._scope = ScopeLookups(sdk)

    # -- helpers ----------------------------------------------------------------------------------------------------

    def _draw(self, principal: Principal, capability: Capability, name: str) -> RecordedDraw:
        draw_id = cc.parse_simple_name(name, "samplingDraws")
        try:
            recorded = use_cases.get_draw(self._sdk, draw_id)
        except NotFound as absent:
            raise hidden_absence(principal, name) or absent from None
        require_capability(principal, capability, name, region_code=recorded.region_code)
        return recorded

    # -- plans ------------------------------------------------------------------------------------------------------

    def PlanSupervision(self, request: pb.PlanSupervisionRequest, context: grpc.ServicerContext) -> pb.SupervisionPlan:
        principal = current_principal()
        if not _MIN_YEAR <= request.year <= _MAX_YEAR:
            raise InvalidArgument.single("year", request.year, "year.range", f"{_MIN_YEAR} to {_MAX_YEAR}")
        region = self._scope.region_wide(principal, request.region_code, Capability.PLAN_SUPERVISION, "region_code")
        plan = use_cases.plan_supervision(self._sdk, region_code=region, year=request.year, actor=cc.actor(principal))
        return _plan_to_proto(plan)

    def GetSupervisionPlan(
        self, request: pb.GetSupervisionPlanRequest, context: grpc.ServicerContext
    ) -> pb.SupervisionPlan:
        principal = current_principal()
        match = _PLAN_NAME.match(request.name)
        if match is None:
            raise InvalidArgument.single(
                "name", request.name, "resource_name.plan", "expected `regions/{region}/supervisionPlans/{year}`"
            )
        region, year = match.group(1), int(match.group(2))
        require_capability(principal, Capability.READ_SUPERVISION, request.name, region_code=region)
        with self._sdk.uow() as uow:
            plan = uow.supervision.find_plan(region, year)
        if plan is None:
            raise NotFound("supervision plan", request.name)
        return _plan_to_proto(plan)

    # -- inspectors -------------------------------------------------------------------------------------------------

    def AddInspector(self, request: pb.AddInspectorRequest, context: grpc.ServicerContext) -> pb.Inspector:
        principal = current_principal()
        problems = convert.Violations()
        if not convert.EQUIPMENT_ID.match(request.inspector_id):
            problems.add("inspector_id", request.inspector_id, "id.format", "1-63 of a-z 0-9 -, starting alphanumeric")
        if not request.inspector.display_name.strip():
            problems.add("inspector.display_name", request.inspector.display_name, "required", "a name is required")
        cc.max_length(problems, "inspector.display_name", request.inspector.display_name, 100)
        conflicts = []
        for i, name in enumerate(request.inspector.conflicts):
            try:
                conflicts.append(convert.parse_unit_name(name, f"inspector.conflicts[{i}]"))
            except InvalidArgument as exc:
                problems.items.extend(exc.violations)
        problems.raise_if_any()
        region = self._scope.region_wide(principal, request.region_code, Capability.MANAGE_INSPECTORS, "region_code")
        inspector = use_cases.add_inspector(
            self._sdk,
            inspector_id=request.inspector_id,
            name=request.inspector.display_name.strip(),
            region_code=region,
            actor=cc.actor(principal),
            conflicts=conflicts,
        )
        return _inspector_to_proto(inspector)

    def ListInspectors(
        self, request: pb.ListInspectorsRequest, context: grpc.ServicerContext
    ) -> pb.ListInspectorsResponse:
        principal = current_principal()
        region = self._scope.region_wide(principal, request.region_code, Capability.READ_SUPERVISION, "region_code")
        inspectors, token = cc.paginate(  # in memory: a region's roster of enforcement staff is small by nature
            use_cases.list_inspectors(self._sdk, region_prefix=region),
            lambda i: i.id,
            request.page_size,
            request.page_token,
            region,
        )
        return pb.ListInspectorsResponse(inspectors=[_inspector_to_proto(i) for i in inspectors], next_page_token=token)

    # -- draws ------------------------------------------------------------------------------------------------------

    def DrawInspections(self, request: pb.DrawInspectionsRequest, context: grpc.ServicerContext) -> pb.SamplingDraw:
        principal = current_principal()
        problems = convert.Violations()
        if request.draw_id and not convert.EQUIPMENT_ID.match(request.draw_id):
            problems.add("draw_id", request.draw_id, "id.format", "1-63 of a-z 0-9 -")
        cc.max_length(problems, "title", request.title, 200)
        problems.raise_if_any()
        region = self._scope.region_wide(principal, request.region_code, Capability.DRAW_INSPECTIONS, "region_code")
        recorded = use_cases.draw_inspections(
            self._sdk,
            region_code=region,
            seed=request.seed,
            actor=cc.actor(principal),
            title=request.title,
            draw_id=request.draw_id or None,
        )
        return _draw_to_proto(recorded)

    def GetSamplingDraw(self, request: pb.GetSamplingDrawRequest, context: grpc.ServicerContext) -> pb.SamplingDraw:
        principal = current_principal()
        return _draw_to_proto(self._draw(principal, Capability.READ_SUPERVISION, request.name))

    def VerifySamplingDraw(
        self, request: pb.VerifySamplingDrawRequest, context: grpc.ServicerContext
    ) -> pb.DrawVerification:
        principal = current_principal()
        recorded = self._draw(principal, Capability.READ_SUPERVISION, request.name)
        verification = use_cases.verify_draw(self._sdk, recorded.id)
        return pb.DrawVerification(
            draw=draw_name(recorded.id),
            reproduced=verification.ok,
            stored_sha256=verification.stored_sha256,
            snapshot_sha256=verification.snapshot_sha256,
            problems=list(verification.problems),
        )

    def RecordDrawResult(self, request: pb.RecordDrawResultRequest, context: grpc.ServicerContext) -> pb.DrawResult:
        principal = current_principal()
        result = request.result
        problems = convert.Violations()
        uscc = ""
        try:
            uscc = convert.parse_unit_name(result.unit, "result.unit")
        except InvalidArgument as exc:
            problems.items.extend(exc.violations)
        outcome = cc.enum_from_proto(problems, "result.outcome", result.outcome, _OUTCOME, required=True)
        inspected_on = cc.parse_date(problems, "result.inspected_on", result.inspected_on, required=True)
        problems.raise_if_any()
        assert outcome is not None
        assert inspected_on is not None
        recorded = self._draw(principal, Capability.RECORD_DRAW_RESULT, request.name)
        if uscc not in recorded.draw.target_usccs:
            raise InvalidArgument.single("result.unit", result.unit, "draw.target", "not a target of this draw")
        stored = use_cases.record_draw_result(
            self._sdk,
            recorded.id,
            uscc=uscc,
            outcome=outcome,
            inspected_on=inspected_on,
            actor=cc.actor(principal),
            note=result.note,
        )
        return _result_to_proto(stored, recorded.id)

    def PublishSamplingDraw(
        self, request: pb.PublishSamplingDrawRequest, context: grpc.ServicerContext
    ) -> pb.SamplingDraw:
        principal = current_principal()
        day = cc.date_or_none(request.published_on, "published_on") or timeutil.today()
        recorded = self._draw(principal, Capability.RECORD_DRAW_RESULT, request.name)
        use_cases.publish_draw(self._sdk, recorded.id, day=day, actor=cc.actor(principal))
        return _draw_to_proto(use_cases.get_draw(self._sdk, recorded.id))

    def ListPublishedResults(
        self, request: pb.ListPublishedResultsRequest, context: grpc.ServicerContext
    ) -> pb.ListPublishedResultsResponse:
        principal = current_principal()
        region = self._scope.region_wide(principal, request.region_code, Capability.READ_PUBLICATION, "region_code")
        token_in = request.page_token

        def fetch(after: str | None, limit: int) -> list[tuple[RecordedDraw, TargetResult]]:
            key = None
            if after is not None:
                drawn_at, draw_id, uscc = cc.key_parts(token_in, after, 3)
                key = (cc.key_datetime(token_in, drawn_at), draw_id, uscc)
            return use_cases.published_results(self._sdk, region_prefix=region, after=key, limit=limit)

        rows, token = cc.keyset_page(
            fetch,
            lambda row: f"{row[0].drawn_at.astimezone(dt.UTC).isoformat()}|{row[0].id}|{row[1].uscc}",
            request.page_size,
            request.page_token,
            region,
        )
        return pb.ListPublishedResultsResponse(
            results=[_result_to_proto(r, d.id) for d, r in rows], next_page_token=token
        )

    # -- alerts and statistics ----------------------------------------------------------------------------------

    def DetectWidespreadHazards(
        self, request: pb.DetectWidespreadHazardsRequest, context: grpc.ServicerContext
    ) -> pb.DetectWidespreadHazardsResponse:
        principal = current_principal()
        day = cc.date_or_none(request.day, "day")
        region = self._scope.region_wide(principal, request.region_code, Capability.DETECT_WIDESPREAD, "region_code")
        alerts = use_cases.detect_widespread_hazards(self._sdk, region_prefix=region, today=day)
        return pb.DetectWidespreadHazardsResponse(alerts=[_alert_to_proto(a) for a in alerts])

    def ListWidespreadAlerts(
        self, request: pb.ListWidespreadAlertsRequest, context: grpc.ServicerContext
    ) -> pb.ListWidespreadAlertsResponse:
        principal = current_principal()
        region = self._scope.region_wide(principal, request.region_code, Capability.READ_SUPERVISION, "region_code")
        alerts = use_cases.list_alerts(self._sdk, open_only=not request.include_closed, region_prefix=region)
        return pb.ListWidespreadAlertsResponse(alerts=[_alert_to_proto(a) for a in alerts])

    def GetRegionalStatistics(
        self, request: pb.GetRegionalStatisticsRequest, context: grpc.ServicerContext
    ) -> pb.GetRegionalStatisticsResponse:
        principal = current_principal()
        day = cc.date_or_none(request.day, "day")
        grouping = _GROUPING.get(request.group_by)
        if grouping is None:
            raise InvalidArgument.single("group_by", request.group_by, "enum.known", "unknown StatisticsGrouping")
        region = self._scope.region_wide(principal, request.region_code, Capability.READ_STATISTICS, "region_code")
        nodes = statistics.regional_statistics(self._sdk, region_prefix=region, by=grouping, today=day)
        return pb.GetRegionalStatisticsResponse(
            nodes=[
                pb.StatisticsNode(
                    key=n.key,
                    display_name=n.name,
                    depth=n.depth,
                    unit_count=n.units,
                    equipment_count=n.equipment,
                    equipment_in_use_count=n.equipment_in_use,
                    open_hazards=dict(n.open_hazards),
                    overdue_inspection_count=n.overdue_inspections,
                    credit_classes=dict(n.credit_classes),
                    risk_levels=dict(n.risk_levels),
                )
                for n in nodes
            ]
        )
