"""The order and delivery pages: lists with bounded queries, ordering from the "to order" page,
recording and checking a delivery, the printed order with the amount in capitals."""

import itertools
from decimal import Decimal

import pytest
from django.urls import reverse

from houqin import factories as f
from houqin.purchasing import services_orders as orders
from houqin.purchasing import services_receiving as receiving
from houqin.purchasing.models import OrderStatus, PurchaseOrder, ReceiptStatus
from houqin.purchasing.views_orders import chinese_capital
from houqin.stores import ledger

from .orders_support import make_item, make_people, paper_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(school):
    return make_people(school)


_codes = itertools.count()


def placed_order(people, quantity="100"):
    item = make_item(people, code=f"PAPER-{next(_codes)}")
    request = paper_request(people, item=item, quantity=quantity)
    (order,) = orders.create_orders(
        by=people.buyer, school=people.school, selections=[request.lines.get()]
    )
    return orders.place(order, by=people.buyer)


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("12345.67", "壹万贰仟叁佰肆拾伍元陆角柒分"),
        ("10000", "壹万元整"),
        ("10500", "壹万零伍佰元整"),
        ("1005.05", "壹仟零伍元零伍分"),
        ("100000500", "壹亿零伍佰元整"),
        ("0.50", "伍角"),
        ("2500.00", "贰仟伍佰元整"),
    ],
)
def test_amounts_print_in_chinese_capitals(amount, words):
    assert chinese_capital(Decimal(amount)) == words


def test_the_order_list_runs_a_bounded_number_of_queries(
    client, people, django_assert_max_num_queries
):
    for n in range(6):
        paper_request(people, item=make_item(people, code=f"P{n}"), quantity="5")
    orders.create_orders(
        by=people.buyer,
        school=people.school,
        selections=list(orders.orderable_lines(people.school)),
    )
    client.force_login(people.buyer)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("purchasing:order_list"))
    assert response.status_code == 200


def test_a_teacher_cannot_order_and_lists_only_the_orders_of_their_requests(client, people):
    theirs = placed_order(people)
    client.force_login(people.teacher)
    assert client.get(reverse("purchasing:order_add")).status_code == 403
    page = client.get(reverse("purchasing:order_list")).content.decode()
    assert theirs.number in page
    client.force_login(f.member(people.school, "staff", username="not-the-requester"))
    assert theirs.number not in client.get(reverse("purchasing:order_list")).content.decode()


def test_the_buyer_orders_ticked_lines_from_the_to_order_page(client, people):
    line = paper_request(people, quantity="100").lines.get()
    client.force_login(people.buyer)

    page = client.get(reverse("purchasing:order_add"))
    assert page.status_code == 200 and people.vendor.name in page.content.decode()
    response = client.post(
        reverse("purchasing:order_add"), {"line": [str(line.pk)], f"qty-{line.pk}": "30"}
    )

    order = PurchaseOrder.objects.get()
    assert response.status_code == 302 and response.url == order.get_absolute_url()
    assert order.lines.get().quantity == Decimal("30")


def test_ordering_more_than_left_shows_the_message_and_makes_nothing(client, people):
    line = paper_request(people, quantity="10").lines.get()
    client.force_login(people.buyer)
    response = client.post(
        reverse("purchasing:order_add"), {"line": [str(line.pk)], f"qty-{line.pk}": "11"}
    )
    assert response.status_code == 200
    assert "only 10 包 are left to order" in response.content.decode()
    assert not PurchaseOrder.objects.exists()


def test_the_order_page_places_and_prints_the_order(client, people):
    request = paper_request(people, quantity="100", price="25")
    (order,) = orders.create_orders(
        by=people.buyer, school=people.school, selections=[request.lines.get()]
    )
    client.force_login(people.buyer)
    detail = client.get(order.get_absolute_url())
    assert detail.status_code == 200

    client.post(reverse("purchasing:order_action", args=[order.pk, "place"]))
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED

    printed = client.get(reverse("purchasing:order_print", args=[order.pk])).content.decode()
    assert "贰仟伍佰元整" in printed and people.vendor.name in printed


