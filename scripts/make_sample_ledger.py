#!/usr/bin/env python
"""Write a sample asset ledger (资产台账) of a Chinese school, to try the import with.

    .venv/bin/python scripts/make_sample_ledger.py            # docs/samples/, 300 rows
    .venv/bin/python scripts/make_sample_ledger.py --rows 50000 --out /tmp/ledger

Writes ``asset-ledger-sample.xlsx`` (a title row above the headers, real date and number
cells, a 合计 row at the end, as finance offices keep them) and ``asset-ledger-sample-gbk.csv``
(the same rows as Excel in China saves "CSV": GBK, dates written in the usual mixed ways).

The categories are the national classes the register ships (houqin.assets.categories); the
places follow the demo school's buildings, plus rooms the demo does not have, so an import
into the demo school both matches places and creates new ones. The bench
(``bench/assets_import.py``) writes its 50,000-row files with ``ledger_rows`` below.
"""

from __future__ import annotations

import argparse
import csv
import random
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADERS = [
    "资产编号", "资产名称", "资产分类", "分类代码", "规格型号", "品牌", "数量", "计量单位",
    "单价", "金额", "经费来源", "取得方式", "使用方向", "购置日期", "供应商", "发票号",
    "保修截止日期", "存放地点", "使用部门", "使用人", "使用状况", "备注",
]  # fmt: skip

# name, category name, code, unit, (low, high) unit price, brands, models, warranty years
ITEMS = [
    ("台式计算机", "计算机", "A02010100", "台", (3800, 6500), ["联想", "戴尔", "惠普", "华为"],
     ["启天M437", "OptiPlex 7090", "ProDesk 400 G7", "擎云B730"], 3),
    ("笔记本电脑", "计算机", "A02010100", "台", (4500, 8000), ["联想", "华为", "戴尔"],
     ["ThinkPad E14", "MateBook 14", "Latitude 3420"], 3),
    ("交互式智能平板", "信息化设备", "A02010000", "台", (9800, 16800), ["希沃", "鸿合", "长虹"],
     ["F86EC", "HiteVision 86寸", "86D9"], 3),
    ("投影仪", "广播、电视、电影设备", "A02090000", "台", (2800, 6800), ["爱普生", "明基", "索尼"],
     ["CB-X06", "MX560", "VPL-EX435"], 2),
    ("激光打印机", "打印机", "A02021000", "台", (1200, 3200), ["惠普", "兄弟", "佳能"],
     ["LaserJet M405d", "HL-5595DN", "LBP6230dn"], 1),
    ("复印机", "办公设备", "A02020000", "台", (12000, 26000), ["理光", "柯尼卡美能达", "夏普"],
     ["MP 2555SP", "bizhub 287", "MX-C3081RV"], 2),
    ("空调", "空调机", "A02061804", "台", (2600, 9800), ["格力", "美的", "海尔"],
     ["KFR-72LW", "KFR-35GW", "KFR-50LW"], 6),
    ("数字示波器", "仪器仪表", "A02100000", "台", (1600, 5200), ["普源", "鼎阳", "固纬"],
     ["DS1102Z-E", "SDS1104X-E", "GDS-1102B"], 2),
    ("生物显微镜", "仪器仪表", "A02100000", "台", (900, 2800), ["奥林巴斯", "麦克奥迪", "凤凰"],
     ["CX23", "BA210", "XSP-2CA"], 2),
    ("钢琴", "文艺设备", "A02450000", "台", (18000, 42000), ["珠江", "星海", "雅马哈"],
     ["UP118", "XU-121", "U1"], 5),
    ("篮球架", "体育设备", "A02460000", "副", (2800, 9600), ["泰山", "金陵", "舒华"],
     ["移动式", "凹箱式", "地埋式"], 3),
    ("学生课桌椅", "教学、实验用桌", "A05010203", "套", (260, 480), ["震旦", "冠宇", "校之友"],
     ["单人升降", "双人固定", "单人固定"], 3),
    ("实验凳", "教学、实验椅凳", "A05010304", "把", (60, 150), ["冠宇", "校之友"], ["圆凳", "方凳"], 1),
    ("办公桌", "家具", "A05010000", "张", (800, 2600), ["震旦", "圣奥"], ["1400×700", "1600×800"], 3),
    ("文件柜", "家具", "A05010000", "组", (600, 1800), ["震旦", "圣奥", "冠宇"], ["钢制五节柜", "木制书柜"], 3),
    ("图书", "图书", "A04010000", "册", (20, 85), [""], [""], 0),
    ("校车", "车辆", "A02030000", "辆", (380000, 560000), ["宇通", "金龙"], ["ZK6729DX", "XMQ6706"], 3),
]  # fmt: skip
ADDITIONAL_WORDS = {"台式计算机": "教师用", "学生课桌椅": "初一年级", "图书": "馆藏"}

PLACES = [
    ("博学楼 {lab}", "科学组"), ("行政楼{f}0{r}", "总务处"), ("逸夫楼/{f}0{r}", "体艺组"),
    ("东校区 综合楼 {f}F {f}0{r}", "教务处"), ("教学楼/{f}0{r}", "教务处"), ("艺术楼 {f}楼 {f}0{r}", "体艺组"),
    ("图书馆{f}楼阅览室", "图书馆"), ("信息中心机房", "信息中心"), ("操场", "总务处"),
    ("行政楼 2楼 财务室", "财务室"),
]  # fmt: skip
LABS = [
    "1楼 物理实验室一",
    "2楼 化学实验室一",
    "3楼 生物实验室二",
    "4楼 计算机房一",
    "4楼 创客教室",
    "4楼 通用技术室",
]
PEOPLE = ["王建国", "李秀英", "张伟", "刘洋", "陈静", "杨帆", "赵敏", "黄磊", "周婷", "吴刚",
          "徐丽", "孙强", "马超", "朱琳", "胡斌", "郭芳"]  # fmt: skip
