"""Credit records (信用记录), the explainable credit classification, the blacklist and credit repair.

The official enterprise credit-risk class (A/B/C/D, 国市监信发〔2022〕6号) is issued by the regulator. The SDK
computes a *suggested* class from the unit's own append-only records with a documented points model whose
weights are data (domain reference Part C §10: the classes are [V-2nd], the weights are product defaults, not
regulation); a regulator-issued class always overrides it and the result says so.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import itertools
import string
from collections.abc import Iterable, Mapping, Sequence

import attrs

from dualprev_sdk.domain.common import Source, SourceStatus
from dualprev_sdk.errors import FailedPrecondition, FieldViolation, InvalidArgument
from dualprev_sdk.timeutil import add_years

__all__ = [
    "PUBLICATION_TEMPLATE",
    "BlacklistEntry",
    "BlacklistPolicy",
    "BlacklistStatus",
    "ClassificationModel",
    "CreditClass",
    "CreditClassification",
    "CreditRecord",
    "CreditRecordKind",
    "DerivationRules",
    "IssuedClass",
    "MajorHazardFact",
    "RepairApplication",
    "Severity",
    "blacklist_reason",
    "blacklist_triggers",
    "classify",
    "credit_record_id",
    "overdue_major_hazard_records",
    "publication_list",
    "publication_text",
    "repeated_major_hazard_records",
]


class CreditClass(enum.StrEnum):
    """企业信用风险分类 A/B/C/D (国市监信发〔2022〕6号)."""

    A = "A"  # 信用风险低
    B = "B"  # 信用风险一般
    C = "C"  # 信用风险较高
    D = "D"  # 信用风险高

    @property
    def name_zh(self) -> str:
        return {"A": "信用风险低", "B": "信用风险一般", "C": "信用风险较高", "D": "信用风险高"}[self.value]


class CreditRecordKind(enum.StrEnum):
    ACCIDENT = "accident"
    MAJOR_HAZARD_OVERDUE = "major_hazard_overdue"
    MAJOR_HAZARD_REPEATED = "major_hazard_repeated"
    USED_WHILE_OVERDUE = "used_while_overdue"
    UNREGISTERED_EQUIPMENT = "unregistered_equipment"
    UNCERTIFIED_OPERATOR = "uncertified_operator"
    REFUSED_INSPECTION = "refused_inspection"
    ADMINISTRATIVE_PENALTY = "administrative_penalty"
    DEMONSTRATION_ENTERPRISE = "demonstration_enterprise"
    YEARS_WITHOUT_FINDINGS = "years_without_findings"

    @property
    def is_good(self) -> bool:
        return self in (CreditRecordKind.DEMONSTRATION_ENTERPRISE, CreditRecordKind.YEARS_WITHOUT_FINDINGS)

    @property
    def name_zh(self) -> str:
        return {
            "accident": "发生特种设备事故",
            "major_hazard_overdue": "重大事故隐患逾期未整改",
            "major_hazard_repeated": "重大事故隐患反复出现",
            "used_while_overdue": "使用逾期未检特种设备",
            "unregistered_equipment": "使用未登记特种设备",
            "uncertified_operator": "作业人员无证上岗",
            "refused_inspection": "拒绝检验或监督检查",
            "administrative_penalty": "受到行政处罚",
            "demonstration_enterprise": "双重预防示范企业",
            "years_without_findings": "连续年度无违法违规记录",
        }[self.value]


class Severity(enum.StrEnum):
    """Accident severity (特别重大/重大/较大/一般) or, for other records, how heavy the penalty was."""

    EXTRAORDINARY = "extraordinary"  # 特别重大
    MAJOR = "major"  # 重大
    SERIOUS = "serious"  # 较大
    GENERAL = "general"  # 一般
    NONE = ""

    @property
    def name_zh(self) -> str:
        return {"extraordinary": "特别重大", "major": "重大", "serious": "较大", "general": "一般", "": ""}[self.value]


@attrs.frozen(kw_only=True)
class CreditRecord:
    """An append-only fact with its date, source and evidence. Corrections are new records, never edits."""

    id: str
    unit_uscc: str
    kind: CreditRecordKind
    occurred_on: dt.date
    source: str
    evidence: str = ""
    severity: str = ""
    note: str = ""


_DEFAULT_MODEL_SOURCE = Source(
    document="dualprev-sdk default credit points model",
    status=SourceStatus.GENERAL_KNOWLEDGE,
    note="classes per 国市监信发〔2022〕6号 [V-2nd]; weights and thresholds are product defaults — load your own",
)


@attrs.frozen(kw_only=True)
class ClassificationModel:
    """Points per record kind (bad negative, good positive), a look-back window, class thresholds on the score
    (start 100), and kinds that force class D on their own. All data; load a province's own with
    :meth:`from_mapping`."""

    points: Mapping[CreditRecordKind, float]
    window_years: int = 3
    thresholds: tuple[tuple[CreditClass, float], ...] = ((CreditClass.A, 95), (CreditClass.B, 80), (CreditClass.C, 60))
    force_d: frozenset[tuple[CreditRecordKind, str]] = frozenset()
    source: Source = _DEFAULT_MODEL_SOURCE

    @classmethod
    def default(cls) -> ClassificationModel:
        return cls(
            points={
                CreditRecordKind.ACCIDENT: -30,
                CreditRecordKind.MAJOR_HAZARD_OVERDUE: -20,
                CreditRecordKind.MAJOR_HAZARD_REPEATED: -15,
                CreditRecordKind.USED_WHILE_OVERDUE: -10,
                CreditRecordKind.UNREGISTERED_EQUIPMENT: -10,
                CreditRecordKind.UNCERTIFIED_OPERATOR: -10,
                CreditRecordKind.REFUSED_INSPECTION: -25,
                CreditRecordKind.ADMINISTRATIVE_PENALTY: -10,
                CreditRecordKind.DEMONSTRATION_ENTERPRISE: 5,
                CreditRecordKind.YEARS_WITHOUT_FINDINGS: 3,
            },
            force_d=frozenset(
                {
                    (CreditRecordKind.ACCIDENT, Severity.EXTRAORDINARY.value),
                    (CreditRecordKind.ACCIDENT, Severity.MAJOR.value),
                    (CreditRecordKind.ACCIDENT, Severity.SERIOUS.value),
                }
            ),
        )

    @classmethod
    def from_mapping(cls, data: Mapping[str, object]) -> ClassificationModel:
        """Build a model from plain data (TOML/JSON): ``{"points": {"accident": -30, …}, "window_years": 3,
        "thresholds": {"A": 95, "B": 80, "C": 60}, "force_d": [["accident", "major"]]}``."""
        violations = []
        points: dict[CreditRecordKind, float] = {}
        for key, value in dict(data.get("points", {})).items():  # type: ignore[call-overload]
            try:
                points[CreditRecordKind(key)] = float(value)
            except ValueError:
                allowed = ", ".join(k.value for k in CreditRecordKind)
                violations.append((f"points.{key}", value, f"must be a record kind ({allowed}) with a number"))
        thresholds = []
        for key, value in dict(data.get("thresholds", {"A": 95, "B": 80, "C": 60})).items():  # type: ignore[call-overload]
            try:
                thresholds.append((CreditClass(key), float(value)))
            except ValueError:
                violations.append((f"thresholds.{key}", value, "must be A, B or C with a number"))
        if violations:
            raise InvalidArgument(
                [FieldViolation(field=f, value=v, rule="credit_model", message=m) for f, v, m in violations]
            )
        force = frozenset((CreditRecordKind(k), s) for k, s in data.get("force_d", []))  # type: ignore[attr-defined]
        return cls(
            points=points,
            window_years=int(data.get("window_years", 3)),  # type: ignore[call-overload]
            thresholds=tuple(sorted(thresholds, key=lambda t: -t[1])),
            force_d=force,
            source=Source(document=str(data.get("source", "user credit model")), status=SourceStatus.USER),
        )


@attrs.frozen(kw_only=True)
class CreditClassification:
    """The class with everything behind it: the records counted, each one's points, the score, and whether a
    regulator-issued class overrode the computed one."""

    unit_uscc: str
    credit_class: CreditClass
    computed_class: CreditClass
    score: float
    contributions: tuple[tuple[CreditRecord, float], ...]
    forced_by: CreditRecord | None = None
    issued_by_regulator: bool = False
    regulator_note: str = ""
    model_source: Source = _DEFAULT_MODEL_SOURCE

    def explain(self) -> list[str]:
        lines = [f"score {self.score:g} → {self.computed_class.value} ({self.computed_class.name_zh})"]
        lines += [f"{r.occurred_on} {r.kind.name_zh} {p:+g} [{r.source}]" for r, p in self.contributions]
        if self.forced_by is not None:
            lines.append(f"forced to D by {self.forced_by.kind.name_zh} on {self.forced_by.occurred_on}")
        if self.issued_by_regulator:
            lines.append(f"overridden: class {self.credit_class.value} issued by the regulator {self.regulator_note}")
        return lines


def classify(
    unit_uscc: str,
    records: Iterable[CreditRecord],
    *,
    day: dt.date,
    model: ClassificationModel | None = None,
    issued_class: CreditClass | None = None,
    issued_note: str = "",
) -> CreditClassification:
    """The unit's credit class on ``day`` from its records in the model's window."""
    model = model or ClassificationModel.default()
    window_start = add_years(day, -model.window_years)
    counted = sorted(
        (r for r in records if r.unit_uscc == unit_uscc and window_start < r.occurred_on <= day),
        key=lambda r: (r.occurred_on, r.id),
    )
    contributions = tuple((r, float(model.points.get(r.kind, 0.0))) for r in counted)
    score = 100.0 + sum(p for _, p in contributions)
    computed = CreditClass.D
    for credit_class, threshold in sorted(model.thresholds, key=lambda t: -t[1]):
        if score >= threshold:
            computed = credit_class
            break
    forced = next((r for r in counted if (r.kind, r.severity) in model.force_d), None)
    if forced is not None:
        computed = CreditClass.D
    return CreditClassification(
        unit_uscc=unit_uscc,
        credit_class=issued_class or computed,
        computed_class=computed,
        score=score,
        contributions=contributions,
        forced_by=forced,
        issued_by_regulator=issued_class is not None,
        regulator_note=issued_note,
        model_source=model.source,
    )


# ---------------------------------------------------------------------------------------------------------------
# blacklist (严重违法失信名单 / 特种设备安全不良记录"黑名单") and credit repair
# ---------------------------------------------------------------------------------------------------------------


class BlacklistStatus(enum.StrEnum):
    LISTED = "listed"
    REMOVED_EXPIRED = "removed_expired"  # 期满移出
    REMOVED_REPAIRED = "removed_repaired"  # 信用修复提前移出


_BLACKLIST_SOURCE = Source(
    document="《市场监督管理严重违法失信名单管理办法》(总局令第44号); 《市场监督管理信用修复管理办法》",
    status=SourceStatus.GENERAL_KNOWLEDGE,
    note="entry kinds follow the seed (事故、重大隐患整改不力); periods are [GK]",
)


@attrs.frozen(kw_only=True)
class BlacklistPolicy:
    """Entry and removal rules. The 3-year period and 1-year earliest repair are [GK] (Part C §10)."""

    entry_kinds: frozenset[tuple[CreditRecordKind, str]] = frozenset(
        {
            (CreditRecordKind.ACCIDENT, Severity.EXTRAORDINARY.value),
            (CreditRecordKind.ACCIDENT, Severity.MAJOR.value),
            (CreditRecordKind.ACCIDENT, Severity.SERIOUS.value),
            (CreditRecordKind.ACCIDENT, Severity.GENERAL.value),
            (CreditRecordKind.MAJOR_HAZARD_OVERDUE, ""),
        }
    )
    listing_years: int = 3
    earliest_repair_years: int = 1
    source: Source = _BLACKLIST_SOURCE


def blacklist_triggers(records: Iterable[CreditRecord], policy: BlacklistPolicy | None = None) -> list[CreditRecord]:
    """The records that, under the policy, put their unit on the blacklist (the seed: "发生特种设备事故、
    存在重大隐患整改不力的使用单位，列入黑名单")."""
    policy = policy or BlacklistPolicy()
    return [r for r in records if (r.kind, r.severity) in policy.entry_kinds or (r.kind, "") in policy.entry_kinds]


@attrs.frozen(kw_only=True)
class RepairApplication:
    """A credit-repair application: what the unit claims and the regulator's decision."""

    applied_on: dt.date
    penalty_fulfilled: bool
    harm_removed: bool
    no_new_heavy_penalty: bool
    statement: str = ""
    decided_on: dt.date | None = None
    approved: bool | None = None
    decided_by: str = ""
    decision_note: str = ""


@attrs.define(kw_only=True)
class BlacklistEntry:
    """One listing with its whole history (the entry is never deleted; removal is a status change)."""

    id: str
    unit_uscc: str
    region_code: str
    listed_on: dt.date
    reason: str
    trigger_record_ids: tuple[str, ...]
    publication_text: str
    status: BlacklistStatus = BlacklistStatus.LISTED
    removed_on: dt.date | None = None
    repairs: tuple[RepairApplication, ...] = ()
    policy: BlacklistPolicy = attrs.field(factory=BlacklistPolicy)
    version: int = 0

    @property
    def expires_on(self) -> dt.date:
        return add_years(self.listed_on, self.policy.listing_years)

    def is_listed_on(self, day: dt.date) -> bool:
        return self.listed_on <= day and (self.removed_on is None or day < self.removed_on)

    def expire(self, day: dt.date) -> bool:
        """Remove the entry when its period has run out; returns whether anything changed."""
        if self.status is BlacklistStatus.LISTED and day >= self.expires_on:
            self.status = BlacklistStatus.REMOVED_EXPIRED
            self.removed_on = self.expires_on
            return True
        return False

    def apply_for_repair(self, application: RepairApplication) -> None:
        if self.status is not BlacklistStatus.LISTED:
            raise FailedPrecondition(
                f"blacklist entry {self.id} is {self.status.value}; only a listed entry can be repaired"
            )
        earliest = add_years(self.listed_on, self.policy.earliest_repair_years)
        if application.applied_on < earliest:
            raise FailedPrecondition(
                f"credit repair may be requested from {earliest} ({self.policy.earliest_repair_years} year after "
                f"listing on {self.listed_on}); applied on {application.applied_on}"
            )
        missing = [
            name
            for name, ok in (
                ("penalty_fulfilled", application.penalty_fulfilled),
                ("harm_removed", application.harm_removed),
                ("no_new_heavy_penalty", application.no_new_heavy_penalty),
            )
            if not ok
        ]
        if missing:
            raise InvalidArgument(
                [
                    FieldViolation(
                        field=f"application.{m}",
                        value=False,
                        rule="credit_repair.condition",
                        message="credit repair requires this condition to be met",
                    )
                    for m in missing
                ]
            )
        self.repairs = (*self.repairs, application)

    def decide_repair(self, *, approved: bool, day: dt.date, decided_by: str, note: str = "") -> None:
        pending = [a for a in self.repairs if a.approved is None]
        if not pending:
            raise FailedPrecondition(f"blacklist entry {self.id} has no pending repair application")
        decided = attrs.evolve(
            pending[-1], decided_on=day, approved=approved, decided_by=decided_by, decision_note=note
        )
        self.repairs = (*self.repairs[:-1], decided)
        if approved:
            self.status = BlacklistStatus.REMOVED_REPAIRED
            self.removed_on = day


def publication_list(entries: Sequence[BlacklistEntry], *, region_prefix: str, day: dt.date) -> list[BlacklistEntry]:
    """Entries to publish for a region (GB/T 2260 prefix) on a day, oldest listing first."""
    return sorted(
        (e for e in entries if e.region_code.startswith(region_prefix) and e.is_listed_on(day)),
        key=lambda e: (e.listed_on, e.unit_uscc),
    )


# ---------------------------------------------------------------------------------------------------------------
# regulator-issued classes, publication text
# ---------------------------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class IssuedClass:
    """A class issued by the regulator (Part C §10: the official class is theirs). It overrides the computed
    class from ``issued_on`` on, until a later issue."""

    unit_uscc: str
    credit_class: CreditClass
    issued_on: dt.date
    authority: str
    note: str = ""

    def describe(self) -> str:
        note = f"：{self.note}" if self.note else ""
        return f"{self.authority} {self.issued_on.isoformat()} 认定为{self.credit_class.value}类{note}"


#: The default Chinese publication text (a product template, not regulatory wording: load your authority's own).
#: Placeholders: ``unit_name``, ``uscc``, ``reason``, ``listed_on``, ``years``, ``expires_on``, ``authority``.
PUBLICATION_TEMPLATE = (
    "${unit_name}（统一社会信用代码：${uscc}）因${reason}，自${listed_on}起列入特种设备安全不良记录“黑名单”，"
    "列入期限${years}年（至${expires_on}）。期满或经信用修复后依法移出。特此公示。${authority}"
)


def _date_zh(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def blacklist_reason(triggers: Sequence[CreditRecord]) -> str:
    """The listing reason in Chinese, from the records that triggered it (oldest first)."""
    parts = []
    for record in sorted(triggers, key=lambda r: (r.occurred_on, r.id)):
        severity = Severity(record.severity).name_zh if record.severity in Severity._value2member_map_ else ""
        what = f"{severity}{record.kind.name_zh}" if severity else record.kind.name_zh
        parts.append(f"{_date_zh(record.occurred_on)}{what}")
    return "；".join(parts)


def publication_text(
    *,
    unit_name: str,
    unit_uscc: str,
    reason: str,
    listed_on: dt.date,
    policy: BlacklistPolicy | None = None,
    authority: str = "",
    template: str = PUBLICATION_TEMPLATE,
) -> str:
    """Fill the publication template (``string.Template``; an unknown placeholder is an InvalidArgument)."""
    policy = policy or BlacklistPolicy()
    values = {
        "unit_name": unit_name,
        "uscc": unit_uscc,
        "reason": reason,
        "listed_on": _date_zh(listed_on),
        "years": str(policy.listing_years),
        "expires_on": _date_zh(add_years(listed_on, policy.listing_years)),
        "authority": authority,
    }
    try:
        return string.Template(template).substitute(values)
    except (KeyError, ValueError) as exc:
        raise InvalidArgument.single(
            "template", template, "blacklist.publication_template", f"unknown or malformed placeholder: {exc}"
        ) from exc


# ---------------------------------------------------------------------------------------------------------------
# deriving records from what the SDK knows ("from events")
# ---------------------------------------------------------------------------------------------------------------


def credit_record_id(prefix: str, key: str) -> str:
    """A deterministic record id for a derived fact (so a sweep never records the same fact twice): readable
    ``PREFIX-key`` when it fits the 64-character id column, else ``PREFIX-`` + a SHA-256 prefix of the key."""
    readable = f"{prefix}-{key}"
    if len(readable) <= 64:
        return readable
    return f"{prefix}-{hashlib.sha256(key.encode()).hexdigest()[:40]}"


_DERIVATION_SOURCE = Source(
    document="dualprev-sdk default credit derivation rules",
    status=SourceStatus.GENERAL_KNOWLEDGE,
    note="the seed names accidents and 重大隐患整改不力; the repeat window and registration grace are defaults "
    "(registration ≤30 days after commissioning: Part C §12 item 4)",
)


@attrs.frozen(kw_only=True)
class DerivationRules:
    """How facts become records: a second major hazard on the same equipment within ``repeat_window_days`` of
    the previous one is a repeat; equipment in use ``registration_grace_days`` after commissioning without a
    registration is unregistered."""

    repeat_window_days: int = 365
    registration_grace_days: int = 30
    source: Source = _DERIVATION_SOURCE


@attrs.frozen(kw_only=True)
class MajorHazardFact:
    """What the credit sweep needs of one major hazard (from the hazards projection)."""

    hazard_id: str
    unit_uscc: str
    equipment_id: str | None
    found_on: dt.date
    deadline: dt.date | None
    open: bool
    closed_on: dt.date | None = None


def overdue_major_hazard_records(
    facts: Iterable[MajorHazardFact], *, today: dt.date, source: str = "system:credit-sweep"
) -> list[CreditRecord]:
    """MAJOR_HAZARD_OVERDUE for each major hazard still open after its deadline, or closed after it (整改不力);
    dated the day after the deadline."""
    out = []
    for fact in facts:
        if fact.deadline is None:
            continue
        late_open = fact.open and today > fact.deadline
        late_closed = not fact.open and fact.closed_on is not None and fact.closed_on > fact.deadline
        if late_open or late_closed:
            out.append(
                CreditRecord(
                    id=credit_record_id("CR-MHO", fact.hazard_id),
                    unit_uscc=fact.unit_uscc,
                    kind=CreditRecordKind.MAJOR_HAZARD_OVERDUE,
                    occurred_on=fact.deadline + dt.timedelta(days=1),
                    source=source,
                    evidence=f"hazards/{fact.hazard_id}",
                    note=f"重大事故隐患整改期限{fact.deadline.isoformat()}，"
                    + ("逾期仍未整改" if late_open else f"{fact.closed_on}方销号"),
                )
            )
    return out


def repeated_major_hazard_records(
    facts: Iterable[MajorHazardFact], *, rules: DerivationRules | None = None, source: str = "system:credit-sweep"
) -> list[CreditRecord]:
    """MAJOR_HAZARD_REPEATED for each major hazard found on the same equipment within the window after an
    earlier one; one record per later hazard, dated when it was found."""
    rules = rules or DerivationRules()
    by_equipment: dict[str, list[MajorHazardFact]] = {}
    for fact in facts:
        if fact.equipment_id is not None:
            by_equipment.setdefault(fact.equipment_id, []).append(fact)
    out = []
    for equipment_id, items in sorted(by_equipment.items()):
        items.sort(key=lambda f: (f.found_on, f.hazard_id))
        for earlier, later in itertools.pairwise(items):
            if (later.found_on - earlier.found_on).days <= rules.repeat_window_days:
                out.append(
                    CreditRecord(
                        id=credit_record_id("CR-MHR", later.hazard_id),
                        unit_uscc=later.unit_uscc,
                        kind=CreditRecordKind.MAJOR_HAZARD_REPEATED,
                        occurred_on=later.found_on,
                        source=source,
                        evidence=f"hazards/{earlier.hazard_id}; hazards/{later.hazard_id}",
                        note=f"设备{equipment_id}在{rules.repeat_window_days}日内再次发现重大事故隐患",
                    )
                )
    return out
