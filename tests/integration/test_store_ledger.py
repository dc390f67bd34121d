"""Units and equipment through the ledger use cases and repositories, on every backend."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import ClassVar

import attrs
import pytest

from dualprev_sdk import (
    AlreadyExists,
    CrowdedPlaceType,
    Equipment,
    EquipmentStatus,
    FailedPrecondition,
    InvalidArgument,
    Location,
    NotFound,
    RoleAssignment,
    SafetyRole,
    SizeClass,
    UseUnit,
    hookimpl,
)
from dualprev_sdk.equipment_classes import DueDate, EquipmentClass, InspectionFacts
from dualprev_sdk.plugins import PluginHost
from dualprev_sdk.services.bootstrap import Dualprev


@attrs.frozen(kw_only=True)
class BoilerTestParameters:
    rated_pressure_mpa: float
    rated_capacity_t_h: float | None = None


class BoilerTestClass(EquipmentClass):
    key = "test_boiler"
    kind_code = "1000"
    catalog_codes = ("1000",)
    name_zh = "测试锅炉"
    name_en = "test boiler"
    parameters_type: ClassVar[type | None] = BoilerTestParameters

    def next_due(self, facts: InspectionFacts) -> list[DueDate]:
        return []


class _TestPlugin:
    @hookimpl
    def dualprev_register_equipment_classes(self, registry: object) -> None:
        registry.register(BoilerTestClass())  # type: ignore[attr-defined]


@pytest.fixture
def test_sdk(db_url: str) -> Dualprev:
    host = PluginHost(entry_points=False, extra_plugins=[("test-boiler", _TestPlugin())])
    return Dualprev.open(db_url, host=host, migrate=False)


def _unit(uscc: str, region: str = "410102", **fields: object) -> UseUnit:
    return UseUnit(uscc=uscc, name=fields.pop("name", "郑州某热力公司"), region_code=region, **fields)  # type: ignore[arg-type]


def test_a_unit_and_its_equipment_come_back_exactly_as_stored(
    test_sdk: Dualprev, make_uscc: Callable[[int], str]
) -> None:
    unit = _unit(
        make_uscc(1),
        industry="D44",
        size_class=SizeClass.SMALL,
        park="郑州经开区",
        address="郑州市中原区某路1号",
        roles=(
            RoleAssignment(role=SafetyRole.SAFETY_OFFICER, name="张三", phone="13800000000", equipment_kind="1000"),
        ),
        demonstration=True,
    )
    stored_unit = test_sdk.ledger.create_unit(unit)
    boiler = Equipment(
        id="boiler-1",
        unit_uscc=unit.uscc,
        catalog_code="1000",
        name="1号燃气锅炉",
        location=Location(address="锅炉房", building="B1", floor="1", area="东区", x=12.5, y=3.0),
        crowded_place=CrowdedPlaceType.HOSPITAL,
        status=EquipmentStatus.IN_USE,
        manufactured_on=dt.date(2015, 3, 1),
        commissioned_on=dt.date(2016, 1, 10),
        next_inspection_due=dt.date(2026, 12, 31),
        parameters={"rated_pressure_mpa": 1.25, "rated_capacity_t_h": 4.0},
    )
    stored = test_sdk.ledger.create_equipment(boiler)

    assert stored_unit.version == 1
    assert test_sdk.ledger.get_unit(unit.uscc) == attrs.evolve(unit, version=1)
    again = test_sdk.ledger.get_equipment("boiler-1")
    assert again.parameters == BoilerTestParameters(rated_pressure_mpa=1.25, rated_capacity_t_h=4.0)
    assert again == attrs.evolve(boiler, version=1, parameters=again.parameters)
    assert stored.parameters == again.parameters


def test_equipment_parameters_are_checked_by_their_class_before_anything_is_written(
    test_sdk: Dualprev, make_uscc: Callable[[int], str]
) -> None:
    test_sdk.ledger.create_unit(_unit(make_uscc(1)))
    bad = Equipment(id="b", unit_uscc=make_uscc(1), catalog_code="1000", parameters={"rated_pressure_mpa": "high"})
    with pytest.raises(InvalidArgument) as caught:
        test_sdk.ledger.create_equipment(bad)
    assert [v.field for v in caught.value.violations] == ["parameters.rated_pressure_mpa"]
    assert test_sdk.read_events() == [e for e in test_sdk.read_events() if e.type == "unit.created"]


def test_equipment_of_a_class_without_plugin_keeps_its_parameters_as_data(
    test_sdk: Dualprev, make_uscc: Callable[[int], str]
) -> None:
    test_sdk.ledger.create_unit(_unit(make_uscc(1)))
    test_sdk.ledger.create_equipment(
        Equipment(id="x", unit_uscc=make_uscc(1), catalog_code="9000", parameters={"anything": [1, "二"]})
    )
    assert test_sdk.ledger.get_equipment("x").parameters == {"anything": [1, "二"]}


def test_a_taken_uscc_or_equipment_code_is_already_exists(sdk: Dualprev, make_uscc: Callable[[int], str]) -> None:
    sdk.ledger.create_unit(_unit(make_uscc(1)))
    with pytest.raises(AlreadyExists):
        sdk.ledger.create_unit(_unit(make_uscc(1), name="另一个名字"))
    sdk.ledger.create_equipment(Equipment(id="e1", unit_uscc=make_uscc(1), catalog_code="9000"))
    with pytest.raises(AlreadyExists):
        sdk.ledger.create_equipment(Equipment(id="e1", unit_uscc=make_uscc(1), catalog_code="9000"))


def test_equipment_for_a_unit_that_does_not_exist_is_not_found(sdk: Dualprev, make_uscc: Callable[[int], str]) -> None:
    with pytest.raises(NotFound) as caught:
        sdk.ledger.create_equipment(Equipment(id="e1", unit_uscc=make_uscc(5), catalog_code="9000"))
    assert caught.value.kind == "unit"
    with pytest.raises(NotFound):
        sdk.ledger.get_equipment("nope")


def test_a_unit_with_bad_identifiers_is_refused_naming_every_field(sdk: Dualprev) -> None:
    with pytest.raises(InvalidArgument) as caught:
        sdk.ledger.create_unit(UseUnit(uscc="123", name=" ", region_code="99"))
    assert {v.field for v in caught.value.violations} == {"uscc", "region_code", "name"}


def test_units_are_listed_by_region_prefix_a_page_at_a_time(sdk: Dualprev, make_uscc: Callable[[int], str]) -> None:
    for n in range(1, 6):
        sdk.ledger.create_unit(_unit(make_uscc(n), region="410102"))
    sdk.ledger.create_unit(_unit(make_uscc(9), region="410302"))  # 洛阳

    first = sdk.ledger.list_units(region_prefix="4101", page_size=2)
    second = sdk.ledger.list_units(region_prefix="4101", page_size=2, page_token=first.next_page_token)
    third = sdk.ledger.list_units(region_prefix="4101", page_size=2, page_token=second.next_page_token)

    listed = [u.uscc for u in first.items + second.items + third.items]
    assert listed == [make_uscc(n) for n in range(1, 6)]
    assert third.next_page_token == ""
    with pytest.raises(InvalidArgument):
        sdk.ledger.list_units(region_prefix="4103", page_token=first.next_page_token)


def test_equipment_is_listed_by_unit_region_catalogue_status_and_due_date(
    sdk: Dualprev, make_uscc: Callable[[int], str]
) -> None:
    sdk.ledger.create_unit(_unit(make_uscc(1), region="410102"))
    sdk.ledger.create_unit(_unit(make_uscc(2), region="410302"))
    due = dt.date(2025, 1, 1)
    sdk.ledger.create_equipment(Equipment(id="a", unit_uscc=make_uscc(1), catalog_code="9100", next_inspection_due=due))
    sdk.ledger.create_equipment(Equipment(id="b", unit_uscc=make_uscc(1), catalog_code="9200"))
    sdk.ledger.create_equipment(
        Equipment(
            id="c",
            unit_uscc=make_uscc(2),
            catalog_code="9100",
            next_inspection_due=due,
            status=EquipmentStatus.SUSPENDED,
        )
    )

    def ids_of(**filters: object) -> list[str]:
        return [e.id for e in sdk.ledger.list_equipment(**filters).items]  # type: ignore[arg-type]

    assert ids_of(unit_uscc=make_uscc(1)) == ["a", "b"]
    assert ids_of(region_prefix="4103") == ["c"]
    assert ids_of(catalog_prefix="91") == ["a", "c"]
    assert ids_of(status=EquipmentStatus.IN_USE, due_before=dt.date(2025, 6, 1)) == ["a"]


def test_moving_a_unit_to_another_region_moves_its_equipment_in_regional_listings(
    sdk: Dualprev, make_uscc: Callable[[int], str]
) -> None:
    unit = sdk.ledger.create_unit(_unit(make_uscc(1), region="410102"))
    sdk.ledger.create_equipment(Equipment(id="a", unit_uscc=unit.uscc, catalog_code="9100"))
    sdk.ledger.update_unit(attrs.evolve(unit, region_code="410302"))
    assert [e.id for e in sdk.ledger.list_equipment(region_prefix="4103").items] == ["a"]
    assert sdk.ledger.list_equipment(region_prefix="4101").items == ()


def test_a_unit_that_still_holds_equipment_cannot_be_deleted(sdk: Dualprev, make_uscc: Callable[[int], str]) -> None:
    unit = sdk.ledger.create_unit(_unit(make_uscc(1)))
    equipment = sdk.ledger.create_equipment(Equipment(id="a", unit_uscc=unit.uscc, catalog_code="9100"))
    with pytest.raises(FailedPrecondition):
        sdk.ledger.delete_unit(unit.uscc)
    sdk.ledger.delete_equipment(equipment.id, expected_version=equipment.version)
    sdk.ledger.delete_unit(unit.uscc, expected_version=unit.version)
    with pytest.raises(NotFound):
        sdk.ledger.get_unit(unit.uscc)


def test_a_page_token_that_was_not_issued_by_a_listing_is_invalid(sdk: Dualprev) -> None:
    with pytest.raises(InvalidArgument) as caught:
        sdk.ledger.list_equipment(page_token="not-a-token")
    assert caught.value.violations[0].field == "page_token"
    with pytest.raises(InvalidArgument):
        sdk.ledger.list_units(page_size=-1)


def test_many_units_are_read_in_chunks_and_absent_ones_are_left_out(
    sdk: Dualprev, make_uscc: Callable[[int], str]
) -> None:
    for n, region in ((1, "410102"), (2, "410302"), (3, "410105")):
        sdk.ledger.create_unit(_unit(make_uscc(n), region=region))
    asked = [make_uscc(3), make_uscc(1), make_uscc(9), make_uscc(2), make_uscc(1)]
    with sdk.uow() as uow:
        regions = uow.units.regions_of(asked, chunk_size=2)
        units = uow.units.find_many(asked, chunk_size=2)
    assert regions == {make_uscc(1): "410102", make_uscc(2): "410302", make_uscc(3): "410105"}
    assert {u: unit.region_code for u, unit in units.items()} == regions
    assert units[make_uscc(2)] == sdk.ledger.get_unit(make_uscc(2))


def test_many_equipment_records_are_read_in_chunks_and_absent_ones_are_left_out(
    sdk: Dualprev, make_uscc: Callable[[int], str]
) -> None:
    sdk.ledger.create_unit(_unit(make_uscc(1)))
    for n in range(1, 4):
        sdk.ledger.create_equipment(Equipment(id=f"e{n}", unit_uscc=make_uscc(1), catalog_code="9000"))
    with sdk.uow() as uow:
        found = uow.equipment.find_many(["e3", "nope", "e1", "e2", "e1"], chunk_size=2)
    assert sorted(found) == ["e1", "e2", "e3"]
    assert found["e2"] == sdk.ledger.get_equipment("e2")
