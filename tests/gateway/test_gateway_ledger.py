"""LedgerService over a real loopback channel: CRUD, masks, etags, paging, filters, idempotent creates, errors."""

from __future__ import annotations

import uuid

import grpc
import pytest
from dualprev_gateway._generated.dualprev.v1 import ledger_pb2, ledger_pb2_grpc
from dualprev_gateway.status import ERROR_DOMAIN
from gateway_support import UNIT_A, UNIT_B, UNIT_NEW, bearer
from google.protobuf import field_mask_pb2
from google.rpc import code_pb2, error_details_pb2
from grpc_status import rpc_status

from dualprev_sdk.access import PrincipalKind, issue_api_key
from dualprev_sdk.services.bootstrap import Dualprev


def _details(error: grpc.RpcError) -> tuple[error_details_pb2.ErrorInfo, error_details_pb2.BadRequest | None]:
    status = rpc_status.from_call(error)  # type: ignore[arg-type]
    assert status is not None, "rich error details are missing"
    info, bad = None, None
    for detail in status.details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
        elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
    assert info is not None
    return info, bad


@pytest.fixture
def ledger(channel: grpc.Channel) -> ledger_pb2_grpc.LedgerServiceStub:
    return ledger_pb2_grpc.LedgerServiceStub(channel)


