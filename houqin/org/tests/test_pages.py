"""The org pages: who may see and change places, people and the calendar, and nothing crosses schools."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from houqin.factories import (
    CampusFactory,
    CompanyFactory,
    DepartmentFactory,
    FloorFactory,
    MembershipFactory,
    RoomFactory,
    SchoolClassFactory,
    UserFactory,
)
from houqin.org.models import (
    AcademicYear,
    Building,
    Campus,
    Floor,
    Membership,
    Room,
    RoomType,
    Term,
    User,
)
from houqin.org.roles import Role


@pytest.fixture(autouse=True)
def _user_choices(settings):
    # Until settings.py names it, core needs to be told how to pick a school's people.
    settings.HOUQIN_USER_CHOICES = "houqin.org.filters.member_users"


@pytest.fixture
def floor(school):
    return FloorFactory(building__campus__school=school, building__school=school, school=school)


@pytest.fixture
def room(floor):
    return RoomFactory(floor=floor, school=floor.school, number="101")


@pytest.fixture
def foreign_room(other_school):
    return RoomFactory(
        floor__building__campus__school=other_school,
        floor__building__school=other_school,
        floor__school=other_school,
        school=other_school,
        number="999",
    )


def room_post(floor, **extra):
    data = {
        "floor": floor.pk,
        "number": "201",
        "name": "化学实验室",
        "room_type": RoomType.LAB,
        "area": "60.5",
        "capacity": "48",
        "department": "",
        "is_active": "on",
    }
    data.update(extra)
    return data


# ---------------------------------------------------------------- who may do what


def test_teacher_can_view_rooms(client, teacher, room):
    client.force_login(teacher)
    assert client.get(reverse("org:room_list")).status_code == 200
    response = client.get(reverse("org:room_detail", args=[room.pk]))
    assert response.status_code == 200
    assert "101" in response.content.decode()


def test_teacher_cannot_add_a_room(client, teacher, floor):
    client.force_login(teacher)
    assert client.get(reverse("org:room_add")).status_code == 403
    assert client.post(reverse("org:room_add"), room_post(floor)).status_code == 403
    assert not Room.objects.exists()


def test_teacher_cannot_edit_or_delete_a_room(client, teacher, room):
    client.force_login(teacher)
    assert client.get(reverse("org:room_edit", args=[room.pk])).status_code == 403
    assert client.post(reverse("org:room_delete", args=[room.pk])).status_code == 403
    assert Room.objects.filter(pk=room.pk).exists()


def test_director_can_add_a_room(client, director, school, floor):
    client.force_login(director)
    assert client.get(reverse("org:room_add")).status_code == 200
    response = client.post(reverse("org:room_add"), room_post(floor))
    created = Room.objects.get(number="201")
    assert response.status_code == 302
    assert response.url == reverse("org:room_detail", args=[created.pk])
    assert created.school == school
    assert created.room_type == RoomType.LAB


def test_director_can_edit_a_room(client, director, room):
    client.force_login(director)
    response = client.post(
        reverse("org:room_edit", args=[room.pk]), room_post(room.floor, number="102")
    )
    assert response.status_code == 302
    room.refresh_from_db()
    assert room.number == "102"


def test_director_can_delete_an_unused_room(client, director, room):
    client.force_login(director)
    response = client.post(reverse("org:room_delete", args=[room.pk]))
    assert response.status_code == 302
    assert response.url == reverse("org:room_list")
    assert not Room.objects.filter(pk=room.pk).exists()


def test_delete_is_post_only(client, director, room):
    client.force_login(director)
    assert client.get(reverse("org:room_delete", args=[room.pk])).status_code == 405
    assert Room.objects.filter(pk=room.pk).exists()


def test_anonymous_is_sent_to_login(client, room):
    response = client.get(reverse("org:room_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_person_of_no_school_cannot_open_lists(client, db):
    client.force_login(UserFactory(username="nobody"))
    assert client.get(reverse("org:room_list")).status_code == 403


@pytest.mark.parametrize("role", Role.values)
def test_room_of_another_school_is_not_found_for_every_role(
    client, school, make_member, foreign_room, role
):
    client.force_login(make_member(school, role, username=f"r-{role}"))
    assert client.get(reverse("org:room_detail", args=[foreign_room.pk])).status_code == 404
    assert client.get(reverse("org:room_edit", args=[foreign_room.pk])).status_code == 404
    assert (
        client.post(
            reverse("org:room_edit", args=[foreign_room.pk]), room_post(foreign_room.floor)
        ).status_code
        == 404
    )
    assert client.post(reverse("org:room_delete", args=[foreign_room.pk])).status_code == 404
    assert Room.objects.filter(pk=foreign_room.pk, number="999").exists()


def test_room_list_never_shows_another_schools_rooms(client, director, room, foreign_room):
    client.force_login(director)
    body = client.get(reverse("org:room_list")).content.decode()
    assert reverse("org:room_detail", args=[room.pk]) in body
    assert reverse("org:room_detail", args=[foreign_room.pk]) not in body


def test_department_head_may_edit_their_own_department_only(client, school, make_member):
    head = make_member(school, "dept_head", username="head")
    own = DepartmentFactory(school=school, head=head)
    other = DepartmentFactory(school=school)
    client.force_login(head)
    assert client.get(reverse("org:department_edit", args=[own.pk])).status_code == 200
    assert client.get(reverse("org:department_edit", args=[other.pk])).status_code == 403


# ---------------------------------------------------------------- forms stay in the school


def test_room_form_refuses_a_floor_of_another_school(client, director, foreign_room):
    client.force_login(director)
    response = client.post(reverse("org:room_add"), room_post(foreign_room.floor, number="777"))
    assert response.status_code == 200
    assert "floor" in response.context["form"].errors
    assert not Room.objects.filter(number="777").exists()


def test_floor_form_refuses_a_building_of_another_school(client, director, foreign_room):
    client.force_login(director)
    building_b = foreign_room.floor.building
    floors_before = Floor.objects.count()
    response = client.post(
        reverse("org:floor_add"), {"building": building_b.pk, "number": "9", "name": ""}
    )
    assert response.status_code == 200
    assert "building" in response.context["form"].errors
    assert Floor.objects.count() == floors_before


def test_room_form_refuses_a_department_of_another_school(client, director, floor, other_school):
    client.force_login(director)
    foreign_department = DepartmentFactory(school=other_school)
    response = client.post(
        reverse("org:room_add"), room_post(floor, department=foreign_department.pk)
    )
    assert "department" in response.context["form"].errors
    assert not Room.objects.filter(number="201").exists()


def test_a_school_id_in_the_form_is_ignored(client, director, school, other_school):
    client.force_login(director)
    client.post(reverse("org:campus_add"), {"name": "东校区", "school": other_school.pk})
    assert Campus.objects.get(name="东校区").school == school


def test_editing_never_moves_an_object_to_another_school(
    client, director, school, other_school, room
):
    client.force_login(director)
    client.post(
        reverse("org:room_edit", args=[room.pk]), room_post(room.floor, school=other_school.pk)
    )
    room.refresh_from_db()
    assert room.school == school


def test_form_choices_list_only_the_current_school(client, director, floor, foreign_room):
    client.force_login(director)
    form = client.get(reverse("org:room_add")).context["form"]
    assert list(form.fields["floor"].queryset) == [floor]


def test_duplicate_name_in_the_same_school_is_a_form_error(client, director, school):
    CampusFactory(school=school, name="本部")
    client.force_login(director)
    response = client.post(reverse("org:campus_add"), {"name": "本部"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Campus.objects.filter(name="本部").count() == 1


def test_the_same_name_in_another_school_is_fine(client, director, other_school):
    CampusFactory(school=other_school, name="本部")
    client.force_login(director)
    assert client.post(reverse("org:campus_add"), {"name": "本部"}).status_code == 302


def test_class_teacher_choices_are_members_of_the_school(
    client, director, school, other_school, make_member
):
    mine = make_member(school, "class_teacher", username="ct-a")
    stranger = make_member(other_school, "class_teacher", username="ct-b")
    client.force_login(director)
    choices = set(
        client.get(reverse("org:class_add")).context["form"].fields["class_teacher"].queryset
    )
    assert mine in choices
    assert stranger not in choices


# ---------------------------------------------------------------- delete, filters, export, htmx


def test_deleting_a_building_with_floors_is_refused_and_deletes_nothing(client, director, floor):
    building = floor.building
    client.force_login(director)
    response = client.post(reverse("org:building_delete", args=[building.pk]), follow=True)
    assert Building.objects.filter(pk=building.pk).exists()
    assert Floor.objects.filter(pk=floor.pk).exists()
    text = " ".join(str(m) for m in response.context["messages"])
    assert "cannot be deleted" in text or "不能删除" in text
    assert response.redirect_chain[-1][0] == reverse("org:building_detail", args=[building.pk])


def test_room_list_filters_by_type_and_text(client, director, floor):
    lab = RoomFactory(floor=floor, school=floor.school, number="301", room_type=RoomType.LAB)
    office = RoomFactory(floor=floor, school=floor.school, number="302", room_type=RoomType.OFFICE)
    client.force_login(director)
    table = client.get(reverse("org:room_list"), {"room_type": "lab"}).context["table"]
    assert [r.pk for r in table.data] == [lab.pk]
    table = client.get(reverse("org:room_list"), {"q": "302"}).context["table"]
    assert [r.pk for r in table.data] == [office.pk]


def test_filtering_by_another_schools_building_shows_nothing(client, director, room, foreign_room):
    client.force_login(director)
    response = client.get(reverse("org:room_list"), {"building": foreign_room.floor.building.pk})
    assert list(response.context["table"].data) == []


def read_xlsx(response):
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    return rows[0], rows[1:]


def test_room_export_contains_exactly_the_filtered_rooms(client, director, floor, foreign_room):
    labs = [
        RoomFactory(floor=floor, school=floor.school, number=f"L{i}", room_type=RoomType.LAB)
        for i in range(3)
    ]
    RoomFactory(floor=floor, school=floor.school, number="O1", room_type=RoomType.OFFICE)
    foreign_room.room_type = RoomType.LAB
    foreign_room.save()
    client.force_login(director)
    response = client.get(reverse("org:room_list"), {"room_type": "lab", "export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    headers, rows = read_xlsx(response)
    assert len(headers) > 5  # the table's columns, not just an id
    # The room number is the list's first column.
    assert sorted(row[0] for row in rows) == sorted(r.number for r in labs)


def test_export_ignores_pagination(client, director, floor):
    for i in range(60):
        RoomFactory(floor=floor, school=floor.school, number=f"{1000 + i}")
    client.force_login(director)
    _, rows = read_xlsx(client.get(reverse("org:room_list"), {"export": "xlsx", "page": "2"}))
    assert len(rows) == 60


def test_csv_export_has_a_bom_for_excel(client, director, room):
    client.force_login(director)
    response = client.get(reverse("org:room_list"), {"export": "csv"})
    assert response.content.startswith("\ufeff".encode())
    assert "101" in response.content.decode("utf-8-sig")


def test_teacher_may_not_export_the_staff_list(client, teacher):
    client.force_login(teacher)
    assert client.get(reverse("org:member_list"), {"export": "xlsx"}).status_code == 403


def test_htmx_request_for_the_table_gets_only_the_table(client, director, room):
    client.force_login(director)
    response = client.get(
        reverse("org:room_list"), headers={"HX-Request": "true", "HX-Target": "object-table"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="object-table"' in body
    assert "<html" not in body


def test_room_list_is_paginated_at_fifty(client, director, floor):
    for i in range(55):
        RoomFactory(floor=floor, school=floor.school, number=f"{2000 + i}")
    client.force_login(director)
    table = client.get(reverse("org:room_list"), {"per_page": "1000"}).context["table"]
    assert len(table.page.object_list) == 50
    assert (
        len(client.get(reverse("org:room_list"), {"page": "2"}).context["table"].page.object_list)
        == 5
    )


def test_room_list_sorts_by_number(client, director, floor):
    for number in ("B2", "A1", "C3"):
        RoomFactory(floor=floor, school=floor.school, number=number)
    client.force_login(director)
    table = client.get(reverse("org:room_list"), {"sort": "-number"}).context["table"]
    assert [r.record.number for r in table.page.object_list] == ["C3", "B2", "A1"]


# ---------------------------------------------------------------- room QR, places tree


def test_room_detail_shows_its_qr_code_for_the_report_url(client, teacher, room):
    client.force_login(teacher)
    body = client.get(reverse("org:room_detail", args=[room.pk])).content.decode()
    assert "<svg" in body
    assert f"http://testserver/r/{room.qr_token}/" in body


def test_places_tree_shows_rooms_under_their_floor_with_counts(client, teacher, room, foreign_room):
    client.force_login(teacher)
    response = client.get(reverse("org:places"))
    campus = response.context["campuses"][0]
    assert campus.room_total == 1
    assert campus.building_list[0].floor_list[0].room_list[0]["number"] == "101"
    assert "999" not in response.content.decode()


# ---------------------------------------------------------------- people


def member_post(**extra):
    data = {
        "username": "wangfang",
        "full_name": "王芳",
        "phone": "13900000001",
        "employee_no": "T1001",
        "department": "",
        "company": "",
        "title": "物理教师",
        "roles": ["staff", "class_teacher"],
    }
    data.update(extra)
    return data


def test_director_adds_a_new_member_with_their_login(client, director, school):
    department = DepartmentFactory(school=school)
    client.force_login(director)
    response = client.post(
        reverse("org:member_add"), member_post(department=department.pk, password="Qwerty-2026!")
    )
    membership = Membership.objects.get(user__username="wangfang")
    assert response.status_code == 302
    assert membership.school == school
    assert membership.department == department
    assert sorted(membership.role_codes) == ["class_teacher", "staff"]
    assert membership.user.full_name == "王芳"
    assert membership.user.check_password("Qwerty-2026!")


def test_an_existing_person_joins_the_school_without_a_second_login(
    client, director, school, other_school
):
    existing = UserFactory(username="wangfang", full_name="王芳")
    MembershipFactory(school=other_school, user=existing)
    client.force_login(director)
    client.post(reverse("org:member_add"), member_post())
    assert User.objects.filter(username="wangfang").count() == 1
    assert set(existing.memberships.values_list("school", flat=True)) == {
        school.pk,
        other_school.pk,
    }


def test_adding_someone_twice_is_a_clear_error(client, director, school):
    client.force_login(director)
    client.post(reverse("org:member_add"), member_post())
    response = client.post(reverse("org:member_add"), member_post(employee_no="T9"))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Membership.objects.filter(user__username="wangfang").count() == 1


def test_duplicate_employee_number_is_refused(client, director, school):
    client.force_login(director)
    client.post(reverse("org:member_add"), member_post())
    response = client.post(
        reverse("org:member_add"), member_post(username="lisi", employee_no="T1001")
    )
    assert response.context["form"].errors
    assert not User.objects.filter(username="lisi").exists()


def test_nobody_grants_a_role_with_rights_they_lack(client, school, make_member, monkeypatch):
    from houqin.org.roles import ROLE_PERMISSIONS

    # Later modules give the principal rights a clerk lacks (approving large purchases).
    monkeypatch.setitem(
        ROLE_PERMISSIONS, Role.PRINCIPAL, ROLE_PERMISSIONS[Role.PRINCIPAL] | {"x.approve_big"}
    )
    clerk = make_member(school, "clerk", username="clerk")
    client.force_login(clerk)
    response = client.post(reverse("org:member_add"), member_post(roles=["principal"]))
    assert response.status_code == 200
    assert not User.objects.filter(username="wangfang").exists()


def test_teacher_cannot_add_members(client, teacher):
    client.force_login(teacher)
    assert client.post(reverse("org:member_add"), member_post()).status_code == 403


def test_director_edits_a_member_and_their_roles(client, director, school, make_member):
    person = make_member(school, "staff", username="p1")
    membership = person.memberships.get()
    client.force_login(director)
    response = client.post(
        reverse("org:member_edit", args=[membership.pk]),
        member_post(username="ignored", full_name="李四", roles=["worker"], is_active="on"),
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    person.refresh_from_db()
    assert person.full_name == "李四"
    assert person.username == "p1"
    assert membership.role_codes == ["worker"]


def test_member_of_another_school_is_not_found(client, director, other_school):
    stranger = MembershipFactory(school=other_school)
    client.force_login(director)
    assert client.get(reverse("org:member_detail", args=[stranger.pk])).status_code == 404
    assert client.get(reverse("org:member_edit", args=[stranger.pk])).status_code == 404


def test_member_list_filters_by_role(client, director, school, make_member):
    worker = make_member(school, "worker", username="w1")
    make_member(school, "keeper", username="k1")
    client.force_login(director)
    table = client.get(reverse("org:member_list"), {"role": "worker"}).context["table"]
    assert [m.user for m in table.data] == [worker]


def test_contractor_sees_only_their_company_in_the_people_list(client, school, make_member):
    company = CompanyFactory(school=school)
    contractor = make_member(school, "contractor", company=company, username="c1")
    make_member(school, "staff", username="t1")
    client.force_login(contractor)
    table = client.get(reverse("org:member_list")).context["table"]
    assert [m.user for m in table.data] == [contractor]


# ---------------------------------------------------------------- calendar and the rest


def test_director_adds_a_year_and_a_term(client, director, school):
    client.force_login(director)
    response = client.post(
        reverse("org:year_add"),
        {"name": "2026-2027", "start_date": "2026-09-01", "end_date": "2027-08-31"},
    )
    assert response.status_code == 302
    year = AcademicYear.objects.get(school=school)
    response = client.post(
        reverse("org:term_add"),
        {
            "year": year.pk,
            "number": 1,
            "name": "2026秋",
            "start_date": "2026-09-01",
            "end_date": "2027-01-20",
        },
    )
    assert response.status_code == 302
    assert Term.objects.get().school == school


def test_a_term_outside_its_year_is_refused(client, director, school):
    year = AcademicYear.objects.create(
        school=school, name="2026-2027", start_date="2026-09-01", end_date="2027-08-31"
    )
    client.force_login(director)
    response = client.post(
        reverse("org:term_add"),
        {
            "year": year.pk,
            "number": 1,
            "name": "x",
            "start_date": "2026-08-01",
            "end_date": "2027-01-20",
        },
    )
    assert response.status_code == 200
    assert not Term.objects.exists()


@pytest.mark.parametrize(
    "name",
    [
        "campus",
        "building",
        "floor",
        "room",
        "department",
        "class",
        "company",
        "member",
        "year",
        "term",
        "holiday",
    ],
)
def test_every_list_page_renders_for_the_director(client, director, room, name):
    SchoolClassFactory(school=room.school)
    client.force_login(director)
    assert client.get(reverse(f"org:{name}_list")).status_code == 200


@pytest.mark.parametrize(
    "name", ["campus", "building", "floor", "room", "department", "class", "company"]
)
def test_every_detail_and_edit_page_renders_for_the_director(client, director, school, room, name):
    objects = {
        "campus": room.floor.building.campus,
        "building": room.floor.building,
        "floor": room.floor,
        "room": room,
        "department": DepartmentFactory(school=school),
        "class": SchoolClassFactory(school=school),
        "company": CompanyFactory(school=school),
    }
    client.force_login(director)
    pk = objects[name].pk
    assert client.get(reverse(f"org:{name}_detail", args=[pk])).status_code == 200
    assert client.get(reverse(f"org:{name}_edit", args=[pk])).status_code == 200
    assert client.get(reverse(f"org:{name}_add")).status_code == 200


def test_member_list_filters_out_inactive_people(client, director, school, make_member):
    gone = make_member(school, "staff", username="gone")
    gone.memberships.update(is_active=False)
    client.force_login(director)
    active = client.get(reverse("org:member_list"), {"is_active": "true"}).context["table"]
    inactive = client.get(reverse("org:member_list"), {"is_active": "false"}).context["table"]
    assert gone not in [m.user for m in active.data]
    assert [m.user for m in inactive.data] == [gone]


def test_a_page_past_the_end_shows_the_last_page(client, director, floor):
    for i in range(3):
        RoomFactory(floor=floor, school=floor.school, number=f"{3000 + i}")
    client.force_login(director)
    for page in ("99", "abc"):
        response = client.get(reverse("org:room_list"), {"page": page})
        assert response.status_code == 200
        assert len(response.context["table"].page.object_list) == 3


def test_create_member_service_checks_permission(school, teacher):
    from houqin.core.errors import PermissionDenied
    from houqin.org.services import create_member

    with pytest.raises(PermissionDenied):
        create_member(school=school, by=teacher, username="x1", full_name="某人", roles=["staff"])
    assert not User.objects.filter(username="x1").exists()


def test_nobody_deactivates_themselves(school, director):
    from houqin.core.errors import DomainError
    from houqin.org.services import update_member

    membership = director.memberships.get()
    with pytest.raises(DomainError):
        update_member(
            membership=membership, by=director, full_name="张", roles=["director"], is_active=False
        )
    membership.refresh_from_db()
    assert membership.is_active


def test_delete_refusal_names_what_still_uses_the_object(client, director, floor):
    client.force_login(director)
    response = client.post(
        reverse("org:campus_delete", args=[floor.building.campus.pk]), follow=True
    )
    text = " ".join(str(m) for m in response.context["messages"])
    assert str(Building._meta.verbose_name) in text
    assert Campus.objects.filter(pk=floor.building.campus.pk).exists()



def test_room_detail_links_to_its_change_history_showing_a_rename(client, director, floor):
    client.force_login(director)
    client.post(reverse("org:room_add"), room_post(floor, name="旧名称"))
    room = Room.objects.get(number="201")
    client.post(reverse("org:room_edit", args=[room.pk]), room_post(floor, name="新名称"))
    detail = client.get(reverse("org:room_detail", args=[room.pk])).content.decode()
    history_url = reverse("object_history", args=["org", "room", room.pk])
    assert history_url in detail
    history = client.get(history_url).content.decode()
    assert "旧名称" in history and "新名称" in history
