"""The hazard (隐患) lifecycle as an event-sourced aggregate with an explicit state machine.

Why events: the seed asks for "排查、登记、治理、销号的全过程记录和闭环管理" — a closed loop with *full records*.
If the state were a mutable row, the record would be a second, optional thing that can drift from it. Here the
record *is* the state: every command validates, produces one frozen event, and the aggregate is the fold of its
events (:meth:`Hazard.from_events`). The store appends the events to a hash-chained log
(:mod:`dualprev_sdk.domain.hazard_chain`), so the history is tamper-evident as well as complete.

Why a transition table as data (:data:`TRANSITIONS`): the documentation's state diagram, the parametrised tests
and the error a caller sees ("hazard H-1 is 已整改 (rectified); allowed: verify, reject_verification, add_note")
are all generated from the same rows, so they cannot disagree.

Regulatory anchors (domain reference Part C §2, §2.3, §8): GB 45067-2024 decides what is a *major* accident
hazard; SAMR Order No. 74 says a general hazard is handled at once by the safety officer and a serious/major one
stops the equipment and goes up the line; a major-hazard treatment plan needs the five assurances (五落实:
measures, responsible person, funds, deadline, contingency plan).
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, ClassVar, Protocol

import attrs

from dualprev_sdk.domain.common import Source, SourceStatus
from dualprev_sdk.domain.equipment import Equipment
from dualprev_sdk.errors import FailedPrecondition, FieldViolation, InvalidArgument
from dualprev_sdk.timeutil import SHANGHAI, ensure_aware

__all__ = [
    "EVENT_TYPES",
    "TRANSITIONS",
    "AcceptanceRecord",
    "CommandContext",
    "CriterionCitation",
    "EscalationPolicy",
    "EscalationTarget",
    "Evidence",
    "GradingBasis",
    "Hazard",
    "HazardCancelled",
    "HazardClosedOut",
    "HazardCommand",
    "HazardEscalated",
    "HazardEvent",
    "HazardFixedOnTheSpot",
    "HazardGraded",
    "HazardLevel",
    "HazardNoteAdded",
    "HazardRegistered",
    "HazardReported",
    "HazardSource",
    "HazardState",
    "HazardStatistics",
    "HazardVerified",
    "HazardVocabulary",
    "ListedSupervision",
    "MajorHazardRule",
    "RectificationCompleted",
    "RectificationPlan",
    "RectificationPlanned",
    "RectificationStarted",
    "RegulatorReport",
    "RegulatorReportKind",
    "SupervisionLifted",
    "SupervisionListed",
    "SupervisionStatus",
    "Transition",
    "VerificationRejected",
    "allowed_commands",
    "commands_table_markdown",
    "ensure_in_use",
    "state_diagram_mermaid",
    "transition_for",
]


# ---------------------------------------------------------------------------------------------------------------
# Vocabularies
# ---------------------------------------------------------------------------------------------------------------


class HazardState(enum.StrEnum):
    """Where a hazard stands in the loop 排查 → 登记 → 评估 → 治理 → 验收 → 销号 (Part B glossary, Part C §8)."""

    REPORTED = "reported"  # 已发现/已上报
    REGISTERED = "registered"  # 已登记
    GRADED = "graded"  # 已评估（定级）
    PLANNED = "planned"  # 已制定整改方案
    RECTIFYING = "rectifying"  # 整改中
    RECTIFIED = "rectified"  # 已整改（待验收）
    VERIFIED = "verified"  # 已验收
    CLOSED = "closed"  # 已销号
    CANCELLED = "cancelled"  # 已撤销（误报）

    @property
    def name_zh(self) -> str:
        return _STATE_ZH[self]

    @property
    def is_terminal(self) -> bool:
        return self in (HazardState.CLOSED, HazardState.CANCELLED)


_STATE_ZH = {
    HazardState.REPORTED: "已上报",
    HazardState.REGISTERED: "已登记",
    HazardState.GRADED: "已定级",
    HazardState.PLANNED: "已制定整改方案",
    HazardState.RECTIFYING: "整改中",
    HazardState.RECTIFIED: "已整改待验收",
    HazardState.VERIFIED: "已验收",
    HazardState.CLOSED: "已销号",
    HazardState.CANCELLED: "已撤销",
}


class HazardVocabulary(enum.StrEnum):
    """The three vocabularies for the two tiers that coexist (Part C §2.3)."""

    GB_45067 = "GB 45067-2024"  # 重大事故隐患 (no ordinary tier named)
    SAMR_ORDERS = "总局令第57号/第74号"  # 严重事故隐患 / 一般事故隐患
    WORK_SAFETY_16 = "安监总局令第16号"  # 重大事故隐患 / 一般事故隐患 [GK]


class HazardLevel(enum.StrEnum):
    """General or major accident hazard. "Major" is decided by GB 45067-2024 (or by a person with a reason)."""

    GENERAL = "general"
    MAJOR = "major"

    @property
    def name_zh(self) -> str:
        return self.label(HazardVocabulary.GB_45067)

    def label(self, vocabulary: HazardVocabulary) -> str:
        """The tier's name in one of the three vocabularies of Part C §2.3."""
        if self is HazardLevel.MAJOR:
            return "严重事故隐患" if vocabulary is HazardVocabulary.SAMR_ORDERS else "重大事故隐患"
        return "一般事故隐患"


#: Citation for the tier mapping itself, so exports can say where "严重 = 重大" comes from.
VOCABULARY_SOURCE = Source(document="domain reference Part C", clause="§2.3", status=SourceStatus.VERIFIED)


