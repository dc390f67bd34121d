"""Every registered equipment class passes the plugin-author conformance kit (dualprev_sdk.testing).

One ``Test<Key>Conformance`` class is generated per class found through the entry points, so a failure names
the class and the promise it breaks. The built-in classes are held to the brief's content floor (at least six
risk templates per catalogue code, Order No. 74 cadence in the checklist).
"""

from __future__ import annotations

from typing import Any

from dualprev_sdk.plugins import PluginHost
from dualprev_sdk.testing import EquipmentClassConformance

BUILT_IN = {
    "boiler",
    "pressure_vessel",
    "gas_cylinder",
    "pressure_piping",
    "elevator",
    "crane",
    "in_plant_vehicle",
    "amusement_ride",
    "passenger_ropeway",
}

#: Extra inputs for the classes of this distribution: a payload that must fail and the fields it must name,
#: and the catalogue codes whose due-date rules the property test exercises.
EXTRAS: dict[str, dict[str, Any]] = {
    "boiler": {
        "bad_parameters": {"rated_pressure_mpa": -1.0, "rated_power_mw": 0},
        "bad_parameter_fields": ("rated_pressure_mpa", "rated_power_mw"),
        "due_catalog_codes": ("1100", "1200", "1320"),
    },
    "pressure_vessel": {
        "bad_parameters": {"design_pressure_mpa": -1.0, "safety_grade": 7, "volume_l": 0},
        "bad_parameter_fields": ("design_pressure_mpa", "safety_grade", "volume_l"),
        "due_catalog_codes": ("2130", "2170"),
    },
    "gas_cylinder": {
        "bad_parameters": {"nominal_working_pressure_mpa": 0, "volume_l": -40.0},
        "bad_parameter_fields": ("nominal_working_pressure_mpa", "volume_l"),
        "due_catalog_codes": ("2310", "2320"),
    },
    "pressure_piping": {
        "bad_parameters": {"pipe_class": "GZ9", "nominal_diameter_mm": -100.0},
        "bad_parameter_fields": ("pipe_class", "nominal_diameter_mm"),
        "due_catalog_codes": ("8310",),
    },
    "elevator": {
        "bad_parameters": {"rated_load_kg": -1, "stops": 1},
        "bad_parameter_fields": ("rated_load_kg", "stops"),
        "due_catalog_codes": ("3110", "3310"),
    },
    "crane": {
        "bad_parameters": {"rated_capacity_t": -1, "parking_levels": 0},
        "bad_parameter_fields": ("rated_capacity_t", "parking_levels"),
        "due_catalog_codes": ("4110", "4310", "4860", "4D00"),
    },
    "in_plant_vehicle": {
        "bad_parameters": {"rated_capacity_kg": -1, "seats_count": 0},
        "bad_parameter_fields": ("rated_capacity_kg", "seats_count"),
        "due_catalog_codes": ("5110", "5200"),
    },
    "amusement_ride": {
        "bad_parameters": {"max_speed_m_s": -1, "passengers_count": 0},
        "bad_parameter_fields": ("max_speed_m_s", "passengers_count"),
        "due_catalog_codes": ("6200", "6D20", "6E40"),
    },
    "passenger_ropeway": {
        "bad_parameters": {"length_m": -1, "carriers_count": 0},
        "bad_parameter_fields": ("length_m", "carriers_count"),
        "due_catalog_codes": ("9110", "9210", "9310"),
    },
    # The example third-party plugin (examples/external-plugin) is found through its entry point too when it is
    # installed; the same payload its own suite uses.
    "safety_accessory": {
        "bad_parameters": {"set_pressure_mpa": -1.0, "nominal_diameter_mm": 0},
        "bad_parameter_fields": ("set_pressure_mpa", "nominal_diameter_mm"),
    },
}

_host = PluginHost().load()
_classes = list(_host.equipment_classes)


def test_all_nine_built_in_classes_are_registered_through_entry_points():
    assert {c.key for c in _classes} >= BUILT_IN


for _cls in _classes:
    _name = "Test" + "".join(part.title() for part in _cls.key.split("_")) + "Conformance"
    globals()[_name] = type(
        _name,
        (EquipmentClassConformance,),
        {
            "equipment_class": _cls,
            "min_risk_templates": 6 if _cls.key in BUILT_IN else 0,
            "min_checklist_items": 3,
            "__module__": __name__,
            **EXTRAS.get(_cls.key, {}),
        },
    )
