"""Keyset pages under keys that a linguistic collation orders differently from Python: on SQLite and PostgreSQL
(CI runs the PostgreSQL leg on a database with an ICU ``en-US`` default collation too), every paged listing
walked page by page gives each row exactly once, in the documented order — the code-point order ``sorted()``
gives, which is the order the services sort and compare page keys in.

The keys mix case, ``-``, ``_``, ``.``, digits and CJK: under ``en-US`` ``a-b`` sorts after ``ab``, ``a_b`` before
``a1``, ``aB`` between ``ab`` and ``b``; bytewise, uppercase precedes lowercase and punctuation precedes letters.
A store that let the database collation decide would skip or repeat rows across page boundaries there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TypeVar

import pytest
import sqlalchemy as sa

from dualprev_sdk import Equipment, UseUnit
from dualprev_sdk.domain.credit import CreditRecord, CreditRecordKind
from dualprev_sdk.domain.cylinder import Cylinder, FillRequest
from dualprev_sdk.domain.personnel import Certificate, Person
from dualprev_sdk.domain.risk import ControlMeasures, RiskPoint
from dualprev_sdk.services import credit, risk
from dualprev_sdk.services import elevator_emergency as e96333
from dualprev_sdk.services import inspections as ins
from dualprev_sdk.services import traceability as trace
from dualprev_sdk.services.bootstrap import Dualprev
from dualprev_sdk.timeutil import SHANGHAI

T = TypeVar("T")
K = TypeVar("K")

#: Distinct keys whose code-point order differs from ICU/glibc ``en-US`` order in many adjacent pairs.
KEYS = [
    "a-b", "ab", "aB", "Ab", "AB", "a_b", "a1", "A-c", "a.b", "a--z", "B", "b", "b-", "中", "中-1",
    "z9", "Z-9", "10", "1-0", "1_0",
]  # fmt: skip
SIZES = (1, 2, 3, 7, 1000)
TODAY = dt.date(2026, 11, 20)
T0 = dt.datetime(2026, 6, 1, 8, 0, tzinfo=SHANGHAI)
ZHENGZHOU, LUOYANG = "410105", "410305"


def _walk(page: Callable[[K | None, int], Sequence[T]], key: Callable[[T], K], size: int) -> list[T]:
    """Every row of a keyset listing, ``size`` at a time, each page resuming after the last key of the one
    before; a page shorter than ``size`` is the last."""
    rows: list[T] = []
    after: K | None = None
    for _ in range(len(KEYS) * 4 + 2):
        got = page(after, size)
        assert len(got) <= size
        rows.extend(got)
        if len(got) < size:
            return rows
        after = key(got[-1])
    raise AssertionError("the cursor did not move forward")


def _assert_walks(page: Callable[[K | None, int], Sequence[T]], key: Callable[[T], K], expected: list[K]) -> None:
    """No gaps, no repeats, and the documented order, at every page size."""
    assert expected == sorted(expected), "the expected keys are the documented (code-point) order"
    assert len(set(expected)) == len(expected)
    for size in SIZES:
        assert [key(row) for row in _walk(page, key, size)] == expected, f"page size {size}"


@pytest.fixture
def units(sdk: Dualprev, make_uscc: Callable[[int], str]) -> tuple[str, str]:
    """Two units in two regions; the adversarial keys are lifts split between them, every one overdue."""
    first, second = make_uscc(11), make_uscc(12)
    sdk.ledger.create_unit(UseUnit(uscc=first, name="郑州某商场有限公司", region_code=ZHENGZHOU))
    sdk.ledger.create_unit(UseUnit(uscc=second, name="洛阳某商场有限公司", region_code=LUOYANG))
    for n, key in enumerate(KEYS):
        sdk.ledger.create_equipment(
            Equipment(
                id=key,
                unit_uscc=first if n % 2 else second,
                catalog_code="3110" if n % 3 else "3120",
                name=f"{n}号电梯",
                next_inspection_due=dt.date(2026, 10, 1),
            )
        )
    return first, second


def test_ledger_equipment_pages_follow_the_id_order(sdk: Dualprev, units: tuple[str, str]) -> None:
    for unit in (*units, None):
        expected = sorted(e.id for e in _all_equipment(sdk) if unit is None or e.unit_uscc == unit)
        assert expected
        for size in SIZES:  # opaque AIP-158 tokens rather than keys
            walked: list[str] = []
            token = ""
            for _ in range(len(KEYS) + 1):
                got = sdk.ledger.list_equipment(unit_uscc=unit, page_size=size, page_token=token)
                walked += [e.id for e in got.items]
                token = got.next_page_token
                if not token:
                    break
            assert walked == expected, (unit, size)


def _all_equipment(sdk: Dualprev) -> list[Equipment]:
    with sdk.uow() as uow:
        return uow.equipment.list(limit=10_000)


def test_overdue_pages_follow_region_unit_class_id(sdk: Dualprev, units: tuple[str, str]) -> None:
    region = {units[0]: ZHENGZHOU, units[1]: LUOYANG}
    expected = sorted((region[e.unit_uscc], e.unit_uscc, e.catalog_code, e.id) for e in _all_equipment(sdk))
    assert len(expected) == len(KEYS)
    _assert_walks(
        lambda after, size: ins.list_overdue(sdk, today=TODAY, limit=size, after=after).items,
        lambda item: item.key,
        expected,
    )


def test_overdue_maintenance_pages_follow_the_id_order(sdk: Dualprev, units: tuple[str, str]) -> None:
    _assert_walks(
        lambda after, size: e96333.overdue_maintenance(sdk, day=TODAY, after=after, limit=size),
        lambda row: row[0],
        sorted(KEYS),
    )


def test_control_list_pages_follow_the_printed_list(sdk: Dualprev, units: tuple[str, str]) -> None:
    first, _ = units
    mine = sorted(e.id for e in _all_equipment(sdk) if e.unit_uscc == first)
    for n, key in enumerate(KEYS):  # point ids are adversarial too; equipment ids vary, some unit-level
        equipment_id = None if n % 4 == 0 else mine[n % len(mine)]
        point = RiskPoint(
            id=key,
            unit_uscc=first,
            equipment_id=equipment_id,
            component="轿厢",
            hazard_factor="门锁失效",
            accident_types=("其他伤害",),
            method="ls",
            factors={"l": 1.0 + n % 4, "s": 2.0},
            measures=ControlMeasures(management=("班前检查",)),
        )
        risk.add_risk_point(sdk, point, actor="安全员张三")
    printed = [risk.control_list_key(row) for row in risk.build_control_list(sdk, first).rows]
    assert len(printed) == len(KEYS)
    _assert_walks(
        lambda after, size: risk.list_control_list_rows(sdk, first, after=after, limit=size),
        risk.control_list_key,
        printed,
    )


def test_credit_record_pages_follow_date_and_id(sdk: Dualprev, units: tuple[str, str]) -> None:
    first, _ = units
    with sdk.uow() as uow:
        for n, key in enumerate(KEYS):
            record = CreditRecord(
                id=key,
                unit_uscc=first,
                kind=CreditRecordKind.REFUSED_INSPECTION,
                occurred_on=dt.date(2026, 3, 1 + n % 2),
                source="市场监管局",
            )
            credit.add_credit_record(uow, record, actor="监管员")
        uow.commit()
    expected = sorted((dt.date(2026, 3, 1 + n % 2), key) for n, key in enumerate(KEYS))
    _assert_walks(
        lambda after, size: credit.list_credit_records(sdk, first, after=after, limit=size),
        lambda r: (r.occurred_on, r.id),
        expected,
    )


def test_cylinder_warning_pages_follow_the_tag_order(sdk: Dualprev, make_uscc: Callable[[int], str]) -> None:
    station = make_uscc(21)
    sdk.ledger.create_unit(UseUnit(uscc=station, name="郑州某燃气充装站", region_code=ZHENGZHOU))
    with sdk.uow() as uow:
        certificate = Certificate(number="TS-P-1", category_code="P", expires_on=dt.date(2028, 1, 1))
        uow.people.add(Person(id="filler-1", unit_uscc=station, name="王充装", certificates=(certificate,)))
        uow.commit()
    cylinders = [
        Cylinder(
            id=f"CY-{n}",
            tag=key,
            filling_station_uscc=station,
            medium="液化石油气",
            catalog_code="2320",
            manufactured_on=dt.date(2020, 1, 1),
            design_life_years=8,
            last_inspection_on=dt.date(2024, 1, 1),
            next_inspection_due=dt.date(2028, 1, 1),
        )
        for n, key in enumerate(KEYS)
    ]
    trace.register_cylinders(sdk, cylinders, at=T0 - dt.timedelta(days=1))
    for n, key in enumerate(KEYS):  # a refused fill (wrong medium) each: one warning per tag at threshold 1
        request = FillRequest(
            tag=key,
            station_uscc=station,
            filler_id="filler-1",
            medium="二甲醚",
            at=T0 + dt.timedelta(minutes=n),
            quantity_kg=14.5,
            pre_checks=("外观", "瓶阀", "检验有效期"),
            post_checks=("泄漏", "重量复检"),
        )
        assert not trace.record_fill(sdk, request).accepted
    day = dt.date(2026, 6, 10)
    whole = trace.cylinder_warnings(sdk, day=day, refusal_threshold=1)
    tags = {c.id: c.tag for c in cylinders}
    expected = sorted(trace.cylinder_warning_key(tags[w.cylinder_id], w.kind) for w in whole)
    assert len(expected) == len(KEYS)
    for batch in (1, 3, 256):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(trace, "WARNING_BATCH", batch)
            _assert_walks(
                lambda after, size: trace.cylinder_warnings(sdk, day=day, refusal_threshold=1, after=after, limit=size),
                lambda w: trace.cylinder_warning_key(tags[w.cylinder_id], w.kind),
                expected,
            )


@pytest.mark.parametrize(
    ("table", "column"),
    [("equipment", "id"), ("units", "uscc"), ("cylinders", "tag"), ("risk_points", "equipment_id"),
     ("credit_records", "id"), ("cylinder_events", "tag")],
)  # fmt: skip
def test_key_columns_compare_bytewise_on_postgresql(db_url: str, table: str, column: str) -> None:
    """The schema, not each query, fixes the order: key columns carry the C collation on PostgreSQL (SQLite's
    default BINARY collation is bytewise already)."""
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite compares text bytewise by default")
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            found = conn.execute(
                sa.text(
                    "SELECT collation_name FROM information_schema.columns"
                    " WHERE table_schema = current_schema() AND table_name = :t AND column_name = :c"
                ),
                {"t": table, "c": column},
            ).scalar_one()
    finally:
        engine.dispose()
    assert found == "C"