class HazardSource(enum.StrEnum):
    """How the hazard was found (Part C §2 "sources of hazard findings", §6.2 74号令 duties, §8)."""

    DAILY_CHECK = "daily_check"  # 日管控（每日检查）
    WEEKLY_INVESTIGATION = "weekly_investigation"  # 周排查
    MONTHLY_DISPATCH = "monthly_dispatch"  # 月调度
    PERIODIC_INVESTIGATION = "periodic_investigation"  # 定期/综合性排查
    SPECIAL_INVESTIGATION = "special_investigation"  # 专项排查
    INSPECTION_AGENCY = "inspection_agency"  # 检验机构检验发现
    REGULATOR_INSPECTION = "regulator_inspection"  # 监管部门检查
    SELF_REPORT = "self_report"  # 自查自报
    INCIDENT_96333 = "incident_96333"  # 96333 应急处置

    @property
    def name_zh(self) -> str:
        return _SOURCE_ZH[self]


_SOURCE_ZH = {
    HazardSource.DAILY_CHECK: "日管控检查",
    HazardSource.WEEKLY_INVESTIGATION: "周排查",
    HazardSource.MONTHLY_DISPATCH: "月调度",
    HazardSource.PERIODIC_INVESTIGATION: "定期排查",
    HazardSource.SPECIAL_INVESTIGATION: "专项排查",
    HazardSource.INSPECTION_AGENCY: "检验机构发现",
    HazardSource.REGULATOR_INSPECTION: "监管部门检查",
    HazardSource.SELF_REPORT: "自查自报",
    HazardSource.INCIDENT_96333: "96333应急事件",
}


class GradingBasis(enum.StrEnum):
    RULES = "rules"  # GB 45067-2024 criteria from the equipment-class plugin
    PERSON = "person"  # a person's written judgement

    @property
    def name_zh(self) -> str:
        return {"rules": "按GB 45067判定", "person": "人工判定"}[self.value]


class SupervisionStatus(enum.StrEnum):
    LISTED = "listed"  # 挂牌督办中
    LIFTED = "lifted"  # 已摘牌

    @property
    def name_zh(self) -> str:
        return {"listed": "挂牌督办中", "lifted": "已摘牌"}[self.value]


class EscalationTarget(enum.StrEnum):
    """Who an overdue rectification is escalated to, in order: the unit's principal, then (major) the regulator."""

    PRINCIPAL = "principal"  # 主要负责人
    REGULATOR = "regulator"  # 属地监管部门

    @property
    def name_zh(self) -> str:
        return {"principal": "单位主要负责人", "regulator": "属地监管部门"}[self.value]


class HazardCommand(enum.StrEnum):
    """Every command the aggregate accepts; the transition table says in which states."""

    REPORT = "report"
    REGISTER = "register"
    GRADE_BY_RULES = "grade_by_rules"
    GRADE_BY_PERSON = "grade_by_person"
    PLAN_RECTIFICATION = "plan_rectification"
    START_RECTIFICATION = "start_rectification"
    COMPLETE_RECTIFICATION = "complete_rectification"
    FIX_ON_THE_SPOT = "fix_on_the_spot"
    VERIFY = "verify"
    REJECT_VERIFICATION = "reject_verification"
    CLOSE_OUT = "close_out"
    CANCEL = "cancel"
    LIST_FOR_SUPERVISION = "list_for_supervision"
    LIFT_SUPERVISION = "lift_supervision"
    ESCALATE_OVERDUE = "escalate_overdue"
    ADD_NOTE = "add_note"


# ---------------------------------------------------------------------------------------------------------------
# The transition table
# ---------------------------------------------------------------------------------------------------------------

_OPEN_AFTER_GRADING = frozenset(
    {HazardState.GRADED, HazardState.PLANNED, HazardState.RECTIFYING, HazardState.RECTIFIED, HazardState.VERIFIED}
)
_NON_TERMINAL = frozenset(s for s in HazardState if not s.is_terminal)


@attrs.frozen(kw_only=True)
class Transition:
    """One row of the state machine: ``command`` is allowed in ``sources`` and leads to ``target``.

    ``target`` None means the command records something without moving the hazard (notes, supervision,
    escalation). ``level`` restricts the row to general or major hazards (立即整改 is for general hazards only;
    挂牌督办 for major ones).
    """

    command: HazardCommand
    sources: frozenset[HazardState]
    target: HazardState | None
    label_zh: str
    level: HazardLevel | None = None

    def allows(self, state: HazardState, level: HazardLevel | None) -> bool:
        return state in self.sources and (self.level is None or self.level == level)


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        command=HazardCommand.REGISTER,
        sources=frozenset({HazardState.REPORTED}),
        target=HazardState.REGISTERED,
        label_zh="登记",
    ),
    Transition(
        command=HazardCommand.GRADE_BY_RULES,
        sources=frozenset({HazardState.REGISTERED}),
        target=HazardState.GRADED,
        label_zh="按GB 45067定级",
    ),
    Transition(
        command=HazardCommand.GRADE_BY_PERSON,
        sources=frozenset({HazardState.REGISTERED}),
        target=HazardState.GRADED,
        label_zh="人工定级",
    ),
    Transition(
        command=HazardCommand.PLAN_RECTIFICATION,
        sources=frozenset({HazardState.GRADED}),
        target=HazardState.PLANNED,
        label_zh="制定整改方案",
    ),
    Transition(
        command=HazardCommand.START_RECTIFICATION,
        sources=frozenset({HazardState.PLANNED}),
        target=HazardState.RECTIFYING,
        label_zh="开始整改",
    ),
    Transition(
        command=HazardCommand.COMPLETE_RECTIFICATION,
        sources=frozenset({HazardState.RECTIFYING}),
        target=HazardState.RECTIFIED,
        label_zh="整改完成",
    ),
    Transition(
        command=HazardCommand.FIX_ON_THE_SPOT,
        sources=frozenset({HazardState.GRADED}),
        target=HazardState.CLOSED,
        label_zh="立即整改并销号",
        level=HazardLevel.GENERAL,
    ),
    Transition(
        command=HazardCommand.VERIFY,
        sources=frozenset({HazardState.RECTIFIED}),
        target=HazardState.VERIFIED,
        label_zh="验收通过",
    ),
    Transition(
        command=HazardCommand.REJECT_VERIFICATION,
        sources=frozenset({HazardState.RECTIFIED}),
        target=HazardState.RECTIFYING,
        label_zh="验收不通过",
    ),
    Transition(
        command=HazardCommand.CLOSE_OUT,
        sources=frozenset({HazardState.VERIFIED}),
        target=HazardState.CLOSED,
        label_zh="销号",
    ),
    Transition(
        command=HazardCommand.CANCEL,
        sources=frozenset({HazardState.REPORTED, HazardState.REGISTERED, HazardState.GRADED}),
        target=HazardState.CANCELLED,
        label_zh="撤销（误报）",
    ),
    Transition(
        command=HazardCommand.LIST_FOR_SUPERVISION,
        sources=_OPEN_AFTER_GRADING,
        target=None,
        label_zh="挂牌督办",
        level=HazardLevel.MAJOR,
    ),
    Transition(
        command=HazardCommand.LIFT_SUPERVISION,
        sources=_OPEN_AFTER_GRADING | {HazardState.CLOSED},
        target=None,
        label_zh="摘牌",
        level=HazardLevel.MAJOR,
    ),
    Transition(
        command=HazardCommand.ESCALATE_OVERDUE,
        sources=frozenset({HazardState.PLANNED, HazardState.RECTIFYING}),
        target=None,
        label_zh="逾期升级",
    ),
    Transition(
        command=HazardCommand.ADD_NOTE,
        sources=_NON_TERMINAL,
        target=None,
        label_zh="补充记录",
    ),
)

