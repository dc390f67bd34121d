"""Protobuf ↔ the small-unit package, the five-standards assessment, park reports, demonstration coverage and
equipment risk grades of EnterpriseService.

Pure translation (like :mod:`dualprev_gateway.convert`): the SDK computes everything; this module only names
resources, maps enums and restates the SDK's field paths in the client's terms.
"""

from __future__ import annotations

import attrs

from dualprev_gateway import convert, duty_convert
from dualprev_gateway import risk_convert as rc
from dualprev_gateway._generated.dualprev.v1 import enterprise_pb2
from dualprev_sdk.errors import InvalidArgument
from dualprev_sdk.grading.equipment_risk import EquipmentRiskGrade
from dualprev_sdk.services.five_standards import STANDARDS_SOURCE, FiveStandardsAssessment
from dualprev_sdk.services.parks import DemonstrationCoverage, ParkReport
from dualprev_sdk.services.simplified import SimplifiedPackage

__all__ = [
    "assessment_to_proto",
    "coverage_to_proto",
    "grade_sort_key",
    "grade_to_proto",
    "package_to_proto",
    "park_report_to_proto",
    "setup_error_in_proto_terms",
]

_COVERAGE = {
    "missing": enterprise_pb2.COVERAGE_STATUS_MISSING,
    "met": enterprise_pb2.COVERAGE_STATUS_MET,
    "above": enterprise_pb2.COVERAGE_STATUS_ABOVE,
}


# -- SetUpSmallUnit ------------------------------------------------------------------------------------------


def setup_error_in_proto_terms(exc: InvalidArgument) -> InvalidArgument:
    """The simplified mode reports unit problems by the unit's attribute (``name``, ``uscc``), its own checks as
    ``unit.roles`` / ``equipment``, and equipment problems as ``equipment[i].<attribute>``; restate each as the
    request's proto path (``unit.display_name``, ``equipment[0].display_name``)."""
    unit_fields = {domain: proto for proto, domain in convert.UNIT_FIELDS.items()}
    equipment_fields = {domain: proto for proto, domain in convert.EQUIPMENT_FIELDS.items()}
    renamed = []
    for v in exc.violations:
        field = v.field
        if field.startswith("equipment["):
            head, sep, rest = field.partition(".")
            key, dot, tail = rest.partition(".")
            field = f"{head}{sep}{equipment_fields.get(key, key)}{dot}{tail}" if sep else field
        elif field not in ("equipment", "request_id") and not field.startswith("unit."):
            key, dot, tail = field.partition(".")
            field = f"unit.{unit_fields.get(key, key)}{dot}{tail}"
        renamed.append(attrs.evolve(v, field=field))
    return InvalidArgument(renamed, reason=exc.reason, metadata=exc.metadata)


def package_to_proto(package: SimplifiedPackage, duty_task_count: int) -> enterprise_pb2.SetUpSmallUnitResponse:
    return enterprise_pb2.SetUpSmallUnitResponse(
        unit=convert.unit_to_proto(package.unit),
        equipment=[convert.equipment_to_proto(e) for e in package.equipment],
        risk_points=[rc.risk_point_to_proto(p) for p in package.risk_points],
        control_list=rc.control_list_to_proto(package.control_list),
        checklist_item_count=len(package.checklist.entries),
        duty_plans=[duty_convert.plan_to_proto(p) for p in package.plans],
        duty_task_count=duty_task_count,
        notes=list(package.notes),
        replayed=package.replayed,
    )


# -- five standards ------------------------------------------------------------------------------------------


