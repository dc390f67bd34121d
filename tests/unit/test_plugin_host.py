"""The plugin host: broken plugins are named, duplicate catalogue codes name both plugins, plugins can be disabled.

Plugins here are real: an installed-looking distribution (a ``.dist-info`` with an ``entry_points.txt`` on
``sys.path``) for the import failure, and plain namespaces with hook implementations for the rest.
"""

from __future__ import annotations

import types
from pathlib import Path
from typing import ClassVar

import pytest

from dualprev_sdk import hookimpl
from dualprev_sdk.equipment_classes import DueDate, EquipmentClass, EquipmentClassRegistry, InspectionFacts
from dualprev_sdk.plugins import DISABLE_ENV, PluginHost, PluginLoadError


def _install_fake_distribution(root: Path, *, name: str, module: str, body: str) -> None:
    """Write ``module.py`` and a ``.dist-info`` declaring it under the ``dualprev_sdk`` entry-point group."""
    (root / f"{module}.py").write_text(body, encoding="utf-8")
    info = root / f"{name.replace('-', '_')}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[dualprev_sdk]\n{module} = {module}\n", encoding="utf-8")


class _Tank(EquipmentClass):
    key: ClassVar[str] = "tank"
    kind_code: ClassVar[str] = "2000"
    catalog_codes: ClassVar[tuple[str, ...]] = ("2130",)
    name_zh: ClassVar[str] = "储罐"
    name_en: ClassVar[str] = "Tank"

    def next_due(self, facts: InspectionFacts) -> list[DueDate]:
        return []


class _OtherTank(_Tank):
    key: ClassVar[str] = "other_tank"


def _plugin(cls: type[EquipmentClass]) -> types.SimpleNamespace:
    @hookimpl
    def dualprev_register_equipment_classes(registry: EquipmentClassRegistry) -> None:
        registry.register(cls())

    return types.SimpleNamespace(dualprev_register_equipment_classes=dualprev_register_equipment_classes)


def test_a_plugin_that_fails_to_import_stops_loading_with_its_name_in_the_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _install_fake_distribution(
        tmp_path, name="broken-dist", module="broken_dualprev_plugin", body="raise RuntimeError('boom at import')\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(PluginLoadError) as caught:
        PluginHost(disabled=()).load()
    assert caught.value.plugin == "broken_dualprev_plugin"
    assert "broken_dualprev_plugin" in str(caught.value)
    assert "boom at import" in str(caught.value)


def test_a_disabled_broken_plugin_does_not_stop_the_others(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _install_fake_distribution(
        tmp_path, name="broken-dist", module="broken_dualprev_plugin", body="raise ImportError\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv(DISABLE_ENV, "broken_dualprev_plugin")
    host = PluginHost().load()
    assert "broken_dualprev_plugin" not in {name for name, _ in host.pm.list_name_plugin()}
    assert host.equipment_classes.for_code("1100") is not None


def test_a_plugin_whose_register_hook_raises_is_named() -> None:
    @hookimpl
    def dualprev_register_equipment_classes(registry: EquipmentClassRegistry) -> None:
        raise ValueError("half-written plugin")

    plugin = types.SimpleNamespace(dualprev_register_equipment_classes=dualprev_register_equipment_classes)
    host = PluginHost(entry_points=False, extra_plugins=[("half_written", plugin)])
    with pytest.raises(PluginLoadError) as caught:
        _ = host.equipment_classes
    assert caught.value.plugin == "half_written"
    assert "half-written plugin" in str(caught.value)


def test_a_hook_implementation_with_a_wrong_signature_is_rejected_naming_the_plugin() -> None:
    @hookimpl
    def dualprev_register_equipment_classes(registri: EquipmentClassRegistry) -> None:  # misspelt argument
        pass

    plugin = types.SimpleNamespace(dualprev_register_equipment_classes=dualprev_register_equipment_classes)
    with pytest.raises(PluginLoadError) as caught:
        PluginHost(entry_points=False, extra_plugins=[("misspelt", plugin)]).load()
    assert "misspelt" in str(caught.value)


def test_two_plugins_claiming_the_same_catalogue_code_fail_naming_both() -> None:
    host = PluginHost(
        entry_points=False, extra_plugins=[("first_tanks", _plugin(_Tank)), ("second_tanks", _plugin(_OtherTank))]
    )
    with pytest.raises(PluginLoadError) as caught:
        _ = host.equipment_classes
    message = str(caught.value)
    assert "first_tanks" in message
    assert "second_tanks" in message
    assert "2130" in message


def test_disable_plugins_by_name_keeps_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DISABLE_ENV, "boiler, gas_cylinder")
    keys = {c.key for c in PluginHost().equipment_classes}
    assert "boiler" not in keys
    assert "gas_cylinder" not in keys
    assert "pressure_vessel" in keys


def test_disable_all_plugins_with_a_star(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DISABLE_ENV, "*")
    assert len(PluginHost().equipment_classes) == 0


def test_built_in_classes_are_loaded_through_entry_points_and_attributed_to_their_plugin() -> None:
    host = PluginHost().load()
    boiler = host.equipment_classes.require_for_code("1310")
    assert boiler.plugin_name == "boiler"
    assert host.equipment_classes.require_for_code("2230").key == "pressure_vessel"
    assert host.equipment_classes.require_for_code("23T0").key == "gas_cylinder"
    info = {i.name: i for i in host.list_plugins()}["boiler"]
    assert info.distribution == "dualprev-plugins"
    assert info.equipment_classes[0]["catalog_codes"] == ["1000"]
