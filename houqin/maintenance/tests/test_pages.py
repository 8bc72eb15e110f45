"""Repair pages for logged-in people: report, list, detail with actions, my queue."""

import pytest
from django.urls import reverse

from houqin.core.testing import assert_query_baseline, count_queries, load_baseline
from houqin.factories import RoomFactory
from houqin.maintenance.models import Status, Urgency, WorkOrder

pytestmark = pytest.mark.django_db
BASELINE = load_baseline(__file__.rpartition("/")[0])
N = 4


def make_room(school, **kw):
    return RoomFactory(floor__building__campus__school=school, **kw)


def make_order(school, by, *, room=None, category=None, **kw):
    from houqin.maintenance import services

    category = category or services.ensure_categories(school)[0]
    return services.report(
        school=school,
        by=by,
        room=room or make_room(school),
        category=category,
        description=kw.pop("description", "坏了"),
        **kw,
    )


@pytest.fixture
def worker(school, make_member):
    return make_member(school, "worker", username="worker", full_name="王师傅")


def assigned(order, director, worker):
    from houqin.maintenance import services

    services.assign(order, by=director, worker=worker)
    order.refresh_from_db()
    return order


def test_staff_report_form_creates_an_order_for_the_requester(client, school, teacher):
    from houqin.maintenance import services

    category = services.ensure_categories(school)[2]
    room = make_room(school)
    client.force_login(teacher)
    assert client.get(reverse("maintenance:workorder_add")).status_code == 200

    response = client.post(
        reverse("maintenance:workorder_add"),
        {"room": room.pk, "category": category.pk, "description": "窗户关不上", "urgency": "urgent"},
    )

    order = WorkOrder.objects.get()
    assert response.status_code == 302
    assert order.requester == teacher and order.urgency == Urgency.URGENT
    assert order.source == "web"


def test_staff_report_refuses_a_room_of_another_school(client, school, other_school, teacher):
    from houqin.maintenance import services

    category = services.ensure_categories(school)[0]
    client.force_login(teacher)
    response = client.post(
        reverse("maintenance:workorder_add"),
        {"room": make_room(other_school).pk, "category": category.pk, "description": "x",
         "urgency": "normal"},
    )
    assert response.status_code == 200
    assert not WorkOrder.objects.exists()


def test_teacher_sees_only_own_reports_in_the_list(client, school, teacher, make_member):
    colleague = make_member(school, "staff", username="colleague")
    mine = make_order(school, teacher, description="我的")
    theirs = make_order(school, colleague, description="别人的")
    client.force_login(teacher)

    body = client.get(reverse("maintenance:workorder_list")).content.decode()

    assert mine.number in body
    assert theirs.number not in body


def test_list_filters_open_orders_and_searches_text(client, school, director, teacher):
    leak = make_order(school, teacher, description="卫生间漏水")
    other = make_order(school, teacher, description="椅子坏了")
    client.force_login(director)
    url = reverse("maintenance:workorder_list")

    body = client.get(url, {"q": "漏水", "open_only": "true"}).content.decode()

    assert leak.number in body and other.number not in body


def test_director_exports_the_list_to_excel(client, school, director, teacher):
    make_order(school, teacher)
    client.force_login(director)
    response = client.get(reverse("maintenance:workorder_list"), {"export": "xlsx"})
    assert response.status_code == 200
    assert "spreadsheet" in response["Content-Type"]


def test_detail_of_another_schools_order_is_404(client, school, other_school, director, make_member):
    stranger = make_member(other_school, "staff", username="stranger")
    order = make_order(other_school, stranger)
    client.force_login(director)
    url = reverse("maintenance:workorder_detail", args=[order.pk])
    assert client.get(url).status_code == 404
    action = reverse("maintenance:workorder_action", args=[order.pk, "cancel"])
    assert client.post(action, {"cancel-reason": "x"}).status_code == 404


def test_a_work_order_goes_from_report_to_rating_through_the_pages(
    client, school, director, teacher, worker
):
    order = make_order(school, teacher)

    def act(user, name, data=None):
        client.force_login(user)
        url = reverse("maintenance:workorder_action", args=[order.pk, name])
        response = client.post(url, {f"{name}-{k}": v for k, v in (data or {}).items()})
        assert response.status_code == 302
        order.refresh_from_db()

    client.force_login(director)
    detail = client.get(reverse("maintenance:workorder_detail", args=[order.pk])).content.decode()
    assert "action-assign" in detail

    act(director, "assign", {"worker": worker.pk})
    assert order.status == Status.ASSIGNED and order.assignee == worker
    act(worker, "start")
    assert order.status == Status.IN_PROGRESS
    act(
        worker,
        "finish",
        {"labour_minutes": 30, "part_name_0": "水龙头", "part_quantity_0": "1",
         "part_unit_0": "个", "part_unit_cost_0": "45.50", "outside_cost": "0"},
    )
    assert order.status == Status.DONE
    assert order.parts.get().name == "水龙头"
    act(teacher, "confirm", {"rating": 4, "comment": "好"})
    assert order.status == Status.CONFIRMED and order.rating == 4


def test_an_action_the_user_may_not_take_is_refused_with_a_message(client, school, teacher):
    order = make_order(school, teacher)
    client.force_login(teacher)
    url = reverse("maintenance:workorder_action", args=[order.pk, "assign"])

    response = client.post(url, follow=True)

    order.refresh_from_db()
    assert order.status == Status.SUBMITTED
    assert "not possible" in response.content.decode()


def test_hold_without_a_reason_is_refused(client, school, director, teacher, worker):
    from houqin.maintenance import services

    order = assigned(make_order(school, teacher), director, worker)
    services.start(order, by=worker)
    client.force_login(worker)
    url = reverse("maintenance:workorder_action", args=[order.pk, "hold"])
    client.post(url, {"hold-reason": ""})
    order.refresh_from_db()
    assert order.status == Status.IN_PROGRESS


def test_my_queue_lists_the_workers_open_orders_urgent_first(
    client, school, director, teacher, worker
):
    normal = assigned(make_order(school, teacher, description="一般"), director, worker)
    urgent = assigned(
        make_order(school, teacher, description="紧急", urgency="urgent"), director, worker
    )
    not_mine = make_order(school, teacher)
    client.force_login(worker)

    body = client.get(reverse("maintenance:my_queue")).content.decode()

    assert body.index(urgent.number) < body.index(normal.number)
    assert not_mine.number not in body


def test_work_order_list_has_a_baseline():
    assert "maintenance:workorder_list" in BASELINE


def test_list_page_queries_do_not_grow_with_rows(client, school, director, teacher, worker):
    def make():
        order = make_order(school, teacher)
        assigned(order, director, worker)

    for _ in range(N):
        make()
    client.force_login(director)
    url = reverse("maintenance:workorder_list")
    client.get(url)
    first = assert_query_baseline(client, url, "maintenance:workorder_list", BASELINE)
    for _ in range(2 * N):
        make()
    again, response = count_queries(client, url)
    assert response.status_code == 200
    assert again == first


def test_detail_leaves_out_rows_that_do_not_apply(client, school, teacher):
    order = make_order(school, teacher)
    client.force_login(teacher)
    page = client.get(reverse("maintenance:workorder_detail", args=[order.pk])).content.decode()
    assert "Signed by" not in page and "Maintenance plan" not in page and "Waiting for" not in page
    assert "Reported via" in page
