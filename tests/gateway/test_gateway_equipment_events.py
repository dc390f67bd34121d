"""Equipment lifecycle events over a real loopback channel: every kind end to end (the ledger changed, the event
in the unit's feed and nobody else's), retries, bad input named in proto terms, follow-ups with etags, paging;
and an inspection agency listing exactly the equipment and hazards it inspects."""

from __future__ import annotations

import datetime as dt
import uuid

import grpc
import pytest
from dualprev_gateway._generated.dualprev.v1 import (
    common_pb2,
    events_pb2,
    events_pb2_grpc,
    hazards_pb2,
    hazards_pb2_grpc,
    ledger_pb2,
    ledger_pb2_grpc,
)
from gateway_support import AGENCY, UNIT_A, UNIT_B, bearer, outsider_tokens
from google.protobuf import timestamp_pb2
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from dualprev_sdk import timeutil
from dualprev_sdk.access import PrincipalKind
from dualprev_sdk.domain.equipment import Equipment
from dualprev_sdk.domain.hazard import HazardSource
from dualprev_sdk.domain.inspection import InspectionConclusion, InspectionKind, InspectionRecord
from dualprev_sdk.services import equipment_events as ev
from dualprev_sdk.services import hazards as hazard_use_cases
from dualprev_sdk.services.bootstrap import Dualprev

E, R, A, D = PrincipalKind.ENTERPRISE, PrincipalKind.REGULATOR, PrincipalKind.AGENCY, PrincipalKind.DATACENTER
LIFT = f"units/{UNIT_A}/equipment/ea1"
TODAY = timeutil.today()  # the SDK's day (Asia/Shanghai), which an empty date means


@pytest.fixture
def ledger(channel: grpc.Channel) -> ledger_pb2_grpc.LedgerServiceStub:
    return ledger_pb2_grpc.LedgerServiceStub(channel)


def _bad_fields(error: grpc.RpcError) -> dict[str, str]:
    """field → rule of the BadRequest detail."""
    status = rpc_status.from_call(error)  # type: ignore[arg-type]
    assert status is not None
    for detail in status.details:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            return {v.field: v.reason for v in bad.field_violations}
    raise AssertionError("no BadRequest detail")


def _hours_ago(hours: int) -> timestamp_pb2.Timestamp:
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(dt.datetime.now(dt.UTC) - dt.timedelta(hours=hours))
    return stamp


def _accident(**fields: object) -> ledger_pb2.EquipmentAccident:
    base: dict[str, object] = {
        "occurred_at": _hours_ago(2),
        "severity": ledger_pb2.ACCIDENT_SEVERITY_GENERAL,
        "description": "轿厢困人",
        "minor_injuries": 1,
    }
    base.update(fields)
    return ledger_pb2.EquipmentAccident(**base)  # type: ignore[arg-type]


def _watch(channel: grpc.Channel, token: str) -> list[events_pb2.Event]:
    stub = events_pb2_grpc.EventServiceStub(channel)
    return list(stub.WatchEvents(events_pb2.WatchEventsRequest(), metadata=bearer(token), timeout=10))


