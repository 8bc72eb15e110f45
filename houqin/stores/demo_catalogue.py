"""Demo stores for each demo school: two stores (总务仓库, 文印室), eight categories, about 300
items a school's logistics office really keeps, and a year of ledger: opening balances, receipts
at prices that drift, issues to departments week by week in term time.

Paper follows a plan the consumption report can be checked against: every school week each
department draws ``PAPER_REAMS_PER_WEEK`` reams of A4 on Monday, and from the second term of
2025-2026 on it draws ``PAPER_CUT`` less (rounded to whole reams), so paper use goes down.

Moves are written in bulk (the ledger's one-row-at-a-time writes are right for people and too
slow for 10,000 rows) with exactly the ledger's arithmetic: each move's balance after it, the
moving average out, the last unit taking what is left; the balances are the ledger's sums.
Idempotent: a school that already has items is left alone.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

from django.db import transaction
from django.utils import timezone

from houqin.org.models import Department, Membership, Term

from .ledger import COST_PLACES, _outgoing_amount
from .models import Item, ItemCategory, MoveKind, StockBalance, StockMove, Store

SEED = 20250901
CENT = Decimal("0.01")
PAPER_REAMS_PER_WEEK = 3
PAPER_CUT = Decimal("0.2")
PAPER_CUT_FROM = date(2026, 3, 1)

CATEGORIES = [
    ("ZZ", "纸张"), ("HC", "打印耗材"), ("BG", "办公用品"), ("QJ", "清洁用品"),
    ("DG", "电工材料"), ("SN", "水暖配件"), ("ZM", "灯具照明"), ("LB", "劳保用品"),
]  # fmt: skip


@dataclass(frozen=True)
class Kind:
    """An item to make: (name, specification, unit, price, reorder level, weekly chance of an
    issue, most units in one issue); paper has sheets per unit and a size."""

    category: str
    name: str
    spec: str
    unit: str
    price: Decimal
    level: int
    chance: float
    most: int
    sheets: int | None = None
    size: str = ""


def _kinds() -> list[Kind]:
    k: list[Kind] = []

    def add(cat, name, specs, unit, price, level, chance, most, **extra):
        for i, spec in enumerate(specs):
            bump = Decimal(1) + Decimal(i) / 20
            cost = (Decimal(str(price)) * bump).quantize(CENT)
            k.append(Kind(cat, name, spec, unit, cost, level, chance, most, **extra))

    add("ZZ", "A4复印纸", ["70g 500张/包"], "包", 22.5, 40, 0, 0, sheets=500, size="A4")
    add("ZZ", "A4复印纸", ["80g 500张/包"], "包", 26, 20, 0.3, 5, sheets=500, size="A4")
    add(
        "ZZ",
        "A3复印纸",
        ["70g 500张/包", "80g 500张/包"],
        "包",
        45,
        10,
        0.3,
        3,
        sheets=500,
        size="A3",
    )
    add("ZZ", "B4试卷纸", ["70g 500张/包"], "包", 32, 10, 0.4, 4, sheets=500, size="B4")
    add("ZZ", "8K试卷纸", ["60g 500张/包"], "包", 28, 10, 0.4, 4, sheets=500, size="8K")
    add(
        "ZZ",
        "A4彩色复印纸",
        ["浅蓝", "浅黄", "浅绿", "粉红"],
        "包",
        30,
        2,
        0.1,
        1,
        sheets=500,
        size="A4",
    )
    add("ZZ", "牛皮纸", ["A4 120g"], "包", 35, 2, 0.05, 1)
    for model in ("HP 88A", "HP 12A", "HP 83A", "HP 26A", "Canon 328", "Canon 337",
                  "Brother TN-2325", "Lenovo LT2441", "Samsung MLT-D111S", "Pantum PC-211",
                  "Ricoh SP 200", "Kyocera TK-1113", "Fuji Xerox CT202330", "HP 131A 黑",
                  "HP 131A 青", "HP 131A 品红", "HP 131A 黄", "Canon 045 黑", "Epson 003 黑",
                  "Epson 003 彩"):  # fmt: skip
        add("HC", "硒鼓" if "Epson" not in model else "墨水", [model], "个", 180, 2, 0.15, 1)
    add("HC", "复印机墨粉", ["理光 MP 2014", "理光 MP C2011 黑", "柯美 TN-323", "夏普 MX-237",
                             "东芝 T-2507"], "支", 260, 1, 0.1, 1)  # fmt: skip
    add("HC", "速印机油墨", ["理光 JP-12", "理想 S-4253"], "支", 95, 4, 0.3, 2)
    add("HC", "速印机版纸", ["理光 JP-12 B4", "理想 S-4250 A3"], "卷", 260, 2, 0.2, 1)
    add(
        "HC",
        "墨盒",
        [
            "HP 803 黑",
            "HP 803 彩",
            "Canon PG-845",
            "Canon CL-846",
            "HP 680 黑",
            "HP 680 彩",
            "Epson T664 黑",
            "Brother LC-3617",
        ],
        "个",
        85,
        1,
        0.08,
        1,
    )
    add(
        "BG",
        "中性笔",
        ["0.5mm 黑", "0.5mm 蓝", "0.5mm 红", "0.38mm 黑", "0.7mm 黑"],
        "盒",
        15,
        10,
        0.5,
        5,
    )
    add("BG", "中性笔芯", ["0.5mm 黑", "0.5mm 红", "0.38mm 黑"], "盒", 12, 10, 0.4, 5)
    add("BG", "圆珠笔", ["0.7mm 蓝", "0.7mm 黑"], "盒", 10, 4, 0.2, 2)
    add("BG", "铅笔", ["HB", "2B"], "盒", 8, 5, 0.3, 3)
    add("BG", "橡皮", ["4B 大号", "2B 考试用"], "盒", 12, 3, 0.2, 2)
    add("BG", "白板笔", ["黑", "蓝", "红"], "盒", 18, 6, 0.5, 3)
    add("BG", "记号笔", ["黑 粗头", "黑 双头"], "盒", 20, 3, 0.2, 2)
    add("BG", "荧光笔", ["黄", "绿", "粉"], "盒", 16, 2, 0.15, 1)
    add("BG", "粉笔", ["白色 无尘", "彩色 无尘"], "盒", 6, 30, 0.8, 20)
    add("BG", "板擦", ["标准"], "个", 5, 10, 0.3, 6)
    add("BG", "订书机", ["12号", "重型 50页"], "个", 25, 2, 0.1, 1)
    add("BG", "订书钉", ["12号 24/6", "23/13 重型"], "盒", 3, 20, 0.4, 10)
    add("BG", "回形针", ["29mm", "50mm"], "盒", 4, 10, 0.2, 5)
    add("BG", "长尾夹", ["15mm", "19mm", "25mm", "32mm", "41mm", "51mm"], "盒", 8, 5, 0.2, 3)
    add("BG", "文件夹", ["A4 单夹", "A4 双夹", "A4 强力夹"], "个", 6, 20, 0.3, 10)
    add("BG", "档案盒", ["A4 35mm", "A4 55mm", "A4 75mm"], "个", 9, 20, 0.3, 15)
    add("BG", "文件袋", ["A4 牛皮纸", "A4 透明按扣"], "个", 1.5, 50, 0.4, 30)
    add("BG", "试卷袋", ["A3 牛皮纸 带密封条"], "个", 1.2, 100, 0.4, 60)
    add("BG", "笔记本", ["A5 软抄", "B5 软抄", "A5 皮面", "16K 会议记录本"], "本", 6, 20, 0.3, 10)
    add("BG", "便利贴", ["76×76mm 黄", "76×76mm 彩色"], "本", 3, 20, 0.3, 10)
    add("BG", "胶水", ["固体胶 21g", "液体胶 50ml"], "支", 3, 20, 0.3, 10)
    add("BG", "透明胶带", ["18mm", "48mm 封箱"], "卷", 3, 20, 0.3, 10)
    add("BG", "双面胶", ["12mm", "24mm"], "卷", 2.5, 10, 0.2, 5)
    add("BG", "剪刀", ["办公 中号"], "把", 8, 3, 0.1, 2)
    add("BG", "美工刀", ["大号", "刀片 10片装"], "把", 6, 3, 0.1, 2)
    add("BG", "计算器", ["12位 太阳能"], "个", 45, 1, 0.05, 1)
    add("BG", "信封", ["5号 牛皮纸", "9号 牛皮纸", "DL 白色"], "个", 0.5, 200, 0.2, 100)
    add("BG", "印泥", ["红色 方形"], "盒", 12, 2, 0.05, 1)
    add("BG", "印台油", ["红色 40ml"], "瓶", 6, 2, 0.05, 1)
    add("BG", "起钉器", ["标准"], "个", 4, 2, 0.05, 1)
    add("BG", "打孔机", ["双孔 20页"], "个", 30, 1, 0.03, 1)
    add("BG", "资料册", ["A4 40页", "A4 60页"], "本", 12, 5, 0.1, 3)
    add("BG", "票据夹", ["A4 写字板夹"], "个", 7, 5, 0.1, 3)
    add("BG", "U盘", ["32G", "64G"], "个", 45, 3, 0.1, 2)
    add("BG", "电池", ["5号 碱性 4粒", "7号 碱性 4粒", "纽扣 CR2032"], "板", 12, 10, 0.3, 5)
    add("BG", "红领巾", ["1米 纯棉"], "条", 5, 30, 0.1, 20)
    add("BG", "奖状纸", ["A4 烫金", "8K 烫金"], "张", 1, 200, 0.05, 150)
    add("QJ", "拖把", ["棉线 旋转", "平板 40cm"], "把", 35, 10, 0.2, 5)
    add("QJ", "扫把", ["塑料 软毛", "高粱 竹柄"], "把", 15, 10, 0.2, 6)
    add("QJ", "簸箕", ["塑料 带齿"], "个", 8, 10, 0.15, 5)
    add(
        "QJ",
        "垃圾袋",
        ["45×50 平口", "60×80 加厚", "80×100 加厚", "100×120 黑色"],
        "卷",
        6,
        30,
        0.5,
        20,
    )
    add("QJ", "洗手液", ["500ml 瓶装", "5L 桶装"], "瓶", 18, 10, 0.4, 6)
    add("QJ", "84消毒液", ["500g", "5kg 桶装"], "瓶", 8, 10, 0.4, 8)
    add("QJ", "酒精消毒液", ["75% 500ml"], "瓶", 12, 10, 0.3, 6)
    add("QJ", "抹布", ["超细纤维 30×30"], "条", 3, 50, 0.4, 30)
    add("QJ", "卫生纸", ["大盘纸 700g", "卷纸 10卷装"], "提", 45, 10, 0.6, 8)
    add("QJ", "擦手纸", ["三折 200抽"], "箱", 120, 4, 0.4, 2)
    add("QJ", "洁厕灵", ["500g"], "瓶", 6, 20, 0.4, 10)
    add("QJ", "洗洁精", ["1.5kg"], "瓶", 12, 5, 0.2, 3)
    add("QJ", "玻璃清洁剂", ["500ml"], "瓶", 9, 5, 0.15, 3)
    add("QJ", "垃圾桶", ["10L 无盖", "30L 翻盖", "120L 户外分类"], "个", 25, 5, 0.1, 3)
    add("QJ", "橡胶手套", ["M", "L"], "双", 5, 20, 0.3, 10)
    add("QJ", "钢丝球", ["12个装"], "包", 6, 5, 0.15, 3)
    add("QJ", "水桶", ["15L 塑料"], "个", 12, 3, 0.05, 2)
    add("QJ", "除臭芳香片", ["卫生间 小便池"], "盒", 25, 4, 0.2, 2)
    add("QJ", "灭蚊喷雾", ["600ml"], "瓶", 22, 5, 0.15, 3)
    add("DG", "BV铜芯线", ["1.5mm² 100米", "2.5mm² 100米", "4mm² 100米"], "卷", 180, 2, 0.08, 1)
    add("DG", "单控开关", ["86型 一开", "86型 二开", "86型 三开"], "个", 9, 10, 0.2, 4)
    add("DG", "插座", ["86型 五孔", "86型 16A 三孔", "86型 带USB"], "个", 12, 10, 0.2, 4)
    add("DG", "空气开关", ["1P 16A", "1P 20A", "2P 32A", "3P 63A"], "个", 28, 3, 0.1, 2)
    add("DG", "漏电保护器", ["2P 32A 30mA", "1P+N 20A"], "个", 65, 2, 0.05, 1)
    add("DG", "电工胶布", ["PVC 黑", "PVC 红"], "卷", 3, 20, 0.3, 10)
    add("DG", "接线端子", ["冷压 1.5-2.5 100只"], "包", 15, 3, 0.1, 2)
    add("DG", "网线", ["超五类 305米", "六类 305米"], "箱", 380, 1, 0.03, 1)
    add("DG", "水晶头", ["超五类 100只"], "盒", 35, 2, 0.08, 1)
    add("DG", "插线板", ["3米 五位", "5米 八位"], "个", 48, 5, 0.15, 3)
    add("DG", "线槽", ["PVC 24×14 2米"], "根", 4, 20, 0.1, 10)
    add("DG", "扎带", ["4×200 100根"], "包", 6, 5, 0.1, 2)
    add("DG", "电表", ["单相 电子式"], "个", 85, 1, 0.02, 1)
    add("DG", "吊扇调速器", ["86型 五档"], "个", 25, 4, 0.1, 2)
    add("DG", "空调插座", ["16A 带开关"], "个", 22, 4, 0.08, 2)
    add("SN", "水龙头", ["洗手池 单冷", "拖把池 加长", "感应式"], "个", 45, 4, 0.12, 2)
    add("SN", "角阀", ["4分 铜 冷", "4分 铜 热"], "个", 18, 10, 0.15, 4)
    add("SN", "进水软管", ["40cm", "60cm"], "根", 12, 10, 0.15, 4)
    add("SN", "PPR管", ["20 冷水 4米", "25 冷水 4米"], "根", 18, 10, 0.05, 4)
    add("SN", "PPR弯头", ["20 90°", "25 90°"], "个", 1.5, 30, 0.05, 10)
    add("SN", "PPR三通", ["20", "25"], "个", 2, 20, 0.05, 10)
    add("SN", "生料带", ["20米"], "卷", 2, 20, 0.2, 5)
    add("SN", "冲水阀", ["蹲便器 脚踏", "小便池 按压"], "个", 55, 4, 0.12, 2)
    add("SN", "小便池感应器", ["电池款"], "个", 120, 2, 0.05, 1)
    add("SN", "水箱配件", ["进水阀+排水阀 套装"], "套", 38, 3, 0.08, 2)
    add("SN", "地漏", ["不锈钢 防臭 10cm"], "个", 25, 4, 0.05, 2)
    add("SN", "马桶盖", ["通用 U型"], "个", 65, 2, 0.03, 1)
    add("SN", "管道疏通剂", ["500g"], "瓶", 15, 5, 0.15, 3)
    add("SN", "卡箍", ["不锈钢 20-32mm"], "个", 2, 20, 0.05, 10)
    add("SN", "PVC排水管", ["50 4米", "110 4米"], "根", 25, 4, 0.03, 2)
    add("ZM", "LED灯管", ["T8 0.6米 10W", "T8 1.2米 18W", "T5 1.2米 16W"], "支", 15, 30, 0.4, 10)
    add("ZM", "教室护眼灯", ["LED 36W 无频闪"], "套", 280, 4, 0.05, 2)
    add("ZM", "黑板灯", ["LED 40W 非对称"], "套", 320, 2, 0.03, 1)
    add("ZM", "LED吸顶灯", ["24W 圆形", "36W 方形"], "个", 65, 5, 0.1, 3)
    add("ZM", "LED筒灯", ["3寸 5W", "4寸 9W", "6寸 12W"], "个", 18, 10, 0.15, 5)
    add("ZM", "LED球泡", ["9W E27", "15W E27", "30W E27"], "个", 8, 20, 0.2, 8)
    add("ZM", "应急照明灯", ["双头 3小时"], "个", 65, 4, 0.05, 2)
    add("ZM", "安全出口指示灯", ["单面", "双面 左右"], "个", 55, 4, 0.05, 2)
    add("ZM", "LED投光灯", ["100W 操场"], "个", 180, 2, 0.02, 1)
    add("ZM", "灯管支架", ["T8 1.2米 一体"], "套", 25, 10, 0.1, 5)
    add("ZM", "镇流器", ["电子 36W"], "个", 18, 5, 0.05, 2)
    add("LB", "劳保手套", ["棉纱 12双", "防割 L"], "包", 25, 10, 0.3, 5)
    add("LB", "一次性口罩", ["三层 50只"], "盒", 25, 20, 0.3, 10)
    add("LB", "雨衣", ["分体 L", "分体 XL"], "套", 45, 4, 0.05, 2)
    add("LB", "安全帽", ["ABS 白色"], "顶", 25, 4, 0.03, 2)
    add("LB", "工作服", ["夏季 L", "夏季 XL", "冬季 L", "冬季 XL"], "套", 85, 2, 0.03, 1)
    add("LB", "绝缘鞋", ["42", "43"], "双", 75, 2, 0.02, 1)
    add("LB", "护目镜", ["防冲击"], "副", 15, 3, 0.05, 2)
    add("LB", "防滑警示牌", ["小心地滑 A字牌"], "个", 28, 4, 0.05, 2)
    add("LB", "反光背心", ["荧光黄"], "件", 12, 10, 0.05, 5)
    add("LB", "急救箱", ["校园标准 含药品"], "个", 180, 2, 0.02, 1)
    add("LB", "口哨", ["金属 带绳"], "个", 4, 10, 0.05, 5)
    add(
        "BG",
        "彩色卡纸",
        ["A4 180g 红", "A4 180g 黄", "A4 180g 蓝", "A4 180g 绿", "A4 180g 白"],
        "包",
        12,
        2,
        0.1,
        1,
    )
    add("BG", "标签纸", ["A4 不干胶 整张", "A4 不干胶 24格", "手写标签 10版"], "包", 18, 2, 0.1, 1)
    add("BG", "复写纸", ["蓝色 16K 100张"], "盒", 15, 1, 0.03, 1)
    add("BG", "账本", ["三栏明细账", "数量金额账"], "本", 10, 2, 0.03, 1)
    add("BG", "白板磁钉", ["彩色 12粒"], "盒", 8, 3, 0.1, 2)
    add("BG", "书立", ["金属 一对"], "对", 12, 3, 0.05, 2)
    add("BG", "笔筒", ["塑料 多格"], "个", 9, 3, 0.05, 2)
    add("BG", "桌面收纳盒", ["三层 文件架"], "个", 28, 2, 0.05, 1)
    add("BG", "装订夹条", ["A4 10mm", "A4 15mm"], "盒", 15, 2, 0.05, 1)
    add("BG", "热熔胶棒", ["7mm 细", "11mm 粗"], "包", 10, 2, 0.1, 1)
    add("BG", "胶装封面", ["A4 皮纹纸", "A4 透明PVC"], "包", 25, 2, 0.05, 1)
    add("QJ", "消毒湿巾", ["80抽"], "包", 12, 10, 0.2, 5)
    add("QJ", "洗衣粉", ["2kg"], "袋", 25, 3, 0.05, 2)
    add("QJ", "除垢剂", ["1L"], "瓶", 18, 3, 0.05, 2)
    add("QJ", "不锈钢清洁剂", ["500ml"], "瓶", 20, 3, 0.05, 2)
    add("QJ", "垃圾分类袋", ["厨余 绿", "可回收 蓝", "有害 红", "其他 灰"], "卷", 8, 10, 0.2, 5)
    add("DG", "灯头", ["E27 螺口", "E27 防水"], "个", 4, 10, 0.1, 4)
    add("DG", "防水接线盒", ["100×100"], "个", 8, 5, 0.05, 2)
    add("DG", "PVC电工套管", ["16mm 3.8米", "20mm 3.8米"], "根", 5, 20, 0.05, 10)
    add("DG", "空白面板", ["86型"], "个", 3, 10, 0.05, 4)
    add("DG", "电烙铁", ["60W 恒温"], "把", 45, 1, 0.02, 1)
    add("DG", "9V电池", ["万用表用"], "粒", 8, 4, 0.05, 2)
    add("SN", "洗手盆下水器", ["弹跳式"], "套", 28, 3, 0.05, 2)
    add("SN", "淋浴花洒", ["手持 三档"], "个", 45, 2, 0.03, 1)
    add("SN", "止回阀", ["4分", "6分"], "个", 22, 2, 0.03, 1)
    add("SN", "水表", ["4分 旋翼式"], "个", 85, 1, 0.02, 1)
    add("SN", "蹲便器胶皮碗", ["通用"], "个", 6, 5, 0.08, 2)
    add("SN", "拖把池下水", ["不锈钢 带滤网"], "套", 22, 2, 0.03, 1)
    add("ZM", "LED灯带", ["5米 暖白"], "卷", 45, 2, 0.03, 1)
    add("ZM", "声光控感应灯", ["楼道 吸顶", "楼道 球泡"], "个", 25, 5, 0.08, 2)
    add("ZM", "路灯光源", ["LED 60W 模组"], "个", 150, 2, 0.02, 1)
    add(
        "HC",
        "硒鼓",
        ["HP 48A", "HP 30A", "Canon 047", "Brother DR-2350", "Pantum DL-410"],
        "个",
        190,
        1,
        0.08,
        1,
    )
    add("HC", "热敏纸", ["57×50 收银", "80×80 收银"], "卷", 3, 10, 0.1, 5)
    add("HC", "标签色带", ["12mm 白底黑字"], "盒", 85, 1, 0.05, 1)
    return k


def _when(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _term_days(terms) -> list[tuple[date, date]]:
    return [(t.start_date, t.end_date) for t in terms]


def _in_term(day: date, spans) -> bool:
    return any(start <= day <= end for start, end in spans)


class _Book:
    """The ledger of one item in one store, kept in memory with the ledger's arithmetic."""

    def __init__(self, school, item, store, by):
        self.school, self.item, self.store, self.by = school, item, store, by
        self.quantity, self.value = Decimal(0), Decimal(0)
        self.moves: list[StockMove] = []
        self.last = None

    def _move(self, kind, quantity, amount, unit_cost, when, department=None, note=""):
        self.quantity += quantity
        self.value += amount
        self.last = when
        self.moves.append(
            StockMove(
                school=self.school, item=self.item, store=self.store, kind=kind,
                quantity=quantity, unit_cost=unit_cost, amount=amount,
                balance_quantity=self.quantity, balance_value=self.value, occurred_at=when,
                by=self.by, department=department, note=note,
            )
        )  # fmt: skip

    def receive(self, quantity, price, when, kind=MoveKind.RECEIPT, note=""):
        quantity = Decimal(quantity)
        cost = Decimal(price).quantize(COST_PLACES)
        amount = (quantity * cost).quantize(CENT, rounding=ROUND_HALF_UP)
        self._move(kind, quantity, amount, cost, when, note=note)

    def issue(self, quantity, when, department, note="领用"):
        quantity = min(Decimal(quantity), self.quantity)
        if quantity <= 0:
            return
        amount = _outgoing_amount(
            SimpleNamespace(quantity=self.quantity, value=self.value), quantity
        )
        cost = (amount / quantity).quantize(COST_PLACES, rounding=ROUND_HALF_UP)
        self._move(MoveKind.ISSUE, -quantity, -amount, cost, when, department, note)

    def balance(self) -> StockBalance | None:
        if not self.moves:
            return None
        return StockBalance(
            school=self.school, item=self.item, store=self.store, quantity=self.quantity,
            value=self.value, last_move_at=self.last,
        )  # fmt: skip


