"""Keyset pages of an item's equipment events, and the agency's listing of what it inspects (equipment and the
hazards on it), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from risk_world import BOILER, CRANE, LIFT, UNIT, world

from dualprev_sdk.domain.equipment_events import EquipmentEventKind, Restart, Suspension
from dualprev_sdk.domain.hazard import HazardSource
from dualprev_sdk.domain.inspection import InspectionConclusion, InspectionKind, InspectionRecord
from dualprev_sdk.services import equipment_events as ev
from dualprev_sdk.services import hazards
from dualprev_sdk.services.bootstrap import Dualprev

TODAY = dt.date.today()
ACTOR = "安全员张三"


def _suspend_and_restart(sdk: Dualprev, equipment_id: str, times: int) -> None:
    """``2 * times`` events on one item, all dated today: only the recording order tells them apart."""
    for _ in range(times):
        ev.record_suspension(sdk, equipment_id, Suspension(since=TODAY, reason="检修"), actor=ACTOR)
        ev.record_restart(sdk, equipment_id, Restart(on=TODAY, self_check_done=True), actor=ACTOR)


def test_pages_of_an_items_events_follow_its_history_without_gaps_or_repeats(sdk: Dualprev) -> None:
    world(sdk)
    ev.record_suspension(sdk, BOILER, Suspension(since=TODAY - dt.timedelta(days=3)), actor=ACTOR)
    ev.record_restart(sdk, BOILER, Restart(on=TODAY - dt.timedelta(days=1), self_check_done=True), actor=ACTOR)
    _suspend_and_restart(sdk, BOILER, 3)
    _suspend_and_restart(sdk, LIFT, 1)  # another item's events never appear
    history = ev.equipment_events(sdk, BOILER)
    assert len(history) == 8

    walked, after = [], None
    while True:
        page = ev.equipment_events_page(sdk, BOILER, after=after, limit=3)
        walked += page
        if len(page) < 3:
            break
        after = ev.event_key(page[-1])
    assert [e.id for e in walked] == [e.id for e in history]
    assert [e.kind for e in walked[:2]] == [EquipmentEventKind.SUSPENSION, EquipmentEventKind.RESTART]

    restarts = ev.equipment_events_page(sdk, BOILER, kinds=[EquipmentEventKind.RESTART], limit=100)
    assert [e.id for e in restarts] == [e.id for e in history if e.kind is EquipmentEventKind.RESTART]


def _inspect(sdk: Dualprev, record_id: str, equipment_id: str, agency: str) -> None:
    with sdk.uow() as uow:
        uow.inspections.add(
            InspectionRecord(
                id=record_id,
                equipment_id=equipment_id,
                kind=InspectionKind.PERIODIC,
                inspected_on=TODAY - dt.timedelta(days=30),
                conclusion=InspectionConclusion.PASSED,
                agency=agency,
            )
        )
        uow.commit()


def test_an_agency_lists_exactly_the_equipment_it_inspected_and_the_hazards_on_it(sdk: Dualprev) -> None:
    world(sdk)
    _inspect(sdk, "i-1", LIFT, "AG1")
    _inspect(sdk, "i-2", LIFT, "AG1")  # two records of one item: listed once
    _inspect(sdk, "i-3", BOILER, "AG1")
    _inspect(sdk, "i-4", CRANE, "AG2")

    seen: list[str] = []
    token = ""
    while True:
        page = sdk.ledger.list_equipment(inspected_by="AG1", page_size=1, page_token=token)
        seen += [e.id for e in page.items]
        token = page.next_page_token
        if not token:
            break
    assert seen == sorted([LIFT, BOILER])
    assert [e.id for e in sdk.ledger.list_equipment(inspected_by="AG3").items] == []

    for number, equipment_id in enumerate([LIFT, CRANE, BOILER, LIFT]):
        hazards.report_hazard(
            sdk,
            unit_uscc=UNIT,
            equipment_id=equipment_id,
            source=HazardSource.DAILY_CHECK,
            source_reference=f"日检-{number}",
            description="防护罩松动",
            found_on=TODAY,
            finder="李四",
            actor=ACTOR,
            hazard_id=f"hz-{number}",
        )
    with sdk.uow() as uow:
        first = uow.hazards.ids(inspected_by="AG1", limit=2)
        rest = uow.hazards.ids(inspected_by="AG1", after=first[-1], limit=10)
        assert first + rest == ["hz-0", "hz-2", "hz-3"]
        assert uow.hazards.ids(inspected_by="AG2", limit=10) == ["hz-1"]