def test_each_lifecycle_event_changes_the_ledger_and_reaches_the_units_feed_only(
    ledger: ledger_pb2_grpc.LedgerServiceStub,
    channel: grpc.Channel,
    sdk: Dualprev,
    tokens: dict[PrincipalKind, str],
) -> None:
    me = bearer(tokens[E])
    sdk.ledger.create_equipment(Equipment(id="ea2", unit_uscc=UNIT_A, catalog_code="3110", name="2号客梯"))
    before = {e.cursor for e in _watch(channel, tokens[D])}

    accident = ledger.RecordAccident(
        ledger_pb2.RecordAccidentRequest(name=LIFT, accident=_accident(), actor="安全员张三"), metadata=me
    )
    assert accident.event.kind == ledger_pb2.EQUIPMENT_EVENT_KIND_ACCIDENT
    assert accident.event.name.startswith(f"{LIFT}/events/EE-")
    assert accident.event.actor.startswith("安全员张三 / enterprise:")
    assert accident.credit_record.startswith(f"units/{UNIT_A}/creditRecords/CR-ACC-")
    assert accident.event.accident.severity == ledger_pb2.ACCIDENT_SEVERITY_GENERAL

    repair = ledger.RecordMajorRepair(
        ledger_pb2.RecordMajorRepairRequest(name=LIFT, work=ledger_pb2.EquipmentWork(contractor="某电梯维修公司")),
        metadata=me,
    )
    assert repair.event.major_repair.performed_on == TODAY.isoformat()  # empty = today
    usability = ledger.GetEquipmentUsability(
        ledger_pb2.GetEquipmentUsabilityRequest(name=f"{LIFT}/usability"), metadata=me
    )
    assert not usability.usable
    assert any("未经监督检验合格" in r for r in usability.reasons)
    assert any("未办理变更登记" in r for r in usability.reasons)

    alteration = ledger.RecordAlteration(
        ledger_pb2.RecordAlterationRequest(
            name=LIFT,
            work=ledger_pb2.EquipmentWork(contractor="某电梯改造公司", change_registration_needed=False),
        ),
        metadata=me,
    )
    assert not alteration.event.alteration.change_registration_needed

    moved = ledger.RelocateEquipment(
        ledger_pb2.RelocateEquipmentRequest(
            name=LIFT,
            relocation=ledger_pb2.EquipmentRelocation(to_location=common_pb2.Location(building="二号楼", floor="1")),
        ),
        metadata=me,
    )
    assert moved.equipment.location.building == "二号楼"
    assert moved.event.relocation.to_location.building == "二号楼"
    assert ledger.GetEquipment(ledger_pb2.GetEquipmentRequest(name=LIFT), metadata=me).location.building == "二号楼"

    suspended = ledger.SuspendEquipment(
        ledger_pb2.SuspendEquipmentRequest(name=LIFT, suspension=ledger_pb2.EquipmentSuspension(reason="停产检修")),
        metadata=me,
    )
    assert suspended.equipment.status == ledger_pb2.EQUIPMENT_STATUS_SUSPENDED
    assert suspended.equipment.status_since == TODAY.isoformat()
    restarted = ledger.RestartEquipment(
        ledger_pb2.RestartEquipmentRequest(name=LIFT, restart=ledger_pb2.EquipmentRestart(self_check_done=True)),
        metadata=me,
    )
    assert restarted.equipment.status == ledger_pb2.EQUIPMENT_STATUS_IN_USE
    transferred = ledger.TransferEquipment(
        ledger_pb2.TransferEquipmentRequest(
            name=f"units/{UNIT_A}/equipment/ea2", transfer=ledger_pb2.EquipmentTransfer(to_unit_uscc=UNIT_B)
        ),
        metadata=me,
    )
    assert transferred.equipment.status == ledger_pb2.EQUIPMENT_STATUS_TRANSFERRED
    scrapped = ledger.ScrapEquipment(
        ledger_pb2.ScrapEquipmentRequest(
            name=LIFT, scrapping=ledger_pb2.EquipmentScrapping(reason="超过设计使用年限", function_destroyed=True)
        ),
        metadata=me,
    )
    assert scrapped.equipment.status == ledger_pb2.EQUIPMENT_STATUS_SCRAPPED
    assert sdk.ledger.get_equipment("ea1").status.value == "scrapped"
    with pytest.raises(grpc.RpcError) as refused:  # scrapped equipment takes no further events
        ledger.SuspendEquipment(ledger_pb2.SuspendEquipmentRequest(name=LIFT), metadata=me)
    assert refused.value.code() is grpc.StatusCode.FAILED_PRECONDITION

    kinds = ["accident", "major_repair", "alteration", "relocation", "suspension", "restart", "transfer", "scrapping"]
    new_for = {}
    for kind in (E, R, A, D):
        new_for[kind] = [e for e in _watch(channel, tokens[kind]) if e.cursor not in before]
    lifecycle = [e.type for e in new_for[E] if e.type.startswith("equipment.") and e.type != "equipment.updated"]
    assert lifecycle == [f"equipment.{k}" for k in kinds]
    assert [e.cursor for e in new_for[R]] == [e.cursor for e in new_for[E]], "the unit's region sees the same"
    assert {e.subject for e in new_for[A] if e.type.startswith("equipment.")} == {"equipment/ea1"}
    outsider = outsider_tokens(sdk)
    assert not [e for e in _watch(channel, outsider["enterprise-B"]) if e.cursor not in before]
    assert not [e for e in _watch(channel, outsider["regulator-4102"]) if e.cursor not in before]