_BY_COMMAND: dict[HazardCommand, Transition] = {t.command: t for t in TRANSITIONS}


def transition_for(command: HazardCommand) -> Transition:
    """The table row of ``command`` (every command except REPORT, which creates the hazard, has exactly one)."""
    return _BY_COMMAND[command]


def allowed_commands(state: HazardState, level: HazardLevel | None) -> list[HazardCommand]:
    """The commands the table allows for a hazard in ``state`` with ``level`` (None before grading)."""
    return [t.command for t in TRANSITIONS if t.allows(state, level)]


def state_diagram_mermaid() -> str:
    """The state machine as a mermaid ``stateDiagram-v2``, generated from :data:`TRANSITIONS` (docs embed it; a
    test checks the docs still match)."""
    lines = ["stateDiagram-v2", f"    [*] --> {HazardState.REPORTED.value}: report 上报"]
    for row in TRANSITIONS:
        if row.target is None:
            continue
        guard = f" [{row.level.value}]" if row.level else ""
        for source in sorted(row.sources, key=list(HazardState).index):
            lines.append(f"    {source.value} --> {row.target.value}: {row.command.value}{guard} {row.label_zh}")
    lines.extend(f"    {s.value} --> [*]" for s in HazardState if s.is_terminal)
    return "\n".join(lines)


def commands_table_markdown() -> str:
    """Every command with the states it is allowed in and where it leads, as a Markdown table (from the data)."""
    rows = ["| command | 中文 | allowed in | leads to | only for |", "|---|---|---|---|---|"]
    for row in TRANSITIONS:
        sources = ", ".join(s.value for s in HazardState if s in row.sources)
        target = row.target.value if row.target else "(stays)"
        level = row.level.value if row.level else ""
        rows.append(f"| `{row.command.value}` | {row.label_zh} | {sources} | {target} | {level} |")
    return "\n".join(rows)


# ---------------------------------------------------------------------------------------------------------------
# Value objects
# ---------------------------------------------------------------------------------------------------------------


def _aware(_: Any, attribute: attrs.Attribute[Any], value: dt.datetime) -> None:
    ensure_aware(value, field=attribute.name)


@attrs.frozen(kw_only=True)
class CommandContext:
    """Who issues a command, when, and under which request id (AIP-155: the same id → the same result)."""

    actor: str
    at: dt.datetime = attrs.field(validator=_aware)
    request_id: str

    @property
    def day(self) -> dt.date:
        """The calendar day in Asia/Shanghai, the day regulations count in."""
        return self.at.astimezone(SHANGHAI).date()


@attrs.frozen(kw_only=True)
class Evidence:
    """A piece of rectification evidence: a photo, a document, an inspection report (by reference, not bytes)."""

    kind: str  # "photo" | "document" | "inspection_report" | …
    reference: str  # file id, URI or report number
    description: str = ""


@attrs.frozen(kw_only=True)
class CriterionCitation:
    """A GB 45067-2024 item a grading relied on, copied into the record so it survives plugin upgrades."""

    clause: str
    item: str
    text: str
    citation: str


@attrs.frozen(kw_only=True)
class RectificationPlan:
    """整改方案. A major hazard needs all five assurances (五落实: 措施、责任、资金、时限、预案, Part C §8);
    a general hazard needs a responsible person and a deadline."""

    measures: str = ""
    responsible_person: str = ""
    funds_yuan: decimal.Decimal | None = None
    deadline: dt.date | None = None
    contingency_plan: str = ""

    def violations(self, level: HazardLevel, planned_on: dt.date) -> list[FieldViolation]:
        """Every missing assurance for ``level`` at once, so one error tells the officer all that is missing."""
        found: list[FieldViolation] = []
        required = _FIVE_ASSURANCES if level is HazardLevel.MAJOR else _GENERAL_PLAN_FIELDS
        for name, label in required:
            value = getattr(self, name)
            if value is None or (isinstance(value, str) and not value.strip()):
                rule = "hazard.plan.five_assurances" if level is HazardLevel.MAJOR else "hazard.plan.general"
                found.append(
                    FieldViolation(field=f"plan.{name}", value=value, rule=rule, message=f"{label}未落实 (missing)")
                )
        if self.funds_yuan is not None and self.funds_yuan < 0:
            found.append(
                FieldViolation(
                    field="plan.funds_yuan",
                    value=str(self.funds_yuan),
                    rule="hazard.plan.funds",
                    message="资金不能为负",
                )
            )
        if self.deadline is not None and self.deadline < planned_on:
            found.append(
                FieldViolation(
                    field="plan.deadline",
                    value=self.deadline.isoformat(),
                    rule="hazard.plan.deadline_after_planning",
                    message=f"整改时限不能早于制定方案日期 {planned_on.isoformat()}",
                )
            )
        return found


