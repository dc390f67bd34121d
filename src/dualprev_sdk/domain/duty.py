"""Duties of SAMR Order No. 74 and the other investigation schedules: plans, the tasks they generate, and the
records that discharge them (日管控、周排查、月调度; 定期/综合性、专项、季节性、节假日前排查).

Why tasks at all, when the law only asks for records: a task is the promise "someone must record this period",
so a missing record is a row that exists (a task) with nothing attached — which is what makes missed duties a
set-based query instead of a calendar walk, and what makes generation idempotent (one task per plan, unit and
period key: the day, the ISO week ``2026-W48``, the month ``2026-11``…).

Holidays come from the ``chinese-calendar`` package. Its data ends with the last year the State Council has
published; for a later year it raises ``NotImplementedError`` and this module then follows the documented
fallback: holiday campaigns for that year are skipped with a warning, and "working days" fall back to
Monday–Friday (also with a warning). Nothing is invented.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence

import attrs

from dualprev_sdk.domain.common import Frequency, SafetyRole, Source, SourceStatus
from dualprev_sdk.domain.hazard import HazardSource
from dualprev_sdk.errors import FieldViolation, InvalidArgument

__all__ = [
    "ORDER_74",
    "CheckResult",
    "DutyKind",
    "DutyPlan",
    "DutyRecord",
    "DutyTask",
    "HolidayCalendar",
    "HolidayPeriod",
    "ItemResult",
    "MissedDuty",
    "OperatingDays",
    "TaskPlan",
    "evidence_sha256",
    "gap_runs",
    "period_key",
    "plan_tasks",
    "validate_record",
]

ORDER_74 = Source(
    document="总局令第74号",
    clause="第142–144条（场车章；其他各章同一模式）",
    status=SourceStatus.VERIFIED,
    note="日管控（安全员，每日）、周排查（安全总监，每周至少一次）、月调度（主要负责人，每月至少一次）",
)


class DutyKind(enum.StrEnum):
    """The kinds of scheduled checks (Part C §6.2 for the first three, §8 for the others [GK])."""

    DAILY_CONTROL = "daily_control"  # 日管控
    WEEKLY_INVESTIGATION = "weekly_investigation"  # 周排查
    MONTHLY_DISPATCH = "monthly_dispatch"  # 月调度
    PERIODIC = "periodic"  # 定期/综合性排查
    SPECIAL = "special"  # 专项排查 (a campaign over a set of units)
    SEASONAL = "seasonal"  # 季节性排查
    HOLIDAY = "holiday"  # 节假日前排查

    @property
    def name_zh(self) -> str:
        return _KIND_ZH[self]

    @property
    def default_role(self) -> SafetyRole:
        """Who carries it out: Order 74 names the role for the first three; the rest default to the director."""
        return _KIND_ROLE[self]

    @property
    def hazard_source(self) -> HazardSource:
        """The source a hazard found by this kind of check is reported with."""
        return _KIND_SOURCE[self]

    def record_title(self, kind_zh: str) -> str:
        """The record's name in Order 74, with XX replaced by the equipment kind (``电梯``)."""
        return _KIND_TITLE[self].replace("XX", kind_zh)


