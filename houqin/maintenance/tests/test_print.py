"""Printing: the work-order slip and the sheets of room QR labels."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from houqin.factories import BuildingFactory, FloorFactory, RoomFactory
from houqin.maintenance import views_print
from houqin.maintenance.models import PartUsage
from houqin.org.models import RoomType

from .factories import make_order

pytestmark = pytest.mark.django_db

POSTERS = reverse("maintenance:room_posters")


def slip_url(order, **query):
    url = reverse("maintenance:workorder_print", args=[order.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def order(school, teacher):
    room = RoomFactory(
        floor__building__campus__school=school,
        floor__building__name="实验楼",
        number="301",
        name="化学实验室",
    )
    order = make_order(school, teacher, room=room, description="水龙头漏水", urgency="urgent")
    PartUsage.objects.create(
        school=school,
        order=order,
        name="水龙头阀芯",
        quantity=Decimal("2"),
        unit="个",
        unit_cost=Decimal("15.50"),
        recorded_by=teacher,
    )
    order.checklist = [{"item": "关闭总阀", "done": True, "note": "已关"}]
    order.save(update_fields=["checklist"])
    return order


# ---------------------------------------------------------------- slip


def test_slip_shows_the_order_with_its_parts_and_a_qr_of_its_page(
    client, director, order, monkeypatch
):
    made_for = []
    real = views_print.qr_svg

    def spy(url, **kwargs):
        made_for.append(url)
        return real(url, **kwargs)

    monkeypatch.setattr(views_print, "qr_svg", spy)
    client.force_login(director)

    response = client.get(slip_url(order))

    assert response.status_code == 200
    html = response.content.decode()
    detail = f"http://testserver{reverse('maintenance:workorder_detail', args=[order.pk])}"
    assert made_for == [detail]
    assert f'data-qr-url="{detail}"' in html
    assert re.search(r'data-qr-url="[^"]+">\s*<svg', html)
    assert order.number in html and order.number.startswith("WX")
    assert "实验楼 301 化学实验室" in html
    assert "水龙头漏水" in html
    assert "水龙头阀芯" in html and "31.00" in html  # 2 × 15.50
    assert "关闭总阀" in html and "is-done" in html
    assert "宁波市甲中学" in html
    assert "Repaired by" in html and "Requester's confirmation" in html
    assert html.count('class="slip"') == 1


def test_slip_is_printed_twice_on_one_sheet_when_asked(client, director, order):
    client.force_login(director)
    html = client.get(slip_url(order, copies=2)).content.decode()
    assert html.count('class="slip"') == 2
    assert "File copy" in html


def test_the_requester_may_print_the_slip_of_their_report(client, teacher, order):
    client.force_login(teacher)
    assert client.get(slip_url(order)).status_code == 200


def test_order_detail_page_links_to_the_slip(client, director, order):
    client.force_login(director)
    page = client.get(reverse("maintenance:workorder_detail", args=[order.pk]))
    assert slip_url(order) in page.content.decode()


def test_slip_of_another_schools_order_is_not_found(client, order, other_school, make_member):
    outsider = make_member(other_school, "director", username="outsider")
    client.force_login(outsider)
    assert client.get(slip_url(order)).status_code == 404


def test_teacher_who_did_not_report_the_order_cannot_print_it(client, school, order, make_member):
    colleague = make_member(school, "staff", username="colleague")
    client.force_login(colleague)
    assert client.get(slip_url(order)).status_code == 404


# ---------------------------------------------------------------- posters


def rooms_in(building, count, floor_number=1, **kw):
    floor = FloorFactory(building=building, number=floor_number)
    return [RoomFactory(floor=floor, **kw) for _ in range(count)]


def labels(html):
    return re.findall(r'data-qr-url="([^"]+)"', html)


def test_poster_form_is_shown_first(client, director):
    client.force_login(director)
    response = client.get(POSTERS)
    assert response.status_code == 200
    assert 'name="building"' in response.content.decode()
    assert not labels(response.content.decode())


def test_posters_for_a_building_list_exactly_its_rooms_each_with_its_own_report_url(
    client, school, director
):
    building = BuildingFactory(campus__school=school, name="教学楼")
    other_building = BuildingFactory(campus__school=school, name="行政楼")
    rooms = rooms_in(building, 3)
    rooms_in(other_building, 2)
    RoomFactory(floor=rooms[0].floor, is_active=False)  # out of use: no label
    client.force_login(director)

    response = client.get(POSTERS, {"building": building.pk, "size": "a4-2x4"})

    assert response.status_code == 200
    html = response.content.decode()
    assert sorted(labels(html)) == sorted(f"http://testserver/r/{r.qr_token}/" for r in rooms)
    assert html.count("<svg") == 3
    assert "教学楼" in html and "行政楼" not in html
    assert "Scan to report a repair" in html
    assert "宁波市甲中学" in html


def test_posters_filter_by_floor_and_room_type(client, school, director):
    building = BuildingFactory(campus__school=school)
    offices = rooms_in(building, 2, floor_number=2, room_type=RoomType.OFFICE)
    rooms_in(building, 2, floor_number=3, room_type=RoomType.OFFICE)
    RoomFactory(floor=offices[0].floor, room_type=RoomType.CLASSROOM)
    client.force_login(director)

    response = client.get(
        POSTERS, {"building": building.pk, "floor": 2, "room_type": "office", "size": "a4-3x8"}
    )

    assert sorted(labels(response.content.decode())) == sorted(
        f"http://testserver/r/{r.qr_token}/" for r in offices
    )


def test_all_rooms_of_the_school_and_none_of_another(client, school, other_school, director):
    ours = rooms_in(BuildingFactory(campus__school=school), 2)
    rooms_in(BuildingFactory(campus__school=other_school), 2)
    client.force_login(director)
    response = client.get(POSTERS, {"building": "", "size": "a4-1"})
    assert sorted(labels(response.content.decode())) == sorted(
        f"http://testserver/r/{r.qr_token}/" for r in ours
    )


@pytest.mark.parametrize(
    ("size", "css", "sheets"),
    [("a4-2x4", "labels-2x4", 2), ("a4-3x8", "labels-3x8", 1), ("a4-1", "labels-1", 9)],
)
def test_label_size_sets_the_sheet_layout(client, school, director, size, css, sheets):
    rooms_in(BuildingFactory(campus__school=school), 9)
    client.force_login(director)
    html = client.get(POSTERS, {"size": size}).content.decode()
    assert len(re.findall(rf'class="sheet sheet-labels {css}\b', html)) == sheets
    assert len(labels(html)) == 9


def test_another_schools_building_is_refused(client, school, other_school, director):
    theirs = BuildingFactory(campus__school=other_school)
    rooms_in(theirs, 2)
    client.force_login(director)
    response = client.get(POSTERS, {"building": theirs.pk, "size": "a4-2x4"})
    assert response.status_code == 200
    assert not labels(response.content.decode())
    assert response.context["form"].errors["building"]


def test_too_many_rooms_are_refused_with_a_message(client, school, director, monkeypatch):
    monkeypatch.setattr(views_print, "MAX_LABELS", 3)
    rooms_in(BuildingFactory(campus__school=school), 4)
    client.force_login(director)

    response = client.get(POSTERS, {"size": "a4-3x8"})

    html = response.content.decode()
    assert response.status_code == 200
    assert not labels(html)
    assert "These choices give 4 rooms; one print takes at most 3 labels." in html


def test_no_matching_room_is_said(client, school, director):
    client.force_login(director)
    response = client.get(POSTERS, {"size": "a4-3x8", "room_type": "canteen"})
    assert "No room in use matches these choices." in response.content.decode()


def test_a_clerk_may_print_posters_and_a_teacher_may_not(client, school, teacher, make_member):
    client.force_login(teacher)
    assert client.get(POSTERS).status_code == 403
    assert client.get(POSTERS, {"size": "a4-2x4"}).status_code == 403
    client.force_login(make_member(school, "clerk", username="clerk"))
    assert client.get(POSTERS).status_code == 200


def test_poster_queries_do_not_grow_with_the_rooms(client, school, director):
    building = BuildingFactory(campus__school=school)
    rooms_in(building, 5, floor_number=1)
    client.force_login(director)
    query = {"size": "a4-3x8"}
    client.get(POSTERS, query)  # warm the session and caches

    with CaptureQueriesContext(connection) as few:
        client.get(POSTERS, query)
    for number in range(2, 7):
        rooms_in(building, 19, floor_number=number)
    with CaptureQueriesContext(connection) as many:
        response = client.get(POSTERS, query)

    assert len(labels(response.content.decode())) == 100
    assert len(many.captured_queries) == len(few.captured_queries) <= 8


def test_back_from_the_labels_returns_to_the_form_with_the_same_choices(client, school, director):
    building = BuildingFactory(campus__school=school)
    rooms_in(building, 2)
    client.force_login(director)
    query = {"building": building.pk, "size": "a4-3x8", "cut_lines": "on"}
    back = client.get(POSTERS, query).context["back_url"]

    form_page = client.get(back)

    assert not labels(form_page.content.decode())
    form = form_page.context["form"]
    assert form["building"].value() == str(building.pk) and form["size"].value() == "a4-3x8"
