"""The repairs API: scoped lists, reporting and actions through the services."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from houqin.core.testing import assert_query_baseline, count_queries, load_baseline
from houqin.maintenance.models import Source, Status, WorkOrder
from houqin.maintenance.tests.test_pages import make_order, make_room

pytestmark = [pytest.mark.django_db]
BASELINE = load_baseline(__file__.rpartition("/")[0])

LIST = "api:maintenance:workorder-list"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def worker(school, make_member):
    return make_member(school, "worker", username="worker")


def test_teacher_lists_only_own_orders(api, school, teacher, make_member):
    mine = make_order(school, teacher)
    make_order(school, make_member(school, "staff", username="other"))
    api.force_authenticate(teacher)
    rows = api.get(reverse(LIST)).json()
    rows = rows.get("results", rows) if isinstance(rows, dict) else rows
    assert [r["number"] for r in rows] == [mine.number]


def test_report_through_the_api(api, school, teacher):
    from houqin.maintenance import services

    category = services.ensure_categories(school)[0]
    room = make_room(school)
    api.force_authenticate(teacher)
    response = api.post(
        reverse(LIST),
        {"category": category.pk, "room": room.pk, "description": "投影仪不亮"},
        format="json",
    )
    assert response.status_code == 201, response.content
    order = WorkOrder.objects.get()
    assert order.source == Source.API and order.requester == teacher


def test_another_schools_order_is_404(api, school, other_school, director, make_member):
    order = make_order(other_school, make_member(other_school, "staff", username="x"))
    api.force_authenticate(director)
    url = reverse("api:maintenance:workorder-detail", args=[order.pk])
    assert api.get(url).status_code == 404
    assert api.post(f"{url}cancel/", {"reason": "x"}, format="json").status_code == 404


def test_actions_through_the_api(api, school, director, teacher, worker):
    order = make_order(school, teacher)
    url = reverse("api:maintenance:workorder-detail", args=[order.pk])

    api.force_authenticate(teacher)
    refused = api.post(f"{url}assign/", {"worker": worker.pk}, format="json")
    assert refused.status_code in (403, 409)

    api.force_authenticate(director)
    assert api.post(f"{url}assign/", {"worker": worker.pk}, format="json").status_code == 200
    api.force_authenticate(worker)
    assert api.post(f"{url}start/", {}, format="json").status_code == 200
    finish = {"labour_minutes": 20, "parts": [{"name": "灯管", "quantity": "2", "unit_cost": "12"}]}
    response = api.post(f"{url}finish/", finish, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["parts"][0]["name"] == "灯管"
    api.force_authenticate(teacher)
    assert api.post(f"{url}confirm/", {"rating": 5}, format="json").status_code == 200
    order.refresh_from_db()
    assert order.status == Status.CONFIRMED


def test_assigning_a_worker_of_another_school_is_refused_clearly(
    api, school, other_school, director, teacher, make_member
):
    order = make_order(school, teacher)
    outsider = make_member(other_school, "worker", username="outsider")
    api.force_authenticate(director)
    url = reverse("api:maintenance:workorder-detail", args=[order.pk])
    response = api.post(f"{url}assign/", {"worker": outsider.pk}, format="json")
    assert response.status_code == 400
    assert response.json()["worker"] == ["No such worker in this school."]
    order.refresh_from_db()
    assert order.status == Status.SUBMITTED and order.assignee is None


def test_categories_are_read_only(api, school, teacher):
    from houqin.maintenance import services

    services.ensure_categories(school)
    api.force_authenticate(teacher)
    url = reverse("api:maintenance:category-list")
    assert api.get(url).status_code == 200
    assert api.post(url, {"code": "x", "name": "x"}, format="json").status_code == 405


def test_api_list_queries_do_not_grow_with_rows(api, school, director, teacher, worker):
    from houqin.maintenance import services

    def make():
        services.assign(make_order(school, teacher), by=director, worker=worker)

    for _ in range(4):
        make()
    api.force_authenticate(director)
    url = reverse(LIST)
    api.get(url)
    first = assert_query_baseline(api, url, LIST, BASELINE)
    for _ in range(8):
        make()
    again, response = count_queries(api, url)
    assert response.status_code == 200 and again == first
