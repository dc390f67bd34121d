"""96333 incident KPIs, re-dispatch, fault frequency and maintenance, on incident sets with known answers."""

from __future__ import annotations

import datetime as dt

from dualprev_sdk.domain.elevator_emergency import (
    IncidentCause,
    RescueIncident,
    ResponsePolicy,
    fault_frequency,
    maintenance_overdue,
    needs_redispatch,
    response_kpis,
)
from dualprev_sdk.timeutil import SHANGHAI

T0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=SHANGHAI)


def incident(
    n: int,
    *,
    arrive: int | None,
    release: int | None,
    cause: IncidentCause = IncidentCause.ENTRAPMENT,
    lift: str = "L1",
    trapped: int = 1,
    day: int = 0,
) -> RescueIncident:
    called = T0 + dt.timedelta(days=day)
    return RescueIncident(
        id=f"i{n}",
        equipment_id=lift,
        rescue_code="235274",
        called_at=called,
        cause=cause,
        trapped_persons=trapped,
        arrived_at=None if arrive is None else called + dt.timedelta(minutes=arrive),
        released_at=None if release is None else called + dt.timedelta(minutes=release),
    )


def test_kpis_on_a_known_set() -> None:
    incidents = [
        incident(1, arrive=12, release=20, trapped=2),
        incident(2, arrive=25, release=40),
        incident(3, arrive=30, release=35),  # exactly on the limit counts as within
        incident(4, arrive=45, release=60, trapped=3),
    ]
    kpis = response_kpis(incidents)
    assert kpis.incidents == 4
    assert kpis.arrived_within_limit == 3
    assert kpis.arrival_rate_within_limit == 0.75
    assert kpis.median_arrival_minutes == 27.5
    assert kpis.mean_arrival_minutes == 28.0
    assert kpis.median_release_minutes == 37.5
    assert kpis.max_release_minutes == 60
    assert kpis.trapped_persons == 7


def test_a_stricter_city_limit_changes_the_rate() -> None:
    incidents = [incident(1, arrive=12, release=20), incident(2, arrive=25, release=40)]
    kpis = response_kpis(incidents, ResponsePolicy(arrival_limit=dt.timedelta(minutes=15)))
    assert kpis.arrived_within_limit == 1


def test_redispatch_is_needed_only_after_the_limit_and_only_once() -> None:
    pending = incident(1, arrive=None, release=None)
    assert not needs_redispatch(pending, T0 + dt.timedelta(minutes=30))
    assert needs_redispatch(pending, T0 + dt.timedelta(minutes=31))
    pending.redispatched_to = "郑州某电梯维保公司"
    assert not needs_redispatch(pending, T0 + dt.timedelta(minutes=45))


def test_fault_frequency_counts_faults_in_the_window_and_ignores_misuse() -> None:
    incidents = [
        incident(1, arrive=10, release=20, day=0),
        incident(2, arrive=10, release=20, day=10, cause=IncidentCause.FAULT),
        incident(3, arrive=10, release=20, day=20),
        incident(4, arrive=10, release=20, day=21, cause=IncidentCause.MISUSE),
        incident(5, arrive=10, release=20, day=-200),  # outside the 90-day window
        incident(6, arrive=10, release=20, day=5, lift="L2"),
    ]
    freq = fault_frequency(incidents, now=T0 + dt.timedelta(days=30))
    assert freq["L1"].faults == 3
    assert freq["L1"].entrapments == 2
    assert freq["L1"].opens_hazard
    assert not freq["L2"].opens_hazard


def test_maintenance_is_overdue_after_15_days() -> None:
    last = dt.date(2026, 3, 1)
    assert not maintenance_overdue(last, dt.date(2026, 3, 16))
    assert maintenance_overdue(last, dt.date(2026, 3, 17))
    assert maintenance_overdue(None, dt.date(2026, 3, 1))
