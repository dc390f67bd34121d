"""Credit classification is explainable and overridable; the blacklist keeps its history; repair has rules."""

from __future__ import annotations

import datetime as dt

import pytest

from dualprev_sdk.domain.credit import (
    BlacklistEntry,
    BlacklistStatus,
    ClassificationModel,
    CreditClass,
    CreditRecord,
    CreditRecordKind,
    RepairApplication,
    Severity,
    blacklist_triggers,
    classify,
    publication_list,
)
from dualprev_sdk.errors import FailedPrecondition, InvalidArgument

UNIT = "91410100MA3X00001A"
DAY = dt.date(2026, 6, 1)


def rec(n: int, kind: CreditRecordKind, on: dt.date, severity: str = "") -> CreditRecord:
    return CreditRecord(
        id=f"r{n}", unit_uscc=UNIT, kind=kind, occurred_on=on, source="郑州市市场监管局", severity=severity
    )


def test_a_unit_without_records_is_class_a_with_nothing_behind_it() -> None:
    result = classify(UNIT, [], day=DAY)
    assert result.credit_class is CreditClass.A
    assert result.contributions == ()


def test_each_bad_record_lowers_the_score_and_the_explanation_lists_it() -> None:
    records = [
        rec(1, CreditRecordKind.USED_WHILE_OVERDUE, dt.date(2025, 3, 1)),
        rec(2, CreditRecordKind.UNCERTIFIED_OPERATOR, dt.date(2025, 9, 1)),
    ]
    result = classify(UNIT, records, day=DAY)
    assert result.score == 80
    assert result.credit_class is CreditClass.B
    assert [r.id for r, _ in result.contributions] == ["r1", "r2"]
    text = "\n".join(result.explain())
    assert "使用逾期未检特种设备 -10" in text
    assert "作业人员无证上岗 -10" in text


def test_records_outside_the_window_do_not_count() -> None:
    old = rec(1, CreditRecordKind.REFUSED_INSPECTION, dt.date(2022, 1, 1))
    assert classify(UNIT, [old], day=DAY).credit_class is CreditClass.A


def test_a_serious_accident_forces_class_d_whatever_the_score() -> None:
    records = [
        rec(1, CreditRecordKind.DEMONSTRATION_ENTERPRISE, dt.date(2025, 1, 1)),
        rec(2, CreditRecordKind.ACCIDENT, dt.date(2025, 5, 1), Severity.SERIOUS.value),
    ]
    result = classify(UNIT, records, day=DAY)
    assert result.score == 75
    assert result.credit_class is CreditClass.D
    assert result.forced_by is not None
    assert result.forced_by.id == "r2"


def test_a_regulator_issued_class_overrides_and_says_so() -> None:
    result = classify(UNIT, [], day=DAY, issued_class=CreditClass.C, issued_note="郑州市局 2026-05")
    assert result.credit_class is CreditClass.C
    assert result.computed_class is CreditClass.A
    assert result.issued_by_regulator
    assert "issued by the regulator" in result.explain()[-1]


def test_a_province_can_load_its_own_model() -> None:
    model = ClassificationModel.from_mapping(
        {"points": {"used_while_overdue": -50}, "thresholds": {"A": 90, "B": 70, "C": 40}, "source": "某省细则"}
    )
    result = classify(UNIT, [rec(1, CreditRecordKind.USED_WHILE_OVERDUE, dt.date(2026, 1, 1))], day=DAY, model=model)
    assert result.credit_class is CreditClass.C
    assert result.model_source.document == "某省细则"


def test_a_bad_model_is_rejected_naming_every_field() -> None:
    with pytest.raises(InvalidArgument) as err:
        ClassificationModel.from_mapping({"points": {"nonsense": 1}, "thresholds": {"E": 1}})
    assert {v.field for v in err.value.violations} == {"points.nonsense", "thresholds.E"}


def test_accidents_and_overdue_major_hazards_trigger_the_blacklist_but_good_records_do_not() -> None:
    records = [
        rec(1, CreditRecordKind.ACCIDENT, DAY, Severity.GENERAL.value),
        rec(2, CreditRecordKind.MAJOR_HAZARD_OVERDUE, DAY),
        rec(3, CreditRecordKind.DEMONSTRATION_ENTERPRISE, DAY),
        rec(4, CreditRecordKind.UNCERTIFIED_OPERATOR, DAY),
    ]
    assert [r.id for r in blacklist_triggers(records)] == ["r1", "r2"]


def entry(listed_on: dt.date = dt.date(2024, 1, 10), region: str = "410105") -> BlacklistEntry:
    return BlacklistEntry(
        id="b1",
        unit_uscc=UNIT,
        region_code=region,
        listed_on=listed_on,
        reason="重大事故隐患逾期未整改",
        trigger_record_ids=("r2",),
        publication_text="某公司因重大事故隐患整改不力列入特种设备安全不良记录名单",
    )


def test_an_entry_expires_after_its_period_and_keeps_its_history() -> None:
    item = entry()
    assert not item.expire(dt.date(2027, 1, 9))
    assert item.expire(dt.date(2027, 1, 10))
    assert item.status is BlacklistStatus.REMOVED_EXPIRED
    assert item.is_listed_on(dt.date(2026, 1, 1))
    assert not item.is_listed_on(dt.date(2027, 1, 10))


def repair(on: dt.date, **changes: bool) -> RepairApplication:
    flags = {"penalty_fulfilled": True, "harm_removed": True, "no_new_heavy_penalty": True} | changes
    return RepairApplication(applied_on=on, statement="已整改完毕并缴纳罚款", **flags)


def test_credit_repair_is_possible_after_one_year_with_all_conditions_and_a_decision() -> None:
    item = entry()
    with pytest.raises(FailedPrecondition, match="from 2025-01-10"):
        item.apply_for_repair(repair(dt.date(2024, 12, 1)))
    with pytest.raises(InvalidArgument) as err:
        item.apply_for_repair(repair(dt.date(2025, 2, 1), harm_removed=False, penalty_fulfilled=False))
    assert {v.field for v in err.value.violations} == {"application.harm_removed", "application.penalty_fulfilled"}
    item.apply_for_repair(repair(dt.date(2025, 2, 1)))
    item.decide_repair(approved=True, day=dt.date(2025, 3, 1), decided_by="郑州市市场监督管理局")
    assert item.status is BlacklistStatus.REMOVED_REPAIRED
    assert item.removed_on == dt.date(2025, 3, 1)
    assert item.repairs[-1].approved is True


def test_publication_list_is_per_region_and_day() -> None:
    zhengzhou = entry(region="410105")
    luoyang = entry(region="410302")
    assert publication_list([zhengzhou, luoyang], region_prefix="4101", day=DAY) == [zhengzhou]
