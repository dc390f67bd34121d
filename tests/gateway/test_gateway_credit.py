"""CreditService over a real channel: the regulator records facts, the unit reads its class with the explanation,
an issued class overrides, an accident lists the unit, which applies for repair a year later and is removed when
the regulator approves — and the public list shows exactly the entries listed on the day asked."""

from __future__ import annotations

from collections.abc import Callable

import grpc
import pytest
from dualprev_gateway._generated.dualprev.v1 import credit_pb2 as pb
from dualprev_gateway._generated.dualprev.v1 import credit_pb2_grpc
from gateway_support import OUTSIDERS, UNIT_A, UNIT_B, bearer, outsider_tokens
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from dualprev_sdk.access import PrincipalKind, issue_api_key
from dualprev_sdk.services.bootstrap import Dualprev

UNIT = f"units/{UNIT_A}"


@pytest.fixture
def credit(channel: grpc.Channel) -> credit_pb2_grpc.CreditServiceStub:
    return credit_pb2_grpc.CreditServiceStub(channel)


def _record(
    credit: credit_pb2_grpc.CreditServiceStub,
    token: str,
    kind: pb.CreditRecordKind.ValueType,
    on: str,
    severity: pb.CreditSeverity.ValueType = pb.CREDIT_SEVERITY_UNSPECIFIED,
) -> pb.CreditRecord:
    return credit.CreateCreditRecord(
        pb.CreateCreditRecordRequest(
            parent=UNIT,
            record=pb.CreditRecord(
                kind=kind,
                occurred_on=on,
                source="郑州市市场监督管理局",
                evidence="郑市监罚〔2025〕12号",
                severity=severity,
            ),
        ),
        metadata=bearer(token),
    )


