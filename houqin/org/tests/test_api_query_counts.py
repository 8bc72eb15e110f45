"""Every org list endpoint runs a fixed number of queries, whatever its row count.

The allowed counts live in ``api_query_baseline.json`` (URL name → most queries). Each list is
loaded with N rows and with 3N rows: the counts must stay within the baseline and be equal.
With a session login a list runs 6: session, user, membership, its roles (the access), the
page count and the page; people add one for their roles (prefetched).
"""

import datetime
import json
from pathlib import Path

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from houqin import factories as f
from houqin.core.testing import assert_query_baseline
from houqin.org import models as org

BASELINE = json.loads(
    (Path(__file__).parent / "api_query_baseline.json").read_text(encoding="utf-8")
)
_serial = iter(range(1, 10_000))


def add_rows(school, n):
    """n rows of every org list, each with the relations its serializer shows."""
    for _ in range(n):
        i = next(_serial)
        room = f.RoomFactory(floor__building__campus__school=school)
        head = f.member(school, "staff", username=f"head-{i}")
        dept = f.DepartmentFactory(school=school, head=head)
        room.department = dept
        room.save()
        company = f.CompanyFactory(school=school)
        f.SchoolClassFactory(school=school, grade=1 + i % 12, class_teacher=head, room=room)
        f.member(
            school, "worker", "staff", department=dept, company=company, username=f"person-{i}"
        )
        start = datetime.date(2000 + i, 9, 1)
        year = org.AcademicYear.objects.create(
            school=school,
            name=f"{2000 + i}",
            start_date=start,
            end_date=start.replace(year=2001 + i),
        )
        org.Term.objects.create(
            school=school,
            year=year,
            number=1,
            name=f"T{i}",
            start_date=start,
            end_date=start + datetime.timedelta(days=120),
        )
        org.Holiday.objects.create(school=school, name=f"H{i}", start_date=start, end_date=start)


@pytest.mark.parametrize("name", sorted(BASELINE))
def test_list_endpoint_query_count_does_not_grow_with_rows(name, school, director):
    api = APIClient()
    api.force_login(director)
    url = reverse(name)
    add_rows(school, 2)
    few = assert_query_baseline(api, url, name, BASELINE)
    add_rows(school, 4)
    many = assert_query_baseline(api, url, name, BASELINE)
    assert many == few, f"{name}: {few} queries with 2 rows, {many} with 6"
    assert len(api.get(url).json()["results"]) >= 6 or name == "api:org:school-list"


def test_every_org_list_endpoint_has_a_baseline():
    from houqin.org.api import router

    names = {f"api:org:{basename}-list" for _, _, basename in router.registry}
    assert names == set(BASELINE)
