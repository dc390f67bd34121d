"""The filling interlock refuses every fill that must not happen, listing every reason at once."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from dualprev_sdk.domain.cylinder import (
    Cylinder,
    CylinderEvent,
    CylinderEventKind,
    CylinderStatus,
    FillRequest,
    LoadingRequest,
    MobileVessel,
    RefusalReason,
    TraceWarningKind,
    check_fill,
    check_loading,
    trace_warnings,
)
from dualprev_sdk.domain.personnel import Certificate
from dualprev_sdk.timeutil import SHANGHAI

STATION = "91410100MA3X00001A"
OTHER_STATION = "91410100MA3X00002B"
DAY = dt.date(2026, 6, 1)
AT = dt.datetime(2026, 6, 1, 9, 30, tzinfo=SHANGHAI)
VALID_P = Certificate(
    number="TS-P-001", category_code="P", issued_on=dt.date(2024, 1, 1), expires_on=dt.date(2028, 1, 1)
)


def good_cylinder(**changes: object) -> Cylinder:
    base = {
        "id": "c1",
        "tag": "RFID-0001",
        "filling_station_uscc": STATION,
        "medium": "液化石油气",
        "manufactured_on": dt.date(2020, 3, 1),
        "design_life_years": 8,
        "last_inspection_on": dt.date(2024, 3, 1),
        "next_inspection_due": dt.date(2028, 3, 1),
    }
    base.update(changes)
    return Cylinder(**base)  # type: ignore[arg-type]


def request(**changes: object) -> FillRequest:
    base = {"tag": "RFID-0001", "station_uscc": STATION, "filler_id": "p1", "medium": "液化石油气", "at": AT}
    base.update(changes)
    return FillRequest(**base)  # type: ignore[arg-type]


def reasons(refusals: tuple[object, ...]) -> set[RefusalReason]:
    return {r.reason for r in refusals}  # type: ignore[attr-defined]


def test_a_registered_own_valid_cylinder_with_a_certified_filler_opens_the_interlock() -> None:
    assert check_fill(good_cylinder(), request(), [VALID_P]) == ()


# Each failure on its own: (cylinder changes, request changes, certificates, expected reason)
SINGLE_FAILURES = {
    RefusalReason.NOT_OWNED_BY_STATION: ({}, {"station_uscc": OTHER_STATION}, [VALID_P]),
    RefusalReason.SCRAPPED: ({"scrapped_on": dt.date(2026, 1, 1)}, {}, [VALID_P]),
    RefusalReason.INSPECTION_EXPIRED: ({"next_inspection_due": dt.date(2026, 5, 31)}, {}, [VALID_P]),
    RefusalReason.NO_INSPECTION_RECORD: ({"next_inspection_due": None}, {}, [VALID_P]),
    RefusalReason.DESIGN_LIFE_EXCEEDED: ({"manufactured_on": dt.date(2018, 6, 1)}, {}, [VALID_P]),
    RefusalReason.MEDIUM_MISMATCH: ({}, {"medium": "二甲醚"}, [VALID_P]),
    RefusalReason.FILLER_NOT_CERTIFIED: ({}, {}, []),
}


@pytest.mark.parametrize("reason", list(SINGLE_FAILURES), ids=str)
def test_each_refusal_reason_on_its_own_is_the_only_reason_given(reason: RefusalReason) -> None:
    cylinder_changes, request_changes, certificates = SINGLE_FAILURES[reason]
    refusals = check_fill(good_cylinder(**cylinder_changes), request(**request_changes), certificates)
    assert reasons(refusals) == {reason}
    assert all(r.message and r.message_zh for r in refusals)


# An expired validity date and no validity date cannot both hold, so those pairs are not combined.
COMBINATIONS = [
    combo
    for combo in itertools.combinations(SINGLE_FAILURES, 3)
    if not {RefusalReason.INSPECTION_EXPIRED, RefusalReason.NO_INSPECTION_RECORD} <= set(combo)
]


@pytest.mark.parametrize("combo", COMBINATIONS, ids=str)
def test_combined_failures_are_all_listed(combo: tuple[RefusalReason, ...]) -> None:
    cylinder_changes: dict[str, object] = {}
    request_changes: dict[str, object] = {}
    certificates = [VALID_P]
    for reason in combo:
        c, r, certs = SINGLE_FAILURES[reason]
        cylinder_changes.update(c)
        request_changes.update(r)
        if not certs:
            certificates = []
    refusals = check_fill(good_cylinder(**cylinder_changes), request(**request_changes), certificates)
    assert reasons(refusals) == set(combo)


def test_an_unregistered_cylinder_is_refused_and_an_uncertified_filler_is_still_reported() -> None:
    assert reasons(check_fill(None, request(), [])) == {
        RefusalReason.NOT_REGISTERED,
        RefusalReason.FILLER_NOT_CERTIFIED,
    }


def test_a_contracted_station_may_fill() -> None:
    cylinder = good_cylinder(contracted_stations=(OTHER_STATION,))
    assert check_fill(cylinder, request(station_uscc=OTHER_STATION), [VALID_P]) == ()


def test_an_expired_or_not_yet_issued_certificate_does_not_count() -> None:
    expired = Certificate(number="x", category_code="P", expires_on=dt.date(2026, 5, 31))
    future = Certificate(number="y", category_code="P", issued_on=dt.date(2026, 7, 1))
    assert reasons(check_fill(good_cylinder(), request(), [expired, future])) == {RefusalReason.FILLER_NOT_CERTIFIED}


def test_legacy_2011_p4_certificate_counts_but_a_2019_n1_does_not() -> None:
    legacy = Certificate(number="old", category_code="P4", scheme_version="2011", expires_on=dt.date(2027, 1, 1))
    forklift = Certificate(number="n1", category_code="N1", expires_on=dt.date(2027, 1, 1))
    assert check_fill(good_cylinder(), request(), [legacy]) == ()
    assert reasons(check_fill(good_cylinder(), request(), [forklift])) == {RefusalReason.FILLER_NOT_CERTIFIED}


def test_medium_comparison_ignores_spacing_and_case() -> None:
    assert check_fill(good_cylinder(medium="co2"), request(medium=" CO2 "), [VALID_P]) == ()


def test_cylinder_status_follows_inspection_validity_and_scrapping() -> None:
    cylinder = good_cylinder(next_inspection_due=dt.date(2026, 6, 1))
    assert cylinder.status_on(dt.date(2026, 6, 1)) is CylinderStatus.IN_SERVICE
    assert cylinder.status_on(dt.date(2026, 6, 2)) is CylinderStatus.DUE_FOR_INSPECTION
    assert good_cylinder(scrapped_on=DAY).status_on(DAY) is CylinderStatus.SCRAPPED


VALID_R2 = Certificate(number="r2", category_code="R2", expires_on=dt.date(2028, 1, 1))
TANKER = MobileVessel(
    equipment_id="e1", catalog_code="2220", media=("液氨",), in_use=True, next_inspection_due=dt.date(2027, 1, 1)
)


def loading(**changes: object) -> LoadingRequest:
    base = {"equipment_id": "e1", "station_uscc": STATION, "operator_id": "o1", "medium": "液氨", "at": AT}
    base.update(changes)
    return LoadingRequest(**base)  # type: ignore[arg-type]


def test_mobile_vessel_loading_interlock_lists_every_failure() -> None:
    assert check_loading(TANKER, loading(), [VALID_R2]) == ()
    stopped = MobileVessel(
        equipment_id="e1", catalog_code="2220", media=("液氨",), in_use=False, next_inspection_due=DAY
    )
    got = reasons(check_loading(stopped, loading(medium="液氯", at=AT + dt.timedelta(days=1)), [VALID_P]))
    assert got == {
        RefusalReason.VESSEL_NOT_IN_USE,
        RefusalReason.INSPECTION_EXPIRED,
        RefusalReason.MEDIUM_MISMATCH,
        RefusalReason.FILLER_NOT_CERTIFIED,
    }


def ev(kind: CylinderEventKind, days: int, station: str = STATION, party: str = "") -> CylinderEvent:
    return CylinderEvent(
        cylinder_id="c1", kind=kind, at=AT + dt.timedelta(days=days), station_uscc=station, party=party
    )


def test_warnings_flag_overdue_cylinders_in_circulation_foreign_fills_and_repeated_refusals() -> None:
    cylinder = good_cylinder(next_inspection_due=dt.date(2026, 6, 10))
    events = [
        ev(CylinderEventKind.FILLED, 0),
        ev(CylinderEventKind.DISPATCHED, 1),
        ev(CylinderEventKind.DELIVERED, 2, party="household:郑州市金水区某小区3-201"),
        ev(CylinderEventKind.FILLED, 3, station=OTHER_STATION),
        ev(CylinderEventKind.DELIVERED, 4, party="household:x"),
        *(ev(CylinderEventKind.FILL_REFUSED, 5 + i) for i in range(3)),
    ]
    kinds = {w.kind for w in trace_warnings([cylinder], events, day=dt.date(2026, 6, 20))}
    assert kinds == {
        TraceWarningKind.OVERDUE_IN_CIRCULATION,
        TraceWarningKind.FILLED_BY_NON_OWNER,
        TraceWarningKind.REPEATED_REFUSALS,
    }


def test_a_returned_overdue_cylinder_is_not_in_circulation() -> None:
    cylinder = good_cylinder(next_inspection_due=dt.date(2026, 6, 10))
    events = [ev(CylinderEventKind.DELIVERED, 0, party="u"), ev(CylinderEventKind.RETURNED, 3)]
    assert trace_warnings([cylinder], events, day=dt.date(2026, 6, 20)) == []
