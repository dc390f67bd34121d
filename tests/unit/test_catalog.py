"""The 2014 special-equipment catalogue, legacy 2004 elevator codes, and codes outside the catalogue."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dualprev_sdk import catalog
from dualprev_sdk.catalog import CatalogLevel, CodeStatus
from dualprev_sdk.domain.common import SourceStatus
from dualprev_sdk.errors import InvalidArgument, NotFound

KINDS = {
    "1000": "锅炉",
    "2000": "压力容器",
    "3000": "电梯",
    "4000": "起重机械",
    "5000": "场（厂）内专用机动车辆",
    "6000": "大型游乐设施",
    "7000": "压力管道元件",
    "8000": "压力管道",
    "9000": "客运索道",
    "F000": "安全附件",
}

# A sample from every kind of the reference table (Part C §1.2), with letters in codes.
SAMPLE = {
    "1310": "有机热载体气相炉",
    "2150": "第二类压力容器",
    "23T0": "特种气瓶（内装填料气瓶、纤维缠绕气瓶、低温绝热气瓶）",
    "2420": "高气压舱",
    "3110": "曳引驱动乘客电梯",
    "3430": "杂物电梯",
    "4A00": "桅杆式起重机",
    "4D00": "机械式停车设备",
    "4870": "简易升降机",
    "5110": "叉车",
    "5200": "非公路用旅游观光车辆",
    "6E40": "滑索系列",
    "6D20": "水滑梯系列",
    "71F0": "非金属材料管",
    "7TZ0": "元件组合装置",
    "8310": "工艺管道",
    "9320": "高位客运拖牵索道",
    "F260": "气瓶阀门",
}

OUT_OF_CATALOG = [
    "4430", "4480", "4490", "4880", "4890", "4B00", "4C00",
    "5120", "5220", "5230", "5B00", "5C00", "6D30", "6D60",
]  # fmt: skip


def test_the_ten_kinds_are_present_with_5000_vehicles_and_9000_ropeways() -> None:
    for code, name in KINDS.items():
        entry = catalog.lookup(code)
        assert entry.name_zh == name
        assert entry.level is CatalogLevel.KIND
        assert entry.parent is None


def test_the_catalogue_holds_every_row_of_the_reference_tables() -> None:
    cat = catalog.default_catalog()
    assert len(cat) == 157  # 10 kinds + 147 rows of §1.2
    assert cat.version == "2014"


@pytest.mark.parametrize(("code", "name"), sorted(SAMPLE.items()))
def test_sample_codes_have_their_chinese_names(code: str, name: str) -> None:
    entry = catalog.lookup(code)
    assert entry.name_zh == name
    assert entry.name_en


def test_codes_are_strings_normalised_to_upper_case() -> None:
    assert catalog.lookup(" 23t0 ").code == "23T0"
    assert catalog.lookup("4a00").name_zh == "桅杆式起重机"


def test_parents_are_the_chain_from_the_kind_down() -> None:
    assert [e.code for e in catalog.parents("3110")] == ["3000", "3100"]
    assert [e.code for e in catalog.parents("6E40")] == ["6000", "6E00"]
    assert catalog.parents("3000") == ()


def test_children_of_a_category_are_its_varieties() -> None:
    assert [e.code for e in catalog.children("3300")] == ["3310", "3320"]
    assert [e.code for e in catalog.children("5000")] == ["5100", "5200"]


def test_the_safety_valve_is_accepted_under_valves_and_under_safety_accessories() -> None:
    cat = catalog.default_catalog()
    assert "7310" in {e.code for e in catalog.children("7300")}
    assert {e.code for e in catalog.children("F000")} == {"7310", "F220", "F230", "F260"}
    assert cat.is_under("7310", "7300")
    assert cat.is_under("7310", "F000")
    assert cat.is_under("7310", "7000")
    assert not cat.is_under("7320", "F000")


def test_kind_of_gives_the_kind_entry() -> None:
    assert catalog.kind_of("23T0").code == "2000"
    assert catalog.kind_of("F230").name_zh == "安全附件"
    assert catalog.kind_of("3001").code == "3000"  # local codes belong to a kind too


def test_every_entry_has_a_source_and_a_consistent_shape() -> None:
    cat = catalog.default_catalog()
    for entry in cat:
        assert entry.source.document.startswith("特种设备目录")
        assert isinstance(entry.code, str)
        assert len(entry.code) == 4
        if entry.level is CatalogLevel.KIND:
            assert entry.code.endswith("000")
        else:
            assert entry.parent is not None
            assert entry.parent in cat
            assert entry.code[0] == entry.parent[0]


def test_the_conflicting_fitting_names_are_marked_conflict() -> None:
    for code in ("7210", "7220", "7230"):
        assert catalog.lookup(code).source.status is SourceStatus.CONFLICT
    assert catalog.lookup("3110").source.status is SourceStatus.VERIFIED


@pytest.mark.parametrize(
    ("legacy", "maps_to"),
    [
        ("3110", "3110"),
        ("3130", "3110"),
        ("3140", "3420"),
        ("3160", "3410"),
        ("3240", "3120"),
        ("3310", "3210"),
        ("3340", "3410"),
        ("3400", "3430"),
        ("3500", "3310"),
        ("3600", "3320"),
    ],
)
def test_legacy_2004_elevator_codes_map_to_2014_with_a_review_flag(legacy: str, maps_to: str) -> None:
    resolution = catalog.resolve(legacy, catalog_version="2004-legacy")
    assert resolution.entry is not None
    assert resolution.entry.code == maps_to
    assert resolution.needs_review
    assert resolution.source.status is SourceStatus.GENERAL_KNOWLEDGE


def test_3310_means_escalator_in_2014_but_hydraulic_passenger_lift_in_2004() -> None:
    assert catalog.resolve("3310").entry is not None
    assert catalog.resolve("3310").entry.name_zh == "自动扶梯"  # type: ignore[union-attr]
    legacy = catalog.resolve("3310", catalog_version="2004-legacy")
    assert legacy.legacy_name == "液压客梯"
    assert "自动扶梯" in legacy.note


def test_the_positive_drive_passenger_lift_has_no_exact_2014_equivalent_and_says_so() -> None:
    resolution = catalog.resolve("3120", catalog_version="2004-legacy")
    assert resolution.entry is not None
    assert resolution.entry.code == "3130"
    assert "review manually" in resolution.note


def test_an_unknown_legacy_code_or_version_is_an_error() -> None:
    with pytest.raises(NotFound):
        catalog.resolve("3700", catalog_version="2004-legacy")
    with pytest.raises(InvalidArgument) as exc:
        catalog.resolve("3110", catalog_version="1999")
    assert exc.value.violations[0].rule == "catalog.version"


@pytest.mark.parametrize("code", OUT_OF_CATALOG)
def test_out_of_catalogue_codes_are_accepted_on_import_but_not_special_equipment(code: str) -> None:
    status = catalog.classify(code)
    assert status.status is CodeStatus.OUT_OF_CATALOG
    assert status.out_of_catalog
    assert not status.is_special_equipment
    with pytest.raises(NotFound, match="飞出目录"):
        catalog.lookup(code)


def test_the_explosion_proof_forklift_code_keeps_its_name() -> None:
    assert catalog.classify("5120").name_zh == "叉车(防爆功能)"


@pytest.mark.parametrize(
    ("code", "maps_to"),
    [
        ("3001", "3000"),
        ("3002", "3000"),
        ("2002", "2000"),
        ("4003", "4D00"),
        ("4871", "4870"),
        ("5002", "5200"),
        ("1002", "1000"),
    ],
)
def test_local_sub_variety_codes_are_recognised_as_non_national(code: str, maps_to: str) -> None:
    status = catalog.classify(code)
    assert status.status is CodeStatus.LOCAL
    assert status.is_special_equipment
    assert status.entry is not None
    assert status.entry.code == maps_to
    with pytest.raises(NotFound, match="local"):
        catalog.lookup(code)


@pytest.mark.parametrize("code", ["R31", "R32", "r31"])
def test_atmospheric_tanks_are_not_special_equipment(code: str) -> None:
    status = catalog.classify(code)
    assert status.status is CodeStatus.NOT_SPECIAL_EQUIPMENT
    assert not status.is_special_equipment


def test_a_2004_only_code_read_as_2014_points_to_the_legacy_table() -> None:
    status = catalog.classify("3500")
    assert status.status is CodeStatus.LEGACY
    assert status.needs_review
    assert "2004-legacy" in status.message


def test_an_unknown_code_is_not_found_and_a_malformed_one_invalid() -> None:
    with pytest.raises(NotFound, match="9999"):
        catalog.lookup("9999")
    assert catalog.classify("9999").status is CodeStatus.UNKNOWN
    with pytest.raises(InvalidArgument) as exc:
        catalog.lookup("311")
    assert exc.value.violations[0].rule == "catalog.format"
    assert catalog.classify("31-0").status is CodeStatus.MALFORMED


def test_a_catalogue_can_be_loaded_from_other_files(tmp_path: Path) -> None:
    national = {
        "meta": {"catalog_version": "test", "document": "特种设备目录 (test)"},
        "entries": [
            {"code": "3000", "level": "kind", "name_zh": "电梯", "status": "V"},
            {"code": "3100", "level": "category", "name_zh": "曳引", "parent": "3000", "status": "user"},
        ],
    }
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(national, ensure_ascii=False), "utf-8")
    cat = catalog.Catalog.from_files(path)
    assert cat.version == "test"
    assert [e.code for e in cat.children("3000")] == ["3100"]
    assert cat.lookup("3100").source.status is SourceStatus.USER
