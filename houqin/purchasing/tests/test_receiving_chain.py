"""Request → order → delivery → acceptance check → stock or asset cards, partial deliveries
included; and every refusal of receiving."""

from decimal import Decimal

import pytest

from houqin.assets.models import Asset, AssetKind
from houqin.core.errors import DomainError, IllegalTransition, PermissionDenied
from houqin.purchasing import services_orders as orders
from houqin.purchasing import services_receiving as receiving
from houqin.purchasing.models import (
    LineKind,
    OrderStatus,
    ReceiptStatus,
    RequestStatus,
)
from houqin.stores import ledger
from houqin.stores.models import Item, StockBalance, StockMove

from .orders_support import approved_request, asset_category, make_item, make_people

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(school):
    return make_people(school)


def placed(people, request):
    made = orders.create_orders(
        by=people.buyer,
        school=people.school,
        selections=[
            orders.Selection(line, vendor=people.vendor) for line in request.lines.order_by("pk")
        ],
    )
    for order in made:
        orders.place(order, by=people.buyer)
    return made


def test_two_deliveries_fill_stock_at_the_order_prices_with_the_moving_average(people):
    paper = make_item(people)
    # An earlier receipt at ¥20 sits in stock: 50 packs, ¥1,000.
    ledger.receive(item=paper, store=people.store, quantity=50, unit_cost=20, by=people.keeper)
    request = approved_request(
        people, {"item": paper, "description": "复印纸", "quantity": 100, "estimated_price": 26}
    )
    (order,) = placed(people, request)
    order_line = order.lines.get()

    first = receiving.record_receipt(order, by=people.keeper, lines={order_line: 60})
    receiving.accept(first, by=people.director)

    order.refresh_from_db()
    request.refresh_from_db()
    assert order.status == OrderStatus.PARTLY_RECEIVED
    assert request.status == RequestStatus.PARTLY_RECEIVED
    balance = StockBalance.objects.get(item=paper, store=people.store)
    # 50 × 20 + 60 × 26 = 2,560 for 110 packs: average 23.2727
    assert (balance.quantity, balance.value) == (Decimal("110"), Decimal("2560.00"))
    assert balance.average_cost == Decimal("23.2727")

    ledger.issue(item=paper, store=people.store, quantity=10, by=people.keeper)
    second = receiving.record_receipt(order, by=people.keeper, lines={order_line: 40})
    receiving.accept(second, by=people.director)

    order.refresh_from_db()
    request.refresh_from_db()
    balance.refresh_from_db()
    assert order.status == OrderStatus.RECEIVED
    assert request.status == RequestStatus.RECEIVED
    # The issue took 10 × 2560/110 = 232.73; then 40 × 26 = 1,040 came in.
    assert balance.quantity == Decimal("140")
    assert balance.value == Decimal("2560.00") - Decimal("232.73") + Decimal("1040.00")
    assert ledger.derived_balance(paper, people.store) == (balance.quantity, balance.value)
    first.refresh_from_db()
    move = first.lines.get().stock_move
    assert (move.quantity, move.unit_cost, move.document_number) == (
        Decimal("60"),
        Decimal("26"),
        first.number,
    )
    assert request.lines.get().received_quantity == Decimal("100")


def test_computers_become_one_fixed_asset_card_each(people):
    computers = asset_category(people)
    request = approved_request(
        people,
        {"description": "台式计算机", "specification": "i5/16G", "quantity": 3, "unit": "台",
         "estimated_price": 4800, "kind": LineKind.ASSET, "asset_category": computers},
    )  # fmt: skip
    (order,) = placed(people, request)
    receipt = receiving.record_receipt(
        order,
        by=people.keeper,
        lines={order.lines.get(): 3},
        invoice_number="No.0012345",
    )

    receiving.accept(receipt, by=people.director)

    cards = Asset.objects.filter(pk__in=receipt.lines.get().asset_ids).order_by("number")
    assert cards.count() == 3
    card = cards[0]
    assert card.kind == AssetKind.FIXED
    assert (card.quantity, card.unit_price, card.total_value) == (1, 4800, 4800)
    assert card.supplier == people.vendor.name and card.invoice_number == "No.0012345"
    assert card.department == people.department
    assert order.number in card.notes and request.number in card.notes
    assert not StockMove.objects.exists()


