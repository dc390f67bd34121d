"""Shared builders for ledger tests: a valid row with Chinese headings, a test equipment class with a parameter
type (so parameter mapping is tested without depending on the built-in plugins), and file writers."""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import pytest

from dualprev_sdk import ids
from dualprev_sdk.equipment_classes import DueDate, EquipmentClass, EquipmentClassRegistry, InspectionFacts, parameter


def make_uscc(number: int, region: str = "410100") -> str:
    org = f"{number:08d}"
    first17 = "91" + region + org + ids.organization_code_check_character(org)
    return first17 + ids.uscc_check_character(first17)


VALID_ROW: dict[str, str] = {
    "使用单位名称": "郑州市示例商贸有限公司",
    "统一社会信用代码": make_uscc(7),
    "所在地区(行政区划代码)": "410105",
    "设备类别(代码)": "3100",
    "设备品种(代码)": "3110",
    "设备代码": "311010890201500098",
    "使用登记证编号": "梯11豫A00001(17)",
    "单位内编号": "DT-01",
    "设备名称": "1号客梯",
    "型号": "TKJ1000/1.75",
    "制造单位": "示例电梯有限公司",
    "使用地点": "花园路1号",
    "楼栋": "A座",
    "楼层": "1-18",
    "区域": "东侧电梯厅",
    "是否公众聚集场所": "是",
    "场所类型": "商场",
    "设备状态": "在用",
    "制造日期": "2015-03-01",
    "投用日期": "2015/10/8",
    "设计使用年限": "15年",
    "下次检验日期": "2026年10月7日",
    "安全员": "张三",
    "96333救援码": "235274",
}


def row(**changes: str) -> dict[str, str]:
    """``VALID_ROW`` with some cells changed (keyword = heading)."""
    return {**VALID_ROW, **changes}


def write_csv(path: Path, rows: Sequence[Mapping[str, Any]], *, encoding: str = "utf-8-sig", title: str = "") -> Path:
    headers = list(rows[0]) if rows else list(VALID_ROW)
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        if title:
            writer.writerow([title])
        writer.writerow(headers)
        for r in rows:
            writer.writerow([r.get(h, "") for h in headers])
    return path


def write_xlsx(path: Path, rows: Sequence[Mapping[str, Any]], *, title: str = "") -> Path:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    headers = list(rows[0]) if rows else list(VALID_ROW)
    if title:
        sheet.append([title])
    sheet.append(headers)
    for r in rows:
        sheet.append([r.get(h) for h in headers])
    workbook.save(path)
    return path


@attrs.define(kw_only=True)
class LiftParameters:
    rated_load_kg: int | None = parameter(label_zh="额定载重量", unit="kg", default=None)
    rated_speed_m_s: float | None = parameter(
        label_zh="额定速度", unit="m/s", default=None, validator=attrs.validators.optional(attrs.validators.gt(0))
    )


class LiftClass(EquipmentClass):
    key = "test_lift"
    kind_code = "3000"
    catalog_codes = ("3000",)
    name_zh = "电梯"
    name_en = "Lift (test)"
    parameters_type = LiftParameters

    def next_due(self, facts: InspectionFacts) -> list[DueDate]:
        return []


@pytest.fixture
def lift_registry() -> EquipmentClassRegistry:
    registry = EquipmentClassRegistry()
    registry.register(LiftClass(), plugin_name="test")
    return registry


@pytest.fixture
def csv_writer(tmp_path: Path) -> Callable[..., Path]:
    def write(rows: Sequence[Mapping[str, Any]], name: str = "ledger.csv", **kwargs: Any) -> Path:
        return write_csv(tmp_path / name, rows, **kwargs)

    return write
