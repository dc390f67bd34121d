"""Write examples/ledger-example.csv and examples/ledger-example.xlsx: a small equipment ledger (设备台账) as a
Henan enterprise would keep it, for docs/ledger-import.md and for trying ``dualprev import ledger``.

It shows the things real ledgers contain: a title row above the headings, several units, lifts with their
parameter columns, a crane, a forklift and a boiler, a row without an equipment code (found again by its
registration number), full-width brackets, an Excel date cell (xlsx), a legacy 2004 elevator code and an
out-of-catalogue code (both imported and flagged for review). Every identifier is valid; the file imports
cleanly. Run from the repository root: ``python scripts/make_example_ledger.py``.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from dualprev_sdk import ids

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "examples"
TITLE = "郑州市示例集团特种设备台账（2026年）"

HEADINGS = (
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
    "额定起重量(t)",
    "额定工作压力(MPa)",
    "额定蒸发量(t/h)",
)


def uscc(region: str, number: int) -> str:
    """A USCC with correct GB 11714 and GB 32100 check characters."""
    org = f"{number:08d}"
    first17 = "91" + region + org + ids.organization_code_check_character(org)
    return first17 + ids.uscc_check_character(first17)


MALL = ("郑州示例商业管理有限公司", uscc("410105", 31001), "410105")
HOSPITAL = ("郑州示例医院有限公司", uscc("410102", 31002), "410102")
FACTORY = ("河南示例机械制造有限公司", uscc("410183", 31003), "410183")


def rows() -> list[dict[str, Any]]:
    def lift(unit: tuple[str, str, str], **cells: Any) -> dict[str, Any]:
        base = {
            "使用单位名称": unit[0],
            "统一社会信用代码": unit[1],
            "所在地区(行政区划代码)": unit[2],
            "设备类别(代码)": "3100",
            "设备品种(代码)": "3110",
            "设备名称": "乘客电梯",
            "制造单位": "示例电梯有限公司",
            "设备状态": "在用",
            "设计使用年限": "15",
            "安全员": "王强",
        }
        return {**base, **cells}

    return [
        lift(MALL, 设备代码="311010890201500098", 使用登记证编号="梯11豫A00098(15)", 单位内编号="KT-01",
             设备名称="1号客梯", 型号="TKJ1000/1.75-JXW", 使用地点="花园路1号示例广场", 楼栋="A座", 楼层="B2-18",
             区域="东侧电梯厅", 是否公众聚集场所="是", 场所类型="商场", 制造日期="2015-03-01", 投用日期="2015-10-08",
             下次检验日期="2026-10-07", **{"96333救援码": "235274", "额定载重量(kg)": "1000", "额定速度(m/s)": "1.75"}),
        lift(MALL, 设备代码="311010890201500099", 使用登记证编号="梯11豫A00099（15）", 单位内编号="KT-02",
             设备名称="2号客梯", 型号="TKJ1000/1.75-JXW", 使用地点="花园路1号示例广场", 楼栋="A座", 楼层="B2-18",
             区域="东侧电梯厅", 是否公众聚集场所="是", 场所类型="商场", 制造日期="2015/3/1", 投用日期="2015/10/8",
             下次检验日期="2026年10月7日", **{"96333救援码": "235275", "额定载重量(kg)": "1000", "额定速度(m/s)": "1.75"}),  # noqa: E501
        lift(MALL, **{"设备类别(代码)": "3300", "设备品种(代码)": "3310"}, 设备代码="331010890201600012",
             使用登记证编号="梯31豫A00012(16)", 单位内编号="FT-01", 设备名称="1号自动扶梯", 型号="SWE30-35",
             使用地点="花园路1号示例广场", 楼栋="A座", 楼层="1-2", 区域="中庭", 是否公众聚集场所="是", 场所类型="商场",
             制造日期="2016-05-10", 投用日期="2016-09-01", 设计使用年限="20", 下次检验日期="2026-08-31",
             **{"96333救援码": "235276"}),
        lift(HOSPITAL, 设备代码="-", 使用登记证编号="梯11豫A01234(12)", 单位内编号="YY-03", 设备名称="病床电梯",
             型号="TKJ1600/1.0", 使用地点="建设路10号", 楼栋="门诊楼", 楼层="1-12", 区域="西侧", 是否公众聚集场所="是",
             场所类型="医院", 制造日期="2011-06-01", 投用日期="2012-01-15", 下次检验日期="2026-01-14",
             **{"96333救援码": "118830", "额定载重量(kg)": "1600", "额定速度(m/s)": "1.0"}),
        lift(HOSPITAL, **{"设备类别(代码)": "", "设备品种(代码)": "3170"}, 设备代码="-", 使用登记证编号="",
             单位内编号="YY-07", 设备名称="老病床梯（旧版目录代码 3170）", 使用地点="建设路10号", 楼栋="住院楼",
             是否公众聚集场所="是", 场所类型="医院", 制造日期="2008-04-01", 投用日期="2008-10-01",
             下次检验日期="2026-03-31", **{"96333救援码": "118831"}),
        {
            "使用单位名称": FACTORY[0], "统一社会信用代码": FACTORY[1], "所在地区(行政区划代码)": FACTORY[2],
            "设备类别(代码)": "4100", "设备品种(代码)": "4110", "设备代码": "411010120201800003",
            "使用登记证编号": "起11豫A00003(18)", "单位内编号": "QZ-01", "设备名称": "10吨桥式起重机", "型号": "QD10-22.5",  # noqa: E501
            "制造单位": "中原起重机械有限公司", "使用地点": "示例工业园", "楼栋": "1号车间", "区域": "装配跨",
            "是否公众聚集场所": "否", "设备状态": "在用", "制造日期": "2018-02-01", "投用日期": "2018-06-20",
            "设计使用年限": "20", "下次检验日期": "2026-06-19", "安全员": "李娜", "额定起重量(t)": "10",
        },
        {
            "使用单位名称": FACTORY[0], "统一社会信用代码": FACTORY[1], "所在地区(行政区划代码)": FACTORY[2],
            "设备类别(代码)": "5100", "设备品种(代码)": "5110", "设备代码": "511010330202000021",
            "使用登记证编号": "车11豫A00021(20)", "单位内编号": "CC-01", "设备名称": "3吨内燃叉车", "型号": "CPCD30",
            "制造单位": "豫北叉车股份有限公司", "使用地点": "示例工业园", "楼栋": "仓库", "是否公众聚集场所": "否",
            "设备状态": "在用", "制造日期": "2020-03-15", "投用日期": "2020-04-01", "设计使用年限": "10",
            "下次检验日期": "2026-03-31", "安全员": "李娜",
        },
        {
            "使用单位名称": FACTORY[0], "统一社会信用代码": FACTORY[1], "所在地区(行政区划代码)": FACTORY[2],
            "设备类别(代码)": "1100", "设备品种(代码)": "1100", "设备代码": "110010410201700001",
            "使用登记证编号": "锅10豫A00001(17)", "单位内编号": "GL-01", "设备名称": "4吨燃气蒸汽锅炉", "型号": "WNS4-1.25-Q",  # noqa: E501
            "制造单位": "郑锅股份有限公司", "使用地点": "示例工业园", "楼栋": "锅炉房", "是否公众聚集场所": "否",
            "设备状态": "在用", "制造日期": "2017-05-01", "投用日期": "2017-11-01", "设计使用年限": "15",
            "下次检验日期": "2026-10-31", "安全员": "赵刚", "额定工作压力(MPa)": "1.25", "额定蒸发量(t/h)": "4",
        },
        {
            "使用单位名称": FACTORY[0], "统一社会信用代码": FACTORY[1], "所在地区(行政区划代码)": FACTORY[2],
            "设备类别(代码)": "", "设备品种(代码)": "4430", "设备代码": "-", "使用登记证编号": "",
            "单位内编号": "QZ-09", "设备名称": "随车起重机（目录外代码 4430）", "使用地点": "示例工业园",
            "是否公众聚集场所": "否", "设备状态": "停用", "制造日期": "2012-07-01", "投用日期": "2012-09-01",
            "安全员": "李娜",
        },
    ]  # fmt: skip


def write_csv(path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([TITLE])
        writer.writerow(HEADINGS)
        for row in rows():
            writer.writerow([row.get(h, "") for h in HEADINGS])


def write_xlsx(path: Path) -> None:
    import openpyxl
    from openpyxl.styles import Alignment, Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "设备台账"
    sheet.append([TITLE])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(list(HEADINGS))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True)
    for row in rows():
        values: list[Any] = [row.get(h) or None for h in HEADINGS]
        # Excel users type dates into date cells: keep the first lift's dates as real dates
        if row.get("单位内编号") == "KT-01":
            for heading in ("制造日期", "投用日期", "下次检验日期"):
                index = HEADINGS.index(heading)
                values[index] = dt.date.fromisoformat(values[index])
        sheet.append(values)
    for index, heading in enumerate(HEADINGS, start=1):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width = max(10, len(heading) * 2)
    sheet.freeze_panes = "A3"
    workbook.save(path)


def main() -> int:
    OUT.mkdir(exist_ok=True)
    write_csv(OUT / "ledger-example.csv")
    write_xlsx(OUT / "ledger-example.xlsx")
    print(f"wrote {OUT / 'ledger-example.csv'} and {OUT / 'ledger-example.xlsx'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
