"""Every org list page runs the same number of queries for 3 rows as for 9 (NetBox-style baseline)."""

from datetime import date, timedelta
from itertools import count
from pathlib import Path

import pytest
from django.urls import reverse

from houqin.core.testing import assert_query_baseline, count_queries, load_baseline
from houqin.factories import (
    CompanyFactory,
    DepartmentFactory,
    RoomFactory,
    SchoolClassFactory,
    member,
)
from houqin.org.models import AcademicYear, Holiday, Term

BASELINE = load_baseline(Path(__file__).parent)
N = 3
_serial = count(1)


@pytest.fixture(autouse=True)
def _user_choices(settings):
    settings.HOUQIN_USER_CHOICES = "houqin.org.filters.member_users"


def place(school, **room_fields):
    """A room on its own floor, building and campus, so every level of the tree grows."""
    return RoomFactory(
        floor__building__campus__school=school,
        floor__building__school=school,
        floor__school=school,
        school=school,
        department=DepartmentFactory(school=school),
        **room_fields,
    )


def make_year(school):
    n = next(_serial)
    start = date(2000 + n, 9, 1)
    return AcademicYear.objects.create(
        school=school,
        name=f"{2000 + n}-{2001 + n}",
        start_date=start,
        end_date=start + timedelta(days=360),
    )


def make_term(school):
    year = make_year(school)
    return Term.objects.create(
        school=school,
        year=year,
        number=1,
        name=f"{year.name} 1",
        start_date=year.start_date,
        end_date=year.start_date + timedelta(days=140),
    )


def make_holiday(school):
    day = date(2026, 1, 1) + timedelta(days=next(_serial))
    return Holiday.objects.create(school=school, name=f"假期{day}", start_date=day, end_date=day)


def make_member(school):
    n = next(_serial)
    return member(
        school,
        "staff",
        "worker",
        department=DepartmentFactory(school=school),
        company=CompanyFactory(school=school),
        username=f"qc{n}",
    )


def make_class(school):
    teacher = member(school, "class_teacher", username=f"ct{next(_serial)}")
    return SchoolClassFactory(school=school, class_teacher=teacher, room=place(school))


def make_department(school):
    head = member(school, "dept_head", username=f"dh{next(_serial)}")
    return DepartmentFactory(school=school, head=head)


def make_company(school):
    company = CompanyFactory(school=school)
    member(school, "contractor", company=company, username=f"co{next(_serial)}")
    return company


MAKERS = {
    "org:campus_list": place,
    "org:building_list": place,
    "org:floor_list": place,
    "org:room_list": place,
    "org:places": place,
    "org:department_list": make_department,
    "org:class_list": make_class,
    "org:company_list": make_company,
    "org:member_list": make_member,
    "org:year_list": make_year,
    "org:term_list": make_term,
    "org:holiday_list": make_holiday,
}


def test_every_org_list_page_has_a_baseline():
    assert set(MAKERS) <= set(BASELINE)


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_list_page_queries_do_not_grow_with_rows(client, school, director, name):
    make = MAKERS[name]
    for _ in range(N):
        make(school)
    client.force_login(director)
    url = reverse(name)
    client.get(url)  # warm the per-user caches a real session would already have
    first = assert_query_baseline(client, url, name, BASELINE)
    for _ in range(2 * N):
        make(school)
    again, response = count_queries(client, url)
    assert response.status_code == 200
    assert again == first, f"{name}: {first} queries with {N} rows, {again} with {3 * N}"


def test_a_filtered_and_sorted_room_list_stays_bounded(
    client, school, director, django_assert_max_num_queries
):
    rooms = [place(school, room_type="lab") for _ in range(3 * N)]
    client.force_login(director)
    url = reverse("org:room_list")
    params = {
        "room_type": "lab",
        "q": "",
        "sort": "-building",
        "building": rooms[0].floor.building_id,
    }
    client.get(url, params)
    # One more than the plain list: checking that the chosen building is one of the school's.
    with django_assert_max_num_queries(BASELINE["org:room_list"] + 1):
        assert client.get(url, params).status_code == 200
