"""Exports and the checking of an import run a fixed number of queries, whatever the rows."""

import pytest
from django.urls import reverse

from houqin.factories import RoomFactory, SchoolClassFactory
from houqin.org.importers import StaffImporter
from houqin.org.tests.files.build import xlsx


def make_rooms(school, n):
    for _ in range(n):
        RoomFactory(floor__building__campus__school=school)


@pytest.mark.parametrize("name", ["org:export_places", "org:export_staff", "org:export_classes"])
def test_exports_run_a_bounded_number_of_queries(client, school, director, make_member,
                                                  django_assert_max_num_queries, name):  # fmt: skip
    client.force_login(director)
    for n in (3, 9):
        make_rooms(school, n)
        for i in range(n):
            make_member(school, "staff", "class_teacher")
            SchoolClassFactory(school=school, grade=7 + i % 3)
        # session, user, access (membership + roles), then the rows (+ roles or teachers' numbers)
        with django_assert_max_num_queries(6):
            assert client.get(reverse(name)).status_code == 200


def test_checking_a_staff_file_runs_a_bounded_number_of_queries(
    school, director, django_assert_max_num_queries
):
    header = ["工号", "姓名", "手机", "部门", "角色"]
    rows = [[f"{2000 + i}", f"老师{i}", f"1380000{i:04d}", "", "教师"] for i in range(60)]
    rows.append(["9999", "错号", "123", "", "教师"])  # one bad row: nothing is written
    # access, users by username, memberships (+ roles), other schools' members, departments
    with django_assert_max_num_queries(6):
        result = StaffImporter().run(xlsx([header, *rows]), school=school, by=director)
    assert len(result.errors) == 1
