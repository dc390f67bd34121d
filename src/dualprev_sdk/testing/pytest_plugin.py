"""pytest plugin (entry point ``pytest11``) shipping the dualprev fixtures to plugin authors.

* ``dualprev_host`` — a loaded :class:`~dualprev_sdk.plugins.PluginHost` over every installed plugin (entry
  points), shared by the session because loading is idempotent and the registries are read-only in tests;
* ``equipment_factory`` — builds :class:`~dualprev_sdk.Equipment` for a catalogue code, structuring plain
  parameter dicts through the owning class so a test reads like a ledger row.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from dualprev_sdk.domain.equipment import Equipment
from dualprev_sdk.plugins import PluginHost


@pytest.fixture(scope="session")
def dualprev_host() -> PluginHost:
    """Every installed plugin, loaded once (honours ``DUALPREV_DISABLE_PLUGINS``)."""
    return PluginHost().load()


@pytest.fixture
def equipment_factory(dualprev_host: PluginHost) -> Callable[..., Equipment]:
    """``equipment_factory("2130", parameters={"design_pressure_mpa": 1.6}, commissioned_on=date(...))``."""
    counter = iter(range(1, 1_000_000))

    def make(catalog_code: str, parameters: Any = None, **fields: Any) -> Equipment:
        if isinstance(parameters, dict):
            owner = dualprev_host.equipment_classes.require_for_code(catalog_code)
            parameters = owner.structure_parameters(parameters)
        number = next(counter)
        fields.setdefault("id", f"eq-{number}")
        fields.setdefault("unit_uscc", "91410100000000000X")
        fields.setdefault("name", f"设备{number}")
        return Equipment(catalog_code=catalog_code, parameters=parameters, **fields)

    return make
