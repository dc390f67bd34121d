"""Shared fixtures for the built-in plugins' tests.

``dualprev_host`` and ``equipment_factory`` come from the SDK's own pytest plugin (``dualprev_sdk.testing``),
the same fixtures a third-party plugin author gets; here we add the small builders the specification-style
tests use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from dualprev_sdk.equipment_classes import EquipmentClass, InspectionFacts
from dualprev_sdk.plugins import PluginHost


@pytest.fixture
def facts_for(dualprev_host: PluginHost) -> Callable[..., InspectionFacts]:
    """``facts_for("2130", {"design_pressure_mpa": 1.6}, last=date(...), grade=2)`` → InspectionFacts with the
    parameters structured by the owning class, as the services would build them."""

    def make(
        catalog_code: str,
        parameters: dict[str, Any] | None = None,
        *,
        last: dt.date | None = None,
        commissioned: dt.date | None = None,
        manufactured: dt.date | None = None,
        grade: int | None = None,
        overrides: dict[str, Any] | None = None,
        last_inspections: dict[str, dt.date] | None = None,
    ) -> InspectionFacts:
        owner = dualprev_host.equipment_classes.require_for_code(catalog_code)
        return InspectionFacts(
            catalog_code=catalog_code,
            parameters=owner.structure_parameters(parameters or {}),
            commissioned_on=commissioned,
            manufactured_on=manufactured,
            last_inspection_on=last,
            last_safety_grade=grade,
            overrides=overrides or {},
            last_inspections=last_inspections or {},
        )

    return make


@pytest.fixture
def class_for(dualprev_host: PluginHost) -> Callable[[str], EquipmentClass]:
    return dualprev_host.equipment_classes.require_for_code
