"""Whoever asked for a purchase follows it: the request's page lists its orders and deliveries,
and the requester (and their department head) may open them; other staff may not."""

import pytest
from django.urls import reverse

from houqin import factories as f
from houqin.purchasing import services_orders as orders
from houqin.purchasing import services_receiving as receiving

from .orders_support import make_people, paper_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def ordered(school):
    people = make_people(school)
    request = paper_request(people)
    (order,) = orders.create_orders(
        by=people.buyer, school=school, selections=[request.lines.get()]
    )
    order = orders.place(order, by=people.buyer)
    receipt = receiving.record_receipt(order, by=people.keeper, lines={order.lines.get(): 40})
    return people, request, order, receipt


def test_requester_sees_the_order_and_delivery_of_their_request(client, ordered):
    people, request, order, receipt = ordered
    client.force_login(people.teacher)

    page = client.get(request.get_absolute_url()).content.decode()

    assert "Orders and deliveries" in page
    assert order.number in page and receipt.number in page
    assert client.get(order.get_absolute_url()).status_code == 200
    assert client.get(receipt.get_absolute_url()).status_code == 200


def test_department_head_sees_the_orders_of_their_departments_requests(client, ordered, school):
    people, request, order, _receipt = ordered
    head = f.member(school, "dept_head", department=people.department, username="head")
    people.department.head = head
    people.department.save()
    client.force_login(head)

    assert client.get(order.get_absolute_url()).status_code == 200


def test_other_staff_cannot_open_someone_elses_order(client, ordered, school):
    people, request, order, receipt = ordered
    other = f.member(school, "staff", username="someone-else")
    client.force_login(other)

    assert client.get(order.get_absolute_url()).status_code == 404
    assert client.get(receipt.get_absolute_url()).status_code == 404
    response = client.get(reverse("purchasing:order_list"))
    assert order.number not in response.content.decode()
