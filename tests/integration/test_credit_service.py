"""Credit on a real database (SQLite and PostgreSQL): records derived from what the SDK knows — once per fact —
and recorded by hand; classification with the regulator's override; the blacklist with entry, expiry, credit
repair, history, publication per region and export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from regulator_world import MAJOR_DEADLINE, TODAY, World, build_province, hazard

from dualprev_sdk import Equipment
from dualprev_sdk.domain.credit import (
    BlacklistStatus,
    CreditClass,
    CreditRecordKind,
    RepairApplication,
)
from dualprev_sdk.domain.hazard import HazardLevel
from dualprev_sdk.errors import FailedPrecondition, InvalidArgument
from dualprev_sdk.services import credit as cc
from dualprev_sdk.services.bootstrap import Dualprev


@pytest.fixture
def world(sdk: Dualprev, make_uscc: Callable[[int], str]) -> World:
    return build_province(sdk, make_uscc)


def _events(sdk: Dualprev, event_type: str) -> list[dict[str, object]]:
    return [e.payload for e in sdk.read_events(limit=10_000) if e.type == event_type]


def test_the_sweep_records_overdue_major_hazards_and_equipment_used_while_overdue_once(
    sdk: Dualprev, world: World
) -> None:
    first = cc.derive_credit_records(sdk, today=TODAY)
    kinds = sorted(r.kind.value for r in first.added)
    assert kinds.count(CreditRecordKind.MAJOR_HAZARD_OVERDUE.value) == 3  # the three in 洛阳, deadline 05-01
    assert kinds.count(CreditRecordKind.USED_WHILE_OVERDUE.value) == 9  # the crowded-place lift of each county
    assert len(kinds) == 12
    overdue = next(r for r in first.added if r.id == "CR-MHO-HM-410302")
    assert overdue.unit_uscc == world.unit("410302")
    assert overdue.occurred_on == MAJOR_DEADLINE + dt.timedelta(days=1)
    assert overdue.evidence == "hazards/HM-410302"

    again = cc.derive_credit_records(sdk, today=TODAY)
    assert again.added == ()
    assert again.already_recorded == 12
    assert len(_events(sdk, "credit.record_added")) == 12 + 1  # plus the accident recorded by hand


def test_a_second_major_hazard_on_the_same_equipment_within_the_window_is_a_repeat(sdk: Dualprev, world: World) -> None:
    unit = world.unit("410102")
    hazard(
        sdk,
        "HM-A",
        unit=unit,
        equipment_id=f"C-{unit}",
        level=HazardLevel.MAJOR,
        deadline=dt.date(2026, 12, 1),
        found_on=dt.date(2026, 1, 5),
    )
    hazard(
        sdk,
        "HM-B",
        unit=unit,
        equipment_id=f"C-{unit}",
        level=HazardLevel.MAJOR,
        deadline=dt.date(2026, 12, 1),
        found_on=dt.date(2026, 5, 5),
    )
    added = cc.derive_credit_records(sdk, today=TODAY, region_prefix="410102").added
    repeats = [r for r in added if r.kind is CreditRecordKind.MAJOR_HAZARD_REPEATED]
    assert [(r.id, r.occurred_on) for r in repeats] == [("CR-MHR-HM-B", dt.date(2026, 5, 5))]


def test_equipment_in_use_without_registration_30_days_after_commissioning_is_recorded(
    sdk: Dualprev, world: World
) -> None:
    unit = world.unit("410105", 3)
    sdk.ledger.create_equipment(
        Equipment(id="NEW-1", unit_uscc=unit, catalog_code="3110", commissioned_on=dt.date(2026, 4, 1))
    )
    sdk.ledger.create_equipment(
        Equipment(id="NEW-2", unit_uscc=unit, catalog_code="3110", commissioned_on=dt.date(2026, 5, 20))
    )
    added = cc.derive_credit_records(sdk, today=TODAY, region_prefix="410105").added
    unregistered = [r for r in added if r.kind is CreditRecordKind.UNREGISTERED_EQUIPMENT]
    assert [r.evidence for r in unregistered] == ["equipment/NEW-1"]  # NEW-2 is still within its 30 days


def test_a_manual_record_needs_a_source_and_an_accident_a_severity_and_a_record_id_makes_it_idempotent(
    sdk: Dualprev, world: World
) -> None:
    unit = world.unit("410102")
    with pytest.raises(InvalidArgument) as caught:
        cc.record_credit_event(
            sdk, unit_uscc=unit, kind=CreditRecordKind.ACCIDENT, occurred_on=TODAY, source="", actor="郑州市局"
        )
    assert {v.field for v in caught.value.violations} == {"source", "severity"}
    args = {
        "unit_uscc": unit,
        "kind": CreditRecordKind.ADMINISTRATIVE_PENALTY,
        "occurred_on": TODAY,
        "source": "郑州市市场监督管理局",
        "actor": "郑州市局",
        "evidence": "郑市监罚〔2026〕12号",
        "record_id": "CR-PEN-1",
    }
    first = cc.record_credit_event(sdk, **args)  # type: ignore[arg-type]
    assert cc.record_credit_event(sdk, **args) == first  # type: ignore[arg-type]
    assert len([e for e in _events(sdk, "credit.record_added") if e["record_id"] == "CR-PEN-1"]) == 1


def test_classification_is_computed_from_records_and_a_regulator_issued_class_overrides_and_says_so(
    sdk: Dualprev, world: World
) -> None:
    accident = cc.classify_unit(sdk, world.unit("410303"), day=TODAY)
    assert accident.credit_class is CreditClass.D
    assert accident.forced_by is not None
    assert not accident.issued_by_regulator

    issued = cc.classify_unit(sdk, world.unit("410203", 2), day=TODAY)
    assert issued.credit_class is CreditClass.C
    assert issued.computed_class is CreditClass.A
    assert issued.issued_by_regulator
    assert "开封市市场监督管理局 2026-01-10 认定为C类" in "\n".join(issued.explain())

    before = cc.classify_unit(sdk, world.unit("410203", 2), day=dt.date(2026, 1, 9))
    assert before.credit_class is CreditClass.A  # not issued yet on that day


def test_the_blacklist_lists_each_trigger_once_publishes_per_region_and_exports_with_chinese_headers(
    sdk: Dualprev, world: World, tmp_path: Path
) -> None:
    cc.derive_credit_records(sdk, today=TODAY)
    swept = cc.sweep_blacklist(sdk, today=TODAY, authority="洛阳市市场监督管理局")
    assert sorted(e.unit_uscc for e in swept.listed) == sorted(world.unit(c) for c in ("410302", "410303", "410304"))
    accident_unit = next(e for e in swept.listed if e.unit_uscc == world.unit("410303"))
    assert accident_unit.trigger_record_ids == ("CR-ACC-LY-1", "CR-MHO-HM-410303")
    assert "较大发生特种设备事故" in accident_unit.reason
    assert "410303第1单位" in accident_unit.publication_text
    assert "黑名单" in accident_unit.publication_text
    assert "2029年6月1日" in accident_unit.publication_text  # three years

    assert cc.sweep_blacklist(sdk, today=TODAY).listed == ()
    assert len(_events(sdk, "credit.blacklist_listed")) == 3

    assert len(cc.blacklist_publication(sdk, region_prefix="4103", day=TODAY)) == 3
    assert cc.blacklist_publication(sdk, region_prefix="4101", day=TODAY) == []

    path = cc.export_blacklist_publication(sdk, tmp_path / "黑名单.xlsx", region_prefix="41", day=TODAY)
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1] == cc.PUBLICATION_HEADERS
    assert len(rows) == 2 + 3
    csv_path = cc.export_blacklist_publication(sdk, tmp_path / "黑名单.csv", region_prefix="4103", day=TODAY)
    assert csv_path.read_text(encoding="utf-8-sig").startswith("序号,单位名称,统一社会信用代码")


def test_entries_expire_after_three_years_and_keep_their_history(sdk: Dualprev, world: World) -> None:
    cc.derive_credit_records(sdk, today=TODAY)
    listed = cc.sweep_blacklist(sdk, today=TODAY).listed
    later = dt.date(2029, 6, 2)
    swept = cc.sweep_blacklist(sdk, today=later)
    assert sorted(e.id for e in swept.expired) == sorted(e.id for e in listed)
    assert swept.listed == ()  # the triggers listed their units once
    entry = cc.list_blacklist(sdk, unit_uscc=world.unit("410302"))[0]
    assert entry.status is BlacklistStatus.REMOVED_EXPIRED
    assert [h.action for h in cc.blacklist_history(sdk, entry.id)] == ["listed", "removed_expired"]
    assert cc.blacklist_publication(sdk, region_prefix="41", day=later) == []


def test_credit_repair_after_one_year_with_all_conditions_removes_the_entry_with_a_decision(
    sdk: Dualprev, world: World
) -> None:
    cc.derive_credit_records(sdk, today=TODAY)
    entry = next(e for e in cc.sweep_blacklist(sdk, today=TODAY).listed if e.unit_uscc == world.unit("410302"))
    early = RepairApplication(
        applied_on=dt.date(2027, 1, 1), penalty_fulfilled=True, harm_removed=True, no_new_heavy_penalty=True
    )
    with pytest.raises(FailedPrecondition, match="from 2027-06-01"):
        cc.apply_for_credit_repair(sdk, entry.id, early, actor="单位")
    with pytest.raises(InvalidArgument) as caught:
        cc.apply_for_credit_repair(
            sdk,
            entry.id,
            RepairApplication(
                applied_on=dt.date(2027, 6, 2), penalty_fulfilled=True, harm_removed=False, no_new_heavy_penalty=True
            ),
            actor="单位",
        )
    assert [v.field for v in caught.value.violations] == ["application.harm_removed"]
    good = RepairApplication(
        applied_on=dt.date(2027, 6, 2),
        penalty_fulfilled=True,
        harm_removed=True,
        no_new_heavy_penalty=True,
        statement="重大隐患已整改销号，罚款已缴纳",
    )
    cc.apply_for_credit_repair(sdk, entry.id, good, actor="单位")
    decided = cc.decide_credit_repair(
        sdk, entry.id, approved=True, day=dt.date(2027, 6, 20), decided_by="洛阳市市场监督管理局", note="同意修复"
    )
    assert decided.status is BlacklistStatus.REMOVED_REPAIRED
    stored = cc.list_blacklist(sdk, unit_uscc=world.unit("410302"))[0]
    assert stored.repairs[0].approved is True
    assert stored.repairs[0].statement == good.statement
    assert [h.action for h in cc.blacklist_history(sdk, entry.id)] == ["listed", "repair_applied", "repair_approved"]
    published = cc.blacklist_publication(sdk, region_prefix="4103", day=dt.date(2027, 6, 21))
    assert world.unit("410302") not in {e.unit_uscc for e in published}
    with pytest.raises(FailedPrecondition, match="no pending repair"):
        cc.decide_credit_repair(sdk, entry.id, approved=False, day=dt.date(2027, 7, 1), decided_by="洛阳市局")


def test_a_calendar_year_without_findings_is_a_good_record_for_units_known_before_it(
    sdk: Dualprev, world: World
) -> None:
    from dualprev_sdk.store.units import UNITS

    with sdk.engine.begin() as conn:
        conn.execute(UNITS.update().values(created_at=dt.datetime(2024, 6, 1, tzinfo=dt.UTC)))
    unit = world.unit("410105", 2)
    hazard(
        sdk,
        "H-2025",
        unit=unit,
        equipment_id=f"L-{unit}",
        level=HazardLevel.GENERAL,
        deadline=dt.date(2025, 6, 1),
        found_on=dt.date(2025, 5, 1),
    )
    added = cc.derive_credit_records(sdk, today=TODAY).added
    good = {r.unit_uscc for r in added if r.kind is CreditRecordKind.YEARS_WITHOUT_FINDINGS}
    assert len(good) == 17
    assert unit not in good
    record = next(r for r in added if r.kind is CreditRecordKind.YEARS_WITHOUT_FINDINGS)
    assert record.occurred_on == dt.date(2025, 12, 31)


def test_uncertified_operators_from_the_personnel_check_are_recorded_once_a_year(sdk: Dualprev, world: World) -> None:
    first = cc.derive_credit_records(sdk, today=TODAY, region_prefix="410102", personnel=True).added
    uncertified = [r for r in first if r.kind is CreditRecordKind.UNCERTIFIED_OPERATOR]
    assert uncertified, "the crane of 410102's unit has no certified operator"
    assert all(r.id.endswith("-2026") for r in uncertified)
    again = cc.derive_credit_records(sdk, today=TODAY, region_prefix="410102", personnel=True).added
    assert again == ()


def test_two_blacklist_sweeps_at_once_list_each_unit_once(sdk: Dualprev, world: World, db_url: str) -> None:
    """PostgreSQL: the loser of the race waits for the winner's primary keys and gets AlreadyExists; a retry finds
    nothing left to list. (SQLite serialises writers, so there is no race to test.)"""
    import threading

    from dualprev_sdk.errors import AlreadyExists

    if db_url.startswith("sqlite"):
        pytest.skip("SQLite has one writer at a time")
    cc.derive_credit_records(sdk, today=TODAY)
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def sweep() -> None:
        barrier.wait()
        try:
            outcomes.append(len(cc.sweep_blacklist(sdk, today=TODAY).listed))
        except AlreadyExists as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(outcomes) == 2, "a sweep died with an unexpected error"
    assert 3 in outcomes
    assert all(o in (0, 3) or isinstance(o, AlreadyExists) for o in outcomes), outcomes
    assert cc.sweep_blacklist(sdk, today=TODAY).listed == ()
    assert len(cc.list_blacklist(sdk)) == 3


def _walk(fetch: Callable[..., list[Any]], key: Callable[[Any], Any], size: int) -> list[Any]:
    """Every page of ``fetch(after=…, limit=size)`` one after the other, each resuming after the last key."""
    walked: list[Any] = []
    after = None
    while True:
        page = fetch(after=after, limit=size)
        assert len(page) <= size
        walked += page
        if len(page) < size:
            return walked
        after = key(page[-1])


@pytest.mark.parametrize("size", [1, 2, 5])
def test_records_entries_and_the_publication_page_in_the_query_in_the_order_of_the_whole_list(
    sdk: Dualprev, world: World, size: int
) -> None:
    unit = world.unit("410102")
    for n, days in enumerate([3, 1, 3, 2, 3, 0]):  # equal dates are ordered by record id
        cc.record_credit_event(
            sdk,
            unit_uscc=unit,
            kind=CreditRecordKind.ADMINISTRATIVE_PENALTY,
            occurred_on=TODAY - dt.timedelta(days=days),
            source="郑州市市场监督管理局",
            actor="郑州市局",
            record_id=f"CR-PAGE-{9 - n}",
        )
    records = cc.list_credit_records(sdk, unit)
    assert [(r.occurred_on, r.id) for r in records] == sorted((r.occurred_on, r.id) for r in records)
    assert len(records) == 6
    assert _walk(lambda **k: cc.list_credit_records(sdk, unit, **k), lambda r: (r.occurred_on, r.id), size) == records

    cc.derive_credit_records(sdk, today=TODAY)
    cc.sweep_blacklist(sdk, today=TODAY, authority="洛阳市市场监督管理局")
    entry_key = lambda e: (e.listed_on, e.unit_uscc, e.id)  # noqa: E731
    for scope in ({}, {"region_prefix": "4103"}, {"unit_uscc": world.unit("410302")}):
        everything = cc.list_blacklist(sdk, **scope)
        assert everything, scope
        assert _walk(lambda **k: cc.list_blacklist(sdk, **scope, **k), entry_key, size) == everything  # noqa: B023
    published = cc.blacklist_publication(sdk, region_prefix="41", day=TODAY)
    assert len(published) == 3
    paged = _walk(lambda **k: cc.blacklist_publication(sdk, region_prefix="41", day=TODAY, **k), entry_key, size)
    assert paged == published
    assert cc.blacklist_publication(sdk, region_prefix="41", day=TODAY - dt.timedelta(days=1), limit=10) == []


def test_blacklist_events_reach_the_listed_units_feed_and_its_regulators(sdk: Dualprev, world: World) -> None:
    cc.derive_credit_records(sdk, today=TODAY)
    swept = cc.sweep_blacklist(sdk, today=TODAY, authority="洛阳市市场监督管理局")
    entry = next(e for e in swept.listed if e.unit_uscc == world.unit("410303"))
    own, _ = sdk.read_scoped_events(unit_usccs=[entry.unit_uscc], limit=10_000)
    assert [e.resource for e in own if e.type == "credit.blacklist_listed"] == [f"blacklistEntries/{entry.id}"]
    luoyang, _ = sdk.read_scoped_events(region_prefix="4103", limit=10_000)
    zhengzhou, _ = sdk.read_scoped_events(region_prefix="4101", limit=10_000)
    assert len([e for e in luoyang if e.type == "credit.blacklist_listed"]) == 3
    assert [e for e in zhengzhou if e.type == "credit.blacklist_listed"] == []
