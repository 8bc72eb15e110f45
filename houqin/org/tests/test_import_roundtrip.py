"""Export → edit in Excel → import: the export writes the import layout, so nothing is lost."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from houqin.factories import DepartmentFactory, RoomFactory
from houqin.org.importers import ClassesImporter, PlacesImporter, StaffImporter
from houqin.org.models import Membership, Room, SchoolClass
from houqin.org.tests.files.build import read_xlsx


@pytest.fixture
def director_b(other_school, make_member):
    return make_member(other_school, "director", username="director-b")


def export(client, user, name, fmt="xlsx"):
    client.force_login(user)
    response = client.get(reverse(name), {"format": fmt})
    assert response.status_code == 200
    return SimpleUploadedFile(f"export.{fmt}", response.content)


def room_rows(school):
    return sorted(
        Room.objects.filter(school=school).values_list(
            "floor__building__campus__name",
            "floor__building__name",
            "floor__number",
            "number",
            "name",
            "room_type",
            "area",
            "capacity",
            "department__name",
        )
    )


@pytest.fixture
def places(school):
    for name in ("教务处", "总务处"):
        DepartmentFactory(school=school, name=name)
    dept = school_department(school, "总务处")
    RoomFactory(
        floor__building__campus__school=school,
        floor__building__name="博文楼",
        floor__number=-1,
        number="B01",
        name="配电房",
        room_type="other",
        area=Decimal("12.30"),
        department=dept,
    )
    RoomFactory(
        floor__building__campus__school=school,
        floor__building__name="行知楼",
        number="0301",
        room_type="lab",
        capacity=48,
    )
    RoomFactory(floor__building__campus__school=school, number="OUT", room_type="outdoor", name="")


def school_department(school, name):
    from houqin.org.models import Department

    return Department.objects.get(school=school, name=name)


def test_places_export_reimported_into_the_same_school_changes_nothing(
    client, school, director, places
):
    before = room_rows(school)
    result = PlacesImporter().run(
        export(client, director, "org:export_places"), school=school, by=director
    )
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert room_rows(school) == before


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_places_export_imported_into_another_school_keeps_every_row(
    client, school, other_school, director, director_b, places, fmt
):
    for name in ("教务处", "总务处"):
        DepartmentFactory(school=other_school, name=name)
    upload = export(client, director, "org:export_places", fmt)
    result = PlacesImporter().run(upload, school=other_school, by=director_b)
    assert result.ok, result.errors
    assert room_rows(other_school) == room_rows(school)


def test_places_export_shows_only_this_schools_rooms(
    client, school, other_school, director, places
):
    RoomFactory(floor__building__campus__school=other_school, number="乙校专用")
    rows = read_xlsx(export(client, director, "org:export_places").read())
    assert rows[0] == PlacesImporter.headers
    assert len(rows) == 1 + 3
    assert "乙校专用" not in {r[3] for r in rows}


def test_staff_export_round_trip_keeps_every_member(client, school, director, make_member):
    dept = DepartmentFactory(school=school, name="总务处")
    make_member(school, "clerk", "staff", username="lifang", full_name="李芳", department=dept)
    make_member(school, "worker", username="zhao", full_name="赵强", phone="13912345678")
    before = sorted(
        (
            m.employee_no,
            m.user.username,
            m.user.full_name,
            m.user.phone,
            m.department_id,
            tuple(sorted(m.role_codes)),
        )
        for m in Membership.objects.filter(school=school)
        .select_related("user")
        .prefetch_related("roles")
    )
    result = StaffImporter().run(
        export(client, director, "org:export_staff"), school=school, by=director
    )
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    after = sorted(
        (
            m.employee_no,
            m.user.username,
            m.user.full_name,
            m.user.phone,
            m.department_id,
            tuple(sorted(m.role_codes)),
        )
        for m in Membership.objects.filter(school=school)
        .select_related("user")
        .prefetch_related("roles")
    )
    assert after == before


def test_classes_export_round_trip_keeps_every_class(client, school, director, make_member):
    wang = make_member(school, "class_teacher", username="wang", full_name="王老师")
    make_member(
        school, "staff", username="wang2", full_name="王老师"
    )  # same name: export must use 工号
    room = RoomFactory(
        floor__building__campus__school=school, floor__building__name="博文楼", number="301"
    )
    RoomFactory(
        floor__building__campus__school=school, floor__building__name="行知楼", number="301"
    )
    SchoolClass.objects.create(
        school=school,
        grade=7,
        number=1,
        class_teacher=wang,
        student_count=45,
        room=room,
        entry_year=2026,
    )
    SchoolClass.objects.create(school=school, grade=12, number=10, student_count=0)
    before = sorted(
        SchoolClass.objects.values_list(
            "grade", "number", "class_teacher", "student_count", "room", "entry_year"
        )
    )
    result = ClassesImporter().run(
        export(client, director, "org:export_classes"), school=school, by=director
    )
    assert result.ok, result.errors
    assert result.unchanged == 2
    after = sorted(
        SchoolClass.objects.values_list(
            "grade", "number", "class_teacher", "student_count", "room", "entry_year"
        )
    )
    assert after == before