_KIND_ZH = {
    DutyKind.DAILY_CONTROL: "日管控",
    DutyKind.WEEKLY_INVESTIGATION: "周排查",
    DutyKind.MONTHLY_DISPATCH: "月调度",
    DutyKind.PERIODIC: "定期/综合性排查",
    DutyKind.SPECIAL: "专项排查",
    DutyKind.SEASONAL: "季节性排查",
    DutyKind.HOLIDAY: "节假日前排查",
}
_KIND_ROLE = {
    DutyKind.DAILY_CONTROL: SafetyRole.SAFETY_OFFICER,
    DutyKind.WEEKLY_INVESTIGATION: SafetyRole.SAFETY_DIRECTOR,
    DutyKind.MONTHLY_DISPATCH: SafetyRole.PRINCIPAL,
    DutyKind.PERIODIC: SafetyRole.SAFETY_DIRECTOR,
    DutyKind.SPECIAL: SafetyRole.SAFETY_DIRECTOR,
    DutyKind.SEASONAL: SafetyRole.SAFETY_DIRECTOR,
    DutyKind.HOLIDAY: SafetyRole.SAFETY_DIRECTOR,
}
_KIND_SOURCE = {
    DutyKind.DAILY_CONTROL: HazardSource.DAILY_CHECK,
    DutyKind.WEEKLY_INVESTIGATION: HazardSource.WEEKLY_INVESTIGATION,
    DutyKind.MONTHLY_DISPATCH: HazardSource.MONTHLY_DISPATCH,
    DutyKind.PERIODIC: HazardSource.PERIODIC_INVESTIGATION,
    DutyKind.SPECIAL: HazardSource.SPECIAL_INVESTIGATION,
    DutyKind.SEASONAL: HazardSource.SPECIAL_INVESTIGATION,
    DutyKind.HOLIDAY: HazardSource.SPECIAL_INVESTIGATION,
}
_KIND_TITLE = {
    DutyKind.DAILY_CONTROL: "每日XX安全检查记录",
    DutyKind.WEEKLY_INVESTIGATION: "每周XX安全排查治理报告",
    DutyKind.MONTHLY_DISPATCH: "每月XX安全调度会议纪要",
    DutyKind.PERIODIC: "XX定期（综合性）隐患排查记录",
    DutyKind.SPECIAL: "XX专项隐患排查记录",
    DutyKind.SEASONAL: "XX季节性隐患排查记录",
    DutyKind.HOLIDAY: "节假日前XX隐患排查记录",
}


class OperatingDays(enum.StrEnum):
    """Which days a daily-control plan generates tasks for: Order 74 says every day the equipment is in use."""

    EVERY_DAY = "every_day"
    WORKING_DAYS = "working_days"  # statutory working days (make-up days included), for units closed otherwise


# ---------------------------------------------------------------------------------------------------------------
# Period keys
# ---------------------------------------------------------------------------------------------------------------


def period_key(frequency: Frequency, day: dt.date) -> str:
    """The dedup key of the period ``day`` falls in: ``2026-11-29``, ``2026-W48`` (ISO week), ``2026-11``,
    ``2026-Q4``, ``2026-H2``, ``2026``.

    ISO weeks because a week that straddles New Year belongs to one year only (29 Dec 2025 is in 2026-W01),
    so a weekly report cannot be owed twice.
    """
    match frequency:
        case Frequency.DAILY | Frequency.PER_SHIFT:
            return day.isoformat()
        case Frequency.WEEKLY:
            year, week, _ = day.isocalendar()
            return f"{year}-W{week:02d}"
        case Frequency.MONTHLY:
            return f"{day.year}-{day.month:02d}"
        case Frequency.QUARTERLY:
            return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
        case Frequency.HALF_YEARLY:
            return f"{day.year}-H{(day.month - 1) // 6 + 1}"
        case Frequency.YEARLY:
            return str(day.year)
    raise InvalidArgument.single(
        "frequency", frequency.value, "duty.frequency", "no calendar period for this frequency"
    )


