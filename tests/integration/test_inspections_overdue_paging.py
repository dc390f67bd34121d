"""The 逾期未检 listing read a keyset page at a time (``list_overdue(limit=, after=)``), on SQLite and PostgreSQL:
every row once in (region, unit, class, id) order, complete counts on every page, and pages after the cursor
that stay put when rows are added or leave before it."""

from __future__ import annotations

import datetime as dt

import pytest
from inspection_world import FACTORY, LUOYANG, MALL, TODAY, ZHENGZHOU, _lift, build

from dualprev_sdk.errors import InvalidArgument
from dualprev_sdk.services import inspections as ins
from dualprev_sdk.services.bootstrap import Dualprev

EVERYTHING = ["L2", "L4", "C1", "C2", "F1"]  # 郑州 mall lifts, then 洛阳 factory crane, crane, vehicle


def _walk(
    sdk: Dualprev, size: int, *, region_prefix: str | None = None, catalog_prefix: str | None = None
) -> list[ins.OverdueListing]:
    def page(after: ins.OverdueKey | None) -> ins.OverdueListing:
        return ins.list_overdue(
            sdk, today=TODAY, limit=size, after=after, region_prefix=region_prefix, catalog_prefix=catalog_prefix
        )

    pages = [page(None)]
    while pages[-1].next_after is not None:
        pages.append(page(pages[-1].next_after))
        assert len(pages) <= 10, "the cursor must move forward"
    return pages


@pytest.mark.parametrize("size", [1, 2, 4, 5, 100])
def test_pages_list_every_overdue_item_once_in_order_with_complete_counts(sdk: Dualprev, size: int) -> None:
    build(sdk)
    pages = _walk(sdk, size)
    assert [i.equipment_id for page in pages for i in page.items] == EVERYTHING
    assert all(len(page.items) == size for page in pages[:-1])
    assert pages[-1].next_after is None
    for page in pages:
        assert page.total == 5
        assert page.by_region == {ZHENGZHOU: 2, LUOYANG: 3}
        assert page.by_unit == {MALL: 2, FACTORY: 3}
        assert page.by_kind == {"3000": 2, "4000": 2, "5000": 1}
    for page in pages[:-1]:
        assert page.next_after == page.items[-1].key


def test_filters_page_the_same_way(sdk: Dualprev) -> None:
    build(sdk)
    pages = _walk(sdk, 1, region_prefix="4103")
    assert [i.equipment_id for page in pages for i in page.items] == ["C1", "C2", "F1"]
    assert {page.total for page in pages} == {3}
    pages = _walk(sdk, 1, catalog_prefix="4")
    assert [i.equipment_id for page in pages for i in page.items] == ["C1", "C2"]
    assert {page.total for page in pages} == {2}


def test_rows_added_behind_the_cursor_do_not_shift_the_pages_after_it(sdk: Dualprev) -> None:
    build(sdk)
    first = ins.list_overdue(sdk, today=TODAY, limit=2)
    assert [i.equipment_id for i in first.items] == ["L2", "L4"]
    # a lift of the mall, overdue, whose key sorts before the cursor (L0 < L4)
    sdk.ledger.create_equipment(_lift(0, dt.date(2026, 7, 1)))
    rest = ins.list_overdue(sdk, today=TODAY, limit=100, after=first.next_after)
    assert [i.equipment_id for i in rest.items] == ["C1", "C2", "F1"]
    assert rest.total == 6  # the counts are the listing's now, the new lift included
    assert rest.next_after is None


def test_the_last_key_gives_an_empty_page_and_a_bad_limit_is_refused(sdk: Dualprev) -> None:
    build(sdk)
    whole = ins.list_overdue(sdk, today=TODAY)
    assert whole.next_after is None
    beyond = ins.list_overdue(sdk, today=TODAY, limit=3, after=whole.items[-1].key)
    assert (beyond.items, beyond.next_after, beyond.total) == ((), None, 5)
    with pytest.raises(InvalidArgument) as refused:
        ins.list_overdue(sdk, today=TODAY, limit=0)
    assert [v.field for v in refused.value.violations] == ["limit"]
