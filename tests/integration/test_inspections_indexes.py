"""The overdue listing and the sweep's detection are answered from indexes on both backends: the
(status, due) / (region, status, due) indexes for the range over equipment, and the cases' unique
(equipment, due date) key for the anti-join that makes the sweep idempotent."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from dualprev_sdk.store.engine import make_engine
from dualprev_sdk.store.equipment import EQUIPMENT
from dualprev_sdk.store.inspections import OVERDUE_CASES, overdue_filter

DAY = dt.date(2026, 11, 20)


def _plan(db_url: str, stmt: sa.Select[Any]) -> str:
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            compiled = stmt.compile(dialect=conn.dialect)
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("SET LOCAL enable_seqscan = off"))
                rows = conn.exec_driver_sql(f"EXPLAIN {compiled}", compiled.params)
                return "\n".join(r[0] for r in rows)
            assert compiled.positiontup is not None
            params = tuple(compiled.params[k] for k in compiled.positiontup)
            return "\n".join(r[-1] for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", params))
    finally:
        engine.dispose()


@pytest.mark.parametrize("region", [None, "4101"])
def test_the_overdue_listing_is_an_index_range_scan(db_url: str, region: str | None) -> None:
    stmt = sa.select(EQUIPMENT.c.id).where(*overdue_filter(DAY, region_prefix=region))
    plan = _plan(db_url, stmt)
    assert "ix_equipment_status_due" in plan or "ix_equipment_region_status_due" in plan, plan


def test_the_sweeps_anti_join_probes_the_cases_unique_key(db_url: str) -> None:
    e, c = EQUIPMENT.c, OVERDUE_CASES.c
    seen = sa.select(sa.literal(1)).where(c.equipment_id == e.id, c.due_on == e.next_inspection_due).exists()
    plan = _plan(db_url, sa.select(e.id).where(*overdue_filter(DAY), ~seen))
    assert "ix_equipment_status_due" in plan, plan
    assert "uq_inspection_overdue_cases" in plan or "sqlite_autoindex_inspection_overdue_cases" in plan, plan