#: The five assurances (五落实) in the order the guides list them (Part B glossary, Part C §8 [V-2nd]).
_FIVE_ASSURANCES: tuple[tuple[str, str], ...] = (
    ("measures", "整改措施"),
    ("responsible_person", "整改责任人"),
    ("funds_yuan", "整改资金"),
    ("deadline", "整改时限"),
    ("contingency_plan", "应急预案"),
)
_GENERAL_PLAN_FIELDS: tuple[tuple[str, str], ...] = (("responsible_person", "整改责任人"), ("deadline", "整改时限"))


@attrs.frozen(kw_only=True)
class AcceptanceRecord:
    """验收记录 for a major hazard: who accepted, for which organisation, the conclusion and the date."""

    accepted_by: str
    organisation: str
    conclusion: str
    accepted_on: dt.date


@attrs.frozen(kw_only=True)
class ListedSupervision:
    """挂牌督办: a regulator tracks a major hazard to closure."""

    authority: str
    deadline: dt.date
    status: SupervisionStatus
    listed_on: dt.date
    lifted_on: dt.date | None = None


@attrs.frozen(kw_only=True)
class EscalationPolicy:
    """When an overdue rectification goes up the line, in whole days past the deadline.

    Not a regulatory number (Part C has none): a product default the user may override. The principal is told
    on the first overdue day; for major hazards the regulator too.
    """

    principal_after_days: int = 1
    regulator_after_days: int = 1
    source: Source = attrs.field(factory=lambda: Source(document="dualprev-sdk default", status=SourceStatus.USER))


class MajorHazardRule(Protocol):
    """What the domain needs from a GB 45067 criterion (``MajorHazardCriterion`` satisfies it)."""

    @property
    def clause(self) -> str: ...

    @property
    def item(self) -> str: ...

    @property
    def text(self) -> str: ...

    @property
    def citation(self) -> str: ...


# ---------------------------------------------------------------------------------------------------------------
# Events
# ---------------------------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class HazardEvent:
    """Fields every event carries. ``sequence`` starts at 1 and has no gaps; the chain hashes it."""

    type_name: ClassVar[str] = "hazard.event"
    command: ClassVar[HazardCommand]

    hazard_id: str
    sequence: int
    occurred_at: dt.datetime = attrs.field(validator=_aware)
    actor: str
    request_id: str


@attrs.frozen(kw_only=True)
class HazardReported(HazardEvent):
    type_name: ClassVar[str] = "hazard.reported"
    command: ClassVar[HazardCommand] = HazardCommand.REPORT

    unit_uscc: str
    equipment_id: str | None
    source: HazardSource
    source_reference: str
    description: str
    location: str = ""
    found_on: dt.date
    finder: str
    photos: tuple[str, ...] = ()
    legal_basis: str = ""


@attrs.frozen(kw_only=True)
class HazardRegistered(HazardEvent):
    type_name: ClassVar[str] = "hazard.registered"
    command: ClassVar[HazardCommand] = HazardCommand.REGISTER

    note: str = ""


@attrs.frozen(kw_only=True)
class HazardGraded(HazardEvent):
    """Grading result. For a major hazard ``stop_use`` records that the equipment went out of use and
    ``regulator_region_code`` which regulator the report went to."""

    type_name: ClassVar[str] = "hazard.graded"
    command: ClassVar[HazardCommand] = HazardCommand.GRADE_BY_RULES

    level: HazardLevel
    basis: GradingBasis
    criteria: tuple[CriterionCitation, ...] = ()
    reason: str = ""
    stop_use: bool = False
    regulator_region_code: str | None = None


@attrs.frozen(kw_only=True)
class RectificationPlanned(HazardEvent):
    type_name: ClassVar[str] = "hazard.rectification_planned"
    command: ClassVar[HazardCommand] = HazardCommand.PLAN_RECTIFICATION

    plan: RectificationPlan


@attrs.frozen(kw_only=True)
class RectificationStarted(HazardEvent):
    type_name: ClassVar[str] = "hazard.rectification_started"
    command: ClassVar[HazardCommand] = HazardCommand.START_RECTIFICATION

    note: str = ""


@attrs.frozen(kw_only=True)
class RectificationCompleted(HazardEvent):
    type_name: ClassVar[str] = "hazard.rectification_completed"
    command: ClassVar[HazardCommand] = HazardCommand.COMPLETE_RECTIFICATION

    rectifier: str
    measures_taken: str
    evidence: tuple[Evidence, ...]


@attrs.frozen(kw_only=True)
class HazardFixedOnTheSpot(HazardEvent):
    """立即整改: a general hazard removed at once by the person who found it (74号令), closed in one step."""

    type_name: ClassVar[str] = "hazard.fixed_on_the_spot"
    command: ClassVar[HazardCommand] = HazardCommand.FIX_ON_THE_SPOT

    rectifier: str
    measures_taken: str
    evidence: tuple[Evidence, ...]


@attrs.frozen(kw_only=True)
class HazardVerified(HazardEvent):
    type_name: ClassVar[str] = "hazard.verified"
    command: ClassVar[HazardCommand] = HazardCommand.VERIFY

    verifier: str
    acceptance: AcceptanceRecord | None = None
    note: str = ""


@attrs.frozen(kw_only=True)
class VerificationRejected(HazardEvent):
    type_name: ClassVar[str] = "hazard.verification_rejected"
    command: ClassVar[HazardCommand] = HazardCommand.REJECT_VERIFICATION

    verifier: str
    reason: str


@attrs.frozen(kw_only=True)
class HazardClosedOut(HazardEvent):
    type_name: ClassVar[str] = "hazard.closed_out"
    command: ClassVar[HazardCommand] = HazardCommand.CLOSE_OUT

    note: str = ""


