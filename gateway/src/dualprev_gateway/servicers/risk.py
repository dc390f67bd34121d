"""RiskService: risk points, their versions, the control list and the SVG documents over
``dualprev_sdk.services.risk``.

Each method: parse, check ``Capability.CHANGE_RISK_POINTS`` / ``READ_RISK_POINTS`` against the unit (and, for
an agency, the equipment it inspects), call the SDK use case, convert back. Risk point names do not carry the
unit, so a missing point looks like an out-of-scope one to everyone but the data centre (AIP-211).
"""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

import attrs
import grpc
from google.protobuf import empty_pb2

from dualprev_gateway import convert
from dualprev_gateway import risk_convert as rc
from dualprev_gateway._generated.dualprev.v1 import risk_pb2, risk_pb2_grpc
from dualprev_gateway.auth import current_principal
from dualprev_gateway.capability_convert import actor
from dualprev_gateway.resource_scope import ScopeLookups, hidden_absence
from dualprev_sdk.access import Capability, Principal
from dualprev_sdk.domain.risk import RiskPoint
from dualprev_sdk.errors import InvalidArgument, NotFound
from dualprev_sdk.reports.control_list import ControlListRow, write_control_list_csv, write_control_list_xlsx
from dualprev_sdk.services import risk as use_cases
from dualprev_sdk.services.bootstrap import Dualprev

__all__ = ["RiskServicer"]

#: RiskPoint attribute → proto field, to restate SDK violations in the client's terms.
_POINT_ERROR_FIELDS = {**rc.RISK_POINT_FIELDS, "equipment": "equipment_id", "risk_point_id": "id"}
_LIST_FILTERS = ("level", "equipment", "needs_review")


def _in_proto_terms(exc: InvalidArgument, prefix: str) -> InvalidArgument:
    return convert.in_proto_terms(exc, prefix, _POINT_ERROR_FIELDS)


