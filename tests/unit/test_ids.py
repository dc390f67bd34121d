"""Identifiers: USCC, equipment codes, registration numbers, rescue codes, ID numbers.

Real USCCs below were published by the companies or repeated in public sources (Wikipedia's Huawei article,
public repositories that quote well-known company data); each is checked with our algorithm *and* with
python-stdnum's independent ``stdnum.cn.uscc`` implementation.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric as stdnum_ric
from stdnum.cn import uscc as stdnum_uscc

from dualprev_sdk import ids
from dualprev_sdk.catalog import LEGACY_2004, CodeStatus
from dualprev_sdk.domain.common import SourceStatus
from dualprev_sdk.errors import InvalidArgument
from dualprev_sdk.regions import default_region_table

TODAY = dt.date(2026, 6, 1)

REAL_USCCS = {
    "914403001922038216": "华为技术有限公司 (zh.wikipedia, 機構代碼)",
    "91330100799655058B": "阿里巴巴（中国）有限公司",
    "91440300708461136T": "深圳市腾讯计算机系统有限公司",
    "9144030071526726XG": "腾讯科技（深圳）有限公司",
    "91110108551385082Q": "北京小米科技有限责任公司",
    "91110000802100433B": "a national-registration company (published as a valid sample)",
    "914101006831917309": "河南达海建设工程有限公司 (Zhengzhou, from a business-registration extract)",
    "91440300MA5H0HLK5U": "柯兴科技（深圳）有限公司 (website footer)",
    "91133100MA0D8N1J7G": "a 雄安新区 company (published company profile)",
    "91350100M000100Y43": "a Fuzhou company with a letter in its organisation code",
}


def rules(exc: pytest.ExceptionInfo[InvalidArgument]) -> list[str]:
    return [v.rule for v in exc.value.violations]


# -- USCC ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(REAL_USCCS))
def test_real_published_usccs_are_valid_here_and_in_python_stdnum(code: str) -> None:
    assert ids.validate_uscc(code) == code
    assert ids.uscc_check_character(code[:17]) == code[17]
    assert stdnum_uscc.is_valid(code)


def test_a_published_code_that_fails_its_check_is_rejected_by_both_implementations() -> None:
    # Listed as Baidu's code in a public demo data set; the check character does not match.
    code = "91110108717809965C"
    assert not stdnum_uscc.is_valid(code)
    with pytest.raises(InvalidArgument) as exc:
        ids.validate_uscc(code)
    assert "uscc.check_character" in rules(exc)


def test_uscc_is_normalised_to_stripped_upper_case() -> None:
    assert ids.validate_uscc("  91330100799655058b \n") == "91330100799655058B"


def test_a_parsed_uscc_names_its_parts() -> None:
    uscc = ids.parse_uscc("914101006831917309")
    assert uscc.registration_authority == "9"
    assert uscc.registration_authority_name == "市场监管（工商）"
    assert uscc.organization_category_name == "企业"
    assert uscc.region_code == "410100"
    assert uscc.region is not None
    assert uscc.region.full_name == "河南省/郑州市"
    assert uscc.organization_code == "683191730"
    assert uscc.check_character == "9"
    assert uscc.source.document.startswith("GB 32100")


def test_a_national_registration_uscc_has_no_region_but_is_valid() -> None:
    uscc = ids.parse_uscc("91110000802100433B")
    assert uscc.region_code == "110000"
    national = _make_uscc("91", "100000", "10000000")
    parsed = ids.parse_uscc(national)
    assert parsed.is_national_registration
    assert parsed.region is None


def _make_uscc(prefix: str, region: str, org_body: str) -> str:
    org = org_body + ids.organization_code_check_character(org_body)
    first17 = prefix + region + org
    return first17 + ids.uscc_check_character(first17)


@pytest.mark.parametrize("prefix", ["A1", "N1", "Y1", "21", "84", "59"])
def test_newer_authority_and_category_codes_are_not_rejected(prefix: str) -> None:
    code = _make_uscc(prefix, "410100", "12345678")
    assert ids.validate_uscc(code) == code
    # python-stdnum computes the same check character but its validate() wants digits in positions 1-8,
    # the over-strict rule the domain reference says not to copy.
    assert stdnum_uscc.calc_check_digit(code[:17]) == code[17]
    assert stdnum_uscc.is_valid(code) == prefix.isdigit()


def test_a_wrong_check_character_names_position_18_and_the_expected_character() -> None:
    with pytest.raises(InvalidArgument) as exc:
        ids.validate_uscc("91330100799655058C")
    violation = exc.value.violations[0]
    assert violation.rule == "uscc.check_character"
    assert violation.field == "uscc"
    assert "position 18" in violation.message
    assert "expected 'B'" in violation.message


@pytest.mark.parametrize("bad", ["I", "O", "S", "V", "Z", "*", "中"])
def test_characters_outside_the_alphabet_are_named_with_their_position(bad: str) -> None:
    code = "91330100799655058B"
    mutated = code[:10] + bad + code[11:]
    with pytest.raises(InvalidArgument) as exc:
        ids.validate_uscc(mutated)
    assert rules(exc) == ["uscc.alphabet"]
    assert "position 11" in exc.value.violations[0].message


@pytest.mark.parametrize("code", ["", "9133010079965505", "91330100799655058BB", "91330100799655058B1"])
def test_a_uscc_of_the_wrong_length_is_rejected(code: str) -> None:
    with pytest.raises(InvalidArgument) as exc:
        ids.validate_uscc(code)
    assert rules(exc) == ["uscc.length"]


def test_a_region_part_with_letters_is_rejected_even_with_a_matching_check_character() -> None:
    code = _make_uscc("91", "41A100", "12345678")
    with pytest.raises(InvalidArgument) as exc:
        ids.validate_uscc(code)
    assert rules(exc) == ["uscc.region_code"]


def test_a_region_part_with_an_unknown_province_is_rejected() -> None:
    code = _make_uscc("91", "000100", "12345678")
    with pytest.raises(InvalidArgument) as exc:
        ids.validate_uscc(code)
    assert rules(exc) == ["uscc.region_code"]
    assert "'00'" in exc.value.violations[0].message


def test_a_wrong_organisation_code_check_is_its_own_rule_and_can_be_skipped() -> None:
    expected_org = ids.organization_code_check_character("12345678")
    wrong = "0" if expected_org != "0" else "1"
    first17 = "91410100" + "12345678" + wrong
    code = first17 + ids.uscc_check_character(first17)
    with pytest.raises(InvalidArgument) as exc:
        ids.validate_uscc(code)
    assert rules(exc) == ["uscc.organization_code.check_character"]
    assert f"expected {expected_org!r}" in exc.value.violations[0].message
    assert ids.validate_uscc(code, check_organization_code=False) == code


def test_the_field_path_is_the_callers() -> None:
    with pytest.raises(InvalidArgument) as exc:
        ids.validate_uscc("x", field="units[3].uscc")
    assert exc.value.violations[0].field == "units[3].uscc"


_USCC_ORG_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_PROVINCES = sorted({c[:2] for c in default_region_table().codes() if c.endswith("0000")})


@st.composite
def valid_usccs(draw: st.DrawFn) -> str:
    prefix = draw(st.text(ids.USCC_ALPHABET, min_size=2, max_size=2))
    region = draw(st.sampled_from(_PROVINCES)) + draw(st.text("0123456789", min_size=4, max_size=4))
    body = draw(st.text(_USCC_ORG_CHARS, min_size=8, max_size=8))
    return _make_uscc(prefix, region, body)


@settings(max_examples=200, deadline=None)
@given(valid_usccs())
def test_generated_usccs_are_valid_and_stdnum_agrees_on_the_check_character(code: str) -> None:
    assert ids.validate_uscc(code) == code
    assert stdnum_uscc.calc_check_digit(code[:17]) == code[17]


@settings(max_examples=300, deadline=None)
@given(
    valid_usccs(),
    st.integers(min_value=0, max_value=17),
    st.sampled_from([*ids.USCC_ALPHABET, "I", "O", "S", "V", "Z", "-", " "]),
)
def test_every_single_character_substitution_is_caught(code: str, position: int, replacement: str) -> None:
    if code[position] == replacement:
        return
    mutated = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(InvalidArgument):
        ids.validate_uscc(mutated)


@settings(max_examples=200, deadline=None)
@given(valid_usccs(), st.integers(min_value=0, max_value=15))
def test_every_adjacent_transposition_within_the_first_17_characters_is_caught(code: str, position: int) -> None:
    a, b = code[position], code[position + 1]
    if a == b:
        return
    swapped = code[:position] + b + a + code[position + 2 :]
    with pytest.raises(InvalidArgument):
        ids.validate_uscc(swapped)


# -- equipment codes -------------------------------------------------------------------------------------------


def test_an_18_character_code_is_split_into_variety_manufacturer_year_and_sequence() -> None:
    code = ids.parse_equipment_code("215010890201500098", today=TODAY)
    assert code.format is ids.EquipmentCodeFormat.TSG08_2017
    assert code.catalog_code == "2150"
    assert code.catalog is not None
    assert code.catalog.name_zh == "第二类压力容器"
    assert code.manufacturer_code == "10890"
    assert code.licensing_area == "10"
    assert code.licence_sequence == "890"
    assert code.year == 2015
    assert code.sequence == "00098"
    assert not code.legacy
    assert code.warnings == ()


def test_a_provincial_licensing_area_and_letters_in_the_sequence_are_accepted() -> None:
    code = ids.parse_equipment_code("2150230102019A0001", today=TODAY)
    assert code.licensing_area == "23"
    assert code.sequence == "A0001"


def test_a_manufacture_year_in_the_future_is_rejected() -> None:
    with pytest.raises(InvalidArgument) as exc:
        ids.parse_equipment_code("215010890202700098", today=TODAY)
    assert rules(exc) == ["equipment_code.year"]


def test_an_unknown_catalogue_code_or_licensing_area_is_a_warning_not_an_error() -> None:
    code = ids.parse_equipment_code("4430990012015000A1", today=TODAY)
    assert code.catalog is not None
    assert code.catalog.status is CodeStatus.OUT_OF_CATALOG
    assert any("licensing area '99'" in w for w in code.warnings)
    assert any("飞出目录" in w for w in code.warnings)


def test_the_ningxia_legacy_registration_code_is_accepted_and_marked_legacy() -> None:
    code = ids.parse_equipment_code("31106401052014080025", today=TODAY)
    assert code.legacy
    assert code.catalog_code == "3110"
    assert code.region_code == "640105"
    assert code.region is not None
    assert code.region.name == "西夏区"
    assert (code.year, code.registration_month, code.sequence) == (2014, 8, "0025")


def test_a_legacy_elevator_code_registered_before_2014_is_read_in_the_2004_scheme_and_needs_review() -> None:
    code = ids.parse_equipment_code("33106401052012080025", today=TODAY)
    assert code.catalog_version == LEGACY_2004
    assert code.needs_review
    assert code.catalog is not None
    assert code.catalog.entry is not None
    assert code.catalog.entry.code == "3210"  # 液压客梯, not 自动扶梯


def test_a_2014_registration_with_a_code_whose_meaning_changed_needs_review() -> None:
    code = ids.parse_equipment_code("33106401052014110001", today=TODAY)
    assert code.needs_review
    assert any("review" in w for w in code.warnings)


def test_a_legacy_pipeline_code_may_use_letters_in_its_sequence() -> None:
    assert ids.parse_equipment_code("8300410102201505A002", today=TODAY).sequence == "A002"


@pytest.mark.parametrize(
    ("code", "rule"),
    [
        ("31106401052014130025", "equipment_code.month"),
        ("31106401052014000025", "equipment_code.month"),
        ("31100001052014080025", "equipment_code.region_code"),
        ("31106401052027010025", "equipment_code.year"),
        ("3110640105201408002", "equipment_code.length"),
        ("311064010520140800-5", "equipment_code.format"),
        ("2150108902015000-8", "equipment_code.format"),
    ],
)
def test_implausible_equipment_codes_are_rejected(code: str, rule: str) -> None:
    with pytest.raises(InvalidArgument) as exc:
        ids.parse_equipment_code(code, today=TODAY)
    assert rule in rules(exc)


def test_a_dash_means_the_code_is_not_known_yet() -> None:
    code = ids.parse_equipment_code(" - ")
    assert code.is_unknown
    assert code.catalog_code is None


def test_equipment_codes_are_normalised_to_upper_case() -> None:
    assert ids.validate_equipment_code("23t0108902015000a1", today=TODAY) == "23T0108902015000A1"


# -- registration certificate numbers --------------------------------------------------------------------------


def test_a_registration_number_with_full_width_brackets_normalises_to_half_width() -> None:
    number = ids.parse_registration_number("梯11豫A00001（17）", today=TODAY)
    assert number.text == "梯11豫A00001(17)"
    assert number.full_width == "梯11豫A00001（17）"
    assert ids.validate_registration_number("梯 11 豫Ａ00001(17)", today=TODAY) == "梯11豫A00001(17)"


def test_a_registration_number_is_split_into_its_parts() -> None:
    number = ids.parse_registration_number("梯11宁A00001(17)", today=TODAY)
    assert number.kind_code == "3000"
    assert number.catalog_code == "3110"
    assert number.province_code == "64"
    assert number.city_name == "银川"
    assert number.city_region_code == "640100"
    assert number.serial == "00001"
    assert number.year == 2017
    assert number.city_source is not None
    assert number.city_source.status is SourceStatus.VERIFIED


def test_henan_city_letters_are_data_marked_general_knowledge() -> None:
    number = ids.parse_registration_number("梯31豫U00012(21)", today=TODAY)
    assert number.city_name == "济源"
    assert number.city_region_code == "419001"
    assert number.catalog_code == "3310"
    assert number.city_source is not None
    assert number.city_source.status is SourceStatus.GENERAL_KNOWLEDGE


def test_a_city_letter_outside_the_province_table_is_rejected_and_the_table_can_be_overridden() -> None:
    with pytest.raises(InvalidArgument) as exc:
        ids.parse_registration_number("梯11豫T00001(17)", today=TODAY)
    assert rules(exc) == ["registration_number.city_letter"]
    override = {"41": {"status": "user", "letters": {"T": {"name_zh": "测试", "region": "410100"}}}}
    assert ids.parse_registration_number("梯11豫T00001(17)", today=TODAY, city_letters=override).city_name == "测试"


def test_cities_of_provinces_without_a_letter_table_are_accepted() -> None:
    number = ids.parse_registration_number("起17苏E00231(19)", today=TODAY)
    assert number.catalog_code == "4170"
    assert number.city_name is None


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("梯11豫A0001(17)", "registration_number.format"),
        ("梯11豫A00001", "registration_number.format"),
        ("电11豫A00001(17)", "registration_number.kind"),
        ("梯11X A00001(17)", "registration_number.province"),
        ("梯99豫A00001(17)", "registration_number.variety"),
        ("梯11豫A00001(29)", "registration_number.year"),
    ],
)
def test_malformed_registration_numbers_are_rejected(text: str, rule: str) -> None:
    with pytest.raises(InvalidArgument) as exc:
        ids.parse_registration_number(text, today=TODAY)
    assert rule in rules(exc)


def test_an_unknown_variety_for_a_kind_whose_rule_is_inferred_is_only_a_warning() -> None:
    number = ids.parse_registration_number("容99豫A00001(17)", today=TODAY)
    assert number.catalog_code is None
    assert number.warnings


# -- rescue codes ----------------------------------------------------------------------------------------------


def test_a_zhengzhou_rescue_code_has_six_digits() -> None:
    rescue = ids.validate_rescue_code("235274", "410102")
    assert rescue.platform_phone == "96333"
    assert rescue.pattern == r"^\d{6}$"


@pytest.mark.parametrize("code", ["23527", "2352741", "23527A", ""])
def test_a_henan_rescue_code_that_is_not_six_digits_is_rejected(code: str) -> None:
    with pytest.raises(InvalidArgument) as exc:
        ids.validate_rescue_code(code, "410100")
    assert rules(exc) == ["rescue_code.format"]


def test_zhangzhou_uses_five_digit_codes_on_96196() -> None:
    rescue = ids.validate_rescue_code("12345", "350602")
    assert rescue.platform_phone == "96196"
    with pytest.raises(InvalidArgument):
        ids.validate_rescue_code("123456", "350602")


def test_rescue_patterns_can_be_overridden_per_region() -> None:
    patterns = {"": {"pattern": r"^\d{6}$"}, "4101": {"pattern": r"^ZZ\d{4}$", "platform_phone": "96333"}}
    assert ids.validate_rescue_code("ZZ1234", "410102", patterns=patterns).code == "ZZ1234"


def test_a_rescue_code_needs_a_valid_region() -> None:
    with pytest.raises(InvalidArgument) as exc:
        ids.validate_rescue_code("235274", "4101")
    assert exc.value.violations[0].rule == "region.format"


# -- ID numbers ------------------------------------------------------------------------------------------------


def test_the_gb_11643_example_number_is_valid() -> None:
    number = ids.parse_id_number("11010519491231002x", today=TODAY)
    assert number.text == "11010519491231002X"
    assert number.birth_date == dt.date(1949, 12, 31)
    assert number.region_code == "110105"
    assert "19491231" not in repr(number)  # personal data stays out of logs
    assert stdnum_ric.is_valid(number.text)


def _make_id(region: str, birth: dt.date, sequence: str) -> str:
    first17 = region + birth.strftime("%Y%m%d") + sequence
    return first17 + ids.id_number_check_character(first17)


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(["410102", "110105", "640105", "419001"]),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY),
    st.text("0123456789", min_size=3, max_size=3),
)
def test_generated_id_numbers_are_valid_and_stdnum_agrees_on_the_check(
    region: str, birth: dt.date, sequence: str
) -> None:
    number = _make_id(region, birth, sequence)
    assert ids.validate_id_number(number, today=TODAY) == number
    # stdnum's validate() also checks that the county existed in the birth year; compare the check only.
    assert stdnum_ric.calc_check_digit(number) == number[-1]


@settings(max_examples=200, deadline=None)
@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY),
    st.integers(min_value=0, max_value=16),
    st.integers(min_value=1, max_value=9),
)
def test_every_single_digit_change_of_an_id_number_is_caught(birth: dt.date, position: int, delta: int) -> None:
    number = _make_id("410102", birth, "123")
    digit = (int(number[position]) + delta) % 10
    mutated = number[:position] + str(digit) + number[position + 1 :]
    with pytest.raises(InvalidArgument):
        ids.validate_id_number(mutated, today=TODAY)


@pytest.mark.parametrize(
    ("number", "rule"),
    [
        ("11010519491231002", "id_number.length"),
        ("110105194912310", "id_number.length"),
        ("1101051949123100AX", "id_number.format"),
        ("110105194912310029", "id_number.check_character"),
        ("110105194902300027", "id_number.birth_date"),
        ("000105194912310021", "id_number.region"),
    ],
)
def test_bad_id_numbers_are_rejected_with_the_rule(number: str, rule: str) -> None:
    with pytest.raises(InvalidArgument) as exc:
        ids.parse_id_number(number, today=TODAY)
    assert rule in rules(exc)


def test_a_birth_date_in_the_future_is_rejected() -> None:
    number = _make_id("410102", dt.date(2026, 7, 1), "001")
    with pytest.raises(InvalidArgument) as exc:
        ids.parse_id_number(number, today=TODAY)
    assert rules(exc) == ["id_number.birth_date"]


def test_a_fifteen_digit_number_gets_a_conversion_hint() -> None:
    with pytest.raises(InvalidArgument) as exc:
        ids.validate_id_number("110105491231002")
    assert "15-digit" in exc.value.violations[0].message


# -- regions through ids -------------------------------------------------------------------------------------


def test_region_codes_are_parsed_through_ids_too() -> None:
    assert ids.parse_region("419001").name == "济源市"