def test_cheap_chairs_become_one_low_value_batch_card(people):
    chairs = asset_category(people, code="A06", name="椅凳")
    request = approved_request(
        people,
        {"description": "折叠椅", "quantity": 20, "unit": "把", "estimated_price": 120,
         "kind": LineKind.ASSET, "asset_category": chairs},
    )  # fmt: skip
    (order,) = placed(people, request)
    receipt = receiving.record_receipt(order, by=people.keeper, lines={order.lines.get(): 20})

    receiving.accept(receipt, by=people.director)

    (card,) = Asset.objects.filter(pk__in=receipt.lines.get().asset_ids)
    assert card.kind == AssetKind.LOW_VALUE
    assert (card.quantity, card.total_value) == (20, Decimal("2400.00"))


def test_desks_of_a_batch_style_category_are_one_fixed_card(people):
    desks = asset_category(people, code="A0601", name="课桌椅", rule="always_fixed")
    request = approved_request(
        people,
        {"description": "学生课桌椅", "quantity": 45, "unit": "套", "estimated_price": 300,
         "kind": LineKind.ASSET, "asset_category": desks},
    )  # fmt: skip
    (order,) = placed(people, request)
    receipt = receiving.record_receipt(order, by=people.keeper, lines={order.lines.get(): 45})
    receiving.accept(receipt, by=people.director)

    (card,) = Asset.objects.filter(pk__in=receipt.lines.get().asset_ids)
    assert card.kind == AssetKind.FIXED and card.quantity == 45


def test_a_free_text_stock_line_gets_a_catalogue_item(people):
    request = approved_request(
        people,
        {"description": "白板笔", "specification": "黑色", "quantity": 12, "unit": "盒",
         "estimated_price": 15},
    )  # fmt: skip
    line = request.lines.get()
    (order,) = orders.create_orders(
        by=people.buyer,
        school=people.school,
        selections=[orders.Selection(line, vendor=people.vendor)],
    )
    orders.place(order, by=people.buyer)
    receipt = receiving.record_receipt(order, by=people.keeper, lines={order.lines.get(): 12})

    receiving.accept(receipt, by=people.director)

    item = Item.objects.get(name="白板笔", specification="黑色")
    assert ledger.on_hand(item, people.store) == Decimal("12")
    line.refresh_from_db()
    assert line.item == item


def test_a_service_line_is_received_without_stock_or_cards(people):
    request = approved_request(
        people,
        {"description": "空调清洗", "quantity": 1, "unit": "次", "estimated_price": 800,
         "kind": LineKind.SERVICE},
    )  # fmt: skip
    line = request.lines.get()
    (order,) = orders.create_orders(
        by=people.buyer,
        school=people.school,
        selections=[orders.Selection(line, vendor=people.vendor)],
    )
    orders.place(order, by=people.buyer)
    receipt = receiving.record_receipt(order, by=people.keeper, lines={order.lines.get(): 1})
    receiving.accept(receipt, by=people.director)

    request.refresh_from_db()
    assert request.status == RequestStatus.RECEIVED
    assert not StockMove.objects.exists() and not Asset.objects.exists()


# ---------------------------------------------------------------- refusals


def test_the_buyer_cannot_check_their_own_orders_delivery(people):
    request = approved_request(
        people,
        {"item": make_item(people), "description": "复印纸", "quantity": 10, "estimated_price": 25},
    )
    (order,) = placed(people, request)
    receipt = receiving.record_receipt(order, by=people.buyer, lines={order.lines.get(): 10})

    with pytest.raises(PermissionDenied, match="buyer of the order cannot check"):
        receiving.accept(receipt, by=people.buyer)
    receipt.refresh_from_db()
    assert receipt.status == ReceiptStatus.RECORDED
    assert not StockMove.objects.exists()


