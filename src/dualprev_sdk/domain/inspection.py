"""Inspection records (检验记录), inspection-agency findings, validity, reminders and overdue detection.

Periodic inspections, self-tests and supervisory inspections are facts reported by an inspection agency (or
the unit, for self-checks); the *next* due date is not a fact but the output of the equipment class's rule
(``EquipmentClass.next_due``), so the record keeps the date the rule produced together with the rule's text.

The legal frame for reminders (domain reference Part C §3/§4/§5):

* 特种设备安全法 art. 40 — apply to the inspection agency at least one month before the inspection is due [V];
* 特种设备安全法 art. 33 / TSG 08-2017 — register use before commissioning or within 30 days after it [V];
* TSG Z6001-2019 — operator certificates are valid 4 years; apply for review at least one month before
  expiry [V-2nd].

Those lead times are data (:class:`ReminderPolicy`), each with its :class:`~dualprev_sdk.domain.common.Source`,
and a unit or province may configure an extra warning margin on top of the legal minimum.
"""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from dualprev_sdk import timeutil
from dualprev_sdk.domain.common import Source, SourceStatus
from dualprev_sdk.errors import FieldViolation, InvalidArgument

__all__ = [
    "FAILED_CONCLUSIONS",
    "NONCONFORMING_FINDING",
    "AgencyFinding",
    "AgencySubmission",
    "InspectionConclusion",
    "InspectionKind",
    "InspectionRecord",
    "InspectionValidity",
    "OverdueCase",
    "OverduePolicy",
    "RegulatorNotice",
    "RegulatorNoticeKind",
    "Reminder",
    "ReminderKind",
    "ReminderPolicy",
    "ValidityStatus",
    "validity_of",
]


class InspectionKind(enum.StrEnum):
    PERIODIC = "periodic"  # 定期检验
    SELF_TEST = "self_test"  # 自行检测 (elevators, TSG T7008-2023)
    SUPERVISORY = "supervisory"  # 监督检验
    FIRST = "first"  # 首次检验
    ANNUAL_CHECK = "annual_check"  # 年度检查 (use unit)

    @property
    def name_zh(self) -> str:
        return {
            "periodic": "定期检验",
            "self_test": "自行检测",
            "supervisory": "监督检验",
            "first": "首次检验",
            "annual_check": "年度检查",
        }[self.value]

    @property
    def by_agency(self) -> bool:
        """Inspections an inspection agency performs (they reset the periodic-inspection clock)."""
        return self in (InspectionKind.PERIODIC, InspectionKind.SUPERVISORY, InspectionKind.FIRST)


class InspectionConclusion(enum.StrEnum):
    """Conclusions as written on reports. Pressure equipment reports a safety grade (1–5) instead."""

    PASSED = "合格"
    PASSED_ON_RECHECK = "复检合格"
    FAILED = "不合格"
    FAILED_ON_RECHECK = "复检不合格"
    SAFETY_GRADE = "安全状况等级"  # the grade itself is in ``InspectionRecord.safety_grade``

    @property
    def allows_use(self) -> bool:
        return self in (InspectionConclusion.PASSED, InspectionConclusion.PASSED_ON_RECHECK)

    @property
    def failed(self) -> bool:
        return self in (InspectionConclusion.FAILED, InspectionConclusion.FAILED_ON_RECHECK)


#: Conclusions the GB 45067-2024 "检验结论为不合格/不符合要求" items read as failed (Part C §2.1).
FAILED_CONCLUSIONS = frozenset({InspectionConclusion.FAILED, InspectionConclusion.FAILED_ON_RECHECK})

#: The finding code for "the report's conclusion does not meet the requirements" when an agency lists no
#: separate defect; the built-in classes' GB 45067 "结论为不合格" criteria understand it.
NONCONFORMING_FINDING = "periodic_inspection_nonconforming"


