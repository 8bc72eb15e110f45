"""The register fields a ledger column can fill, the header words schools use for each, and the
words ledgers write for status, acquisition mode and use.

``FIELDS`` is a list of core ``Column``s (the first header is the one the template writes; the
others are aliases, Chinese or English). ``suggest_mapping`` proposes a field for each header
of an uploaded file: the school's remembered choice first, then the aliases.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from houqin.core.importing import Column, cells
from houqin.core.importing.base import normalize_header
from houqin.core.importing.cells import CellError, normalize_key

from ..models import AcquisitionMode, AssetStatus, UseDirection

# ---------------------------------------------------------------- words in ledgers

STATUS_WORDS: dict[str, list[str]] = {
    AssetStatus.IN_USE: ["在用", "正常", "使用中", "正常使用", "在用中", "良好", "完好"],
    AssetStatus.IDLE: ["闲置", "未使用", "停用", "备用", "待用", "库存"],
    AssetStatus.IN_REPAIR: ["维修", "维修中", "待修", "在修", "故障", "送修", "损坏待修"],
    AssetStatus.LENT: ["借出", "外借", "出借", "已借出"],
    AssetStatus.PENDING_DISPOSAL: ["待报废", "拟报废", "待处置", "申请报废", "报废中"],
    AssetStatus.DISPOSED: ["已报废", "报废", "已处置", "处置", "已核销"],
    AssetStatus.LOST: ["丢失", "遗失", "盘亏", "被盗", "失窃"],
}
ACQUISITION_WORDS: dict[str, list[str]] = {
    AcquisitionMode.PURCHASE: ["购置", "购买", "采购", "新购", "购入", "新购置", "政府采购"],
    AcquisitionMode.TRANSFER_IN: ["调拨", "调入", "划拨", "无偿调入", "无偿划拨", "调拨入"],
    AcquisitionMode.DONATION: ["捐赠", "接受捐赠", "受赠", "捐赠所得", "社会捐赠"],
    AcquisitionMode.SELF_BUILT: ["自建", "自制", "自行建造", "自行研制", "自产"],
    AcquisitionMode.EXCHANGE: ["置换", "交换", "置换换入"],
    AcquisitionMode.SURPLUS: ["盘盈"],
    AcquisitionMode.OTHER: ["其他", "其它"],
}
USE_WORDS: dict[str, list[str]] = {
    UseDirection.TEACHING: ["教学", "教学用", "教学科研", "教育教学", "教学使用"],
    UseDirection.RESEARCH: ["科研", "科学研究", "研究"],
    UseDirection.ADMINISTRATION: ["行政", "办公", "行政办公", "行政管理", "管理"],
    UseDirection.LOGISTICS: ["后勤", "后勤保障", "生活服务", "后勤服务", "服务"],
    UseDirection.STUDENT_LIFE: ["学生生活", "学生宿舍", "学生用"],
    UseDirection.OTHER: ["其他", "其它"],
}
# A ledger's last rows often sum it up; such rows are skipped, not reported.
TOTAL_WORDS = {"合计", "总计", "小计", "累计", "total", "subtotal"}


def _options(words: dict[str, list[str]], choices) -> dict[str, str]:
    """Label → value: the Chinese words, then every choice's label in each site language and
    its code (so an exported English file reads back)."""
    out = {normalize_key(w): value for value, labels in words.items() for w in labels}
    for value, label in choices:
        out.setdefault(normalize_key(value), value)
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                out.setdefault(normalize_key(str(label)), value)
    return out


def _word_parser(words: dict[str, list[str]], choices):
    table: dict[str, str] | None = None

    def parse(value):
        nonlocal table
        if table is None:
            table = _options(words, choices)
        found = table.get(normalize_key(value))
        if found is None:
            shown = "、".join(labels[0] for labels in words.values())
            raise CellError(_("Unknown word. Use one of: %(choices)s.") % {"choices": shown})
        return found

    return parse


parse_status = _word_parser(STATUS_WORDS, AssetStatus.choices)
parse_acquisition = _word_parser(ACQUISITION_WORDS, AcquisitionMode.choices)
parse_use = _word_parser(USE_WORDS, UseDirection.choices)

_QUANTITY_UNITS = "台 套 件 个 把 张 部 辆 块 只 组 批 本 册 架 座 间 项 株 棵 头 平方米 米 m2 ㎡"
_quantity = cells.decimal(12, 2, units=_QUANTITY_UNITS)


def parse_quantity(value) -> Decimal:
    number = _quantity(value)
    if number <= 0:
        raise CellError(_("The quantity must be more than 0."))
    return number


def money(max_digits: int):
    parse_number = cells.decimal(max_digits, 2, units="元 圆")

    def parse(value) -> Decimal:
        number = parse_number(value)
        if number < 0:
            raise CellError(_("A value cannot be negative."))
        return number

    return parse


def text(max_length: int):
    """Core's text parser, marked with its limit so the checker can pass plain strings
    through without a call."""
    parse = cells.text(max_length)
    parse.max_length = max_length
    return parse


def parse_date(value):
    parsed = cells.parse_date(value)
    if not 1900 <= parsed.year <= 2100:
        raise CellError(_("This date is out of range."))
    return parsed


# ---------------------------------------------------------------- the fields

FIELDS: list[Column] = [
    Column(
        "number",
        ["资产编号", "资产编码", "资产卡片编号", "卡片编号", "卡片号", "资产代码", "财务编号",
         "编号", "asset number", "asset no", "number"],
        parse=text(40),
        example="ZC2024000001",
        help=_("Leave blank to give the asset the next number of the school's pattern."),
    ),
    Column(
        "name",
        ["资产名称", "名称", "设备名称", "物品名称", "资产名", "品名", "name", "asset name"],
        required=True,
        parse=text(100),
        example="台式计算机",
    ),
    Column(
        "category",
        ["资产分类", "资产类别", "分类", "类别", "分类名称", "资产分类名称", "资产类别名称",
         "category"],
        required=True,
        parse=text(80),
        example="台式计算机",
        help=_("The name or code of a category or sub-category (资产分类)."),
    ),
    Column(
        "category_code",
        ["分类代码", "分类编码", "资产分类代码", "资产分类编码", "分类号", "国标分类代码",
         "财政分类代码", "教育分类代码", "category code"],
        parse=text(20),
        example="A02010104",
        help=_("A category code; either this or the category name is enough."),
    ),
    Column(
        "model",
        ["规格型号", "型号规格", "规格", "型号", "规格型号及参数", "model", "specification"],
        parse=text(100),
        example="ThinkCentre M920t",
    ),
    Column(
        "brand",
        ["品牌", "厂家", "生产厂家", "制造商", "生产厂商", "brand", "manufacturer"],
        parse=text(60),
        example="联想",
    ),
    Column(
        "serial_number",
        ["序列号", "出厂编号", "出厂号", "机身号", "sn", "serial number", "serial"],
        parse=text(60),
    ),
    Column(
        "quantity",
        ["数量", "数量(面积)", "数量/面积", "quantity", "qty"],
        parse=parse_quantity,
        example=1,
        help=_("1 when blank. A batch card counts its items: 120 for 120 sets of desks."),
    ),
    Column("unit", ["计量单位", "单位", "unit"], parse=text(10), example="台"),
    Column(
        "unit_price",
        ["单价", "单价(元)", "价格", "单位价值", "unit price", "unit value", "price"],
        parse=money(14),
        example="4800.00",
        help=_("Either the unit value or the total value is required; the other is worked out."),
    ),
    Column(
        "total_value",
        ["金额", "价值", "原值", "资产原值", "账面原值", "总价", "总金额", "价值(元)", "金额(元)",
         "原值(元)", "total value", "value", "amount"],
        parse=money(16),
        example="4800.00",
    ),
    Column(
        "funding_source",
        ["经费来源", "资金来源", "经费项目", "经费类型", "funding source"],
        parse=text(60),
        example="财政拨款",
    ),
    Column(
        "acquisition_mode",
        ["取得方式", "增加方式", "来源方式", "获得方式", "acquisition mode", "acquired by"],
        parse=parse_acquisition,
        example="购置",
        help=_("购置, 调拨, 捐赠, 自建, 置换, 盘盈 or 其他; 购置 when blank."),
    ),
    Column(
        "use_direction",
        ["使用方向", "用途", "use", "use direction"],
        parse=parse_use,
        example="教学",
        help=_("教学, 科研, 行政, 后勤, 学生生活 or 其他."),
    ),
    Column(
        "acquired_on",
        ["购置日期", "取得日期", "购买日期", "购入日期", "入账日期", "启用日期", "采购日期",
         "acquired on", "purchase date"],
        parse=parse_date,
        example="2024-03-15",
        help=_("2024-03-15, 2024/3/15, 2024年3月15日 or 20240315."),
    ),
    Column(
        "supplier",
        ["供应商", "供货商", "供货单位", "销售商", "销售单位", "supplier", "vendor"],
        parse=text(100),
    ),
    Column(
        "invoice_number",
        ["发票号", "发票号码", "发票编号", "invoice number", "invoice no"],
        parse=text(60),
    ),
    Column(
        "warranty_until",
        ["保修截止日期", "保修截止", "保修期至", "保修到期日", "保修到期", "保修截止日",
         "warranty until"],
        parse=parse_date,
    ),
    Column(
        "place",
        ["存放地点", "存放地", "存放位置", "放置地点", "使用地点", "所在位置", "地点", "位置",
         "place", "location"],
        parse=text(120),
        example="教学楼/301",
        help=_("Building, floor and room: 教学楼/301, 实验楼 2楼 化学实验室, 行政楼301. "
               "Places the school does not have yet can be created during the import."),
    ),
    Column(
        "department",
        ["使用部门", "管理部门", "部门", "所属部门", "使用单位", "保管部门", "使用科室",
         "department"],
        parse=text(60),
        example="教务处",
    ),
    Column(
        "custodian",
        ["使用人", "保管人", "责任人", "领用人", "管理人", "custodian"],
        parse=text(60),
        example="张老师",
        help=_("A member of the school by name; other names are kept in the notes."),
    ),
    Column(
        "status",
        ["使用状况", "使用状态", "状态", "资产状态", "status"],
        parse=parse_status,
        example="在用",
        help=_("在用, 闲置, 维修, 借出, 待报废, 已报废 or 丢失; 在用 when blank."),
    ),
    Column(
        "useful_life_years",
        ["使用年限", "折旧年限", "预计使用年限", "useful life"],
        parse=cells.integer(1, 100, units="年"),
        help=_("Leave blank to use the category's life."),
    ),
    Column("notes", ["备注", "说明", "附注", "notes", "remarks"], parse=text(2000)),
]  # fmt: skip

FIELD_KEYS = [c.key for c in FIELDS]
FIELDS_BY_KEY = {c.key: c for c in FIELDS}
VALUE_KEYS = ("unit_price", "total_value")
CATEGORY_KEYS = ("category", "category_code")
# Columns whose values are mostly unique: parsing them through a memo would only cost memory.
UNIQUE_KEYS = frozenset({"number", "serial_number", "invoice_number", "notes"})


def _aliases() -> dict[str, str]:
    out: dict[str, str] = {}
    for column in FIELDS:
        for header in column.headers:
            out.setdefault(normalize_header(header), column.key)
    return out


ALIASES = _aliases()


FIELD_LABELS = {
    "number": _("Asset number"),
    "name": _("Asset name"),
    "category": _("Category (name or code)"),
    "category_code": _("Category code"),
    "model": _("Model / specification"),
    "brand": _("Brand"),
    "serial_number": _("Serial number"),
    "quantity": _("Quantity"),
    "unit": _("Unit"),
    "unit_price": _("Unit value"),
    "total_value": _("Total value"),
    "funding_source": _("Funding source"),
    "acquisition_mode": _("Acquired by"),
    "use_direction": _("Use"),
    "acquired_on": _("Acquired on"),
    "supplier": _("Supplier"),
    "invoice_number": _("Invoice number"),
    "warranty_until": _("Warranty until"),
    "place": _("Place"),
    "department": _("Custodian department"),
    "custodian": _("Custodian"),
    "status": _("Status"),
    "useful_life_years": _("Useful life (years)"),
    "notes": _("Notes"),
}


def field_label(key: str) -> str:
    """How the mapping page names a field: its label and the header the template writes."""
    return f"{FIELD_LABELS[key]} · {FIELDS_BY_KEY[key].header}"


def field_choices() -> list[tuple[str, str]]:
    return [(c.key, field_label(c.key)) for c in FIELDS]


def suggest_field(header, remembered: dict[str, str] | None = None) -> str | None:
    """The field a header most likely means: "" for a column the school chose to ignore,
    None when nothing fits."""
    key = normalize_header(header)
    if not key:
        return None
    if remembered and key in remembered:
        return remembered[key]
    if key in ALIASES:
        return ALIASES[key]
    # "资产名称(必填)", "存放地点名称": the longest alias the header contains.
    best = max(
        (alias for alias in ALIASES if len(alias) >= 3 and alias in key),
        key=len,
        default=None,
    )
    return ALIASES[best] if best else None


def suggest_mapping(headers: list, remembered: dict[str, str] | None = None) -> dict[str, str]:
    """Column index (as text) → field for each header; each field is suggested once, to the
    first column that asks for it."""
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for index, header in enumerate(headers):
        if header is None:
            continue
        field = suggest_field(header, remembered)
        if field and field in FIELDS_BY_KEY and field not in used:
            mapping[str(index)] = field
            used.add(field)
    return mapping


def missing_required(mapping: dict[str, str]) -> list[str]:
    """Messages for the required fields a mapping leaves out."""
    chosen = set(mapping.values())
    missing = []
    if "name" not in chosen:
        missing.append(_("Choose the column with the asset name."))
    if not chosen.intersection(CATEGORY_KEYS):
        missing.append(_("Choose the column with the category (name or code)."))
    if not chosen.intersection(VALUE_KEYS):
        missing.append(_("Choose the column with the unit value or the total value."))
    return missing