def test_more_than_ordered_cannot_be_received_counting_deliveries_waiting_for_a_check(people):
    request = approved_request(
        people,
        {"item": make_item(people), "description": "复印纸", "quantity": 10, "estimated_price": 25},
    )
    (order,) = placed(people, request)
    order_line = order.lines.get()

    with pytest.raises(DomainError, match="only 10 包 are left to receive"):
        receiving.record_receipt(order, by=people.keeper, lines={order_line: 11})
    receiving.record_receipt(order, by=people.keeper, lines={order_line: 7})
    with pytest.raises(DomainError, match="only 3 包 are left to receive"):
        receiving.record_receipt(order, by=people.keeper, lines={order_line: 4})


def test_a_draft_order_cannot_receive_deliveries(people):
    request = approved_request(
        people,
        {"item": make_item(people), "description": "复印纸", "quantity": 10, "estimated_price": 25},
    )
    (order,) = orders.create_orders(
        by=people.buyer, school=people.school, selections=[request.lines.get()]
    )
    with pytest.raises(IllegalTransition, match="placed order"):
        receiving.record_receipt(order, by=people.keeper, lines={order.lines.get(): 1})


def test_an_accepted_delivery_cannot_be_accepted_again(people):
    request = approved_request(
        people,
        {"item": make_item(people), "description": "复印纸", "quantity": 10, "estimated_price": 25},
    )
    (order,) = placed(people, request)
    receipt = receiving.record_receipt(order, by=people.keeper, lines={order.lines.get(): 5})
    receiving.accept(receipt, by=people.director)
    with pytest.raises(IllegalTransition):
        receiving.accept(receipt, by=people.director)
    assert StockMove.objects.count() == 1


def test_a_refused_delivery_writes_nothing_and_leaves_the_quantity_open(people):
    request = approved_request(
        people,
        {"item": make_item(people), "description": "复印纸", "quantity": 10, "estimated_price": 25},
    )
    (order,) = placed(people, request)
    order_line = order.lines.get()
    receipt = receiving.record_receipt(order, by=people.keeper, lines={order_line: 10})

    with pytest.raises(DomainError, match="reason"):
        receiving.refuse(receipt, by=people.director, reason="")
    receiving.refuse(receipt, by=people.director, reason="包装破损受潮")

    receipt.refresh_from_db()
    assert receipt.status == ReceiptStatus.REFUSED and receipt.check_note == "包装破损受潮"
    assert not StockMove.objects.exists()
    again = receiving.record_receipt(order, by=people.keeper, lines={order_line: 10})
    assert again.status == ReceiptStatus.RECORDED


def test_an_order_with_a_waiting_delivery_cannot_be_cancelled(people):
    request = approved_request(
        people,
        {"item": make_item(people), "description": "复印纸", "quantity": 10, "estimated_price": 25},
    )
    (order,) = placed(people, request)
    receiving.record_receipt(order, by=people.keeper, lines={order.lines.get(): 2})
    with pytest.raises(IllegalTransition, match="cannot be cancelled"):
        orders.cancel(order, by=people.buyer, reason="不要了")


def test_another_schools_member_cannot_record_or_check_a_delivery(people, other_school):
    theirs = make_people(other_school)
    request = approved_request(
        people,
        {"item": make_item(people), "description": "复印纸", "quantity": 10, "estimated_price": 25},
    )
    (order,) = placed(people, request)
    with pytest.raises(PermissionDenied):
        receiving.record_receipt(order, by=theirs.keeper, lines={order.lines.get(): 1})
    receipt = receiving.record_receipt(order, by=people.keeper, lines={order.lines.get(): 1})
    with pytest.raises(PermissionDenied):
        receiving.accept(receipt, by=theirs.director)


def test_the_keeper_cannot_accept_assets_onto_the_register(people):
    computers = asset_category(people)
    request = approved_request(
        people,
        {"description": "投影仪", "quantity": 1, "unit": "台", "estimated_price": 3000,
         "kind": LineKind.ASSET, "asset_category": computers},
    )  # fmt: skip
    (order,) = placed(people, request)
    receipt = receiving.record_receipt(order, by=people.keeper, lines={order.lines.get(): 1})
    with pytest.raises(PermissionDenied, match="asset register"):
        receiving.accept(receipt, by=people.keeper)
    assert not Asset.objects.exists()
