"""The one converter: outside data in, domain objects out, every bad field reported with its path."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from dualprev_sdk.domain.common import RiskLevel
from dualprev_sdk.domain.equipment import EquipmentStatus
from dualprev_sdk.errors import InvalidArgument
from dualprev_sdk.serialization import structure, unstructure


@attrs.frozen(kw_only=True)
class Inner:
    rated_load_kg: int
    status: EquipmentStatus


@attrs.frozen(kw_only=True)
class Outer:
    name: str
    commissioned_on: dt.date
    checked_at: dt.datetime
    inner: Inner
    levels: tuple[RiskLevel, ...] = ()


GOOD = {
    "name": "1号客梯",
    "commissioned_on": "2015-03-01",
    "checked_at": "2026-06-01T08:00:00+08:00",
    "inner": {"rated_load_kg": 1000, "status": "在用"},
    "levels": [1, "一般风险"],
}


def test_enums_accept_values_member_names_and_chinese_labels() -> None:
    assert structure("在用", EquipmentStatus) is EquipmentStatus.IN_USE
    assert structure("IN_USE", EquipmentStatus) is EquipmentStatus.IN_USE
    assert structure("重大风险", RiskLevel) is RiskLevel.MAJOR
    assert structure(3, RiskLevel) is RiskLevel.GENERAL


def test_a_nested_record_round_trips() -> None:
    value = structure(GOOD, Outer)
    assert value.inner.status is EquipmentStatus.IN_USE
    assert value.levels == (RiskLevel.MAJOR, RiskLevel.GENERAL)
    assert structure(unstructure(value), Outer) == value


def test_every_bad_field_is_reported_with_its_path() -> None:
    bad = {**GOOD, "commissioned_on": "2015-13-01", "inner": {"rated_load_kg": "heavy", "status": "坏了"}}
    with pytest.raises(InvalidArgument) as err:
        structure(bad, Outer)
    fields = {v.field for v in err.value.violations}
    assert fields == {"commissioned_on", "inner.rated_load_kg", "inner.status"}
    by_field = {v.field: v for v in err.value.violations}
    assert by_field["inner.status"].value == "坏了"


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(InvalidArgument) as err:
        structure({**GOOD, "checked_at": "2026-06-01T08:00:00"}, Outer)
    assert [v.field for v in err.value.violations] == ["checked_at"]


def test_unknown_keys_are_refused_by_name() -> None:
    with pytest.raises(InvalidArgument) as err:
        structure({**GOOD, "colour": "red"}, Outer)
    assert "colour" in str(err.value)


@attrs.frozen(kw_only=True)
class _Settings:
    workers: int = attrs.field(default=4, validator=attrs.validators.ge(1))
    grace: float = attrs.field(default=1.0, validator=attrs.validators.ge(0))
    name: str = "x"


def test_every_field_an_init_validator_rejects_is_named_with_the_validators_message() -> None:
    """attrs stops at the first failing validator and cattrs reports it at class level ("invalid value" of the
    whole object); structure() names each field instead."""
    with pytest.raises(InvalidArgument) as caught:
        structure({"workers": "0", "grace": "-1"}, _Settings)
    assert [(v.field, v.rule) for v in caught.value.violations] == [
        ("workers", "validator.workers"),
        ("grace", "validator.grace"),
    ]
    assert "must be >= 1" in caught.value.violations[0].message


def test_a_value_that_does_not_structure_keeps_the_hooks_explanation() -> None:
    with pytest.raises(InvalidArgument) as caught:
        structure({"workers": "many"}, _Settings)
    (violation,) = caught.value.violations
    assert violation.field == "workers"
    assert "expected int" in violation.message
    assert "'many'" in violation.message
