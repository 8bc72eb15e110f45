"""Purchase orders: from approved request lines, one order per vendor; drafts, placing,
cancelling; the request lines' ordered quantities and the requests' statuses follow."""

from decimal import Decimal

import pytest

from houqin import factories as f
from houqin.core.errors import DomainError, IllegalTransition, PermissionDenied
from houqin.purchasing import services_orders as orders
from houqin.purchasing.models import (
    OrderStatus,
    PurchaseOrder,
    RequestStatus,
)

from .orders_support import approved_request, make_item, make_people, paper_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(school):
    return make_people(school)


def test_buyer_orders_approved_lines_one_order_per_vendor(people):
    other_vendor = f.CompanyFactory(school=people.school, name="晨光")
    paper = make_item(people)
    pens = make_item(people, code="PEN", name="中性笔", unit="盒", vendor=other_vendor)
    request = approved_request(
        people,
        {"item": paper, "description": "复印纸", "quantity": 10, "estimated_price": 25},
        {"item": pens, "description": "中性笔", "quantity": 5, "estimated_price": 18, "unit": "盒"},
    )
    lines = list(request.lines.order_by("pk"))

    made = orders.create_orders(by=people.buyer, school=people.school, selections=lines)

    assert sorted(o.vendor.name for o in made) == sorted([people.vendor.name, "晨光"])
    assert all(o.status == OrderStatus.DRAFT and o.number.startswith("DD") for o in made)
    totals = {o.vendor_id: o.total for o in made}
    assert totals == {people.vendor.pk: Decimal("250.00"), other_vendor.pk: Decimal("90.00")}
    request.refresh_from_db()
    assert request.status == RequestStatus.ORDERED
    assert [line.ordered_quantity for line in request.lines.order_by("pk")] == [10, 5]


def test_price_is_the_chosen_quotes_share_of_the_request(people):
    request = approved_request(
        people,
        {
            "item": make_item(people),
            "description": "复印纸",
            "quantity": 200,
            "estimated_price": 30,
        },  # fmt: skip
        quotes=[
            (people.vendor, Decimal("5400")),
            (f.CompanyFactory(school=people.school), 6000),
            (f.CompanyFactory(school=people.school), 6100),
        ],
    )
    line = request.lines.get()

    (order,) = orders.create_orders(by=people.buyer, school=people.school, selections=[line])

    assert order.lines.get().unit_price == Decimal("27.0000")
    assert order.total == Decimal("5400.00")


def test_a_line_cannot_be_ordered_twice_beyond_its_approved_quantity(people):
    line = paper_request(people, quantity="100").lines.get()
    orders.create_orders(
        by=people.buyer,
        school=people.school,
        selections=[orders.Selection(line, quantity=Decimal("60"))],
    )

    with pytest.raises(DomainError, match="only 40 包 are left to order"):
        orders.create_orders(
            by=people.buyer,
            school=people.school,
            selections=[orders.Selection(line, quantity=Decimal("50"))],
        )
    assert PurchaseOrder.objects.count() == 1


def test_a_line_without_a_vendor_asks_the_buyer_to_choose_one(people):
    request = approved_request(
        people, {"description": "定制展板", "quantity": 2, "estimated_price": 300, "unit": "块"}
    )
    line = request.lines.get()
    with pytest.raises(DomainError, match="choose a vendor"):
        orders.create_orders(by=people.buyer, school=people.school, selections=[line])

    (order,) = orders.create_orders(
        by=people.buyer,
        school=people.school,
        selections=[orders.Selection(line, vendor=people.vendor)],
    )
    assert order.vendor == people.vendor


def test_a_teacher_cannot_create_orders(people):
    line = paper_request(people).lines.get()
    with pytest.raises(PermissionDenied):
        orders.create_orders(by=people.teacher, school=people.school, selections=[line])


def test_a_request_not_yet_approved_cannot_be_ordered(people):
    request = paper_request(people)
    request.status = RequestStatus.SUBMITTED
    request.save(update_fields=["status"])
    with pytest.raises(IllegalTransition, match="only approved requests"):
        orders.create_orders(
            by=people.buyer, school=people.school, selections=[request.lines.get()]
        )


def test_another_schools_request_line_cannot_be_ordered(people, other_school):
    theirs = paper_request(make_people(other_school)).lines.get()
    with pytest.raises(DomainError, match="not in this school"):
        orders.create_orders(by=people.buyer, school=people.school, selections=[theirs])


def test_a_draft_is_edited_and_the_reservation_follows(people):
    line = paper_request(people, quantity="100").lines.get()
    (order,) = orders.create_orders(
        by=people.buyer,
        school=people.school,
        selections=[orders.Selection(line, quantity=Decimal("40"))],
    )
    order_line = order.lines.get()

    orders.update_order(
        order, by=people.buyer, lines={order_line: {"quantity": "70", "unit_price": "24"}}
    )

    line.refresh_from_db()
    order.refresh_from_db()
    assert line.ordered_quantity == Decimal("70")
    assert order.total == Decimal("1680.00")
    with pytest.raises(DomainError, match="only 30 包 more"):
        orders.update_order(order, by=people.buyer, lines={order_line: {"quantity": "101"}})


def test_placing_dates_the_order_and_ends_editing(people):
    (order,) = orders.create_orders(
        by=people.buyer, school=people.school, selections=[paper_request(people).lines.get()]
    )
    orders.place(order, by=people.buyer)
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED and order.placed_on is not None
    with pytest.raises(IllegalTransition):
        orders.update_order(order, by=people.buyer, note="x")


def test_cancelling_returns_the_quantities_to_the_request(people):
    request = paper_request(people, quantity="100")
    (order,) = orders.create_orders(
        by=people.buyer, school=people.school, selections=[request.lines.get()]
    )
    orders.place(order, by=people.buyer)

    with pytest.raises(DomainError, match="reason"):
        orders.cancel(order, by=people.buyer, reason=" ")
    orders.cancel(order, by=people.buyer, reason="供应商缺货")

    order.refresh_from_db()
    request.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert request.lines.get().ordered_quantity == 0
    assert request.status == RequestStatus.APPROVED


def test_a_request_above_the_quote_threshold_needs_its_quotes_before_ordering(people):
    request = approved_request(
        people,
        {
            "item": make_item(people),
            "description": "复印纸",
            "quantity": 300,
            "estimated_price": 25,
        },  # fmt: skip
        quotes=[(people.vendor, Decimal("7400"))],
    )
    with pytest.raises(DomainError) as refused:
        orders.create_orders(
            by=people.buyer, school=people.school, selections=[request.lines.get()]
        )
    assert refused.value.code == "QuotesMissing"
    assert not PurchaseOrder.objects.exists()
