"""The example plugin passes the SDK's conformance kit and is found through its entry point."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, ClassVar

import pytest
from dualprev_safety_accessories import SafetyAccessoryClass

from dualprev_sdk import FailedPrecondition
from dualprev_sdk.equipment_classes import InspectionFacts
from dualprev_sdk.plugins import PluginHost
from dualprev_sdk.testing import EquipmentClassConformance


class TestSafetyAccessoryConformance(EquipmentClassConformance):
    equipment_class = SafetyAccessoryClass()
    sample_parameters: ClassVar[Mapping[str, Any]] = {"accessory_type": "safety_valve", "set_pressure_mpa": 1.1}
    bad_parameters: ClassVar[Mapping[str, Any]] = {"set_pressure_mpa": -1.0, "nominal_diameter_mm": 0}
    bad_parameter_fields = ("set_pressure_mpa", "nominal_diameter_mm")
    due_catalog_codes = ("7310", "F000")


def test_the_plugin_is_registered_through_its_entry_point(dualprev_host: PluginHost) -> None:
    owner = dualprev_host.equipment_classes.require_for_code("7310")
    assert owner.key == "safety_accessory"
    assert owner.plugin_name == "safety_accessory"


def test_a_safety_valve_is_due_for_calibration_a_year_after_the_last_one() -> None:
    (due,) = SafetyAccessoryClass().next_due(
        InspectionFacts(catalog_code="7310", last_inspection_on=dt.date(2024, 5, 1))
    )
    assert due.next_due == dt.date(2025, 5, 1)
    assert due.source.document.startswith("TSG 21-2016")


def test_a_bursting_disc_needs_a_configured_interval() -> None:
    facts = InspectionFacts(catalog_code="F220", last_inspection_on=dt.date(2024, 5, 1))
    with pytest.raises(FailedPrecondition):
        SafetyAccessoryClass().next_due(facts)
