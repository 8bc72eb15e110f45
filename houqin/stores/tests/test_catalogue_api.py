"""The catalogue API: items with on-hand (same filters as the page), create and update,
balances and the ledger read-only, bounded queries, nothing of another school."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from houqin.factories import member
from houqin.stores import ledger
from houqin.stores.models import Item

from .catalogue_support import make_category, make_item, make_store, stock

pytestmark = pytest.mark.django_db
ITEMS = reverse("api:stores:item-list")
BALANCES = reverse("api:stores:balance-list")
MOVES = reverse("api:stores:move-list")


def api_as(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.fixture
def keeper(school):
    return member(school, "keeper", username="keeper")


@pytest.fixture
def shelves(school, keeper):
    store = make_store(school)
    items = [make_item(school, f"物品{i}", code=f"IT{i:03d}", reorder_level=5) for i in range(12)]
    for i, item in enumerate(items):
        stock(item, store, 3 if i < 4 else 9, "2.00", by=keeper)
        ledger.issue(item=item, store=store, quantity=1, by=keeper)
    return items


def test_item_list_has_on_hand_and_value_in_bounded_queries(
    keeper, shelves, school, django_assert_max_num_queries
):
    api = api_as(keeper)
    api.get(ITEMS)
    with django_assert_max_num_queries(8):
        body = api.get(ITEMS).json()
    assert body["count"] == 12
    first = body["results"][0]
    assert (first["code"], first["on_hand"], first["stock_value"]) == ("IT000", "2.000", "4.00")


def test_item_list_takes_the_pages_filters(keeper, shelves):
    body = api_as(keeper).get(ITEMS, {"below": "true"}).json()
    assert [r["code"] for r in body["results"]] == ["IT000", "IT001", "IT002", "IT003"]


def test_keeper_creates_and_updates_an_item(keeper, school):
    api = api_as(keeper)
    category = make_category(school, "纸张")
    created = api.post(
        ITEMS,
        {"code": "ZZ-009", "name": "A3复印纸", "unit": "包", "category": category.pk,
         "sheets_per_unit": 500, "paper_size": "A3"},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.json()
    item = Item.objects.get(code="ZZ-009")
    assert item.school == school and created.json()["on_hand"] == "0.000"
    changed = api.patch(
        reverse("api:stores:item-detail", args=[item.pk]), {"reorder_level": "8"}, format="json"
    )
    assert changed.status_code == 200
    item.refresh_from_db()
    assert item.reorder_level == 8


def test_duplicate_code_is_a_clear_400(keeper, school):
    make_item(school, "签字笔", code="BG-001")
    response = api_as(keeper).post(
        ITEMS, {"code": "BG-001", "name": "x", "unit": "支"}, format="json"
    )
    assert response.status_code == 400


def test_teacher_reads_items_but_cannot_create_or_see_the_ledger(school, shelves):
    teacher = member(school, "staff", username="t1")
    api = api_as(teacher)
    assert api.get(ITEMS).status_code == 200
    assert (
        api.post(ITEMS, {"code": "X", "name": "x", "unit": "个"}, format="json").status_code == 403
    )
    assert api.get(MOVES).json()["count"] == 0
    assert api.get(BALANCES).json()["count"] == 0


def test_moves_and_balances_are_read_only_and_filtered(
    keeper, shelves, django_assert_max_num_queries
):
    api = api_as(keeper)
    api.get(MOVES)
    with django_assert_max_num_queries(8):
        moves = api.get(MOVES, {"item": shelves[0].pk, "kind": "issue"}).json()
    assert moves["count"] == 1 and moves["results"][0]["quantity"] == "-1.000"
    assert api.post(MOVES, {}, format="json").status_code == 405
    balances = api.get(BALANCES, {"item": shelves[0].pk}).json()
    assert balances["results"][0]["quantity"] == "2.000"
    assert balances["results"][0]["average_cost"] == "2.0000"


def test_nothing_of_another_school_is_reachable(keeper, shelves, other_school):
    elsewhere = make_item(other_school, "别校物品")
    api = api_as(keeper)
    assert api.get(reverse("api:stores:item-detail", args=[elsewhere.pk])).status_code == 404
    codes = [r["code"] for r in api.get(ITEMS).json()["results"]]
    assert elsewhere.code not in codes
