"""The orders and deliveries API: scoped lists with bounded queries, and every action through
the same services as the pages."""

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from houqin import factories as f
from houqin.purchasing import services_orders as orders
from houqin.purchasing import services_receiving as receiving
from houqin.purchasing.models import OrderStatus, PurchaseOrder, ReceiptStatus
from houqin.stores import ledger

from .orders_support import make_item, make_people, paper_request

pytestmark = pytest.mark.django_db

ORDERS = "api:purchasing:order-list"
RECEIPTS = "api:purchasing:receipt-list"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def people(school):
    return make_people(school)


def rows(response):
    body = response.json()
    return body.get("results", body) if isinstance(body, dict) else body


def test_the_buyer_lists_orderable_lines_and_orders_them(api, people):
    line = paper_request(people, quantity="100", price="25").lines.get()
    api.force_authenticate(people.buyer)

    listed = rows(api.get(reverse("api:purchasing:order-orderable")))
    assert [(r["id"], r["vendor"], r["left_to_order"]) for r in listed] == [
        (line.pk, people.vendor.pk, "100.000")
    ]
    response = api.post(
        reverse(ORDERS), {"lines": [{"request_line": line.pk, "quantity": "60"}]}, format="json"
    )

    assert response.status_code == 201, response.content
    (made,) = response.json()["orders"]
    assert made["status"] == OrderStatus.DRAFT and made["total"] == "1500.00"
    placed = api.post(reverse("api:purchasing:order-place", args=[made["id"]]))
    assert placed.status_code == 200 and placed.json()["status"] == OrderStatus.PLACED


def test_ordering_more_than_approved_is_a_400_and_nothing_is_made(api, people):
    line = paper_request(people, quantity="10").lines.get()
    api.force_authenticate(people.buyer)
    response = api.post(
        reverse(ORDERS), {"lines": [{"request_line": line.pk, "quantity": "11"}]}, format="json"
    )
    assert response.status_code == 400 and response.json()["code"] == "OverOrdered"
    assert not PurchaseOrder.objects.exists()


def test_a_teacher_cannot_create_orders_and_reads_only_those_of_their_requests(api, people):
    line = paper_request(people).lines.get()
    api.force_authenticate(people.teacher)
    response = api.post(reverse(ORDERS), {"lines": [{"request_line": line.pk}]}, format="json")
    assert response.status_code == 403
    (order,) = orders.create_orders(by=people.buyer, school=people.school, selections=[line])
    assert [row["id"] for row in rows(api.get(reverse(ORDERS)))] == [order.pk]
    api.force_authenticate(f.member(people.school, "staff", username="not-the-requester"))
    assert rows(api.get(reverse(ORDERS))) == []


def test_deliveries_are_recorded_and_checked_through_the_api(api, people):
    request = paper_request(people, quantity="10", price="30")
    (order,) = orders.create_orders(
        by=people.buyer, school=people.school, selections=[request.lines.get()]
    )
    orders.place(order, by=people.buyer)
    order_line = order.lines.get()
    api.force_authenticate(people.keeper)
    recorded = api.post(
        reverse(RECEIPTS),
        {"order": order.pk, "lines": [{"order_line": order_line.pk, "quantity": "4"}],
         "invoice_number": "FP-9"},
        format="json",
    )  # fmt: skip
    assert recorded.status_code == 201, recorded.content
    receipt_id = recorded.json()["id"]

    api.force_authenticate(people.buyer)
    refused = api.post(reverse("api:purchasing:receipt-accept", args=[receipt_id]), {})
    assert refused.status_code == 403 and refused.json()["code"] == "BuyerCannotAccept"

    api.force_authenticate(people.director)
    accepted = api.post(reverse("api:purchasing:receipt-accept", args=[receipt_id]), {})
    assert accepted.status_code == 200 and accepted.json()["status"] == ReceiptStatus.ACCEPTED
    assert ledger.on_hand(order_line.request_line.item, people.store) == Decimal("4")


def test_another_schools_order_is_a_404(api, people, other_school):
    theirs_people = make_people(other_school)
    request = paper_request(theirs_people)
    (theirs,) = orders.create_orders(
        by=theirs_people.buyer, school=other_school, selections=[request.lines.get()]
    )
    api.force_authenticate(people.buyer)
    assert api.get(reverse("api:purchasing:order-detail", args=[theirs.pk])).status_code == 404
    response = api.post(reverse("api:purchasing:order-place", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == OrderStatus.DRAFT


def test_lists_run_a_bounded_number_of_queries(api, people, django_assert_max_num_queries):
    for n in range(5):
        request = paper_request(people, item=make_item(people, code=f"X{n}"), quantity="10")
        (order,) = orders.create_orders(
            by=people.buyer,
            school=people.school,
            selections=[orders.Selection(request.lines.get(), quantity=Decimal("5"))],
        )
        orders.place(order, by=people.buyer)
        receiving.record_receipt(order, by=people.keeper, lines={order.lines.get(): 1})
    api.force_authenticate(people.director)
    for name in (ORDERS, RECEIPTS, "api:purchasing:order-orderable"):
        with django_assert_max_num_queries(12):
            response = api.get(reverse(name))
        assert response.status_code == 200 and len(rows(response)) == 5, name
