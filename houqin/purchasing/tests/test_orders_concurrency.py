"""On PostgreSQL: two buyers ordering the last of a line at once, and two checkers accepting
the same delivery at once, each give exactly one success and one clear refusal."""

from decimal import Decimal

import pytest

from houqin.core.errors import DomainError
from houqin.core.testing import race
from houqin.factories import SchoolFactory, member
from houqin.purchasing import services_orders as orders
from houqin.purchasing import services_receiving as receiving
from houqin.purchasing.models import PurchaseOrder, Receipt
from houqin.stores import ledger

from .orders_support import make_people, paper_request

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_buyers_ordering_the_same_line_at_once_make_one_order():
    people = make_people(SchoolFactory(code="race-order"))
    other_buyer = member(people.school, "clerk", username="buyer-2")
    line = paper_request(people, quantity="10").lines.get()

    def order(by):
        return lambda: orders.create_orders(by=by, school=people.school, selections=[line.pk])

    outcomes = race(order(people.buyer), order(other_buyer))

    assert sum(isinstance(o, list) for o in outcomes) == 1
    assert sum(isinstance(o, DomainError) for o in outcomes) == 1
    assert PurchaseOrder.objects.count() == 1
    line.refresh_from_db()
    assert line.ordered_quantity == Decimal("10")


def test_two_checkers_accepting_the_same_delivery_at_once_receive_it_once():
    people = make_people(SchoolFactory(code="race-accept"))
    principal = member(people.school, "director", username="director-2")
    request = paper_request(people, quantity="10")
    (order,) = orders.create_orders(
        by=people.buyer, school=people.school, selections=[request.lines.get()]
    )
    orders.place(order, by=people.buyer)
    receipt = receiving.record_receipt(order, by=people.keeper, lines={order.lines.get(): 10})

    outcomes = race(
        lambda: receiving.accept(Receipt.objects.get(pk=receipt.pk), by=people.director),
        lambda: receiving.accept(Receipt.objects.get(pk=receipt.pk), by=principal),
    )

    assert sum(isinstance(o, DomainError) for o in outcomes) == 1
    item = request.lines.get().item
    assert ledger.on_hand(item, people.store) == Decimal("10")
