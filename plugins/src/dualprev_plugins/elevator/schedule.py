"""Elevator due dates: the TSG T7001-2023 year-of-life schedule, TSG T7008-2023 self-tests, 15-day maintenance.

The schedule is data (:data:`DEFAULT_SCHEDULE`), and every value can be replaced per equipment or per province
through ``InspectionFacts.overrides``:

``periodic_inspection_years``  the years of life with a periodic inspection (default 1, 4, 7, 9, 11, 13, 15)
``annual_after_year``          after this year of life every year is a periodic-inspection year (default 15)
``interval_years``             replaces the schedule by a plain interval from the last inspection (e.g. a
                               province that keeps annual inspections); no self-tests are then scheduled
``self_test``                  ``False`` turns self-test dates off
``early_window_months``        how early an inspection may be done and still count for its year (default 2)
``maintenance_interval_days``  maintenance interval (default 15)

Per-kind last dates come from ``InspectionFacts.last_inspections``: ``"self_test"`` (the last 自行检测) and
``"maintenance"`` (the last 维护保养); ``last_inspection_on`` is the last periodic inspection.

Why the last inspection is the reference: a periodic inspection may be done up to two months early (TSG T7001-2023)
and a self-test up to one month early, without moving the schedule, whose base stays the month of the installation
supervisory-inspection pass. So the next periodic inspection is the first periodic year whose anniversary lies
after "last inspection + early window", whichever kind that last inspection was; the next self-test likewise.

Not modelled (the caller knows better): the skipped periodic inspection in a year with a major repair that passed
supervisory inspection, and the periodic inspection before restarting a lift stopped for a year or more.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import attrs

from dualprev_sdk.domain.common import Source, SourceStatus
from dualprev_sdk.equipment_classes import DueDate, InspectionFacts
from dualprev_sdk.errors import FieldViolation, InvalidArgument
from dualprev_sdk.timeutil import add_months, add_years

__all__ = [
    "DEFAULT_SCHEDULE",
    "MAINTENANCE_SOURCE",
    "PERIODIC_SOURCE",
    "SELF_TEST_SOURCE",
    "ElevatorSchedule",
    "elevator_due_dates",
]

PERIODIC_SOURCE = Source(
    document="TSG T7001-2023",
    clause="定期检验周期（以安装监督检验合格月为基准）",
    status=SourceStatus.SECONDARY,
    note="15年以内第1、4、7、9、11、13、15年定期检验，超过15年每年检验；可提前2个月申请（下次日期不变）。"
    "见 yzyurun.com、zqwgzs.com、newsflash.city，须以官方文本核对",
)
SELF_TEST_SOURCE = Source(
    document="TSG T7008-2023",
    clause="自行检测（未实施定期检验的年度每年一次）",
    status=SourceStatus.SECONDARY,
    note="可提前1个月进行",
)
MAINTENANCE_SOURCE = Source(
    document="特种设备安全监察条例",
    clause="第三十一条（至少每15日进行一次清洁、润滑、调整和检查）",
    status=SourceStatus.SECONDARY,
    note="hudiewan.cc 引述条例原文；按需维保试点的周期由合同约定 [GK]",
)
LEGACY_SOURCE = Source(
    document="TSG T7001-2023",
    clause="缺少安装监督检验合格日期时的保守推算",
    status=SourceStatus.GENERAL_KNOWLEDGE,
    note="没有基准月份时无法套用按年限的周期，按上次检验起1年计，请补录投入使用/监督检验合格日期",
)


@attrs.frozen(kw_only=True)
class ElevatorSchedule:
    """The TSG T7001-2023 schedule as data."""

    periodic_inspection_years: frozenset[int] = frozenset({1, 4, 7, 9, 11, 13, 15})
    annual_after_year: int = 15
    early_window_months: int = 2
    self_test: bool = True
    maintenance_interval_days: int = 15

    def is_periodic_year(self, year_of_life: int) -> bool:
        return year_of_life > self.annual_after_year or year_of_life in self.periodic_inspection_years


DEFAULT_SCHEDULE = ElevatorSchedule()


def _schedule_from(overrides: dict[str, Any]) -> tuple[ElevatorSchedule, list[str], int | None]:
    """Apply the override keys, collecting every bad one; returns (schedule, keys used, interval_years)."""
    violations: list[FieldViolation] = []
    used: list[str] = []
    changes: dict[str, Any] = {}

    def positive_int(key: str, minimum: int = 1) -> int | None:
        value = overrides.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            violations.append(
                FieldViolation(f"overrides.{key}", value, "overrides.elevator", f"must be an integer >= {minimum}")
            )
            return None
        used.append(key)
        return value

    years = overrides.get("periodic_inspection_years")
    if years is not None:
        if isinstance(years, Iterable) and not isinstance(years, str | bytes) and years:
            items = list(years)
            if all(isinstance(y, int) and not isinstance(y, bool) and y >= 1 for y in items):
                changes["periodic_inspection_years"] = frozenset(items)
                used.append("periodic_inspection_years")
            else:
                violations.append(
                    FieldViolation(
                        "overrides.periodic_inspection_years",
                        years,
                        "overrides.elevator",
                        "must be a list of years of life >= 1",
                    )
                )
        else:
            violations.append(
                FieldViolation(
                    "overrides.periodic_inspection_years", years, "overrides.elevator", "must be a non-empty list"
                )
            )
    for key, minimum in (("annual_after_year", 0), ("early_window_months", 0), ("maintenance_interval_days", 1)):
        value = positive_int(key, minimum)
        if value is not None:
            changes[key] = value
    self_test = overrides.get("self_test")
    if self_test is not None:
        if isinstance(self_test, bool):
            changes["self_test"] = self_test
            used.append("self_test")
        else:
            violations.append(FieldViolation("overrides.self_test", self_test, "overrides.elevator", "must be a bool"))
    interval = positive_int("interval_years")
    if violations:
        raise InvalidArgument(violations)
    return attrs.evolve(DEFAULT_SCHEDULE, **changes), used, interval


def _user(source: Source, keys: list[str]) -> tuple[Source, str]:
    if not keys:
        return source, ""
    note = "overridden by configuration key " + ", ".join(sorted(keys))
    return attrs.evolve(source, status=SourceStatus.USER, note=f"{note}; shipped rule: {source.note}"), note


def elevator_due_dates(facts: InspectionFacts) -> list[DueDate]:
    """Next periodic inspection, next self-test (if a self-test year comes first) and next maintenance."""
    schedule, used, interval = _schedule_from(dict(facts.overrides))
    # whichever of the two scheduled kinds was done last: both follow the same fixed anniversaries
    last = max((d for d in (facts.last_inspection_on, facts.last_inspections.get("self_test")) if d), default=None)
    base = facts.commissioned_on
    out: list[DueDate] = []

    if interval is not None and (last or base):
        source, note = _user(PERIODIC_SOURCE, ["interval_years"])
        start = last or base
        assert start is not None
        out.append(
            DueDate(
                kind="periodic_inspection",
                next_due=add_years(start, interval),
                rule=f"按配置每{interval}年定期检验一次（自上次检验起算）",
                source=source,
                note=note,
            )
        )
    elif base is not None:
        schedule_keys = [k for k in used if k not in ("maintenance_interval_days",)]
        done_until = add_months(last, schedule.early_window_months) if last else None
        periodic_year = _first_year(schedule, base, done_until, periodic=True)
        assert periodic_year is not None  # every year after annual_after_year is a periodic year
        periodic_on = add_years(base, periodic_year)
        source, note = _user(PERIODIC_SOURCE, schedule_keys)
        rule = (
            f"投用第{periodic_year}年定期检验（基准：安装监督检验合格 {base:%Y-%m}；"
            f"15年以内第{'、'.join(str(y) for y in sorted(schedule.periodic_inspection_years))}年，"
            f"超过{schedule.annual_after_year}年每年）"
        )
        out.append(DueDate(kind="periodic_inspection", next_due=periodic_on, rule=rule, source=source, note=note))
        if schedule.self_test:
            self_year = _first_year(schedule, base, done_until, periodic=False, limit=periodic_year)
            if self_year is not None:
                self_source, self_note = _user(SELF_TEST_SOURCE, schedule_keys)
                out.append(
                    DueDate(
                        kind="self_test",
                        next_due=add_years(base, self_year),
                        rule=f"投用第{self_year}年无定期检验，进行一次自行检测",
                        source=self_source,
                        note=self_note,
                    )
                )
    elif last is not None:
        out.append(
            DueDate(
                kind="periodic_inspection",
                next_due=add_years(last, 1),
                rule="缺少安装监督检验合格日期，按上次检验起1年保守推算",
                source=LEGACY_SOURCE,
                note="commissioned_on unknown",
            )
        )

    last_maintenance = facts.last_inspections.get("maintenance")
    anchor = last_maintenance or max((d for d in (last, base) if d is not None), default=None)
    if anchor is not None:
        source, note = _user(MAINTENANCE_SOURCE, [k for k in used if k == "maintenance_interval_days"])
        if last_maintenance is None:
            note = (note + "; " if note else "") + "last maintenance date unknown: counted from the latest known date"
        out.append(
            DueDate(
                kind="maintenance",
                next_due=anchor + dt.timedelta(days=schedule.maintenance_interval_days),
                rule=f"维护保养至少每{schedule.maintenance_interval_days}日一次",
                source=source,
                note=note,
            )
        )
    return out


def _first_year(
    schedule: ElevatorSchedule,
    base: dt.date,
    done_until: dt.date | None,
    *,
    periodic: bool,
    limit: int | None = None,
) -> int | None:
    """The first year of life of the wanted kind whose anniversary lies after ``done_until``.

    For self-tests the search stops at ``limit`` (the next periodic year): a self-test after it would only be
    known once that inspection is done. Periodic years always exist (every year after ``annual_after_year``).
    """
    year = 1
    if done_until is not None:
        # jump close to the answer instead of walking a 30-year-old lift's life year by year
        year = max(1, done_until.year - base.year - 1)
    while True:
        if limit is not None and year >= limit:
            return None
        if schedule.is_periodic_year(year) == periodic and (done_until is None or add_years(base, year) > done_until):
            return year
        year += 1
