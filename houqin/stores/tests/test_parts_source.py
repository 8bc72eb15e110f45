"""The stores as the repairs' stock source: what a worker may pick."""

import pytest

from houqin.factories import member
from houqin.maintenance import parts as maintenance_parts
from houqin.stores import ledger
from houqin.stores.parts import StoresStockSource, stock_key

from .catalogue_support import make_item, make_store, stock

pytestmark = pytest.mark.django_db


def test_the_stores_are_registered_as_the_repairs_stock_source():
    assert isinstance(maintenance_parts.stock_source(), StoresStockSource)


def test_worker_picks_only_items_on_hand_in_active_stores_of_the_school(school, other_school):
    keeper = member(school, "keeper", username="keeper")
    main, closed = make_store(school), make_store(school, "旧仓库", is_active=False)
    tube, tap, gone = (
        make_item(school, "灯管"),
        make_item(school, "水龙头"),
        make_item(school, "空"),
    )
    stock(tube, main, 3, "15", by=keeper)
    stock(tap, closed, 2, "40", by=keeper)
    stock(gone, main, 1, "5", by=keeper)
    ledger.issue(item=gone, store=main, quantity=1, by=keeper)
    elsewhere = member(other_school, "keeper", username="k2")
    stock(make_item(other_school, "别校灯管"), make_store(other_school), 9, "1", by=elsewhere)

    choices = maintenance_parts.stock_choices(school.pk)

    assert [key for key, _label in choices] == [stock_key(tube.pk, main.pk)]
    assert choices[0][1].endswith("灯管 · 总务仓库 (3 支)")
