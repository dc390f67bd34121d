"""Due-date rules as data.

An :class:`IntervalRule` is one row of a plugin's interval table: an interval, the Chinese rule text, the
:class:`~dualprev_sdk.Source` it comes from, and the configuration key that overrides it. A province that
shortens an interval sets ``InspectionFacts.overrides[rule.key] = <years>`` (``0.5`` = six months); the
resulting :class:`~dualprev_sdk.equipment_classes.DueDate` then cites the configuration and keeps the replaced
rule in its note, so nobody mistakes a local choice for the national rule.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from dualprev_sdk import InvalidArgument, Source, SourceStatus
from dualprev_sdk.equipment_classes import DueDate, InspectionFacts
from dualprev_sdk.timeutil import add_months

__all__ = [
    "GENERIC_PERIODIC_KEY",
    "IntervalRule",
    "base_date",
    "configured_only",
    "due_from",
    "require_base",
    "single_periodic_due",
]

#: A class-independent override of the main periodic-inspection interval, in years.
GENERIC_PERIODIC_KEY = "interval_years"


@attrs.frozen(kw_only=True)
class IntervalRule:
    """One interval of an inspection table. ``months`` is the regulatory value; ``key`` overrides it (years)."""

    key: str
    kind: str
    months: int = attrs.field(validator=attrs.validators.gt(0))
    rule_zh: str
    source: Source

    @property
    def years(self) -> float:
        return self.months / 12

    def configured_months(self, facts: InspectionFacts) -> tuple[int, Any]:
        """The interval after configuration, and the configured value (``None`` when not overridden)."""
        value = facts.override(self.key)
        if value is None and self.kind == "periodic_inspection":
            value = facts.override(GENERIC_PERIODIC_KEY)
        if value is None:
            return self.months, None
        try:
            months = round(float(value) * 12)
        except (TypeError, ValueError):
            months = 0
        if months <= 0:
            raise InvalidArgument.single(
                f"overrides.{self.key}",
                value,
                "override.interval_years",
                "an interval override is a number of years > 0",
            )
        return months, value

    def due(self, base: dt.date, facts: InspectionFacts, *, use_allowed: bool = True, note: str = "") -> DueDate:
        """The due date counted from ``base`` (the last inspection or commissioning)."""
        months, configured = self.configured_months(facts)
        rule, source = self.rule_zh, self.source
        if configured is not None and self.source.status is SourceStatus.USER:
            rule = f"{self.rule_zh}（{configured}年）"
        elif configured is not None:
            rule = f"{self.rule_zh}（按配置调整为{configured}年）"
            source = Source(
                document="configuration",
                clause=self.key,
                status=SourceStatus.USER,
                note=f"replaces {self.source} ({self.years:g} years)",
            )
            note = "; ".join(n for n in (note, f"overridden by configuration key {self.key!r}") if n)
        return DueDate(
            kind=self.kind,
            next_due=due_from(base, months),
            rule=rule,
            source=source,
            use_allowed=use_allowed,
            note=note,
        )


def due_from(base: dt.date, months: int) -> dt.date:
    """``base`` + ``months`` calendar months, never earlier than ``base``."""
    return max(base, add_months(base, months))


def base_date(facts: InspectionFacts, kind: str = "periodic_inspection") -> tuple[dt.date | None, bool]:
    """Where an interval counts from: the last date of ``kind`` (or the last inspection), else commissioning.

    The flag is True when no inspection is known, i.e. the *first* inspection is being scheduled.
    """
    last = facts.last_for(kind)
    if last is not None:
        return last, False
    return facts.commissioned_on, True


def require_base(facts: InspectionFacts, kind: str = "periodic_inspection") -> tuple[dt.date, bool]:
    """:func:`base_date`, raising :class:`InvalidArgument` naming both fields when neither date is known."""
    base, first = base_date(facts, kind)
    if base is None:
        raise InvalidArgument.single(
            "last_inspection_on",
            None,
            "due.base_date",
            "give the last inspection date (last_inspection_on) or the commissioning date (commissioned_on)",
        )
    return base, first


def single_periodic_due(rule: IntervalRule, facts: InspectionFacts) -> list[DueDate]:
    """The one due date of a class with a single periodic rule (amusement rides, passenger ropeways).

    Counted from the last periodic inspection, else from commissioning, which the note then says; the wording is
    shared so that every such class explains a first inspection the same way.
    """
    base, first = require_base(facts)
    return [rule.due(base, facts, note="未记录定期检验，自投入使用日期起算" if first else "")]


def configured_only(facts: InspectionFacts, *, key: str, kind: str, base: dt.date, what_zh: str) -> DueDate | None:
    """A due date for a case the shipped data has no rule for (oxygen chambers, tube-bundle containers…).

    The interval must come from configuration (``overrides[key]``, years). Without it the result is ``None``
    and the class returns no due date at all — never an invented number. Callers then fall back to the date
    printed on the inspection report (the inspections service does), and ``dualprev due`` says so.
    """
    if facts.override(key) is None:
        return None
    rule = IntervalRule(
        key=key,
        kind=kind,
        months=12,  # placeholder; the configured value always replaces it
        rule_zh=f"{what_zh}：检验周期由配置给出",
        source=Source(document="configuration", clause=key, status=SourceStatus.USER),
    )
    return rule.due(base, facts)