def build(schools, *, today: date | None = None) -> None:
    for school in schools.values() if isinstance(schools, dict) else schools:
        build_school(school, today=today)


def _keeper(school):
    membership = (
        Membership.objects.filter(school=school, is_active=True, roles__role="keeper")
        .select_related("user")
        .first()
    ) or Membership.objects.filter(school=school, is_active=True).select_related("user").first()
    return membership.user if membership else None


@transaction.atomic
def build_school(school, *, today: date | None = None) -> int:
    """The school's demo stores, items and year of ledger; returns how many moves (0: skipped)."""
    if Item.objects.filter(school=school).exists():
        return 0
    by = _keeper(school)
    departments = list(Department.objects.filter(school=school).order_by("pk"))
    if by is None or not departments:
        return 0
    today = today or timezone.localdate()
    rng = random.Random(f"{SEED}-{school.code}")
    terms = list(Term.objects.filter(school=school, start_date__lte=today).order_by("start_date"))
    spans = _term_days(terms)
    start = today - timedelta(days=365)
    earlier = [t.start_date for t in terms if t.start_date < start <= t.end_date]
    start = earlier[0] if earlier else start  # a whole first term, for the term comparison
    main, _ = Store.objects.get_or_create(
        school=school, name="总务仓库", defaults={"is_default": True}
    )
    print_room, _ = Store.objects.get_or_create(school=school, name="文印室")
    categories = {
        code: ItemCategory.objects.get_or_create(
            school=school, name=name, defaults={"code": code, "sort_order": i}
        )[0]
        for i, (code, name) in enumerate(CATEGORIES)
    }
    kinds = _kinds()
    counters: dict[str, int] = {}
    items = []
    for kind in kinds:
        counters[kind.category] = counters.get(kind.category, 0) + 1
        level = Decimal(kind.level)
        items.append(
            Item(
                school=school, code=f"{kind.category}-{counters[kind.category]:03d}",
                name=kind.name, specification=kind.spec, unit=kind.unit,
                category=categories[kind.category], reorder_level=level,
                reorder_quantity=level * 2 if kind.sheets else Decimal(0),
                reference_price=kind.price, sheets_per_unit=kind.sheets,
                paper_size=kind.size,
            )
        )  # fmt: skip
    Item.objects.bulk_create(items)
    books = []
    for kind, item in zip(kinds, items, strict=True):
        book = _Book(school, item, main, by)
        books.append(book)
        _simulate(book, kind, rng, start, today, spans, departments)
        if kind.category in ("ZZ", "HC") and kind.level:
            room = _Book(school, item, print_room, by)
            books.append(room)
            room.receive(kind.level * 2, kind.price, _when(start, 8), MoveKind.OPENING, "期初")
    moves = [m for b in books for m in b.moves]
    StockMove.objects.bulk_create(moves, batch_size=2000)
    StockBalance.objects.bulk_create([b for b in (book.balance() for book in books) if b])
    return len(moves)


