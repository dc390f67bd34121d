"""Grading methods and direct rules are plugins: built-ins come through the same hooks as a third party's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dualprev_sdk.domain.common import RiskLevel, Source, SourceStatus
from dualprev_sdk.errors import AlreadyExists, NotFound
from dualprev_sdk.grading import (
    DirectFacts,
    DirectRule,
    GradingMethodRegistry,
    builtin_method,
    collect_direct_rules,
    determine,
    grade,
    grading_methods,
    load_method,
)
from dualprev_sdk.hookspecs import hookimpl
from dualprev_sdk.plugins import BUILTIN_PLUGINS, PluginHost, PluginLoadError

ENTERPRISE = Path(__file__).parent / "data" / "enterprise_4x5.toml"


class EnterpriseMatrixPlugin:
    """A third-party plugin contributing a matrix and a rule, exactly as an installed one would."""

    @hookimpl
    def dualprev_register_grading_methods(self, registry: Any) -> None:
        registry.register(load_method(ENTERPRISE))

    @hookimpl
    def dualprev_direct_determination_rules(self) -> list[Any]:
        return [
            DirectRule(
                code="acme_confined_space",
                text_zh="有限空间作业未审批",
                level=RiskLevel.MAJOR,
                source=Source(document="ACME 有限空间管理制度", status=SourceStatus.USER),
                check=lambda f: "未审批" if "confined_space_unapproved" in f.flags else None,
            )
        ]


class DuplicateLecPlugin:
    @hookimpl
    def dualprev_register_grading_methods(self, registry: Any) -> None:
        registry.register(builtin_method("lec"))


def test_the_builtin_methods_are_registered_by_a_builtin_plugin_module() -> None:
    assert "dualprev_sdk.grading.builtin" in BUILTIN_PLUGINS
    registry = grading_methods(PluginHost(entry_points=False))
    assert set(registry.names()) >= {"lec", "ls", "mes"}
    assert registry.owner("lec") == "dualprev_sdk.grading.builtin"


def test_a_plugin_method_is_graded_by_name_like_a_builtin_one() -> None:
    host = PluginHost(entry_points=False, extra_plugins=[("acme", EnterpriseMatrixPlugin())])
    registry = grading_methods(host)
    assert registry.owner("acme-4x5") == "acme"
    assert grade("acme-4x5", likelihood=4, severity=5, registry=registry).level is RiskLevel.MAJOR


def test_registering_a_method_name_twice_fails_naming_both_plugins() -> None:
    host = PluginHost(entry_points=False, extra_plugins=[("dup-lec", DuplicateLecPlugin())])
    with pytest.raises(PluginLoadError) as caught:
        grading_methods(host)
    message = str(caught.value)
    assert "dualprev_sdk.grading.builtin" in message
    assert "dup-lec" in message


def test_an_unknown_method_name_lists_the_registered_ones() -> None:
    registry = GradingMethodRegistry()
    registry.register(builtin_method("ls"), plugin_name="x")
    with pytest.raises(NotFound) as caught:
        registry.get("lec")
    assert "ls" in str(caught.value)


def test_direct_rules_come_from_every_plugin_each_stamped_with_its_plugin() -> None:
    host = PluginHost(entry_points=False, extra_plugins=[("acme", EnterpriseMatrixPlugin())])
    rules = collect_direct_rules(host)
    owners = {r.code: r.plugin for r in rules}
    assert owners["open_major_accident_hazard"] == "dualprev_sdk.grading.builtin"
    assert owners["acme_confined_space"] == "acme"
    [finding] = determine(DirectFacts(flags=frozenset({"confined_space_unapproved"})), rules)
    assert finding.rule == "acme_confined_space"
    assert finding.plugin == "acme"


def test_two_plugins_contributing_the_same_rule_code_fail_naming_both() -> None:
    class Again:
        @hookimpl
        def dualprev_direct_determination_rules(self) -> list[Any]:
            return [
                r for r in collect_direct_rules(PluginHost(entry_points=False)) if r.code == "mandatory_rule_violation"
            ]

    host = PluginHost(entry_points=False, extra_plugins=[("again", Again())])
    with pytest.raises(AlreadyExists, match=r"'dualprev_sdk.grading.builtin'.*'again'"):
        collect_direct_rules(host)