def _grade_range(instance: InspectionRecord, attribute: attrs.Attribute[int | None], value: int | None) -> None:
    if value is not None and not 1 <= value <= 5:
        raise InvalidArgument.single(attribute.name, value, "inspection.safety_grade.range", "安全状况等级为1–5级")


@attrs.define(kw_only=True)
class InspectionRecord:
    """One inspection of one piece of equipment, as reported.

    ``safety_grade`` (1–5) is what pressure vessels and piping report instead of 合格/不合格; a record with a
    grade carries ``conclusion=SAFETY_GRADE``. ``next_due`` and ``due_rule`` are filled by the service from the
    equipment class's rule, not typed in.
    """

    id: str
    equipment_id: str
    kind: InspectionKind
    inspected_on: dt.date
    conclusion: InspectionConclusion
    agency: str = ""
    report_number: str = ""
    safety_grade: int | None = attrs.field(default=None, validator=_grade_range)
    next_due: dt.date | None = None
    due_rule: str = ""
    use_allowed: bool = True
    version: int = 0

    def violations(self, today: dt.date) -> list[FieldViolation]:
        """Every reason the record cannot be stored (checked together so a user fixes them in one pass)."""
        out: list[FieldViolation] = []
        if not self.id.strip():
            out.append(FieldViolation(field="id", value=self.id, rule="required", message="检验记录编号不能为空"))
        if self.inspected_on > today:
            out.append(
                FieldViolation(
                    field="inspected_on",
                    value=self.inspected_on.isoformat(),
                    rule="inspection.inspected_on.not_future",
                    message=f"检验日期不能晚于今天 {today.isoformat()}",
                )
            )
        if self.conclusion is InspectionConclusion.SAFETY_GRADE and self.safety_grade is None:
            out.append(
                FieldViolation(
                    field="safety_grade",
                    value=None,
                    rule="inspection.safety_grade.required",
                    message="结论为安全状况等级时须填写等级（1–5）",
                )
            )
        if self.kind.by_agency and not self.agency.strip():
            out.append(
                FieldViolation(
                    field="agency",
                    value=self.agency,
                    rule="inspection.agency.required",
                    message=f"{self.kind.name_zh}须注明检验机构",
                )
            )
        return out

    @property
    def failed(self) -> bool:
        """Nonconforming: 不合格/复检不合格, or safety grade 5 (TSG 21: defects must be treated before use)."""
        return self.conclusion.failed or self.safety_grade == 5


# ---------------------------------------------------------------------------------------------------------------
# Inspection-agency findings
# ---------------------------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class AgencyFinding:
    """One defect an inspection agency found. ``code`` is a finding code of the equipment class (its GB 45067
    vocabulary, ``door_lock_circuit_shorted``…) when one fits, else a free code; ``serious`` is the agency's own
    judgement that the regulator must hear of it (the seed: 发现…严重隐患时，及时报告所在地市场监管部门)."""

    code: str
    description: str
    serious: bool = False
    location: str = ""


@attrs.frozen(kw_only=True)
class AgencySubmission:
    """What an agency submits after inspecting one piece of equipment: the report and its findings."""

    agency: str
    record: InspectionRecord
    findings: tuple[AgencyFinding, ...] = ()
    inspector: str = ""

    def violations(self, today: dt.date) -> list[FieldViolation]:
        out = [v.prefixed("record") for v in self.record.violations(today)]
        if not self.agency.strip():
            out.append(FieldViolation(field="agency", value=self.agency, rule="required", message="检验机构不能为空"))
        if not self.record.report_number.strip():
            out.append(
                FieldViolation(
                    field="record.report_number",
                    value=self.record.report_number,
                    rule="inspection.report_number.required",
                    message="检验机构提交须有报告编号",
                )
            )
        for i, finding in enumerate(self.findings):
            if not finding.code.strip() or not finding.description.strip():
                out.append(
                    FieldViolation(
                        field=f"findings[{i}]",
                        value=finding.code,
                        rule="inspection.finding.required",
                        message="问题须有代码和描述",
                    )
                )
        return out