def test_the_unit_reads_its_class_explained_record_by_record_and_an_issued_class_overrides_it(
    credit: credit_pb2_grpc.CreditServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    regulator, unit = tokens[PrincipalKind.REGULATOR], tokens[PrincipalKind.ENTERPRISE]
    clean = credit.ClassifyUnit(pb.ClassifyUnitRequest(name=UNIT, day="2026-03-01"), metadata=bearer(unit))
    assert clean.score == 100
    assert list(clean.contributions) == []

    penalty = _record(credit, regulator, pb.CREDIT_RECORD_KIND_ADMINISTRATIVE_PENALTY, "2025-06-01")
    assert penalty.name.startswith(f"{UNIT}/creditRecords/")
    explained = credit.ClassifyUnit(pb.ClassifyUnitRequest(name=UNIT, day="2026-03-01"), metadata=bearer(unit))
    assert [c.record.name for c in explained.contributions] == [penalty.name]
    points = explained.contributions[0].points
    assert points < 0
    assert explained.score == pytest.approx(100 + points)
    assert explained.explanation[0].startswith(f"score {explained.score:g}")
    assert "受到行政处罚" in explained.explanation[1]
    assert explained.model_source.document
    assert not explained.issued_by_regulator

    credit.IssueCreditClass(
        pb.IssueCreditClassRequest(
            name=UNIT, credit_class=pb.CREDIT_CLASS_C, issued_on="2026-01-01", authority="郑州市市场监督管理局"
        ),
        metadata=bearer(regulator),
    )
    overridden = credit.ClassifyUnit(pb.ClassifyUnitRequest(name=UNIT, day="2026-03-01"), metadata=bearer(unit))
    assert overridden.credit_class == pb.CREDIT_CLASS_C
    assert overridden.computed_class == explained.computed_class
    assert overridden.issued_by_regulator
    assert overridden.explanation[-1].startswith("overridden: class C")
    listed = credit.ListCreditRecords(pb.ListCreditRecordsRequest(parent=UNIT), metadata=bearer(unit))
    assert [r.name for r in listed.records] == [penalty.name]


def test_an_accident_blacklists_the_unit_until_the_regulator_approves_its_repair(
    credit: credit_pb2_grpc.CreditServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    regulator, unit = tokens[PrincipalKind.REGULATOR], tokens[PrincipalKind.ENTERPRISE]
    _record(credit, regulator, pb.CREDIT_RECORD_KIND_ACCIDENT, "2025-01-10", pb.CREDIT_SEVERITY_GENERAL)
    swept = credit.SweepBlacklist(
        pb.SweepBlacklistRequest(region_code="4101", day="2025-01-15", authority="郑州市市场监督管理局"),
        metadata=bearer(regulator),
    )
    assert [e.unit for e in swept.listed] == [UNIT]
    entry = swept.listed[0]
    assert entry.status == pb.BLACKLIST_STATUS_LISTED
    assert "郑州示例电梯使用单位" in entry.publication_text

    for kind in PrincipalKind:  # the publication is public
        public = credit.ListBlacklistPublication(
            pb.ListBlacklistPublicationRequest(region_code="41", day="2025-06-01"), metadata=bearer(tokens[kind])
        )
        assert [e.name for e in public.entries] == [entry.name]
        assert list(public.entries[0].trigger_records) == []

    with pytest.raises(grpc.RpcError) as early:
        credit.ApplyForCreditRepair(
            pb.ApplyForCreditRepairRequest(
                name=entry.name,
                applied_on="2025-06-01",
                penalty_fulfilled=True,
                harm_removed=True,
                no_new_heavy_penalty=True,
            ),
            metadata=bearer(unit),
        )
    assert early.value.code() is grpc.StatusCode.FAILED_PRECONDITION
    with pytest.raises(grpc.RpcError) as unmet:
        credit.ApplyForCreditRepair(
            pb.ApplyForCreditRepairRequest(name=entry.name, applied_on="2026-02-01", penalty_fulfilled=True),
            metadata=bearer(unit),
        )
    assert unmet.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    status = rpc_status.from_call(unmet.value)
    assert status is not None
    bad = error_details_pb2.BadRequest()
    assert status.details[1].Unpack(bad)
    assert sorted(v.field for v in bad.field_violations) == ["harm_removed", "no_new_heavy_penalty"]

    applied = credit.ApplyForCreditRepair(
        pb.ApplyForCreditRepairRequest(
            name=entry.name,
            applied_on="2026-02-01",
            penalty_fulfilled=True,
            harm_removed=True,
            no_new_heavy_penalty=True,
            statement="已缴纳罚款并完成整改",
        ),
        metadata=bearer(unit),
    )
    assert not applied.repairs[0].HasField("approved")
    decided = credit.DecideCreditRepair(
        pb.DecideCreditRepairRequest(name=entry.name, approved=True, decided_on="2026-02-10"),
        metadata=bearer(regulator),
    )
    assert decided.status == pb.BLACKLIST_STATUS_REMOVED_REPAIRED
    assert decided.removed_on == "2026-02-10"
    assert [h.action for h in decided.history] == ["listed", "repair_applied", "repair_approved"]
    after = credit.ListBlacklistPublication(
        pb.ListBlacklistPublicationRequest(region_code="4101", day="2026-03-01"), metadata=bearer(unit)
    )
    assert list(after.entries) == []


def test_outside_its_scope_nobody_reads_or_changes_credit(
    credit: credit_pb2_grpc.CreditServiceStub, tokens: dict[PrincipalKind, str], sdk: Dualprev
) -> None:
    regulator = tokens[PrincipalKind.REGULATOR]
    _record(credit, regulator, pb.CREDIT_RECORD_KIND_ACCIDENT, "2025-01-10", pb.CREDIT_SEVERITY_GENERAL)
    entry = credit.SweepBlacklist(
        pb.SweepBlacklistRequest(region_code="4101", day="2025-01-15"), metadata=bearer(regulator)
    ).listed[0]
    with sdk.uow() as uow:
        kaifeng = issue_api_key(PrincipalKind.REGULATOR, "4102")
        other_unit = issue_api_key(PrincipalKind.ENTERPRISE, UNIT_B)
        uow.api_keys.add(kaifeng.key)
        uow.api_keys.add(other_unit.key)
        uow.commit()
    for token in (kaifeng.token, other_unit.token):
        calls: list[Callable[[str], object]] = [
            lambda t: credit.ClassifyUnit(pb.ClassifyUnitRequest(name=UNIT), metadata=bearer(t)),
            lambda t: credit.ListCreditRecords(pb.ListCreditRecordsRequest(parent=UNIT), metadata=bearer(t)),
            lambda t: credit.GetBlacklistEntry(pb.GetBlacklistEntryRequest(name=entry.name), metadata=bearer(t)),
            lambda t: credit.DecideCreditRepair(
                pb.DecideCreditRepairRequest(name=entry.name, approved=True), metadata=bearer(t)
            ),
            lambda t: credit.IssueCreditClass(
                pb.IssueCreditClassRequest(
                    name=UNIT, credit_class=pb.CREDIT_CLASS_A, issued_on="2026-01-01", authority="开封市局"
                ),
                metadata=bearer(t),
            ),
        ]
        for call in calls:
            with pytest.raises(grpc.RpcError) as caught:
                call(token)
            assert caught.value.code() is grpc.StatusCode.PERMISSION_DENIED
        listed = credit.ListBlacklistEntries(pb.ListBlacklistEntriesRequest(parent="units/-"), metadata=bearer(token))
        assert list(listed.entries) == []
    mine = credit.ListBlacklistEntries(
        pb.ListBlacklistEntriesRequest(parent="units/-"), metadata=bearer(tokens[PrincipalKind.ENTERPRISE])
    )
    assert [e.name for e in mine.entries] == [entry.name]


def test_records_page_in_date_order_and_a_token_only_serves_the_listing_it_came_from(
    credit: credit_pb2_grpc.CreditServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    regulator, unit = tokens[PrincipalKind.REGULATOR], tokens[PrincipalKind.ENTERPRISE]
    later = _record(credit, regulator, pb.CREDIT_RECORD_KIND_REFUSED_INSPECTION, "2025-09-01")
    earlier = _record(credit, regulator, pb.CREDIT_RECORD_KIND_ADMINISTRATIVE_PENALTY, "2025-03-01")
    first = credit.ListCreditRecords(pb.ListCreditRecordsRequest(parent=UNIT, page_size=1), metadata=bearer(unit))
    assert [r.name for r in first.records] == [earlier.name]
    assert first.next_page_token
    second = credit.ListCreditRecords(
        pb.ListCreditRecordsRequest(parent=UNIT, page_size=1, page_token=first.next_page_token), metadata=bearer(unit)
    )
    assert [r.name for r in second.records] == [later.name]
    assert second.next_page_token == ""
    with pytest.raises(grpc.RpcError) as caught:
        credit.ListBlacklistEntries(
            pb.ListBlacklistEntriesRequest(parent="units/-", page_token=first.next_page_token), metadata=bearer(unit)
        )
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT


# -- who may touch a real unit's credit and blacklist entry: every kind and two callers just outside the scopes --

OK, DENIED = grpc.StatusCode.OK, grpc.StatusCode.PERMISSION_DENIED
WHO = [k.value for k in PrincipalKind] + list(OUTSIDERS)
Call = Callable[[credit_pb2_grpc.CreditServiceStub, tuple[tuple[str, str], ...], str], object]

#: rpc → (call(stub, metadata, entry name), expected per caller; callers not named are denied). UNIT_A (郑州) has
#: an accident on record and a blacklist entry listed on 2025-01-15 with no repair application yet.
SCOPE: dict[str, tuple[Call, dict[str, grpc.StatusCode]]] = {
    "ClassifyUnit": (
        lambda s, m, _: s.ClassifyUnit(pb.ClassifyUnitRequest(name=UNIT), metadata=m),
        {"enterprise": OK, "regulator": OK, "datacenter": OK},
    ),
    "ListCreditRecords": (
        lambda s, m, _: s.ListCreditRecords(pb.ListCreditRecordsRequest(parent=UNIT), metadata=m),
        {"enterprise": OK, "regulator": OK, "datacenter": OK},
    ),
    "CreateCreditRecord": (
        lambda s, m, _: s.CreateCreditRecord(
            pb.CreateCreditRecordRequest(
                parent=UNIT,
                record=pb.CreditRecord(
                    kind=pb.CREDIT_RECORD_KIND_REFUSED_INSPECTION, occurred_on="2026-01-05", source="郑州市局"
                ),
            ),
            metadata=m,
        ),
        {"regulator": OK},
    ),
    "IssueCreditClass": (
        lambda s, m, _: s.IssueCreditClass(
            pb.IssueCreditClassRequest(
                name=UNIT, credit_class=pb.CREDIT_CLASS_C, issued_on="2026-01-01", authority="郑州市局"
            ),
            metadata=m,
        ),
        {"regulator": OK},
    ),
    "GetBlacklistEntry": (
        lambda s, m, entry: s.GetBlacklistEntry(pb.GetBlacklistEntryRequest(name=entry), metadata=m),
        {"enterprise": OK, "regulator": OK, "datacenter": OK},
    ),
    "ApplyForCreditRepair": (
        lambda s, m, entry: s.ApplyForCreditRepair(
            pb.ApplyForCreditRepairRequest(
                name=entry,
                applied_on="2026-02-01",
                penalty_fulfilled=True,
                harm_removed=True,
                no_new_heavy_penalty=True,
            ),
            metadata=m,
        ),
        {"enterprise": OK},
    ),
    "DecideCreditRepair": (  # nothing pending yet: the regulator gets past authorization to the domain's refusal
        lambda s, m, entry: s.DecideCreditRepair(pb.DecideCreditRepairRequest(name=entry, approved=True), metadata=m),
        {"regulator": grpc.StatusCode.FAILED_PRECONDITION},
    ),
    "SweepBlacklist": (
        lambda s, m, _: s.SweepBlacklist(pb.SweepBlacklistRequest(region_code="4101"), metadata=m),
        {"regulator": OK},
    ),
}


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("rpc", sorted(SCOPE))
def test_each_caller_reaches_real_credit_records_and_entries_exactly_as_its_scope_allows(
    rpc: str,
    who: str,
    credit: credit_pb2_grpc.CreditServiceStub,
    tokens: dict[PrincipalKind, str],
    sdk: Dualprev,
) -> None:
    regulator = tokens[PrincipalKind.REGULATOR]
    _record(credit, regulator, pb.CREDIT_RECORD_KIND_ACCIDENT, "2025-01-10", pb.CREDIT_SEVERITY_GENERAL)
    entry = credit.SweepBlacklist(
        pb.SweepBlacklistRequest(region_code="4101", day="2025-01-15"), metadata=bearer(regulator)
    ).listed[0]
    token = {k.value: t for k, t in tokens.items()} | outsider_tokens(sdk)
    call, expected = SCOPE[rpc]
    try:
        call(credit, bearer(token[who]), entry.name)
        code = OK
    except grpc.RpcError as error:
        code = error.code()
    assert code is expected.get(who, DENIED), f"{who} calling {rpc}"
