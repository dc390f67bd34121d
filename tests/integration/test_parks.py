"""Parks (一园一策) and demonstration enterprises: a park report of the park's units (risk map, open and overdue
items) and the coverage of 1–2 demonstration enterprises per city and equipment class."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

from openpyxl import load_workbook

from dualprev_sdk import Equipment, RoleAssignment, SafetyRole, UseUnit
from dualprev_sdk.domain.common import RiskLevel
from dualprev_sdk.domain.hazard import HazardSource
from dualprev_sdk.services import hazards, parks, risk
from dualprev_sdk.services.bootstrap import Dualprev

TODAY = dt.date(2025, 12, 1)
PARK = "郑州经济技术开发区"


def add_unit(
    sdk: Dualprev, uscc: str, name: str, *, region: str, park: str | None, codes: list[str], demonstration: bool = False
) -> None:
    sdk.ledger.create_unit(
        UseUnit(
            uscc=uscc,
            name=name,
            region_code=region,
            park=park,
            demonstration=demonstration,
            roles=(RoleAssignment(role=SafetyRole.SAFETY_OFFICER, name="安全员张三"),),
        )
    )
    for n, code in enumerate(codes, start=1):
        sdk.ledger.create_equipment(
            Equipment(
                id=f"{uscc[-6:]}-{n}",
                unit_uscc=uscc,
                catalog_code=code,
                name=f"{n}号设备",
                next_inspection_due=TODAY - dt.timedelta(days=3) if n == 1 else TODAY + dt.timedelta(days=200),
            )
        )
    risk.identify_unit_risks(sdk, uscc, actor="安全员张三")


def test_a_park_report_covers_only_its_units_with_their_risk_and_overdue_items(
    sdk: Dualprev, make_uscc: Callable[[int], str], tmp_path: Path
) -> None:
    crane_works, forklift_depot, outside = make_uscc(901), make_uscc(902), make_uscc(903)
    add_unit(sdk, crane_works, "园区起重机械厂", region="410184", park=PARK, codes=["4110", "5110"])
    add_unit(sdk, forklift_depot, "园区仓储物流", region="410184", park=PARK, codes=["5110"])
    add_unit(sdk, outside, "园区外商场", region="410105", park=None, codes=["3110"])
    hazards.report_hazard(
        sdk,
        unit_uscc=crane_works,
        equipment_id=f"{crane_works[-6:]}-1",
        source=HazardSource.SELF_REPORT,
        source_reference="自查",
        description="钢丝绳断丝超标",
        found_on=TODAY - dt.timedelta(days=2),
        finder="安全员张三",
        actor="安全员张三",
    )
    report = parks.park_report(sdk, PARK, today=TODAY)
    assert {u.unit.uscc for u in report.units} == {crane_works, forklift_depot}
    by_unit = {u.unit.uscc: u for u in report.units}
    assert by_unit[crane_works].open_hazards == 1
    assert by_unit[forklift_depot].open_hazards == 0
    assert by_unit[crane_works].overdue_inspections == 1
    assert by_unit[crane_works].highest_risk is not None
    assert report.totals["units"] == 2
    assert parks.list_parks(sdk) == {PARK: 2}

    svg = ET.fromstring(parks.render_park_map(report).to_string())
    fills = {el.get("fill") for el in svg.iter() if el.tag.endswith("rect")}
    assert {f"#{u.highest_risk.hex_color}" for u in report.units if u.highest_risk} <= fills
    html = parks.write_park_report_html(report, tmp_path / "park.html").read_text(encoding="utf-8")
    assert "园区起重机械厂" in html
    assert "园区外商场" not in html
    assert "<svg" in html


def test_demonstration_coverage_is_counted_per_city_and_class_against_one_to_two(
    sdk: Dualprev, make_uscc: Callable[[int], str], tmp_path: Path
) -> None:
    add_unit(sdk, make_uscc(911), "郑州示范起重", region="410105", park=None, codes=["4110"], demonstration=True)
    add_unit(sdk, make_uscc(912), "郑州普通起重", region="410102", park=None, codes=["4110", "3110"])
    add_unit(sdk, make_uscc(913), "洛阳示范电梯一", region="410305", park=None, codes=["3110"], demonstration=True)
    add_unit(sdk, make_uscc(914), "洛阳示范电梯二", region="410305", park=None, codes=["3110"], demonstration=True)
    add_unit(sdk, make_uscc(915), "洛阳示范电梯三", region="410305", park=None, codes=["3110"], demonstration=True)
    coverage = parks.demonstration_coverage(sdk, region_prefix="41")
    status = {(r.city_code, r.class_key): r.status for r in coverage.rows}
    assert status == {
        ("410100", "crane"): "met",
        ("410100", "elevator"): "missing",
        ("410300", "elevator"): "above",
    }
    assert coverage.covered_classes == 2
    sheet = load_workbook(parks.write_coverage_xlsx(coverage, tmp_path / "coverage.xlsx"))["示范企业覆盖"]
    assert [c.value for c in sheet[1]][:3] == ["地市", "行政区划代码", "设备类别"]
    assert sheet.max_row == 4


def test_a_unit_is_moved_into_a_park_and_flagged_as_a_demonstration_enterprise(
    sdk: Dualprev, make_uscc: Callable[[int], str]
) -> None:
    uscc = make_uscc(921)
    add_unit(sdk, uscc, "待入园企业", region="410184", park=None, codes=["5110"])
    parks.set_park(sdk, uscc, PARK)
    parks.set_demonstration(sdk, uscc, True)
    unit = sdk.ledger.get_unit(uscc)
    assert (unit.park, unit.demonstration) == (PARK, True)
    assert parks.set_park(sdk, uscc, None).park is None
    assert RiskLevel.MAJOR.color == "red"