FUNDING = ["财政拨款"] * 6 + ["教育费附加", "上级补助", "自筹资金", "社会捐赠"]
MODES = ["购置"] * 12 + ["调拨", "捐赠", "自建"]
USES = ["教学"] * 5 + ["行政", "后勤", "教学科研"]
STATUSES = ["在用"] * 14 + ["闲置", "维修", "借出", "待报废"]
SUPPLIERS = ["宁波鸿远科技有限公司", "浙江文教设备有限公司", "宁波市政府采购中心", "杭州博远教育装备有限公司",
             "宁波新华书店", "宁波家具城有限公司"]  # fmt: skip


def _money(low: int, high: int, rng: random.Random) -> Decimal:
    return Decimal(rng.randrange(low * 100, high * 100 + 1, 50)) / 100


def _place(rng: random.Random) -> tuple[str, str]:
    pattern, department = rng.choice(PLACES)
    text = pattern.format(f=rng.randint(1, 4), r=rng.randint(1, 5), lab=rng.choice(LABS))
    return text, department


def ledger_rows(count: int, seed: int = 2024, *, number_prefix: str = "JS") -> list[list]:
    """``count`` ledger rows in ``HEADERS`` order, as Python values (dates as ``date``, money
    as ``Decimal``); about one row in 50 has no asset number (the import gives it one)."""
    rng = random.Random(seed)
    rows = []
    today = date(2024, 12, 31)
    for i in range(count):
        name, category, code, unit, (low, high), brands, models, warranty = rng.choice(ITEMS)
        acquired = today - timedelta(days=rng.randint(30, 365 * 12))
        quantity = Decimal(1)
        if unit in ("套", "把", "册"):
            quantity = Decimal(rng.choice([10, 20, 30, 45, 48, 50, 120, 200]))
        unit_price = _money(low, high, rng)
        place, department = _place(rng)
        status = rng.choice(STATUSES)
        number = "" if rng.random() < 0.02 else f"{number_prefix}{acquired.year}{i + 1:06d}"
        note = ""
        if name in ADDITIONAL_WORDS and rng.random() < 0.3:
            note = ADDITIONAL_WORDS[name]
        elif status == "待报废":
            note = "已提交报废申请"
        rows.append(
            [
                number,
                name,
                category,
                code,
                rng.choice(models),
                rng.choice(brands),
                quantity,
                unit,
                unit_price,
                (unit_price * quantity).quantize(Decimal("0.01")),
                rng.choice(FUNDING),
                rng.choice(MODES),
                rng.choice(USES),
                acquired,
                rng.choice(SUPPLIERS),
                f"{rng.randint(10000000, 99999999)}" if rng.random() < 0.7 else "",
                acquired.replace(year=acquired.year + warranty)
                if warranty and acquired.day < 29
                else None,
                place,
                department,
                rng.choice(PEOPLE) if rng.random() < 0.8 else "",
                status,
                note,
            ]
        )
    return rows


def _date_text(value: date, rng: random.Random) -> str:
    """Dates the way ledgers kept by hand write them."""
    style = rng.random()
    if style < 0.4:
        return f"{value.year}-{value.month}-{value.day}"
    if style < 0.7:
        return value.strftime("%Y/%m/%d")
    if style < 0.9:
        return f"{value.year}年{value.month}月{value.day}日"
    return value.strftime("%Y%m%d")


def _total_row(rows: list[list]) -> list:
    total = sum((r[9] for r in rows), Decimal(0))
    quantity = sum((r[6] for r in rows), Decimal(0))
    out = [""] * len(HEADERS)
    out[0], out[6], out[9] = "合计", quantity, total
    return out


def write_xlsx(path: Path, rows: list[list], *, title: str = "宁波市东湖中学固定资产台账") -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("资产台账")
    sheet.append([f"{title}（截至2024年12月31日）"])
    sheet.append(HEADERS)
    rng = random.Random(7)
    for row in rows:
        out = list(row)
        for i in (6, 8, 9):
            out[i] = float(out[i])  # Excel keeps numbers as floats
        if rng.random() < 0.05 and out[13]:
            out[13] = f"{out[13].year}年{out[13].month}月{out[13].day}日"  # typed as text
        sheet.append([None if v == "" else v for v in out])
    total = _total_row(rows)
    sheet.append([None if v == "" else (float(v) if isinstance(v, Decimal) else v) for v in total])
    workbook.save(path)


def write_csv(path: Path, rows: list[list], *, encoding: str = "gbk") -> None:
    rng = random.Random(11)
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADERS)
        for row in rows:
            out = []
            for index, value in enumerate(row):
                if isinstance(value, Decimal) and index in (8, 9):
                    out.append(f"{value:.2f}")
                elif isinstance(value, date):
                    out.append(_date_text(value, rng))
                elif value is None:
                    out.append("")
                else:
                    out.append(str(value))
            writer.writerow(out)
        writer.writerow([str(v) for v in _total_row(rows)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "samples")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    rows = ledger_rows(args.rows, args.seed)
    write_xlsx(args.out / "asset-ledger-sample.xlsx", rows)
    write_csv(args.out / "asset-ledger-sample-gbk.csv", rows)
    print(f"{len(rows)} rows → {args.out}/asset-ledger-sample.xlsx, asset-ledger-sample-gbk.csv")


if __name__ == "__main__":
    main()
