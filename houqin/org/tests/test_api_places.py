"""The org API for places: who may read and write rooms, and in which school."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from houqin.factories import DepartmentFactory, FloorFactory, RoomFactory
from houqin.org.models import Room

ROOMS = "api:org:room-list"


@pytest.fixture
def api():
    return APIClient()


def test_teacher_can_list_rooms_of_their_school_only(api, school, other_school, teacher):
    mine = RoomFactory(floor__building__campus__school=school)
    RoomFactory(floor__building__campus__school=other_school)
    api.force_authenticate(teacher)
    response = api.get(reverse(ROOMS))
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [mine.pk]


def test_teacher_cannot_create_a_room(api, school, teacher):
    floor = FloorFactory(building__campus__school=school)
    api.force_authenticate(teacher)
    response = api.post(reverse(ROOMS), {"floor": floor.pk, "number": "301"})
    assert response.status_code == 403
    assert not Room.objects.exists()


def test_director_creates_a_room_in_the_current_school_whatever_the_payload_says(
    api, school, other_school, director
):
    floor = FloorFactory(building__campus__school=school)
    api.force_authenticate(director)
    response = api.post(
        reverse(ROOMS),
        {"floor": floor.pk, "number": "301", "room_type": "lab", "school": other_school.pk},
    )
    assert response.status_code == 201, response.json()
    room = Room.objects.get(pk=response.json()["id"])
    assert room.school == school
    assert room.room_type == "lab"


def test_a_floor_of_another_school_is_a_field_error(api, school, other_school, director):
    foreign_floor = FloorFactory(building__campus__school=other_school)
    api.force_authenticate(director)
    response = api.post(reverse(ROOMS), {"floor": foreign_floor.pk, "number": "301"})
    assert response.status_code == 400
    assert "floor" in response.json()
    assert not Room.objects.exists()


def test_a_department_of_another_school_is_a_field_error(api, school, other_school, director):
    floor = FloorFactory(building__campus__school=school)
    foreign = DepartmentFactory(school=other_school)
    api.force_authenticate(director)
    response = api.post(
        reverse(ROOMS), {"floor": floor.pk, "number": "301", "department": foreign.pk}
    )
    assert response.status_code == 400
    assert "department" in response.json()


def test_a_duplicate_room_number_on_a_floor_is_a_400_not_a_crash(api, school, director):
    room = RoomFactory(floor__building__campus__school=school, number="301")
    api.force_authenticate(director)
    response = api.post(reverse(ROOMS), {"floor": room.floor_id, "number": "301"})
    assert response.status_code == 400
    assert Room.objects.count() == 1


def test_teacher_changing_a_room_they_can_see_is_403(api, school, teacher):
    room = RoomFactory(floor__building__campus__school=school, name="物理实验室")
    api.force_authenticate(teacher)
    response = api.patch(reverse("api:org:room-detail", args=[room.pk]), {"name": "改名"})
    assert response.status_code == 403
    room.refresh_from_db()
    assert room.name == "物理实验室"


def test_a_room_of_another_school_is_404_even_for_the_director(api, school, other_school, director):
    foreign = RoomFactory(floor__building__campus__school=other_school, name="别校教室")
    api.force_authenticate(director)
    url = reverse("api:org:room-detail", args=[foreign.pk])
    assert api.get(url).status_code == 404
    assert api.patch(url, {"name": "改名"}).status_code == 404
    assert api.delete(url).status_code == 404
    foreign.refresh_from_db()
    assert foreign.name == "别校教室"


def test_director_renames_a_room(api, school, director):
    room = RoomFactory(floor__building__campus__school=school)
    api.force_authenticate(director)
    response = api.patch(reverse("api:org:room-detail", args=[room.pk]), {"name": "多功能厅"})
    assert response.status_code == 200
    room.refresh_from_db()
    assert room.name == "多功能厅"


def test_qr_token_is_shown_to_those_who_may_change_rooms(api, school, director):
    room = RoomFactory(floor__building__campus__school=school)
    api.force_authenticate(director)
    body = api.get(reverse("api:org:room-detail", args=[room.pk])).json()
    assert body["qr_token"] == room.qr_token


def test_qr_token_is_hidden_from_teachers(api, school, teacher):
    room = RoomFactory(floor__building__campus__school=school)
    api.force_authenticate(teacher)
    assert "qr_token" not in api.get(reverse("api:org:room-detail", args=[room.pk])).json()
    assert room.qr_token not in api.get(reverse(ROOMS)).content.decode()


def test_qr_token_cannot_be_set_through_the_api(api, school, director):
    floor = FloorFactory(building__campus__school=school)
    api.force_authenticate(director)
    response = api.post(reverse(ROOMS), {"floor": floor.pk, "number": "1", "qr_token": "guessable"})
    assert response.status_code == 201
    assert Room.objects.get().qr_token != "guessable"


def test_rooms_filter_by_room_type(api, school, teacher):
    RoomFactory(floor__building__campus__school=school, room_type="lab")
    RoomFactory(floor__building__campus__school=school, room_type="office")
    api.force_authenticate(teacher)
    body = api.get(reverse(ROOMS), {"room_type": "lab"}).json()
    assert [r["room_type"] for r in body["results"]] == ["lab"]


def test_term_outside_its_year_is_a_400(api, school, director):
    from houqin.org.models import AcademicYear

    year = AcademicYear.objects.create(
        school=school, name="2026-2027", start_date="2026-09-01", end_date="2027-08-31"
    )
    api.force_authenticate(director)
    response = api.post(
        reverse("api:org:term-list"),
        {
            "year": year.pk,
            "number": 1,
            "name": "上学期",
            "start_date": "2026-08-01",
            "end_date": "2027-01-20",
        },
    )
    assert response.status_code == 400
    assert year.terms.count() == 0


def test_department_head_must_be_a_member_of_the_school(
    api, school, other_school, director, make_member
):
    outsider = make_member(other_school, "staff", username="outsider")
    api.force_authenticate(director)
    response = api.post(reverse("api:org:department-list"), {"name": "总务处", "head": outsider.pk})
    assert response.status_code == 400
    assert "head" in response.json()
    response = api.post(reverse("api:org:department-list"), {"name": "总务处", "head": director.pk})
    assert response.status_code == 201
    assert response.json()["head_name"] == director.full_name