class RegulatorNoticeKind(enum.StrEnum):
    OVERDUE_INSPECTION = "overdue_inspection"  # 逾期未检
    SERIOUS_FINDING = "serious_finding"  # 检验发现严重隐患

    @property
    def name_zh(self) -> str:
        return {"overdue_inspection": "逾期未检报告", "serious_finding": "检验发现严重隐患报告"}[self.value]


@attrs.frozen(kw_only=True)
class RegulatorNotice:
    """A report to the market regulator of the equipment's region (GB/T 2260 code), made by the overdue sweep
    or on an agency's serious finding. ``id`` is derived from what caused it, so it is made once."""

    id: str
    kind: RegulatorNoticeKind
    equipment_id: str
    unit_uscc: str
    region_code: str
    reported_at: dt.datetime
    due_on: dt.date | None = None
    report_number: str = ""
    hazard_id: str | None = None
    detail: str = ""


# ---------------------------------------------------------------------------------------------------------------
# Validity and overdue
# ---------------------------------------------------------------------------------------------------------------


class ValidityStatus(enum.StrEnum):
    VALID = "valid"  # 在有效期内
    DUE_SOON = "due_soon"  # 应申请检验（到期前一个月内）
    OVERDUE = "overdue"  # 逾期未检
    USE_NOT_ALLOWED = "use_not_allowed"  # 检验结论不允许使用
    UNKNOWN = "unknown"  # 无下次检验日期

    @property
    def name_zh(self) -> str:
        return {
            "valid": "在有效期内",
            "due_soon": "即将到期（应申请检验）",
            "overdue": "逾期未检",
            "use_not_allowed": "不允许使用",
            "unknown": "无下次检验日期",
        }[self.value]


@attrs.frozen(kw_only=True)
class InspectionValidity:
    equipment_id: str
    status: ValidityStatus
    next_due: dt.date | None
    days_left: int | None
    last: InspectionRecord | None = None
    apply_by: dt.date | None = None  # last day to apply for the inspection (特设法 art. 40)


@attrs.frozen(kw_only=True)
class OverdueCase:
    """One (equipment, due date) the overdue sweep acted on: what makes the sweep idempotent."""

    id: str
    equipment_id: str
    due_on: dt.date
    unit_uscc: str
    region_code: str
    catalog_code: str
    detected_on: dt.date
    hazard_id: str
    hazard_opened: bool = False


_LAW_ART40 = Source(
    document="中华人民共和国特种设备安全法",
    clause="第四十条",
    status=SourceStatus.VERIFIED,
    note="检验合格有效期届满前一个月",
)
_LAW_ART33 = Source(
    document="中华人民共和国特种设备安全法 / TSG 08-2017",
    clause="第三十三条",
    status=SourceStatus.VERIFIED,
    note="投入使用前或者投入使用后30日内办理使用登记",
)
_Z6001 = Source(
    document="TSG Z6001-2019",
    clause="证书有效期4年，期满1个月前申请复审",
    status=SourceStatus.SECONDARY,
    note="cross-checked against Guangdong/Shaanxi guides (Part C §5)",
)
_PRODUCT = Source(
    document="dualprev-sdk setting",
    status=SourceStatus.USER,
    note="extra warning margin before the legal deadline; a product choice, configure per unit or province",
)