def test_an_enterprise_creates_reads_updates_and_deletes_its_ledger_over_grpc(
    ledger: ledger_pb2_grpc.LedgerServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    me = bearer(tokens[PrincipalKind.ENTERPRISE])
    unit = ledger.GetUnit(ledger_pb2.GetUnitRequest(name=f"units/{UNIT_A}"), metadata=me)
    assert unit.name == f"units/{UNIT_A}"
    assert unit.region_code == "410102"

    renamed = ledger.UpdateUnit(
        ledger_pb2.UpdateUnitRequest(
            unit=ledger_pb2.Unit(name=unit.name, display_name="郑州示例单位（更名）", etag=unit.etag, park="ignored"),
            update_mask=field_mask_pb2.FieldMask(paths=["display_name"]),
        ),
        metadata=me,
    )
    assert renamed.display_name == "郑州示例单位（更名）"
    assert renamed.park == "", "fields outside the mask stay as they were"
    assert renamed.etag != unit.etag

    created = ledger.CreateEquipment(
        ledger_pb2.CreateEquipmentRequest(
            parent=unit.name,
            equipment_id="lift-2",
            equipment=ledger_pb2.Equipment(catalog_code="3110", display_name="2号客梯", manufactured_on="2012-05-01"),
        ),
        metadata=me,
    )
    assert created.name == f"units/{UNIT_A}/equipment/lift-2"
    assert created.manufactured_on == "2012-05-01"

    listed = ledger.ListEquipment(
        ledger_pb2.ListEquipmentRequest(parent=unit.name, filter='catalog_code = "3*" AND status = "in_use"'),
        metadata=me,
    )
    assert [e.name for e in listed.equipment] == [f"units/{UNIT_A}/equipment/ea1", created.name]

    ledger.DeleteEquipment(ledger_pb2.DeleteEquipmentRequest(name=created.name, etag=created.etag), metadata=me)
    with pytest.raises(grpc.RpcError) as gone:
        ledger.GetEquipment(ledger_pb2.GetEquipmentRequest(name=created.name), metadata=me)
    assert gone.value.code() is grpc.StatusCode.NOT_FOUND


def test_a_stale_etag_is_aborted_so_the_client_rereads(
    ledger: ledger_pb2_grpc.LedgerServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    me = bearer(tokens[PrincipalKind.ENTERPRISE])
    unit = ledger.GetUnit(ledger_pb2.GetUnitRequest(name=f"units/{UNIT_A}"), metadata=me)
    mask = field_mask_pb2.FieldMask(paths=["address"])
    ledger.UpdateUnit(
        ledger_pb2.UpdateUnitRequest(
            unit=ledger_pb2.Unit(name=unit.name, address="一", etag=unit.etag), update_mask=mask
        ),
        metadata=me,
    )
    with pytest.raises(grpc.RpcError) as stale:
        ledger.UpdateUnit(
            ledger_pb2.UpdateUnitRequest(
                unit=ledger_pb2.Unit(name=unit.name, address="二", etag=unit.etag), update_mask=mask
            ),
            metadata=me,
        )
    assert stale.value.code() is grpc.StatusCode.ABORTED
    info, _ = _details(stale.value)
    assert info.reason == "CONCURRENCY_CONFLICT"


def test_invalid_input_lists_every_bad_field_as_bad_request_violations(
    ledger: ledger_pb2_grpc.LedgerServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    me = bearer(tokens[PrincipalKind.ENTERPRISE])
    with pytest.raises(grpc.RpcError) as invalid:
        ledger.CreateEquipment(
            ledger_pb2.CreateEquipmentRequest(
                parent=f"units/{UNIT_A}",
                equipment=ledger_pb2.Equipment(
                    catalog_code="3110", manufactured_on="2012-13-40", commissioned_on="yesterday", status=99
                ),
            ),
            metadata=me,
        )
    assert invalid.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    info, bad = _details(invalid.value)
    assert info.domain == ERROR_DOMAIN
    assert info.reason == "INVALID_ARGUMENT"
    assert bad is not None
    assert {v.field for v in bad.field_violations} == {
        "equipment.manufactured_on",
        "equipment.commissioned_on",
        "equipment.status",
    }


def test_sdk_validation_errors_come_back_with_proto_field_paths(
    ledger: ledger_pb2_grpc.LedgerServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    me = bearer(tokens[PrincipalKind.ENTERPRISE])
    with pytest.raises(grpc.RpcError) as invalid:
        ledger.UpdateUnit(
            ledger_pb2.UpdateUnitRequest(
                unit=ledger_pb2.Unit(name=f"units/{UNIT_A}", region_code="999999"),
                update_mask=field_mask_pb2.FieldMask(paths=["region_code", "no_such_field"]),
            ),
            metadata=me,
        )
    assert invalid.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    _, bad = _details(invalid.value)
    assert bad is not None
    assert [v.field for v in bad.field_violations] == ["update_mask.paths[1]"]


def test_a_create_retried_with_the_same_request_id_returns_the_first_result(
    ledger: ledger_pb2_grpc.LedgerServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    me = bearer(tokens[PrincipalKind.ENTERPRISE])
    request = ledger_pb2.CreateEquipmentRequest(
        parent=f"units/{UNIT_A}",
        equipment=ledger_pb2.Equipment(catalog_code="3110", display_name="3号客梯"),
        request_id=str(uuid.uuid4()),
    )
    first = ledger.CreateEquipment(request, metadata=me)
    again = ledger.CreateEquipment(request, metadata=me)
    assert again.name == first.name
    listed = ledger.ListEquipment(ledger_pb2.ListEquipmentRequest(parent=f"units/{UNIT_A}"), metadata=me)
    assert len(listed.equipment) == 2


def test_lists_page_with_opaque_tokens_and_reject_a_token_from_another_filter(
    ledger: ledger_pb2_grpc.LedgerServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    center = bearer(tokens[PrincipalKind.DATACENTER])
    first = ledger.ListUnits(ledger_pb2.ListUnitsRequest(page_size=1), metadata=center)
    assert len(first.units) == 1
    assert first.next_page_token
    second = ledger.ListUnits(
        ledger_pb2.ListUnitsRequest(page_size=1, page_token=first.next_page_token), metadata=center
    )
    assert [u.uscc for u in (*first.units, *second.units)] == sorted([UNIT_A, UNIT_B])
    assert not second.next_page_token
    with pytest.raises(grpc.RpcError) as foreign:
        ledger.ListUnits(
            ledger_pb2.ListUnitsRequest(page_size=1, page_token=first.next_page_token, filter='region_code = "4102*"'),
            metadata=center,
        )
    assert foreign.value.code() is grpc.StatusCode.INVALID_ARGUMENT


def test_a_regulator_lists_only_its_region_and_a_filter_cannot_widen_it(
    ledger: ledger_pb2_grpc.LedgerServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    regulator = bearer(tokens[PrincipalKind.REGULATOR])
    mine = ledger.ListUnits(ledger_pb2.ListUnitsRequest(), metadata=regulator)
    assert [u.uscc for u in mine.units] == [UNIT_A]
    widened = ledger.ListUnits(ledger_pb2.ListUnitsRequest(filter='region_code = "41*"'), metadata=regulator)
    assert [u.uscc for u in widened.units] == [UNIT_A]
    elsewhere = ledger.ListUnits(ledger_pb2.ListUnitsRequest(filter='region_code = "4102*"'), metadata=regulator)
    assert list(elsewhere.units) == []


def test_out_of_scope_reads_are_permission_denied_whether_or_not_the_resource_exists(
    ledger: ledger_pb2_grpc.LedgerServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    regulator = bearer(tokens[PrincipalKind.REGULATOR])
    enterprise = bearer(tokens[PrincipalKind.ENTERPRISE])
    for name, who in [
        (f"units/{UNIT_B}", regulator),  # exists, other region
        (f"units/{UNIT_NEW}", regulator),  # does not exist
        (f"units/{UNIT_B}", enterprise),  # someone else's
    ]:
        with pytest.raises(grpc.RpcError) as denied:
            ledger.GetUnit(ledger_pb2.GetUnitRequest(name=name), metadata=who)
        assert denied.value.code() is grpc.StatusCode.PERMISSION_DENIED, name


def test_not_found_is_only_told_to_a_caller_whose_scope_covers_the_name(
    ledger: ledger_pb2_grpc.LedgerServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    with pytest.raises(grpc.RpcError) as missing:
        ledger.GetEquipment(
            ledger_pb2.GetEquipmentRequest(name=f"units/{UNIT_A}/equipment/nope"),
            metadata=bearer(tokens[PrincipalKind.ENTERPRISE]),
        )
    assert missing.value.code() is grpc.StatusCode.NOT_FOUND
    info, _ = _details(missing.value)
    assert info.reason == "NOT_FOUND"


def test_equipment_is_addressed_under_its_own_unit_only(
    ledger: ledger_pb2_grpc.LedgerServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    with pytest.raises(grpc.RpcError) as wrong_parent:
        ledger.GetEquipment(
            ledger_pb2.GetEquipmentRequest(name=f"units/{UNIT_A}/equipment/eb1"),
            metadata=bearer(tokens[PrincipalKind.DATACENTER]),
        )
    assert wrong_parent.value.code() is grpc.StatusCode.NOT_FOUND


def test_a_malformed_resource_name_is_invalid_argument_naming_the_field(
    ledger: ledger_pb2_grpc.LedgerServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    with pytest.raises(grpc.RpcError) as bad_name:
        ledger.GetUnit(ledger_pb2.GetUnitRequest(name="unit/x"), metadata=bearer(tokens[PrincipalKind.DATACENTER]))
    assert bad_name.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    _, bad = _details(bad_name.value)
    assert bad is not None
    assert [v.field for v in bad.field_violations] == ["name"]
    assert bad_name.value.code().value[0] == code_pb2.INVALID_ARGUMENT


def test_fields_outside_the_update_mask_are_ignored_even_when_they_are_junk(
    ledger: ledger_pb2_grpc.LedgerServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    me = bearer(tokens[PrincipalKind.ENTERPRISE])
    name = f"units/{UNIT_A}/equipment/ea1"
    junk = ledger_pb2.Equipment(name=name, model="TKJ1000/1.75", manufactured_on="not a date", status=42)
    updated = ledger.UpdateEquipment(
        ledger_pb2.UpdateEquipmentRequest(equipment=junk, update_mask=field_mask_pb2.FieldMask(paths=["model"])),
        metadata=me,
    )
    assert updated.model == "TKJ1000/1.75"
    assert updated.status == ledger_pb2.EQUIPMENT_STATUS_IN_USE
    with pytest.raises(grpc.RpcError) as masked_junk:
        ledger.UpdateEquipment(
            ledger_pb2.UpdateEquipmentRequest(
                equipment=junk, update_mask=field_mask_pb2.FieldMask(paths=["model", "manufactured_on"])
            ),
            metadata=me,
        )
    _, bad = _details(masked_junk.value)
    assert bad is not None
    assert [v.field for v in bad.field_violations] == ["equipment.manufactured_on"]


def test_an_event_subject_leads_to_the_equipment_through_the_unit_wildcard(
    ledger: ledger_pb2_grpc.LedgerServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    found = ledger.GetEquipment(
        ledger_pb2.GetEquipmentRequest(name="units/-/equipment/eb1"), metadata=bearer(tokens[PrincipalKind.DATACENTER])
    )
    assert found.name == f"units/{UNIT_B}/equipment/eb1", "the answer carries the real parent"
    with pytest.raises(grpc.RpcError) as hidden:  # the wildcard does not widen anyone's scope
        ledger.GetEquipment(
            ledger_pb2.GetEquipmentRequest(name="units/-/equipment/eb1"),
            metadata=bearer(tokens[PrincipalKind.REGULATOR]),
        )
    assert hidden.value.code() is grpc.StatusCode.PERMISSION_DENIED
    mine = ledger.GetEquipment(
        ledger_pb2.GetEquipmentRequest(name="units/-/equipment/ea1"), metadata=bearer(tokens[PrincipalKind.REGULATOR])
    )
    assert mine.name == f"units/{UNIT_A}/equipment/ea1"


def test_a_unit_cannot_designate_itself_a_demonstration_enterprise(
    ledger: ledger_pb2_grpc.LedgerServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    """示范企业 is the regulator's designation (EnterpriseService.SetDemonstration), not the unit's to declare:
    neither UpdateUnit nor CreateUnit may set it, while every other field stays the unit's own."""
    me = bearer(tokens[PrincipalKind.ENTERPRISE])
    unit = ledger.GetUnit(ledger_pb2.GetUnitRequest(name=f"units/{UNIT_A}"), metadata=me)
    with pytest.raises(grpc.RpcError) as refused:
        ledger.UpdateUnit(
            ledger_pb2.UpdateUnitRequest(
                unit=ledger_pb2.Unit(name=unit.name, etag=unit.etag, demonstration=True, address="新地址"),
                update_mask=field_mask_pb2.FieldMask(paths=["demonstration", "address"]),
            ),
            metadata=me,
        )
    assert refused.value.code() is grpc.StatusCode.PERMISSION_DENIED
    assert "SetDemonstration" in (refused.value.details() or "")
    after = ledger.GetUnit(ledger_pb2.GetUnitRequest(name=unit.name), metadata=me)
    assert (after.etag, after.address, after.demonstration) == (unit.etag, unit.address, False), "nothing written"
    moved = ledger.UpdateUnit(
        ledger_pb2.UpdateUnitRequest(
            unit=ledger_pb2.Unit(name=unit.name, etag=unit.etag, demonstration=False, address="新地址"),
            update_mask=field_mask_pb2.FieldMask(paths=["demonstration", "address"]),
        ),
        metadata=me,
    )
    assert moved.address == "新地址"


def test_creating_a_unit_as_a_demonstration_enterprise_is_refused(
    ledger: ledger_pb2_grpc.LedgerServiceStub, database_url: str
) -> None:
    with Dualprev.open(database_url, migrate=False) as sdk, sdk.uow() as uow:
        issued = issue_api_key(PrincipalKind.ENTERPRISE, UNIT_NEW)
        uow.api_keys.add(issued.key)
        uow.commit()
    new = bearer(issued.token)
    unit = ledger_pb2.Unit(uscc=UNIT_NEW, display_name="郑州金水示例单位", region_code="410105", demonstration=True)
    with pytest.raises(grpc.RpcError) as refused:
        ledger.CreateUnit(ledger_pb2.CreateUnitRequest(unit=unit), metadata=new)
    assert refused.value.code() is grpc.StatusCode.PERMISSION_DENIED
    unit.demonstration = False
    assert ledger.CreateUnit(ledger_pb2.CreateUnitRequest(unit=unit), metadata=new).name == f"units/{UNIT_NEW}"
