"""GB 45067-2024《特种设备重大事故隐患判定准则》: the shared clause 4.1 and helpers for the per-class clauses.

Clause 4.1 (通用) applies to every kind of special equipment, so it lives here once; each class adds it with its
own catalogue codes via :func:`general_criteria`. Wording and status follow the domain reference Part C §2.1:
4.1 is [GK] for the exact wording (it is assembled from a repository summary and 总局令第57号 art. 25); 4.2–4.9
are [V-2nd] from interpretive pages that number them "5.N". 4.1 d) only refers to clauses 4.2–4.10 (转致项), so
it is not a criterion of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from dualprev_sdk import Source, SourceStatus
from dualprev_sdk.equipment_classes import EquipmentState, MajorHazardCriterion, any_finding

__all__ = [
    "FAILED_CONCLUSIONS",
    "GB45067",
    "GENERAL_FINDINGS",
    "GENERAL_ITEMS",
    "INSPECTION_NONCONFORMING",
    "conclusion_failed",
    "criterion",
    "filling_criteria",
    "gb45067_source",
    "general_criteria",
]

GB45067 = "GB 45067-2024"

#: Conclusions on inspection reports that mean "does not meet the requirements" (TSG report wording for
#: pressure equipment, 合格/不合格 wording for the others). Safety grade 5 is treated the same way ([GK]:
#: TSG 21 gives grade 5 the conclusion 不符合要求).
FAILED_CONCLUSIONS = frozenset({"不符合要求", "不合格", "复检不合格", "不允许使用"})

#: Finding code a checker records when a report's conclusion is nonconforming but not yet in the ledger.
INSPECTION_NONCONFORMING = "periodic_inspection_nonconforming"


def gb45067_source(clause: str, item: str, *, status: SourceStatus = SourceStatus.SECONDARY, note: str = "") -> Source:
    return Source(document=GB45067, clause=f"{clause} {item})", status=status, note=note)


def conclusion_failed(state: EquipmentState, *, grade_5_fails: bool = True) -> bool:
    """The last periodic inspection did not meet the requirements (or the checker recorded so)."""
    if INSPECTION_NONCONFORMING in state.findings:
        return True
    if state.last_conclusion is not None and state.last_conclusion.strip() in FAILED_CONCLUSIONS:
        return True
    return grade_5_fails and state.last_safety_grade == 5


def criterion(
    clause: str,
    item: str,
    text: str,
    applies_to: Iterable[str],
    findings: Iterable[str] = (),
    *,
    predicate: Callable[[EquipmentState], bool] | None = None,
    requires_continued_use: bool = True,
    status: SourceStatus = SourceStatus.SECONDARY,
    note: str = "",
) -> MajorHazardCriterion:
    """One lettered item; the predicate defaults to "any of ``findings`` was recorded"."""
    codes = tuple(findings)
    return MajorHazardCriterion(
        clause=clause,
        item=item,
        text=text,
        applies_to=tuple(applies_to),
        predicate=predicate or any_finding(*codes),
        requires_continued_use=requires_continued_use,
        finding_codes=codes,
        source=gb45067_source(clause, item, status=status, note=note),
    )


#: 4.1 items as data: (item, text, finding codes → Chinese label).
GENERAL_ITEMS: tuple[tuple[str, str, dict[str, str]], ...] = (
    (
        "a",
        "使用未取得许可生产的、国家明令淘汰的、已经报废或者达到报废条件的特种设备",
        {
            "unlicensed_manufacture": "未取得许可生产",
            "eliminated_by_state": "国家明令淘汰",
            "scrapped": "已经报废",
            "scrapping_condition_reached": "达到报废条件",
        },
    ),
    (
        "b",
        "特种设备发生过事故或者有明显故障，未对其进行全面检查、消除事故隐患，继续使用",
        {"accident_or_fault_not_cleared": "发生事故或有明显故障后未全面检查、消除隐患"},
    ),
    (
        "c",
        "特种设备超过规定参数、使用范围使用",
        {"beyond_rated_parameters_or_scope": "超过规定参数、使用范围使用"},
    ),
)

GENERAL_FINDINGS: dict[str, str] = {code: label for _, _, codes in GENERAL_ITEMS for code, label in codes.items()}


def general_criteria(applies_to: Iterable[str]) -> tuple[MajorHazardCriterion, ...]:
    """Clause 4.1 a)–c) for a class's catalogue codes."""
    codes = tuple(applies_to)
    return tuple(
        criterion(
            "4.1",
            item,
            text,
            codes,
            findings,
            status=SourceStatus.GENERAL_KNOWLEDGE,
            note="wording from a repository summary and 总局令第57号 art. 25; check against the official text",
        )
        for item, text, findings in GENERAL_ITEMS
    )


def filling_criteria(applies_to: tuple[str, ...], what_zh: str) -> tuple[MajorHazardCriterion, ...]:
    """GB 45067-2024 4.5 (充装, [V-2nd]) for the mobile-vessel and gas-cylinder classes. The clause reads
    "…充装有下列情形之一的", without "仍继续使用", so the items fire whether or not the equipment is in use."""
    return (
        criterion(
            "4.5",
            "a",
            "未经许可，擅自从事移动式压力容器充装或者气瓶充装活动",
            applies_to,
            ("filling_without_licence",),
            requires_continued_use=False,
            note=f"applied here to {what_zh}",
        ),
        criterion(
            "4.5",
            "b",
            "移动式压力容器、气瓶错装介质",
            applies_to,
            ("wrong_medium_filled",),
            requires_continued_use=False,
        ),
        criterion(
            "4.5",
            "c",
            "充装设备设施上的紧急切断装置缺失或失效",
            applies_to,
            ("filling_facility_emergency_shutoff_missing_or_failed",),
            requires_continued_use=False,
        ),
    )
