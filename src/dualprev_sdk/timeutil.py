"""Time rules in one place: aware datetimes everywhere, due dates computed in Asia/Shanghai.

Regulatory dates (inspection due, certificate expiry, 74号令 daily duties) are calendar dates in China's time
zone, so a check made at 23:30 UTC on the 31st already belongs to the 1st in Zhengzhou.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

__all__ = ["SHANGHAI", "add_months", "add_years", "ensure_aware", "now", "today"]

SHANGHAI = ZoneInfo("Asia/Shanghai")


def now() -> dt.datetime:
    """The current instant, timezone-aware (UTC)."""
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    """Today's calendar date in Asia/Shanghai: the date regulations count in."""
    return dt.datetime.now(SHANGHAI).date()


def ensure_aware(value: dt.datetime, *, field: str = "datetime") -> dt.datetime:
    """Reject naive datetimes: they are ambiguous by eight hours in this domain."""
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        from dualprev_sdk.errors import InvalidArgument

        raise InvalidArgument.single(field, value.isoformat(), "datetime.aware", "must carry a time zone (e.g. +08:00)")
    return value


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    next_first = dt.date(year + (month == 12), month % 12 + 1, 1)
    last = (next_first - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` moved by whole years (29 Feb → 28 Feb in common years)."""
    return add_months(day, 12 * years)