def test_a_delivery_is_recorded_by_the_keeper_and_accepted_by_the_director(client, people):
    order = placed_order(people, quantity="100")
    line = order.lines.get()
    client.force_login(people.keeper)
    response = client.post(
        reverse("purchasing:order_receive", args=[order.pk]),
        {"received_on": "2026-03-02", f"qty-{line.pk}": "40", "invoice_number": "FP-001"},
    )
    receipt = order.receipts.get()
    assert response.status_code == 302 and response.url == receipt.get_absolute_url()

    client.force_login(people.director)
    page = client.get(receipt.get_absolute_url()).content.decode()
    assert "Accept the delivery" in page
    client.post(reverse("purchasing:receipt_action", args=[receipt.pk, "accept"]))

    receipt.refresh_from_db()
    assert receipt.status == ReceiptStatus.ACCEPTED
    assert ledger.on_hand(line.request_line.item, people.store) == Decimal("40")


def test_the_buyer_sees_no_accept_button_and_a_post_is_refused(client, people):
    order = placed_order(people)
    receipt = receiving.record_receipt(order, by=people.keeper, lines={order.lines.get(): 5})
    client.force_login(people.buyer)

    page = client.get(receipt.get_absolute_url()).content.decode()
    assert "Accept the delivery" not in page
    client.post(reverse("purchasing:receipt_action", args=[receipt.pk, "accept"]))
    receipt.refresh_from_db()
    assert receipt.status == ReceiptStatus.RECORDED


def test_another_schools_order_is_not_found(client, people, other_school):
    theirs = placed_order(make_people(other_school))
    client.force_login(people.director)
    assert client.get(theirs.get_absolute_url()).status_code == 404
    assert client.get(reverse("purchasing:order_receive", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("purchasing:order_action", args=[theirs.pk, "cancel"]))
    assert response.status_code == 404


def test_the_delivery_list_runs_a_bounded_number_of_queries(
    client, people, django_assert_max_num_queries
):
    for n in range(4):
        order = placed_order(people, quantity="10")
        receiving.record_receipt(order, by=people.keeper, lines={order.lines.get(): n + 1})
    client.force_login(people.director)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("purchasing:receipt_list"))
    assert response.status_code == 200


def test_the_waiting_delivery_is_on_the_checkers_to_do_list_not_the_buyers(people):
    from houqin.core import todo
    from houqin.core.scoping import access_for

    order = placed_order(people)
    receiving.record_receipt(order, by=people.keeper, lines={order.lines.get(): 5})

    def titles(user):
        return [
            i.title for i in todo.collect(access_for(user)) if i.source == "purchasing.receipts"
        ]

    assert len(titles(people.director)) == 1
    assert titles(people.buyer) == []


def test_the_invoice_scan_is_kept_on_the_deliverys_timeline(client, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from houqin.core.models import Attachment

    order = placed_order(people)
    line = order.lines.get()
    client.force_login(people.keeper)
    scan = SimpleUploadedFile("发票.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    client.post(
        reverse("purchasing:order_receive", args=[order.pk]),
        {"received_on": "2026-03-02", f"qty-{line.pk}": "10", "invoice_number": "FP-7",
         "invoice_amount": "250", "invoice_files": scan},
    )  # fmt: skip

    receipt = order.receipts.get()
    assert (receipt.invoice_number, receipt.invoice_amount) == ("FP-7", Decimal("250.00"))
    attachment = Attachment.objects.get()
    assert attachment.original_name == "发票.pdf" and attachment.entry.object_id == receipt.pk
    page = client.get(order.get_absolute_url()).content.decode()
    assert receipt.number in page


def test_the_buyer_changes_a_drafts_quantity_and_price(client, people):
    request = paper_request(people, quantity="100", price="25")
    (order,) = orders.create_orders(
        by=people.buyer, school=people.school, selections=[request.lines.get()]
    )
    line = order.lines.get()
    client.force_login(people.buyer)
    assert client.get(reverse("purchasing:order_edit", args=[order.pk])).status_code == 200

    response = client.post(
        reverse("purchasing:order_edit", args=[order.pk]),
        {f"qty-{line.pk}": "80", f"price-{line.pk}": "24.5", "funding_source": "财政拨款"},
    )

    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.total, order.funding_source) == (Decimal("1960.00"), "财政拨款")
