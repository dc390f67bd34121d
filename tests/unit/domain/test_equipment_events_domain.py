"""The equipment-event records as rules: what each event requires, which status it moves the equipment to, which
reassessment trigger it is, and how an accident counts for direct determination."""

from __future__ import annotations

import datetime as dt

import pytest

from dualprev_sdk.domain.common import Location
from dualprev_sdk.domain.credit import Severity
from dualprev_sdk.domain.equipment import EquipmentStatus
from dualprev_sdk.domain.equipment_events import (
    Accident,
    Alteration,
    EquipmentEvent,
    EquipmentEventKind,
    MajorRepair,
    Relocation,
    Restart,
    Scrapping,
    Suspension,
    Transfer,
    kind_of,
    next_status,
    violations_of,
)
from dualprev_sdk.domain.risk import ReviewTrigger
from dualprev_sdk.errors import FailedPrecondition
from dualprev_sdk.services.equipment_events import accident_direct_facts

CST = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.date(2026, 11, 29)


def _accident(**kw: object) -> Accident:
    fields: dict[str, object] = {
        "occurred_at": dt.datetime(2026, 11, 20, 9, 0, tzinfo=CST),
        "severity": Severity.GENERAL,
        "description": "制动器失效",
    }
    fields.update(kw)
    return Accident(**fields)  # type: ignore[arg-type]


def _event(details: Accident) -> EquipmentEvent:
    return EquipmentEvent(
        id="EE-1",
        equipment_id="E1",
        unit_uscc="U",
        details=details,
        actor="a",
        recorded_at=dt.datetime(2026, 11, 29, tzinfo=dt.UTC),
    )


def test_accidents_repairs_alterations_and_relocations_are_reassessment_triggers_status_changes_are_not() -> None:
    assert EquipmentEventKind.ACCIDENT.review_trigger is ReviewTrigger.ACCIDENT
    assert EquipmentEventKind.MAJOR_REPAIR.review_trigger is ReviewTrigger.MAJOR_REPAIR
    assert EquipmentEventKind.ALTERATION.review_trigger is ReviewTrigger.ALTERATION
    assert EquipmentEventKind.RELOCATION.review_trigger is ReviewTrigger.RELOCATION
    for kind in ("suspension", "restart", "scrapping", "transfer"):
        assert EquipmentEventKind(kind).review_trigger is None


def test_an_accident_is_dated_by_its_shanghai_calendar_day() -> None:
    late_utc = dt.datetime(2026, 11, 20, 17, 30, tzinfo=dt.UTC)  # 01:30 on the 21st in Shanghai
    assert _accident(occurred_at=late_utc).day == dt.date(2026, 11, 21)


def test_an_accident_with_deaths_serious_injuries_major_loss_or_a_class_above_general_counts_as_serious() -> None:
    assert not _accident().is_serious
    assert not _accident(minor_injuries=2).is_serious
    assert _accident(deaths=1).is_serious
    assert _accident(serious_injuries=1).is_serious
    assert _accident(major_loss=True).is_serious
    assert _accident(severity=Severity.SERIOUS).is_serious


def test_a_bad_accident_lists_every_broken_field_under_details() -> None:
    bad = _accident(
        occurred_at=dt.datetime(2026, 12, 1, tzinfo=CST),
        severity=Severity.NONE,
        description="",
        minor_injuries=-1,
        conditions_rectified=True,
    )
    assert {v.field for v in violations_of(bad, TODAY)} == {
        "details.occurred_at",
        "details.severity",
        "details.description",
        "details.minor_injuries",
        "details.rectified_on",
    }


def test_a_naive_accident_time_is_refused() -> None:
    naive = _accident(occurred_at=dt.datetime(2026, 11, 20, 9, 0))
    assert [v.rule for v in violations_of(naive, TODAY)] == ["aware"]


def test_repair_work_needs_a_contractor_and_a_date_for_a_passed_supervisory_inspection() -> None:
    work = MajorRepair(performed_on=TODAY, contractor="", supervisory_inspection_passed=True)
    assert {v.field for v in violations_of(work, TODAY)} == {"details.contractor", "details.supervisory_inspection_on"}


def test_repair_work_awaits_change_registration_by_default_until_it_is_registered() -> None:
    work = Alteration(performed_on=TODAY, contractor="某改造单位")
    assert work.awaits_change_registration
    assert not Alteration(performed_on=TODAY, contractor="x", change_registered_on=TODAY).awaits_change_registration
    assert not Alteration(
        performed_on=TODAY, contractor="x", change_registration_needed=False
    ).awaits_change_registration


def test_a_relocation_to_the_same_place_is_refused() -> None:
    here = Location(building="一号车间")
    assert [
        v.field for v in violations_of(Relocation(moved_on=TODAY, from_location=here, to_location=here), TODAY)
    ] == ["details.to_location"]


def test_a_transfer_names_the_receiving_unit_with_a_valid_uscc_or_a_name() -> None:
    assert [v.field for v in violations_of(Transfer(on=TODAY), TODAY)] == ["details.to_unit_uscc"]
    assert violations_of(Transfer(on=TODAY, to_unit_uscc="91410100MA0000000X"), TODAY)
    assert violations_of(Transfer(on=TODAY, to_unit_name="郑州某物业公司"), TODAY) == []


@pytest.mark.parametrize(
    ("current", "details", "after"),
    [
        (EquipmentStatus.IN_USE, Suspension(since=TODAY), EquipmentStatus.SUSPENDED),
        (EquipmentStatus.SUSPENDED, Restart(on=TODAY, self_check_done=True), EquipmentStatus.IN_USE),
        (EquipmentStatus.SUSPENDED, Scrapping(on=TODAY, reason="r"), EquipmentStatus.SCRAPPED),
        (EquipmentStatus.IN_USE, Transfer(on=TODAY, to_unit_name="n"), EquipmentStatus.TRANSFERRED),
        (EquipmentStatus.IN_USE, MajorRepair(performed_on=TODAY, contractor="c"), None),
    ],
)
def test_status_events_move_the_registration_status(
    current: EquipmentStatus, details: Suspension, after: EquipmentStatus | None
) -> None:
    assert next_status(current, details) is after


@pytest.mark.parametrize(
    ("current", "details"),
    [
        (EquipmentStatus.IN_USE, Restart(on=TODAY, self_check_done=True)),
        (EquipmentStatus.SUSPENDED, Suspension(since=TODAY)),
        (EquipmentStatus.SCRAPPED, MajorRepair(performed_on=TODAY, contractor="c")),
        (EquipmentStatus.TRANSFERRED, Suspension(since=TODAY)),
    ],
)
def test_a_status_that_does_not_allow_the_event_is_a_failed_precondition_naming_it(
    current: EquipmentStatus, details: Suspension
) -> None:
    with pytest.raises(FailedPrecondition, match=current.value):
        next_status(current, details)


def test_kind_of_follows_the_details_type() -> None:
    assert kind_of(_accident()) is EquipmentEventKind.ACCIDENT
    assert kind_of(Alteration(performed_on=TODAY, contractor="c")) is EquipmentEventKind.ALTERATION


def test_unrectified_accidents_become_direct_determination_counts_as_of_a_day() -> None:
    serious = _event(_accident(deaths=1))
    minor = _event(_accident())
    rectified = _event(_accident(deaths=1, conditions_rectified=True, rectified_on=dt.date(2026, 11, 25)))
    facts = accident_direct_facts([serious, minor, rectified], as_of=TODAY)
    assert (facts.serious_accidents_conditions_unchanged, facts.minor_accidents_conditions_unchanged) == (1, 1)
    before_rectified = accident_direct_facts([rectified], as_of=dt.date(2026, 11, 24))
    assert before_rectified.serious_accidents_conditions_unchanged == 1
    before_it_happened = accident_direct_facts([serious], as_of=dt.date(2026, 11, 19))
    assert before_it_happened.serious_accidents_conditions_unchanged == 0