def assessment_to_proto(assessment: FiveStandardsAssessment) -> enterprise_pb2.FiveStandardsAssessment:
    model = assessment.model
    return enterprise_pb2.FiveStandardsAssessment(
        unit=convert.unit_name(assessment.unit_uscc),
        unit_display_name=assessment.unit_name,
        as_of=assessment.as_of.isoformat(),
        total=assessment.total,
        passed=assessment.passed,
        pass_mark=model.pass_mark,
        product_default_model=model.product_default,
        window_days=model.window_days,
        model_source=convert.source_to_proto(model.source),
        standards_source=convert.source_to_proto(STANDARDS_SOURCE),
        standards=[
            enterprise_pb2.FiveStandardScore(
                key=s.standard.key,
                name_zh=s.standard.name_zh,
                name_en=s.standard.name_en,
                weight=s.standard.weight,
                score=s.score,
                evidence=[
                    enterprise_pb2.FiveStandardsEvidence(
                        check=e.check, found=e.found, expected=e.expected, text_zh=e.text_zh
                    )
                    for e in s.evidence
                ],
            )
            for s in assessment.scores
        ],
    )


# -- parks ---------------------------------------------------------------------------------------------------


def park_report_to_proto(report: ParkReport, region: str) -> enterprise_pb2.ParkReport:
    totals = report.totals
    return enterprise_pb2.ParkReport(
        park=report.park,
        region=f"regions/{region}",
        as_of=report.as_of.isoformat(),
        units=[
            enterprise_pb2.ParkUnit(
                unit=convert.unit_name(row.unit.uscc),
                unit_display_name=row.unit.name,
                region_code=row.unit.region_code,
                demonstration=row.unit.demonstration,
                equipment_count=row.equipment,
                highest_risk=rc.level_to_proto(row.highest_risk),
                level_counts=[
                    enterprise_pb2.ParkRiskLevelCount(level=rc.level_to_proto(level), count=count)
                    for level, count in row.level_counts.items()
                ],
                open_hazards=row.open_hazards,
                major_open_hazards=row.major_open_hazards,
                overdue_hazards=row.overdue_hazards,
                overdue_inspections=row.overdue_inspections,
                missed_duties=row.missed_duties or 0,
            )
            for row in report.units
        ],
        totals=enterprise_pb2.ParkTotals(**totals),
    )


def coverage_to_proto(coverage: DemonstrationCoverage, region: str) -> enterprise_pb2.DemonstrationCoverage:
    return enterprise_pb2.DemonstrationCoverage(
        region=f"regions/{region}",
        rows=[
            enterprise_pb2.CoverageRow(
                city=f"regions/{row.city_code}",
                city_name=row.city_name,
                equipment_class=row.class_key,
                equipment_class_name_zh=row.class_name_zh,
                units_with_class=row.units_with_class,
                demonstration_units=[convert.unit_name(u) for u in row.demonstration_units],
                status=_COVERAGE[row.status],
                status_zh=row.status_zh,
            )
            for row in coverage.rows
        ],
        covered_count=coverage.covered_classes,
    )


# -- equipment risk ------------------------------------------------------------------------------------------


def grade_sort_key(grade: EquipmentRiskGrade) -> str:
    """A page key that sorts as the SDK orders grades: level (1 = major first), score high to low, id. Scores
    are non-negative sums of points, so ``10**9 - score`` at fixed width sorts high scores first."""
    return f"{int(grade.level.value)}|{10**9 - grade.score:020.6f}|{grade.equipment_id}"


def grade_to_proto(grade: EquipmentRiskGrade, *, uscc: str, as_of: str) -> enterprise_pb2.EquipmentRiskGrade:
    return enterprise_pb2.EquipmentRiskGrade(
        equipment=convert.equipment_name(uscc, grade.equipment_id),
        as_of=as_of,
        score=grade.score,
        level=rc.level_to_proto(grade.level),
        scored_level=rc.level_to_proto(grade.scored_level),
        band_label_zh=grade.band.label_zh,
        contributions=[
            enterprise_pb2.RiskContribution(
                factor=c.factor, label_zh=c.label_zh, value=c.value, points=c.points, rule=c.rule
            )
            for c in grade.contributions
        ],
        findings=[
            enterprise_pb2.RiskFinding(
                rule=f.rule,
                text_zh=f.text_zh,
                level=rc.level_to_proto(f.level),
                detail=f.detail,
                source=convert.source_to_proto(f.source),
            )
            for f in grade.findings
        ],
        explanation_zh=grade.explain(),
        source=convert.source_to_proto(grade.source),
        config_version=grade.config_version,
    )
