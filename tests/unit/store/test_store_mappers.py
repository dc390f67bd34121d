"""Row ↔ domain mappers: every field survives the trip, and storage conventions stay inside the store."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import sqlite

from dualprev_sdk import CrowdedPlaceType, Equipment, EquipmentStatus, Location, RoleAssignment, SafetyRole, UseUnit
from dualprev_sdk.domain.unit import SizeClass
from dualprev_sdk.store.base import UTCDateTime, starts_with
from dualprev_sdk.store.equipment import EQUIPMENT, PlainParametersCodec, equipment_from_row, equipment_to_row
from dualprev_sdk.store.units import unit_from_row, unit_to_row


def _as_read(values: dict[str, Any], version: int = 3) -> dict[str, Any]:
    return {**values, "version": version}


def test_a_unit_survives_the_mapping_with_its_roles() -> None:
    unit = UseUnit(
        uscc="91410100000000019L",
        name="某公司",
        region_code="410102",
        size_class=SizeClass.MICRO,
        roles=(RoleAssignment(role=SafetyRole.PRINCIPAL, name="赵六", equipment_kind="3000"),),
        version=3,
    )
    row = unit_to_row(unit)
    assert row["roles"] == [
        {"role": "principal", "name": "赵六", "phone": "", "person_id": None, "equipment_kind": "3000"}
    ]
    assert unit_from_row(_as_read(row)) == unit


def test_an_unknown_equipment_code_is_stored_as_null_so_uniqueness_applies_only_to_real_codes() -> None:
    equipment = Equipment(id="e", unit_uscc="91410100000000019L", catalog_code="3110", equipment_code="-")
    row = equipment_to_row(equipment, region_code="410102")
    assert row["equipment_code"] is None
    assert equipment_from_row(_as_read(row, version=0)) == equipment


def test_equipment_survives_the_mapping_with_location_dates_and_parameters() -> None:
    equipment = Equipment(
        id="e",
        unit_uscc="91410100000000019L",
        catalog_code="3110",
        equipment_code="31104101002019000001",
        location=Location(address="一号楼", building="1", floor="B1", area="东", x=1.5, y=None),
        crowded_place=CrowdedPlaceType.SCHOOL,
        status=EquipmentStatus.SUSPENDED,
        status_since=dt.date(2024, 1, 2),
        next_inspection_due=dt.date(2025, 1, 2),
        parameters={"rated_load_kg": 1000},
        stop_use_order="hz-1",
        version=2,
    )
    row = equipment_to_row(equipment, region_code="410102")
    assert row["region_code"] == "410102"
    assert equipment_from_row(_as_read(row, version=2)) == equipment


@attrs.frozen
class LiftParameters:
    rated_load_kg: int


def test_the_plain_codec_unstructures_attrs_parameters_and_refuses_non_objects() -> None:
    codec = PlainParametersCodec()
    assert codec.unstructure("3110", LiftParameters(rated_load_kg=800)) == {"rated_load_kg": 800}
    assert codec.unstructure("3110", None) is None
    with pytest.raises(ValueError, match="object"):
        codec.unstructure("3110", [1, 2])


def test_a_naive_datetime_is_refused_and_stored_instants_come_back_in_utc() -> None:
    column = UTCDateTime()
    with pytest.raises(ValueError, match="naive"):
        column.process_bind_param(dt.datetime(2025, 1, 1, 8, 0), sqlite.dialect())
    shanghai = dt.timezone(dt.timedelta(hours=8))
    stored = column.process_bind_param(dt.datetime(2025, 1, 1, 8, 0, tzinfo=shanghai), sqlite.dialect())
    assert stored == dt.datetime(2025, 1, 1, 0, 0)
    assert column.process_result_value(stored, sqlite.dialect()) == dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("prefix", "sql"),
    [
        ("4101", "equipment.region_code >= '4101' AND equipment.region_code < '4102'"),
        ("4109", "equipment.region_code >= '4109' AND equipment.region_code < '4110'"),
        ("09", "equipment.region_code >= '09' AND equipment.region_code < '10'"),
    ],
)
def test_a_digit_prefix_becomes_an_index_range(prefix: str, sql: str) -> None:
    clause = starts_with(EQUIPMENT.c.region_code, prefix)
    rendered = str(
        clause.compile(
            dialect=sa.create_engine("postgresql+psycopg://u@h/d").dialect, compile_kwargs={"literal_binds": True}
        )
    )
    assert rendered == sql


def test_other_prefixes_fall_back_to_like_with_wildcards_escaped() -> None:
    clause = starts_with(EQUIPMENT.c.catalog_code, "23T_")
    rendered = str(clause.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
    assert "LIKE" in rendered
    assert "23T/_" in rendered
    all_nines = starts_with(EQUIPMENT.c.region_code, "99")
    assert isinstance(all_nines, sa.ColumnElement)
    assert "LIKE" in str(all_nines.compile(dialect=sqlite.dialect()))
