"""TSG Z6001-2019 categories, the 2011 list, and what a legacy certificate counts for."""

from __future__ import annotations

import datetime as dt

from dualprev_sdk.domain.common import SourceStatus
from dualprev_sdk.domain.personnel import (
    CATEGORIES_2011,
    CATEGORIES_2019,
    CONVERSIONS_2011,
    Certificate,
    convert_legacy,
    effective_categories,
)


def test_the_2019_list_has_no_pressure_piping_item() -> None:
    assert not any(code.startswith("D") for code in CATEGORIES_2019)
    assert convert_legacy("D1").targets == ()


def test_every_2011_item_has_a_conversion_row() -> None:
    assert set(CONVERSIONS_2011) == set(CATEGORIES_2011)


def test_first_class_boiler_operators_convert_to_industrial_boiler_without_review() -> None:
    conversion = convert_legacy("G1")
    assert (conversion.targets, conversion.review, conversion.source.status) == (("G1",), False, SourceStatus.VERIFIED)


def test_second_and_third_class_boiler_operators_convert_to_one_of_two_items_by_the_boiler() -> None:
    for code in ("G2", "G3"):
        conversion = convert_legacy(code)
        assert (conversion.targets, conversion.alternatives, conversion.review) == (("G1", "G2"), True, True)


def test_water_ride_operation_and_repair_converts_to_both_ride_items() -> None:
    conversion = convert_legacy("Y4")
    assert (conversion.targets, conversion.alternatives, conversion.review) == (("Y1", "Y2"), False, False)


def test_the_same_letters_mean_different_things_in_the_two_schemes() -> None:
    assert CATEGORIES_2011["N2"].item_zh == "叉车司机"
    assert CATEGORIES_2019["N2"].item_zh == "观光车和观光列车司机"
    assert convert_legacy("N2").targets == ("N1",)


def test_inferred_conversions_are_flagged_for_review() -> None:
    inferred = [c for c in CONVERSIONS_2011.values() if c.source.status is SourceStatus.GENERAL_KNOWLEDGE]
    assert inferred
    assert all(c.review for c in inferred)


def test_a_legacy_certificate_counts_only_once_confirmed_when_its_conversion_needs_review() -> None:
    old = Certificate(number="1", category_code="Q5", scheme_version="2011")
    assert effective_categories(old)[0] == ()
    confirmed = Certificate(number="1", category_code="Q5", scheme_version="2011", confirmed_as=("Q2",))
    assert effective_categories(confirmed)[0] == ("Q2",)


def test_a_verified_conversion_counts_without_review() -> None:
    assert effective_categories(Certificate(number="1", category_code="G1", scheme_version="2011"))[0] == ("G1",)


def test_a_crane_driver_conversion_keeps_the_crane_type_as_limitation() -> None:
    assert convert_legacy("Q5").limitation == "限塔式起重机"


def test_an_unknown_code_converts_to_nothing_and_needs_review() -> None:
    conversion = convert_legacy("ZZ")
    assert (conversion.targets, conversion.review) == ((), True)


def test_a_certificate_is_valid_through_its_expiry_day() -> None:
    cert = Certificate(number="1", category_code="A", expires_on=dt.date(2027, 1, 1))
    assert cert.valid_on(dt.date(2027, 1, 1))
    assert not cert.valid_on(dt.date(2027, 1, 2))