@attrs.frozen(kw_only=True)
class ReminderPolicy:
    """Lead times for reminders. The ``*_months``/``*_days`` values are the legal minimums (with their source);
    ``warning_days`` is how long *before* the legal deadline the reminder starts (a setting, 0 = on the day)."""

    inspection_apply_months: int = 1
    inspection_source: Source = _LAW_ART40
    registration_days: int = 30
    registration_source: Source = _LAW_ART33
    certificate_review_months: int = 1
    certificate_validity_years: int = 4
    certificate_source: Source = _Z6001
    warning_days: int = 15
    warning_source: Source = _PRODUCT

    def inspection_apply_by(self, due: dt.date) -> dt.date:
        return timeutil.add_months(due, -self.inspection_apply_months)

    def registration_deadline(self, commissioned_on: dt.date) -> dt.date:
        return commissioned_on + dt.timedelta(days=self.registration_days)

    def certificate_review_by(self, expires_on: dt.date) -> dt.date:
        return timeutil.add_months(expires_on, -self.certificate_review_months)

    def inspection_horizon(self, today: dt.date) -> dt.date:
        """Due dates before this day need a reminder now (apply-by date within the warning margin)."""
        return timeutil.add_months(today + dt.timedelta(days=self.warning_days), self.inspection_apply_months)

    def certificate_horizon(self, today: dt.date) -> dt.date:
        return timeutil.add_months(today + dt.timedelta(days=self.warning_days), self.certificate_review_months)


class ReminderKind(enum.StrEnum):
    APPLY_FOR_INSPECTION = "apply_for_inspection"  # 申请定期检验
    REGISTER_USE = "register_use"  # 办理使用登记
    REVIEW_CERTIFICATE = "review_certificate"  # 作业人员证复审

    @property
    def name_zh(self) -> str:
        return {
            "apply_for_inspection": "申请定期检验",
            "register_use": "办理使用登记",
            "review_certificate": "作业人员证复审",
        }[self.value]


@attrs.frozen(kw_only=True)
class Reminder:
    """Something a unit must do by ``act_by`` because of ``due`` (inspection due, registration deadline or
    certificate expiry). ``late`` is true once ``act_by`` has passed."""

    kind: ReminderKind
    unit_uscc: str
    subject_id: str  # equipment id or person id
    act_by: dt.date
    due: dt.date
    late: bool
    source: Source
    detail: str = ""


def validity_of(
    equipment_id: str,
    next_due: dt.date | None,
    today: dt.date,
    *,
    last: InspectionRecord | None = None,
    policy: ReminderPolicy | None = None,
) -> InspectionValidity:
    """The equipment's inspection validity on ``today``: overdue the day after ``next_due``; due soon once the
    apply-by date (one month before) is reached; not allowed when the last report said so."""
    policy = policy or ReminderPolicy()
    if last is not None and (not last.use_allowed or last.failed):
        return InspectionValidity(
            equipment_id=equipment_id,
            status=ValidityStatus.USE_NOT_ALLOWED,
            next_due=next_due,
            days_left=None if next_due is None else (next_due - today).days,
            last=last,
        )
    if next_due is None:
        return InspectionValidity(
            equipment_id=equipment_id, status=ValidityStatus.UNKNOWN, next_due=None, days_left=None, last=last
        )
    apply_by = policy.inspection_apply_by(next_due)
    if today > next_due:
        status = ValidityStatus.OVERDUE
    elif today >= apply_by:
        status = ValidityStatus.DUE_SOON
    else:
        status = ValidityStatus.VALID
    return InspectionValidity(
        equipment_id=equipment_id,
        status=status,
        next_due=next_due,
        days_left=(next_due - today).days,
        last=last,
        apply_by=apply_by,
    )


@attrs.frozen(kw_only=True)
class OverduePolicy:
    """How the overdue sweep grades what it finds.

    GB 45067-2024 makes an overdue inspection a *major* accident hazard only in one item: 4.7 a) — a crane in
    use that never had its supervisory or first inspection (Part C §2.1). The sweep therefore passes the
    class's rules the facts it knows and lets them decide: ``never_inspected_findings`` are the finding codes
    recorded when the store holds no inspection at all for the item (the crane class understands
    ``no_supervisory_or_first_inspection``); every other overdue item is graded by the same rules with no
    finding, which makes it general unless its last conclusion was nonconforming.
    """

    never_inspected_findings: tuple[str, ...] = ("no_supervisory_or_first_inspection",)
    source: Source = Source(
        document="GB 45067-2024",
        clause="4.7 a)",
        status=SourceStatus.SECONDARY,
        note="only clause that makes a missing inspection itself major; others stay general",
    )
