"""Many keepers at once on PostgreSQL: real threads, one connection each, row locks."""

import pytest

from houqin.core.testing import race
from houqin.factories import member
from houqin.stores import ledger
from houqin.stores.models import MoveKind, StockBalance, StockMove

from .catalogue_support import D, make_item, make_store, stock

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_fifty_parallel_issues_against_ten_in_stock_give_exactly_ten(school):
    keeper = member(school, "keeper", username="keeper")
    item, store = make_item(school, "A4复印纸", unit="包"), make_store(school)
    stock(item, store, 10, "23.50", by=keeper)

    outcomes = race(
        *[(lambda: ledger.issue(item=item, store=store, quantity=1, by=keeper)) for _ in range(50)]
    )

    issued = [o for o in outcomes if isinstance(o, StockMove)]
    refused = [o for o in outcomes if isinstance(o, ledger.InsufficientStock)]
    assert len(issued) == 10
    assert len(refused) == 40, [
        o for o in outcomes if not isinstance(o, StockMove | ledger.InsufficientStock)
    ]
    assert all("asked for" in str(r.message) for r in refused)
    assert StockMove.objects.filter(kind=MoveKind.ISSUE).count() == 10
    assert ledger.derived_balance(item, store) == (D(0), D(0))
    balance = StockBalance.objects.get(item=item, store=store)
    assert (balance.quantity, balance.value) == (D(0), D(0))


def test_multi_line_issues_in_opposite_orders_do_not_deadlock(school):
    keeper = member(school, "keeper", username="keeper")
    store = make_store(school)
    pens, glue = make_item(school, "签字笔"), make_item(school, "胶水")
    stock(pens, store, 40, "1.00", by=keeper)
    stock(glue, store, 40, "2.00", by=keeper)

    def forward():
        return ledger.issue_many(
            [ledger.Line(pens, store, 1), ledger.Line(glue, store, 1)], by=keeper
        )

    def backward():
        return ledger.issue_many(
            [ledger.Line(glue, store, 1), ledger.Line(pens, store, 1)], by=keeper
        )

    outcomes = race(*[forward if i % 2 else backward for i in range(16)])

    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert not errors, errors
    assert ledger.on_hand(pens) == D(24) and ledger.on_hand(glue) == D(24)
    assert ledger.derived_balance(pens, store) == (D(24), D("24.00"))