def _price(kind: Kind, rng, day: date, start: date) -> Decimal:
    """Prices drift up about 4% a year, ±6% from one delivery to the next."""
    drift = Decimal(1) + Decimal((day - start).days) / Decimal(365 * 25)
    noise = Decimal(rng.randint(94, 106)) / 100
    return (kind.price * drift * noise).quantize(Decimal("0.01"))


def paper_reams(day: date) -> int:
    """Reams of A4 a department draws in a school week starting ``day`` (the paper plan)."""
    if day >= PAPER_CUT_FROM:
        cut = (PAPER_REAMS_PER_WEEK * (1 - PAPER_CUT)).quantize(Decimal(1), ROUND_HALF_UP)
        return int(cut)
    return PAPER_REAMS_PER_WEEK


def _simulate(book: _Book, kind: Kind, rng, start: date, today: date, spans, departments):
    level = Decimal(kind.level)
    book.receive(level * 2 + rng.randint(0, max(1, kind.level)), kind.price, _when(start, 8),
                 MoveKind.OPENING, "期初")  # fmt: skip
    weekly_paper = kind.sheets and kind.size == "A4" and kind.chance == 0
    monday = start - timedelta(days=start.weekday())
    while monday <= today:
        in_term = _in_term(monday, spans) or _in_term(monday + timedelta(days=4), spans)
        if weekly_paper:
            if in_term and monday >= start:
                need = Decimal(paper_reams(monday) * len(departments))
                if book.quantity < need + level:
                    book.receive(level * 2 + need, _price(kind, rng, monday, start),
                                 _when(monday, 8), note="采购入库")  # fmt: skip
                for i, department in enumerate(departments):
                    when = _when(monday, 9, i % 60)
                    if when.date() <= today:
                        book.issue(paper_reams(monday), when, department, "每周用纸")
        else:
            if book.quantity <= level and monday >= start:
                book.receive(level * 2 or 1, _price(kind, rng, monday, start), _when(monday, 8),
                             note="采购入库")  # fmt: skip
            chance = kind.chance if in_term else kind.chance / 4
            for weekday in range(5):
                day = monday + timedelta(days=weekday)
                if day < start or day > today or rng.random() >= chance / 2:
                    continue
                when = _when(day, rng.randint(9, 16), rng.randint(0, 59))
                book.issue(rng.randint(1, max(1, kind.most)), when, rng.choice(departments))
        monday += timedelta(days=7)
