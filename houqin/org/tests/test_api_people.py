"""The people endpoint: memberships with their user fields and roles, written through services."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from houqin.factories import CompanyFactory, DepartmentFactory
from houqin.org.models import Membership, User

PEOPLE = "api:org:person-list"


@pytest.fixture
def api():
    return APIClient()


def test_people_show_user_fields_and_role_codes(api, school, director, make_member):
    dept = DepartmentFactory(school=school, name="教务处")
    make_member(
        school,
        "staff",
        "class_teacher",
        department=dept,
        username="wang",
        full_name="王老师",
        phone="13900000001",
    )
    api.force_authenticate(director)
    people = {p["user"]["username"]: p for p in api.get(reverse(PEOPLE)).json()["results"]}
    wang = people["wang"]
    assert wang["user"]["full_name"] == "王老师"
    assert wang["user"]["phone"] == "13900000001"
    assert wang["roles"] == ["class_teacher", "staff"]
    assert wang["department_name"] == "教务处"


def test_people_of_another_school_are_not_listed(api, school, other_school, director, make_member):
    make_member(other_school, "staff", username="outsider")
    api.force_authenticate(director)
    names = [p["user"]["username"] for p in api.get(reverse(PEOPLE)).json()["results"]]
    assert "outsider" not in names


def test_guard_sees_only_themself_among_people(api, school, teacher, make_member):
    guard = make_member(school, "guard", username="guard")
    api.force_authenticate(guard)
    names = [p["user"]["username"] for p in api.get(reverse(PEOPLE)).json()["results"]]
    assert names == ["guard"]


def test_director_adds_a_person_to_the_current_school(api, school, other_school, director):
    dept = DepartmentFactory(school=school)
    api.force_authenticate(director)
    response = api.post(
        reverse(PEOPLE),
        {
            "username": "li",
            "full_name": "李老师",
            "phone": "13900000002",
            "employee_no": "T001",
            "department": dept.pk,
            "roles": ["staff"],
            "school": other_school.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["roles"] == ["staff"]
    membership = Membership.objects.get(user__username="li")
    assert membership.school == school
    assert membership.department == dept


def test_teacher_cannot_add_people(api, school, teacher):
    api.force_authenticate(teacher)
    response = api.post(
        reverse(PEOPLE), {"username": "x", "full_name": "X", "roles": ["staff"]}, format="json"
    )
    assert response.status_code == 403
    assert not User.objects.filter(username="x").exists()


def test_adding_an_existing_member_is_a_clear_error(api, school, director, teacher):
    api.force_authenticate(director)
    response = api.post(
        reverse(PEOPLE),
        {"username": "teacher", "full_name": "T", "roles": ["staff"]},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "DomainError"
    assert "already a member" in response.json()["detail"]


def test_a_company_of_another_school_is_a_field_error(api, school, other_school, director):
    foreign = CompanyFactory(school=other_school)
    api.force_authenticate(director)
    response = api.post(
        reverse(PEOPLE),
        {"username": "c", "full_name": "C", "company": foreign.pk, "roles": ["contractor"]},
        format="json",
    )
    assert response.status_code == 400
    assert "company" in response.json()


def test_an_unknown_role_is_a_field_error(api, school, director):
    api.force_authenticate(director)
    response = api.post(
        reverse(PEOPLE), {"username": "p", "full_name": "P", "roles": ["king"]}, format="json"
    )
    assert response.status_code == 400
    assert "roles" in response.json()
    assert not User.objects.filter(username="p").exists()


def test_director_changes_a_persons_department_and_roles(api, school, director, teacher):
    dept = DepartmentFactory(school=school)
    membership = teacher.memberships.get()
    api.force_authenticate(director)
    response = api.patch(
        reverse("api:org:person-detail", args=[membership.pk]),
        {"department": dept.pk, "roles": ["staff", "class_teacher"]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    membership.refresh_from_db()
    assert membership.department == dept
    assert sorted(membership.role_codes) == ["class_teacher", "staff"]
    assert membership.user.full_name == teacher.full_name


def test_teacher_cannot_change_their_own_roles(api, school, teacher):
    membership = teacher.memberships.get()
    api.force_authenticate(teacher)
    response = api.patch(
        reverse("api:org:person-detail", args=[membership.pk]),
        {"roles": ["director"]},
        format="json",
    )
    assert response.status_code == 403
    assert membership.role_codes == ["staff"]


def test_people_are_not_deleted_through_the_api(api, school, director, teacher):
    api.force_authenticate(director)
    response = api.delete(reverse("api:org:person-detail", args=[teacher.memberships.get().pk]))
    assert response.status_code == 405
    assert Membership.objects.filter(user=teacher).exists()


def test_people_filter_by_role(api, school, director, make_member):
    make_member(school, "worker", username="worker")
    api.force_authenticate(director)
    body = api.get(reverse(PEOPLE), {"role": "worker"}).json()
    assert [p["user"]["username"] for p in body["results"]] == ["worker"]
