"""Elevator 96333 emergency records (电梯应急处置): incidents, response KPIs, re-dispatch, fault frequency,
and maintenance records.

The seed asks the 96333 platform for "精准监管、风险预警和快速救援". The response limit (commonly 30 minutes in
city rules) and the fault-frequency thresholds are *settings*, not national regulation: they live in
:class:`ResponsePolicy` with their source marked, so a city can load its own.
"""

from __future__ import annotations

import datetime as dt
import enum
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence

import attrs

from dualprev_sdk.domain.common import Source, SourceStatus

__all__ = [
    "FaultFrequency",
    "IncidentCause",
    "MaintenanceRecord",
    "RescueIncident",
    "ResponseKpis",
    "ResponsePolicy",
    "fault_frequency",
    "maintenance_overdue",
    "needs_redispatch",
    "response_kpis",
]


class IncidentCause(enum.StrEnum):
    """Why the call was made; ``ENTRAPMENT`` (困人) is what the KPIs and the risk factor count most."""

    ENTRAPMENT = "entrapment"  # 困人
    FAULT = "fault"  # 故障停梯（无人被困）
    ACCIDENT = "accident"  # 事故
    MISUSE = "misuse"  # 人为/误报
    POWER_FAILURE = "power_failure"  # 外部停电
    OTHER = "other"

    @property
    def name_zh(self) -> str:
        return {
            "entrapment": "困人",
            "fault": "故障",
            "accident": "事故",
            "misuse": "人为因素/误报",
            "power_failure": "外部停电",
            "other": "其他",
        }[self.value]

    @property
    def counts_as_fault(self) -> bool:
        """Whether the incident tells something about the lift itself (not misuse or a grid outage)."""
        return self in (IncidentCause.ENTRAPMENT, IncidentCause.FAULT, IncidentCause.ACCIDENT)


_DEFAULT_SOURCE = Source(
    document="城市96333平台到达时限（常见30分钟）; 《特种设备安全监察条例》第31条 (15日维保)",
    status=SourceStatus.GENERAL_KNOWLEDGE,
    note="arrival limit and thresholds are configurable settings; 15-day maintenance is V-2nd (Part C §3)",
)


@attrs.frozen(kw_only=True)
class ResponsePolicy:
    """Settings for KPIs and warnings. Defaults are product choices marked as such."""

    arrival_limit: dt.timedelta = dt.timedelta(minutes=30)
    redispatch_after: dt.timedelta = dt.timedelta(minutes=30)
    window: dt.timedelta = dt.timedelta(days=90)
    hazard_threshold: int = 3  # fault incidents in the window that open a hazard
    maintenance_interval: dt.timedelta = dt.timedelta(days=15)
    source: Source = _DEFAULT_SOURCE


@attrs.define(kw_only=True)
class RescueIncident:
    """One 96333 call. Times are aware datetimes; ``arrived_at``/``released_at`` stay None until they happen."""

    id: str
    equipment_id: str
    rescue_code: str
    called_at: dt.datetime
    cause: IncidentCause = IncidentCause.ENTRAPMENT
    trapped_persons: int = 0
    maintenance_unit: str = ""
    dispatched_at: dt.datetime | None = None
    arrived_at: dt.datetime | None = None
    released_at: dt.datetime | None = None
    redispatched_to: str | None = None
    redispatched_at: dt.datetime | None = None
    note: str = ""
    version: int = 0

    @property
    def arrival_time(self) -> dt.timedelta | None:
        return None if self.arrived_at is None else self.arrived_at - self.called_at

    @property
    def release_time(self) -> dt.timedelta | None:
        return None if self.released_at is None else self.released_at - self.called_at


def needs_redispatch(incident: RescueIncident, now: dt.datetime, policy: ResponsePolicy = ResponsePolicy()) -> bool:
    """True when the contracted maintenance unit has not arrived within the limit and nobody was re-dispatched."""
    if incident.arrived_at is not None or incident.redispatched_to is not None:
        return False
    return now - incident.called_at > policy.redispatch_after


@attrs.frozen(kw_only=True)
class ResponseKpis:
    incidents: int
    arrived: int
    arrived_within_limit: int
    arrival_rate_within_limit: float | None
    median_arrival_minutes: float | None
    mean_arrival_minutes: float | None
    median_release_minutes: float | None
    max_release_minutes: float | None
    trapped_persons: int
    redispatched: int


def _minutes(values: Iterable[dt.timedelta]) -> list[float]:
    return [v.total_seconds() / 60 for v in values]


def response_kpis(incidents: Sequence[RescueIncident], policy: ResponsePolicy = ResponsePolicy()) -> ResponseKpis:
    """Arrival and release KPIs over a set of incidents (a city, a maintenance unit, a month)."""
    arrivals = _minutes(t for i in incidents if (t := i.arrival_time) is not None)
    releases = _minutes(t for i in incidents if (t := i.release_time) is not None)
    limit = policy.arrival_limit.total_seconds() / 60
    within = sum(1 for m in arrivals if m <= limit)
    return ResponseKpis(
        incidents=len(incidents),
        arrived=len(arrivals),
        arrived_within_limit=within,
        arrival_rate_within_limit=(within / len(incidents)) if incidents else None,
        median_arrival_minutes=statistics.median(arrivals) if arrivals else None,
        mean_arrival_minutes=statistics.fmean(arrivals) if arrivals else None,
        median_release_minutes=statistics.median(releases) if releases else None,
        max_release_minutes=max(releases) if releases else None,
        trapped_persons=sum(i.trapped_persons for i in incidents),
        redispatched=sum(1 for i in incidents if i.redispatched_to),
    )


@attrs.frozen(kw_only=True)
class FaultFrequency:
    """Faults and entrapments of one lift in the policy window; ``opens_hazard`` past the threshold."""

    equipment_id: str
    faults: int
    entrapments: int
    window_days: int
    opens_hazard: bool


def fault_frequency(
    incidents: Iterable[RescueIncident], *, now: dt.datetime, policy: ResponsePolicy = ResponsePolicy()
) -> dict[str, FaultFrequency]:
    """Per-lift counts in the window, feeding the equipment-risk factor "faults or entrapments in a recent window"
    and opening a hazard once ``policy.hazard_threshold`` is reached."""
    start = now - policy.window
    faults: Counter[str] = Counter()
    entrapments: Counter[str] = Counter()
    for incident in incidents:
        if incident.called_at < start or incident.called_at > now or not incident.cause.counts_as_fault:
            continue
        faults[incident.equipment_id] += 1
        if incident.cause is IncidentCause.ENTRAPMENT:
            entrapments[incident.equipment_id] += 1
    return {
        equipment_id: FaultFrequency(
            equipment_id=equipment_id,
            faults=count,
            entrapments=entrapments[equipment_id],
            window_days=policy.window.days,
            opens_hazard=count >= policy.hazard_threshold,
        )
        for equipment_id, count in faults.items()
    }


@attrs.frozen(kw_only=True)
class MaintenanceRecord:
    """A maintenance visit (维护保养, TSG T5002): the date, the maintenance unit and the item codes done."""

    id: str
    equipment_id: str
    performed_on: dt.date
    maintenance_unit: str
    items: tuple[str, ...] = ()
    kind: str = "half_monthly"  # half_monthly | quarterly | half_yearly | yearly


def maintenance_overdue(
    last_performed_on: dt.date | None, day: dt.date, policy: ResponsePolicy = ResponsePolicy()
) -> bool:
    """Whether the lift's maintenance is overdue on ``day`` (no record at all counts as overdue)."""
    if last_performed_on is None:
        return True
    return (day - last_performed_on) > policy.maintenance_interval
