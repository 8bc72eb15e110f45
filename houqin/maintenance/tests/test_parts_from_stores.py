"""Parts drawn from the stores when a repair is finished: through the ledger at the average
cost, refused (and the order left unfinished) when stock is short; free-text parts still work."""

from decimal import Decimal

import pytest
from django.urls import reverse

from houqin.core.errors import DomainError, PermissionDenied
from houqin.factories import DepartmentFactory, RoomFactory
from houqin.maintenance import parts as stock_parts
from houqin.maintenance import services
from houqin.maintenance.models import PartUsage, Status, WorkOrder
from houqin.stores import ledger
from houqin.stores.models import MoveKind, StockMove
from houqin.stores.parts import stock_key
from houqin.stores.tests.catalogue_support import make_item, make_store, stock

from .factories import make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(school, make_member):
    return make_member(school, "worker", username="worker", full_name="王师傅")


@pytest.fixture
def keeper(school, make_member):
    return make_member(school, "keeper", username="keeper")


@pytest.fixture
def tubes(school, keeper):
    """LED tubes in the main store: 4 at ¥15, then 4 at ¥18 → average ¥16.50."""
    item, store = (
        make_item(school, "LED灯管", unit="支", specification="T8 1.2米"),
        make_store(school),
    )
    stock(item, store, 4, "15", by=keeper)
    stock(item, store, 4, "18", by=keeper)
    return item, store


@pytest.fixture
def order(school, teacher, director, worker):
    department = DepartmentFactory(school=school, name="初一年级组")
    room = RoomFactory(floor__building__campus__school=school, department=department)
    order = make_order(school, teacher, room=room)
    services.assign(order, by=director, worker=worker)
    services.start(order, by=worker)
    return order


def test_worker_draws_a_part_from_stock_at_its_average_cost(order, worker, tubes):
    item, store = tubes
    services.finish(
        order, by=worker, parts=[{"stock": stock_key(item.pk, store.pk), "quantity": 3}]
    )
    assert WorkOrder.objects.get(pk=order.pk).status == Status.DONE
    part = PartUsage.objects.get(order=order)
    assert (part.item_id, part.quantity, part.unit, part.unit_cost) == (
        item.pk, Decimal("3"), "支", Decimal("16.50"),
    )  # fmt: skip
    assert part.name == "LED灯管 T8 1.2米" and part.total == Decimal("49.50")
    move = StockMove.objects.get(kind=MoveKind.WORK_ORDER)
    assert (move.quantity, move.amount, move.document_number) == (
        Decimal(-3), Decimal("-49.50"), order.number,
    )  # fmt: skip
    assert move.department.name == "初一年级组"  # the room's department, for consumption
    assert ledger.on_hand(item) == Decimal(5)


def test_short_stock_refuses_the_finish_and_takes_nothing(order, worker, tubes):
    item, store = tubes
    with pytest.raises(ledger.InsufficientStock, match="Only 8 支 of LED灯管 T8 1.2米"):
        services.finish(
            order, by=worker,
            parts=[{"name": "螺丝", "quantity": 4},
                   {"stock": stock_key(item.pk, store.pk), "quantity": 9}],
        )  # fmt: skip
    assert WorkOrder.objects.get(pk=order.pk).status == Status.IN_PROGRESS
    assert not PartUsage.objects.filter(order=order).exists()
    assert ledger.on_hand(item) == Decimal(8)


def test_free_text_and_stock_parts_together(order, worker, tubes):
    item, store = tubes
    services.finish(
        order, by=worker,
        parts=[{"name": "玻璃胶", "quantity": 1, "unit": "支", "unit_cost": "12"},
               {"stock": stock_key(item.pk, store.pk), "quantity": 1}],
    )  # fmt: skip
    parts = {p.name: p for p in PartUsage.objects.filter(order=order)}
    assert parts["玻璃胶"].item_id is None and parts["LED灯管 T8 1.2米"].item_id == item.pk


def test_another_schools_stock_cannot_be_drawn(order, worker, other_school, make_member):
    elsewhere_keeper = make_member(other_school, "keeper", username="k2")
    item, store = make_item(other_school, "别校灯管"), make_store(other_school)
    stock(item, store, 5, "10", by=elsewhere_keeper)
    with pytest.raises(DomainError, match="list of stock"):
        services.finish(order, by=worker, parts=[{"stock": stock_key(item.pk, store.pk)}])
    assert ledger.on_hand(item) == Decimal(5)


def test_someone_without_the_right_to_draw_cannot_take_stock(order, tubes, school, worker):
    item, store = tubes
    with pytest.raises(PermissionDenied):
        stock_parts.draw(order, [{"key": stock_key(item.pk, store.pk), "quantity": 1}], by=None)


def test_finish_form_offers_stock_on_hand_and_draws_it(client, order, worker, tubes):
    item, store = tubes
    client.force_login(worker)
    detail = client.get(reverse("maintenance:workorder_detail", args=[order.pk])).content.decode()
    assert "LED灯管 T8 1.2米 · 总务仓库 (8 支)" in detail
    response = client.post(
        reverse("maintenance:workorder_action", args=[order.pk, "finish"]),
        {"finish-labour_minutes": 20, "finish-outside_cost": "0",
         "finish-part_stock_0": stock_key(item.pk, store.pk), "finish-part_quantity_0": "2"},
    )  # fmt: skip
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Status.DONE and order.parts.get().item_id == item.pk
    assert ledger.on_hand(item) == Decimal(6)


def test_finish_page_shows_the_shortage_and_keeps_the_order_open(client, order, worker, tubes):
    item, store = tubes
    client.force_login(worker)
    response = client.post(
        reverse("maintenance:workorder_action", args=[order.pk, "finish"]),
        {"finish-labour_minutes": 20, "finish-outside_cost": "0",
         "finish-part_stock_0": stock_key(item.pk, store.pk), "finish-part_quantity_0": "20"},
        follow=True,
    )  # fmt: skip
    assert (
        "Only 8 支 of LED灯管 T8 1.2米 in 总务仓库; 20 支 asked for." in response.content.decode()
    )
    order.refresh_from_db()
    assert order.status == Status.IN_PROGRESS


def test_the_api_finishes_with_a_part_from_stock(order, worker, tubes):
    from rest_framework.test import APIClient

    item, store = tubes
    api = APIClient()
    api.force_authenticate(worker)
    url = reverse("api:maintenance:workorder-detail", args=[order.pk])
    response = api.post(
        f"{url}finish/",
        {"parts": [{"stock": stock_key(item.pk, store.pk), "quantity": "2"}]},
        format="json",
    )
    assert response.status_code == 200, response.content
    part = PartUsage.objects.get(order=order)
    assert (part.item_id, part.quantity, part.unit_cost) == (item.pk, 2, Decimal("16.50"))
    assert ledger.on_hand(item, store) == 6


def test_the_api_skips_a_part_line_with_neither_name_nor_stock(order, worker):
    """As the page does with a blank part row: the order is finished without it."""
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(worker)
    url = reverse("api:maintenance:workorder-detail", args=[order.pk])
    response = api.post(f"{url}finish/", {"parts": [{"quantity": "2"}]}, format="json")
    assert response.status_code == 200, response.content
    assert not PartUsage.objects.filter(order=order).exists()
    order.refresh_from_db()
    assert order.status == Status.DONE
