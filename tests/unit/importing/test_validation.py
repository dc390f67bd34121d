"""Row validation: every violation of a row is reported with the heading as written in the file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pytest
from ledger_samples import VALID_ROW, make_uscc, row

from dualprev_sdk.domain.common import CrowdedPlaceType
from dualprev_sdk.equipment_classes import EquipmentClassRegistry
from dualprev_sdk.importing.lookups import Lookups
from dualprev_sdk.importing.report import RowError
from dualprev_sdk.importing.template import map_headers
from dualprev_sdk.importing.validation import LedgerRow, RowValidator, parse_date

TODAY = dt.date(2026, 6, 1)


def validate(
    cells: Mapping[str, Any], registry: EquipmentClassRegistry | None = None
) -> tuple[LedgerRow | None, list[RowError], list[Any]]:
    validator = RowValidator(map_headers(list(cells)), lookups=Lookups(), equipment_classes=registry, today=TODAY)
    return validator.validate(5, list(cells.values()))


def rules(errors: list[RowError]) -> dict[str, str]:
    return {e.column: e.rule for e in errors}


def test_a_clean_row_becomes_a_unit_and_an_equipment_keyed_by_its_equipment_code() -> None:
    parsed, errors, flags = validate(VALID_ROW)
    assert errors == []
    assert flags == []
    assert parsed is not None
    assert parsed.unit["uscc"] == VALID_ROW["统一社会信用代码"]
    assert (parsed.key_kind, parsed.key) == ("equipment_code", "311010890201500098")
    assert parsed.equipment["commissioned_on"] == dt.date(2015, 10, 8)
    assert parsed.equipment["next_inspection_due"] == dt.date(2026, 10, 7)
    assert parsed.equipment["design_life_years"] == 15
    assert parsed.equipment["crowded_place"] == CrowdedPlaceType.MALL.value


def test_every_violation_of_a_row_is_reported_not_just_the_first() -> None:
    bad_uscc = make_uscc(7)[:-1] + ("0" if make_uscc(7)[-1] != "0" else "1")
    parsed, errors, _ = validate(
        row(统一社会信用代码=bad_uscc, **{"所在地区(行政区划代码)": "419999"}, 制造日期="2015-02-30", 设备状态="坏了")
    )
    assert parsed is None
    found = rules(errors)
    assert found["统一社会信用代码"].startswith("uscc.")
    assert found["所在地区(行政区划代码)"].startswith("region.")
    assert found["制造日期"] == "date.calendar"
    assert found["设备状态"] == "enum.status"
    assert all(e.row == 5 for e in errors)


def test_errors_name_the_heading_as_the_enterprise_wrote_it() -> None:
    cells = {("社会信用代码" if k == "统一社会信用代码" else k): v for k, v in VALID_ROW.items()}
    cells["社会信用代码"] = "123"
    _, errors, _ = validate(cells)
    assert [e.column for e in errors] == ["社会信用代码"]
    assert errors[0].value == "123"


def test_a_missing_required_cell_is_reported_as_required() -> None:
    _, errors, _ = validate(row(使用单位名称=""))
    assert rules(errors) == {"使用单位名称": "required"}


@pytest.mark.parametrize(
    "text", ["2015-03-01", "2015/3/1", "2015.3.1", "20150301", "2015年3月1日", "2015-03-01 00:00:00"]
)
def test_dates_are_read_in_the_spellings_ledgers_use(text: str) -> None:
    assert parse_date(text) == dt.date(2015, 3, 1)


def test_commissioning_before_manufacture_or_in_the_future_is_an_error() -> None:
    _, errors, _ = validate(row(制造日期="2016-01-01", 投用日期="2015-10-08"))
    assert rules(errors) == {"投用日期": "date.order"}
    _, errors, _ = validate(row(投用日期="2027-01-01"))
    assert rules(errors) == {"投用日期": "date.future"}


def test_a_variety_outside_its_category_is_an_error() -> None:
    _, errors, _ = validate(row(**{"设备类别(代码)": "4100"}))
    assert rules(errors)["设备品种(代码)"] == "catalog.variety_not_in_category"


def test_an_out_of_catalogue_code_is_imported_and_flagged() -> None:
    cells = row(**{"设备类别(代码)": "", "设备品种(代码)": "4430", "96333救援码": ""})
    cells["设备代码"] = "-"
    parsed, errors, flags = validate(cells)
    assert errors == []
    assert parsed is not None
    assert parsed.equipment["out_of_catalog"] is True
    assert [f.flag for f in flags] == ["catalog.out_of_catalog"]


def test_a_legacy_2004_elevator_code_is_mapped_and_flagged_for_review() -> None:
    cells = row(**{"设备类别(代码)": "", "设备品种(代码)": "3140"})
    cells["设备代码"] = "-"
    parsed, errors, flags = validate(cells)
    assert errors == []
    assert parsed is not None
    assert parsed.equipment["catalog_code"] == "3420"
    assert parsed.equipment["catalog_review"] is True
    assert [f.flag for f in flags] == ["catalog.legacy_review"]


def test_the_catalogue_version_column_reads_3310_as_the_2004_hydraulic_lift() -> None:
    cells = {**row(**{"设备类别(代码)": "", "设备品种(代码)": "3310"}), "目录版本": "2004"}
    cells["设备代码"] = "-"
    parsed, errors, _ = validate(cells)
    assert errors == []
    assert parsed is not None
    assert parsed.equipment["catalog_code"] == "3210"


def test_an_unknown_catalogue_code_is_an_error() -> None:
    _, errors, _ = validate(row(**{"设备类别(代码)": "", "设备品种(代码)": "9990"}))
    assert rules(errors)["设备品种(代码)"] == "catalog.unknown"


def test_a_row_without_code_registration_number_or_internal_number_cannot_be_identified() -> None:
    _, errors, _ = validate(row(设备代码="-", 使用登记证编号="", 单位内编号=""))
    assert rules(errors) == {"设备代码": "ledger.no_natural_key"}


def test_without_an_equipment_code_the_registration_number_is_the_key_then_the_internal_number() -> None:
    parsed, _, _ = validate(row(设备代码="-"))
    assert parsed is not None
    assert (parsed.key_kind, parsed.key) == ("registration_number", "梯11豫A00001(17)")
    parsed, _, _ = validate(row(设备代码="", 使用登记证编号=""))
    assert parsed is not None
    assert (parsed.key_kind, parsed.key) == ("internal_number", f"{make_uscc(7)}/DT-01")


def test_full_width_brackets_in_a_registration_number_are_normalised() -> None:
    parsed, _, _ = validate(row(使用登记证编号="梯11豫A00001（17）"))
    assert parsed is not None
    assert parsed.equipment["registration_number"] == "梯11豫A00001(17)"


def test_a_rescue_code_on_a_crane_is_an_error() -> None:
    cells = row(**{"设备类别(代码)": "4100", "设备品种(代码)": "4110"})
    cells.update(设备代码="-", 使用登记证编号="起11豫A00001(17)")
    _, errors, _ = validate(cells)
    assert rules(errors) == {"96333救援码": "rescue_code.not_elevator"}


def test_a_henan_rescue_code_must_have_six_digits() -> None:
    _, errors, _ = validate(row(**{"96333救援码": "12345"}))
    assert rules(errors) == {"96333救援码": "rescue_code.format"}


def test_saying_not_crowded_and_giving_a_place_type_is_a_contradiction() -> None:
    _, errors, _ = validate(row(是否公众聚集场所="否"))
    assert rules(errors) == {"场所类型": "crowded_place.contradiction"}


def test_crowded_without_a_type_counts_as_other_crowded_place() -> None:
    parsed, _, _ = validate(row(场所类型=""))
    assert parsed is not None
    assert parsed.equipment["crowded_place"] == CrowdedPlaceType.OTHER.value


def test_parameter_columns_are_structured_by_the_class_plugin(lift_registry: EquipmentClassRegistry) -> None:
    parsed, errors, _ = validate({**VALID_ROW, "额定载重量（kg）": "1000", "额定速度(m/s)": "1.75"}, lift_registry)
    assert errors == []
    assert parsed is not None
    assert parsed.equipment["parameters"] == {"rated_load_kg": 1000, "rated_speed_m_s": 1.75}


def test_a_bad_parameter_is_reported_under_its_column_heading(lift_registry: EquipmentClassRegistry) -> None:
    _, errors, _ = validate({**VALID_ROW, "额定载重量(kg)": "一千", "额定速度(m/s)": "-1"}, lift_registry)
    assert set(rules(errors)) == {"额定载重量(kg)", "额定速度(m/s)"}


def test_a_parameter_in_another_unit_than_the_plugin_expects_is_refused(lift_registry: EquipmentClassRegistry) -> None:
    _, errors, _ = validate({**VALID_ROW, "额定载重量(t)": "1"}, lift_registry)
    assert rules(errors) == {"额定载重量(t)": "parameters.unit"}


def test_without_a_plugin_for_the_class_parameters_are_kept_as_written() -> None:
    parsed, errors, _ = validate({**VALID_ROW, "额定载重量(kg)": "1000"}, EquipmentClassRegistry())
    assert errors == []
    assert parsed is not None
    assert parsed.equipment["parameters"] == {"额定载重量(kg)": "1000"}


def test_missing_required_columns_are_reported_once_for_the_file() -> None:
    headers = [h for h in VALID_ROW if h not in ("统一社会信用代码", "设备类别(代码)", "设备品种(代码)")]
    validator = RowValidator(map_headers(headers), lookups=Lookups())
    missing = {e.column for e in validator.header_errors()}
    assert missing == {"统一社会信用代码", "设备品种(代码)"}
