"""The ledger template: headings as enterprises write them, aliases, normalisation."""

from __future__ import annotations

from dualprev_sdk.importing.template import ledger_columns, map_headers, normalize_header


def test_every_template_column_has_a_chinese_heading_a_kind_and_an_example() -> None:
    for column in ledger_columns():
        assert column.header, column.key
        assert column.kind, column.key
        assert column.example, column.key


def test_no_heading_is_an_alias_of_two_columns() -> None:
    seen: dict[str, str] = {}
    for column in ledger_columns():
        for spelling in column.spellings:
            key = normalize_header(spelling)
            assert seen.setdefault(key, column.key) == column.key, spelling


def test_full_width_brackets_spaces_and_line_breaks_do_not_change_a_heading() -> None:
    assert normalize_header("所在地区（行政区划代码）") == normalize_header(" 所在地区 (行政区划代码)\n")


def test_aliases_map_to_the_template_column() -> None:
    mapping = map_headers(["单位名称", "社会信用代码", "行政区划代码", "品种代码", "注册代码", "登记证号", "内部编号"])
    assert set(mapping.columns) == {
        "unit_name",
        "unit_uscc",
        "region_code",
        "variety_code",
        "equipment_code",
        "registration_number",
        "unit_internal_number",
    }


def test_a_heading_with_a_unit_suffix_still_finds_its_column() -> None:
    assert "design_life_years" in map_headers(["设计使用年限（年）"]).columns


def test_unknown_headings_become_parameter_columns_in_file_order() -> None:
    mapping = map_headers(["设备代码", "额定载重量(kg)", "", "额定速度(m/s)"])
    assert mapping.parameters == ((1, "额定载重量(kg)"), (3, "额定速度(m/s)"))


def test_a_column_given_twice_is_reported_as_a_duplicate() -> None:
    mapping = map_headers(["设备代码", "注册代码"])
    assert mapping.duplicates == (("equipment_code", (0, 1)),)


def test_the_template_examples_form_a_valid_ledger_row() -> None:
    from dualprev_sdk.importing.lookups import Lookups
    from dualprev_sdk.importing.validation import RowValidator

    columns = [c for c in ledger_columns() if c.key != "category_code"]  # the variety example stands alone
    validator = RowValidator(map_headers([c.header for c in columns]), lookups=Lookups())
    parsed, errors, _ = validator.validate(2, [c.example for c in columns])
    assert errors == []
    assert parsed is not None


def test_the_import_guide_documents_every_template_column_and_alias() -> None:
    from pathlib import Path

    guide = (Path(__file__).parents[3] / "docs" / "ledger-import.md").read_text(encoding="utf-8")
    for column in ledger_columns():
        for spelling in column.spellings:
            assert spelling in guide, spelling
