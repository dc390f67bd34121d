"""The plugin-author test kit: fixtures and a conformance suite for equipment-class plugins.

Use it from a plugin's tests::

    from dualprev_sdk.testing import EquipmentClassConformance

    class TestMyClass(EquipmentClassConformance):
        equipment_class = MyClass()
        sample_parameters = {"rated_pressure_mpa": 1.0}
        bad_parameters = {"rated_pressure_mpa": -1}
        bad_parameter_fields = ("rated_pressure_mpa",)

The fixtures ``dualprev_host`` and ``equipment_factory`` come from the pytest plugin that the SDK registers
under the ``pytest11`` entry point, so they are available in every test session without a ``conftest``.

The conformance suite needs ``pytest`` and ``hypothesis`` (the SDK's ``test`` extra); it is imported lazily so
that the pytest plugin itself stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dualprev_sdk.testing.conformance import (
        GB6441_ACCIDENT_TYPES,
        LEC_C,
        LEC_E,
        LEC_L,
        TSG_Z6001_2019_CATEGORIES,
        EquipmentClassConformance,
        make_equipment,
        make_state,
    )

__all__ = [
    "GB6441_ACCIDENT_TYPES",
    "LEC_C",
    "LEC_E",
    "LEC_L",
    "TSG_Z6001_2019_CATEGORIES",
    "EquipmentClassConformance",
    "make_equipment",
    "make_state",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from dualprev_sdk.testing import conformance

        return getattr(conformance, name)
    raise AttributeError(name)
