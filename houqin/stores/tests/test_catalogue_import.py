"""Importing the school's stock list from Excel, with opening quantities through the ledger."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from houqin.factories import CompanyFactory, member
from houqin.stores import ledger
from houqin.stores.importing_items import ItemImporter
from houqin.stores.models import Item, MoveKind, StockMove

from .catalogue_support import D, make_store

pytestmark = pytest.mark.django_db

HEADERS = ["物品编码", "物品名称", "规格", "单位", "类别", "最低库存", "参考单价", "每单位张数",
           "纸张规格", "供应商", "期初数量", "期初单价"]  # fmt: skip


def workbook(*rows, headers=HEADERS) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(list(row))
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "items.xlsx"
    return data


@pytest.fixture
def keeper(school):
    return member(school, "keeper", username="keeper")


def test_import_creates_items_and_opening_balances(school, keeper):
    CompanyFactory(school=school, name="宁波文具公司")
    result = ItemImporter().run(
        workbook(
            [
                "ZZ-001",
                "A4复印纸",
                "70g",
                "包",
                "纸张",
                20,
                23.5,
                500,
                "A4",
                "宁波文具公司",
                40,
                22.8,
            ],
            ["BG-001", "签字笔", "0.5mm 黑", "盒", "办公用品", 5, 15, None, None, None, 12, None],
        ),
        school=school,
        by=keeper,
    )
    assert result.ok, [str(e) for e in result.errors]
    assert result.created == 2
    paper = Item.objects.get(school=school, code="ZZ-001")
    assert (paper.sheets_per_unit, paper.paper_size, paper.category.name) == (500, "A4", "纸张")
    opening = StockMove.objects.get(item=paper)
    assert (opening.kind, opening.quantity, opening.unit_cost) == (
        MoveKind.OPENING,
        D(40),
        D("22.8"),
    )
    pens = Item.objects.get(code="BG-001")
    assert ledger.on_hand(pens) == D(12)
    assert StockMove.objects.get(item=pens).unit_cost == D(15)  # the reference price


def test_a_bad_row_imports_nothing(school, keeper):
    result = ItemImporter().run(
        workbook(
            ["ZZ-001", "A4复印纸", "", "包", "纸张", 20, 23.5, None, None, None, 40, None],
            ["BG-001", "签字笔", "", "盒", "", 5, 15, None, None, "无此公司", 12, None],
            ["BG-002", "铅笔", "", "", "", 5, 15, None, None, None, "lots", None],
        ),
        school=school,
        by=keeper,
    )
    messages = {(e.row, e.key) for e in result.errors}
    assert {(3, "vendor"), (4, "unit"), (4, "opening_quantity")} <= messages
    assert not Item.objects.exists() and not StockMove.objects.exists()


def test_opening_stock_is_refused_once_the_item_has_history(school, keeper):
    ItemImporter().run(
        workbook(["BG-001", "签字笔", "", "盒", "", 5, 15, None, None, None, 12, None]),
        school=school, by=keeper,
    )  # fmt: skip
    again = ItemImporter().run(
        workbook(["BG-001", "签字笔", "", "盒", "", 5, 15, None, None, None, 20, None]),
        school=school, by=keeper,
    )  # fmt: skip
    assert [e.key for e in again.errors] == ["opening_quantity"]
    assert ledger.on_hand(Item.objects.get(code="BG-001")) == D(12)


def test_export_in_the_import_layout_reads_back_unchanged(client, school, keeper):
    store = make_store(school)
    ItemImporter().run(
        workbook(["BG-001", "签字笔", "", "盒", "办公用品", 5, 15, None, None, None, 12, None]),
        school=school, by=keeper,
    )  # fmt: skip
    client.force_login(keeper)
    response = client.get(reverse("stores:item_export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "BG-001" and rows[1][11] == store.name
    data = io.BytesIO(response.content)
    data.name = "export.xlsx"
    result = ItemImporter().run(data, school=school, by=keeper)
    assert result.ok and result.unchanged == 1
    assert StockMove.objects.count() == 1


def test_import_page_and_template_need_the_right_to_add_items(client, school, keeper):
    teacher = member(school, "staff", username="t1")
    client.force_login(teacher)
    assert client.get(reverse("stores:item_import")).status_code == 403
    client.force_login(keeper)
    assert client.get(reverse("stores:item_import")).status_code == 200
    template = client.get(reverse("stores:item_import_template"))
    assert template.status_code == 200
    assert load_workbook(io.BytesIO(template.content)).active["A1"].value.startswith("物品编码")
