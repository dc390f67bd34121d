"""The equipment-class contract: parameter structuring, catalogue-code matching, criteria and thresholds."""

from __future__ import annotations

from typing import Any, ClassVar

import attrs
import pytest

from dualprev_sdk import Equipment, InvalidArgument
from dualprev_sdk.equipment_classes import (
    DueDate,
    EquipmentClass,
    EquipmentClassRegistry,
    EquipmentState,
    InspectionFacts,
    MajorHazardCriterion,
    ManagementThreshold,
    any_finding,
    code_under,
    parameter,
    parameter_schema,
)


def _positive(_instance: Any, attribute: attrs.Attribute[Any], value: float | None) -> None:
    if value is not None and value <= 0:
        raise ValueError(f"{attribute.name} must be > 0")


@attrs.frozen(kw_only=True)
class TankParameters:
    design_pressure_mpa: float | None = parameter(label_zh="设计压力", unit="MPa", default=None, validator=_positive)
    volume_l: float | None = parameter(label_zh="容积", unit="L", default=None, validator=_positive)
    medium: str = parameter(label_zh="介质", default="")


class Tank(EquipmentClass):
    key: ClassVar[str] = "tank"
    kind_code: ClassVar[str] = "2000"
    catalog_codes: ClassVar[tuple[str, ...]] = ("2100",)
    name_zh: ClassVar[str] = "储罐"
    name_en: ClassVar[str] = "Tank"
    parameters_type: ClassVar[type | None] = TankParameters

    def next_due(self, facts: InspectionFacts) -> list[DueDate]:
        return []


class Cylinder(Tank):
    key: ClassVar[str] = "cylinder"
    catalog_codes: ClassVar[tuple[str, ...]] = ("2300",)


def test_every_field_a_validator_rejects_is_named_not_just_the_first() -> None:
    with pytest.raises(InvalidArgument) as caught:
        Tank().structure_parameters({"design_pressure_mpa": -1, "volume_l": 0, "medium": "氨"})
    assert [v.field for v in caught.value.violations] == ["parameters.design_pressure_mpa", "parameters.volume_l"]
    assert caught.value.violations[0].rule == "parameters.design_pressure_mpa"


def test_a_wrong_type_and_an_unknown_key_are_named() -> None:
    with pytest.raises(InvalidArgument) as caught:
        Tank().structure_parameters({"design_pressure_mpa": "high"})
    assert caught.value.violations[0].field == "parameters.design_pressure_mpa"
    with pytest.raises(InvalidArgument) as caught:
        Tank().structure_parameters({"volume_l": 5, "colour": "red"})
    assert "colour" in str(caught.value)


def test_good_parameters_round_trip_and_the_schema_lists_labels_and_units() -> None:
    tank = Tank()
    params = tank.structure_parameters({"design_pressure_mpa": 1.6, "medium": "压缩空气"})
    assert tank.structure_parameters(tank.unstructure_parameters(params)) == params
    rows = {row["name"]: row for row in parameter_schema(TankParameters)}
    assert rows["design_pressure_mpa"]["unit"] == "MPa"
    assert rows["volume_l"]["label_zh"] == "容积"


@pytest.mark.parametrize(
    ("code", "own", "expected"),
    [("2130", "2100", True), ("2130", "21", True), ("2230", "2100", False), ("23T0", "2300", True), ("3110", "", True)],
)
def test_a_catalogue_code_lies_under_codes_with_trailing_zeros_as_wildcards(
    code: str, own: str, expected: bool
) -> None:
    assert code_under(code, own) is expected


def test_the_most_specific_claim_wins() -> None:
    registry = EquipmentClassRegistry()
    registry.register(Tank(), plugin_name="tanks")
    registry.register(Cylinder(), plugin_name="cylinders")
    assert registry.require_for_code("2130").key == "tank"
    assert registry.require_for_code("23T0").key == "cylinder"
    assert registry.for_code("2230") is None


def test_a_criterion_fires_only_for_its_findings_on_its_codes_while_in_use() -> None:
    criterion = MajorHazardCriterion(
        clause="4.3", item="d", text="快开门式固定式压力容器的快开安全保护联锁装置缺失或失效", applies_to=("2100",),
        predicate=any_finding("interlock_failed"), finding_codes=("interlock_failed",),
    )  # fmt: skip
    vessel = Equipment(id="e1", unit_uscc="x", catalog_code="2150")
    tanker = Equipment(id="e2", unit_uscc="x", catalog_code="2220")
    assert criterion.matches(EquipmentState(equipment=vessel, in_use=True, findings=frozenset({"interlock_failed"})))
    assert not criterion.matches(
        EquipmentState(equipment=vessel, in_use=False, findings=frozenset({"interlock_failed"}))
    )
    assert not criterion.matches(
        EquipmentState(equipment=tanker, in_use=True, findings=frozenset({"interlock_failed"}))
    )
    assert not criterion.matches(EquipmentState(equipment=vessel, in_use=True, findings=frozenset({"other"})))
    assert criterion.code == "4.3d"
    assert criterion.citation == "GB 45067-2024 4.3 d)"


def test_a_threshold_fires_for_a_declared_activity_or_for_the_equipment() -> None:
    filling = ManagementThreshold(
        requirement="full_time_safety_manager",
        text="从事气瓶充装",
        test=lambda _e: False,
        activities=("cylinder_filling",),
    )
    assert filling.applies([], activities={"cylinder_filling"})
    assert not filling.applies([], activities={"welding"})
