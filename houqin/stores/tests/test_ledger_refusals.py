"""What the ledger refuses, with a clear message, writing nothing."""

import pytest

from houqin.core.errors import DomainError
from houqin.factories import member
from houqin.stores import ledger
from houqin.stores.models import StockBalance, StockMove

from .catalogue_support import D, make_item, make_store, stock

pytestmark = pytest.mark.django_db


@pytest.fixture
def keeper(school):
    return member(school, "keeper", username="keeper")


@pytest.fixture
def pens(school, keeper):
    item, store = make_item(school, "签字笔"), make_store(school)
    stock(item, store, 5, "1.50", by=keeper)
    return item, store


@pytest.mark.parametrize("quantity", [0, -1, "abc", "", None, "NaN", "Infinity"])
def test_keeper_cannot_issue_a_zero_negative_or_garbage_quantity(pens, keeper, quantity):
    item, store = pens
    with pytest.raises(DomainError):
        ledger.issue(item=item, store=store, quantity=quantity, by=keeper)
    assert StockMove.objects.count() == 1


@pytest.mark.parametrize("quantity", [0, -3, "lots"])
def test_keeper_cannot_receive_a_zero_negative_or_garbage_quantity(pens, keeper, quantity):
    item, store = pens
    with pytest.raises(DomainError):
        stock(item, store, quantity, "1.00", by=keeper)
    assert StockMove.objects.count() == 1


def test_keeper_cannot_receive_at_a_negative_price(pens, keeper):
    item, store = pens
    with pytest.raises(DomainError, match="cannot be negative"):
        stock(item, store, 1, "-0.01", by=keeper)


def test_keeper_cannot_issue_more_than_on_hand(pens, keeper):
    item, store = pens
    with pytest.raises(ledger.InsufficientStock) as refused:
        ledger.issue(item=item, store=store, quantity=6, by=keeper)
    assert "Only 5 支 of 签字笔 in 总务仓库; 6 支 asked for." in str(refused.value.message)
    balance = StockBalance.objects.get(item=item, store=store)
    assert (balance.quantity, balance.value) == (D(5), D("7.50"))
    assert StockMove.objects.count() == 1


def test_issue_many_is_all_or_nothing(school, pens, keeper):
    item, store = pens
    glue = make_item(school, "胶水")
    stock(glue, store, 1, "3.00", by=keeper)
    lines = [
        ledger.Line(item, store, D(2)),
        ledger.Line(glue, store, D(1)),
        ledger.Line(item, store, D(4)),
    ]
    with pytest.raises(ledger.InsufficientStock):
        ledger.issue_many(lines, by=keeper)  # 2 + 4 pens asked, 5 on hand
    assert ledger.on_hand(item) == D(5) and ledger.on_hand(glue) == D(1)


def test_nothing_moves_between_a_school_and_another_schools_store(
    school, other_school, pens, keeper
):
    item, _store = pens
    elsewhere = make_store(other_school)
    with pytest.raises(DomainError, match="different schools"):
        stock(item, elsewhere, 1, "1.00", by=keeper)
    with pytest.raises(DomainError, match="different schools"):
        ledger.issue(item=item, store=elsewhere, quantity=1, by=keeper)
    assert not StockBalance.objects.filter(store=elsewhere).exists()


def test_transfer_to_the_same_store_is_refused(pens, keeper):
    item, store = pens
    with pytest.raises(DomainError, match="different store"):
        ledger.transfer(item=item, from_store=store, to_store=store, quantity=1, by=keeper)