class RiskServicer(risk_pb2_grpc.RiskServiceServicer):
    def __init__(self, sdk: Dualprev) -> None:
        self._sdk = sdk
        self._scope = ScopeLookups(sdk)

    # -- helpers ----------------------------------------------------------------------------------------------

    def _load(self, principal: Principal, name: str, capability: Capability, field: str = "name") -> RiskPoint:
        point_id = rc.parse_risk_point_name(name, field)
        with self._sdk.uow() as uow:
            point = uow.risk_points.find(point_id)
        if point is None:
            raise hidden_absence(principal, name) or NotFound("risk point", point_id)
        self._scope.require(principal, capability, point.unit_uscc, equipment_id=point.equipment_id, resource=name)
        return point

    def _equipment_of(self, uscc: str, name: str, field: str) -> str:
        equipment_uscc, equipment_id = convert.parse_equipment_name(name, field)
        if equipment_uscc != uscc:
            raise InvalidArgument.single(field, name, "risk.equipment.unit", "must be equipment of the unit")
        return equipment_id

    # -- identification and changes ---------------------------------------------------------------------------

    def IdentifyRisks(
        self, request: risk_pb2.IdentifyRisksRequest, context: grpc.ServicerContext
    ) -> risk_pb2.IdentifyRisksResponse:
        principal = current_principal()
        uscc = self._scope.unit(principal, request.parent, Capability.CHANGE_RISK_POINTS)
        problems = convert.Violations()
        equipment_ids: list[str] = []
        for i, name in enumerate(request.equipment):
            try:
                equipment_ids.append(self._equipment_of(uscc, name, f"equipment[{i}]"))
            except InvalidArgument as exc:
                problems.items.extend(exc.violations)
        problems.raise_if_any()
        result = use_cases.identify_unit_risks(
            self._sdk,
            uscc,
            actor=actor(principal),
            method=request.method.strip().lower() or "lec",
            equipment_ids=equipment_ids or None,
        )
        return risk_pb2.IdentifyRisksResponse(
            created=[rc.risk_point_to_proto(p) for p in result.created],
            existing=[rc.risk_point_name(i) for i in result.existing],
            unclassified_equipment=[convert.equipment_name(uscc, e) for e in result.unclassified],
        )

    def CreateRiskPoint(
        self, request: risk_pb2.CreateRiskPointRequest, context: grpc.ServicerContext
    ) -> risk_pb2.RiskPoint:
        principal = current_principal()
        uscc = self._scope.unit(principal, request.parent, Capability.CHANGE_RISK_POINTS)
        problems = convert.Violations()
        values = rc.risk_point_values(request.risk_point, "risk_point", problems)
        equipment_id: str | None = None
        if request.risk_point.equipment:
            try:
                equipment_id = self._equipment_of(uscc, request.risk_point.equipment, "risk_point.equipment")
            except InvalidArgument as exc:
                problems.items.extend(exc.violations)
        if request.risk_point_id and not rc.POINT_ID.match(request.risk_point_id):
            problems.add("risk_point_id", request.risk_point_id, "risk_point_id.format", "1-64 of A-Z a-z 0-9 - _")
        problems.raise_if_any()
        point = RiskPoint(
            id=request.risk_point_id or f"RP-{uuid.uuid4().hex[:16]}",
            unit_uscc=uscc,
            equipment_id=equipment_id,
            **{k: v for k, v in values.items() if v is not None},
        )
        try:
            created = use_cases.add_risk_point(self._sdk, point, actor=actor(principal), reason=request.reason)
        except InvalidArgument as exc:
            raise _in_proto_terms(exc, "risk_point") from None
        return rc.risk_point_to_proto(created)

    def UpdateRiskPoint(
        self, request: risk_pb2.UpdateRiskPointRequest, context: grpc.ServicerContext
    ) -> risk_pb2.RiskPoint:
        principal = current_principal()
        current = self._load(principal, request.risk_point.name, Capability.CHANGE_RISK_POINTS, "risk_point.name")
        expected = convert.expected_version(request.risk_point.etag, "risk_point.etag")
        problems = convert.Violations()
        values = rc.risk_point_values(request.risk_point, "risk_point", problems)
        values = {k: (getattr(current, k) if v is None else v) for k, v in values.items()}  # 0 enums: unchanged
        changed = convert.apply_mask(
            current,
            values,
            rc.RISK_POINT_FIELDS,
            request.update_mask,
            conversion_problems=problems,
            prefix="risk_point",
        )
        changed = attrs.evolve(changed, version=current.version if expected is None else expected)
        try:
            updated = use_cases.edit_risk_point(self._sdk, changed, actor=actor(principal), reason=request.reason)
        except InvalidArgument as exc:
            raise _in_proto_terms(exc, "risk_point") from None
        return rc.risk_point_to_proto(updated)

    def RegradeRiskPoint(
        self, request: risk_pb2.RegradeRiskPointRequest, context: grpc.ServicerContext
    ) -> risk_pb2.RiskPoint:
        principal = current_principal()
        current = self._load(principal, request.name, Capability.CHANGE_RISK_POINTS)
        expected = convert.expected_version(request.etag)
        problems = convert.Violations()
        factors = rc.factors_from_proto(problems, "factors", request.factors)
        if not request.method.strip():
            problems.add("method", request.method, "required", "name the grading method (lec, ls, mes...)")
        problems.raise_if_any()
        stored = use_cases.regrade_risk_point(
            self._sdk,
            current.id,
            method=request.method.strip().lower(),
            factors=factors,
            reason=request.reason,
            actor=actor(principal),
            expected_version=current.version if expected is None else expected,
        )
        return rc.risk_point_to_proto(stored)

    def DeleteRiskPoint(
        self, request: risk_pb2.DeleteRiskPointRequest, context: grpc.ServicerContext
    ) -> empty_pb2.Empty:
        principal = current_principal()
        current = self._load(principal, request.name, Capability.CHANGE_RISK_POINTS)
        expected = convert.expected_version(request.etag)
        use_cases.remove_risk_point(
            self._sdk,
            current.id,
            expected_version=current.version if expected is None else expected,
            actor=actor(principal),
            reason=request.reason,
        )
        return empty_pb2.Empty()

    # -- reads ------------------------------------------------------------------------------------------------

    def GetRiskPoint(self, request: risk_pb2.GetRiskPointRequest, context: grpc.ServicerContext) -> risk_pb2.RiskPoint:
        principal = current_principal()
        return rc.risk_point_to_proto(self._load(principal, request.name, Capability.READ_RISK_POINTS))

    def ListRiskPoints(
        self, request: risk_pb2.ListRiskPointsRequest, context: grpc.ServicerContext
    ) -> risk_pb2.ListRiskPointsResponse:
        principal = current_principal()
        terms = convert.parse_filter(request.filter, _LIST_FILTERS)
        size = convert.page_size(request.page_size)
        uscc = self._scope.unit(principal, request.parent, Capability.READ_RISK_POINTS)
        level = rc.level_from_filter(terms["level"]) if "level" in terms else None
        review = terms.get("needs_review", "").lower()
        if review not in ("", "true", "false"):
            raise InvalidArgument.single("filter", review, "filter.needs_review", 'needs_review is "true" or "false"')
        query = (uscc, request.filter)
        after = rc.decode_page_token(request.page_token, *query)

        def rows_after(key: use_cases.ControlListKey | None, limit: int) -> list[ControlListRow]:
            return use_cases.list_control_list_rows(
                self._sdk,
                uscc,
                level=level,
                equipment_id=terms.get("equipment"),
                needs_review=(review == "true") if review else None,
                after=key,
                limit=limit,
            )

        # one row more than the page tells whether another page follows, so a page reads about a page of rows;
        # a token issued before keyset paging holds an offset into the same order
        rows = rows_after(None, after + size + 1)[after:] if isinstance(after, int) else rows_after(after, size + 1)
        page = rows[:size]
        token = rc.encode_page_token(use_cases.control_list_key(page[-1]), *query) if len(rows) > size else ""
        return risk_pb2.ListRiskPointsResponse(
            risk_points=[rc.risk_point_to_proto(row.point) for row in page], next_page_token=token
        )

    def ListRiskPointVersions(
        self, request: risk_pb2.ListRiskPointVersionsRequest, context: grpc.ServicerContext
    ) -> risk_pb2.ListRiskPointVersionsResponse:
        principal = current_principal()
        point = self._load(principal, request.name, Capability.READ_RISK_POINTS)
        history = use_cases.risk_point_history(self._sdk, point.id)
        return risk_pb2.ListRiskPointVersionsResponse(versions=[rc.version_to_proto(v) for v in history])

    def GetControlList(
        self, request: risk_pb2.GetControlListRequest, context: grpc.ServicerContext
    ) -> risk_pb2.ControlList:
        principal = current_principal()
        uscc = self._scope.unit(principal, request.parent, Capability.READ_RISK_POINTS)
        control_list = use_cases.build_control_list(self._sdk, uscc, equipment_class=request.equipment_class or None)
        return rc.control_list_to_proto(control_list)

    def ExportControlList(
        self, request: risk_pb2.ExportControlListRequest, context: grpc.ServicerContext
    ) -> risk_pb2.Document:
        principal = current_principal()
        if request.format not in risk_pb2.ControlListFormat.values():
            raise InvalidArgument.single("format", request.format, "enum.known", "unknown ControlListFormat value")
        uscc = self._scope.unit(principal, request.parent, Capability.READ_RISK_POINTS)
        control_list = use_cases.build_control_list(self._sdk, uscc, equipment_class=request.equipment_class or None)
        csv = request.format == risk_pb2.CONTROL_LIST_FORMAT_CSV
        filename = f"风险管控清单-{uscc}.{'csv' if csv else 'xlsx'}"
        with tempfile.TemporaryDirectory(prefix="dualprev-export-") as directory:
            path = Path(directory) / filename
            (write_control_list_csv if csv else write_control_list_xlsx)(control_list, path)
            data = path.read_bytes()
        content_type = (
            "text/csv; charset=utf-8" if csv else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        return risk_pb2.Document(filename=filename, content_type=content_type, data=data)

    def RenderNotificationCard(
        self, request: risk_pb2.RenderNotificationCardRequest, context: grpc.ServicerContext
    ) -> risk_pb2.Document:
        principal = current_principal()
        point_id = rc.parse_risk_point_name(request.risk_point, "risk_point") if request.risk_point else None
        _, equipment_id = self._scope.equipment(principal, request.equipment, Capability.READ_RISK_POINTS, "equipment")
        card = use_cases.notification_card(self._sdk, equipment_id, point_id=point_id)
        return risk_pb2.Document(
            filename=f"风险告知卡-{equipment_id}.svg", content_type="image/svg+xml", data=card.to_string().encode()
        )

    def RenderRiskMap(self, request: risk_pb2.RenderRiskMapRequest, context: grpc.ServicerContext) -> risk_pb2.Document:
        principal = current_principal()
        uscc = self._scope.unit(principal, request.parent, Capability.READ_RISK_POINTS)
        drawing = use_cases.risk_map(self._sdk, uscc)
        return risk_pb2.Document(
            filename=f"四色分布图-{uscc}.svg", content_type="image/svg+xml", data=drawing.to_string().encode()
        )