@attrs.frozen(kw_only=True)
class HazardCancelled(HazardEvent):
    type_name: ClassVar[str] = "hazard.cancelled"
    command: ClassVar[HazardCommand] = HazardCommand.CANCEL

    reason: str


@attrs.frozen(kw_only=True)
class SupervisionListed(HazardEvent):
    type_name: ClassVar[str] = "hazard.supervision_listed"
    command: ClassVar[HazardCommand] = HazardCommand.LIST_FOR_SUPERVISION

    authority: str
    deadline: dt.date


@attrs.frozen(kw_only=True)
class SupervisionLifted(HazardEvent):
    type_name: ClassVar[str] = "hazard.supervision_lifted"
    command: ClassVar[HazardCommand] = HazardCommand.LIFT_SUPERVISION

    reason: str = ""


@attrs.frozen(kw_only=True)
class HazardEscalated(HazardEvent):
    """An overdue rectification reported up the line; ``deadline`` keys the escalation so a sweep is idempotent."""

    type_name: ClassVar[str] = "hazard.escalated"
    command: ClassVar[HazardCommand] = HazardCommand.ESCALATE_OVERDUE

    target: EscalationTarget
    deadline: dt.date
    days_overdue: int
    recipient: str = ""  # the principal's name, or the regulator's region code


@attrs.frozen(kw_only=True)
class HazardNoteAdded(HazardEvent):
    type_name: ClassVar[str] = "hazard.note_added"
    command: ClassVar[HazardCommand] = HazardCommand.ADD_NOTE

    text: str
    attachments: tuple[str, ...] = ()


EVENT_TYPES: Mapping[str, type[HazardEvent]] = {
    cls.type_name: cls
    for cls in (
        HazardReported,
        HazardRegistered,
        HazardGraded,
        RectificationPlanned,
        RectificationStarted,
        RectificationCompleted,
        HazardFixedOnTheSpot,
        HazardVerified,
        VerificationRejected,
        HazardClosedOut,
        HazardCancelled,
        SupervisionListed,
        SupervisionLifted,
        HazardEscalated,
        HazardNoteAdded,
    )
}


# ---------------------------------------------------------------------------------------------------------------
# The aggregate
# ---------------------------------------------------------------------------------------------------------------


def _required(fields: Iterable[tuple[str, Any]]) -> list[FieldViolation]:
    return [
        FieldViolation(field=name, value=value, rule="required", message="must not be empty")
        for name, value in fields
        if value is None or (isinstance(value, str) and not value.strip())
    ]


