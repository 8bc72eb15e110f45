"""The orders demo: orders for most approved requests, deliveries in every state, idempotent."""

from decimal import Decimal

import pytest

from houqin.purchasing import demo_orders
from houqin.purchasing.models import OrderStatus, PurchaseOrder, Receipt, ReceiptStatus
from houqin.stores.models import StockMove

from .orders_support import make_item, make_people, paper_request

pytestmark = pytest.mark.django_db


def test_the_demo_orders_and_receives_and_runs_once(school):
    people = make_people(school)
    for n in range(10):
        paper_request(people, item=make_item(people, code=f"D{n}"), quantity="10", price="20")

    demo_orders.build({"donghu": school})

    assert PurchaseOrder.objects.filter(school=school).count() == 8
    statuses = set(PurchaseOrder.objects.values_list("status", flat=True))
    assert {OrderStatus.PLACED, OrderStatus.PARTLY_RECEIVED, OrderStatus.RECEIVED} <= statuses
    assert Receipt.objects.filter(status=ReceiptStatus.RECORDED).count() == 1
    assert StockMove.objects.filter(quantity__gt=0).exists()
    accepted = Receipt.objects.filter(status=ReceiptStatus.ACCEPTED)
    assert all(r.accepted_by_id != r.order.buyer_id for r in accepted)

    demo_orders.build({"donghu": school})
    assert PurchaseOrder.objects.count() == 8
    assert sum(m.quantity for m in StockMove.objects.all()) > Decimal("0")


def test_the_demo_does_nothing_without_approved_requests(school):
    make_people(school)
    demo_orders.build({"donghu": school})
    assert not PurchaseOrder.objects.exists()