def test_follow_ups_close_with_the_events_etag_and_a_stale_one_is_aborted(
    ledger: ledger_pb2_grpc.LedgerServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    me = bearer(tokens[E])
    accident = ledger.RecordAccident(ledger_pb2.RecordAccidentRequest(name=LIFT, accident=_accident()), metadata=me)
    repair = ledger.RecordMajorRepair(
        ledger_pb2.RecordMajorRepairRequest(
            name=LIFT,
            work=ledger_pb2.EquipmentWork(
                contractor="某电梯维修公司",
                supervisory_inspection_passed=True,
                supervisory_inspection_on=TODAY.isoformat(),
            ),
        ),
        metadata=me,
    )
    rectified = ledger.RectifyAccident(
        ledger_pb2.RectifyAccidentRequest(name=accident.event.name, etag=accident.event.etag), metadata=me
    )
    assert rectified.accident.conditions_rectified
    assert rectified.accident.rectified_on == TODAY.isoformat()
    assert rectified.etag != accident.event.etag
    with pytest.raises(grpc.RpcError) as stale:
        ledger.RectifyAccident(
            ledger_pb2.RectifyAccidentRequest(name=accident.event.name, etag=accident.event.etag), metadata=me
        )
    assert stale.value.code() is grpc.StatusCode.ABORTED

    with pytest.raises(grpc.RpcError) as wrong_kind:
        ledger.RecordChangeRegistration(
            ledger_pb2.RecordChangeRegistrationRequest(name=accident.event.name), metadata=me
        )
    assert wrong_kind.value.code() is grpc.StatusCode.FAILED_PRECONDITION
    with pytest.raises(grpc.RpcError) as future:
        ledger.RecordChangeRegistration(
            ledger_pb2.RecordChangeRegistrationRequest(
                name=repair.event.name, registered_on=(TODAY + dt.timedelta(days=3)).isoformat()
            ),
            metadata=me,
        )
    assert future.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert "registered_on" in _bad_fields(future.value)
    registered = ledger.RecordChangeRegistration(
        ledger_pb2.RecordChangeRegistrationRequest(name=repair.event.name), metadata=me
    )
    assert registered.major_repair.change_registered_on == TODAY.isoformat()
    usability = ledger.GetEquipmentUsability(
        ledger_pb2.GetEquipmentUsabilityRequest(name=f"{LIFT}/usability"), metadata=me
    )
    # the work is closed; only the seeded major hazard's stop-use order still stands in the way
    assert [r for r in usability.reasons if "停止使用" not in r] == []

    misplaced = accident.event.name.replace("/equipment/ea1/", "/equipment/ea9/")
    with pytest.raises(grpc.RpcError) as not_here:  # the event exists, but not under that equipment
        ledger.RectifyAccident(ledger_pb2.RectifyAccidentRequest(name=misplaced), metadata=me)
    assert not_here.value.code() is grpc.StatusCode.NOT_FOUND


def test_a_retried_event_is_recorded_once_and_its_id_with_other_content_is_refused(
    ledger: ledger_pb2_grpc.LedgerServiceStub, sdk: Dualprev, tokens: dict[PrincipalKind, str]
) -> None:
    me = bearer(tokens[E])
    request_id = str(uuid.uuid4())
    request = ledger_pb2.SuspendEquipmentRequest(
        name=LIFT, suspension=ledger_pb2.EquipmentSuspension(reason="停产检修"), request_id=request_id
    )
    first = ledger.SuspendEquipment(request, metadata=me)
    again = ledger.SuspendEquipment(request, metadata=me)  # suspended already: only a replay can answer OK
    assert (first.replayed, again.replayed) == (False, True)
    assert again.event.name == first.event.name
    listed = ledger.ListEquipmentEvents(ledger_pb2.ListEquipmentEventsRequest(parent=LIFT), metadata=me)
    assert [e.name for e in listed.equipment_events] == [first.event.name]

    other = ledger_pb2.SuspendEquipmentRequest(
        name=LIFT, suspension=ledger_pb2.EquipmentSuspension(reason="另一个原因"), request_id=request_id.upper()
    )
    with pytest.raises(grpc.RpcError) as reused:
        ledger.SuspendEquipment(other, metadata=me)
    assert reused.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert _bad_fields(reused.value) == {"request_id": "request_id.reused"}


def test_bad_input_is_named_in_the_requests_own_terms_and_writes_nothing(
    ledger: ledger_pb2_grpc.LedgerServiceStub, sdk: Dualprev, tokens: dict[PrincipalKind, str]
) -> None:
    me = bearer(tokens[E])
    cases: list[tuple[str, object, set[str]]] = [
        (
            "RecordAccident",
            ledger_pb2.RecordAccidentRequest(
                name=LIFT,
                accident=ledger_pb2.EquipmentAccident(description="x", conditions_rectified=True),
                request_id="not-a-uuid",
                actor="张" * 65,
            ),
            {
                "accident.occurred_at",
                "accident.severity",
                "accident.conditions_rectified",
                "request_id",
                "actor",
            },
        ),
        (
            "RecordAccident",
            ledger_pb2.RecordAccidentRequest(name=LIFT, accident=_accident(description=" ", deaths=-1)),
            {"accident.description", "accident.deaths"},
        ),
        (
            "RecordMajorRepair",
            ledger_pb2.RecordMajorRepairRequest(
                name=LIFT, work=ledger_pb2.EquipmentWork(performed_on="2026-13-01", supervisory_inspection_on="x")
            ),
            {"work.performed_on", "work.supervisory_inspection_on"},
        ),
        (
            "RecordAlteration",
            ledger_pb2.RecordAlterationRequest(
                name=LIFT, work=ledger_pb2.EquipmentWork(supervisory_inspection_passed=True)
            ),
            {"work.contractor", "work.supervisory_inspection_on"},
        ),
        (
            "RelocateEquipment",
            ledger_pb2.RelocateEquipmentRequest(
                name=LIFT, relocation=ledger_pb2.EquipmentRelocation(to_location=common_pb2.Location())
            ),
            {"relocation.to_location"},  # where it already is
        ),
        (
            "SuspendEquipment",
            ledger_pb2.SuspendEquipmentRequest(
                name=LIFT,
                suspension=ledger_pb2.EquipmentSuspension(since=TODAY.isoformat(), planned_until="2000-01-01"),
            ),
            {"suspension.planned_until"},
        ),
        (
            "ScrapEquipment",
            ledger_pb2.ScrapEquipmentRequest(
                name=LIFT,
                scrapping=ledger_pb2.EquipmentScrapping(scrapped_on=(TODAY + dt.timedelta(days=1)).isoformat()),
            ),
            {"scrapping.scrapped_on", "scrapping.reason"},
        ),
        (
            "TransferEquipment",
            ledger_pb2.TransferEquipmentRequest(
                name=LIFT, transfer=ledger_pb2.EquipmentTransfer(to_unit_uscc="91410102MA9000003A")
            ),
            {"transfer.to_unit_uscc"},
        ),
        ("TransferEquipment", ledger_pb2.TransferEquipmentRequest(name=LIFT), {"transfer.to_unit_uscc"}),
        (
            "ListEquipmentEvents",
            ledger_pb2.ListEquipmentEventsRequest(parent=LIFT, filter='kind = "explosion"'),
            {"filter"},
        ),
        ("GetEquipmentUsability", ledger_pb2.GetEquipmentUsabilityRequest(name=LIFT), {"name"}),
    ]
    for method, request, fields in cases:
        with pytest.raises(grpc.RpcError) as error:
            getattr(ledger, method)(request, metadata=me)
        assert error.value.code() is grpc.StatusCode.INVALID_ARGUMENT, method
        assert set(_bad_fields(error.value)) == fields, method
    # the restart's self-check is checked on suspended equipment (on equipment in use, the status refuses first)
    ledger.SuspendEquipment(ledger_pb2.SuspendEquipmentRequest(name=LIFT), metadata=me)
    with pytest.raises(grpc.RpcError) as error:
        ledger.RestartEquipment(
            ledger_pb2.RestartEquipmentRequest(
                name=LIFT, restart=ledger_pb2.EquipmentRestart(restarted_on=(TODAY + dt.timedelta(days=1)).isoformat())
            ),
            metadata=me,
        )
    assert set(_bad_fields(error.value)) == {"restart.restarted_on", "restart.self_check_done"}
    assert [e.kind.value for e in ev.equipment_events(sdk, "ea1")] == ["suspension"], "nothing else was written"


def test_an_items_events_page_in_order_and_a_token_is_bound_to_its_filter(
    ledger: ledger_pb2_grpc.LedgerServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    me = bearer(tokens[E])
    recorded = []
    for _ in range(3):
        recorded.append(ledger.SuspendEquipment(ledger_pb2.SuspendEquipmentRequest(name=LIFT), metadata=me).event.name)
        recorded.append(
            ledger.RestartEquipment(
                ledger_pb2.RestartEquipmentRequest(
                    name=LIFT, restart=ledger_pb2.EquipmentRestart(self_check_done=True)
                ),
                metadata=me,
            ).event.name
        )
    walked, token = [], ""
    while True:
        page = ledger.ListEquipmentEvents(
            ledger_pb2.ListEquipmentEventsRequest(parent=LIFT, page_size=4, page_token=token),
            metadata=bearer(tokens[A]),
        )
        walked += [e.name for e in page.equipment_events]
        token = page.next_page_token
        if not token:
            break
    assert walked == recorded  # the agency inspects ea1: it reads its history too
    first = ledger.ListEquipmentEvents(
        ledger_pb2.ListEquipmentEventsRequest(parent="units/-/equipment/ea1", page_size=1, filter='kind = "restart"'),
        metadata=me,
    )
    assert [e.name for e in first.equipment_events] == [recorded[1]]
    with pytest.raises(grpc.RpcError) as other_filter:
        ledger.ListEquipmentEvents(
            ledger_pb2.ListEquipmentEventsRequest(parent=LIFT, page_token=first.next_page_token), metadata=me
        )
    assert _bad_fields(other_filter.value) == {"page_token": "page_token.query"}
    with pytest.raises(grpc.RpcError) as outside:
        ledger.ListEquipmentEvents(
            ledger_pb2.ListEquipmentEventsRequest(parent=f"units/{UNIT_B}/equipment/eb1"), metadata=bearer(tokens[A])
        )
    assert outside.value.code() is grpc.StatusCode.PERMISSION_DENIED


def _inspected(sdk: Dualprev, record_id: str, equipment_id: str, agency: str) -> None:
    with sdk.uow() as uow:
        uow.inspections.add(
            InspectionRecord(
                id=record_id,
                equipment_id=equipment_id,
                kind=InspectionKind.PERIODIC,
                inspected_on=TODAY - dt.timedelta(days=10),
                conclusion=InspectionConclusion.PASSED,
                agency=agency,
            )
        )
        uow.commit()


def test_an_agency_lists_exactly_the_equipment_and_hazards_it_inspects_across_pages(
    ledger: ledger_pb2_grpc.LedgerServiceStub, channel: grpc.Channel, sdk: Dualprev, tokens: dict[PrincipalKind, str]
) -> None:
    expected = {"ea1"}  # the seed's
    for number in range(12):
        unit = UNIT_A if number % 2 else UNIT_B
        equipment_id = f"x{number:02d}"
        sdk.ledger.create_equipment(Equipment(id=equipment_id, unit_uscc=unit, catalog_code="3110"))
        if number % 3 == 0:
            _inspected(sdk, f"i-{number}", equipment_id, AGENCY)
            _inspected(sdk, f"i-{number}-again", equipment_id, AGENCY)  # a second record: still listed once
            expected.add(equipment_id)
        elif number % 3 == 1:
            _inspected(sdk, f"i-{number}", equipment_id, "AG2")  # another agency's
    agency = bearer(tokens[A])

    walked: list[str] = []
    token = ""
    while True:
        page = ledger.ListEquipment(
            ledger_pb2.ListEquipmentRequest(parent="units/-", page_size=2, page_token=token), metadata=agency
        )
        walked += [e.name.rsplit("/", 1)[1] for e in page.equipment]
        token = page.next_page_token
        if not token:
            break
    assert walked == sorted(expected), "every inspected item once, in id order, nothing else"
    in_kaifeng = ledger.ListEquipment(
        ledger_pb2.ListEquipmentRequest(parent="units/-", filter='region_code = "410202"'), metadata=agency
    )
    assert {e.name.rsplit("/", 1)[1] for e in in_kaifeng.equipment} == {
        e for e in expected if e != "ea1" and int(e[1:]) % 2 == 0
    }
    with pytest.raises(grpc.RpcError) as unit_register:
        ledger.ListEquipment(ledger_pb2.ListEquipmentRequest(parent=f"units/{UNIT_A}"), metadata=agency)
    assert unit_register.value.code() is grpc.StatusCode.PERMISSION_DENIED

    for number, equipment_id in enumerate(["x00", "x01", "x03", "x04", "eb1", "x09"]):
        unit = sdk.ledger.get_equipment(equipment_id).unit_uscc
        hazard_use_cases.report_hazard(
            sdk,
            unit_uscc=unit,
            equipment_id=equipment_id,
            source=HazardSource.DAILY_CHECK,
            source_reference=f"日检-{number}",
            description="防护罩松动",
            found_on=TODAY,
            finder="李四",
            actor="seed",
            hazard_id=f"hz-x{number}",
        )
    hazards = hazards_pb2_grpc.HazardServiceStub(channel)
    seen: list[str] = []
    token = ""
    while True:
        hazard_page = hazards.ListHazards(
            hazards_pb2.ListHazardsRequest(parent="units/-", page_size=3, page_token=token), metadata=agency
        )
        seen += [h.name for h in hazard_page.hazards]
        token = hazard_page.next_page_token
        if not token:
            break
    everything = hazards.ListHazards(
        hazards_pb2.ListHazardsRequest(parent="units/-", page_size=1000), metadata=bearer(tokens[D])
    ).hazards
    on_inspected = sorted(h.name for h in everything if h.equipment.rsplit("/", 1)[1] in expected)
    assert seen == on_inspected
    assert {"hazards/hz-x0", "hazards/hz-x2", "hazards/hz-x5"} <= set(seen)  # x00, x03, x09
    assert not {"hazards/hz-x1", "hazards/hz-x3", "hazards/hz-x4"} & set(seen)  # x01, x04 (AG2), eb1
    for name in seen:  # what the listing shows, the agency may also read by name
        hazards.GetHazard(hazards_pb2.GetHazardRequest(name=name), metadata=agency)
