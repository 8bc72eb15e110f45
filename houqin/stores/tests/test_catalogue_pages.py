"""The catalogue pages: the item list (filters, low stock, export, bounded queries), an item's
page with its balances and ledger, adding and editing items, stores and categories."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from houqin.factories import CompanyFactory, member
from houqin.stores.models import Item, Store

from .catalogue_support import make_category, make_item, make_store, stock

pytestmark = pytest.mark.django_db


@pytest.fixture
def keeper(school):
    return member(school, "keeper", username="keeper", full_name="周红梅")


@pytest.fixture
def shelves(school, keeper):
    """Twenty items in two categories, every fourth at its reorder level."""
    paper, office = make_category(school, "纸张"), make_category(school, "办公用品")
    store = make_store(school)
    items = []
    for i in range(20):
        item = make_item(
            school, f"物品{i:02d}", code=f"IT{i:03d}", category=paper if i % 2 else office,
            reorder_level=5,
        )  # fmt: skip
        stock(item, store, 5 if i % 4 == 0 else 12, "2.00", by=keeper)
        items.append(item)
    return items


def codes_on(response) -> list[str]:
    return sorted(set(__import__("re").findall(r">(IT\d{3})<", response.content.decode())))


def page_queries(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


def test_keeper_sees_items_with_on_hand_in_bounded_queries(
    client, keeper, shelves, school, django_assert_max_num_queries
):
    client.force_login(keeper)
    url = reverse("stores:item_list")
    client.get(url)  # warm caches (content types, permissions)
    with django_assert_max_num_queries(20):  # the shell (menu, badges) and four of the list's
        response = client.get(url)
    assert len(codes_on(response)) == 20
    few = page_queries(client, url, below="true")
    for i in range(30):
        stock(
            make_item(school, f"更多{i}", code=f"IT{100 + i}"),
            make_store(school),
            1,
            "1",
            by=keeper,
        )
    assert page_queries(client, url, below="true") == few


def test_list_filters_items_at_or_below_reorder_level(client, keeper, shelves):
    client.force_login(keeper)
    response = client.get(reverse("stores:item_list"), {"below": "true"})
    assert codes_on(response) == ["IT000", "IT004", "IT008", "IT012", "IT016"]


def test_list_filters_by_category_and_text(client, keeper, shelves, school):
    client.force_login(keeper)
    paper = make_category(school, "纸张")
    response = client.get(reverse("stores:item_list"), {"category": paper.pk, "q": "物品1"})
    assert codes_on(response) == ["IT011", "IT013", "IT015", "IT017", "IT019"]


def test_list_by_store_shows_only_what_that_store_holds(client, keeper, shelves, school):
    client.force_login(keeper)
    print_room = make_store(school, "文印室")
    stock(shelves[3], print_room, 7, "1.00", by=keeper)
    response = client.get(reverse("stores:item_list"), {"store": print_room.pk})
    assert codes_on(response) == ["IT003"]


def test_export_lists_items_with_on_hand_and_value_as_csv_with_bom(client, keeper, shelves):
    client.force_login(keeper)
    response = client.get(reverse("stores:item_list"), {"export": "csv"})
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 21
    first = dict(zip(rows[0], rows[1], strict=False))
    assert first["Item code"] == "IT000"
    assert first["On hand"] in ("5", "5.000") and first["Value (¥)"] in ("10", "10.00")


def test_item_page_shows_balances_per_store_and_its_ledger_newest_first(
    client, keeper, shelves, school
):
    client.force_login(keeper)
    item = shelves[1]
    stock(item, make_store(school, "文印室"), 3, "4.00", by=keeper)
    response = client.get(reverse("stores:item_detail", args=[item.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "文印室" in body and "总务仓库" in body
    moves = body[body.index("item-moves") :]
    assert moves.index("文印室") < moves.index("总务仓库")  # the newest move first


def test_teacher_sees_the_catalogue_but_not_the_ledger_nor_the_add_form(client, school, shelves):
    teacher = member(school, "staff", username="t1")
    client.force_login(teacher)
    assert client.get(reverse("stores:item_list")).status_code == 200
    detail = client.get(reverse("stores:item_detail", args=[shelves[0].pk]))
    assert detail.status_code == 200 and "item-moves" not in detail.content.decode()
    assert client.get(reverse("stores:item_add")).status_code == 403
    assert client.get(reverse("stores:move_list")).status_code == 403


def test_keeper_adds_an_item_with_a_preferred_vendor(client, keeper, school):
    client.force_login(keeper)
    vendor = CompanyFactory(school=school, name="宁波文具公司")
    response = client.post(
        reverse("stores:item_add"),
        {
            "code": "ZZ-001", "name": "A4复印纸", "unit": "包", "category": make_category(school, "纸张").pk,
            "reorder_level": "20", "reorder_quantity": "50", "preferred_vendor": vendor.pk,
            "reference_price": "23.50", "sheets_per_unit": "500", "paper_size": "A4",
            "is_active": "on",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    item = Item.objects.get(code="ZZ-001")
    assert (item.school, item.preferred_vendor, item.sheets_per_unit) == (school, vendor, 500)


def test_paper_needs_its_sheets_per_unit(client, keeper, school):
    client.force_login(keeper)
    response = client.post(
        reverse("stores:item_add"),
        {"code": "ZZ-002", "name": "A3复印纸", "unit": "包", "paper_size": "A3",
         "reorder_level": "0", "reorder_quantity": "0", "is_active": "on"},
    )  # fmt: skip
    assert response.status_code == 200
    assert not Item.objects.filter(code="ZZ-002").exists()


def test_other_schools_item_is_not_found(client, keeper, other_school):
    client.force_login(keeper)
    elsewhere = make_item(other_school, "别校物品")
    assert client.get(reverse("stores:item_detail", args=[elsewhere.pk])).status_code == 404
    assert client.get(reverse("stores:item_edit", args=[elsewhere.pk])).status_code == 404


def test_store_list_creates_the_default_store_on_first_use(client, keeper, school):
    client.force_login(keeper)
    response = client.get(reverse("stores:store_list"))
    assert response.status_code == 200
    assert Store.objects.get(school=school, is_default=True).name == "总务仓库"


def test_ledger_page_filters_by_kind_and_exports(client, keeper, shelves, school):
    client.force_login(keeper)
    from houqin.stores import ledger

    ledger.issue(item=shelves[2], store=make_store(school), quantity=2, by=keeper)
    url = reverse("stores:move_list")
    response = client.get(url, {"kind": "issue"})
    assert response.status_code == 200
    export = client.get(url, {"kind": "issue", "export": "csv"})
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert len(rows) == 2
    assert rows[1][1] == "物品02" and rows[1][4] in ("-2", "-2.000")


@pytest.mark.parametrize(
    "name",
    [
        "item_add", "item_import", "category_list", "category_add", "store_add", "stock_receive",
        "stock_transfer", "reorder", "report_valuation", "report_consumption",
        "report_slow_moving", "move_list",
    ],
)  # fmt: skip
def test_director_opens_every_catalogue_page(client, school, shelves, name):
    client.force_login(member(school, "director", username="director"))
    assert client.get(reverse(f"stores:{name}")).status_code == 200


def test_category_and_store_edit_pages(client, school, keeper, shelves):
    client.force_login(keeper)
    category = make_category(school, "纸张")
    store = make_store(school)
    assert client.get(reverse("stores:category_edit", args=[category.pk])).status_code == 200
    assert client.get(reverse("stores:store_edit", args=[store.pk])).status_code == 200
    response = client.post(reverse("stores:category_add"), {"name": "清洁用品", "sort_order": 3})
    assert response.status_code == 302
