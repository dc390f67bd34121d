"""Properties of task generation: however a range is cut into generation runs, every period is owed exactly once."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from dualprev_sdk.domain.common import Frequency
from dualprev_sdk.domain.duty import DutyKind, DutyPlan, period_key, plan_tasks

KINDS = [DutyKind.DAILY_CONTROL, DutyKind.WEEKLY_INVESTIGATION, DutyKind.MONTHLY_DISPATCH]
START = dt.date(2024, 1, 1)
END = dt.date(2026, 12, 31)


@settings(max_examples=60, deadline=None)
@given(
    kind=st.sampled_from(KINDS),
    cuts=st.lists(st.integers(min_value=1, max_value=(END - START).days), max_size=8, unique=True),
)
def test_any_split_of_a_range_generates_each_period_exactly_once(kind: DutyKind, cuts: list[int]) -> None:
    plan = DutyPlan(id="P", kind=kind, unit_usccs=("U",), starts_on=START)
    bounds = [START, *sorted(START + dt.timedelta(days=c) for c in cuts), END + dt.timedelta(days=1)]
    keys: list[str] = []
    for first, after in itertools.pairwise(bounds):
        if first < after:
            keys.extend(t.period_key for t in plan_tasks(plan, first, after - dt.timedelta(days=1)).tasks)
    whole = [t.period_key for t in plan_tasks(plan, START, END).tasks]
    assert keys == whole
    assert len(set(whole)) == len(whole)


@given(day=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_the_week_key_is_the_iso_week_of_every_day_in_it(day: dt.date) -> None:
    monday = day - dt.timedelta(days=day.weekday())
    assert {period_key(Frequency.WEEKLY, monday + dt.timedelta(days=i)) for i in range(7)} == {
        period_key(Frequency.WEEKLY, day)
    }
    year, week, _ = day.isocalendar()
    assert period_key(Frequency.WEEKLY, day) == f"{year}-W{week:02d}"
