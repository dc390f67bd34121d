"""Benchmark: 10,000 hazards taken from registration to close-out through the SDK, with their full records.

Each hazard goes report → register → grade (GB 45067 rules via the plugin host) → plan → start → complete →
verify → close out: eight commands, each its own unit of work (load by folding the events, compare-and-swap on
the version, one hash-chained event row, one outbox row, commit), so 80,000 transactions. Every 10th hazard is
major, which also stops and releases its lift and files a regulator report. Afterwards the whole log is verified
(``verify_hazard_chain``) and the statistics are computed, and both are timed too.

Baseline, measured in the same run on the same machine: writing the same number of hazard and event rows with
plain ``executemany`` in one transaction and no domain logic, hashing, folding or per-command commit — the
floor for storing that much data, so ``ratio`` says what the per-command guarantees cost.

Runs on SQLite (a temporary file) and, when ``DUALPREV_BENCH_POSTGRES_URL`` or ``DUALPREV_TEST_POSTGRES_URL`` is
set, on PostgreSQL in a throw-away schema. ``DUALPREV_BENCH_HAZARDS`` overrides the count.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import os
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import harness
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from dualprev_sdk import Equipment, RoleAssignment, SafetyRole, UseUnit, hookimpl
from dualprev_sdk.domain.hazard import AcceptanceRecord, Evidence, HazardSource, RectificationPlan
from dualprev_sdk.domain.hazard_chain import GENESIS_HASH, canonical_json, event_hash
from dualprev_sdk.equipment_classes import DueDate, EquipmentClass, InspectionFacts, MajorHazardCriterion
from dualprev_sdk.plugins import PluginHost
from dualprev_sdk.services import hazards as hz
from dualprev_sdk.services.bootstrap import Dualprev
from dualprev_sdk.store.engine import make_engine, normalise_url
from dualprev_sdk.store.hazards import HAZARD_EVENTS, HAZARDS
from dualprev_sdk.store.migrate import upgrade

HAZARDS_N = int(os.environ.get("DUALPREV_BENCH_HAZARDS", "10000"))
COMMANDS_PER_HAZARD = 8
T0 = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
REGION = "410105"

_DOOR_LOCK = MajorHazardCriterion(
    clause="4.6",
    item="d",
    text="乘客与载货电梯门锁回路被短接",
    applies_to=("31", "32"),
    predicate=lambda state: "door_lock_circuit_shorted" in state.findings,
)


class _BenchLift(EquipmentClass):
    key = "bench_lift"
    kind_code = "3000"
    catalog_codes = ("3000",)
    name_zh = "基准电梯"
    name_en = "bench lift"

    def next_due(self, facts: InspectionFacts) -> list[DueDate]:
        return []

    def major_hazard_criteria(self) -> list[MajorHazardCriterion]:
        return [_DOOR_LOCK]


class _Plugin:
    @hookimpl
    def dualprev_register_equipment_classes(self, registry: Any) -> None:
        registry.register(_BenchLift())


def _lifecycle(sdk: Dualprev, unit: str, index: int) -> None:
    hazard_id = f"BH-{index:06d}"
    major = index % 10 == 0
    equipment_id = f"L-{index % 500}"
    at = T0 + dt.timedelta(minutes=index)
    hz.report_hazard(
        sdk,
        hazard_id=hazard_id,
        unit_uscc=unit,
        equipment_id=equipment_id,
        source=HazardSource.DAILY_CHECK,
        source_reference=f"DAILY-{index}",
        description="门锁回路被短接" if major else "轿厢照明损坏",
        found_on=at.date(),
        finder="安全员",
        actor="安全员",
        at=at,
    )
    hz.register_hazard(sdk, hazard_id, actor="安全员", at=at)
    findings = ["door_lock_circuit_shorted"] if major else []
    hz.grade_hazard_by_rules(sdk, hazard_id, actor="安全总监", findings=findings, in_use=True, at=at)
    plan = RectificationPlan(
        measures="更换部件",
        responsible_person="维保组长",
        funds_yuan=decimal.Decimal("1200"),
        deadline=at.date() + dt.timedelta(days=30),
        contingency_plan="停梯警示",
    )
    hz.plan_rectification(sdk, hazard_id, plan=plan, actor="安全总监", at=at)
    hz.start_rectification(sdk, hazard_id, actor="维保组长", at=at)
    later = at + dt.timedelta(days=5)
    hz.complete_rectification(
        sdk,
        hazard_id,
        measures_taken="已更换",
        evidence=[Evidence(kind="photo", reference=f"P-{index}")],
        actor="维保组长",
        at=later,
    )
    acceptance = AcceptanceRecord(
        accepted_by="检验员", organisation="检验院", conclusion="合格", accepted_on=later.date()
    )
    hz.verify_rectification(sdk, hazard_id, actor="安全总监", acceptance=acceptance if major else None, at=later)
    hz.close_out_hazard(sdk, hazard_id, actor="安全总监", at=later)


def _prepare(url: str) -> Dualprev:
    engine = make_engine(url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    sdk = Dualprev.open(
        url, host=PluginHost(entry_points=False, extra_plugins=[("bench-lift", _Plugin())]), migrate=False
    )
    unit = harness.uscc("00000001")
    sdk.ledger.create_unit(
        UseUnit(
            uscc=unit,
            name="基准单位",
            region_code=REGION,
            roles=(RoleAssignment(role=SafetyRole.PRINCIPAL, name="负责人"),),
        )
    )
    with sdk.uow() as uow:
        uow.equipment.add_many(
            [Equipment(id=f"L-{n}", unit_uscc=unit, catalog_code="3110", name=f"{n}号梯") for n in range(500)]
        )
        uow.commit()
    return sdk


def _baseline(url: str, n: int) -> float:
    """The same volume of hazard + event rows, written with executemany in one transaction."""
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM hazard_events WHERE hazard_id LIKE 'BASE-%'"))
        started = time.perf_counter()
        now = dt.datetime.now(dt.UTC)
        hazards = []
        events = []
        for i in range(n):
            hid = f"BASE-{i:06d}"
            hazards.append(
                {
                    "id": hid,
                    "unit_uscc": harness.uscc("00000001"),
                    "region_code": REGION,
                    "equipment_id": f"L-{i % 500}",
                    "catalog_code": "3110",
                    "equipment_kind": "3000",
                    "source": "daily_check",
                    "source_reference": str(i),
                    "description": "x",
                    "state": "closed",
                    "level": "general",
                    "stop_use": False,
                    "found_on": T0.date(),
                    "found_day": T0.date().toordinal(),
                    "version": COMMANDS_PER_HAZARD,
                    "head_hash": GENESIS_HASH,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            for seq in range(1, COMMANDS_PER_HAZARD + 1):
                events.append(
                    {
                        "hazard_id": hid,
                        "sequence": seq,
                        "event_type": "hazard.note_added",
                        "payload": '{"text":"x"}',
                        "prev_hash": GENESIS_HASH,
                        "hash": GENESIS_HASH,
                        "request_id": f"{hid}-{seq}",
                        "actor": "x",
                        "occurred_at": now,
                    }
                )
        with engine.begin() as conn:
            for start in range(0, len(hazards), 1000):
                conn.execute(sa.insert(HAZARDS), hazards[start : start + 1000])
            for start in range(0, len(events), 1000):
                conn.execute(sa.insert(HAZARD_EVENTS), events[start : start + 1000])
        elapsed = time.perf_counter() - started
        with engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM hazard_events WHERE hazard_id LIKE 'BASE-%'"))
            conn.execute(sa.text("DELETE FROM hazards WHERE id LIKE 'BASE-%'"))
        return elapsed
    finally:
        engine.dispose()


def _run_backend(backend: str, url: str, n: int) -> dict[str, Any]:
    sdk = _prepare(url)
    try:
        unit = harness.uscc("00000001")
        started = time.perf_counter()
        for index in range(n):
            _lifecycle(sdk, unit, index)
        seconds = time.perf_counter() - started

        verify_started = time.perf_counter()
        report = hz.verify_hazard_chain(sdk)
        verify_seconds = time.perf_counter() - verify_started

        stats_started = time.perf_counter()
        stats = hz.hazard_statistics(sdk, today=T0.date() + dt.timedelta(days=60))
        stats_seconds = time.perf_counter() - stats_started
        outbox = len(sdk.read_events(limit=10))
    finally:
        sdk.close()
    baseline_seconds = _baseline(url, n)
    # sanity: the hash of a canonical document is what the chain uses (keeps the imports honest)
    assert event_hash(hazard_id="x", sequence=1, event_type="t", payload={}, prev_hash=GENESIS_HASH)
    assert canonical_json({"b": 1, "a": 2}) == '{"a":2,"b":1}'
    return {
        "backend": backend,
        "hazards": n,
        "commands": n * COMMANDS_PER_HAZARD,
        "seconds": round(seconds, 2),
        "hazards_per_s": round(n / seconds, 1),
        "commands_per_s": round(n * COMMANDS_PER_HAZARD / seconds, 1),
        "baseline_seconds": round(baseline_seconds, 3),
        "ratio": round(seconds / baseline_seconds, 1),
        "verify_chain_seconds": round(verify_seconds, 2),
        "events_verified": report.events_checked,
        "chain_ok": report.ok,
        "statistics_seconds": round(stats_seconds, 3),
        "closed": stats.closed,
        "outbox_nonempty": outbox > 0,
    }


def _postgres_url() -> tuple[str, str, Any] | None:
    base = os.environ.get("DUALPREV_BENCH_POSTGRES_URL") or os.environ.get("DUALPREV_TEST_POSTGRES_URL")
    if not base:
        return None
    schema = f"dualprev_bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(base)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(normalise_url(base)).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False), schema, admin


def run() -> dict[str, Any]:
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        results.append(_run_backend("sqlite", f"sqlite:///{Path(tmp) / 'bench.sqlite'}", HAZARDS_N))
    pg = _postgres_url()
    if pg is not None:
        url, schema, admin = pg
        try:
            results.append(_run_backend("postgresql", url, HAZARDS_N))
        finally:
            with admin.begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    first = results[0]
    return {
        "name": "hazards",
        "seconds": first["seconds"],
        "baseline_seconds": first["baseline_seconds"],
        "ratio": first["ratio"],
        "rows_per_s": first["hazards_per_s"],
        "target": "report hazards/s (no target set by the issue); every chain verifies",
        "passed": all(r["chain_ok"] and r["events_verified"] == r["commands"] for r in results),
        "peak_rss_mb": round(harness.peak_rss_mb(), 1),
        "backends": results,
    }


if __name__ == "__main__":
    print(json.dumps(run(), ensure_ascii=False, indent=2))
