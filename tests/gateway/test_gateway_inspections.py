"""InspectionService over a real channel: reports move due dates, validity and reminders, the overdue listing and
the regulator's sweep (idempotent), agency findings becoming hazards, notices, and each caller's scope."""

from __future__ import annotations

import datetime as dt

import grpc
import pytest
from dualprev_gateway._generated.dualprev.v1 import hazards_pb2, hazards_pb2_grpc, inspections_pb2
from dualprev_gateway._generated.dualprev.v1 import inspections_pb2_grpc as rpc
from dualprev_gateway.client import error_details
from gateway_support import UNIT_A, bearer

from dualprev_sdk import timeutil
from dualprev_sdk.access import PrincipalKind
from dualprev_sdk.domain.equipment import Equipment
from dualprev_sdk.services.bootstrap import Dualprev

E, R, A, D = PrincipalKind.ENTERPRISE, PrincipalKind.REGULATOR, PrincipalKind.AGENCY, PrincipalKind.DATACENTER
UNIT = f"units/{UNIT_A}"
LIFT = f"{UNIT}/equipment/ea1"
OLD_LIFT = f"{UNIT}/equipment/ea-old"


@pytest.fixture
def inspections(channel: grpc.Channel, sdk: Dualprev) -> rpc.InspectionServiceStub:
    """The seed plus a lift of UNIT_A (郑州) in use and three years past its due date."""
    sdk.ledger.create_equipment(
        Equipment(
            id="ea-old",
            unit_uscc=UNIT_A,
            catalog_code="3110",
            name="3号客梯",
            commissioned_on=dt.date(2015, 1, 5),
            next_inspection_due=dt.date(2023, 1, 5),
        )
    )
    return rpc.InspectionServiceStub(channel)


def _report(**fields: object) -> inspections_pb2.Inspection:
    values: dict[str, object] = {
        "kind": inspections_pb2.INSPECTION_KIND_PERIODIC,
        "inspected_on": (timeutil.today() - dt.timedelta(days=3)).isoformat(),
        "conclusion": inspections_pb2.INSPECTION_CONCLUSION_PASSED,
        "agency": "AG2",
        "report_number": "TZ-2026-0042",
    }
    values.update(fields)
    return inspections_pb2.Inspection(**values)  # type: ignore[arg-type]


