"""The sweeps that will run over a million equipment rows are answered from an index on both backends.

PostgreSQL's planner prefers a sequential scan on tiny tables, so the test forbids sequential scans for the
statement: the question is whether a usable index exists, not what the planner picks for ten rows.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from dualprev_sdk.store.engine import make_engine

SWEEPS: dict[str, tuple[str, str | tuple[str, ...]]] = {
    "overdue_everywhere": (
        "SELECT id FROM equipment WHERE status = :status AND next_inspection_due < :day",
        "ix_equipment_status_due",
    ),
    "overdue_in_a_region": (
        "SELECT id FROM equipment WHERE region_code >= :low AND region_code < :high "
        "AND status = :status AND next_inspection_due < :day",
        ("ix_equipment_region_status_due", "ix_equipment_status_due"),  # the planner picks by statistics
    ),
    "equipment_in_a_region": (
        "SELECT id FROM equipment WHERE region_code >= :low AND region_code < :high",
        "ix_equipment_region_status_due",
    ),
    "a_units_equipment": ("SELECT id FROM equipment WHERE unit_uscc = :uscc", "ix_equipment_unit_uscc"),
    "one_catalogue_code": ("SELECT id FROM equipment WHERE catalog_code = :code", "ix_equipment_catalog_code"),
    "units_in_a_region": (
        "SELECT uscc FROM units WHERE region_code >= :low AND region_code < :high",
        "ix_units_region_code",
    ),
}
PARAMS = {
    "status": "in_use",
    "day": dt.date(2025, 1, 1),
    "low": "4101",
    "high": "4102",
    "uscc": "91410100000000019L",
    "code": "3110",
}


@pytest.mark.parametrize("sweep", sorted(SWEEPS))
def test_each_sweep_uses_its_index(db_url: str, sweep: str) -> None:
    sql, index = SWEEPS[sweep]
    params = {k: v for k, v in PARAMS.items() if f":{k}" in sql}
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("SET LOCAL enable_seqscan = off"))
                plan = "\n".join(row[0] for row in conn.execute(sa.text(f"EXPLAIN {sql}"), params))
            else:
                plan = "\n".join(row[-1] for row in conn.execute(sa.text(f"EXPLAIN QUERY PLAN {sql}"), params))
    finally:
        engine.dispose()
    expected = (index,) if isinstance(index, str) else index
    assert any(name in plan for name in expected), plan
