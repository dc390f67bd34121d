"""Risk notification cards and four-colour maps: the SVG is parsed and its elements and colours checked."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import attrs
import pytest
from report_fixtures import BOILER, CLASS_NAMES, CRANE, DAY, EQUIPMENT, LIFT, POINTS, UNIT

from dualprev_sdk.domain.common import Location, RiskLevel
from dualprev_sdk.reports.notification_card import render_notification_card, warning_signs_for
from dualprev_sdk.reports.risk_map import UNGRADED_FILL, floor_order, render_risk_map
from dualprev_sdk.reports.svg import SvgDocument, png_available, svg_to_png, wrap_text

NS = {"svg": "http://www.w3.org/2000/svg"}


def parse(doc: SvgDocument) -> ET.Element:
    return ET.fromstring(doc.to_string().encode("utf-8"))


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]


def by_id(root: ET.Element, element_id: str) -> ET.Element:
    found = root.find(f".//*[@id='{element_id}']")
    assert found is not None, element_id
    return found


def lift_card() -> ET.Element:
    points = [p for p in POINTS if p.equipment_id == LIFT.id]
    doc = render_notification_card(
        UNIT, LIFT, points, equipment_class_zh="电梯", responsible="安全员张三", phone="13800000001", on=DAY
    )
    return parse(doc)


def test_the_card_band_has_the_colour_of_the_highest_level_of_its_points() -> None:
    band = by_id(lift_card(), "level-band")
    assert (band.get("fill"), band.get("data-level")) == ("#FF9900", "2")


def test_the_card_names_the_equipment_its_place_and_the_level() -> None:
    words = texts(lift_card())
    assert {"安全风险告知卡", "1号客梯", "31104101052019000001", "办公楼 1F 电梯厅"} <= set(words)
    assert "风险等级：较大风险（橙色）" in words


def test_the_card_lists_hazards_accident_types_measures_and_emergency_measures() -> None:
    root = lift_card()
    hazards = " ".join(texts(by_id(root, "section-hazards")))
    assert "1号客梯部件1：制动器失效；制动力不足" in hazards.replace(" ", "")
    assert "高处坠落、机械伤害、触电" in texts(by_id(root, "section-accidents"))
    assert "立即停机并报告安全总监" in texts(by_id(root, "section-emergency"))
    assert any("制动器完好有效" in t for t in texts(by_id(root, "section-controls")))


def test_a_lift_card_gives_119_120_96333_and_the_rescue_code() -> None:
    root = lift_card()
    assert by_id(root, "emergency").text == "应急电话：火警 119　急救 120　电梯应急救援 96333"
    assert by_id(root, "rescue-code").text == "96333 应急救援识别码：235274"
    assert by_id(root, "responsible").text == "责任人：安全员张三　　联系电话：13800000001"


def test_a_crane_card_has_no_96333_and_warns_of_suspended_loads() -> None:
    root = parse(render_notification_card(UNIT, CRANE, [p for p in POINTS if p.equipment_id == CRANE.id], on=DAY))
    assert "96333" not in (by_id(root, "emergency").text or "")
    assert by_id(root, "level-band").get("fill") == "#FF0000"
    captions = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text") if t.get("class") == "sign-caption"]
    assert captions == ["当心吊物", "当心落物"]


def test_warning_signs_come_from_accident_types_without_repeats() -> None:
    assert warning_signs_for([p for p in POINTS if p.equipment_id == BOILER.id]) == ["当心爆炸", "当心烫伤"]
    assert warning_signs_for([]) == ["注意安全"]


def test_long_lists_are_cut_with_a_pointer_to_the_control_list() -> None:
    many = [attrs.evolve(POINTS[0], id=f"RP-{i}", component=f"部位{i}") for i in range(12)]
    root = parse(render_notification_card(UNIT, LIFT, many, on=DAY, max_items=4))
    hazards = texts(by_id(root, "section-hazards"))
    assert sum(t.startswith(("1.", "2.", "3.", "4.", "5.")) for t in hazards) == 4
    assert any("详见本单位《特种设备安全风险管控清单》" in t for t in hazards)


def zones(root: ET.Element) -> dict[str, ET.Element]:
    return {
        z.get("data-area") or z.get("data-equipment") or "": z for z in root.iter() if z.get("class") == "risk-zone"
    }


def test_the_schematic_map_fills_each_area_with_its_highest_level() -> None:
    root = parse(render_risk_map(UNIT, EQUIPMENT, POINTS, on=DAY, class_names=CLASS_NAMES))
    found = {area: (z.get("fill"), z.get("data-level")) for area, z in zones(root).items()}
    assert found == {
        "办公楼/1F/电梯厅": ("#FF9900", "2"),
        "一号车间/1F/装配区": ("#FF0000", "1"),
        "锅炉房/B1/锅炉间": ("#FFFF00", "3"),
    }


def test_the_map_has_a_title_a_date_and_a_legend_with_counts() -> None:
    root = parse(render_risk_map(UNIT, EQUIPMENT, POINTS, on=DAY))
    assert by_id(root, "title").text == f"{UNIT.name}特种设备安全风险四色分布图"
    assert DAY.isoformat() in (by_id(root, "subtitle").text or "")
    legend = texts(by_id(root, "legend"))
    assert legend == ["重大风险（红）1台", "较大风险（橙）1台", "一般风险（黄）1台", "低风险（蓝）0台"]
    swatches = [s.get("fill") for s in by_id(root, "legend") if s.get("class") == "legend-swatch"]
    assert swatches == [f"#{lvl.hex_color}" for lvl in RiskLevel]


def test_equipment_not_yet_graded_is_grey_and_counted() -> None:
    ungraded = attrs.evolve(BOILER, id="E-NEW", name="新锅炉", location=Location(building="锅炉房", floor="2F"))
    root = parse(render_risk_map(UNIT, (*EQUIPMENT, ungraded), POINTS, on=DAY))
    assert zones(root)["锅炉房/2F/（未注明区域）"].get("fill") == UNGRADED_FILL
    assert "未评价（灰）1台" in texts(by_id(root, "legend"))


def test_floors_are_drawn_top_floor_first_and_basements_last() -> None:
    assert sorted(["B1", "1F", "屋顶", "3F", "负2"], key=floor_order, reverse=True) == ["屋顶", "3F", "1F", "B1", "负2"]


def test_with_coordinates_equipment_is_drawn_where_it_stands_on_the_site_plan() -> None:
    placed = [
        attrs.evolve(e, location=attrs.evolve(e.location, x=100.0 * (i + 1), y=50.0)) for i, e in enumerate(EQUIPMENT)
    ]
    root = parse(render_risk_map(UNIT, placed, POINTS, on=DAY, plan_extent=(400.0, 200.0)))
    circles = zones(root)
    assert {k: v.get("fill") for k, v in circles.items()} == {
        LIFT.id: "#FF9900",
        CRANE.id: "#FF0000",
        BOILER.id: "#FFFF00",
    }
    xs = [float(circles[e.id].get("cx") or 0) for e in EQUIPMENT]
    assert xs == sorted(xs)
    assert by_id(root, "site-plan").tag.endswith("rect")


def test_text_is_escaped_and_chinese_lines_never_start_with_a_closing_mark() -> None:
    doc = SvgDocument(100, 100)
    doc.text(0, 10, "<&> 压力")
    assert parse(doc).find("svg:text", NS) is not None
    assert not any(line.startswith(("，", "；", "。")) for line in wrap_text("制动器失效，制动力不足；" * 6, 200, 16))


@pytest.mark.skipif(not png_available(), reason="cairosvg not installed (optional extra: render)")
def test_a_card_rasterises_to_png(tmp_path: Path) -> None:
    points = [p for p in POINTS if p.equipment_id == LIFT.id]
    svg = render_notification_card(UNIT, LIFT, points, on=DAY).to_string()
    png = svg_to_png(svg, tmp_path / "card.png", scale=1).read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width = int.from_bytes(png[16:20], "big")
    assert width == 840