def test_a_recorded_report_moves_the_lifts_next_due_date_by_its_class_rule(
    inspections: rpc.InspectionServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    reply = inspections.RecordInspection(
        inspections_pb2.RecordInspectionRequest(parent=LIFT, inspection=_report()),
        metadata=bearer(tokens[E]),
        timeout=10,
    )
    assert reply.inspection.name.startswith(f"{LIFT}/inspections/")
    assert reply.due_dates
    assert all(d.rule and d.source.document for d in reply.due_dates)
    assert reply.next_inspection_due > reply.inspection.inspected_on
    validity = inspections.GetInspectionValidity(
        inspections_pb2.GetInspectionValidityRequest(name=LIFT), metadata=bearer(tokens[R]), timeout=10
    )
    assert validity.status == "valid"
    assert validity.next_due == reply.next_inspection_due
    assert validity.last.report_number == "TZ-2026-0042"


def test_a_report_with_problems_names_every_bad_field(
    inspections: rpc.InspectionServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    with pytest.raises(grpc.RpcError) as refused:
        inspections.RecordInspection(
            inspections_pb2.RecordInspectionRequest(
                parent=LIFT,
                inspection=_report(kind=0, inspected_on="2026-02-30", safety_grade=9),
            ),
            metadata=bearer(tokens[E]),
            timeout=10,
        )
    assert refused.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    fields = {f for f, _ in error_details(refused.value).field_violations}
    assert {"inspection.kind", "inspection.inspected_on", "inspection.safety_grade"} <= fields


def test_an_agency_records_under_its_own_id_and_only_on_what_it_inspects(
    inspections: rpc.InspectionServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    mine = inspections.RecordInspection(
        inspections_pb2.RecordInspectionRequest(parent=LIFT, inspection=_report(agency="")),
        metadata=bearer(tokens[A]),
        timeout=10,
    )
    assert mine.inspection.agency == "AG1"
    with pytest.raises(grpc.RpcError) as impersonating:
        inspections.RecordInspection(
            inspections_pb2.RecordInspectionRequest(parent=LIFT, inspection=_report(agency="AG2")),
            metadata=bearer(tokens[A]),
            timeout=10,
        )
    assert impersonating.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    with pytest.raises(grpc.RpcError) as elsewhere:
        inspections.RecordInspection(
            inspections_pb2.RecordInspectionRequest(parent=OLD_LIFT, inspection=_report(agency="")),
            metadata=bearer(tokens[A]),
            timeout=10,
        )
    assert elsewhere.value.code() is grpc.StatusCode.PERMISSION_DENIED


def test_the_overdue_listing_counts_by_region_and_is_limited_to_the_callers_region(
    inspections: rpc.InspectionServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    listing = inspections.GetOverdueListing(
        inspections_pb2.GetOverdueListingRequest(parent="regions/4101"), metadata=bearer(tokens[R]), timeout=10
    )
    assert OLD_LIFT in [i.equipment for i in listing.items]
    assert listing.total == len(listing.items)
    assert listing.by_unit[UNIT_A] >= 1
    own = inspections.GetOverdueListing(
        inspections_pb2.GetOverdueListingRequest(parent=UNIT), metadata=bearer(tokens[E]), timeout=10
    )
    assert OLD_LIFT in [i.equipment for i in own.items]
    province = inspections.GetOverdueListing(
        inspections_pb2.GetOverdueListingRequest(parent="regions/41", max_items=1), metadata=bearer(tokens[D])
    )
    assert len(province.items) == 1
    assert province.total >= 1
    for kind, parent in ((R, "regions/41"), (E, "regions/4101"), (A, "regions/4101")):
        with pytest.raises(grpc.RpcError) as refused:
            inspections.GetOverdueListing(
                inspections_pb2.GetOverdueListingRequest(parent=parent), metadata=bearer(tokens[kind]), timeout=10
            )
        assert refused.value.code() is grpc.StatusCode.PERMISSION_DENIED, (kind, parent)


def _field_violations(error: grpc.RpcError) -> list[str]:
    return [field for field, _ in error_details(error).field_violations]


def test_the_overdue_listing_pages_by_token_with_complete_counts_on_every_page(
    inspections: rpc.InspectionServiceStub, tokens: dict[PrincipalKind, str], sdk: Dualprev
) -> None:
    for number in range(7):  # more overdue lifts, so a region's listing spans several pages
        sdk.ledger.create_equipment(
            Equipment(
                id=f"ea-late-{number}",
                unit_uscc=UNIT_A,
                catalog_code="3110",
                name=f"{number}号货梯",
                next_inspection_due=dt.date(2024, 3, 1 + number),
            )
        )
    as_of = timeutil.today().isoformat()
    whole = inspections.GetOverdueListing(
        inspections_pb2.GetOverdueListingRequest(parent="regions/4101", as_of=as_of),
        metadata=bearer(tokens[R]),
        timeout=10,
    )
    assert whole.next_page_token == ""
    assert whole.total == len(whole.items) >= 8
    pages: list[inspections_pb2.OverdueListing] = []
    token = ""
    while True:
        page = inspections.GetOverdueListing(
            inspections_pb2.GetOverdueListingRequest(parent="regions/4101", as_of=as_of, page_size=3, page_token=token),
            metadata=bearer(tokens[R]),
            timeout=10,
        )
        pages.append(page)
        token = page.next_page_token
        if not token:
            break
        assert len(pages) <= whole.total, "the token must move forward"
    assert len(pages) > 2
    assert all(len(page.items) == 3 for page in pages[:-1])
    assert [i.equipment for page in pages for i in page.items] == [i.equipment for i in whole.items]
    for page in pages:  # complete counts on every page, not the page's own
        assert (page.total, dict(page.by_region), dict(page.by_unit), dict(page.by_kind)) == (
            whole.total,
            dict(whole.by_region),
            dict(whole.by_unit),
            dict(whole.by_kind),
        )
    # max_items alone still bounds the rows as documented, and now says where the next page starts
    first_two = inspections.GetOverdueListing(
        inspections_pb2.GetOverdueListingRequest(parent="regions/4101", as_of=as_of, max_items=2),
        metadata=bearer(tokens[R]),
        timeout=10,
    )
    assert [i.equipment for i in first_two.items] == [i.equipment for i in whole.items[:2]]
    assert first_two.total == whole.total
    assert first_two.next_page_token
    # a token continues only the query it was issued for: another parent, class or day is refused
    second = pages[0].next_page_token
    for other in (
        inspections_pb2.GetOverdueListingRequest(parent="regions/410105", as_of=as_of, page_token=second),
        inspections_pb2.GetOverdueListingRequest(
            parent="regions/4101", as_of=as_of, catalog_code="3", page_token=second
        ),
        inspections_pb2.GetOverdueListingRequest(parent="regions/4101", as_of="2030-01-01", page_token=second),
        inspections_pb2.GetOverdueListingRequest(parent="regions/4101", as_of=as_of, page_token="bm90LWEtdG9rZW4"),
    ):
        with pytest.raises(grpc.RpcError) as refused:
            inspections.GetOverdueListing(other, metadata=bearer(tokens[D]), timeout=10)
        assert refused.value.code() is grpc.StatusCode.INVALID_ARGUMENT
        assert _field_violations(refused.value) == ["page_token"]
    for bad, field in (
        (inspections_pb2.GetOverdueListingRequest(parent="regions/4101", max_items=5, page_size=5), "page_size"),
        (inspections_pb2.GetOverdueListingRequest(parent="regions/4101", page_size=-1), "page_size"),
    ):
        with pytest.raises(grpc.RpcError) as refused:
            inspections.GetOverdueListing(bad, metadata=bearer(tokens[R]), timeout=10)
        assert refused.value.code() is grpc.StatusCode.INVALID_ARGUMENT
        assert _field_violations(refused.value) == [field]


def test_the_regulators_sweep_opens_one_hazard_per_overdue_lift_and_a_second_sweep_adds_nothing(
    inspections: rpc.InspectionServiceStub, channel: grpc.Channel, tokens: dict[PrincipalKind, str]
) -> None:
    first = inspections.SweepOverdueInspections(
        inspections_pb2.SweepOverdueInspectionsRequest(parent="regions/4101"), metadata=bearer(tokens[R]), timeout=30
    )
    cases = {c.equipment: c for c in first.detected}
    assert OLD_LIFT in cases
    assert cases[OLD_LIFT].due_on == "2023-01-05"
    assert not first.failed
    opened = {o.cause: o.hazard for o in first.opened}
    assert cases[OLD_LIFT].id in opened
    hazard = hazards_pb2_grpc.HazardServiceStub(channel).GetHazard(
        hazards_pb2.GetHazardRequest(name=opened[cases[OLD_LIFT].id]), metadata=bearer(tokens[E]), timeout=10
    )
    assert hazard.equipment == OLD_LIFT
    again = inspections.SweepOverdueInspections(
        inspections_pb2.SweepOverdueInspectionsRequest(parent="regions/4101"), metadata=bearer(tokens[R]), timeout=30
    )
    assert list(again.detected) == []
    notices = inspections.ListRegulatorNotices(
        inspections_pb2.ListRegulatorNoticesRequest(parent="regions/4101", filter='kind = "overdue_inspection"'),
        metadata=bearer(tokens[R]),
        timeout=10,
    ).notices
    assert OLD_LIFT in [n.equipment for n in notices]


@pytest.mark.parametrize("kind", [E, A, D])
def test_only_a_regulator_sweeps_and_only_its_own_region(
    inspections: rpc.InspectionServiceStub, tokens: dict[PrincipalKind, str], kind: PrincipalKind
) -> None:
    with pytest.raises(grpc.RpcError) as refused:
        inspections.SweepOverdueInspections(
            inspections_pb2.SweepOverdueInspectionsRequest(parent="regions/4101"), metadata=bearer(tokens[kind])
        )
    assert refused.value.code() is grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.RpcError) as wider:
        inspections.SweepOverdueInspections(
            inspections_pb2.SweepOverdueInspectionsRequest(parent="regions/41"), metadata=bearer(tokens[R])
        )
    assert wider.value.code() is grpc.StatusCode.PERMISSION_DENIED


def test_an_agencys_serious_finding_becomes_a_hazard_and_a_notice_and_a_resubmission_adds_nothing(
    inspections: rpc.InspectionServiceStub, tokens: dict[PrincipalKind, str]
) -> None:
    request = inspections_pb2.SubmitAgencyFindingsRequest(
        parent=LIFT,
        inspection=_report(
            agency="", report_number="AG1-2026-7", conclusion=inspections_pb2.INSPECTION_CONCLUSION_FAILED
        ),
        findings=[inspections_pb2.AgencyFinding(code="brake_fault", description="制动器制动力不足", serious=True)],
        inspector="周检验员",
    )
    first = inspections.SubmitAgencyFindings(request, metadata=bearer(tokens[A]), timeout=30)
    assert first.inspection.agency == "AG1"
    assert len(first.hazards) == 1
    assert first.hazards[0].hazard.startswith("hazards/")
    assert first.notices
    assert not first.replayed
    again = inspections.SubmitAgencyFindings(request, metadata=bearer(tokens[A]), timeout=30)
    assert again.replayed
    assert [h.hazard for h in again.hazards] == [h.hazard for h in first.hazards]
    for kind in (E, R, D):
        with pytest.raises(grpc.RpcError) as refused:
            inspections.SubmitAgencyFindings(request, metadata=bearer(tokens[kind]), timeout=10)
        assert refused.value.code() is grpc.StatusCode.PERMISSION_DENIED


def test_reminders_are_listed_for_the_unit_with_their_sources(
    inspections: rpc.InspectionServiceStub, sdk: Dualprev, tokens: dict[PrincipalKind, str]
) -> None:
    soon = timeutil.today() + dt.timedelta(days=10)
    sdk.ledger.create_equipment(
        Equipment(id="ea-soon", unit_uscc=UNIT_A, catalog_code="3110", name="4号客梯", next_inspection_due=soon)
    )
    reminders = inspections.ListInspectionReminders(
        inspections_pb2.ListInspectionRemindersRequest(parent=UNIT), metadata=bearer(tokens[E]), timeout=10
    ).reminders
    due = [r for r in reminders if r.subject == "ea-soon"]
    assert due
    assert due[0].kind == "apply_for_inspection"
    assert due[0].source.document
