"""Equipment events on a real database: each trigger marks the item's risk points for review in the same
transaction, an accident writes the unit's credit record and keeps the item 重大 until rectified, repairs and
alterations keep it out of use until inspected and re-registered, status changes move the ledger status."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import attrs
import pytest
from risk_world import BOILER, CRANE, LIFT, UNIT, world

from dualprev_sdk.domain.common import Location, RiskLevel
from dualprev_sdk.domain.credit import CreditRecordKind, Severity
from dualprev_sdk.domain.equipment import EquipmentStatus
from dualprev_sdk.domain.equipment_events import (
    Accident,
    Alteration,
    MajorRepair,
    Restart,
    Scrapping,
    Suspension,
    Transfer,
)
from dualprev_sdk.domain.inspection import InspectionConclusion, InspectionKind, InspectionRecord
from dualprev_sdk.domain.risk import RiskPoint, RiskPointChange
from dualprev_sdk.errors import AlreadyExists, ConcurrencyConflict, FailedPrecondition, InvalidArgument
from dualprev_sdk.services import equipment_events as ev
from dualprev_sdk.services import equipment_risk as er
from dualprev_sdk.services import inspections as ins
from dualprev_sdk.services import risk
from dualprev_sdk.services.bootstrap import Dualprev

CST = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.date.today()
ACTOR = "安全员张三"


def _world_with_points(sdk: Dualprev) -> None:
    world(sdk)
    risk.identify_unit_risks(sdk, UNIT, actor=ACTOR)


def _points(sdk: Dualprev, equipment_id: str) -> list[RiskPoint]:
    with sdk.uow() as uow:
        return uow.risk_points.list_all(unit_uscc=UNIT, equipment_ids=[equipment_id])


def _accident(**changes: Any) -> Accident:
    base = Accident(
        occurred_at=dt.datetime.combine(TODAY - dt.timedelta(days=2), dt.time(10, 30), tzinfo=CST),
        severity=Severity.GENERAL,
        description="吊钩脱落砸伤一人",
        serious_injuries=1,
    )
    return attrs.evolve(base, **changes)


def _repair(**changes: Any) -> MajorRepair:
    return attrs.evolve(
        MajorRepair(performed_on=TODAY - dt.timedelta(days=5), contractor="河南某起重机维修公司"), **changes
    )


def test_an_accident_marks_the_items_points_writes_the_credit_record_and_one_transaction_of_events(
    sdk: Dualprev,
) -> None:
    _world_with_points(sdk)
    before = sdk.read_events(0, 10_000)
    result = ev.record_accident(sdk, CRANE, _accident(), actor=ACTOR, request_id="acc-1")

    points = _points(sdk, CRANE)
    assert points
    assert all(p.needs_review and p.review_reason.startswith("发生事故") for p in points)
    assert set(result.marked_points) == {p.id for p in points}
    assert all(not p.needs_review for p in _points(sdk, LIFT))  # only the item it happened to
    history = risk.risk_point_history(sdk, points[0].id)
    assert history[-1].change is RiskPointChange.REVIEW_REQUESTED

    with sdk.uow() as uow:
        records = list(uow.credit.for_unit(UNIT))
    assert [(r.kind, r.severity) for r in records] == [(CreditRecordKind.ACCIDENT, "general")]
    assert result.credit_record is not None
    assert records[0].id == result.credit_record.id

    new = [e.type for e in sdk.read_events(0, 10_000)[len(before) :]]
    assert new == ["risk_points.review_requested", "credit.record_added", "equipment.accident"]


def test_retrying_an_accident_with_the_same_request_id_records_it_once(sdk: Dualprev) -> None:
    _world_with_points(sdk)
    first = ev.record_accident(sdk, CRANE, _accident(), actor=ACTOR, request_id="acc-1")
    again = ev.record_accident(sdk, CRANE, _accident(), actor=ACTOR, request_id="acc-1")
    assert again.replayed
    assert again.event.id == first.event.id
    assert again.credit_record == first.credit_record
    assert len(ev.equipment_events(sdk, CRANE)) == 1
    with sdk.uow() as uow:
        assert len(uow.credit.for_unit(UNIT)) == 1
    with pytest.raises(AlreadyExists):
        ev.record_accident(sdk, CRANE, _accident(description="另一起"), actor=ACTOR, request_id="acc-1")


def test_an_unrectified_accident_makes_the_equipment_major_by_direct_determination_until_rectified(
    sdk: Dualprev,
) -> None:
    world(sdk)
    assert er.grade_equipment_risk(sdk, LIFT).level is not RiskLevel.MAJOR
    recorded = ev.record_accident(sdk, LIFT, _accident(description="轿厢意外移动致乘客重伤"), actor=ACTOR)
    grade = er.grade_equipment_risk(sdk, LIFT)
    assert grade.level is RiskLevel.MAJOR
    assert any("事故" in f.detail for f in grade.findings)

    ev.rectify_accident(
        sdk, recorded.event.id, rectified_on=TODAY, actor=ACTOR, expected_version=recorded.event.version
    )
    assert er.grade_equipment_risk(sdk, LIFT).level is not RiskLevel.MAJOR
    with sdk.uow() as uow:  # the credit record is a fact and stays
        assert len(uow.credit.for_unit(UNIT)) == 1


def test_a_single_minor_accident_does_not_force_major(sdk: Dualprev) -> None:
    world(sdk)
    ev.record_accident(sdk, LIFT, _accident(serious_injuries=0, minor_injuries=1, description="夹伤手指"), actor=ACTOR)
    assert er.grade_equipment_risk(sdk, LIFT).level is not RiskLevel.MAJOR


def test_three_unrectified_minor_accidents_on_one_item_force_major(sdk: Dualprev) -> None:
    world(sdk)
    minor = _accident(serious_injuries=0, minor_injuries=1, description="夹伤手指")
    for _ in range(2):
        ev.record_accident(sdk, LIFT, minor, actor=ACTOR)
    assert er.grade_equipment_risk(sdk, LIFT).level is not RiskLevel.MAJOR
    ev.record_accident(sdk, LIFT, minor, actor=ACTOR)
    assert er.grade_equipment_risk(sdk, LIFT).level is RiskLevel.MAJOR


def test_a_major_repair_keeps_the_equipment_out_of_use_until_inspected_and_re_registered(sdk: Dualprev) -> None:
    _world_with_points(sdk)
    recorded = ev.record_major_repair(sdk, CRANE, _repair(), actor=ACTOR)
    assert all(p.needs_review for p in _points(sdk, CRANE))
    usability = ev.equipment_usability(sdk, CRANE)
    assert not usability.usable
    assert any("监督检验" in r for r in usability.reasons)
    assert any("变更登记" in r for r in usability.reasons)

    ins.record_inspection(
        sdk,
        InspectionRecord(
            id="SUP-1",
            equipment_id=CRANE,
            kind=InspectionKind.SUPERVISORY,
            inspected_on=TODAY - dt.timedelta(days=1),
            conclusion=InspectionConclusion.PASSED,
            agency="河南省特种设备安全检测研究院",
        ),
    )
    usability = ev.equipment_usability(sdk, CRANE)
    assert [r for r in usability.reasons if "监督检验" in r] == []
    assert not usability.usable  # the change registration is still missing

    ev.record_change_registration(
        sdk, recorded.event.id, registered_on=TODAY, actor=ACTOR, expected_version=recorded.event.version
    )
    assert ev.equipment_usability(sdk, CRANE).usable


def test_an_alteration_without_change_registration_needed_is_usable_once_inspected(sdk: Dualprev) -> None:
    world(sdk)
    ev.record_alteration(
        sdk,
        BOILER,
        Alteration(
            performed_on=TODAY - dt.timedelta(days=3),
            contractor="某锅炉改造单位",
            change_registration_needed=False,
            supervisory_inspection_passed=True,
            supervisory_inspection_on=TODAY,
        ),
        actor=ACTOR,
    )
    assert ev.equipment_usability(sdk, BOILER).usable


def test_a_relocation_moves_the_ledger_location_and_marks_the_points(sdk: Dualprev) -> None:
    _world_with_points(sdk)
    to = Location(building="二号车间", floor="1F", area="总装区")
    result = ev.record_relocation(sdk, CRANE, to_location=to, actor=ACTOR, request_id="move-1")
    assert sdk.ledger.get_equipment(CRANE).location == to
    published = [e for e in sdk.read_events(0, 10_000) if e.type == "equipment.relocation"]
    assert published[-1].payload["location"]["building"] == "二号车间"
    assert all(p.needs_review and "使用场所变更" in p.review_reason for p in _points(sdk, CRANE))
    again = ev.record_relocation(sdk, CRANE, to_location=to, actor=ACTOR, request_id="move-1")
    with pytest.raises(InvalidArgument) as caught:  # a new request to where it already stands
        ev.record_relocation(sdk, CRANE, to_location=to, actor=ACTOR, request_id="move-2")
    assert [v.field for v in caught.value.violations] == ["details.to_location"]
    assert again.replayed
    assert again.event.id == result.event.id


def test_a_location_changed_through_the_ledger_is_recorded_as_a_relocation(sdk: Dualprev) -> None:
    _world_with_points(sdk)
    crane = sdk.ledger.get_equipment(CRANE)
    sdk.ledger.update_equipment(attrs.evolve(crane, location=Location(building="三号车间")))
    events = ev.equipment_events(sdk, CRANE)
    assert [e.kind.value for e in events] == ["relocation"]
    assert events[0].actor == ev.LEDGER_ACTOR
    assert all(p.needs_review for p in _points(sdk, CRANE))
    crane = sdk.ledger.get_equipment(CRANE)
    sdk.ledger.update_equipment(attrs.evolve(crane, name="10t桥式起重机（改名）"))  # not a move
    assert len(ev.equipment_events(sdk, CRANE)) == 1


def test_suspension_restart_scrapping_and_transfer_move_the_status_with_dates(sdk: Dualprev) -> None:
    world(sdk)
    since = TODAY - dt.timedelta(days=10)
    result = ev.record_suspension(sdk, BOILER, Suspension(since=since, reason="停产检修"), actor=ACTOR)
    assert (result.equipment.status, result.equipment.status_since) == (EquipmentStatus.SUSPENDED, since)
    published = [e for e in sdk.read_events(0, 10_000) if e.type == "equipment.suspension"]
    assert (published[-1].payload["status"], published[-1].payload["status_since"]) == ("suspended", since.isoformat())
    assert result.marked_points == ()
    with pytest.raises(FailedPrecondition):
        ev.record_suspension(sdk, BOILER, Suspension(since=TODAY), actor=ACTOR)
    ev.record_restart(sdk, BOILER, Restart(on=TODAY, self_check_done=True), actor=ACTOR)
    assert sdk.ledger.get_equipment(BOILER).status is EquipmentStatus.IN_USE

    ev.record_scrapping(
        sdk, BOILER, Scrapping(on=TODAY, reason="超过设计使用年限", function_destroyed=True), actor=ACTOR
    )
    stored = sdk.ledger.get_equipment(BOILER)
    assert (stored.status, stored.status_since) == (EquipmentStatus.SCRAPPED, TODAY)
    with pytest.raises(FailedPrecondition):
        ev.record_accident(sdk, BOILER, _accident(), actor=ACTOR)

    ev.record_transfer(sdk, LIFT, Transfer(on=TODAY, to_unit_name="郑州某物业公司"), actor=ACTOR)
    assert sdk.ledger.get_equipment(LIFT).status is EquipmentStatus.TRANSFERRED


def test_bad_input_names_every_field_and_writes_nothing(sdk: Dualprev) -> None:
    world(sdk)
    before = len(sdk.read_events(0, 10_000))
    with pytest.raises(InvalidArgument) as caught:
        ev.record_accident(
            sdk,
            CRANE,
            _accident(
                occurred_at=dt.datetime.combine(TODAY + dt.timedelta(days=3), dt.time(9), tzinfo=CST),
                severity=Severity.NONE,
                description=" ",
                deaths=-1,
            ),
            actor="",
        )
    fields = {v.field for v in caught.value.violations}
    assert fields == {"actor", "details.occurred_at", "details.severity", "details.description", "details.deaths"}
    with pytest.raises(InvalidArgument) as caught:
        ev.record_restart(sdk, CRANE, Restart(on=TODAY, self_check_done=False), actor=ACTOR)
    assert [v.field for v in caught.value.violations] == ["details.self_check_done"]
    assert len(sdk.read_events(0, 10_000)) == before
    assert ev.equipment_events(sdk, CRANE) == []


def test_a_stale_rectification_is_a_conflict_and_changes_nothing(sdk: Dualprev) -> None:
    world(sdk)
    first = ev.record_accident(sdk, CRANE, _accident(), actor=ACTOR)
    with pytest.raises(ConcurrencyConflict):
        ev.rectify_accident(sdk, first.event.id, rectified_on=TODAY, actor=ACTOR, expected_version=99)
    stored = ev.equipment_events(sdk, CRANE)[0]
    assert isinstance(stored.details, Accident)
    assert not stored.details.conditions_rectified
    assert er.grade_equipment_risk(sdk, CRANE).level is RiskLevel.MAJOR


def _cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    from dualprev_sdk.cli.main import main

    monkeypatch.setattr(sys, "argv", ["dualprev", *args])
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_the_cli_records_events_and_says_whether_the_equipment_may_be_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    with Dualprev.open(db) as opened:
        _world_with_points(opened)
    common = ("--actor", ACTOR, "--db", db, "--json")

    code, out, _ = _cli(
        monkeypatch, capsys, "equipment", "accident", CRANE, "--severity", "general",
        "--description", "吊物坠落", "--serious-injuries", "1", "--request-id", "r1", *common,
    )  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert data["kind"] == "accident"
    assert data["credit_record_id"] == f"CR-ACC-{data['id']}"
    assert data["marked_points"]

    code, out, _ = _cli(monkeypatch, capsys, "equipment", "repair", CRANE, "--contractor", "某维修公司", *common)
    assert code == 0
    code, out, _ = _cli(monkeypatch, capsys, "equipment", "usable", CRANE, "--db", db, "--json")
    assert code == 1
    assert not json.loads(out)["usable"]

    code, out, _ = _cli(monkeypatch, capsys, "equipment", "relocate", CRANE, "--building", "二号车间", *common)
    assert code == 0
    code, out, err = _cli(monkeypatch, capsys, "equipment", "restart", CRANE, *common)
    assert code == 1
    assert "self_check_done" in err
    code, out, _ = _cli(monkeypatch, capsys, "equipment", "events", CRANE, "--db", db, "--json")
    assert [e["kind"] for e in json.loads(out)] == ["accident", "major_repair", "relocation"]


def test_two_deliveries_of_one_request_at_once_record_one_accident(sdk: Dualprev, db_url: str) -> None:
    """PostgreSQL: the loser waits for the winner's request id, then replays its result. (SQLite serialises
    writers, so there is no race to test.)"""
    import threading

    if db_url.startswith("sqlite"):
        pytest.skip("SQLite has one writer at a time")
    _world_with_points(sdk)
    barrier = threading.Barrier(2)
    results: list[ev.RecordedEvent] = []
    errors: list[BaseException] = []

    def deliver() -> None:
        barrier.wait()
        try:
            results.append(ev.record_accident(sdk, CRANE, _accident(), actor=ACTOR, request_id="same"))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len({r.event.id for r in results}) == 1
    assert len(ev.equipment_events(sdk, CRANE)) == 1
    with sdk.uow() as uow:
        assert len(uow.credit.for_unit(UNIT)) == 1