def _period_bounds(frequency: Frequency, day: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of the period containing ``day``."""
    match frequency:
        case Frequency.DAILY | Frequency.PER_SHIFT:
            return day, day
        case Frequency.WEEKLY:
            start = day - dt.timedelta(days=day.weekday())
            return start, start + dt.timedelta(days=6)
        case Frequency.MONTHLY:
            months = 1
        case Frequency.QUARTERLY:
            months = 3
        case Frequency.HALF_YEARLY:
            months = 6
        case _:
            months = 12
    first_month = (day.month - 1) // months * months + 1
    start = dt.date(day.year, first_month, 1)
    index = day.year * 12 + first_month - 1 + months
    end = dt.date(index // 12, index % 12 + 1, 1) - dt.timedelta(days=1)
    return start, end


# ---------------------------------------------------------------------------------------------------------------
# Holidays
# ---------------------------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class HolidayPeriod:
    """A run of consecutive days off around a statutory holiday (``国庆节`` 1–8 Oct)."""

    name: str
    first_day: dt.date
    last_day: dt.date


class HolidayCalendar:
    """Statutory holidays and working days from ``chinese-calendar``, with the documented fallback for years
    beyond its data (warnings are collected in :attr:`warnings`, once per year)."""

    def __init__(self) -> None:
        self.warnings: list[str] = []
        self._warned: set[tuple[str, int]] = set()

    def _warn(self, what: str, year: int, message: str) -> None:
        if (what, year) not in self._warned:
            self._warned.add((what, year))
            self.warnings.append(message)

    def is_working_day(self, day: dt.date) -> bool:
        import chinese_calendar

        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            self._warn(
                "workday",
                day.year,
                f"chinese-calendar has no data for {day.year}: working days fall back to Monday–Friday",
            )
            return day.weekday() < 5

    def holiday_periods(self, start: dt.date, end: dt.date) -> list[HolidayPeriod]:
        """Holiday periods whose first day lies in ``[start, end]``. A year without data is skipped (warning)."""
        import chinese_calendar

        periods: list[HolidayPeriod] = []
        for year in range(start.year, end.year + 1):
            first, last = max(start, dt.date(year, 1, 1)), min(end, dt.date(year, 12, 31))
            # scan a little past the year so a period starting on 31 Dec is seen whole
            day, stop = first, last + dt.timedelta(days=10)
            try:
                chinese_calendar.is_holiday(first)
            except NotImplementedError:
                self._warn(
                    "holiday",
                    year,
                    f"chinese-calendar has no holiday data for {year}: holiday-campaign tasks for {year} were not "
                    "generated (install a newer chinese-calendar release, or add them by hand)",
                )
                continue
            while day <= last:
                try:
                    on, name = chinese_calendar.get_holiday_detail(day)
                except NotImplementedError:
                    break
                if on and name:
                    run_start = day
                    names = {str(name)}
                    while day + dt.timedelta(days=1) <= stop:
                        try:
                            nxt_on, nxt_name = chinese_calendar.get_holiday_detail(day + dt.timedelta(days=1))
                        except NotImplementedError:
                            break
                        if not nxt_on:
                            break
                        day += dt.timedelta(days=1)
                        if nxt_name:
                            names.add(str(nxt_name))
                    periods.append(HolidayPeriod(name=_holiday_zh(sorted(names)), first_day=run_start, last_day=day))
                day += dt.timedelta(days=1)
        return periods


_HOLIDAY_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def _holiday_zh(names: Sequence[str]) -> str:
    return "、".join(_HOLIDAY_ZH.get(n, n) for n in names)


# ---------------------------------------------------------------------------------------------------------------
# Plans and tasks
# ---------------------------------------------------------------------------------------------------------------

_PERIODIC_FREQUENCIES = (Frequency.MONTHLY, Frequency.QUARTERLY, Frequency.HALF_YEARLY, Frequency.YEARLY)


@attrs.define(kw_only=True)
class DutyPlan:
    """A schedule: what kind of check, for which units, by which role, from when to when.

    * ``DAILY_CONTROL`` / ``WEEKLY_INVESTIGATION`` / ``MONTHLY_DISPATCH``: one task per day / ISO week / month
      (Order 74); ``equipment_kind`` narrows a plan to one kind (the roles are per kind: 电梯安全员).
    * ``PERIODIC``: one task per ``frequency`` period (monthly … yearly), due at the period's end.
    * ``SPECIAL``: one task per unit in ``unit_usccs`` over ``[starts_on, ends_on]``, optionally limited to
      ``item_codes`` of the checklist (a campaign).
    * ``SEASONAL``: one task per year, opening on the first day of ``months[0]`` and due ``lead_days`` later.
    * ``HOLIDAY``: one task per statutory holiday period, opening ``lead_days`` before it and due the day
      before it starts.
    """

    id: str
    kind: DutyKind
    title: str = ""
    unit_usccs: tuple[str, ...]
    role: SafetyRole | None = None  # None = the kind's default role
    equipment_kind: str | None = None  # catalogue kind code ("3000"); None = all kinds
    starts_on: dt.date
    ends_on: dt.date | None = None
    frequency: Frequency | None = None  # PERIODIC only
    months: tuple[int, ...] = ()  # SEASONAL only
    lead_days: int = 7  # SEASONAL / HOLIDAY window
    operating_days: OperatingDays = OperatingDays.EVERY_DAY  # DAILY_CONTROL only
    item_codes: tuple[str, ...] = ()  # limit to these checklist items (campaigns); empty = all
    description: str = ""
    active: bool = True
    version: int = 0

    @property
    def effective_role(self) -> SafetyRole:
        return self.role or self.kind.default_role

    def validate(self) -> None:
        """Raise one InvalidArgument listing every inconsistent field."""
        out: list[FieldViolation] = []
        if not self.id.strip():
            out.append(FieldViolation("id", self.id, "required", "a plan needs an id"))
        if not self.unit_usccs:
            out.append(FieldViolation("unit_usccs", self.unit_usccs, "required", "a plan covers at least one unit"))
        if len(set(self.unit_usccs)) != len(self.unit_usccs):
            out.append(FieldViolation("unit_usccs", self.unit_usccs, "duty.units.unique", "a unit is listed twice"))
        if self.ends_on is not None and self.ends_on < self.starts_on:
            out.append(FieldViolation("ends_on", self.ends_on, "duty.window", "ends before it starts"))
        if self.kind is DutyKind.PERIODIC and self.frequency not in _PERIODIC_FREQUENCIES:
            out.append(
                FieldViolation(
                    "frequency",
                    self.frequency,
                    "duty.periodic.frequency",
                    "a periodic plan needs a frequency of monthly, quarterly, half_yearly or yearly",
                )
            )
        if self.kind is DutyKind.SPECIAL and self.ends_on is None:
            out.append(FieldViolation("ends_on", None, "duty.special.ends_on", "a special campaign needs an end date"))
        if self.kind is DutyKind.SEASONAL and (not self.months or any(not 1 <= m <= 12 for m in self.months)):
            out.append(FieldViolation("months", self.months, "duty.seasonal.months", "list the season's months (1–12)"))
        if not 0 <= self.lead_days <= 60:
            out.append(FieldViolation("lead_days", self.lead_days, "duty.lead_days", "between 0 and 60 days"))
        if out:
            raise InvalidArgument(out)


@attrs.define(kw_only=True)
class DutyTask:
    """One period a plan makes someone accountable for. ``period_key`` is unique per (plan, unit)."""

    id: str
    plan_id: str
    unit_uscc: str
    kind: DutyKind
    period_key: str
    opens_on: dt.date
    due_on: dt.date
    role: SafetyRole
    assignee: str = ""
    equipment_kind: str | None = None
    title: str = ""


@attrs.frozen(kw_only=True)
class TaskPlan:
    """What :func:`plan_tasks` produced: the tasks and anything a person should know (missing holiday data,
    nobody appointed to the role)."""

    tasks: tuple[DutyTask, ...]
    warnings: tuple[str, ...] = ()


def task_id(plan_id: str, unit_uscc: str, key: str) -> str:
    """Deterministic, so generating twice yields the same ids (and the unique key catches the rest)."""
    return f"{plan_id}:{unit_uscc}:{key}"


def _days(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


def plan_tasks(
    plan: DutyPlan,
    start: dt.date,
    end: dt.date,
    *,
    assignees: Mapping[str, str] | None = None,
    calendar: HolidayCalendar | None = None,
) -> TaskPlan:
    """The tasks ``plan`` owes in ``[start, end]`` (clipped to the plan's own window), one per unit and period.

    ``assignees`` maps a unit to the name holding the plan's role; a unit without one gets an empty assignee and
    a warning (Order 74 art. 137: every unit is assigned to a named 安全员). A period is owed when its *due
    date* falls in the range, so generating month by month never creates the same week twice.
    """
    plan.validate()
    if end < start:
        raise InvalidArgument.single("end", end.isoformat(), "duty.range", "the range ends before it starts")
    calendar = calendar or HolidayCalendar()
    assignees = assignees or {}
    first = max(start, plan.starts_on)
    last = min(end, plan.ends_on) if plan.ends_on else end
    warnings: list[str] = []
    windows: list[tuple[str, dt.date, dt.date, str]] = []  # key, opens, due, title suffix
    if first <= last:
        windows = list(_windows(plan, first, last, calendar))
    role = plan.effective_role
    tasks: list[DutyTask] = []
    for unit in plan.unit_usccs:
        assignee = assignees.get(unit, "")
        if not assignee and windows:
            warnings.append(f"unit {unit} has nobody appointed as {role.name_zh} ({role.value}); tasks are unassigned")
        for key, opens, due, suffix in windows:
            tasks.append(
                DutyTask(
                    id=task_id(plan.id, unit, key),
                    plan_id=plan.id,
                    unit_uscc=unit,
                    kind=plan.kind,
                    period_key=key,
                    opens_on=opens,
                    due_on=due,
                    role=role,
                    assignee=assignee,
                    equipment_kind=plan.equipment_kind,
                    title=f"{plan.title or plan.kind.name_zh}{suffix}",
                )
            )
    return TaskPlan(tasks=tuple(tasks), warnings=tuple(warnings + calendar.warnings))


def _windows(
    plan: DutyPlan, first: dt.date, last: dt.date, calendar: HolidayCalendar
) -> Iterator[tuple[str, dt.date, dt.date, str]]:
    """(period key, opens on, due on, title suffix) for every period whose due date is in ``[first, last]``."""
    match plan.kind:
        case DutyKind.DAILY_CONTROL:
            for day in _days(first, last):
                if plan.operating_days is OperatingDays.WORKING_DAYS and not calendar.is_working_day(day):
                    continue
                yield day.isoformat(), day, day, f"（{day.isoformat()}）"
        case DutyKind.WEEKLY_INVESTIGATION | DutyKind.MONTHLY_DISPATCH | DutyKind.PERIODIC:
            frequency = {
                DutyKind.WEEKLY_INVESTIGATION: Frequency.WEEKLY,
                DutyKind.MONTHLY_DISPATCH: Frequency.MONTHLY,
            }.get(plan.kind, plan.frequency or Frequency.QUARTERLY)
            day = first
            while day <= last:
                opens, due = _period_bounds(frequency, day)
                if first <= due <= last:
                    key = period_key(frequency, day)
                    yield key, max(opens, plan.starts_on), due, f"（{key}）"
                day = due + dt.timedelta(days=1)
        case DutyKind.SPECIAL:
            due = plan.ends_on or last
            if first <= due <= last:
                yield "campaign", plan.starts_on, due, ""
        case DutyKind.SEASONAL:
            for year in range(first.year, last.year + 1):
                opens = dt.date(year, plan.months[0], 1)
                due = opens + dt.timedelta(days=plan.lead_days)
                if first <= due <= last:
                    yield f"{year}-season-{plan.months[0]:02d}", opens, due, f"（{year}年）"
        case DutyKind.HOLIDAY:
            # look ahead: a holiday starting just after ``last`` has its check due inside the range
            for period in calendar.holiday_periods(first, last + dt.timedelta(days=1)):
                due = period.first_day - dt.timedelta(days=1)
                if first <= due <= last:
                    opens = max(period.first_day - dt.timedelta(days=plan.lead_days), plan.starts_on)
                    key = f"holiday-{period.first_day.isoformat()}"
                    yield key, opens, due, f"（{period.name}前）"


# ---------------------------------------------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------------------------------------------


class CheckResult(enum.StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"

    @property
    def name_zh(self) -> str:
        return {"pass": "合格", "fail": "不合格", "not_applicable": "不适用"}[self.value]


_SHA256 = re.compile(r"[0-9a-f]{64}")


def evidence_sha256(data: bytes) -> str:
    """The reference a photo is recorded by: the SHA-256 of its bytes (lower-case hex). The bytes themselves live
    wherever the unit keeps files; the hash proves later that the file shown is the one recorded."""
    return hashlib.sha256(data).hexdigest()


@attrs.frozen(kw_only=True)
class ItemResult:
    """One checked item: pass / fail / not applicable, with notes and evidence hashes. A failed item becomes a
    hazard; ``hazard_id`` links them once it is opened."""

    item_code: str
    subject: str = ""
    equipment_id: str | None = None
    result: CheckResult
    note: str = ""
    evidence: tuple[str, ...] = ()
    hazard_id: str | None = None


@attrs.define(kw_only=True)
class DutyRecord:
    """The record that discharges one task. A record without a failed item is a 零风险报告 — still a record."""

    id: str
    task_id: str
    plan_id: str
    unit_uscc: str
    kind: DutyKind
    period_key: str
    recorded_by: str
    recorded_at: dt.datetime
    items: tuple[ItemResult, ...] = ()
    summary: str = ""
    attendees: tuple[str, ...] = ()  # monthly dispatch meeting
    next_steps: str = ""  # weekly: treatment plan; monthly: next month's work
    version: int = 0

    @property
    def zero_findings(self) -> bool:
        return not any(i.result is CheckResult.FAIL for i in self.items)

    @property
    def failed_items(self) -> tuple[ItemResult, ...]:
        return tuple(i for i in self.items if i.result is CheckResult.FAIL)


def validate_record(record: DutyRecord) -> None:
    """Every rule a record must meet, all reported at once."""
    out: list[FieldViolation] = []
    if not record.recorded_by.strip():
        out.append(FieldViolation("recorded_by", record.recorded_by, "required", "name the person who recorded it"))
    if record.recorded_at.tzinfo is None:
        out.append(FieldViolation("recorded_at", record.recorded_at, "datetime.aware", "must carry a time zone"))
    seen: set[tuple[str, str | None]] = set()
    for i, item in enumerate(record.items):
        path = f"items[{i}]"
        if not item.item_code.strip():
            out.append(FieldViolation(f"{path}.item_code", item.item_code, "required", "every result names its item"))
        key = (item.item_code, item.equipment_id)
        if key in seen:
            out.append(
                FieldViolation(
                    f"{path}.item_code",
                    item.item_code,
                    "duty.item.unique",
                    "the same item for the same equipment twice",
                )
            )
        seen.add(key)
        if item.result is CheckResult.FAIL and not item.note.strip():
            out.append(
                FieldViolation(
                    f"{path}.note", item.note, "duty.item.fail_note", "a failed item must say what was found"
                )
            )
        for j, ref in enumerate(item.evidence):
            if not _SHA256.fullmatch(ref):
                out.append(
                    FieldViolation(
                        f"{path}.evidence[{j}]",
                        ref,
                        "duty.evidence.sha256",
                        "evidence is referenced by the SHA-256 of its bytes (64 lower-case hex digits)",
                    )
                )
    if out:
        raise InvalidArgument(out)


# ---------------------------------------------------------------------------------------------------------------
# Missed duties
# ---------------------------------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class MissedDuty:
    """A task whose due date has passed without a record."""

    task_id: str
    plan_id: str
    unit_uscc: str
    region_code: str
    kind: DutyKind
    period_key: str
    due_on: dt.date
    assignee: str = ""


def gap_runs(days: Iterable[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Consecutive runs of days, for reporting "no daily check from 3 to 7 November" instead of five lines."""
    runs: list[tuple[dt.date, dt.date]] = []
    for day in sorted(set(days)):
        if runs and day == runs[-1][1] + dt.timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs
