"""The 逾期未检 listing and sweep over a realistic two-unit ledger, on SQLite and PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import attrs
from inspection_world import AT, FACTORY, LUOYANG, MALL, TODAY, ZHENGZHOU, build

from dualprev_sdk.domain.hazard import HazardLevel, HazardSource, HazardState
from dualprev_sdk.domain.inspection import RegulatorNoticeKind
from dualprev_sdk.services import hazards as hz
from dualprev_sdk.services import inspections as ins
from dualprev_sdk.services.bootstrap import Dualprev


def _outbox(sdk: Dualprev) -> list[str]:
    return [e.type for e in sdk.read_events(0, 10_000)]


def test_the_listing_names_every_item_in_use_past_its_due_date_by_region_unit_and_kind(sdk: Dualprev) -> None:
    build(sdk)
    listing = ins.list_overdue(sdk, today=TODAY)
    assert [i.equipment_id for i in listing.items] == ["L2", "L4", "C1", "C2", "F1"]
    assert listing.by_region == {ZHENGZHOU: 2, LUOYANG: 3}
    assert listing.by_unit == {MALL: 2, FACTORY: 3}
    assert listing.by_kind == {"3000": 2, "4000": 2, "5000": 1}


def test_a_suspended_item_past_its_due_date_is_not_overdue_in_use(sdk: Dualprev) -> None:
    build(sdk)
    assert "L3" not in {i.equipment_id for i in ins.list_overdue(sdk, today=TODAY).items}


def test_the_listing_filters_by_region_prefix_and_class(sdk: Dualprev) -> None:
    build(sdk)
    assert [i.equipment_id for i in ins.list_overdue(sdk, today=TODAY, region_prefix="4103").items] == [
        "C1",
        "C2",
        "F1",
    ]
    assert [i.equipment_id for i in ins.list_overdue(sdk, today=TODAY, catalog_prefix="4").items] == ["C1", "C2"]


def test_the_sweep_opens_one_hazard_and_one_regulator_notice_per_overdue_item(sdk: Dualprev) -> None:
    build(sdk)
    result = ins.sweep_overdue_inspections(sdk, today=TODAY, at=AT)
    assert sorted(c.equipment_id for c in result.detected) == ["C1", "C2", "F1", "L2", "L4"]
    assert result.failed == ()
    notices = ins.list_regulator_notices(sdk)
    assert sorted((n.region_code, n.equipment_id) for n in notices) == [
        (ZHENGZHOU, "L2"),
        (ZHENGZHOU, "L4"),
        (LUOYANG, "C1"),
        (LUOYANG, "C2"),
        (LUOYANG, "F1"),
    ]
    assert {n.kind for n in notices} == {RegulatorNoticeKind.OVERDUE_INSPECTION}
    assert all(n.hazard_id for n in notices)


def test_only_gb45067_makes_an_overdue_item_major(sdk: Dualprev) -> None:
    """4.7 a) for the crane never inspected; 4.6 a) for the lift whose last report failed; the rest general."""
    build(sdk)
    result = ins.sweep_overdue_inspections(sdk, today=TODAY, at=AT)
    by_equipment = {c.equipment_id: c.id for c in result.detected}
    levels = {eid: next(o.level for o in result.opened if o.cause == cid) for eid, cid in by_equipment.items()}
    assert levels == {
        "C1": HazardLevel.MAJOR,
        "C2": HazardLevel.GENERAL,
        "F1": HazardLevel.GENERAL,
        "L2": HazardLevel.GENERAL,
        "L4": HazardLevel.MAJOR,
    }
    crane = next(o for o in result.opened if o.cause == by_equipment["C1"])
    assert crane.criteria == ("GB 45067-2024 4.7 a)",)


def test_a_major_overdue_hazard_stops_the_equipment_and_reaches_the_hazard_regulator_reports(sdk: Dualprev) -> None:
    build(sdk)
    result = ins.sweep_overdue_inspections(sdk, today=TODAY, at=AT)
    crane_case = next(c.id for c in result.detected if c.equipment_id == "C1")
    crane_hazard = next(o.hazard_id for o in result.opened if o.cause == crane_case)
    hazard = hz.get_hazard(sdk, crane_hazard)
    assert (hazard.state, hazard.source, hazard.equipment_id) == (
        HazardState.GRADED,
        HazardSource.PERIODIC_INVESTIGATION,
        "C1",
    )
    assert sdk.ledger.get_equipment("C1").stop_use_order == crane_hazard
    assert [r.region_code for r in hz.list_regulator_reports(sdk, hazard_id=crane_hazard)] == [LUOYANG]


def test_running_the_sweep_twice_creates_nothing_new(sdk: Dualprev) -> None:
    build(sdk)
    ins.sweep_overdue_inspections(sdk, today=TODAY, at=AT)
    events = _outbox(sdk)
    notices = ins.list_regulator_notices(sdk)
    hazards = hz.hazard_statistics(sdk, today=TODAY).total
    again = ins.sweep_overdue_inspections(sdk, today=TODAY, at=AT)
    assert (again.detected, again.opened) == ((), ())
    assert _outbox(sdk) == events
    assert ins.list_regulator_notices(sdk) == notices
    assert hz.hazard_statistics(sdk, today=TODAY).total == hazards == 5


def test_a_sweep_interrupted_before_its_hazards_are_opened_is_finished_by_the_next_run(sdk: Dualprev) -> None:
    build(sdk)
    with sdk.uow() as uow:  # phase 1 alone, as if the process died right after its commit
        detected = uow.inspections.detect_overdue(TODAY, sweep_id="crashed", reported_at=AT)
        uow.commit()
    result = ins.sweep_overdue_inspections(sdk, today=TODAY, at=AT)
    assert result.detected == ()
    assert sorted(o.cause for o in result.opened) == sorted(c.id for c in detected)
    assert hz.hazard_statistics(sdk, today=TODAY).total == 5


def test_a_new_due_date_passing_later_is_a_new_case(sdk: Dualprev) -> None:
    build(sdk)
    ins.sweep_overdue_inspections(sdk, today=TODAY, at=AT)
    lift = sdk.ledger.get_equipment("L2")
    with sdk.uow() as uow:
        uow.equipment.update(attrs.evolve(lift, next_inspection_due=TODAY.replace(day=19)))
        uow.commit()
    again = ins.sweep_overdue_inspections(sdk, today=TODAY, at=AT)
    assert [(c.equipment_id, c.due_on) for c in again.detected] == [("L2", TODAY.replace(day=19))]


def test_a_regional_sweep_touches_only_its_region(sdk: Dualprev) -> None:
    build(sdk)
    result = ins.sweep_overdue_inspections(sdk, today=TODAY, at=AT, region_prefix="4101")
    assert sorted(c.equipment_id for c in result.detected) == ["L2", "L4"]
    assert [n.region_code for n in ins.list_regulator_notices(sdk, region_prefix="4103")] == []


def test_each_new_case_is_announced_on_the_outbox(sdk: Dualprev) -> None:
    build(sdk)
    ins.sweep_overdue_inspections(sdk, today=TODAY, at=AT)
    assert _outbox(sdk).count("inspection.overdue_reported") == 5


def test_two_sweeps_at_once_create_each_case_and_hazard_once(sdk: Dualprev) -> None:
    build(sdk)
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda _: ins.sweep_overdue_inspections(sdk, today=TODAY, at=AT), range(2)))
    assert sum(len(r.detected) for r in results) == 5
    assert all(r.failed == () for r in results)
    assert len(ins.list_regulator_notices(sdk)) == 5
    assert hz.hazard_statistics(sdk, today=TODAY).total == 5
    with sdk.uow() as uow:
        assert all(c.hazard_opened for c in uow.inspections.cases())


def test_the_counts_cover_every_overdue_item_even_when_the_rows_are_limited(sdk: Dualprev) -> None:
    build(sdk)
    listing = ins.list_overdue(sdk, today=TODAY, limit=2)
    assert (len(listing.items), listing.total, listing.by_kind) == (2, 5, {"3000": 2, "4000": 2, "5000": 1})
