"""The control list read a keyset page at a time (``risk.list_control_list_rows``): the same order as the printed
list (class label, equipment, level, id — text by code point on both backends), filters in the query, no row
lost or repeated across pages, and pages that stay put when points are added behind the cursor."""

from __future__ import annotations

import pytest
from risk_world import BOILER, CRANE, LIFT, UNIT, world

from dualprev_sdk import Equipment
from dualprev_sdk.domain.common import RiskLevel
from dualprev_sdk.domain.risk import ControlMeasures, ReviewTrigger, RiskPoint
from dualprev_sdk.errors import NotFound
from dualprev_sdk.reports.control_list import ControlListRow
from dualprev_sdk.services import risk
from dualprev_sdk.services.bootstrap import Dualprev

OTHER = "E-OTHER-1"  # a catalogue code no installed plugin claims: labelled 其他（7100）


def _manual(point_id: str, equipment_id: str | None, factors: dict[str, float]) -> RiskPoint:
    return RiskPoint(
        id=point_id,
        unit_uscc=UNIT,
        equipment_id=equipment_id,
        component="作业现场",
        hazard_factor="人员未按规定佩戴防护用品",
        accident_types=("其他伤害",),
        method="ls",
        factors=factors,
        measures=ControlMeasures(management=("班前检查",)),
    )


@pytest.fixture
def unit(sdk: Dualprev) -> str:
    world(sdk)
    sdk.ledger.create_equipment(Equipment(id=OTHER, unit_uscc=UNIT, catalog_code="7100", name="附属装置"))
    risk.identify_unit_risks(sdk, UNIT, actor="安全员张三")
    # unit-level activities (no equipment) and hand-made points at several levels on one piece of equipment
    for number, factors in enumerate(
        ({"l": 1.0, "s": 2.0}, {"l": 4.0, "s": 5.0}, {"l": 2.0, "s": 3.0}, {"l": 3.0, "s": 4.0})
    ):
        risk.add_risk_point(sdk, _manual(f"RP-UNIT-{number}", None, factors), actor="安全员张三")
        risk.add_risk_point(sdk, _manual(f"RP-OTHER-{number}", OTHER, factors), actor="安全员张三")
    return UNIT


def _walk(sdk: Dualprev, size: int, **filters: object) -> list[ControlListRow]:
    seen: list[ControlListRow] = []
    after = None
    while True:
        page = risk.list_control_list_rows(sdk, UNIT, after=after, limit=size, **filters)  # type: ignore[arg-type]
        assert len(page) <= size
        seen.extend(page)
        if len(page) < size:
            return seen
        after = risk.control_list_key(page[-1])


def _ids(rows: list[ControlListRow]) -> list[str]:
    return [row.point.id for row in rows]


@pytest.mark.parametrize("size", [1, 3, 7, 1000])
def test_pages_walk_the_printed_list_in_its_order_without_gaps_or_repeats(sdk: Dualprev, unit: str, size: int) -> None:
    printed = risk.build_control_list(sdk, unit).rows
    walked = _walk(sdk, size)
    assert _ids(walked) == [row.point.id for row in printed]
    assert len(set(_ids(walked))) == len(walked)
    assert [(r.class_name_zh, r.equipment) for r in walked] == [(r.class_name_zh, r.equipment) for r in printed]
    labels = {row.class_name_zh for row in walked}
    assert {"单位级", "其他（7100）", "电梯", "起重机械", "锅炉"} <= labels


def test_the_whole_list_without_a_limit_is_the_printed_list(sdk: Dualprev, unit: str) -> None:
    assert _ids(risk.list_control_list_rows(sdk, unit)) == [r.point.id for r in risk.build_control_list(sdk, unit).rows]


def test_filters_are_applied_in_the_query_in_the_same_order(sdk: Dualprev, unit: str) -> None:
    risk.mark_for_review(sdk, unit_uscc=unit, equipment_id=CRANE, trigger=ReviewTrigger.ACCIDENT, actor="安全员张三")
    printed = risk.build_control_list(sdk, unit).rows
    for level in RiskLevel:
        expected = [r.point.id for r in printed if r.point.level is level]
        assert _ids(_walk(sdk, 2, level=level)) == expected
    assert _ids(_walk(sdk, 2, equipment_id=LIFT)) == [r.point.id for r in printed if r.point.equipment_id == LIFT]
    flagged = [r.point.id for r in printed if r.point.needs_review]
    assert flagged
    assert _ids(_walk(sdk, 2, needs_review=True)) == flagged
    assert _ids(_walk(sdk, 2, needs_review=False)) == [r.point.id for r in printed if not r.point.needs_review]


def test_points_added_behind_the_cursor_do_not_shift_the_pages_after_it(sdk: Dualprev, unit: str) -> None:
    # by code point: 其他（7100） < 单位级 < 电梯 < 起重机械 < 锅炉, four rows in each of the first two
    first = risk.list_control_list_rows(sdk, unit, limit=10)
    assert [r.class_name_zh for r in first[:9]] == ["其他（7100）"] * 4 + ["单位级"] * 4 + ["电梯"]
    after = risk.control_list_key(first[-1])
    risk.add_risk_point(sdk, _manual("RP-UNIT-LATE", None, {"l": 1, "s": 1}), actor="安全员张三")  # behind
    risk.add_risk_point(sdk, _manual("RP-BOILER-LATE", BOILER, {"l": 1, "s": 1}), actor="安全员张三")  # ahead
    printed = [r.point.id for r in risk.build_control_list(sdk, unit).rows]
    rest = printed[printed.index(first[-1].point.id) + 1 :]
    assert "RP-BOILER-LATE" in rest
    assert "RP-UNIT-LATE" not in rest
    walked: list[ControlListRow] = []
    while True:
        page = risk.list_control_list_rows(sdk, unit, after=after, limit=4)
        walked.extend(page)
        if len(page) < 4:
            break
        after = risk.control_list_key(page[-1])
    assert _ids(walked) == rest


def test_an_unknown_unit_is_not_found(sdk: Dualprev, unit: str) -> None:
    with pytest.raises(NotFound):
        risk.list_control_list_rows(sdk, "91410100MA00000000", limit=5)
