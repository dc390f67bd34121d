"""Synthetic equipment ledgers (设备台账) for benchmarks, examples and tests.

Every identifier is *valid* under the SDK's rules, so a generated ledger measures the import path that real,
clean data takes: USCCs with correct GB 32100 and GB 11714 check characters, GB/T 2260 county codes of
Henan from the shipped region table, 2014 catalogue codes, 18-character TSG 08-2017 equipment codes whose
first four characters are the variety, registration numbers in the ``梯11豫A00001(17)`` shape with the city
letter of the unit's prefecture, six-digit 96333 rescue codes for lifts.

The mix is plausible, not statistical: mostly lifts, then cranes, forklifts, pressure vessels and boilers;
about one row in ten has no equipment code (older equipment, found by its registration number) and one in
fifty has only a 单位内编号. Output is deterministic for a given seed.

Usage: ``python bench/generate.py OUT.csv --rows 1000000 --units 50000`` (``.xlsx`` for a workbook).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dualprev_sdk import ids
from dualprev_sdk.regions import default_region_table

__all__ = ["HEADERS", "generate_rows", "make_uscc", "write_ledger"]

HEADERS: tuple[str, ...] = (
    "使用单位名称",
    "统一社会信用代码",
    "所在地区(行政区划代码)",
    "设备类别(代码)",
    "设备品种(代码)",
    "设备代码",
    "使用登记证编号",
    "单位内编号",
    "设备名称",
    "型号",
    "制造单位",
    "使用地点",
    "楼栋",
    "楼层",
    "区域",
    "是否公众聚集场所",
    "场所类型",
    "设备状态",
    "制造日期",
    "投用日期",
    "设计使用年限",
    "下次检验日期",
    "安全员",
    "96333救援码",
    "额定载重量(kg)",
    "额定速度(m/s)",
)

# (variety code, category code, registration kind char, weight, name, design life)
_VARIETIES: tuple[tuple[str, str, str, int, str, int], ...] = (
    ("3110", "3100", "梯", 46, "乘客电梯", 15),
    ("3120", "3100", "梯", 8, "载货电梯", 15),
    ("3310", "3300", "梯", 8, "自动扶梯", 20),
    ("3430", "3400", "梯", 2, "杂物电梯", 15),
    ("4110", "4100", "起", 6, "通用桥式起重机", 20),
    ("4170", "4100", "起", 4, "电动单梁起重机", 20),
    ("4210", "4200", "起", 2, "通用门式起重机", 20),
    ("5110", "5100", "车", 10, "叉车", 10),
    ("2150", "2100", "容", 6, "储气罐", 20),
    ("2170", "2100", "容", 4, "分汽缸", 20),
    ("1100", "1100", "锅", 2, "蒸汽锅炉", 15),
    ("1200", "1200", "锅", 2, "热水锅炉", 15),
)
_PLACES = ("商场", "医院", "学校", "车站", "体育场馆", "公园")
_STATUS = ("在用",) * 18 + ("停用", "报废")
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚"
_TRADES = ("商贸", "置业", "物业管理", "机械制造", "化工", "食品", "物流", "医药", "纺织", "建材")
_MAKERS = (
    "示例电梯有限公司",
    "中原起重机械有限公司",
    "豫北叉车股份有限公司",
    "华中压力容器有限公司",
    "郑锅股份有限公司",
)
_LOADS = ("630", "800", "1000", "1050", "1350", "1600", "2000")
_SPEEDS = ("1.0", "1.5", "1.75", "2.0", "2.5")
_USCC_BODY = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def make_uscc(rng: random.Random, region_code: str) -> str:
    """A USCC that passes GB 32100 and the embedded GB 11714 organisation-code check."""
    while True:
        body = "MA" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(6))
        org = body + ids.organization_code_check_character(body)
        first17 = "91" + region_code + org
        if all(ch in _USCC_BODY for ch in first17):
            return first17 + ids.uscc_check_character(first17)


def _henan_counties() -> list[tuple[str, str]]:
    """(county code, city letter) for current Henan county-level units whose prefecture has a plate letter."""
    table = default_region_table()
    letters = {v["region"]: k for k, v in ids._tables()["registration_number"]["city_letters"]["41"]["letters"].items()}
    out: list[tuple[str, str]] = []
    for code in table.codes(include_retired=False):
        if not code.startswith("41") or code.endswith("00"):
            continue
        prefecture = "419001" if code.startswith("4190") else code[:4] + "00"
        letter = letters.get(prefecture)
        if letter is not None:
            out.append((code, letter))
    return sorted(out)


def generate_rows(rows: int, units: int, *, seed: int = 20210555, today: dt.date | None = None) -> Iterator[list[str]]:
    """``rows`` ledger rows (lists of cell text in :data:`HEADERS` order) spread over ``units`` units."""
    rng = random.Random(seed)
    today = today or dt.date(2026, 1, 1)
    counties = _henan_counties()
    unit_table: list[tuple[str, str, str, str]] = []
    seen: set[str] = set()
    for number in range(units):
        county, letter = counties[rng.randrange(len(counties))]
        uscc = make_uscc(rng, county)
        while uscc in seen:
            uscc = make_uscc(rng, county)
        seen.add(uscc)
        name = f"河南示例{_TRADES[number % len(_TRADES)]}第{number + 1}有限公司"
        unit_table.append((uscc, name, county, letter))
    weights = [v[3] for v in _VARIETIES]
    code_sequence: dict[tuple[str, str, int], int] = {}
    registration_sequence: dict[tuple[str, str, int], int] = {}
    rescue = 100000
    per_unit = max(1, rows // max(units, 1))
    for index in range(rows):
        uscc, unit_name, county, letter = unit_table[min(index // per_unit, units - 1)]
        variety, category, kind_char, _, kind_name, life = rng.choices(_VARIETIES, weights)[0]
        year = rng.randint(2003, today.year - 1)
        made = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
        commissioned = min(made + dt.timedelta(days=rng.randint(30, 400)), today - dt.timedelta(days=1))
        maker_no = rng.randint(1, 40)
        key = (variety, f"10{maker_no:03d}", year)
        code_sequence[key] = code_sequence.get(key, 0) + 1
        sequence = code_sequence[key]
        shape = rng.random()
        equipment_code = "-" if shape < 0.10 else f"{variety}10{maker_no:03d}{year}{sequence:05d}"
        registered = commissioned.year
        reg_key = (kind_char + variety[1:3], letter, registered)
        registration_sequence[reg_key] = registration_sequence.get(reg_key, 0) + 1
        serial = registration_sequence[reg_key]
        registration = (
            "" if shape < 0.02 else f"{kind_char}{variety[1:3]}豫{letter}{serial:05d}({registered % 100:02d})"
        )
        if shape < 0.02:
            equipment_code = "-"
        is_lift = variety.startswith("3")
        crowded = is_lift and rng.random() < 0.3
        status = rng.choice(_STATUS)
        next_due = dt.date(today.year + rng.randint(0, 1), rng.randint(1, 12), rng.randint(1, 28))
        if is_lift:
            rescue += 1
        yield [
            unit_name,
            uscc,
            county,
            category,
            variety,
            equipment_code,
            registration,
            f"SB-{index % 10000:04d}",
            f"{index % 40 + 1}号{kind_name}",
            f"X{rng.randint(100, 999)}",
            _MAKERS[maker_no % len(_MAKERS)],
            f"示例路{index % 300 + 1}号",
            f"{index % 12 + 1}号楼",
            f"{index % 30 + 1}",
            "东区" if index % 2 else "西区",
            "是" if crowded else "否",
            rng.choice(_PLACES) if crowded else "",
            status,
            made.isoformat(),
            commissioned.isoformat(),
            str(life),
            next_due.isoformat(),
            rng.choice(_SURNAMES) + rng.choice(_GIVEN) + rng.choice(_GIVEN),
            f"{rescue % 1_000_000:06d}" if is_lift else "",
            rng.choice(_LOADS) if is_lift and variety != "3310" else "",
            rng.choice(_SPEEDS) if is_lift and variety != "3310" else "",
        ]


def write_ledger(path: Path, rows: int, units: int, *, seed: int = 20210555, title: str | None = None) -> Path:
    """Write a generated ledger to ``path`` (.csv UTF-8 with BOM, or .xlsx), optionally under a title row."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = generate_rows(rows, units, seed=seed)
    if path.suffix.lower() == ".xlsx":
        import openpyxl

        workbook: Any = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet("设备台账")
        if title:
            sheet.append([title])
        sheet.append(list(HEADERS))
        for row in data:
            sheet.append(row)
        workbook.save(path)
        return path
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        if title:
            writer.writerow([title])
        writer.writerow(HEADERS)
        writer.writerows(data)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("out", type=Path)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--units", type=int, default=50)
    parser.add_argument("--seed", type=int, default=20210555)
    parser.add_argument("--title", default=None, help="a title row above the headings, as enterprises write")
    args = parser.parse_args(argv)
    write_ledger(args.out, args.rows, args.units, seed=args.seed, title=args.title)
    print(f"wrote {args.rows} rows for {args.units} units to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
