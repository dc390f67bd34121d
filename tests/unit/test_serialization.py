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
