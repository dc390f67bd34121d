"""96333 end to end on every backend: rescue codes unique per city, incidents with KPIs, re-dispatch, repeated
faults opening one hazard (not two), overdue maintenance, and a lift's grade rising with its entrapments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import attrs
import pytest

from dualprev_sdk import AlreadyExists, CrowdedPlaceType, Equipment, InvalidArgument, RiskLevel, UseUnit
from dualprev_sdk.domain.elevator_emergency import IncidentCause, MaintenanceRecord
from dualprev_sdk.grading.equipment_risk import EquipmentRiskInput, grade_equipment
from dualprev_sdk.services import elevator_emergency as e96333
from dualprev_sdk.services import hazards
from dualprev_sdk.services.bootstrap import Dualprev
from dualprev_sdk.timeutil import SHANGHAI

T0 = dt.datetime(2026, 3, 2, 8, 0, tzinfo=SHANGHAI)


@pytest.fixture
def lifts(sdk: Dualprev, make_uscc: Callable[[int], str]) -> dict[str, str]:
    """Two lifts in a Zhengzhou mall, one in a Luoyang hospital."""
    zhengzhou, luoyang = make_uscc(1), make_uscc(2)
    sdk.ledger.create_unit(UseUnit(uscc=zhengzhou, name="郑州某商场", region_code="410105"))
    sdk.ledger.create_unit(UseUnit(uscc=luoyang, name="洛阳某医院", region_code="410302"))
    ids = {}
    for key, unit in (("zz1", zhengzhou), ("zz2", zhengzhou), ("ly1", luoyang)):
        sdk.ledger.create_equipment(
            Equipment(
                id=key,
                unit_uscc=unit,
                catalog_code="3110",
                name="曳引驱动乘客电梯",
                commissioned_on=dt.date(2012, 5, 1),
                next_inspection_due=dt.date(2026, 5, 1),
                crowded_place=CrowdedPlaceType.MALL if unit == zhengzhou else CrowdedPlaceType.HOSPITAL,
            )
        )
        ids[key] = key
    return ids


def test_rescue_codes_are_unique_per_city_and_follow_the_regional_pattern(sdk: Dualprev, lifts: dict[str, str]) -> None:
    assert e96333.register_rescue_code(sdk, "zz1", "235274") == "235274"
    assert sdk.ledger.get_equipment("zz1").rescue_code == "235274"
    with pytest.raises(AlreadyExists, match="235274"):
        e96333.register_rescue_code(sdk, "zz2", "235274")
    assert e96333.register_rescue_code(sdk, "ly1", "235274") == "235274"  # another city's platform
    with pytest.raises(InvalidArgument) as err:
        e96333.register_rescue_code(sdk, "zz2", "23527")
    assert err.value.violations[0].rule == "rescue_code.format"


def call(
    sdk: Dualprev,
    code: str,
    minutes_after: int,
    *,
    cause: IncidentCause = IncidentCause.ENTRAPMENT,
    arrive: int | None = 15,
    release: int | None = 25,
    trapped: int = 1,
) -> str:
    called = T0 + dt.timedelta(minutes=minutes_after)
    incident = e96333.open_incident(
        sdk,
        rescue_code=code,
        region_code="410105",
        called_at=called,
        cause=cause,
        trapped_persons=trapped,
        maintenance_unit="郑州某电梯维保公司",
    )
    e96333.record_dispatch(sdk, incident.id, at=called + dt.timedelta(minutes=2))
    if arrive is not None:
        e96333.record_arrival(sdk, incident.id, at=called + dt.timedelta(minutes=arrive))
    if release is not None:
        e96333.record_release(sdk, incident.id, at=called + dt.timedelta(minutes=release))
    return incident.id


def test_kpis_redispatch_and_timing_rules(sdk: Dualprev, lifts: dict[str, str]) -> None:
    e96333.register_rescue_code(sdk, "zz1", "235274")
    call(sdk, "235274", 0, arrive=12, release=20, trapped=2)
    call(sdk, "235274", 600, arrive=45, release=60)
    late = call(sdk, "235274", 1200, arrive=None, release=None)
    kpis = e96333.region_kpis(sdk, region_prefix="4101", since=T0, until=T0 + dt.timedelta(days=1))
    assert (kpis.incidents, kpis.arrived, kpis.arrived_within_limit, kpis.trapped_persons) == (3, 2, 1, 4)
    pending = e96333.sweep_redispatch(sdk, now=T0 + dt.timedelta(minutes=1231))
    assert [i.id for i in pending] == [late]
    e96333.redispatch(sdk, late, to="郑州市特种设备应急救援队", at=T0 + dt.timedelta(minutes=1232))
    assert e96333.sweep_redispatch(sdk, now=T0 + dt.timedelta(minutes=1300)) == []
    with pytest.raises(InvalidArgument, match="before the call"):
        e96333.record_arrival(sdk, late, at=T0)


def test_repeated_faults_open_one_hazard_and_the_lift_grade_rises(sdk: Dualprev, lifts: dict[str, str]) -> None:
    e96333.register_rescue_code(sdk, "zz1", "235274")
    now = T0 + dt.timedelta(days=40)

    def grade() -> tuple[RiskLevel, str]:
        incidents = e96333.incidents_for(sdk, "zz1", since=now - dt.timedelta(days=90), until=now)
        facts = EquipmentRiskInput.from_equipment(
            sdk.ledger.get_equipment("zz1"),
            inherent_risk=RiskLevel.SIGNIFICANT,
            as_of=now.date(),
            fault_dates=tuple(i.called_at.astimezone(SHANGHAI).date() for i in incidents if i.cause.counts_as_fault),
            entrapment_dates=tuple(
                i.called_at.astimezone(SHANGHAI).date() for i in incidents if i.cause is IncidentCause.ENTRAPMENT
            ),
        )
        result = grade_equipment(facts)
        return result.level, result.explain()

    before, _ = grade()
    for day in (1, 8, 15, 22):
        call(sdk, "235274", day * 24 * 60)
    call(sdk, "235274", 30 * 24 * 60, cause=IncidentCause.MISUSE)  # not the lift's fault
    after, explanation = grade()
    assert after < before  # a lower number is a higher risk level
    assert "困人" in explanation

    first = e96333.sweep_faults(sdk, now=now)
    assert [equipment for equipment, _ in first.opened] == ["zz1"]
    hazard = hazards.get_hazard(sdk, first.opened[0][1])
    assert hazard.equipment_id == "zz1"
    assert "困人4次" in hazard.description
    assert e96333.sweep_faults(sdk, now=now).opened == ()  # the same incidents never open a second hazard


def test_lifts_without_recent_maintenance_are_listed(sdk: Dualprev, lifts: dict[str, str]) -> None:
    e96333.record_maintenance(
        sdk,
        MaintenanceRecord(
            id="m1",
            equipment_id="zz1",
            performed_on=dt.date(2026, 3, 1),
            maintenance_unit="某维保公司",
            items=("A1", "A2"),
        ),
    )
    e96333.record_maintenance(
        sdk,
        MaintenanceRecord(id="m2", equipment_id="zz2", performed_on=dt.date(2026, 2, 1), maintenance_unit="某维保公司"),
    )
    overdue = dict(e96333.overdue_maintenance(sdk, day=dt.date(2026, 3, 10), region_prefix="41"))
    assert overdue == {"zz2": dt.date(2026, 2, 1), "ly1": None}


def test_overdue_lifts_are_read_a_page_at_a_time_in_equipment_id_order(sdk: Dualprev, lifts: dict[str, str]) -> None:
    day = dt.date(2026, 3, 10)
    everything = e96333.overdue_maintenance(sdk, day=day, region_prefix="41")
    assert [lift for lift, _ in everything] == ["ly1", "zz1", "zz2"]
    first = e96333.overdue_maintenance(sdk, day=day, region_prefix="41", limit=2)
    rest = e96333.overdue_maintenance(sdk, day=day, region_prefix="41", after=first[-1][0], limit=2)
    assert first + rest == everything
    assert len(first) == 2
    assert e96333.overdue_maintenance(sdk, day=day, region_prefix="41", after="zz2", limit=2) == []


def test_a_retried_open_returns_the_first_incident_and_the_id_on_another_call_is_already_exists(
    sdk: Dualprev, lifts: dict[str, str]
) -> None:
    e96333.register_rescue_code(sdk, "zz1", "235274")

    def open_(called_at: dt.datetime, trapped: int = 1) -> str:
        return e96333.open_incident(
            sdk,
            rescue_code="235274",
            region_code="410105",
            called_at=called_at,
            trapped_persons=trapped,
            incident_id="ri-retry",
        ).id

    first = e96333.get_incident(sdk, open_(T0))
    assert e96333.get_incident(sdk, open_(T0)) == first  # the answer was lost and the platform retried
    with pytest.raises(AlreadyExists, match="ri-retry"):
        open_(T0 + dt.timedelta(minutes=40))  # another call reusing the id
    with pytest.raises(AlreadyExists, match="ri-retry"):
        open_(T0, trapped=3)
    opened = [e for e in sdk.read_events(limit=1000) if e.type == "rescue_incident.opened"]
    assert len(opened) == 1
    kpis = e96333.region_kpis(
        sdk, region_prefix="4101", since=T0 - dt.timedelta(hours=1), until=T0 + dt.timedelta(hours=1)
    )
    assert kpis.incidents == 1


def test_a_maintenance_record_id_already_taken_is_already_exists(sdk: Dualprev, lifts: dict[str, str]) -> None:
    record = MaintenanceRecord(
        id="m1", equipment_id="zz1", performed_on=dt.date(2026, 3, 1), maintenance_unit="某维保公司"
    )
    e96333.record_maintenance(sdk, record)
    with pytest.raises(AlreadyExists, match="m1"):
        e96333.record_maintenance(sdk, attrs.evolve(record, equipment_id="zz2"))
    overdue = dict(e96333.overdue_maintenance(sdk, day=dt.date(2026, 3, 10), region_prefix="41"))
    assert overdue == {"zz2": None, "ly1": None}  # the refused record was not stored


def test_incidents_awaiting_redispatch_are_filtered_by_the_lifts_region(sdk: Dualprev, lifts: dict[str, str]) -> None:
    e96333.register_rescue_code(sdk, "zz1", "235274")
    e96333.register_rescue_code(sdk, "ly1", "235274")
    for region in ("410105", "410302"):
        e96333.open_incident(sdk, rescue_code="235274", region_code=region, called_at=T0)
    now = T0 + dt.timedelta(hours=2)
    assert sorted(i.equipment_id for i in e96333.sweep_redispatch(sdk, now=now)) == ["ly1", "zz1"]
    assert [i.equipment_id for i in e96333.sweep_redispatch(sdk, now=now, region_prefix="4101")] == ["zz1"]
    assert [i.equipment_id for i in e96333.sweep_redispatch(sdk, now=now, region_prefix="410302")] == ["ly1"]
    assert e96333.sweep_redispatch(sdk, now=now, region_prefix="4102") == []
    assert e96333.lift_units(sdk, {"zz1", "ly1", "gone"}) == {
        "zz1": sdk.ledger.get_equipment("zz1").unit_uscc,
        "ly1": sdk.ledger.get_equipment("ly1").unit_uscc,
    }
