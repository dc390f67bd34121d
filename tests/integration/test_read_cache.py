"""The read cache (``store/read_cache.py``): what a cached read may and may not return, on every backend.

The rule under test: a write made through the SDK's engine — by any code path — is visible to the next cached
read in the same process; a write by another process is visible once the entry's TTL has run out.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path

import attrs
import pytest
import sqlalchemy as sa

from dualprev_sdk import Equipment, NotFound, UseUnit
from dualprev_sdk.services.bootstrap import Dualprev
from dualprev_sdk.services.ledger_import import import_ledger
from dualprev_sdk.store.read_cache import ReadCache


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def cache(sdk: Dualprev, clock: FakeClock) -> Iterator[ReadCache]:
    sdk.read_cache = ReadCache(sdk.engine, ttl=5.0, timer=clock)
    yield sdk.read_cache
    sdk.read_cache.close()
    sdk.read_cache = None


@pytest.fixture
def unit(sdk: Dualprev, make_uscc: Callable[[int], str]) -> UseUnit:
    return sdk.ledger.create_unit(UseUnit(uscc=make_uscc(1), name="甲公司", region_code="410105"))


@pytest.fixture
def lift(sdk: Dualprev, unit: UseUnit) -> Equipment:
    return sdk.ledger.create_equipment(
        Equipment(id="lift-1", unit_uscc=unit.uscc, catalog_code="3110", name="1号梯", equipment_code="-")
    )


def test_a_repeated_cached_read_is_served_from_memory(sdk: Dualprev, cache: ReadCache, unit: UseUnit) -> None:
    first = sdk.ledger.get_unit(unit.uscc, cached=True)
    second = sdk.ledger.get_unit(unit.uscc, cached=True)
    assert second is first
    assert (cache.stats.misses, cache.stats.hits) == (1, 1)


def test_reads_without_cached_never_touch_the_cache(sdk: Dualprev, cache: ReadCache, unit: UseUnit) -> None:
    sdk.ledger.get_unit(unit.uscc)
    sdk.ledger.get_unit(unit.uscc)
    assert (cache.stats.misses, cache.stats.hits) == (0, 0)


def test_an_update_through_the_ledger_is_visible_at_once(sdk: Dualprev, cache: ReadCache, unit: UseUnit) -> None:
    sdk.ledger.get_unit(unit.uscc, cached=True)
    sdk.ledger.update_unit(attrs.evolve(unit, name="甲公司（更名）"))
    seen = sdk.ledger.get_unit(unit.uscc, cached=True)
    assert (seen.name, seen.version) == ("甲公司（更名）", unit.version + 1)


def test_an_equipment_change_by_another_use_case_is_visible_at_once(
    sdk: Dualprev, cache: ReadCache, lift: Equipment
) -> None:
    """Not only the ledger writes equipment: this goes through a bare unit of work, as inspections, hazards and
    the 96333 service do, and reports nothing to the cache."""
    sdk.ledger.get_equipment(lift.id, cached=True)
    with sdk.uow() as uow:
        uow.equipment.update(attrs.evolve(uow.equipment.get(lift.id), name="1号客梯"))
        uow.commit()
    assert sdk.ledger.get_equipment(lift.id, cached=True).name == "1号客梯"


def test_a_raw_statement_on_the_engine_is_visible_at_once(sdk: Dualprev, cache: ReadCache, unit: UseUnit) -> None:
    sdk.ledger.get_unit(unit.uscc, cached=True)
    with sdk.engine.begin() as connection:
        statement = sa.text("UPDATE units SET name = :name WHERE uscc = :uscc")
        connection.execute(statement, {"name": "丙", "uscc": unit.uscc})
    assert sdk.ledger.get_unit(unit.uscc, cached=True).name == "丙"


def test_a_bulk_ledger_import_is_visible_at_once(
    sdk: Dualprev, cache: ReadCache, unit: UseUnit, tmp_path: Path
) -> None:
    sdk.ledger.get_unit(unit.uscc, cached=True)
    path = tmp_path / "ledger.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            ["使用单位名称", "统一社会信用代码", "所在地区(行政区划代码)", "设备品种(代码)", "单位内编号", "设备名称"]
        )
        writer.writerow(["甲公司（导入）", unit.uscc, "410105", "3110", "DT-2", "2号梯"])
    report = import_ledger(sdk, path)
    assert report.committed, report
    assert sdk.ledger.get_unit(unit.uscc, cached=True).name == "甲公司（导入）"


def test_writes_to_other_tables_keep_the_entries(sdk: Dualprev, cache: ReadCache, lift: Equipment) -> None:
    """``equipment_events`` and ``person_equipment`` are not ``equipment``: writing them drops nothing."""
    sdk.ledger.get_equipment(lift.id, cached=True)
    with sdk.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM equipment_events"))
        connection.execute(sa.text("DELETE FROM person_equipment"))
    sdk.ledger.get_equipment(lift.id, cached=True)
    assert (cache.stats.misses, cache.stats.hits) == (1, 1)


def test_an_equipment_write_keeps_the_unit_entries(
    sdk: Dualprev, cache: ReadCache, unit: UseUnit, lift: Equipment
) -> None:
    sdk.ledger.get_unit(unit.uscc, cached=True)
    sdk.ledger.update_equipment(attrs.evolve(lift, name="改名"))
    sdk.ledger.get_unit(unit.uscc, cached=True)
    assert (cache.stats.misses, cache.stats.hits) == (1, 1)


def test_a_read_that_overlaps_a_write_is_not_kept(sdk: Dualprev, cache: ReadCache, unit: UseUnit) -> None:
    """The lookup reads the old row, then a write commits before the lookup stores it: storing it would keep
    the old row until the TTL ran out, so it is returned once and dropped."""

    def load_then_write() -> UseUnit:
        old = sdk.ledger.get_unit(unit.uscc)
        sdk.ledger.update_unit(attrs.evolve(unit, name="新名"))
        return old

    assert cache.get("units", unit.uscc, load_then_write).name == "甲公司"
    assert sdk.ledger.get_unit(unit.uscc, cached=True).name == "新名"


def test_absence_is_not_cached(sdk: Dualprev, cache: ReadCache, make_uscc: Callable[[int], str]) -> None:
    uscc = make_uscc(2)
    with pytest.raises(NotFound):
        sdk.ledger.get_unit(uscc, cached=True)
    sdk.ledger.create_unit(UseUnit(uscc=uscc, name="乙公司", region_code="410102"))
    assert sdk.ledger.get_unit(uscc, cached=True).name == "乙公司"


def test_another_processs_write_is_seen_after_the_ttl(
    sdk: Dualprev, cache: ReadCache, clock: FakeClock, unit: UseUnit, db_url: str
) -> None:
    """Another engine (another process, in effect) writes: nothing tells this process, so the entry serves the
    old unit until it expires — the documented staleness bound, and never longer."""
    sdk.ledger.get_unit(unit.uscc, cached=True)
    with Dualprev.open(db_url, migrate=False) as other:
        other.ledger.update_unit(attrs.evolve(unit, name="他处更名"))
    clock.now += 4.9
    assert sdk.ledger.get_unit(unit.uscc, cached=True).name == "甲公司"
    clock.now += 0.2
    assert sdk.ledger.get_unit(unit.uscc, cached=True).name == "他处更名"


def test_closing_the_cache_stops_watching_the_engine(sdk: Dualprev, clock: FakeClock, unit: UseUnit) -> None:
    cache = ReadCache(sdk.engine, ttl=5.0, timer=clock)
    cache.close()
    sdk.ledger.update_unit(attrs.evolve(unit, name="改名"))
    assert cache.stats.invalidations == 1  # the one from close() itself


def test_enable_read_cache_replaces_and_close_releases(sdk: Dualprev, unit: UseUnit) -> None:
    first = sdk.enable_read_cache(1.0)
    second = sdk.enable_read_cache(1.0)
    assert sdk.read_cache is second is not first
    sdk.ledger.get_unit(unit.uscc, cached=True)
    assert second.stats.misses == 1
    assert first.stats.misses == 0
    with pytest.raises(ValueError, match="ttl"):
        ReadCache(sdk.engine, ttl=0)
