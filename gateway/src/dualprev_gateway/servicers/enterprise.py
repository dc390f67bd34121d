"""EnterpriseService: the small-unit setup, the unit dossier and QR codes, the "五有" self-assessment, parks and
demonstration enterprises, and equipment risk grades — over ``dualprev_sdk.services.simplified``,
``dualprev_sdk.reports.dossier``, ``services.five_standards``, ``services.parks`` and ``services.equipment_risk``.

Each method: parse, check the capability (``dualprev_sdk.access.CAPABILITY_ACTORS``: ``SET_UP_SMALL_UNIT``,
``READ_DOSSIER``, ``READ_PARKS``, ``DESIGNATE_PARKS``, ``READ_EQUIPMENT_RISK``) against the unit or the region
named, call the SDK, convert back. Region-wide calls take ``regions/{code}``; a regulator may name its region or
a part of it, never a wider one.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path

import grpc

from dualprev_gateway import convert
from dualprev_gateway import enterprise_convert as ec
from dualprev_gateway._generated.dualprev.v1 import enterprise_pb2, enterprise_pb2_grpc, ledger_pb2, risk_pb2
from dualprev_gateway.auth import current_principal
from dualprev_gateway.capability_convert import actor, date_or_none, paginate
from dualprev_gateway.idempotency import check_request_id
from dualprev_gateway.resource_scope import ScopeLookups
from dualprev_sdk import access, timeutil
from dualprev_sdk.access import Capability
from dualprev_sdk.domain.equipment import Equipment
from dualprev_sdk.domain.unit import UseUnit
from dualprev_sdk.errors import InvalidArgument
from dualprev_sdk.reports import dossier
from dualprev_sdk.services import duties, equipment_risk, five_standards, parks, simplified
from dualprev_sdk.services.bootstrap import Dualprev

__all__ = ["EnterpriseServicer"]

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _as_of(text: str) -> dt.date:
    return date_or_none(text, "as_of") or timeutil.today()


def _month(text: str) -> dt.date | None:
    if not text:
        return None
    match = _MONTH.match(text)
    month = int(match.group(2)) if match else 0
    if match is None or not 1 <= month <= 12:
        raise InvalidArgument.single("duty_month", text, "month.format", "expected a month YYYY-MM")
    return dt.date(int(match.group(1)), month, 1)


class EnterpriseServicer(enterprise_pb2_grpc.EnterpriseServiceServicer):
    def __init__(self, sdk: Dualprev) -> None:
        self._sdk = sdk
        self._scope = ScopeLookups(sdk)

    # -- 简易模式 -----------------------------------------------------------------------------------------------

    def SetUpSmallUnit(
        self, request: enterprise_pb2.SetUpSmallUnitRequest, context: grpc.ServicerContext
    ) -> enterprise_pb2.SetUpSmallUnitResponse:
        principal = current_principal()
        request_id = check_request_id(request.request_id)
        named = request.unit.uscc.strip().upper()
        if named:  # scope before validation (AIP-211); an empty USCC is the INVALID_ARGUMENT below
            access.require_capability(principal, Capability.SET_UP_SMALL_UNIT, convert.unit_name(named), uscc=named)
        problems = convert.Violations()
        month: dt.date | None = None
        unit: UseUnit | None = None
        try:
            unit = convert.unit_from_proto(request.unit, "unit")
        except InvalidArgument as exc:
            problems.items.extend(exc.violations)
        items: list[Equipment] = []
        for index, message in enumerate(request.equipment):
            prefix = f"equipment[{index}]"
            values = convert.equipment_values(message, prefix, problems)
            if not values["catalog_code"]:
                problems.add(f"{prefix}.catalog_code", "", "required", "the catalogue code is required")
            items.append(Equipment(id="", unit_uscc=unit.uscc if unit is not None else "", **values))
        try:
            month = _month(request.duty_month)
        except InvalidArgument as exc:
            problems.items.extend(exc.violations)
        problems.raise_if_any()
        assert unit is not None  # no problems means the unit converted
        try:
            package = simplified.set_up_small_unit(
                self._sdk,
                unit,
                items,
                actor=actor(principal),
                month=month,
                request_id=request_id or None,
                caller=principal.key_id,
            )
        except InvalidArgument as exc:
            raise ec.setup_error_in_proto_terms(exc) from None
        tasks = len(duties.list_tasks(self._sdk, unit_uscc=unit.uscc))
        return ec.package_to_proto(package, tasks)

    # -- 一企一档一码 -------------------------------------------------------------------------------------------

    def GetUnitDossier(
        self, request: enterprise_pb2.GetUnitDossierRequest, context: grpc.ServicerContext
    ) -> risk_pb2.Document:
        principal = current_principal()
        uscc = self._scope.unit(principal, request.unit, Capability.READ_DOSSIER, "unit")
        if request.format not in (
            enterprise_pb2.DOSSIER_FORMAT_UNSPECIFIED,
            enterprise_pb2.DOSSIER_FORMAT_HTML,
            enterprise_pb2.DOSSIER_FORMAT_XLSX,
        ):
            raise InvalidArgument.single("format", request.format, "enum.known", "unknown DossierFormat value")
        today = _as_of(request.as_of)
        data = dossier.build_dossier(self._sdk, uscc, today=today, base_url=request.base_url or None)
        if request.format == enterprise_pb2.DOSSIER_FORMAT_XLSX:
            filename = f"一企一档-{uscc}.xlsx"
            with tempfile.TemporaryDirectory(prefix="dualprev-dossier-") as directory:
                content = dossier.write_dossier_xlsx(data, Path(directory) / filename).read_bytes()
            return risk_pb2.Document(filename=filename, content_type=_XLSX, data=content)
        return risk_pb2.Document(
            filename=f"一企一档-{uscc}.html",
            content_type="text/html; charset=utf-8",
            data=dossier.render_dossier_html(data).encode(),
        )

    def GetQrCode(
        self, request: enterprise_pb2.GetQrCodeRequest, context: grpc.ServicerContext
    ) -> enterprise_pb2.QrCode:
        principal = current_principal()
        base_url = request.base_url or None
        if request.name.count("/") > 1:
            uscc, equipment_id = self._scope.equipment(principal, request.name, Capability.READ_DOSSIER, "name")
            uri, stem = dossier.equipment_uri(equipment_id, base_url=base_url), f"设备码-{equipment_id}"
        else:
            uscc = self._scope.unit(principal, request.name, Capability.READ_DOSSIER, "name")
            self._sdk.ledger.get_unit(uscc)  # a code for a unit that exists
            uri, stem = dossier.unit_uri(uscc, base_url=base_url), f"一企一码-{uscc}"
        with tempfile.TemporaryDirectory(prefix="dualprev-qr-") as directory:
            content = dossier.write_qr_png(uri, Path(directory) / "code.png").read_bytes()
        return enterprise_pb2.QrCode(
            uri=uri, image=risk_pb2.Document(filename=f"{stem}.png", content_type="image/png", data=content)
        )

    # -- 五有 ------------------------------------------------------------------------------------------------

    def AssessFiveStandards(
        self, request: enterprise_pb2.AssessFiveStandardsRequest, context: grpc.ServicerContext
    ) -> enterprise_pb2.FiveStandardsAssessment:
        principal = current_principal()
        uscc = self._scope.unit(principal, request.unit, Capability.READ_DOSSIER, "unit")
        today = _as_of(request.as_of)
        return ec.assessment_to_proto(five_standards.assess_unit(self._sdk, uscc, today=today))

    # -- 一园一策、示范企业 ------------------------------------------------------------------------------------

    def ListParks(
        self, request: enterprise_pb2.ListParksRequest, context: grpc.ServicerContext
    ) -> enterprise_pb2.ListParksResponse:
        principal = current_principal()
        region = self._scope.region_wide(principal, request.parent, Capability.READ_PARKS, "parent")
        counts = parks.list_parks(self._sdk, region_prefix=region)
        page, token = paginate(
            list(counts.items()), lambda pair: pair[0], request.page_size, request.page_token, "parks", region
        )
        return enterprise_pb2.ListParksResponse(
            parks=[enterprise_pb2.Park(display_name=name, unit_count=count) for name, count in page],
            next_page_token=token,
        )

    def SetUnitPark(self, request: enterprise_pb2.SetUnitParkRequest, context: grpc.ServicerContext) -> ledger_pb2.Unit:
        principal = current_principal()
        uscc = self._scope.unit(principal, request.unit, Capability.DESIGNATE_PARKS, "unit")
        try:
            unit = parks.set_park(self._sdk, uscc, request.park)
        except InvalidArgument as exc:
            raise convert.in_proto_terms(exc, "", {"park": "park"}) from None
        return convert.unit_to_proto(unit)

    def SetDemonstration(
        self, request: enterprise_pb2.SetDemonstrationRequest, context: grpc.ServicerContext
    ) -> ledger_pb2.Unit:
        principal = current_principal()
        uscc = self._scope.unit(principal, request.unit, Capability.DESIGNATE_PARKS, "unit")
        return convert.unit_to_proto(parks.set_demonstration(self._sdk, uscc, request.demonstration))

    def GetParkReport(
        self, request: enterprise_pb2.GetParkReportRequest, context: grpc.ServicerContext
    ) -> enterprise_pb2.ParkReport:
        principal = current_principal()
        region = self._scope.region_wide(principal, request.parent, Capability.READ_PARKS, "parent")
        park = request.park.strip()
        if not park:
            raise InvalidArgument.single("park", request.park, "required", "the park's name is required")
        today = _as_of(request.as_of)
        report = parks.park_report(self._sdk, park, today=today, region_prefix=region)
        return ec.park_report_to_proto(report, region)

    def GetDemonstrationCoverage(
        self, request: enterprise_pb2.GetDemonstrationCoverageRequest, context: grpc.ServicerContext
    ) -> enterprise_pb2.DemonstrationCoverage:
        principal = current_principal()
        region = self._scope.region_wide(principal, request.parent, Capability.READ_PARKS, "parent")
        return ec.coverage_to_proto(parks.demonstration_coverage(self._sdk, region_prefix=region), region)

    # -- equipment risk --------------------------------------------------------------------------------------

    def GetEquipmentRiskGrade(
        self, request: enterprise_pb2.GetEquipmentRiskGradeRequest, context: grpc.ServicerContext
    ) -> enterprise_pb2.EquipmentRiskGrade:
        principal = current_principal()
        uscc, equipment_id = self._scope.equipment(
            principal, request.equipment, Capability.READ_EQUIPMENT_RISK, "equipment"
        )
        today = _as_of(request.as_of)
        grade = equipment_risk.grade_equipment_risk(self._sdk, equipment_id, as_of=today)
        return ec.grade_to_proto(grade, uscc=uscc, as_of=today.isoformat())

    def ListUnitEquipmentRiskGrades(
        self, request: enterprise_pb2.ListUnitEquipmentRiskGradesRequest, context: grpc.ServicerContext
    ) -> enterprise_pb2.ListUnitEquipmentRiskGradesResponse:
        principal = current_principal()
        uscc = self._scope.unit(principal, request.parent, Capability.READ_EQUIPMENT_RISK, "parent")
        today = _as_of(request.as_of)
        result = equipment_risk.grade_unit_equipment_risk(
            self._sdk, uscc, as_of=today, include_stopped=request.include_suspended
        )
        query = ("equipmentRiskGrades", uscc, today.isoformat(), str(request.include_suspended))
        page, token = paginate(list(result.grades), ec.grade_sort_key, request.page_size, request.page_token, *query)
        return enterprise_pb2.ListUnitEquipmentRiskGradesResponse(
            grades=[ec.grade_to_proto(g, uscc=uscc, as_of=today.isoformat()) for g in page],
            ungraded=[
                enterprise_pb2.UngradedEquipment(equipment=convert.equipment_name(uscc, e), reason=reason)
                for e, reason in (result.ungraded if not request.page_token else ())
            ],
            next_page_token=token,
        )
