"""The moving-average cost, worked by hand, and a balance that always equals its ledger."""

import contextlib
import random

import pytest

from houqin.factories import member
from houqin.stores import ledger
from houqin.stores.models import MoveKind, StockBalance, StockMove

from .catalogue_support import D, make_item, make_store, stock

pytestmark = pytest.mark.django_db


@pytest.fixture
def keeper(school):
    return member(school, "keeper", username="keeper")


def balance_of(item, store):
    return StockBalance.objects.get(item=item, store=store)


def test_moving_average_matches_the_hand_computed_values(school, keeper):
    paper = make_item(school, "A4复印纸", unit="包")
    store = make_store(school)

    # 10 @ 2.00 → 10 on hand worth 20.00 (average 2.00)
    stock(paper, store, 10, "2.00", by=keeper)
    # + 5 @ 3.50 = 17.50 → 15 worth 37.50 (average 37.50 / 15 = 2.50)
    stock(paper, store, 5, "3.50", by=keeper)
    assert balance_of(paper, store).average_cost == D("2.5000")
    # − 4 at 2.50 = 10.00 → 11 worth 27.50
    out = ledger.issue(item=paper, store=store, quantity=4, by=keeper)
    assert (out.quantity, out.amount, out.unit_cost) == (D(-4), D("-10.00"), D("2.5000"))
    # + 9 @ 1.90 = 17.10 → 20 worth 44.60 (average 2.23)
    stock(paper, store, 9, "1.90", by=keeper)
    assert balance_of(paper, store).average_cost == D("2.2300")
    # − 3: 44.60 × 3 / 20 = 6.69 → 17 worth 37.91
    out = ledger.issue(item=paper, store=store, quantity=3, by=keeper)
    assert out.amount == D("-6.69")
    # − 7: 37.91 × 7 / 17 = 15.61 → 10 worth 22.30
    out = ledger.issue(item=paper, store=store, quantity=7, by=keeper)
    assert out.amount == D("-15.61")
    assert (out.balance_quantity, out.balance_value) == (D(10), D("22.30"))
    # − 10, the last units: they take everything left, 22.30
    out = ledger.issue(item=paper, store=store, quantity=10, by=keeper)
    assert out.amount == D("-22.30")
    balance = balance_of(paper, store)
    assert (balance.quantity, balance.value) == (D(0), D(0))


def test_last_unit_out_takes_the_rounding_residue(school, keeper):
    toner = make_item(school, "硒鼓", unit="个")
    store = make_store(school)
    # 3 @ 3.3333 = 9.9999 → 10.00
    stock(toner, store, 3, "3.3333", by=keeper)
    # 10.00 / 3 = 3.333… → 3.33; then 6.67 / 2 = 3.335 → 3.34 (half up); the last one 3.33
    amounts = [
        ledger.issue(item=toner, store=store, quantity=1, by=keeper).amount for _ in range(3)
    ]
    assert amounts == [D("-3.33"), D("-3.34"), D("-3.33")]
    assert sum(amounts) == D("-10.00")
    assert balance_of(toner, store).value == D(0)


def test_transfer_carries_the_average_cost_to_the_other_store(school, keeper):
    item = make_item(school, "拖把")
    main, print_room = make_store(school), make_store(school, "文印室")
    stock(item, main, 4, "12.50", by=keeper)
    out, into = ledger.transfer(
        item=item, from_store=main, to_store=print_room, quantity=1, by=keeper
    )
    assert (out.kind, out.quantity, out.amount) == (MoveKind.TRANSFER_OUT, D(-1), D("-12.50"))
    assert (into.kind, into.quantity, into.amount) == (MoveKind.TRANSFER_IN, D(1), D("12.50"))
    assert ledger.on_hand(item) == D(4)
    assert ledger.on_hand(item, print_room) == D(1)


def test_count_adjustment_values_gains_at_the_average_and_losses_leave_at_it(school, keeper):
    item = make_item(school, "垃圾袋", unit="卷")
    store = make_store(school)
    stock(item, store, 10, "1.20", by=keeper)
    gain = ledger.adjust(item=item, store=store, counted=12, by=keeper)
    assert (gain.quantity, gain.amount) == (D(2), D("2.40"))
    loss = ledger.adjust(item=item, store=store, counted=9, by=keeper)
    assert (loss.quantity, loss.amount) == (D(-3), D("-3.60"))
    assert ledger.adjust(item=item, store=store, counted=9, by=keeper) is None


def test_balance_always_equals_the_sum_of_its_ledger(school, keeper):
    chooser = random.Random(5)
    items = [make_item(school, f"物品{i}") for i in range(3)]
    stores = [make_store(school), make_store(school, "文印室")]
    for _step in range(120):
        item, store = chooser.choice(items), chooser.choice(stores)
        action = chooser.random()
        if action < 0.45:
            price = D(chooser.randint(100, 9999)) / 100
            stock(item, store, chooser.randint(1, 20), price, by=keeper)
        elif action < 0.85:
            with contextlib.suppress(ledger.InsufficientStock):
                ledger.issue(item=item, store=store, quantity=chooser.randint(1, 8), by=keeper)
        else:
            ledger.adjust(item=item, store=store, counted=chooser.randint(0, 15), by=keeper)
    for balance in StockBalance.objects.filter(school=school):
        assert ledger.derived_balance(balance.item, balance.store) == (
            balance.quantity,
            balance.value,
        )
        last = StockMove.objects.filter(item=balance.item, store=balance.store).first()
        assert (last.balance_quantity, last.balance_value) == (balance.quantity, balance.value)
        assert balance.value >= 0 and balance.quantity >= 0
