"""The "五有" self-assessment: a unit scored against the seed's five standards from its own records.

豫市监办〔2021〕55号 asks every use unit to meet the work-safety dual prevention "五有" standard: 完善的工作推进机制,
全面覆盖的风险辨识分级管控机制, 责任明确的隐患排查治理机制, 线上线下的智能化信息平台, 奖惩分明的激励约束机制. The
plan names the standards but gives no scoring method, so the checks, their weights and the pass mark below are
**product defaults** (``ScoringModel.source`` says so); a province or a unit passes its own model.

Every score comes with its evidence — what was counted, from which records — so a safety officer can see why a
standard scored low and what to fix. Nothing is self-declared: a check with no data scores 0 and says "no data".
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from dualprev_sdk import timeutil
from dualprev_sdk.domain.common import SafetyRole, Source, SourceStatus

if TYPE_CHECKING:
    from dualprev_sdk.services.bootstrap import Dualprev

__all__ = [
    "DEFAULT_MODEL",
    "Evidence",
    "FiveStandardsAssessment",
    "ScoringModel",
    "Standard",
    "StandardScore",
    "assess_unit",
    "write_assessment_json",
]

_ALL = 1_000_000


@attrs.frozen(kw_only=True)
class Standard:
    key: str
    name_zh: str
    name_en: str
    weight: float  # share of the total (the weights of a model add up to 1)


#: Where the five names come from (the seed), as opposed to the weights (a product default).
STANDARDS_SOURCE = Source(document="豫市监办〔2021〕55号", clause="二（一）", status=SourceStatus.VERIFIED)


@attrs.frozen(kw_only=True)
class ScoringModel:
    """Weights, the look-back window and the pass mark. ``product_default`` is True for the shipped model."""

    standards: tuple[Standard, ...]
    window_days: int = 30
    pass_mark: float = 80.0
    product_default: bool = True
    source: Source = Source(
        document="dualprev-sdk five-standards scoring model",
        status=SourceStatus.GENERAL_KNOWLEDGE,
        note="standard names from 豫市监办〔2021〕55号; checks, weights and pass mark are product defaults — "
        "load your own",
    )

    def weight(self, key: str) -> float:
        return next(s.weight for s in self.standards if s.key == key)


DEFAULT_MODEL = ScoringModel(
    standards=(
        Standard(key="mechanism", name_zh="完善的工作推进机制", name_en="working mechanism", weight=0.2),
        Standard(
            key="risk_control",
            name_zh="全面覆盖的风险辨识分级管控机制",
            name_en="risk identification and grading",
            weight=0.25,
        ),
        Standard(
            key="hazard_treatment",
            name_zh="责任明确的隐患排查治理机制",
            name_en="hazard investigation and treatment",
            weight=0.25,
        ),
        Standard(key="platform", name_zh="线上线下的智能化信息平台", name_en="online and offline records", weight=0.15),
        Standard(key="incentives", name_zh="奖惩分明的激励约束机制", name_en="rewards and penalties", weight=0.15),
    )
)


@attrs.frozen(kw_only=True)
class Evidence:
    """One check: what was counted (``found`` of ``expected``) and what it means, in Chinese."""

    check: str
    found: float
    expected: float
    text_zh: str

    @property
    def ratio(self) -> float:
        return 0.0 if self.expected <= 0 else max(0.0, min(1.0, self.found / self.expected))


@attrs.frozen(kw_only=True)
class StandardScore:
    standard: Standard
    score: float  # 0–100
    evidence: tuple[Evidence, ...]


@attrs.frozen(kw_only=True)
class FiveStandardsAssessment:
    unit_uscc: str
    unit_name: str
    as_of: dt.date
    scores: tuple[StandardScore, ...]
    model: ScoringModel

    @property
    def total(self) -> float:
        return round(sum(s.score * s.standard.weight for s in self.scores), 1)

    @property
    def passed(self) -> bool:
        return self.total >= self.model.pass_mark

    def score(self, key: str) -> StandardScore:
        return next(s for s in self.scores if s.standard.key == key)


def _score(evidence: Sequence[Evidence]) -> float:
    return round(100.0 * sum(e.ratio for e in evidence) / len(evidence), 1) if evidence else 0.0


def assess_unit(
    sdk: Dualprev, uscc: str, *, today: dt.date | None = None, model: ScoringModel = DEFAULT_MODEL
) -> FiveStandardsAssessment:
    """Score the unit on ``today`` from its roles, duty plans and records, risk points, hazards, inspections,
    people and credit records (each standard = the mean of its checks)."""
    from dualprev_sdk.domain.hazard import HazardState
    from dualprev_sdk.domain.inspection import InspectionKind

    today = today or timeutil.today()
    since = today - dt.timedelta(days=model.window_days)
    with sdk.uow() as uow:
        unit = uow.units.get(uscc)
        equipment = [e for e in uow.equipment.list(unit_uscc=uscc, limit=_ALL) if e.status.value == "in_use"]
        points = uow.risk_points.list_all(unit_uscc=uscc)
        plans = uow.duties.list_plans(unit_uscc=uscc)
        tasks = uow.duties.list_tasks(unit_uscc=uscc, due_from=since, due_to=today - dt.timedelta(days=1))
        records = uow.duties.list_records(unit_uscc=uscc, due_from=since, due_to=today - dt.timedelta(days=1))
        hazard_ids = uow.hazards.ids(unit_uscc=uscc, limit=_ALL)
        found = uow.hazards.by_ids(hazard_ids)  # one read of all their events, not one per hazard
        hazards = [found[i] for i in hazard_ids]
        inspected = uow.inspections.latest_for_many(
            [e.id for e in equipment], kinds=(InspectionKind.PERIODIC, InspectionKind.SUPERVISORY, InspectionKind.FIRST)
        )
        people = uow.people.for_unit(uscc)
        credit = uow.credit.for_unit(uscc, until=today)
        emergency_plans = uow.emergency.plans(uscc)
    scores: list[StandardScore] = []

    # 1 完善的工作推进机制: the Order 74 roles are appointed and the duty plans exist.
    roles = [SafetyRole.PRINCIPAL, SafetyRole.SAFETY_DIRECTOR, SafetyRole.SAFETY_OFFICER]
    appointed = [r for r in roles if unit.holders_of(r)]
    missing = [r.name_zh for r in roles if r not in appointed]
    kinds = {p.kind for p in plans}
    mechanism = [
        Evidence(
            check="roles",
            found=len(appointed),
            expected=len(roles),
            text_zh="主要负责人、安全总监、安全员均已任命" if not missing else f"未任命：{'、'.join(missing)}",
        ),
        Evidence(
            check="duty_plans",
            found=len(kinds),
            expected=3,
            text_zh=f"日管控/周排查/月调度计划 {len(kinds)}/3 项已建立",
        ),
    ]
    kinds_in_use = {e.kind_code for e in equipment}
    planned_kinds = {p.equipment_kind for p in emergency_plans}
    covered_kinds = kinds_in_use if None in planned_kinds else kinds_in_use & planned_kinds
    if kinds_in_use:
        mechanism.append(
            Evidence(
                check="emergency_plans",
                found=len(covered_kinds),
                expected=len(kinds_in_use),
                text_zh=f"在用设备种类 {len(kinds_in_use)} 类，已有应急预案 {len(covered_kinds)} 类（TSG 08-2017）",
            )
        )
    scores.append(
        StandardScore(standard=_standard(model, "mechanism"), score=_score(mechanism), evidence=tuple(mechanism))
    )

    # 2 全面覆盖的风险辨识分级管控机制: every in-use item has graded risk points, and they are current.
    covered = {p.equipment_id for p in points}
    with_points = sum(1 for e in equipment if e.id in covered)
    stale = sum(1 for p in points if p.needs_review)
    risk = [
        Evidence(
            check="equipment_identified",
            found=with_points,
            expected=len(equipment),
            text_zh=f"在用设备 {with_points}/{len(equipment)} 台已辨识风险点" if equipment else "无在用设备",
        ),
        Evidence(
            check="points_current",
            found=len(points) - stale,
            expected=len(points),
            text_zh=f"风险点 {len(points)} 个，待复核 {stale} 个" if points else "尚无风险点（无数据）",
        ),
    ]
    scores.append(StandardScore(standard=_standard(model, "risk_control"), score=_score(risk), evidence=tuple(risk)))

    # 3 责任明确的隐患排查治理机制: duties done in the window; hazards closed in a loop, none overdue.
    live = [h for h in hazards if h.state is not HazardState.CANCELLED]
    closed = [h for h in live if h.state is HazardState.CLOSED]
    overdue = [
        h
        for h in live
        if not h.state.is_terminal and h.plan is not None and h.plan.deadline is not None and h.plan.deadline < today
    ]
    treatment = [
        Evidence(
            check="duties_recorded",
            found=len(records),
            expected=len(tasks),
            text_zh=f"近 {model.window_days} 天应完成排查任务 {len(tasks)} 项，已记录 {len(records)} 项"
            if tasks
            else "近期无排查任务（无数据）",
        ),
        Evidence(
            check="hazards_closed_or_on_time",
            found=len(live) - len(overdue),
            expected=len(live),
            text_zh=f"隐患 {len(live)} 条：已销号 {len(closed)} 条，逾期未整改 {len(overdue)} 条"
            if live
            else "无隐患记录",
        ),
    ]
    if not live:  # no hazard is not evidence of a loop; judge by the duties alone
        treatment = treatment[:1]
    scores.append(
        StandardScore(standard=_standard(model, "hazard_treatment"), score=_score(treatment), evidence=tuple(treatment))
    )

    # 4 线上线下的智能化信息平台: inspections, people and duty records are kept in the system.
    certified = [p for p in people if p.certificates]
    platform = [
        Evidence(
            check="inspections_recorded",
            found=len(inspected),
            expected=len(equipment),
            text_zh=f"在用设备 {len(inspected)}/{len(equipment)} 台有检验报告记录",
        ),
        Evidence(
            check="people_recorded",
            found=min(len(certified), 1),
            expected=1,
            text_zh=f"已登记持证人员 {len(certified)} 名" if certified else "未登记作业人员及证书",
        ),
        Evidence(
            check="records_online",
            found=min(len(records), 1),
            expected=1,
            text_zh=f"系统内排查记录 {len(records)} 份" if records else "系统内无近期排查记录",
        ),
    ]
    scores.append(
        StandardScore(standard=_standard(model, "platform"), score=_score(platform), evidence=tuple(platform))
    )

    # 5 奖惩分明的激励约束机制: rewards and penalties are on record, and rectification is assigned to a person.
    good = [c for c in credit if c.kind.is_good]
    bad = [c for c in credit if not c.kind.is_good]
    planned = [h for h in live if h.plan is not None]
    named = [h for h in planned if h.plan is not None and h.plan.responsible_person.strip()]
    incentives = [
        Evidence(
            check="rewards_penalties_recorded",
            found=1 if credit else 0,
            expected=1,
            text_zh=f"信用记录：守信激励 {len(good)} 条，失信记录 {len(bad)} 条"
            if credit
            else "系统内无奖惩（信用）记录",
        ),
        Evidence(
            check="rectification_accountable",
            found=len(named),
            expected=len(planned),
            text_zh=f"整改方案 {len(planned)} 份，责任到人 {len(named)} 份" if planned else "无整改方案（无数据）",
        ),
    ]
    scores.append(
        StandardScore(standard=_standard(model, "incentives"), score=_score(incentives), evidence=tuple(incentives))
    )
    return FiveStandardsAssessment(unit_uscc=uscc, unit_name=unit.name, as_of=today, scores=tuple(scores), model=model)


def _standard(model: ScoringModel, key: str) -> Standard:
    return next(s for s in model.standards if s.key == key)


def assessment_document(assessment: FiveStandardsAssessment) -> dict[str, Any]:
    """Plain data for JSON: the total, each standard's score and weight, and its evidence."""
    model = assessment.model
    standards: list[Mapping[str, Any]] = [
        {
            "key": s.standard.key,
            "name_zh": s.standard.name_zh,
            "name_en": s.standard.name_en,
            "weight": s.standard.weight,
            "score": s.score,
            "evidence": [
                {"check": e.check, "found": e.found, "expected": e.expected, "text_zh": e.text_zh} for e in s.evidence
            ],
        }
        for s in assessment.scores
    ]
    return {
        "unit_uscc": assessment.unit_uscc,
        "unit_name": assessment.unit_name,
        "as_of": assessment.as_of.isoformat(),
        "total": assessment.total,
        "passed": assessment.passed,
        "pass_mark": model.pass_mark,
        "model": {
            "product_default": model.product_default,
            "window_days": model.window_days,
            "source": str(model.source),
            "note": model.source.note,
            "standards_source": str(STANDARDS_SOURCE),
        },
        "standards": standards,
    }


def write_assessment_json(assessment: FiveStandardsAssessment, path: str | Path) -> Path:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(assessment_document(assessment), ensure_ascii=False, indent=2), encoding="utf-8")
    return target
