"""The synthetic city: deterministic per seed, valid identifiers, real Henan county codes, all nine classes."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from dualprev_sdk import ids
from dualprev_sdk.demo.city import LEDGER_HEADERS, class_group, generate_city, ledger_rows, write_ledger
from dualprev_sdk.plugins import default_host
from dualprev_sdk.regions import default_region_table


def test_the_same_seed_gives_the_same_city_and_another_seed_a_different_one() -> None:
    assert generate_city(seed=5, size="small") == generate_city(seed=5, size="small")
    assert ledger_rows(generate_city(seed=5, size="small")) != ledger_rows(generate_city(seed=6, size="small"))


def test_units_sit_in_real_counties_of_the_prefecture_and_carry_valid_usccs() -> None:
    city = generate_city(seed=1, size="medium")
    table = default_region_table()
    for unit in city.units:
        region = table.get(unit.region_code)
        assert region is not None
        assert unit.region_code.startswith("4101")
        assert not region.retired
        assert ids.validate_uscc(unit.uscc) == unit.uscc
    assert len({u.uscc for u in city.units}) == len(city.units) == 48


def test_the_medium_city_has_every_one_of_the_nine_kinds_and_parks_and_demonstration_units() -> None:
    city = generate_city(seed=2021, size="medium")
    kinds = {class_group(e.catalog_code) for u in city.units for e in u.equipment}
    assert kinds == {"1", "2", "23", "3", "4", "5", "6", "8", "9"}  # the nine classes (7000 are components)
    assert {u.park for u in city.units if u.park} == set(city.parks)
    assert any(u.demonstration for u in city.units)
    assert {u.size_class for u in city.units} >= {"medium", "small", "micro"}


def test_every_generated_parameter_set_is_accepted_by_its_class_plugin() -> None:
    host = default_host()
    city = generate_city(seed=3, size="medium")
    for unit in city.units:
        for item in unit.equipment:
            equipment_class = host.equipment_classes.for_code(item.catalog_code)
            assert equipment_class is not None, item.catalog_code
            if item.parameters is not None:
                equipment_class.structure_parameters(dict(item.parameters))
            assert ids.validate_equipment_code(item.equipment_code) == item.equipment_code


def test_the_ledger_workbook_has_a_title_row_the_template_headings_and_one_row_per_item(tmp_path: Path) -> None:
    city = generate_city(seed=4, size="small")
    path = write_ledger(city, tmp_path / "ledger.xlsx")
    rows = list(openpyxl.load_workbook(path, read_only=True)["设备台账"].iter_rows(values_only=True))
    assert "特种设备台账" in str(rows[0][0])
    assert tuple(rows[1]) == LEDGER_HEADERS
    assert len(rows) - 2 == city.equipment_count


def test_a_luoyang_city_uses_luoyang_counties_and_its_plate_letter() -> None:
    city = generate_city(seed=9, size="small", region_code="410300")
    assert city.name_zh == "洛阳市"
    assert all(u.region_code.startswith("4103") for u in city.units)
    registration = city.units[0].equipment[0].registration_number
    assert "豫C" in registration
    assert ids.validate_registration_number(registration) == registration
