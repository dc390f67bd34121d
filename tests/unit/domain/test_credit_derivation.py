"""Credit records derived from facts (one per fact, deterministic ids), the listing reason and publication text,
and regulator-issued classes."""

from __future__ import annotations

import datetime as dt

import pytest

from dualprev_sdk.domain.credit import (
    BlacklistPolicy,
    CreditClass,
    CreditRecord,
    CreditRecordKind,
    DerivationRules,
    IssuedClass,
    MajorHazardFact,
    Severity,
    blacklist_reason,
    credit_record_id,
    overdue_major_hazard_records,
    publication_text,
    repeated_major_hazard_records,
)
from dualprev_sdk.errors import InvalidArgument

UNIT = "91410100MA3X00001A"
TODAY = dt.date(2026, 6, 1)


def fact(
    hazard_id: str,
    found_on: dt.date,
    *,
    deadline: dt.date | None = None,
    open_: bool = True,
    closed_on: dt.date | None = None,
    equipment_id: str | None = "E-1",
) -> MajorHazardFact:
    return MajorHazardFact(
        hazard_id=hazard_id,
        unit_uscc=UNIT,
        equipment_id=equipment_id,
        found_on=found_on,
        deadline=deadline,
        open=open_,
        closed_on=closed_on,
    )


def test_a_major_hazard_open_past_its_deadline_is_overdue_from_the_next_day() -> None:
    records = overdue_major_hazard_records([fact("H1", dt.date(2026, 3, 1), deadline=dt.date(2026, 5, 1))], today=TODAY)
    assert [(r.id, r.kind, r.occurred_on) for r in records] == [
        ("CR-MHO-H1", CreditRecordKind.MAJOR_HAZARD_OVERDUE, dt.date(2026, 5, 2))
    ]
    assert records[0].evidence == "hazards/H1"


def test_a_major_hazard_closed_after_its_deadline_counts_but_one_closed_in_time_or_not_yet_due_does_not() -> None:
    late = fact("H1", dt.date(2026, 1, 1), deadline=dt.date(2026, 2, 1), open_=False, closed_on=dt.date(2026, 2, 9))
    in_time = fact("H2", dt.date(2026, 1, 1), deadline=dt.date(2026, 2, 1), open_=False, closed_on=dt.date(2026, 2, 1))
    not_due = fact("H3", dt.date(2026, 5, 1), deadline=dt.date(2026, 7, 1))
    no_plan = fact("H4", dt.date(2026, 5, 1))
    records = overdue_major_hazard_records([late, in_time, not_due, no_plan], today=TODAY)
    assert [r.id for r in records] == ["CR-MHO-H1"]


def test_a_second_major_hazard_on_the_same_equipment_within_the_window_is_a_repeat_and_others_are_not() -> None:
    facts = [
        fact("H1", dt.date(2025, 1, 1)),
        fact("H2", dt.date(2025, 12, 31)),  # 364 days later: repeat
        fact("H3", dt.date(2027, 6, 1)),  # more than a year after H2: not a repeat
        fact("H4", dt.date(2025, 2, 1), equipment_id="E-2"),  # other equipment
        fact("H5", dt.date(2025, 2, 1), equipment_id=None),  # not about equipment
    ]
    assert [r.id for r in repeated_major_hazard_records(facts)] == ["CR-MHR-H2"]
    wide = repeated_major_hazard_records(facts, rules=DerivationRules(repeat_window_days=600))
    assert [r.id for r in wide] == ["CR-MHR-H2", "CR-MHR-H3"]


def test_derived_ids_are_deterministic_and_fit_the_id_column() -> None:
    assert credit_record_id("CR-UWO", "E-1-20260301") == "CR-UWO-E-1-20260301"
    long_key = "E" * 80
    made = credit_record_id("CR-UWO", long_key)
    assert made == credit_record_id("CR-UWO", long_key)
    assert len(made) <= 64


def test_the_reason_lists_each_trigger_with_date_and_severity() -> None:
    records = [
        CreditRecord(
            id="b",
            unit_uscc=UNIT,
            kind=CreditRecordKind.MAJOR_HAZARD_OVERDUE,
            occurred_on=dt.date(2026, 5, 2),
            source="s",
        ),
        CreditRecord(
            id="a",
            unit_uscc=UNIT,
            kind=CreditRecordKind.ACCIDENT,
            occurred_on=dt.date(2026, 2, 1),
            source="s",
            severity=Severity.SERIOUS.value,
        ),
    ]
    assert blacklist_reason(records) == "2026年2月1日较大发生特种设备事故；2026年5月2日重大事故隐患逾期未整改"


def test_the_publication_text_fills_the_template_and_a_bad_template_is_refused() -> None:
    text = publication_text(
        unit_name="某公司",
        unit_uscc=UNIT,
        reason="事故",
        listed_on=dt.date(2026, 6, 1),
        policy=BlacklistPolicy(listing_years=2),
        authority="某局",
    )
    assert "某公司（统一社会信用代码：91410100MA3X00001A）因事故" in text
    assert "列入期限2年（至2028年6月1日）" in text
    assert text.endswith("某局")
    with pytest.raises(InvalidArgument) as caught:
        publication_text(unit_name="x", unit_uscc=UNIT, reason="r", listed_on=TODAY, template="${unknown}")
    assert caught.value.violations[0].field == "template"


def test_an_issued_class_describes_who_issued_it_and_when() -> None:
    issued = IssuedClass(
        unit_uscc=UNIT,
        credit_class=CreditClass.C,
        issued_on=dt.date(2026, 1, 10),
        authority="开封市市场监督管理局",
        note="年度认定",
    )
    assert issued.describe() == "开封市市场监督管理局 2026-01-10 认定为C类：年度认定"