@attrs.define(kw_only=True)
class Hazard:
    """One hazard: the fold of its events. Do not set fields directly; issue commands.

    ``version`` equals the sequence number of the last event and is what the store compares-and-swaps.
    ``pending`` holds events produced since the hazard was loaded; the repository appends them and clears it.
    """

    id: str
    unit_uscc: str = ""
    equipment_id: str | None = None
    source: HazardSource = HazardSource.SELF_REPORT
    source_reference: str = ""
    description: str = ""
    location: str = ""
    found_on: dt.date | None = None
    finder: str = ""
    state: HazardState = HazardState.REPORTED
    level: HazardLevel | None = None
    grading_basis: GradingBasis | None = None
    criteria: tuple[CriterionCitation, ...] = ()
    grading_reason: str = ""
    stop_use: bool = False
    regulator_region_code: str | None = None
    plan: RectificationPlan | None = None
    rectifier: str = ""
    evidence: tuple[Evidence, ...] = ()
    verifier: str = ""
    acceptance: AcceptanceRecord | None = None
    rejections: int = 0
    cancel_reason: str = ""
    supervision: ListedSupervision | None = None
    escalations: frozenset[tuple[dt.date, EscalationTarget]] = frozenset()
    reported_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    notes: int = 0
    version: int = 0
    events: list[HazardEvent] = attrs.field(factory=list, eq=False, repr=False)
    pending: list[HazardEvent] = attrs.field(factory=list, eq=False, repr=False)

    # -- folding ---------------------------------------------------------------------------------------------

    @classmethod
    def from_events(cls, events: Iterable[HazardEvent]) -> Hazard:
        """Rebuild a hazard from its history: the one way state is ever computed."""
        hazard: Hazard | None = None
        for event in events:
            if hazard is None:
                hazard = cls(id=event.hazard_id)
            hazard._apply(event)
        if hazard is None:
            raise ValueError("a hazard needs at least its HazardReported event")
        return hazard

    def _apply(self, event: HazardEvent) -> None:
        if event.sequence != self.version + 1:
            raise ValueError(f"event sequence {event.sequence} does not follow version {self.version}")
        if not isinstance(event, HazardReported):
            row = transition_for(event.command)
            if row.target is not None:
                self.state = row.target
        match event:
            case HazardReported():
                self.unit_uscc = event.unit_uscc
                self.equipment_id = event.equipment_id
                self.source = event.source
                self.source_reference = event.source_reference
                self.description = event.description
                self.location = event.location
                self.found_on = event.found_on
                self.finder = event.finder
                self.reported_at = event.occurred_at
                self.state = HazardState.REPORTED
            case HazardGraded():
                self.level = event.level
                self.grading_basis = event.basis
                self.criteria = event.criteria
                self.grading_reason = event.reason
                self.stop_use = event.stop_use
                self.regulator_region_code = event.regulator_region_code
            case RectificationPlanned():
                self.plan = event.plan
            case RectificationCompleted() | HazardFixedOnTheSpot():
                self.rectifier = event.rectifier
                self.evidence = event.evidence
                if isinstance(event, HazardFixedOnTheSpot):
                    self.closed_at = event.occurred_at
            case HazardVerified():
                self.verifier = event.verifier
                self.acceptance = event.acceptance
            case VerificationRejected():
                self.rejections += 1
            case HazardClosedOut():
                self.closed_at = event.occurred_at
                self.stop_use = False
            case HazardCancelled():
                self.cancel_reason = event.reason
                self.stop_use = False
            case SupervisionListed():
                self.supervision = ListedSupervision(
                    authority=event.authority,
                    deadline=event.deadline,
                    status=SupervisionStatus.LISTED,
                    listed_on=event.occurred_at.astimezone(SHANGHAI).date(),
                )
            case SupervisionLifted():
                assert self.supervision is not None
                self.supervision = attrs.evolve(
                    self.supervision,
                    status=SupervisionStatus.LIFTED,
                    lifted_on=event.occurred_at.astimezone(SHANGHAI).date(),
                )
            case HazardEscalated():
                self.escalations = self.escalations | {(event.deadline, event.target)}
            case HazardNoteAdded():
                self.notes += 1
            case _:
                pass
        self.version = event.sequence
        self.events.append(event)

    def _emit(self, event: HazardEvent) -> HazardEvent:
        self._apply(event)
        self.pending.append(event)
        return event

    def _base(self, ctx: CommandContext) -> dict[str, Any]:
        return {
            "hazard_id": self.id,
            "sequence": self.version + 1,
            "occurred_at": ctx.at,
            "actor": ctx.actor,
            "request_id": ctx.request_id,
        }

    def _require(self, command: HazardCommand) -> None:
        row = transition_for(command)
        if row.allows(self.state, self.level):
            return
        allowed = ", ".join(c.value for c in allowed_commands(self.state, self.level)) or "none"
        level = f", {self.level.value}" if self.level else ""
        raise FailedPrecondition(
            f"hazard {self.id!r} is {self.state.value} ({self.state.name_zh}{level}); {command.value!r} is not "
            f"allowed. Allowed commands: {allowed}",
            reason="HAZARD_COMMAND_NOT_ALLOWED",
            metadata={
                "hazard_id": self.id,
                "state": self.state.value,
                "command": command.value,
                "allowed": allowed,
            },
        )

    # -- properties ------------------------------------------------------------------------------------------

    @property
    def is_major(self) -> bool:
        return self.level is HazardLevel.MAJOR

    @property
    def is_open(self) -> bool:
        return not self.state.is_terminal

    @property
    def deadline(self) -> dt.date | None:
        return self.plan.deadline if self.plan else None

    @property
    def allowed(self) -> list[HazardCommand]:
        return allowed_commands(self.state, self.level)

    def is_overdue(self, today: dt.date) -> bool:
        """Rectification deadline passed and the rectification not done (planned or rectifying)."""
        return (
            self.state in (HazardState.PLANNED, HazardState.RECTIFYING)
            and self.deadline is not None
            and today > self.deadline
        )

    # -- commands --------------------------------------------------------------------------------------------

    @classmethod
    def report(
        cls,
        ctx: CommandContext,
        *,
        hazard_id: str,
        unit_uscc: str,
        equipment_id: str | None,
        source: HazardSource,
        source_reference: str,
        description: str,
        found_on: dt.date,
        finder: str,
        location: str = "",
        photos: Sequence[str] = (),
        legal_basis: str = "",
    ) -> Hazard:
        """排查发现/上报: a new hazard with its source and a link to what found it (a check record, an inspection
        report number, a 96333 incident id…)."""
        violations = _required(
            [
                ("hazard_id", hazard_id),
                ("unit_uscc", unit_uscc),
                ("source_reference", source_reference),
                ("description", description),
                ("finder", finder),
            ]
        )
        if found_on > ctx.day:
            violations.append(
                FieldViolation(
                    field="found_on",
                    value=found_on.isoformat(),
                    rule="hazard.found_on.not_future",
                    message=f"发现日期不能晚于上报日期 {ctx.day.isoformat()}",
                )
            )
        if violations:
            raise InvalidArgument(violations)
        hazard = cls(id=hazard_id)
        hazard._emit(
            HazardReported(
                **hazard._base(ctx),
                unit_uscc=unit_uscc,
                equipment_id=equipment_id,
                source=source,
                source_reference=source_reference,
                description=description,
                location=location,
                found_on=found_on,
                finder=finder,
                photos=tuple(photos),
                legal_basis=legal_basis,
            )
        )
        return hazard

    def register(self, ctx: CommandContext, *, note: str = "") -> HazardEvent:
        """登记: the unit accepts the finding into its hazard ledger."""
        self._require(HazardCommand.REGISTER)
        return self._emit(HazardRegistered(**self._base(ctx), note=note))

    def grade_by_rules(
        self,
        ctx: CommandContext,
        *,
        matching_criteria: Callable[[], Sequence[MajorHazardRule]],
        regulator_region_code: str | None = None,
    ) -> HazardEvent:
        """评估 by GB 45067-2024: ``matching_criteria`` returns the criteria the equipment-class plugin says match
        (the service builds it from ``EquipmentClass.major_hazard_criteria()``; the domain never sees the
        registry). Any match → major, every matching clause recorded; none → general."""
        self._require(HazardCommand.GRADE_BY_RULES)
        matched = tuple(
            CriterionCitation(clause=c.clause, item=c.item, text=c.text, citation=c.citation)
            for c in matching_criteria()
        )
        level = HazardLevel.MAJOR if matched else HazardLevel.GENERAL
        reason = "; ".join(c.citation for c in matched) if matched else "未命中GB 45067-2024重大事故隐患判定条款"
        return self._grade(ctx, level, GradingBasis.RULES, matched, reason=reason, region=regulator_region_code)

    def grade_by_person(
        self,
        ctx: CommandContext,
        *,
        level: HazardLevel,
        reason: str,
        regulator_region_code: str | None = None,
    ) -> HazardEvent:
        """评估 by a person, who must write down why (an audit reads this, not the person's memory)."""
        self._require(HazardCommand.GRADE_BY_PERSON)
        if not reason.strip():
            raise InvalidArgument.single("reason", reason, "hazard.grade.reason_required", "人工定级必须写明理由")
        return self._grade(ctx, level, GradingBasis.PERSON, (), reason=reason, region=regulator_region_code)

    def _grade(
        self,
        ctx: CommandContext,
        level: HazardLevel,
        basis: GradingBasis,
        criteria: tuple[CriterionCitation, ...],
        *,
        reason: str,
        region: str | None,
    ) -> HazardEvent:
        regulator_region_code = region
        major = level is HazardLevel.MAJOR
        if major and not regulator_region_code:
            raise InvalidArgument.single(
                "regulator_region_code",
                regulator_region_code,
                "hazard.major.regulator_required",
                "重大事故隐患须报告属地监管部门：缺少行政区划代码",
            )
        return self._emit(
            HazardGraded(
                **self._base(ctx),
                level=level,
                basis=basis,
                criteria=criteria,
                reason=reason,
                stop_use=major and self.equipment_id is not None,
                regulator_region_code=regulator_region_code if major else None,
            )
        )

    def plan_rectification(self, ctx: CommandContext, *, plan: RectificationPlan) -> HazardEvent:
        """治理方案. One InvalidArgument lists every missing assurance (五落实 for major hazards)."""
        self._require(HazardCommand.PLAN_RECTIFICATION)
        assert self.level is not None
        violations = plan.violations(self.level, ctx.day)
        if violations:
            raise InvalidArgument(violations)
        return self._emit(RectificationPlanned(**self._base(ctx), plan=plan))

    def start_rectification(self, ctx: CommandContext, *, note: str = "") -> HazardEvent:
        self._require(HazardCommand.START_RECTIFICATION)
        return self._emit(RectificationStarted(**self._base(ctx), note=note))

    def complete_rectification(
        self, ctx: CommandContext, *, measures_taken: str, evidence: Sequence[Evidence]
    ) -> HazardEvent:
        """整改完成, with evidence. The actor is recorded as the rectifier (verification must be someone else)."""
        self._require(HazardCommand.COMPLETE_RECTIFICATION)
        self._check_rectification(measures_taken, evidence)
        return self._emit(
            RectificationCompleted(
                **self._base(ctx), rectifier=ctx.actor, measures_taken=measures_taken, evidence=tuple(evidence)
            )
        )

    def fix_on_the_spot(self, ctx: CommandContext, *, measures_taken: str, evidence: Sequence[Evidence]) -> HazardEvent:
        """立即整改: 74号令 has the safety officer handle a general hazard at once; recorded and closed in one step."""
        self._require(HazardCommand.FIX_ON_THE_SPOT)
        self._check_rectification(measures_taken, evidence)
        return self._emit(
            HazardFixedOnTheSpot(
                **self._base(ctx), rectifier=ctx.actor, measures_taken=measures_taken, evidence=tuple(evidence)
            )
        )

    @staticmethod
    def _check_rectification(measures_taken: str, evidence: Sequence[Evidence]) -> None:
        violations = _required([("measures_taken", measures_taken)])
        if not evidence:
            violations.append(
                FieldViolation(
                    field="evidence", value=[], rule="hazard.rectification.evidence", message="整改须附整改证据"
                )
            )
        if violations:
            raise InvalidArgument(violations)

    def _check_verifier(self, verifier: str) -> None:
        if verifier == self.rectifier:
            raise InvalidArgument.single(
                "verifier",
                verifier,
                "hazard.verify.independent",
                f"验收人不能是整改人 {self.rectifier!r}",
            )

    def verify(self, ctx: CommandContext, *, acceptance: AcceptanceRecord | None = None, note: str = "") -> HazardEvent:
        """验收 by someone other than the rectifier; a major hazard needs an acceptance record."""
        self._require(HazardCommand.VERIFY)
        self._check_verifier(ctx.actor)
        if self.is_major:
            if acceptance is None:
                raise InvalidArgument.single(
                    "acceptance", None, "hazard.verify.acceptance_required", "重大事故隐患验收须有验收记录"
                )
            violations = _required(
                [
                    ("acceptance.accepted_by", acceptance.accepted_by),
                    ("acceptance.organisation", acceptance.organisation),
                    ("acceptance.conclusion", acceptance.conclusion),
                ]
            )
            if violations:
                raise InvalidArgument(violations)
        return self._emit(HazardVerified(**self._base(ctx), verifier=ctx.actor, acceptance=acceptance, note=note))

    def reject_verification(self, ctx: CommandContext, *, reason: str) -> HazardEvent:
        """验收不通过: back to rectifying, with the reason on record."""
        self._require(HazardCommand.REJECT_VERIFICATION)
        self._check_verifier(ctx.actor)
        if not reason.strip():
            raise InvalidArgument.single("reason", reason, "required", "must not be empty")
        return self._emit(VerificationRejected(**self._base(ctx), verifier=ctx.actor, reason=reason))

    def close_out(self, ctx: CommandContext, *, note: str = "") -> HazardEvent:
        """销号: the loop is closed; the equipment's stop-use order (if any) is lifted by the service."""
        self._require(HazardCommand.CLOSE_OUT)
        return self._emit(HazardClosedOut(**self._base(ctx), note=note))

    def cancel(self, ctx: CommandContext, *, reason: str) -> HazardEvent:
        """撤销 a false report, with the reason (the record stays)."""
        self._require(HazardCommand.CANCEL)
        if not reason.strip():
            raise InvalidArgument.single("reason", reason, "hazard.cancel.reason_required", "撤销必须写明理由")
        return self._emit(HazardCancelled(**self._base(ctx), reason=reason))

    def list_for_supervision(self, ctx: CommandContext, *, authority: str, deadline: dt.date) -> HazardEvent:
        """挂牌督办 by the regulator (major hazards only)."""
        self._require(HazardCommand.LIST_FOR_SUPERVISION)
        if self.supervision is not None and self.supervision.status is SupervisionStatus.LISTED:
            raise FailedPrecondition(
                f"hazard {self.id!r} is already listed for supervision by {self.supervision.authority!r}",
                reason="HAZARD_ALREADY_LISTED",
                metadata={"hazard_id": self.id},
            )
        violations = _required([("authority", authority)])
        if deadline < ctx.day:
            violations.append(
                FieldViolation(
                    field="deadline",
                    value=deadline.isoformat(),
                    rule="hazard.supervision.deadline",
                    message="督办期限不能早于挂牌日期",
                )
            )
        if violations:
            raise InvalidArgument(violations)
        return self._emit(SupervisionListed(**self._base(ctx), authority=authority, deadline=deadline))

    def lift_supervision(self, ctx: CommandContext, *, reason: str = "") -> HazardEvent:
        """摘牌."""
        self._require(HazardCommand.LIFT_SUPERVISION)
        if self.supervision is None or self.supervision.status is not SupervisionStatus.LISTED:
            raise FailedPrecondition(
                f"hazard {self.id!r} is not under listed supervision",
                reason="HAZARD_NOT_LISTED",
                metadata={"hazard_id": self.id},
            )
        return self._emit(SupervisionLifted(**self._base(ctx), reason=reason))

    def due_escalations(self, today: dt.date, policy: EscalationPolicy) -> list[tuple[EscalationTarget, int]]:
        """The escalations an overdue sweep owes this hazard today and has not made yet (for this deadline)."""
        if not self.is_overdue(today):
            return []
        assert self.deadline is not None
        days = (today - self.deadline).days
        due: list[tuple[EscalationTarget, int]] = []
        if days >= policy.principal_after_days:
            due.append((EscalationTarget.PRINCIPAL, days))
        if self.is_major and days >= policy.regulator_after_days:
            due.append((EscalationTarget.REGULATOR, days))
        return [(t, d) for t, d in due if (self.deadline, t) not in self.escalations]

    def escalate_overdue(
        self, ctx: CommandContext, *, target: EscalationTarget, today: dt.date, recipient: str = ""
    ) -> HazardEvent:
        """逾期升级: record that the overdue rectification went to ``target``. Refused when not overdue or when
        that target already had it for the current deadline (which makes the sweep idempotent)."""
        self._require(HazardCommand.ESCALATE_OVERDUE)
        deadline = self.deadline
        if deadline is None or not self.is_overdue(today):
            raise FailedPrecondition(
                f"hazard {self.id!r} is not overdue on {today.isoformat()} (deadline {deadline})",
                reason="HAZARD_NOT_OVERDUE",
                metadata={"hazard_id": self.id},
            )
        if target is EscalationTarget.REGULATOR and not self.is_major:
            raise FailedPrecondition(
                f"hazard {self.id!r} is a general hazard; only major hazards go to the regulator",
                reason="HAZARD_NOT_MAJOR",
                metadata={"hazard_id": self.id},
            )
        if (deadline, target) in self.escalations:
            raise FailedPrecondition(
                f"hazard {self.id!r} was already escalated to {target.value} for deadline {deadline.isoformat()}",
                reason="HAZARD_ALREADY_ESCALATED",
                metadata={"hazard_id": self.id},
            )
        return self._emit(
            HazardEscalated(
                **self._base(ctx),
                target=target,
                deadline=deadline,
                days_overdue=(today - deadline).days,
                recipient=recipient,
            )
        )

    def add_note(self, ctx: CommandContext, *, text: str, attachments: Sequence[str] = ()) -> HazardEvent:
        """补充记录: a remark or attachment on an open hazard (photos of progress, a phone call with the agency)."""
        self._require(HazardCommand.ADD_NOTE)
        if not text.strip():
            raise InvalidArgument.single("text", text, "required", "must not be empty")
        return self._emit(HazardNoteAdded(**self._base(ctx), text=text, attachments=tuple(attachments)))


