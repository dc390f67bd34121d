"""Builders for the rows of a class's risk-template and daily-checklist tables.

The content modules write their tables as one call per row, positionally, so that a row reads like a line of the
printed template. Seven classes had the same ``_template``/``_t`` builder for risk-template rows and nine the same
``_daily`` builder for daily checklist items, differing only in the :class:`~dualprev_sdk.Source` they cite. The
builders live here once (a class binds its source with :func:`functools.partial`), so that a change to what a row
carries (a new :class:`~dualprev_sdk.equipment_classes.RiskTemplate` field, say) is made in one place.

:data:`SAFETY_LAW_ARTICLE_40` (the use unit applies for the periodic inspection a month before it falls due) is
cited the same way by the checklists of five classes, and four of them carry the same monthly item built on it
(:func:`inspection_plan_item`).

:data:`TYPICAL_PRACTICE` is the source the pressure-equipment classes (boiler, pressure vessel, gas cylinder,
pressure piping) cite for their templates: the same [GK] compilation of provincial guides for all four.
"""

from __future__ import annotations

from dualprev_sdk import ControlLevel, Frequency, SafetyRole, Source, SourceStatus
from dualprev_sdk.domain.risk import ControlMeasures
from dualprev_sdk.equipment_classes import ChecklistItem, RiskTemplate

__all__ = ["SAFETY_LAW_ARTICLE_40", "TYPICAL_PRACTICE", "daily_item", "inspection_plan_item", "risk_template"]

TYPICAL_PRACTICE = Source(
    document="通用做法（各地特种设备双重预防指南）",
    status=SourceStatus.GENERAL_KNOWLEDGE,
    note="typical risk points; edit to the unit's situation",
)

SAFETY_LAW_ARTICLE_40 = Source(document="中华人民共和国特种设备安全法", clause="第四十条", status=SourceStatus.VERIFIED)


def inspection_plan_item(prefix: str) -> ChecklistItem:
    """``<prefix>-M02``: the principal checks monthly that the periodic inspection is applied for in time."""
    return ChecklistItem(
        code=f"{prefix}-M02",
        subject="定期检验计划",
        standard="检验有效期届满前1个月向检验机构提出定期检验申请，检验发现的问题已整改",
        frequency=Frequency.MONTHLY,
        responsible_role=SafetyRole.PRINCIPAL,
        source=SAFETY_LAW_ARTICLE_40,
    )


def risk_template(  # noqa: PLR0917 - one positional row per template reads like the table it is
    code: str,
    component: str,
    hazard: str,
    accidents: tuple[str, ...],
    lec: tuple[float, float, float],
    ls: tuple[int, int],
    measures: ControlMeasures,
    *,
    source: Source,
    level: ControlLevel,
    role: SafetyRole = SafetyRole.SAFETY_OFFICER,
    frequency: Frequency = Frequency.DAILY,
    applies_to: tuple[str, ...] = (),
) -> RiskTemplate:
    """One risk-template row: suggested LEC ``(L, E, C)`` and LS ``(L, S)``; ``applies_to`` empty = the whole class."""
    return RiskTemplate(
        code=code,
        component=component,
        hazard_factor=hazard,
        accident_types=accidents,
        suggested_lec=lec,
        suggested_ls=ls,
        measures=measures,
        control_level=level,
        responsible_role=role,
        check_frequency=frequency,
        applies_to=applies_to,
        source=source,
    )


def daily_item(
    code: str,
    subject: str,
    standard: str,
    applies_to: tuple[str, ...] = (),
    finding: str | None = None,
    *,
    source: Source,
) -> ChecklistItem:
    """One 日管控 item: checked daily by the safety officer (Order No. 74); ``finding`` links a failure to GB 45067."""
    return ChecklistItem(
        code=code,
        subject=subject,
        standard=standard,
        frequency=Frequency.DAILY,
        responsible_role=SafetyRole.SAFETY_OFFICER,
        applies_to=applies_to,
        source=source,
        finding_code=finding,
    )