class RegulatorReportKind(enum.StrEnum):
    MAJOR_HAZARD = "major_hazard"  # 重大事故隐患报告
    OVERDUE_ESCALATION = "overdue_escalation"  # 逾期未整改升级

    @property
    def name_zh(self) -> str:
        return {"major_hazard": "重大事故隐患报告", "overdue_escalation": "逾期未整改报告"}[self.value]


@attrs.frozen(kw_only=True)
class RegulatorReport:
    """A report to the regulator of the unit's region (its GB/T 2260 code), made when a hazard is graded major
    or when a major hazard's rectification runs overdue. ``sequence`` is the hazard event that caused it."""

    id: str
    hazard_id: str
    unit_uscc: str
    region_code: str
    kind: RegulatorReportKind
    reported_at: dt.datetime
    sequence: int


@attrs.frozen(kw_only=True)
class HazardStatistics:
    """Counts and rates over a set of hazards (computed by SQL aggregates in the store).

    ``rectification_rate`` = closed ÷ (all − cancelled); ``on_time_rate`` = closed on or before the plan's
    deadline ÷ closed (a hazard fixed on the spot has no deadline and counts as on time);
    ``mean_days_to_close`` = mean of (close-out day − finding day) over closed hazards. None when undefined.
    """

    total: int
    by_state: Mapping[str, int]
    by_level: Mapping[str, int]
    by_equipment_kind: Mapping[str, int]
    by_unit: Mapping[str, int]
    by_region: Mapping[str, int]
    closed: int
    cancelled: int
    overdue: int
    rectification_rate: float | None
    on_time_rate: float | None
    mean_days_to_close: float | None


def ensure_in_use(equipment: Equipment) -> None:
    """Refuse an operation that assumes the equipment is in use (a daily check, a filling, a ride) when it is
    stopped — by its registration status or by a major hazard's stop-use order (Part C §2: "仍继续使用")."""
    if equipment.in_use:
        return
    if equipment.stop_use_order is not None:
        message = (
            f"equipment {equipment.id!r} is stopped by major hazard {equipment.stop_use_order!r} "
            "until the hazard is closed out (重大事故隐患停用)"
        )
        reason = "EQUIPMENT_STOPPED_BY_HAZARD"
    else:
        message = f"equipment {equipment.id!r} is {equipment.status.value} ({equipment.status.name_zh}), not in use"
        reason = "EQUIPMENT_NOT_IN_USE"
    raise FailedPrecondition(
        message,
        reason=reason,
        metadata={"equipment_id": equipment.id, "stop_use_order": equipment.stop_use_order or ""},
    )
